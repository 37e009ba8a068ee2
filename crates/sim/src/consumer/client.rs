//! The consumer's state and its operations.

use super::accounting::ProcessedRecord;
use super::types::*;
use crate::assignor::RebalanceProtocol;
use crate::group::{
    leader_assignment, GroupError, JoinGroupRequest, JoinGroupResponse, ProtocolMetadata,
    Subscription, SyncGroupRequest,
};
use crate::types::TopicPartition;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Mode {
    /// Neither subscribed nor assigned.
    None,
    /// `subscribe(topics)`: the group decides the partitions.
    Subscribed(BTreeSet<String>),
    /// `assign(partitions)`: the application decides; no group membership.
    Manual,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum Lifecycle {
    Running,
    Crashed,
    Closed,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct PartitionState {
    /// The next offset `poll` returns; `None` until initialised from the committed offset.
    position: Option<i64>,
    /// The leader epoch of the last record the position passed (`offsetEpoch`), when a
    /// fetch set it; a seek or a reset leaves it unknown (no validation, as Kafka's
    /// `seekUnvalidated`).
    #[serde(default)]
    position_epoch: Option<i32>,
    /// The partition's leader epoch when the position was last fetched at or validated; a
    /// newer one makes the next poll validate the position first (KIP-320).
    #[serde(default)]
    validated_in: Option<i32>,
    paused: bool,
    /// A `seekToBeginning`/`seekToEnd` waiting for the next poll.
    pending_reset: Option<ResetReason>,
}

/// Offsets of one partition that a poll returned and the application has not processed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct DeliveredRun {
    partition: TopicPartition,
    offsets: VecDeque<i64>,
}

/// One consumer (one `KafkaConsumer` instance). A restart is a new instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consumer {
    config: ConsumerConfig,
    lifecycle: Lifecycle,
    mode: Mode,
    #[serde(with = "crate::assignor::serde_pairs")]
    assignment: BTreeMap<TopicPartition, PartitionState>,
    member_id: String,
    generation: i32,
    protocol: Option<String>,
    is_leader: bool,
    needs_rejoin: bool,
    joining: bool,
    /// The generation was reset (poll timeout, unknown member): the partitions are lost,
    /// not revoked, at the next join.
    membership_lost: bool,
    /// What the `sticky` assignor remembers in its user data across an eager revocation.
    sticky_memory: (Vec<TopicPartition>, i32),
    /// The leader's view of the partition counts its last assignment used.
    assignment_snapshot: BTreeMap<String, i32>,
    next_auto_commit_ms: i64,
    last_poll_ms: i64,
    next_heartbeat_ms: Option<i64>,
    /// Records returned by `poll` and not processed yet, as offsets per partition (the
    /// records themselves stay in the log: no copy on the poll path).
    delivered: VecDeque<DeliveredRun>,
    fetch_cursor: usize,
    events: Vec<ConsumerEvent>,
}

impl Consumer {
    /// A new consumer instance created at `now_ms`.
    pub fn new(config: ConsumerConfig, now_ms: i64) -> Self {
        let next_auto_commit_ms = now_ms + config.auto_commit_interval_ms;
        Self {
            config,
            lifecycle: Lifecycle::Running,
            mode: Mode::None,
            assignment: BTreeMap::new(),
            member_id: String::new(),
            generation: -1,
            protocol: None,
            is_leader: false,
            needs_rejoin: false,
            joining: false,
            membership_lost: false,
            sticky_memory: (Vec::new(), -1),
            assignment_snapshot: BTreeMap::new(),
            next_auto_commit_ms,
            last_poll_ms: now_ms,
            next_heartbeat_ms: None,
            delivered: VecDeque::new(),
            fetch_cursor: 0,
            events: Vec::new(),
        }
    }

    // ----- what the world and the UI read ---------------------------------------------

    pub fn config(&self) -> &ConsumerConfig {
        &self.config
    }

    /// The events since the last call.
    pub fn drain_events(&mut self) -> Vec<ConsumerEvent> {
        std::mem::take(&mut self.events)
    }

    pub fn is_running(&self) -> bool {
        self.lifecycle == Lifecycle::Running
    }

    pub fn is_closed(&self) -> bool {
        self.lifecycle == Lifecycle::Closed
    }

    pub fn is_crashed(&self) -> bool {
        self.lifecycle == Lifecycle::Crashed
    }

    pub fn member_id(&self) -> &str {
        &self.member_id
    }

    pub fn generation(&self) -> i32 {
        self.generation
    }

    pub fn is_leader(&self) -> bool {
        self.is_leader
    }

    /// `assignment()`, sorted.
    pub fn assignment(&self) -> Vec<TopicPartition> {
        self.assignment.keys().cloned().collect()
    }

    /// `paused()`.
    pub fn paused(&self) -> Vec<TopicPartition> {
        self.assignment
            .iter()
            .filter(|(_, s)| s.paused)
            .map(|(tp, _)| tp.clone())
            .collect()
    }

    /// The position as the consumer knows it now, without resolving it (`None` until the
    /// next poll initialises it).
    pub fn known_position(&self, tp: &TopicPartition) -> Option<i64> {
        self.assignment.get(tp).and_then(|s| s.position)
    }

    /// How many records returned by `poll` the application has not processed yet.
    pub fn unprocessed_count(&self) -> usize {
        self.delivered.iter().map(|r| r.offsets.len()).sum()
    }

    /// Forgets the polled records the application has not processed (its code threw before
    /// processing them); returns how many. The position stays past them, as in Kafka.
    pub fn discard_unprocessed(&mut self) -> usize {
        let n = self.unprocessed_count();
        self.delivered.clear();
        n
    }

