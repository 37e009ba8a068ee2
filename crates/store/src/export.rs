//! Export and import of sessions as JSON files.
//!
//! An export file looks like this (`format` and `schema` identify it; every field is required
//! and no other field is allowed):
//!
//! ```json
//! {
//!   "format": "offset-express/sessions",
//!   "schema": 3,
//!   "sessions": [{
//!     "id": "s-1", "name": "First ride", "created_at_ms": 1700000000000,
//!     "updated_at_ms": 1700000005000, "seed": 42, "config": {},
//!     "steps": [{"index": 0, "line": "kafka-topics --create --topic orders --partitions 3"}],
//!     "snapshots": [{"step": 1, "state": {}}]
//!   }]
//! }
//! ```
//!
//! Files of schema 2 (written before sessions were console lines) are read too: their steps
//! hold `"command"` (a simulator command as JSON) instead of `"line"`, and each is turned into
//! its console line ([`crate::convert::command_line`]); a step that cannot be is refused, naming
//! its place (`sessions[0].steps[4].command: …`), and nothing is imported. Their snapshots
//! (world JSON of an older format) are left out, as the v2 → v3 migration drops them.
//!
//! Importing validates the whole file before anything is written, and every error names the
//! place in the file (`sessions[2].steps[14]: expected an object`). Files are size-bounded
//! ([`MAX_IMPORT_BYTES`], [`MAX_IMPORT_SESSIONS`]). An imported session whose id is already
//! stored gets a new id: an import never replaces data.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::{Map, Value};

use crate::convert::command_line;
use crate::error::StoreError;
use crate::migrate;
use crate::model::{Snapshot, SCHEMA_VERSION};

/// The `format` field of an export file.
pub const EXPORT_FORMAT: &str = "offset-express/sessions";
/// Largest file accepted by an import, in bytes.
pub const MAX_IMPORT_BYTES: usize = 32 * 1024 * 1024;
/// Most sessions accepted in one import.
pub const MAX_IMPORT_SESSIONS: usize = 1_000;
/// Longest session id or name accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 200;
/// Longest console line accepted, in characters.
pub const MAX_LINE_CHARS: usize = 100_000;
/// The oldest export schema an import reads (schema 2 steps are converted to lines).
pub const OLDEST_IMPORTED: u64 = 2;

/// One session of an export file, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedSession {
    pub id: String,
    pub name: String,
    pub created_at_ms: u64,
    pub updated_at_ms: u64,
    pub seed: u64,
    pub config: Value,
    /// The console lines, in log order.
    pub steps: Vec<String>,
    /// Snapshots, in increasing `step`.
    pub snapshots: Vec<Snapshot>,
}

/// Why a file could not be imported. Nothing was written.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportError {
    /// The file is larger than [`MAX_IMPORT_BYTES`] (Kafka: `RECORD_TOO_LARGE`).
    RecordTooLarge { bytes: usize, limit: usize },
    /// The file is not JSON; line and column are 1-based.
    NotJson {
        line: usize,
        column: usize,
        message: String,
    },
    /// The file was exported by a newer version of the app.
    UnsupportedVersion { found: u64, supported: u32 },
    /// The file is JSON but not an export file: `path` is where, `problem` is what.
    Invalid { path: String, problem: String },
    /// The file was valid but storing it failed.
    Store(StoreError),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::RecordTooLarge { bytes, limit } => write!(
                f,
                "the file is {bytes} bytes, more than the {limit} bytes an import accepts"
            ),
            ImportError::NotJson {
                line,
                column,
                message,
            } => write!(f, "line {line}, column {column}: not valid JSON: {message}"),
            ImportError::UnsupportedVersion { found, supported } => write!(
                f,
                "schema: the file uses schema version {found}, this version of the app reads up to {supported}"
            ),
            ImportError::Invalid { path, problem } => write!(f, "{path}: {problem}"),
            ImportError::Store(e) => write!(f, "the file is valid but could not be stored: {e}"),
        }
    }
}

impl std::error::Error for ImportError {}

/// Writes sessions as an export file (pretty-printed JSON).
pub fn write_export(sessions: &[ExportedSession]) -> Result<String, StoreError> {
    let sessions: Vec<Value> = sessions.iter().map(session_to_json).collect();
    let mut top = Map::new();
    top.insert("format".into(), Value::from(EXPORT_FORMAT));
    top.insert("schema".into(), Value::from(SCHEMA_VERSION));
    top.insert("sessions".into(), Value::Array(sessions));
    serde_json::to_string_pretty(&Value::Object(top)).map_err(|e| StoreError::StorageError {
        detail: format!("could not write the export: {e}"),
    })
}

