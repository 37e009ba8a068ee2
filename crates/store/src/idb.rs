//! The IndexedDB backend (wasm only), on the `idb` crate.
//!
//! One database per namespace (see [`crate::database_name`]), at IndexedDB version
//! [`SCHEMA_VERSION`], with one object store per record type and out-of-line keys. Opening a
//! database of an older version migrates it inside the upgrade transaction (see
//! [`crate::migrate`]):
//!
//! | store | key | value |
//! | --- | --- | --- |
//! | `sessions` | id | [`crate::SessionMeta`] as JSON text |
//! | `steps` | `[id, index]` | [`crate::model::StepRecord`] as JSON text |
//! | `snapshots` | `[id, step]` | [`crate::model::SnapshotRecord`] as JSON text |
//! | `progress` | chapter | [`crate::ChapterProgress`] as JSON text |
//! | `preferences` | `"preferences"` | [`crate::Preferences`] as JSON text |
//! | `v1_sessions` | id | only after a v1 upgrade: v1 records that could not be migrated |
//! | `v2_steps` | `[id, index]` | only after a v1 or v2 upgrade: steps that did not become console lines |
//!
//! Each operation is one transaction that awaits nothing but its own requests (a transaction
//! commits by itself as soon as its task awaits anything else). Writes wait for the
//! transaction's `complete` event, so "stored" means stored.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::future::{Future, IntoFuture};
use std::rc::Rc;
use std::task::{Context, Poll};

use idb::request::OpenDatabaseRequest;
use idb::{
    Database, DatabaseEvent, Event, Factory, KeyRange, ObjectStore, ObjectStoreParams, Query,
    Request, Transaction, TransactionMode,
};
use js_sys::{Array, Function, Promise, Reflect};
use serde_json::Value;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbTransaction};

use crate::codec::{self, DamagedRecord};
use crate::error::StoreError;
use crate::memory::{decode_preferences, decode_progress};
use crate::migrate::{
    plan_v1_upgrade, plan_v2_upgrade, UpgradePlan, V1_LEGACY_STORE, V2_LEGACY_STEPS,
};
use crate::model::{ChapterProgress, Preferences, SessionMeta, Snapshot, SCHEMA_VERSION};
use crate::storage::{SessionRead, Storage};

pub const SESSIONS: &str = "sessions";
pub const STEPS: &str = "steps";
pub const SNAPSHOTS: &str = "snapshots";
pub const PROGRESS: &str = "progress";
pub const PREFERENCES: &str = "preferences";
/// The key of the one preferences record.
pub const PREFERENCES_KEY: &str = "preferences";
/// The object stores of the current schema (the same as version 2's; only records changed).
pub const STORES: [&str; 5] = [SESSIONS, STEPS, SNAPSHOTS, PROGRESS, PREFERENCES];

/// How long opening may wait on another tab (an old version that does not let go of the
/// database) before the app goes on in memory.
pub const OPEN_TIMEOUT_MS: i32 = 5_000;

/// The IndexedDB key of step (or snapshot) `index` of `session`: `[session, index]`.
pub fn step_key(session: &str, index: u64) -> JsValue {
    Array::of2(
        &JsValue::from_str(session),
        &JsValue::from_f64(index as f64),
    )
    .into()
}

fn session_range(session: &str, from: u64, to: Option<u64>) -> Result<KeyRange, StoreError> {
    let upper = match to {
        Some(to) => step_key(session, to),
        None => Array::of2(
            &JsValue::from_str(session),
            &JsValue::from_f64(f64::INFINITY),
        )
        .into(),
    };
    KeyRange::bound(&step_key(session, from), &upper, None, None).map_err(storage_error)
}

/// A stored value as text: our records are strings; anything else (a pre-release object, or
/// something foreign) is turned into JSON text so it can be reported and exported.
pub fn value_text(value: &JsValue) -> String {
    if let Some(text) = value.as_string() {
        return text;
    }
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| "<a value that is not representable as JSON>".to_string())
}

fn key_index(key: &JsValue) -> Option<u64> {
    let n = Array::from(key).get(1).as_f64()?;
    (n >= 0.0 && n.fract() == 0.0 && n < 9.007_199_254_740_992e15).then_some(n as u64)
}

fn dom_name(e: &idb::Error) -> Option<String> {
    match e {
        idb::Error::DomException(d) => Some(d.name()),
        _ => None,
    }
}

fn storage_error(e: idb::Error) -> StoreError {
    if dom_name(&e).as_deref() == Some("QuotaExceededError") {
        return StoreError::QuotaExceeded;
    }
    StoreError::StorageError {
        detail: e.to_string(),
    }
}

fn js_detail(e: &JsValue) -> String {
    if let Some(d) = e.dyn_ref::<web_sys::DomException>() {
        return format!("{}: {}", d.name(), d.message());
    }
    e.as_string().unwrap_or_else(|| value_text(e))
}

/// What opening found.
pub enum Opened {
    /// The database is at the current schema (created, or migrated from an earlier one).
    Current {
        storage: IdbStorage,
        migrated_from: Option<u32>,
        migrated_sessions: usize,
        /// Earlier-schema records that could not be migrated (kept in the legacy store).
        damaged: Vec<DamagedRecord>,
    },
    /// The database was written by a newer version: opened read-only.
    Newer { storage: IdbStorage, found: u32 },
}

#[derive(Default)]
struct UpgradeReport {
    migrated_from: Option<u32>,
    migrated_sessions: usize,
    damaged: Vec<DamagedRecord>,
    error: Option<String>,
}

