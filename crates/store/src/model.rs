//! What is stored: sessions, their steps and snapshots, tutorial progress and preferences.
//!
//! A session is a seed plus console lines: each step is one line of the console language in
//! its canonical form (`kafka-console-producer --topic orders --key alice --value 1`), the text
//! `script` prints a command as. The store knows nothing of the simulator or the console
//! language: a line is text, the config and snapshots are opaque JSON the app serialises.
//! A session is kept as separate records so that writing a step never rewrites the session:
//!
//! | record | key | holds |
//! | --- | --- | --- |
//! | [`SessionMeta`] | `id` | name, times, seed, config, the number of steps written |
//! | [`StepRecord`] | `[id, index]` | one console line of the log |
//! | [`SnapshotRecord`] | `[id, step]` | the world after `step` commands |
//! | [`ChapterProgress`] | `chapter` | how far the learner got in a tutorial chapter |
//! | [`Preferences`] | `"preferences"` | vocabulary, speed, reduced motion |
//!
//! Every record carries `schema`, the schema version it was written with
//! ([`SCHEMA_VERSION`]), so that a later version can tell old records from new ones.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The schema version this code writes. Version 1 was the pre-release layout, version 2 kept
/// simulator commands as JSON (see [`crate::migrate`]); version 3, the current one, keeps
/// console lines.
pub const SCHEMA_VERSION: u32 = 3;

/// How often the app should store a snapshot: after every this many steps. Opening a session
/// then replays at most this many lines on top of the latest snapshot.
pub const SNAPSHOT_INTERVAL: u64 = 500;

/// Whether a snapshot is due once the log has `step_count` steps.
pub fn snapshot_due(step_count: u64) -> bool {
    step_count > 0 && step_count.is_multiple_of(SNAPSHOT_INTERVAL)
}

/// The metadata record of a session. `step_count` is the log end: the index the next step
/// will get, like a partition's log end offset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionMeta {
    pub schema: u32,
    pub id: String,
    pub name: String,
    pub created_at_ms: u64,
    pub updated_at_ms: u64,
    pub seed: u64,
    pub config: Value,
    pub step_count: u64,
}

/// One step of a session's log, at position `index` (0-based): a console line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepRecord {
    pub schema: u32,
    pub session: String,
    pub index: u64,
    /// The console line, in the console language's canonical form.
    pub line: String,
}

/// The serialised world after the first `step` lines of a session were run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotRecord {
    pub schema: u32,
    pub session: String,
    pub step: u64,
    pub state: Value,
}

/// A snapshot as the app sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// How many lines had been run when the snapshot was taken.
    pub step: u64,
    pub state: Value,
}

/// Tutorial progress of one chapter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChapterProgress {
    pub schema: u32,
    pub chapter: String,
    /// The story step the learner is on (0-based).
    pub step: u32,
    pub completed: bool,
    pub updated_at_ms: u64,
}

impl ChapterProgress {
    /// Progress record for `chapter` at the current schema version.
    pub fn new(chapter: impl Into<String>, step: u32, completed: bool) -> Self {
        ChapterProgress {
            schema: SCHEMA_VERSION,
            chapter: chapter.into(),
            step,
            completed,
            updated_at_ms: 0,
        }
    }
}

/// Which words the UI uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Vocabulary {
    #[default]
    Train,
    Kafka,
}

/// Whether animations are reduced: follow the system setting, or force it on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ReducedMotion {
    #[default]
    System,
    On,
    Off,
}

/// The learner's preferences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preferences {
    pub schema: u32,
    pub vocabulary: Vocabulary,
    /// Auto-play speed multiplier (1.0 = normal).
    pub speed: f64,
    pub reduced_motion: ReducedMotion,
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences {
            schema: SCHEMA_VERSION,
            vocabulary: Vocabulary::Train,
            speed: 1.0,
            reduced_motion: ReducedMotion::System,
        }
    }
}

/// What the app gives to create a session.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSession {
    pub name: String,
    pub seed: u64,
    pub config: Value,
}

/// A session opened from its latest snapshot: the lines after the snapshot only.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedTail {
    pub meta: SessionMeta,
    /// The latest readable snapshot, if the session has one.
    pub snapshot: Option<Snapshot>,
    /// The lines after the snapshot (all of them without one), up to the last complete step.
    pub steps: Vec<String>,
}

/// A session read back: its metadata, its log (the console lines, in order, from step 0) and
/// the latest snapshot within the log, if any. To resume, start from the snapshot (or from the
/// seed and config) and run `steps[snapshot.step..]`.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedSession {
    pub meta: SessionMeta,
    pub steps: Vec<String>,
    pub snapshot: Option<Snapshot>,
}

impl LoadedSession {
    /// The lines still to run on top of the snapshot (all of them without one).
    pub fn steps_after_snapshot(&self) -> &[String] {
        let from = self
            .snapshot
            .as_ref()
            .map_or(0, |s| usize::try_from(s.step).unwrap_or(usize::MAX));
        self.steps.get(from..).unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_is_due_every_interval_but_not_at_the_start() {
        assert!(!snapshot_due(0));
        assert!(!snapshot_due(SNAPSHOT_INTERVAL - 1));
        assert!(snapshot_due(SNAPSHOT_INTERVAL));
        assert!(snapshot_due(3 * SNAPSHOT_INTERVAL));
    }

    #[test]
    fn the_steps_after_a_snapshot_are_those_still_to_replay() {
        let loaded = LoadedSession {
            meta: SessionMeta {
                schema: SCHEMA_VERSION,
                id: "a".into(),
                name: "n".into(),
                created_at_ms: 0,
                updated_at_ms: 0,
                seed: 0,
                config: Value::Null,
                step_count: 3,
            },
            steps: vec!["a".into(), "b".into(), "c".into()],
            snapshot: Some(Snapshot {
                step: 2,
                state: Value::Null,
            }),
        };
        assert_eq!(loaded.steps_after_snapshot(), &["c".to_string()]);
        let without = LoadedSession {
            snapshot: None,
            ..loaded
        };
        assert_eq!(without.steps_after_snapshot().len(), 3);
    }
}
