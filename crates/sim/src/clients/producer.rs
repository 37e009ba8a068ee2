//! A producer client: the record accumulator (batches per partition, `linger.ms`,
//! `batch.size`), the partitioner, acks, retries on retriable errors and idempotence.
//!
//! `send` puts the record in the open batch of its partition; a batch is sent when it
//! reaches `batch.size` bytes, when it is `linger.ms` old, or at `flush`. The built-in
//! partitioner sends keyless records to one partition until `batch.size` bytes went there
//! (KIP-794), which is why batching and stickiness belong together.
//!
//! Retriable errors (`NOT_ENOUGH_REPLICAS`, `LEADER_NOT_AVAILABLE`, a write lost when the
//! leader changed, an `acks=all` request unanswered after `request.timeout.ms`) are retried
//! while `retries` and `delivery.timeout.ms` allow, after a backoff that doubles per attempt
//! from `retry.backoff.ms` (100) up to `retry.backoff.max.ms` (1000), ±20 % jitter from the
//! world's seeded source (Kafka 3.7+, KIP-580). A retry after a request timeout is the
//! classic source of duplicates: the first attempt may have been written after all. An idempotent producer (`enable.idempotence`, the default with
//! `acks=all`) numbers its records per partition (producer id, sequence) and the broker
//! recognises the retry of a sequence it already has (`DUPLICATE_SEQUENCE_NUMBER`): no
//! second copy. Simplification: the broker's last sequences are kept with the producer
//! here; Kafka keeps them in the partition's producer state (and snapshots).
//!
//! Kafka's classes: `RecordAccumulator` (batches, `linger.ms`, `batch.size`: a batch is
//! ready when full or lingered long enough, or on `flush`), `BuiltInPartitioner`
//! (KIP-794 stickiness), `Sender` (retries, `delivery.timeout.ms`, `request.timeout.ms`),
//! `ExponentialBackoff` (`retry.backoff.ms`, `retry.backoff.max.ms`), `ProducerStateManager`
//! / `ProducerAppendInfo` on the broker (duplicate sequence numbers), `ProducerConfig`
//! (idempotence needs `acks=all`).

use super::{producer_settings, ProducerSettings};
use crate::config::Acks;
use crate::error::SimError;
use crate::event::Event;
use crate::log::Header;
use crate::partitioner::{PartitionChoice, ProducerPartitionerState};
use crate::scheduler::Timer;
use crate::types::{Offset, TopicPartition};
use crate::world::World;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What happened in a producer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProducerEvent {
    /// `send`: the record waits in the open batch of its partition.
    RecordQueued {
        topic: String,
        partition: i32,
        chosen_by: PartitionChoice,
        /// Records now in that batch.
        batch_records: usize,
    },
    /// A batch went to the partition leader (`attempt` 1 is the first try).
    BatchSent {
        topic: String,
        partition: i32,
        records: usize,
        attempt: u32,
    },
    /// The send completed: the record is at `offset` (`acks=0`: the producer never learns
    /// whether it was written, and reports it sent).
    Acknowledged {
        topic: String,
        partition: i32,
        offset: Offset,
        sequence: Option<i32>,
    },
    /// A retriable error; the record is sent again at `retry_at_ms`.
    Retrying {
        topic: String,
        partition: i32,
        error: String,
        attempt: u32,
        retry_at_ms: i64,
    },
    /// The broker recognised a retried sequence it already had: no duplicate was written.
    DuplicateRejected {
        topic: String,
        partition: i32,
        sequence: i32,
        offset: Offset,
    },
    /// The send failed for good (the callback's exception).
    Failed {
        topic: String,
        partition: i32,
        error: String,
    },
    Closed,
    /// The producer's process died: the records still in its accumulator (`unsent`: open
    /// batches and batches waiting to be retried) are lost; those already written to a
    /// leader (`in_flight`) stay in the log, but no callback will ever report them.
    Crashed {
        unsent: usize,
        in_flight: usize,
    },
    /// A crashed or closed producer started again: a new `KafkaProducer`, with a new
    /// producer id if it is idempotent (its sequences start at 0 again).
    Restarted {
        producer_id: Option<i64>,
    },
    /// `initTransactions`: the coordinator gave the producer its id and epoch
    /// (`aborted_open`: it aborted a transaction an older instance had left open).
    TransactionsInitialized {
        transactional_id: String,
        producer_id: i64,
        epoch: i32,
        aborted_open: bool,
    },
    /// `beginTransaction`.
    TransactionBegun,
    /// `sendOffsetsToTransaction`: the offsets wait in `__consumer_offsets` for the
    /// transaction's end.
    OffsetsSentToTransaction {
        group: String,
        offsets: Vec<crate::command::OffsetCommit>,
    },
    /// `commitTransaction` wrote its COMMIT markers.
    TransactionCommitted {
        partitions: Vec<TopicPartition>,
        groups: Vec<String>,
    },
    /// `abortTransaction` wrote its ABORT markers.
    TransactionAborted {
        partitions: Vec<TopicPartition>,
        groups: Vec<String>,
    },
    /// `commitTransaction` could not commit: a send failed; the transaction must be
    /// aborted.
    TransactionFailed {
        reason: String,
    },
    /// `abortTransaction` dropped records that were still waiting to be sent.
    UnsentAborted {
        records: usize,
    },
}

