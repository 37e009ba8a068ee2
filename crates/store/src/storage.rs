//! The `Storage` trait: what a persistence backend does, record by record.
//!
//! Two backends implement it: [`crate::memory::MemoryStorage`] (native tests, and the fallback
//! when IndexedDB is unavailable) and, in the browser, `IdbStorage` over IndexedDB. Both keep the
//! same records as the same JSON text and share the checks in [`crate::codec`], so the memory
//! backend behaves like IndexedDB in every test. The app uses [`crate::Store`], which adds
//! notices, fallbacks and the two-tab guard on top.
//!
//! Every write is one atomic transaction: a step is appended together with its session's new
//! log end, or not at all, so a killed tab loses at most the step in flight.

use serde_json::Value;

use crate::codec::DamagedRecord;
use crate::error::StoreError;
use crate::model::{ChapterProgress, Preferences, SessionMeta, Snapshot};

/// A session read from storage, and the records that had to be skipped while reading it.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRead {
    pub meta: SessionMeta,
    /// Console lines from the requested start to the last complete step.
    pub steps: Vec<String>,
    /// The latest readable snapshot within the loaded log, when one was asked for.
    pub snapshot: Option<Snapshot>,
    pub damaged: Vec<DamagedRecord>,
}

/// A persistence backend. Methods are async because IndexedDB is; the memory backend answers
/// at once.
#[allow(async_fn_in_trait)]
pub trait Storage {
    /// The metadata of every readable session, and the session records that are not.
    async fn list_sessions(&self) -> Result<(Vec<SessionMeta>, Vec<DamagedRecord>), StoreError>;

    /// Stores a new session with its steps and snapshots, atomically. Fails with
    /// `SessionAlreadyExists` rather than overwrite anything.
    async fn insert_session(
        &self,
        meta: &SessionMeta,
        steps: &[String],
        snapshots: &[Snapshot],
    ) -> Result<(), StoreError>;

    /// Appends step `index` (a console line) to the log and advances the session's log end,
    /// in one transaction.
    async fn append_step(
        &self,
        session: &str,
        index: u64,
        line: &str,
        now_ms: u64,
    ) -> Result<SessionMeta, StoreError>;

    /// Stores the world after `step` lines (`step` ≤ the log end).
    async fn put_snapshot(&self, session: &str, step: u64, state: &Value)
        -> Result<(), StoreError>;

    /// Deletes the session's snapshots before step `below` (the latest one is enough to
    /// open a session quickly; older ones would only grow the database).
    async fn prune_snapshots(&self, session: &str, below: u64) -> Result<(), StoreError>;

    /// Reads a session's metadata and its lines from `from` to the last complete step; with
    /// `with_snapshot`, also the latest readable snapshot within them.
    async fn read_session(
        &self,
        session: &str,
        from: u64,
        with_snapshot: bool,
    ) -> Result<SessionRead, StoreError>;

    /// Every readable snapshot of a session, in step order.
    async fn all_snapshots(
        &self,
        session: &str,
    ) -> Result<(Vec<Snapshot>, Vec<DamagedRecord>), StoreError>;

    /// Renames a session.
    async fn rename_session(
        &self,
        session: &str,
        name: &str,
        now_ms: u64,
    ) -> Result<SessionMeta, StoreError>;

    /// Cuts the log back to its first `step_count` steps (undo), dropping later steps and
    /// snapshots.
    async fn truncate_session(
        &self,
        session: &str,
        step_count: u64,
        now_ms: u64,
    ) -> Result<SessionMeta, StoreError>;

    /// Deletes a session with its steps and snapshots.
    async fn delete_session(&self, session: &str) -> Result<(), StoreError>;

    /// Every stored record of a session as raw text, readable or not, keyed as in
    /// [`DamagedRecord::key`].
    async fn raw_session(&self, session: &str) -> Result<Vec<(String, String)>, StoreError>;

    /// Progress of every chapter, and the progress records that could not be read.
    async fn all_progress(&self) -> Result<(Vec<ChapterProgress>, Vec<DamagedRecord>), StoreError>;

    /// Stores the progress of one chapter (replacing that chapter's previous progress).
    async fn put_progress(&self, progress: &ChapterProgress) -> Result<(), StoreError>;

    /// The stored preferences, if any were stored and readable.
    async fn preferences(&self) -> Result<(Option<Preferences>, Vec<DamagedRecord>), StoreError>;

    /// Stores the preferences.
    async fn put_preferences(&self, preferences: &Preferences) -> Result<(), StoreError>;
}
