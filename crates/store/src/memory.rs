//! The in-memory backend: the same records as IndexedDB, kept as the same JSON text in ordered
//! maps. Used by native tests, and by the app when IndexedDB is unavailable, blocked or full.
//!
//! An optional quota (in bytes of stored text) makes the "storage full" path testable without a
//! browser. The `put_raw_*` methods store text as-is, to test what happens to damaged records
//! (and, with [`MemoryStorage::upgrade_v2_records`], to records of an older schema).

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde_json::Value;

use crate::codec::{self, DamagedRecord};
use crate::error::StoreError;
use crate::migrate::{self, UpgradePlan, V2_LEGACY_STEPS};
use crate::model::{ChapterProgress, Preferences, SessionMeta, Snapshot};
use crate::storage::{SessionRead, Storage};

type StepKey = (String, u64);

#[derive(Debug, Default, Clone)]
struct Records {
    sessions: BTreeMap<String, String>,
    steps: BTreeMap<StepKey, String>,
    snapshots: BTreeMap<StepKey, String>,
    progress: BTreeMap<String, String>,
    preferences: Option<String>,
    /// v2 steps that could not become console lines (see [`crate::migrate`]).
    legacy_steps: BTreeMap<StepKey, String>,
}

impl Records {
    fn bytes(&self) -> usize {
        let keyed = |m: &BTreeMap<StepKey, String>| {
            m.iter()
                .map(|((s, _), v)| s.len() + 8 + v.len())
                .sum::<usize>()
        };
        self.sessions
            .iter()
            .chain(self.progress.iter())
            .map(|(k, v)| k.len() + v.len())
            .sum::<usize>()
            + keyed(&self.steps)
            + keyed(&self.snapshots)
            + keyed(&self.legacy_steps)
            + self.preferences.as_ref().map_or(0, String::len)
    }

    fn session_range(id: &str) -> std::ops::RangeInclusive<StepKey> {
        (id.to_string(), 0)..=(id.to_string(), u64::MAX)
    }

    fn meta(&self, id: &str) -> Result<SessionMeta, StoreError> {
        let raw = self
            .sessions
            .get(id)
            .ok_or_else(|| StoreError::UnknownSession {
                session: id.to_string(),
            })?;
        codec::decode_meta(id, raw).map_err(|d| codec::corrupt_error(&d))
    }
}

/// Records kept in memory. Cloning is not offered: one store, one owner.
#[derive(Debug, Default)]
pub struct MemoryStorage {
    records: RefCell<Records>,
    quota: Option<usize>,
}

impl MemoryStorage {
    /// An empty store without a quota.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty store that refuses writes beyond `bytes` of stored text, as a full browser
    /// storage does.
    pub fn with_quota(bytes: usize) -> Self {
        MemoryStorage {
            quota: Some(bytes),
            ..Self::default()
        }
    }

    /// Bytes of stored text (keys and values).
    pub fn used_bytes(&self) -> usize {
        self.records.borrow().bytes()
    }

    /// Stores `raw` as the metadata record of `id`, unchecked (for tests of damaged data).
    pub fn put_raw_session(&self, id: &str, raw: &str) {
        self.records
            .borrow_mut()
            .sessions
            .insert(id.to_string(), raw.to_string());
    }

    /// Stores `raw` as step `index` of `id`, unchecked (for tests of damaged data).
    pub fn put_raw_step(&self, id: &str, index: u64, raw: &str) {
        self.records
            .borrow_mut()
            .steps
            .insert((id.to_string(), index), raw.to_string());
    }

    /// Stores `raw` as the progress of `chapter`, unchecked (for tests of damaged data).
    pub fn put_raw_progress(&self, chapter: &str, raw: &str) {
        self.records
            .borrow_mut()
            .progress
            .insert(chapter.to_string(), raw.to_string());
    }

    /// Stores `raw` as the preferences record, unchecked (for tests of damaged data).
    pub fn put_raw_preferences(&self, raw: &str) {
        self.records.borrow_mut().preferences = Some(raw.to_string());
    }

