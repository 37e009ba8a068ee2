//! The coordinator's state for one group and the rules of each request.

use super::types::*;
use crate::assignor::java::hash_map_order;
use crate::assignor::{
    AssignmentInput, AssignmentOutput, Assignor, AssignorError, MemberSubscription,
};
use crate::types::TopicPartition;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Broker settings that shape the group protocol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupConfig {
    /// `group.initial.rebalance.delay.ms`: how long the first rebalance of an empty group
    /// waits for more members (default 3000).
    pub initial_rebalance_delay_ms: i64,
    /// `group.min.session.timeout.ms` (default 6000).
    pub min_session_timeout_ms: i64,
    /// `group.max.session.timeout.ms` (default 1800000).
    pub max_session_timeout_ms: i64,
    /// How long a new member may take to join before it is dropped (Kafka's fixed 5 minutes).
    pub new_member_join_timeout_ms: i64,
}

impl Default for GroupConfig {
    fn default() -> Self {
        Self {
            initial_rebalance_delay_ms: 3_000,
            min_session_timeout_ms: 6_000,
            max_session_timeout_ms: 1_800_000,
            new_member_join_timeout_ms: 300_000,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Member {
    member_id: String,
    group_instance_id: Option<String>,
    client_id: String,
    session_timeout_ms: i64,
    rebalance_timeout_ms: i64,
    protocols: Vec<ProtocolMetadata>,
    assignment: Vec<TopicPartition>,
    awaiting_join: bool,
    awaiting_sync: bool,
    is_new: bool,
    joined_at_ms: i64,
    /// When the member is dropped unless it heartbeats; `None` while it waits in a join.
    heartbeat_deadline: Option<i64>,
    join_seq: u64,
}

impl Member {
    fn subscription_for(&self, protocol: &str) -> Subscription {
        self.protocols
            .iter()
            .find(|p| p.name == protocol)
            .map(|p| p.subscription.clone())
            .unwrap_or_default()
    }

    fn supports(&self, protocol: &str) -> bool {
        self.protocols.iter().any(|p| p.name == protocol)
    }
}

/// `InitialDelayedJoin`: the first rebalance of an empty group waits for more members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct InitialDelay {
    delay_ms: i64,
    remaining_ms: i64,
    new_member_added: bool,
}

/// One consumer group as its coordinator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    group_id: String,
    config: GroupConfig,
    state: GroupState,
    generation_id: i32,
    protocol_name: Option<String>,
    leader: Option<String>,
    members: BTreeMap<String, Member>,
    /// group.instance.id → member id
    static_members: BTreeMap<String, String>,
    /// Member ids handed out with MEMBER_ID_REQUIRED → when they expire.
    pending_members: BTreeMap<String, i64>,
    join_deadline: Option<i64>,
    initial_delay: Option<InitialDelay>,
    sync_deadline: Option<i64>,
    pending_sync: BTreeSet<String>,
    id_seed: u64,
    ids_issued: u64,
    join_counter: u64,
    /// The topics the members subscribed to when the current generation started, as
    /// `ClassicGroup.initNextGeneration` records them (`computeSubscribedTopics`: the union
    /// of the members' subscriptions for the chosen protocol; empty when the generation has
    /// no members). `None` until a generation starts: the coordinator does not know yet.
    #[serde(default)]
    subscribed_topics: Option<BTreeSet<String>>,
}

/// A member as `kafka-consumer-groups --describe --members` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDescription {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub client_id: String,
    pub assignment: Vec<TopicPartition>,
}

impl Group {
    /// A new, empty group. `id_seed` makes the member ids (`client.id-uuid`) deterministic.
    pub fn new(group_id: impl Into<String>, config: GroupConfig, id_seed: u64) -> Self {
        Self {
            group_id: group_id.into(),
            config,
            state: GroupState::Empty,
            generation_id: 0,
            protocol_name: None,
            leader: None,
            members: BTreeMap::new(),
            static_members: BTreeMap::new(),
            pending_members: BTreeMap::new(),
            join_deadline: None,
            initial_delay: None,
            sync_deadline: None,
            pending_sync: BTreeSet::new(),
            id_seed,
            ids_issued: 0,
            join_counter: 0,
            subscribed_topics: None,
        }
    }

    pub fn group_id(&self) -> &str {
        &self.group_id
    }

    pub fn state(&self) -> GroupState {
        self.state
    }

    pub fn generation_id(&self) -> i32 {
        self.generation_id
    }

    pub fn protocol_name(&self) -> Option<&str> {
        self.protocol_name.as_deref()
    }

    pub fn leader(&self) -> Option<&str> {
        self.leader.as_deref()
    }

    /// The members, in the order they joined.
    pub fn members(&self) -> Vec<MemberDescription> {
        let mut list: Vec<&Member> = self.members.values().collect();
        list.sort_by_key(|m| m.join_seq);
        list.into_iter()
            .map(|m| MemberDescription {
                member_id: m.member_id.clone(),
                group_instance_id: m.group_instance_id.clone(),
                client_id: m.client_id.clone(),
                assignment: m.assignment.clone(),
            })
            .collect()
    }

