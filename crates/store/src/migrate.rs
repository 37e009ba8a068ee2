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
//! **Version 2** split a session into metadata, step and snapshot records, so a step is one
//! short append. Each step held a simulator command as JSON (`sim::Command`'s serde form),
//! each snapshot the simulator's world as JSON. `crates/store/fixtures/v2/*.json` are v2
//! databases as the page wrote them:
//!
//! ```json
//! {"schema": 2, "session": "s1", "index": 0, "command": {"type": "CreateTopic",
//!  "name": "orders", "partitions": 3, "replication_factor": null, "config": {…}}}
//! ```
//!
//! **Version 3 is the current layout** (see [`crate::model`]): the same records, but a step is
//! a console line (`{"schema": 3, "session": "s1", "index": 0, "line": "kafka-topics --create
//! --topic orders --partitions 3"}`).
//!
//! Opening an older database migrates it inside the IndexedDB upgrade transaction (all or
//! nothing):
//!
//! - **v2 → v3** ([`plan_v2_upgrade`]): each session's metadata is rewritten at schema 3 and
//!   each step's command becomes its console line ([`crate::convert::command_line`]). A step
//!   that cannot be converted (or a missing or unreadable one) ends the session just before
//!   it, as a damaged step always does: the session keeps its steps up to there, and the raw v2
//!   records from that step on are moved, untouched, to the [`V2_LEGACY_STEPS`] store (same
//!   keys) and reported as damaged, naming the step. **Snapshots are dropped**: they held the
//!   simulator's world JSON of an older format, the page never read them, and they can be
//!   rebuilt from the seed and the lines. Progress and preferences did not change and are
//!   read as they are.
//! - **v1 → v3** ([`plan_v1_upgrade`]): the v1 store is renamed [`V1_LEGACY_STORE`], each v1
//!   session becomes v2 records with [`migrate_v1_session`], which then go through the v2 → v3
//!   step above, in the same transaction. A v1 record that cannot be read stays in the v1
//!   legacy store and is reported; v1 commands that are not simulator commands end their
//!   session as above (kept in [`V2_LEGACY_STEPS`]).
//!
//! The in-memory store applies the same plans ([`crate::MemoryStorage::upgrade_v2_records`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::codec::{DamagedRecord, Problem};
use crate::convert::command_line;
use crate::model::{SessionMeta, StepRecord, SCHEMA_VERSION};

/// Where the v1 `sessions` store is kept after the upgrade (only unreadable v1 records remain
/// in it).
pub const V1_LEGACY_STORE: &str = "v1_sessions";

/// Where v2 step records that could not become console lines are kept after the upgrade to
/// v3, under their own `[id, index]` keys, as they were.
pub const V2_LEGACY_STEPS: &str = "v2_steps";

/// The schema version of the v2 layout.
pub const V2: u32 = 2;

/// A v2 step record: a simulator command as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct V2Step {
    pub schema: u32,
    pub session: String,
    pub index: u64,
    pub command: Value,
}

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

