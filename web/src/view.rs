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
    pub seats: Vec<Seat>,
}

/// The compartments of one topic, in partition order; empty if the topic does not exist.
pub fn compartments(world: &World, topic: &str) -> Vec<CompartmentView> {
    let Some(t) = world.topic(topic) else {
        return Vec::new();
    };
    t.partitions
        .iter()
        .enumerate()
        .map(|(i, log)| CompartmentView {
            partition: i as i32,
            log_start: log.log_start_offset().0,
            // Until replication lands every record is on every replica at once.
            high_watermark: log.log_end_offset().0,
            log_end: log.log_end_offset().0,
            seats: log
                .records()
                .iter()
                .map(|r| Seat {
                    offset: r.offset.0,
                    key: r.key.clone(),
                    value: r.value.clone(),
                })
                .collect(),
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
