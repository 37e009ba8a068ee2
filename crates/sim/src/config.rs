//! Broker, topic and producer settings, named and defaulted as in current Kafka (3.x/4.x).
//!
//! Where the simulator picks its own default (because Kafka's would hide the behaviour a
//! learner wants to see), the field says so: `segment.bytes` is 16 KiB here (Kafka: 1 GiB) so
//! that segments roll and retention deletes them within a short scenario, and followers fetch
//! `replica_fetch_delay_ms` (10 ms) after the leader appends, standing in for Kafka's
//! long-polling replica fetchers.

use crate::catalog::{self, ConfigScope};
use crate::error::SimError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `cleanup.policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CleanupPolicy {
    /// Retention by time and size deletes old segments (Kafka's default).
    #[default]
    Delete,
    /// The log cleaner keeps the latest record per key.
    Compact,
    /// Both: compaction plus retention.
    CompactDelete,
}

impl CleanupPolicy {
    pub fn compacts(self) -> bool {
        matches!(self, CleanupPolicy::Compact | CleanupPolicy::CompactDelete)
    }
    pub fn deletes(self) -> bool {
        matches!(self, CleanupPolicy::Delete | CleanupPolicy::CompactDelete)
    }
}

/// `message.timestamp.type`: whose clock a record's timestamp is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum TimestampType {
    /// The producer's timestamp (or the one `send --timestamp` gives) is kept.
    #[default]
    CreateTime,
    /// The leader overwrites every record's timestamp with the time it appends it.
    LogAppendTime,
}

impl TimestampType {
    /// As Kafka spells it (`CreateTime`, `LogAppendTime`).
    pub fn name(self) -> &'static str {
        match self {
            TimestampType::CreateTime => "CreateTime",
            TimestampType::LogAppendTime => "LogAppendTime",
        }
    }
}

/// Per-topic configuration (`kafka-configs --entity-type topics`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TopicConfig {
    /// `cleanup.policy`, default `delete`.
    pub cleanup_policy: CleanupPolicy,
    /// `retention.ms`, default 604800000 (7 days); -1 keeps records forever.
    pub retention_ms: i64,
    /// `retention.bytes`, default -1 (no size limit).
    pub retention_bytes: i64,
    /// `segment.bytes`: simulator default 16384 (Kafka: 1073741824).
    pub segment_bytes: i64,
    /// `segment.ms`, default 604800000 (7 days).
    pub segment_ms: i64,
    /// `delete.retention.ms`, default 86400000 (1 day): how long tombstones survive compaction.
    pub delete_retention_ms: i64,
    /// `min.insync.replicas`, default 1.
    pub min_insync_replicas: i32,
    /// `min.cleanable.dirty.ratio`, default 0.5.
    pub min_cleanable_dirty_ratio: f64,
    /// `min.compaction.lag.ms`, default 0.
    pub min_compaction_lag_ms: i64,
    /// `max.message.bytes`, default 1048588.
    pub max_message_bytes: i64,
    /// `max.compaction.lag.ms`, default `i64::MAX`: a dirty record older than this makes the
    /// cleaner compact whatever the dirty ratio, and the active segment of a compacted topic
    /// rolls after this long (Kafka's `LogConfig.maxSegmentMs`).
    pub max_compaction_lag_ms: i64,
    /// `message.timestamp.type`, default `CreateTime`.
    pub message_timestamp_type: TimestampType,
    /// `unclean.leader.election.enable`, default false: whether a replica outside the ISR may
    /// be elected when no in-sync one is left.
    pub unclean_leader_election_enable: bool,
}

impl Default for TopicConfig {
    fn default() -> Self {
        Self {
            cleanup_policy: CleanupPolicy::Delete,
            retention_ms: 604_800_000,
            retention_bytes: -1,
            segment_bytes: 16_384,
            segment_ms: 604_800_000,
            delete_retention_ms: 86_400_000,
            min_insync_replicas: 1,
            min_cleanable_dirty_ratio: 0.5,
            min_compaction_lag_ms: 0,
            max_message_bytes: 1_048_588,
            max_compaction_lag_ms: i64::MAX,
            message_timestamp_type: TimestampType::CreateTime,
            unclean_leader_election_enable: false,
        }
    }
}

/// A partial [`TopicConfig`]: the settings given at creation or by `AlterTopicConfig`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct TopicConfigOverrides {
    pub cleanup_policy: Option<CleanupPolicy>,
    pub retention_ms: Option<i64>,
    pub retention_bytes: Option<i64>,
    pub segment_bytes: Option<i64>,
    pub segment_ms: Option<i64>,
    pub delete_retention_ms: Option<i64>,
    pub min_insync_replicas: Option<i32>,
    pub min_cleanable_dirty_ratio: Option<f64>,
    pub min_compaction_lag_ms: Option<i64>,
    pub max_message_bytes: Option<i64>,
    pub max_compaction_lag_ms: Option<i64>,
    pub message_timestamp_type: Option<TimestampType>,
    pub unclean_leader_election_enable: Option<bool>,
}

impl TopicConfigOverrides {
    /// Sets one config by its Kafka name, checked against the catalogue
    /// ([`crate::catalog`]): `INVALID_CONFIG` for an unknown name or a value out of range.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), SimError> {
        let (_, v) = catalog::check(ConfigScope::Topic, name.trim(), value.trim())?;
        let int = || -> Result<i64, SimError> {
            v.parse::<i64>().map_err(|_| invalid(name, "Not a number"))
        };
        match name.trim() {
            "cleanup.policy" => {
                let compact = v.split(',').any(|p| p == "compact");
                let delete = v.split(',').any(|p| p == "delete");
                self.cleanup_policy = Some(match (compact, delete) {
                    (true, true) => CleanupPolicy::CompactDelete,
                    (true, false) => CleanupPolicy::Compact,
                    _ => CleanupPolicy::Delete,
                });
            }
            "retention.ms" => self.retention_ms = Some(int()?),
            "retention.bytes" => self.retention_bytes = Some(int()?),
            "segment.bytes" => self.segment_bytes = Some(int()?),
            "segment.ms" => self.segment_ms = Some(int()?),
            "delete.retention.ms" => self.delete_retention_ms = Some(int()?),
            "min.insync.replicas" => {
                self.min_insync_replicas = Some(i32::try_from(int()?).unwrap_or(i32::MAX))
            }
            "min.compaction.lag.ms" => self.min_compaction_lag_ms = Some(int()?),
            "max.compaction.lag.ms" => self.max_compaction_lag_ms = Some(int()?),
            "max.message.bytes" => self.max_message_bytes = Some(int()?),
            "min.cleanable.dirty.ratio" => {
                self.min_cleanable_dirty_ratio = Some(
                    v.parse::<f64>()
                        .map_err(|_| invalid(name, "Not a number of type DOUBLE"))?,
                )
            }
            "message.timestamp.type" => {
                self.message_timestamp_type = Some(if v == "LogAppendTime" {
                    TimestampType::LogAppendTime
                } else {
                    TimestampType::CreateTime
                })
            }
            "unclean.leader.election.enable" => {
                self.unclean_leader_election_enable = Some(v == "true")
            }
            other => {
                return Err(invalid(
                    other,
                    "is in the catalogue but the topic config does not hold it",
                ))
            }
        }
        Ok(())
    }

    /// Overrides from `name=value` pairs (`kafka-topics --config`, `kafka-configs
    /// --add-config`).
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<TopicConfigOverrides, SimError> {
        let mut o = TopicConfigOverrides::default();
        for (name, value) in pairs {
            o.set(name, value)?;
        }
        Ok(o)
    }
}

