//! What the UI and the tools read: a consumer's view, the groups, lag.

use crate::consumer::{Consumer, ConsumerRecord, IsolationLevel, LogReader, ProcessedRecord};
use crate::group::Group;
use crate::types::TopicPartition;
use crate::world::World;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Whether a consumer is running, crashed or closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientState {
    Running,
    Crashed,
    Closed,
}

/// One assigned partition as the UI shows it for a consumer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumerPartitionView {
    pub topic: String,
    pub partition: i32,
    /// Where the checker stands: the next offset `poll` returns (in memory only; `None`
    /// until the next poll initialises it).
    pub position: Option<i64>,
    /// The line in the group's notebook (`__consumer_offsets`): the next offset to read.
    pub committed: Option<i64>,
    pub high_watermark: i64,
    pub log_end_offset: i64,
    /// The last stable offset (below the first open transaction; the HW when none is open).
    #[serde(default)]
    pub last_stable_offset: i64,
    /// HW − position (LSO − position for `isolation.level=read_committed`): records
    /// available to this consumer and not fetched yet.
    pub lag: Option<i64>,
    pub paused: bool,
    /// Offsets between the committed offset and the position that the group has already
    /// processed: a crash now would process them again (at-least-once).
    pub processed_uncommitted: Vec<i64>,
}

/// What the UI shows for one consumer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumerView {
    pub name: String,
    pub state: ClientState,
    pub group: Option<String>,
    pub group_instance_id: Option<String>,
    pub member_id: String,
    pub generation: i32,
    pub incarnation: u32,
    pub partitions: Vec<ConsumerPartitionView>,
    /// The records the last poll returned.
    pub last_batch: Vec<ConsumerRecord>,
    /// Polled and not processed yet (a commit now would skip them if the consumer crashed).
    pub unprocessed: Vec<ConsumerRecord>,
    /// Being processed, each finishing at its `done_at_ms`.
    pub processing: Vec<ProcessedRecord>,
}

/// A row of `kafka-consumer-groups --describe`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LagRow {
    pub topic: String,
    pub partition: i32,
    /// CURRENT-OFFSET: the committed offset.
    pub committed: Option<i64>,
    pub log_end_offset: i64,
    /// LAG = LOG-END-OFFSET − CURRENT-OFFSET (`None` without a committed offset).
    pub lag: Option<i64>,
    /// CONSUMER-ID of the member that owns it in the current generation.
    pub member_id: Option<String>,
    /// CLIENT-ID of that member.
    pub client_id: Option<String>,
}

impl World {
    /// The consumer named `name` (its Kafka state machine).
    pub fn consumer(&self, name: &str) -> Option<&Consumer> {
        self.clients.consumers.get(name).map(|s| &s.consumer)
    }

    /// Every consumer's name, sorted.
    pub fn consumer_names(&self) -> impl Iterator<Item = &str> {
        self.clients.consumers.keys().map(String::as_str)
    }

    /// A consumer group as its coordinator sees it (state, generation, protocol, leader,
    /// members with their assignment).
    pub fn group(&self, group: &str) -> Option<&Group> {
        self.clients.groups.get(group).map(|g| &g.group)
    }

    /// Every group with a coordinator state, by name.
    pub fn groups(&self) -> impl Iterator<Item = &Group> {
        self.clients.groups.values().map(|g| &g.group)
    }

    /// How many times each group processed each record.
    pub fn delivery_ledger(&self) -> &crate::consumer::DeliveryLedger {
        &self.clients.ledger
    }

    /// A consumer's settings (its configs as the core uses them).
    pub fn consumer_settings(&self, name: &str) -> Option<&crate::clients::ConsumerSettings> {
        self.clients.consumers.get(name).map(|slot| &slot.settings)
    }

