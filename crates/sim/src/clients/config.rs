//! Client settings from Kafka's property names (`group.id=g1`, `acks=all`), with Kafka's
//! defaults for whatever is not given. Values are strings, as in a `.properties` file.

use crate::assignor::Assignor;
use crate::catalog::{self, ConfigScope};
use crate::config::{Acks, PartitionerKind};
use crate::consumer::{ConsumerConfig, IsolationLevel, OffsetResetStrategy};
use crate::error::SimError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

fn invalid(name: &str, reason: impl Into<String>) -> SimError {
    SimError::InvalidConfig {
        name: name.to_string(),
        reason: reason.into(),
    }
}

/// A checked value: the catalogue's canonical form (its bounds are the parser's bounds).
fn checked(scope: ConfigScope, k: &str, v: &str) -> Result<String, SimError> {
    catalog::check(scope, k, v.trim()).map(|(_, value)| value)
}

fn int(scope: ConfigScope, k: &str, v: &str) -> Result<i64, SimError> {
    checked(scope, k, v)?
        .parse()
        .map_err(|_| invalid(k, format!("'{v}' is not a whole number")))
}

fn boolean(scope: ConfigScope, k: &str, v: &str) -> Result<bool, SimError> {
    Ok(checked(scope, k, v)? == "true")
}

/// A consumer's settings: Kafka's [`ConsumerConfig`] plus the simulated application's
/// processing time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumerSettings {
    pub kafka: ConsumerConfig,
    /// Simulator: how long the application takes per record (`processing.ms.per.record`,
    /// default 0: processing is instant).
    pub processing_ms_per_record: i64,
    /// `allow.auto.create.topics`, default true: whether subscribing to a missing topic may
    /// create it (when the brokers allow auto-creation).
    pub allow_auto_create_topics: bool,
    /// `metadata.max.age.ms`, default 300000: how often the consumer refreshes its metadata
    /// on its own; a subscribed topic that was missing is seen (and its partitions
    /// assigned) at the first poll after a refresh falls due.
    #[serde(default = "default_metadata_max_age_ms")]
    pub metadata_max_age_ms: i64,
    /// Simulator: the database the application writes its results to, with its offsets
    /// (`offset.store`) or without (`results.store`); see [`super::ExternalStore`].
    #[serde(default)]
    pub external_store: Option<super::ExternalStore>,
}

fn default_metadata_max_age_ms() -> i64 {
    super::METADATA_MAX_AGE_MS
}

impl ConsumerSettings {
    /// Every consumer config of the catalogue that has a value, by Kafka name, as the
    /// consumer uses it (the state JSON's `configs`).
    pub fn entries(&self) -> BTreeMap<String, String> {
        let c = &self.kafka;
        let mut out = BTreeMap::new();
        let mut put = |k: &str, v: String| {
            out.insert(k.to_string(), v);
        };
        put(
            "allow.auto.create.topics",
            self.allow_auto_create_topics.to_string(),
        );
        put(
            "auto.commit.interval.ms",
            c.auto_commit_interval_ms.to_string(),
        );
        put(
            "auto.offset.reset",
            match c.auto_offset_reset {
                OffsetResetStrategy::Earliest => "earliest",
                OffsetResetStrategy::Latest => "latest",
                OffsetResetStrategy::None => "none",
            }
            .to_string(),
        );
        put("client.id", c.client_id.clone());
        put("enable.auto.commit", c.enable_auto_commit.to_string());
        if let Some(g) = &c.group_id {
            put("group.id", g.clone());
        }
        if let Some(g) = &c.group_instance_id {
            put("group.instance.id", g.clone());
        }
        put("group.protocol", "classic".to_string());
        put("heartbeat.interval.ms", c.heartbeat_interval_ms.to_string());
        put(
            "isolation.level",
            match c.isolation_level {
                IsolationLevel::ReadUncommitted => "read_uncommitted",
                IsolationLevel::ReadCommitted => "read_committed",
            }
            .to_string(),
        );
        put("max.poll.interval.ms", c.max_poll_interval_ms.to_string());
        put("metadata.max.age.ms", self.metadata_max_age_ms.to_string());
        put("max.poll.records", c.max_poll_records.to_string());
        put(
            "partition.assignment.strategy",
            c.partition_assignment_strategy
                .iter()
                .map(|a| a.name())
                .collect::<Vec<_>>()
                .join(","),
        );
        put("session.timeout.ms", c.session_timeout_ms.to_string());
        // Accepted, no effect: their defaults, as a real client would report them.
        for s in catalog::specs(ConfigScope::Consumer) {
            if s.effect == catalog::Effect::None {
                if let Some(d) = s.default {
                    out.entry(s.name.to_string())
                        .or_insert_with(|| d.to_string());
                }
            }
        }
        out
    }
}

