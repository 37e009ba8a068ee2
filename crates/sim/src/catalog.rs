//! The one catalogue of the configs the simulator knows: consumer, producer and topic configs
//! and the console consumer's formatter properties. Each entry has Kafka's name, its type and
//! bounds, the default the simulator uses (and Kafka's, where it differs), a line on what it
//! does, and whether it changes anything in the model.
//!
//! Everything that reads a config goes through here: the console's parser (names, value
//! checks, suggestions), `help`, the state JSON and `kafka-configs --describe` (the values by
//! name), and the core itself ([`crate::clients::consumer_settings`],
//! [`crate::clients::producer_settings`], [`crate::TopicConfigOverrides::set`]), so a bound
//! or a default cannot differ between them.
//!
//! Values are checked as Kafka's `ConfigDef` checks them and stored in a canonical form
//! (`TRUE` → `true`, `RangeAssignor` → `range`); the reasons use `ConfigException`'s wording
//! (`Value must be at least 1`).

/// Which family of configs an entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConfigScope {
    /// `ConsumerConfig`.
    Consumer,
    /// `ProducerConfig`.
    Producer,
    /// `TopicConfig` (`kafka-topics --config`, `kafka-configs --add-config`).
    Topic,
    /// The console consumer's `--property` (`DefaultMessageFormatter`).
    Formatter,
}

impl ConfigScope {
    /// How error messages name the family (`unknown consumer config …`).
    pub fn name(self) -> &'static str {
        match self {
            ConfigScope::Consumer => "consumer",
            ConfigScope::Producer => "producer",
            ConfigScope::Topic => "topic",
            ConfigScope::Formatter => "console consumer --property",
        }
    }
}

