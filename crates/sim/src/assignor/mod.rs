//! Kafka's client-side partition assignors: `range`, `roundrobin`, `sticky` and
//! `cooperative-sticky`.
//!
//! In the classic group protocol the group leader (one of the consumers) computes the
//! assignment: it receives every member's subscription (member id, optional
//! `group.instance.id`, subscribed topics and, for the sticky assignors, the partitions the
//! member owned in the previous generation) plus the partition count of each subscribed
//! topic, and returns the partitions each member gets. Each assignor lives in its own file
//! and explains its algorithm on a small example:
//!
//! - [`range`]: per topic, contiguous ranges of partitions to the topic's subscribers;
//! - [`round_robin`]: all partitions dealt one at a time to the members in turn;
//! - [`sticky`]: balanced, keeping as many previously owned partitions as possible (eager);
//! - [`cooperative_sticky`]: the sticky assignment, minus the partitions that must first be
//!   revoked by their previous owner (cooperative / incremental rebalancing).
//!
//! Like Kafka's `AbstractPartitionAssignor.assign(Cluster, GroupSubscription)`, every
//! assignor only sees the topics that some member subscribes to and that exist with at least
//! one partition. Members are ordered as `AbstractPartitionAssignor.MemberInfo` orders them:
//! members with a `group.instance.id` first, by that id, then the others by member id (range
//! and round robin); the sticky assignors order by member id. Strings compare as Java
//! compares them (see [`java`]). Rack-aware assignment (KIP-881) is not modelled: the
//! simulator has no racks, which is exactly Kafka's behaviour when `client.rack` is unset.
//!
//! The sticky assignors iterate Java `HashMap`s of member ids in places where the order
//! changes the result (which member keeps its extra partition); [`java::hash_map_order`]
//! reproduces that order from the member ids' Java hash codes. Two member ids that land in
//! the same bucket keep the order in which the members are given (Kafka: the order of the
//! JoinGroup response), which the group coordinator makes the join order.

pub mod cooperative_sticky;
pub mod java;
pub mod range;
pub mod round_robin;
pub mod serde_pairs;
pub mod sticky;

use crate::types::TopicPartition;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The generation a sticky member reports when it has none (`DEFAULT_GENERATION`).
pub const DEFAULT_GENERATION: i32 = -1;

/// One member's subscription, as the group leader sees it in the JoinGroup response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberSubscription {
    /// The member id the coordinator gave the member (`client.id-uuid`).
    pub member_id: String,
    /// `group.instance.id` of a static member.
    pub group_instance_id: Option<String>,
    /// The topics the member subscribes to.
    pub topics: Vec<String>,
    /// The partitions the member owned in its last generation (sticky assignors only).
    pub owned_partitions: Vec<TopicPartition>,
    /// The generation those partitions were owned in (sticky assignors only).
    pub generation: Option<i32>,
}

impl MemberSubscription {
    /// A dynamic member with no previous assignment.
    pub fn new(member_id: impl Into<String>, topics: &[&str]) -> Self {
        Self {
            member_id: member_id.into(),
            group_instance_id: None,
            topics: topics.iter().map(|t| t.to_string()).collect(),
            owned_partitions: Vec::new(),
            generation: None,
        }
    }

    /// The same member as a static member with the given `group.instance.id`.
    pub fn with_instance_id(mut self, group_instance_id: impl Into<String>) -> Self {
        self.group_instance_id = Some(group_instance_id.into());
        self
    }

    /// The same member reporting the partitions it owned in `generation`.
    pub fn with_owned(mut self, owned: Vec<TopicPartition>, generation: Option<i32>) -> Self {
        self.owned_partitions = owned;
        self.generation = generation;
        self
    }
}

/// Everything an assignor needs: the members (in the order the leader received them) and the
/// cluster metadata (partition count per topic).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentInput {
    pub members: Vec<MemberSubscription>,
    pub partitions_per_topic: BTreeMap<String, i32>,
}

/// The assignor's result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentOutput {
    /// Every member, with the partitions it gets, sorted by topic then partition.
    pub assignment: BTreeMap<String, Vec<TopicPartition>>,
    /// Cooperative-sticky only: partitions the computed assignment gives to a new owner but
    /// that are withheld in this round because their previous owner must revoke them first
    /// (partition → the member that will get it in the follow-up rebalance).
    #[serde(with = "serde_pairs")]
    pub withheld: BTreeMap<TopicPartition, String>,
}

/// Why an assignment could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssignorError {
    /// Two subscriptions carry the same member id.
    DuplicateMemberId { member_id: String },
    /// No assignor of that name exists (`INCONSISTENT_GROUP_PROTOCOL` when a group picks one).
    UnknownAssignor { name: String },
}

impl fmt::Display for AssignorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AssignorError::DuplicateMemberId { member_id } => {
                write!(f, "member id '{member_id}' appears in two subscriptions")
            }
            AssignorError::UnknownAssignor { name } => write!(
                f,
                "unknown partition assignor '{name}' (expected range, roundrobin, sticky or cooperative-sticky)"
            ),
        }
    }
}

impl std::error::Error for AssignorError {}

