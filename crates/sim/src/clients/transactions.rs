//! Transactions (KIP-98) and exactly-once read-process-write (KIP-447): the transaction
//! coordinator and a transactional producer's side of it.
//!
//! A producer with `transactional.id` calls `initTransactions`: the coordinator gives it
//! a producer id and an epoch (the same id with the epoch one higher when the
//! `transactional.id` was seen before), aborts a transaction an older instance left open,
//! and so fences that instance: its next call throws `ProducerFencedException`. Then, per
//! transaction, `beginTransaction`, sends, optionally `sendOffsetsToTransaction`, and
//! `commitTransaction` or `abortTransaction`.
//!
//! - A record sent in a transaction is appended to its partition at once, as a
//!   transactional record of the producer id; the partition joins the transaction
//!   (`AddPartitionsToTxn`) when the first record for it is sent.
//! - Ending the transaction writes a **marker** (a control record) to every partition of
//!   the transaction: it takes an offset of its own, which no consumer ever returns.
//! - Each partition keeps its open transactions: the **last stable offset** (LSO) is the
//!   first offset of the oldest one (the high watermark when none is open). A
//!   `read_committed` consumer reads below the LSO and skips records of aborted
//!   transactions; its `seekToEnd`, `latest` and lag use the LSO.
//! - `sendOffsetsToTransaction` adds the group's `__consumer_offsets` partition to the
//!   transaction (`AddOffsetsToTxn`) and appends the offsets there as transactional
//!   records (`TxnOffsetCommit`); they become the group's committed offsets only when the
//!   COMMIT marker written there is replicated, and vanish on ABORT. With a consumer's
//!   group metadata the group checks its generation and member id (a zombie is refused
//!   with `CommitFailedException`, KIP-447).
//! - A transaction open longer than `transaction.timeout.ms` (60000) is aborted by the
//!   coordinator, which bumps the epoch: the producer is fenced.
//!
//! Kafka's classes: `KafkaProducer`, `TransactionManager` (client states: UNINITIALIZED,
//! READY, IN_TRANSACTION, ABORTABLE_ERROR, FATAL_ERROR), `TransactionCoordinator` and
//! `TransactionMetadata` (states Empty, Ongoing, CompleteCommit, CompleteAbort),
//! `ProducerStateManager` (the first unstable offset), `GroupCoordinator` (transactional
//! offset commits).
//!
//! Simplifications, said plainly: the coordinator's own log (`__transaction_state`) is not
//! a topic here and the coordinator never fails; ending a transaction writes every marker
//! in the same step (Kafka first records PrepareCommit, then writes the markers), so it
//! needs every partition of the transaction to have a leader, or it is refused with a
//! `TimeoutException` and may be retried; a commit while records wait out a retry backoff
//! is refused the same way.
//!
//! A consumer that needs its committed offset while offsets sent to a transaction are
//! pending for that partition does not read it yet (KIP-447: OffsetFetch with
//! `require_stable` answers `UNSTABLE_OFFSET_COMMIT` and the Java consumer retries): its
//! polls skip the partition until the transaction has ended.

use super::producer::{pev, ProducerEvent};
use crate::command::OffsetCommit;
use crate::error::SimError;
use crate::event::Event;
use crate::group::GroupError;
use crate::log::{BatchKind, MAX_TXN_PRODUCER_ID};
use crate::offsets::{self, OffsetAndMetadata, PendingCommit, TxnPendingCommit, OFFSETS_TOPIC};
use crate::scheduler::Timer;
use crate::types::{Offset, TopicPartition};
use crate::world::World;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// The highest epoch before the coordinator hands out a new producer id.
const MAX_EPOCH: i32 = i16::MAX as i32 - 1;

/// A transaction's state at the coordinator (`TransactionState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TxnState {
    /// No transaction open.
    Empty,
    /// A transaction is open: partitions or offsets were added to it.
    Ongoing,
    /// The last transaction committed.
    CompleteCommit,
    /// The last transaction aborted.
    CompleteAbort,
}

impl TxnState {
    /// Kafka's name (`kafka-transactions --describe`).
    pub fn name(self) -> &'static str {
        match self {
            TxnState::Empty => "Empty",
            TxnState::Ongoing => "Ongoing",
            TxnState::CompleteCommit => "CompleteCommit",
            TxnState::CompleteAbort => "CompleteAbort",
        }
    }
}

