//! The world: brokers, topics, the offset store, a virtual clock and a seeded random source,
//! changed only by [`Command`]s, each returning the [`Event`]s it caused.
//!
//! `World::apply` is atomic: every command is validated before anything changes, so on error
//! the world is exactly as before. `Advance` runs the [`Scheduler`]'s timers in order
//! (replica fetches, ISR expiration, retention, the log cleaner, offsets expiry, preferred
//! leader election).
//!
//! **API for clients (consumers, producers, groups):**
//! - [`World::fetch`] / [`World::fetch_views`]: a consumer fetch, honouring the high
//!   watermark and `OFFSET_OUT_OF_RANGE`;
//! - [`World::list_offset`]: earliest / latest / by timestamp (`offsetsForTimes`);
//! - [`World::commit_offsets`], [`World::committed_offset`], [`World::delete_offsets`],
//!   [`World::set_group_activity`], [`World::coordinator_partition`],
//!   [`World::coordinator`]: the offset store;
//! - [`World::schedule`] and [`World::rng_mut`]: the clock's timers and the seeded RNG;
//! - [`World::produce`]: the same path `Command::Produce` takes, for producers of their own.

use crate::cluster::{assign_replicas, Broker, Brokers, Partition};
use crate::command::{Command, OffsetCommit};
use crate::config::{Acks, TopicConfig, TopicConfigOverrides, WorldConfig, MAX_PARTITIONS};
use crate::error::SimError;
use crate::event::Event;
use crate::log::{BatchKind, Header, NewRecord, Record, RecordView};
use crate::offsets::{self, GroupActivity, OffsetAndMetadata, OffsetStore, PendingCommit};
use crate::partitioner::{PartitionChoice, ProducerPartitionerState};
use crate::rng::SimRng;
use crate::scheduler::{Scheduler, Timer};
use crate::types::{BrokerId, Offset, TopicPartition};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use crate::offsets::OFFSETS_TOPIC;

/// A topic: a train of partitions (compartments).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Topic {
    name: String,
    internal: bool,
    config: TopicConfig,
    partitions: Vec<Partition>,
}

impl Topic {
    pub fn name(&self) -> &str {
        &self.name
    }
    /// `__consumer_offsets` is internal.
    pub fn is_internal(&self) -> bool {
        self.internal
    }
    pub fn config(&self) -> &TopicConfig {
        &self.config
    }
    pub fn partitions(&self) -> &[Partition] {
        &self.partitions
    }
    pub fn partition(&self, p: i32) -> Option<&Partition> {
        usize::try_from(p).ok().and_then(|i| self.partitions.get(i))
    }
    pub fn partition_count(&self) -> i32 {
        self.partitions.len() as i32
    }
}

/// What a consumer fetch returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchResult {
    pub topic: String,
    pub partition: i32,
    /// Records from the requested offset, all below the high watermark.
    pub records: Vec<Record>,
    /// The offset the consumer's position moves to (one past the last record returned).
    pub next_offset: Offset,
    pub high_watermark: Offset,
    pub log_start_offset: Offset,
    pub log_end_offset: Offset,
}

/// `ListOffsets` specs (`kafka-get-offsets --time`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OffsetSpec {
    /// The log start offset (`-2`, `earliest`).
    Earliest,
    /// The high watermark (`-1`, `latest`).
    Latest,
    /// The first offset whose timestamp is at or after this, or the HW if none.
    Timestamp { timestamp_ms: i64 },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct World {
    seed: u64,
    pub(crate) config: WorldConfig,
    pub(crate) now_ms: i64,
    pub(crate) rng: SimRng,
    brokers: Brokers,
    topics: BTreeMap<String, Topic>,
    pub(crate) scheduler: Scheduler,
    pub(crate) offsets: OffsetStore,
    /// The built-in producer's partitioner state, per topic.
    producer: BTreeMap<String, ProducerPartitionerState>,
    /// An `IsrExpiration` timer is pending (it runs only while a follower lags).
    isr_check_scheduled: bool,
    /// A `LogCleaner` timer is pending (it runs only while a compacted log is dirty).
    cleaner_scheduled: bool,
    /// Consumer groups, consumers, producers and the delivery ledger (see [`crate::clients`]).
    pub(crate) clients: crate::clients::Clients,
}

/// `unclean.leader.election.enable` of a topic (Kafka's default: false).
fn unclean_leader_election(config: &TopicConfig) -> bool {
    config.unclean_leader_election_enable
}

/// The longest single `Advance` (366 days): longer jumps would run millions of timers.
pub const MAX_ADVANCE_MS: i64 = 366 * 24 * 60 * 60 * 1000;

/// The first multiple of `interval` after `now`: periodic broker tasks keep their phase
/// even when they only run while there is work.
fn next_tick(now: i64, interval: i64) -> i64 {
    let iv = interval.max(1);
    (now / iv).saturating_add(1).saturating_mul(iv)
}

fn unknown(topic: &str, partition: Option<i32>) -> SimError {
    SimError::UnknownTopicOrPartition {
        topic: topic.to_string(),
        partition,
    }
}

fn broker_error(broker: BrokerId, reason: &str) -> SimError {
    SimError::BrokerNotAvailable {
        broker,
        reason: reason.into(),
    }
}

/// Kafka's `Topic.validate`: 1 to 249 characters of `[a-zA-Z0-9._-]`, not `.` or `..`.
fn validate_topic_name(name: &str) -> Result<(), SimError> {
    let bad = |reason: &str| SimError::InvalidTopic {
        topic: name.to_string(),
        reason: reason.into(),
    };
    if name.is_empty() || name.len() > 249 {
        return Err(bad("must be 1 to 249 characters long"));
    }
    if name == "." || name == ".." {
        return Err(bad("cannot be '.' or '..'"));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(bad(
            "contains a character other than ASCII alphanumerics, '.', '_' and '-'",
        ));
    }
    Ok(())
}

