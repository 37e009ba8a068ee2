//! Delivery accounting: how many times each record was processed, per group.
//!
//! At-least-once shows up as records processed twice (a crash after processing but before
//! the commit), at-most-once as records never processed (a commit before processing,
//! then a crash).
//!
//! **Bounded**: once retention (or `kafka-delete-records`) moves a partition's log start
//! offset, no group can process the records below it again, so [`DeliveryLedger::prune`]
//! folds their counts into per (group, partition) totals and forgets them. The totals
//! ([`DeliveryLedger::totals`]) are the same before and after pruning; per-record questions
//! ([`DeliveryLedger::times_processed`], [`DeliveryLedger::skipped`]) are answered for the
//! records still counted, at or above [`DeliveryLedger::pruned_below`].
//!
//! A **skipped** record, in the totals, is an offset from the first one the group fetched
//! from a partition ([`DeliveryLedger::fetched`]) up to the last one it processed there,
//! that the group never processed: it moved past it (a commit before processing, then a
//! crash; or retention deleted it before the group got there). Offsets
//! that are gaps in the log itself (removed by compaction) count too, so the totals are
//! meant for topics with `cleanup.policy=delete`.
//!
//! **Offsets given twice.** An unclean leader election cuts a partition's log back and the
//! next records take the offsets of the lost ones; deleting a topic and creating it again
//! starts its offsets at 0. The per-record counts of records that left that way
//! ([`DeliveryLedger::truncate`], [`DeliveryLedger::forget_topic`]) move into per-group
//! totals of their own, so a count per offset always names the record the log holds there
//! now, and the totals still count every processing that happened.

use crate::types::TopicPartition;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

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
    /// What was folded away below each partition's pruning point, per group.
    #[serde(with = "crate::assignor::serde_pairs")]
    pruned: BTreeMap<(Option<String>, TopicPartition), PrunedCounts>,
    /// The lowest offset each group ever fetched from each partition: where it started.
    #[serde(with = "crate::assignor::serde_pairs")]
    fetched_from: BTreeMap<(Option<String>, TopicPartition), i64>,
    /// The totals of records that left their log by an unclean truncation or a topic
    /// deletion, per group: their offsets may be given to other records since.
    #[serde(default, with = "crate::assignor::serde_pairs")]
    retired: BTreeMap<Option<String>, DeliveryTotals>,
    /// Offsets that hold no record a consumer may be handed: transaction markers, and
    /// records of aborted transactions. A group moving past them did not skip anything.
    #[serde(default, with = "crate::assignor::serde_pairs")]
    exempt: BTreeMap<TopicPartition, BTreeSet<i64>>,
}

/// How many offsets strictly between `lo` and `hi` are exempt.
fn exempt_between(
    exempt: &BTreeMap<TopicPartition, BTreeSet<i64>>,
    tp: &TopicPartition,
    lo: i64,
    hi: i64,
) -> u64 {
    if hi <= lo.saturating_add(1) {
        return 0;
    }
    exempt
        .get(tp)
        .map_or(0, |set| set.range(lo + 1..hi).count() as u64)
}

/// The counts of the records a ledger no longer holds one by one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrunedCounts {
    /// Records below this offset are folded into the counts.
    pub below: i64,
    pub processed_records: u64,
    pub deliveries: u64,
    pub duplicate_records: u64,
    pub skipped_records: u64,
    /// The highest offset folded that the group processed (where the next gap starts), or
    /// the one before the first it fetched.
    pub last_processed: Option<i64>,
}

/// How a group's processing went, over every partition.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryTotals {
    /// Distinct records processed at least once.
    pub processed_records: u64,
    /// Processings in all (a record processed twice counts two).
    pub deliveries: u64,
    /// Records processed more than once (at-least-once showing).
    pub duplicate_records: u64,
    /// Records the group moved past without processing them (at-most-once showing).
    pub skipped_records: u64,
}

impl DeliveryTotals {
    fn add_record(&mut self, times: u32) {
        self.processed_records += 1;
        self.deliveries += u64::from(times);
        if times > 1 {
            self.duplicate_records += 1;
        }
    }
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

