//! Requests, responses, errors and events of the classic group protocol.

use crate::types::TopicPartition;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The group states of the classic protocol (`ClassicGroupState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum GroupState {
    /// No members (committed offsets may still exist).
    Empty,
    /// Waiting for the members to (re)join.
    PreparingRebalance,
    /// Joined; waiting for the leader's assignment.
    CompletingRebalance,
    /// Every member has its assignment and heartbeats.
    Stable,
    /// The group was removed.
    Dead,
}

impl fmt::Display for GroupState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GroupState::Empty => "Empty",
            GroupState::PreparingRebalance => "PreparingRebalance",
            GroupState::CompletingRebalance => "CompletingRebalance",
            GroupState::Stable => "Stable",
            GroupState::Dead => "Dead",
        })
    }
}

/// Errors the coordinator answers with, named after Kafka's error codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupError {
    /// `UNKNOWN_MEMBER_ID`: the coordinator does not know this member (it was removed).
    UnknownMemberId { member_id: String },
    /// `ILLEGAL_GENERATION`: the request carries an old generation.
    IllegalGeneration { generation: i32, current: i32 },
    /// `REBALANCE_IN_PROGRESS`: the group is rebalancing; rejoin.
    RebalanceInProgress,
    /// `MEMBER_ID_REQUIRED`: join again with the member id the coordinator just gave you.
    MemberIdRequired { member_id: String },
    /// `FENCED_INSTANCE_ID`: another member now holds this `group.instance.id`.
    FencedInstanceId { group_instance_id: String },
    /// `INCONSISTENT_GROUP_PROTOCOL`: none of the member's assignors is supported by all.
    InconsistentGroupProtocol,
    /// `INVALID_SESSION_TIMEOUT`: outside the broker's allowed range.
    InvalidSessionTimeout { session_timeout_ms: i64 },
    /// `COORDINATOR_NOT_AVAILABLE`: the group is dead.
    CoordinatorNotAvailable,
}

impl GroupError {
    /// Kafka's error code name.
    pub fn code(&self) -> &'static str {
        match self {
            GroupError::UnknownMemberId { .. } => "UNKNOWN_MEMBER_ID",
            GroupError::IllegalGeneration { .. } => "ILLEGAL_GENERATION",
            GroupError::RebalanceInProgress => "REBALANCE_IN_PROGRESS",
            GroupError::MemberIdRequired { .. } => "MEMBER_ID_REQUIRED",
            GroupError::FencedInstanceId { .. } => "FENCED_INSTANCE_ID",
            GroupError::InconsistentGroupProtocol => "INCONSISTENT_GROUP_PROTOCOL",
            GroupError::InvalidSessionTimeout { .. } => "INVALID_SESSION_TIMEOUT",
            GroupError::CoordinatorNotAvailable => "COORDINATOR_NOT_AVAILABLE",
        }
    }
}

impl fmt::Display for GroupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupError::UnknownMemberId { member_id } => write!(
                f,
                "UNKNOWN_MEMBER_ID: the coordinator does not know member '{member_id}'; it must rejoin the group"
            ),
            GroupError::IllegalGeneration {
                generation,
                current,
            } => write!(
                f,
                "ILLEGAL_GENERATION: generation {generation} is stale, the group is at generation {current}"
            ),
            GroupError::RebalanceInProgress => {
                write!(f, "REBALANCE_IN_PROGRESS: the group is rebalancing; rejoin")
            }
            GroupError::MemberIdRequired { member_id } => write!(
                f,
                "MEMBER_ID_REQUIRED: join again with member id '{member_id}'"
            ),
            GroupError::FencedInstanceId { group_instance_id } => write!(
                f,
                "FENCED_INSTANCE_ID: group.instance.id '{group_instance_id}' is now used by a newer member"
            ),
            GroupError::InconsistentGroupProtocol => write!(
                f,
                "INCONSISTENT_GROUP_PROTOCOL: the member shares no assignor with the group"
            ),
            GroupError::InvalidSessionTimeout { session_timeout_ms } => write!(
                f,
                "INVALID_SESSION_TIMEOUT: session.timeout.ms={session_timeout_ms} is outside the broker's range"
            ),
            GroupError::CoordinatorNotAvailable => {
                write!(f, "COORDINATOR_NOT_AVAILABLE: the group is not available")
            }
        }
    }
}

impl std::error::Error for GroupError {}

/// `ConsumerProtocolSubscription`: what a consumer tells the leader about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub topics: Vec<String>,
    /// Partitions the member owns while rejoining (empty under the eager protocol, which
    /// revokes everything first).
    pub owned_partitions: Vec<TopicPartition>,
    /// The generation the owned partitions belong to.
    pub generation: Option<i32>,
}

/// One assignor a member supports, with its subscription, in the member's preference order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtocolMetadata {
    pub name: String,
    pub subscription: Subscription,
}

/// `JoinGroupRequest`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinGroupRequest {
    /// Empty for a member that has no member id yet.
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub client_id: String,
    pub session_timeout_ms: i64,
    /// The consumer sends its `max.poll.interval.ms`.
    pub rebalance_timeout_ms: i64,
    pub protocols: Vec<ProtocolMetadata>,
}

/// A member as the leader sees it in the JoinGroup response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinedMember {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub subscription: Subscription,
}

/// `JoinGroupResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinGroupResponse {
    pub member_id: String,
    pub generation_id: i32,
    pub protocol_name: Option<String>,
    pub leader: String,
    /// Every member's subscription, for the leader only (in join order).
    pub members: Vec<JoinedMember>,
    /// A static leader rejoining a stable group must not recompute the assignment.
    pub skip_assignment: bool,
}

/// `SyncGroupRequest`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncGroupRequest {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub generation_id: i32,
    /// The leader sends every member's assignment; followers send nothing.
    pub assignments: Vec<(String, Vec<TopicPartition>)>,
}