    /// The next polled record the application has not processed yet.
    pub fn next_unprocessed(&self) -> Option<(TopicPartition, i64)> {
        self.delivered
            .iter()
            .find_map(|r| r.offsets.front().map(|o| (r.partition.clone(), *o)))
    }

    /// Polled records the application has not processed yet, in order.
    pub fn unprocessed(&self) -> Vec<(TopicPartition, i64)> {
        self.delivered
            .iter()
            .flat_map(|r| r.offsets.iter().map(|o| (r.partition.clone(), *o)))
            .collect()
    }

    /// The rebalance protocol this consumer follows.
    pub fn rebalance_protocol(&self) -> RebalanceProtocol {
        self.config.rebalance_protocol()
    }

    /// When the next poll will auto-commit (if `enable.auto.commit`).
    pub fn next_auto_commit_ms(&self) -> Option<i64> {
        (self.config.enable_auto_commit && self.config.group_id.is_some())
            .then_some(self.next_auto_commit_ms)
    }

    /// When the heartbeat thread sends its next heartbeat.
    pub fn next_heartbeat_ms(&self) -> Option<i64> {
        self.next_heartbeat_ms
    }

    /// When `max.poll.interval.ms` expires unless the application polls.
    pub fn poll_deadline_ms(&self) -> Option<i64> {
        (self.is_running() && self.in_group())
            .then_some(self.last_poll_ms + self.config.max_poll_interval_ms)
    }

    fn in_group(&self) -> bool {
        matches!(self.mode, Mode::Subscribed(_)) && self.generation >= 0
    }

    fn ensure_running(&self) -> Result<(), ConsumerError> {
        match self.lifecycle {
            Lifecycle::Running => Ok(()),
            Lifecycle::Closed => Err(ConsumerError::IllegalState {
                message: "This consumer has already been closed.".into(),
            }),
            Lifecycle::Crashed => Err(ConsumerError::IllegalState {
                message: "This consumer crashed; restart it.".into(),
            }),
        }
    }

    fn ensure_assigned(&self, tp: &TopicPartition) -> Result<(), ConsumerError> {
        if self.assignment.contains_key(tp) {
            Ok(())
        } else {
            Err(ConsumerError::IllegalState {
                message: format!("No current assignment for partition {tp}"),
            })
        }
    }

    // ----- subscription ---------------------------------------------------------------

    /// `subscribe(topics)`: join the group; the coordinator's leader assigns partitions.
    pub fn subscribe(&mut self, topics: &[&str]) -> Result<(), ConsumerError> {
        self.ensure_running()?;
        if self.config.group_id.is_none() {
            return Err(ConsumerError::InvalidGroupId);
        }
        let topics: BTreeSet<String> = topics.iter().map(|t| t.to_string()).collect();
        if self.mode != Mode::Subscribed(topics.clone()) {
            if self.mode == Mode::Manual {
                self.assignment.clear();
            }
            let was_subscribed = matches!(self.mode, Mode::Subscribed(_));
            self.mode = Mode::Subscribed(topics);
            // A member whose topics changed rejoins; a first subscribe (a new or restarted
            // consumer, which has no generation yet) simply joins.
            if was_subscribed || self.generation >= 0 {
                self.request_rejoin("subscription changed");
            }
        }
        Ok(())
    }

    /// `assign(partitions)`: manual assignment, no group membership (commits use
    /// generation -1 and are accepted only while the group has no members).
    pub fn assign(&mut self, partitions: &[TopicPartition]) -> Result<(), ConsumerError> {
        self.ensure_running()?;
        if matches!(self.mode, Mode::Subscribed(_)) {
            return Err(ConsumerError::IllegalState {
                message: "Subscription to topics, partitions and pattern are mutually exclusive"
                    .into(),
            });
        }
        let keep: BTreeSet<&TopicPartition> = partitions.iter().collect();
        self.assignment.retain(|tp, _| keep.contains(tp));
        for tp in partitions {
            self.assignment.entry(tp.clone()).or_default();
        }
        self.mode = Mode::Manual;
        Ok(())
    }

    /// `unsubscribe()`: give up the subscription or manual assignment. A group member's
    /// partitions are revoked (or lost, if the membership already was), nothing is
    /// committed, and a dynamic member leaves the group: returns the member id to send
    /// LeaveGroup for.
    pub fn unsubscribe(&mut self) -> Result<Option<String>, ConsumerError> {
        self.ensure_running()?;
        let subscribed = matches!(self.mode, Mode::Subscribed(_));
        let all = self.assignment();
        if subscribed && !all.is_empty() {
            self.events
                .push(if self.generation >= 0 && !self.membership_lost {
                    ConsumerEvent::PartitionsRevoked { partitions: all }
                } else {
                    ConsumerEvent::PartitionsLost { partitions: all }
                });
        }
        let leave =
            (subscribed && self.config.group_instance_id.is_none() && !self.member_id.is_empty())
                .then(|| self.member_id.clone());
        self.assignment.clear();
        self.delivered.clear();
        self.mode = Mode::None;
        if leave.is_some() {
            self.member_id.clear();
        }
        self.generation = -1;
        self.joining = false;
        self.needs_rejoin = false;
        self.membership_lost = false;
        self.is_leader = false;
        self.next_heartbeat_ms = None;
        Ok(leave)
    }

    // ----- poll and process -----------------------------------------------------------

    /// `poll()`: first the auto-commit of the positions returned by earlier polls (if the
    /// interval has passed), then up to `max.poll.records` records from the assigned,
    /// unpaused partitions, never above the high watermark. Partitions are served in turn,
    /// starting one further each poll. (A subscribed consumer that
    /// [`wants_to_join`](Consumer::wants_to_join) should rejoin first; see the module docs.)
    pub fn poll(
        &mut self,
        now_ms: i64,
        log: &dyn LogReader,
        store: &mut dyn OffsetStore,
    ) -> Result<Vec<ConsumerRecord>, ConsumerError> {
        self.poll_at_most(now_ms, None, log, store)
    }

