//! The Kafka model behind Offset Express.
//!
//! A pure, deterministic state machine: the [`World`] changes only through a
//! [`Command`], and every command returns the [`Event`]s it caused. Nothing here reads a
//! clock, a random source or a browser API, so the same seed and the same commands always
//! give the same world.

pub mod assignor;
pub mod error;
pub mod log;
pub mod partitioner;
pub mod types;
pub mod world;

pub use error::SimError;
pub use types::{Offset, PartitionId, TopicPartition};
pub use world::{Command, Event, World, WorldConfig};