/// The IndexedDB backend over one open connection.
pub struct IdbStorage {
    db: IdbDatabase,
    read_only: Option<u32>,
    closed: Rc<Cell<bool>>,
    /// The metadata this connection last wrote or read per session. An append issues its writes
    /// at once on the strength of it, and checks it against the stored record in the same
    /// transaction (aborting if they differ), which saves a round trip per step.
    known: RefCell<BTreeMap<String, SessionMeta>>,
}

/// Opens (creating or upgrading) the database `name`. The error is a sentence for the notice
/// that the app continues in memory.
pub async fn open_database(name: &str) -> Result<Opened, String> {
    let factory = Factory::new().map_err(|_| "this browser offers no IndexedDB".to_string())?;
    let request = factory
        .open(name, Some(SCHEMA_VERSION))
        .map_err(|e| format!("IndexedDB refused to open: {e}"))?;
    // Keep a handle on the raw request, to deal with an open that succeeds after we gave up.
    let raw_request: IdbOpenDbRequest = request.into();
    let mut request = OpenDatabaseRequest::from(raw_request.clone());
    let report = Rc::new(RefCell::new(UpgradeReport::default()));
    let in_upgrade = report.clone();
    request.on_upgrade_needed(move |event| {
        if let Err(e) = upgrade(&event, &in_upgrade) {
            in_upgrade.borrow_mut().error = Some(e);
            if let Some(tx) = event.target().ok().and_then(|r| r.transaction()) {
                let _ = tx.abort();
            }
        }
    });
    let blocked = Rc::new(Cell::new(false));
    let blocked_flag = blocked.clone();
    request.on_blocked(move |_| blocked_flag.set(true));

    let opened = match race(request.into_future(), sleep(OPEN_TIMEOUT_MS)).await {
        Either::Left(result) => result,
        Either::Right(()) => {
            // If the database opens after all (the other tab let go), close it at once: this
            // tab already works in memory, and an unused connection would block later upgrades.
            let late = raw_request.clone();
            let on_late = Closure::once_into_js(move |_event: web_sys::Event| {
                if let Ok(db) = late.result() {
                    if let Ok(db) = db.dyn_into::<IdbDatabase>() {
                        db.close();
                    }
                }
            });
            raw_request.set_onsuccess(Some(on_late.unchecked_ref()));
            return Err(if blocked.get() {
                "another tab with an older version of this page keeps the saved data open; \
                 close it and reload"
                    .to_string()
            } else {
                "IndexedDB did not answer in time".to_string()
            });
        }
    };
    match opened {
        Ok(db) => {
            let names = db.store_names();
            if let Some(missing) = STORES.iter().find(|s| !names.iter().any(|n| n == *s)) {
                db.close();
                return Err(format!(
                    "the saved data is incomplete (no `{missing}` store); it is left as it is"
                ));
            }
            let report = std::mem::take(&mut *report.borrow_mut());
            Ok(Opened::Current {
                storage: IdbStorage::new(db.into(), None),
                migrated_from: report.migrated_from,
                migrated_sessions: report.migrated_sessions,
                damaged: report.damaged,
            })
        }
        Err(e) if dom_name(&e).as_deref() == Some("VersionError") => {
            open_newer(&factory, name).await
        }
        Err(e) => {
            if let Some(reason) = report.borrow_mut().error.take() {
                return Err(format!("upgrading the saved data failed: {reason}"));
            }
            Err(match dom_name(&e).as_deref() {
                Some("InvalidStateError") | Some("SecurityError") => {
                    "the browser does not allow storage here (private mode or storage disabled)"
                        .to_string()
                }
                _ => format!("IndexedDB failed to open: {e}"),
            })
        }
    }
}

/// Opens the database as it is now, at whatever version, read-only (after this tab's
/// connection was closed for another tab's upgrade).
pub async fn open_existing(name: &str) -> Result<IdbStorage, String> {
    let factory = Factory::new().map_err(|_| "this browser offers no IndexedDB".to_string())?;
    match open_newer(&factory, name).await? {
        Opened::Newer { storage, .. } | Opened::Current { storage, .. } => Ok(storage),
    }
}

/// Opens a database that a newer version created, at whatever version it is, read-only.
async fn open_newer(factory: &Factory, name: &str) -> Result<Opened, String> {
    let request = factory
        .open(name, None)
        .map_err(|e| format!("IndexedDB refused to open: {e}"))?;
    let db = request
        .await
        .map_err(|e| format!("IndexedDB failed to open the newer data: {e}"))?;
    let found = db.version().unwrap_or(u32::MAX);
    Ok(Opened::Newer {
        storage: IdbStorage::new(db.into(), Some(found)),
        found,
    })
}

