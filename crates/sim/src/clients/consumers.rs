//! Consumers and their groups inside the world: the commands, the timers, the views.

use super::TimestampOffset;
use super::{consumer_settings, ConsumerSlot, GroupSlot, Intent, ProcessedOffset};
use crate::command::{Command, OffsetCommit};
use crate::consumer::{
    Consumer, ConsumerError, ConsumerRecord, FetchError, FetchedOffsets, IsolationLevel, LogReader,
    OffsetCommitRequest, OffsetStore, ProcessedRecord,
};
use crate::error::SimError;
use crate::event::Event;
use crate::group::{
    CoordinatorOutput, DeferredResponse, Group, GroupConfig, GroupError, GroupState,
    JoinGroupResponse, Reply, SyncGroupResponse,
};
use crate::offsets::GroupActivity;
use crate::scheduler::Timer;
use crate::types::{Offset, TopicPartition};
use crate::world::World;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The world as the consumer's fetch path sees it.
impl LogReader for World {
    fn fetch(
        &self,
        tp: &TopicPartition,
        offset: i64,
        max_records: usize,
        isolation: IsolationLevel,
    ) -> Result<Vec<ConsumerRecord>, FetchError> {
        let mut out = Vec::new();
        self.consumer_fetch(tp, offset, max_records, isolation, |v| {
            out.push(ConsumerRecord {
                topic: tp.topic.clone(),
                partition: tp.partition,
                offset: v.offset.0,
                timestamp_ms: v.timestamp_ms,
                key: v.key.map(|k| String::from_utf8_lossy(k).into_owned()),
                value: v.value.map(|k| String::from_utf8_lossy(k).into_owned()),
            })
        })?;
        Ok(out)
    }

    fn fetch_offsets(
        &self,
        tp: &TopicPartition,
        offset: i64,
        max_records: usize,
        isolation: IsolationLevel,
    ) -> Result<FetchedOffsets, FetchError> {
        let mut offsets = Vec::new();
        let next_offset = self.consumer_fetch(tp, offset, max_records, isolation, |v| {
            offsets.push(v.offset.0)
        })?;
        Ok(FetchedOffsets {
            offsets,
            next_offset,
        })
    }

    fn log_start_offset(&self, tp: &TopicPartition) -> Result<i64, FetchError> {
        self.partition(&tp.topic, tp.partition)
            .map(|p| p.log_start_offset().0)
            .ok_or(FetchError::UnknownTopicOrPartition)
    }

    fn high_watermark(&self, tp: &TopicPartition) -> Result<i64, FetchError> {
        self.partition(&tp.topic, tp.partition)
            .map(|p| p.high_watermark().0)
            .ok_or(FetchError::UnknownTopicOrPartition)
    }

    fn end_offset(
        &self,
        tp: &TopicPartition,
        isolation: IsolationLevel,
    ) -> Result<i64, FetchError> {
        self.partition(&tp.topic, tp.partition)
            .map(|p| match isolation {
                IsolationLevel::ReadUncommitted => p.high_watermark().0,
                IsolationLevel::ReadCommitted => p.last_stable_offset().0,
            })
            .ok_or(FetchError::UnknownTopicOrPartition)
    }

    fn partition_count(&self, topic: &str) -> Option<i32> {
        self.topic(topic).map(|t| t.partition_count())
    }
}

impl World {
    /// A consumer's fetch with its `isolation.level`, records copied (for tools such as the
    /// console consumer): up to `max_records` records from `offset`, and the offset the
    /// position moves to. Errors as [`World::fetch`].
    pub fn fetch_isolated(
        &self,
        tp: &TopicPartition,
        offset: Offset,
        max_records: usize,
        isolation: IsolationLevel,
    ) -> Result<crate::world::FetchResult, SimError> {
        let p = self.partition_checked(&tp.topic, tp.partition)?;
        if p.leader().is_none() {
            return Err(SimError::LeaderNotAvailable {
                topic: tp.topic.clone(),
                partition: tp.partition,
            });
        }
        p.log()
            .check_fetch_offset(&tp.topic, tp.partition, offset.0)?;
        let mut records = Vec::new();
        let next = self
            .consumer_fetch(tp, offset.0, max_records, isolation, |v| {
                records.push(v.to_record())
            })
            .map_err(|_| SimError::UnknownTopicOrPartition {
                topic: tp.topic.clone(),
                partition: Some(tp.partition),
            })?;
        Ok(crate::world::FetchResult {
            topic: tp.topic.clone(),
            partition: tp.partition,
            records,
            next_offset: Offset(next),
            high_watermark: p.high_watermark(),
            log_start_offset: p.log_start_offset(),
            log_end_offset: p.log_end_offset(),
        })
    }

