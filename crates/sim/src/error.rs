//! Errors, named after Kafka's error codes where Kafka has one.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SimError {
    /// The topic or partition does not exist (`UNKNOWN_TOPIC_OR_PARTITION`).
    UnknownTopicOrPartition {
        topic: String,
        partition: Option<i32>,
    },
    /// A topic of that name exists already (`TOPIC_ALREADY_EXISTS`).
    TopicAlreadyExists { topic: String },
    /// Partition count must be at least 1 (`INVALID_PARTITIONS`).
    InvalidPartitions { requested: i64 },
    /// A topic name Kafka would refuse (`INVALID_TOPIC_EXCEPTION`).
    InvalidTopic { topic: String, reason: String },
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::UnknownTopicOrPartition {
                topic,
                partition: Some(p),
            } => {
                write!(
                    f,
                    "UNKNOWN_TOPIC_OR_PARTITION: partition {p} of topic '{topic}' does not exist"
                )
            }
            SimError::UnknownTopicOrPartition {
                topic,
                partition: None,
            } => {
                write!(
                    f,
                    "UNKNOWN_TOPIC_OR_PARTITION: topic '{topic}' does not exist"
                )
            }
            SimError::TopicAlreadyExists { topic } => {
                write!(f, "TOPIC_ALREADY_EXISTS: topic '{topic}' already exists")
            }
            SimError::InvalidPartitions { requested } => {
                write!(
                    f,
                    "INVALID_PARTITIONS: number of partitions must be at least 1, got {requested}"
                )
            }
            SimError::InvalidTopic { topic, reason } => {
                write!(f, "INVALID_TOPIC_EXCEPTION: '{topic}' {reason}")
            }
        }
    }
}

impl std::error::Error for SimError {}
