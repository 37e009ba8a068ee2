//! Encoding of records as stored text, and the checks every backend shares.
//!
//! Records are stored as JSON text, not as structured-clone objects: JSON numbers in Rust keep
//! all 64 bits of a seed, where a JavaScript object would round it to 53. Decoding never
//! panics; a record that cannot be read becomes a [`DamagedRecord`] that names its session and
//! keeps the raw text so the app can offer it for export.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::error::StoreError;
use crate::model::{SessionMeta, Snapshot, SnapshotRecord, StepRecord, SCHEMA_VERSION};

/// Why a stored record could not be used.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// Not JSON, or not the shape of its record type.
    Corrupt(String),
    /// Written by a newer version of the app (its `schema` is higher than ours).
    Newer(u32),
}

/// A stored record that was skipped, with everything the app needs to tell the learner and to
/// offer the raw data for export.
#[derive(Debug, Clone, PartialEq)]
pub struct DamagedRecord {
    /// The session it belongs to, when that can be told from its key.
    pub session: Option<String>,
    /// The record's key, as text (`sessions/abc`, `steps/abc/14` …).
    pub key: String,
    pub problem: Problem,
    /// The stored value as it was found.
    pub raw: String,
}

/// Encodes a record as JSON text.
pub fn encode<T: Serialize>(record: &T) -> Result<String, StoreError> {
    serde_json::to_string(record).map_err(|e| StoreError::StorageError {
        detail: format!("could not encode a record: {e}"),
    })
}

/// A record type that carries its schema version.
pub trait Versioned {
    /// The oldest schema whose records of this type read as they are (the type did not change
    /// since); older ones were rewritten by a migration.
    const OLDEST_READABLE: u32 = SCHEMA_VERSION;
    fn schema(&self) -> u32;
}

macro_rules! versioned {
    ($($t:ty),*) => {$(
        impl Versioned for $t {
            fn schema(&self) -> u32 {
                self.schema
            }
        }
    )*};
}
versioned!(SessionMeta, StepRecord, SnapshotRecord);

// Progress and preferences are the same in schemas 2 and 3: v2 records are read as they are.
impl Versioned for crate::model::ChapterProgress {
    const OLDEST_READABLE: u32 = 2;
    fn schema(&self) -> u32 {
        self.schema
    }
}

impl Versioned for crate::model::Preferences {
    const OLDEST_READABLE: u32 = 2;
    fn schema(&self) -> u32 {
        self.schema
    }
}

/// Decodes a record written at schema version [`SCHEMA_VERSION`] (or at an older one its type
/// reads as it is, see [`Versioned::OLDEST_READABLE`]). The common case (a good
/// record) is parsed once, straight into its type; only a record that fails is looked at again
/// to say why.
pub fn decode<T: DeserializeOwned + Versioned>(raw: &str) -> Result<T, Problem> {
    if let Ok(record) = serde_json::from_str::<T>(raw) {
        if (T::OLDEST_READABLE..=SCHEMA_VERSION).contains(&record.schema()) {
            return Ok(record);
        }
    }
    let value: Value =
        serde_json::from_str(raw).map_err(|e| Problem::Corrupt(format!("not JSON: {e}")))?;
    let schema = match value.get("schema") {
        Some(Value::Number(n)) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| Problem::Corrupt(format!("`schema` is not a version number: {n}")))?,
        Some(other) => {
            return Err(Problem::Corrupt(format!(
                "`schema` is not a version number: {other}"
            )))
        }
        None => return Err(Problem::Corrupt("the record has no `schema` field".into())),
    };
    if schema > SCHEMA_VERSION {
        return Err(Problem::Newer(schema));
    }
    if schema < T::OLDEST_READABLE {
        return Err(Problem::Corrupt(format!(
            "a schema {schema} record where schema {SCHEMA_VERSION} is expected"
        )));
    }
    serde_json::from_value(value).map_err(|e| Problem::Corrupt(e.to_string()))
}