fn session_to_json(s: &ExportedSession) -> Value {
    let steps: Vec<Value> = s
        .steps
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let mut m = Map::new();
            m.insert("index".into(), Value::from(i as u64));
            m.insert("line".into(), Value::from(line.as_str()));
            Value::Object(m)
        })
        .collect();
    let snapshots: Vec<Value> = s
        .snapshots
        .iter()
        .map(|snap| {
            let mut m = Map::new();
            m.insert("step".into(), Value::from(snap.step));
            m.insert("state".into(), snap.state.clone());
            Value::Object(m)
        })
        .collect();
    let mut m = Map::new();
    m.insert("id".into(), Value::from(s.id.clone()));
    m.insert("name".into(), Value::from(s.name.clone()));
    m.insert("created_at_ms".into(), Value::from(s.created_at_ms));
    m.insert("updated_at_ms".into(), Value::from(s.updated_at_ms));
    m.insert("seed".into(), Value::from(s.seed));
    m.insert("config".into(), s.config.clone());
    m.insert("steps".into(), Value::Array(steps));
    m.insert("snapshots".into(), Value::Array(snapshots));
    Value::Object(m)
}

/// Reads and validates an export file. Nothing is stored here.
pub fn parse_export(text: &str) -> Result<Vec<ExportedSession>, ImportError> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::RecordTooLarge {
            bytes: text.len(),
            limit: MAX_IMPORT_BYTES,
        });
    }
    let value: Value = serde_json::from_str(text).map_err(|e| ImportError::NotJson {
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    })?;
    let top = object(&value, "(file)")?;
    only_fields(top, "(file)", &["format", "schema", "sessions"])?;
    match field(top, "(file)", "format")? {
        Value::String(f) if f == EXPORT_FORMAT => {}
        other => {
            return Err(invalid(
                "format",
                format!("expected \"{EXPORT_FORMAT}\", found {}", describe(other)),
            ))
        }
    }
    let schema = unsigned(field(top, "(file)", "schema")?, "schema")?;
    if schema > u64::from(SCHEMA_VERSION) {
        return Err(ImportError::UnsupportedVersion {
            found: schema,
            supported: SCHEMA_VERSION,
        });
    }
    if schema < OLDEST_IMPORTED {
        return Err(invalid(
            "schema",
            format!(
                "expected {OLDEST_IMPORTED} to {SCHEMA_VERSION}, found {schema} (a file this old \
                 cannot be imported)"
            ),
        ));
    }
    let v2 = schema == u64::from(migrate::V2);
    let sessions = array(field(top, "(file)", "sessions")?, "sessions")?;
    if sessions.len() > MAX_IMPORT_SESSIONS {
        return Err(invalid(
            "sessions",
            format!(
                "{} sessions, more than the {MAX_IMPORT_SESSIONS} an import accepts",
                sessions.len()
            ),
        ));
    }
    sessions
        .iter()
        .enumerate()
        .map(|(i, s)| parse_session(s, &format!("sessions[{i}]"), v2))
        .collect()
}

fn parse_session(value: &Value, path: &str, v2: bool) -> Result<ExportedSession, ImportError> {
    let m = object(value, path)?;
    only_fields(
        m,
        path,
        &[
            "id",
            "name",
            "created_at_ms",
            "updated_at_ms",
            "seed",
            "config",
            "steps",
            "snapshots",
        ],
    )?;
    let id = text(field(m, path, "id")?, &format!("{path}.id"))?;
    if id.is_empty() {
        return Err(invalid(format!("{path}.id"), "expected a non-empty text"));
    }
    let name = text(field(m, path, "name")?, &format!("{path}.name"))?;
    let created_at_ms = unsigned(
        field(m, path, "created_at_ms")?,
        &format!("{path}.created_at_ms"),
    )?;
    let updated_at_ms = unsigned(
        field(m, path, "updated_at_ms")?,
        &format!("{path}.updated_at_ms"),
    )?;
    let seed = unsigned(field(m, path, "seed")?, &format!("{path}.seed"))?;
    let config = field(m, path, "config")?.clone();
    let steps_path = format!("{path}.steps");
    let steps = array(field(m, path, "steps")?, &steps_path)?
        .iter()
        .enumerate()
        .map(|(i, step)| parse_step(step, i, &format!("{steps_path}[{i}]"), v2))
        .collect::<Result<Vec<_>, _>>()?;
    let snaps_path = format!("{path}.snapshots");
    let mut seen = BTreeSet::new();
    let mut snapshots = Vec::new();
    for (i, snap) in array(field(m, path, "snapshots")?, &snaps_path)?
        .iter()
        .enumerate()
    {
        let here = format!("{snaps_path}[{i}]");
        let s = object(snap, &here)?;
        only_fields(s, &here, &["step", "state"])?;
        let step = unsigned(field(s, &here, "step")?, &format!("{here}.step"))?;
        if step > steps.len() as u64 {
            return Err(invalid(
                format!("{here}.step"),
                format!(
                    "snapshot after step {step}, but the session has {} steps",
                    steps.len()
                ),
            ));
        }
        if !seen.insert(step) {
            return Err(invalid(
                format!("{here}.step"),
                format!("a second snapshot after step {step}"),
            ));
        }
        let state = field(s, &here, "state")?.clone();
        // A v2 snapshot holds the world in an older format: checked, then left out.
        if !v2 {
            snapshots.push(Snapshot { step, state });
        }
    }
    snapshots.sort_by_key(|s| s.step);
    Ok(ExportedSession {
        id,
        name,
        created_at_ms,
        updated_at_ms,
        seed,
        config,
        steps,
        snapshots,
    })
}

