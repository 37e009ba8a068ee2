//! The clients wired into the world: consumer groups (the classic group coordinator),
//! consumers and producers, named by the learner (`c1`, `p1`), plus the delivery ledger.
//!
//! The pure state machines live elsewhere — [`crate::group::Group`] (the coordinator),
//! [`crate::consumer::Consumer`] (the Java `KafkaConsumer`) and the assignors — and this
//! module is the network between them and the brokers:
//!
//! - a consumer's requests (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) go to its group's
//!   coordinator at once, and the coordinator's answers are delivered at once, also those
//!   it owed to members waiting in a join (their "long poll" returns);
//! - the consumer reads the partition logs through [`crate::consumer::LogReader`], which the
//!   world implements (the high watermark bounds every fetch), and commits through
//!   [`crate::consumer::OffsetStore`]: the group checks member and generation
//!   (`ILLEGAL_GENERATION` for a zombie), then the commit is appended to
//!   `__consumer_offsets` like any other; it is visible once replicated;
//! - the clock drives the rest, through three timers per client ([`crate::scheduler::Timer`]):
//!   the group's deadlines (session timeouts, the initial rebalance delay, join and sync
//!   timeouts), each consumer's heartbeat, `max.poll.interval.ms` check and per-record
//!   processing, and each producer's `linger.ms`, retry backoff and request timeout.
//!
//! Consumer properties ([`consumer_settings`]): `group.id`, `group.instance.id`,
//! `client.id` (default: the consumer's name), `enable.auto.commit` (true),
//! `auto.commit.interval.ms` (5000), `auto.offset.reset` (latest), `max.poll.records`
//! (500), `max.poll.interval.ms` (300000), `session.timeout.ms` (45000),
//! `heartbeat.interval.ms` (3000), `partition.assignment.strategy` (range,
//! cooperative-sticky), `metadata.max.age.ms` (300000) and the simulator's
//! `processing.ms.per.record` (0), `offset.store` and
//! `results.store` (none).
//!
//! Producer properties ([`producer_settings`]): `acks` (all), `linger.ms` (5),
//! `batch.size` (16384), `retries`, `retry.backoff.ms` (100), `retry.backoff.max.ms` (1000),
//! `delivery.timeout.ms` (120000), `request.timeout.ms` (30000), `enable.idempotence` (true),
//! `partitioner.class`.
//!
//! Kafka's classes behind each part: `ConsumerCoordinator` and `AbstractCoordinator`
//! (join, sync, the heartbeat thread, `onJoinPrepare` committing before revocation, the
//! poll timeout sending LeaveGroup), `KafkaConsumer` (poll, seek, commit), the broker's
//! `GroupCoordinator` / `ClassicGroup` (see [`crate::group`]), and for producers see
//! [`Producer`].
//!
//! Databases outside Kafka (`external.rs`, simulator command `CreateDatabase`, consumer
//! properties `offset.store` and `results.store`): an application's results, and its offsets
//! written with them in one transaction, with a rebalance listener that seeks to them.
//!
//! Played clients (`apps.rs`, simulator commands `RunConsumer`, `RunProducer`, `StopApp`):
//! a consumer runs its poll loop on its own under a [`CommitPolicy`], a producer sends at a
//! rate; each next step is an explicit time in the world with an `AppTimer` behind it. A
//! crash or a close stops the application; a restarted consumer is manual again.
//!
//! Simplifications, said plainly: requests reach the coordinator without network delay;
//! a consumer sees new partitions of a subscribed topic at its next poll (Kafka: at its
//! next metadata refresh, `metadata.max.age.ms`); the group lives on whichever broker
//! leads its `__consumer_offsets` partition, but a coordinator failover does not reset
//! the membership (commits do fail while that partition has no leader).

/// Kafka's default `metadata.max.age.ms` (300000): how often a client refreshes its
/// metadata even when nothing asks for it (a consumer's own value is in its settings).
pub const METADATA_MAX_AGE_MS: i64 = 300_000;

mod apps;
mod config;
mod consumers;
mod external;
mod producer;
mod transactions;

pub use apps::{
    AppStep, AppView, CommitPolicy, ConsumerApp, ProducerApp, DEFAULT_IDLE_MS, MAX_APP_MS, MAX_RATE,
};

pub use config::{consumer_settings, producer_settings, ConsumerSettings, ProducerSettings};
pub use consumers::{ClientState, ConsumerPartitionView, ConsumerView, LagRow};
pub use external::{
    check_database_name, Database, ExternalStore, RestoredOffset, ResultRow, StoredOffset,
    WrittenRecord, MAX_DATABASE_NAME, SIMULATOR_CONSUMER_PROPERTIES,
};
pub use producer::{Producer, ProducerBatchView, ProducerEvent};
pub use transactions::{TxnClient, TxnClientState, TxnError, TxnMeta, TxnState};

use crate::consumer::{Consumer, DeliveryLedger, ProcessedRecord};
use crate::group::Group;
use crate::types::{Offset, TopicPartition};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// One processed record as [`crate::Event::RecordsProcessed`] reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessedOffset {
    pub topic: String,
    pub partition: i32,
    pub offset: Offset,
    /// How many times the consumer's group has now processed this record (2 or more: a
    /// duplicate).
    pub times: u32,
}

/// One answer of `offsetsForTimes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimestampOffset {
    pub topic: String,
    pub partition: i32,
    /// The first offset whose timestamp is at or after the target; `None` (Java's `null`)
    /// if there is none below the high watermark.
    pub offset: Option<Offset>,
}

/// What the application did to get its partitions: a restart runs the same code again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Intent {
    None,
    Subscribe(Vec<String>),
    Assign(Vec<TopicPartition>),
}

/// A group and when its next timer is scheduled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct GroupSlot {
    pub(crate) group: Group,
    pub(crate) wake: Option<i64>,
}

/// A consumer, the simulated application around it, and its timer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ConsumerSlot {
    pub(crate) consumer: Consumer,
    pub(crate) settings: ConsumerSettings,
    /// 0 for the first instance, one more per restart.
    pub(crate) incarnation: u32,
    pub(crate) intent: Intent,
    /// Records being processed, each done at its `done_at_ms`.
    pub(crate) processing: VecDeque<ProcessedRecord>,
    /// The offsets the last poll returned, per partition.
    pub(crate) last_batch: Vec<(TopicPartition, Vec<i64>)>,
    /// When the consumer next refreshes its metadata (`metadata.max.age.ms` after the last
    /// refresh): a subscribed topic created since shows up then.
    #[serde(default)]
    pub(crate) next_metadata_refresh_ms: i64,
    pub(crate) wake: Option<i64>,
}

/// A client's application (see [`apps`]): what runs it when no one types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum App {
    Consumer(ConsumerApp),
    Producer(ProducerApp),
}

/// Everything client-side the world holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clients {
    pub(crate) groups: BTreeMap<String, GroupSlot>,
    pub(crate) consumers: BTreeMap<String, ConsumerSlot>,
    pub(crate) producers: BTreeMap<String, Producer>,
    /// How many times each group processed each record.
    pub(crate) ledger: DeliveryLedger,
    /// The next idempotent producer id the broker hands out.
    pub(crate) next_producer_id: i64,
    /// The applications running, by client name.
    pub(crate) apps: BTreeMap<String, App>,
    /// The transaction coordinator's entries, by `transactional.id`.
    #[serde(default)]
    pub(crate) transactions: BTreeMap<String, TxnMeta>,
    /// Simulator: databases outside Kafka, by name (see `external.rs`).
    #[serde(default)]
    pub(crate) databases: BTreeMap<String, Database>,
}