/// Decodes a session's metadata record and checks it is stored under its own id.
pub fn decode_meta(key: &str, raw: &str) -> Result<SessionMeta, DamagedRecord> {
    let damaged = |problem| DamagedRecord {
        session: Some(key.to_string()),
        key: format!("sessions/{key}"),
        problem,
        raw: raw.to_string(),
    };
    let meta: SessionMeta = decode(raw).map_err(damaged)?;
    if meta.id != key {
        return Err(damaged(Problem::Corrupt(format!(
            "stored under `{key}` but names itself `{}`",
            meta.id
        ))));
    }
    Ok(meta)
}

/// Decodes one step record and checks it is stored under its own key.
pub fn decode_step(session: &str, index: u64, raw: &str) -> Result<StepRecord, DamagedRecord> {
    let damaged = |problem| DamagedRecord {
        session: Some(session.to_string()),
        key: format!("steps/{session}/{index}"),
        problem,
        raw: raw.to_string(),
    };
    let step: StepRecord = decode(raw).map_err(damaged)?;
    if step.session != session || step.index != index {
        return Err(damaged(Problem::Corrupt(format!(
            "stored as step {index} of `{session}` but names itself step {} of `{}`",
            step.index, step.session
        ))));
    }
    Ok(step)
}

/// The check made inside the write transaction of every step: the step must be the next one
/// of the log. Returns the metadata to store with the step.
///
/// It is the idempotent producer's sequence check (Kafka's `ProducerAppendInfo`, which
/// answers `OutOfOrderSequenceException` for a gap, and a duplicate for a sequence already
/// appended): a retried step is refused instead of written twice, a step after a lost one is
/// refused instead of leaving a hole.
pub fn next_meta_after_append(
    meta: &SessionMeta,
    index: u64,
    now_ms: u64,
) -> Result<SessionMeta, StoreError> {
    let expected = meta.step_count;
    if index < expected {
        return Err(StoreError::DuplicateSequenceNumber {
            session: meta.id.clone(),
            index,
            expected,
        });
    }
    if index > expected {
        return Err(StoreError::OutOfOrderSequenceNumber {
            session: meta.id.clone(),
            index,
            expected,
        });
    }
    let mut next = meta.clone();
    next.step_count = expected
        .checked_add(1)
        .ok_or_else(|| StoreError::OffsetOutOfRange {
            session: meta.id.clone(),
            step: index,
            log_end: expected,
        })?;
    next.updated_at_ms = now_ms.max(meta.updated_at_ms);
    Ok(next)
}

/// Decodes one snapshot record and checks it is stored under its own key.
pub fn decode_snapshot(session: &str, step: u64, raw: &str) -> Result<Snapshot, DamagedRecord> {
    let damaged = |problem| DamagedRecord {
        session: Some(session.to_string()),
        key: format!("snapshots/{session}/{step}"),
        problem,
        raw: raw.to_string(),
    };
    let record: SnapshotRecord = decode(raw).map_err(damaged)?;
    if record.session != session || record.step != step {
        return Err(damaged(Problem::Corrupt(format!(
            "stored as the snapshot after step {step} of `{session}` but names itself step {} of `{}`",
            record.step, record.session
        ))));
    }
    Ok(Snapshot {
        step,
        state: record.state,
    })
}

/// Turns the raw step records of a session, read in key order from step `from`, into the
/// lines to replay: the contiguous run `from, from + 1 …` up to the log end `step_count`.
/// A damaged or missing step ends the run there (the session resumes at its last complete
/// step, as after a crash) and is reported.
pub fn assemble_steps(
    session: &str,
    from: u64,
    step_count: u64,
    raws: Vec<(u64, String)>,
) -> (Vec<String>, Vec<DamagedRecord>) {
    let mut commands = Vec::with_capacity(raws.len());
    let mut damaged = Vec::new();
    let mut want = from;
    for (index, raw) in raws {
        if index >= step_count || index != want {
            break;
        }
        match decode_step(session, index, &raw) {
            Ok(step) => commands.push(step.line),
            Err(d) => {
                damaged.push(d);
                return (commands, damaged);
            }
        }
        want += 1;
    }
    if want < step_count {
        damaged.push(DamagedRecord {
            session: Some(session.to_string()),
            key: format!("steps/{session}/{want}"),
            problem: Problem::Corrupt(format!(
                "step {want} is missing; the log ends at {step_count}"
            )),
            raw: String::new(),
        });
    }
    (commands, damaged)
}