/// The coordinator's entry for one `transactional.id` (`TransactionMetadata`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxnMeta {
    pub transactional_id: String,
    pub producer_id: i64,
    pub epoch: i32,
    pub state: TxnState,
    /// Partitions of the open transaction.
    pub partitions: BTreeSet<TopicPartition>,
    /// Groups whose offsets were sent to the open transaction.
    pub groups: BTreeSet<String>,
    /// When the open transaction started (its first partition or group was added).
    pub started_ms: Option<i64>,
    pub timeout_ms: i64,
}

/// A transactional producer's client state (`TransactionManager.State`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TxnClientState {
    /// `initTransactions` was not called (yet, or since a restart).
    #[default]
    Uninitialized,
    /// Initialized; no transaction open.
    Ready,
    /// Between `beginTransaction` and its commit or abort.
    InTransaction,
    /// A send of the open transaction failed: only `abortTransaction` is allowed.
    AbortableError { reason: String },
}

impl TxnClientState {
    /// Kafka's name for the state, as its exceptions print it.
    pub fn name(&self) -> &'static str {
        match self {
            TxnClientState::Uninitialized => "UNINITIALIZED",
            TxnClientState::Ready => "READY",
            TxnClientState::InTransaction => "IN_TRANSACTION",
            TxnClientState::AbortableError { .. } => "ABORTABLE_ERROR",
        }
    }
}

/// A transactional producer's side: its epoch and state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxnClient {
    /// Set by `initTransactions`.
    pub epoch: Option<i32>,
    pub state: TxnClientState,
}

/// What a transactional call throws.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TxnError {
    /// `ProducerFencedException` (`PRODUCER_FENCED`): another producer with the same
    /// `transactional.id` called `initTransactions`, or the coordinator aborted this one's
    /// transaction after `transaction.timeout.ms`; the producer can only be closed.
    ProducerFenced {
        transactional_id: String,
        epoch: i32,
        current_epoch: i32,
    },
    /// `IllegalStateException`: not allowed in the producer's transaction state.
    IllegalState { message: String },
    /// `KafkaException`: an earlier send of the transaction failed; abort it.
    Abortable { message: String },
    /// `TimeoutException`: the markers cannot be written now (a partition has no leader,
    /// or records wait for a retry); the call may be retried.
    Timeout { message: String },
    /// `CommitFailedException` from `sendOffsetsToTransaction`: the group refused the
    /// consumer's generation or member id.
    CommitFailed { error: GroupError },
}

impl TxnError {
    pub fn code(&self) -> &'static str {
        match self {
            TxnError::ProducerFenced { .. } => "PRODUCER_FENCED",
            TxnError::IllegalState { .. } => "ILLEGAL_STATE",
            TxnError::Abortable { .. } => "TRANSACTION_ABORTABLE",
            TxnError::Timeout { .. } => "REQUEST_TIMED_OUT",
            TxnError::CommitFailed { error } => error.code(),
        }
    }

    /// The Java exception's simple name.
    pub fn exception(&self) -> &'static str {
        match self {
            TxnError::ProducerFenced { .. } => "ProducerFencedException",
            TxnError::IllegalState { .. } => "IllegalStateException",
            TxnError::Abortable { .. } => "KafkaException",
            TxnError::Timeout { .. } => "TimeoutException",
            TxnError::CommitFailed { .. } => "CommitFailedException",
        }
    }
}

impl fmt::Display for TxnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ex = self.exception();
        match self {
            TxnError::ProducerFenced {
                transactional_id,
                epoch,
                current_epoch,
            } => write!(
                f,
                "{ex}: there is a newer producer with the same transactional.id '{transactional_id}' (this one has epoch {epoch}, the coordinator's is {current_epoch}); close this producer"
            ),
            TxnError::IllegalState { message }
            | TxnError::Abortable { message }
            | TxnError::Timeout { message } => write!(f, "{ex}: {message}"),
            TxnError::CommitFailed { error } => write!(
                f,
                "{ex}: the group refused the offsets ({}): this consumer is no longer the partitions' owner",
                error.code()
            ),
        }
    }
}

fn txn_err(producer: &str, cause: TxnError) -> SimError {
    SimError::Transaction {
        producer: producer.to_string(),
        cause,
    }
}

