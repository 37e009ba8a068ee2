//! Brokers and leaders: stopping and restarting a broker, pausing replica fetching, leader
//! elections.

use super::{broker_error, unclean_leader_election, World};
use crate::error::SimError;
use crate::event::Event;
use crate::types::{BrokerId, TopicPartition};
use std::collections::BTreeMap;

impl World {
    pub(super) fn kill_broker(&mut self, broker: BrokerId) -> Result<Vec<Event>, SimError> {
        match self.brokers.get_mut(&broker) {
            None => return Err(broker_error(broker, "does not exist")),
            Some(b) if !b.alive => return Err(broker_error(broker, "is already stopped")),
            Some(b) => b.alive = false,
        }
        let mut events = vec![Event::BrokerStopped { broker }];
        let now = self.now_ms;
        for t in self.topics.values_mut() {
            let unclean = unclean_leader_election(&t.config);
            for p in &mut t.partitions {
                p.broker_stopped(broker, &self.brokers, now, unclean, &mut events);
            }
        }
        self.after_change(&mut events);
        Ok(events)
    }

    pub(super) fn restart_broker(&mut self, broker: BrokerId) -> Result<Vec<Event>, SimError> {
        match self.brokers.get_mut(&broker) {
            None => return Err(broker_error(broker, "does not exist")),
            Some(b) if b.alive => return Err(broker_error(broker, "is already running")),
            Some(b) => {
                b.alive = true;
                b.fetching = true;
            }
        }
        let mut events = vec![Event::BrokerStarted { broker }];
        let now = self.now_ms;
        for t in self.topics.values_mut() {
            let unclean = unclean_leader_election(&t.config);
            for p in &mut t.partitions {
                p.broker_started(broker, &self.brokers, now, unclean, &mut events);
            }
        }
        self.after_change(&mut events);
        Ok(events)
    }

    pub(super) fn set_fetching(
        &mut self,
        broker: BrokerId,
        fetching: bool,
    ) -> Result<Vec<Event>, SimError> {
        match self.brokers.get_mut(&broker) {
            None => return Err(broker_error(broker, "does not exist")),
            Some(b) if !b.alive => return Err(broker_error(broker, "is stopped")),
            Some(b) if b.fetching == fetching => {
                let state = if fetching {
                    "already fetching"
                } else {
                    "already paused"
                };
                return Err(broker_error(broker, state));
            }
            Some(b) => b.fetching = fetching,
        }
        let mut events = vec![if fetching {
            Event::ReplicaFetchingResumed { broker }
        } else {
            Event::ReplicaFetchingPaused { broker }
        }];
        self.after_change(&mut events);
        Ok(events)
    }

    /// `kafka-leader-election` for some partitions (`None`: all, internal ones included).
    /// A partition that is named but does not exist is `UNKNOWN_TOPIC_OR_PARTITION` in its
    /// [`Event::LeaderNotElected`], as in Kafka's per-partition answer; the others go on.
    pub(super) fn elect_leaders(
        &mut self,
        unclean: bool,
        partitions: Option<&[TopicPartition]>,
    ) -> Result<Vec<Event>, SimError> {
        let targets: Vec<TopicPartition> = match partitions {
            Some(list) => list.to_vec(),
            None => self
                .topics
                .values()
                .flat_map(|t| {
                    t.partitions
                        .iter()
                        .map(|p| TopicPartition::new(t.name.clone(), p.index()))
                })
                .collect(),
        };
        let mut events = Vec::new();
        let now = self.now_ms;
        for tp in targets {
            let Some(p) = self.topics.get_mut(&tp.topic).and_then(|t| {
                usize::try_from(tp.partition)
                    .ok()
                    .and_then(|i| t.partitions.get_mut(i))
            }) else {
                events.push(Event::LeaderNotElected {
                    topic: tp.topic.clone(),
                    partition: tp.partition,
                    error: "UNKNOWN_TOPIC_OR_PARTITION".into(),
                });
                continue;
            };
            if let Err(code) = p.elect(unclean, &self.brokers, now, &mut events) {
                events.push(Event::LeaderNotElected {
                    topic: tp.topic.clone(),
                    partition: tp.partition,
                    error: code.into(),
                });
            }
        }
        self.after_change(&mut events);
        Ok(events)
    }

    /// The controller's automatic leader rebalance: elects the preferred leaders of the
    /// brokers whose share of lost preferred leaderships exceeds
    /// `leader.imbalance.per.broker.percentage`.
    pub(super) fn elect_imbalanced_preferred_leaders(&mut self, events: &mut Vec<Event>) {
        let mut counts: BTreeMap<BrokerId, (u64, u64)> = BTreeMap::new();
        for t in self.topics.values() {
            for p in &t.partitions {
                if let Some(first) = p.replicas().first() {
                    let e = counts.entry(first.broker).or_default();
                    e.0 += 1;
                    if p.preferred_is_not_leader().is_some() {
                        e.1 += 1;
                    }
                }
            }
        }
        let pct = u64::try_from(self.config.leader_imbalance_per_broker_percentage).unwrap_or(0);
        let imbalanced: BTreeMap<BrokerId, bool> = counts
            .into_iter()
            .map(|(b, (total, off))| (b, total > 0 && off * 100 > pct * total))
            .collect();
        let now = self.now_ms;
        for t in self.topics.values_mut() {
            for p in &mut t.partitions {
                let Some(pref) = p.preferred_is_not_leader() else {
                    continue;
                };
                if !imbalanced.get(&pref).copied().unwrap_or(false) {
                    continue;
                }
                p.elect_preferred_leader(&self.brokers, now, events);
            }
        }
    }
}