    /// [`Consumer::poll`] returning at most `limit` records (and never more than
    /// `max.poll.records`).
    pub fn poll_at_most(
        &mut self,
        now_ms: i64,
        limit: Option<usize>,
        log: &dyn LogReader,
        store: &mut dyn OffsetStore,
    ) -> Result<Vec<ConsumerRecord>, ConsumerError> {
        let runs = self.poll_offsets(now_ms, limit, log, store)?;
        let mut records = Vec::new();
        for (tp, offsets) in &runs {
            let (Some(first), Some(last)) = (offsets.first(), offsets.last()) else {
                continue;
            };
            if let Ok(batch) = log.fetch(tp, *first, offsets.len(), self.config.isolation_level) {
                records.extend(batch.into_iter().filter(|r| r.offset <= *last));
            }
        }
        Ok(records)
    }

    /// [`Consumer::poll_at_most`] without copying the records: the offsets returned, per
    /// partition, in the order they were fetched (the hot path of a simulated poll).
    pub fn poll_offsets(
        &mut self,
        now_ms: i64,
        limit: Option<usize>,
        log: &dyn LogReader,
        store: &mut dyn OffsetStore,
    ) -> Result<Vec<(TopicPartition, Vec<i64>)>, ConsumerError> {
        self.ensure_running()?;
        let max_records = limit.map_or(self.config.max_poll_records, |l| {
            l.min(self.config.max_poll_records)
        });
        if self.mode == Mode::None {
            return Err(ConsumerError::IllegalState {
                message: "Consumer is not subscribed to any topics or assigned any partitions"
                    .into(),
            });
        }
        self.last_poll_ms = now_ms;
        if self.config.enable_auto_commit
            && self.config.group_id.is_some()
            && now_ms >= self.next_auto_commit_ms
        {
            self.next_auto_commit_ms = now_ms + self.config.auto_commit_interval_ms;
            let offsets = self.consumed_positions();
            if !offsets.is_empty() {
                if let Err(error) = self.send_commit(offsets.clone(), true, now_ms, store) {
                    self.events.push(ConsumerEvent::CommitFailed {
                        kind: CommitKind::Auto,
                        error,
                    });
                } else {
                    self.events.push(ConsumerEvent::Committed {
                        kind: CommitKind::Auto,
                        offsets,
                    });
                }
            }
        }

        let mut partitions: Vec<TopicPartition> = self
            .assignment
            .iter()
            .filter(|(_, s)| !s.paused)
            .map(|(tp, _)| tp.clone())
            .collect();
        if !partitions.is_empty() {
            let start = self.fetch_cursor % partitions.len();
            partitions.rotate_left(start);
            self.fetch_cursor = self.fetch_cursor.wrapping_add(1);
        }
        let mut runs = Vec::new();
        let mut total = 0usize;
        for tp in partitions {
            let remaining = max_records.saturating_sub(total);
            if remaining == 0 {
                break;
            }
            // KIP-447: a committed offset still pending in a transaction is not read yet;
            // the partition is fetched once the transaction has ended.
            let needs_committed = self
                .assignment
                .get(&tp)
                .is_some_and(|s| s.position.is_none() && s.pending_reset.is_none());
            if needs_committed
                && self
                    .config
                    .group_id
                    .as_deref()
                    .is_some_and(|g| store.unstable(g, &tp))
            {
                continue;
            }
            let position = self.resolve_position(&tp, log, store)?;
            let position = self.validate_position(&tp, position, log)?;
            match log.fetch_offsets(&tp, position, remaining, self.config.isolation_level) {
                Ok(fetched) => {
                    // The position was validated in this leader epoch just above.
                    let last_epoch = fetched.offsets.last().and_then(|o| log.epoch_of(&tp, *o));
                    if let Some(s) = self.assignment.get_mut(&tp) {
                        // Markers and skipped aborted records move the position too.
                        if fetched.next_offset > position {
                            s.position = Some(fetched.next_offset);
                        }
                        if last_epoch.is_some() {
                            s.position_epoch = last_epoch;
                        }
                    }
                    let batch = fetched.offsets;
                    let (Some(&from), Some(&to)) = (batch.first(), batch.last()) else {
                        continue;
                    };
                    self.events.push(ConsumerEvent::RecordsFetched {
                        partition: tp.clone(),
                        from,
                        to,
                        count: batch.len(),
                    });
                    total += batch.len();
                    self.delivered.push_back(DeliveredRun {
                        partition: tp.clone(),
                        offsets: batch.iter().copied().collect(),
                    });
                    runs.push((tp, batch));
                }
                Err(FetchError::OffsetOutOfRange) => {
                    self.reset_position(&tp, ResetReason::OutOfRange, log, Some(position))?;
                }
                Err(FetchError::UnknownTopicOrPartition) => {}
            }
        }
        Ok(runs)
    }