fn illegal(producer: &str, message: impl Into<String>) -> SimError {
    txn_err(
        producer,
        TxnError::IllegalState {
            message: message.into(),
        },
    )
}

impl World {
    /// The transaction coordinator's entries, by `transactional.id`.
    pub fn transactions(&self) -> impl Iterator<Item = &TxnMeta> {
        self.clients.transactions.values()
    }

    /// The transactional id of a producer and its state, checked for fencing: a producer
    /// whose epoch is no longer the coordinator's is fenced.
    fn txn_producer(&self, name: &str) -> Result<(String, i64, TxnClientState), SimError> {
        let p = self.open_producer(name)?;
        let Some(id) = p.settings().transactional_id.clone() else {
            return Err(illegal(
                name,
                "Transactional method invoked on a non-transactional producer (set transactional.id)",
            ));
        };
        let state = p.txn.state.clone();
        let Some(epoch) = p.txn.epoch else {
            return Ok((id, -1, state));
        };
        let pid = p.producer_id().unwrap_or(-1);
        match self.clients.transactions.get(&id) {
            Some(m) if m.producer_id == pid && m.epoch == epoch => Ok((id, pid, state)),
            other => Err(txn_err(
                name,
                TxnError::ProducerFenced {
                    transactional_id: id,
                    epoch,
                    current_epoch: other.map_or(epoch, |m| m.epoch),
                },
            )),
        }
    }

    /// Checks a `send` of a transactional producer: initialized, in a transaction, not
    /// fenced. Non-transactional producers pass.
    pub(crate) fn txn_check_send(&self, name: &str) -> Result<(), SimError> {
        let is_txn = self
            .clients
            .producers
            .get(name)
            .is_some_and(|p| p.settings().transactional_id.is_some());
        if !is_txn {
            return Ok(());
        }
        let (_, _, state) = self.txn_producer(name)?;
        match state {
            TxnClientState::InTransaction => Ok(()),
            TxnClientState::Uninitialized => Err(illegal(
                name,
                "Cannot perform a 'send' before completing a call to initTransactions when transactions are enabled.",
            )),
            TxnClientState::AbortableError { reason } => Err(txn_err(
                name,
                TxnError::Abortable {
                    message: format!("Cannot perform send because at least one previous transactional or idempotent request has failed with errors ({reason}); call abortTransaction"),
                },
            )),
            s => Err(illegal(name, format!("Cannot call send in state {}", s.name()))),
        }
    }

    /// The kind of record a producer's batch is written as, and whether it may be sent:
    /// `Err` for a fenced transactional producer.
    pub(crate) fn txn_batch_kind(&self, name: &str) -> Result<BatchKind, SimError> {
        let Some(p) = self.clients.producers.get(name) else {
            return Ok(BatchKind::Plain);
        };
        if p.settings().transactional_id.is_none() {
            return Ok(BatchKind::Plain);
        }
        let (_, pid, _) = self.txn_producer(name)?;
        Ok(BatchKind::Transactional { producer_id: pid })
    }

    /// `AddPartitionsToTxn`: the partition joins the producer's open transaction.
    pub(crate) fn txn_add_partition(&mut self, name: &str, tp: &TopicPartition) {
        let Some(id) = self
            .clients
            .producers
            .get(name)
            .and_then(|p| p.settings().transactional_id.clone())
        else {
            return;
        };
        self.txn_start(&id);
        if let Some(m) = self.clients.transactions.get_mut(&id) {
            m.partitions.insert(tp.clone());
        }
    }

    /// A send of the open transaction failed for good: only an abort is possible now.
    pub(crate) fn txn_send_failed(&mut self, name: &str, reason: &str) {
        if let Some(p) = self.clients.producers.get_mut(name) {
            if p.txn.state == TxnClientState::InTransaction {
                p.txn.state = TxnClientState::AbortableError {
                    reason: reason.to_string(),
                };
            }
        }
    }

    /// The transaction becomes Ongoing (first partition or group) and its timeout is set.
    fn txn_start(&mut self, id: &str) {
        let now = self.now_ms;
        let Some(m) = self.clients.transactions.get_mut(id) else {
            return;
        };
        if m.state == TxnState::Ongoing {
            return;
        }
        m.state = TxnState::Ongoing;
        m.started_ms = Some(now);
        let due = now.saturating_add(m.timeout_ms);
        self.scheduler.schedule(
            due,
            Timer::TransactionTimeout {
                transactional_id: id.to_string(),
            },
        );
    }