/// A record in the accumulator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct PendingRecord {
    key: Option<String>,
    value: Option<String>,
    headers: Vec<Header>,
    timestamp_ms: Option<i64>,
    chosen_by: PartitionChoice,
    sequence: Option<i32>,
    /// When `send` was called (delivery.timeout.ms counts from here).
    created_ms: i64,
    attempts: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Batch {
    tp: TopicPartition,
    records: Vec<PendingRecord>,
    created_ms: i64,
    bytes: u64,
    /// Set for a batch waiting out its retry backoff.
    retry_at_ms: Option<i64>,
}

/// A record written and waiting for its acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct InFlight {
    record: PendingRecord,
    sent_ms: i64,
}

/// One producer client (`KafkaProducer`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Producer {
    settings: ProducerSettings,
    producer_id: Option<i64>,
    closed: bool,
    /// Its process died (`CrashProducer`); `RestartProducer` starts it again.
    #[serde(default)]
    crashed: bool,
    partitioner: BTreeMap<String, ProducerPartitionerState>,
    #[serde(with = "crate::serde_util::map_as_pairs")]
    open: BTreeMap<TopicPartition, Batch>,
    retries: Vec<Batch>,
    #[serde(with = "crate::serde_util::map_as_pairs")]
    in_flight: BTreeMap<(TopicPartition, i64), InFlight>,
    #[serde(with = "crate::serde_util::map_as_pairs")]
    next_sequence: BTreeMap<TopicPartition, i32>,
    /// The broker's view for an idempotent producer: sequence → offset written.
    #[serde(with = "crate::serde_util::map_as_pairs")]
    written: BTreeMap<(TopicPartition, i32), i64>,
    wake: Option<i64>,
    pub(crate) acknowledged: u64,
    pub(crate) failed: u64,
    /// A transactional producer's epoch and state.
    #[serde(default)]
    pub(crate) txn: super::TxnClient,
}

/// A batch waiting in a producer, as the UI shows it (passengers queueing on the platform).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducerBatchView {
    pub topic: String,
    pub partition: i32,
    /// (key, value) of each record, in send order.
    pub records: Vec<(Option<String>, Option<String>)>,
    pub created_ms: i64,
    /// When it is sent: `created_ms + linger.ms` for an open batch, the retry time for one
    /// waiting out its retry backoff.
    pub send_at_ms: i64,
    /// Waiting to be retried.
    pub retry: bool,
}

impl Producer {
    /// The open batches and those waiting to be retried.
    pub fn batches(&self) -> Vec<ProducerBatchView> {
        let view = |b: &Batch, retry: bool| ProducerBatchView {
            topic: b.tp.topic.clone(),
            partition: b.tp.partition,
            records: b
                .records
                .iter()
                .map(|r| (r.key.clone(), r.value.clone()))
                .collect(),
            created_ms: b.created_ms,
            send_at_ms: b
                .retry_at_ms
                .unwrap_or(b.created_ms.saturating_add(self.settings.linger_ms)),
            retry,
        };
        self.open
            .values()
            .map(|b| view(b, false))
            .chain(self.retries.iter().map(|b| view(b, true)))
            .collect()
    }

    pub fn settings(&self) -> &ProducerSettings {
        &self.settings
    }
    /// A transactional producer's epoch and state (`None` for other producers).
    pub fn transaction(&self) -> Option<&super::TxnClient> {
        self.settings.transactional_id.as_ref().map(|_| &self.txn)
    }
    /// `initTransactions` succeeded: the coordinator's producer id and epoch; sequences
    /// start again.
    pub(crate) fn set_transactional_identity(&mut self, producer_id: i64, epoch: i32) {
        self.producer_id = Some(producer_id);
        self.txn.epoch = Some(epoch);
        self.txn.state = super::TxnClientState::Ready;
        self.next_sequence.clear();
        self.written.clear();
    }
    /// The last sequence number this idempotent producer gave a record of `tp` (`None`
    /// before its first).
    pub fn last_sequence(&self, tp: &TopicPartition) -> Option<i32> {
        self.next_sequence
            .get(tp)
            .and_then(|next| next.checked_sub(1))
            .filter(|s| *s >= 0)
    }
    /// Records waiting out a retry backoff.
    pub(crate) fn retrying_records(&self) -> usize {
        self.retries.iter().map(|b| b.records.len()).sum()
    }
    /// Drops every record not sent yet (open batches and retries); returns how many.
    pub(crate) fn drop_unsent(&mut self) -> usize {
        let n = self.queued_records();
        self.open.clear();
        self.retries.clear();
        n
    }
    /// The idempotent producer id, if idempotent.
    pub fn producer_id(&self) -> Option<i64> {
        self.producer_id
    }
    /// Its process died and was not restarted.
    pub fn is_crashed(&self) -> bool {
        self.crashed
    }
    pub fn is_closed(&self) -> bool {
        self.closed
    }
    /// Records in open batches or waiting to be retried.
    pub fn queued_records(&self) -> usize {
        self.open.values().map(|b| b.records.len()).sum::<usize>()
            + self.retries.iter().map(|b| b.records.len()).sum::<usize>()
    }
    /// Records written and not acknowledged yet.
    pub fn in_flight_records(&self) -> usize {
        self.in_flight.len()
    }
    /// Sends that completed / failed for good.
    pub fn acknowledged_records(&self) -> u64 {
        self.acknowledged
    }
    pub fn failed_records(&self) -> u64 {
        self.failed
    }

