//! What Kafka's command-line tools do beyond a single request: a tool's offset commit waits
//! for its acknowledgement (`kafka-consumer-groups --reset-offsets --execute`), and
//! `kafka-console-consumer` reads, prints and commits (or, with a `--group` that has
//! members, joins the group as one more consumer). Each is one [`Command`], atomic like any
//! other: on error the world is as before.

use super::{OffsetSpec, World};
use crate::command::{Command, ConsoleConsume, ConsoleStart, OffsetCommit};
use crate::consumer::{ConsumerEvent, IsolationLevel};
use crate::error::SimError;
use crate::event::Event;
use crate::group::GroupState;
use crate::log::Record;
use crate::types::{Offset, TopicPartition};

/// How long (virtual ms) the console consumer with a `--group` that has members waits,
/// without `--timeout-ms`, for the group to let it in: a rebalance lasts at most the
/// members' `max.poll.interval.ms` (300000) plus the initial rebalance delay.
pub const CONSOLE_JOIN_WAIT_MS: i64 = 310_000;

/// The console consumer's poll loop steps the clock by this much between polls (its
/// `poll(Duration)` timeout is what lets the group's rebalance go on meanwhile).
const CONSOLE_POLL_STEP_MS: i64 = 500;

/// The console consumer's client name in the world: `console-consumer-N`, the first free.
fn console_client_name(world: &World) -> String {
    (1..)
        .map(|n| format!("console-consumer-{n}"))
        .find(|n| world.consumer(n).is_none() && world.producer(n).is_none())
        .unwrap_or_else(|| "console-consumer".into())
}

impl World {
    /// Every in-sync replica of the group's `__consumer_offsets` partition is running and
    /// fetching: a commit there is replicated within a few fetch delays.
    fn coordinator_is_healthy(&self, group: &str) -> bool {
        self.partition(crate::OFFSETS_TOPIC, self.coordinator_partition(group))
            .is_some_and(|p| {
                p.leader().is_some()
                    && p.isr()
                        .iter()
                        .all(|b| self.broker(*b).is_some_and(|b| b.alive && b.fetching))
            })
    }

    /// Runs the clock, in steps of the replica fetch delay and at most `max_steps` of them,
    /// until no commit of `group` is pending (each is replicated and visible). Returns whether
    /// none is.
    fn advance_until_replicated(
        &mut self,
        group: &str,
        max_steps: i64,
        events: &mut Vec<Event>,
    ) -> Result<bool, SimError> {
        let step = self.config.replica_fetch_delay_ms.max(1);
        let pending = |w: &World| w.offset_store().pending().any(|(_, p)| p.group == group);
        for _ in 0..max_steps {
            if !pending(self) {
                return Ok(true);
            }
            events.extend(self.apply(Command::Advance { ms: step })?);
        }
        Ok(!pending(self))
    }

    /// Waits, as a tool waits for the acknowledgement of its commit, until no commit of
    /// `group` is pending. `COORDINATOR_NOT_AVAILABLE` when they are not replicated within
    /// twice `replica.lag.time.max.ms` (long enough for a lagging follower to leave the ISR).
    /// The world is changed either way: callers keep it only on success.
    fn await_commits(&mut self, group: &str, events: &mut Vec<Event>) -> Result<(), SimError> {
        let step = self.config.replica_fetch_delay_ms.max(1);
        let limit = self.config.replica_lag_time_max_ms.saturating_mul(2) / step + 2;
        if self.advance_until_replicated(group, limit, events)? {
            Ok(())
        } else {
            Err(SimError::CoordinatorNotAvailable {
                partition: self.coordinator_partition(group),
                group: group.to_string(),
            })
        }
    }

    /// A commit (`commit`, which returns its events) and then the wait for its
    /// acknowledgement, all or nothing. When the coordinator is healthy the commit is
    /// replicated within a few fetch delays and nothing after it can fail, so the world
    /// needs no copy.
    fn acknowledged<F>(&mut self, group: &str, commit: F) -> Result<Vec<Event>, SimError>
    where
        F: FnOnce(&mut World) -> Result<Vec<Event>, SimError>,
    {
        let run = |w: &mut World| -> Result<Vec<Event>, SimError> {
            let mut events = commit(w)?;
            w.clients_observe(&mut events);
            w.await_commits(group, &mut events)?;
            Ok(events)
        };
        if self.coordinator_is_healthy(group) {
            return run(self);
        }
        let mut scratch = self.clone();
        let events = run(&mut scratch)?;
        *self = scratch;
        Ok(events)
    }

    /// [`Command::ResetOffsets`]: the admin's commit for a group without members, and the
    /// wait for its acknowledgement.
    pub(super) fn reset_offsets_acknowledged(
        &mut self,
        group: &str,
        offsets: &[OffsetCommit],
    ) -> Result<Vec<Event>, SimError> {
        self.acknowledged(group, |w| w.reset_offsets(group, offsets))
    }

