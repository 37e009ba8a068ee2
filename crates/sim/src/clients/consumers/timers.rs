//! The clients' timers: heartbeats, session and poll timeouts, rejoins; and forgetting
//! groups that are gone.

use super::failed;
use crate::consumer::Consumer;
use crate::event::Event;
use crate::group::{GroupError, GroupState};
use crate::offsets::GroupActivity;
use crate::scheduler::Timer;
use crate::world::World;
use std::collections::BTreeSet;

impl World {
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
}