    fn next_wake(&self) -> Option<i64> {
        let linger = self
            .open
            .values()
            .map(|b| b.created_ms.saturating_add(self.settings.linger_ms));
        let retry = self.retries.iter().filter_map(|b| b.retry_at_ms);
        let timeout = if self.settings.acks == Acks::All {
            self.in_flight
                .values()
                .map(|f| f.sent_ms.saturating_add(self.settings.request_timeout_ms))
                .min()
        } else {
            None
        };
        linger.chain(retry).chain(timeout).min()
    }
}

fn retriable(e: &SimError) -> bool {
    matches!(
        e,
        SimError::NotEnoughReplicas { .. }
            | SimError::LeaderNotAvailable { .. }
            | SimError::NotLeaderOrFollower { .. }
    )
}

pub(crate) fn pev(producer: &str, event: ProducerEvent) -> Event {
    Event::Producer {
        producer: producer.to_string(),
        event,
    }
}

impl World {
    /// The producer named `name`.
    pub fn producer(&self, name: &str) -> Option<&Producer> {
        self.clients.producers.get(name)
    }

    /// Every producer's name, sorted.
    pub fn producer_names(&self) -> impl Iterator<Item = &str> {
        self.clients.producers.keys().map(String::as_str)
    }

    pub(crate) fn create_producer(
        &mut self,
        name: &str,
        props: &BTreeMap<String, String>,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        if name.trim().is_empty() {
            return Err(SimError::InvalidRequest {
                reason: "a producer needs a name".into(),
            });
        }
        if self.client_name_taken(name) {
            return Err(SimError::ClientAlreadyExists { name: name.into() });
        }
        let settings = producer_settings(props)?;
        // A transactional producer gets its id from initTransactions.
        let producer_id = (settings.enable_idempotence && settings.transactional_id.is_none())
            .then(|| {
                let id = self.clients.next_producer_id;
                self.clients.next_producer_id += 1;
                id
            });
        self.clients.producers.insert(
            name.to_string(),
            Producer {
                settings,
                producer_id,
                closed: false,
                crashed: false,
                partitioner: BTreeMap::new(),
                open: BTreeMap::new(),
                retries: Vec::new(),
                in_flight: BTreeMap::new(),
                next_sequence: BTreeMap::new(),
                written: BTreeMap::new(),
                wake: None,
                acknowledged: 0,
                failed: 0,
                txn: super::TxnClient::default(),
            },
        );
        events.push(Event::ProducerCreated {
            producer: name.to_string(),
            producer_id,
        });
        Ok(())
    }

    pub(crate) fn open_producer(&self, name: &str) -> Result<&Producer, SimError> {
        let p = self
            .clients
            .producers
            .get(name)
            .ok_or_else(|| SimError::UnknownClient { name: name.into() })?;
        if p.crashed {
            return Err(SimError::InvalidRequest {
                reason: format!("producer '{name}' crashed: restart it first"),
            });
        }
        if p.closed {
            return Err(SimError::InvalidRequest {
                reason: format!("producer '{name}' is closed (IllegalStateException: Cannot perform operation after producer has been closed)"),
            });
        }
        Ok(p)
    }