    /// `initTransactions`.
    pub(crate) fn init_transactions(
        &mut self,
        name: &str,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        let p = self.open_producer(name)?;
        let Some(id) = p.settings().transactional_id.clone() else {
            return Err(illegal(
                name,
                "Transactional method invoked on a non-transactional producer (set transactional.id)",
            ));
        };
        let timeout_ms = p.settings().transaction_timeout_ms;
        if p.txn.epoch.is_some() {
            // Fenced or not, a second call is refused.
            self.txn_producer(name)?;
            return Err(illegal(
                name,
                format!(
                    "initTransactions was already called (the producer is in state {})",
                    p.txn.state.name()
                ),
            ));
        }
        // A transaction the previous instance left open is aborted first.
        self.txn_check_markers_writable(name, &id)?;
        let mut aborted_open = false;
        if self
            .clients
            .transactions
            .get(&id)
            .is_some_and(|m| m.state == TxnState::Ongoing)
        {
            self.txn_end_markers(&id, false, events)?;
            aborted_open = true;
        }
        let next_pid = self.clients.next_producer_id;
        let (producer_id, epoch) = match self.clients.transactions.get(&id) {
            Some(m) if m.epoch < MAX_EPOCH => (m.producer_id, m.epoch + 1),
            _ => {
                if next_pid > MAX_TXN_PRODUCER_ID {
                    return Err(SimError::InvalidRequest {
                        reason: "the broker has no producer ids left".into(),
                    });
                }
                self.clients.next_producer_id += 1;
                (next_pid, 0)
            }
        };
        let meta = TxnMeta {
            transactional_id: id.clone(),
            producer_id,
            epoch,
            state: TxnState::Empty,
            partitions: BTreeSet::new(),
            groups: BTreeSet::new(),
            started_ms: None,
            timeout_ms,
        };
        self.clients.transactions.insert(id.clone(), meta);
        if let Some(p) = self.clients.producers.get_mut(name) {
            p.set_transactional_identity(producer_id, epoch);
        }
        events.push(pev(
            name,
            ProducerEvent::TransactionsInitialized {
                transactional_id: id,
                producer_id,
                epoch,
                aborted_open,
            },
        ));
        Ok(())
    }

    /// `beginTransaction`.
    pub(crate) fn begin_transaction(
        &mut self,
        name: &str,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        let (_, _, state) = self.txn_producer(name)?;
        match state {
            TxnClientState::Ready => {}
            TxnClientState::Uninitialized => {
                return Err(illegal(
                    name,
                    "Cannot call beginTransaction before initTransactions",
                ))
            }
            s => {
                return Err(illegal(
                    name,
                    format!(
                        "Invalid transition attempted from state {} to state IN_TRANSACTION",
                        s.name()
                    ),
                ))
            }
        }
        if let Some(p) = self.clients.producers.get_mut(name) {
            p.txn.state = TxnClientState::InTransaction;
        }
        events.push(pev(name, ProducerEvent::TransactionBegun));
        Ok(())
    }