    /// Entries held one by one (the pruned ones are not).
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// `group` fetched records of `partition` starting at `offset`.
    pub fn fetched(&mut self, group: Option<&str>, partition: &TopicPartition, offset: i64) {
        let from = self
            .fetched_from
            .entry((group.map(str::to_string), partition.clone()))
            .or_insert(offset);
        *from = (*from).min(offset);
    }

    /// The offset before the first one `group` may process in `partition` (gaps after it
    /// are skips), if it fetched there.
    fn start(&self, key: &(Option<String>, TopicPartition)) -> Option<i64> {
        self.fetched_from.get(key).map(|o| o - 1)
    }

    /// The lowest offset `group` ever fetched from `partition` (where its skips start
    /// counting), if it fetched there.
    pub fn first_fetched(&self, group: Option<&str>, partition: &TopicPartition) -> Option<i64> {
        self.fetched_from
            .get(&(group.map(str::to_string), partition.clone()))
            .copied()
    }

    /// The highest offset of `partition` that `group` processed, pruned records included.
    pub fn last_processed(&self, group: Option<&str>, partition: &TopicPartition) -> Option<i64> {
        let g = group.map(str::to_string);
        let held = self
            .counts
            .range(
                (g.clone(), partition.clone(), i64::MIN)..=(g.clone(), partition.clone(), i64::MAX),
            )
            .next_back()
            .map(|((_, _, o), _)| *o);
        let folded = self
            .pruned
            .get(&(g, partition.clone()))
            .filter(|p| p.processed_records > 0)
            .and_then(|p| p.last_processed);
        held.max(folded)
    }

    /// Records of `partition` below this offset are only counted in the totals.
    pub fn pruned_below(&self, group: Option<&str>, partition: &TopicPartition) -> i64 {
        self.pruned
            .get(&(group.map(str::to_string), partition.clone()))
            .map_or(0, |p| p.below)
    }

    /// Folds every group's counts of `partition` below `log_start` into its totals (no
    /// group can process those records again: they left the log).
    pub fn prune(&mut self, partition: &TopicPartition, log_start: i64) {
        let keys: Vec<(Option<String>, TopicPartition, i64)> = self
            .counts
            .keys()
            .filter(|(_, tp, o)| tp == partition && *o < log_start)
            .cloned()
            .collect();
        for key in keys {
            let Some(times) = self.counts.remove(&key) else {
                continue;
            };
            let (group, tp, offset) = key;
            let pkey = (group, tp);
            let start = self.start(&pkey);
            let last = self.pruned.get(&pkey).map_or(start, |p| p.last_processed);
            let not_records = last.map_or(0, |l| exempt_between(&self.exempt, &pkey.1, l, offset));
            let p = self.pruned.entry(pkey).or_insert_with(|| PrunedCounts {
                last_processed: start,
                ..PrunedCounts::default()
            });
            if let Some(last) = p.last_processed {
                p.skipped_records += u64::try_from(offset - last - 1)
                    .unwrap_or(0)
                    .saturating_sub(not_records);
            }
            p.last_processed = Some(offset);
            p.processed_records += 1;
            p.deliveries += u64::from(times);
            if times > 1 {
                p.duplicate_records += 1;
            }
        }
        for ((_, tp), p) in self.pruned.iter_mut() {
            if tp == partition && p.below < log_start {
                p.below = log_start;
            }
        }
        if let Some(set) = self.exempt.get_mut(partition) {
            *set = set.split_off(&log_start);
        }
    }

    /// An unclean election cut `partition`'s log back to `log_end`: the records at or above
    /// it are gone and their offsets will name other records. Their counts move into the
    /// group's retired totals; a group that had fetched only there starts afresh.
    pub fn truncate(&mut self, partition: &TopicPartition, log_end: i64) {
        let keys: Vec<(Option<String>, TopicPartition, i64)> = self
            .counts
            .keys()
            .filter(|(_, tp, o)| tp == partition && *o >= log_end)
            .cloned()
            .collect();
        for key in keys {
            if let Some(times) = self.counts.remove(&key) {
                self.retired.entry(key.0).or_default().add_record(times);
            }
        }
        self.fetched_from
            .retain(|(_, tp), from| tp != partition || *from < log_end);
        if let Some(set) = self.exempt.get_mut(partition) {
            set.split_off(&log_end);
        }
    }