    /// `send`: a record to a missing topic first makes the producer's metadata request
    /// create it when the brokers allow auto-creation (the client logs
    /// `LEADER_NOT_AVAILABLE`, then finds the new partitions).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn send(
        &mut self,
        name: &str,
        topic: &str,
        partition: Option<i32>,
        key: Option<String>,
        value: Option<String>,
        headers: Vec<Header>,
        timestamp_ms: Option<i64>,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        self.open_producer(name)?;
        self.txn_check_send(name)?;
        let created = self.auto_create_for_produce(topic, Some(name));
        let mut sent = Vec::new();
        let result = self
            .send_record(
                name,
                topic,
                partition,
                key,
                value,
                headers,
                timestamp_ms,
                &mut sent,
            )
            .map(|()| sent);
        let sent = self.finish_auto_create(created, result)?;
        // AddPartitionsToTxn: the partition joins the open transaction.
        for e in &sent {
            if let Event::Producer {
                event:
                    ProducerEvent::RecordQueued {
                        topic, partition, ..
                    },
                ..
            } = e
            {
                let tp = TopicPartition::new(topic.clone(), *partition);
                self.txn_add_partition(name, &tp);
            }
        }
        events.extend(sent);
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn send_record(
        &mut self,
        name: &str,
        topic: &str,
        partition: Option<i32>,
        key: Option<String>,
        value: Option<String>,
        headers: Vec<Header>,
        timestamp_ms: Option<i64>,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        let producer = self.open_producer(name)?;
        let t = self
            .topic(topic)
            .ok_or_else(|| SimError::UnknownTopicOrPartition {
                topic: topic.into(),
                partition,
            })?;
        if t.is_internal() {
            return Err(SimError::InvalidTopic {
                topic: topic.into(),
                reason: "is internal: clients cannot produce to it".into(),
            });
        }
        let n = t.partition_count();
        let rec = crate::log::NewRecord {
            key: key.as_deref().map(str::as_bytes),
            value: value.as_deref().map(str::as_bytes),
            headers: &headers,
        };
        let size = rec.size_in_bytes();
        if size > t.config().max_message_bytes.max(0) as u64 {
            return Err(SimError::MessageTooLarge {
                size,
                max_message_bytes: t.config().max_message_bytes,
            });
        }
        let kind = producer.settings.partitioner;
        // `partitioner.ignore.keys=true`: keyed records are partitioned as keyless ones.
        let ignore_keys = producer.settings.partitioner_ignore_keys;
        let batch_size = producer.settings.batch_size;
        let linger = producer.settings.linger_ms;
        let mut state = producer.partitioner.get(topic).cloned().unwrap_or_default();
        let available: Vec<i32> = t
            .partitions()
            .iter()
            .filter(|p| p.leader().is_some())
            .map(|p| p.index())
            .collect();
        let (p, chosen_by) = match partition {
            Some(p) if (0..n).contains(&p) => (p, PartitionChoice::Explicit),
            Some(p) => {
                return Err(SimError::UnknownTopicOrPartition {
                    topic: topic.into(),
                    partition: Some(p),
                })
            }
            None => state.choose(
                kind,
                &mut self.rng,
                key.as_deref().map(str::as_bytes).filter(|_| !ignore_keys),
                n,
                &available,
            ),
        };
        if chosen_by == PartitionChoice::Sticky {
            state.sticky.on_append(size, batch_size);
        }
        let now = self.now_ms;
        let tp = TopicPartition::new(topic, p);
        let Some(producer) = self.clients.producers.get_mut(name) else {
            return Err(SimError::UnknownClient { name: name.into() });
        };
        producer.partitioner.insert(topic.to_string(), state);
        let batch = producer.open.entry(tp.clone()).or_insert_with(|| Batch {
            tp: tp.clone(),
            records: Vec::new(),
            created_ms: now,
            bytes: 0,
            retry_at_ms: None,
        });
        batch.records.push(PendingRecord {
            key,
            value,
            headers,
            timestamp_ms,
            chosen_by,
            sequence: None,
            created_ms: now,
            attempts: 0,
        });
        batch.bytes = batch.bytes.saturating_add(size);
        let full = batch.bytes >= batch_size.max(0) as u64;
        events.push(pev(
            name,
            ProducerEvent::RecordQueued {
                topic: topic.into(),
                partition: p,
                chosen_by,
                batch_records: batch.records.len(),
            },
        ));
        if full || linger == 0 {
            if let Some(b) = producer.open.remove(&tp) {
                self.send_batch(name, b, events);
            }
        }
        Ok(())
    }

    pub(crate) fn flush(&mut self, name: &str, events: &mut Vec<Event>) -> Result<(), SimError> {
        self.open_producer(name)?;
        self.drain_producer(name, true, events);
        Ok(())
    }

    pub(crate) fn close_producer(
        &mut self,
        name: &str,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        self.open_producer(name)?;
        self.stop_app(name, "closed", events);
        self.drain_producer(name, true, events);
        if let Some(p) = self.clients.producers.get_mut(name) {
            p.closed = true;
        }
        events.push(pev(name, ProducerEvent::Closed));
        Ok(())
    }

    /// The producer's process dies. Deterministically: every record still in the
    /// accumulator (open batches, batches waiting out a retry backoff) is lost, without a
    /// callback; a record already handed to a partition leader is in that leader's log (it
    /// may still be replicated and committed, or truncated with a leader change) but the
    /// producer never hears of it. Its application stops.
    pub(crate) fn crash_producer(
        &mut self,
        name: &str,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        self.open_producer(name)?;
        self.stop_app(name, "crashed", events);
        let Some(p) = self.clients.producers.get_mut(name) else {
            return Err(SimError::UnknownClient { name: name.into() });
        };
        let unsent = p.open.values().map(|b| b.records.len()).sum::<usize>()
            + p.retries.iter().map(|b| b.records.len()).sum::<usize>();
        let in_flight = p.in_flight.len();
        p.open.clear();
        p.retries.clear();
        p.in_flight.clear();
        p.crashed = true;
        p.wake = None;
        events.push(pev(name, ProducerEvent::Crashed { unsent, in_flight }));
        Ok(())
    }

