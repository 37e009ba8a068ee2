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
//!
//! The commands live by concern: `topics` (create, add partitions, alter configs, delete),
//! `records` (produce, fetch, list offsets, delete records), `offset_store` (commits and
//! `__consumer_offsets`), `brokers` (stop, restart, fetching, leader elections), `clock`
//! (advance, timers, settling after a change) and `invariants`.

use crate::cluster::{assign_replicas, Broker, Brokers, Partition};
use crate::command::Command;
use crate::config::{TopicConfig, WorldConfig};
use crate::error::SimError;
use crate::event::Event;
use crate::log::Record;
use crate::offsets::OffsetStore;
use crate::partitioner::ProducerPartitionerState;
use crate::rng::SimRng;
use crate::scheduler::{Scheduler, Timer};
use crate::types::{BrokerId, Offset, TopicPartition};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use crate::offsets::OFFSETS_TOPIC;

mod brokers;
mod clock;
mod invariants;
mod offset_store;
mod records;
mod tools;
mod topics;

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

    /// A topic as a metadata request finds it: `UNKNOWN_TOPIC_OR_PARTITION` when it does not
    /// exist. For read-only views (a describe); a command checks on its own.
    pub fn topic_checked(&self, name: &str) -> Result<&Topic, SimError> {
        self.topics.get(name).ok_or_else(|| unknown(name, None))
    }

    /// A partition as a metadata request finds it: `UNKNOWN_TOPIC_OR_PARTITION` (naming the
    /// partition when only the partition is missing).
    pub fn partition_checked(&self, topic: &str, partition: i32) -> Result<&Partition, SimError> {
        self.topic_checked(topic)?
            .partition(partition)
            .ok_or_else(|| unknown(topic, Some(partition)))
    }

    /// Every partition of `topic`, as a client learns them from metadata to act on a whole
    /// topic (`partitionsFor`, the tools' `describeTopics`); `UNKNOWN_TOPIC_OR_PARTITION`
    /// when it does not exist.
    pub fn topic_partitions(&self, topic: &str) -> Result<Vec<TopicPartition>, SimError> {
        Ok(self
            .topic_checked(topic)?
            .partitions
            .iter()
            .map(|p| TopicPartition::new(topic, p.index()))
            .collect())
    }

    fn partition_mut(&mut self, topic: &str, partition: i32) -> Option<&mut Partition> {
        let t = self.topics.get_mut(topic)?;
        usize::try_from(partition)
            .ok()
            .and_then(|i| t.partitions.get_mut(i))
    }

    // ----- commands -------------------------------------------------------------------

    /// Applies one command and returns the events it caused. On error the world is
    /// unchanged.
    pub fn apply(&mut self, command: Command) -> Result<Vec<Event>, SimError> {
        // `Advance` tells the clients after each timer, the tools' commands after each of
        // their steps; other commands once, at the end.
        let observe = !matches!(
            command,
            Command::Advance { .. } | Command::ResetOffsets { .. } | Command::ConsoleConsume(_)
        );
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
            Command::ElectPreferredLeaders {} => self.elect_leaders(false, None),
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
            Command::DeleteGroup { group } => self.delete_group(&group),
            Command::ResetOffsets { group, offsets } => {
                self.reset_offsets_acknowledged(&group, &offsets)
            }
            Command::ConsoleConsume(c) => self.console_consume(c),
            client => self.apply_client_command(client),
        }
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
