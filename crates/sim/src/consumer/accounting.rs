//! Delivery accounting: how many times each record was processed, per group.
//!
//! At-least-once shows up as records processed twice (a crash after processing but before
//! the commit), at-most-once as records never processed (a commit before processing,
//! then a crash).

use crate::types::TopicPartition;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One record processed once by one consumer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessedRecord {
    /// The consumer's group (`None` for a consumer without a `group.id`).
    pub group_id: Option<String>,
    pub client_id: String,
    pub partition: TopicPartition,
    pub offset: i64,
    pub done_at_ms: i64,
}

/// Counts per (group, partition, offset).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryLedger {
    #[serde(with = "crate::assignor::serde_pairs")]
    counts: BTreeMap<(Option<String>, TopicPartition, i64), u32>,
}

impl DeliveryLedger {
    /// Counts one processing of a record; returns how many times its group has now
    /// processed it.
    pub fn record(&mut self, p: &ProcessedRecord) -> u32 {
        let n = self
            .counts
            .entry((p.group_id.clone(), p.partition.clone(), p.offset))
            .or_insert(0);
        *n += 1;
        *n
    }

    /// How often `group` processed record `offset` of `partition`.
    pub fn times_processed(
        &self,
        group: Option<&str>,
        partition: &TopicPartition,
        offset: i64,
    ) -> u32 {
        self.counts
            .get(&(group.map(str::to_string), partition.clone(), offset))
            .copied()
            .unwrap_or(0)
    }

    /// Records `group` processed more than once: ((partition, offset), times).
    pub fn duplicates(&self, group: Option<&str>) -> Vec<((TopicPartition, i64), u32)> {
        self.counts
            .iter()
            .filter(|((g, _, _), n)| g.as_deref() == group && **n > 1)
            .map(|((_, tp, o), n)| ((tp.clone(), *o), *n))
            .collect()
    }

    /// Offsets in `from..to` of `partition` that `group` never processed.
    pub fn skipped(
        &self,
        group: Option<&str>,
        partition: &TopicPartition,
        from: i64,
        to: i64,
    ) -> Vec<i64> {
        (from..to)
            .filter(|o| self.times_processed(group, partition, *o) == 0)
            .collect()
    }
}