fn invalid(name: &str, reason: impl Into<String>) -> SimError {
    SimError::InvalidConfig {
        name: name.into(),
        reason: reason.into(),
    }
}

impl TopicConfig {
    /// This configuration with `overrides` applied, or `INVALID_CONFIG` if a value is out of
    /// Kafka's range.
    pub fn with(&self, o: &TopicConfigOverrides) -> Result<TopicConfig, SimError> {
        let mut c = self.clone();
        if let Some(v) = o.cleanup_policy {
            c.cleanup_policy = v;
        }
        if let Some(v) = o.retention_ms {
            c.retention_ms = v;
        }
        if let Some(v) = o.retention_bytes {
            c.retention_bytes = v;
        }
        if let Some(v) = o.segment_bytes {
            c.segment_bytes = v;
        }
        if let Some(v) = o.segment_ms {
            c.segment_ms = v;
        }
        if let Some(v) = o.delete_retention_ms {
            c.delete_retention_ms = v;
        }
        if let Some(v) = o.min_insync_replicas {
            c.min_insync_replicas = v;
        }
        if let Some(v) = o.min_cleanable_dirty_ratio {
            c.min_cleanable_dirty_ratio = v;
        }
        if let Some(v) = o.min_compaction_lag_ms {
            c.min_compaction_lag_ms = v;
        }
        if let Some(v) = o.max_message_bytes {
            c.max_message_bytes = v;
        }
        if let Some(v) = o.max_compaction_lag_ms {
            c.max_compaction_lag_ms = v;
        }
        if let Some(v) = o.message_timestamp_type {
            c.message_timestamp_type = v;
        }
        if let Some(v) = o.unclean_leader_election_enable {
            c.unclean_leader_election_enable = v;
        }
        c.validate()?;
        Ok(c)
    }