/// The `upgradeneeded` handler: creates the stores and migrates v1 or v2 data in the same
/// (atomic) upgrade transaction.
fn upgrade(
    event: &idb::event::VersionChangeEvent,
    report: &Rc<RefCell<UpgradeReport>>,
) -> Result<(), String> {
    let old = event.old_version().map_err(|e| e.to_string())?;
    let request = event.target().map_err(|e| e.to_string())?;
    let db: Database = event.database().map_err(|e| e.to_string())?;
    let tx = request
        .transaction()
        .ok_or("the upgrade has no transaction")?;
    let raw_tx: IdbTransaction = tx.into();
    let existing = db.store_names();
    let migrate_v1 = old == 1 && existing.iter().any(|n| n == SESSIONS);
    if migrate_v1 {
        // v1 kept whole sessions in `sessions`; move it aside, the v2 `sessions` is new.
        let v1 = raw_tx.object_store(SESSIONS).map_err(|e| js_detail(&e))?;
        v1.set_name(V1_LEGACY_STORE);
        report.borrow_mut().migrated_from = Some(1);
    }
    let migrate_v2 = old == 2 && existing.iter().any(|n| n == SESSIONS);
    if migrate_v2 {
        // A v2 database without all its stores is not migrated by guesswork: the upgrade is
        // aborted and the database left as it is.
        if let Some(missing) = STORES.iter().find(|s| !existing.iter().any(|n| n == *s)) {
            return Err(format!(
                "the saved data is incomplete (no `{missing}` store); it is left as it is"
            ));
        }
        report.borrow_mut().migrated_from = Some(2);
    }
    let existing = db.store_names();
    let mut wanted = STORES.to_vec();
    if migrate_v1 || migrate_v2 {
        wanted.push(V2_LEGACY_STEPS);
    }
    for name in wanted {
        if !existing.iter().any(|n| n == name) {
            db.create_object_store(name, ObjectStoreParams::new())
                .map_err(|e| e.to_string())?;
        }
    }
    if migrate_v1 {
        start_v1_migration(raw_tx, report.clone()).map_err(|e| js_detail(&e))?;
    } else if migrate_v2 {
        start_v2_migration(raw_tx, report.clone()).map_err(|e| js_detail(&e))?;
    }
    Ok(())
}

/// Reads every v2 session and step record and rewrites them at schema 3, inside the upgrade
/// transaction (request callbacks keep it active). Migrated sessions' snapshots are dropped
/// (see [`crate::migrate`]); steps that do not become lines move to [`V2_LEGACY_STEPS`].
fn start_v2_migration(
    tx: IdbTransaction,
    report: Rc<RefCell<UpgradeReport>>,
) -> Result<(), JsValue> {
    let sessions = tx.object_store(SESSIONS)?;
    let steps = tx.object_store(STEPS)?;
    let requests = [
        sessions.get_all_keys()?,
        sessions.get_all()?,
        steps.get_all_keys()?,
        steps.get_all()?,
    ];
    let last = requests[3].clone();
    // Requests of one transaction complete in order: when the last is in, so are the others.
    let on_done = Closure::once_into_js(move |_event: web_sys::Event| {
        let outcome = (|| {
            let [session_keys, session_values, step_keys, step_values] =
                [0, 1, 2, 3].map(|i| requests[i].result().map(|v| Array::from(&v)));
            let (session_keys, session_values) = (session_keys?, session_values?);
            let (step_keys, step_values) = (step_keys?, step_values?);
            let metas = (0..session_keys.length())
                .filter_map(|i| {
                    let key = session_keys.get(i).as_string()?;
                    Some((key, value_text(&session_values.get(i))))
                })
                .collect();
            let steps = (0..step_keys.length())
                .filter_map(|i| {
                    let key = step_keys.get(i);
                    let session = Array::from(&key).get(0).as_string()?;
                    let index = key_index(&key)?;
                    Some((session, index, value_text(&step_values.get(i))))
                })
                .collect();
            apply_plan(&tx, plan_v2_upgrade(metas, steps), &report)
        })();
        if let Err(e) = outcome {
            report.borrow_mut().error = Some(js_detail(&e));
            let _ = tx.abort();
        }
    });
    last.set_onsuccess(Some(on_done.unchecked_ref()));
    Ok(())
}

/// Writes an upgrade plan in the upgrade transaction and reports what it did.
fn apply_plan(
    tx: &IdbTransaction,
    plan: UpgradePlan,
    report: &Rc<RefCell<UpgradeReport>>,
) -> Result<(), JsValue> {
    let sessions = tx.object_store(SESSIONS)?;
    let steps = tx.object_store(STEPS)?;
    let legacy_steps = tx.object_store(V2_LEGACY_STEPS)?;
    let snapshots = tx.object_store(SNAPSHOTS)?;
    for (id, raw) in &plan.sessions {
        sessions.put_with_key(&JsValue::from_str(raw), &JsValue::from_str(id))?;
        // A migrated session's snapshots held an older world format: dropped.
        let range = session_range(id, 0, None).map_err(|e| JsValue::from_str(&e.to_string()))?;
        snapshots.delete(&JsValue::from(Query::KeyRange(range)))?;
    }
    for (id, index, raw) in &plan.steps {
        steps.put_with_key(&JsValue::from_str(raw), &step_key(id, *index))?;
    }
    for (id, index, raw) in &plan.kept {
        let key = step_key(id, *index);
        steps.delete(&key)?;
        legacy_steps.put_with_key(&JsValue::from_str(raw), &key)?;
    }
    if !plan.v1_done.is_empty() {
        let v1 = tx.object_store(V1_LEGACY_STORE)?;
        for key in &plan.v1_done {
            v1.delete(&JsValue::from_str(key))?;
        }
    }
    let mut report = report.borrow_mut();
    report.migrated_sessions += plan.migrated;
    report.damaged.extend(plan.damaged);
    Ok(())
}

/// Reads every v1 record and writes its v2 records, all inside the upgrade transaction, with
/// request callbacks (the transaction stays active inside them). Records that cannot be read
/// stay in the legacy store and are reported.
fn start_v1_migration(
    tx: IdbTransaction,
    report: Rc<RefCell<UpgradeReport>>,
) -> Result<(), JsValue> {
    let legacy = tx.object_store(V1_LEGACY_STORE)?;
    let keys_request = legacy.get_all_keys()?;
    let values_request = legacy.get_all()?;
    let values_done = values_request.clone();
    // Requests of one transaction complete in order: when the values are in, so are the keys.
    let on_values = Closure::once_into_js(move |_event: web_sys::Event| {
        let outcome = keys_request
            .result()
            .and_then(|keys| Ok((keys, values_done.result()?)))
            .and_then(|(keys, values)| finish_v1_migration(&tx, &keys, &values, &report));
        if let Err(e) = outcome {
            report.borrow_mut().error = Some(js_detail(&e));
            let _ = tx.abort();
        }
    });
    values_request.set_onsuccess(Some(on_values.unchecked_ref()));
    Ok(())
}

