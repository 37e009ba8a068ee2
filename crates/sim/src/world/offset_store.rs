//! The offset store's glue: the coordinator partition of a group, commits and their
//! `__consumer_offsets` records, `OffsetDelete`.

use super::{unknown, World, OFFSETS_TOPIC};
use crate::command::OffsetCommit;
use crate::config::Acks;
use crate::error::SimError;
use crate::event::Event;
use crate::group::GroupState;
use crate::log::{BatchKind, NewRecord};
use crate::offsets::{self, GroupActivity, OffsetAndMetadata, PendingCommit};
use crate::partitioner::PartitionChoice;
use crate::types::{BrokerId, Offset, TopicPartition};

impl World {
    /// The `__consumer_offsets` partition of `group`'s coordinator.
    pub fn coordinator_partition(&self, group: &str) -> i32 {
        offsets::partition_for_group(group, self.offsets_partition_count())
    }

    /// The broker coordinating `group` (the leader of its offsets partition), if any.
    pub fn coordinator(&self, group: &str) -> Option<BrokerId> {
        self.partition(OFFSETS_TOPIC, self.coordinator_partition(group))?
            .leader()
    }

    pub(super) fn offsets_partition_count(&self) -> i32 {
        self.topics
            .get(OFFSETS_TOPIC)
            .map_or(1, |t| t.partition_count())
    }

    /// The latest committed offset (replicated, so visible to `OffsetFetch`).
    pub fn committed_offset(&self, group: &str, tp: &TopicPartition) -> Option<&OffsetAndMetadata> {
        self.offsets.committed(group, tp)
    }

    /// Tells the coordinator whether `group` has members (for offset expiry); `None`
    /// forgets the group (its offsets then expire by commit time).
    pub fn set_group_activity(&mut self, group: &str, activity: Option<GroupActivity>) {
        self.offsets.set_group_activity(group, activity);
    }

    pub(super) fn coordinator_for_write(&self, group: &str) -> Result<i32, SimError> {
        let cp = self.coordinator_partition(group);
        let t = self
            .topics
            .get(OFFSETS_TOPIC)
            .ok_or_else(|| unknown(OFFSETS_TOPIC, None))?;
        let p = t
            .partition(cp)
            .ok_or_else(|| unknown(OFFSETS_TOPIC, Some(cp)))?;
        p.check_produce(true, Acks::All, &t.config).map_err(|_| {
            SimError::CoordinatorNotAvailable {
                group: group.to_string(),
                partition: cp,
            }
        })?;
        Ok(cp)
    }

    /// Appends a record to `__consumer_offsets-cp` (checked beforehand).
    pub(super) fn append_offsets_record(
        &mut self,
        cp: i32,
        key: &[u8],
        value: Option<&[u8]>,
        events: &mut Vec<Event>,
    ) -> Result<Offset, SimError> {
        self.append_offsets_record_kind(cp, key, value, BatchKind::Plain, events)
    }

    /// The transaction coordinator writes a COMMIT or ABORT marker to a partition's leader
    /// (`None` when the partition no longer exists).
    pub(crate) fn append_marker(
        &mut self,
        tp: &TopicPartition,
        kind: BatchKind,
        events: &mut Vec<Event>,
    ) -> Result<Option<Offset>, SimError> {
        let now = self.now_ms;
        let Some(t) = self.topics.get_mut(&tp.topic) else {
            return Ok(None);
        };
        let config = t.config.clone();
        let Some(p) = usize::try_from(tp.partition)
            .ok()
            .and_then(|i| t.partitions.get_mut(i))
        else {
            return Ok(None);
        };
        let commit = matches!(kind, BatchKind::Marker { commit: true, .. });
        let (key, value) = crate::log::marker_key_value(commit);
        let rec = NewRecord {
            key: Some(&key),
            value: Some(&value),
            headers: &[],
        };
        let (offset, _) = p.append_kind(now, now, &rec, Acks::Leader, &config, kind, events)?;
        p.maybe_advance_high_watermark(events);
        Ok(Some(offset))
    }

    /// [`World::append_offsets_record`] as a transactional record (`TxnOffsetCommit`).
    pub(crate) fn append_offsets_record_kind(
        &mut self,
        cp: i32,
        key: &[u8],
        value: Option<&[u8]>,
        kind: BatchKind,
        events: &mut Vec<Event>,
    ) -> Result<Offset, SimError> {
        let now = self.now_ms;
        let Some(t) = self.topics.get_mut(OFFSETS_TOPIC) else {
            return Err(unknown(OFFSETS_TOPIC, None));
        };
        let config = t.config.clone();
        let Some(p) = usize::try_from(cp)
            .ok()
            .and_then(|i| t.partitions.get_mut(i))
        else {
            return Err(unknown(OFFSETS_TOPIC, Some(cp)));
        };
        let rec = NewRecord {
            key: Some(key),
            value,
            headers: &[],
        };
        let size = rec.size_in_bytes();
        let (offset, leader) =
            p.append_kind(now, now, &rec, Acks::Leader, &config, kind, events)?;
        let (k, v) = offsets::render_offsets_record(Some(key), value);
        events.push(Event::RecordAppended {
            topic: OFFSETS_TOPIC.to_string(),
            partition: cp,
            offset,
            leader,
            key: k,
            value: v,
            timestamp_ms: now,
            size_bytes: size,
            chosen_by: PartitionChoice::Explicit,
            acks: Acks::All,
        });
        p.maybe_advance_high_watermark(events);
        Ok(offset)
    }