/// `SyncGroupResponse`: the member's own assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncGroupResponse {
    pub protocol_name: Option<String>,
    pub assignment: Vec<TopicPartition>,
}

/// An answer that may not be ready yet: joins and syncs wait for the rest of the group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reply<T> {
    /// The answer, now.
    Now(Result<T, GroupError>),
    /// The answer comes later, in a [`CoordinatorOutput`].
    Later,
}

/// An answer owed to a member who was waiting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeferredResponse {
    Join {
        member_id: String,
        response: Result<JoinGroupResponse, GroupError>,
    },
    Sync {
        member_id: String,
        response: Result<SyncGroupResponse, GroupError>,
    },
}

/// What a call caused: events to show and answers to deliver.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoordinatorOutput {
    pub events: Vec<GroupEvent>,
    pub responses: Vec<DeferredResponse>,
}

/// Why a member left the group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RemovalReason {
    /// It sent LeaveGroup (`close()`, or its poll interval expired).
    LeaveGroup,
    /// No heartbeat within `session.timeout.ms`.
    SessionTimeout,
    /// It did not rejoin within the rebalance timeout.
    RebalanceTimeout,
    /// It did not send SyncGroup within the rebalance timeout.
    SyncTimeout,
    /// It never rejoined with the member id it was given.
    PendingMemberTimeout,
}

/// What happened in the group, for the UI and tests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupEvent {
    /// A new dynamic member was given an id and must join again with it.
    MemberIdAssigned { group: String, member_id: String },
    MemberJoined {
        group: String,
        member_id: String,
        group_instance_id: Option<String>,
    },
    /// A static member restarted and took the place of its previous incarnation.
    StaticMemberReplaced {
        group: String,
        group_instance_id: String,
        old_member_id: String,
        new_member_id: String,
        /// `false` when the group stayed Stable: no rebalance was needed.
        rebalance: bool,
    },
    StateChanged {
        group: String,
        from: GroupState,
        to: GroupState,
    },
    RebalanceStarted {
        group: String,
        /// The generation being replaced.
        generation: i32,
        reason: String,
    },
    /// The join phase completed: a new generation with its protocol and leader.
    GenerationStarted {
        group: String,
        generation: i32,
        protocol: Option<String>,
        leader: Option<String>,
        members: Vec<String>,
    },
    /// The leader's assignment reached the coordinator: what each member gets and loses.
    AssignmentChanged {
        group: String,
        generation: i32,
        member_id: String,
        assigned: Vec<TopicPartition>,
        revoked: Vec<TopicPartition>,
    },
    MemberRemoved {
        group: String,
        member_id: String,
        reason: RemovalReason,
    },
}