    pub fn has_member(&self, member_id: &str) -> bool {
        self.members.contains_key(member_id)
    }

    /// Whether the group is actively subscribed to `topic`, the test of `OffsetDelete`
    /// (`GROUP_SUBSCRIBED_TO_TOPIC`). It is the subscriptions the members sent when the
    /// current generation started that count, not their assignments: a member subscribed
    /// to a topic of which it got no partition still holds it, and during a rebalance the
    /// previous generation's subscriptions still hold. An Empty group is subscribed to
    /// nothing; a group whose first generation has not started yet is taken to be
    /// subscribed to every topic (Kafka's `ClassicGroup.isSubscribedToTopic` for the
    /// consumer protocol, when it does not know).
    pub fn is_subscribed_to_topic(&self, topic: &str) -> bool {
        match self.state {
            GroupState::Empty | GroupState::Dead => false,
            _ => self
                .subscribed_topics
                .as_ref()
                .is_none_or(|topics| topics.contains(topic)),
        }
    }

    /// The earliest time at which [`Group::on_time`] has something to do.
    pub fn next_deadline(&self) -> Option<i64> {
        let heartbeats = self.members.values().filter_map(|m| m.heartbeat_deadline);
        let pending = self.pending_members.values().copied();
        heartbeats
            .chain(pending)
            .chain(self.join_deadline)
            .chain(self.sync_deadline)
            .min()
    }

    // ----- requests -------------------------------------------------------------------

    /// JoinGroup.
    pub fn join_group(
        &mut self,
        req: JoinGroupRequest,
        now_ms: i64,
    ) -> (Reply<JoinGroupResponse>, CoordinatorOutput) {
        let mut out = CoordinatorOutput::default();
        if self.state == GroupState::Dead {
            return (Reply::Now(Err(GroupError::CoordinatorNotAvailable)), out);
        }
        if req.session_timeout_ms < self.config.min_session_timeout_ms
            || req.session_timeout_ms > self.config.max_session_timeout_ms
        {
            let err = GroupError::InvalidSessionTimeout {
                session_timeout_ms: req.session_timeout_ms,
            };
            return (Reply::Now(Err(err)), out);
        }
        if !self.supports_protocols(&req) {
            return (Reply::Now(Err(GroupError::InconsistentGroupProtocol)), out);
        }
        let reply = if req.member_id.is_empty() {
            match req.group_instance_id.clone() {
                Some(instance) => {
                    self.static_join_without_member_id(req, instance, now_ms, &mut out)
                }
                None => {
                    // KIP-394: hand out a member id and ask the member to join again.
                    let member_id = self.new_member_id(&req.client_id);
                    self.pending_members
                        .insert(member_id.clone(), now_ms + req.session_timeout_ms);
                    out.events.push(GroupEvent::MemberIdAssigned {
                        group: self.group_id.clone(),
                        member_id: member_id.clone(),
                    });
                    Reply::Now(Err(GroupError::MemberIdRequired { member_id }))
                }
            }
        } else if self.pending_members.remove(&req.member_id).is_some() {
            let member_id = req.member_id.clone();
            self.add_member_and_rebalance(req, member_id, now_ms, &mut out)
        } else if let Err(e) =
            self.validate_member(&req.member_id, req.group_instance_id.as_deref())
        {
            Reply::Now(Err(e))
        } else {
            self.existing_member_join(req, now_ms, &mut out)
        };
        (reply, out)
    }

    /// SyncGroup.
    pub fn sync_group(
        &mut self,
        req: SyncGroupRequest,
        now_ms: i64,
    ) -> (Reply<SyncGroupResponse>, CoordinatorOutput) {
        let mut out = CoordinatorOutput::default();
        if self.state == GroupState::Dead {
            return (Reply::Now(Err(GroupError::CoordinatorNotAvailable)), out);
        }
        if let Err(e) = self.validate_member(&req.member_id, req.group_instance_id.as_deref()) {
            return (Reply::Now(Err(e)), out);
        }
        if req.generation_id != self.generation_id {
            return (
                Reply::Now(Err(self.illegal_generation(req.generation_id))),
                out,
            );
        }
        self.schedule_heartbeat(&req.member_id, now_ms);
        let reply = match self.state {
            GroupState::Empty | GroupState::Dead => Reply::Now(Err(GroupError::UnknownMemberId {
                member_id: req.member_id.clone(),
            })),
            GroupState::PreparingRebalance => Reply::Now(Err(GroupError::RebalanceInProgress)),
            GroupState::CompletingRebalance => {
                self.pending_sync.remove(&req.member_id);
                if let Some(m) = self.members.get_mut(&req.member_id) {
                    m.awaiting_sync = true;
                }
                if self.leader.as_deref() == Some(req.member_id.as_str()) {
                    self.apply_leader_assignment(&req.assignments, &mut out);
                    self.transition(GroupState::Stable, &mut out);
                    let waiting: Vec<String> = self
                        .members
                        .values()
                        .filter(|m| m.awaiting_sync)
                        .map(|m| m.member_id.clone())
                        .collect();
                    for id in waiting {
                        let response = self.sync_response(&id);
                        if let Some(m) = self.members.get_mut(&id) {
                            m.awaiting_sync = false;
                        }
                        out.responses.push(DeferredResponse::Sync {
                            member_id: id,
                            response: Ok(response),
                        });
                    }
                    if self.pending_sync.is_empty() {
                        self.sync_deadline = None;
                    }
                    take_sync_reply(&mut out, &req.member_id)
                } else {
                    Reply::Later
                }
            }
            GroupState::Stable => {
                self.pending_sync.remove(&req.member_id);
                if self.pending_sync.is_empty() {
                    self.sync_deadline = None;
                }
                Reply::Now(Ok(self.sync_response(&req.member_id)))
            }
        };
        (reply, out)
    }

