//! The Kafka model behind Offset Express.
//!
//! A pure, deterministic state machine: the [`World`] changes only through a
//! [`Command`], and every command returns the [`Event`]s it caused. Nothing here reads a
//! clock, a random source or a browser API, so the same seed and the same commands always
//! give the same world.
//!
//! Modules, one Kafka concept each:
//! - [`log`]: a partition's log (segments, fetch bounds, retention, compaction);
//! - [`partitioner`]: murmur2, the sticky and round-robin partitioners;
//! - [`cluster`]: brokers, replicas, ISR, high watermark, acks, leader election;
//! - [`offsets`]: `__consumer_offsets` and the committed-offset store;
//! - [`scheduler`] and [`rng`]: the virtual clock's timers and the seeded random source;
//! - [`world`]: commands, events, the clock; [`snapshot`]: snapshots, replay, state hash;
//! - [`clients`]: consumer groups, consumers and producers wired into the world, and the
//!   delivery ledger (built on [`group`], [`consumer`] and [`assignor`]).
//!
//! A passenger boards, is replicated, and a checker reads it and writes its notebook line:
//!
//! ```
//! use sim::{Command, Event, Offset, OffsetCommit, TopicPartition, World, WorldConfig};
//!
//! let mut world = World::new(42, WorldConfig::default()); // 3 brokers
//! world.apply(Command::CreateTopic {
//!     name: "orders".into(),
//!     partitions: 3,
//!     replication_factor: Some(3),
//!     config: Default::default(),
//! })?;
//! let events = world.apply(Command::Produce {
//!     topic: "orders".into(),
//!     partition: None,
//!     key: Some("alice".into()),
//!     value: Some("1 ticket".into()),
//!     headers: vec![],
//!     timestamp_ms: None,
//!     acks: None, // acks=all, the default since Kafka 3.0
//! })?;
//! let Some(Event::RecordAppended { partition, offset, .. }) = events.first().cloned() else {
//!     panic!("the record was appended");
//! };
//! let tp = TopicPartition::new("orders", partition);
//! // Not yet replicated: above the high watermark, so consumers cannot see it.
//! assert!(world.fetch(&tp, offset, 500)?.records.is_empty());
//! world.apply(Command::Advance { ms: 10 })?; // the followers fetch
//! let fetched = world.fetch(&tp, offset, 500)?;
//! assert_eq!(fetched.records[0].value.as_deref(), Some("1 ticket"));
//! // The committed offset is the next offset to read.
//! world.apply(Command::CommitOffsets {
//!     group: "checkers".into(),
//!     offsets: vec![OffsetCommit {
//!         topic: "orders".into(),
//!         partition,
//!         offset: fetched.next_offset.0,
//!         metadata: String::new(),
//!         leader_epoch: None,
//!     }],
//! })?;
//! world.apply(Command::Advance { ms: 10 })?; // the commit is replicated
//! assert_eq!(world.committed_offset("checkers", &tp).map(|c| c.offset), Some(Offset(1)));
//! # Ok::<(), sim::SimError>(())
//! ```

pub mod assignor;
pub mod catalog;
pub mod clients;
pub mod cluster;
pub mod command;
pub mod config;
pub mod consumer;
pub mod error;
pub mod event;
pub mod group;
pub mod log;
pub mod offsets;
pub mod partitioner;
pub mod rng;
pub mod scheduler;
mod serde_util;
pub mod snapshot;
pub mod types;
pub mod world;

pub use command::{Command, ConsoleConsume, ConsoleStart, OffsetCommit};
pub use config::{
    Acks, CleanupPolicy, PartitionerKind, TimestampType, TopicConfig, TopicConfigOverrides,
    WorldConfig,
};
pub use error::SimError;
pub use event::Event;
pub use log::{Header, Record, RecordView};
pub use snapshot::{Session, SESSION_VERSION, SNAPSHOT_VERSION};
pub use types::{BrokerId, Offset, PartitionId, TopicPartition};
pub use world::{FetchResult, OffsetSpec, Topic, World, OFFSETS_TOPIC};
