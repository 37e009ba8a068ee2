//! Brokers and replication: each partition's leader and followers, the in-sync replicas
//! (ISR), the high watermark, `acks`, leader election and truncation.
//!
//! **One log per partition, shared.** Followers of a partition do not hold deep copies of the
//! leader's records: the partition keeps the leader's [`PartitionLog`] and each replica only
//! its own log end offset (a follower at LEO 7 has exactly the leader's records below 7).
//! The one exception is a replica that was cut off holding records the new leader does not
//! have (an old leader that died with an unreplicated tail): those records are copied into its
//! [`DivergentTail`] when the shared log is truncated, and dropped when it comes back and
//! truncates, as Kafka's followers do (leader epochs, KIP-101).
//!
//! **Rules, as in Kafka's `Partition` / `ReplicaManager`:**
//! - HW = minimum LEO over the ISR, and it never moves back on a leader.
//! - A follower is out of sync once it has been behind the leader's LEO for more than
//!   `replica.lag.time.max.ms`; it rejoins when its LEO reaches the HW.
//! - `acks=all` needs an ISR of at least `min.insync.replicas` (`NOT_ENOUGH_REPLICAS`) and is
//!   acknowledged when the HW passes the record.
//! - A stopped broker is fenced at once: it leaves every ISR (unless it is the last member, as
//!   Kafka keeps the last ISR member) and its leaderships move to the first live replica in
//!   the ISR (clean election; `unclean.leader.election.enable=false`). With none, the
//!   partition is offline until an ISR member returns.
//! - Unclean election (`unclean.leader.election.enable=true`, or `kafka-leader-election
//!   --election-type unclean` on an offline partition): when no ISR member is alive, the first
//!   live replica in assignment order leads although it is out of sync, and the ISR becomes
//!   that replica alone (Kafka's `PartitionChangeBuilder`). The log is cut back to its LEO, the
//!   HW with it, and the next records take the offsets the lost ones had: the one way an offset
//!   is reused. Simplification: a replica that left with a divergent tail of its own (it led
//!   and died before replicating) leads without that tail.
//! - The new leader's LEO is the truth: every replica truncates to it.

use crate::config::{Acks, TopicConfig};
use crate::error::SimError;
use crate::event::Event;
use crate::log::{BatchKind, NewRecord, PartitionLog, Record};
use crate::types::{BrokerId, Offset};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One broker's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Broker {
    pub id: BrokerId,
    /// Running (not killed).
    pub alive: bool,
    /// Its replica fetchers run (false after `PauseReplicaFetching`).
    pub fetching: bool,
}

/// The brokers of a world, by id.
pub type Brokers = BTreeMap<BrokerId, Broker>;

fn is_alive(brokers: &Brokers, b: BrokerId) -> bool {
    brokers.get(&b).is_some_and(|x| x.alive)
}

fn fetches(brokers: &Brokers, b: BrokerId) -> bool {
    brokers.get(&b).is_some_and(|x| x.alive && x.fetching)
}

/// Records a cut-off replica has that the current leader does not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DivergentTail {
    /// Its log equals the shared log below this offset.
    pub from: Offset,
    pub records: Vec<Record>,
}

/// One replica of a partition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replica {
    pub broker: BrokerId,
    log_end_offset: Offset,
    /// Since when it has been behind the leader's LEO (`None` when caught up).
    behind_since_ms: Option<i64>,
    divergent: Option<DivergentTail>,
}

impl Replica {
    fn new(broker: BrokerId) -> Self {
        Self {
            broker,
            log_end_offset: Offset(0),
            behind_since_ms: None,
            divergent: None,
        }
    }
    pub fn log_end_offset(&self) -> Offset {
        self.log_end_offset
    }
    pub fn behind_since_ms(&self) -> Option<i64> {
        self.behind_since_ms
    }
    pub fn divergent_tail(&self) -> Option<&DivergentTail> {
        self.divergent.as_ref()
    }
}

/// An entry of the leader epoch cache: `epoch` wrote from `start_offset` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpochStart {
    pub epoch: i32,
    pub start_offset: Offset,
}

