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
//! - [`world`]: commands, events, the clock; [`snapshot`]: snapshots, replay, state hash.

pub mod assignor;
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

pub use command::{Command, OffsetCommit};
pub use config::{
    Acks, CleanupPolicy, PartitionerKind, TopicConfig, TopicConfigOverrides, WorldConfig,
};
pub use error::SimError;
pub use event::Event;
pub use log::{Header, Record, RecordView};
pub use snapshot::{Session, SESSION_VERSION, SNAPSHOT_VERSION};
pub use types::{BrokerId, Offset, PartitionId, TopicPartition};
pub use world::{FetchResult, OffsetSpec, Topic, World, OFFSETS_TOPIC};
