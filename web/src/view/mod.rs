//! Read-only views of the core world shaped for rendering. Components read these, never the
//! core's internals, so a change in the core touches only this file.

use sim::World;

#[derive(Clone, Debug, PartialEq)]
pub struct Seat {
    pub offset: i64,
    pub key: Option<String>,
    pub value: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CompartmentView {
    pub partition: i32,
    pub log_start: i64,
    pub high_watermark: i64,
    pub log_end: i64,
    /// The newest records, oldest first (at most [`SEATS_SHOWN`]).
    pub seats: Vec<Seat>,
    /// How many older records are on board but not drawn.
    pub earlier: usize,
}

/// How many seats a compartment draws: the newest ones. A long log shows how many earlier
/// passengers are on board instead of drawing thousands of seats.
pub const SEATS_SHOWN: usize = 40;

/// The compartments of one topic, in partition order; empty if the topic does not exist.
pub fn compartments(world: &World, topic: &str) -> Vec<CompartmentView> {
    let Some(t) = world.topic(topic) else {
        return Vec::new();
    };
    t.partitions()
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let total = p.log().records().count();
            let earlier = total.saturating_sub(SEATS_SHOWN);
            CompartmentView {
                partition: i as i32,
                log_start: p.log_start_offset().0,
                high_watermark: p.high_watermark().0,
                log_end: p.log_end_offset().0,
                seats: p
                    .log()
                    .records()
                    .skip(earlier)
                    .map(|r| Seat {
                        offset: r.offset.0,
                        key: r.key_utf8().map(|k| k.into_owned()),
                        value: r.value_utf8().map(|v| v.into_owned()),
                    })
                    .collect(),
                earlier,
            }
        })
        .collect()
}

/// A stable colour class for a key, so one key's passengers look alike in every compartment.
pub fn key_colour_class(key: Option<&str>) -> String {
    match key {
        None => "passenger-keyless".to_string(),
        Some(k) => format!(
            "passenger-hue-{}",
            sim::partitioner::to_positive(sim::partitioner::murmur2(k.as_bytes())) % 12
        ),
    }
}

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