    /// The broker's fetch for a consumer: hands each returned record to `each` and
    /// returns the next fetch offset. Reads below the high watermark (`read_committed`:
    /// the last stable offset), skips transaction markers (and, for `read_committed`,
    /// records of aborted transactions); a fetch that reached its upper bound moves the
    /// position there, past anything it skipped.
    fn consumer_fetch(
        &self,
        tp: &TopicPartition,
        offset: i64,
        max_records: usize,
        isolation: IsolationLevel,
        mut each: impl FnMut(&crate::log::RecordView<'_>),
    ) -> Result<i64, FetchError> {
        let p = self
            .partition_checked(&tp.topic, tp.partition)
            .map_err(|_| FetchError::UnknownTopicOrPartition)?;
        if p.leader().is_none() {
            // No leader right now: nothing to fetch, the consumer tries again next poll.
            return Ok(offset);
        }
        let log = p.log();
        if log
            .check_fetch_offset(&tp.topic, tp.partition, offset)
            .is_err()
        {
            return Err(FetchError::OffsetOutOfRange);
        }
        let committed_only = isolation == IsolationLevel::ReadCommitted;
        let upper = if committed_only {
            p.last_stable_offset()
        } else {
            p.high_watermark()
        };
        let mut taken = 0usize;
        let mut last = None;
        for v in log.read(Offset(offset), upper, usize::MAX) {
            if taken >= max_records {
                break;
            }
            if v.kind.is_marker() || (committed_only && log.is_aborted(&v)) {
                continue;
            }
            each(&v);
            taken += 1;
            last = Some(v.offset.0);
        }
        Ok(match last {
            Some(l) if taken >= max_records => l + 1,
            _ => offset.max(upper.0),
        })
    }
}

/// The offset store as a consumer sees it during one call: reads the committed offsets,
/// checks commits against the group and the brokers, and queues them; the world appends
/// them to `__consumer_offsets` when the call returns.
struct Store<'a> {
    world: &'a World,
    queued: Vec<(String, Vec<OffsetCommit>)>,
    world_error: Option<SimError>,
}

impl OffsetStore for Store<'_> {
    fn committed(&self, group_id: &str, tp: &TopicPartition) -> Option<i64> {
        self.world
            .committed_offset(group_id, tp)
            .map(|c| c.offset.0)
    }

    fn unstable(&self, group_id: &str, tp: &TopicPartition) -> bool {
        self.world
            .offset_store()
            .txn_pending()
            .iter()
            .any(|c| c.commit.group == group_id && c.commit.tp == *tp)
    }

    fn commit(&mut self, r: &OffsetCommitRequest) -> Result<(), GroupError> {
        match self.world.clients.groups.get(&r.group_id) {
            Some(g) => g.group.validate_offset_commit(
                &r.member_id,
                r.group_instance_id.as_deref(),
                r.generation_id,
            )?,
            None if r.generation_id >= 0 => {
                return Err(GroupError::UnknownMemberId {
                    member_id: r.member_id.clone(),
                })
            }
            None => {}
        }
        let commits: Vec<OffsetCommit> = r
            .offsets
            .iter()
            .map(|(tp, o)| OffsetCommit {
                topic: tp.topic.clone(),
                partition: tp.partition,
                offset: *o,
                metadata: String::new(),
                leader_epoch: None,
            })
            .collect();
        if let Err(e) = self.world.validate_commit(&r.group_id, &commits) {
            self.world_error = Some(e);
            return Err(GroupError::CoordinatorNotAvailable);
        }
        self.queued.push((r.group_id.clone(), commits));
        Ok(())
    }
}

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

enum Msg {
    Join(String, Result<JoinGroupResponse, GroupError>),
    Sync(String, Result<SyncGroupResponse, GroupError>),
}

fn queue_responses(out: Vec<DeferredResponse>, q: &mut VecDeque<Msg>) {
    for d in out {
        q.push_back(match d {
            DeferredResponse::Join {
                member_id,
                response,
            } => Msg::Join(member_id, response),
            DeferredResponse::Sync {
                member_id,
                response,
            } => Msg::Sync(member_id, response),
        });
    }
}

