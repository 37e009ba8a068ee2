//! Share links: a whole session (seed, world config, name, console lines) in the part of a
//! URL after `#share=`, so that a fresh browser rebuilds exactly the same world.
//!
//! ```
//! use script::share::{decode, encode, rebuild, Shared};
//!
//! let shared = Shared {
//!     seed: 7,
//!     config: sim::WorldConfig::default(),
//!     name: Some("first steps".into()),
//!     lines: vec!["kafka-topics --create --topic orders --partitions 3".into()],
//! };
//! let link = encode(&shared);
//! assert!(link.starts_with("1."));
//! assert_eq!(decode(&link).unwrap(), shared);
//! assert!(rebuild(&shared).is_ok());
//!
//! let error = decode("3.abc").unwrap_err();
//! assert_eq!(
//!     error.to_string(),
//!     "this link was made by a newer Offset Express (format 3); this page reads format 1"
//! );
//! ```
//!
//! A payload is `1.` (the format number and a dot) then base64url without padding of the raw
//! DEFLATE of a JSON object: `{"seed":…,"name":…,"config":{…},"lines":[…]}`. `name` is left
//! out when there is none, `config` holds only the settings that differ from
//! [`WorldConfig::default`] and is left out when none do. [`decode`] checks everything before
//! anything runs, within fixed limits, and never panics; `docs/share-links.md` has the details.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sim::WorldConfig;

use crate::base64url::{self, Base64Error};
use crate::exec::{Console, ExecError};
use crate::ParseError;

/// The format this build writes and reads.
pub const FORMAT: u64 = 1;
/// The longest payload [`decode`] looks at, in bytes (before decompression).
pub const MAX_PAYLOAD_BYTES: usize = 64 * 1024;
/// The most bytes a payload may decompress to; decompression stops there.
pub const MAX_TEXT_BYTES: usize = 2 * 1024 * 1024;
/// The most console lines one link may hold.
pub const MAX_LINES: usize = 20_000;
/// The longest session name, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// A session as a link carries it.
#[derive(Debug, Clone, PartialEq)]
pub struct Shared {
    pub seed: u64,
    pub config: WorldConfig,
    pub name: Option<String>,
    /// The console lines, in order: running them on a fresh console rebuilds the world.
    pub lines: Vec<String>,
}

/// The JSON inside a payload.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    seed: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    config: Option<Value>,
    lines: Vec<String>,
}