impl World {
    /// A new world. An invalid config is replaced by the nearest valid one
    /// ([`WorldConfig::sanitized`]); use [`World::try_new`] to be told instead.
    pub fn new(seed: u64, config: WorldConfig) -> Self {
        let config = config.sanitized();
        let mut w = World {
            seed,
            rng: SimRng::new(seed),
            now_ms: 0,
            brokers: (1..=config.brokers as i32)
                .map(|i| {
                    (
                        BrokerId(i),
                        Broker {
                            id: BrokerId(i),
                            alive: true,
                            fetching: true,
                        },
                    )
                })
                .collect(),
            topics: BTreeMap::new(),
            scheduler: Scheduler::new(),
            offsets: OffsetStore::default(),
            producer: BTreeMap::new(),
            isr_check_scheduled: false,
            cleaner_scheduled: false,
            clients: crate::clients::Clients::default(),
            config,
        };
        w.create_offsets_topic();
        let c = w.config.clone();

        w.scheduler
            .schedule(c.log_retention_check_interval_ms, Timer::LogRetention);

        w.scheduler.schedule(
            c.offsets_retention_check_interval_ms,
            Timer::OffsetsRetention,
        );
        if c.auto_leader_rebalance_enable {
            w.scheduler.schedule(
                c.leader_imbalance_check_interval_ms,
                Timer::PreferredLeaderElection,
            );
        }
        w
    }

    /// A new world, or `INVALID_CONFIG` if the config is out of range.
    pub fn try_new(seed: u64, config: WorldConfig) -> Result<Self, SimError> {
        config.validate()?;
        Ok(Self::new(seed, config))
    }

    fn create_offsets_topic(&mut self) {
        let n = self.config.brokers as usize;
        let rf = (self.config.offsets_topic_replication_factor.max(1) as usize).min(n);
        let config = TopicConfig {
            cleanup_policy: crate::config::CleanupPolicy::Compact,
            ..self.config.topic_defaults.clone()
        };
        let count = self.config.offsets_topic_num_partitions;
        let topic = self.build_topic(OFFSETS_TOPIC, count, rf, config, true);
        self.topics.insert(OFFSETS_TOPIC.to_string(), topic);
    }

    fn live_brokers(&self) -> Vec<BrokerId> {
        self.brokers
            .values()
            .filter(|b| b.alive)
            .map(|b| b.id)
            .collect()
    }

    fn build_topic(
        &mut self,
        name: &str,
        count: i32,
        rf: usize,
        config: TopicConfig,
        internal: bool,
    ) -> Topic {
        let live = self.live_brokers();
        let n = live.len() as u64;
        let start = self.rng.below(n) as usize;
        let shift = self.rng.below(n) as usize;
        let assignment = assign_replicas(&live, count, rf, 0, start, shift);
        let partitions = assignment
            .iter()
            .enumerate()
            .map(|(i, a)| Partition::new(name, i as i32, a, &self.brokers))
            .collect();
        Topic {
            name: name.to_string(),
            internal,
            config,
            partitions,
        }
    }

    // ----- read accessors -------------------------------------------------------------

    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn config(&self) -> &WorldConfig {
        &self.config
    }
    /// The virtual clock, in milliseconds since the world began.
    pub fn now_ms(&self) -> i64 {
        self.now_ms
    }
    /// All topics, including `__consumer_offsets`, by name.
    pub fn topics(&self) -> impl Iterator<Item = &Topic> {
        self.topics.values()
    }
    pub fn topic(&self, name: &str) -> Option<&Topic> {
        self.topics.get(name)
    }
    pub fn partition(&self, topic: &str, partition: i32) -> Option<&Partition> {
        self.topics.get(topic)?.partition(partition)
    }
    pub fn brokers(&self) -> impl Iterator<Item = &Broker> {
        self.brokers.values()
    }
    pub fn broker(&self, id: BrokerId) -> Option<&Broker> {
        self.brokers.get(&id)
    }
    pub fn scheduler(&self) -> &Scheduler {
        &self.scheduler
    }
    pub fn offset_store(&self) -> &OffsetStore {
        &self.offsets
    }

    /// Schedules a timer (for client timers added by later modules).
    pub fn schedule(&mut self, due_ms: i64, timer: Timer) {
        self.scheduler.schedule(due_ms, timer);
    }

    /// The world's seeded random source.
    pub fn rng_mut(&mut self) -> &mut SimRng {
        &mut self.rng
    }

    pub(crate) fn partition_checked(
        &self,
        topic: &str,
        partition: i32,
    ) -> Result<&Partition, SimError> {
        let t = self.topics.get(topic).ok_or_else(|| unknown(topic, None))?;
        t.partition(partition)
            .ok_or_else(|| unknown(topic, Some(partition)))
    }

    fn partition_mut(&mut self, topic: &str, partition: i32) -> Option<&mut Partition> {
        let t = self.topics.get_mut(topic)?;
        usize::try_from(partition)
            .ok()
            .and_then(|i| t.partitions.get_mut(i))
    }

    // ----- consumer-facing reads ------------------------------------------------------