/// The fast way to read a long log: the stored texts of `count` consecutive steps from `from`,
/// joined with commas, parsed in one pass. Returns the lines only if every record is a
/// current-schema step of `session` at exactly its expected index; otherwise `None`, and the
/// caller reads record by record (which says what is wrong where).
pub fn decode_joined_steps(
    session: &str,
    from: u64,
    count: usize,
    joined: &str,
) -> Option<Vec<String>> {
    let mut text = String::with_capacity(joined.len() + 2);
    text.push('[');
    text.push_str(joined);
    text.push(']');
    let records: Vec<StepRecord> = serde_json::from_str(&text).ok()?;
    if records.len() != count {
        return None;
    }
    let mut commands = Vec::with_capacity(count);
    for (i, record) in records.into_iter().enumerate() {
        if record.schema != SCHEMA_VERSION
            || record.session != session
            || Some(record.index) != from.checked_add(i as u64)
        {
            return None;
        }
        commands.push(record.line);
    }
    Some(commands)
}

/// The checks of a snapshot write: the step must be within the log.
pub fn check_snapshot(meta: &SessionMeta, step: u64) -> Result<(), StoreError> {
    if step > meta.step_count {
        return Err(StoreError::OffsetOutOfRange {
            session: meta.id.clone(),
            step,
            log_end: meta.step_count,
        });
    }
    Ok(())
}

/// A snapshot record to store.
pub fn snapshot_record(session: &str, step: u64, state: &Value) -> SnapshotRecord {
    SnapshotRecord {
        schema: SCHEMA_VERSION,
        session: session.to_string(),
        step,
        state: state.clone(),
    }
}

/// A step record to store.
pub fn step_record(session: &str, index: u64, line: &str) -> StepRecord {
    StepRecord {
        schema: SCHEMA_VERSION,
        session: session.to_string(),
        index,
        line: line.to_string(),
    }
}

