//! Topics: creation (and auto-creation by a producer's metadata request), partitions added,
//! configs altered, deletion.

use super::{unknown, validate_topic_name, World};
use crate::cluster::{assign_replicas, Partition};
use crate::config::{TopicConfigOverrides, MAX_PARTITIONS};
use crate::error::SimError;
use crate::event::Event;
use crate::offsets;
use crate::rng::SimRng;
use crate::types::TopicPartition;

impl World {
    pub(super) fn create_topic(
        &mut self,
        name: String,
        partitions: i64,
        replication_factor: Option<i64>,
        overrides: &TopicConfigOverrides,
    ) -> Result<Vec<Event>, SimError> {
        validate_topic_name(&name)?;
        if self.topics.contains_key(&name) {
            return Err(SimError::TopicAlreadyExists { topic: name });
        }
        // Kafka refuses names that collide once '.' and '_' are treated alike.
        let folded = name.replace('.', "_");
        if let Some(other) = self.topics.keys().find(|t| t.replace('.', "_") == folded) {
            return Err(SimError::InvalidTopic {
                topic: name.clone(),
                reason: format!("collides with existing topic '{other}' ('.' and '_' clash)"),
            });
        }
        let count = i32::try_from(partitions)
            .ok()
            .filter(|p| (1..=MAX_PARTITIONS).contains(p))
            .ok_or_else(|| SimError::InvalidPartitions {
                requested: partitions,
                reason: format!("must be between 1 and {MAX_PARTITIONS}"),
            })?;
        let live = self.live_brokers().len() as u32;
        let rf = replication_factor.unwrap_or(i64::from(self.config.default_replication_factor));
        if rf < 1 || rf > i64::from(live) {
            return Err(SimError::InvalidReplicationFactor {
                requested: rf,
                live_brokers: live,
            });
        }
        let config = self.config.topic_defaults.with(overrides)?;
        let topic = self.build_topic(&name, count, rf as usize, config, false);
        let replicas = topic
            .partitions
            .iter()
            .map(Partition::replica_ids)
            .collect();
        self.topics.insert(name.clone(), topic);
        Ok(vec![Event::TopicCreated {
            topic: name,
            partitions: count,
            replication_factor: rf as i32,
            internal: false,
            replicas,
        }])
    }

    /// A client's metadata request for `topic`, which does not exist: with
    /// `auto.create.topics.enable` (and the client allowing it) the broker creates it with
    /// `num.partitions` and the default replication factor. Returns the events; the client's
    /// warning says whether it was created (`LEADER_NOT_AVAILABLE`) or not
    /// (`UNKNOWN_TOPIC_OR_PARTITION`, also when creating fails: a bad name, too few brokers).
    pub(crate) fn metadata_for_missing_topic(
        &mut self,
        topic: &str,
        client: Option<&str>,
        allow_create: bool,
    ) -> Vec<Event> {
        let mut events = Vec::new();
        let created = allow_create
            && self.config.auto_create_topics_enable
            && match self.create_topic(
                topic.to_string(),
                i64::from(self.config.num_partitions),
                None,
                &TopicConfigOverrides::default(),
            ) {
                Ok(evs) => {
                    events.extend(evs);
                    true
                }
                Err(_) => false,
            };
        events.push(Event::MetadataWarning {
            client: client.map(str::to_string),
            topic: topic.to_string(),
            error: if created {
                "LEADER_NOT_AVAILABLE"
            } else {
                "UNKNOWN_TOPIC_OR_PARTITION"
            }
            .into(),
        });
        events
    }

    /// A producer's metadata request before its first record to `topic`: a missing topic
    /// is created when the brokers allow it. Returns what `finish_auto_create` needs to undo
    /// the creation if the record is refused after all (a command is atomic).
    pub(crate) fn auto_create_for_produce(
        &mut self,
        topic: &str,
        client: Option<&str>,
    ) -> Option<(String, SimRng, Vec<Event>)> {
        if self.topics.contains_key(topic) || !self.config.auto_create_topics_enable {
            return None;
        }
        let rng = self.rng.clone();
        let events = self.metadata_for_missing_topic(topic, client, true);
        self.topics
            .contains_key(topic)
            .then(|| (topic.to_string(), rng, events))
    }

    /// The record's result after [`World::auto_create_for_produce`]: the creation's events
    /// first, or the creation undone if the record was refused.
    pub(crate) fn finish_auto_create(
        &mut self,
        created: Option<(String, SimRng, Vec<Event>)>,
        result: Result<Vec<Event>, SimError>,
    ) -> Result<Vec<Event>, SimError> {
        let Some((topic, rng, mut events)) = created else {
            return result;
        };
        match result {
            Ok(evs) => {
                events.extend(evs);
                Ok(events)
            }
            Err(e) => {
                self.topics.remove(&topic);
                self.rng = rng;
                Err(e)
            }
        }
    }