/// The rebalance protocols an assignor supports (`ConsumerPartitionAssignor.RebalanceProtocol`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RebalanceProtocol {
    /// Every member revokes everything before rejoining.
    Eager,
    /// Members keep what stays theirs; moved partitions are revoked, then reassigned.
    Cooperative,
}

/// The four assignors Kafka's Java consumer ships with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Assignor {
    Range,
    RoundRobin,
    Sticky,
    CooperativeSticky,
}

impl Assignor {
    /// The Java consumer's default `partition.assignment.strategy`.
    pub const DEFAULT_STRATEGY: [Assignor; 2] = [Assignor::Range, Assignor::CooperativeSticky];

    /// The protocol name members advertise in JoinGroup.
    pub fn name(self) -> &'static str {
        match self {
            Assignor::Range => "range",
            Assignor::RoundRobin => "roundrobin",
            Assignor::Sticky => "sticky",
            Assignor::CooperativeSticky => "cooperative-sticky",
        }
    }

    /// Looks an assignor up by its protocol name.
    pub fn from_name(name: &str) -> Result<Self, AssignorError> {
        match name {
            "range" => Ok(Assignor::Range),
            "roundrobin" => Ok(Assignor::RoundRobin),
            "sticky" => Ok(Assignor::Sticky),
            "cooperative-sticky" => Ok(Assignor::CooperativeSticky),
            other => Err(AssignorError::UnknownAssignor {
                name: other.to_string(),
            }),
        }
    }

    /// The protocols it supports; the consumer uses the first one common to all its assignors.
    pub fn supported_protocols(self) -> &'static [RebalanceProtocol] {
        match self {
            Assignor::CooperativeSticky => {
                &[RebalanceProtocol::Cooperative, RebalanceProtocol::Eager]
            }
            _ => &[RebalanceProtocol::Eager],
        }
    }

    /// Computes the assignment for `input`.
    pub fn assign(self, input: &AssignmentInput) -> Result<AssignmentOutput, AssignorError> {
        self.assign_checking_stickiness(input).map(|(out, _)| out)
    }

    /// Computes the assignment and also reports Kafka's `AbstractStickyAssignor.isSticky()`
    /// check: `false` if, while balancing, partitions of one topic moved from a member `a`
    /// to `b` and others from `b` to `a` (always `true` for range and round robin).
    pub fn assign_checking_stickiness(
        self,
        input: &AssignmentInput,
    ) -> Result<(AssignmentOutput, bool), AssignorError> {
        check_unique_member_ids(&input.members)?;
        let metadata = SubscribedMetadata::new(input);
        Ok(match self {
            Assignor::Range => (range::assign(&input.members, &metadata), true),
            Assignor::RoundRobin => (round_robin::assign(&input.members, &metadata), true),
            Assignor::Sticky => sticky::assign(&input.members, &metadata),
            Assignor::CooperativeSticky => cooperative_sticky::assign(&input.members, &metadata),
        })
    }
}

impl fmt::Display for Assignor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn check_unique_member_ids(members: &[MemberSubscription]) -> Result<(), AssignorError> {
    let mut seen = BTreeSet::new();
    for m in members {
        if !seen.insert(m.member_id.as_str()) {
            return Err(AssignorError::DuplicateMemberId {
                member_id: m.member_id.clone(),
            });
        }
    }
    Ok(())
}

/// The partition counts of the topics some member subscribes to and that have at least one
/// partition, topics sorted as Java sorts strings.
#[derive(Debug, Clone)]
pub(crate) struct SubscribedMetadata {
    /// (topic, partition count), sorted by topic.
    pub topics: Vec<(String, i32)>,
}

impl SubscribedMetadata {
    fn new(input: &AssignmentInput) -> Self {
        let subscribed: BTreeSet<&str> = input
            .members
            .iter()
            .flat_map(|m| m.topics.iter().map(String::as_str))
            .collect();
        let mut topics: Vec<(String, i32)> = input
            .partitions_per_topic
            .iter()
            .filter(|(t, n)| **n > 0 && subscribed.contains(t.as_str()))
            .map(|(t, n)| (t.clone(), *n))
            .collect();
        topics.sort_by(|a, b| java::java_cmp(&a.0, &b.0));
        Self { topics }
    }
}

/// `AbstractPartitionAssignor.MemberInfo.compareTo`: static members first, by
/// `group.instance.id`; then dynamic members by member id.
pub fn member_info_cmp(a: &MemberSubscription, b: &MemberSubscription) -> Ordering {
    match (&a.group_instance_id, &b.group_instance_id) {
        (Some(x), Some(y)) => java::java_cmp(x, y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => java::java_cmp(&a.member_id, &b.member_id),
    }
}

/// An empty assignment entry for every member.
pub(crate) fn empty_assignment(
    members: &[MemberSubscription],
) -> BTreeMap<String, Vec<TopicPartition>> {
    members
        .iter()
        .map(|m| (m.member_id.clone(), Vec::new()))
        .collect()
}

/// Sorts every member's partitions by topic (Java order) then partition.
pub(crate) fn sort_partitions(assignment: &mut BTreeMap<String, Vec<TopicPartition>>) {
    for partitions in assignment.values_mut() {
        partitions
            .sort_by(|a, b| java::java_cmp(&a.topic, &b.topic).then(a.partition.cmp(&b.partition)));
    }
}