    /// Checks every value against the range Kafka's `LogConfig` accepts.
    pub fn validate(&self) -> Result<(), SimError> {
        if self.retention_ms < -1 {
            return Err(invalid(
                "retention.ms",
                "must be -1 (forever) or at least 0",
            ));
        }
        if self.retention_bytes < -1 {
            return Err(invalid(
                "retention.bytes",
                "must be -1 (no limit) or at least 0",
            ));
        }
        // Kafka 3.x: at least LegacyRecord.RECORD_OVERHEAD_V0 (14 bytes); at most Int.MaxValue.
        if !(14..=1 << 30).contains(&self.segment_bytes) {
            return Err(invalid(
                "segment.bytes",
                "must be between 14 and 1073741824 in the simulator",
            ));
        }
        if self.segment_ms < 1 {
            return Err(invalid("segment.ms", "must be at least 1"));
        }
        if self.delete_retention_ms < 0 {
            return Err(invalid("delete.retention.ms", "must be at least 0"));
        }
        if self.min_insync_replicas < 1 {
            return Err(invalid("min.insync.replicas", "must be at least 1"));
        }
        if !(0.0..=1.0).contains(&self.min_cleanable_dirty_ratio) {
            return Err(invalid(
                "min.cleanable.dirty.ratio",
                "must be between 0 and 1",
            ));
        }
        if self.min_compaction_lag_ms < 0 {
            return Err(invalid("min.compaction.lag.ms", "must be at least 0"));
        }
        if !(0..=i64::from(i32::MAX)).contains(&self.max_message_bytes) {
            return Err(invalid(
                "max.message.bytes",
                "must be between 0 and 2147483647",
            ));
        }
        if self.max_compaction_lag_ms < 1 {
            return Err(invalid("max.compaction.lag.ms", "must be at least 1"));
        }
        // Kafka's LogConfig.validateValues refuses a minimum lag above the maximum.
        if self.min_compaction_lag_ms > self.max_compaction_lag_ms {
            return Err(invalid(
                "min.compaction.lag.ms",
                format!(
                    "conflict topic config setting min.compaction.lag.ms ({}) > max.compaction.lag.ms ({})",
                    self.min_compaction_lag_ms, self.max_compaction_lag_ms
                ),
            ));
        }
        Ok(())
    }

    /// How long the active segment may stay open: `segment.ms`, or `max.compaction.lag.ms`
    /// if lower on a compacted topic (the cleaner never touches the active segment, so it
    /// must roll for the maximum lag to hold).
    pub fn effective_segment_ms(&self) -> i64 {
        if self.cleanup_policy.compacts() {
            self.segment_ms.min(self.max_compaction_lag_ms)
        } else {
            self.segment_ms
        }
    }