fn parse_step(value: &Value, position: usize, path: &str, v2: bool) -> Result<String, ImportError> {
    let m = object(value, path)?;
    let content = if v2 { "command" } else { "line" };
    only_fields(m, path, &["index", content])?;
    let index = unsigned(field(m, path, "index")?, &format!("{path}.index"))?;
    if index != position as u64 {
        return Err(invalid(
            format!("{path}.index"),
            format!("expected {position} (steps are in log order, from 0), found {index}"),
        ));
    }
    let here = format!("{path}.{content}");
    match field(m, path, content)? {
        Value::String(line) if !v2 => {
            if line.chars().count() > MAX_LINE_CHARS {
                return Err(invalid(
                    here,
                    format!("longer than {MAX_LINE_CHARS} characters"),
                ));
            }
            Ok(line.clone())
        }
        other if !v2 => Err(invalid(
            here,
            format!(
                "expected a console line (a text), found {}",
                describe(other)
            ),
        )),
        command => command_line(command).map_err(|why| {
            invalid(
                here,
                format!("this schema 2 step cannot be turned into a console line: {why}"),
            )
        }),
    }
}

fn invalid(path: impl Into<String>, problem: impl Into<String>) -> ImportError {
    ImportError::Invalid {
        path: path.into(),
        problem: problem.into(),
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.chars().count() > 40 => "a text".into(),
        Value::String(s) => format!("the text {s:?}"),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

fn object<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, ImportError> {
    v.as_object()
        .ok_or_else(|| invalid(path, format!("expected an object, found {}", describe(v))))
}

fn array<'a>(v: &'a Value, path: &str) -> Result<&'a Vec<Value>, ImportError> {
    v.as_array()
        .ok_or_else(|| invalid(path, format!("expected an array, found {}", describe(v))))
}

fn text(v: &Value, path: &str) -> Result<String, ImportError> {
    match v {
        Value::String(s) if s.chars().count() <= MAX_TEXT_CHARS => Ok(s.clone()),
        Value::String(_) => Err(invalid(
            path,
            format!("longer than {MAX_TEXT_CHARS} characters"),
        )),
        other => Err(invalid(
            path,
            format!("expected a text, found {}", describe(other)),
        )),
    }
}

fn unsigned(v: &Value, path: &str) -> Result<u64, ImportError> {
    v.as_u64().ok_or_else(|| {
        invalid(
            path,
            format!(
                "expected a whole number from 0 to {}, found {}",
                u64::MAX,
                describe(v)
            ),
        )
    })
}

fn field<'a>(m: &'a Map<String, Value>, path: &str, name: &str) -> Result<&'a Value, ImportError> {
    m.get(name)
        .ok_or_else(|| invalid(path, format!("missing field `{name}`")))
}

fn only_fields(m: &Map<String, Value>, path: &str, allowed: &[&str]) -> Result<(), ImportError> {
    match m.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(invalid(
            path,
            format!("unknown field `{k}` (expected {})", allowed.join(", ")),
        )),
        None => Ok(()),
    }
}

/// serde_json appends " at line L column C" to its messages; the position is reported apart.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// Picks an id for an imported session: its own if free, otherwise `<id>-imported-<n>` with
/// the smallest free `n`.
pub fn free_id(wanted: &str, taken: &BTreeSet<String>) -> String {
    if !taken.contains(wanted) {
        return wanted.to_string();
    }
    (2u64..)
        .map(|n| format!("{wanted}-imported-{n}"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_else(|| format!("{wanted}-imported"))
}