    /// The application processes up to `max_records` of the records `poll` returned (all if
    /// `None`), each taking `per_record_ms`; returns what was processed, and when.
    pub fn process(
        &mut self,
        now_ms: i64,
        max_records: Option<usize>,
        per_record_ms: i64,
    ) -> Result<Vec<ProcessedRecord>, ConsumerError> {
        self.ensure_running()?;
        let waiting: usize = self.delivered.iter().map(|r| r.offsets.len()).sum();
        let n = max_records.unwrap_or(waiting).min(waiting);
        let mut done = Vec::with_capacity(n);
        let mut t = now_ms;
        while done.len() < n {
            let Some(run) = self.delivered.front_mut() else {
                break;
            };
            while done.len() < n {
                let Some(offset) = run.offsets.pop_front() else {
                    break;
                };
                t = t.saturating_add(per_record_ms.max(0));
                done.push(ProcessedRecord {
                    group_id: self.config.group_id.clone(),
                    client_id: self.config.client_id.clone(),
                    partition: run.partition.clone(),
                    offset,
                    done_at_ms: t,
                });
            }
            if run.offsets.is_empty() {
                self.delivered.pop_front();
            }
        }
        if !done.is_empty() {
            self.events.push(ConsumerEvent::Processed {
                records: done
                    .iter()
                    .map(|p| (p.partition.clone(), p.offset))
                    .collect(),
                done_at_ms: t,
            });
        }
        Ok(done)
    }

    /// Initialises the position if needed: a pending seekToBeginning/End, else the
    /// committed offset, else `auto.offset.reset`.
    fn resolve_position(
        &mut self,
        tp: &TopicPartition,
        log: &dyn LogReader,
        store: &dyn OffsetStore,
    ) -> Result<i64, ConsumerError> {
        let Some(state) = self.assignment.get(tp) else {
            return Err(ConsumerError::IllegalState {
                message: format!("No current assignment for partition {tp}"),
            });
        };
        if let Some(reason) = state.pending_reset {
            return self.reset_position(tp, reason, log, None);
        }
        if let Some(p) = state.position {
            return Ok(p);
        }
        let committed = self
            .config
            .group_id
            .as_deref()
            .and_then(|g| store.committed(g, tp));
        match committed {
            Some(offset) => {
                self.set_position(tp, offset);
                // A committed offset with its leader epoch is validated at the next fetch
                // (KIP-320), as a position after a leader change is.
                let epoch = self
                    .config
                    .group_id
                    .as_deref()
                    .and_then(|g| store.committed_epoch(g, tp));
                if let Some(s) = self.assignment.get_mut(tp) {
                    s.position_epoch = epoch;
                    s.validated_in = None;
                }
                self.events.push(ConsumerEvent::PositionFromCommitted {
                    partition: tp.clone(),
                    offset,
                });
                Ok(offset)
            }
            None => self.reset_position(tp, ResetReason::NoCommittedOffset, log, None),
        }
    }

    fn set_position(&mut self, tp: &TopicPartition, offset: i64) {
        if let Some(s) = self.assignment.get_mut(tp) {
            s.position = Some(offset);
            s.position_epoch = None;
            s.pending_reset = None;
        }
    }

    /// KIP-320 (`SubscriptionState.maybeCompleteValidation`): when the partition's leader
    /// epoch changed since the position was fetched at, and the position knows the epoch of
    /// the record before it, the consumer asks the leader where that epoch ended
    /// (`OffsetsForLeaderEpoch`). An end below the position means the log was truncated (an
    /// unclean election): with a reset policy the position moves back to that end, the first
    /// offset known to diverge (or `auto.offset.reset` applies when the leader cannot say);
    /// with `auto.offset.reset=none` the poll fails with `LogTruncationException` and the
    /// position waits for a seek. Returns the position to fetch from.
    fn validate_position(
        &mut self,
        tp: &TopicPartition,
        position: i64,
        log: &dyn LogReader,
    ) -> Result<i64, ConsumerError> {
        let Some(current) = log.leader_epoch(tp) else {
            return Ok(position);
        };
        let Some(state) = self.assignment.get_mut(tp) else {
            return Ok(position);
        };
        if state.validated_in == Some(current) {
            return Ok(position);
        }
        let Some(epoch) = state.position_epoch else {
            state.validated_in = Some(current);
            return Ok(position);
        };
        let reset_policy = self.config.auto_offset_reset != OffsetResetStrategy::None;
        match log.epoch_end_offset(tp, epoch) {
            Some((_, end)) if end >= position => {
                state.validated_in = Some(current);
                Ok(position)
            }
            Some((end_epoch, end)) if reset_policy => {
                state.position = Some(end);
                state.position_epoch = Some(end_epoch);
                state.validated_in = Some(current);
                self.events.push(ConsumerEvent::TruncationDetected {
                    partition: tp.clone(),
                    position,
                    divergent: Some(end),
                });
                Ok(end)
            }
            None if reset_policy => {
                state.validated_in = Some(current);
                self.events.push(ConsumerEvent::TruncationDetected {
                    partition: tp.clone(),
                    position,
                    divergent: None,
                });
                self.reset_position(tp, ResetReason::OutOfRange, log, Some(position))
            }
            divergent => Err(ConsumerError::LogTruncation {
                partition: tp.clone(),
                offset: position,
                divergent: divergent.map(|(_, end)| end),
            }),
        }
    }

    /// Resets the position by a seek request or by `auto.offset.reset`.
    fn reset_position(
        &mut self,
        tp: &TopicPartition,
        reason: ResetReason,
        log: &dyn LogReader,
        out_of_range_offset: Option<i64>,
    ) -> Result<i64, ConsumerError> {
        let earliest = match reason {
            ResetReason::SeekToBeginning => true,
            ResetReason::SeekToEnd => false,
            ResetReason::NoCommittedOffset | ResetReason::OutOfRange => {
                match self.config.auto_offset_reset {
                    OffsetResetStrategy::Earliest => true,
                    OffsetResetStrategy::Latest => false,
                    OffsetResetStrategy::None => {
                        if let Some(s) = self.assignment.get_mut(tp) {
                            s.position = None;
                        }
                        return Err(match out_of_range_offset {
                            Some(offset) => ConsumerError::OffsetOutOfRange {
                                partition: tp.clone(),
                                offset,
                            },
                            None => ConsumerError::NoOffsetForPartition {
                                partition: tp.clone(),
                            },
                        });
                    }
                }
            }
        };
        let offset = if earliest {
            log.log_start_offset(tp)
        } else {
            log.end_offset(tp, self.config.isolation_level)
        };
        let offset = offset.map_err(|_| ConsumerError::IllegalState {
            message: format!("partition {tp} does not exist"),
        })?;
        self.set_position(tp, offset);
        self.events.push(ConsumerEvent::PositionReset {
            partition: tp.clone(),
            offset,
            reason,
        });
        Ok(offset)
    }