    /// Offset `offset` of `partition` holds no record a consumer may be handed (a
    /// transaction marker, a record of an aborted transaction): moving past it is no skip.
    pub fn exempt(&mut self, partition: &TopicPartition, offset: i64) {
        self.exempt
            .entry(partition.clone())
            .or_default()
            .insert(offset);
    }

    /// Whether [`DeliveryLedger::exempt`] was called for this offset.
    pub fn is_exempt(&self, partition: &TopicPartition, offset: i64) -> bool {
        self.exempt
            .get(partition)
            .is_some_and(|set| set.contains(&offset))
    }

    /// `topic` was deleted: every count of its partitions moves into the retired totals
    /// (a topic created again under the name starts at offset 0).
    pub fn forget_topic(&mut self, topic: &str) {
        let keys: Vec<(Option<String>, TopicPartition, i64)> = self
            .counts
            .keys()
            .filter(|(_, tp, _)| tp.topic == topic)
            .cloned()
            .collect();
        let groups: std::collections::BTreeSet<Option<String>> = self
            .pruned
            .keys()
            .chain(self.fetched_from.keys())
            .filter(|(_, tp)| tp.topic == topic)
            .map(|(g, _)| g.clone())
            .chain(keys.iter().map(|(g, _, _)| g.clone()))
            .collect();
        // The skips are counted as `totals` counts them, before the records go.
        for g in groups {
            let before = self.topic_totals(g.as_deref(), topic);
            let r = self.retired.entry(g).or_default();
            r.processed_records += before.processed_records;
            r.deliveries += before.deliveries;
            r.duplicate_records += before.duplicate_records;
            r.skipped_records += before.skipped_records;
        }
        for key in keys {
            self.counts.remove(&key);
        }
        self.pruned.retain(|(_, tp), _| tp.topic != topic);
        self.fetched_from.retain(|(_, tp), _| tp.topic != topic);
        self.exempt.retain(|tp, _| tp.topic != topic);
    }

    /// `group`'s totals over the partitions of `topic` still counted (retired ones aside).
    fn topic_totals(&self, group: Option<&str>, topic: &str) -> DeliveryTotals {
        self.totals_where(group, |tp| tp.topic == topic)
    }

    /// `group`'s totals over every partition, pruned and retired records included.
    pub fn totals(&self, group: Option<&str>) -> DeliveryTotals {
        let mut t = self.totals_where(group, |_| true);
        if let Some(r) = self.retired.get(&group.map(str::to_string)) {
            t.processed_records += r.processed_records;
            t.deliveries += r.deliveries;
            t.duplicate_records += r.duplicate_records;
            t.skipped_records += r.skipped_records;
        }
        t
    }

    fn totals_where(
        &self,
        group: Option<&str>,
        keep: impl Fn(&TopicPartition) -> bool,
    ) -> DeliveryTotals {
        let group = group.map(str::to_string);
        let mut t = DeliveryTotals::default();
        let mut last: BTreeMap<&TopicPartition, Option<i64>> = BTreeMap::new();
        for ((g, tp), p) in &self.pruned {
            if *g == group && keep(tp) {
                t.processed_records += p.processed_records;
                t.deliveries += p.deliveries;
                t.duplicate_records += p.duplicate_records;
                t.skipped_records += p.skipped_records;
                last.insert(tp, p.last_processed);
            }
        }
        for ((g, tp, o), n) in &self.counts {
            if *g != group || !keep(tp) {
                continue;
            }
            t.add_record(*n);
            let prev = last
                .entry(tp)
                .or_insert_with(|| self.start(&(g.clone(), tp.clone())));
            if let Some(l) = *prev {
                t.skipped_records += u64::try_from(o - l - 1)
                    .unwrap_or(0)
                    .saturating_sub(exempt_between(&self.exempt, tp, l, *o));
            }
            *prev = Some(*o);
        }
        t
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

    /// Offsets in `from..to` of `partition` that `group` never processed (from the pruning
    /// point on: what lies below it is only in the totals).
    pub fn skipped(
        &self,
        group: Option<&str>,
        partition: &TopicPartition,
        from: i64,
        to: i64,
    ) -> Vec<i64> {
        (from.max(self.pruned_below(group, partition))..to)
            .filter(|o| {
                self.times_processed(group, partition, *o) == 0 && !self.is_exempt(partition, *o)
            })
            .collect()
    }
}