fn finish_v1_migration(
    tx: &IdbTransaction,
    keys: &JsValue,
    values: &JsValue,
    report: &Rc<RefCell<UpgradeReport>>,
) -> Result<(), JsValue> {
    let keys = Array::from(keys);
    let values = Array::from(values);
    let records = (0..keys.length())
        .map(|i| {
            let key = keys.get(i);
            let key_text = key.as_string().unwrap_or_else(|| value_text(&key));
            (key_text, value_text(&values.get(i)))
        })
        .collect();
    apply_plan(tx, plan_v1_upgrade(records), report)
}

impl IdbStorage {
    fn new(db: IdbDatabase, read_only: Option<u32>) -> IdbStorage {
        IdbStorage {
            db,
            read_only,
            closed: Rc::new(Cell::new(false)),
            known: RefCell::new(BTreeMap::new()),
        }
    }

    /// When another tab opens a newer version, close this connection so its upgrade is not
    /// blocked; the store then goes on in memory.
    pub fn close_on_version_change(&self) {
        let db = self.db.clone();
        let closed = self.closed.clone();
        let on_change = Closure::once_into_js(move |_event: web_sys::Event| {
            db.close();
            closed.set(true);
        });
        self.db.set_onversionchange(Some(on_change.unchecked_ref()));
    }

    /// True once the connection was closed (for another tab's upgrade, or by [`Self::close`]).
    pub fn is_closed(&self) -> bool {
        self.closed.get()
    }

    /// Closes the connection.
    pub fn close(&self) {
        self.db.close();
        self.closed.set(true);
    }

    fn writable(&self) -> Result<(), StoreError> {
        match self.read_only {
            Some(found) => Err(StoreError::UnsupportedVersion {
                found,
                supported: SCHEMA_VERSION,
            }),
            None => Ok(()),
        }
    }

    fn transaction(
        &self,
        stores: &[&str],
        mode: TransactionMode,
    ) -> Result<(Transaction, IdbTransaction), StoreError> {
        if self.closed.get() {
            return Err(StoreError::StorageError {
                detail: "the database connection was closed".into(),
            });
        }
        let tx = Database::from(self.db.clone())
            .transaction(stores, mode)
            .map_err(storage_error)?;
        let raw: IdbTransaction = tx.into();
        Ok((Transaction::from(raw.clone()), raw))
    }

    fn read(&self, stores: &[&str]) -> Result<Transaction, StoreError> {
        Ok(self.transaction(stores, TransactionMode::ReadOnly)?.0)
    }

    fn write(&self, stores: &[&str]) -> Result<(Transaction, IdbTransaction), StoreError> {
        self.writable()?;
        self.transaction(stores, TransactionMode::ReadWrite)
    }

    /// A write transaction with the durability hint `relaxed`, used by the per-step append
    /// only: the browser reports the commit once the operating system has the data, without
    /// waiting for the disk. A power cut may lose the last steps, never half of one: the
    /// transaction stays atomic (the step and the log end together, or neither), and commits
    /// reach the disk in order, so a snapshot (default durability) is never kept without the
    /// steps before it. Browsers without the hint ignore the dictionary; `idb` 0.6 cannot
    /// pass it.
    fn write_relaxed(&self, stores: &[&str]) -> Result<(Transaction, IdbTransaction), StoreError> {
        self.writable()?;
        if self.closed.get() {
            return Err(StoreError::StorageError {
                detail: "the database connection was closed".into(),
            });
        }
        let names: Array = stores.iter().map(|s| JsValue::from_str(s)).collect();
        let options = js_sys::Object::new();
        let failed = |e: JsValue| StoreError::StorageError {
            detail: js_detail(&e),
        };
        Reflect::set(&options, &"durability".into(), &"relaxed".into()).map_err(failed)?;
        let raw = self
            .db
            .unchecked_ref::<DatabaseWithOptions>()
            .transaction_with_options(&names, "readwrite", &options)
            .map_err(failed)?;
        Ok((Transaction::from(raw.clone()), raw))
    }

    async fn get_meta(
        &self,
        sessions: &ObjectStore,
        session: &str,
    ) -> Result<SessionMeta, StoreError> {
        let raw = sessions
            .get(JsValue::from_str(session))
            .map_err(storage_error)?
            .await
            .map_err(storage_error)?;
        let Some(raw) = raw.filter(|v| !v.is_undefined()) else {
            return Err(StoreError::UnknownSession {
                session: session.to_string(),
            });
        };
        codec::decode_meta(session, &value_text(&raw)).map_err(|d| codec::corrupt_error(&d))
    }