    /// `sendOffsetsToTransaction(offsets, groupMetadata)`.
    pub(crate) fn send_offsets_to_transaction(
        &mut self,
        name: &str,
        commits: &[OffsetCommit],
        group: Option<&str>,
        consumer: Option<&str>,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        let (id, pid, state) = self.txn_producer(name)?;
        match state {
            TxnClientState::InTransaction => {}
            TxnClientState::AbortableError { reason } => {
                return Err(txn_err(
                    name,
                    TxnError::Abortable {
                        message: format!("the transaction must be aborted: {reason}"),
                    },
                ))
            }
            s => {
                return Err(illegal(
                    name,
                    format!(
                    "Cannot send offsets if a transaction is not in progress (currentState= {})",
                    s.name()
                ),
                ))
            }
        }
        // The group metadata: a consumer's (group, generation, member) or a group id.
        let (group, member) = match (group, consumer) {
            (Some(_), Some(_)) | (None, None) => {
                return Err(SimError::InvalidRequest {
                    reason: "sendOffsetsToTransaction needs either a group or a consumer (its groupMetadata())".into(),
                })
            }
            (Some(g), None) => (g.to_string(), None),
            (None, Some(c)) => {
                let slot = self
                    .clients
                    .consumers
                    .get(c)
                    .ok_or_else(|| SimError::UnknownClient { name: c.into() })?;
                let cfg = slot.consumer.config();
                let Some(g) = cfg.group_id.clone() else {
                    return Err(SimError::InvalidGroupId {
                        group: String::new(),
                    });
                };
                let member = (
                    slot.consumer.member_id().to_string(),
                    cfg.group_instance_id.clone(),
                    slot.consumer.generation(),
                );
                (g, Some(member))
            }
        };
        if commits.is_empty() {
            return Err(SimError::InvalidRequest {
                reason: "sendOffsetsToTransaction needs at least one offset".into(),
            });
        }
        // KIP-447: the group checks the member and its generation.
        if let Some((member_id, instance, generation)) = &member {
            if *generation >= 0 || !member_id.is_empty() {
                match self.clients.groups.get(&group) {
                    Some(g) => g
                        .group
                        .validate_offset_commit(member_id, instance.as_deref(), *generation)
                        .map_err(|error| txn_err(name, TxnError::CommitFailed { error }))?,
                    None => {
                        return Err(txn_err(
                            name,
                            TxnError::CommitFailed {
                                error: GroupError::UnknownMemberId {
                                    member_id: member_id.clone(),
                                },
                            },
                        ))
                    }
                }
            }
        }
        let cp = self.validate_commit(&group, commits)?;
        // AddOffsetsToTxn, then TxnOffsetCommit.
        self.txn_start(&id);
        if let Some(m) = self.clients.transactions.get_mut(&id) {
            m.groups.insert(group.clone());
        }
        let now = self.now_ms;
        for c in commits {
            let tp = TopicPartition::new(c.topic.clone(), c.partition);
            let value = OffsetAndMetadata {
                offset: Offset(c.offset),
                leader_epoch: c.leader_epoch,
                metadata: c.metadata.clone(),
                commit_timestamp_ms: now,
            };
            let k = offsets::encode_offset_commit_key(&group, &tp);
            let v = offsets::encode_offset_commit_value(&value);
            let log_offset = self.append_offsets_record_kind(
                cp,
                &k,
                Some(&v),
                BatchKind::Transactional { producer_id: pid },
                events,
            )?;
            events.push(Event::OffsetCommitAppended {
                group: group.clone(),
                topic: tp.topic.clone(),
                partition: tp.partition,
                offset: value.offset,
                coordinator_partition: cp,
                log_offset,
            });
            self.offsets.add_txn_pending(TxnPendingCommit {
                producer_id: pid,
                partition: cp,
                log_offset,
                commit: PendingCommit {
                    group: group.clone(),
                    tp,
                    value,
                },
                marker: None,
            });
        }
        events.push(pev(
            name,
            ProducerEvent::OffsetsSentToTransaction {
                group,
                offsets: commits.to_vec(),
            },
        ));
        self.after_change_in(OFFSETS_TOPIC, cp, events);
        Ok(())
    }

    /// `commitTransaction` (`commit`) or `abortTransaction`.
    pub(crate) fn end_transaction(
        &mut self,
        name: &str,
        commit: bool,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        let (id, _, state) = self.txn_producer(name)?;
        match (&state, commit) {
            (TxnClientState::InTransaction, _) | (TxnClientState::AbortableError { .. }, false) => {
            }
            (TxnClientState::AbortableError { reason }, true) => {
                return Err(txn_err(
                    name,
                    TxnError::Abortable {
                        message: format!("Cannot commit transaction: a send failed ({reason}); call abortTransaction"),
                    },
                ))
            }
            (s, _) => {
                let verb = if commit { "commitTransaction" } else { "abortTransaction" };
                return Err(illegal(
                    name,
                    format!("Cannot call {verb} in state {} (no transaction in progress)", s.name()),
                ));
            }
        }
        // Every partition must be writable before anything changes.
        self.txn_check_markers_writable(name, &id)?;
        if commit {
            // commitTransaction flushes: every lingering batch is sent first.
            let waiting = self
                .clients
                .producers
                .get(name)
                .map_or(0, |p| p.retrying_records());
            if waiting > 0 {
                return Err(txn_err(
                    name,
                    TxnError::Timeout {
                        message: format!("{waiting} record(s) of the transaction wait for a retry; advance the clock and commit again, or abort"),
                    },
                ));
            }
            self.drain_producer(name, true, events);
            // A send the flush made may have failed for good.
            if let Some(TxnClientState::AbortableError { reason }) = self
                .clients
                .producers
                .get(name)
                .map(|p| p.txn.state.clone())
            {
                events.push(pev(
                    name,
                    ProducerEvent::TransactionFailed {
                        reason: reason.clone(),
                    },
                ));
                return Ok(());
            }
        } else {
            let dropped = self
                .clients
                .producers
                .get_mut(name)
                .map_or(0, |p| p.drop_unsent());
            if dropped > 0 {
                events.push(pev(name, ProducerEvent::UnsentAborted { records: dropped }));
            }
        }
        let (partitions, groups) = self.txn_end_markers(&id, commit, events)?;
        if let Some(p) = self.clients.producers.get_mut(name) {
            p.txn.state = TxnClientState::Ready;
        }
        events.push(pev(
            name,
            if commit {
                ProducerEvent::TransactionCommitted { partitions, groups }
            } else {
                ProducerEvent::TransactionAborted { partitions, groups }
            },
        ));
        Ok(())
    }