    // ----- positions ------------------------------------------------------------------

    /// `position(tp)`: resolves a lazy seek or an unknown position now.
    pub fn position(
        &mut self,
        tp: &TopicPartition,
        log: &dyn LogReader,
        store: &dyn OffsetStore,
    ) -> Result<i64, ConsumerError> {
        self.ensure_running()?;
        self.ensure_assigned(tp)?;
        self.resolve_position(tp, log, store)
    }

    /// `committed(tp)`: the group's committed offset, the next offset to read.
    pub fn committed(&self, tp: &TopicPartition, store: &dyn OffsetStore) -> Option<i64> {
        self.config
            .group_id
            .as_deref()
            .and_then(|g| store.committed(g, tp))
    }

    /// `seek(tp, offset)`: the next poll reads from `offset`.
    pub fn seek(&mut self, tp: &TopicPartition, offset: i64) -> Result<(), ConsumerError> {
        self.ensure_running()?;
        if offset < 0 {
            return Err(ConsumerError::IllegalArgument {
                message: "seek offset must not be a negative number".into(),
            });
        }
        self.ensure_assigned(tp)?;
        self.set_position(tp, offset);
        self.events.push(ConsumerEvent::Seek {
            partition: tp.clone(),
            offset,
        });
        Ok(())
    }

    /// `seekToBeginning(partitions)` (all assigned if empty): evaluated lazily, at the next
    /// poll or `position()`.
    pub fn seek_to_beginning(
        &mut self,
        partitions: &[TopicPartition],
    ) -> Result<(), ConsumerError> {
        self.request_reset(partitions, ResetReason::SeekToBeginning)
    }

    /// `seekToEnd(partitions)` (all assigned if empty): lazily, to the high watermark.
    pub fn seek_to_end(&mut self, partitions: &[TopicPartition]) -> Result<(), ConsumerError> {
        self.request_reset(partitions, ResetReason::SeekToEnd)
    }

    fn request_reset(
        &mut self,
        partitions: &[TopicPartition],
        reason: ResetReason,
    ) -> Result<(), ConsumerError> {
        self.ensure_running()?;
        let targets: Vec<TopicPartition> = if partitions.is_empty() {
            self.assignment()
        } else {
            partitions.to_vec()
        };
        for tp in &targets {
            self.ensure_assigned(tp)?;
        }
        for tp in &targets {
            if let Some(s) = self.assignment.get_mut(tp) {
                s.pending_reset = Some(reason);
                s.position = None;
            }
        }
        Ok(())
    }

    /// `pause(partitions)`: stop fetching them, without leaving the group.
    pub fn pause(&mut self, partitions: &[TopicPartition]) -> Result<(), ConsumerError> {
        self.set_paused(partitions, true)
    }

    /// `resume(partitions)`.
    pub fn resume(&mut self, partitions: &[TopicPartition]) -> Result<(), ConsumerError> {
        self.set_paused(partitions, false)
    }

    fn set_paused(
        &mut self,
        partitions: &[TopicPartition],
        paused: bool,
    ) -> Result<(), ConsumerError> {
        self.ensure_running()?;
        for tp in partitions {
            self.ensure_assigned(tp)?;
        }
        for tp in partitions {
            if let Some(s) = self.assignment.get_mut(tp) {
                s.paused = paused;
            }
        }
        let partitions = partitions.to_vec();
        self.events.push(if paused {
            ConsumerEvent::Paused { partitions }
        } else {
            ConsumerEvent::Resumed { partitions }
        });
        Ok(())
    }

    // ----- commits --------------------------------------------------------------------

    /// The positions of every assigned partition that has one: what `commitSync()` and the
    /// auto-commit commit (`allConsumed`).
    fn consumed_positions(&self) -> Vec<(TopicPartition, i64)> {
        self.assignment
            .iter()
            .filter_map(|(tp, s)| s.position.map(|p| (tp.clone(), p)))
            .collect()
    }

    /// Sends an OffsetCommit. `consumed`: the offsets are the positions (`allConsumed`), so
    /// each carries the leader epoch of the record before it, as Kafka's consumer commits
    /// `OffsetAndMetadata(position, offsetEpoch)`; offsets the application gave carry none.
    fn send_commit(
        &mut self,
        offsets: Vec<(TopicPartition, i64)>,
        consumed: bool,
        now_ms: i64,
        store: &mut dyn OffsetStore,
    ) -> Result<(), ConsumerError> {
        let leader_epochs: Vec<(TopicPartition, i32)> = if consumed {
            offsets
                .iter()
                .filter_map(|(tp, o)| {
                    let s = self.assignment.get(tp)?;
                    (s.position == Some(*o))
                        .then_some(s.position_epoch)
                        .flatten()
                        .map(|e| (tp.clone(), e))
                })
                .collect()
        } else {
            Vec::new()
        };
        let Some(group_id) = self.config.group_id.clone() else {
            return Err(ConsumerError::InvalidGroupId);
        };
        let (member_id, generation_id) = match self.mode {
            Mode::Subscribed(_) => {
                if self.joining {
                    return Err(ConsumerError::RebalanceInProgress);
                }
                if self.generation < 0 {
                    return Err(ConsumerError::CommitFailed {
                        cause: GroupError::UnknownMemberId {
                            member_id: self.member_id.clone(),
                        },
                    });
                }
                (self.member_id.clone(), self.generation)
            }
            _ => (String::new(), -1),
        };
        let request = OffsetCommitRequest {
            group_id,
            member_id,
            group_instance_id: if matches!(self.mode, Mode::Subscribed(_)) {
                self.config.group_instance_id.clone()
            } else {
                None
            },
            generation_id,
            offsets,
            leader_epochs,
            now_ms,
        };
        store.commit(&request).map_err(|e| match e {
            GroupError::RebalanceInProgress => ConsumerError::RebalanceInProgress,
            GroupError::FencedInstanceId { group_instance_id } => {
                ConsumerError::FencedInstanceId { group_instance_id }
            }
            cause => ConsumerError::CommitFailed { cause },
        })
    }

