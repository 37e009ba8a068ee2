//! Schema versions and the migrations between them.
//!
//! **Version 1 is the pre-release layout.** It kept each session as one record in an object
//! store named `sessions`, keyed by the session id, holding the whole command log as an array
//! (`commands`) and the session's title (`title`); every step rewrote the whole record, and
//! there were no snapshots, no tutorial progress and no preferences. A v1 record looks like
//! `crates/store/fixtures/v1/*.json`:
//!
//! ```json
//! {"schema": 1, "id": "s1", "title": "First ride", "created_at_ms": 1700000000000,
//!  "seed": 42, "config": {}, "commands": [{"produce": {"topic": "t"}}]}
//! ```
//!
//! **Version 2 is the current layout** (see [`crate::model`]): metadata, steps and snapshots
//! are separate records, so a step is one short append.
//!
//! Opening a v1 database migrates it: the IndexedDB upgrade renames the v1 store to
//! [`V1_LEGACY_STORE`], creates the v2 stores and, in the same upgrade transaction, turns each v1
//! session into v2 records with [`migrate_v1_session`]. A v1 record that cannot be read stays in
//! the legacy store (nothing is thrown away) and is reported as damaged.

use serde::Deserialize;
use serde_json::Value;

use crate::codec::{DamagedRecord, Problem};
use crate::model::{SessionMeta, StepRecord, SCHEMA_VERSION};

/// Where the v1 `sessions` store is kept after the upgrade to v2 (only unreadable v1 records
/// remain in it).
pub const V1_LEGACY_STORE: &str = "v1_sessions";

/// The v1 session record (pre-release layout).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct V1Session {
    pub schema: u32,
    pub id: String,
    pub title: String,
    pub created_at_ms: u64,
    pub seed: u64,
    pub config: Value,
    pub commands: Vec<Value>,
}

/// A v1 session turned into v2 records.
#[derive(Debug, Clone, PartialEq)]
pub struct MigratedSession {
    pub meta: SessionMeta,
    pub steps: Vec<StepRecord>,
}

/// Turns one stored v1 record (`key` is its IndexedDB key) into v2 records.
pub fn migrate_v1_session(key: &str, raw: &str) -> Result<MigratedSession, DamagedRecord> {
    let damaged = |problem| DamagedRecord {
        session: Some(key.to_string()),
        key: format!("{V1_LEGACY_STORE}/{key}"),
        problem,
        raw: raw.to_string(),
    };
    let v1: V1Session = serde_json::from_str(raw)
        .map_err(|e| damaged(Problem::Corrupt(format!("not a v1 session: {e}"))))?;
    if v1.schema != 1 {
        return Err(damaged(Problem::Corrupt(format!(
            "a schema {} record in the v1 store",
            v1.schema
        ))));
    }
    if v1.id != key {
        return Err(damaged(Problem::Corrupt(format!(
            "stored under `{key}` but names itself `{}`",
            v1.id
        ))));
    }
    let steps: Vec<StepRecord> = v1
        .commands
        .into_iter()
        .enumerate()
        .map(|(i, command)| StepRecord {
            schema: SCHEMA_VERSION,
            session: v1.id.clone(),
            index: i as u64,
            command,
        })
        .collect();
    let meta = SessionMeta {
        schema: SCHEMA_VERSION,
        id: v1.id,
        name: v1.title,
        created_at_ms: v1.created_at_ms,
        // v1 did not record when a session last changed: its creation is the best we know.
        updated_at_ms: v1.created_at_ms,
        seed: v1.seed,
        config: v1.config,
        step_count: steps.len() as u64,
    };
    Ok(MigratedSession { meta, steps })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_v1_session_becomes_metadata_plus_one_record_per_command() {
        let raw = json!({"schema": 1, "id": "s1", "title": "Ride", "created_at_ms": 10,
            "seed": u64::MAX, "config": {"partitions": 3}, "commands": [{"a": 1}, "b"]})
        .to_string();
        let m = migrate_v1_session("s1", &raw).unwrap();
        assert_eq!(m.meta.name, "Ride");
        assert_eq!(m.meta.seed, u64::MAX, "all 64 bits of the seed survive");
        assert_eq!(m.meta.step_count, 2);
        assert_eq!(m.meta.updated_at_ms, 10);
        assert_eq!(m.meta.schema, SCHEMA_VERSION);
        assert_eq!(m.steps[1].index, 1);
        assert_eq!(m.steps[1].command, json!("b"));
        assert!(m.steps.iter().all(|s| s.session == "s1" && s.schema == 2));
    }

    #[test]
    fn an_unreadable_v1_record_is_reported_with_its_raw_text() {
        let err = migrate_v1_session("s9", "{\"schema\":1,\"id\":\"s9\"}").unwrap_err();
        assert_eq!(err.session.as_deref(), Some("s9"));
        assert_eq!(err.key, "v1_sessions/s9");
        assert_eq!(err.raw, "{\"schema\":1,\"id\":\"s9\"}");
    }
}
