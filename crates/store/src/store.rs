//! [`Store`]: the one type the app uses. It opens IndexedDB (or falls back to memory), keeps
//! the two-tab guard, turns every surprise into a [`Notice`] and keeps the app working.
//!
//! ```text
//! open(namespace) ──► IndexedDB at the current schema ──► Store (persistent)
//!        │            IndexedDB from an earlier schema ──► migrated, then as above
//!        │            IndexedDB from a newer schema ────► copied into memory, DB untouched
//!        └──────────► no IndexedDB / blocked / failed ──► Store (in memory)
//! any write ──► QuotaExceeded ──► everything copied into memory, the write retried there
//! ```

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::codec::DamagedRecord;
use crate::error::StoreError;
use crate::export::{self, ExportedSession, ImportError};
use crate::guard::{self, ChangeKind, ClaimOutcome, Role, SessionChange, Subscription};
use crate::memory::MemoryStorage;
use crate::model::{
    ChapterProgress, LoadedSession, LoadedTail, NewSession, Preferences, SessionMeta,
    SCHEMA_VERSION,
};
use crate::notice::Notice;
use crate::storage::Storage;

/// The prefix of every database name; the namespace follows it. Static sites of one host share
/// an origin (`user.github.io/a` and `user.github.io/b`), so each site passes its own namespace.
pub const DATABASE_PREFIX: &str = "offset-express";

/// The IndexedDB database name for a namespace.
pub fn database_name(namespace: &str) -> String {
    let namespace = namespace.trim();
    if namespace.is_empty() {
        format!("{DATABASE_PREFIX}:default")
    } else {
        format!("{DATABASE_PREFIX}:{namespace}")
    }
}

/// One imported session: the id it was stored under, and the id it had in the file (they
/// differ when that id was taken: an import never replaces a session).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedSession {
    pub id: String,
    pub original_id: String,
    pub name: String,
    pub steps: u64,
}

/// What an import stored.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImportReport {
    pub sessions: Vec<ImportedSession>,
}

impl ImportReport {
    /// The sessions that were given a new id because their id was already taken.
    pub fn renamed(&self) -> impl Iterator<Item = &ImportedSession> {
        self.sessions.iter().filter(|s| s.id != s.original_id)
    }
}

/// The backend a store currently works on.
#[derive(Clone)]
enum Active {
    Memory(Rc<MemoryStorage>),
    #[cfg(target_arch = "wasm32")]
    Idb(Rc<crate::idb::IdbStorage>),
}

macro_rules! on_active {
    ($active:expr, $b:ident => $body:expr) => {
        match $active {
            Active::Memory($b) => $body,
            #[cfg(target_arch = "wasm32")]
            Active::Idb($b) => $body,
        }
    };
}

