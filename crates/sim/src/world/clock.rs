//! The clock: `Advance` fires the scheduler's timers in order; after each change the world
//! settles (replication, high watermarks, acks, ISR, timers to keep).

use super::{next_tick, segment_deleted, World, MAX_ADVANCE_MS, OFFSETS_TOPIC};
use crate::cluster::Partition;
use crate::error::SimError;
use crate::event::Event;
use crate::offsets;
use crate::scheduler::Timer;

impl World {
    /// Moves the clock forward by `ms`, firing every timer that falls due on the way.
    pub fn advance(&mut self, ms: i64) -> Result<Vec<Event>, SimError> {
        if ms < 0 {
            return Err(SimError::InvalidRequest {
                reason: format!("time only moves forward: cannot advance by {ms} ms"),
            });
        }
        if ms > MAX_ADVANCE_MS {
            return Err(SimError::InvalidRequest {
                reason: format!(
                    "advance at most {MAX_ADVANCE_MS} ms (366 days) at a time, not {ms}"
                ),
            });
        }
        let Some(target) = self.now_ms.checked_add(ms) else {
            return Err(SimError::InvalidRequest {
                reason: format!("advancing by {ms} ms overflows the clock"),
            });
        };
        let mut events = Vec::new();
        let mut shown = self.now_ms;
        while let Some(t) = self.scheduler.pop_due(target) {
            self.now_ms = self.now_ms.max(t.due_ms);
            let mut fired = Vec::new();
            self.fire_timer(t.timer, &mut fired);
            // A timer that caused no event changed nothing that needs follow-up.
            if !fired.is_empty() {
                self.after_change(&mut fired);
                self.clients_observe(&mut fired);
                if self.now_ms != shown {
                    events.push(Event::ClockAdvanced {
                        from_ms: shown,
                        to_ms: self.now_ms,
                    });
                    shown = self.now_ms;
                }
                events.extend(fired);
            }
        }
        self.now_ms = target;
        events.push(Event::ClockAdvanced {
            from_ms: shown,
            to_ms: target,
        });
        Ok(events)
    }

