//! The world: every topic and client, changed only by [`Command`]s that return [`Event`]s.

use crate::error::SimError;
use crate::log::PartitionLog;
use crate::partitioner;
use crate::types::Offset;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorldConfig {
    pub brokers: u32,
}

impl Default for WorldConfig {
    fn default() -> Self {
        Self { brokers: 3 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topic {
    pub name: String,
    pub partitions: Vec<PartitionLog>,
}

/// Everything that can change the world.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    CreateTopic {
        name: String,
        partitions: i64,
    },
    Produce {
        topic: String,
        key: Option<String>,
        value: Option<String>,
        partition: Option<i32>,
    },
}

/// What a command caused, precise enough to animate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    TopicCreated {
        topic: String,
        partitions: i32,
    },
    RecordAppended {
        topic: String,
        partition: i32,
        offset: Offset,
        key: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct World {
    seed: u64,
    config: WorldConfig,
    now_ms: i64,
    topics: BTreeMap<String, Topic>,
    /// Next partition for keyless records (round-robin until the sticky partitioner lands).
    next_keyless: BTreeMap<String, i32>,
}

impl World {
    pub fn new(seed: u64, config: WorldConfig) -> Self {
        Self {
            seed,
            config,
            now_ms: 0,
            topics: BTreeMap::new(),
            next_keyless: BTreeMap::new(),
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn config(&self) -> &WorldConfig {
        &self.config
    }

    pub fn now_ms(&self) -> i64 {
        self.now_ms
    }

    pub fn topics(&self) -> impl Iterator<Item = &Topic> {
        self.topics.values()
    }

    pub fn topic(&self, name: &str) -> Option<&Topic> {
        self.topics.get(name)
    }

    /// Applies one command. On error the world is unchanged.
    pub fn apply(&mut self, command: Command) -> Result<Vec<Event>, SimError> {
        match command {
            Command::CreateTopic { name, partitions } => self.create_topic(name, partitions),
            Command::Produce {
                topic,
                key,
                value,
                partition,
            } => self.produce(topic, key, value, partition),
        }
    }

    fn create_topic(&mut self, name: String, partitions: i64) -> Result<Vec<Event>, SimError> {
        if name.is_empty() || name.len() > 249 {
            return Err(SimError::InvalidTopic {
                topic: name,
                reason: "must be 1 to 249 characters long".into(),
            });
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err(SimError::InvalidTopic {
                topic: name,
                reason: "contains a character other than ASCII alphanumerics, '.', '_' and '-'"
                    .into(),
            });
        }
        if self.topics.contains_key(&name) {
            return Err(SimError::TopicAlreadyExists { topic: name });
        }
        let count = i32::try_from(partitions)
            .ok()
            .filter(|p| *p >= 1 && *p <= 10_000);
        let Some(count) = count else {
            return Err(SimError::InvalidPartitions {
                requested: partitions,
            });
        };
        let logs = (0..count).map(|_| PartitionLog::new()).collect();
        self.topics.insert(
            name.clone(),
            Topic {
                name: name.clone(),
                partitions: logs,
            },
        );
        Ok(vec![Event::TopicCreated {
            topic: name,
            partitions: count,
        }])
    }

    fn produce(
        &mut self,
        topic: String,
        key: Option<String>,
        value: Option<String>,
        partition: Option<i32>,
    ) -> Result<Vec<Event>, SimError> {
        let Some(t) = self.topics.get_mut(&topic) else {
            return Err(SimError::UnknownTopicOrPartition { topic, partition });
        };
        let count = t.partitions.len() as i32;
        let p = match (partition, &key) {
            (Some(p), _) => p,
            (None, Some(k)) => partitioner::partition_for_key(k.as_bytes(), count),
            (None, None) => {
                let next = self.next_keyless.entry(topic.clone()).or_insert(0);
                let p = *next % count;
                *next = (p + 1) % count;
                p
            }
        };
        let Some(log) = usize::try_from(p)
            .ok()
            .and_then(|i| t.partitions.get_mut(i))
        else {
            return Err(SimError::UnknownTopicOrPartition {
                topic,
                partition: Some(p),
            });
        };
        let offset = log.append(self.now_ms, key.clone(), value);
        Ok(vec![Event::RecordAppended {
            topic,
            partition: p,
            offset,
            key,
        }])
    }
}
