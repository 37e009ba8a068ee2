//! One plain sentence per event, in the learner's vocabulary: what the event log lists and
//! the live region announces. Every [`Event`] variant (and every nested consumer, group and
//! producer event) has its sentence here; the match is exhaustive, so a new variant in the
//! core fails to compile until it has one.

use crate::vocab::{capitalised, Term, Vocabulary};
use sim::clients::{AppView, ProducerEvent};
use sim::consumer::{CommitKind, ConsumerEvent, ResetReason};
use sim::group::{GroupEvent, RemovalReason};
use sim::log::RetentionReason;
use sim::partitioner::PartitionChoice;
use sim::{Acks, BrokerId, Event, TopicPartition, OFFSETS_TOPIC};

/// The sentence for one event, capitalised and ending with a full stop.
pub fn sentence(event: &Event, v: Vocabulary) -> String {
    let s = Words(v).event(event);
    let mut s = capitalised(&s);
    if !s.ends_with('.') {
        s.push('.');
    }
    s
}

/// A word without its parenthesised gloss: "ticket (key)" → "ticket".
pub fn bare(word: &str) -> &str {
    match word.find(" (") {
        Some(i) => &word[..i],
        None => word,
    }
}

/// The plural of a vocabulary word ("team of checkers" → "teams of checkers").
pub fn plural(word: &str) -> String {
    let word = bare(word);
    let (head, tail) = match word.find(" of ").or_else(|| word.find(" in ")) {
        Some(i) => word.split_at(i),
        None => (word, ""),
    };
    let head = if head.ends_with('s') {
        head.to_string()
    } else if let Some(stem) = head
        .strip_suffix('y')
        .filter(|stem| !stem.ends_with(['a', 'e', 'i', 'o', 'u']))
    {
        format!("{stem}ies")
    } else {
        format!("{head}s")
    };
    format!("{head}{tail}")
}

/// "1 compartment", "3 compartments".
pub fn count(n: impl Into<i128>, term: Term, v: Vocabulary) -> String {
    let n = n.into();
    let word = term.word(v);
    if n == 1 {
        format!("1 {}", bare(word))
    } else {
        format!("{n} {}", plural(word))
    }
}

/// Virtual time as a person reads it: "850 ms", "3 s", "1 min 30 s".
pub fn duration(ms: i64) -> String {
    let ms = ms.max(0);
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        if ms % 1000 == 0 {
            format!("{} s", ms / 1000)
        } else {
            format!("{:.1} s", ms as f64 / 1000.0)
        }
    } else {
        let (m, s) = (ms / 60_000, (ms % 60_000) / 1000);
        if s == 0 {
            format!("{m} min")
        } else {
            format!("{m} min {s} s")
        }
    }
}

/// The client part of a member id (`c1-3f2a…` → `c1`); other ids unchanged.
pub fn member_label(member_id: &str) -> &str {
    const UUID: usize = 36;
    let n = member_id.len();
    if n > UUID + 1 && member_id.is_char_boundary(n - UUID - 1) {
        let (client, rest) = member_id.split_at(n - UUID - 1);
        let uuid = &rest[1..];
        if rest.starts_with('-')
            && uuid.len() == UUID
            && uuid.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        {
            return client;
        }
    }
    member_id
}

struct Words(Vocabulary);

