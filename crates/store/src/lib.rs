//! Persistence for Offset Express: nothing a learner did is ever lost.
//!
//! A learner closes the tab, the phone kills the page, the laptop sleeps: on the next visit
//! everything is where it was. This crate keeps sessions (seed, config, the log of console
//! lines written step by step, periodic snapshots), tutorial progress and preferences — in IndexedDB in a
//! browser, in memory elsewhere or when IndexedDB cannot be used.
//!
//! The app uses one type, [`Store`]:
//!
//! ```no_run
//! # async fn demo() -> Result<(), store::StoreError> {
//! use store::{NewSession, Store};
//! let (store, notices) = Store::open("my-site").await; // show `notices` to the learner
//! let meta = store
//!     .create_session(NewSession { name: "First ride".into(), seed: 42, config: serde_json::json!({}) })
//!     .await?;
//! store.append_step(&meta.id, 0, "kafka-topics --create --topic orders --partitions 3").await?;
//! let (loaded, role) = store.open_session(&meta.id).await?; // role: Writer or Follower
//! # let _ = (notices, loaded, role); Ok(()) }
//! ```
//!
//! The map: [`model`] (what is stored), [`codec`] (records as JSON text, shared checks),
//! [`storage`] (the `Storage` trait), [`memory`] (the in-memory backend), `idb` (IndexedDB,
//! wasm only), [`migrate`] (schema versions), [`convert`] (v2 simulator commands as console
//! lines), [`export`] (export/import files), [`guard`] (two tabs), [`notice`] and [`error`].
//!
//! The store depends neither on the simulator nor on the console language: a step is a line of
//! text, configs and snapshots are opaque JSON the app serialises.

pub mod codec;
pub mod convert;
pub mod error;
pub mod export;
pub mod guard;
#[cfg(target_arch = "wasm32")]
pub mod idb;
pub mod memory;
pub mod migrate;
pub mod model;
pub mod notice;
pub mod storage;
mod store;

pub use codec::{DamagedRecord, Problem};
pub use error::StoreError;
pub use export::{ExportedSession, ImportError};
pub use guard::{ChangeKind, Role, SessionChange, Subscription};
pub use memory::MemoryStorage;
pub use model::{
    snapshot_due, ChapterProgress, LoadedSession, LoadedTail, NewSession, Preferences,
    ReducedMotion, SessionMeta, Snapshot, Vocabulary, SCHEMA_VERSION, SNAPSHOT_INTERVAL,
};
pub use notice::Notice;
pub use storage::Storage;
pub use store::{database_name, ImportReport, ImportedSession, Store, DATABASE_PREFIX};
