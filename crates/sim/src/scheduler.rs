//! The virtual clock's timers: every future action of the world is an explicit entry here,
//! serialised with the world, fired in (due time, insertion order) by `World::advance`.
//!
//! The cluster's timers are Kafka's periodic broker tasks (`isr-expiration` every
//! `replica.lag.time.max.ms / 2`, the retention check every `log.retention.check.interval.ms`,
//! the log cleaner every `log.cleaner.backoff.ms`, the offsets expiry every
//! `offsets.retention.check.interval.ms`, the preferred-leader check every
//! `leader.imbalance.check.interval.seconds`) plus one-shot replica fetches scheduled
//! `replica_fetch_delay_ms` after a leader append.
//!
//! **Adding timers** (consumers, heartbeats, session timeouts, auto-commit): add a variant to
//! [`Timer`], schedule it with [`Scheduler::schedule`] (or `World::schedule`), and handle it
//! in `World::fire_timer`. Timers due at the same millisecond fire in the order they were
//! scheduled, so the run is deterministic.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Something the clock will make happen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Timer {
    /// The followers of one partition fetch from its leader.
    ReplicaFetch { topic: String, partition: i32 },
    /// Leaders drop followers that lag more than `replica.lag.time.max.ms` from the ISR.
    IsrExpiration,
    /// Retention deletes expired segments.
    LogRetention,
    /// The log cleaner compacts dirty compacted logs.
    LogCleaner,
    /// Group coordinators expire old committed offsets.
    OffsetsRetention,
    /// The controller moves leadership back to preferred replicas.
    PreferredLeaderElection,
    /// A group coordinator deadline (session timeout, end of a join phase, sync timeout).
    GroupTimer { group: String },
    /// A consumer's heartbeat, `max.poll.interval.ms` check or processing completion.
    ConsumerTimer { consumer: String },
    /// A producer's `linger.ms`, retry backoff or delivery timeout.
    ProducerTimer { producer: String },
    /// A played client's next step (poll, process, commit, send).
    AppTimer { client: String },
    /// The transaction coordinator's check of `transaction.timeout.ms` for one
    /// transactional id.
    TransactionTimeout { transactional_id: String },
}

/// A timer with the virtual time it fires at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledTimer {
    pub due_ms: i64,
    pub timer: Timer,
}

/// Pending timers, ordered by due time then by scheduling order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Scheduler {
    next_seq: u64,
    #[serde(with = "crate::serde_util::map_as_pairs")]
    queue: BTreeMap<(i64, u64), Timer>,
}

impl Scheduler {
    pub fn new() -> Self {
        Self::default()
    }

    /// Schedules `timer` at `due_ms`.
    pub fn schedule(&mut self, due_ms: i64, timer: Timer) {
        let seq = self.next_seq;
        self.next_seq = self.next_seq.wrapping_add(1);
        self.queue.insert((due_ms, seq), timer);
    }

    /// Removes and returns the earliest timer due at or before `until_ms`.
    pub fn pop_due(&mut self, until_ms: i64) -> Option<ScheduledTimer> {
        let (&(due, seq), _) = self.queue.first_key_value()?;
        if due > until_ms {
            return None;
        }
        let timer = self.queue.remove(&(due, seq))?;
        Some(ScheduledTimer { due_ms: due, timer })
    }

    /// The earliest due time, if any timer is pending.
    pub fn next_due_ms(&self) -> Option<i64> {
        self.queue.keys().next().map(|(d, _)| *d)
    }

    /// All pending timers in firing order.
    pub fn pending(&self) -> impl Iterator<Item = ScheduledTimer> + '_ {
        self.queue.iter().map(|(&(due_ms, _), t)| ScheduledTimer {
            due_ms,
            timer: t.clone(),
        })
    }

    /// Removes every pending timer for which `pred` is true.
    pub fn cancel_where(&mut self, mut pred: impl FnMut(&Timer) -> bool) {
        self.queue.retain(|_, t| !pred(t));
    }

    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_fire_in_due_order_then_in_scheduling_order() {
        let mut s = Scheduler::new();
        s.schedule(20, Timer::LogCleaner);
        s.schedule(10, Timer::LogRetention);
        s.schedule(10, Timer::IsrExpiration);
        assert_eq!(s.pop_due(100).unwrap().timer, Timer::LogRetention);
        assert_eq!(s.pop_due(100).unwrap().timer, Timer::IsrExpiration);
        assert_eq!(s.pop_due(15), None);
        assert_eq!(s.next_due_ms(), Some(20));
        assert_eq!(s.pop_due(20).unwrap().due_ms, 20);
        assert!(s.is_empty());
    }

    #[test]
    fn cancelled_timers_never_fire() {
        let mut s = Scheduler::new();
        s.schedule(5, Timer::LogCleaner);
        s.schedule(6, Timer::LogRetention);
        s.cancel_where(|t| *t == Timer::LogCleaner);
        assert_eq!(s.pop_due(10).unwrap().timer, Timer::LogRetention);
        assert_eq!(s.len(), 0);
    }
}