/// Turns a damaged metadata record into the error of an operation on that session.
pub fn corrupt_error(d: &DamagedRecord) -> StoreError {
    StoreError::CorruptMessage {
        session: d.session.clone().unwrap_or_default(),
        detail: match &d.problem {
            Problem::Corrupt(m) => format!("{}: {m}", d.key),
            Problem::Newer(v) => format!("{}: written by schema version {v}", d.key),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_record_from_a_newer_schema_is_reported_as_newer_not_corrupt() {
        let raw = json!({"schema": 4, "id": "a"}).to_string();
        assert_eq!(decode::<SessionMeta>(&raw), Err(Problem::Newer(4)));
    }

    #[test]
    fn a_record_from_a_newer_schema_that_still_fits_the_type_is_reported_as_newer() {
        let raw = json!({"schema": 4, "session": "a", "index": 0, "line": "x"}).to_string();
        assert_eq!(decode::<StepRecord>(&raw), Err(Problem::Newer(4)));
    }

    #[test]
    fn a_v2_step_is_not_read_as_a_line_but_v2_progress_is_read_as_it_is() {
        let raw = json!({"schema": 2, "session": "a", "index": 0, "command": {}}).to_string();
        assert!(
            matches!(decode::<StepRecord>(&raw), Err(Problem::Corrupt(m)) if m.contains("schema 2"))
        );
        let raw = json!({"schema": 2, "chapter": "c", "step": 1, "completed": false,
            "updated_at_ms": 0})
        .to_string();
        assert_eq!(
            decode::<crate::model::ChapterProgress>(&raw).unwrap().step,
            1
        );
    }

    #[test]
    fn a_record_without_schema_is_corrupt() {
        let raw = json!({"id": "a"}).to_string();
        assert!(
            matches!(decode::<SessionMeta>(&raw), Err(Problem::Corrupt(m)) if m.contains("schema"))
        );
    }

    #[test]
    fn text_that_is_not_json_is_corrupt() {
        assert!(
            matches!(decode::<SessionMeta>("{not json"), Err(Problem::Corrupt(m)) if m.starts_with("not JSON"))
        );
    }

    #[test]
    fn a_step_stored_under_the_wrong_key_is_corrupt() {
        let raw = json!({"schema": 3, "session": "a", "index": 3, "line": "x"}).to_string();
        let err = decode_step("a", 4, &raw).unwrap_err();
        assert_eq!(err.key, "steps/a/4");
        assert_eq!(err.session.as_deref(), Some("a"));
        assert!(matches!(err.problem, Problem::Corrupt(_)));
    }

    #[test]
    fn a_hole_in_the_log_ends_the_replay_at_the_last_complete_step() {
        let raw = |i: u64| {
            json!({"schema": 3, "session": "a", "index": i, "line": i.to_string()}).to_string()
        };
        let raws = vec![(0, raw(0)), (1, raw(1)), (3, raw(3))];
        let (commands, damaged) = assemble_steps("a", 0, 4, raws);
        assert_eq!(commands, vec!["0", "1"]);
        assert_eq!(damaged.len(), 1);
        assert_eq!(damaged[0].key, "steps/a/2");
    }

    #[test]
    fn a_damaged_step_ends_the_replay_and_is_reported_with_its_raw_text() {
        let good = json!({"schema": 3, "session": "a", "index": 0, "line": "x"}).to_string();
        let raws = vec![(0, good), (1, "garbage".to_string())];
        let (commands, damaged) = assemble_steps("a", 0, 2, raws);
        assert_eq!(commands, vec!["x"]);
        assert_eq!(damaged[0].raw, "garbage");
        assert_eq!(damaged[0].session.as_deref(), Some("a"));
    }

    #[test]
    fn joined_steps_decode_in_one_pass_only_when_every_record_is_in_place() {
        let raw = |i: u64| {
            json!({"schema": 3, "session": "a", "index": i, "line": i.to_string()}).to_string()
        };
        let joined = [raw(3), raw(4)].join(",");
        assert_eq!(
            decode_joined_steps("a", 3, 2, &joined),
            Some(vec!["3".to_string(), "4".to_string()])
        );
        // A record out of place, of another session, or one text holding two records.
        assert_eq!(decode_joined_steps("a", 2, 2, &joined), None);
        assert_eq!(decode_joined_steps("b", 3, 2, &joined), None);
        assert_eq!(decode_joined_steps("a", 3, 1, &joined), None);
        assert_eq!(
            decode_joined_steps("a", 3, 2, &format!("{},garbage", raw(3))),
            None
        );
        assert_eq!(decode_joined_steps("a", 0, 0, ""), Some(vec![]));
    }

    #[test]
    fn steps_beyond_the_log_end_are_ignored() {
        let raw = |i: u64| {
            json!({"schema": 3, "session": "a", "index": i, "line": i.to_string()}).to_string()
        };
        let (commands, damaged) = assemble_steps("a", 1, 2, vec![(1, raw(1)), (2, raw(2))]);
        assert_eq!(commands, vec!["1"]);
        assert!(damaged.is_empty());
    }

    #[test]
    fn appending_checks_the_sequence_number_like_an_idempotent_producer() {
        let meta = SessionMeta {
            schema: 3,
            id: "a".into(),
            name: "n".into(),
            created_at_ms: 1,
            updated_at_ms: 5,
            seed: 7,
            config: json!({}),
            step_count: 2,
        };
        assert!(matches!(
            next_meta_after_append(&meta, 1, 9),
            Err(StoreError::DuplicateSequenceNumber { expected: 2, .. })
        ));
        assert!(matches!(
            next_meta_after_append(&meta, 3, 9),
            Err(StoreError::OutOfOrderSequenceNumber { expected: 2, .. })
        ));
        let next = next_meta_after_append(&meta, 2, 9).unwrap();
        assert_eq!((next.step_count, next.updated_at_ms), (3, 9));
        // A clock that goes backwards never makes `updated_at_ms` go backwards.
        assert_eq!(
            next_meta_after_append(&meta, 2, 1).unwrap().updated_at_ms,
            5
        );
    }
}
