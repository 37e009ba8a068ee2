//! One consumer client, as a pure state machine: what the Java `KafkaConsumer` keeps in
//! memory and how it decides what to fetch, commit and revoke.
//!
//! The two numbers the tutorial is about live in different places:
//!
//! - the **position** of each assigned partition — the offset the next `poll` returns —
//!   lives only in this struct's memory; a [`Consumer::crash`] loses it;
//! - the **committed offset** — the line in the group's notebook, `__consumer_offsets` —
//!   lives in an [`OffsetStore`] outside the consumer, and is the *next* offset to read:
//!   after processing offset 41 the consumer commits 42.
//!
//! On (re)start, or when a partition moves to another member, the position starts from the
//! committed offset; without one (or if it fell out of the log after retention),
//! `auto.offset.reset` decides: `earliest` (log start offset), `latest` (the high
//! watermark, the default) or `none` (an error the application sees).
//!
//! With `enable.auto.commit` (default) the consumer commits, at the **start** of a `poll`
//! once `auto.commit.interval.ms` (5 s) has passed, the positions returned by earlier polls
//! — whether or not the application processed those records. It also commits before a
//! rebalance revokes partitions and on `close()`. Hence at-least-once: a crash after
//! processing but before the next poll re-delivers the batch.
//!
//! The log and the offset store are reached through two small traits, [`LogReader`] and
//! [`OffsetStore`], so the world (or a test) provides them. Group membership follows the
//! Java `ConsumerCoordinator`: [`Consumer::prepare_join`] (commit, then revoke everything
//! under the eager protocol, nothing under the cooperative one), [`Consumer::on_join_response`]
//! (the leader runs the assignor), [`Consumer::on_assignment`] (assign; under the
//! cooperative protocol revoke what moved away and ask for a follow-up rebalance).

//! ## Driving a consumer (for the world)
//!
//! Per application `poll` at `now`:
//! 1. if [`Consumer::wants_to_join`]: send [`Consumer::prepare_join`]'s request to the
//!    group's [`crate::group::Group::join_group`]; on `MEMBER_ID_REQUIRED` call
//!    [`Consumer::on_join_error`] and send the request it returns; deliver every answer
//!    (now or later, from any call's `CoordinatorOutput`) to [`Consumer::on_join_response`]
//!    (which returns the SyncGroup request, with the assignment if this member leads) and
//!    each SyncGroup answer to [`Consumer::on_assignment`];
//! 2. [`Consumer::poll`] for the records.
//!
//! Timers the world schedules: [`Consumer::next_heartbeat_ms`] (send a heartbeat, then
//! [`Consumer::on_heartbeat_sent`] and [`Consumer::on_heartbeat_response`]),
//! [`Consumer::poll_deadline_ms`] (call [`Consumer::check_poll_timeout`] and send the
//! LeaveGroup it asks for), and metadata refreshes ([`Consumer::on_metadata`]). A crash is
//! [`Consumer::crash`] and no more calls; a restart is a new [`Consumer::new`].
//! [`Consumer::close`] returns the member id to send LeaveGroup for.

mod accounting;
mod client;
mod types;

pub use accounting::{DeliveryLedger, DeliveryTotals, ProcessedRecord, PrunedCounts};
pub use client::Consumer;
pub use types::*;

#[cfg(test)]
mod tests;
