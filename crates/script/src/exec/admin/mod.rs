//! Kafka's admin tools against the simulated cluster, printing what the real tools print.
//!
//! Layouts and messages follow the tools in apache/kafka:
//! - `kafka-topics`: `tools/.../TopicCommand.java` (`Created topic orders.`, the `--describe`
//!   header `Topic: … TopicId: … PartitionCount: … ReplicationFactor: … Configs: …` and the
//!   tab-led partition lines with Leader / Replicas / Isr / Elr / LastKnownElr);
//! - `kafka-consumer-groups`: `tools/.../consumer/group/ConsumerGroupCommand.java` and
//!   `GroupOffsetsResetter.java` (column widths, `-` for a missing value, the `Error: …`
//!   lines, `Consumer group 'g' has no active members.`);
//! - `kafka-get-offsets`: `GetOffsetShell` (`topic:partition:offset`);
//! - `kafka-configs`: `ConfigCommand` (`Completed updating config for topic orders.`).
//!
//! One file per tool; the helpers they share (padding, column widths, the tool error) here.

use sim::Event;

use super::{ExecError, ExecErrorKind, Output};
use crate::Span;

mod console_consumer;
mod console_producer;
mod kafka_configs;
mod kafka_consumer_groups;
mod kafka_get_offsets;
mod kafka_leader_election;
mod kafka_topics;

pub(super) use console_consumer::console_consumer;
pub(super) use console_producer::console_producer;
pub(super) use kafka_configs::configs;
pub(super) use kafka_consumer_groups::{consumer_groups, describe_group_offsets};
pub(super) use kafka_get_offsets::get_offsets;
pub(super) use kafka_leader_election::leader_election;
pub(super) use kafka_topics::topics;

/// `-`, Kafka's `MISSING_COLUMN_VALUE`.
const MISSING: &str = "-";

fn tool_error(span: Span, message: impl Into<String>) -> ExecError {
    ExecError::new(
        span,
        ExecErrorKind::Tool {
            message: message.into(),
        },
    )
}

fn text(text: String, events: Vec<Event>) -> Result<Output, ExecError> {
    Ok(Output { text, events })
}

/// Left-justified in `width` characters, as Java's `%-Ns`.
fn pad(s: &str, width: usize) -> String {
    format!("{s:<width$}")
}

/// The width of a table column: its widest cell, but never narrower than `min` (the width
/// Kafka's tools give that column's header).
fn column_width(cells: impl Iterator<Item = usize>, min: usize) -> usize {
    cells.max().unwrap_or(0).max(min)
}
