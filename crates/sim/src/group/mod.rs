//! The group coordinator of Kafka's classic group protocol, as a pure state machine.
//!
//! A consumer group is a set of members sharing the partitions of the topics they subscribe
//! to. The coordinator (a broker) keeps the membership and runs rebalances in *generations*:
//!
//! ```text
//!            join (first member)            all members rejoined / rebalance timeout
//!   Empty ───────────────────────► PreparingRebalance ────────────────────────► CompletingRebalance
//!     ▲                                 ▲      ▲                                      │
//!     │ last member leaves              │      │ member joins, leaves or times out    │ leader's SyncGroup
//!     └─────────────────────────────────┴──────┴──────────────────────────────── Stable ◄┘
//! ```
//!
//! 1. **JoinGroup**: every member (re)joins, sending its subscription for each assignor it
//!    supports. A new dynamic member first gets `MEMBER_ID_REQUIRED` with a member id made of
//!    its `client.id`, a dash and a UUID, and joins again with it. When every known member has
//!    rejoined (or the rebalance timeout, the largest `max.poll.interval.ms`, expires and the
//!    missing members are dropped) the generation number goes up, the coordinator picks the
//!    protocol (assignor): among the assignors every member supports, each member votes for
//!    the first one in its own list and the most votes win (with the Java consumer's
//!    default `[range, cooperative-sticky]` that is `range`). It answers every join; the
//!    leader's answer carries all members' subscriptions. When the group was empty, the first rebalance waits
//!    `group.initial.rebalance.delay.ms` (3 s) for more members.
//! 2. **SyncGroup**: the leader runs the assignor (see [`crate::assignor`] and
//!    [`leader_assignment`]) and sends the result; every member receives its own partitions
//!    and the group becomes Stable.
//! 3. **Heartbeats** every `heartbeat.interval.ms` keep a member alive; a member silent for
//!    `session.timeout.ms` is removed and the group rebalances. Heartbeats during a rebalance
//!    answer `REBALANCE_IN_PROGRESS`, which tells members to rejoin.
//!
//! Static members (`group.instance.id`) restarting within the session timeout take their old
//! place without a rebalance; the old member id is fenced. Offset commits are validated
//! against the member and generation ([`Group::validate_offset_commit`]).
//!
//! The module owns no clock: every call takes `now_ms`, and [`Group::next_deadline`] tells
//! the caller when to call [`Group::on_time`] (session expiry, join and sync timeouts).
//! Calls that complete a phase return the answers owed to members who were waiting.
//!
//! Behaviour follows Kafka's `ClassicGroup` / `GroupMetadataManager` (group-coordinator
//! module) and the older `GroupCoordinator.scala`. Where Kafka's choice depends on the
//! iteration order of a Java `HashMap` of members (a new leader when the leader leaves, the
//! order of the member list the leader receives) the simulator uses the order in which
//! members joined.

mod coordinator;
mod types;

pub use coordinator::{leader_assignment, Group, GroupConfig};
pub use types::*;