    /// Stores `raw` as the snapshot after `step` of `id`, unchecked (for tests of damaged data).
    pub fn put_raw_snapshot(&self, id: &str, step: u64, raw: &str) {
        self.records
            .borrow_mut()
            .snapshots
            .insert((id.to_string(), step), raw.to_string());
    }

    /// Upgrades the v2 records stored here (with the `put_raw_*` methods) to the current
    /// schema, as opening a v2 IndexedDB database does: the same [`migrate::plan_v2_upgrade`],
    /// applied all or nothing. Returns the plan (what was migrated, kept aside, damaged).
    pub fn upgrade_v2_records(&self) -> Result<UpgradePlan, StoreError> {
        self.write(|r| {
            let sessions = r
                .sessions
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let steps = r
                .steps
                .iter()
                .map(|((s, i), v)| (s.clone(), *i, v.clone()))
                .collect();
            let plan = migrate::plan_v2_upgrade(sessions, steps);
            for (id, raw) in &plan.sessions {
                r.sessions.insert(id.clone(), raw.clone());
                let doomed: Vec<StepKey> = r
                    .snapshots
                    .range(Records::session_range(id))
                    .map(|(k, _)| k.clone())
                    .collect();
                for k in doomed {
                    r.snapshots.remove(&k);
                }
            }
            for (id, index, raw) in &plan.steps {
                r.steps.insert((id.clone(), *index), raw.clone());
            }
            for (id, index, raw) in &plan.kept {
                let key = (id.clone(), *index);
                r.steps.remove(&key);
                r.legacy_steps.insert(key, raw.clone());
            }
            Ok(plan)
        })
    }

    /// Applies `change` to a copy of the records and keeps it only if it succeeds and fits the
    /// quota: every write is all or nothing, like an IndexedDB transaction. Without a quota
    /// the change works in place (every change checks before it mutates); with one, it works
    /// on a full copy, which is slow but only serves tests of a full storage.
    fn write<T>(
        &self,
        change: impl FnOnce(&mut Records) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match self.quota {
            None => change(&mut self.records.borrow_mut()),
            Some(quota) => {
                let mut next = self.records.borrow().clone();
                let out = change(&mut next)?;
                let bytes = next.bytes();
                if bytes > quota {
                    return Err(StoreError::QuotaExceeded);
                }
                *self.records.borrow_mut() = next;
                Ok(out)
            }
        }
    }
}

