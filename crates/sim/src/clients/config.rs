//! Client settings from Kafka's property names (`group.id=g1`, `acks=all`), with Kafka's
//! defaults for whatever is not given. Values are strings, as in a `.properties` file.

use crate::assignor::Assignor;
use crate::config::{Acks, PartitionerKind};
use crate::consumer::{ConsumerConfig, OffsetResetStrategy};
use crate::error::SimError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Settings a real client accepts but that change nothing in the simulator (connection,
/// serialisation): accepted and ignored, so a learner's real properties file works here.
fn ignored(key: &str) -> bool {
    key == "bootstrap.servers"
        || key.ends_with(".serializer")
        || key.ends_with(".deserializer")
        || key.starts_with("fetch.")
        || key == "isolation.level"
        || key == "client.rack"
}

fn invalid(name: &str, reason: impl Into<String>) -> SimError {
    SimError::InvalidConfig {
        name: name.to_string(),
        reason: reason.into(),
    }
}

fn int(name: &str, v: &str, min: i64) -> Result<i64, SimError> {
    let n: i64 = v
        .trim()
        .parse()
        .map_err(|_| invalid(name, format!("'{v}' is not a whole number")))?;
    if n < min {
        return Err(invalid(name, format!("must be at least {min}, not {n}")));
    }
    Ok(n)
}

fn boolean(name: &str, v: &str) -> Result<bool, SimError> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(invalid(name, format!("'{v}' is not true or false"))),
    }
}

/// An assignor by its protocol name or its Java class name.
fn assignor(name: &str, v: &str) -> Result<Assignor, SimError> {
    let short = v.trim().rsplit('.').next().unwrap_or(v);
    let proto = match short {
        "RangeAssignor" => "range",
        "RoundRobinAssignor" => "roundrobin",
        "StickyAssignor" => "sticky",
        "CooperativeStickyAssignor" => "cooperative-sticky",
        other => other,
    };
    Assignor::from_name(proto).map_err(|_| {
        invalid(
            name,
            format!("'{v}' is not range, roundrobin, sticky or cooperative-sticky"),
        )
    })
}

/// A consumer's settings: Kafka's [`ConsumerConfig`] plus the simulated application's
/// processing time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumerSettings {
    pub kafka: ConsumerConfig,
    /// Simulator: how long the application takes per record (`processing.ms.per.record`,
    /// default 0: processing is instant).
    pub processing_ms_per_record: i64,
}

/// Parses consumer properties. `client.id` defaults to the consumer's name.
pub fn consumer_settings(
    name: &str,
    props: &BTreeMap<String, String>,
) -> Result<ConsumerSettings, SimError> {
    let mut c = ConsumerConfig::new("", name);
    c.group_id = None;
    let mut processing = 0;
    for (k, v) in props {
        let k = k.trim();
        match k {
            "group.id" => {
                let g = v.trim();
                c.group_id = (!g.is_empty()).then(|| g.to_string());
            }
            "group.instance.id" => {
                let g = v.trim();
                c.group_instance_id = (!g.is_empty()).then(|| g.to_string());
            }
            "client.id" => c.client_id = v.trim().to_string(),
            "enable.auto.commit" => c.enable_auto_commit = boolean(k, v)?,
            "auto.commit.interval.ms" => c.auto_commit_interval_ms = int(k, v, 0)?,
            "auto.offset.reset" => {
                c.auto_offset_reset = match v.trim() {
                    "earliest" => OffsetResetStrategy::Earliest,
                    "latest" => OffsetResetStrategy::Latest,
                    "none" => OffsetResetStrategy::None,
                    other => {
                        return Err(invalid(
                            k,
                            format!("'{other}' is not earliest, latest or none"),
                        ))
                    }
                }
            }
            "max.poll.records" => {
                c.max_poll_records = usize::try_from(int(k, v, 1)?).unwrap_or(usize::MAX)
            }
            "max.poll.interval.ms" => c.max_poll_interval_ms = int(k, v, 1)?,
            "session.timeout.ms" => c.session_timeout_ms = int(k, v, 1)?,
            "heartbeat.interval.ms" => c.heartbeat_interval_ms = int(k, v, 1)?,
            "partition.assignment.strategy" => {
                let list = v
                    .split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| assignor(k, s))
                    .collect::<Result<Vec<_>, _>>()?;
                if list.is_empty() {
                    return Err(invalid(k, "needs at least one assignor"));
                }
                c.partition_assignment_strategy = list;
            }
            "processing.ms.per.record" => processing = int(k, v, 0)?,
            other if ignored(other) => {}
            other => {
                return Err(invalid(
                    other,
                    "is not a consumer setting the simulator knows",
                ))
            }
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
        }
    }
}

/// Parses producer properties.
pub fn producer_settings(props: &BTreeMap<String, String>) -> Result<ProducerSettings, SimError> {
    let mut p = ProducerSettings::default();
    let mut idempotence_given = false;
    for (k, v) in props {
        let k = k.trim();
        match k {
            "acks" => {
                p.acks = match v.trim() {
                    "0" => Acks::None,
                    "1" => Acks::Leader,
                    "all" | "-1" => Acks::All,
                    other => return Err(invalid(k, format!("'{other}' is not 0, 1 or all"))),
                }
            }
            "linger.ms" => p.linger_ms = int(k, v, 0)?,
            "batch.size" => p.batch_size = int(k, v, 0)?,
            "retries" => p.retries = int(k, v, 0)?,
            "retry.backoff.ms" => p.retry_backoff_ms = int(k, v, 0)?,
            "retry.backoff.max.ms" => p.retry_backoff_max_ms = int(k, v, 0)?,
            "delivery.timeout.ms" => p.delivery_timeout_ms = int(k, v, 1)?,
            "request.timeout.ms" => p.request_timeout_ms = int(k, v, 1)?,
            "enable.idempotence" => {
                p.enable_idempotence = boolean(k, v)?;
                idempotence_given = true;
            }
            "partitioner.class" => {
                let short = v.trim().rsplit('.').next().unwrap_or(v);
                p.partitioner = match short {
                    "RoundRobinPartitioner" | "round_robin" | "roundrobin" => {
                        PartitionerKind::RoundRobin
                    }
                    "" | "DefaultPartitioner" | "built_in" | "builtin" => PartitionerKind::BuiltIn,
                    other => {
                        return Err(invalid(
                            k,
                            format!("'{other}' is not the built-in or RoundRobinPartitioner"),
                        ))
                    }
                }
            }
            other if ignored(other) => {}
            other => {
                return Err(invalid(
                    other,
                    "is not a producer setting the simulator knows",
                ))
            }
        }
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