    /// The value of a config by its Kafka name, as `kafka-configs` prints it.
    pub fn get(&self, name: &str) -> Option<String> {
        Some(match name {
            "cleanup.policy" => match self.cleanup_policy {
                CleanupPolicy::Delete => "delete",
                CleanupPolicy::Compact => "compact",
                CleanupPolicy::CompactDelete => "compact,delete",
            }
            .to_string(),
            "delete.retention.ms" => self.delete_retention_ms.to_string(),
            "max.compaction.lag.ms" => self.max_compaction_lag_ms.to_string(),
            "max.message.bytes" => self.max_message_bytes.to_string(),
            "message.timestamp.type" => self.message_timestamp_type.name().to_string(),
            "min.cleanable.dirty.ratio" => self.min_cleanable_dirty_ratio.to_string(),
            "min.compaction.lag.ms" => self.min_compaction_lag_ms.to_string(),
            "min.insync.replicas" => self.min_insync_replicas.to_string(),
            "retention.bytes" => self.retention_bytes.to_string(),
            "retention.ms" => self.retention_ms.to_string(),
            "segment.bytes" => self.segment_bytes.to_string(),
            "segment.ms" => self.segment_ms.to_string(),
            "unclean.leader.election.enable" => self.unclean_leader_election_enable.to_string(),
            _ => return None,
        })
    }

    /// Every topic config of the catalogue with its value, by Kafka name.
    pub fn entries(&self) -> BTreeMap<String, String> {
        catalog::specs(ConfigScope::Topic)
            .filter_map(|s| Some((s.name.to_string(), self.get(s.name)?)))
            .collect()
    }
}

/// Which partitioner the producer uses for records without an explicit partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PartitionerKind {
    /// Kafka 3.3+'s built-in partitioner (KIP-794): keyed records by murmur2, keyless records
    /// sticky to one partition until `batch.size` bytes went to it, then a random partition.
    #[default]
    BuiltIn,
    /// `org.apache.kafka.clients.producer.RoundRobinPartitioner`: every record (keyed or not)
    /// to the next available partition in turn, as producers up to Kafka 2.3 did for keyless
    /// records.
    RoundRobin,
}

/// `acks`: how many replicas must have a record before the producer hears it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Acks {
    /// `acks=0`: fire and forget.
    #[serde(rename = "0")]
    None,
    /// `acks=1`: the leader appended it.
    #[serde(rename = "1")]
    Leader,
    /// `acks=all` (`-1`): every in-sync replica has it; the default since Kafka 3.0.
    #[default]
    #[serde(rename = "all")]
    All,
}

/// The settings of the world's built-in producer (Core II adds producers of their own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProducerConfig {
    /// `acks`, default `all`.
    pub acks: Acks,
    /// `batch.size`, default 16384: the sticky partitioner switches after this many bytes.
    pub batch_size: i64,
    /// `partitioner.class`: built-in (default) or round-robin.
    pub partitioner: PartitionerKind,
}

impl Default for ProducerConfig {
    fn default() -> Self {
        Self {
            acks: Acks::All,
            batch_size: 16_384,
            partitioner: PartitionerKind::BuiltIn,
        }
    }
}

/// Everything fixed when a world is created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorldConfig {
    /// Number of brokers, numbered 1..=brokers. Default 3.
    pub brokers: u32,
    /// `default.replication.factor` for topics created without one. Kafka's default is 1.
    pub default_replication_factor: i16,
    /// `offsets.topic.num.partitions`, default 50.
    pub offsets_topic_num_partitions: i32,
    /// `offsets.topic.replication.factor`, default 3 (capped at the broker count here).
    pub offsets_topic_replication_factor: i16,
    /// `offsets.retention.minutes` in milliseconds, default 10080 minutes (7 days).
    pub offsets_retention_ms: i64,
    /// `offsets.retention.check.interval.ms`, default 600000.
    pub offsets_retention_check_interval_ms: i64,
    /// `offset.metadata.max.bytes`, default 4096.
    pub offset_metadata_max_bytes: usize,
    /// `replica.lag.time.max.ms`, default 30000.
    pub replica_lag_time_max_ms: i64,
    /// Simulator: how long after a leader append its followers fetch. Default 10 ms.
    pub replica_fetch_delay_ms: i64,
    /// `log.retention.check.interval.ms`, default 300000.
    pub log_retention_check_interval_ms: i64,
    /// `log.cleaner.backoff.ms`, default 15000: how often the cleaner looks for work.
    pub log_cleaner_backoff_ms: i64,
    /// `auto.leader.rebalance.enable`, default true.
    pub auto_leader_rebalance_enable: bool,
    /// `leader.imbalance.check.interval.seconds` in ms, default 300000.
    pub leader_imbalance_check_interval_ms: i64,
    /// `leader.imbalance.per.broker.percentage`, default 10.
    pub leader_imbalance_per_broker_percentage: i32,
    /// `auto.create.topics.enable`, default true: a producer's or a consumer's metadata
    /// request for a missing topic creates it (`num.partitions`, `default.replication.factor`).
    pub auto_create_topics_enable: bool,
    /// `num.partitions`, default 1: the partitions of an auto-created topic (and of
    /// `kafka-topics --create` without `--partitions`).
    pub num_partitions: i32,
    /// Broker-wide topic defaults (`log.*` settings).
    pub topic_defaults: TopicConfig,
    /// The world's built-in producer.
    pub producer: ProducerConfig,
}