impl Storage for Active {
    async fn list_sessions(&self) -> Result<(Vec<SessionMeta>, Vec<DamagedRecord>), StoreError> {
        on_active!(self, b => b.list_sessions().await)
    }
    async fn insert_session(
        &self,
        meta: &SessionMeta,
        steps: &[String],
        snapshots: &[crate::model::Snapshot],
    ) -> Result<(), StoreError> {
        on_active!(self, b => b.insert_session(meta, steps, snapshots).await)
    }
    async fn append_step(
        &self,
        session: &str,
        index: u64,
        line: &str,
        now_ms: u64,
    ) -> Result<SessionMeta, StoreError> {
        on_active!(self, b => b.append_step(session, index, line, now_ms).await)
    }
    async fn put_snapshot(
        &self,
        session: &str,
        step: u64,
        state: &Value,
    ) -> Result<(), StoreError> {
        on_active!(self, b => b.put_snapshot(session, step, state).await)
    }
    async fn prune_snapshots(&self, session: &str, below: u64) -> Result<(), StoreError> {
        on_active!(self, b => b.prune_snapshots(session, below).await)
    }
    async fn read_session(
        &self,
        session: &str,
        from: u64,
        with_snapshot: bool,
    ) -> Result<crate::storage::SessionRead, StoreError> {
        on_active!(self, b => b.read_session(session, from, with_snapshot).await)
    }
    async fn all_snapshots(
        &self,
        session: &str,
    ) -> Result<(Vec<crate::model::Snapshot>, Vec<DamagedRecord>), StoreError> {
        on_active!(self, b => b.all_snapshots(session).await)
    }
    async fn rename_session(
        &self,
        session: &str,
        name: &str,
        now_ms: u64,
    ) -> Result<SessionMeta, StoreError> {
        on_active!(self, b => b.rename_session(session, name, now_ms).await)
    }
    async fn truncate_session(
        &self,
        session: &str,
        step_count: u64,
        now_ms: u64,
    ) -> Result<SessionMeta, StoreError> {
        on_active!(self, b => b.truncate_session(session, step_count, now_ms).await)
    }
    async fn delete_session(&self, session: &str) -> Result<(), StoreError> {
        on_active!(self, b => b.delete_session(session).await)
    }
    async fn raw_session(&self, session: &str) -> Result<Vec<(String, String)>, StoreError> {
        on_active!(self, b => b.raw_session(session).await)
    }
    async fn all_progress(&self) -> Result<(Vec<ChapterProgress>, Vec<DamagedRecord>), StoreError> {
        on_active!(self, b => b.all_progress().await)
    }
    async fn put_progress(&self, progress: &ChapterProgress) -> Result<(), StoreError> {
        on_active!(self, b => b.put_progress(progress).await)
    }
    async fn preferences(&self) -> Result<(Option<Preferences>, Vec<DamagedRecord>), StoreError> {
        on_active!(self, b => b.preferences().await)
    }
    async fn put_preferences(&self, preferences: &Preferences) -> Result<(), StoreError> {
        on_active!(self, b => b.put_preferences(preferences).await)
    }
}

/// A message on the broadcast channel: a change, and which store sent it (a store ignores its
/// own messages).
#[derive(Serialize, Deserialize)]
struct Wire {
    origin: String,
    change: SessionChange,
}

/// Persistence for the app: sessions, tutorial progress and preferences.
///
/// All methods take `&self` (keep the store in an `Rc`); none panics. Errors are
/// [`StoreError`]s; everything the learner should know but that does not stop the operation
/// becomes a [`Notice`], collected with [`Store::take_notices`].
pub struct Store {
    db_name: String,
    origin: String,
    active: RefCell<Active>,
    /// True while the active backend is shared with other tabs (IndexedDB).
    shared: Cell<bool>,
    notices: RefCell<Vec<Notice>>,
    reported: RefCell<BTreeSet<String>>,
    claims: RefCell<BTreeMap<String, guard::Claim>>,
    channel: Option<guard::Channel>,
    guard_warned: Cell<bool>,
    /// Whether the browser offered Web Locks when the store opened.
    locks: bool,
    next_id: Cell<u64>,
}

impl Store {
    fn with_active(db_name: String, active: Active, shared: bool) -> Store {
        Self::with_active_and_locks(db_name, active, shared, guard::locks_available())
    }

    fn with_active_and_locks(db_name: String, active: Active, shared: bool, locks: bool) -> Store {
        let origin = format!("{}-{}", base36(now_ms()), base36(u64::from(random_u32())));
        let channel = if shared {
            guard::Channel::new(&db_name)
        } else {
            None
        };
        Store {
            db_name,
            origin,
            active: RefCell::new(active),
            shared: Cell::new(shared),
            notices: RefCell::new(Vec::new()),
            reported: RefCell::new(BTreeSet::new()),
            claims: RefCell::new(BTreeMap::new()),
            channel,
            guard_warned: Cell::new(false),
            locks,
            next_id: Cell::new(0),
        }
    }

    /// A store that keeps everything in memory (tests, the CLI, or when the app chooses not
    /// to persist).
    pub fn in_memory() -> Store {
        Self::with_memory(MemoryStorage::new())
    }

    /// A store over the given memory backend (for example one with a quota, in tests).
    pub fn with_memory(memory: MemoryStorage) -> Store {
        Self::with_active(
            database_name("memory"),
            Active::Memory(Rc::new(memory)),
            false,
        )
    }

    /// Opens the store of `namespace`: IndexedDB in a browser, memory otherwise. Never fails:
    /// whatever goes wrong leaves a working store and says why in the notices.
    pub async fn open(namespace: &str) -> (Store, Vec<Notice>) {
        let db_name = database_name(namespace);
        let store = Self::open_backend(db_name).await;
        // Reading the list once reports damaged sessions right away.
        let _ = store.list_sessions().await;
        let notices = store.take_notices();
        (store, notices)
    }