    /// Heartbeat. `Err(RebalanceInProgress)` tells the member to rejoin.
    pub fn heartbeat(
        &mut self,
        member_id: &str,
        group_instance_id: Option<&str>,
        generation_id: i32,
        now_ms: i64,
    ) -> Result<(), GroupError> {
        if self.state == GroupState::Dead {
            return Err(GroupError::CoordinatorNotAvailable);
        }
        self.validate_member(member_id, group_instance_id)?;
        if self.state == GroupState::Empty {
            return Err(GroupError::UnknownMemberId {
                member_id: member_id.to_string(),
            });
        }
        if generation_id != self.generation_id {
            return Err(self.illegal_generation(generation_id));
        }
        self.schedule_heartbeat(member_id, now_ms);
        match self.state {
            GroupState::PreparingRebalance => Err(GroupError::RebalanceInProgress),
            _ => Ok(()),
        }
    }

    /// LeaveGroup (a dynamic member's `close()`, or its poll interval expired). A static
    /// member can be removed by its `group.instance.id` with an empty member id, as
    /// `kafka-consumer-groups --delete --members` / `removeMembersFromConsumerGroup` do.
    pub fn leave_group(
        &mut self,
        member_id: &str,
        group_instance_id: Option<&str>,
        now_ms: i64,
    ) -> (Result<(), GroupError>, CoordinatorOutput) {
        let mut out = CoordinatorOutput::default();
        if self.state == GroupState::Dead {
            return (Err(GroupError::CoordinatorNotAvailable), out);
        }
        if self.pending_members.remove(member_id).is_some() {
            if self.state == GroupState::PreparingRebalance {
                self.try_complete_join(now_ms, &mut out);
            }
            return (Ok(()), out);
        }
        // The admin tool removes a static member by its group.instance.id alone.
        let resolved = match (member_id.is_empty(), group_instance_id) {
            (true, Some(instance)) => match self.static_members.get(instance) {
                Some(id) => id.clone(),
                None => {
                    let err = GroupError::UnknownMemberId {
                        member_id: String::new(),
                    };
                    return (Err(err), out);
                }
            },
            _ => member_id.to_string(),
        };
        if let Err(e) = self.validate_member(&resolved, group_instance_id) {
            return (Err(e), out);
        }
        self.remove_member_and_update(&resolved, RemovalReason::LeaveGroup, now_ms, &mut out);
        (Ok(()), out)
    }

    /// Checks an OffsetCommit against the group (`ClassicGroup.validateOffsetCommit`).
    /// A generation below 0 with no member id is a commit from outside the group (a
    /// consumer using `assign()`, or the admin tool), allowed only while the group is Empty.
    pub fn validate_offset_commit(
        &self,
        member_id: &str,
        group_instance_id: Option<&str>,
        generation_id: i32,
    ) -> Result<(), GroupError> {
        if self.state == GroupState::Dead {
            return Err(GroupError::CoordinatorNotAvailable);
        }
        if generation_id < 0 && self.state == GroupState::Empty {
            return Ok(());
        }
        if generation_id >= 0 || !member_id.is_empty() || group_instance_id.is_some() {
            self.validate_member(member_id, group_instance_id)?;
            if generation_id != self.generation_id {
                return Err(self.illegal_generation(generation_id));
            }
        } else if self.state != GroupState::Empty {
            return Err(GroupError::UnknownMemberId {
                member_id: member_id.to_string(),
            });
        }
        if self.state == GroupState::CompletingRebalance {
            return Err(GroupError::RebalanceInProgress);
        }
        Ok(())
    }

    /// Marks an empty group dead (its offsets were deleted or expired).
    pub fn mark_dead(&mut self) -> CoordinatorOutput {
        let mut out = CoordinatorOutput::default();
        if self.members.is_empty() {
            self.transition(GroupState::Dead, &mut out);
        }
        out
    }