    /// The fast append: issue the metadata read and both writes together, then check the read
    /// against `known` before committing. `Ok(None)` means `known` was stale: the transaction
    /// was aborted, nothing was written, and the caller appends the slow way.
    async fn append_on_known_meta(
        &self,
        session: &str,
        index: u64,
        step_raw: &str,
        known: &SessionMeta,
        now_ms: u64,
    ) -> Result<Option<SessionMeta>, StoreError> {
        let Ok(next) = codec::next_meta_after_append(known, index, now_ms) else {
            self.known.borrow_mut().remove(session);
            return Ok(None);
        };
        let next_raw = codec::encode(&next)?;
        let (tx, raw_tx) = self.write_relaxed(&[SESSIONS, STEPS])?;
        let sessions = tx.object_store(SESSIONS).map_err(storage_error)?;
        let steps = tx.object_store(STEPS).map_err(storage_error)?;
        let stored = sessions
            .get(JsValue::from_str(session))
            .map_err(storage_error)?;
        steps
            .add(&text_value(step_raw), Some(&step_key(session, index)))
            .map_err(storage_error)?;
        sessions
            .put(&text_value(&next_raw), Some(&JsValue::from_str(session)))
            .map_err(storage_error)?;
        let stored = stored.await.map_err(storage_error)?;
        let still = stored
            .filter(|v| !v.is_undefined())
            .and_then(|v| codec::decode_meta(session, &value_text(&v)).ok());
        if still.as_ref() != Some(known) {
            self.known.borrow_mut().remove(session);
            let _ = raw_tx.abort();
            return Ok(None);
        }
        let outcome = commit(raw_tx, || StoreError::DuplicateSequenceNumber {
            session: session.to_string(),
            index,
            expected: known.step_count,
        })
        .await;
        match outcome {
            Ok(()) => {
                self.known
                    .borrow_mut()
                    .insert(session.to_string(), next.clone());
                Ok(Some(next))
            }
            Err(e) => {
                self.known.borrow_mut().remove(session);
                Err(e)
            }
        }
    }

    async fn keyed_raws(
        &self,
        store: &ObjectStore,
        range: KeyRange,
    ) -> Result<Vec<(JsValue, String)>, StoreError> {
        let keys = store
            .get_all_keys(Some(Query::KeyRange(range.clone())), None)
            .map_err(storage_error)?;
        let values = store
            .get_all(Some(Query::KeyRange(range)), None)
            .map_err(storage_error)?;
        let keys = keys.await.map_err(storage_error)?;
        let values = values.await.map_err(storage_error)?;
        Ok(keys
            .into_iter()
            .zip(values.iter().map(value_text))
            .collect())
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// An `IDBDatabase`, seen with the options argument of `transaction` that web-sys hides.
    type DatabaseWithOptions;
    /// `IDBDatabase.transaction(storeNames, mode, options)`.
    #[wasm_bindgen(method, catch, js_name = transaction)]
    fn transaction_with_options(
        this: &DatabaseWithOptions,
        store_names: &Array,
        mode: &str,
        options: &js_sys::Object,
    ) -> Result<IdbTransaction, JsValue>;
}

/// Waits for a request's result (awaiting only the request, so its transaction stays alive).
async fn request_result(request: &web_sys::IdbRequest) -> Result<JsValue, StoreError> {
    let done = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    let outcome = JsFuture::from(done).await;
    request.set_onsuccess(None);
    request.set_onerror(None);
    match outcome {
        Ok(_) => request.result().map_err(|e| StoreError::StorageError {
            detail: js_detail(&e),
        }),
        Err(_) => Err(StoreError::StorageError {
            detail: request.error().ok().flatten().map_or_else(
                || "a read failed".to_string(),
                |e| format!("{}: {}", e.name(), e.message()),
            ),
        }),
    }
}

/// Waits for a write transaction to commit (its `complete` event), or reports why it was
/// aborted. `on_constraint` turns a ConstraintError (a key that already exists) into the error
/// the operation means by it.
async fn commit(
    raw: IdbTransaction,
    on_constraint: impl FnOnce() -> StoreError,
) -> Result<(), StoreError> {
    let done = Promise::new(&mut |resolve, reject| {
        raw.set_oncomplete(Some(&resolve));
        raw.set_onabort(Some(&reject));
    });
    // Tell IndexedDB no more requests are coming, so it commits without waiting for the task
    // to end (`commit()` is missing in old browsers: then it commits by itself).
    #[allow(deprecated)] // `commit()` is in the IndexedDB 3.0 draft; web-sys marks it so.
    let _ = raw.commit();
    let outcome = JsFuture::from(done).await;
    raw.set_oncomplete(None);
    raw.set_onabort(None);
    match outcome {
        Ok(_) => Ok(()),
        Err(_) => match raw.error() {
            Some(e) if e.name() == "QuotaExceededError" => Err(StoreError::QuotaExceeded),
            Some(e) if e.name() == "ConstraintError" => Err(on_constraint()),
            Some(e) => Err(StoreError::StorageError {
                detail: format!("{}: {}", e.name(), e.message()),
            }),
            None => Err(StoreError::StorageError {
                detail: "the transaction was aborted".into(),
            }),
        },
    }
}

fn text_value(text: &str) -> JsValue {
    JsValue::from_str(text)
}

impl Storage for IdbStorage {
    async fn list_sessions(&self) -> Result<(Vec<SessionMeta>, Vec<DamagedRecord>), StoreError> {
        let tx = self.read(&[SESSIONS])?;
        let store = tx.object_store(SESSIONS).map_err(storage_error)?;
        let keys = store.get_all_keys(None, None).map_err(storage_error)?;
        let values = store.get_all(None, None).map_err(storage_error)?;
        let keys = keys.await.map_err(storage_error)?;
        let values = values.await.map_err(storage_error)?;
        let mut metas = Vec::new();
        let mut damaged = Vec::new();
        for (key, value) in keys.iter().zip(values.iter()) {
            let key = key.as_string().unwrap_or_else(|| value_text(key));
            match codec::decode_meta(&key, &value_text(value)) {
                Ok(m) => metas.push(m),
                Err(d) => damaged.push(d),
            }
        }
        Ok((metas, damaged))
    }