    /// Refuses (TimeoutException) when a partition of the transaction, or a group's
    /// offsets partition, has no leader to write a marker to.
    fn txn_check_markers_writable(&self, name: &str, id: &str) -> Result<(), SimError> {
        let Some(m) = self.clients.transactions.get(id) else {
            return Ok(());
        };
        for tp in self.txn_marker_targets(m) {
            let Some(p) = self.partition(&tp.topic, tp.partition) else {
                continue; // deleted since: nothing to mark
            };
            if p.leader().is_none() {
                return Err(txn_err(
                    name,
                    TxnError::Timeout {
                        message: format!("the transaction's markers cannot be written: {tp} has no leader; retry when it has one"),
                    },
                ));
            }
        }
        Ok(())
    }

    /// Where the transaction's markers go: its partitions, then each distinct
    /// `__consumer_offsets` partition of the groups whose offsets were sent to it.
    fn txn_marker_targets(&self, m: &TxnMeta) -> Vec<TopicPartition> {
        let mut cps: Vec<i32> = m
            .groups
            .iter()
            .map(|g| self.coordinator_partition(g))
            .collect();
        cps.sort_unstable();
        cps.dedup();
        m.partitions
            .iter()
            .cloned()
            .chain(
                cps.into_iter()
                    .map(|cp| TopicPartition::new(OFFSETS_TOPIC, cp)),
            )
            .collect()
    }

