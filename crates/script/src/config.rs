//! Kafka configs written `key=value`, checked against the names and value types of the real
//! clients and topics (`ConsumerConfig`, `ProducerConfig`, `TopicConfig`).
//!
//! Config names are accepted verbatim, exactly as in a Java `Properties` object or a
//! `consumer.properties` file, so a learner can copy them both ways. Unlike the Java client,
//! which only logs a warning for an unknown name, the console refuses it and suggests the
//! closest name: a silently ignored `enable.auto.comit=false` would teach the wrong lesson.
//! Value errors follow Kafka's `ConfigException` wording
//! (`Invalid value 0 for configuration max.poll.records: Value must be at least 1`).
//!
//! Values are stored in a canonical form (`TRUE` → `true`, `RangeAssignor` → `range`) so that
//! two commands that mean the same thing are equal and print the same.

use crate::ast::Configs;
use crate::error::{ErrorKind, ParseError, Span};
use crate::lexer::Word;
use crate::suggest;

/// A named choice and the spellings that select it (all compared without case).
pub(crate) type Choice = (&'static str, &'static [&'static str]);

/// The type of a config value.
pub(crate) enum Kind {
    /// Free text (a name, a class name that has no effect in the simulator).
    Text,
    /// `true` or `false`.
    Bool,
    /// A Java int (`INT`) or long (`LONG`) with a lower bound.
    Int { long: bool, min: i64 },
    /// A decimal number within bounds.
    Double { min: f64, max: f64 },
    /// One of a fixed set.
    OneOf(&'static [Choice]),
    /// A comma-separated list from a fixed set.
    ListOf(&'static [Choice]),
}

/// One known config.
pub(crate) struct Spec {
    pub name: &'static str,
    pub kind: Kind,
}

const fn spec(name: &'static str, kind: Kind) -> Spec {
    Spec { name, kind }
}

const INT0: Kind = Kind::Int {
    long: false,
    min: 0,
};
const INT1: Kind = Kind::Int {
    long: false,
    min: 1,
};
const LONG0: Kind = Kind::Int { long: true, min: 0 };

/// The assignors of the classic protocol, by their protocol names (what `--describe --state`
/// prints as ASSIGNMENT-STRATEGY), also accepted as Java class names.
const ASSIGNORS: &[Choice] = &[
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

/// Consumer configs (`org.apache.kafka.clients.consumer.ConsumerConfig`).
pub(crate) const CONSUMER: &[Spec] = &[
    spec("allow.auto.create.topics", Kind::Bool),
    spec("auto.commit.interval.ms", INT0),
    spec(
        "auto.offset.reset",
        Kind::OneOf(&[
            ("earliest", &["earliest"]),
            ("latest", &["latest"]),
            ("none", &["none"]),
        ]),
    ),
    spec("bootstrap.servers", Kind::Text),
    spec("client.id", Kind::Text),
    spec("enable.auto.commit", Kind::Bool),
    spec("fetch.max.wait.ms", INT0),
    spec("fetch.min.bytes", INT0),
    spec("group.id", Kind::Text),
    spec("group.instance.id", Kind::Text),
    spec(
        "group.protocol",
        Kind::OneOf(&[("classic", &["classic"]), ("consumer", &["consumer"])]),
    ),
    spec("heartbeat.interval.ms", INT0),
    spec(
        "isolation.level",
        Kind::OneOf(&[
            ("read_uncommitted", &["read_uncommitted"]),
            ("read_committed", &["read_committed"]),
        ]),
    ),
    spec("key.deserializer", Kind::Text),
    spec("max.poll.interval.ms", INT1),
    spec("max.poll.records", INT1),
    spec("partition.assignment.strategy", Kind::ListOf(ASSIGNORS)),
    spec("session.timeout.ms", INT0),
    spec("value.deserializer", Kind::Text),
];

/// Producer configs (`org.apache.kafka.clients.producer.ProducerConfig`).
pub(crate) const PRODUCER: &[Spec] = &[
    spec(
        "acks",
        Kind::OneOf(&[
            ("all", &["all"]),
            ("-1", &["-1"]),
            ("0", &["0"]),
            ("1", &["1"]),
        ]),
    ),
    spec("batch.size", INT0),
    spec("bootstrap.servers", Kind::Text),
    spec("client.id", Kind::Text),
    spec("delivery.timeout.ms", INT0),
    spec("enable.idempotence", Kind::Bool),
    spec("key.serializer", Kind::Text),
    spec("linger.ms", LONG0),
    spec("max.in.flight.requests.per.connection", INT1),
    spec("partitioner.adaptive.partitioning.enable", Kind::Bool),
    spec(
        "partitioner.class",
        Kind::OneOf(&[(
            "org.apache.kafka.clients.producer.RoundRobinPartitioner",
            &[
                "org.apache.kafka.clients.producer.RoundRobinPartitioner",
                "RoundRobinPartitioner",
            ],
        )]),
    ),
    spec("partitioner.ignore.keys", Kind::Bool),
    spec("request.timeout.ms", INT0),
    spec("retries", INT0),
    spec("retry.backoff.max.ms", LONG0),
    spec("retry.backoff.ms", LONG0),
    spec("value.serializer", Kind::Text),
];

/// Topic configs (`org.apache.kafka.common.config.TopicConfig`).
pub(crate) const TOPIC: &[Spec] = &[
    spec(
        "cleanup.policy",
        Kind::ListOf(&[("delete", &["delete"]), ("compact", &["compact"])]),
    ),
    spec("delete.retention.ms", LONG0),
    spec("max.compaction.lag.ms", Kind::Int { long: true, min: 1 }),
    spec("max.message.bytes", INT0),
    spec(
        "message.timestamp.type",
        Kind::OneOf(&[
            ("CreateTime", &["CreateTime"]),
            ("LogAppendTime", &["LogAppendTime"]),
        ]),
    ),
    spec(
        "min.cleanable.dirty.ratio",
        Kind::Double { min: 0.0, max: 1.0 },
    ),
    spec("min.compaction.lag.ms", LONG0),
    spec("min.insync.replicas", INT1),
    spec(
        "retention.bytes",
        Kind::Int {
            long: true,
            min: -1,
        },
    ),
    spec(
        "retention.ms",
        Kind::Int {
            long: true,
            min: -1,
        },
    ),
    spec(
        "segment.bytes",
        Kind::Int {
            long: false,
            min: 14,
        },
    ),
    spec("segment.ms", Kind::Int { long: true, min: 1 }),
    spec("unclean.leader.election.enable", Kind::Bool),
];

/// The console consumer's formatter properties (`DefaultMessageFormatter`).
pub(crate) const FORMATTER: &[Spec] = &[
    spec("key.separator", Kind::Text),
    spec("print.headers", Kind::Bool),
    spec("print.key", Kind::Bool),
    spec("print.offset", Kind::Bool),
    spec("print.partition", Kind::Bool),
    spec("print.timestamp", Kind::Bool),
    spec("print.value", Kind::Bool),
];

/// Which family of configs a `key=value` belongs to (named in error messages).
#[derive(Clone, Copy)]
pub(crate) struct Scope {
    pub name: &'static str,
    pub specs: &'static [Spec],
}

pub(crate) const CONSUMER_SCOPE: Scope = Scope {
    name: "consumer",
    specs: CONSUMER,
};
pub(crate) const PRODUCER_SCOPE: Scope = Scope {
    name: "producer",
    specs: PRODUCER,
};
pub(crate) const TOPIC_SCOPE: Scope = Scope {
    name: "topic",
    specs: TOPIC,
};
pub(crate) const FORMATTER_SCOPE: Scope = Scope {
    name: "console consumer --property",
    specs: FORMATTER,
};

/// Reads one `key=value` word into `configs`.
pub(crate) fn read(word: &Word, scope: Scope, configs: &mut Configs) -> Result<(), ParseError> {
    let Some((raw_key, raw_value)) = word.text.split_once('=') else {
        let example = match scope.name {
            "consumer" => "group.id=g1",
            "producer" => "acks=all",
            "topic" => "retention.ms=60000",
            _ => "print.key=true",
        };
        return Err(ParseError::new(
            word.span,
            ErrorKind::UnexpectedArgument {
                found: word.text.clone(),
                message: format!(
                    "expected a {} config as key=value, e.g. {example}",
                    scope.name
                ),
            },
        ));
    };
    // Kafka trims both sides (TopicCommand splits on `\s*=\s*`; Properties trims keys).
    let key = raw_key.trim();
    let value = raw_value.trim();
    let key_span = if raw_key.chars().count() > word.bare_prefix {
        word.span
    } else {
        Span::new(word.span.line, word.span.column, raw_key.chars().count())
    };
    let Some(spec) = scope.specs.iter().find(|spec| spec.name == key) else {
        return Err(ParseError::new(
            key_span,
            ErrorKind::UnknownConfig {
                scope: scope.name.to_string(),
                key: key.to_string(),
                suggestion: suggest::closest(key, scope.specs.iter().map(|s| s.name))
                    .map(str::to_string),
            },
        ));
    };
    let canonical = canonical_value(&spec.kind, value).map_err(|reason| {
        ParseError::new(
            word.span,
            ErrorKind::InvalidConfigValue {
                key: key.to_string(),
                value: value.to_string(),
                reason,
            },
        )
    })?;
    if configs.0.insert(key.to_string(), canonical).is_some() {
        return Err(ParseError::new(
            key_span,
            ErrorKind::UnexpectedArgument {
                found: word.text.clone(),
                message: format!("config '{key}' is set twice"),
            },
        ));
    }
    Ok(())
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
fn canonical_value(kind: &Kind, value: &str) -> Result<String, String> {
    match kind {
        Kind::Text => {
            if value.is_empty() {
                Err("the value can't be empty".into())
            } else {
                Ok(value.to_string())
            }
        }
        Kind::Bool => {
            if value.eq_ignore_ascii_case("true") {
                Ok("true".into())
            } else if value.eq_ignore_ascii_case("false") {
                Ok("false".into())
            } else {
                Err("Expected value to be either true or false".into())
            }
        }
        Kind::Int { long, min } => {
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
        Kind::Double { min, max } => match value.parse::<f64>() {
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
        Kind::OneOf(choices) => choose(choices, value)
            .map(str::to_string)
            .ok_or_else(|| one_of(choices)),
        Kind::ListOf(choices) => {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn read_one(text: &str, scope: Scope) -> Result<Configs, ParseError> {
        let word = Word::bare(text, Span::new(1, 10, text.chars().count()));
        let mut configs = Configs::default();
        read(&word, scope, &mut configs).map(|()| configs)
    }

    #[test]
    fn consumer_configs_are_accepted_verbatim() {
        let configs = read_one("enable.auto.commit=false", CONSUMER_SCOPE).unwrap();
        assert_eq!(configs.get_bool("enable.auto.commit"), Some(false));
        let configs = read_one("max.poll.records=10", CONSUMER_SCOPE).unwrap();
        assert_eq!(configs.get_i64("max.poll.records"), Some(10));
    }

    #[test]
    fn assignors_are_accepted_by_protocol_name_or_class_name() {
        let configs = read_one(
            "partition.assignment.strategy=org.apache.kafka.clients.consumer.RangeAssignor,CooperativeStickyAssignor",
            CONSUMER_SCOPE,
        )
        .unwrap();
        assert_eq!(
            configs.get_list("partition.assignment.strategy"),
            Some(vec!["range", "cooperative-sticky"])
        );
    }

    #[test]
    fn a_misspelt_config_name_is_refused_with_a_suggestion() {
        let error = read_one("enable.auto.comit=false", CONSUMER_SCOPE).unwrap_err();
        assert_eq!(error.suggestion(), Some("enable.auto.commit"));
        assert_eq!(error.span, Span::new(1, 10, 17));
        assert_eq!(
            error.to_string(),
            "line 1, column 10: unknown consumer config 'enable.auto.comit'; did you mean 'enable.auto.commit'?"
        );
    }

    #[test]
    fn an_unknown_topic_config_uses_kafkas_message() {
        let error = read_one("retention.msx=5", TOPIC_SCOPE).unwrap_err();
        assert_eq!(error.message(), "Unknown topic config name: retention.msx");
        assert_eq!(error.suggestion(), Some("retention.ms"));
    }

    #[test]
    fn invalid_values_use_kafkas_config_exception_wording() {
        let message = |text: &str, scope| read_one(text, scope).unwrap_err().message();
        assert_eq!(
            message("max.poll.records=0", CONSUMER_SCOPE),
            "Invalid value 0 for configuration max.poll.records: Value must be at least 1"
        );
        assert_eq!(
            message("enable.auto.commit=yes", CONSUMER_SCOPE),
            "Invalid value yes for configuration enable.auto.commit: Expected value to be either true or false"
        );
        assert_eq!(
            message("acks=2", PRODUCER_SCOPE),
            "Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1"
        );
        assert_eq!(
            message("auto.commit.interval.ms=soon", CONSUMER_SCOPE),
            "Invalid value soon for configuration auto.commit.interval.ms: Not a number of type INT"
        );
        assert_eq!(
            message("min.cleanable.dirty.ratio=2", TOPIC_SCOPE),
            "Invalid value 2 for configuration min.cleanable.dirty.ratio: Value must be no more than 1"
        );
    }

    #[test]
    fn retention_accepts_minus_one_for_unlimited() {
        assert_eq!(
            read_one("retention.ms=-1", TOPIC_SCOPE)
                .unwrap()
                .get_i64("retention.ms"),
            Some(-1)
        );
        assert!(read_one("retention.ms=-2", TOPIC_SCOPE).is_err());
    }

    #[test]
    fn a_word_without_equals_is_not_a_config() {
        let error = read_one("acks", PRODUCER_SCOPE).unwrap_err();
        assert!(error.message().contains("key=value"));
    }

    #[test]
    fn values_are_stored_in_canonical_form() {
        assert_eq!(
            read_one("enable.idempotence=TRUE", PRODUCER_SCOPE)
                .unwrap()
                .get("enable.idempotence"),
            Some("true")
        );
        assert_eq!(
            read_one("cleanup.policy=compact, delete", TOPIC_SCOPE)
                .unwrap()
                .get("cleanup.policy"),
            Some("compact,delete")
        );
    }
}