/// One partition with its replicas and its (leader's) log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partition {
    topic: String,
    index: i32,
    /// In assignment order; the first is the preferred leader.
    replicas: Vec<Replica>,
    leader: Option<BrokerId>,
    leader_epoch: i32,
    /// The leader's epoch cache (`LeaderEpochFileCache`): each leader epoch that wrote to
    /// this log and the offset where it started, oldest first.
    epochs: Vec<EpochStart>,
    /// In assignment order.
    isr: Vec<BrokerId>,
    log: PartitionLog,
    high_watermark: Offset,
    /// Offsets of `acks=all` records waiting for the HW.
    pending_acks: Vec<Offset>,
    /// A `ReplicaFetch` timer is pending.
    pub(crate) fetch_scheduled: bool,
}

impl Partition {
    /// A new, empty partition: the first live replica leads, the live replicas are in sync.
    pub(crate) fn new(topic: &str, index: i32, assignment: &[BrokerId], brokers: &Brokers) -> Self {
        let replicas: Vec<Replica> = assignment.iter().map(|b| Replica::new(*b)).collect();
        let isr: Vec<BrokerId> = assignment
            .iter()
            .copied()
            .filter(|b| is_alive(brokers, *b))
            .collect();
        Self {
            topic: topic.to_string(),
            index,
            replicas,
            epochs: isr
                .first()
                .map(|_| EpochStart {
                    epoch: 0,
                    start_offset: Offset(0),
                })
                .into_iter()
                .collect(),
            leader: isr.first().copied(),
            leader_epoch: 0,
            isr,
            log: PartitionLog::new(),
            high_watermark: Offset(0),
            pending_acks: Vec::new(),
            fetch_scheduled: false,
        }
    }

    pub fn topic(&self) -> &str {
        &self.topic
    }
    pub fn index(&self) -> i32 {
        self.index
    }
    pub fn leader(&self) -> Option<BrokerId> {
        self.leader
    }
    pub fn leader_epoch(&self) -> i32 {
        self.leader_epoch
    }

    /// The leader's epoch cache, oldest first.
    pub fn epochs(&self) -> &[EpochStart] {
        &self.epochs
    }

    /// `OffsetsForLeaderEpoch` on the leader (`LeaderEpochFileCache.endOffsetFor`): for
    /// `requested`, the largest epoch at or below it that this log knows and the offset where
    /// that epoch ended (the log end offset for the latest epoch). `None` is
    /// `UNDEFINED_EPOCH_OFFSET`: the epoch is newer than every epoch the log knows, or the
    /// log knows none.
    pub fn epoch_end_offset(&self, requested: i32) -> Option<(i32, Offset)> {
        let latest = self.epochs.last()?;
        if requested < 0 {
            return None;
        }
        if latest.epoch == requested {
            return Some((requested, self.log.log_end_offset()));
        }
        let higher = self.epochs.iter().find(|e| e.epoch > requested)?;
        Some(
            match self.epochs.iter().rev().find(|e| e.epoch <= requested) {
                // Older than every epoch the log knows: the first known epoch's start.
                None => (requested, higher.start_offset),
                Some(floor) => (floor.epoch, higher.start_offset),
            },
        )
    }

    /// The leader epoch of the batch that holds `offset`, as a fetched record batch carries it
    /// (`partitionLeaderEpoch`).
    pub fn epoch_of(&self, offset: Offset) -> Option<i32> {
        self.epochs
            .iter()
            .rev()
            .find(|e| e.start_offset <= offset)
            .map(|e| e.epoch)
    }

    /// A new leader epoch starts at `start_offset` (`LeaderEpochFileCache.assign`): entries
    /// at or after it, which the new leader's log does not have, are dropped.
    fn assign_epoch(&mut self, epoch: i32, start_offset: Offset) {
        while self
            .epochs
            .last()
            .is_some_and(|e| e.start_offset >= start_offset || e.epoch >= epoch)
        {
            self.epochs.pop();
        }
        self.epochs.push(EpochStart {
            epoch,
            start_offset,
        });
    }
    /// Replica broker ids in assignment order (the first is the preferred leader).
    pub fn replica_ids(&self) -> Vec<BrokerId> {
        self.replicas.iter().map(|r| r.broker).collect()
    }
    pub fn replicas(&self) -> &[Replica] {
        &self.replicas
    }
    pub fn isr(&self) -> &[BrokerId] {
        &self.isr
    }
    /// The leader's log.
    pub fn log(&self) -> &PartitionLog {
        &self.log
    }
    pub(crate) fn log_mut(&mut self) -> &mut PartitionLog {
        &mut self.log
    }
    pub fn log_start_offset(&self) -> Offset {
        self.log.log_start_offset()
    }
    pub fn log_end_offset(&self) -> Offset {
        self.log.log_end_offset()
    }
    pub fn high_watermark(&self) -> Offset {
        self.high_watermark
    }
    /// The last stable offset: the first offset of the oldest open transaction, or the
    /// high watermark when none is open (never above it). `read_committed` consumers read
    /// below it.
    pub fn last_stable_offset(&self) -> Offset {
        self.log
            .first_unstable_offset()
            .map_or(self.high_watermark, |o| o.min(self.high_watermark))
    }