    /// Commits offsets for a group: one record per partition in the coordinator's
    /// `__consumer_offsets` partition. They become visible (`committed_offset`) once
    /// replicated; see [`Event::OffsetCommitted`].
    pub fn commit_offsets(
        &mut self,
        group: &str,
        commits: &[OffsetCommit],
    ) -> Result<Vec<Event>, SimError> {
        let cp = self.validate_commit(group, commits)?;
        let now = self.now_ms;
        let encoded: Vec<(TopicPartition, OffsetAndMetadata, Vec<u8>, Vec<u8>)> = commits
            .iter()
            .map(|c| {
                let tp = TopicPartition::new(c.topic.clone(), c.partition);
                let value = OffsetAndMetadata {
                    offset: Offset(c.offset),
                    leader_epoch: c.leader_epoch,
                    metadata: c.metadata.clone(),
                    commit_timestamp_ms: now,
                };
                let k = offsets::encode_offset_commit_key(group, &tp);
                let v = offsets::encode_offset_commit_value(&value);
                (tp, value, k, v)
            })
            .collect();
        let mut events = Vec::new();
        for (tp, value, k, v) in encoded {
            let log_offset = self.append_offsets_record(cp, &k, Some(&v), &mut events)?;
            events.push(Event::OffsetCommitAppended {
                group: group.to_string(),
                topic: tp.topic.clone(),
                partition: tp.partition,
                offset: value.offset,
                coordinator_partition: cp,
                log_offset,
            });
            self.offsets.add_pending(
                cp,
                log_offset,
                PendingCommit {
                    group: group.to_string(),
                    tp,
                    value,
                },
            );
        }
        self.after_change_in(OFFSETS_TOPIC, cp, &mut events);
        Ok(events)
    }

    /// Every check [`World::commit_offsets`] makes before it changes anything; returns the
    /// coordinator's `__consumer_offsets` partition.
    pub(crate) fn validate_commit(
        &self,
        group: &str,
        commits: &[OffsetCommit],
    ) -> Result<i32, SimError> {
        if group.is_empty() {
            return Err(SimError::InvalidGroupId {
                group: group.to_string(),
            });
        }
        let max_meta = self.config.offset_metadata_max_bytes;
        for c in commits {
            self.partition_checked(&c.topic, c.partition)?;
            if c.offset < 0 {
                return Err(SimError::InvalidOffset { offset: c.offset });
            }
            if c.metadata.len() > max_meta {
                return Err(SimError::OffsetMetadataTooLarge {
                    size: c.metadata.len(),
                    max: max_meta,
                });
            }
        }
        let cp = self.coordinator_for_write(group)?;
        if let Some(t) = self.topics.get(OFFSETS_TOPIC) {
            for c in commits {
                let tp = TopicPartition::new(c.topic.clone(), c.partition);
                let value = OffsetAndMetadata {
                    offset: Offset(c.offset),
                    leader_epoch: c.leader_epoch,
                    metadata: c.metadata.clone(),
                    commit_timestamp_ms: self.now_ms,
                };
                let k = offsets::encode_offset_commit_key(group, &tp);
                let v = offsets::encode_offset_commit_value(&value);
                let size = crate::log::record_size_in_bytes(Some(&k), Some(&v), &[]);
                if size > t.config.max_message_bytes.max(0) as u64 {
                    return Err(SimError::MessageTooLarge {
                        size,
                        max_message_bytes: t.config.max_message_bytes,
                    });
                }
            }
        }
        Ok(cp)
    }