    /// Runs whatever timers are due at `now_ms`: session timeouts, the end of the join
    /// phase, the sync timeout and expired pending member ids.
    pub fn on_time(&mut self, now_ms: i64) -> CoordinatorOutput {
        let mut out = CoordinatorOutput::default();
        if self.state == GroupState::Dead {
            return out;
        }
        // Pending member ids that were never used.
        let expired: Vec<String> = self
            .pending_members
            .iter()
            .filter(|(_, d)| **d <= now_ms)
            .map(|(id, _)| id.clone())
            .collect();
        for id in expired {
            self.pending_members.remove(&id);
            out.events.push(GroupEvent::MemberRemoved {
                group: self.group_id.clone(),
                member_id: id,
                reason: RemovalReason::PendingMemberTimeout,
            });
            if self.state == GroupState::PreparingRebalance {
                self.try_complete_join(now_ms, &mut out);
            }
        }
        // Session timeouts.
        let mut due: Vec<&Member> = self
            .members
            .values()
            .filter(|m| m.heartbeat_deadline.is_some_and(|d| d <= now_ms))
            .collect();
        due.sort_by_key(|m| m.join_seq);
        let due: Vec<String> = due.into_iter().map(|m| m.member_id.clone()).collect();
        for id in due {
            let keep_alive = match self.members.get(&id) {
                Some(m) if m.awaiting_join => {
                    !m.is_new || now_ms < m.joined_at_ms + self.config.new_member_join_timeout_ms
                }
                Some(m) => m.awaiting_sync,
                None => continue,
            };
            if keep_alive {
                if let Some(m) = self.members.get_mut(&id) {
                    m.heartbeat_deadline = None;
                }
            } else {
                self.remove_member_and_update(&id, RemovalReason::SessionTimeout, now_ms, &mut out);
            }
        }
        // End of the join phase.
        if self.state == GroupState::PreparingRebalance
            && self.join_deadline.is_some_and(|d| d <= now_ms)
        {
            let extend = match &mut self.initial_delay {
                Some(d) if d.new_member_added && d.remaining_ms > 0 => {
                    d.new_member_added = false;
                    let delay = d.delay_ms.min(d.remaining_ms);
                    d.remaining_ms = (d.remaining_ms - delay).max(0);
                    Some(delay)
                }
                _ => None,
            };
            match extend {
                Some(delay) => self.join_deadline = Some(now_ms + delay),
                None => self.complete_join(now_ms, &mut out),
            }
        }
        // Members that never sent SyncGroup.
        if self.sync_deadline.is_some_and(|d| d <= now_ms) {
            self.sync_deadline = None;
            if matches!(
                self.state,
                GroupState::CompletingRebalance | GroupState::Stable
            ) {
                let late: Vec<String> = self.pending_sync.iter().cloned().collect();
                for id in late {
                    self.remove_member_and_update(
                        &id,
                        RemovalReason::SyncTimeout,
                        now_ms,
                        &mut out,
                    );
                }
            }
            self.pending_sync.clear();
        }
        out
    }

    // ----- internals ------------------------------------------------------------------