    pub fn pending_acks(&self) -> &[Offset] {
        &self.pending_acks
    }

    fn replica(&self, b: BrokerId) -> Option<&Replica> {
        self.replicas.iter().find(|r| r.broker == b)
    }

    /// One replica's log end offset.
    pub fn replica_log_end_offset(&self, b: BrokerId) -> Option<Offset> {
        self.replica(b).map(|r| r.log_end_offset)
    }

    /// One replica's records: the shared log below its LEO, plus its divergent tail.
    pub fn replica_records(&self, b: BrokerId) -> Vec<Record> {
        let Some(r) = self.replica(b) else {
            return Vec::new();
        };
        let shared_end = r
            .divergent
            .as_ref()
            .map_or(r.log_end_offset, |d| d.from.min(r.log_end_offset));
        let mut out: Vec<Record> = self
            .log
            .read(self.log.log_start_offset(), shared_end, usize::MAX)
            .map(|v| v.to_record())
            .collect();
        if let Some(d) = &r.divergent {
            out.extend(d.records.iter().cloned());
        }
        out
    }

    fn event_isr(&self) -> Vec<BrokerId> {
        self.isr.clone()
    }

    /// Sorts the ISR in assignment order.
    fn sort_isr(&mut self) {
        let order: Vec<BrokerId> = self.replicas.iter().map(|r| r.broker).collect();
        self.isr
            .sort_by_key(|b| order.iter().position(|x| x == b).unwrap_or(usize::MAX));
    }

    /// Checks that a produce would be accepted, without changing anything.
    pub(crate) fn check_produce(
        &self,
        key_present: bool,
        acks: Acks,
        config: &TopicConfig,
    ) -> Result<BrokerId, SimError> {
        let Some(leader) = self.leader else {
            return Err(SimError::LeaderNotAvailable {
                topic: self.topic.clone(),
                partition: self.index,
            });
        };
        if acks == Acks::All && (self.isr.len() as i64) < i64::from(config.min_insync_replicas) {
            return Err(SimError::NotEnoughReplicas {
                topic: self.topic.clone(),
                partition: self.index,
                isr: self.isr.len(),
                min_insync_replicas: config.min_insync_replicas,
            });
        }
        if config.cleanup_policy.compacts() && !key_present {
            return Err(SimError::InvalidRecord {
                topic: self.topic.clone(),
                reason: "a compacted topic cannot accept a record without a key".into(),
            });
        }
        Ok(leader)
    }