    pub(super) fn add_partitions(
        &mut self,
        topic: &str,
        total: i64,
    ) -> Result<Vec<Event>, SimError> {
        let t = self.topics.get(topic).ok_or_else(|| unknown(topic, None))?;
        if t.internal {
            return Err(SimError::InvalidRequest {
                reason: format!("partitions of the internal topic '{topic}' cannot be changed"),
            });
        }
        let current = t.partition_count();
        let Some(total32) = i32::try_from(total)
            .ok()
            .filter(|n| *n > current && *n <= MAX_PARTITIONS)
        else {
            return Err(SimError::InvalidPartitions {
                requested: total,
                reason: format!(
                    "topic '{topic}' has {current} partitions; the new count must be larger (and at most {MAX_PARTITIONS})"
                ),
            });
        };
        let rf = t.partitions.first().map_or(1, |p| p.replicas().len());
        let live = self.live_brokers();
        if rf > live.len() {
            return Err(SimError::InvalidReplicationFactor {
                requested: rf as i64,
                live_brokers: live.len() as u32,
            });
        }
        let n = live.len() as u64;
        let start = self.rng.below(n) as usize;
        let shift = self.rng.below(n) as usize;
        let assignment = assign_replicas(&live, total32 - current, rf, current, start, shift);
        let brokers = self.brokers.clone();
        let mut replicas = Vec::new();
        if let Some(t) = self.topics.get_mut(topic) {
            for (i, a) in assignment.iter().enumerate() {
                let p = Partition::new(topic, current + i as i32, a, &brokers);
                replicas.push(p.replica_ids());
                t.partitions.push(p);
            }
        }
        Ok(vec![Event::PartitionsAdded {
            topic: topic.to_string(),
            from: current,
            to: total32,
            replicas,
        }])
    }

    pub(super) fn alter_topic_config(
        &mut self,
        topic: &str,
        overrides: &TopicConfigOverrides,
    ) -> Result<Vec<Event>, SimError> {
        let t = self
            .topics
            .get_mut(topic)
            .ok_or_else(|| unknown(topic, None))?;
        let config = t.config.with(overrides)?;
        if t.internal && !config.cleanup_policy.compacts() {
            return Err(SimError::InvalidConfig {
                name: "cleanup.policy".into(),
                reason: format!("of the internal topic '{topic}' must keep compaction"),
            });
        }
        t.config = config;
        Ok(vec![Event::TopicConfigChanged {
            topic: topic.to_string(),
        }])
    }

    /// `kafka-topics --delete`: removes the topic, deletes every group's committed offsets
    /// for it (`GroupCoordinator.onPartitionsDeleted`: tombstones when the coordinator
    /// partition takes writes, the cache entry in any case) and forgets its pending commits.
    /// Consumers learn of it from metadata: their fetches find no partition, and a group's
    /// leader sees the subscribed topic's partition count change and rejoins, so the
    /// topic's partitions leave the assignment.
    pub(super) fn delete_topic(&mut self, topic: &str) -> Result<Vec<Event>, SimError> {
        let t = self.topics.get(topic).ok_or_else(|| unknown(topic, None))?;
        if t.internal {
            return Err(SimError::InvalidRequest {
                reason: format!(
                    "Topic {topic} is a kafka internal topic and is not allowed to be marked for deletion."
                ),
            });
        }
        let partitions = t.partition_count();
        let mut events = Vec::new();
        let groups: Vec<String> = self.offsets.groups().map(str::to_string).collect();
        for group in groups {
            let tps: Vec<TopicPartition> = self
                .offsets
                .group_offsets(&group)
                .into_iter()
                .flatten()
                .map(|(tp, _)| tp.clone())
                .filter(|tp| tp.topic == topic)
                .collect();
            let cp = self.coordinator_for_write(&group).ok();
            for tp in tps {
                self.offsets.drop_pending(&group, &tp);
                if self.offsets.remove(&group, &tp).is_none() {
                    continue;
                }
                if let Some(cp) = cp {
                    let k = offsets::encode_offset_commit_key(&group, &tp);
                    // Checked writable above; a failure leaves only the cache entry gone.
                    let _ = self.append_offsets_record(cp, &k, None, &mut events);
                }
                events.push(Event::OffsetDeleted {
                    group: group.clone(),
                    topic: tp.topic.clone(),
                    partition: tp.partition,
                });
            }
        }
        self.offsets.drop_pending_topic(topic);
        self.offsets.drop_txn_topic(topic);
        self.txn_forget_topic(topic);
        self.topics.remove(topic);
        self.producer.remove(topic);
        events.insert(
            0,
            Event::TopicDeleted {
                topic: topic.to_string(),
                partitions,
            },
        );
        self.after_change(&mut events);
        Ok(events)
    }
}