    /// `OffsetDelete` (`GroupCoordinator.handleDeleteOffsets`): a group the coordinator does
    /// not know (no members, no committed offsets) is `GROUP_ID_NOT_FOUND`. Each partition
    /// is answered on its own: one of a topic the group is actively subscribed to (see
    /// [`crate::group::Group::is_subscribed_to_topic`]) is refused with
    /// `GROUP_SUBSCRIBED_TO_TOPIC` ([`Event::OffsetNotDeleted`]); the others lose their
    /// committed offset (a tombstone, [`Event::OffsetDeleted`], when there was one). When
    /// every partition is refused the request fails with
    /// [`SimError::GroupSubscribedToTopic`] and nothing changes.
    pub fn delete_offsets(
        &mut self,
        group: &str,
        partitions: &[TopicPartition],
    ) -> Result<Vec<Event>, SimError> {
        if group.is_empty() {
            return Err(SimError::InvalidGroupId {
                group: group.to_string(),
            });
        }
        let live = self
            .group(group)
            .is_some_and(|g| g.state() != GroupState::Dead);
        if !live && self.offsets.group_offsets(group).is_none() {
            return Err(SimError::GroupIdNotFound {
                group: group.to_string(),
            });
        }
        let cp = self.coordinator_for_write(group)?;
        let subscribed = |tp: &TopicPartition| {
            self.group(group)
                .is_some_and(|g| g.is_subscribed_to_topic(&tp.topic))
        };
        let (refused, deletable): (Vec<&TopicPartition>, Vec<&TopicPartition>) =
            partitions.iter().partition(|tp| subscribed(tp));
        if deletable.is_empty() && !refused.is_empty() {
            let mut topics: Vec<String> = refused.iter().map(|tp| tp.topic.clone()).collect();
            topics.sort();
            topics.dedup();
            return Err(SimError::GroupSubscribedToTopic {
                group: group.to_string(),
                topics,
            });
        }
        let deletable: Vec<TopicPartition> = deletable.into_iter().cloned().collect();
        let mut events: Vec<Event> = refused
            .into_iter()
            .map(|tp| Event::OffsetNotDeleted {
                group: group.to_string(),
                topic: tp.topic.clone(),
                partition: tp.partition,
                error: "GROUP_SUBSCRIBED_TO_TOPIC".into(),
            })
            .collect();
        events.extend(self.tombstone_offsets(group, cp, &deletable)?);
        Ok(events)
    }

    /// Deletes these committed offsets of `group` (tombstones in `__consumer_offsets-cp`,
    /// which takes writes); checks every record's size first, so a refusal changes nothing.
    fn tombstone_offsets(
        &mut self,
        group: &str,
        cp: i32,
        partitions: &[TopicPartition],
    ) -> Result<Vec<Event>, SimError> {
        if let Some(t) = self.topics.get(OFFSETS_TOPIC) {
            for tp in partitions {
                let k = offsets::encode_offset_commit_key(group, tp);
                let size = crate::log::record_size_in_bytes(Some(&k), None, &[]);
                if size > t.config.max_message_bytes.max(0) as u64 {
                    return Err(SimError::MessageTooLarge {
                        size,
                        max_message_bytes: t.config.max_message_bytes,
                    });
                }
            }
        }
        let mut events = Vec::new();
        for tp in partitions {
            self.offsets.drop_pending(group, tp);
            if self.offsets.remove(group, tp).is_some() {
                let k = offsets::encode_offset_commit_key(group, tp);
                self.append_offsets_record(cp, &k, None, &mut events)?;
                events.push(Event::OffsetDeleted {
                    group: group.to_string(),
                    topic: tp.topic.clone(),
                    partition: tp.partition,
                });
            }
        }
        self.after_change_in(OFFSETS_TOPIC, cp, &mut events);
        Ok(events)
    }

    /// `DeleteGroups` for one group (see [`crate::Command::DeleteGroup`]): a group the
    /// coordinator does not know is `GROUP_ID_NOT_FOUND`, one with members
    /// `NON_EMPTY_GROUP`; an empty one loses its committed offsets, and the clients then
    /// mark it Dead.
    pub(super) fn delete_group(&mut self, group: &str) -> Result<Vec<Event>, SimError> {
        if group.is_empty() {
            return Err(SimError::InvalidGroupId {
                group: group.to_string(),
            });
        }
        let offsets = self.offsets.group_offsets(group);
        let has_offsets = offsets.is_some_and(|o| !o.is_empty());
        match self.group(group).map(|g| g.state()) {
            Some(GroupState::Empty) => {}
            Some(GroupState::Dead) | None if has_offsets => {}
            Some(GroupState::Dead) | None => {
                return Err(SimError::GroupIdNotFound {
                    group: group.to_string(),
                })
            }
            Some(_) => {
                return Err(SimError::GroupNotEmpty {
                    group: group.to_string(),
                })
            }
        }
        // An Empty group without offsets is answered as an unknown one.
        let Some(offsets) = offsets else {
            return Err(SimError::GroupIdNotFound {
                group: group.to_string(),
            });
        };
        let partitions: Vec<TopicPartition> = offsets.keys().cloned().collect();
        let cp = self.coordinator_for_write(group)?;
        self.tombstone_offsets(group, cp, &partitions)
    }

    /// Offsets reset by an admin (see [`crate::Command::ResetOffsets`]): only for a group
    /// without members (Empty, Dead or unknown), then a commit like any other.
    pub(super) fn reset_offsets(
        &mut self,
        group: &str,
        offsets: &[OffsetCommit],
    ) -> Result<Vec<Event>, SimError> {
        match self.group(group).map(|g| g.state()) {
            None | Some(GroupState::Empty | GroupState::Dead) => {
                self.commit_offsets(group, offsets)
            }
            Some(_) => Err(SimError::GroupNotEmpty {
                group: group.to_string(),
            }),
        }
    }
}