impl World {
    // ----- read accessors -------------------------------------------------------------

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
    pub fn consumer_settings(&self, name: &str) -> Option<&super::ConsumerSettings> {
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

    // ----- commands -------------------------------------------------------------------

    /// Client commands (consumers and producers); the admin commands are in `world.rs`.
    pub(crate) fn apply_client_command(
        &mut self,
        command: Command,
    ) -> Result<Vec<Event>, SimError> {
        let mut events = Vec::new();
        match command {
            Command::CreateConsumer { name, config } => {
                self.create_consumer(&name, &config, &mut events)?
            }
            Command::Subscribe { consumer, topics } => {
                self.subscribe(&consumer, topics, &mut events)?
            }
            Command::Assign {
                consumer,
                partitions,
            } => self.assign(&consumer, partitions, &mut events)?,
            Command::Unsubscribe { consumer } => self.unsubscribe(&consumer, &mut events)?,
            Command::Poll {
                consumer,
                max_records,
            } => self.poll(&consumer, max_records, &mut events)?,
            Command::Process {
                consumer,
                count,
                per_record_ms,
            } => self.process(&consumer, count, per_record_ms, &mut events)?,
            Command::CommitSync { consumer, offsets } => {
                self.commit(&consumer, offsets, true, &mut events)?
            }
            Command::CommitAsync { consumer, offsets } => {
                self.commit(&consumer, offsets, false, &mut events)?
            }
            Command::Seek {
                consumer,
                topic,
                partition,
                offset,
            } => {
                let tp = TopicPartition::new(topic, partition);
                self.consumer_call(&consumer, &mut events, |c, _, _| c.seek(&tp, offset))?
            }
            Command::SeekToBeginning {
                consumer,
                partitions,
            } => self.consumer_call(&consumer, &mut events, |c, _, _| {
                c.seek_to_beginning(&partitions)
            })?,
            Command::SeekToEnd {
                consumer,
                partitions,
            } => {
                self.consumer_call(&consumer, &mut events, |c, _, _| c.seek_to_end(&partitions))?
            }
            Command::OffsetsForTimes {
                consumer,
                timestamp_ms,
                partitions,
            } => self.offsets_for_times(&consumer, timestamp_ms, partitions, &mut events)?,
            Command::Pause {
                consumer,
                partitions,
            } => self.consumer_call(&consumer, &mut events, |c, _, _| c.pause(&partitions))?,
            Command::Resume {
                consumer,
                partitions,
            } => self.consumer_call(&consumer, &mut events, |c, _, _| c.resume(&partitions))?,
            Command::CloseConsumer { consumer } => self.close(&consumer, &mut events)?,
            Command::CrashConsumer { consumer } => self.crash(&consumer, &mut events)?,
            Command::RestartConsumer { consumer } => self.restart(&consumer, &mut events)?,
            Command::CreateProducer { name, config } => {
                self.create_producer(&name, &config, &mut events)?
            }
            Command::Send {
                producer,
                topic,
                partition,
                key,
                value,
                headers,
                timestamp_ms,
            } => self.send(
                &producer,
                &topic,
                partition,
                key,
                value,
                headers,
                timestamp_ms,
                &mut events,
            )?,
            Command::Flush { producer } => self.flush(&producer, &mut events)?,
            Command::CloseProducer { producer } => self.close_producer(&producer, &mut events)?,
            Command::CrashProducer { producer } => self.crash_producer(&producer, &mut events)?,
            Command::RestartProducer { producer } => {
                self.restart_producer(&producer, &mut events)?
            }
            Command::RunConsumer {
                consumer,
                commit,
                process_ms,
                idle_ms,
            } => self.run_consumer(&consumer, commit, process_ms, idle_ms, &mut events)?,
            Command::RunProducer {
                producer,
                topic,
                rate,
                keys,
            } => self.run_producer(&producer, &topic, rate, keys, &mut events)?,
            Command::StopApp { client } => self.stop_app_command(&client, &mut events)?,
            Command::InitTransactions { producer } => {
                self.init_transactions(&producer, &mut events)?
            }
            Command::BeginTransaction { producer } => {
                self.begin_transaction(&producer, &mut events)?
            }
            Command::SendOffsetsToTransaction {
                producer,
                offsets,
                group,
                consumer,
            } => self.send_offsets_to_transaction(
                &producer,
                &offsets,
                group.as_deref(),
                consumer.as_deref(),
                &mut events,
            )?,
            Command::CommitTransaction { producer } => {
                self.end_transaction(&producer, true, &mut events)?
            }
            Command::AbortTransaction { producer } => {
                self.end_transaction(&producer, false, &mut events)?
            }
            other => {
                return Err(SimError::InvalidRequest {
                    reason: format!("{other:?} is not a client command"),
                })
            }
        }
        self.reschedule_clients();
        Ok(events)
    }

    pub(crate) fn client_name_taken(&self, name: &str) -> bool {
        self.clients.consumers.contains_key(name) || self.clients.producers.contains_key(name)
    }

    fn create_consumer(
        &mut self,
        name: &str,
        props: &BTreeMap<String, String>,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        if name.trim().is_empty() {
            return Err(SimError::InvalidRequest {
                reason: "a consumer needs a name".into(),
            });
        }
        if self.client_name_taken(name) {
            return Err(SimError::ClientAlreadyExists { name: name.into() });
        }
        let settings = consumer_settings(name, props)?;
        self.check_external_store(settings.external_store.as_ref())?;
        let consumer = Consumer::new(settings.kafka.clone(), self.now_ms);
        events.push(Event::ConsumerCreated {
            consumer: name.to_string(),
            group: settings.kafka.group_id.clone(),
            client_id: settings.kafka.client_id.clone(),
        });
        self.clients.consumers.insert(
            name.to_string(),
            ConsumerSlot {
                consumer,
                settings,
                incarnation: 0,
                intent: Intent::None,
                processing: VecDeque::new(),
                last_batch: Vec::new(),
                next_metadata_refresh_ms: 0,
                wake: None,
            },
        );
        Ok(())
    }

    fn slot(&self, name: &str) -> Result<&ConsumerSlot, SimError> {
        self.clients
            .consumers
            .get(name)
            .ok_or_else(|| SimError::UnknownClient { name: name.into() })
    }

    /// Runs `f` on the consumer with the world as its log and offset store, then appends
    /// the commits it made and reports its events. If `f` fails, the consumer must have
    /// changed nothing (every consumer method checks before it acts), and the world
    /// changes nothing either.
    pub(crate) fn consumer_call<R>(
        &mut self,
        name: &str,
        events: &mut Vec<Event>,
        f: impl FnOnce(&mut Consumer, &World, &mut dyn OffsetStore) -> Result<R, ConsumerError>,
    ) -> Result<R, SimError> {
        let (r, world_error) = self.with_consumer(name, events, f)?;
        match r {
            Ok(v) => Ok(v),
            Err(e) => Err(world_error.unwrap_or_else(|| consumer_error(name, e))),
        }
    }

    /// Like [`World::consumer_call`], but hands back the consumer's own result.
    fn with_consumer<R>(
        &mut self,
        name: &str,
        events: &mut Vec<Event>,
        f: impl FnOnce(&mut Consumer, &World, &mut dyn OffsetStore) -> R,
    ) -> Result<(R, Option<SimError>), SimError> {
        let Some(mut slot) = self.clients.consumers.remove(name) else {
            return Err(SimError::UnknownClient { name: name.into() });
        };
        let (r, queued, world_error) = {
            let mut store = Store {
                world: self,
                queued: Vec::new(),
                world_error: None,
            };
            let r = f(&mut slot.consumer, self, &mut store);
            (r, store.queued, store.world_error)
        };
        let mut assigned = Vec::new();
        for e in slot.consumer.drain_events() {
            if let crate::consumer::ConsumerEvent::PartitionsAssigned { partitions } = &e {
                assigned.extend(partitions.iter().cloned());
            }
            events.push(Event::Consumer {
                consumer: name.to_string(),
                event: e,
            });
        }
        self.clients.consumers.insert(name.to_string(), slot);
        for (group, commits) in queued {
            // Checked by the store just before: this append cannot fail.
            if let Ok(evs) = self.commit_offsets(&group, &commits) {
                events.extend(evs);
            }
        }
        // `onPartitionsAssigned` of an application that keeps its offsets outside Kafka.
        self.seek_to_stored_offsets(name, &assigned, events);
        Ok((r, world_error))
    }

    fn ensure_running(&self, name: &str) -> Result<(), SimError> {
        let slot = self.slot(name)?;
        if slot.consumer.is_running() {
            return Ok(());
        }
        let message = if slot.consumer.is_crashed() {
            "This consumer crashed; restart it."
        } else {
            "This consumer has already been closed."
        };
        Err(consumer_error(
            name,
            ConsumerError::IllegalState {
                message: message.into(),
            },
        ))
    }

    /// The topic exists. (`__consumer_offsets` may be consumed by name, as in Kafka, where
    /// `exclude.internal.topics` only affects pattern subscriptions.)
    fn check_topic(&self, topic: &str) -> Result<(), SimError> {
        match self.topic(topic) {
            Some(_) => Ok(()),
            None => Err(SimError::UnknownTopicOrPartition {
                topic: topic.into(),
                partition: None,
            }),
        }
    }

    fn subscribe(
        &mut self,
        name: &str,
        topics: Vec<String>,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        self.ensure_running(name)?;
        if topics.is_empty() {
            // `subscribe(emptyList)` is `unsubscribe()`.
            return self.unsubscribe(name, events);
        }
        let list: Vec<&str> = topics.iter().map(String::as_str).collect();
        self.consumer_call(name, events, |c, _, _| c.subscribe(&list))?;
        // The metadata request for the subscription: a missing topic is created when the
        // consumer (`allow.auto.create.topics`) and the brokers allow it; otherwise the
        // consumer only warns and stays subscribed, as Kafka's does.
        let allow = self
            .clients
            .consumers
            .get(name)
            .is_some_and(|s| s.settings.allow_auto_create_topics);
        for t in &topics {
            if self.topic(t).is_none() {
                let evs = self.metadata_for_missing_topic(t, Some(name), allow);
                events.extend(evs);
            }
        }
        let now = self.now_ms;
        if let Some(s) = self.clients.consumers.get_mut(name) {
            s.intent = Intent::Subscribe(topics);
            s.next_metadata_refresh_ms = now.saturating_add(super::METADATA_MAX_AGE_MS);
        }
        Ok(())
    }

    fn assign(
        &mut self,
        name: &str,
        partitions: Vec<TopicPartition>,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        self.ensure_running(name)?;
        for tp in &partitions {
            self.check_topic(&tp.topic)?;
            self.partition_checked(&tp.topic, tp.partition)?;
        }
        self.consumer_call(name, events, |c, _, _| c.assign(&partitions))?;
        // An application with its offsets outside Kafka seeks right after `assign`.
        self.seek_to_stored_offsets(name, &partitions, events);
        if let Some(s) = self.clients.consumers.get_mut(name) {
            s.intent = Intent::Assign(partitions);
        }
        Ok(())
    }

    fn unsubscribe(&mut self, name: &str, events: &mut Vec<Event>) -> Result<(), SimError> {
        self.ensure_running(name)?;
        let leave = self.consumer_call(name, events, |c, _, _| c.unsubscribe())?;
        if let Some(s) = self.clients.consumers.get_mut(name) {
            s.intent = Intent::None;
        }
        self.send_leave(name, leave, events);
        Ok(())
    }

    fn group_of(&self, name: &str) -> Option<String> {
        self.clients
            .consumers
            .get(name)
            .and_then(|s| s.consumer.config().group_id.clone())
    }

    /// LeaveGroup for `member` of `name`'s group, and whatever answers that releases.
    fn send_leave(&mut self, name: &str, member: Option<String>, events: &mut Vec<Event>) {
        let (Some(member), Some(group)) = (member, self.group_of(name)) else {
            return;
        };
        let now = self.now_ms;
        let Some(g) = self.clients.groups.get_mut(&group) else {
            return;
        };
        let (_, out) = g.group.leave_group(&member, None, now);
        self.coordinator_output(&group, out, events);
    }

    pub(crate) fn poll(
        &mut self,
        name: &str,
        max_records: Option<usize>,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        self.ensure_running(name)?;
        if self.slot(name)?.intent == Intent::None {
            return Err(consumer_error(
                name,
                ConsumerError::IllegalState {
                    message: "Consumer is not subscribed to any topics or assigned any partitions"
                        .into(),
                },
            ));
        }
        let now = self.now_ms;
        // `metadata.max.age.ms`: a subscribed topic that was missing shows up at the next
        // metadata refresh after it is created.
        let refresh = self.clients.consumers.get_mut(name).is_some_and(|s| {
            let due = now >= s.next_metadata_refresh_ms;
            if due {
                s.next_metadata_refresh_ms = now.saturating_add(super::METADATA_MAX_AGE_MS);
            }
            due
        });
        self.with_consumer(name, events, |c, log, _| c.on_metadata(log, refresh))?;
        self.join_if_needed(name, events);
        let (result, _) = self.with_consumer(name, events, |c, log, store| {
            c.poll_offsets(now, max_records, log, store)
        })?;
        match result {
            Ok(records) => {
                let group = self.group_of(name);
                for (tp, offsets) in &records {
                    if let Some(&first) = offsets.first() {
                        self.clients.ledger.fetched(group.as_deref(), tp, first);
                    }
                }
                if let Some(s) = self.clients.consumers.get_mut(name) {
                    s.last_batch = records;
                }
            }
            Err(e) => events.push(failed(name, "poll", &e)),
        }
        Ok(())
    }

    /// The JoinGroup/SyncGroup round trips a poll makes when the consumer must (re)join.
    fn join_if_needed(&mut self, name: &str, events: &mut Vec<Event>) {
        let Some(slot) = self.clients.consumers.get(name) else {
            return;
        };
        if !slot.consumer.wants_to_join() {
            return;
        }
        let Some(group) = slot.consumer.config().group_id.clone() else {
            return;
        };
        let dead = self
            .clients
            .groups
            .get(&group)
            .is_some_and(|g| g.group.state() == GroupState::Dead);
        if dead || !self.clients.groups.contains_key(&group) {
            let seed = self.rng.next_u64();
            self.clients.groups.insert(
                group.clone(),
                GroupSlot {
                    group: Group::new(group.clone(), GroupConfig::default(), seed),
                    wake: None,
                },
            );
        }
        let now = self.now_ms;
        let Ok((Ok(mut req), _)) =
            self.with_consumer(name, events, |c, _, store| c.prepare_join(now, store))
        else {
            return;
        };
        let mut q = VecDeque::new();
        loop {
            let Some(g) = self.clients.groups.get_mut(&group) else {
                return;
            };
            let (reply, out) = g.group.join_group(req, now);
            self.group_events(out.events, events);
            queue_responses(out.responses, &mut q);
            match reply {
                Reply::Now(Err(e)) => {
                    // Errors the Java consumer throws from poll() rather than retrying.
                    if matches!(
                        e,
                        GroupError::InvalidSessionTimeout { .. }
                            | GroupError::InconsistentGroupProtocol
                    ) {
                        events.push(Event::ConsumerFailed {
                            consumer: name.to_string(),
                            operation: "poll".into(),
                            code: e.code().into(),
                            message: e.to_string(),
                        });
                    }
                    match self.with_consumer(name, events, |c, _, _| c.on_join_error(&e)) {
                        Ok((Ok(Some(again)), _)) => req = again,
                        Ok((Err(ce), _)) => {
                            events.push(failed(name, "poll", &ce));
                            break;
                        }
                        _ => break,
                    }
                }
                Reply::Now(Ok(r)) => {
                    q.push_back(Msg::Join(r.member_id.clone(), Ok(r)));
                    break;
                }
                Reply::Later => break,
            }
        }
        self.deliver(&group, q, events);
    }

    fn group_events(&self, group_events: Vec<crate::group::GroupEvent>, events: &mut Vec<Event>) {
        events.extend(group_events.into_iter().map(|event| Event::Group { event }));
    }

    fn coordinator_output(&mut self, group: &str, out: CoordinatorOutput, events: &mut Vec<Event>) {
        self.group_events(out.events, events);
        let mut q = VecDeque::new();
        queue_responses(out.responses, &mut q);
        self.deliver(group, q, events);
    }

    /// The running consumer of `group` whose member id is `member_id`. A static member
    /// learns its member id only from its first JoinGroup answer, so it is found by its
    /// `group.instance.id` until then.
    fn consumer_by_member(&self, group: &str, member_id: &str) -> Option<String> {
        let in_group = |s: &ConsumerSlot| {
            s.consumer.is_running() && s.consumer.config().group_id.as_deref() == Some(group)
        };
        if let Some((n, _)) = self
            .clients
            .consumers
            .iter()
            .find(|(_, s)| in_group(s) && s.consumer.member_id() == member_id)
        {
            return Some(n.clone());
        }
        let instance = self
            .group(group)?
            .members()
            .into_iter()
            .find(|m| m.member_id == member_id)?
            .group_instance_id?;
        self.clients
            .consumers
            .iter()
            .find(|(_, s)| {
                in_group(s)
                    && s.consumer.member_id().is_empty()
                    && s.consumer.config().group_instance_id.as_deref() == Some(instance.as_str())
            })
            .map(|(n, _)| n.clone())
    }

    /// Delivers the coordinator's answers; a JoinGroup answer makes the member send its
    /// SyncGroup (the leader's with the assignment), whose answers are delivered in turn.
    fn deliver(&mut self, group: &str, mut q: VecDeque<Msg>, events: &mut Vec<Event>) {
        let now = self.now_ms;
        while let Some(m) = q.pop_front() {
            match m {
                Msg::Join(member, resp) => {
                    let Some(name) = self.consumer_by_member(group, &member) else {
                        continue;
                    };
                    match resp {
                        Ok(r) => {
                            let Ok((res, _)) = self.with_consumer(&name, events, |c, log, _| {
                                c.on_join_response(&r, log, now)
                            }) else {
                                continue;
                            };
                            let req = match res {
                                Ok(req) => req,
                                Err(e) => {
                                    events.push(failed(&name, "poll", &e));
                                    continue;
                                }
                            };
                            let Some(g) = self.clients.groups.get_mut(group) else {
                                continue;
                            };
                            let (reply, out) = g.group.sync_group(req, now);
                            self.group_events(out.events, events);
                            queue_responses(out.responses, &mut q);
                            if let Reply::Now(res) = reply {
                                q.push_back(Msg::Sync(member, res));
                            }
                        }
                        Err(e) => self.join_failed(&name, &e, events),
                    }
                }
                Msg::Sync(member, resp) => {
                    let Some(name) = self.consumer_by_member(group, &member) else {
                        continue;
                    };
                    match resp {
                        Ok(r) => {
                            let _ = self.with_consumer(&name, events, |c, _, _| {
                                c.on_assignment(&r.assignment, now)
                            });
                        }
                        Err(e) => self.join_failed(&name, &e, events),
                    }
                }
            }
        }
    }

    fn join_failed(&mut self, name: &str, e: &GroupError, events: &mut Vec<Event>) {
        if let Ok((Err(ce), _)) = self.with_consumer(name, events, |c, _, _| c.on_join_error(e)) {
            events.push(failed(name, "poll", &ce));
        }
    }

    pub(crate) fn process(
        &mut self,
        name: &str,
        count: Option<usize>,
        per_record_ms: Option<i64>,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        self.ensure_running(name)?;
        let slot = self.slot(name)?;
        let per = per_record_ms.unwrap_or(slot.settings.processing_ms_per_record);
        if per < 0 {
            return Err(SimError::InvalidRequest {
                reason: format!("processing takes no negative time ({per} ms per record)"),
            });
        }
        // The application handles records one after another: new work starts when what it
        // is processing now is done.
        let start = slot
            .processing
            .back()
            .map_or(self.now_ms, |r| r.done_at_ms.max(self.now_ms));
        let done = self.consumer_call(name, events, |c, _, _| c.process(start, count, per))?;
        if let Some(s) = self.clients.consumers.get_mut(name) {
            s.processing.extend(done);
        }
        self.finish_processing(name, events);
        Ok(())
    }

    /// Records whose processing is done by now go into the delivery ledger.
    pub(crate) fn finish_processing(&mut self, name: &str, events: &mut Vec<Event>) {
        let now = self.now_ms;
        let Some(slot) = self.clients.consumers.get_mut(name) else {
            return;
        };
        let mut done = Vec::new();
        while slot.processing.front().is_some_and(|r| r.done_at_ms <= now) {
            if let Some(r) = slot.processing.pop_front() {
                done.push(r);
            }
        }
        if done.is_empty() {
            return;
        }
        let group = slot.consumer.config().group_id.clone();
        let mut records = Vec::with_capacity(done.len());
        for r in &done {
            let times = self.clients.ledger.record(r);
            records.push(ProcessedOffset {
                topic: r.partition.topic.clone(),
                partition: r.partition.partition,
                offset: Offset(r.offset),
                times,
            });
        }
        events.push(Event::RecordsProcessed {
            consumer: name.to_string(),
            group,
            records,
        });
        self.write_to_external_store(name, &done, events);
    }

    fn commit(
        &mut self,
        name: &str,
        offsets: Option<Vec<OffsetCommit>>,
        sync: bool,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        self.ensure_running(name)?;
        let explicit = match offsets {
            None => None,
            Some(list) => {
                let mut v = Vec::with_capacity(list.len());
                for c in list {
                    self.partition_checked(&c.topic, c.partition)?;
                    if c.offset < 0 {
                        return Err(SimError::InvalidOffset { offset: c.offset });
                    }
                    v.push((TopicPartition::new(c.topic, c.partition), c.offset));
                }
                Some(v)
            }
        };
        let now = self.now_ms;
        let before = events.len();
        self.consumer_call(name, events, |c, _, store| {
            if sync {
                c.commit_sync(now, explicit, store)
            } else {
                c.commit_async(now, explicit, store)
            }
        })?;
        if sync {
            self.wait_for_commits(name, before, events)?;
        }
        Ok(())
    }

    /// `commitSync` blocks until the coordinator acknowledges: the clock runs, one replica
    /// fetch at a time, until the commit records are replicated.
    fn wait_for_commits(
        &mut self,
        name: &str,
        from: usize,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        let appended = appended_commits(&events[from..]);
        let step = self.config.replica_fetch_delay_ms.max(1);
        let mut steps = 0;
        while appended
            .iter()
            .any(|(g, tp)| self.offset_store().has_pending(g, tp))
        {
            if steps > 3 {
                // Not replicated quickly (a follower is stuck): report and let it settle.
                events.push(Event::ConsumerFailed {
                    consumer: name.to_string(),
                    operation: "commitSync".into(),
                    code: "REQUEST_TIMED_OUT".into(),
                    message: "the commit is not replicated yet; it completes when the in-sync replicas catch up".into(),
                });
                break;
            }
            events.extend(self.advance(step)?);
            steps += 1;
        }
        Ok(())
    }

    fn offsets_for_times(
        &mut self,
        name: &str,
        timestamp_ms: i64,
        partitions: Vec<TopicPartition>,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        self.ensure_running(name)?;
        let tps = if partitions.is_empty() {
            self.slot(name)?.consumer.assignment()
        } else {
            partitions
        };
        let mut offsets = Vec::with_capacity(tps.len());
        for tp in tps {
            let p = self.partition_checked(&tp.topic, tp.partition)?;
            let hw = p.high_watermark();
            offsets.push(TimestampOffset {
                offset: p
                    .log()
                    .offset_for_timestamp(timestamp_ms)
                    .filter(|o| *o < hw),
                topic: tp.topic,
                partition: tp.partition,
            });
        }
        events.push(Event::OffsetsForTimes {
            consumer: name.to_string(),
            timestamp_ms,
            offsets,
        });
        Ok(())
    }

    fn abandon_processing(&mut self, name: &str, events: &mut Vec<Event>) {
        if let Some(s) = self.clients.consumers.get_mut(name) {
            let n = s.processing.len();
            s.processing.clear();
            if n > 0 {
                events.push(Event::ProcessingAbandoned {
                    consumer: name.to_string(),
                    records: n,
                });
            }
        }
    }

    fn close(&mut self, name: &str, events: &mut Vec<Event>) -> Result<(), SimError> {
        // `close()` on a closed consumer does nothing (KafkaConsumer.close is idempotent).
        if self.slot(name)?.consumer.is_closed() {
            return Ok(());
        }
        self.ensure_running(name)?;
        self.stop_app(name, "closed", events);
        self.finish_processing(name, events);
        self.abandon_processing(name, events);
        let now = self.now_ms;
        let (leave, _) = self.with_consumer(name, events, |c, _, store| c.close(now, store))?;
        self.send_leave(name, leave, events);
        Ok(())
    }

    fn crash(&mut self, name: &str, events: &mut Vec<Event>) -> Result<(), SimError> {
        self.ensure_running(name)?;
        self.stop_app(name, "crashed", events);
        self.finish_processing(name, events);
        self.abandon_processing(name, events);
        self.with_consumer(name, events, |c, _, _| c.crash())?;
        if let Some(s) = self.clients.consumers.get_mut(name) {
            s.last_batch.clear();
        }
        Ok(())
    }

    fn restart(&mut self, name: &str, events: &mut Vec<Event>) -> Result<(), SimError> {
        let slot = self.slot(name)?;
        if slot.consumer.is_running() {
            return Err(consumer_error(
                name,
                ConsumerError::IllegalState {
                    message: "This consumer is running; crash or close it first.".into(),
                },
            ));
        }
        let now = self.now_ms;
        let intent = slot.intent.clone();
        if let Some(s) = self.clients.consumers.get_mut(name) {
            s.consumer = Consumer::new(s.settings.kafka.clone(), now);
            s.incarnation = s.incarnation.saturating_add(1);
            s.processing.clear();
            s.last_batch.clear();
            s.intent = Intent::None;
            events.push(Event::ConsumerRestarted {
                consumer: name.to_string(),
                incarnation: s.incarnation,
            });
        }
        // The application runs its code again: the same subscribe or assign, if the topics
        // still exist.
        match intent {
            Intent::None => {}
            Intent::Subscribe(topics) => {
                let topics: Vec<String> = topics
                    .into_iter()
                    .filter(|t| self.topic(t).is_some())
                    .collect();
                if !topics.is_empty() {
                    self.subscribe(name, topics, events)?;
                }
            }
            Intent::Assign(partitions) => self.assign(name, partitions, events)?,
        }
        Ok(())
    }

    // ----- timers ---------------------------------------------------------------------

    pub(crate) fn fire_group_timer(&mut self, group: &str, events: &mut Vec<Event>) {
        let now = self.now_ms;
        let Some(g) = self.clients.groups.get_mut(group) else {
            return;
        };
        if g.wake.is_some_and(|w| w <= now) {
            g.wake = None;
        }
        if g.group.next_deadline().is_some_and(|d| d <= now) {
            let out = g.group.on_time(now);
            self.coordinator_output(group, out, events);
        }
        self.reschedule_clients();
    }

    pub(crate) fn fire_consumer_timer(&mut self, name: &str, events: &mut Vec<Event>) {
        let now = self.now_ms;
        let Some(s) = self.clients.consumers.get_mut(name) else {
            return;
        };
        if s.wake.is_some_and(|w| w <= now) {
            s.wake = None;
        }
        if !s.consumer.is_running() {
            return;
        }
        self.finish_processing(name, events);
        // The heartbeat thread's max.poll.interval.ms check.
        if self
            .consumer(name)
            .and_then(Consumer::poll_deadline_ms)
            .is_some_and(|d| d <= now)
        {
            if let Ok((leave, _)) =
                self.with_consumer(name, events, |c, _, _| c.check_poll_timeout(now))
            {
                self.send_leave(name, leave, events);
            }
        }
        // Heartbeat.
        if let Some(c) = self.consumer(name) {
            if c.is_running() && c.next_heartbeat_ms().is_some_and(|t| t <= now) {
                let member = c.member_id().to_string();
                let instance = c.config().group_instance_id.clone();
                let generation = c.generation();
                let result = match c
                    .config()
                    .group_id
                    .clone()
                    .and_then(|g| self.clients.groups.get_mut(&g))
                {
                    Some(g) => g
                        .group
                        .heartbeat(&member, instance.as_deref(), generation, now),
                    None => Err(GroupError::CoordinatorNotAvailable),
                };
                if let Ok((Err(e), _)) = self.with_consumer(name, events, |c, _, _| {
                    c.on_heartbeat_sent(now);
                    c.on_heartbeat_response(result)
                }) {
                    events.push(failed(name, "heartbeat", &e));
                }
            }
        }
        self.reschedule_clients();
    }

    /// Makes sure every group and consumer has a timer at its next deadline, and tells the
    /// offset store which groups are empty (for offset expiry).
    pub(crate) fn reschedule_clients(&mut self) {
        let now = self.now_ms;
        let mut timers = Vec::new();
        let mut activity = Vec::new();
        for (name, g) in &mut self.clients.groups {
            if let Some(d) = g.group.next_deadline() {
                let d = d.max(now);
                if g.wake.is_none_or(|w| d < w) {
                    g.wake = Some(d);
                    timers.push((
                        d,
                        Timer::GroupTimer {
                            group: name.clone(),
                        },
                    ));
                }
            }
            let empty = matches!(g.group.state(), GroupState::Empty | GroupState::Dead);
            activity.push((name.clone(), empty));
        }
        for (name, s) in &mut self.clients.consumers {
            if !s.consumer.is_running() {
                continue;
            }
            let next = [
                s.consumer.next_heartbeat_ms(),
                s.consumer.poll_deadline_ms(),
                s.processing.front().map(|r| r.done_at_ms),
            ]
            .into_iter()
            .flatten()
            .min();
            if let Some(d) = next {
                let d = d.max(now);
                if s.wake.is_none_or(|w| d < w) {
                    s.wake = Some(d);
                    timers.push((
                        d,
                        Timer::ConsumerTimer {
                            consumer: name.clone(),
                        },
                    ));
                }
            }
        }
        for (due, t) in timers {
            self.scheduler.schedule(due, t);
        }
        for (group, empty) in activity {
            let current = self.offset_store().group_activity(&group).cloned();
            let wanted = if empty {
                match current {
                    Some(GroupActivity::Empty { .. }) => continue,
                    _ => GroupActivity::Empty { since_ms: now },
                }
            } else {
                GroupActivity::Active {
                    subscribed_topics: None,
                }
            };
            if current.as_ref() != Some(&wanted) {
                self.set_group_activity(&group, Some(wanted));
            }
        }
        self.reschedule_producers();
        self.reschedule_apps();
    }

    /// An Empty group whose committed offsets were all deleted or expired is Dead (Kafka
    /// removes it from the coordinator's cache); a later join starts a new group.
    pub(crate) fn remove_forgotten_groups(&mut self, events: &mut Vec<Event>) {
        let touched: BTreeSet<String> = events
            .iter()
            .filter_map(|e| match e {
                Event::OffsetExpired { group, .. } | Event::OffsetDeleted { group, .. } => {
                    Some(group.clone())
                }
                _ => None,
            })
            .collect();
        for group in touched {
            let no_offsets = self
                .offset_store()
                .group_offsets(&group)
                .is_none_or(|o| o.is_empty());
            let Some(g) = self.clients.groups.get_mut(&group) else {
                continue;
            };
            if no_offsets && g.group.state() == GroupState::Empty {
                let out = g.group.mark_dead();
                self.group_events(out.events, events);
            }
        }
    }

    // ----- invariants -----------------------------------------------------------------

    /// Client invariants: within a group's current generation no partition has two owners
    /// (in the coordinator's view and in the consumers' own), processing queues are in
    /// time order, and every consumer's group exists once it joined.
    pub(crate) fn check_clients(&self) -> Result<(), String> {
        for (name, g) in &self.clients.groups {
            if g.group.group_id() != name {
                return Err(format!(
                    "group '{}' filed under '{name}'",
                    g.group.group_id()
                ));
            }
            let mut owners: BTreeMap<TopicPartition, String> = BTreeMap::new();
            if g.group.state() == GroupState::Stable {
                for m in g.group.members() {
                    for tp in m.assignment {
                        if let Some(other) = owners.insert(tp.clone(), m.member_id.clone()) {
                            return Err(format!(
                                "group {name}: {tp} assigned to both {other} and {}",
                                m.member_id
                            ));
                        }
                    }
                }
            }
            let generation = g.group.generation_id();
            let mut held: BTreeMap<TopicPartition, &str> = BTreeMap::new();
            for (cname, s) in &self.clients.consumers {
                let c = &s.consumer;
                if !c.is_running()
                    || c.config().group_id.as_deref() != Some(name.as_str())
                    || c.generation() != generation
                    || !g.group.has_member(c.member_id())
                {
                    continue;
                }
                for tp in c.assignment() {
                    if let Some(other) = held.insert(tp.clone(), cname) {
                        return Err(format!(
                            "group {name} generation {generation}: {tp} owned by consumers {other} and {cname}"
                        ));
                    }
                }
            }
        }
        for (name, s) in &self.clients.consumers {
            let sorted = s
                .processing
                .iter()
                .zip(s.processing.iter().skip(1))
                .all(|(a, b)| a.done_at_ms <= b.done_at_ms);
            if !sorted {
                return Err(format!("consumer {name}: processing out of time order"));
            }
            if !s.consumer.is_running() && !s.processing.is_empty() {
                return Err(format!("consumer {name} is down but still processing"));
            }
        }
        self.check_producers()?;
        self.check_apps()
    }
}