    /// [`Command::ConsoleConsume`].
    pub(super) fn console_consume(&mut self, c: ConsoleConsume) -> Result<Vec<Event>, SimError> {
        let topic = self
            .topic(&c.topic)
            .ok_or_else(|| SimError::UnknownTopicOrPartition {
                topic: c.topic.clone(),
                partition: None,
            })?;
        let partitions: Vec<i32> = match c.partition {
            Some(p) if topic.partition(p).is_none() => {
                return Err(SimError::UnknownTopicOrPartition {
                    topic: c.topic.clone(),
                    partition: Some(p),
                })
            }
            Some(p) => vec![p],
            None => topic.partitions().iter().map(|p| p.index()).collect(),
        };
        let group = c
            .group
            .clone()
            .or_else(|| c.config.get("group.id").cloned());
        if let Some(g) = group.as_deref() {
            let active = self
                .group(g)
                .is_some_and(|g| !matches!(g.state(), GroupState::Empty | GroupState::Dead));
            if active {
                let mut scratch = self.clone();
                let events = scratch.console_consume_as_member(&c, g)?;
                *self = scratch;
                return Ok(events);
            }
        }
        self.console_consume_alone(&c, group.as_deref(), &partitions)
    }

    /// The console consumer without a group that has members: it reads each partition from
    /// `--offset`, the group's committed offset or `auto.offset.reset`, up to
    /// `--max-messages`, and with a group commits where it stopped (and waits for it).
    fn console_consume_alone(
        &mut self,
        c: &ConsoleConsume,
        group: Option<&str>,
        partitions: &[i32],
    ) -> Result<Vec<Event>, SimError> {
        let reset = c.config.get("auto.offset.reset").map(String::as_str);
        let earliest = c.from_beginning || reset == Some("earliest");
        let isolation = isolation(c);
        let timestamp_type = self.timestamp_type(&c.topic);
        let mut remaining = c.max_messages.unwrap_or(u64::MAX);
        let mut events = Vec::new();
        let mut commits = Vec::new();
        let mut count = 0u64;
        for &p in partitions {
            let tp = TopicPartition::new(c.topic.clone(), p);
            let part = self.partition_checked(&tp.topic, p)?;
            let committed = group
                .and_then(|g| self.committed_offset(g, &tp))
                .map(|o| o.offset);
            let start = match (c.offset, committed) {
                (Some(ConsoleStart::Offset(o)), _) => Offset(o),
                (Some(ConsoleStart::Earliest), _) => self.list_offset(&tp, OffsetSpec::Earliest)?,
                (Some(ConsoleStart::Latest), _) => self.list_offset(&tp, OffsetSpec::Latest)?,
                // A committed offset outside the log (retention, an unclean election cut the
                // log back below it) is OFFSET_OUT_OF_RANGE: auto.offset.reset applies.
                (None, Some(o)) if o >= part.log_start_offset() && o <= part.log_end_offset() => o,
                (None, Some(o)) if reset == Some("none") => {
                    return Err(SimError::OffsetOutOfRange {
                        topic: tp.topic.clone(),
                        partition: p,
                        offset: o.0,
                        log_start_offset: part.log_start_offset(),
                        log_end_offset: part.log_end_offset(),
                    })
                }
                (None, _) if earliest => self.list_offset(&tp, OffsetSpec::Earliest)?,
                // A read_committed consumer's latest is the last stable offset.
                (None, _) if isolation == IsolationLevel::ReadCommitted => {
                    part.last_stable_offset()
                }
                (None, _) => self.list_offset(&tp, OffsetSpec::Latest)?,
            };
            let max = usize::try_from(remaining).unwrap_or(usize::MAX);
            let fetched = self.fetch_isolated(&tp, start, max, isolation)?;
            let n = fetched.records.len() as u64;
            count += n;
            remaining = remaining.saturating_sub(n);
            if group.is_some() {
                commits.push(OffsetCommit {
                    topic: c.topic.clone(),
                    partition: p,
                    offset: fetched.next_offset.0,
                    metadata: String::new(),
                    leader_epoch: None,
                });
            }
            if !fetched.records.is_empty() {
                events.push(Event::ConsoleRecords {
                    topic: c.topic.clone(),
                    partition: p,
                    timestamp_type: timestamp_type.to_string(),
                    records: fetched.records,
                });
            }
            if remaining == 0 {
                break;
            }
        }
        if let Some(g) = group.filter(|_| !commits.is_empty()) {
            events.extend(self.acknowledged(g, |w| w.commit_offsets(g, &commits))?);
        }
        events.push(Event::ConsoleConsumerFinished {
            consumer: None,
            count,
            timed_out: false,
        });
        Ok(events)
    }