    /// A consumer fetch (`read_uncommitted`): records from `offset`, at most `max_records`,
    /// all below the high watermark. `OFFSET_OUT_OF_RANGE` below the log start offset or
    /// above the log end offset; `LEADER_NOT_AVAILABLE` when the partition is offline.
    pub fn fetch(
        &self,
        tp: &TopicPartition,
        offset: Offset,
        max_records: usize,
    ) -> Result<FetchResult, SimError> {
        let (views, meta) = self.fetch_views(tp, offset, max_records)?;
        let records: Vec<Record> = views.map(|v| v.to_record()).collect();
        let next_offset = match records.last() {
            Some(r) => r.offset.next(),
            None if offset < meta.high_watermark => meta.high_watermark,
            None => offset,
        };
        Ok(FetchResult {
            topic: tp.topic.clone(),
            partition: tp.partition,
            records,
            next_offset,
            high_watermark: meta.high_watermark,
            log_start_offset: meta.log_start_offset,
            log_end_offset: meta.log_end_offset,
        })
    }

    /// [`World::fetch`] without copying: the records as views into the log, and the
    /// partition's offsets (`records` of the returned [`FetchResult`] is empty).
    pub fn fetch_views(
        &self,
        tp: &TopicPartition,
        offset: Offset,
        max_records: usize,
    ) -> Result<(impl Iterator<Item = RecordView<'_>> + '_, FetchResult), SimError> {
        let p = self.partition_checked(&tp.topic, tp.partition)?;
        if p.leader().is_none() {
            return Err(SimError::LeaderNotAvailable {
                topic: tp.topic.clone(),
                partition: tp.partition,
            });
        }
        p.log()
            .check_fetch_offset(&tp.topic, tp.partition, offset.0)?;
        let hw = p.high_watermark();
        let meta = FetchResult {
            topic: tp.topic.clone(),
            partition: tp.partition,
            records: Vec::new(),
            next_offset: offset,
            high_watermark: hw,
            log_start_offset: p.log_start_offset(),
            log_end_offset: p.log_end_offset(),
        };
        // Transaction markers take offsets but are never returned as records.
        Ok((
            p.log()
                .read(offset, hw, usize::MAX)
                .filter(|v| !v.kind.is_marker())
                .take(max_records),
            meta,
        ))
    }

    /// `ListOffsets`: the log start offset, the high watermark, or the first offset at or
    /// after a timestamp (below the HW; the HW if there is none).
    pub fn list_offset(&self, tp: &TopicPartition, spec: OffsetSpec) -> Result<Offset, SimError> {
        let p = self.partition_checked(&tp.topic, tp.partition)?;
        Ok(match spec {
            OffsetSpec::Earliest => p.log_start_offset(),
            OffsetSpec::Latest => p.high_watermark(),
            OffsetSpec::Timestamp { timestamp_ms } => p
                .log()
                .offset_for_timestamp(timestamp_ms)
                .filter(|o| *o < p.high_watermark())
                .unwrap_or(p.high_watermark()),
        })
    }

    // ----- offset store ---------------------------------------------------------------

    /// The `__consumer_offsets` partition of `group`'s coordinator.
    pub fn coordinator_partition(&self, group: &str) -> i32 {
        offsets::partition_for_group(group, self.offsets_partition_count())
    }

    /// The broker coordinating `group` (the leader of its offsets partition), if any.
    pub fn coordinator(&self, group: &str) -> Option<BrokerId> {
        self.partition(OFFSETS_TOPIC, self.coordinator_partition(group))?
            .leader()
    }