impl Default for WorldConfig {
    fn default() -> Self {
        Self {
            brokers: 3,
            default_replication_factor: 1,
            offsets_topic_num_partitions: 50,
            offsets_topic_replication_factor: 3,
            offsets_retention_ms: 10_080 * 60_000,
            offsets_retention_check_interval_ms: 600_000,
            offset_metadata_max_bytes: 4096,
            replica_lag_time_max_ms: 30_000,
            replica_fetch_delay_ms: 10,
            log_retention_check_interval_ms: 300_000,
            log_cleaner_backoff_ms: 15_000,
            auto_leader_rebalance_enable: true,
            leader_imbalance_check_interval_ms: 300_000,
            leader_imbalance_per_broker_percentage: 10,
            auto_create_topics_enable: true,
            num_partitions: 1,
            topic_defaults: TopicConfig::default(),
            producer: ProducerConfig::default(),
        }
    }
}

/// The most brokers a world may have.
pub const MAX_BROKERS: u32 = 100;
/// The most partitions one topic may have.
pub const MAX_PARTITIONS: i32 = 10_000;

impl WorldConfig {
    /// Checks every value; `World::try_new` refuses a config that fails here.
    pub fn validate(&self) -> Result<(), SimError> {
        if !(1..=MAX_BROKERS).contains(&self.brokers) {
            return Err(invalid(
                "brokers",
                format!("must be between 1 and {MAX_BROKERS}"),
            ));
        }
        if !(1..=MAX_PARTITIONS).contains(&self.offsets_topic_num_partitions) {
            return Err(invalid(
                "offsets.topic.num.partitions",
                format!("must be between 1 and {MAX_PARTITIONS}"),
            ));
        }
        if self.offsets_topic_replication_factor < 1 {
            return Err(invalid(
                "offsets.topic.replication.factor",
                "must be at least 1",
            ));
        }
        if self.default_replication_factor < 1 {
            return Err(invalid("default.replication.factor", "must be at least 1"));
        }
        if !(1..=MAX_PARTITIONS).contains(&self.num_partitions) {
            return Err(invalid(
                "num.partitions",
                format!("must be between 1 and {MAX_PARTITIONS}"),
            ));
        }
        let positive = [
            ("offsets.retention.minutes", self.offsets_retention_ms),
            (
                "offsets.retention.check.interval.ms",
                self.offsets_retention_check_interval_ms,
            ),
            ("replica.lag.time.max.ms", self.replica_lag_time_max_ms),
            (
                "log.retention.check.interval.ms",
                self.log_retention_check_interval_ms,
            ),
            ("log.cleaner.backoff.ms", self.log_cleaner_backoff_ms),
            (
                "leader.imbalance.check.interval.seconds",
                self.leader_imbalance_check_interval_ms,
            ),
        ];
        for (name, v) in positive {
            if v < 1 {
                return Err(invalid(name, "must be at least 1"));
            }
        }
        if self.replica_fetch_delay_ms < 0 {
            return Err(invalid("replica_fetch_delay_ms", "must be at least 0"));
        }
        if self.producer.batch_size < 0 {
            return Err(invalid("batch.size", "must be at least 0"));
        }
        self.topic_defaults.validate()
    }