    /// Runs one timer. Periodic timers schedule their next run.
    fn fire_timer(&mut self, timer: Timer, events: &mut Vec<Event>) {
        let now = self.now_ms;
        match timer {
            Timer::ReplicaFetch { topic, partition } => {
                let brokers = &self.brokers;
                if let Some(p) = self.topics.get_mut(&topic).and_then(|t| {
                    usize::try_from(partition)
                        .ok()
                        .and_then(|i| t.partitions.get_mut(i))
                }) {
                    p.replica_fetch(brokers, events);
                }
            }
            Timer::IsrExpiration => {
                let lag = self.config.replica_lag_time_max_ms;
                let mut lagging = false;
                for t in self.topics.values_mut() {
                    for p in &mut t.partitions {
                        p.isr_expiration(now, lag, events);
                        lagging |= p.has_lagging_isr_follower();
                    }
                }
                self.isr_check_scheduled = lagging;
                if lagging {
                    self.scheduler
                        .schedule(now.saturating_add((lag / 2).max(1)), Timer::IsrExpiration);
                }
            }
            Timer::LogRetention => {
                for t in self.topics.values_mut() {
                    if !t.config.cleanup_policy.deletes() {
                        continue;
                    }
                    for p in &mut t.partitions {
                        if p.leader().is_none() {
                            continue;
                        }
                        let hw = p.high_watermark();
                        let from = p.log_start_offset();
                        let deleted = p.log_mut().delete_retained_segments(now, hw, &t.config);
                        for d in deleted {
                            events.push(segment_deleted(&t.name, p.index(), d));
                        }
                        if p.log_start_offset() != from {
                            events.push(Event::LogStartOffsetAdvanced {
                                topic: t.name.clone(),
                                partition: p.index(),
                                from,
                                to: p.log_start_offset(),
                            });
                        }
                    }
                }
                self.scheduler.schedule(
                    now.saturating_add(self.config.log_retention_check_interval_ms),
                    Timer::LogRetention,
                );
            }
            Timer::LogCleaner => {
                for t in self.topics.values_mut() {
                    if !t.config.cleanup_policy.compacts() {
                        continue;
                    }
                    for p in &mut t.partitions {
                        if p.leader().is_none() {
                            continue;
                        }
                        // The cleaner stops at the first unstable offset (an open
                        // transaction), as Kafka's does.
                        let lso = p.last_stable_offset();
                        if let Some(s) = p.log_mut().compact(now, lso, &t.config) {
                            events.push(Event::LogCompacted {
                                topic: t.name.clone(),
                                partition: p.index(),
                                cleaned_up_to: s.cleaned_up_to,
                                records_removed: s.records_removed,
                                tombstones_removed: s.tombstones_removed,
                                segments_before: s.segments_before,
                                segments_after: s.segments_after,
                            });
                        }
                    }
                }
                let dirty = self.any_log_may_need_cleaning();
                self.cleaner_scheduled = dirty;
                if dirty {
                    self.scheduler.schedule(
                        now.saturating_add(self.config.log_cleaner_backoff_ms),
                        Timer::LogCleaner,
                    );
                }
            }
            Timer::OffsetsRetention => {
                let expired = self.offsets.expired(now, self.config.offsets_retention_ms);
                for (group, tp, offset) in expired {
                    self.offsets.remove(&group, &tp);
                    let cp = self.coordinator_partition(&group);
                    let k = offsets::encode_offset_commit_key(&group, &tp);
                    // The tombstone needs a live coordinator; the cache entry goes either way.
                    let _ = self.append_offsets_record(cp, &k, None, events);
                    events.push(Event::OffsetExpired {
                        group,
                        topic: tp.topic,
                        partition: tp.partition,
                        offset,
                    });
                }
                self.scheduler.schedule(
                    now.saturating_add(self.config.offsets_retention_check_interval_ms),
                    Timer::OffsetsRetention,
                );
            }
            Timer::PreferredLeaderElection => {
                self.elect_imbalanced_preferred_leaders(events);
                self.scheduler.schedule(
                    now.saturating_add(self.config.leader_imbalance_check_interval_ms),
                    Timer::PreferredLeaderElection,
                );
            }
            Timer::GroupTimer { group } => self.fire_group_timer(&group, events),
            Timer::ConsumerTimer { consumer } => self.fire_consumer_timer(&consumer, events),
            Timer::ProducerTimer { producer } => self.fire_producer_timer(&producer, events),
            Timer::TransactionTimeout { transactional_id } => {
                self.fire_transaction_timeout(&transactional_id, events)
            }
            Timer::AppTimer { client } => self.fire_app_timer(&client, events),
        }
    }

    /// Bookkeeping after any change: schedule replica fetches where followers are behind,
    /// and settle offset commits against their partition's HW and LEO.
    pub(super) fn after_change(&mut self, events: &mut Vec<Event>) {
        self.reload_offsets_after_unclean_election(events);
        self.settle(None, events);
    }

    /// A `__consumer_offsets` partition led by an out-of-sync replica lost records, commits
    /// included: its coordinator reads its cache again from what the log holds.
    fn reload_offsets_after_unclean_election(&mut self, events: &mut Vec<Event>) {
        let cps: Vec<i32> = events
            .iter()
            .filter_map(|e| match e {
                Event::UncleanLeaderElected {
                    topic, partition, ..
                } if topic == OFFSETS_TOPIC => Some(*partition),
                _ => None,
            })
            .collect();
        let n = self.offsets_partition_count();
        for cp in cps {
            let Some(p) = self.topics.get(OFFSETS_TOPIC).and_then(|t| t.partition(cp)) else {
                continue;
            };
            let log = p.log();
            // Markers are not commits; offsets of an open or aborted transaction are not
            // committed (yet).
            let records = log
                .read(p.log_start_offset(), p.high_watermark(), usize::MAX)
                .filter(|r| log.is_settled_data(r))
                .filter_map(|r| r.key.map(|k| (k, r.value)));
            for (group, tp, v) in self.offsets.reload(cp, n, records) {
                events.push(match v {
                    Some(v) => Event::OffsetCommitted {
                        group,
                        topic: tp.topic,
                        partition: tp.partition,
                        offset: v.offset,
                        metadata: v.metadata,
                    },
                    None => Event::OffsetDeleted {
                        group,
                        topic: tp.topic,
                        partition: tp.partition,
                    },
                });
            }
        }
    }

    /// [`World::after_change`] when only one partition changed (a produce or a commit):
    /// the same bookkeeping, for that partition alone.
    pub(crate) fn after_change_in(&mut self, topic: &str, partition: i32, events: &mut Vec<Event>) {
        self.settle(Some((topic.to_string(), partition)), events);
    }