/// A v1 session turned into v2 records (metadata at schema 2, steps holding the v1 commands).
#[derive(Debug, Clone, PartialEq)]
pub struct MigratedSession {
    pub meta: SessionMeta,
    pub steps: Vec<V2Step>,
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
    let steps: Vec<V2Step> = v1
        .commands
        .into_iter()
        .enumerate()
        .map(|(i, command)| V2Step {
            schema: V2,
            session: v1.id.clone(),
            index: i as u64,
            command,
        })
        .collect();
    let meta = SessionMeta {
        schema: V2,
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

/// What upgrading older records to schema 3 writes. Applied as one transaction (IndexedDB's
/// upgrade transaction, or one memory write); nothing outside it is touched.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UpgradePlan {
    /// Session metadata records to store under their id, at schema 3.
    pub sessions: Vec<(String, String)>,
    /// Step records (console lines) to store at `[id, index]`, replacing the v2 record there.
    pub steps: Vec<(String, u64, String)>,
    /// v2 step records that did not become lines: removed from `steps`, stored as they are in
    /// [`V2_LEGACY_STEPS`] at the same key.
    pub kept: Vec<(String, u64, String)>,
    /// Keys of v1 records migrated (to delete from [`V1_LEGACY_STORE`]).
    pub v1_done: Vec<String>,
    /// How many sessions were migrated (whole or cut short).
    pub migrated: usize,
    /// What could not be migrated, each naming its place; the raw text is kept.
    pub damaged: Vec<DamagedRecord>,
}

/// Plans the v2 → v3 upgrade of a database from its v2 `sessions` records (id, text) and
/// `steps` records (id, index, text). Records of a session whose metadata cannot be read are
/// left as they are (the session is reported; its raw records stay exportable).
pub fn plan_v2_upgrade(
    sessions: Vec<(String, String)>,
    steps: Vec<(String, u64, String)>,
) -> UpgradePlan {
    let mut by_session: BTreeMap<String, BTreeMap<u64, String>> = BTreeMap::new();
    for (id, index, raw) in steps {
        by_session.entry(id).or_default().insert(index, raw);
    }
    let mut plan = UpgradePlan::default();
    for (key, raw) in sessions {
        let meta = match read_v2_meta(&key, &raw) {
            Ok(Some(meta)) => meta,
            Ok(None) => continue,
            Err(d) => {
                plan.damaged.push(d);
                continue;
            }
        };
        let raws = by_session.remove(&key).unwrap_or_default();
        upgrade_session(meta, raws, &mut plan);
    }
    plan
}

/// Plans the v1 → v3 upgrade from the records of the v1 store (key, text): each readable v1
/// session goes through [`migrate_v1_session`] and then the v2 → v3 conversion.
pub fn plan_v1_upgrade(records: Vec<(String, String)>) -> UpgradePlan {
    let mut sessions = Vec::new();
    let mut steps = Vec::new();
    let mut damaged = Vec::new();
    let mut done = Vec::new();
    for (key, raw) in records {
        match migrate_v1_session(&key, &raw) {
            Ok(m) => {
                let Ok(meta) = serde_json::to_string(&m.meta) else {
                    continue;
                };
                for step in m.steps {
                    if let Ok(text) = serde_json::to_string(&step) {
                        steps.push((m.meta.id.clone(), step.index, text));
                    }
                }
                sessions.push((m.meta.id.clone(), meta));
                done.push(key);
            }
            Err(d) => damaged.push(d),
        }
    }
    let mut plan = plan_v2_upgrade(sessions, steps);
    plan.damaged.splice(0..0, damaged);
    plan.v1_done = done;
    plan
}

/// A v2 metadata record, `Ok(None)` if it is already at schema 3 (nothing to do).
fn read_v2_meta(key: &str, raw: &str) -> Result<Option<SessionMeta>, DamagedRecord> {
    let damaged = |problem: String| DamagedRecord {
        session: Some(key.to_string()),
        key: format!("sessions/{key}"),
        problem: Problem::Corrupt(problem),
        raw: raw.to_string(),
    };
    let meta: SessionMeta = serde_json::from_str(raw)
        .map_err(|e| damaged(format!("not a v2 session, so not migrated: {e}")))?;
    if meta.schema == SCHEMA_VERSION {
        return Ok(None);
    }
    if meta.schema != V2 {
        return Err(damaged(format!(
            "a schema {} record in a v2 database, so not migrated",
            meta.schema
        )));
    }
    if meta.id != key {
        return Err(damaged(format!(
            "stored under `{key}` but names itself `{}`, so not migrated",
            meta.id
        )));
    }
    Ok(Some(meta))
}

/// One v2 step as its console line, or why not.
fn v2_step_line(session: &str, index: u64, raw: Option<&String>) -> Result<String, String> {
    let raw = raw.ok_or_else(|| "the step is missing".to_string())?;
    let step: V2Step =
        serde_json::from_str(raw).map_err(|e| format!("not a v2 step record: {e}"))?;
    if step.schema != V2 {
        return Err(format!("a schema {} record among v2 steps", step.schema));
    }
    if step.session != session || step.index != index {
        return Err(format!(
            "stored as step {index} of `{session}` but names itself step {} of `{}`",
            step.index, step.session
        ));
    }
    command_line(&step.command)
}

fn upgrade_session(mut meta: SessionMeta, mut raws: BTreeMap<u64, String>, plan: &mut UpgradePlan) {
    let id = meta.id.clone();
    let old_end = meta.step_count;
    let mut converted = 0u64;
    let mut failure = None;
    while converted < old_end {
        match v2_step_line(&id, converted, raws.get(&converted)) {
            Ok(line) => {
                let record = StepRecord {
                    schema: SCHEMA_VERSION,
                    session: id.clone(),
                    index: converted,
                    line,
                };
                match serde_json::to_string(&record) {
                    Ok(text) => plan.steps.push((id.clone(), converted, text)),
                    Err(e) => {
                        failure = Some(format!("could not be encoded: {e}"));
                        break;
                    }
                }
                raws.remove(&converted);
                converted += 1;
            }
            Err(reason) => {
                failure = Some(reason);
                break;
            }
        }
    }
    if let Some(reason) = failure {
        let raw = raws.get(&converted).cloned().unwrap_or_default();
        plan.damaged.push(DamagedRecord {
            session: Some(id.clone()),
            key: format!("{V2_LEGACY_STEPS}/{id}/{converted}"),
            problem: Problem::Corrupt(format!(
                "step {converted} of {old_end} could not become a console line ({reason}); \
                 the session now ends before it, and its v2 steps from {converted} on are kept \
                 in `{V2_LEGACY_STEPS}`"
            )),
            raw,
        });
    }
    // Everything not converted (the failed step, the steps after it, and any record beyond
    // the old log end) is kept aside: nothing is lost, and the log's next slots are free.
    for (index, raw) in raws {
        plan.kept.push((id.clone(), index, raw));
    }
    meta.schema = SCHEMA_VERSION;
    meta.step_count = converted;
    if let Ok(text) = serde_json::to_string(&meta) {
        plan.sessions.push((id, text));
        plan.migrated += 1;
    }
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
        assert_eq!(m.meta.schema, V2);
        assert_eq!(m.steps[1].index, 1);
        assert_eq!(m.steps[1].command, json!("b"));
        assert!(m.steps.iter().all(|s| s.session == "s1" && s.schema == 2));
    }