    /// `commitSync()` of the current positions, or of explicit offsets (each the next
    /// offset to read: after processing offset 41, commit 42).
    pub fn commit_sync(
        &mut self,
        now_ms: i64,
        offsets: Option<Vec<(TopicPartition, i64)>>,
        store: &mut dyn OffsetStore,
    ) -> Result<(), ConsumerError> {
        self.ensure_running()?;
        let consumed = offsets.is_none();
        let offsets = offsets.unwrap_or_else(|| self.consumed_positions());
        if offsets.is_empty() {
            return Ok(());
        }
        self.send_commit(offsets.clone(), consumed, now_ms, store)?;
        self.events.push(ConsumerEvent::Committed {
            kind: CommitKind::Sync,
            offsets,
        });
        Ok(())
    }

    /// `commitAsync()`: like `commitSync` but a failure is only reported (to the callback,
    /// here as an event) and never retried.
    pub fn commit_async(
        &mut self,
        now_ms: i64,
        offsets: Option<Vec<(TopicPartition, i64)>>,
        store: &mut dyn OffsetStore,
    ) -> Result<(), ConsumerError> {
        self.ensure_running()?;
        let consumed = offsets.is_none();
        let offsets = offsets.unwrap_or_else(|| self.consumed_positions());
        if offsets.is_empty() {
            return Ok(());
        }
        match self.send_commit(offsets.clone(), consumed, now_ms, store) {
            Ok(()) => self.events.push(ConsumerEvent::Committed {
                kind: CommitKind::Async,
                offsets,
            }),
            Err(error) => self.events.push(ConsumerEvent::CommitFailed {
                kind: CommitKind::Async,
                error,
            }),
        }
        Ok(())
    }

    fn auto_commit_now(&mut self, kind: CommitKind, now_ms: i64, store: &mut dyn OffsetStore) {
        if !self.config.enable_auto_commit || self.config.group_id.is_none() {
            return;
        }
        let offsets = self.consumed_positions();
        if offsets.is_empty() {
            return;
        }
        match self.send_commit(offsets.clone(), true, now_ms, store) {
            Ok(()) => self.events.push(ConsumerEvent::Committed { kind, offsets }),
            Err(error) => self
                .events
                .push(ConsumerEvent::CommitFailed { kind, error }),
        }
    }

    // ----- crash and close ------------------------------------------------------------

    /// The process dies: positions, assignment and unprocessed records are gone. No
    /// LeaveGroup is sent; the coordinator notices after `session.timeout.ms`. Restart with
    /// [`Consumer::new`].
    pub fn crash(&mut self) {
        self.lifecycle = Lifecycle::Crashed;
        self.assignment.clear();
        self.delivered.clear();
        self.next_heartbeat_ms = None;
        self.joining = false;
        self.events.push(ConsumerEvent::Crashed);
    }

    /// `close()`: auto-commit the positions, revoke the partitions, and — for a dynamic
    /// member — leave the group. Returns the member id to send LeaveGroup for, if any
    /// (a static member does not leave: it may come back within the session timeout).
    pub fn close(&mut self, now_ms: i64, store: &mut dyn OffsetStore) -> Option<String> {
        if self.lifecycle != Lifecycle::Running {
            return None;
        }
        self.auto_commit_now(CommitKind::OnClose, now_ms, store);
        let subscribed = matches!(self.mode, Mode::Subscribed(_));
        if subscribed && self.generation >= 0 {
            let all = self.assignment();
            if !all.is_empty() {
                self.events
                    .push(ConsumerEvent::PartitionsRevoked { partitions: all });
            }
        }
        // A dynamic member that has a member id leaves, even in the middle of a rebalance.
        let leave =
            (subscribed && self.config.group_instance_id.is_none() && !self.member_id.is_empty())
                .then(|| self.member_id.clone());
        self.assignment.clear();
        self.delivered.clear();
        self.next_heartbeat_ms = None;
        self.lifecycle = Lifecycle::Closed;
        self.events.push(ConsumerEvent::Closed);
        leave
    }

    // ----- group membership (ConsumerCoordinator) -------------------------------------

    fn request_rejoin(&mut self, reason: &str) {
        if !self.needs_rejoin {
            self.needs_rejoin = true;
            self.events.push(ConsumerEvent::RejoinRequested {
                reason: reason.to_string(),
            });
        }
    }

    /// Whether the consumer must send a JoinGroup now.
    pub fn wants_to_join(&self) -> bool {
        self.is_running()
            && matches!(self.mode, Mode::Subscribed(_))
            && !self.joining
            && (self.needs_rejoin || self.generation < 0)
    }