/// Parses consumer properties. `client.id` defaults to the consumer's name.
pub fn consumer_settings(
    name: &str,
    props: &BTreeMap<String, String>,
) -> Result<ConsumerSettings, SimError> {
    let mut c = ConsumerConfig::new("", name);
    c.group_id = None;
    let mut processing = 0;
    let mut allow_auto_create_topics = true;
    let mut metadata_max_age_ms = super::METADATA_MAX_AGE_MS;
    let mut external_store = None;
    const C: ConfigScope = ConfigScope::Consumer;
    for (k, v) in props {
        let k = k.trim();
        // The simulator's databases outside Kafka (not Kafka configs either).
        if k == "offset.store" || k == "results.store" {
            external_store = Some(external_store_setting(k, v, external_store.take())?);
            continue;
        }
        // The simulator's own setting, not a Kafka config (so not in the catalogue).
        if k == "processing.ms.per.record" {
            processing = v
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| invalid(k, format!("'{v}' is not a whole number ≥ 0")))?;
            continue;
        }
        let value = checked(C, k, v)?;
        match k {
            "group.id" => c.group_id = Some(value),
            "group.instance.id" => c.group_instance_id = Some(value),
            "client.id" => c.client_id = value,
            "enable.auto.commit" => c.enable_auto_commit = boolean(C, k, v)?,
            "auto.commit.interval.ms" => c.auto_commit_interval_ms = int(C, k, v)?,
            "auto.offset.reset" => {
                c.auto_offset_reset = match value.as_str() {
                    "earliest" => OffsetResetStrategy::Earliest,
                    "none" => OffsetResetStrategy::None,
                    _ => OffsetResetStrategy::Latest,
                }
            }
            "max.poll.records" => {
                c.max_poll_records = usize::try_from(int(C, k, v)?).unwrap_or(usize::MAX)
            }
            "max.poll.interval.ms" => c.max_poll_interval_ms = int(C, k, v)?,
            "session.timeout.ms" => c.session_timeout_ms = int(C, k, v)?,
            "heartbeat.interval.ms" => c.heartbeat_interval_ms = int(C, k, v)?,
            "partition.assignment.strategy" => {
                c.partition_assignment_strategy = value
                    .split(',')
                    .map(|s| {
                        Assignor::from_name(s)
                            .map_err(|_| invalid(k, format!("'{s}' is not an assignor")))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
            }
            "group.protocol" if value != "classic" => {
                return Err(invalid(
                    k,
                    "group.protocol=consumer (KIP-848, the broker-driven protocol) is not modelled: the simulator runs the classic group protocol, which is Kafka's default; use group.protocol=classic",
                ));
            }
            "allow.auto.create.topics" => allow_auto_create_topics = boolean(C, k, v)?,
            "metadata.max.age.ms" => metadata_max_age_ms = int(C, k, v)?,
            "isolation.level" => {
                c.isolation_level = if value == "read_committed" {
                    IsolationLevel::ReadCommitted
                } else {
                    IsolationLevel::ReadUncommitted
                }
            }
            // Checked and accepted; no effect in the model (see the catalogue).
            _ => {}
        }
    }
    if let Some(super::ExternalStore::Offsets(db)) = &external_store {
        if c.enable_auto_commit {
            return Err(invalid(
                "offset.store",
                format!("keeps the offsets in database '{db}', so Kafka must not commit them: set enable.auto.commit=false"),
            ));
        }
    }
    if c.heartbeat_interval_ms >= c.session_timeout_ms {
        return Err(invalid(
            "heartbeat.interval.ms",
            "must be lower than session.timeout.ms",
        ));
    }
    Ok(ConsumerSettings {
        kafka: c,
        processing_ms_per_record: processing,
        allow_auto_create_topics,
        metadata_max_age_ms,
        external_store,
    })
}

/// `offset.store=DB` or `results.store=DB`; only one of them.
fn external_store_setting(
    k: &str,
    v: &str,
    before: Option<super::ExternalStore>,
) -> Result<super::ExternalStore, SimError> {
    if let Some(other) = before {
        return Err(invalid(
            k,
            format!(
                "cannot go with {}: offset.store writes the results too",
                other.property()
            ),
        ));
    }
    let db = v.trim();
    if let Err(reason) = super::check_database_name(db) {
        return Err(invalid(
            k,
            format!("'{v}' is not a database name: {reason}"),
        ));
    }
    Ok(if k == "offset.store" {
        super::ExternalStore::Offsets(db.to_string())
    } else {
        super::ExternalStore::Results(db.to_string())
    })
}

/// A producer's settings, with Kafka 4.0's defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducerSettings {
    /// `acks`, default `all`.
    pub acks: Acks,
    /// `linger.ms`, default 5 (Kafka 4.0, KIP-1030; 0 before).
    pub linger_ms: i64,
    /// `batch.size`, default 16384.
    pub batch_size: i64,
    /// `retries`, default 2147483647 (bounded by `delivery.timeout.ms`).
    pub retries: i64,
    /// `retry.backoff.ms`, default 100: the first retry's backoff (KIP-580).
    pub retry_backoff_ms: i64,
    /// `retry.backoff.max.ms`, default 1000: the cap of the backoff, which doubles per
    /// attempt from `retry.backoff.ms` (Kafka 3.7+, KIP-580).
    pub retry_backoff_max_ms: i64,
    /// `delivery.timeout.ms`, default 120000.
    pub delivery_timeout_ms: i64,
    /// `request.timeout.ms`, default 30000: an unanswered `acks=all` request is retried.
    pub request_timeout_ms: i64,
    /// `enable.idempotence`, default true (since 3.0) — only with `acks=all` and retries.
    pub enable_idempotence: bool,
    /// `partitioner.class`: the built-in sticky partitioner, or round-robin.
    pub partitioner: PartitionerKind,
    /// `partitioner.ignore.keys`, default false: when true the built-in partitioner treats
    /// keyed records as keyless (sticky).
    pub partitioner_ignore_keys: bool,
    /// `partitioner.adaptive.partitioning.enable`, default true. Stored only: the model's
    /// brokers answer equally fast, so the sticky partitioner has no slower broker to avoid.
    pub partitioner_adaptive_partitioning_enable: bool,
    /// `max.in.flight.requests.per.connection`, default 5; at most 5 with idempotence.
    /// Stored: the model sends one batch per partition at a time.
    pub max_in_flight_requests_per_connection: i64,
    /// `transactional.id`: set, the producer is transactional (and idempotent).
    #[serde(default)]
    pub transactional_id: Option<String>,
    /// `transaction.timeout.ms`, default 60000.
    #[serde(default = "default_transaction_timeout_ms")]
    pub transaction_timeout_ms: i64,
}