    async fn insert_session(
        &self,
        meta: &SessionMeta,
        steps: &[String],
        snapshots: &[Snapshot],
    ) -> Result<(), StoreError> {
        self.known.borrow_mut().remove(&meta.id);
        let meta_raw = codec::encode(meta)?;
        let (tx, raw_tx) = self.write(&[SESSIONS, STEPS, SNAPSHOTS])?;
        let sessions = tx.object_store(SESSIONS).map_err(storage_error)?;
        let step_store = tx.object_store(STEPS).map_err(storage_error)?;
        let snap_store = tx.object_store(SNAPSHOTS).map_err(storage_error)?;
        let existing = sessions
            .count(Some(Query::Key(JsValue::from_str(&meta.id))))
            .map_err(storage_error)?;
        let orphans = step_store
            .count(Some(Query::KeyRange(session_range(&meta.id, 0, None)?)))
            .map_err(storage_error)?;
        let existing = existing.await.map_err(storage_error)?;
        let orphans = orphans.await.map_err(storage_error)?;
        let exists = || StoreError::SessionAlreadyExists {
            session: meta.id.clone(),
        };
        if existing > 0 || orphans > 0 {
            return Err(exists());
        }
        sessions
            .add(&text_value(&meta_raw), Some(&JsValue::from_str(&meta.id)))
            .map_err(storage_error)?;
        for (i, line) in steps.iter().enumerate() {
            let raw = codec::encode(&codec::step_record(&meta.id, i as u64, line))?;
            step_store
                .add(&text_value(&raw), Some(&step_key(&meta.id, i as u64)))
                .map_err(storage_error)?;
        }
        for s in snapshots {
            let raw = codec::encode(&codec::snapshot_record(&meta.id, s.step, &s.state))?;
            snap_store
                .put(&text_value(&raw), Some(&step_key(&meta.id, s.step)))
                .map_err(storage_error)?;
        }
        commit(raw_tx, exists).await
    }

    async fn append_step(
        &self,
        session: &str,
        index: u64,
        line: &str,
        now_ms: u64,
    ) -> Result<SessionMeta, StoreError> {
        let step_raw = codec::encode(&codec::step_record(session, index, line))?;
        let known = self.known.borrow().get(session).cloned();
        if let Some(known) = known {
            if let Some(next) = self
                .append_on_known_meta(session, index, &step_raw, &known, now_ms)
                .await?
            {
                return Ok(next);
            }
        }
        // No (or stale) knowledge: read the metadata first, then write.
        let (tx, raw_tx) = self.write_relaxed(&[SESSIONS, STEPS])?;
        let sessions = tx.object_store(SESSIONS).map_err(storage_error)?;
        let steps = tx.object_store(STEPS).map_err(storage_error)?;
        let meta = self.get_meta(&sessions, session).await?;
        let next = codec::next_meta_after_append(&meta, index, now_ms)?;
        // `add`, not `put`: a step that is somehow already there is never overwritten.
        steps
            .add(&text_value(&step_raw), Some(&step_key(session, index)))
            .map_err(storage_error)?;
        sessions
            .put(
                &text_value(&codec::encode(&next)?),
                Some(&JsValue::from_str(session)),
            )
            .map_err(storage_error)?;
        self.known.borrow_mut().remove(session);
        commit(raw_tx, || StoreError::DuplicateSequenceNumber {
            session: session.to_string(),
            index,
            expected: meta.step_count,
        })
        .await?;
        self.known
            .borrow_mut()
            .insert(session.to_string(), next.clone());
        Ok(next)
    }

    async fn put_snapshot(
        &self,
        session: &str,
        step: u64,
        state: &Value,
    ) -> Result<(), StoreError> {
        let raw = codec::encode(&codec::snapshot_record(session, step, state))?;
        let (tx, raw_tx) = self.write(&[SESSIONS, SNAPSHOTS])?;
        let sessions = tx.object_store(SESSIONS).map_err(storage_error)?;
        let snaps = tx.object_store(SNAPSHOTS).map_err(storage_error)?;
        let meta = self.get_meta(&sessions, session).await?;
        codec::check_snapshot(&meta, step)?;
        snaps
            .put(&text_value(&raw), Some(&step_key(session, step)))
            .map_err(storage_error)?;
        commit(raw_tx, || StoreError::StorageError {
            detail: "the snapshot could not be stored".into(),
        })
        .await
    }

    async fn prune_snapshots(&self, session: &str, below: u64) -> Result<(), StoreError> {
        if below == 0 {
            return Ok(());
        }
        let (tx, raw_tx) = self.write(&[SNAPSHOTS])?;
        let snaps = tx.object_store(SNAPSHOTS).map_err(storage_error)?;
        snaps
            .delete(Query::KeyRange(session_range(session, 0, Some(below - 1))?))
            .map_err(storage_error)?;
        commit(raw_tx, || StoreError::StorageError {
            detail: "older snapshots could not be deleted".into(),
        })
        .await
    }