    /// `onJoinPrepare`: auto-commit, then revoke everything (eager), only partitions of
    /// topics no longer subscribed (cooperative), or declare everything lost if the
    /// membership was lost; returns the JoinGroup request.
    pub fn prepare_join(
        &mut self,
        now_ms: i64,
        store: &mut dyn OffsetStore,
    ) -> Result<JoinGroupRequest, ConsumerError> {
        self.ensure_running()?;
        let Mode::Subscribed(topics) = self.mode.clone() else {
            return Err(ConsumerError::IllegalState {
                message: "Consumer is not subscribed to any topics".into(),
            });
        };
        if !self.membership_lost && self.generation >= 0 {
            self.auto_commit_now(CommitKind::BeforeRebalance, now_ms, store);
        }
        if self.membership_lost {
            let all = self.assignment();
            self.assignment.clear();
            self.delivered.clear();
            if !all.is_empty() {
                self.events
                    .push(ConsumerEvent::PartitionsLost { partitions: all });
            }
            self.membership_lost = false;
        } else {
            let revoked: Vec<TopicPartition> = match self.rebalance_protocol() {
                RebalanceProtocol::Eager => self.assignment(),
                RebalanceProtocol::Cooperative => self
                    .assignment
                    .keys()
                    .filter(|tp| !topics.contains(&tp.topic))
                    .cloned()
                    .collect(),
            };
            if !revoked.is_empty() {
                for tp in &revoked {
                    self.assignment.remove(tp);
                }
                self.delivered.retain(|r| !revoked.contains(&r.partition));
                self.events.push(ConsumerEvent::PartitionsRevoked {
                    partitions: revoked,
                });
            }
        }
        self.joining = true;
        self.needs_rejoin = false;
        // The heartbeat thread is off while the member is (re)joining.
        self.next_heartbeat_ms = None;
        self.last_poll_ms = self.last_poll_ms.max(now_ms);
        Ok(self.join_request())
    }

    /// The JoinGroup request for the current state (also used to answer MEMBER_ID_REQUIRED).
    pub fn join_request(&self) -> JoinGroupRequest {
        let topics: Vec<String> = match &self.mode {
            Mode::Subscribed(t) => t.iter().cloned().collect(),
            _ => Vec::new(),
        };
        let owned = self.assignment();
        let generation = (self.generation >= 0).then_some(self.generation);
        JoinGroupRequest {
            member_id: self.member_id.clone(),
            group_instance_id: self.config.group_instance_id.clone(),
            client_id: self.config.client_id.clone(),
            session_timeout_ms: self.config.session_timeout_ms,
            rebalance_timeout_ms: self.config.max_poll_interval_ms,
            protocols: self
                .config
                .partition_assignment_strategy
                .iter()
                .map(|a| {
                    // The eager `sticky` assignor carries its last assignment in its user data.
                    let (owned, generation) = if a.name() == "sticky" {
                        let (p, g) = &self.sticky_memory;
                        (p.clone(), (*g >= 0).then_some(*g))
                    } else {
                        (owned.clone(), generation)
                    };
                    ProtocolMetadata {
                        name: a.name().to_string(),
                        subscription: Subscription {
                            topics: topics.clone(),
                            owned_partitions: owned,
                            generation,
                        },
                    }
                })
                .collect(),
        }
    }

    /// A JoinGroup or SyncGroup failed. Returns the request to send again at once, if any
    /// (MEMBER_ID_REQUIRED), otherwise the consumer rejoins at its next poll.
    pub fn on_join_error(
        &mut self,
        error: &GroupError,
    ) -> Result<Option<JoinGroupRequest>, ConsumerError> {
        match error {
            GroupError::MemberIdRequired { member_id } => {
                self.member_id = member_id.clone();
                Ok(Some(self.join_request()))
            }
            GroupError::FencedInstanceId { group_instance_id } => {
                self.joining = false;
                self.lifecycle = Lifecycle::Closed;
                Err(ConsumerError::FencedInstanceId {
                    group_instance_id: group_instance_id.clone(),
                })
            }
            GroupError::UnknownMemberId { .. } | GroupError::IllegalGeneration { .. } => {
                self.joining = false;
                self.lose_membership(matches!(error, GroupError::UnknownMemberId { .. }));
                Ok(None)
            }
            _ => {
                self.joining = false;
                self.request_rejoin(error.code());
                Ok(None)
            }
        }
    }

    fn lose_membership(&mut self, forget_member_id: bool) {
        if forget_member_id {
            self.member_id.clear();
        }
        self.generation = -1;
        self.membership_lost = true;
        self.is_leader = false;
        self.next_heartbeat_ms = None;
        self.request_rejoin("the group membership was lost");
    }

    /// The JoinGroup answer: the leader runs the assignor over every member's subscription
    /// and the current partition counts. Returns the SyncGroup request.
    pub fn on_join_response(
        &mut self,
        response: &JoinGroupResponse,
        log: &dyn LogReader,
        now_ms: i64,
    ) -> Result<SyncGroupRequest, ConsumerError> {
        // Joined: the heartbeat thread runs again while the member waits for its assignment.
        self.next_heartbeat_ms = Some(now_ms + self.config.heartbeat_interval_ms);
        self.member_id = response.member_id.clone();
        self.generation = response.generation_id;
        self.protocol = response.protocol_name.clone();
        self.is_leader = response.leader == response.member_id;
        let mut assignments = Vec::new();
        if self.is_leader && !response.skip_assignment {
            let protocol = self.protocol.clone().unwrap_or_default();
            let topics = topics_of(&response.members);
            let counts: BTreeMap<String, i32> = topics
                .iter()
                .filter_map(|t| log.partition_count(t).map(|n| (t.clone(), n)))
                .collect();
            let plan = leader_assignment(&protocol, &response.members, &counts).map_err(|e| {
                ConsumerError::IllegalState {
                    message: e.to_string(),
                }
            })?;
            // The leader's metadata snapshot also remembers the subscribed topics that do not
            // exist (0 partitions): one created later changes it, and the group rebalances.
            self.assignment_snapshot = topics_of(&response.members)
                .into_iter()
                .map(|t| (t.clone(), counts.get(&t).copied().unwrap_or(0)))
                .collect();
            assignments = plan.assignment.into_iter().collect();
        }
        Ok(SyncGroupRequest {
            member_id: self.member_id.clone(),
            group_instance_id: self.config.group_instance_id.clone(),
            generation_id: self.generation,
            assignments,
        })
    }

