//! Read-only views of the core world shaped for rendering. Components read these, never the
//! core's internals, so a change in the core touches only these files: `trains` (topics,
//! compartments, seats, checkers, replicas), `teams` (groups, platforms, the notebook, lag),
//! `sentences` (every event as a plain sentence in the chosen words).

use sim::World;

/// The first topic a learner made (internal topics aside), to draw on the first page.
pub fn first_topic(world: &World) -> Option<String> {
    world
        .topics()
        .find(|t| !t.is_internal())
        .map(|t| t.name().to_string())
}

/// The seat a record took in the latest step, if it took one: (topic, partition, offset).
pub fn newest_append(events: &[sim::Event]) -> Option<(String, i32, i64)> {
    events.iter().rev().find_map(|e| match e {
        sim::Event::RecordAppended {
            topic,
            partition,
            offset,
            ..
        } => Some((topic.clone(), *partition, offset.0)),
        _ => None,
    })
}

/// The key of the record appended in the latest step.
pub fn newest_key(events: &[sim::Event]) -> Option<String> {
    events.iter().rev().find_map(|e| match e {
        sim::Event::RecordAppended { key, .. } => Some(key.clone()),
        _ => None,
    })?
}

/// How many records a topic has taken so far (the sum of its partitions' log ends).
pub fn records_on_board(world: &World, topic: &str) -> i64 {
    world
        .topic(topic)
        .map(|t| t.partitions().iter().map(|p| p.log_end_offset().0).sum())
        .unwrap_or(0)
}

pub mod sentences;
pub mod teams;
pub mod trains;