    async fn read_session(
        &self,
        session: &str,
        from: u64,
        with_snapshot: bool,
    ) -> Result<SessionRead, StoreError> {
        let (tx, raw_tx) =
            self.transaction(&[SESSIONS, STEPS, SNAPSHOTS], TransactionMode::ReadOnly)?;
        let sessions = tx.object_store(SESSIONS).map_err(storage_error)?;
        let steps = tx.object_store(STEPS).map_err(storage_error)?;
        let meta = self.get_meta(&sessions, session).await?;
        let wanted = meta.step_count.saturating_sub(from);
        // Fast path: every step's text in one array, joined into one string, parsed once.
        let fast = if wanted == 0 {
            Some(Vec::new())
        } else {
            let range = session_range(session, from, Some(meta.step_count - 1))?;
            let request = raw_tx
                .object_store(STEPS)
                .and_then(|store| store.get_all_with_key(&JsValue::from(Query::KeyRange(range))))
                .map_err(|e| StoreError::StorageError {
                    detail: js_detail(&e),
                })?;
            let values: Array = request_result(&request).await?.unchecked_into();
            let joined: String = values.join(",").into();
            codec::decode_joined_steps(session, from, values.length() as usize, &joined)
                .filter(|commands| commands.len() as u64 == wanted)
        };
        let (commands, mut damaged) = match fast {
            Some(commands) => (commands, Vec::new()),
            None => {
                let raws = self
                    .keyed_raws(&steps, session_range(session, from, None)?)
                    .await?
                    .into_iter()
                    .filter_map(|(k, v)| key_index(&k).map(|i| (i, v)))
                    .collect();
                codec::assemble_steps(session, from, meta.step_count, raws)
            }
        };
        let mut snapshot = None;
        if with_snapshot {
            let snaps = tx.object_store(SNAPSHOTS).map_err(storage_error)?;
            let end = from.saturating_add(commands.len() as u64);
            let keys = snaps
                .get_all_keys(
                    Some(Query::KeyRange(session_range(session, 0, Some(end))?)),
                    None,
                )
                .map_err(storage_error)?
                .await
                .map_err(storage_error)?;
            for key in keys.iter().rev() {
                let Some(step) = key_index(key) else { continue };
                let raw = snaps
                    .get(key.clone())
                    .map_err(storage_error)?
                    .await
                    .map_err(storage_error)?;
                let raw = raw.map(|v| value_text(&v)).unwrap_or_default();
                match codec::decode_snapshot(session, step, &raw) {
                    Ok(s) => {
                        snapshot = Some(s);
                        break;
                    }
                    Err(d) => damaged.push(d),
                }
            }
        }
        Ok(SessionRead {
            meta,
            steps: commands,
            snapshot,
            damaged,
        })
    }

    async fn all_snapshots(
        &self,
        session: &str,
    ) -> Result<(Vec<Snapshot>, Vec<DamagedRecord>), StoreError> {
        let tx = self.read(&[SESSIONS, SNAPSHOTS])?;
        let sessions = tx.object_store(SESSIONS).map_err(storage_error)?;
        let snaps = tx.object_store(SNAPSHOTS).map_err(storage_error)?;
        self.get_meta(&sessions, session).await?;
        let mut out = Vec::new();
        let mut damaged = Vec::new();
        for (key, raw) in self
            .keyed_raws(&snaps, session_range(session, 0, None)?)
            .await?
        {
            let Some(step) = key_index(&key) else {
                continue;
            };
            match codec::decode_snapshot(session, step, &raw) {
                Ok(s) => out.push(s),
                Err(d) => damaged.push(d),
            }
        }
        Ok((out, damaged))
    }

    async fn rename_session(
        &self,
        session: &str,
        name: &str,
        now_ms: u64,
    ) -> Result<SessionMeta, StoreError> {
        self.known.borrow_mut().remove(session);
        let (tx, raw_tx) = self.write(&[SESSIONS])?;
        let sessions = tx.object_store(SESSIONS).map_err(storage_error)?;
        let mut meta = self.get_meta(&sessions, session).await?;
        meta.name = name.to_string();
        meta.updated_at_ms = now_ms.max(meta.updated_at_ms);
        sessions
            .put(
                &text_value(&codec::encode(&meta)?),
                Some(&JsValue::from_str(session)),
            )
            .map_err(storage_error)?;
        commit(raw_tx, || StoreError::StorageError {
            detail: "the rename could not be stored".into(),
        })
        .await?;
        Ok(meta)
    }

    async fn truncate_session(
        &self,
        session: &str,
        step_count: u64,
        now_ms: u64,
    ) -> Result<SessionMeta, StoreError> {
        self.known.borrow_mut().remove(session);
        let (tx, raw_tx) = self.write(&[SESSIONS, STEPS, SNAPSHOTS])?;
        let sessions = tx.object_store(SESSIONS).map_err(storage_error)?;
        let steps = tx.object_store(STEPS).map_err(storage_error)?;
        let snaps = tx.object_store(SNAPSHOTS).map_err(storage_error)?;
        let mut meta = self.get_meta(&sessions, session).await?;
        if step_count > meta.step_count {
            return Err(StoreError::OffsetOutOfRange {
                session: session.to_string(),
                step: step_count,
                log_end: meta.step_count,
            });
        }
        meta.step_count = step_count;
        meta.updated_at_ms = now_ms.max(meta.updated_at_ms);
        steps
            .delete(Query::KeyRange(session_range(session, step_count, None)?))
            .map_err(storage_error)?;
        snaps
            .delete(Query::KeyRange(session_range(
                session,
                step_count.saturating_add(1),
                None,
            )?))
            .map_err(storage_error)?;
        sessions
            .put(
                &text_value(&codec::encode(&meta)?),
                Some(&JsValue::from_str(session)),
            )
            .map_err(storage_error)?;
        commit(raw_tx, || StoreError::StorageError {
            detail: "the truncation could not be stored".into(),
        })
        .await?;
        Ok(meta)
    }

    async fn delete_session(&self, session: &str) -> Result<(), StoreError> {
        self.known.borrow_mut().remove(session);
        let (tx, raw_tx) = self.write(&[SESSIONS, STEPS, SNAPSHOTS])?;
        let sessions = tx.object_store(SESSIONS).map_err(storage_error)?;
        let count = sessions
            .count(Some(Query::Key(JsValue::from_str(session))))
            .map_err(storage_error)?
            .await
            .map_err(storage_error)?;
        if count == 0 {
            return Err(StoreError::UnknownSession {
                session: session.to_string(),
            });
        }
        sessions
            .delete(Query::Key(JsValue::from_str(session)))
            .map_err(storage_error)?;
        for name in [STEPS, SNAPSHOTS] {
            tx.object_store(name)
                .map_err(storage_error)?
                .delete(Query::KeyRange(session_range(session, 0, None)?))
                .map_err(storage_error)?;
        }
        commit(raw_tx, || StoreError::StorageError {
            detail: "the deletion could not be stored".into(),
        })
        .await
    }

