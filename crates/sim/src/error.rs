//! Errors, named after Kafka's error codes where Kafka has one.
//!
//! Every way a command can fail is a variant here; the simulator never panics on input a user
//! or a stored file can influence. [`SimError::kafka_code`] gives the name Kafka would print.

use crate::types::{BrokerId, Offset};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "error")]
pub enum SimError {
    /// The topic or partition does not exist (`UNKNOWN_TOPIC_OR_PARTITION`).
    UnknownTopicOrPartition {
        topic: String,
        partition: Option<i32>,
    },
    /// A topic of that name exists already (`TOPIC_ALREADY_EXISTS`).
    TopicAlreadyExists { topic: String },
    /// Partition count must be at least 1, or must grow (`INVALID_PARTITIONS`).
    InvalidPartitions { requested: i64, reason: String },
    /// A topic name Kafka would refuse (`INVALID_TOPIC_EXCEPTION`).
    InvalidTopic { topic: String, reason: String },
    /// Replication factor below 1 or above the number of live brokers
    /// (`INVALID_REPLICATION_FACTOR`).
    InvalidReplicationFactor { requested: i64, live_brokers: u32 },
    /// A fetch below the log start offset or above the log end offset
    /// (`OFFSET_OUT_OF_RANGE`).
    OffsetOutOfRange {
        topic: String,
        partition: i32,
        offset: i64,
        log_start_offset: Offset,
        log_end_offset: Offset,
    },
    /// `acks=all` while the ISR is smaller than `min.insync.replicas` (`NOT_ENOUGH_REPLICAS`).
    NotEnoughReplicas {
        topic: String,
        partition: i32,
        isr: usize,
        min_insync_replicas: i32,
    },
    /// The broker asked is not the leader of that partition (`NOT_LEADER_OR_FOLLOWER`).
    NotLeaderOrFollower {
        topic: String,
        partition: i32,
        broker: BrokerId,
    },
    /// The partition has no live leader right now (`LEADER_NOT_AVAILABLE`).
    LeaderNotAvailable { topic: String, partition: i32 },
    /// No broker with that id, or it is not in the state the command needs
    /// (`BROKER_NOT_AVAILABLE`).
    BrokerNotAvailable { broker: BrokerId, reason: String },
    /// A record Kafka would refuse, e.g. a keyless record on a compacted topic
    /// (`INVALID_RECORD`).
    InvalidRecord { topic: String, reason: String },
    /// A record larger than `max.message.bytes` (`MESSAGE_TOO_LARGE`).
    MessageTooLarge { size: u64, max_message_bytes: i64 },
    /// A configuration value out of range (`INVALID_CONFIG`).
    InvalidConfig { name: String, reason: String },
    /// A request that makes no sense, e.g. advancing the clock backwards (`INVALID_REQUEST`).
    InvalidRequest { reason: String },
    /// The group's coordinator partition has no live leader (`COORDINATOR_NOT_AVAILABLE`).
    CoordinatorNotAvailable { group: String, partition: i32 },
    /// An empty group id (`INVALID_GROUP_ID`).
    InvalidGroupId { group: String },
    /// The coordinator does not know the group: no members and no committed offsets
    /// (`GROUP_ID_NOT_FOUND`).
    GroupIdNotFound { group: String },
    /// `OffsetDelete` refused every partition of the request because the group is actively
    /// subscribed to their topics (`GROUP_SUBSCRIBED_TO_TOPIC`, the tools'
    /// `GroupSubscribedToTopicException`); nothing was deleted.
    GroupSubscribedToTopic { group: String, topics: Vec<String> },
    /// Commit metadata longer than `offset.metadata.max.bytes` (`OFFSET_METADATA_TOO_LARGE`).
    OffsetMetadataTooLarge { size: usize, max: usize },
    /// A negative offset where Kafka's client throws `IllegalArgumentException`
    /// ("Invalid negative offset").
    InvalidOffset { offset: i64 },
    /// A snapshot or session in a format version this build cannot read
    /// (`UNSUPPORTED_VERSION`).
    UnsupportedVersion { found: u32, supported: u32 },
    /// A snapshot that does not decode or whose content breaks the model's invariants.
    CorruptSnapshot { reason: String },
    /// No consumer or producer of that name (the simulator's own code, `UNKNOWN_CLIENT`).
    UnknownClient { name: String },
    /// A consumer or producer of that name exists already (`CLIENT_ALREADY_EXISTS`).
    ClientAlreadyExists { name: String },
    /// What the Java consumer throws, with the Kafka error behind it (`kafka_code` is the
    /// error's code: `ILLEGAL_GENERATION`, `REBALANCE_IN_PROGRESS`, `NO_OFFSET_FOR_PARTITION` …).
    Consumer {
        consumer: String,
        cause: crate::consumer::ConsumerError,
    },
    /// What the Java producer throws for a transactional call: `ProducerFencedException`,
    /// `IllegalStateException`, a `KafkaException` after a failed send, a
    /// `TimeoutException` while a partition has no leader, a `CommitFailedException`.
    Transaction {
        producer: String,
        cause: crate::clients::TxnError,
    },
    /// `DeleteGroups` or an offsets reset for a group that still has members
    /// (`NON_EMPTY_GROUP`, the tools' `GroupNotEmptyException`).
    GroupNotEmpty { group: String },
}