    /// What the UI shows for one consumer.
    pub fn consumer_view(&self, name: &str) -> Option<ConsumerView> {
        let slot = self.clients.consumers.get(name)?;
        let c = &slot.consumer;
        let group = c.config().group_id.clone();
        let paused: BTreeSet<TopicPartition> = c.paused().into_iter().collect();
        let partitions = c
            .assignment()
            .into_iter()
            .map(|tp| {
                let p = self.partition(&tp.topic, tp.partition);
                let hw = p.map_or(0, |p| p.high_watermark().0);
                let lso = p.map_or(0, |p| p.last_stable_offset().0);
                let leo = p.map_or(0, |p| p.log_end_offset().0);
                let end = match c.config().isolation_level {
                    IsolationLevel::ReadUncommitted => hw,
                    IsolationLevel::ReadCommitted => lso,
                };
                let position = c.known_position(&tp);
                let committed = group
                    .as_deref()
                    .and_then(|g| self.committed_offset(g, &tp))
                    .map(|o| o.offset.0);
                let from = committed.unwrap_or_else(|| p.map_or(0, |p| p.log_start_offset().0));
                let processed_uncommitted = (from..position.unwrap_or(from))
                    .filter(|o| {
                        self.clients
                            .ledger
                            .times_processed(group.as_deref(), &tp, *o)
                            > 0
                    })
                    .collect();
                ConsumerPartitionView {
                    committed,
                    processed_uncommitted,
                    high_watermark: hw,
                    log_end_offset: leo,
                    last_stable_offset: lso,
                    lag: position.map(|pos| (end - pos).max(0)),
                    position,
                    paused: paused.contains(&tp),
                    topic: tp.topic,
                    partition: tp.partition,
                }
            })
            .collect();
        Some(ConsumerView {
            name: name.to_string(),
            state: if c.is_running() {
                ClientState::Running
            } else if c.is_crashed() {
                ClientState::Crashed
            } else {
                ClientState::Closed
            },
            group,
            group_instance_id: c.config().group_instance_id.clone(),
            member_id: c.member_id().to_string(),
            generation: c.generation(),
            incarnation: slot.incarnation,
            partitions,
            last_batch: slot
                .last_batch
                .iter()
                .flat_map(|(tp, offsets)| self.records_at(tp, offsets))
                .collect(),
            unprocessed: {
                let mut runs: Vec<(TopicPartition, Vec<i64>)> = Vec::new();
                for (tp, o) in c.unprocessed() {
                    match runs.last_mut() {
                        Some((last, v)) if *last == tp => v.push(o),
                        _ => runs.push((tp, vec![o])),
                    }
                }
                runs.iter()
                    .flat_map(|(tp, offsets)| self.records_at(tp, offsets))
                    .collect()
            },
            processing: slot.processing.iter().cloned().collect(),
        })
    }

    /// The records at these offsets (ascending) of one partition, as far as still in the log.
    fn records_at(&self, tp: &TopicPartition, offsets: &[i64]) -> Vec<ConsumerRecord> {
        let (Some(&first), Some(&last)) = (offsets.first(), offsets.last()) else {
            return Vec::new();
        };
        let span = usize::try_from(last - first + 1).unwrap_or(0);
        LogReader::fetch(self, tp, first, span, IsolationLevel::ReadUncommitted)
            .map(|b| {
                b.into_iter()
                    .filter(|r| offsets.binary_search(&r.offset).is_ok())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `kafka-consumer-groups --describe --group G`: every partition of the topics the
    /// group has committed offsets for or is assigned, with LOG-END-OFFSET − CURRENT-OFFSET.
    pub fn group_lag(&self, group: &str) -> Vec<LagRow> {
        let mut owners: BTreeMap<TopicPartition, (String, String)> = BTreeMap::new();
        if let Some(g) = self.group(group) {
            for m in g.members() {
                for tp in m.assignment {
                    owners.insert(tp, (m.member_id.clone(), m.client_id.clone()));
                }
            }
        }
        let mut tps: BTreeSet<TopicPartition> = owners.keys().cloned().collect();
        if let Some(offsets) = self.offset_store().group_offsets(group) {
            tps.extend(offsets.keys().cloned());
        }
        tps.into_iter()
            .map(|tp| {
                let leo = self
                    .partition(&tp.topic, tp.partition)
                    .map_or(0, |p| p.log_end_offset().0);
                let committed = self.committed_offset(group, &tp).map(|c| c.offset.0);
                let owner = owners.get(&tp);
                LagRow {
                    lag: committed.map(|c| (leo - c).max(0)),
                    committed,
                    log_end_offset: leo,
                    member_id: owner.map(|o| o.0.clone()),
                    client_id: owner.map(|o| o.1.clone()),
                    topic: tp.topic,
                    partition: tp.partition,
                }
            })
            .collect()
    }
}