/// A named choice and the spellings that select it (compared without case).
pub type Choice = (&'static str, &'static [&'static str]);

/// The type of a config value, with its bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ConfigType {
    /// Free text, not empty.
    Text,
    /// `true` or `false`.
    Bool,
    /// A Java `INT` (`long: false`) or `LONG` with a lower bound.
    Int { long: bool, min: i64 },
    /// A decimal number within bounds.
    Double { min: f64, max: f64 },
    /// One of a fixed set.
    OneOf(&'static [Choice]),
    /// A comma-separated list from a fixed set.
    ListOf(&'static [Choice]),
}

/// What setting a config does in the simulator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// The model behaves as Kafka does with the value.
    Modelled,
    /// Accepted, checked and stored where the core can read it; the behaviour it controls is
    /// not (or not yet) modelled, and the note says what happens instead.
    Stored,
    /// Accepted so that a real properties file can be pasted; changes nothing here
    /// (connections, serialisation).
    None,
}

/// One config.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConfigSpec {
    pub scope: ConfigScope,
    /// Kafka's name, verbatim.
    pub name: &'static str,
    pub kind: ConfigType,
    /// The default the simulator uses, in canonical form; `None` when there is none (or it
    /// is not a value, as `client.id`'s generated one).
    pub default: Option<&'static str>,
    /// Kafka's default where the simulator picks another one.
    pub kafka_default: Option<&'static str>,
    /// What it does, in a line.
    pub doc: &'static str,
    pub effect: Effect,
}

impl ConfigSpec {
    /// The canonical form of a valid value, or why Kafka would refuse it.
    pub fn canonical(&self, value: &str) -> Result<String, String> {
        canonical_value(&self.kind, value)
    }

    /// The type as the reference page writes it (`int ≥ 1`, `boolean`, …).
    pub fn type_text(&self) -> String {
        match self.kind {
            ConfigType::Text => "text".into(),
            ConfigType::Bool => "boolean".into(),
            ConfigType::Int { long, min } => {
                format!("{} ≥ {min}", if long { "long" } else { "int" })
            }
            ConfigType::Double { min, max } => format!("number in [{min}, {max}]"),
            ConfigType::OneOf(choices) => choices
                .iter()
                .map(|(name, _)| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", "),
            ConfigType::ListOf(choices) => format!(
                "list of {}",
                choices
                    .iter()
                    .map(|(name, _)| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

const fn c(
    scope: ConfigScope,
    name: &'static str,
    kind: ConfigType,
    default: Option<&'static str>,
    doc: &'static str,
    effect: Effect,
) -> ConfigSpec {
    ConfigSpec {
        scope,
        name,
        kind,
        default,
        kafka_default: None,
        doc,
        effect,
    }
}

use ConfigScope::{Consumer, Formatter, Producer, Topic};
use ConfigType::{Bool, Text};

const INT0: ConfigType = ConfigType::Int {
    long: false,
    min: 0,
};
const INT1: ConfigType = ConfigType::Int {
    long: false,
    min: 1,
};
const LONG0: ConfigType = ConfigType::Int { long: true, min: 0 };
const LONG1: ConfigType = ConfigType::Int { long: true, min: 1 };
const LONG_M1: ConfigType = ConfigType::Int {
    long: true,
    min: -1,
};

/// The assignors of the classic protocol by protocol name (what `--describe --state` prints
/// as ASSIGNMENT-STRATEGY), also accepted as Java class names.
pub const ASSIGNORS: &[Choice] = &[
    (
        "range",
        &[
            "range",
            "RangeAssignor",
            "org.apache.kafka.clients.consumer.RangeAssignor",
        ],
    ),
    (
        "roundrobin",
        &[
            "roundrobin",
            "RoundRobinAssignor",
            "org.apache.kafka.clients.consumer.RoundRobinAssignor",
        ],
    ),
    (
        "sticky",
        &[
            "sticky",
            "StickyAssignor",
            "org.apache.kafka.clients.consumer.StickyAssignor",
        ],
    ),
    (
        "cooperative-sticky",
        &[
            "cooperative-sticky",
            "CooperativeStickyAssignor",
            "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
        ],
    ),
];

/// The round-robin partitioner's class name, the one `partitioner.class` value accepted.
pub const ROUND_ROBIN_PARTITIONER: &str = "org.apache.kafka.clients.producer.RoundRobinPartitioner";

/// Every config, by scope then name.
pub const CONFIGS: &[ConfigSpec] = &[
    // ---- consumer ----
    c(
        Consumer,
        "allow.auto.create.topics",
        Bool,
        Some("true"),
        "subscribing to a missing topic may create it when the brokers allow auto-creation",
        Effect::Modelled,
    ),
    c(
        Consumer,
        "auto.commit.interval.ms",
        INT0,
        Some("5000"),
        "with enable.auto.commit, how often poll commits the positions of earlier polls",
        Effect::Modelled,
    ),
    c(
        Consumer,
        "auto.offset.reset",
        ConfigType::OneOf(&[
            ("earliest", &["earliest"]),
            ("latest", &["latest"]),
            ("none", &["none"]),
        ]),
        Some("latest"),
        "where to start when the group has no committed offset (none: an error)",
        Effect::Modelled,
    ),
    c(
        Consumer,
        "bootstrap.servers",
        Text,
        None,
        "the brokers to connect to",
        Effect::None,
    ),
    c(
        Consumer,
        "client.id",
        Text,
        None,
        "the name in CLIENT-ID columns (default: the client's name)",
        Effect::Modelled,
    ),
    c(
        Consumer,
        "enable.auto.commit",
        Bool,
        Some("true"),
        "poll commits the positions of earlier polls every auto.commit.interval.ms",
        Effect::Modelled,
    ),
    c(
        Consumer,
        "fetch.max.wait.ms",
        INT0,
        Some("500"),
        "how long a fetch waits for fetch.min.bytes (fetches answer at once here)",
        Effect::None,
    ),
    c(
        Consumer,
        "fetch.min.bytes",
        INT0,
        Some("1"),
        "the least data a fetch waits for (fetches answer at once here)",
        Effect::None,
    ),
    c(
        Consumer,
        "group.id",
        Text,
        None,
        "the consumer group; without one, only assign works and nothing is committed",
        Effect::Modelled,
    ),
    c(
        Consumer,
        "group.instance.id",
        Text,
        None,
        "static membership: a restart within session.timeout.ms keeps the assignment",
        Effect::Modelled,
    ),
    c(
        Consumer,
        "group.protocol",
        ConfigType::OneOf(&[("classic", &["classic"]), ("consumer", &["consumer"])]),
        Some("classic"),
        "the rebalance protocol; the simulator models the classic one and refuses consumer (KIP-848)",
        Effect::Modelled,
    ),
    c(
        Consumer,
        "heartbeat.interval.ms",
        INT1,
        Some("3000"),
        "how often the member tells the coordinator it is alive; must be below session.timeout.ms",
        Effect::Modelled,
    ),
    c(
        Consumer,
        "isolation.level",
        ConfigType::OneOf(&[
            ("read_uncommitted", &["read_uncommitted"]),
            ("read_committed", &["read_committed"]),
        ]),
        Some("read_uncommitted"),
        "read_committed reads only below the last stable offset and skips aborted transactions' records",
        Effect::Modelled,
    ),
    c(
        Consumer,
        "key.deserializer",
        Text,
        None,
        "turns key bytes into objects (keys are text here)",
        Effect::None,
    ),
    c(
        Consumer,
        "max.poll.interval.ms",
        INT1,
        Some("300000"),
        "a member that does not poll for this long leaves the group",
        Effect::Modelled,
    ),
    c(
        Consumer,
        "max.poll.records",
        INT1,
        Some("500"),
        "the most records one poll returns",
        Effect::Modelled,
    ),
    c(
        Consumer,
        "metadata.max.age.ms",
        LONG0,
        Some("300000"),
        "how often the client refreshes its metadata even when nothing asks for it: a subscribed topic created later is assigned after the next refresh",
        Effect::Modelled,
    ),
    c(
        Consumer,
        "partition.assignment.strategy",
        ConfigType::ListOf(ASSIGNORS),
        Some("range,cooperative-sticky"),
        "the assignors the member supports, preferred first (class names such as RangeAssignor work too)",
        Effect::Modelled,
    ),
    c(
        Consumer,
        "session.timeout.ms",
        INT1,
        Some("45000"),
        "a member without heartbeats for this long is removed from the group",
        Effect::Modelled,
    ),
    c(
        Consumer,
        "value.deserializer",
        Text,
        None,
        "turns value bytes into objects (values are text here)",
        Effect::None,
    ),
    // ---- producer ----
    c(
        Producer,
        "acks",
        ConfigType::OneOf(&[
            ("all", &["all"]),
            ("-1", &["-1"]),
            ("0", &["0"]),
            ("1", &["1"]),
        ]),
        Some("all"),
        "how many replicas must have a record before it counts as written (all = -1)",
        Effect::Modelled,
    ),
    c(
        Producer,
        "batch.size",
        INT0,
        Some("16384"),
        "the bytes of one batch; the sticky partitioner moves on after this many",
        Effect::Modelled,
    ),
    c(
        Producer,
        "bootstrap.servers",
        Text,
        None,
        "the brokers to connect to",
        Effect::None,
    ),
    c(
        Producer,
        "client.id",
        Text,
        None,
        "the producer's name in logs (default: the client's name)",
        Effect::None,
    ),
    c(
        Producer,
        "delivery.timeout.ms",
        INT1,
        Some("120000"),
        "how long a record may wait for its acknowledgement, retries included, before it fails",
        Effect::Modelled,
    ),
    c(
        Producer,
        "enable.idempotence",
        Bool,
        Some("true"),
        "retries write no duplicates; needs acks=all, retries > 0 and max.in.flight.requests.per.connection ≤ 5",
        Effect::Modelled,
    ),
    c(
        Producer,
        "key.serializer",
        Text,
        None,
        "turns keys into bytes (keys are text here)",
        Effect::None,
    ),
    c(
        Producer,
        "linger.ms",
        LONG0,
        Some("5"),
        "how long a batch waits for more records before it is sent (5 since Kafka 4.0, 0 before)",
        Effect::Modelled,
    ),
    c(
        Producer,
        "max.in.flight.requests.per.connection",
        INT1,
        Some("5"),
        "unanswered requests per broker; above 5, idempotence is off (or, asked for, refused); the model sends one batch per partition at a time",
        Effect::Stored,
    ),
    c(
        Producer,
        "partitioner.adaptive.partitioning.enable",
        Bool,
        Some("true"),
        "the sticky partitioner favours faster brokers; the model's brokers answer equally fast, so it changes nothing",
        Effect::Stored,
    ),
    c(
        Producer,
        "partitioner.class",
        ConfigType::OneOf(&[(
            ROUND_ROBIN_PARTITIONER,
            &[ROUND_ROBIN_PARTITIONER, "RoundRobinPartitioner"],
        )]),
        None,
        "the built-in partitioner (default: by key, sticky without one) or round-robin for every record",
        Effect::Modelled,
    ),
    c(
        Producer,
        "partitioner.ignore.keys",
        Bool,
        Some("false"),
        "the built-in partitioner ignores keys: every record goes sticky, as keyless ones do",
        Effect::Modelled,
    ),
    c(
        Producer,
        "request.timeout.ms",
        INT1,
        Some("30000"),
        "how long the producer waits for an answer before it retries",
        Effect::Modelled,
    ),
    c(
        Producer,
        "retries",
        INT0,
        Some("2147483647"),
        "how often a failed send is retried, within delivery.timeout.ms",
        Effect::Modelled,
    ),
    c(
        Producer,
        "retry.backoff.max.ms",
        LONG0,
        Some("1000"),
        "the longest wait between retries: the n-th waits retry.backoff.ms × 2ⁿ⁻¹, ±20 % jitter from the seeded random source (KIP-580)",
        Effect::Modelled,
    ),
    c(
        Producer,
        "retry.backoff.ms",
        LONG0,
        Some("100"),
        "the wait before the first retry",
        Effect::Modelled,
    ),
    c(
        Producer,
        "transaction.timeout.ms",
        INT1,
        Some("60000"),
        "how long a transaction may stay open before the transaction coordinator aborts it",
        Effect::Modelled,
    ),
    c(
        Producer,
        "transactional.id",
        Text,
        None,
        "makes the producer transactional: initTransactions fences older producers with the same id",
        Effect::Modelled,
    ),
    c(
        Producer,
        "value.serializer",
        Text,
        None,
        "turns values into bytes (values are text here)",
        Effect::None,
    ),
    // ---- topic ----
    c(
        Topic,
        "cleanup.policy",
        ConfigType::ListOf(&[("delete", &["delete"]), ("compact", &["compact"])]),
        Some("delete"),
        "delete old segments by retention, compact to the latest record per key, or both",
        Effect::Modelled,
    ),
    c(
        Topic,
        "delete.retention.ms",
        LONG0,
        Some("86400000"),
        "how long a tombstone survives compaction",
        Effect::Modelled,
    ),
    c(
        Topic,
        "max.compaction.lag.ms",
        LONG1,
        Some("9223372036854775807"),
        "a record older than this is compacted even if the log is not dirty enough; also rolls the active segment",
        Effect::Modelled,
    ),
    c(
        Topic,
        "max.message.bytes",
        INT0,
        Some("1048588"),
        "the largest record batch the topic accepts",
        Effect::Modelled,
    ),
    c(
        Topic,
        "message.timestamp.type",
        ConfigType::OneOf(&[
            ("CreateTime", &["CreateTime"]),
            ("LogAppendTime", &["LogAppendTime"]),
        ]),
        Some("CreateTime"),
        "LogAppendTime: the leader stamps each record with its append time, which is what offsetsForTimes and --to-datetime then find",
        Effect::Modelled,
    ),
    c(
        Topic,
        "min.cleanable.dirty.ratio",
        ConfigType::Double { min: 0.0, max: 1.0 },
        Some("0.5"),
        "the share of uncompacted bytes that makes the cleaner compact",
        Effect::Modelled,
    ),
    c(
        Topic,
        "min.compaction.lag.ms",
        LONG0,
        Some("0"),
        "a record younger than this is never compacted",
        Effect::Modelled,
    ),
    c(
        Topic,
        "min.insync.replicas",
        INT1,
        Some("1"),
        "with acks=all, how many in-sync replicas a write needs",
        Effect::Modelled,
    ),
    c(
        Topic,
        "retention.bytes",
        LONG_M1,
        Some("-1"),
        "the most bytes a partition keeps before old segments are deleted (-1: no limit)",
        Effect::Modelled,
    ),
    c(
        Topic,
        "retention.ms",
        LONG_M1,
        Some("604800000"),
        "how long records are kept before their segment is deleted (-1: forever)",
        Effect::Modelled,
    ),
    ConfigSpec {
        kafka_default: Some("1073741824"),
        ..c(
            Topic,
            "segment.bytes",
            ConfigType::Int {
                long: false,
                min: 14,
            },
            Some("16384"),
            "a segment this big is closed and a new one started (small here so that retention shows)",
            Effect::Modelled,
        )
    },
    c(
        Topic,
        "segment.ms",
        LONG1,
        Some("604800000"),
        "a segment this old is closed at the next append",
        Effect::Modelled,
    ),
    c(
        Topic,
        "unclean.leader.election.enable",
        Bool,
        Some("false"),
        "a replica outside the ISR may become leader when no in-sync one is left, losing records; read from the topic's config",
        Effect::Modelled,
    ),
    // ---- console consumer formatter ----
    c(
        Formatter,
        "key.separator",
        Text,
        Some("\t"),
        "what separates the printed fields",
        Effect::Modelled,
    ),
    c(
        Formatter,
        "print.headers",
        Bool,
        Some("false"),
        "print each record's headers (k:v,k2:v2, or NO_HEADERS)",
        Effect::Modelled,
    ),
    c(
        Formatter,
        "print.key",
        Bool,
        Some("false"),
        "print each record's key",
        Effect::Modelled,
    ),
    c(
        Formatter,
        "print.offset",
        Bool,
        Some("false"),
        "print each record's offset",
        Effect::Modelled,
    ),
    c(
        Formatter,
        "print.partition",
        Bool,
        Some("false"),
        "print each record's partition",
        Effect::Modelled,
    ),
    c(
        Formatter,
        "print.timestamp",
        Bool,
        Some("false"),
        "print each record's timestamp and its type (CreateTime or LogAppendTime)",
        Effect::Modelled,
    ),
    c(
        Formatter,
        "print.value",
        Bool,
        Some("true"),
        "print each record's value",
        Effect::Modelled,
    ),
];

/// The configs of one scope, sorted by name.
pub fn specs(scope: ConfigScope) -> impl Iterator<Item = &'static ConfigSpec> {
    CONFIGS.iter().filter(move |s| s.scope == scope)
}

/// The entry for a name in a scope.
pub fn spec(scope: ConfigScope, name: &str) -> Option<&'static ConfigSpec> {
    specs(scope).find(|s| s.name == name)
}

/// The default of a config, as the catalogue gives it (`None` when it has none).
pub fn default_of(scope: ConfigScope, name: &str) -> Option<&'static str> {
    spec(scope, name).and_then(|s| s.default)
}

fn choose(choices: &[Choice], value: &str) -> Option<&'static str> {
    choices
        .iter()
        .find(|(_, spellings)| spellings.iter().any(|s| s.eq_ignore_ascii_case(value)))
        .map(|(canonical, _)| *canonical)
}

fn one_of(choices: &[Choice]) -> String {
    let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
    format!("String must be one of: {}", names.join(", "))
}

/// The canonical text of a valid value, or Kafka's reason why it is not valid.
fn canonical_value(kind: &ConfigType, value: &str) -> Result<String, String> {
    match kind {
        ConfigType::Text => {
            if value.is_empty() {
                Err("the value can't be empty".into())
            } else {
                Ok(value.to_string())
            }
        }
        ConfigType::Bool => {
            if value.eq_ignore_ascii_case("true") {
                Ok("true".into())
            } else if value.eq_ignore_ascii_case("false") {
                Ok("false".into())
            } else {
                Err("Expected value to be either true or false".into())
            }
        }
        ConfigType::Int { long, min } => {
            let parsed = if *long {
                value.parse::<i64>().ok()
            } else {
                value.parse::<i32>().ok().map(i64::from)
            };
            let Some(number) = parsed else {
                return Err(format!(
                    "Not a number of type {}",
                    if *long { "LONG" } else { "INT" }
                ));
            };
            if number < *min {
                return Err(format!("Value must be at least {min}"));
            }
            Ok(number.to_string())
        }
        ConfigType::Double { min, max } => match value.parse::<f64>() {
            Ok(number) if number.is_finite() => {
                if number < *min {
                    Err(format!("Value must be at least {min}"))
                } else if number > *max {
                    Err(format!("Value must be no more than {max}"))
                } else {
                    Ok(value.to_string())
                }
            }
            _ => Err("Not a number of type DOUBLE".into()),
        },
        ConfigType::OneOf(choices) => choose(choices, value)
            .map(str::to_string)
            .ok_or_else(|| one_of(choices)),
        ConfigType::ListOf(choices) => {
            let mut picked: Vec<&str> = Vec::new();
            for item in value.split(',') {
                let item = item.trim();
                let Some(canonical) = choose(choices, item) else {
                    return Err(one_of(choices));
                };
                if !picked.contains(&canonical) {
                    picked.push(canonical);
                }
            }
            Ok(picked.join(","))
        }
    }
}

/// Checks `name=value` against the catalogue: the canonical value, or `INVALID_CONFIG` with
/// Kafka's reason (an unknown name included).
pub fn check(
    scope: ConfigScope,
    name: &str,
    value: &str,
) -> Result<(&'static ConfigSpec, String), crate::SimError> {
    let Some(spec) = spec(scope, name) else {
        return Err(crate::SimError::InvalidConfig {
            name: name.to_string(),
            reason: format!("is not a {} config the simulator knows", scope.name()),
        });
    };
    let value = spec
        .canonical(value)
        .map_err(|reason| crate::SimError::InvalidConfig {
            name: name.to_string(),
            reason: format!("Invalid value {value} for configuration {name}: {reason}"),
        })?;
    Ok((spec, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_sorted_within_a_scope() {
        for scope in [Consumer, Producer, Topic, Formatter] {
            let names: Vec<&str> = specs(scope).map(|s| s.name).collect();
            let mut sorted = names.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(names, sorted, "{scope:?}");
        }
    }

    #[test]
    fn every_default_is_a_valid_canonical_value() {
        for s in CONFIGS {
            if let Some(d) = s.default {
                assert_eq!(s.canonical(d).as_deref(), Ok(d), "{}", s.name);
            }
        }
    }

    #[test]
    fn values_are_checked_with_kafkas_wording() {
        let session = spec(Consumer, "session.timeout.ms").unwrap();
        assert_eq!(
            session.canonical("0"),
            Err("Value must be at least 1".into())
        );
        let acks = spec(Producer, "acks").unwrap();
        assert_eq!(
            acks.canonical("2"),
            Err("String must be one of: all, -1, 0, 1".into())
        );
        let t = spec(Topic, "message.timestamp.type").unwrap();
        assert_eq!(t.canonical("logappendtime").as_deref(), Ok("LogAppendTime"));
    }
}