    /// `onJoinComplete`: the SyncGroup answer. Eager: the whole assignment is new.
    /// Cooperative: partitions that moved away are revoked now, new ones assigned, and if
    /// anything was revoked the consumer asks for a follow-up rebalance. Newly assigned
    /// partitions start from the committed offset at the next poll.
    pub fn on_assignment(&mut self, partitions: &[TopicPartition], now_ms: i64) {
        self.joining = false;
        self.sticky_memory = (partitions.to_vec(), self.generation);
        let new: BTreeSet<&TopicPartition> = partitions.iter().collect();
        let revoked: Vec<TopicPartition> = self
            .assignment
            .keys()
            .filter(|tp| !new.contains(tp))
            .cloned()
            .collect();
        if !revoked.is_empty() {
            for tp in &revoked {
                self.assignment.remove(tp);
            }
            self.delivered.retain(|r| !revoked.contains(&r.partition));
            self.events.push(ConsumerEvent::PartitionsRevoked {
                partitions: revoked.clone(),
            });
        }
        let added: Vec<TopicPartition> = partitions
            .iter()
            .filter(|tp| !self.assignment.contains_key(*tp))
            .cloned()
            .collect();
        for tp in &added {
            self.assignment
                .insert(tp.clone(), PartitionState::default());
        }
        self.events
            .push(ConsumerEvent::PartitionsAssigned { partitions: added });
        self.next_heartbeat_ms = Some(now_ms + self.config.heartbeat_interval_ms);
        if !revoked.is_empty() && self.rebalance_protocol() == RebalanceProtocol::Cooperative {
            self.request_rejoin("partitions were revoked; a follow-up rebalance assigns them");
        }
    }

    /// The heartbeat thread sent a heartbeat at `now_ms`.
    pub fn on_heartbeat_sent(&mut self, now_ms: i64) {
        self.next_heartbeat_ms = Some(now_ms + self.config.heartbeat_interval_ms);
    }

    /// The heartbeat answer. REBALANCE_IN_PROGRESS makes the consumer rejoin at its next
    /// poll; UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION mean the membership was lost.
    pub fn on_heartbeat_response(
        &mut self,
        result: Result<(), GroupError>,
    ) -> Result<(), ConsumerError> {
        match result {
            Ok(()) => Ok(()),
            Err(GroupError::RebalanceInProgress) => {
                // Only a stable member reacts; one already rejoining ignores it.
                if !self.joining {
                    self.request_rejoin("the group is rebalancing");
                }
                Ok(())
            }
            Err(GroupError::UnknownMemberId { .. }) => {
                self.lose_membership(true);
                Ok(())
            }
            Err(GroupError::IllegalGeneration { .. }) => {
                self.lose_membership(false);
                Ok(())
            }
            Err(GroupError::FencedInstanceId { group_instance_id }) => {
                self.lifecycle = Lifecycle::Closed;
                Err(ConsumerError::FencedInstanceId { group_instance_id })
            }
            Err(other) => {
                self.request_rejoin(other.code());
                Ok(())
            }
        }
    }

    /// The heartbeat thread's check of `max.poll.interval.ms`: if the application has not
    /// polled in time, the consumer gives up its membership (its partitions are lost, not
    /// revoked: nothing is committed) and, if dynamic, leaves the group. Returns the member
    /// id to send LeaveGroup for.
    pub fn check_poll_timeout(&mut self, now_ms: i64) -> Option<String> {
        let deadline = self.poll_deadline_ms()?;
        if now_ms < deadline {
            return None;
        }
        self.events.push(ConsumerEvent::PollTimeoutExpired {
            last_poll_ms: self.last_poll_ms,
        });
        let leave = (self.config.group_instance_id.is_none() && !self.member_id.is_empty())
            .then(|| self.member_id.clone());
        self.lose_membership(leave.is_some());
        self.joining = false;
        leave
    }

    /// New metadata: the leader rejoins when a subscribed topic's partition count changed
    /// since its last assignment, so the new partitions get assigned.
    /// `refresh`: a full metadata refresh (`metadata.max.age.ms` passed); a subscribed topic
    /// that did not exist is only seen at one. Partition count changes of known topics are
    /// seen at every poll (a simplification: Kafka sees them at its next refresh too).
    pub fn on_metadata(&mut self, log: &dyn LogReader, refresh: bool) {
        if !self.is_leader || !self.in_group() {
            return;
        }
        let changed = self
            .assignment_snapshot
            .iter()
            .any(|(t, n)| (*n != 0 || refresh) && log.partition_count(t).unwrap_or(0) != *n);
        if changed {
            self.request_rejoin("the partition count of a subscribed topic changed");
        }
    }
}

/// Every topic the members subscribe to, once each, sorted.
fn topics_of(members: &[crate::group::JoinedMember]) -> BTreeSet<String> {
    members
        .iter()
        .flat_map(|m| m.subscription.topics.iter().cloned())
        .collect()
}