    fn v2_meta(id: &str, steps: u64) -> (String, String) {
        let raw = json!({"schema": 2, "id": id, "name": "Sandbox", "created_at_ms": 1,
            "updated_at_ms": 2, "seed": 42, "config": {"brokers": 3}, "step_count": steps});
        (id.to_string(), raw.to_string())
    }

    fn v2_step(id: &str, index: u64, command: Value) -> (String, u64, String) {
        let raw = json!({"schema": 2, "session": id, "index": index, "command": command});
        (id.to_string(), index, raw.to_string())
    }

    fn produce(value: &str) -> Value {
        json!({"type": "Produce", "topic": "orders", "partition": null, "key": null,
            "value": value, "headers": [], "timestamp_ms": null, "acks": null})
    }

    #[test]
    fn a_v2_session_is_rewritten_as_lines() {
        let plan = plan_v2_upgrade(
            vec![v2_meta("a", 2)],
            vec![
                v2_step("a", 0, produce("x")),
                v2_step("a", 1, produce("y z")),
            ],
        );
        assert_eq!(plan.migrated, 1);
        assert!(plan.damaged.is_empty() && plan.kept.is_empty());
        let meta: SessionMeta = serde_json::from_str(&plan.sessions[0].1).unwrap();
        assert_eq!((meta.schema, meta.step_count, meta.seed), (3, 2, 42));
        let step: StepRecord = serde_json::from_str(&plan.steps[1].2).unwrap();
        assert_eq!(
            step.line,
            "kafka-console-producer --topic orders --value \"y z\""
        );
    }

    #[test]
    fn an_unconvertible_step_ends_the_session_and_is_kept_with_the_rest() {
        let advance = json!({"type": "Advance", "ms": 3000});
        let plan = plan_v2_upgrade(
            vec![v2_meta("a", 3)],
            vec![
                v2_step("a", 0, produce("x")),
                v2_step("a", 1, advance),
                v2_step("a", 2, produce("y")),
                v2_step("a", 7, produce("beyond the log end")),
            ],
        );
        let meta: SessionMeta = serde_json::from_str(&plan.sessions[0].1).unwrap();
        assert_eq!(meta.step_count, 1);
        assert_eq!(plan.steps.len(), 1);
        let kept: Vec<u64> = plan.kept.iter().map(|k| k.1).collect();
        assert_eq!(kept, vec![1, 2, 7]);
        assert_eq!(plan.damaged.len(), 1);
        assert_eq!(plan.damaged[0].key, "v2_steps/a/1");
        assert!(plan.damaged[0].raw.contains("Advance"));
        assert!(
            matches!(&plan.damaged[0].problem, Problem::Corrupt(m) if m.contains("step 1 of 3"))
        );
    }

    #[test]
    fn a_missing_step_or_an_unreadable_meta_is_reported_and_nothing_is_lost() {
        let plan = plan_v2_upgrade(
            vec![v2_meta("a", 2), ("b".into(), "garbage".into())],
            vec![v2_step("a", 1, produce("y")), v2_step("b", 0, produce("x"))],
        );
        assert_eq!(plan.migrated, 1);
        assert_eq!(plan.damaged.len(), 2);
        assert_eq!(plan.kept, vec![v2_step("a", 1, produce("y"))]);
        // The unreadable session's records are not touched at all.
        assert!(plan.steps.iter().chain(&plan.kept).all(|s| s.0 != "b"));
        assert!(plan
            .damaged
            .iter()
            .any(|d| d.key == "sessions/b" && d.raw == "garbage"));
    }

    #[test]
    fn a_v1_session_goes_through_v2_to_lines() {
        let good = json!({"schema": 1, "id": "g", "title": "T", "created_at_ms": 5, "seed": 1,
            "config": {}, "commands": [produce("x"), {"poll": {"consumer": "c1"}}]});
        let plan = plan_v1_upgrade(vec![
            ("g".into(), good.to_string()),
            ("bad".into(), "{}".into()),
        ]);
        assert_eq!(plan.v1_done, vec!["g".to_string()]);
        assert_eq!(plan.migrated, 1);
        assert_eq!(plan.steps.len(), 1);
        assert_eq!(plan.kept.len(), 1);
        let keys: Vec<&str> = plan.damaged.iter().map(|d| d.key.as_str()).collect();
        assert_eq!(keys, vec!["v1_sessions/bad", "v2_steps/g/1"]);
    }

    #[test]
    fn an_unreadable_v1_record_is_reported_with_its_raw_text() {
        let err = migrate_v1_session("s9", "{\"schema\":1,\"id\":\"s9\"}").unwrap_err();
        assert_eq!(err.session.as_deref(), Some("s9"));
        assert_eq!(err.key, "v1_sessions/s9");
        assert_eq!(err.raw, "{\"schema\":1,\"id\":\"s9\"}");
    }
}