    fn offsets_partition_count(&self) -> i32 {
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

    fn coordinator_for_write(&self, group: &str) -> Result<i32, SimError> {
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
    fn append_offsets_record(
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

    /// Deletes committed offsets (tombstones). `GROUP_ID_NOT_FOUND` if the group has none.
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
        if self.offsets.group_offsets(group).is_none() {
            return Err(SimError::GroupIdNotFound {
                group: group.to_string(),
            });
        }
        let cp = self.coordinator_for_write(group)?;
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

    // ----- commands -------------------------------------------------------------------

    /// Applies one command and returns the events it caused. On error the world is
    /// unchanged.
    pub fn apply(&mut self, command: Command) -> Result<Vec<Event>, SimError> {
        // `Advance` tells the clients after each timer; other commands once, at the end.
        let observe = !matches!(command, Command::Advance { .. });
        let mut events = self.apply_command(command)?;
        if observe {
            self.clients_observe(&mut events);
        }
        #[cfg(debug_assertions)]
        if let Err(broken) = self.check_cheap_invariants() {
            panic!("an invariant broke: {broken}");
        }
        Ok(events)
    }

    fn apply_command(&mut self, command: Command) -> Result<Vec<Event>, SimError> {
        match command {
            Command::CreateTopic {
                name,
                partitions,
                replication_factor,
                config,
            } => self.create_topic(name, partitions, replication_factor, &config),
            Command::AddPartitions { topic, total } => self.add_partitions(&topic, total),
            Command::AlterTopicConfig { topic, config } => self.alter_topic_config(&topic, &config),
            Command::Produce {
                topic,
                partition,
                key,
                value,
                headers,
                timestamp_ms,
                acks,
            } => {
                let created = self.auto_create_for_produce(&topic, None);
                let result = self.produce(
                    &topic,
                    partition,
                    key.as_deref().map(str::as_bytes),
                    value.as_deref().map(str::as_bytes),
                    &headers,
                    timestamp_ms,
                    acks,
                );
                self.finish_auto_create(created, result)
            }
            Command::DeleteRecords {
                topic,
                partition,
                before_offset,
            } => self.delete_records(&topic, partition, before_offset),
            Command::Advance { ms } => self.advance(ms),
            Command::KillBroker { broker } => self.kill_broker(broker),
            Command::RestartBroker { broker } => self.restart_broker(broker),
            Command::PauseReplicaFetching { broker } => self.set_fetching(broker, false),
            Command::ResumeReplicaFetching { broker } => self.set_fetching(broker, true),
            Command::ElectPreferredLeaders {} => {
                let mut events = Vec::new();
                self.elect_preferred_leaders(false, &mut events);
                self.after_change(&mut events);
                Ok(events)
            }
            Command::ElectLeaders {
                unclean,
                partitions,
            } => self.elect_leaders(unclean, partitions.as_deref()),
            Command::DeleteTopic { topic } => self.delete_topic(&topic),
            Command::CommitOffsets { group, offsets } => self.commit_offsets(&group, &offsets),
            Command::DeleteOffsets { group, partitions } => {
                self.delete_offsets(&group, &partitions)
            }
            Command::CreateDatabase { name } => self.create_database(&name),
            client => self.apply_client_command(client),
        }
    }

    fn create_topic(
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

    fn add_partitions(&mut self, topic: &str, total: i64) -> Result<Vec<Event>, SimError> {
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

    fn alter_topic_config(
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

    /// Produces one record as the world's built-in producer would (`Command::Produce`).
    #[allow(clippy::too_many_arguments)]
    pub fn produce(
        &mut self,
        topic: &str,
        partition: Option<i32>,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: &[Header],
        timestamp_ms: Option<i64>,
        acks: Option<Acks>,
    ) -> Result<Vec<Event>, SimError> {
        self.produce_as(
            topic,
            partition,
            key,
            value,
            headers,
            timestamp_ms,
            acks,
            BatchKind::Plain,
        )
    }

    /// [`World::produce`] of a transactional record (a producer's batch in a transaction).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn produce_as(
        &mut self,
        topic: &str,
        partition: Option<i32>,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: &[Header],
        timestamp_ms: Option<i64>,
        acks: Option<Acks>,
        kind: BatchKind,
    ) -> Result<Vec<Event>, SimError> {
        let t = self
            .topics
            .get(topic)
            .ok_or_else(|| unknown(topic, partition))?;
        if t.internal {
            return Err(SimError::InvalidTopic {
                topic: topic.to_string(),
                reason: "is internal: clients cannot produce to it".into(),
            });
        }
        let acks = acks.unwrap_or(self.config.producer.acks);
        let n = t.partition_count();
        let rec = NewRecord {
            key,
            value,
            headers,
        };
        let size = rec.size_in_bytes();
        if size > t.config.max_message_bytes.max(0) as u64 {
            return Err(SimError::MessageTooLarge {
                size,
                max_message_bytes: t.config.max_message_bytes,
            });
        }
        // Choose on copies so a refused record leaves the partitioner and RNG untouched.
        let mut rng = self.rng.clone();
        let mut state = self.producer.get(topic).cloned().unwrap_or_default();
        let (p, choice) = match partition {
            Some(p) => {
                if !(0..n).contains(&p) {
                    return Err(unknown(topic, Some(p)));
                }
                (p, PartitionChoice::Explicit)
            }
            None => {
                let available: Vec<i32> = t
                    .partitions
                    .iter()
                    .filter(|p| p.leader().is_some())
                    .map(Partition::index)
                    .collect();
                state.choose(
                    self.config.producer.partitioner,
                    &mut rng,
                    key,
                    n,
                    &available,
                )
            }
        };
        let config = t.config.clone();
        let now = self.now_ms;
        let ts = timestamp_ms.unwrap_or(now);
        let mut events = Vec::new();
        let Some(part) = self.partition_mut(topic, p) else {
            return Err(unknown(topic, Some(p)));
        };
        let (offset, leader) = part.append_kind(now, ts, &rec, acks, &config, kind, &mut events)?;
        events.push(Event::RecordAppended {
            topic: topic.to_string(),
            partition: p,
            offset,
            leader,
            key: key.map(|k| String::from_utf8_lossy(k).into_owned()),
            value: value.map(|v| String::from_utf8_lossy(v).into_owned()),
            timestamp_ms: ts,
            size_bytes: size,
            chosen_by: choice,
            acks,
        });
        if acks == Acks::Leader {
            events.push(Event::ProduceAcknowledged {
                topic: topic.to_string(),
                partition: p,
                offset,
            });
        }
        part.maybe_advance_high_watermark(&mut events);
        if choice == PartitionChoice::Sticky {
            state
                .sticky
                .on_append(size, self.config.producer.batch_size);
        }
        self.rng = rng;
        match self.producer.get_mut(topic) {
            Some(s) => *s = state,
            None => {
                self.producer.insert(topic.to_string(), state);
            }
        }
        self.after_change_in(topic, p, &mut events);
        Ok(events)
    }

    fn delete_records(
        &mut self,
        topic: &str,
        partition: i32,
        before_offset: i64,
    ) -> Result<Vec<Event>, SimError> {
        let t = self.topics.get(topic).ok_or_else(|| unknown(topic, None))?;
        if t.internal {
            return Err(SimError::InvalidTopic {
                topic: topic.to_string(),
                reason: "is internal: its records cannot be deleted".into(),
            });
        }
        let p = t
            .partition(partition)
            .ok_or_else(|| unknown(topic, Some(partition)))?;
        if p.leader().is_none() {
            return Err(SimError::LeaderNotAvailable {
                topic: topic.to_string(),
                partition,
            });
        }
        let hw = p.high_watermark();
        let target = if before_offset == -1 {
            hw
        } else {
            Offset(before_offset)
        };
        if target.0 < 0 || target > hw {
            return Err(SimError::OffsetOutOfRange {
                topic: topic.to_string(),
                partition,
                offset: before_offset,
                log_start_offset: p.log_start_offset(),
                log_end_offset: hw,
            });
        }
        let no_retention = TopicConfig {
            retention_ms: -1,
            retention_bytes: -1,
            ..t.config.clone()
        };
        let now = self.now_ms;
        let mut events = Vec::new();
        if let Some(p) = self.partition_mut(topic, partition) {
            let from = p.log_start_offset();
            if p.set_log_start_offset(target) {
                events.push(Event::LogStartOffsetAdvanced {
                    topic: topic.to_string(),
                    partition,
                    from,
                    to: target,
                });
                for d in p.log_mut().delete_retained_segments(now, hw, &no_retention) {
                    events.push(segment_deleted(topic, partition, d));
                }
            }
        }
        Ok(events)
    }

    fn kill_broker(&mut self, broker: BrokerId) -> Result<Vec<Event>, SimError> {
        match self.brokers.get_mut(&broker) {
            None => return Err(broker_error(broker, "does not exist")),
            Some(b) if !b.alive => return Err(broker_error(broker, "is already stopped")),
            Some(b) => b.alive = false,
        }
        let mut events = vec![Event::BrokerStopped { broker }];
        let now = self.now_ms;
        for t in self.topics.values_mut() {
            let unclean = unclean_leader_election(&t.config);
            for p in &mut t.partitions {
                p.broker_stopped(broker, &self.brokers, now, unclean, &mut events);
            }
        }
        self.after_change(&mut events);
        Ok(events)
    }

    fn restart_broker(&mut self, broker: BrokerId) -> Result<Vec<Event>, SimError> {
        match self.brokers.get_mut(&broker) {
            None => return Err(broker_error(broker, "does not exist")),
            Some(b) if b.alive => return Err(broker_error(broker, "is already running")),
            Some(b) => {
                b.alive = true;
                b.fetching = true;
            }
        }
        let mut events = vec![Event::BrokerStarted { broker }];
        let now = self.now_ms;
        for t in self.topics.values_mut() {
            let unclean = unclean_leader_election(&t.config);
            for p in &mut t.partitions {
                p.broker_started(broker, &self.brokers, now, unclean, &mut events);
            }
        }
        self.after_change(&mut events);
        Ok(events)
    }

    fn set_fetching(&mut self, broker: BrokerId, fetching: bool) -> Result<Vec<Event>, SimError> {
        match self.brokers.get_mut(&broker) {
            None => return Err(broker_error(broker, "does not exist")),
            Some(b) if !b.alive => return Err(broker_error(broker, "is stopped")),
            Some(b) if b.fetching == fetching => {
                let state = if fetching {
                    "already fetching"
                } else {
                    "already paused"
                };
                return Err(broker_error(broker, state));
            }
            Some(b) => b.fetching = fetching,
        }
        let mut events = vec![if fetching {
            Event::ReplicaFetchingResumed { broker }
        } else {
            Event::ReplicaFetchingPaused { broker }
        }];
        self.after_change(&mut events);
        Ok(events)
    }

    /// `kafka-leader-election` for some partitions (`None`: all, internal ones included).
    /// A partition that is named but does not exist is `UNKNOWN_TOPIC_OR_PARTITION` in its
    /// [`Event::LeaderNotElected`], as in Kafka's per-partition answer; the others go on.
    fn elect_leaders(
        &mut self,
        unclean: bool,
        partitions: Option<&[TopicPartition]>,
    ) -> Result<Vec<Event>, SimError> {
        let targets: Vec<TopicPartition> = match partitions {
            Some(list) => list.to_vec(),
            None => self
                .topics
                .values()
                .flat_map(|t| {
                    t.partitions
                        .iter()
                        .map(|p| TopicPartition::new(t.name.clone(), p.index()))
                })
                .collect(),
        };
        let mut events = Vec::new();
        let now = self.now_ms;
        for tp in targets {
            let Some(p) = self.topics.get_mut(&tp.topic).and_then(|t| {
                usize::try_from(tp.partition)
                    .ok()
                    .and_then(|i| t.partitions.get_mut(i))
            }) else {
                events.push(Event::LeaderNotElected {
                    topic: tp.topic.clone(),
                    partition: tp.partition,
                    error: "UNKNOWN_TOPIC_OR_PARTITION".into(),
                });
                continue;
            };
            if let Err(code) = p.elect(unclean, &self.brokers, now, &mut events) {
                events.push(Event::LeaderNotElected {
                    topic: tp.topic.clone(),
                    partition: tp.partition,
                    error: code.into(),
                });
            }
        }
        self.after_change(&mut events);
        Ok(events)
    }

    /// `kafka-topics --delete`: removes the topic, deletes every group's committed offsets
    /// for it (`GroupCoordinator.onPartitionsDeleted`: tombstones when the coordinator
    /// partition takes writes, the cache entry in any case) and forgets its pending commits.
    /// Consumers learn of it from metadata: their fetches find no partition, and a group's
    /// leader sees the subscribed topic's partition count change and rejoins, so the
    /// topic's partitions leave the assignment.
    fn delete_topic(&mut self, topic: &str) -> Result<Vec<Event>, SimError> {
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

    /// Elects preferred leaders: all of them, or (`only_imbalanced`) those of brokers whose
    /// share of lost preferred leaderships exceeds `leader.imbalance.per.broker.percentage`.
    fn elect_preferred_leaders(&mut self, only_imbalanced: bool, events: &mut Vec<Event>) {
        let mut imbalanced: BTreeMap<BrokerId, bool> = BTreeMap::new();
        if only_imbalanced {
            let mut counts: BTreeMap<BrokerId, (u64, u64)> = BTreeMap::new();
            for t in self.topics.values() {
                for p in &t.partitions {
                    if let Some(first) = p.replicas().first() {
                        let e = counts.entry(first.broker).or_default();
                        e.0 += 1;
                        if p.preferred_is_not_leader().is_some() {
                            e.1 += 1;
                        }
                    }
                }
            }
            let pct =
                u64::try_from(self.config.leader_imbalance_per_broker_percentage).unwrap_or(0);
            for (b, (total, off)) in counts {
                imbalanced.insert(b, total > 0 && off * 100 > pct * total);
            }
        }
        let now = self.now_ms;
        for t in self.topics.values_mut() {
            for p in &mut t.partitions {
                let Some(pref) = p.preferred_is_not_leader() else {
                    continue;
                };
                if only_imbalanced && !imbalanced.get(&pref).copied().unwrap_or(false) {
                    continue;
                }
                p.elect_preferred_leader(&self.brokers, now, events);
            }
        }
    }

    /// Moves the clock forward by `ms`, firing every timer that falls due on the way.
    pub fn advance(&mut self, ms: i64) -> Result<Vec<Event>, SimError> {
        if ms < 0 {
            return Err(SimError::InvalidRequest {
                reason: format!("time only moves forward: cannot advance by {ms} ms"),
            });
        }
        if ms > MAX_ADVANCE_MS {
            return Err(SimError::InvalidRequest {
                reason: format!(
                    "advance at most {MAX_ADVANCE_MS} ms (366 days) at a time, not {ms}"
                ),
            });
        }
        let Some(target) = self.now_ms.checked_add(ms) else {
            return Err(SimError::InvalidRequest {
                reason: format!("advancing by {ms} ms overflows the clock"),
            });
        };
        let mut events = Vec::new();
        let mut shown = self.now_ms;
        while let Some(t) = self.scheduler.pop_due(target) {
            self.now_ms = self.now_ms.max(t.due_ms);
            let mut fired = Vec::new();
            self.fire_timer(t.timer, &mut fired);
            // A timer that caused no event changed nothing that needs follow-up.
            if !fired.is_empty() {
                self.after_change(&mut fired);
                self.clients_observe(&mut fired);
                if self.now_ms != shown {
                    events.push(Event::ClockAdvanced {
                        from_ms: shown,
                        to_ms: self.now_ms,
                    });
                    shown = self.now_ms;
                }
                events.extend(fired);
            }
        }
        self.now_ms = target;
        events.push(Event::ClockAdvanced {
            from_ms: shown,
            to_ms: target,
        });
        Ok(events)
    }

    /// Runs one timer. Periodic timers schedule their next run.
    fn fire_timer(&mut self, timer: Timer, events: &mut Vec<Event>) {
        let now = self.now_ms;
        match timer {
            Timer::ReplicaFetch { topic, partition } => {
                let brokers = &self.brokers;
                if let Some(p) = self.topics.get_mut(&topic).and_then(|t| {
                    usize::try_from(partition)
                        .ok()
                        .and_then(|i| t.partitions.get_mut(i))
                }) {
                    p.replica_fetch(brokers, events);
                }
            }
            Timer::IsrExpiration => {
                let lag = self.config.replica_lag_time_max_ms;
                let mut lagging = false;
                for t in self.topics.values_mut() {
                    for p in &mut t.partitions {
                        p.isr_expiration(now, lag, events);
                        lagging |= p.has_lagging_isr_follower();
                    }
                }
                self.isr_check_scheduled = lagging;
                if lagging {
                    self.scheduler
                        .schedule(now.saturating_add((lag / 2).max(1)), Timer::IsrExpiration);
                }
            }
            Timer::LogRetention => {
                for t in self.topics.values_mut() {
                    if !t.config.cleanup_policy.deletes() {
                        continue;
                    }
                    for p in &mut t.partitions {
                        if p.leader().is_none() {
                            continue;
                        }
                        let hw = p.high_watermark();
                        let from = p.log_start_offset();
                        let deleted = p.log_mut().delete_retained_segments(now, hw, &t.config);
                        for d in deleted {
                            events.push(segment_deleted(&t.name, p.index(), d));
                        }
                        if p.log_start_offset() != from {
                            events.push(Event::LogStartOffsetAdvanced {
                                topic: t.name.clone(),
                                partition: p.index(),
                                from,
                                to: p.log_start_offset(),
                            });
                        }
                    }
                }
                self.scheduler.schedule(
                    now.saturating_add(self.config.log_retention_check_interval_ms),
                    Timer::LogRetention,
                );
            }
            Timer::LogCleaner => {
                for t in self.topics.values_mut() {
                    if !t.config.cleanup_policy.compacts() {
                        continue;
                    }
                    for p in &mut t.partitions {
                        if p.leader().is_none() {
                            continue;
                        }
                        // The cleaner stops at the first unstable offset (an open
                        // transaction), as Kafka's does.
                        let lso = p.last_stable_offset();
                        if let Some(s) = p.log_mut().compact(now, lso, &t.config) {
                            events.push(Event::LogCompacted {
                                topic: t.name.clone(),
                                partition: p.index(),
                                cleaned_up_to: s.cleaned_up_to,
                                records_removed: s.records_removed,
                                tombstones_removed: s.tombstones_removed,
                                segments_before: s.segments_before,
                                segments_after: s.segments_after,
                            });
                        }
                    }
                }
                let dirty = self.any_log_may_need_cleaning();
                self.cleaner_scheduled = dirty;
                if dirty {
                    self.scheduler.schedule(
                        now.saturating_add(self.config.log_cleaner_backoff_ms),
                        Timer::LogCleaner,
                    );
                }
            }
            Timer::OffsetsRetention => {
                let expired = self.offsets.expired(now, self.config.offsets_retention_ms);
                for (group, tp, offset) in expired {
                    self.offsets.remove(&group, &tp);
                    let cp = self.coordinator_partition(&group);
                    let k = offsets::encode_offset_commit_key(&group, &tp);
                    // The tombstone needs a live coordinator; the cache entry goes either way.
                    let _ = self.append_offsets_record(cp, &k, None, events);
                    events.push(Event::OffsetExpired {
                        group,
                        topic: tp.topic,
                        partition: tp.partition,
                        offset,
                    });
                }
                self.scheduler.schedule(
                    now.saturating_add(self.config.offsets_retention_check_interval_ms),
                    Timer::OffsetsRetention,
                );
            }
            Timer::PreferredLeaderElection => {
                self.elect_preferred_leaders(true, events);
                self.scheduler.schedule(
                    now.saturating_add(self.config.leader_imbalance_check_interval_ms),
                    Timer::PreferredLeaderElection,
                );
            }
            Timer::GroupTimer { group } => self.fire_group_timer(&group, events),
            Timer::ConsumerTimer { consumer } => self.fire_consumer_timer(&consumer, events),
            Timer::ProducerTimer { producer } => self.fire_producer_timer(&producer, events),
            Timer::TransactionTimeout { transactional_id } => {
                self.fire_transaction_timeout(&transactional_id, events)
            }
            Timer::AppTimer { client } => self.fire_app_timer(&client, events),
        }
    }

    /// Bookkeeping after any change: schedule replica fetches where followers are behind,
    /// and settle offset commits against their partition's HW and LEO.
    fn after_change(&mut self, events: &mut Vec<Event>) {
        self.reload_offsets_after_unclean_election(events);
        self.settle(None, events);
    }

    /// A `__consumer_offsets` partition led by an out-of-sync replica lost records, commits
    /// included: its coordinator reads its cache again from what the log holds.
    fn reload_offsets_after_unclean_election(&mut self, events: &mut Vec<Event>) {
        let cps: Vec<i32> = events
            .iter()
            .filter_map(|e| match e {
                Event::UncleanLeaderElected {
                    topic, partition, ..
                } if topic == OFFSETS_TOPIC => Some(*partition),
                _ => None,
            })
            .collect();
        let n = self.offsets_partition_count();
        for cp in cps {
            let Some(p) = self.topics.get(OFFSETS_TOPIC).and_then(|t| t.partition(cp)) else {
                continue;
            };
            let log = p.log();
            // Markers are not commits; offsets of an open or aborted transaction are not
            // committed (yet).
            let records = log
                .read(p.log_start_offset(), p.high_watermark(), usize::MAX)
                .filter(|r| log.is_settled_data(r))
                .filter_map(|r| r.key.map(|k| (k, r.value)));
            for (group, tp, v) in self.offsets.reload(cp, n, records) {
                events.push(match v {
                    Some(v) => Event::OffsetCommitted {
                        group,
                        topic: tp.topic,
                        partition: tp.partition,
                        offset: v.offset,
                        metadata: v.metadata,
                    },
                    None => Event::OffsetDeleted {
                        group,
                        topic: tp.topic,
                        partition: tp.partition,
                    },
                });
            }
        }
    }

    /// [`World::after_change`] when only one partition changed (a produce or a commit):
    /// the same bookkeeping, for that partition alone.
    pub(crate) fn after_change_in(&mut self, topic: &str, partition: i32, events: &mut Vec<Event>) {
        self.settle(Some((topic.to_string(), partition)), events);
    }

    fn settle(&mut self, scope: Option<(String, i32)>, events: &mut Vec<Event>) {
        let due = self
            .now_ms
            .saturating_add(self.config.replica_fetch_delay_ms);
        let mut lagging = false;
        let mut dirty = false;
        for t in self.topics.values_mut() {
            if scope.as_ref().is_some_and(|(name, _)| *name != t.name) {
                continue;
            }
            let compacts = t.config.cleanup_policy.compacts();
            for p in &mut t.partitions {
                if scope.as_ref().is_some_and(|(_, i)| *i != p.index()) {
                    continue;
                }
                lagging |= p.has_lagging_isr_follower();
                dirty |= compacts && p.log().may_need_cleaning();
                if !p.fetch_scheduled && p.needs_fetch(&self.brokers) {
                    p.fetch_scheduled = true;
                    self.scheduler.schedule(
                        due,
                        Timer::ReplicaFetch {
                            topic: t.name.clone(),
                            partition: p.index(),
                        },
                    );
                }
            }
        }
        if lagging && !self.isr_check_scheduled {
            let iv = (self.config.replica_lag_time_max_ms / 2).max(1);
            self.scheduler
                .schedule(next_tick(self.now_ms, iv), Timer::IsrExpiration);
            self.isr_check_scheduled = true;
        }
        if dirty && !self.cleaner_scheduled {
            let iv = self.config.log_cleaner_backoff_ms;
            self.scheduler
                .schedule(next_tick(self.now_ms, iv), Timer::LogCleaner);
            self.cleaner_scheduled = true;
        }
        if scope
            .as_ref()
            .is_some_and(|(name, _)| name != OFFSETS_TOPIC)
        {
            return;
        }
        let only = scope.map(|(_, p)| p);
        let pending: Vec<i32> = {
            let mut v: Vec<i32> = self
                .offsets
                .pending()
                .map(|((cp, _), _)| *cp)
                .chain(self.offsets.txn_pending().iter().map(|c| c.partition))
                .filter(|cp| only.is_none_or(|o| o == *cp))
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        for cp in pending {
            let Some(p) = self.partition(OFFSETS_TOPIC, cp) else {
                continue;
            };
            let (hw, leo) = (p.high_watermark(), p.log_end_offset());
            for c in self.offsets.fail_truncated(cp, leo) {
                events.push(Event::OffsetCommitFailed {
                    group: c.group,
                    topic: c.tp.topic,
                    partition: c.tp.partition,
                    offset: c.value.offset,
                    error: "NOT_COORDINATOR".into(),
                });
            }
            for c in self.offsets.fail_truncated_txn(cp, leo) {
                events.push(Event::OffsetCommitFailed {
                    group: c.group,
                    topic: c.tp.topic,
                    partition: c.tp.partition,
                    offset: c.value.offset,
                    error: "NOT_COORDINATOR".into(),
                });
            }
            let Some(log) = self
                .topics
                .get(OFFSETS_TOPIC)
                .and_then(|t| t.partition(cp))
                .map(Partition::log)
            else {
                continue;
            };
            let superseded = |c: &offsets::TxnPendingCommit| {
                let key = offsets::encode_offset_commit_key(&c.commit.group, &c.commit.tp);
                log.read(c.log_offset.next(), hw, usize::MAX)
                    .any(|r| r.key == Some(key.as_slice()) && log.is_settled_data(&r))
            };
            let done = self.offsets.materialize_txn(cp, hw, superseded);
            for c in done {
                events.push(Event::OffsetCommitted {
                    group: c.group,
                    topic: c.tp.topic,
                    partition: c.tp.partition,
                    offset: c.value.offset,
                    metadata: c.value.metadata,
                });
            }
            for c in self.offsets.materialize(cp, hw) {
                events.push(Event::OffsetCommitted {
                    group: c.group,
                    topic: c.tp.topic,
                    partition: c.tp.partition,
                    offset: c.value.offset,
                    metadata: c.value.metadata,
                });
            }
        }
    }

    fn any_log_may_need_cleaning(&self) -> bool {
        self.topics.values().any(|t| {
            t.config.cleanup_policy.compacts()
                && t.partitions.iter().any(|p| p.log().may_need_cleaning())
        })
    }

    // ----- checks -----------------------------------------------------------------------

    /// Checks every invariant of the model; used by the property tests and on restore.
    pub fn check_invariants(&self) -> Result<(), String> {
        if self.brokers.is_empty() {
            return Err("no brokers".into());
        }
        for (name, t) in &self.topics {
            if *name != t.name {
                return Err(format!("topic '{}' filed under '{name}'", t.name));
            }
            t.config.validate().map_err(|e| e.to_string())?;
            for (i, p) in t.partitions.iter().enumerate() {
                if p.index() != i as i32 || p.topic() != name {
                    return Err(format!("partition {i} of '{name}' is misfiled"));
                }
                for r in p.replicas() {
                    if !self.brokers.contains_key(&r.broker) {
                        return Err(format!(
                            "{name}-{i}: replica on unknown broker {}",
                            r.broker
                        ));
                    }
                }
                let mut ids = p.replica_ids();
                ids.sort();
                ids.dedup();
                if ids.len() != p.replicas().len() {
                    return Err(format!("{name}-{i}: two replicas on one broker"));
                }
                p.check_invariants(&self.brokers, t.config.cleanup_policy.compacts())?;
            }
        }
        self.check_offset_store()?;
        self.check_databases()?;
        self.check_transactions()?;
        self.check_clients()
    }

    /// The invariants that cost O(partitions + clients), without reading a log: per
    /// partition log start ≤ HW ≤ LEO, a non-empty ISR of replicas and a running leader in
    /// it (see [`Partition::check_replication_state`]); LSO ≤ HW and the transaction
    /// coordinator's entries; the groups', consumers', producers' and applications' own
    /// checks. [`World::apply`] runs them after every command in debug builds;
    /// [`World::check_invariants`] adds the log, offset-store and database scans.
    pub fn check_cheap_invariants(&self) -> Result<(), String> {
        for t in self.topics.values() {
            for p in &t.partitions {
                p.check_replication_state(&self.brokers)?;
            }
        }
        self.check_transactions()?;
        self.check_clients()
    }

    /// Every cached committed offset is the latest record for its key below the HW of its
    /// coordinator partition.
    fn check_offset_store(&self) -> Result<(), String> {
        let Some(t) = self.topics.get(OFFSETS_TOPIC) else {
            return Err("no __consumer_offsets topic".into());
        };
        if t.config.cleanup_policy.deletes() {
            return Ok(());
        }
        let mut latest: BTreeMap<(i32, Vec<u8>), Option<Vec<u8>>> = BTreeMap::new();
        for p in &t.partitions {
            let log = p.log();
            for r in log.read(p.log_start_offset(), p.high_watermark(), usize::MAX) {
                // Markers, records of open or aborted transactions and committed ones
                // whose marker is not replicated yet are not in the cache.
                let waiting = self
                    .offsets
                    .txn_pending()
                    .iter()
                    .any(|c| c.partition == p.index() && c.log_offset == r.offset);
                if !log.is_settled_data(&r) || waiting {
                    continue;
                }
                if let Some(k) = r.key {
                    latest.insert((p.index(), k.to_vec()), r.value.map(<[u8]>::to_vec));
                }
            }
        }
        for group in self.offsets.groups() {
            let cp = self.coordinator_partition(group);
            for (tp, v) in self.offsets.group_offsets(group).into_iter().flatten() {
                let k = offsets::encode_offset_commit_key(group, tp);
                let expected = offsets::encode_offset_commit_value(v);
                match latest.get(&(cp, k)) {
                    Some(Some(found)) if *found == expected => {}
                    _ => {
                        return Err(format!(
                            "committed offset of {group} for {tp} is not the latest record in __consumer_offsets-{cp}"
                        ))
                    }
                }
            }
        }
        for ((cp, _), _) in self.offsets.pending() {
            if t.partition(*cp).is_none() {
                return Err(format!("pending commit on missing partition {cp}"));
            }
        }
        Ok(())
    }
}

fn segment_deleted(topic: &str, partition: i32, d: crate::log::DeletedSegment) -> Event {
    Event::SegmentDeleted {
        topic: topic.to_string(),
        partition,
        base_offset: d.base_offset,
        end_offset: d.end_offset,
        records: d.records,
        size_bytes: d.size_bytes,
        reason: d.reason,
    }
}