    fn settle(&mut self, scope: Option<(String, i32)>, events: &mut Vec<Event>) {
        let due = self
            .now_ms
            .saturating_add(self.config.replica_fetch_delay_ms);
        let mut lagging = false;
        let mut dirty = false;
        for t in self.topics.values_mut() {
            if scope.as_ref().is_some_and(|(name, _)| *name != t.name) {
                continue;
            }
            let compacts = t.config.cleanup_policy.compacts();
            for p in &mut t.partitions {
                if scope.as_ref().is_some_and(|(_, i)| *i != p.index()) {
                    continue;
                }
                lagging |= p.has_lagging_isr_follower();
                dirty |= compacts && p.log().may_need_cleaning();
                if !p.fetch_scheduled && p.needs_fetch(&self.brokers) {
                    p.fetch_scheduled = true;
                    self.scheduler.schedule(
                        due,
                        Timer::ReplicaFetch {
                            topic: t.name.clone(),
                            partition: p.index(),
                        },
                    );
                }
            }
        }
        if lagging && !self.isr_check_scheduled {
            let iv = (self.config.replica_lag_time_max_ms / 2).max(1);
            self.scheduler
                .schedule(next_tick(self.now_ms, iv), Timer::IsrExpiration);
            self.isr_check_scheduled = true;
        }
        if dirty && !self.cleaner_scheduled {
            let iv = self.config.log_cleaner_backoff_ms;
            self.scheduler
                .schedule(next_tick(self.now_ms, iv), Timer::LogCleaner);
            self.cleaner_scheduled = true;
        }
        if scope
            .as_ref()
            .is_some_and(|(name, _)| name != OFFSETS_TOPIC)
        {
            return;
        }
        let only = scope.map(|(_, p)| p);
        let pending: Vec<i32> = {
            let mut v: Vec<i32> = self
                .offsets
                .pending()
                .map(|((cp, _), _)| *cp)
                .chain(self.offsets.txn_pending().iter().map(|c| c.partition))
                .filter(|cp| only.is_none_or(|o| o == *cp))
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        for cp in pending {
            let Some(p) = self.partition(OFFSETS_TOPIC, cp) else {
                continue;
            };
            let (hw, leo) = (p.high_watermark(), p.log_end_offset());
            for c in self.offsets.fail_truncated(cp, leo) {
                events.push(Event::OffsetCommitFailed {
                    group: c.group,
                    topic: c.tp.topic,
                    partition: c.tp.partition,
                    offset: c.value.offset,
                    error: "NOT_COORDINATOR".into(),
                });
            }
            for c in self.offsets.fail_truncated_txn(cp, leo) {
                events.push(Event::OffsetCommitFailed {
                    group: c.group,
                    topic: c.tp.topic,
                    partition: c.tp.partition,
                    offset: c.value.offset,
                    error: "NOT_COORDINATOR".into(),
                });
            }
            let Some(log) = self
                .topics
                .get(OFFSETS_TOPIC)
                .and_then(|t| t.partition(cp))
                .map(Partition::log)
            else {
                continue;
            };
            let superseded = |c: &offsets::TxnPendingCommit| {
                let key = offsets::encode_offset_commit_key(&c.commit.group, &c.commit.tp);
                log.read(c.log_offset.next(), hw, usize::MAX)
                    .any(|r| r.key == Some(key.as_slice()) && log.is_settled_data(&r))
            };
            let done = self.offsets.materialize_txn(cp, hw, superseded);
            for c in done {
                events.push(Event::OffsetCommitted {
                    group: c.group,
                    topic: c.tp.topic,
                    partition: c.tp.partition,
                    offset: c.value.offset,
                    metadata: c.value.metadata,
                });
            }
            for c in self.offsets.materialize(cp, hw) {
                events.push(Event::OffsetCommitted {
                    group: c.group,
                    topic: c.tp.topic,
                    partition: c.tp.partition,
                    offset: c.value.offset,
                    metadata: c.value.metadata,
                });
            }
        }
    }

    fn any_log_may_need_cleaning(&self) -> bool {
        self.topics.values().any(|t| {
            t.config.cleanup_policy.compacts()
                && t.partitions.iter().any(|p| p.log().may_need_cleaning())
        })
    }
}
