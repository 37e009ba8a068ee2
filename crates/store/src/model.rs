//! What is stored: sessions, their steps and snapshots, tutorial progress and preferences.
//!
//! The store knows nothing of the simulator: a session's seed is a number, its config, its
//! commands and its snapshots are opaque JSON that the web app serialises from `sim` types.
//! A session is kept as separate records so that writing a step never rewrites the session:
//!
//! | record | key | holds |
//! | --- | --- | --- |
//! | [`SessionMeta`] | `id` | name, times, seed, config, the number of steps written |
//! | [`StepRecord`] | `[id, index]` | one command of the log |
//! | [`SnapshotRecord`] | `[id, step]` | the world after `step` commands |
//! | [`ChapterProgress`] | `chapter` | how far the learner got in a tutorial chapter |
//! | [`Preferences`] | `"preferences"` | vocabulary, speed, reduced motion |
//!
//! Every record carries `schema`, the schema version it was written with
//! ([`SCHEMA_VERSION`]), so that a later version can tell old records from new ones.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The schema version this code writes. Version 1 was the pre-release layout (see
/// [`crate::migrate`]); version 2 is the current one.
pub const SCHEMA_VERSION: u32 = 2;

/// How often the app should store a snapshot: after every this many steps. Opening a session
/// then replays at most this many commands on top of the latest snapshot.
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

/// One command of a session's log, at position `index` (0-based).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepRecord {
    pub schema: u32,
    pub session: String,
    pub index: u64,
    pub command: Value,
}

/// The serialised world after the first `step` commands of a session were applied.
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
    /// How many commands had been applied when the snapshot was taken.
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

/// A session read back: its metadata, its log (the commands, in order, from step 0) and the
/// latest snapshot within the log, if any. To resume, start from the snapshot (or from the
/// seed and config) and replay `steps[snapshot.step..]`.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedSession {
    pub meta: SessionMeta,
    pub steps: Vec<Value>,
    pub snapshot: Option<Snapshot>,
}

impl LoadedSession {
    /// The commands still to replay on top of the snapshot (all of them without one).
    pub fn steps_after_snapshot(&self) -> &[Value] {
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
            steps: vec![Value::from(0), Value::from(1), Value::from(2)],
            snapshot: Some(Snapshot {
                step: 2,
                state: Value::Null,
            }),
        };
        assert_eq!(loaded.steps_after_snapshot(), &[Value::from(2)]);
        let without = LoadedSession {
            snapshot: None,
            ..loaded
        };
        assert_eq!(without.steps_after_snapshot().len(), 3);
    }
}