impl SimError {
    /// The Kafka error code name this error mirrors.
    pub fn kafka_code(&self) -> &'static str {
        match self {
            SimError::UnknownTopicOrPartition { .. } => "UNKNOWN_TOPIC_OR_PARTITION",
            SimError::TopicAlreadyExists { .. } => "TOPIC_ALREADY_EXISTS",
            SimError::InvalidPartitions { .. } => "INVALID_PARTITIONS",
            SimError::InvalidTopic { .. } => "INVALID_TOPIC_EXCEPTION",
            SimError::InvalidReplicationFactor { .. } => "INVALID_REPLICATION_FACTOR",
            SimError::OffsetOutOfRange { .. } => "OFFSET_OUT_OF_RANGE",
            SimError::NotEnoughReplicas { .. } => "NOT_ENOUGH_REPLICAS",
            SimError::NotLeaderOrFollower { .. } => "NOT_LEADER_OR_FOLLOWER",
            SimError::LeaderNotAvailable { .. } => "LEADER_NOT_AVAILABLE",
            SimError::BrokerNotAvailable { .. } => "BROKER_NOT_AVAILABLE",
            SimError::InvalidRecord { .. } => "INVALID_RECORD",
            SimError::MessageTooLarge { .. } => "MESSAGE_TOO_LARGE",
            SimError::InvalidConfig { .. } => "INVALID_CONFIG",
            SimError::InvalidRequest { .. } => "INVALID_REQUEST",
            SimError::CoordinatorNotAvailable { .. } => "COORDINATOR_NOT_AVAILABLE",
            SimError::InvalidGroupId { .. } => "INVALID_GROUP_ID",
            SimError::GroupIdNotFound { .. } => "GROUP_ID_NOT_FOUND",
            SimError::GroupSubscribedToTopic { .. } => "GROUP_SUBSCRIBED_TO_TOPIC",
            SimError::OffsetMetadataTooLarge { .. } => "OFFSET_METADATA_TOO_LARGE",
            SimError::InvalidOffset { .. } => "ILLEGAL_ARGUMENT",
            SimError::UnsupportedVersion { .. } => "UNSUPPORTED_VERSION",
            SimError::CorruptSnapshot { .. } => "CORRUPT_SNAPSHOT",
            SimError::UnknownClient { .. } => "UNKNOWN_CLIENT",
            SimError::ClientAlreadyExists { .. } => "CLIENT_ALREADY_EXISTS",
            SimError::Consumer { cause, .. } => cause.code(),
            SimError::Transaction { cause, .. } => cause.code(),
            SimError::GroupNotEmpty { .. } => "NON_EMPTY_GROUP",
        }
    }
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = self.kafka_code();
        match self {
            SimError::UnknownTopicOrPartition {
                topic,
                partition: Some(p),
            } => write!(f, "{code}: partition {p} of topic '{topic}' does not exist"),
            SimError::UnknownTopicOrPartition {
                topic,
                partition: None,
            } => write!(f, "{code}: topic '{topic}' does not exist"),
            SimError::TopicAlreadyExists { topic } => {
                write!(f, "{code}: topic '{topic}' already exists")
            }
            SimError::InvalidPartitions { requested, reason } => {
                write!(f, "{code}: {requested} partitions: {reason}")
            }
            SimError::InvalidTopic { topic, reason } => write!(f, "{code}: '{topic}' {reason}"),
            SimError::InvalidReplicationFactor {
                requested,
                live_brokers,
            } => write!(
                f,
                "{code}: replication factor {requested} must be between 1 and the number of live brokers ({live_brokers})"
            ),
            SimError::OffsetOutOfRange {
                topic,
                partition,
                offset,
                log_start_offset,
                log_end_offset,
            } => write!(
                f,
                "{code}: offset {offset} is outside {topic}-{partition}'s log (log start offset {log_start_offset}, log end offset {log_end_offset})"
            ),
            SimError::NotEnoughReplicas {
                topic,
                partition,
                isr,
                min_insync_replicas,
            } => write!(
                f,
                "{code}: {topic}-{partition} has {isr} in-sync replica(s), fewer than min.insync.replicas={min_insync_replicas}, so an acks=all write is refused"
            ),
            SimError::NotLeaderOrFollower {
                topic,
                partition,
                broker,
            } => write!(
                f,
                "{code}: broker {broker} is not the leader of {topic}-{partition}"
            ),
            SimError::LeaderNotAvailable { topic, partition } => write!(
                f,
                "{code}: {topic}-{partition} has no live leader (no in-sync replica is running)"
            ),
            SimError::BrokerNotAvailable { broker, reason } => {
                write!(f, "{code}: broker {broker} {reason}")
            }
            SimError::InvalidRecord { topic, reason } => {
                write!(f, "{code}: topic '{topic}': {reason}")
            }
            SimError::MessageTooLarge {
                size,
                max_message_bytes,
            } => write!(
                f,
                "{code}: the record is {size} bytes, more than max.message.bytes={max_message_bytes}"
            ),
            SimError::InvalidConfig { name, reason } => write!(f, "{code}: {name} {reason}"),
            SimError::InvalidRequest { reason } => write!(f, "{code}: {reason}"),
            SimError::CoordinatorNotAvailable { group, partition } => write!(
                f,
                "{code}: the coordinator of group '{group}' (leader of __consumer_offsets-{partition}) is not available"
            ),
            SimError::InvalidGroupId { group } => {
                write!(f, "{code}: '{group}' is not a valid group id (it must not be empty)")
            }
            SimError::GroupIdNotFound { group } => write!(
                f,
                "{code}: group '{group}' does not exist (no members, no committed offsets)"
            ),
            SimError::GroupSubscribedToTopic { group, topics } => write!(
                f,
                "{code}: group '{group}' is actively subscribed to {}: their offsets cannot be deleted",
                topics.join(", ")
            ),
            SimError::OffsetMetadataTooLarge { size, max } => write!(
                f,
                "{code}: commit metadata is {size} bytes, more than offset.metadata.max.bytes={max}"
            ),
            SimError::InvalidOffset { offset } => {
                write!(f, "{code}: invalid negative offset {offset}")
            }
            SimError::UnsupportedVersion { found, supported } => write!(
                f,
                "{code}: format version {found} cannot be read (this build reads version {supported})"
            ),
            SimError::CorruptSnapshot { reason } => write!(f, "{code}: {reason}"),
            SimError::UnknownClient { name } => {
                write!(f, "{code}: there is no consumer or producer named '{name}'")
            }
            SimError::ClientAlreadyExists { name } => {
                write!(f, "{code}: a consumer or producer named '{name}' exists already")
            }
            SimError::Consumer { consumer, cause } => write!(f, "{code}: {consumer}: {cause}"),
            SimError::Transaction { producer, cause } => {
                write!(f, "{code}: {producer}: {cause}")
            }
            SimError::GroupNotEmpty { group } => {
                write!(f, "{code}: group '{group}' has members; it must be empty first")
            }
        }
    }
}

impl std::error::Error for SimError {}
