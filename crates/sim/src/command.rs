//! Everything that can change the world. Commands serialise as JSON objects with a `"type"`
//! field naming the variant; optional fields may be left out.

use crate::config::{Acks, TopicConfigOverrides};
use crate::log::Header;
use crate::types::{BrokerId, TopicPartition};
use serde::{Deserialize, Serialize};

/// One offset to commit (`OffsetCommitRequest` partition data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffsetCommit {
    pub topic: String,
    pub partition: i32,
    /// The next offset to read (after processing offset 41, commit 42).
    pub offset: i64,
    #[serde(default)]
    pub metadata: String,
    #[serde(default)]
    pub leader_epoch: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Command {
    /// `kafka-topics --create --topic NAME --partitions N [--replication-factor R]
    /// [--config k=v]`.
    CreateTopic {
        name: String,
        partitions: i64,
        #[serde(default)]
        replication_factor: Option<i64>,
        #[serde(default)]
        config: TopicConfigOverrides,
    },
    /// `kafka-topics --alter --partitions TOTAL`: partitions can only grow.
    AddPartitions {
        topic: String,
        total: i64,
    },
    /// `kafka-configs --alter --entity-type topics --add-config …`.
    AlterTopicConfig {
        topic: String,
        config: TopicConfigOverrides,
    },
    /// One record from the world's built-in producer.
    Produce {
        topic: String,
        #[serde(default)]
        partition: Option<i32>,
        #[serde(default)]
        key: Option<String>,
        #[serde(default)]
        value: Option<String>,
        #[serde(default)]
        headers: Vec<Header>,
        /// CreateTime; the virtual clock's now when absent.
        #[serde(default)]
        timestamp_ms: Option<i64>,
        /// Overrides the producer's `acks`.
        #[serde(default)]
        acks: Option<Acks>,
    },
    /// `kafka-delete-records`: raise the log start offset to `before_offset` (-1: the HW).
    DeleteRecords {
        topic: String,
        partition: i32,
        before_offset: i64,
    },
    /// Move the virtual clock forward, running every timer that falls due.
    Advance {
        ms: i64,
    },
    /// Crash a broker (it is fenced at once: leaves ISRs, loses leaderships).
    KillBroker {
        broker: BrokerId,
    },
    /// Start a stopped broker again; its replicas truncate and catch up.
    RestartBroker {
        broker: BrokerId,
    },
    /// The broker keeps running and leading but its followers stop fetching (a slow or
    /// partitioned replica): after `replica.lag.time.max.ms` they leave the ISR.
    PauseReplicaFetching {
        broker: BrokerId,
    },
    ResumeReplicaFetching {
        broker: BrokerId,
    },
    /// `kafka-leader-election --election-type preferred --all-topic-partitions`.
    ElectPreferredLeaders {},
    /// Commit offsets for a group (what `commitSync` sends, or
    /// `kafka-consumer-groups --reset-offsets --execute`).
    CommitOffsets {
        group: String,
        offsets: Vec<OffsetCommit>,
    },
    /// `kafka-consumer-groups --delete-offsets`: tombstones for these partitions.
    DeleteOffsets {
        group: String,
        partitions: Vec<TopicPartition>,
    },
}