/// Why a link cannot be opened. `Display` gives a sentence for the learner.
#[derive(Debug, Clone, PartialEq)]
pub enum ShareError {
    /// Nothing after `#share=`.
    Empty,
    /// No format number and dot at the start.
    NotShareLink,
    /// Made by a later build, in a format this one does not read.
    NewerFormat { format: u64 },
    /// Longer than [`MAX_PAYLOAD_BYTES`].
    TooLong { bytes: usize },
    /// A character outside base64url; `position` counts characters of the payload from 1.
    NotBase64 { position: usize, found: char },
    /// The data does not decompress (damaged or cut short).
    Corrupt,
    /// The data decompresses to more than [`MAX_TEXT_BYTES`].
    TooBig,
    /// The decompressed data is not a session (bad JSON, a missing or unknown field, a name
    /// that is too long).
    Structure(String),
    /// The world config is outside what the simulator accepts.
    BadConfig(String),
    /// More than [`MAX_LINES`] lines.
    TooManyLines { count: usize },
    /// Line `number` (from 1) does not parse; nothing has run.
    BadLine {
        number: usize,
        line: String,
        error: Box<ParseError>,
    },
    /// Line `number` (from 1) parses but fails when run ([`rebuild`]).
    FailedLine {
        number: usize,
        line: String,
        error: Box<ExecError>,
    },
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ShareError::*;
        match self {
            Empty => write!(f, "the share link is empty"),
            NotShareLink => write!(
                f,
                "this is not an Offset Express share link: it should start with a format \
                 number and a dot, like `{FORMAT}.`"
            ),
            NewerFormat { format } => write!(
                f,
                "this link was made by a newer Offset Express (format {format}); this page \
                 reads format {FORMAT}"
            ),
            TooLong { bytes } => write!(
                f,
                "the share link is too long ({bytes} bytes; a link may have at most \
                 {MAX_PAYLOAD_BYTES})"
            ),
            NotBase64 { position, found } => write!(
                f,
                "the share link is damaged: character {position} ({found:?}) is not a letter, \
                 a digit, '-' or '_'"
            ),
            Corrupt => write!(
                f,
                "the share link is damaged or cut short: its data does not unpack"
            ),
            TooBig => write!(
                f,
                "the share link unpacks to more than {} MiB, more than any session a link may hold",
                MAX_TEXT_BYTES >> 20
            ),
            Structure(message) => write!(f, "the share link does not hold a session: {message}"),
            BadConfig(message) => write!(f, "the shared world config is not valid: {message}"),
            TooManyLines { count } => write!(
                f,
                "the shared session has {count} lines; a link may hold at most {MAX_LINES}"
            ),
            BadLine {
                number,
                line,
                error,
            } => {
                let message = error.message();
                write!(
                    f,
                    "line {number} of the shared session does not parse: {message}"
                )?;
                if let Some(suggestion) = error.suggestion() {
                    write!(f, "; did you mean '{suggestion}'?")?;
                }
                let column = error.span.column;
                write!(f, " (column {column} of `{}`)", shorten(line))
            }
            FailedLine {
                number,
                line,
                error,
            } => write!(
                f,
                "line {number} of the shared session does not run: {} (`{}`)",
                error.message(),
                shorten(line)
            ),
        }
    }
}

impl std::error::Error for ShareError {}

/// A line as quoted in a message: at most 60 characters.
fn shorten(line: &str) -> String {
    match line.char_indices().nth(60) {
        Some((end, _)) => format!("{}…", &line[..end]),
        None => line.to_string(),
    }
}

/// The payload for `shared` (what follows `#share=`). It always encodes; a session beyond the
/// limits gives a payload that [`decode`] refuses, so check with `decode` before offering it.
pub fn encode(shared: &Shared) -> String {
    let default = serde_json::to_value(WorldConfig::default()).unwrap_or_default();
    let config = serde_json::to_value(&shared.config).unwrap_or_default();
    let wire = Wire {
        seed: shared.seed,
        name: shared.name.clone(),
        config: changed(config, &default),
        lines: shared.lines.clone(),
    };
    let text = serde_json::to_vec(&wire).unwrap_or_default();
    let packed = miniz_oxide::deflate::compress_to_vec(&text, 9);
    format!("{FORMAT}.{}", base64url::encode(&packed))
}

/// What of `value` differs from `default`: objects member by member, anything else whole.
fn changed(value: Value, default: &Value) -> Option<Value> {
    match (value, default) {
        (Value::Object(members), Value::Object(defaults)) => {
            let kept: Map<String, Value> = members
                .into_iter()
                .filter_map(|(key, value)| match defaults.get(&key) {
                    Some(d) => changed(value, d).map(|v| (key, v)),
                    None => Some((key, value)),
                })
                .collect();
            (!kept.is_empty()).then_some(Value::Object(kept))
        }
        (value, default) => (value != *default).then_some(value),
    }
}

/// The first key of `value` that `default` does not have, as a dotted path.
fn unknown_key(value: &Value, default: &Value) -> Option<String> {
    let (Value::Object(members), Value::Object(defaults)) = (value, default) else {
        return None;
    };
    members
        .iter()
        .find_map(|(key, value)| match defaults.get(key) {
            None => Some(key.clone()),
            Some(d) => unknown_key(value, d).map(|inner| format!("{key}.{inner}")),
        })
}

