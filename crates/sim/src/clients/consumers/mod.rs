//! Consumers and their groups inside the world: the commands, the timers, the views.
//!
//! `ports` (the log and the offset store as a consumer sees them), `views`, `commands`,
//! `coordinator` (messages to and from the group coordinator), `timers` and `invariants`.

use crate::consumer::ConsumerError;
use crate::error::SimError;
use crate::event::Event;
use crate::types::TopicPartition;

mod commands;
mod coordinator;
mod invariants;
mod ports;
mod timers;
mod views;

pub use views::{ClientState, ConsumerPartitionView, ConsumerView, LagRow};

/// The offset keys (group, partition) that `events` appended to `__consumer_offsets`.
pub(crate) fn appended_commits(events: &[Event]) -> Vec<(String, TopicPartition)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::OffsetCommitAppended {
                group,
                topic,
                partition,
                ..
            } => Some((
                group.clone(),
                TopicPartition::new(topic.clone(), *partition),
            )),
            _ => None,
        })
        .collect()
}

fn consumer_error(consumer: &str, error: ConsumerError) -> SimError {
    SimError::Consumer {
        consumer: consumer.to_string(),
        cause: error,
    }
}

fn failed(consumer: &str, operation: &str, error: &ConsumerError) -> Event {
    Event::ConsumerFailed {
        consumer: consumer.to_string(),
        operation: operation.to_string(),
        code: error.code().to_string(),
        message: error.to_string(),
    }
}