    /// A valid config as close as possible to this one (out-of-range values replaced by the
    /// default), for `World::new`, which cannot fail.
    pub fn sanitized(&self) -> WorldConfig {
        if self.validate().is_ok() {
            return self.clone();
        }
        let d = WorldConfig::default();
        let mut c = self.clone();
        c.brokers = c.brokers.clamp(1, MAX_BROKERS);
        if !(1..=MAX_PARTITIONS).contains(&c.offsets_topic_num_partitions) {
            c.offsets_topic_num_partitions = d.offsets_topic_num_partitions;
        }
        if c.offsets_topic_replication_factor < 1 {
            c.offsets_topic_replication_factor = d.offsets_topic_replication_factor;
        }
        if c.default_replication_factor < 1 {
            c.default_replication_factor = 1;
        }
        if !(1..=MAX_PARTITIONS).contains(&c.num_partitions) {
            c.num_partitions = d.num_partitions;
        }
        let fix = |v: &mut i64, dv: i64| {
            if *v < 1 {
                *v = dv;
            }
        };
        fix(&mut c.offsets_retention_ms, d.offsets_retention_ms);
        fix(
            &mut c.offsets_retention_check_interval_ms,
            d.offsets_retention_check_interval_ms,
        );
        fix(&mut c.replica_lag_time_max_ms, d.replica_lag_time_max_ms);
        fix(
            &mut c.log_retention_check_interval_ms,
            d.log_retention_check_interval_ms,
        );
        fix(&mut c.log_cleaner_backoff_ms, d.log_cleaner_backoff_ms);
        fix(
            &mut c.leader_imbalance_check_interval_ms,
            d.leader_imbalance_check_interval_ms,
        );
        if c.replica_fetch_delay_ms < 0 {
            c.replica_fetch_delay_ms = d.replica_fetch_delay_ms;
        }
        if c.producer.batch_size < 0 {
            c.producer.batch_size = d.producer.batch_size;
        }
        if c.topic_defaults.validate().is_err() {
            c.topic_defaults = d.topic_defaults;
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_current_kafka_defaults() {
        let c = WorldConfig::default();
        assert_eq!(c.offsets_topic_num_partitions, 50);
        assert_eq!(c.offsets_retention_ms, 7 * 24 * 60 * 60 * 1000);
        assert_eq!(c.replica_lag_time_max_ms, 30_000);
        assert_eq!(c.producer.batch_size, 16_384);
        assert_eq!(c.producer.acks, Acks::All);
        let t = TopicConfig::default();
        assert_eq!(t.retention_ms, 604_800_000);
        assert_eq!(t.delete_retention_ms, 86_400_000);
        assert_eq!(t.min_insync_replicas, 1);
        assert!(c.validate().is_ok());
    }

    #[test]
    fn out_of_range_topic_settings_are_invalid_config() {
        let t = TopicConfig::default();
        let bad = TopicConfigOverrides {
            min_insync_replicas: Some(0),
            ..Default::default()
        };
        assert!(matches!(t.with(&bad), Err(SimError::InvalidConfig { .. })));
        let bad = TopicConfigOverrides {
            segment_bytes: Some(3),
            ..Default::default()
        };
        assert!(matches!(t.with(&bad), Err(SimError::InvalidConfig { .. })));
    }

    #[test]
    fn sanitizing_a_broken_world_config_gives_a_valid_one() {
        let c = WorldConfig {
            brokers: 0,
            offsets_topic_num_partitions: -4,
            replica_lag_time_max_ms: -1,
            ..Default::default()
        };
        assert!(c.validate().is_err());
        let s = c.sanitized();
        assert!(s.validate().is_ok());
        assert_eq!(s.brokers, 1);
    }

    #[test]
    fn acks_serialise_as_kafka_spells_them() {
        assert_eq!(serde_json::to_string(&Acks::All).unwrap(), "\"all\"");
        assert_eq!(serde_json::to_string(&Acks::None).unwrap(), "\"0\"");
        assert_eq!(serde_json::to_string(&Acks::Leader).unwrap(), "\"1\"");
    }
}