    /// A crashed or closed producer's process starts again with the same settings: a new
    /// `KafkaProducer`, so an idempotent one gets a new producer id (epoch 0) from the broker
    /// and numbers its records from sequence 0 again; its partitioner starts afresh.
    pub(crate) fn restart_producer(
        &mut self,
        name: &str,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        let Some(p) = self.clients.producers.get(name) else {
            return Err(SimError::UnknownClient { name: name.into() });
        };
        if !p.crashed && !p.closed {
            return Err(SimError::InvalidRequest {
                reason: format!("producer '{name}' is running: crash or close it first"),
            });
        }
        let new_id = (p.settings.enable_idempotence && p.settings.transactional_id.is_none())
            .then_some(self.clients.next_producer_id);
        if new_id.is_some() {
            self.clients.next_producer_id += 1;
        }
        let Some(p) = self.clients.producers.get_mut(name) else {
            return Err(SimError::UnknownClient { name: name.into() });
        };
        p.producer_id = new_id;
        p.crashed = false;
        p.closed = false;
        p.partitioner.clear();
        p.next_sequence.clear();
        p.written.clear();
        // A transactional producer must call initTransactions again.
        p.txn = super::TxnClient::default();
        events.push(Event::ProducerCreated {
            producer: name.to_string(),
            producer_id: new_id,
        });
        events.push(pev(
            name,
            ProducerEvent::Restarted {
                producer_id: new_id,
            },
        ));
        Ok(())
    }

    /// Sends the batches that are due (all open ones if `all`), and due retries.
    pub(crate) fn drain_producer(&mut self, name: &str, all: bool, events: &mut Vec<Event>) {
        let now = self.now_ms;
        let Some(p) = self.clients.producers.get_mut(name) else {
            return;
        };
        let linger = p.settings.linger_ms;
        let due: Vec<TopicPartition> = p
            .open
            .iter()
            .filter(|(_, b)| all || b.created_ms.saturating_add(linger) <= now)
            .map(|(tp, _)| tp.clone())
            .collect();
        let mut batches: Vec<Batch> = due.iter().filter_map(|tp| p.open.remove(tp)).collect();
        let (ready, waiting): (Vec<Batch>, Vec<Batch>) = std::mem::take(&mut p.retries)
            .into_iter()
            .partition(|b| b.retry_at_ms.is_none_or(|t| t <= now));
        p.retries = waiting;
        batches.extend(ready);
        for b in batches {
            self.send_batch(name, b, events);
        }
    }

    /// Writes a batch to its partition leader, record by record (a batch is one request
    /// in Kafka; the simulator appends its records in order).
    fn send_batch(&mut self, name: &str, mut batch: Batch, events: &mut Vec<Event>) {
        let now = self.now_ms;
        // A transactional producer writes transactional records; a fenced one's batch is
        // refused by the broker (the epoch is old).
        let kind = match self.txn_batch_kind(name) {
            Ok(kind) => kind,
            Err(e) => {
                if let Some(p) = self.clients.producers.get_mut(name) {
                    p.failed += batch.records.len() as u64;
                }
                events.push(pev(
                    name,
                    ProducerEvent::Failed {
                        topic: batch.tp.topic.clone(),
                        partition: batch.tp.partition,
                        error: e.to_string(),
                    },
                ));
                return;
            }
        };
        let Some(p) = self.clients.producers.get_mut(name) else {
            return;
        };
        let settings = p.settings.clone();
        let attempt = batch.records.first().map_or(1, |r| r.attempts + 1);
        if settings.enable_idempotence {
            for r in &mut batch.records {
                if r.sequence.is_none() {
                    let seq = p.next_sequence.entry(batch.tp.clone()).or_insert(0);
                    r.sequence = Some(*seq);
                    *seq = seq.wrapping_add(1);
                }
            }
        }
        events.push(pev(
            name,
            ProducerEvent::BatchSent {
                topic: batch.tp.topic.clone(),
                partition: batch.tp.partition,
                records: batch.records.len(),
                attempt,
            },
        ));
        let tp = batch.tp.clone();
        let mut records = std::mem::take(&mut batch.records).into_iter();
        while let Some(mut r) = records.next() {
            r.attempts += 1;
            // The broker's duplicate check for an idempotent producer.
            if let (Some(seq), Some(p)) = (r.sequence, self.clients.producers.get(name)) {
                if let Some(&offset) = p.written.get(&(tp.clone(), seq)) {
                    let still_there = self
                        .partition(&tp.topic, tp.partition)
                        .is_some_and(|part| Offset(offset) < part.log_end_offset());
                    if still_there {
                        events.push(pev(
                            name,
                            ProducerEvent::DuplicateRejected {
                                topic: tp.topic.clone(),
                                partition: tp.partition,
                                sequence: seq,
                                offset: Offset(offset),
                            },
                        ));
                        if let Some(p) = self.clients.producers.get_mut(name) {
                            if let Some(f) = p.in_flight.get_mut(&(tp.clone(), offset)) {
                                f.sent_ms = now;
                            }
                        }
                        continue;
                    }
                }
            }
            let result = self.produce_as(
                &tp.topic,
                Some(tp.partition),
                r.key.as_deref().map(str::as_bytes),
                r.value.as_deref().map(str::as_bytes),
                &r.headers,
                r.timestamp_ms,
                Some(settings.acks),
                kind,
            );
            match result {
                Ok(mut evs) => {
                    let mut offset = None;
                    for e in &mut evs {
                        if let Event::RecordAppended {
                            topic,
                            partition,
                            offset: o,
                            chosen_by,
                            ..
                        } = e
                        {
                            if *topic == tp.topic && *partition == tp.partition {
                                *chosen_by = r.chosen_by;
                                offset = Some(o.0);
                            }
                        }
                    }
                    events.extend(evs);
                    let Some(offset) = offset else { continue };
                    let Some(p) = self.clients.producers.get_mut(name) else {
                        continue;
                    };
                    if let Some(seq) = r.sequence {
                        p.written.insert((tp.clone(), seq), offset);
                    }
                    if settings.acks == Acks::None {
                        p.acknowledged += 1;
                        events.push(pev(
                            name,
                            ProducerEvent::Acknowledged {
                                topic: tp.topic.clone(),
                                partition: tp.partition,
                                offset: Offset(offset),
                                sequence: r.sequence,
                            },
                        ));
                    } else {
                        // acks=1 is acknowledged in these very events; `clients_observe`
                        // routes the ProduceAcknowledged to this producer.
                        p.in_flight.insert(
                            (tp.clone(), offset),
                            InFlight {
                                record: r,
                                sent_ms: now,
                            },
                        );
                    }
                }
                Err(e) if retriable(&e) => {
                    let mut rest = vec![r];
                    rest.extend(records.by_ref());
                    self.retry_or_fail(name, &tp, rest, &e.to_string(), events);
                    break;
                }
                Err(e) => {
                    if let Some(p) = self.clients.producers.get_mut(name) {
                        p.failed += 1;
                    }
                    self.txn_send_failed(name, &e.to_string());
                    events.push(pev(
                        name,
                        ProducerEvent::Failed {
                            topic: tp.topic.clone(),
                            partition: tp.partition,
                            error: e.to_string(),
                        },
                    ));
                }
            }
        }
    }