    #[cfg(not(target_arch = "wasm32"))]
    async fn open_backend(db_name: String) -> Store {
        let store = Self::with_active(
            db_name,
            Active::Memory(Rc::new(MemoryStorage::new())),
            false,
        );
        store.notice(Notice::InMemoryOnly {
            reason: "IndexedDB exists only in a browser".into(),
        });
        store
    }

    #[cfg(target_arch = "wasm32")]
    async fn open_backend(db_name: String) -> Store {
        use crate::idb::{open_database, Opened};
        // What the browser offers is checked before anything is awaited.
        let locks = guard::locks_available();
        match open_database(&db_name).await {
            Ok(Opened::Current {
                storage,
                migrated_from,
                migrated_sessions,
                damaged,
            }) => {
                let storage = Rc::new(storage);
                storage.close_on_version_change();
                let store = Self::with_active_and_locks(db_name, Active::Idb(storage), true, locks);
                if let Some(from) = migrated_from {
                    store.notice(Notice::Migrated {
                        from,
                        to: SCHEMA_VERSION,
                        sessions: migrated_sessions,
                    });
                }
                for d in damaged {
                    store.report(d);
                }
                store
            }
            Ok(Opened::Newer { storage, found }) => {
                let source = Active::Idb(Rc::new(storage));
                let store = Self::with_active(
                    db_name,
                    Active::Memory(Rc::new(MemoryStorage::new())),
                    false,
                );
                store.notice(Notice::ReadOnlyNewerVersion {
                    found,
                    supported: SCHEMA_VERSION,
                });
                let memory = Rc::new(MemoryStorage::new());
                *store.active.borrow_mut() = Active::Memory(memory.clone());
                if let Err(e) = copy_into(&source, &memory, &store).await {
                    store.notice(Notice::InMemoryOnly {
                        reason: format!("the newer data could not be read: {e}"),
                    });
                }
                if let Active::Idb(idb) = &source {
                    idb.close();
                }
                store
            }
            Err(reason) => {
                let store = Self::with_active(
                    db_name,
                    Active::Memory(Rc::new(MemoryStorage::new())),
                    false,
                );
                store.notice(Notice::InMemoryOnly { reason });
                store
            }
        }
    }

    /// The IndexedDB database name this store uses (or would use).
    pub fn database_name(&self) -> &str {
        &self.db_name
    }

    /// True while changes are saved in IndexedDB; false when they only live in this tab.
    pub fn is_persistent(&self) -> bool {
        !matches!(&*self.active.borrow(), Active::Memory(_)) && !self.closed()
    }