    /// Writes the COMMIT or ABORT markers of the open transaction of `id` and resets it.
    /// Returns the partitions and groups it had.
    fn txn_end_markers(
        &mut self,
        id: &str,
        commit: bool,
        events: &mut Vec<Event>,
    ) -> Result<(Vec<TopicPartition>, Vec<String>), SimError> {
        let Some(m) = self.clients.transactions.get(id) else {
            return Ok((Vec::new(), Vec::new()));
        };
        let pid = m.producer_id;
        let partitions: Vec<TopicPartition> = m.partitions.iter().cloned().collect();
        let groups: Vec<String> = m.groups.iter().cloned().collect();
        let targets = self.txn_marker_targets(m);
        let kind = BatchKind::Marker {
            producer_id: pid,
            commit,
        };
        for tp in &targets {
            let Some(offset) = self.append_marker(tp, kind, events)? else {
                continue;
            };
            events.push(Event::TransactionMarkerWritten {
                topic: tp.topic.clone(),
                partition: tp.partition,
                offset,
                transactional_id: id.to_string(),
                producer_id: pid,
                commit,
            });
            if tp.topic == OFFSETS_TOPIC {
                self.offsets.end_txn(pid, tp.partition, offset, commit);
            }
            // The marker, and an aborted transaction's records, are no records a consumer
            // may skip: the delivery ledger does not count them as skipped.
            self.clients.ledger.exempt(tp, offset.0);
            if !commit {
                let aborted: Vec<i64> = self
                    .partition(&tp.topic, tp.partition)
                    .map(|p| {
                        let log = p.log();
                        log.aborted_transactions()
                            .iter()
                            .filter(|a| a.last == offset && a.producer_id == pid)
                            .flat_map(|a| {
                                log.read(a.first, a.last, usize::MAX)
                                    .filter(|r| r.kind.producer_id() == Some(pid))
                                    .map(|r| r.offset.0)
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                for o in aborted {
                    self.clients.ledger.exempt(tp, o);
                }
            }
        }
        if let Some(m) = self.clients.transactions.get_mut(id) {
            m.state = if commit {
                TxnState::CompleteCommit
            } else {
                TxnState::CompleteAbort
            };
            m.partitions.clear();
            m.groups.clear();
            m.started_ms = None;
        }
        for tp in &targets {
            self.after_change_in(&tp.topic, tp.partition, events);
        }
        Ok((partitions, groups))
    }

    /// The coordinator's `transaction.timeout.ms` check.
    pub(crate) fn fire_transaction_timeout(&mut self, id: &str, events: &mut Vec<Event>) {
        let now = self.now_ms;
        let Some(m) = self.clients.transactions.get(id) else {
            return;
        };
        let Some(started) = m.started_ms else {
            return;
        };
        if m.state != TxnState::Ongoing || now < started.saturating_add(m.timeout_ms) {
            return;
        }
        let writable = self.txn_marker_targets(m).iter().all(|tp| {
            self.partition(&tp.topic, tp.partition)
                .is_none_or(|p| p.leader().is_some())
        });
        if !writable {
            // Kafka's coordinator keeps retrying the markers; so does this one.
            self.scheduler.schedule(
                now.saturating_add(1000),
                Timer::TransactionTimeout {
                    transactional_id: id.to_string(),
                },
            );
            return;
        }
        if self.txn_end_markers(id, false, events).is_err() {
            return;
        }
        if let Some(m) = self.clients.transactions.get_mut(id) {
            if m.epoch < MAX_EPOCH {
                m.epoch += 1;
            }
            events.push(Event::TransactionTimedOut {
                transactional_id: id.to_string(),
                producer_id: m.producer_id,
                epoch: m.epoch,
            });
        }
    }

    /// Open transactions in partitions whose coordinator entry is not Ongoing with that
    /// partition (Kafka's "hanging transactions", KIP-664): only an unclean election that cut
    /// a marker away makes one here. (topic, partition, producer id, first offset).
    pub fn hanging_transactions(&self) -> Vec<(String, i32, i64, Offset)> {
        let mut out = Vec::new();
        for t in self.topics() {
            for p in t.partitions() {
                for (pid, first) in p.log().open_transactions() {
                    let owned = self.clients.transactions.values().any(|m| {
                        m.producer_id == pid
                            && m.state == TxnState::Ongoing
                            && (m
                                .partitions
                                .contains(&TopicPartition::new(t.name(), p.index()))
                                || (t.name() == OFFSETS_TOPIC
                                    && m.groups
                                        .iter()
                                        .any(|g| self.coordinator_partition(g) == p.index())))
                    });
                    if !owned {
                        out.push((t.name().to_string(), p.index(), pid, first));
                    }
                }
            }
        }
        out
    }

    /// A deleted topic leaves every transaction.
    pub(crate) fn txn_forget_topic(&mut self, topic: &str) {
        for m in self.clients.transactions.values_mut() {
            m.partitions.retain(|tp| tp.topic != topic);
        }
    }

    /// The transaction invariants: LSO ≤ HW ≤ LEO everywhere; the coordinator's entries
    /// are consistent.
    pub(crate) fn check_transactions(&self) -> Result<(), String> {
        for t in self.topics() {
            for p in t.partitions() {
                let (lso, hw, leo) = (
                    p.last_stable_offset(),
                    p.high_watermark(),
                    p.log_end_offset(),
                );
                if !(lso <= hw && hw <= leo) {
                    return Err(format!(
                        "{}-{}: LSO {lso}, HW {hw}, LEO {leo} out of order",
                        t.name(),
                        p.index()
                    ));
                }
            }
        }
        for (id, m) in &self.clients.transactions {
            if *id != m.transactional_id {
                return Err(format!(
                    "transaction '{}' filed under '{id}'",
                    m.transactional_id
                ));
            }
            if (m.state == TxnState::Ongoing) != m.started_ms.is_some() {
                return Err(format!(
                    "transaction '{id}' is {:?} with start {:?}",
                    m.state, m.started_ms
                ));
            }
            if m.state != TxnState::Ongoing && (!m.partitions.is_empty() || !m.groups.is_empty()) {
                return Err(format!("transaction '{id}' is closed but lists partitions"));
            }
        }
        Ok(())
    }
}