    /// Queues records for another attempt after the retry backoff (KIP-580: exponential from
    /// `retry.backoff.ms` to `retry.backoff.max.ms`, with jitter), or fails those out of
    /// retries or past `delivery.timeout.ms`.
    fn retry_or_fail(
        &mut self,
        name: &str,
        tp: &TopicPartition,
        records: Vec<PendingRecord>,
        error: &str,
        events: &mut Vec<Event>,
    ) {
        let now = self.now_ms;
        let Some(p) = self.clients.producers.get_mut(name) else {
            return;
        };
        let s = p.settings.clone();
        // Kafka's `RecordAccumulator` waits `backoff(attempts - 1)` before a batch's next try.
        let attempts = records.iter().map(|r| r.attempts).max().unwrap_or(1);
        let backoff = retry_backoff(
            s.retry_backoff_ms,
            s.retry_backoff_max_ms,
            attempts.saturating_sub(1),
            &mut self.rng,
        );
        let retry_at = now.saturating_add(backoff);
        let (keep, give_up): (Vec<PendingRecord>, Vec<PendingRecord>) =
            records.into_iter().partition(|r| {
                i64::from(r.attempts) <= s.retries
                    && retry_at < r.created_ms.saturating_add(s.delivery_timeout_ms)
            });
        for _ in &give_up {
            p.failed += 1;
            events.push(pev(
                name,
                ProducerEvent::Failed {
                    topic: tp.topic.clone(),
                    partition: tp.partition,
                    error: format!("{error} (out of retries or past delivery.timeout.ms)"),
                },
            ));
        }
        if !give_up.is_empty() && p.txn.state == super::TxnClientState::InTransaction {
            p.txn.state = super::TxnClientState::AbortableError {
                reason: format!("a send to {tp} failed: {error}"),
            };
        }
        if let Some(first) = keep.first() {
            events.push(pev(
                name,
                ProducerEvent::Retrying {
                    topic: tp.topic.clone(),
                    partition: tp.partition,
                    error: error.to_string(),
                    attempt: first.attempts + 1,
                    retry_at_ms: retry_at,
                },
            ));
            p.retries.push(Batch {
                tp: tp.clone(),
                records: keep,
                created_ms: now,
                bytes: 0,
                retry_at_ms: Some(retry_at),
            });
        }
    }

    pub(crate) fn fire_producer_timer(&mut self, name: &str, events: &mut Vec<Event>) {
        let now = self.now_ms;
        let Some(p) = self.clients.producers.get_mut(name) else {
            return;
        };
        if p.wake.is_some_and(|w| w <= now) {
            p.wake = None;
        }
        // acks=all requests unanswered for request.timeout.ms are sent again.
        if p.settings.acks == Acks::All {
            let timeout = p.settings.request_timeout_ms;
            let expired: Vec<(TopicPartition, i64)> = p
                .in_flight
                .iter()
                .filter(|(_, f)| f.sent_ms.saturating_add(timeout) <= now)
                .map(|(k, _)| k.clone())
                .collect();
            let mut by_tp: BTreeMap<TopicPartition, Vec<PendingRecord>> = BTreeMap::new();
            for k in expired {
                if let Some(f) = p.in_flight.get_mut(&k) {
                    // Without idempotence the first write is forgotten: if it lands after
                    // all, it is a second copy.
                    if p.settings.enable_idempotence {
                        f.sent_ms = now;
                        by_tp.entry(k.0.clone()).or_default().push(f.record.clone());
                    } else if let Some(f) = p.in_flight.remove(&k) {
                        by_tp.entry(k.0.clone()).or_default().push(f.record);
                    }
                }
            }
            for (tp, records) in by_tp {
                self.retry_or_fail(name, &tp, records, "REQUEST_TIMED_OUT", events);
            }
        }
        self.drain_producer(name, false, events);
        self.reschedule_producers();
    }