    #[cfg(target_arch = "wasm32")]
    fn closed(&self) -> bool {
        match &*self.active.borrow() {
            Active::Idb(idb) => idb.is_closed(),
            Active::Memory(_) => false,
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn closed(&self) -> bool {
        false
    }

    /// Notices gathered since the last call, oldest first.
    pub fn take_notices(&self) -> Vec<Notice> {
        std::mem::take(&mut *self.notices.borrow_mut())
    }

    fn notice(&self, notice: Notice) {
        self.notices.borrow_mut().push(notice);
    }

    fn report(&self, damaged: DamagedRecord) {
        if self.reported.borrow_mut().insert(damaged.key.clone()) {
            self.notice(Notice::Damaged(damaged));
        }
    }

    /// The backend to use now. If another tab upgraded the database and this connection
    /// closed, what the database still holds readable is copied into memory first.
    async fn active(&self) -> Active {
        if self.closed() {
            let closed = self.active.borrow().clone();
            let memory = Rc::new(MemoryStorage::new());
            self.refill_after_close(&memory).await;
            // Several operations may have noticed at once: the first to finish switches.
            if self.active_is(&closed) {
                *self.active.borrow_mut() = Active::Memory(memory);
                self.shared.set(false);
                self.claims.borrow_mut().clear();
                self.notice(Notice::ClosedForNewerVersion);
            }
        }
        self.active.borrow().clone()
    }

    #[cfg(target_arch = "wasm32")]
    async fn refill_after_close(&self, memory: &MemoryStorage) {
        if let Ok(storage) = crate::idb::open_existing(&self.db_name).await {
            let source = Active::Idb(Rc::new(storage));
            let _ = copy_into(&source, memory, self).await;
            if let Active::Idb(idb) = &source {
                idb.close();
            }
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    async fn refill_after_close(&self, _memory: &MemoryStorage) {}

    /// Runs a write; if the storage is full, moves everything into memory, says so, and runs
    /// the write again there.
    async fn write<T>(
        &self,
        op: impl AsyncFn(&Active) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let active = self.active().await;
        match op(&active).await {
            Err(StoreError::QuotaExceeded) => {
                if self.active_is(&active) {
                    // Copy first and switch after: if copying fails, nothing is lost from view.
                    let memory = Rc::new(MemoryStorage::new());
                    copy_into(&active, &memory, self).await?;
                    if self.active_is(&active) {
                        *self.active.borrow_mut() = Active::Memory(memory);
                        self.shared.set(false);
                        self.notice(Notice::QuotaExceeded);
                    }
                }
                let now = self.active.borrow().clone();
                op(&now).await
            }
            other => other,
        }
    }

    /// True if `active` is still the backend in use (not replaced by a fallback meanwhile).
    fn active_is(&self, active: &Active) -> bool {
        match (&*self.active.borrow(), active) {
            (Active::Memory(a), Active::Memory(b)) => Rc::ptr_eq(a, b),
            #[cfg(target_arch = "wasm32")]
            (Active::Idb(a), Active::Idb(b)) => Rc::ptr_eq(a, b),
            #[cfg(target_arch = "wasm32")]
            _ => false,
        }
    }

    fn lock_name(&self, session: &str) -> String {
        format!("{}/session/{session}", self.db_name)
    }

    fn announce(&self, session: &str, kind: ChangeKind) {
        if let Some(channel) = &self.channel {
            if self.shared.get() {
                channel.post_wire(&Wire {
                    origin: self.origin.clone(),
                    change: SessionChange {
                        session: session.to_string(),
                        kind,
                    },
                });
            }
        }
    }

    /// Checks that this tab is the writer of `session`.
    fn ensure_writer(&self, session: &str) -> Result<(), StoreError> {
        if !self.shared.get() {
            return Ok(());
        }
        let lost = match self.claims.borrow().get(session) {
            Some(claim) => claim.is_lost(),
            None => {
                return Err(StoreError::ProducerFenced {
                    session: session.to_string(),
                })
            }
        };
        if lost {
            self.claims.borrow_mut().remove(session);
            self.notice(Notice::TakenOverByAnotherTab {
                session: session.to_string(),
            });
            return Err(StoreError::ProducerFenced {
                session: session.to_string(),
            });
        }
        Ok(())
    }

    /// Asks to become the writer of `session` (with `steal`, even if another tab is).
    async fn claim(&self, session: &str, steal: bool) -> Role {
        if !self.shared.get() {
            return Role::Writer;
        }
        let lost = match self.claims.borrow().get(session) {
            Some(claim) if !claim.is_lost() => return Role::Writer,
            Some(_) => true,
            None => false,
        };
        if lost {
            self.claims.borrow_mut().remove(session);
        }
        let outcome = if self.locks {
            guard::try_claim(&self.lock_name(session), steal).await
        } else {
            ClaimOutcome::Unavailable
        };
        match outcome {
            ClaimOutcome::Held(claim) => {
                self.claims.borrow_mut().insert(session.to_string(), claim);
                Role::Writer
            }
            ClaimOutcome::Busy => Role::Follower,
            ClaimOutcome::Unavailable => {
                if !self.guard_warned.replace(true) {
                    self.notice(Notice::TwoTabGuardUnavailable);
                }
                // Without locks every tab writes; the append-only log still refuses to write
                // a step twice.
                self.claims
                    .borrow_mut()
                    .insert(session.to_string(), guard::Claim::unguarded());
                Role::Writer
            }
        }
    }

    /// Runs `op` as the writer of `session`: with this tab's claim if it holds one, otherwise
    /// with a claim taken just for this operation. Fails with `ProducerFenced` if another tab
    /// writes the session.
    async fn as_writer<T>(
        &self,
        session: &str,
        op: impl AsyncFn(&Active) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let held = self.claims.borrow().contains_key(session);
        if held || !self.shared.get() {
            self.ensure_writer(session)?;
            return self.write(op).await;
        }
        match self.claim(session, false).await {
            Role::Writer => {
                let result = self.write(op).await;
                self.claims.borrow_mut().remove(session);
                result
            }
            Role::Follower => Err(StoreError::ProducerFenced {
                session: session.to_string(),
            }),
        }
    }

    // ----- sessions -------------------------------------------------------------------------

    /// Every readable session, most recently changed first. Damaged sessions are skipped and
    /// reported as notices.
    pub async fn list_sessions(&self) -> Result<Vec<SessionMeta>, StoreError> {
        let (mut metas, damaged) = self.active().await.list_sessions().await?;
        for d in damaged {
            self.report(d);
        }
        metas.sort_by(|a, b| {
            b.updated_at_ms
                .cmp(&a.updated_at_ms)
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(metas)
    }

    /// Creates a session with an empty log; this tab becomes its writer.
    pub async fn create_session(&self, new: NewSession) -> Result<SessionMeta, StoreError> {
        self.create_session_with_steps(new, &[]).await
    }

    /// Creates a session whose log starts with `steps` (a fork of another timeline, a shared
    /// session made the learner's own); this tab becomes its writer.
    pub async fn create_session_with_steps(
        &self,
        new: NewSession,
        steps: &[String],
    ) -> Result<SessionMeta, StoreError> {
        let now = now_ms();
        let mut last_err = None;
        for _ in 0..8 {
            let meta = SessionMeta {
                schema: SCHEMA_VERSION,
                id: self.new_id(now),
                name: new.name.clone(),
                created_at_ms: now,
                updated_at_ms: now,
                seed: new.seed,
                config: new.config.clone(),
                step_count: steps.len() as u64,
            };
            if self.claim(&meta.id, false).await == Role::Follower {
                continue;
            }
            match self
                .write(async |a: &Active| a.insert_session(&meta, steps, &[]).await)
                .await
            {
                Ok(()) => return Ok(meta),
                Err(e @ StoreError::SessionAlreadyExists { .. }) => {
                    self.claims.borrow_mut().remove(&meta.id);
                    last_err = Some(e);
                }
                Err(e) => {
                    self.claims.borrow_mut().remove(&meta.id);
                    return Err(e);
                }
            }
        }
        Err(last_err.unwrap_or(StoreError::StorageError {
            detail: "could not find a free session id".into(),
        }))
    }

    /// Opens a session to continue it: claims it for this tab if no other tab writes it, and
    /// loads it. With [`Role::Follower`] the app shows it read-only, listens with
    /// [`Store::subscribe`] and may [`Store::take_over`].
    pub async fn open_session(&self, id: &str) -> Result<(LoadedSession, Role), StoreError> {
        let loaded = self.load_session(id).await?;
        let role = self.claim(id, false).await;
        if role == Role::Follower {
            self.notice(Notice::FollowingAnotherTab {
                session: id.to_string(),
            });
        }
        Ok((loaded, role))
    }

    /// Whether this tab writes `session`.
    pub fn role(&self, session: &str) -> Role {
        if !self.shared.get() {
            return Role::Writer;
        }
        match self.claims.borrow().get(session) {
            Some(claim) if !claim.is_lost() => Role::Writer,
            _ => Role::Follower,
        }
    }

    /// Takes over writing `session` from another tab, which becomes a follower.
    pub async fn take_over(&self, session: &str) -> Result<(), StoreError> {
        self.claims.borrow_mut().remove(session);
        match self.claim(session, true).await {
            Role::Writer => {
                self.announce(session, ChangeKind::TakenOver);
                Ok(())
            }
            Role::Follower => Err(StoreError::ProducerFenced {
                session: session.to_string(),
            }),
        }
    }

    /// Stops writing `session` in this tab (another tab may then claim it).
    pub fn close_session(&self, session: &str) {
        self.claims.borrow_mut().remove(session);
    }

    /// Loads a session: metadata, the whole log and the latest snapshot within it. A damaged
    /// step ends the log there (reported as a notice); to keep writing after that, cut the log
    /// back with [`Store::truncate_session`] to `steps.len()` (after offering
    /// [`Store::export_raw_session`]).
    pub async fn load_session(&self, id: &str) -> Result<LoadedSession, StoreError> {
        let read = self.active().await.read_session(id, 0, true).await?;
        for d in read.damaged {
            self.report(d);
        }
        Ok(LoadedSession {
            meta: read.meta,
            steps: read.steps,
            snapshot: read.snapshot,
        })
    }

    /// Opens a session to continue it, reading only its latest snapshot and the lines after
    /// it (the quick way to reopen a long session; [`Store::open_session`] reads every line).
    pub async fn open_session_tail(&self, id: &str) -> Result<(LoadedTail, Role), StoreError> {
        let head = self.active().await.read_session(id, u64::MAX, true).await?;
        for d in head.damaged {
            self.report(d);
        }
        let snapshot = head.snapshot.filter(|s| s.step <= head.meta.step_count);
        let from = snapshot.as_ref().map_or(0, |s| s.step);
        let read = self.active().await.read_session(id, from, false).await?;
        for d in read.damaged {
            self.report(d);
        }
        let role = self.claim(id, false).await;
        if role == Role::Follower {
            self.notice(Notice::FollowingAnotherTab {
                session: id.to_string(),
            });
        }
        Ok((
            LoadedTail {
                meta: read.meta,
                snapshot,
                steps: read.steps,
            },
            role,
        ))
    }

    /// The console lines of a session from step `from` on (a follower catching up).
    pub async fn load_steps(&self, id: &str, from: u64) -> Result<Vec<String>, StoreError> {
        let read = self.active().await.read_session(id, from, false).await?;
        for d in read.damaged {
            self.report(d);
        }
        Ok(read.steps)
    }

    /// Appends step `index` (the log's current length) to a session this tab writes: one
    /// short transaction that adds the console line and advances the log end. The line is
    /// stored as given; the app writes the canonical form (`script`'s `Display`).
    pub async fn append_step(&self, id: &str, index: u64, line: &str) -> Result<(), StoreError> {
        self.ensure_writer(id)?;
        let now = now_ms();
        let meta = self
            .write(async |a: &Active| a.append_step(id, index, line, now).await)
            .await?;
        self.announce(
            id,
            ChangeKind::Appended {
                step_count: meta.step_count,
            },
        );
        Ok(())
    }

    /// Stores the world after the first `step` lines of a session this tab writes.
    pub async fn put_snapshot(&self, id: &str, step: u64, state: &Value) -> Result<(), StoreError> {
        self.ensure_writer(id)?;
        self.write(async |a: &Active| a.put_snapshot(id, step, state).await)
            .await
    }

    /// Stores the world after the first `step` lines of a session this tab writes as its
    /// only snapshot: older ones are deleted once it is stored.
    pub async fn put_latest_snapshot(
        &self,
        id: &str,
        step: u64,
        state: &Value,
    ) -> Result<(), StoreError> {
        self.put_snapshot(id, step, state).await?;
        self.write(async |a: &Active| a.prune_snapshots(id, step).await)
            .await
    }

    /// Cuts a session's log back to its first `step_count` steps (undo).
    pub async fn truncate_session(
        &self,
        id: &str,
        step_count: u64,
    ) -> Result<SessionMeta, StoreError> {
        let now = now_ms();
        let meta = self
            .as_writer(id, async |a: &Active| {
                a.truncate_session(id, step_count, now).await
            })
            .await?;
        self.announce(id, ChangeKind::Truncated { step_count });
        Ok(meta)
    }

    /// Renames a session.
    pub async fn rename_session(&self, id: &str, name: &str) -> Result<SessionMeta, StoreError> {
        let now = now_ms();
        let meta = self
            .as_writer(id, async |a: &Active| a.rename_session(id, name, now).await)
            .await?;
        self.announce(id, ChangeKind::Renamed);
        Ok(meta)
    }

    /// Deletes a session with its log and snapshots (refused while another tab writes it).
    pub async fn delete_session(&self, id: &str) -> Result<(), StoreError> {
        self.as_writer(id, async |a: &Active| a.delete_session(id).await)
            .await?;
        self.claims.borrow_mut().remove(id);
        self.announce(id, ChangeKind::Deleted);
        Ok(())
    }

    /// Listens to changes other tabs make (for a follower). `None` where there are no other
    /// tabs to hear (in memory, natively).
    pub fn subscribe(&self, on_change: impl Fn(SessionChange) + 'static) -> Option<Subscription> {
        if !self.shared.get() {
            return None;
        }
        let origin = self.origin.clone();
        guard::subscribe_wire(
            &self.db_name,
            Box::new(move |text: &str| {
                if let Ok(wire) = serde_json::from_str::<Wire>(text) {
                    if wire.origin != origin {
                        on_change(wire.change);
                    }
                }
            }),
        )
    }

    // ----- export and import ---------------------------------------------------------------

    async fn exported(&self, active: &Active, id: &str) -> Result<ExportedSession, StoreError> {
        let read = active.read_session(id, 0, false).await?;
        let (mut snapshots, damaged) = active.all_snapshots(id).await?;
        for d in read.damaged.into_iter().chain(damaged) {
            self.report(d);
        }
        let steps = read.steps;
        snapshots.retain(|s| s.step <= steps.len() as u64);
        Ok(ExportedSession {
            id: read.meta.id,
            name: read.meta.name,
            created_at_ms: read.meta.created_at_ms,
            updated_at_ms: read.meta.updated_at_ms,
            seed: read.meta.seed,
            config: read.meta.config,
            steps,
            snapshots,
        })
    }

    /// One session as an export file (JSON text).
    pub async fn export_session(&self, id: &str) -> Result<String, StoreError> {
        let active = self.active().await;
        let session = self.exported(&active, id).await?;
        export::write_export(&[session])
    }

    /// Every readable session as one export file.
    pub async fn export_all(&self) -> Result<String, StoreError> {
        let active = self.active().await;
        let mut sessions = Vec::new();
        for meta in self.list_sessions().await? {
            sessions.push(self.exported(&active, &meta.id).await?);
        }
        export::write_export(&sessions)
    }

    /// Everything stored for a session, readable or not, as JSON text
    /// (`{"format": "offset-express/raw", "session": …, "records": {key: stored text}}`), so a
    /// damaged session can be saved before anything is done to it. It includes the v2 steps a
    /// migration kept aside (`v2_steps/<id>/<index>`) because they did not become lines.
    pub async fn export_raw_session(&self, id: &str) -> Result<String, StoreError> {
        let records = self.active().await.raw_session(id).await?;
        let mut map = serde_json::Map::new();
        for (key, raw) in records {
            map.insert(key, Value::String(raw));
        }
        let mut top = serde_json::Map::new();
        top.insert("format".into(), Value::from("offset-express/raw"));
        top.insert("session".into(), Value::from(id));
        top.insert("records".into(), Value::Object(map));
        serde_json::to_string_pretty(&Value::Object(top)).map_err(|e| StoreError::StorageError {
            detail: e.to_string(),
        })
    }

    /// Imports the sessions of an export file. The whole file is validated first; nothing is
    /// stored if it is invalid. A session whose id is taken gets a new id (see
    /// [`ImportReport::renamed`]): nothing is ever replaced. If storing fails midway, the
    /// sessions already stored by this import are removed again.
    pub async fn import_sessions(&self, text: &str) -> Result<ImportReport, ImportError> {
        let sessions = export::parse_export(text)?;
        let active = self.active().await;
        let (metas, damaged) = active.list_sessions().await.map_err(ImportError::Store)?;
        let mut taken: BTreeSet<String> = metas.into_iter().map(|m| m.id).collect();
        // A damaged session still occupies its id: its raw data must survive.
        taken.extend(damaged.into_iter().filter_map(|d| d.session));
        let mut report = ImportReport::default();
        for s in sessions {
            let id = export::free_id(&s.id, &taken);
            taken.insert(id.clone());
            let meta = SessionMeta {
                schema: SCHEMA_VERSION,
                id: id.clone(),
                name: s.name.clone(),
                created_at_ms: s.created_at_ms,
                updated_at_ms: s.updated_at_ms,
                seed: s.seed,
                config: s.config.clone(),
                step_count: s.steps.len() as u64,
            };
            let stored = self
                .write(async |a: &Active| a.insert_session(&meta, &s.steps, &s.snapshots).await)
                .await;
            if let Err(e) = stored {
                let active = self.active().await;
                for done in &report.sessions {
                    let _ = active.delete_session(&done.id).await;
                }
                return Err(ImportError::Store(e));
            }
            report.sessions.push(ImportedSession {
                id,
                original_id: s.id,
                name: s.name,
                steps: meta.step_count,
            });
        }
        Ok(report)
    }

    // ----- tutorial progress and preferences -------------------------------------------------

    /// Progress of every chapter the learner started.
    pub async fn all_progress(&self) -> Result<Vec<ChapterProgress>, StoreError> {
        let (progress, damaged) = self.active().await.all_progress().await?;
        for d in damaged {
            self.report(d);
        }
        Ok(progress)
    }

    /// Progress of one chapter, if the learner started it.
    pub async fn progress(&self, chapter: &str) -> Result<Option<ChapterProgress>, StoreError> {
        Ok(self
            .all_progress()
            .await?
            .into_iter()
            .find(|p| p.chapter == chapter))
    }

    /// Saves the progress of one chapter.
    pub async fn put_progress(&self, progress: &ChapterProgress) -> Result<(), StoreError> {
        let mut progress = progress.clone();
        progress.schema = SCHEMA_VERSION;
        progress.updated_at_ms = now_ms();
        self.write(async |a: &Active| a.put_progress(&progress).await)
            .await
    }

    /// The learner's preferences (the defaults if none were saved or they are unreadable).
    pub async fn preferences(&self) -> Result<Preferences, StoreError> {
        let (prefs, damaged) = self.active().await.preferences().await?;
        for d in damaged {
            self.report(d);
        }
        Ok(prefs.unwrap_or_default())
    }

    /// Saves the preferences. A speed that is not a positive finite number is refused.
    pub async fn put_preferences(&self, preferences: &Preferences) -> Result<(), StoreError> {
        if !(preferences.speed.is_finite() && preferences.speed > 0.0) {
            return Err(StoreError::StorageError {
                detail: format!("speed must be a positive number, not {}", preferences.speed),
            });
        }
        let mut preferences = preferences.clone();
        preferences.schema = SCHEMA_VERSION;
        self.write(async |a: &Active| a.put_preferences(&preferences).await)
            .await
    }

    fn new_id(&self, now: u64) -> String {
        let n = self.next_id.get();
        self.next_id.set(n.wrapping_add(1));
        format!(
            "s-{}-{}{}",
            base36(now),
            base36(u64::from(random_u32())),
            base36(n)
        )
    }
}

/// Copies every readable record of `source` into `memory` (sessions already there are kept).
async fn copy_into(
    source: &Active,
    memory: &MemoryStorage,
    store: &Store,
) -> Result<(), StoreError> {
    let (metas, damaged) = source.list_sessions().await?;
    for d in damaged {
        store.report(d);
    }
    for mut meta in metas {
        let read = source.read_session(&meta.id, 0, false).await?;
        let (mut snapshots, damaged) = source.all_snapshots(&meta.id).await?;
        for d in read.damaged.into_iter().chain(damaged) {
            store.report(d);
        }
        meta.step_count = read.steps.len() as u64;
        snapshots.retain(|s| s.step <= meta.step_count);
        match memory.insert_session(&meta, &read.steps, &snapshots).await {
            Ok(()) | Err(StoreError::SessionAlreadyExists { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    let (progress, damaged) = source.all_progress().await?;
    for d in damaged {
        store.report(d);
    }
    for p in progress {
        memory.put_progress(&p).await?;
    }
    let (prefs, damaged) = source.preferences().await?;
    for d in damaged {
        store.report(d);
    }
    if let Some(p) = prefs {
        memory.put_preferences(&p).await?;
    }
    Ok(())
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Milliseconds since the Unix epoch (used for `created_at_ms`/`updated_at_ms` only).
#[cfg(target_arch = "wasm32")]
pub(crate) fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

#[cfg(target_arch = "wasm32")]
fn random_u32() -> u32 {
    (js_sys::Math::random() * f64::from(u32::MAX)) as u32
}

#[cfg(not(target_arch = "wasm32"))]
fn random_u32() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let c = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    nanos ^ c.wrapping_mul(0x9e37_79b9)
}
