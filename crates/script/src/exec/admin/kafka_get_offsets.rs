//! `kafka-get-offsets`: earliest, latest, max timestamp and by time.

use super::{text, tool_error};
use crate::exec::{partition_i32, Console, ExecError, Output};
use crate::{GetOffsets, OffsetTime, Span};
use std::fmt::Write as _;

pub(in crate::exec) fn get_offsets(
    console: &mut Console,
    span: Span,
    command: &GetOffsets,
) -> Result<Output, ExecError> {
    // GetOffsetShell: the matching partitions, sorted by `topic-partition` as text (so
    // `t-10` comes before `t-2`); a partition without an offset for the spec (no record at
    // or after the timestamp, an empty log for max-timestamp) is left out.
    let world = &console.world;
    let mut partitions: Vec<(String, &sim::cluster::Partition)> = Vec::new();
    for t in world
        .topics()
        .filter(|t| command.topic.as_deref().is_none_or(|n| n == t.name()))
    {
        for p in t.partitions() {
            let wanted = command
                .partitions
                .as_ref()
                .is_none_or(|w| w.iter().any(|w| partition_i32(*w) == p.index()));
            if wanted {
                partitions.push((format!("{}-{}", t.name(), p.index()), p));
            }
        }
    }
    if partitions.is_empty() {
        return Err(tool_error(
            span,
            "Error occurred: Could not match any topic-partitions with the specified filters",
        ));
    }
    partitions.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = String::new();
    for (name, p) in partitions {
        if p.leader().is_none() {
            let error = sim::SimError::LeaderNotAvailable {
                topic: p.topic().to_string(),
                partition: p.index(),
            };
            let _ = writeln!(
                out,
                "Skip getting offsets for topic-partition {name} due to error: {error}"
            );
            continue;
        }
        let hw = p.high_watermark();
        let offset = match command.time {
            OffsetTime::Latest => Some(hw),
            OffsetTime::Earliest => Some(p.log_start_offset()),
            OffsetTime::Timestamp(ts) => p.log().offset_for_timestamp(ts).filter(|o| *o < hw),
            OffsetTime::MaxTimestamp => max_timestamp_offset(p),
        };
        if let Some(offset) = offset {
            let _ = writeln!(out, "{}:{}:{}", p.topic(), p.index(), offset);
        }
    }
    text(out, Vec::new())
}

/// `OffsetSpec.maxTimestamp()`: the offset of the readable record with the highest timestamp
/// (the first of equals); none for an empty log.
fn max_timestamp_offset(p: &sim::cluster::Partition) -> Option<sim::Offset> {
    let hw = p.high_watermark();
    let mut best: Option<(i64, sim::Offset)> = None;
    for r in p.log().records().filter(|r| r.offset < hw) {
        if best.is_none_or(|(ts, _)| r.timestamp_ms > ts) {
            best = Some((r.timestamp_ms, r.offset));
        }
    }
    best.map(|(_, o)| o)
}