    fn new_member_id(&mut self, client_id: &str) -> String {
        self.ids_issued += 1;
        let a = splitmix64(self.id_seed ^ splitmix64(self.ids_issued));
        let b = splitmix64(a ^ 0x9e37_79b9_7f4a_7c15);
        // A version 4, variant 1 UUID built from the deterministic bits.
        let hi = (a & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
        let lo = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
        format!(
            "{client_id}-{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            hi >> 32,
            (hi >> 16) & 0xffff,
            hi & 0xffff,
            lo >> 48,
            lo & 0xffff_ffff_ffff
        )
    }

    fn illegal_generation(&self, generation: i32) -> GroupError {
        GroupError::IllegalGeneration {
            generation,
            current: self.generation_id,
        }
    }

    /// `validateMember`: static members are checked by instance id first (fencing).
    fn validate_member(
        &self,
        member_id: &str,
        group_instance_id: Option<&str>,
    ) -> Result<(), GroupError> {
        if let Some(instance) = group_instance_id {
            match self.static_members.get(instance) {
                None => {
                    return Err(GroupError::UnknownMemberId {
                        member_id: member_id.to_string(),
                    })
                }
                Some(current) if current != member_id => {
                    return Err(GroupError::FencedInstanceId {
                        group_instance_id: instance.to_string(),
                    });
                }
                Some(_) => {}
            }
        }
        if !self.members.contains_key(member_id) {
            return Err(GroupError::UnknownMemberId {
                member_id: member_id.to_string(),
            });
        }
        Ok(())
    }

    /// `supportsProtocols`: an empty group accepts any consumer; otherwise the member must
    /// share at least one assignor with every current member.
    fn supports_protocols(&self, req: &JoinGroupRequest) -> bool {
        if req.protocols.is_empty() {
            return false;
        }
        let others: Vec<&Member> = self
            .members
            .values()
            .filter(|m| m.member_id != req.member_id)
            .collect();
        if others.is_empty() {
            return true;
        }
        req.protocols
            .iter()
            .any(|p| others.iter().all(|m| m.supports(&p.name)))
    }

    fn schedule_heartbeat(&mut self, member_id: &str, now_ms: i64) {
        if let Some(m) = self.members.get_mut(member_id) {
            m.heartbeat_deadline = Some(now_ms + m.session_timeout_ms);
        }
    }

    fn transition(&mut self, to: GroupState, out: &mut CoordinatorOutput) {
        if self.state != to {
            out.events.push(GroupEvent::StateChanged {
                group: self.group_id.clone(),
                from: self.state,
                to,
            });
            self.state = to;
        }
    }

    fn add_member_and_rebalance(
        &mut self,
        req: JoinGroupRequest,
        member_id: String,
        now_ms: i64,
        out: &mut CoordinatorOutput,
    ) -> Reply<JoinGroupResponse> {
        self.join_counter += 1;
        let member = Member {
            member_id: member_id.clone(),
            group_instance_id: req.group_instance_id.clone(),
            client_id: req.client_id,
            session_timeout_ms: req.session_timeout_ms,
            rebalance_timeout_ms: req.rebalance_timeout_ms,
            protocols: req.protocols,
            assignment: Vec::new(),
            awaiting_join: true,
            awaiting_sync: false,
            is_new: true,
            joined_at_ms: now_ms,
            heartbeat_deadline: None,
            join_seq: self.join_counter,
        };
        if self.leader.is_none() {
            self.leader = Some(member_id.clone());
        }
        if let Some(instance) = &req.group_instance_id {
            self.static_members
                .insert(instance.clone(), member_id.clone());
        }
        self.members.insert(member_id.clone(), member);
        out.events.push(GroupEvent::MemberJoined {
            group: self.group_id.clone(),
            member_id: member_id.clone(),
            group_instance_id: req.group_instance_id,
        });
        if self.state == GroupState::PreparingRebalance && self.generation_id == 0 {
            if let Some(d) = &mut self.initial_delay {
                d.new_member_added = true;
            }
        }
        self.maybe_prepare_rebalance(format!("adding new member {member_id}"), now_ms, out);
        self.try_complete_join(now_ms, out);
        take_join_reply(out, &member_id)
    }

    fn static_join_without_member_id(
        &mut self,
        req: JoinGroupRequest,
        instance: String,
        now_ms: i64,
        out: &mut CoordinatorOutput,
    ) -> Reply<JoinGroupResponse> {
        let new_id = self.new_member_id(&req.client_id);
        let Some(old_id) = self.static_members.get(&instance).cloned() else {
            return self.add_member_and_rebalance(req, new_id, now_ms, out);
        };
        let Some(mut member) = self.members.remove(&old_id) else {
            return self.add_member_and_rebalance(req, new_id, now_ms, out);
        };
        // The previous incarnation is fenced; a join it was waiting on fails.
        if member.awaiting_join {
            out.responses.push(DeferredResponse::Join {
                member_id: old_id.clone(),
                response: Err(GroupError::FencedInstanceId {
                    group_instance_id: instance.clone(),
                }),
            });
        }
        if member.awaiting_sync {
            out.responses.push(DeferredResponse::Sync {
                member_id: old_id.clone(),
                response: Err(GroupError::FencedInstanceId {
                    group_instance_id: instance.clone(),
                }),
            });
            member.awaiting_sync = false;
        }
        member.member_id = new_id.clone();
        member.client_id = req.client_id.clone();
        member.session_timeout_ms = req.session_timeout_ms;
        member.rebalance_timeout_ms = req.rebalance_timeout_ms;
        member.protocols = req.protocols.clone();
        member.heartbeat_deadline = Some(now_ms + req.session_timeout_ms);
        self.members.insert(new_id.clone(), member);
        self.static_members.insert(instance.clone(), new_id.clone());
        if self.leader.as_deref() == Some(old_id.as_str()) {
            self.leader = Some(new_id.clone());
        }
        if self.pending_sync.remove(&old_id) {
            self.pending_sync.insert(new_id.clone());
        }
        let stays_stable = self.state == GroupState::Stable
            && self.select_protocol().as_deref() == self.protocol_name.as_deref();
        out.events.push(GroupEvent::StaticMemberReplaced {
            group: self.group_id.clone(),
            group_instance_id: instance,
            old_member_id: old_id,
            new_member_id: new_id.clone(),
            rebalance: !stays_stable,
        });
        if stays_stable {
            let is_leader = self.leader.as_deref() == Some(new_id.as_str());
            return Reply::Now(Ok(self.current_join_response(&new_id, is_leader)));
        }
        if let Some(m) = self.members.get_mut(&new_id) {
            m.awaiting_join = true;
        }
        self.maybe_prepare_rebalance(format!("static member {new_id} rejoined"), now_ms, out);
        self.try_complete_join(now_ms, out);
        take_join_reply(out, &new_id)
    }

    fn existing_member_join(
        &mut self,
        req: JoinGroupRequest,
        now_ms: i64,
        out: &mut CoordinatorOutput,
    ) -> Reply<JoinGroupResponse> {
        let id = req.member_id.clone();
        let Some(member) = self.members.get(&id) else {
            return Reply::Now(Err(GroupError::UnknownMemberId { member_id: id }));
        };
        let same_metadata = member.protocols == req.protocols;
        let is_leader = self.leader.as_deref() == Some(id.as_str());
        let rebalance = match self.state {
            GroupState::Empty | GroupState::Dead => {
                return Reply::Now(Err(GroupError::UnknownMemberId { member_id: id }));
            }
            GroupState::PreparingRebalance => true,
            GroupState::CompletingRebalance => !same_metadata,
            GroupState::Stable => is_leader || !same_metadata,
        };
        if !rebalance {
            // Same metadata: answer with the current generation (the member may have missed
            // the first answer).
            self.schedule_heartbeat(&id, now_ms);
            return Reply::Now(Ok(self.current_join_response(&id, false)));
        }
        if let Some(m) = self.members.get_mut(&id) {
            m.protocols = req.protocols;
            m.session_timeout_ms = req.session_timeout_ms;
            m.rebalance_timeout_ms = req.rebalance_timeout_ms;
            m.awaiting_join = true;
            m.heartbeat_deadline = None;
        }
        let reason = if is_leader && same_metadata {
            format!("leader {id} re-joined the group")
        } else {
            format!("member {id} re-joined with new metadata")
        };
        if self.state != GroupState::PreparingRebalance {
            self.prepare_rebalance(reason, now_ms, out);
        }
        self.try_complete_join(now_ms, out);
        take_join_reply(out, &id)
    }

    fn max_rebalance_timeout(&self) -> i64 {
        self.members
            .values()
            .map(|m| m.rebalance_timeout_ms)
            .max()
            .unwrap_or(0)
    }

    fn maybe_prepare_rebalance(
        &mut self,
        reason: String,
        now_ms: i64,
        out: &mut CoordinatorOutput,
    ) {
        if matches!(
            self.state,
            GroupState::Stable | GroupState::CompletingRebalance | GroupState::Empty
        ) {
            self.prepare_rebalance(reason, now_ms, out);
        }
    }

    fn prepare_rebalance(&mut self, reason: String, now_ms: i64, out: &mut CoordinatorOutput) {
        if self.state == GroupState::CompletingRebalance {
            // Followers waiting for the leader's assignment must rejoin instead.
            let waiting: Vec<String> = self
                .members
                .values()
                .filter(|m| m.awaiting_sync)
                .map(|m| m.member_id.clone())
                .collect();
            for id in waiting {
                if let Some(m) = self.members.get_mut(&id) {
                    m.awaiting_sync = false;
                }
                out.responses.push(DeferredResponse::Sync {
                    member_id: id,
                    response: Err(GroupError::RebalanceInProgress),
                });
            }
        }
        self.sync_deadline = None;
        self.pending_sync.clear();
        if self.state == GroupState::Empty {
            let delay = self.config.initial_rebalance_delay_ms;
            self.initial_delay = Some(InitialDelay {
                delay_ms: delay,
                remaining_ms: (self.max_rebalance_timeout() - delay).max(0),
                new_member_added: false,
            });
            self.join_deadline = Some(now_ms + delay);
        } else {
            self.initial_delay = None;
            self.join_deadline = Some(now_ms + self.max_rebalance_timeout());
        }
        out.events.push(GroupEvent::RebalanceStarted {
            group: self.group_id.clone(),
            generation: self.generation_id,
            reason,
        });
        self.transition(GroupState::PreparingRebalance, out);
    }

    fn try_complete_join(&mut self, now_ms: i64, out: &mut CoordinatorOutput) {
        if self.state == GroupState::PreparingRebalance
            && self.initial_delay.is_none()
            && self.pending_members.is_empty()
            && self.members.values().all(|m| m.awaiting_join)
        {
            self.complete_join(now_ms, out);
        }
    }

    fn complete_join(&mut self, now_ms: i64, out: &mut CoordinatorOutput) {
        self.join_deadline = None;
        self.initial_delay = None;
        // Dynamic members that did not rejoin in time are dropped.
        let mut missing: Vec<&Member> = self
            .members
            .values()
            .filter(|m| !m.awaiting_join && m.group_instance_id.is_none())
            .collect();
        missing.sort_by_key(|m| m.join_seq);
        let missing: Vec<String> = missing.into_iter().map(|m| m.member_id.clone()).collect();
        for id in missing {
            self.remove_member(&id, RemovalReason::RebalanceTimeout, out);
        }
        self.generation_id += 1;
        if self.members.is_empty() {
            self.protocol_name = None;
            self.leader = None;
            self.subscribed_topics = Some(BTreeSet::new());
            self.transition(GroupState::Empty, out);
            out.events.push(GroupEvent::GenerationStarted {
                group: self.group_id.clone(),
                generation: self.generation_id,
                protocol: None,
                leader: None,
                members: Vec::new(),
            });
            return;
        }
        self.protocol_name = self.select_protocol();
        self.subscribed_topics = self.protocol_name.as_deref().map(|protocol| {
            self.members
                .values()
                .flat_map(|m| m.subscription_for(protocol).topics)
                .collect()
        });
        // The leader must be a member that rejoined.
        let leader_rejoined = self
            .leader
            .as_ref()
            .and_then(|l| self.members.get(l))
            .is_some_and(|m| m.awaiting_join);
        if !leader_rejoined {
            let mut joined: Vec<&Member> =
                self.members.values().filter(|m| m.awaiting_join).collect();
            joined.sort_by_key(|m| m.join_seq);
            if let Some(first) = joined.first() {
                self.leader = Some(first.member_id.clone());
            }
        }
        self.transition(GroupState::CompletingRebalance, out);
        let members = self.joined_members();
        out.events.push(GroupEvent::GenerationStarted {
            group: self.group_id.clone(),
            generation: self.generation_id,
            protocol: self.protocol_name.clone(),
            leader: self.leader.clone(),
            members: members.iter().map(|m| m.member_id.clone()).collect(),
        });
        let mut order: Vec<(u64, String)> = self
            .members
            .values()
            .map(|m| (m.join_seq, m.member_id.clone()))
            .collect();
        order.sort();
        for (_, id) in order {
            let is_leader = self.leader.as_deref() == Some(id.as_str());
            let Some(m) = self.members.get_mut(&id) else {
                continue;
            };
            self.pending_sync.insert(id.clone());
            m.is_new = false;
            m.heartbeat_deadline = Some(now_ms + m.session_timeout_ms);
            if m.awaiting_join {
                m.awaiting_join = false;
                out.responses.push(DeferredResponse::Join {
                    member_id: id.clone(),
                    response: Ok(JoinGroupResponse {
                        member_id: id.clone(),
                        generation_id: self.generation_id,
                        protocol_name: self.protocol_name.clone(),
                        leader: self.leader.clone().unwrap_or_default(),
                        members: if is_leader {
                            members.clone()
                        } else {
                            Vec::new()
                        },
                        skip_assignment: false,
                    }),
                });
            }
        }
        self.sync_deadline = Some(now_ms + self.max_rebalance_timeout());
    }

    /// A JoinGroup answer in the current generation, without a rebalance; the leader gets the
    /// member list.
    fn current_join_response(&self, member_id: &str, skip_assignment: bool) -> JoinGroupResponse {
        let is_leader = self.leader.as_deref() == Some(member_id);
        JoinGroupResponse {
            member_id: member_id.to_string(),
            generation_id: self.generation_id,
            protocol_name: self.protocol_name.clone(),
            leader: self.leader.clone().unwrap_or_default(),
            members: if is_leader {
                self.joined_members()
            } else {
                Vec::new()
            },
            skip_assignment,
        }
    }

    /// The members and their subscriptions for the chosen protocol, in join order.
    fn joined_members(&self) -> Vec<JoinedMember> {
        let protocol = self.protocol_name.clone().unwrap_or_default();
        let mut list: Vec<&Member> = self.members.values().collect();
        list.sort_by_key(|m| m.join_seq);
        list.into_iter()
            .map(|m| JoinedMember {
                member_id: m.member_id.clone(),
                group_instance_id: m.group_instance_id.clone(),
                subscription: m.subscription_for(&protocol),
            })
            .collect()
    }

    /// `selectProtocol`: among the assignors every member supports, each member votes for
    /// the first one in its own list; the most votes win (ties: Java `HashMap` order of the
    /// names, as Kafka's `votes.entrySet().stream().max(...)` keeps the first maximum).
    fn select_protocol(&self) -> Option<String> {
        let mut members: Vec<&Member> = self.members.values().collect();
        members.sort_by_key(|m| m.join_seq);
        let first = members.first()?;
        let candidates: Vec<&str> = first
            .protocols
            .iter()
            .map(|p| p.name.as_str())
            .filter(|name| members.iter().all(|m| m.supports(name)))
            .collect();
        let mut votes: Vec<(&str, usize)> = Vec::new();
        for m in &members {
            let Some(choice) = m
                .protocols
                .iter()
                .map(|p| p.name.as_str())
                .find(|n| candidates.contains(n))
            else {
                continue;
            };
            match votes.iter_mut().find(|(n, _)| *n == choice) {
                Some((_, count)) => *count += 1,
                None => votes.push((choice, 1)),
            }
        }
        let names: Vec<&str> = votes.iter().map(|(n, _)| *n).collect();
        let mut best: Option<(&str, usize)> = None;
        for i in hash_map_order(&names) {
            let (name, count) = votes[i];
            if best.is_none_or(|(_, c)| count > c) {
                best = Some((name, count));
            }
        }
        best.map(|(n, _)| n.to_string())
    }

    fn apply_leader_assignment(
        &mut self,
        assignments: &[(String, Vec<TopicPartition>)],
        out: &mut CoordinatorOutput,
    ) {
        let given: BTreeMap<&str, &Vec<TopicPartition>> =
            assignments.iter().map(|(m, a)| (m.as_str(), a)).collect();
        let mut order: Vec<(u64, String)> = self
            .members
            .values()
            .map(|m| (m.join_seq, m.member_id.clone()))
            .collect();
        order.sort();
        for (_, id) in order {
            let new: Vec<TopicPartition> = given
                .get(id.as_str())
                .map(|a| (*a).clone())
                .unwrap_or_default();
            let Some(m) = self.members.get_mut(&id) else {
                continue;
            };
            let new_set: BTreeSet<&TopicPartition> = new.iter().collect();
            let old_set: BTreeSet<&TopicPartition> = m.assignment.iter().collect();
            let revoked: Vec<TopicPartition> = m
                .assignment
                .iter()
                .filter(|p| !new_set.contains(p))
                .cloned()
                .collect();
            let assigned: Vec<TopicPartition> = new
                .iter()
                .filter(|p| !old_set.contains(p))
                .cloned()
                .collect();
            m.assignment = new;
            out.events.push(GroupEvent::AssignmentChanged {
                group: self.group_id.clone(),
                generation: self.generation_id,
                member_id: id,
                assigned,
                revoked,
            });
        }
    }

    fn sync_response(&self, member_id: &str) -> SyncGroupResponse {
        SyncGroupResponse {
            protocol_name: self.protocol_name.clone(),
            assignment: self
                .members
                .get(member_id)
                .map(|m| m.assignment.clone())
                .unwrap_or_default(),
        }
    }

    /// Removes a member without touching the group state.
    fn remove_member(
        &mut self,
        member_id: &str,
        reason: RemovalReason,
        out: &mut CoordinatorOutput,
    ) {
        let Some(m) = self.members.remove(member_id) else {
            return;
        };
        if m.awaiting_join {
            out.responses.push(DeferredResponse::Join {
                member_id: member_id.to_string(),
                response: Err(GroupError::UnknownMemberId {
                    member_id: member_id.to_string(),
                }),
            });
        }
        if m.awaiting_sync {
            out.responses.push(DeferredResponse::Sync {
                member_id: member_id.to_string(),
                response: Err(GroupError::UnknownMemberId {
                    member_id: member_id.to_string(),
                }),
            });
        }
        if let Some(instance) = &m.group_instance_id {
            if self.static_members.get(instance).map(String::as_str) == Some(member_id) {
                self.static_members.remove(instance);
            }
        }
        self.pending_sync.remove(member_id);
        if self.leader.as_deref() == Some(member_id) {
            let mut rest: Vec<&Member> = self.members.values().collect();
            rest.sort_by_key(|m| m.join_seq);
            self.leader = rest.first().map(|m| m.member_id.clone());
        }
        out.events.push(GroupEvent::MemberRemoved {
            group: self.group_id.clone(),
            member_id: member_id.to_string(),
            reason,
        });
    }

    /// `removeMemberAndUpdateGroup`.
    fn remove_member_and_update(
        &mut self,
        member_id: &str,
        reason: RemovalReason,
        now_ms: i64,
        out: &mut CoordinatorOutput,
    ) {
        self.remove_member(member_id, reason, out);
        match self.state {
            GroupState::Stable | GroupState::CompletingRebalance => {
                let why = match reason {
                    RemovalReason::LeaveGroup => format!("member {member_id} left the group"),
                    RemovalReason::SessionTimeout => {
                        format!("member {member_id} missed its session timeout")
                    }
                    _ => format!("member {member_id} was removed"),
                };
                self.prepare_rebalance(why, now_ms, out);
                self.try_complete_join(now_ms, out);
            }
            GroupState::PreparingRebalance => self.try_complete_join(now_ms, out),
            GroupState::Empty | GroupState::Dead => {}
        }
    }
}

fn take_join_reply(out: &mut CoordinatorOutput, member_id: &str) -> Reply<JoinGroupResponse> {
    let pos = out
        .responses
        .iter()
        .position(|r| matches!(r, DeferredResponse::Join { member_id: m, .. } if m == member_id));
    match pos.map(|i| out.responses.remove(i)) {
        Some(DeferredResponse::Join { response, .. }) => Reply::Now(response),
        _ => Reply::Later,
    }
}

fn take_sync_reply(out: &mut CoordinatorOutput, member_id: &str) -> Reply<SyncGroupResponse> {
    let pos = out
        .responses
        .iter()
        .position(|r| matches!(r, DeferredResponse::Sync { member_id: m, .. } if m == member_id));
    match pos.map(|i| out.responses.remove(i)) {
        Some(DeferredResponse::Sync { response, .. }) => Reply::Now(response),
        _ => Reply::Later,
    }
}

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// What the leader's consumer does with its JoinGroup answer: run the chosen assignor over
/// every member's subscription and the current partition counts.
pub fn leader_assignment(
    protocol_name: &str,
    members: &[JoinedMember],
    partitions_per_topic: &BTreeMap<String, i32>,
) -> Result<AssignmentOutput, AssignorError> {
    let assignor = Assignor::from_name(protocol_name)?;
    let input = AssignmentInput {
        members: members
            .iter()
            .map(|m| MemberSubscription {
                member_id: m.member_id.clone(),
                group_instance_id: m.group_instance_id.clone(),
                topics: m.subscription.topics.clone(),
                owned_partitions: m.subscription.owned_partitions.clone(),
                generation: m.subscription.generation,
            })
            .collect(),
        partitions_per_topic: partitions_per_topic.clone(),
    };
    assignor.assign(&input)
}