impl Words {
    fn w(&self, t: Term) -> &'static str {
        t.word(self.0)
    }

    fn train(&self) -> bool {
        self.0 == Vocabulary::Train
    }

    fn pick<'a>(&self, train: &'a str, kafka: &'a str) -> &'a str {
        if self.train() {
            train
        } else {
            kafka
        }
    }

    /// `train "orders"` / `topic "orders"`; the offsets topic is "the notebook".
    fn topic(&self, topic: &str) -> String {
        if topic == OFFSETS_TOPIC {
            self.w(Term::OffsetsTopic).to_string()
        } else {
            format!("{} \"{topic}\"", self.w(Term::Topic))
        }
    }

    /// `compartment 1 of train "orders"`.
    fn place(&self, topic: &str, partition: i32) -> String {
        format!(
            "{} {partition} of {}",
            self.w(Term::Partition),
            self.topic(topic)
        )
    }

    fn tp(&self, tp: &TopicPartition) -> String {
        self.place(&tp.topic, tp.partition)
    }

    /// A short list of partitions: `compartments 0 and 2 of train "orders"`.
    fn tps(&self, tps: &[TopicPartition]) -> String {
        if tps.is_empty() {
            return format!("no {}", plural(self.w(Term::Partition)));
        }
        let mut by_topic: Vec<(&str, Vec<i32>)> = Vec::new();
        for tp in tps {
            match by_topic.iter_mut().find(|(t, _)| *t == tp.topic) {
                Some((_, ps)) => ps.push(tp.partition),
                None => by_topic.push((&tp.topic, vec![tp.partition])),
            }
        }
        let parts: Vec<String> = by_topic
            .into_iter()
            .map(|(topic, mut ps)| {
                ps.sort_unstable();
                let word = if ps.len() == 1 {
                    bare(self.w(Term::Partition)).to_string()
                } else {
                    plural(self.w(Term::Partition))
                };
                format!("{word} {} of {}", and_list(&ps), self.topic(topic))
            })
            .collect();
        parts.join("; ")
    }

    fn consumer(&self, name: &str) -> String {
        format!("{} {name}", self.w(Term::Consumer))
    }

    fn producer(&self, name: &str) -> String {
        format!("{} {name}", self.w(Term::Producer))
    }

    fn group(&self, group: &str) -> String {
        format!("{} \"{group}\"", self.w(Term::Group))
    }

    fn broker(&self, b: BrokerId) -> String {
        format!("{} {}", self.w(Term::Broker), b.0)
    }

    fn brokers(&self, bs: &[BrokerId]) -> String {
        if bs.is_empty() {
            "none".into()
        } else {
            let ids: Vec<i32> = bs.iter().map(|b| b.0).collect();
            and_list(&ids)
        }
    }

    fn offset(&self, o: i64) -> String {
        format!("{} {o}", bare(self.w(Term::Offset)))
    }

    fn offsets_range(&self, from: i64, to: i64) -> String {
        if from == to {
            self.offset(from)
        } else {
            format!("{} {from}–{to}", plural(self.w(Term::Offset)))
        }
    }

    fn acks(a: Acks) -> &'static str {
        match a {
            Acks::None => "acks=0",
            Acks::Leader => "acks=1",
            Acks::All => "acks=all",
        }
    }

    fn event(&self, e: &Event) -> String {
        let v = self.0;
        match e {
            Event::TopicCreated {
                topic,
                partitions,
                replication_factor,
                internal,
                ..
            } => format!(
                "{} was created with {}, each kept on {}{}",
                self.topic(topic),
                count(*partitions, Term::Partition, v),
                count(*replication_factor, Term::Broker, v),
                if *internal && topic != OFFSETS_TOPIC {
                    " (internal)"
                } else {
                    ""
                }
            ),
            Event::PartitionsAdded { topic, from, to, .. } => format!(
                "{} grew from {from} to {}",
                self.topic(topic),
                count(*to, Term::Partition, v)
            ),
            Event::TopicConfigChanged { topic } => {
                format!("the settings of {} changed", self.topic(topic))
            }
            Event::RecordAppended {
                topic,
                partition,
                offset,
                key,
                chosen_by,
                acks,
                ..
            } => {
                let who = match key {
                    Some(k) => format!(
                        "a {} with {} \"{k}\"",
                        bare(self.w(Term::Record)),
                        bare(self.w(Term::Key))
                    ),
                    None => format!(
                        "a {} without {}",
                        bare(self.w(Term::Record)),
                        bare(self.w(Term::Key))
                    ),
                };
                let why = match chosen_by {
                    PartitionChoice::Key => {
                        format!("murmur2 of the {}", bare(self.w(Term::Key)))
                    }
                    PartitionChoice::Sticky => "sticky, no key".to_string(),
                    PartitionChoice::RoundRobin => "round robin".to_string(),
                    PartitionChoice::Explicit => format!("{} named", bare(self.w(Term::Partition))),
                };
                format!(
                    "{who} {} {} in {} ({why}, {})",
                    self.pick("took", "was appended at"),
                    self.offset(offset.0),
                    self.place(topic, *partition),
                    Self::acks(*acks)
                )
            }
            Event::ProduceAcknowledged {
                topic,
                partition,
                offset,
            } => format!(
                "the {} heard that {} in {} is written (acknowledged)",
                bare(self.w(Term::Producer)),
                self.offset(offset.0),
                self.place(topic, *partition)
            ),
            Event::ProduceFailed {
                topic,
                partition,
                offset,
                error,
            } => format!(
                "{} in {} will never be acknowledged ({error}): the {} changed before it was copied",
                self.offset(offset.0),
                self.place(topic, *partition),
                bare(self.w(Term::Leader))
            ),
            Event::SegmentRolled {
                topic,
                partition,
                base_offset,
            } => format!(
                "{} started a new segment at {}",
                self.place(topic, *partition),
                self.offset(base_offset.0)
            ),
            Event::FollowerFetched {
                topic,
                partition,
                broker,
                from,
                to,
            } => format!(
                "{} copied {} of {}: its copy now ends at {} (was {})",
                self.broker(*broker),
                count(to.0 - from.0, Term::Record, v),
                self.place(topic, *partition),
                to.0,
                from.0
            ),
            Event::HighWatermarkAdvanced {
                topic,
                partition,
                from,
                to,
            } => format!(
                "{}: {} {} (was {})",
                self.place(topic, *partition),
                self.w(Term::HighWatermark),
                to.0,
                from.0
            ),
            Event::IsrShrunk {
                topic,
                partition,
                broker,
                isr,
            } => format!(
                "{} fell behind on {} and left the {} (now {})",
                self.broker(*broker),
                self.place(topic, *partition),
                bare(self.w(Term::Isr)),
                self.brokers(isr)
            ),
            Event::IsrExpanded {
                topic,
                partition,
                broker,
                isr,
            } => format!(
                "{} caught up on {} and is back in the {} (now {})",
                self.broker(*broker),
                self.place(topic, *partition),
                bare(self.w(Term::Isr)),
                self.brokers(isr)
            ),
            Event::LeaderChanged {
                topic,
                partition,
                from,
                to,
                leader_epoch,
            } => match to {
                Some(to) => format!(
                    "{}: the {} moved from {} to {} (epoch {leader_epoch})",
                    self.place(topic, *partition),
                    bare(self.w(Term::Leader)),
                    from.map_or_else(|| "none".to_string(), |b| self.broker(b)),
                    self.broker(*to)
                ),
                None => format!(
                    "{} is offline: no {} is left",
                    self.place(topic, *partition),
                    bare(self.w(Term::Leader))
                ),
            },
            Event::UncleanLeaderElected {
                topic,
                partition,
                leader,
                log_end_offset_before,
                log_end_offset,
                ..
            } => format!(
                "{}: unclean election, {} leads without being in sync; offsets {}–{} are lost and will be given again",
                self.place(topic, *partition),
                self.broker(*leader),
                log_end_offset.0,
                log_end_offset_before.0.saturating_sub(1)
            ),
            Event::LeaderNotElected {
                topic,
                partition,
                error,
            } => format!(
                "{}: no leader elected ({error})",
                self.place(topic, *partition)
            ),
            Event::ConsoleRecords {
                topic,
                partition,
                records,
                ..
            } => format!(
                "the console consumer read {} in {} ({})",
                count(records.len() as u64, Term::Record, v),
                self.place(topic, *partition),
                self.offsets_range(
                    records.first().map_or(0, |r| r.offset.0),
                    records.last().map_or(0, |r| r.offset.0)
                )
            ),
            Event::ConsoleConsumerFinished {
                count: n,
                timed_out,
                ..
            } => format!(
                "the console consumer finished after {}{}",
                count(*n, Term::Record, v),
                if *timed_out {
                    " (its --timeout-ms passed)"
                } else {
                    ""
                }
            ),
            Event::TopicDeleted { topic, .. } => format!("{} was deleted", self.topic(topic)),
            Event::MetadataWarning { topic, error, .. } => {
                format!("a client asked for {} ({error})", self.topic(topic))
            }
            Event::ReplicaTruncated {
                topic,
                partition,
                broker,
                from,
                to,
            } => format!(
                "{} cut its copy of {} back from {} to {} ({} that were never committed)",
                self.broker(*broker),
                self.place(topic, *partition),
                from.0,
                to.0,
                plural(self.w(Term::Record))
            ),
            Event::BrokerStopped { broker } => format!("{} stopped", self.broker(*broker)),
            Event::BrokerStarted { broker } => format!("{} started", self.broker(*broker)),
            Event::ReplicaFetchingPaused { broker } => format!(
                "{} stopped copying from the {}: its copies fall behind",
                self.broker(*broker),
                plural(self.w(Term::Leader))
            ),
            Event::ReplicaFetchingResumed { broker } => {
                format!(
                "{} copies from the {} again",
                self.broker(*broker),
                plural(self.w(Term::Leader))
            )
            }
            Event::SegmentDeleted {
                topic,
                partition,
                base_offset,
                end_offset,
                records,
                reason,
                ..
            } => {
                let why = match reason {
                    RetentionReason::Time => "older than retention.ms",
                    RetentionReason::Size => "over retention.bytes",
                    RetentionReason::LogStartOffset => "below the log start offset",
                };
                format!(
                    "{} ({}) left {}: {why} ({})",
                    count(*records as i128, Term::Record, v),
                    self.offsets_range(base_offset.0, (end_offset.0 - 1).max(base_offset.0)),
                    self.place(topic, *partition),
                    bare(self.w(Term::Retention))
                )
            }
            Event::LogStartOffsetAdvanced {
                topic,
                partition,
                from,
                to,
            } => format!(
                "{}: {} {} (was {})",
                self.place(topic, *partition),
                self.w(Term::LogStart),
                to.0,
                from.0
            ),
            Event::LogCompacted {
                topic,
                partition,
                cleaned_up_to,
                records_removed,
                tombstones_removed,
                ..
            } => format!(
                "{} was compacted up to {}: {} removed{}{}",
                self.place(topic, *partition),
                self.offset(cleaned_up_to.0),
                count(*records_removed as i128, Term::Record, v),
                if *tombstones_removed > 0 {
                    format!(
                        ", {tombstones_removed} {} dropped",
                        if *tombstones_removed == 1 { "tombstone" } else { "tombstones" }
                    )
                } else {
                    String::new()
                },
                if self.train() {
                    format!(" ({})", self.w(Term::Compaction))
                } else {
                    String::new()
                }
            ),
            Event::OffsetCommitAppended {
                group,
                topic,
                partition,
                offset,
                coordinator_partition,
                log_offset,
            } => format!(
                "{} wrote {} → {} at {} of {} {coordinator_partition} of {}; it counts once copied",
                self.group(group),
                self.place(topic, *partition),
                offset.0,
                self.offset(log_offset.0),
                bare(self.w(Term::Partition)),
                self.w(Term::OffsetsTopic)
            ),
            Event::OffsetCommitted {
                group,
                topic,
                partition,
                offset,
                ..
            } => format!(
                "{}: the {} for {} is now {} (the next {} to read)",
                self.group(group),
                self.w(Term::Committed),
                self.place(topic, *partition),
                offset.0,
                bare(self.w(Term::Offset))
            ),
            Event::OffsetCommitFailed {
                group,
                topic,
                partition,
                offset,
                error,
            } => format!(
                "{}: writing {} → {} was lost before it was copied ({error})",
                self.group(group),
                self.place(topic, *partition),
                offset.0
            ),
            Event::OffsetDeleted {
                group,
                topic,
                partition,
            } => format!(
                "{}: the {} for {} was deleted",
                self.group(group),
                self.w(Term::Committed),
                self.place(topic, *partition)
            ),
            Event::OffsetNotDeleted {
                group,
                topic,
                partition,
                error,
            } => format!(
                "{}: the {} for {} was kept: the group is subscribed to its topic ({error})",
                self.group(group),
                self.w(Term::Committed),
                self.place(topic, *partition)
            ),
            Event::OffsetExpired {
                group,
                topic,
                partition,
                offset,
            } => format!(
                "{}: the {} for {} ({}) expired after offsets.retention.minutes",
                self.group(group),
                self.w(Term::Committed),
                self.place(topic, *partition),
                offset.0
            ),
            Event::TransactionMarkerWritten {
                topic,
                partition,
                offset,
                transactional_id,
                commit,
                ..
            } => format!(
                "a {} marker of transaction {transactional_id} took {} in {}: nobody checks it",
                if *commit { "COMMIT" } else { "ABORT" },
                self.offset(offset.0),
                self.place(topic, *partition)
            ),
            Event::TransactionTimedOut {
                transactional_id,
                epoch,
                ..
            } => format!(
                "transaction {transactional_id} ran past transaction.timeout.ms: aborted, epoch now {epoch}"
            ),
            Event::DatabaseCreated { database } => {
                format!("database {database} was opened (the application's own, outside Kafka)")
            }
            Event::ExternalWrite {
                consumer,
                database,
                with_offsets,
                records,
                ..
            } => format!(
                "{} wrote {} to database {database}{}",
                self.consumer(consumer),
                count(records.len() as i128, Term::Record, v),
                if *with_offsets {
                    ", each with the next seat in the same transaction"
                } else {
                    ""
                }
            ),
            Event::ExternalWriteSkipped {
                consumer,
                database,
                topic,
                partition,
                offset,
                ..
            } => format!(
                "{}: {} of {} is already in database {database}: not written again",
                self.consumer(consumer),
                self.offset(*offset),
                self.place(topic, *partition)
            ),
            Event::OffsetsRestored {
                consumer,
                database,
                partitions,
            } => format!(
                "{} read where to start from database {database} ({} {})",
                self.consumer(consumer),
                partitions.len(),
                if partitions.len() == 1 { "partition" } else { "partitions" }
            ),
            Event::ClockAdvanced { from_ms, to_ms } => format!(
                "the clock moved on {} (now {})",
                duration(to_ms - from_ms),
                duration(*to_ms)
            ),
            Event::ConsumerCreated {
                consumer,
                group,
                client_id,
            } => format!(
                "{} is ready{}{}",
                self.consumer(consumer),
                match group {
                    Some(g) => format!(" in {}", self.group(g)),
                    None => " without a group (it can only be assigned)".to_string(),
                },
                if client_id != consumer {
                    format!(" (client.id {client_id})")
                } else {
                    String::new()
                }
            ),
            Event::ConsumerRestarted {
                consumer,
                incarnation,
            } => format!(
                "{} {} (restart {incarnation}): it starts from the {}",
                self.consumer(consumer),
                self.pick("woke up", "restarted"),
                self.w(Term::Committed)
            ),
            Event::Consumer { consumer, event } => self.consumer_event(consumer, event),
            Event::ConsumerFailed {
                consumer,
                operation,
                code,
                ..
            } => format!(
                "{}: {operation} failed with {code}",
                self.consumer(consumer)
            ),
            Event::RecordsProcessed {
                consumer, records, ..
            } => {
                let twice = records.iter().filter(|r| r.times > 1).count();
                format!(
                    "{} {} {}{}",
                    self.consumer(consumer),
                    self.pick("checked", "processed"),
                    count(records.len() as i128, Term::Record, v),
                    if twice > 0 {
                        format!(" ({twice} {})", bare(self.w(Term::Duplicate)))
                    } else {
                        String::new()
                    }
                )
            }
            Event::ProcessingAbandoned { consumer, records } => format!(
                "{} stopped with {} half {}: never finished",
                self.consumer(consumer),
                count(*records as i128, Term::Record, v),
                self.pick("checked", "processed")
            ),
            Event::OffsetsForTimes {
                consumer,
                timestamp_ms,
                offsets,
            } => {
                let found: Vec<String> = offsets
                    .iter()
                    .map(|o| {
                        format!(
                            "{} {} → {}",
                            bare(self.w(Term::Partition)),
                            o.partition,
                            o.offset.map_or("none".to_string(), |x| x.0.to_string())
                        )
                    })
                    .collect();
                format!(
                    "{} looked up the first {} at or after {}: {}",
                    self.consumer(consumer),
                    plural(self.w(Term::Offset)),
                    duration(*timestamp_ms),
                    if found.is_empty() {
                        "none".to_string()
                    } else {
                        found.join(", ")
                    }
                )
            }
            Event::Group { event } => self.group_event(event),
            Event::AppStarted { client, app } => match app {
                AppView::Consumer {
                    commit, process_ms, ..
                } => format!(
                    "{} now works on its own (commits {}, {} per {})",
                    self.consumer(client),
                    commit.name(),
                    duration(*process_ms),
                    bare(self.w(Term::Record))
                ),
                AppView::Producer {
                    topic, rate, keys, ..
                } => format!(
                    "{} now sends {} per second to {}{}",
                    self.producer(client),
                    count(*rate, Term::Record, v),
                    self.topic(topic),
                    if *keys == 0 {
                        format!(", without {}", bare(self.w(Term::Key)))
                    } else {
                        format!(" with {keys} different {}", plural(self.w(Term::Key)))
                    }
                ),
            },
            Event::AppStopped { client, reason } => {
                format!("the application of {client} stopped: {reason}")
            }
            Event::ProducerCreated {
                producer,
                producer_id,
            } => format!(
                "{} is open{}",
                self.producer(producer),
                match producer_id {
                    Some(id) => format!(" (idempotent, producer id {id})"),
                    None => String::new(),
                }
            ),
            Event::Producer { producer, event } => self.producer_event(producer, event),
        }
    }

    fn consumer_event(&self, consumer: &str, e: &ConsumerEvent) -> String {
        let v = self.0;
        let who = self.consumer(consumer);
        match e {
            ConsumerEvent::PositionFromCommitted { partition, offset } => format!(
                "{who} starts {} at {}, read from the {}",
                self.tp(partition),
                self.offset(*offset),
                self.w(Term::Committed)
            ),
            ConsumerEvent::TruncationDetected {
                partition,
                position,
                divergent,
            } => match divergent {
                Some(d) => format!(
                    "{who} finds {} cut back below {} after the unclean election: it goes back to {}, the first one that changed, and will read the {} that now hold those numbers",
                    self.tp(partition),
                    self.offset(*position),
                    self.offset(*d),
                    plural(self.w(Term::Record))
                ),
                None => format!(
                    "{who} finds {} cut back below {} and cannot tell where: auto.offset.reset decides",
                    self.tp(partition),
                    self.offset(*position)
                ),
            },
            ConsumerEvent::PositionReset {
                partition,
                offset,
                reason,
            } => {
                let why = match reason {
                    ResetReason::NoCommittedOffset => format!(
                        "no {} yet, so auto.offset.reset decides",
                        self.w(Term::Committed)
                    ),
                    ResetReason::OutOfRange => {
                        "the old place left the log, so auto.offset.reset decides".to_string()
                    }
                    ResetReason::SeekToBeginning => "seekToBeginning".to_string(),
                    ResetReason::SeekToEnd => "seekToEnd".to_string(),
                };
                format!(
                    "{who} moves to {} in {} ({why})",
                    self.offset(*offset),
                    self.tp(partition)
                )
            }
            ConsumerEvent::RecordsFetched {
                partition,
                from,
                to,
                count: n,
            } => format!(
                "{who} {} {} ({}) from {}",
                self.pick("collected the tickets of", "fetched"),
                count(*n as i128, Term::Record, v),
                self.offsets_range(*from, *to),
                self.tp(partition)
            ),
            ConsumerEvent::Committed { kind, offsets } => {
                let lines: Vec<String> = offsets
                    .iter()
                    .map(|(tp, o)| format!("{} → {o}", self.tp(tp)))
                    .collect();
                format!(
                    "{who} {} ({}): {}",
                    self.pick("wrote in the notebook", "committed"),
                    commit_kind(*kind),
                    if lines.is_empty() {
                        "nothing new".to_string()
                    } else {
                        lines.join(", ")
                    }
                )
            }
            ConsumerEvent::CommitFailed { kind, error } => format!(
                "{who}: the {} ({}) failed with {}",
                bare(self.pick("notebook line", "commit")),
                commit_kind(*kind),
                error.code()
            ),
            ConsumerEvent::PartitionsRevoked { partitions } => {
                format!("{who} handed back {}", self.tps(partitions))
            }
            ConsumerEvent::PartitionsLost { partitions } => format!(
                "{who} lost {} without writing anything down",
                self.tps(partitions)
            ),
            ConsumerEvent::PartitionsAssigned { partitions } => {
                format!("{who} was given {}", self.tps(partitions))
            }
            ConsumerEvent::RejoinRequested { reason } => format!(
                "{who} asks the team to {}: {reason}",
                bare(self.pick("reshuffle", "rebalance"))
            ),
            ConsumerEvent::PollTimeoutExpired { .. } => format!(
                "{who} did not {} within max.poll.interval.ms and leaves the {}",
                self.w(Term::Poll),
                bare(self.pick("team", "group"))
            ),
            ConsumerEvent::Seek { partition, offset } => format!(
                "{who} moved to {} in {} (seek)",
                self.offset(*offset),
                self.tp(partition)
            ),
            ConsumerEvent::Paused { partitions } => {
                format!("{who} paused {}", self.tps(partitions))
            }
            ConsumerEvent::Resumed { partitions } => {
                format!("{who} resumed {}", self.tps(partitions))
            }
            ConsumerEvent::Processed {
                records,
                done_at_ms,
            } => format!(
                "{who} started to {} {}, done at {}",
                self.w(Term::Process),
                count(records.len() as i128, Term::Record, v),
                duration(*done_at_ms)
            ),
            ConsumerEvent::Crashed => format!(
                "{who} {}",
                self.pick(
                    "fainted: where it stood is forgotten, the notebook keeps its last line",
                    "crashed: its positions are lost, the committed offsets remain"
                )
            ),
            ConsumerEvent::Closed => {
                format!("{who} closed and left the {}", self.pick("team", "group"))
            }
        }
    }

    fn group_event(&self, e: &GroupEvent) -> String {
        let v = self.0;
        match e {
            GroupEvent::MemberIdAssigned { group, member_id } => format!(
                "{} gave {} a member id; it joins again with it",
                self.group(group),
                member_label(member_id)
            ),
            GroupEvent::MemberJoined {
                group, member_id, ..
            } => format!(
                "{} joined {}",
                self.consumer(member_label(member_id)),
                self.group(group)
            ),
            GroupEvent::StaticMemberReplaced {
                group,
                group_instance_id,
                new_member_id,
                rebalance,
                ..
            } => format!(
                "in {}, static member {group_instance_id} came back as {}{}",
                self.group(group),
                member_label(new_member_id),
                if *rebalance {
                    ""
                } else {
                    " and kept its place without a rebalance"
                }
            ),
            GroupEvent::StateChanged { group, from, to } => {
                format!("{} went from {from} to {to}", self.group(group))
            }
            GroupEvent::RebalanceStarted {
                group,
                generation,
                reason,
            } => format!(
                "{} {} ({} {generation} ends): {reason}",
                self.group(group),
                self.pick("is reshuffling", "is rebalancing"),
                bare(self.w(Term::Generation))
            ),
            GroupEvent::GenerationStarted {
                group,
                generation,
                protocol,
                leader,
                members,
            } => format!(
                "{} started {} {generation} with {}{}{}",
                self.group(group),
                bare(self.w(Term::Generation)),
                count(members.len() as i128, Term::Consumer, v),
                match protocol {
                    Some(p) => format!(", assignor {p}"),
                    None => String::new(),
                },
                match leader {
                    Some(l) => format!(", leader {}", member_label(l)),
                    None => String::new(),
                }
            ),
            GroupEvent::AssignmentChanged {
                group,
                generation,
                member_id,
                assigned,
                revoked,
            } => format!(
                "in {} {generation} of {}, {} gets {}{}",
                bare(self.w(Term::Generation)),
                self.group(group),
                member_label(member_id),
                self.tps(assigned),
                if revoked.is_empty() {
                    String::new()
                } else {
                    format!(" and gives up {}", self.tps(revoked))
                }
            ),
            GroupEvent::MemberRemoved {
                group,
                member_id,
                reason,
            } => {
                let why = match reason {
                    RemovalReason::LeaveGroup => "it left",
                    RemovalReason::SessionTimeout => "no heartbeat within session.timeout.ms",
                    RemovalReason::RebalanceTimeout => "it did not rejoin in time",
                    RemovalReason::SyncTimeout => "it did not sync in time",
                    RemovalReason::PendingMemberTimeout => "it never joined with its id",
                };
                format!(
                    "{} is out of {}: {why}",
                    self.consumer(member_label(member_id)),
                    self.group(group)
                )
            }
        }
    }

    fn producer_event(&self, producer: &str, e: &ProducerEvent) -> String {
        let v = self.0;
        let who = self.producer(producer);
        match e {
            ProducerEvent::RecordQueued {
                topic,
                partition,
                batch_records,
                ..
            } => format!(
                "on {who}, a {} waits for {} (now {} in the {})",
                bare(self.w(Term::Record)),
                self.place(topic, *partition),
                batch_records,
                bare(self.w(Term::Batch))
            ),
            ProducerEvent::BatchSent {
                topic,
                partition,
                records,
                attempt,
            } => format!(
                "{who} sent {} to {}{}",
                count(*records as i128, Term::Record, v),
                self.place(topic, *partition),
                if *attempt > 1 {
                    format!(" (attempt {attempt})")
                } else {
                    String::new()
                }
            ),
            ProducerEvent::Acknowledged {
                topic,
                partition,
                offset,
                ..
            } => format!(
                "{who} heard back: {} in {} is written",
                self.offset(offset.0),
                self.place(topic, *partition)
            ),
            ProducerEvent::Retrying {
                topic,
                partition,
                error,
                attempt,
                retry_at_ms,
            } => format!(
                "{who} will retry {} at {} ({error}, attempt {attempt})",
                self.place(topic, *partition),
                duration(*retry_at_ms)
            ),
            ProducerEvent::DuplicateRejected {
                topic,
                partition,
                sequence,
                offset,
            } => format!(
                "{} already had sequence {sequence} of {who} at {}: no second copy",
                self.place(topic, *partition),
                self.offset(offset.0)
            ),
            ProducerEvent::Failed {
                topic,
                partition,
                error,
            } => format!(
                "{who} gave up sending to {}: {error}",
                self.place(topic, *partition)
            ),
            ProducerEvent::Closed => format!("{who} closed"),
            ProducerEvent::Crashed { unsent, .. } => {
                format!("{who} crashed ({unsent} unsent lost)")
            }
            ProducerEvent::Restarted { .. } => format!("{who} started again"),
            ProducerEvent::TransactionsInitialized {
                producer_id, epoch, ..
            } => format!("{who} is transactional: producer id {producer_id}, epoch {epoch}"),
            ProducerEvent::TransactionBegun => format!("{who} began a transaction"),
            ProducerEvent::OffsetsSentToTransaction { group, .. } => format!(
                "{who} put {}'s {} into the transaction",
                self.group(group),
                self.w(Term::Committed)
            ),
            ProducerEvent::TransactionCommitted { .. } => {
                format!("{who} committed its transaction")
            }
            ProducerEvent::TransactionAborted { .. } => format!("{who} aborted its transaction"),
            ProducerEvent::TransactionFailed { reason } => {
                format!("{who} could not commit: {reason}")
            }
            ProducerEvent::UnsentAborted { records } => {
                format!("{who} dropped {records} unsent with the transaction")
            }
        }
    }
}