    /// What clients learn from the cluster's events: producers their acknowledgements and
    /// lost writes; groups that their last offsets are gone.
    pub(crate) fn clients_observe(&mut self, events: &mut Vec<Event>) {
        self.remove_forgotten_groups(events);
        self.prune_below_log_start(events);
        self.forget_lost_offsets(events);
        if self.clients.producers.is_empty() {
            return;
        }
        let mut extra = Vec::new();
        let mut lost = Vec::new();
        for e in events.iter() {
            let (topic, partition, offset, ok, error) = match e {
                Event::ProduceAcknowledged {
                    topic,
                    partition,
                    offset,
                } => (topic, *partition, *offset, true, None),
                Event::ProduceFailed {
                    topic,
                    partition,
                    offset,
                    error,
                } => (topic, *partition, *offset, false, Some(error)),
                _ => continue,
            };
            let key = (TopicPartition::new(topic.clone(), partition), offset.0);
            for (name, p) in &mut self.clients.producers {
                let Some(f) = p.in_flight.remove(&key) else {
                    continue;
                };
                if ok {
                    p.acknowledged += 1;
                    extra.push(pev(
                        name,
                        ProducerEvent::Acknowledged {
                            topic: topic.clone(),
                            partition,
                            offset,
                            sequence: f.record.sequence,
                        },
                    ));
                } else {
                    if let Some(seq) = f.record.sequence {
                        p.written.remove(&(key.0.clone(), seq));
                    }
                    lost.push((
                        name.clone(),
                        key.0.clone(),
                        f.record,
                        error.cloned().unwrap_or_default(),
                    ));
                }
                break;
            }
        }
        for (name, tp, record, error) in lost {
            self.retry_or_fail(&name, &tp, vec![record], &error, &mut extra);
        }
        events.extend(extra);
        self.reschedule_producers();
    }

    /// Records below a partition's new log start offset can never be fetched or written
    /// again: the delivery ledger folds their counts into totals, and idempotent producers
    /// forget the sequences written there, so a long played session stays bounded.
    fn prune_below_log_start(&mut self, events: &[Event]) {
        for e in events {
            let Event::LogStartOffsetAdvanced {
                topic,
                partition,
                to,
                ..
            } = e
            else {
                continue;
            };
            let tp = TopicPartition::new(topic.clone(), *partition);
            self.clients.ledger.prune(&tp, to.0);
            for p in self.clients.producers.values_mut() {
                p.written
                    .retain(|(t, _), offset| *t != tp || *offset >= to.0);
            }
        }
    }