fn default_transaction_timeout_ms() -> i64 {
    60_000
}

impl ProducerSettings {
    /// Every producer config of the catalogue that has a value, by Kafka name, as the
    /// producer uses it (the state JSON's `configs`).
    pub fn entries(&self) -> BTreeMap<String, String> {
        let mut out: BTreeMap<String, String> = [
            (
                "acks",
                match self.acks {
                    Acks::None => "0",
                    Acks::Leader => "1",
                    Acks::All => "all",
                }
                .to_string(),
            ),
            ("batch.size", self.batch_size.to_string()),
            ("delivery.timeout.ms", self.delivery_timeout_ms.to_string()),
            ("enable.idempotence", self.enable_idempotence.to_string()),
            ("linger.ms", self.linger_ms.to_string()),
            (
                "max.in.flight.requests.per.connection",
                self.max_in_flight_requests_per_connection.to_string(),
            ),
            (
                "partitioner.adaptive.partitioning.enable",
                self.partitioner_adaptive_partitioning_enable.to_string(),
            ),
            (
                "partitioner.ignore.keys",
                self.partitioner_ignore_keys.to_string(),
            ),
            ("request.timeout.ms", self.request_timeout_ms.to_string()),
            ("retries", self.retries.to_string()),
            (
                "retry.backoff.max.ms",
                self.retry_backoff_max_ms.to_string(),
            ),
            ("retry.backoff.ms", self.retry_backoff_ms.to_string()),
            (
                "transaction.timeout.ms",
                self.transaction_timeout_ms.to_string(),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        if let Some(id) = &self.transactional_id {
            out.insert("transactional.id".into(), id.clone());
        }
        if self.partitioner == PartitionerKind::RoundRobin {
            out.insert(
                "partitioner.class".into(),
                catalog::ROUND_ROBIN_PARTITIONER.into(),
            );
        }
        out
    }
}

impl Default for ProducerSettings {
    fn default() -> Self {
        Self {
            acks: Acks::All,
            linger_ms: 5,
            batch_size: 16_384,
            retries: i64::from(i32::MAX),
            retry_backoff_ms: 100,
            retry_backoff_max_ms: 1000,
            delivery_timeout_ms: 120_000,
            request_timeout_ms: 30_000,
            enable_idempotence: true,
            partitioner: PartitionerKind::BuiltIn,
            partitioner_ignore_keys: false,
            partitioner_adaptive_partitioning_enable: true,
            max_in_flight_requests_per_connection: 5,
            transactional_id: None,
            transaction_timeout_ms: default_transaction_timeout_ms(),
        }
    }
}

/// Parses producer properties.
pub fn producer_settings(props: &BTreeMap<String, String>) -> Result<ProducerSettings, SimError> {
    let mut p = ProducerSettings::default();
    let mut idempotence_given = false;
    const P: ConfigScope = ConfigScope::Producer;
    for (k, v) in props {
        let k = k.trim();
        let value = checked(P, k, v)?;
        match k {
            "acks" => {
                p.acks = match value.as_str() {
                    "0" => Acks::None,
                    "1" => Acks::Leader,
                    "all" | "-1" => Acks::All,
                    other => return Err(invalid(k, format!("'{other}' is not 0, 1 or all"))),
                }
            }
            "linger.ms" => p.linger_ms = int(P, k, v)?,
            "batch.size" => p.batch_size = int(P, k, v)?,
            "retries" => p.retries = int(P, k, v)?,
            "retry.backoff.ms" => p.retry_backoff_ms = int(P, k, v)?,
            "retry.backoff.max.ms" => p.retry_backoff_max_ms = int(P, k, v)?,
            "delivery.timeout.ms" => p.delivery_timeout_ms = int(P, k, v)?,
            "request.timeout.ms" => p.request_timeout_ms = int(P, k, v)?,
            "enable.idempotence" => {
                p.enable_idempotence = boolean(P, k, v)?;
                idempotence_given = true;
            }
            "max.in.flight.requests.per.connection" => {
                p.max_in_flight_requests_per_connection = int(P, k, v)?
            }
            "partitioner.ignore.keys" => p.partitioner_ignore_keys = boolean(P, k, v)?,
            "partitioner.adaptive.partitioning.enable" => {
                p.partitioner_adaptive_partitioning_enable = boolean(P, k, v)?
            }
            "partitioner.class" => p.partitioner = PartitionerKind::RoundRobin,
            "transactional.id" => {
                if value.trim().is_empty() {
                    return Err(invalid(k, "must not be empty"));
                }
                p.transactional_id = Some(value)
            }
            "transaction.timeout.ms" => p.transaction_timeout_ms = int(P, k, v)?,
            // Checked and accepted; no effect in the model (see the catalogue).
            _ => {}
        }
    }
    // Kafka (`ProducerConfig.postProcessAndValidateIdempotenceConfigs`): idempotence keeps
    // at most 5 requests in flight. Asked for explicitly, more is a ConfigException; by
    // default idempotence is quietly turned off instead.
    if p.enable_idempotence && p.max_in_flight_requests_per_connection > 5 {
        if idempotence_given {
            return Err(invalid(
                "max.in.flight.requests.per.connection",
                "Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer",
            ));
        }
        p.enable_idempotence = false;
    }
    // Kafka: a transactional producer is idempotent; turning idempotence off is a
    // ConfigException, and so is anything idempotence cannot work with.
    if p.transactional_id.is_some() {
        if !p.enable_idempotence {
            return Err(invalid(
                "transactional.id",
                "Cannot set a transactional.id without also enabling idempotence.",
            ));
        }
        idempotence_given = true;
    }
    // Kafka: idempotence needs acks=all and retries > 0. Asked for explicitly, a conflict is
    // a ConfigException; by default it is quietly turned off.
    if p.acks != Acks::All || p.retries == 0 {
        if idempotence_given && p.enable_idempotence {
            return Err(invalid(
                "enable.idempotence",
                "requires acks=all and retries greater than 0",
            ));
        }
        p.enable_idempotence = false;
    }
    Ok(p)
}