    /// `kafka-console-consumer --group G` when G has members: the tool is one more consumer
    /// of the group (client id `console-consumer`, a client named `console-consumer-N`). It
    /// subscribes, polls while the clock runs until the group's rebalance lets it in (the
    /// other members rejoin at their next poll; one that does not poll within its
    /// `max.poll.interval.ms` is removed), hands over the records its partitions hold (up to
    /// `--max-messages`; a poll still returns up to `max.poll.records`), and when a poll finds
    /// nothing more it closes: the auto-commit of `close()` commits its positions (past every
    /// record polled, printed or not, as the real tool's `close()` does) and it leaves the
    /// group, which rebalances again. Changes `self` even on error: the caller runs it on a
    /// copy.
    fn console_consume_as_member(
        &mut self,
        c: &ConsoleConsume,
        group: &str,
    ) -> Result<Vec<Event>, SimError> {
        let name = console_client_name(self);
        let mut config = c.config.clone();
        config.insert("group.id".into(), group.to_string());
        config
            .entry("client.id".into())
            .or_insert_with(|| "console-consumer".into());
        if c.from_beginning {
            config.insert("auto.offset.reset".into(), "earliest".into());
        }
        let mut events = self.apply(Command::CreateConsumer {
            name: name.clone(),
            config,
        })?;
        events.extend(self.apply(Command::Subscribe {
            consumer: name.clone(),
            topics: vec![c.topic.clone()],
        })?);
        let wait = c.timeout_ms.map_or(CONSOLE_JOIN_WAIT_MS, |t| {
            i64::try_from(t).unwrap_or(i64::MAX)
        });
        let deadline = self.now_ms().saturating_add(wait);
        let committed_only = self
            .consumer(&name)
            .is_some_and(|c| c.config().isolation_level == IsolationLevel::ReadCommitted);
        let timestamp_type = self.timestamp_type(&c.topic);
        let mut remaining = c.max_messages.unwrap_or(u64::MAX);
        let mut count = 0u64;
        let mut timed_out = false;
        loop {
            let polled = self.apply(Command::Poll {
                consumer: name.clone(),
                max_records: None,
            })?;
            let mut fetched = 0usize;
            let mut handed = Vec::new();
            for e in &polled {
                let Event::Consumer {
                    consumer,
                    event:
                        ConsumerEvent::RecordsFetched {
                            partition,
                            from,
                            to,
                            ..
                        },
                } = e
                else {
                    continue;
                };
                if *consumer != name {
                    continue;
                }
                let Some(p) = self.partition(&partition.topic, partition.partition) else {
                    continue;
                };
                let log = p.log();
                // What the member's poll returned: markers never, aborted records not for
                // read_committed.
                let mut records: Vec<Record> = Vec::new();
                for r in log
                    .read(Offset(*from), Offset(to.saturating_add(1)), usize::MAX)
                    .filter(|r| !(r.kind.is_marker() || (committed_only && log.is_aborted(r))))
                {
                    fetched += 1;
                    if remaining > 0 {
                        records.push(r.to_record());
                        remaining -= 1;
                        count += 1;
                    }
                }
                if !records.is_empty() {
                    handed.push(Event::ConsoleRecords {
                        topic: partition.topic.clone(),
                        partition: partition.partition,
                        timestamp_type: timestamp_type.to_string(),
                        records,
                    });
                }
            }
            events.extend(polled);
            events.extend(handed);
            if fetched > 0 {
                // Printing is the tool's processing.
                events.extend(self.apply(Command::Process {
                    consumer: name.clone(),
                    count: None,
                    per_record_ms: Some(0),
                })?);
            }
            let joined = self
                .consumer(&name)
                .is_some_and(|c| c.generation() >= 0 && !c.wants_to_join());
            if remaining == 0 || (joined && fetched == 0) {
                break;
            }
            if self.now_ms() >= deadline {
                timed_out = true;
                break;
            }
            events.extend(self.apply(Command::Advance {
                ms: CONSOLE_POLL_STEP_MS,
            })?);
        }
        events.extend(self.apply(Command::CloseConsumer {
            consumer: name.clone(),
        })?);
        // `close()` commits synchronously: the tool returns once the commit is replicated
        // (or failed), as a Kafka tool's commit waits for its acknowledgement.
        self.advance_until_replicated(group, 100, &mut events)?;
        events.push(Event::ConsoleConsumerFinished {
            consumer: Some(name),
            count,
            timed_out,
        });
        Ok(events)
    }

    /// How the topic's record batches carry their timestamps (`message.timestamp.type`).
    fn timestamp_type(&self, topic: &str) -> &'static str {
        self.topic(topic)
            .map_or("CreateTime", |t| t.config().message_timestamp_type.name())
    }
}

fn isolation(c: &ConsoleConsume) -> IsolationLevel {
    if c.config.get("isolation.level").map(String::as_str) == Some("read_committed") {
        IsolationLevel::ReadCommitted
    } else {
        IsolationLevel::ReadUncommitted
    }
}