    /// Offsets that will be given to other records: an unclean election cut a log back, or
    /// a topic was deleted. The delivery ledger retires its counts there; idempotent
    /// producers forget the sequences written there (the broker's producer state is the
    /// new leader's, which never had them). Batches for a deleted topic fail
    /// (`UNKNOWN_TOPIC_OR_PARTITION`); the producer drops the topic's partitioner state.
    fn forget_lost_offsets(&mut self, events: &mut Vec<Event>) {
        let mut failed = Vec::new();
        for e in events.iter() {
            match e {
                Event::UncleanLeaderElected {
                    topic,
                    partition,
                    log_end_offset,
                    ..
                } => {
                    let tp = TopicPartition::new(topic.clone(), *partition);
                    self.clients.ledger.truncate(&tp, log_end_offset.0);
                    for p in self.clients.producers.values_mut() {
                        p.written
                            .retain(|(t, _), offset| *t != tp || *offset < log_end_offset.0);
                    }
                }
                Event::TopicDeleted { topic, .. } => {
                    self.clients.ledger.forget_topic(topic);
                    for (name, p) in &mut self.clients.producers {
                        let gone = |tp: &TopicPartition| tp.topic == *topic;
                        let mut lost: Vec<(i32, usize)> = Vec::new();
                        p.open.retain(|tp, b| {
                            if gone(tp) {
                                lost.push((tp.partition, b.records.len()));
                            }
                            !gone(tp)
                        });
                        p.retries.retain(|b| {
                            if gone(&b.tp) {
                                lost.push((b.tp.partition, b.records.len()));
                            }
                            !gone(&b.tp)
                        });
                        p.in_flight.retain(|(tp, _), _| {
                            if gone(tp) {
                                lost.push((tp.partition, 1));
                            }
                            !gone(tp)
                        });
                        p.next_sequence.retain(|tp, _| !gone(tp));
                        p.written.retain(|(tp, _), _| !gone(tp));
                        p.partitioner.remove(topic);
                        for (partition, n) in lost {
                            p.failed += n as u64;
                            for _ in 0..n {
                                failed.push(pev(
                                    name,
                                    ProducerEvent::Failed {
                                        topic: topic.clone(),
                                        partition,
                                        error: "UNKNOWN_TOPIC_OR_PARTITION".into(),
                                    },
                                ));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        events.extend(failed);
    }

    pub(crate) fn reschedule_producers(&mut self) {
        let now = self.now_ms;
        let mut timers = Vec::new();
        for (name, p) in &mut self.clients.producers {
            if let Some(d) = p.next_wake() {
                let d = d.max(now);
                if p.wake.is_none_or(|w| d < w) {
                    p.wake = Some(d);
                    timers.push((
                        d,
                        Timer::ProducerTimer {
                            producer: name.clone(),
                        },
                    ));
                }
            }
        }
        for (due, t) in timers {
            self.scheduler.schedule(due, t);
        }
    }

    pub(crate) fn check_producers(&self) -> Result<(), String> {
        for (name, p) in &self.clients.producers {
            for (tp, offset) in p.in_flight.keys() {
                let Some(part) = self.partition(&tp.topic, tp.partition) else {
                    return Err(format!("producer {name}: in flight to missing {tp}"));
                };
                if *offset < 0 || Offset(*offset) >= part.log_end_offset() {
                    return Err(format!(
                        "producer {name}: in-flight offset {offset} of {tp} is not in the log"
                    ));
                }
            }
            if p.open.values().any(|b| b.records.is_empty()) {
                return Err(format!("producer {name}: an empty open batch"));
            }
        }
        Ok(())
    }
}

/// The backoff before the next try of a batch that failed `retries_so_far + 1` times, as
/// Kafka 3.7+ computes it (KIP-580, `ExponentialBackoff` with multiplier 2 and jitter 0.2):
/// `retry.backoff.ms × 2^retries_so_far`, capped at `retry.backoff.max.ms`, times a random
/// factor in [0.8, 1.2) drawn from the world's seeded source, and never above the cap. When the
/// cap is not above `retry.backoff.ms`, the backoff is the cap, without jitter.
///
/// Integer arithmetic only (millionths for the factor), so native and wasm builds agree.
pub(crate) fn retry_backoff(
    initial_ms: i64,
    max_ms: i64,
    retries_so_far: u32,
    rng: &mut crate::rng::SimRng,
) -> i64 {
    let max_ms = max_ms.max(0);
    let initial_ms = initial_ms.clamp(0, max_ms);
    if max_ms <= initial_ms {
        return initial_ms;
    }
    let mut term = initial_ms;
    for _ in 0..retries_so_far {
        if term == 0 || term >= max_ms {
            break;
        }
        term = term.saturating_mul(2);
    }
    let term = term.min(max_ms);
    let factor = 800_000 + i128::from(rng.below(400_000));
    let jittered = i128::from(term) * factor / 1_000_000;
    i64::try_from(jittered).unwrap_or(max_ms).min(max_ms)
}

#[cfg(test)]
mod tests {
    use super::retry_backoff;
    use crate::rng::SimRng;

    #[test]
    fn the_backoff_doubles_from_retry_backoff_ms_with_jitter_up_to_the_cap() {
        // Kafka's defaults: 100 ms, then 200, 400, 800, then 1000 (each ±20 %, never above
        // the cap).
        let bounds = [
            (80, 120),
            (160, 240),
            (320, 480),
            (640, 960),
            (800, 1000),
            (800, 1000),
        ];
        let mut rng = SimRng::new(5);
        for (retries, (lo, hi)) in bounds.iter().enumerate() {
            let mut seen = (i64::MAX, i64::MIN);
            for _ in 0..2000 {
                let b = retry_backoff(100, 1000, retries as u32, &mut rng);
                assert!(
                    (*lo..=*hi).contains(&b),
                    "retry {retries}: {b} not in {lo}..={hi}"
                );
                seen = (seen.0.min(b), seen.1.max(b));
            }
            // The jitter goes both ways (below the cap).
            assert!(seen.0 < lo + 10, "retry {retries}: lowest {}", seen.0);
            assert!(seen.1 > hi - 10, "retry {retries}: highest {}", seen.1);
        }
        assert!(retry_backoff(100, 1000, u32::MAX, &mut rng) <= 1000);
    }

    #[test]
    fn a_cap_not_above_the_initial_backoff_is_a_constant_backoff_without_jitter() {
        let mut rng = SimRng::new(1);
        let before = rng.clone();
        assert_eq!(retry_backoff(500, 200, 0, &mut rng), 200);
        assert_eq!(retry_backoff(500, 200, 7, &mut rng), 200);
        assert_eq!(retry_backoff(100, 100, 3, &mut rng), 100);
        assert_eq!(retry_backoff(0, 0, 3, &mut rng), 0);
        assert_eq!(rng, before, "no random draw without jitter");
    }

    #[test]
    fn the_same_seed_gives_the_same_backoffs() {
        let draw = |seed| {
            let mut rng = SimRng::new(seed);
            (0..10)
                .map(|n| retry_backoff(100, 1000, n, &mut rng))
                .collect::<Vec<_>>()
        };
        assert_eq!(draw(9), draw(9));
        assert_ne!(draw(9), draw(10));
    }
}