    /// Appends on the leader (a plain record, a transactional one or a transaction marker).
    /// Returns the offset and the leader; a rolled segment is an event.
    /// A marker has no user key, so the compacted-topic key check does not apply to it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn append_kind(
        &mut self,
        now_ms: i64,
        timestamp_ms: i64,
        rec: &NewRecord<'_>,
        acks: Acks,
        config: &TopicConfig,
        kind: BatchKind,
        events: &mut Vec<Event>,
    ) -> Result<(Offset, BrokerId), SimError> {
        let leader = self.check_produce(rec.key.is_some() || kind.is_marker(), acks, config)?;
        let (offset, rolled) = self
            .log
            .append_kind(now_ms, timestamp_ms, rec, config, kind)?;
        if let Some(base) = rolled {
            events.push(Event::SegmentRolled {
                topic: self.topic.clone(),
                partition: self.index,
                base_offset: base,
            });
        }
        let leo = self.log.log_end_offset();
        for r in &mut self.replicas {
            if r.broker == leader {
                r.log_end_offset = leo;
            } else if r.behind_since_ms.is_none() && r.log_end_offset < leo {
                r.behind_since_ms = Some(now_ms);
            }
        }
        if acks == Acks::All {
            self.pending_acks.push(offset);
        }
        Ok((offset, leader))
    }

    /// Whether a replica fetch would move anything.
    pub(crate) fn needs_fetch(&self, brokers: &Brokers) -> bool {
        let Some(leader) = self.leader else {
            return false;
        };
        let leo = self.log.log_end_offset();
        self.replicas.iter().any(|r| {
            r.broker != leader
                && fetches(brokers, r.broker)
                && (r.log_end_offset != leo
                    || r.divergent.is_some()
                    || !self.isr.contains(&r.broker))
        })
    }

    /// Raises the HW to the minimum LEO over the ISR and acknowledges `acks=all` records
    /// below it.
    pub(crate) fn maybe_advance_high_watermark(&mut self, events: &mut Vec<Event>) {
        if self.leader.is_none() {
            return;
        }
        let min_isr_leo = self
            .isr
            .iter()
            .filter_map(|b| self.replica(*b).map(|r| r.log_end_offset))
            .min()
            .unwrap_or(self.high_watermark)
            .min(self.log.log_end_offset());
        if min_isr_leo > self.high_watermark {
            let from = self.high_watermark;
            self.high_watermark = min_isr_leo;
            events.push(Event::HighWatermarkAdvanced {
                topic: self.topic.clone(),
                partition: self.index,
                from,
                to: min_isr_leo,
            });
        }
        let hw = self.high_watermark;
        let done = self.pending_acks.partition_point(|o| *o < hw);
        for offset in self.pending_acks.drain(..done) {
            events.push(Event::ProduceAcknowledged {
                topic: self.topic.clone(),
                partition: self.index,
                offset,
            });
        }
    }

    /// Every live, fetching follower fetches up to the leader's LEO; caught-up followers
    /// rejoin the ISR; the HW moves.
    pub(crate) fn replica_fetch(&mut self, brokers: &Brokers, events: &mut Vec<Event>) {
        self.fetch_scheduled = false;
        let Some(leader) = self.leader else {
            return;
        };
        let leo = self.log.log_end_offset();
        let start = self.log.log_start_offset();
        let hw = self.high_watermark;
        let mut joined = Vec::new();
        for r in &mut self.replicas {
            if r.broker == leader || !fetches(brokers, r.broker) {
                continue;
            }
            if let Some(tail) = r.divergent.take() {
                let from = r.log_end_offset;
                r.log_end_offset = tail.from.min(from);
                events.push(Event::ReplicaTruncated {
                    topic: self.topic.clone(),
                    partition: self.index,
                    broker: r.broker,
                    from,
                    to: r.log_end_offset,
                });
            }
            let from = r.log_end_offset;
            // A follower below the leader's log start restarts from it (OFFSET_OUT_OF_RANGE
            // on its fetch, then truncate-fully-and-start-at).
            let mut to = from.max(start);
            if to < leo {
                to = leo;
            }
            if to != from {
                r.log_end_offset = to;
                events.push(Event::FollowerFetched {
                    topic: self.topic.clone(),
                    partition: self.index,
                    broker: r.broker,
                    from,
                    to,
                });
            }
            r.behind_since_ms = None;
            if !self.isr.contains(&r.broker) && r.log_end_offset >= hw {
                joined.push(r.broker);
            }
        }
        for b in joined {
            self.isr.push(b);
            self.sort_isr();
            events.push(Event::IsrExpanded {
                topic: self.topic.clone(),
                partition: self.index,
                broker: b,
                isr: self.event_isr(),
            });
        }
        self.maybe_advance_high_watermark(events);
    }

    /// Whether an in-sync follower is behind the leader (so ISR expiration has work).
    pub(crate) fn has_lagging_isr_follower(&self) -> bool {
        self.leader.is_some()
            && self.replicas.iter().any(|r| {
                r.behind_since_ms.is_some()
                    && Some(r.broker) != self.leader
                    && self.isr.contains(&r.broker)
            })
    }

    /// Drops followers that lag more than `lag_max_ms` from the ISR (`isr-expiration`).
    pub(crate) fn isr_expiration(&mut self, now_ms: i64, lag_max_ms: i64, events: &mut Vec<Event>) {
        let Some(leader) = self.leader else {
            return;
        };
        if self.replicas.iter().all(|r| r.behind_since_ms.is_none()) {
            return;
        }
        let out: Vec<BrokerId> = self
            .replicas
            .iter()
            .filter(|r| r.broker != leader && self.isr.contains(&r.broker))
            .filter(|r| {
                r.behind_since_ms
                    .is_some_and(|t| now_ms.saturating_sub(t) > lag_max_ms)
            })
            .map(|r| r.broker)
            .collect();
        for b in out {
            self.isr.retain(|x| *x != b);
            events.push(Event::IsrShrunk {
                topic: self.topic.clone(),
                partition: self.index,
                broker: b,
                isr: self.event_isr(),
            });
        }
        self.maybe_advance_high_watermark(events);
    }

    /// Moves leadership to `new` (or takes the partition offline), truncating every replica
    /// to the new leader's LEO.
    fn change_leader(
        &mut self,
        new: Option<BrokerId>,
        brokers: &Brokers,
        now_ms: i64,
        events: &mut Vec<Event>,
    ) {
        let old = self.leader;
        if let Some(nl) = new {
            // A leader never keeps a divergent tail.
            if let Some(r) = self.replicas.iter_mut().find(|r| r.broker == nl) {
                if let Some(tail) = r.divergent.take() {
                    r.log_end_offset = tail.from.min(r.log_end_offset);
                }
            }
            let new_leo = self
                .replica(nl)
                .map_or(self.log.log_end_offset(), |r| r.log_end_offset)
                .min(self.log.log_end_offset())
                .max(self.log.log_start_offset());
            if new_leo < self.log.log_end_offset() {
                for i in 0..self.replicas.len() {
                    let r = &self.replicas[i];
                    if r.broker == nl || r.log_end_offset <= new_leo {
                        continue;
                    }
                    let b = r.broker;
                    if is_alive(brokers, b) {
                        // A live replica truncates to where it diverges: the new leader's
                        // LEO, or earlier if it still holds a divergent tail.
                        let from = r.log_end_offset;
                        let to = r
                            .divergent
                            .as_ref()
                            .map_or(new_leo, |d| d.from.min(new_leo));
                        self.replicas[i].divergent = None;
                        self.replicas[i].log_end_offset = to;
                        events.push(Event::ReplicaTruncated {
                            topic: self.topic.clone(),
                            partition: self.index,
                            broker: b,
                            from,
                            to,
                        });
                    } else {
                        let shared_end = r
                            .divergent
                            .as_ref()
                            .map_or(r.log_end_offset, |d| d.from)
                            .min(r.log_end_offset);
                        if shared_end > new_leo {
                            let mut records: Vec<Record> = self
                                .log
                                .read(new_leo, shared_end, usize::MAX)
                                .map(|v| v.to_record())
                                .collect();
                            if let Some(old_tail) = self.replicas[i].divergent.take() {
                                records.extend(old_tail.records);
                            }
                            self.replicas[i].divergent = Some(DivergentTail {
                                from: new_leo,
                                records,
                            });
                        }
                    }
                }
                self.log.truncate_to(new_leo);
                let lost = self.pending_acks.partition_point(|o| *o < new_leo);
                for offset in self.pending_acks.drain(lost..) {
                    events.push(Event::ProduceFailed {
                        topic: self.topic.clone(),
                        partition: self.index,
                        offset,
                        error: "NOT_LEADER_OR_FOLLOWER".into(),
                    });
                }
            }
            let leo = self.log.log_end_offset();
            for r in &mut self.replicas {
                if r.broker == nl {
                    r.log_end_offset = leo;
                    r.behind_since_ms = None;
                } else if r.log_end_offset < leo && r.behind_since_ms.is_none() {
                    r.behind_since_ms = Some(now_ms);
                }
            }
            if self.high_watermark > leo {
                // Cannot happen with clean elections (ISR members hold the HW); kept safe.
                self.high_watermark = leo;
            }
        }
        self.leader = new;
        self.leader_epoch = self.leader_epoch.saturating_add(1);
        if new.is_some() {
            self.assign_epoch(self.leader_epoch, self.log.log_end_offset());
        }
        events.push(Event::LeaderChanged {
            topic: self.topic.clone(),
            partition: self.index,
            from: old,
            to: new,
            leader_epoch: self.leader_epoch,
        });
        self.maybe_advance_high_watermark(events);
    }

    /// The first replica in assignment order that is alive and in the ISR.
    fn first_live_isr(&self, brokers: &Brokers, except: Option<BrokerId>) -> Option<BrokerId> {
        self.replicas
            .iter()
            .map(|r| r.broker)
            .find(|b| Some(*b) != except && self.isr.contains(b) && is_alive(brokers, *b))
    }

    /// A broker stopped (`brokers` already says so): it leaves the ISR and gives up leadership.
    pub(crate) fn broker_stopped(
        &mut self,
        b: BrokerId,
        brokers: &Brokers,
        now_ms: i64,
        unclean: bool,
        events: &mut Vec<Event>,
    ) {
        if self.replica(b).is_none() {
            return;
        }
        if self.isr.contains(&b) && self.isr.len() > 1 {
            self.isr.retain(|x| *x != b);
            events.push(Event::IsrShrunk {
                topic: self.topic.clone(),
                partition: self.index,
                broker: b,
                isr: self.event_isr(),
            });
        }
        if self.leader == Some(b) {
            let next = self.first_live_isr(brokers, Some(b));
            match (
                next,
                unclean.then(|| self.first_live_replica(brokers)).flatten(),
            ) {
                (None, Some(out_of_sync)) => {
                    self.unclean_election(out_of_sync, brokers, now_ms, events)
                }
                _ => self.change_leader(next, brokers, now_ms, events),
            }
        } else {
            self.maybe_advance_high_watermark(events);
        }
    }

    /// A broker came back: an ISR member of an offline partition leads again; otherwise it
    /// will fetch (and first truncate any divergent tail).
    pub(crate) fn broker_started(
        &mut self,
        b: BrokerId,
        brokers: &Brokers,
        now_ms: i64,
        unclean: bool,
        events: &mut Vec<Event>,
    ) {
        if self.replica(b).is_none() {
            return;
        }
        if self.leader.is_none() && self.isr.contains(&b) {
            self.change_leader(Some(b), brokers, now_ms, events);
            return;
        }
        if self.leader.is_none() && unclean {
            self.unclean_election(b, brokers, now_ms, events);
            return;
        }
        let leo = self.log.log_end_offset();
        if let Some(r) = self.replicas.iter_mut().find(|r| r.broker == b) {
            if r.log_end_offset != leo || r.divergent.is_some() {
                r.behind_since_ms = Some(now_ms);
            }
        }
    }

    /// Moves leadership to the preferred replica if it is alive and in sync. Returns whether
    /// it did.
    pub(crate) fn elect_preferred_leader(
        &mut self,
        brokers: &Brokers,
        now_ms: i64,
        events: &mut Vec<Event>,
    ) -> bool {
        let Some(preferred) = self.replicas.first().map(|r| r.broker) else {
            return false;
        };
        if self.leader == Some(preferred)
            || !self.isr.contains(&preferred)
            || !is_alive(brokers, preferred)
        {
            return false;
        }
        self.change_leader(Some(preferred), brokers, now_ms, events);
        true
    }

    /// The first live replica in assignment order, in the ISR or not: an unclean election's
    /// pick.
    fn first_live_replica(&self, brokers: &Brokers) -> Option<BrokerId> {
        self.replicas
            .iter()
            .map(|r| r.broker)
            .find(|b| is_alive(brokers, *b))
    }

    /// `out_of_sync` leads although it is not in the ISR: the ISR becomes it alone, the log is
    /// cut back to its LEO (the records above are lost, their offsets will be given again)
    /// and the HW follows.
    fn unclean_election(
        &mut self,
        out_of_sync: BrokerId,
        brokers: &Brokers,
        now_ms: i64,
        events: &mut Vec<Event>,
    ) {
        let log_end_before = self.log.log_end_offset();
        let hw_before = self.high_watermark;
        let at = events.len();
        self.isr = vec![out_of_sync];
        // The HW goes back with the log: the new leader never had those records.
        self.change_leader(Some(out_of_sync), brokers, now_ms, events);
        events.insert(
            at,
            Event::UncleanLeaderElected {
                topic: self.topic.clone(),
                partition: self.index,
                leader: out_of_sync,
                log_end_offset_before: log_end_before,
                high_watermark_before: hw_before,
                log_end_offset: self.log.log_end_offset(),
            },
        );
    }

    /// `kafka-leader-election` for this partition. Preferred: the preferred replica if it is
    /// alive and in sync (`ELECTION_NOT_NEEDED` when it leads already,
    /// `PREFERRED_LEADER_NOT_AVAILABLE` otherwise). Unclean: only for a partition without a
    /// leader (`ELECTION_NOT_NEEDED`), a live ISR member first, else the first live replica
    /// (`ELIGIBLE_LEADERS_NOT_AVAILABLE` when none is alive).
    pub(crate) fn elect(
        &mut self,
        unclean: bool,
        brokers: &Brokers,
        now_ms: i64,
        events: &mut Vec<Event>,
    ) -> Result<(), &'static str> {
        if !unclean {
            if self.preferred_is_not_leader().is_none() {
                return Err("ELECTION_NOT_NEEDED");
            }
            return if self.elect_preferred_leader(brokers, now_ms, events) {
                Ok(())
            } else {
                Err("PREFERRED_LEADER_NOT_AVAILABLE")
            };
        }
        if self.leader.is_some() {
            return Err("ELECTION_NOT_NEEDED");
        }
        if let Some(b) = self.first_live_isr(brokers, None) {
            self.change_leader(Some(b), brokers, now_ms, events);
            return Ok(());
        }
        match self.first_live_replica(brokers) {
            Some(b) => {
                self.unclean_election(b, brokers, now_ms, events);
                Ok(())
            }
            None => Err("ELIGIBLE_LEADERS_NOT_AVAILABLE"),
        }
    }

    /// The preferred replica, if it is not the leader right now.
    pub(crate) fn preferred_is_not_leader(&self) -> Option<BrokerId> {
        let p = self.replicas.first()?.broker;
        (self.leader != Some(p)).then_some(p)
    }

    /// Raises the log start offset for `DeleteRecords`. The caller checked the bound.
    pub(crate) fn set_log_start_offset(&mut self, offset: Offset) -> bool {
        self.log.advance_log_start_offset(offset)
    }

    /// Checks the replication invariants of this partition.
    pub fn check_invariants(&self, brokers: &Brokers, compacted: bool) -> Result<(), String> {
        let name = format!("{}-{}", self.topic, self.index);
        self.log
            .check_invariants(!compacted)
            .map_err(|e| format!("{name}: {e}"))?;
        self.check_replication_state(brokers)?;
        let leo = self.log.log_end_offset();
        // The epoch cache: epochs and their start offsets both rise, none is newer than the
        // partition's epoch, none starts past the log end.
        for pair in self.epochs.windows(2) {
            if pair[1].epoch <= pair[0].epoch || pair[1].start_offset <= pair[0].start_offset {
                return Err(format!("{name}: the leader epoch cache is out of order"));
            }
        }
        if let Some(last) = self.epochs.last() {
            if last.epoch > self.leader_epoch || last.start_offset > leo {
                return Err(format!(
                    "{name}: epoch {} from {} is past the leader epoch {} or the log end {leo}",
                    last.epoch, last.start_offset, self.leader_epoch
                ));
            }
        }
        for r in &self.replicas {
            match &r.divergent {
                None => {
                    if r.log_end_offset > leo {
                        return Err(format!(
                            "{name}: replica {} has LEO {} above the leader's {leo} without a divergent tail",
                            r.broker, r.log_end_offset
                        ));
                    }
                }
                Some(d) => {
                    if is_alive(brokers, r.broker) && Some(r.broker) == self.leader {
                        return Err(format!("{name}: the leader has a divergent tail"));
                    }
                    let mut prev = d.from.0.saturating_sub(1);
                    for rec in &d.records {
                        if rec.offset.0 <= prev || (!compacted && rec.offset.0 != prev + 1) {
                            return Err(format!("{name}: divergent tail offsets broken"));
                        }
                        prev = rec.offset.0;
                    }
                    if prev >= r.log_end_offset.0 {
                        return Err(format!("{name}: divergent tail beyond the replica's LEO"));
                    }
                }
            }
        }
        let mut sorted = self.pending_acks.clone();
        sorted.dedup();
        if sorted.windows(2).any(|w| w[0] >= w[1]) || sorted.len() != self.pending_acks.len() {
            return Err(format!("{name}: pending acks out of order"));
        }
        Ok(())
    }

    /// The cheap part of [`Partition::check_invariants`], O(replicas): log start ≤ HW ≤ LEO,
    /// a non-empty ISR of replicas, and a leader (if any) in the ISR, running, at the log's
    /// LEO, with every ISR member at or above the HW. Checked after every command in debug
    /// builds.
    pub fn check_replication_state(&self, brokers: &Brokers) -> Result<(), String> {
        // Formatted only when a check fails: this runs after every command.
        struct Name<'a>(&'a str, i32);
        impl std::fmt::Display for Name<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}-{}", self.0, self.1)
            }
        }
        let name = Name(&self.topic, self.index);
        let leo = self.log.log_end_offset();
        if self.high_watermark > leo {
            return Err(format!(
                "{name}: HW {} above LEO {leo}",
                self.high_watermark
            ));
        }
        if self.high_watermark < self.log.log_start_offset() {
            return Err(format!(
                "{name}: HW {} below the log start offset {}",
                self.high_watermark,
                self.log.log_start_offset()
            ));
        }
        if self.isr.is_empty() {
            return Err(format!("{name}: empty ISR"));
        }
        for b in &self.isr {
            if self.replica(*b).is_none() {
                return Err(format!("{name}: ISR member {b} is not a replica"));
            }
        }
        if let Some(l) = self.leader {
            if !self.isr.contains(&l) {
                return Err(format!("{name}: leader {l} is not in the ISR"));
            }
            if !is_alive(brokers, l) {
                return Err(format!("{name}: leader {l} is not running"));
            }
            if self.replica_log_end_offset(l) != Some(leo) {
                return Err(format!("{name}: the leader's LEO is not the log's"));
            }
            for b in &self.isr {
                let r_leo = self.replica_log_end_offset(*b).unwrap_or(Offset(-1));
                if r_leo < self.high_watermark {
                    return Err(format!(
                        "{name}: ISR member {b} has LEO {r_leo} below the HW {}",
                        self.high_watermark
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Kafka's rack-unaware replica placement (`AdminUtils.assignReplicasToBrokersRackUnaware`,
/// pinned by `ReplicaAssignmentTest` / `AdminRackAwareTest` style cases): partition `p`'s first
/// replica is broker `(start + p) % n`; the others follow at a shift that grows every `n`
/// partitions. `start` and `shift` come from the seeded RNG, as Kafka draws them at random.
pub fn assign_replicas(
    brokers: &[BrokerId],
    partitions: i32,
    replication_factor: usize,
    first_partition: i32,
    start_index: usize,
    next_replica_shift: usize,
) -> Vec<Vec<BrokerId>> {
    let n = brokers.len();
    if n == 0 {
        return Vec::new();
    }
    let mut out = Vec::new();
    let first_id = first_partition.max(0) as usize;
    let mut shift = next_replica_shift % n;
    for current in first_id..first_id + partitions.max(0) as usize {
        if current > 0 && current % n == 0 {
            shift += 1;
        }
        let first = (current + start_index) % n;
        let mut list = vec![brokers[first]];
        for j in 0..replication_factor.saturating_sub(1) {
            let s = 1 + (shift + j) % (n - 1).max(1);
            list.push(brokers[(first + s) % n]);
        }
        out.push(list);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(ids: &[i32]) -> Vec<BrokerId> {
        ids.iter().map(|i| BrokerId(*i)).collect()
    }

    /// The worked example in Kafka's `AdminUtils` comment: 5 brokers, 10 partitions, 3
    /// replicas, start index 0, shift 0.
    #[test]
    fn replica_placement_matches_kafkas_admin_utils_example() {
        let brokers = b(&[0, 1, 2, 3, 4]);
        let got = assign_replicas(&brokers, 10, 3, 0, 0, 0);
        let firsts: Vec<i32> = got.iter().map(|r| r[0].0).collect();
        assert_eq!(firsts, vec![0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
        assert_eq!(got[0], b(&[0, 1, 2]));
        assert_eq!(got[4], b(&[4, 0, 1]));
        // After every n partitions the shift grows by one.
        assert_eq!(got[5], b(&[0, 2, 3]));
        assert_eq!(got[9], b(&[4, 1, 2]));
    }

    #[test]
    fn replicas_of_a_partition_are_on_distinct_brokers() {
        let brokers = b(&[1, 2, 3, 4]);
        for start in 0..4 {
            for shift in 0..4 {
                for a in assign_replicas(&brokers, 12, 4, 0, start, shift) {
                    let mut s = a.clone();
                    s.sort();
                    s.dedup();
                    assert_eq!(s.len(), 4, "{a:?}");
                }
            }
        }
    }
}