impl Storage for MemoryStorage {
    async fn list_sessions(&self) -> Result<(Vec<SessionMeta>, Vec<DamagedRecord>), StoreError> {
        let records = self.records.borrow();
        let mut metas = Vec::new();
        let mut damaged = Vec::new();
        for (id, raw) in &records.sessions {
            match codec::decode_meta(id, raw) {
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
        let meta_raw = codec::encode(meta)?;
        let mut step_raws = Vec::with_capacity(steps.len());
        for (i, line) in steps.iter().enumerate() {
            step_raws.push(codec::encode(&codec::step_record(
                &meta.id, i as u64, line,
            ))?);
        }
        let mut snap_raws = Vec::with_capacity(snapshots.len());
        for s in snapshots {
            snap_raws.push((
                s.step,
                codec::encode(&codec::snapshot_record(&meta.id, s.step, &s.state))?,
            ));
        }
        self.write(|r| {
            if r.sessions.contains_key(&meta.id)
                || r.steps
                    .range(Records::session_range(&meta.id))
                    .next()
                    .is_some()
            {
                return Err(StoreError::SessionAlreadyExists {
                    session: meta.id.clone(),
                });
            }
            r.sessions.insert(meta.id.clone(), meta_raw);
            for (i, raw) in step_raws.into_iter().enumerate() {
                r.steps.insert((meta.id.clone(), i as u64), raw);
            }
            for (step, raw) in snap_raws {
                r.snapshots.insert((meta.id.clone(), step), raw);
            }
            Ok(())
        })
    }

    async fn append_step(
        &self,
        session: &str,
        index: u64,
        line: &str,
        now_ms: u64,
    ) -> Result<SessionMeta, StoreError> {
        let step_raw = codec::encode(&codec::step_record(session, index, line))?;
        self.write(|r| {
            let meta = r.meta(session)?;
            let next = codec::next_meta_after_append(&meta, index, now_ms)?;
            let key = (session.to_string(), index);
            if r.steps.contains_key(&key) {
                // The log end says the slot is free but a record is there: never overwrite it.
                return Err(StoreError::DuplicateSequenceNumber {
                    session: session.to_string(),
                    index,
                    expected: meta.step_count,
                });
            }
            r.sessions
                .insert(session.to_string(), codec::encode(&next)?);
            r.steps.insert(key, step_raw);
            Ok(next)
        })
    }

    async fn put_snapshot(
        &self,
        session: &str,
        step: u64,
        state: &Value,
    ) -> Result<(), StoreError> {
        let raw = codec::encode(&codec::snapshot_record(session, step, state))?;
        self.write(|r| {
            let meta = r.meta(session)?;
            codec::check_snapshot(&meta, step)?;
            r.snapshots.insert((session.to_string(), step), raw);
            Ok(())
        })
    }

    async fn prune_snapshots(&self, session: &str, below: u64) -> Result<(), StoreError> {
        self.write(|r| {
            r.meta(session)?;
            r.snapshots
                .retain(|(s, step), _| s != session || *step >= below);
            Ok(())
        })
    }

    async fn read_session(
        &self,
        session: &str,
        from: u64,
        with_snapshot: bool,
    ) -> Result<SessionRead, StoreError> {
        let records = self.records.borrow();
        let meta = records.meta(session)?;
        let raws: Vec<(u64, String)> = records
            .steps
            .range((session.to_string(), from)..=(session.to_string(), u64::MAX))
            .map(|((_, i), raw)| (*i, raw.clone()))
            .collect();
        let (steps, mut damaged) = codec::assemble_steps(session, from, meta.step_count, raws);
        let mut snapshot = None;
        if with_snapshot {
            let end = from.saturating_add(steps.len() as u64);
            for ((_, step), raw) in records
                .snapshots
                .range((session.to_string(), 0)..=(session.to_string(), end))
                .rev()
            {
                match codec::decode_snapshot(session, *step, raw) {
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
            steps,
            snapshot,
            damaged,
        })
    }

    async fn all_snapshots(
        &self,
        session: &str,
    ) -> Result<(Vec<Snapshot>, Vec<DamagedRecord>), StoreError> {
        let records = self.records.borrow();
        records.meta(session)?;
        let mut snapshots = Vec::new();
        let mut damaged = Vec::new();
        for ((_, step), raw) in records.snapshots.range(Records::session_range(session)) {
            match codec::decode_snapshot(session, *step, raw) {
                Ok(s) => snapshots.push(s),
                Err(d) => damaged.push(d),
            }
        }
        Ok((snapshots, damaged))
    }

    async fn rename_session(
        &self,
        session: &str,
        name: &str,
        now_ms: u64,
    ) -> Result<SessionMeta, StoreError> {
        self.write(|r| {
            let mut meta = r.meta(session)?;
            meta.name = name.to_string();
            meta.updated_at_ms = now_ms.max(meta.updated_at_ms);
            r.sessions
                .insert(session.to_string(), codec::encode(&meta)?);
            Ok(meta)
        })
    }

    async fn truncate_session(
        &self,
        session: &str,
        step_count: u64,
        now_ms: u64,
    ) -> Result<SessionMeta, StoreError> {
        self.write(|r| {
            let mut meta = r.meta(session)?;
            if step_count > meta.step_count {
                return Err(StoreError::OffsetOutOfRange {
                    session: session.to_string(),
                    step: step_count,
                    log_end: meta.step_count,
                });
            }
            meta.step_count = step_count;
            meta.updated_at_ms = now_ms.max(meta.updated_at_ms);
            let meta_raw = codec::encode(&meta)?;
            let cut = (session.to_string(), step_count)..=(session.to_string(), u64::MAX);
            let doomed: Vec<StepKey> = r.steps.range(cut).map(|(k, _)| k.clone()).collect();
            for k in doomed {
                r.steps.remove(&k);
            }
            let cut = (session.to_string(), step_count.saturating_add(1))
                ..=(session.to_string(), u64::MAX);
            let doomed: Vec<StepKey> = r.snapshots.range(cut).map(|(k, _)| k.clone()).collect();
            for k in doomed {
                r.snapshots.remove(&k);
            }
            r.sessions.insert(session.to_string(), meta_raw);
            Ok(meta)
        })
    }

    async fn delete_session(&self, session: &str) -> Result<(), StoreError> {
        self.write(|r| {
            if r.sessions.remove(session).is_none() {
                return Err(StoreError::UnknownSession {
                    session: session.to_string(),
                });
            }
            r.steps.retain(|(s, _), _| s != session);
            r.snapshots.retain(|(s, _), _| s != session);
            Ok(())
        })
    }

    async fn raw_session(&self, session: &str) -> Result<Vec<(String, String)>, StoreError> {
        let records = self.records.borrow();
        let mut out = Vec::new();
        if let Some(raw) = records.sessions.get(session) {
            out.push((format!("sessions/{session}"), raw.clone()));
        }
        for ((_, i), raw) in records.steps.range(Records::session_range(session)) {
            out.push((format!("steps/{session}/{i}"), raw.clone()));
        }
        for ((_, i), raw) in records.snapshots.range(Records::session_range(session)) {
            out.push((format!("snapshots/{session}/{i}"), raw.clone()));
        }
        for ((_, i), raw) in records.legacy_steps.range(Records::session_range(session)) {
            out.push((format!("{V2_LEGACY_STEPS}/{session}/{i}"), raw.clone()));
        }
        if out.is_empty() {
            return Err(StoreError::UnknownSession {
                session: session.to_string(),
            });
        }
        Ok(out)
    }

    async fn all_progress(&self) -> Result<(Vec<ChapterProgress>, Vec<DamagedRecord>), StoreError> {
        let records = self.records.borrow();
        Ok(decode_progress(
            records.progress.iter().map(|(k, v)| (k.clone(), v.clone())),
        ))
    }

    async fn put_progress(&self, progress: &ChapterProgress) -> Result<(), StoreError> {
        let raw = codec::encode(progress)?;
        self.write(|r| {
            r.progress.insert(progress.chapter.clone(), raw);
            Ok(())
        })
    }

    async fn preferences(&self) -> Result<(Option<Preferences>, Vec<DamagedRecord>), StoreError> {
        let records = self.records.borrow();
        Ok(decode_preferences(records.preferences.as_deref()))
    }

    async fn put_preferences(&self, preferences: &Preferences) -> Result<(), StoreError> {
        let raw = codec::encode(preferences)?;
        self.write(|r| {
            r.preferences = Some(raw);
            Ok(())
        })
    }
}

/// Decodes progress records (chapter key, raw text), skipping damaged ones. Shared with the
/// IndexedDB backend.
pub(crate) fn decode_progress(
    raws: impl Iterator<Item = (String, String)>,
) -> (Vec<ChapterProgress>, Vec<DamagedRecord>) {
    let mut ok = Vec::new();
    let mut damaged = Vec::new();
    for (chapter, raw) in raws {
        match codec::decode::<ChapterProgress>(&raw) {
            Ok(p) if p.chapter == chapter => ok.push(p),
            Ok(p) => damaged.push(DamagedRecord {
                session: None,
                key: format!("progress/{chapter}"),
                problem: codec::Problem::Corrupt(format!(
                    "stored under `{chapter}` but names chapter `{}`",
                    p.chapter
                )),
                raw,
            }),
            Err(problem) => damaged.push(DamagedRecord {
                session: None,
                key: format!("progress/{chapter}"),
                problem,
                raw,
            }),
        }
    }
    (ok, damaged)
}

/// Decodes the preferences record, if any. Shared with the IndexedDB backend.
pub(crate) fn decode_preferences(raw: Option<&str>) -> (Option<Preferences>, Vec<DamagedRecord>) {
    match raw {
        None => (None, Vec::new()),
        Some(raw) => match codec::decode::<Preferences>(raw) {
            Ok(p) => (Some(p), Vec::new()),
            Err(problem) => (
                None,
                vec![DamagedRecord {
                    session: None,
                    key: "preferences".into(),
                    problem,
                    raw: raw.to_string(),
                }],
            ),
        },
    }
}