/// Reads a payload (a whole URL or `#share=…` is accepted too) and checks all of it: the
/// format, the encoding, the limits, the JSON, the world config, and that every line parses.
/// Nothing runs; [`rebuild`] does that.
pub fn decode(payload: &str) -> Result<Shared, ShareError> {
    let payload = payload.trim();
    let payload = payload.rsplit_once("share=").map_or(payload, |(_, p)| p);
    if payload.is_empty() {
        return Err(ShareError::Empty);
    }
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(ShareError::TooLong {
            bytes: payload.len(),
        });
    }
    let (format, data) = payload.split_once('.').ok_or(ShareError::NotShareLink)?;
    if format.is_empty() || !format.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ShareError::NotShareLink);
    }
    match format.parse::<u64>() {
        Ok(FORMAT) => {}
        Ok(0) => return Err(ShareError::NotShareLink),
        Ok(format) => return Err(ShareError::NewerFormat { format }),
        Err(_) => return Err(ShareError::NewerFormat { format: u64::MAX }),
    }

    let packed = base64url::decode(data).map_err(|e| match e {
        Base64Error::NotBase64 { index, found } => ShareError::NotBase64 {
            position: format.len() + 2 + index,
            found,
        },
        Base64Error::Truncated => ShareError::Corrupt,
    })?;

    // Into a buffer of a fixed size: first one that fits a session that packed well, then, if
    // more came out, one of the limit. Nothing ever grows past the limit (a zip bomb stops there).
    let mut size = packed.len().saturating_mul(16).clamp(4096, MAX_TEXT_BYTES);
    let text = loop {
        let mut text = vec![0; size];
        let once = std::iter::once(packed.as_slice());
        match miniz_oxide::inflate::decompress_slice_iter_to_slice(&mut text, once, false, false) {
            Ok(length) => {
                text.truncate(length);
                break text;
            }
            Err(miniz_oxide::inflate::TINFLStatus::HasMoreOutput) if size < MAX_TEXT_BYTES => {
                size = MAX_TEXT_BYTES;
            }
            Err(miniz_oxide::inflate::TINFLStatus::HasMoreOutput) => {
                return Err(ShareError::TooBig)
            }
            Err(_) => return Err(ShareError::Corrupt),
        }
    };
    let wire: Wire = serde_json::from_slice(&text)
        .map_err(|e| ShareError::Structure(format!("{e} in its JSON")))?;

    let config = match wire.config {
        None => WorldConfig::default(),
        Some(value) => {
            let default = serde_json::to_value(WorldConfig::default()).unwrap_or_default();
            if let Some(key) = unknown_key(&value, &default) {
                return Err(ShareError::Structure(format!(
                    "unknown world setting `{key}`"
                )));
            }
            let config: WorldConfig = serde_json::from_value(value)
                .map_err(|e| ShareError::Structure(format!("world config: {e}")))?;
            config
                .validate()
                .map_err(|e| ShareError::BadConfig(e.to_string()))?;
            config
        }
    };
    if let Some(name) = &wire.name {
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(ShareError::Structure(format!(
                "the session name is longer than {MAX_NAME_CHARS} characters"
            )));
        }
    }
    if wire.lines.len() > MAX_LINES {
        return Err(ShareError::TooManyLines {
            count: wire.lines.len(),
        });
    }
    for (index, line) in wire.lines.iter().enumerate() {
        if let Err(error) = crate::parse_line(line) {
            return Err(ShareError::BadLine {
                number: index + 1,
                line: line.clone(),
                error: Box::new(error),
            });
        }
    }
    Ok(Shared {
        seed: wire.seed,
        config,
        name: wire.name,
        lines: wire.lines,
    })
}

/// Runs the lines on a fresh console of the link's seed and config. The first line that fails
/// ends it with [`ShareError::FailedLine`]. The replay's events are dropped: the console
/// starts with none pending.
pub fn rebuild(shared: &Shared) -> Result<Console, ShareError> {
    let mut console = Console::with_config(shared.seed, shared.config.clone());
    for (index, line) in shared.lines.iter().enumerate() {
        if let Err(error) = console.run_line(line) {
            return Err(ShareError::FailedLine {
                number: index + 1,
                line: line.clone(),
                error: Box::new(error),
            });
        }
    }
    console.take_events();
    Ok(console)
}
