//! Messages between consumers and their group coordinator: joins, syncs and the responses
//! the coordinator defers.

use super::failed;
use crate::clients::{ConsumerSlot, GroupSlot};
use crate::event::Event;
use crate::group::{
    CoordinatorOutput, DeferredResponse, Group, GroupConfig, GroupError, GroupState,
    JoinGroupResponse, Reply, SyncGroupResponse,
};
use crate::world::World;
use std::collections::VecDeque;

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
    /// The JoinGroup/SyncGroup round trips a poll makes when the consumer must (re)join.
    pub(super) fn join_if_needed(&mut self, name: &str, events: &mut Vec<Event>) {
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

    pub(super) fn group_events(
        &self,
        group_events: Vec<crate::group::GroupEvent>,
        events: &mut Vec<Event>,
    ) {
        events.extend(group_events.into_iter().map(|event| Event::Group { event }));
    }

    pub(super) fn coordinator_output(
        &mut self,
        group: &str,
        out: CoordinatorOutput,
        events: &mut Vec<Event>,
    ) {
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
}
