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

mod accounting;
mod client;
mod types;

pub use accounting::{DeliveryLedger, ProcessedRecord};
pub use client::Consumer;
pub use types::*;

#[cfg(test)]
mod tests;