fn commit_kind(kind: CommitKind) -> &'static str {
    match kind {
        CommitKind::Auto => "auto-commit",
        CommitKind::BeforeRebalance => "auto-commit before the rebalance",
        CommitKind::OnClose => "auto-commit on close",
        CommitKind::Sync => "commitSync",
        CommitKind::Async => "commitAsync",
    }
}

/// "0", "0 and 2", "0, 1 and 2".
fn and_list<T: std::fmt::Display>(items: &[T]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => {
            let init: Vec<String> = init.iter().map(ToString::to_string).collect();
            format!("{} and {last}", init.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::clients::{CommitPolicy, ProcessedOffset, TimestampOffset};
    use sim::consumer::ConsumerError;
    use sim::group::GroupState;
    use sim::Offset;

    fn tp(p: i32) -> TopicPartition {
        TopicPartition::new("orders", p)
    }

    const MEMBER: &str = "c1-0a1b2c3d-0000-4000-8000-00000000abcd";

    fn consumer(event: ConsumerEvent) -> Event {
        Event::Consumer {
            consumer: "c1".into(),
            event,
        }
    }

    fn group(event: GroupEvent) -> Event {
        Event::Group { event }
    }

    fn producer(event: ProducerEvent) -> Event {
        Event::Producer {
            producer: "p1".into(),
            event,
        }
    }

    /// One event of every variant, nested ones included.
    fn every_event() -> Vec<Event> {
        let o = Offset;
        let b = BrokerId;
        vec![
            Event::TopicCreated {
                topic: "orders".into(),
                partitions: 3,
                replication_factor: 3,
                internal: false,
                replicas: vec![],
            },
            Event::PartitionsAdded {
                topic: "orders".into(),
                from: 3,
                to: 6,
                replicas: vec![],
            },
            Event::TopicConfigChanged {
                topic: "orders".into(),
            },
            Event::RecordAppended {
                topic: "orders".into(),
                partition: 1,
                offset: o(3),
                leader: b(1),
                key: Some("alice".into()),
                value: Some("2 tickets".into()),
                timestamp_ms: 0,
                size_bytes: 10,
                chosen_by: PartitionChoice::Key,
                acks: Acks::All,
            },
            Event::ProduceAcknowledged {
                topic: "orders".into(),
                partition: 1,
                offset: o(3),
            },
            Event::ProduceFailed {
                topic: "orders".into(),
                partition: 1,
                offset: o(3),
                error: "NOT_LEADER_OR_FOLLOWER".into(),
            },
            Event::SegmentRolled {
                topic: "orders".into(),
                partition: 1,
                base_offset: o(100),
            },
            Event::FollowerFetched {
                topic: "orders".into(),
                partition: 1,
                broker: b(2),
                from: o(3),
                to: o(5),
            },
            Event::HighWatermarkAdvanced {
                topic: "orders".into(),
                partition: 1,
                from: o(3),
                to: o(5),
            },
            Event::IsrShrunk {
                topic: "orders".into(),
                partition: 1,
                broker: b(3),
                isr: vec![b(1), b(2)],
            },
            Event::IsrExpanded {
                topic: "orders".into(),
                partition: 1,
                broker: b(3),
                isr: vec![b(1), b(2), b(3)],
            },
            Event::LeaderChanged {
                topic: "orders".into(),
                partition: 1,
                from: Some(b(1)),
                to: Some(b(2)),
                leader_epoch: 1,
            },
            Event::LeaderChanged {
                topic: "orders".into(),
                partition: 1,
                from: Some(b(2)),
                to: None,
                leader_epoch: 2,
            },
            Event::ReplicaTruncated {
                topic: "orders".into(),
                partition: 1,
                broker: b(1),
                from: o(7),
                to: o(5),
            },
            Event::BrokerStopped { broker: b(1) },
            Event::BrokerStarted { broker: b(1) },
            Event::ReplicaFetchingPaused { broker: b(2) },
            Event::ReplicaFetchingResumed { broker: b(2) },
            Event::SegmentDeleted {
                topic: "orders".into(),
                partition: 0,
                base_offset: o(0),
                end_offset: o(3),
                records: 3,
                size_bytes: 100,
                reason: RetentionReason::Time,
            },
            Event::LogStartOffsetAdvanced {
                topic: "orders".into(),
                partition: 0,
                from: o(0),
                to: o(3),
            },
            Event::LogCompacted {
                topic: OFFSETS_TOPIC.into(),
                partition: 7,
                cleaned_up_to: o(9),
                records_removed: 4,
                tombstones_removed: 1,
                segments_before: 2,
                segments_after: 1,
            },
            Event::OffsetCommitAppended {
                group: "billing".into(),
                topic: "orders".into(),
                partition: 1,
                offset: o(5),
                coordinator_partition: 7,
                log_offset: o(12),
            },
            Event::OffsetCommitted {
                group: "billing".into(),
                topic: "orders".into(),
                partition: 1,
                offset: o(5),
                metadata: String::new(),
            },
            Event::OffsetCommitFailed {
                group: "billing".into(),
                topic: "orders".into(),
                partition: 1,
                offset: o(5),
                error: "NOT_COORDINATOR".into(),
            },
            Event::OffsetDeleted {
                group: "billing".into(),
                topic: "orders".into(),
                partition: 1,
            },
            Event::OffsetNotDeleted {
                group: "billing".into(),
                topic: "orders".into(),
                partition: 1,
                error: "GROUP_SUBSCRIBED_TO_TOPIC".into(),
            },
            Event::OffsetExpired {
                group: "billing".into(),
                topic: "orders".into(),
                partition: 1,
                offset: o(5),
            },
            Event::ClockAdvanced {
                from_ms: 0,
                to_ms: 3000,
            },
            Event::ConsumerCreated {
                consumer: "c1".into(),
                group: Some("billing".into()),
                client_id: "c1".into(),
            },
            Event::ConsumerRestarted {
                consumer: "c1".into(),
                incarnation: 1,
            },
            consumer(ConsumerEvent::PositionFromCommitted {
                partition: tp(1),
                offset: 5,
            }),
            consumer(ConsumerEvent::PositionReset {
                partition: tp(1),
                offset: 0,
                reason: ResetReason::NoCommittedOffset,
            }),
            consumer(ConsumerEvent::RecordsFetched {
                partition: tp(1),
                from: 2,
                to: 4,
                count: 3,
            }),
            consumer(ConsumerEvent::Committed {
                kind: CommitKind::Sync,
                offsets: vec![(tp(1), 5)],
            }),
            consumer(ConsumerEvent::CommitFailed {
                kind: CommitKind::Async,
                error: ConsumerError::RebalanceInProgress,
            }),
            consumer(ConsumerEvent::PartitionsRevoked {
                partitions: vec![tp(0), tp(2)],
            }),
            consumer(ConsumerEvent::PartitionsLost {
                partitions: vec![tp(1)],
            }),
            consumer(ConsumerEvent::PartitionsAssigned {
                partitions: vec![tp(0), tp(1), tp(2)],
            }),
            consumer(ConsumerEvent::RejoinRequested {
                reason: "partitions were revoked".into(),
            }),
            consumer(ConsumerEvent::PollTimeoutExpired { last_poll_ms: 0 }),
            consumer(ConsumerEvent::Seek {
                partition: tp(1),
                offset: 2,
            }),
            consumer(ConsumerEvent::Paused {
                partitions: vec![tp(1)],
            }),
            consumer(ConsumerEvent::Resumed {
                partitions: vec![tp(1)],
            }),
            consumer(ConsumerEvent::Processed {
                records: vec![(tp(1), 2), (tp(1), 3)],
                done_at_ms: 4500,
            }),
            consumer(ConsumerEvent::Crashed),
            consumer(ConsumerEvent::Closed),
            Event::ConsumerFailed {
                consumer: "c1".into(),
                operation: "poll".into(),
                code: "NO_OFFSET_FOR_PARTITION".into(),
                message: "NoOffsetForPartitionException".into(),
            },
            Event::RecordsProcessed {
                consumer: "c1".into(),
                group: Some("billing".into()),
                records: vec![
                    ProcessedOffset {
                        topic: "orders".into(),
                        partition: 1,
                        offset: o(2),
                        times: 2,
                    },
                    ProcessedOffset {
                        topic: "orders".into(),
                        partition: 1,
                        offset: o(3),
                        times: 1,
                    },
                ],
            },
            Event::ProcessingAbandoned {
                consumer: "c1".into(),
                records: 2,
            },
            Event::OffsetsForTimes {
                consumer: "c1".into(),
                timestamp_ms: 1000,
                offsets: vec![TimestampOffset {
                    topic: "orders".into(),
                    partition: 0,
                    offset: Some(o(4)),
                }],
            },
            group(GroupEvent::MemberIdAssigned {
                group: "billing".into(),
                member_id: MEMBER.into(),
            }),
            group(GroupEvent::MemberJoined {
                group: "billing".into(),
                member_id: MEMBER.into(),
                group_instance_id: None,
            }),
            group(GroupEvent::StaticMemberReplaced {
                group: "billing".into(),
                group_instance_id: "checker-1".into(),
                old_member_id: MEMBER.into(),
                new_member_id: MEMBER.into(),
                rebalance: false,
            }),
            group(GroupEvent::StateChanged {
                group: "billing".into(),
                from: GroupState::Stable,
                to: GroupState::PreparingRebalance,
            }),
            group(GroupEvent::RebalanceStarted {
                group: "billing".into(),
                generation: 1,
                reason: "a member joined".into(),
            }),
            group(GroupEvent::GenerationStarted {
                group: "billing".into(),
                generation: 2,
                protocol: Some("range".into()),
                leader: Some(MEMBER.into()),
                members: vec![MEMBER.into()],
            }),
            group(GroupEvent::AssignmentChanged {
                group: "billing".into(),
                generation: 2,
                member_id: MEMBER.into(),
                assigned: vec![tp(0)],
                revoked: vec![tp(1)],
            }),
            group(GroupEvent::MemberRemoved {
                group: "billing".into(),
                member_id: MEMBER.into(),
                reason: RemovalReason::SessionTimeout,
            }),
            Event::AppStarted {
                client: "c1".into(),
                app: AppView::Consumer {
                    commit: CommitPolicy::SyncPerBatch,
                    process_ms: 200,
                    idle_ms: 100,
                    step: "poll".into(),
                    next_at_ms: 0,
                },
            },
            Event::AppStarted {
                client: "p1".into(),
                app: AppView::Producer {
                    topic: "orders".into(),
                    rate: 5,
                    keys: 3,
                    sent: 0,
                    next_at_ms: 0,
                },
            },
            Event::AppStopped {
                client: "c1".into(),
                reason: "stopped".into(),
            },
            Event::ProducerCreated {
                producer: "p1".into(),
                producer_id: Some(0),
            },
            producer(ProducerEvent::RecordQueued {
                topic: "orders".into(),
                partition: 1,
                chosen_by: PartitionChoice::Key,
                batch_records: 2,
            }),
            producer(ProducerEvent::BatchSent {
                topic: "orders".into(),
                partition: 1,
                records: 2,
                attempt: 2,
            }),
            producer(ProducerEvent::Acknowledged {
                topic: "orders".into(),
                partition: 1,
                offset: o(3),
                sequence: Some(0),
            }),
            producer(ProducerEvent::Retrying {
                topic: "orders".into(),
                partition: 1,
                error: "NOT_ENOUGH_REPLICAS".into(),
                attempt: 1,
                retry_at_ms: 1100,
            }),
            producer(ProducerEvent::DuplicateRejected {
                topic: "orders".into(),
                partition: 1,
                sequence: 0,
                offset: o(3),
            }),
            producer(ProducerEvent::Failed {
                topic: "orders".into(),
                partition: 1,
                error: "TIMEOUT".into(),
            }),
            producer(ProducerEvent::Closed),
        ]
    }

    #[test]
    fn every_event_has_a_plain_sentence_in_both_vocabularies() {
        for event in every_event() {
            let train = sentence(&event, Vocabulary::Train);
            let kafka = sentence(&event, Vocabulary::Kafka);
            for s in [&train, &kafka] {
                assert!(s.len() > 10, "{event:?}: {s}");
                assert!(!s.chars().next().unwrap().is_lowercase(), "{s}");
                assert!(s.ends_with('.'), "{s}");
                assert!(!s.contains("  ") && !s.contains('{'), "{s}");
                assert!(!s.contains(MEMBER), "member ids are shortened: {s}");
            }
            // Clock and broker lifecycle read the same; everything else names a concept.
            let same_ok = matches!(
                event,
                Event::ClockAdvanced { .. }
                    | Event::AppStopped { .. }
                    | Event::Group {
                        event: GroupEvent::MemberJoined { .. }
                            | GroupEvent::MemberRemoved { .. }
                            | GroupEvent::MemberIdAssigned { .. }
                            | GroupEvent::StaticMemberReplaced { .. }
                            | GroupEvent::StateChanged { .. }
                    }
            );
            if !same_ok {
                assert_ne!(train, kafka, "{event:?}");
            }
        }
    }

    #[test]
    fn a_boarding_reads_as_a_train_or_as_kafka() {
        let e = &every_event()[3];
        assert_eq!(
            sentence(e, Vocabulary::Train),
            "A passenger with ticket \"alice\" took seat 3 in compartment 1 of train \"orders\" (murmur2 of the ticket, acks=all)."
        );
        assert_eq!(
            sentence(e, Vocabulary::Kafka),
            "A record with key \"alice\" was appended at offset 3 in partition 1 of topic \"orders\" (murmur2 of the key, acks=all)."
        );
    }

    #[test]
    fn commits_name_the_notebook_or_the_offsets_topic() {
        let e = Event::OffsetCommitAppended {
            group: "billing".into(),
            topic: "orders".into(),
            partition: 1,
            offset: Offset(5),
            coordinator_partition: 7,
            log_offset: Offset(12),
        };
        assert!(sentence(&e, Vocabulary::Train).contains("of the notebook"));
        assert!(sentence(&e, Vocabulary::Kafka).contains("of __consumer_offsets"));
        let c = consumer(ConsumerEvent::Crashed);
        assert!(sentence(&c, Vocabulary::Train).starts_with("Ticket checker c1 fainted"));
        assert!(sentence(&c, Vocabulary::Kafka).starts_with("Consumer c1 crashed"));
    }

    #[test]
    fn words_are_counted_and_pluralised() {
        assert_eq!(
            count(1, Term::Partition, Vocabulary::Train),
            "1 compartment"
        );
        assert_eq!(
            count(3, Term::Consumer, Vocabulary::Train),
            "3 ticket checkers"
        );
        assert_eq!(
            plural(Term::Group.word(Vocabulary::Train)),
            "teams of checkers"
        );
        assert_eq!(plural(Term::Key.word(Vocabulary::Train)), "tickets");
        assert_eq!(
            plural(Term::Replica.word(Vocabulary::Train)),
            "copies of the compartment"
        );
        assert_eq!(count(2, Term::Broker, Vocabulary::Kafka), "2 brokers");
        assert_eq!(duration(850), "850 ms");
        assert_eq!(duration(3000), "3 s");
        assert_eq!(duration(1500), "1.5 s");
        assert_eq!(duration(90_000), "1 min 30 s");
        assert_eq!(member_label(MEMBER), "c1");
        assert_eq!(member_label("c1"), "c1");
        assert_eq!(member_label("é-ü"), "é-ü");
        assert_eq!(and_list(&[0, 1, 2]), "0, 1 and 2");
    }
}