    async fn raw_session(&self, session: &str) -> Result<Vec<(String, String)>, StoreError> {
        // Steps kept aside by a migration belong to the session's raw data too.
        let mut stores = vec![SESSIONS, STEPS, SNAPSHOTS];
        if self.db.object_store_names().contains(V2_LEGACY_STEPS) {
            stores.push(V2_LEGACY_STEPS);
        }
        let tx = self.read(&stores)?;
        let sessions = tx.object_store(SESSIONS).map_err(storage_error)?;
        let mut out = Vec::new();
        let meta = sessions
            .get(JsValue::from_str(session))
            .map_err(storage_error)?
            .await
            .map_err(storage_error)?;
        if let Some(meta) = meta.filter(|v| !v.is_undefined()) {
            out.push((format!("sessions/{session}"), value_text(&meta)));
        }
        for name in stores.into_iter().skip(1) {
            let store = tx.object_store(name).map_err(storage_error)?;
            for (key, raw) in self
                .keyed_raws(&store, session_range(session, 0, None)?)
                .await?
            {
                let index = key_index(&key).map_or_else(|| value_text(&key), |i| i.to_string());
                out.push((format!("{name}/{session}/{index}"), raw));
            }
        }
        if out.is_empty() {
            return Err(StoreError::UnknownSession {
                session: session.to_string(),
            });
        }
        Ok(out)
    }

    async fn all_progress(&self) -> Result<(Vec<ChapterProgress>, Vec<DamagedRecord>), StoreError> {
        let tx = self.read(&[PROGRESS])?;
        let store = tx.object_store(PROGRESS).map_err(storage_error)?;
        let keys = store.get_all_keys(None, None).map_err(storage_error)?;
        let values = store.get_all(None, None).map_err(storage_error)?;
        let keys = keys.await.map_err(storage_error)?;
        let values = values.await.map_err(storage_error)?;
        Ok(decode_progress(keys.iter().zip(values.iter()).map(
            |(k, v)| {
                (
                    k.as_string().unwrap_or_else(|| value_text(k)),
                    value_text(v),
                )
            },
        )))
    }

    async fn put_progress(&self, progress: &ChapterProgress) -> Result<(), StoreError> {
        let raw = codec::encode(progress)?;
        let (tx, raw_tx) = self.write(&[PROGRESS])?;
        tx.object_store(PROGRESS)
            .map_err(storage_error)?
            .put(
                &text_value(&raw),
                Some(&JsValue::from_str(&progress.chapter)),
            )
            .map_err(storage_error)?;
        commit(raw_tx, || StoreError::StorageError {
            detail: "the progress could not be stored".into(),
        })
        .await
    }

    async fn preferences(&self) -> Result<(Option<Preferences>, Vec<DamagedRecord>), StoreError> {
        let tx = self.read(&[PREFERENCES])?;
        let raw = tx
            .object_store(PREFERENCES)
            .map_err(storage_error)?
            .get(JsValue::from_str(PREFERENCES_KEY))
            .map_err(storage_error)?
            .await
            .map_err(storage_error)?;
        let raw = raw.filter(|v| !v.is_undefined()).map(|v| value_text(&v));
        Ok(decode_preferences(raw.as_deref()))
    }

    async fn put_preferences(&self, preferences: &Preferences) -> Result<(), StoreError> {
        let raw = codec::encode(preferences)?;
        let (tx, raw_tx) = self.write(&[PREFERENCES])?;
        tx.object_store(PREFERENCES)
            .map_err(storage_error)?
            .put(&text_value(&raw), Some(&JsValue::from_str(PREFERENCES_KEY)))
            .map_err(storage_error)?;
        commit(raw_tx, || StoreError::StorageError {
            detail: "the preferences could not be stored".into(),
        })
        .await
    }
}

impl Drop for IdbStorage {
    fn drop(&mut self) {
        // Let go of the database at once, so another tab's upgrade is never blocked by a
        // connection nobody uses.
        self.db.close();
    }
}

// ----- a timer and a race, for the open timeout -----------------------------------------------

/// Resolves after `ms` milliseconds (never, if the global has no `setTimeout`).
pub(crate) fn sleep(ms: i32) -> impl Future<Output = ()> {
    let promise = Promise::new(&mut |resolve, _reject| {
        let global = js_sys::global();
        if let Ok(set_timeout) = Reflect::get(&global, &"setTimeout".into()) {
            if let Some(set_timeout) = set_timeout.dyn_ref::<Function>() {
                let _ = set_timeout.call2(&global, &resolve, &JsValue::from(ms));
            }
        }
    });
    let future = JsFuture::from(promise);
    async move {
        let _ = future.await;
    }
}

enum Either<A, B> {
    Left(A),
    Right(B),
}

/// Polls two futures and returns the first to finish.
fn race<A: Future, B: Future>(a: A, b: B) -> impl Future<Output = Either<A::Output, B::Output>> {
    let mut a = Box::pin(a);
    let mut b = Box::pin(b);
    std::future::poll_fn(move |cx: &mut Context<'_>| {
        if let Poll::Ready(v) = a.as_mut().poll(cx) {
            return Poll::Ready(Either::Left(v));
        }
        if let Poll::Ready(v) = b.as_mut().poll(cx) {
            return Poll::Ready(Either::Right(v));
        }
        Poll::Pending
    })
}
