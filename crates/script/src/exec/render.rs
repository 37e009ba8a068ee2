//! Text views of the world for the simulator's own commands (`describe`, `state`, and the
//! short narration after `advance`, `kill-broker` …). The admin tools' output, which must match
//! Kafka's tools, lives in `admin`.

use std::fmt::Write as _;

use sim::{Event, World, OFFSETS_TOPIC};

use super::{admin, state, Console, ExecError, ExecErrorKind, Output};
use crate::{Span, Target};

fn list(ids: &[sim::BrokerId]) -> String {
    ids.iter()
        .map(|b| b.0.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// How a producer's `Retrying` event is told: runs of the same error on the same partition
/// are summed up, so a two-minute outage reads as a few lines, not one per retry.
#[derive(Clone, Copy, PartialEq)]
enum RetryLine {
    /// Its own line (a run of one or two retries, or the first of a longer run).
    Own,
    /// Inside a run: told by the run's summary.
    Hidden,
    /// The last of a run: the summary of the `more` retries after the run's first.
    Summary { more: usize },
}

/// Marks each `Retrying` event: consecutive retries of the same producer, partition and error
/// (whatever other events come between) form a run, which the producer's next line about
/// that partition (acknowledged, failed, another error) or its close ends.
fn retry_lines(events: &[Event]) -> Vec<RetryLine> {
    use sim::clients::ProducerEvent as P;
    use std::collections::BTreeMap;
    let mut marks = vec![RetryLine::Own; events.len()];
    // (producer, topic, partition) -> (error, indices of the open run)
    let mut open: BTreeMap<(&str, &str, i32), (&str, Vec<usize>)> = BTreeMap::new();
    let mut runs: Vec<Vec<usize>> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let Event::Producer { producer, event } = e else {
            continue;
        };
        let (topic, partition) = match event {
            P::Retrying {
                topic,
                partition,
                error,
                ..
            } => {
                let key = (producer.as_str(), topic.as_str(), *partition);
                match open.get_mut(&key) {
                    Some((err, run)) if *err == error.as_str() => run.push(i),
                    _ => {
                        if let Some((_, run)) = open.insert(key, (error.as_str(), vec![i])) {
                            runs.push(run);
                        }
                    }
                }
                continue;
            }
            P::Acknowledged {
                topic, partition, ..
            }
            | P::DuplicateRejected {
                topic, partition, ..
            }
            | P::Failed {
                topic, partition, ..
            } => (topic.as_str(), *partition),
            P::Closed | P::Crashed { .. } | P::Restarted { .. } => {
                let ended: Vec<_> = open
                    .keys()
                    .filter(|k| k.0 == producer.as_str())
                    .copied()
                    .collect();
                for k in ended {
                    if let Some((_, run)) = open.remove(&k) {
                        runs.push(run);
                    }
                }
                continue;
            }
            P::RecordQueued { .. }
            | P::BatchSent { .. }
            | P::TransactionsInitialized { .. }
            | P::TransactionBegun
            | P::OffsetsSentToTransaction { .. }
            | P::TransactionCommitted { .. }
            | P::TransactionAborted { .. }
            | P::TransactionFailed { .. }
            | P::UnsentAborted { .. } => continue,
        };
        if let Some((_, run)) = open.remove(&(producer.as_str(), topic, partition)) {
            runs.push(run);
        }
    }
    runs.extend(open.into_values().map(|(_, run)| run));
    for run in runs {
        if let [_, middle @ .., last] = run.as_slice() {
            if middle.is_empty() {
                continue;
            }
            for &i in middle {
                marks[i] = RetryLine::Hidden;
            }
            marks[*last] = RetryLine::Summary {
                more: run.len() - 1,
            };
        }
    }
    marks
}

/// One line per event a learner should notice after a simulator verb (leaders, ISR,
/// truncation, retention, expiry, failed writes), then the clock.
///
/// Leader and ISR changes of the 50 partitions of `__consumer_offsets` are summed up in one
/// line, so the learner's own topics stay readable; so are a producer's repeated retries of
/// the same error (the first is told, then how many more and when the next attempt goes).
pub(super) fn narrate(events: &[Event]) -> String {
    let mut out = String::new();
    let retries = retry_lines(events);
    let (mut internal_leaders, mut internal_isr) = (0, 0);
    // A record queued and sent by the same command (linger.ms=0, a full batch) needs only
    // its acknowledgement.
    let sent: std::collections::BTreeSet<&str> = events
        .iter()
        .filter_map(|e| match e {
            Event::Producer {
                producer,
                event: sim::clients::ProducerEvent::BatchSent { .. },
            } => Some(producer.as_str()),
            _ => None,
        })
        .collect();
    for (e, retry) in events.iter().zip(retries) {
        match e {
            Event::LeaderChanged { topic, .. } if topic == OFFSETS_TOPIC => {
                internal_leaders += 1;
                continue;
            }
            Event::IsrShrunk { topic, .. } | Event::IsrExpanded { topic, .. }
                if topic == OFFSETS_TOPIC =>
            {
                internal_isr += 1;
                continue;
            }
            _ => {}
        }
        let line = match e {
            Event::BrokerStopped { broker } => format!("broker {broker} stopped"),
            Event::BrokerStarted { broker } => format!("broker {broker} started"),
            Event::ReplicaFetchingPaused { broker } => {
                format!("broker {broker}: follower replicas stopped fetching")
            }
            Event::ReplicaFetchingResumed { broker } => {
                format!("broker {broker}: follower replicas fetch again")
            }
            Event::LeaderChanged {
                topic,
                partition,
                from,
                to,
                leader_epoch,
            } => format!(
                "{topic}-{partition}: leader {} -> {} (epoch {leader_epoch})",
                from.map_or("none".to_string(), |b| b.to_string()),
                to.map_or("none".to_string(), |b| b.to_string())
            ),
            Event::IsrShrunk {
                topic,
                partition,
                broker,
                isr,
            } => format!(
                "{topic}-{partition}: broker {broker} left the ISR (isr {})",
                list(isr)
            ),
            Event::IsrExpanded {
                topic,
                partition,
                broker,
                isr,
            } => format!(
                "{topic}-{partition}: broker {broker} rejoined the ISR (isr {})",
                list(isr)
            ),
            Event::ReplicaTruncated {
                topic,
                partition,
                broker,
                from,
                to,
            } => format!("{topic}-{partition}: broker {broker} truncated its log from {from} to {to}"),
            Event::TopicCreated {
                topic,
                partitions,
                replication_factor,
                internal: false,
                ..
            } => format!(
                "{topic}: created by the broker (auto.create.topics.enable): {partitions} partition(s) (num.partitions), replication factor {replication_factor}"
            ),
            Event::MetadataWarning {
                client,
                topic,
                error,
            } => format!(
                "{}: WARN Error while fetching metadata: {{{topic}={error}}}",
                client.as_deref().unwrap_or("console-producer")
            ),
            Event::UncleanLeaderElected {
                topic,
                partition,
                leader,
                log_end_offset_before,
                high_watermark_before,
                log_end_offset,
            } => {
                let lost = if log_end_offset < log_end_offset_before {
                    format!(
                        "offsets {log_end_offset}..{} are lost and the next records take them again",
                        log_end_offset_before.0 - 1
                    )
                } else {
                    "no record was lost".to_string()
                };
                format!(
                    "{topic}-{partition}: unclean leader election: broker {leader} leads from outside the ISR; {lost} (high watermark {high_watermark_before} -> {log_end_offset})"
                )
            }
            Event::SegmentDeleted {
                topic,
                partition,
                base_offset,
                end_offset,
                records,
                ..
            } => {
                // `end_offset` is one past the segment's last offset: print the inclusive range,
                // as every other range of offsets is printed.
                let last = end_offset.0.saturating_sub(1).max(base_offset.0);
                let offsets = if last == base_offset.0 {
                    format!("offset {base_offset}")
                } else {
                    format!("offsets {base_offset}..{last}")
                };
                format!(
                    "{topic}-{partition}: retention deleted {offsets} ({records} {})",
                    if *records == 1 { "record" } else { "records" }
                )
            }
            Event::LogCompacted {
                topic,
                partition,
                records_removed,
                tombstones_removed,
                ..
            } => format!(
                "{topic}-{partition}: compaction removed {records_removed} records and {tombstones_removed} tombstones"
            ),
            Event::OffsetExpired {
                group,
                topic,
                partition,
                offset,
            } => format!("group {group}: committed offset {offset} of {topic}-{partition} expired"),
            Event::TransactionMarkerWritten {
                topic,
                partition,
                offset,
                transactional_id,
                commit,
                ..
            } => format!(
                "{topic}-{partition}@{offset}: {} marker of transaction {transactional_id} (a control record: it takes the offset, no consumer returns it)",
                if *commit { "COMMIT" } else { "ABORT" }
            ),
            Event::TransactionTimedOut {
                transactional_id,
                epoch,
                ..
            } => format!(
                "transaction {transactional_id} was open longer than transaction.timeout.ms: the coordinator aborted it and bumped the epoch to {epoch} (its producer is fenced)"
            ),
            Event::ProduceFailed {
                topic,
                partition,
                offset,
                error,
            } => format!("{topic}-{partition}@{offset}: the write was lost ({error})"),
            Event::Producer {
                producer,
                event: sim::clients::ProducerEvent::RecordQueued { .. },
            } if sent.contains(producer.as_str()) => continue,
            Event::Producer {
                producer,
                event:
                    sim::clients::ProducerEvent::Retrying {
                        topic,
                        partition,
                        error,
                        attempt,
                        retry_at_ms,
                    },
            } if retry != RetryLine::Own => match retry {
                RetryLine::Summary { more } => format!(
                    "{producer}: {topic}-{partition}: the same error ({}) {more} more {}; retrying (attempt {attempt} at {retry_at_ms} ms)",
                    error.split(':').next().unwrap_or(error),
                    if more == 1 { "time" } else { "times" }
                ),
                _ => continue,
            },
            Event::Producer { producer, event } => match producer_line(event) {
                Some(line) => format!("{producer}: {line}"),
                None => continue,
            },
            Event::Consumer { consumer, event } => match consumer_line(event) {
                Some(line) => format!("{consumer}: {line}"),
                None => continue,
            },
            Event::ConsumerFailed {
                consumer,
                operation,
                message,
                ..
            } => format!("{consumer}: {operation} threw {message}"),
            Event::RecordsProcessed {
                consumer, records, ..
            } => {
                let list: Vec<String> = records
                    .iter()
                    .map(|r| {
                        if r.times > 1 {
                            format!("{}-{}@{} (processed {} times)", r.topic, r.partition, r.offset, r.times)
                        } else {
                            format!("{}-{}@{}", r.topic, r.partition, r.offset)
                        }
                    })
                    .collect();
                format!("{consumer}: processed {}", list.join(", "))
            }
            Event::ConsumerRestarted { consumer, .. } => format!(
                "{consumer}: restarted (a new instance with the same configs: its positions will come from the committed offsets)"
            ),
            Event::AppStarted { client, app } => format!("{client}: {}", app_line(app)),
            Event::AppStopped { client, reason } => {
                format!("{client}: application stopped ({reason}); manual control")
            }
            Event::ProcessingAbandoned { consumer, records } => {
                format!("{consumer}: {records} records were being processed and never finished")
            }
            Event::DatabaseCreated { database } => format!(
                "database {database} created (the simulator's, outside Kafka): tables results and offsets, empty"
            ),
            Event::ExternalWrite {
                consumer,
                database,
                with_offsets,
                records,
                ..
            } => {
                let list: Vec<String> = records
                    .iter()
                    .map(|r| format!("{}-{}@{}", r.topic, r.partition, r.offset))
                    .collect();
                if *with_offsets {
                    format!(
                        "{consumer}: wrote {} to database {database}, each with its next offset in one transaction",
                        list.join(", ")
                    )
                } else {
                    format!(
                        "{consumer}: wrote {} to database {database} (results only; the offsets are Kafka's to commit)",
                        list.join(", ")
                    )
                }
            }
            Event::ExternalWriteSkipped {
                consumer,
                database,
                topic,
                partition,
                offset,
                stored,
            } => format!(
                "{consumer}: {topic}-{partition}@{offset} not written: database {database} already stores {topic}-{partition} up to offset {stored}"
            ),
            Event::OffsetsRestored {
                consumer,
                database,
                partitions,
            } => {
                let list: Vec<String> = partitions
                    .iter()
                    .map(|r| match r.offset {
                        Some(o) => format!("seek {}-{} to {o}", r.topic, r.partition),
                        None => format!(
                            "{}-{} has none stored (committed offset, else auto.offset.reset)",
                            r.topic, r.partition
                        ),
                    })
                    .collect();
                format!(
                    "{consumer}: onPartitionsAssigned reads database {database}: {}",
                    list.join("; ")
                )
            }
            Event::Group { event } => match group_line(event) {
                Some(line) => line,
                None => continue,
            },
            _ => continue,
        };
        out.push_str(&line);
        out.push('\n');
    }
    if internal_leaders + internal_isr > 0 {
        let _ = writeln!(
            out,
            "{OFFSETS_TOPIC}: {internal_leaders} leader changes, {internal_isr} ISR changes"
        );
    }
    if let Some(Event::ClockAdvanced { to_ms, .. }) = events
        .iter()
        .rev()
        .find(|e| matches!(e, Event::ClockAdvanced { .. }))
    {
        let _ = writeln!(out, "clock at {to_ms} ms");
    }
    out
}

/// What a running application does, in one phrase.
pub(super) fn app_line(app: &sim::clients::AppView) -> String {
    match app {
        sim::clients::AppView::Consumer {
            commit,
            process_ms,
            idle_ms,
            ..
        } => format!(
            "application running: poll, process ({process_ms} ms per record), commit {} (an empty poll waits {idle_ms} ms)",
            commit.name()
        ),
        sim::clients::AppView::Producer {
            topic,
            rate,
            keys,
            ..
        } => {
            let keys = if *keys == 0 {
                "no key".to_string()
            } else {
                format!("keys key-0 to key-{}", keys - 1)
            };
            format!("application running: {rate} records/s to {topic}, {keys}")
        }
    }
}

fn tps(list: &[sim::TopicPartition]) -> String {
    if list.is_empty() {
        return "nothing".to_string();
    }
    list.iter()
        .map(|tp| tp.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn producer_line(event: &sim::clients::ProducerEvent) -> Option<String> {
    use sim::clients::ProducerEvent as P;
    Some(match event {
        P::RecordQueued {
            topic,
            partition,
            batch_records,
            ..
        } => format!(
            "queued for {topic}-{partition} (batch of {batch_records}; sent after linger.ms, a full batch or flush)"
        ),
        P::Acknowledged {
            topic,
            partition,
            offset,
            ..
        } => format!("{topic}-{partition}@{offset}"),
        P::Retrying {
            topic,
            partition,
            error,
            attempt,
            ..
        } => format!("{topic}-{partition}: {error}; retrying (attempt {attempt})"),
        P::DuplicateRejected {
            topic,
            partition,
            offset,
            ..
        } => format!("{topic}-{partition}: the broker already has this record at offset {offset} (duplicate rejected)"),
        P::Failed {
            topic,
            partition,
            error,
        } => format!("{topic}-{partition}: send failed: {error}"),
        P::Closed => "closed".to_string(),
        P::Restarted { producer_id } => match producer_id {
            Some(id) => format!(
                "restarted: a new producer, producer id {id} (epoch 0), sequences from 0 again"
            ),
            None => "restarted: a new producer".to_string(),
        },
        P::Crashed { unsent, in_flight } => format!(
            "crashed: {unsent} unsent record(s) lost with its accumulator, {in_flight} already written to a leader will never be acknowledged"
        ),
        P::BatchSent { .. } => return None,
        P::TransactionsInitialized {
            transactional_id,
            producer_id,
            epoch,
            aborted_open,
        } => {
            let mut line = format!(
                "transactions initialized: transactional.id {transactional_id}, producer id {producer_id}, epoch {epoch}"
            );
            if *aborted_open {
                line.push_str(
                    "; the transaction an older instance left open was aborted (that instance is fenced)",
                );
            } else if *epoch > 0 {
                line.push_str(" (an older instance with this transactional.id is fenced)");
            }
            line
        }
        P::TransactionBegun => "transaction begun".to_string(),
        P::OffsetsSentToTransaction { group, offsets } => {
            let list: Vec<String> = offsets
                .iter()
                .map(|c| format!("{}-{}={}", c.topic, c.partition, c.offset))
                .collect();
            format!(
                "offsets {} of group {group} sent to the transaction: committed only if it commits",
                list.join(", ")
            )
        }
        P::TransactionCommitted { partitions, groups } => {
            format!("transaction committed{}", txn_scope(partitions, groups))
        }
        P::TransactionAborted { partitions, groups } => {
            format!("transaction aborted{}", txn_scope(partitions, groups))
        }
        P::TransactionFailed { reason } => format!(
            "commitTransaction failed: {reason}; the transaction can only be aborted (abortTransaction)"
        ),
        P::UnsentAborted { records } => format!(
            "{records} record(s) not sent yet were dropped with the transaction (TransactionAbortedException)"
        ),
    })
}

/// ": partitions in-0, out-0; offsets of group g" for a transaction's end.
fn txn_scope(partitions: &[sim::TopicPartition], groups: &[String]) -> String {
    let mut parts = Vec::new();
    if !partitions.is_empty() {
        parts.push(format!("partitions {}", tps(partitions)));
    }
    if !groups.is_empty() {
        parts.push(format!("offsets of group {}", groups.join(", ")));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(": {}", parts.join("; "))
    }
}

fn consumer_line(event: &sim::consumer::ConsumerEvent) -> Option<String> {
    use sim::consumer::{CommitKind, ConsumerEvent as C, ResetReason};
    Some(match event {
        C::PositionFromCommitted { partition, offset } => {
            format!("{partition} starts at the committed offset {offset}")
        }
        C::PositionReset {
            partition,
            offset,
            reason,
        } => format!(
            "{partition} position reset to {offset} ({})",
            match reason {
                ResetReason::NoCommittedOffset => "no committed offset: auto.offset.reset",
                ResetReason::OutOfRange => "out of range: auto.offset.reset",
                ResetReason::SeekToBeginning => "seekToBeginning",
                ResetReason::SeekToEnd => "seekToEnd",
            }
        ),
        C::TruncationDetected {
            partition,
            position,
            divergent: Some(d),
        } => format!(
            "{partition} truncation detected at offset {position}, resetting offset to the first offset known to diverge {d}"
        ),
        C::TruncationDetected {
            partition,
            position,
            divergent: None,
        } => format!(
            "{partition} truncation detected at offset {position}, the divergent offset is unknown: auto.offset.reset"
        ),
        C::Committed { kind, offsets } => {
            let list: Vec<String> = offsets.iter().map(|(tp, o)| format!("{tp}={o}")).collect();
            let how = match kind {
                CommitKind::Auto => " (auto-commit)",
                CommitKind::BeforeRebalance => " (auto-commit before the rebalance)",
                CommitKind::OnClose => " (auto-commit on close)",
                CommitKind::Sync | CommitKind::Async => "",
            };
            format!("committed {}{how}", list.join(", "))
        }
        C::CommitFailed { error, .. } => format!("commit failed: {error}"),
        C::PartitionsRevoked { partitions }
        | C::PartitionsAssigned { partitions }
        | C::PartitionsLost { partitions }
            if partitions.is_empty() =>
        {
            return None
        }
        C::PartitionsRevoked { partitions } => format!("revoked {}", tps(partitions)),
        C::PartitionsLost { partitions } => {
            format!("lost {} (without committing)", tps(partitions))
        }
        C::PartitionsAssigned { partitions } => format!("assigned {}", tps(partitions)),
        C::RejoinRequested { reason } => format!("will rejoin the group ({reason})"),
        C::PollTimeoutExpired { last_poll_ms } => format!(
            "no poll since {last_poll_ms} ms: max.poll.interval.ms passed, it leaves the group"
        ),
        C::Seek { partition, offset } => format!("{partition} will be read from {offset}"),
        C::Paused { partitions } => format!("paused {}", tps(partitions)),
        C::Resumed { partitions } => format!("resumed {}", tps(partitions)),
        C::Crashed => "crashed: its positions are lost, nothing was committed".to_string(),
        C::Closed => "closed".to_string(),
        C::RecordsFetched { .. } | C::Processed { .. } => return None,
    })
}

fn group_line(event: &sim::group::GroupEvent) -> Option<String> {
    use sim::group::GroupEvent as G;
    Some(match event {
        G::MemberJoined {
            group, member_id, ..
        } => format!("group {group}: {member_id} joined"),
        G::StaticMemberReplaced {
            group,
            group_instance_id,
            rebalance,
            ..
        } => format!(
            "group {group}: static member {group_instance_id} is back{}",
            if *rebalance {
                ""
            } else {
                ", same partitions, no rebalance"
            }
        ),
        G::RebalanceStarted { group, reason, .. } => {
            format!("group {group}: rebalance ({reason})")
        }
        G::GenerationStarted {
            group,
            generation,
            protocol,
            leader,
            ..
        } => format!(
            "group {group}: generation {generation}, assignor {}, leader {}",
            protocol.as_deref().unwrap_or("-"),
            leader.as_deref().unwrap_or("-")
        ),
        G::MemberRemoved {
            group,
            member_id,
            reason,
        } => format!(
            "group {group}: {member_id} removed ({})",
            match reason {
                sim::group::RemovalReason::LeaveGroup => "it left",
                sim::group::RemovalReason::SessionTimeout =>
                    "no heartbeat within session.timeout.ms",
                sim::group::RemovalReason::RebalanceTimeout => "it did not rejoin in time",
                sim::group::RemovalReason::SyncTimeout => "it did not sync in time",
                sim::group::RemovalReason::PendingMemberTimeout =>
                    "it never joined with its member id",
            }
        ),
        G::MemberIdAssigned { .. } | G::StateChanged { .. } | G::AssignmentChanged { .. } => {
            return None
        }
    })
}

/// `describe …`.
pub(super) fn describe(
    console: &Console,
    span: Span,
    target: &Target,
) -> Result<Output, ExecError> {
    let world = console.world();
    let text = match target {
        Target::Topic(name) => {
            let t = world
                .topic_checked(name)
                .map_err(|e| ExecError::sim(span, e))?;
            topic_text(world, t)
        }
        Target::Partition(tp) => {
            let p = i32::try_from(tp.partition).unwrap_or(i32::MAX);
            let partition = world
                .partition_checked(&tp.topic, p)
                .map_err(|e| ExecError::sim(span, e))?;
            partition_text(partition, true)
        }
        Target::Group(group) => admin::describe_group_offsets(world, group, false),
        Target::Broker(id) => {
            let id = sim::BrokerId(i32::try_from(*id).unwrap_or(i32::MAX));
            let b = world.broker(id).ok_or_else(|| {
                ExecError::new(
                    span,
                    ExecErrorKind::Kafka {
                        code: "BROKER_NOT_AVAILABLE".into(),
                        message: sim::SimError::BrokerNotAvailable {
                            broker: id,
                            reason: "does not exist".into(),
                        }
                        .to_string(),
                    },
                )
            })?;
            broker_text(world, b)
        }
        Target::Cluster => cluster_text(world),
        Target::ConsumerOffsets => offsets_text(world),
        Target::Database(name) => database_text(world, name).ok_or_else(|| {
            ExecError::new(
                span,
                ExecErrorKind::Tool {
                    message: format!(
                        "there is no database '{name}' (create one with: database {name})"
                    ),
                },
            )
        })?,
        Target::Producer(name) => producer_text(world, name).ok_or_else(|| {
            ExecError::new(span, ExecErrorKind::UnknownClient { name: name.clone() })
        })?,
        Target::Consumer(name) => consumer_text(world, name).ok_or_else(|| {
            ExecError::new(span, ExecErrorKind::UnknownClient { name: name.clone() })
        })?,
        Target::Named(name) => {
            if let Some(t) = world.topic(name) {
                topic_text(world, t)
            } else if let Some(text) = producer_text(world, name) {
                text
            } else if let Some(text) = consumer_text(world, name) {
                text
            } else if state::group_ids(world).contains(name) {
                admin::describe_group_offsets(world, name, false)
            } else if let Some(text) = database_text(world, name) {
                text
            } else {
                return Err(ExecError::new(
                    span,
                    ExecErrorKind::Tool {
                        message: format!(
                            "nothing is named '{name}': no topic, group, client or database"
                        ),
                    },
                ));
            }
        }
    };
    Ok(Output {
        text,
        events: Vec::new(),
    })
}

fn topic_text(world: &World, t: &sim::Topic) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "topic {} ({} partitions{})",
        t.name(),
        t.partition_count(),
        if t.is_internal() { ", internal" } else { "" }
    );
    let overrides = state::topic_overrides(world, t.config());
    if !overrides.is_empty() {
        let configs: Vec<String> = overrides.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let _ = writeln!(out, "  configs: {}", configs.join(","));
    }
    for p in t.partitions() {
        out.push_str("  ");
        out.push_str(&partition_text(p, false));
    }
    out
}

/// A partition's markers (log start, high watermark, log end), leader and ISR, and with
/// `records` every record still in the log.
fn partition_text(p: &sim::cluster::Partition, records: bool) -> String {
    // The last stable offset is shown when a transaction holds it below the HW.
    let lso = if p.last_stable_offset() < p.high_watermark() {
        format!(
            ", last stable offset {} (a transaction is open)",
            p.last_stable_offset()
        )
    } else {
        String::new()
    };
    let mut out = format!(
        "{}-{}: log start {}, high watermark {}{lso}, log end {}; leader {}, replicas {}, isr {}\n",
        p.topic(),
        p.index(),
        p.log_start_offset(),
        p.high_watermark(),
        p.log_end_offset(),
        p.leader().map_or("none".to_string(), |b| b.to_string()),
        list(&p.replica_ids()),
        list(p.isr()),
    );
    if records {
        let internal = p.topic() == OFFSETS_TOPIC;
        let log = p.log();
        for r in log.records() {
            if let sim::log::BatchKind::Marker { commit, .. } = r.kind {
                let _ = writeln!(
                    out,
                    "  offset {}  timestamp {}  {} marker (control record: no consumer returns it)",
                    r.offset,
                    r.timestamp_ms,
                    if commit { "COMMIT" } else { "ABORT" }
                );
                continue;
            }
            let (key, value) = if internal {
                sim::offsets::render_offsets_record(r.key, r.value)
            } else {
                (
                    r.key_utf8().map(|k| k.into_owned()),
                    r.value_utf8().map(|v| v.into_owned()),
                )
            };
            let _ = write!(
                out,
                "  offset {}  timestamp {}  key {}  value {}",
                r.offset,
                r.timestamp_ms,
                key.map_or("null".to_string(), |k| crate::quote(&k)),
                value.map_or("null".to_string(), |v| crate::quote(&v)),
            );
            for h in r.headers {
                let _ = write!(
                    out,
                    "  header {}={}",
                    crate::quote(&h.key),
                    h.value.as_deref().map_or("null".to_string(), crate::quote)
                );
            }
            if log.is_aborted(&r) {
                out.push_str("  (aborted transaction: read_committed consumers skip it)");
            } else if matches!(r.kind, sim::log::BatchKind::Transactional { .. })
                && !log.is_settled_data(&r)
            {
                out.push_str("  (open transaction)");
            }
            if r.offset >= p.high_watermark() {
                out.push_str("  (above the high watermark: not readable yet)");
            }
            out.push('\n');
        }
    }
    out
}

fn broker_text(world: &World, b: &sim::cluster::Broker) -> String {
    let mut out = format!(
        "broker {}: {}{}\n",
        b.id,
        if b.alive { "running" } else { "stopped" },
        if b.alive && !b.fetching {
            ", replication paused"
        } else {
            ""
        }
    );
    let mut leads = Vec::new();
    let mut follows = Vec::new();
    for t in world.topics().filter(|t| !t.is_internal()) {
        for p in t.partitions() {
            if p.leader() == Some(b.id) {
                leads.push(format!("{}-{}", t.name(), p.index()));
            } else if p.replica_ids().contains(&b.id) {
                follows.push(format!("{}-{}", t.name(), p.index()));
            }
        }
    }
    let _ = writeln!(out, "  leader of: {}", or_none(&leads));
    let _ = writeln!(out, "  follower of: {}", or_none(&follows));
    out
}

fn or_none(items: &[String]) -> String {
    if items.is_empty() {
        "-".to_string()
    } else {
        items.join(", ")
    }
}

fn cluster_text(world: &World) -> String {
    let mut out = format!(
        "cluster: seed {}, clock at {} ms\n",
        world.seed(),
        world.now_ms()
    );
    for b in world.brokers() {
        let _ = writeln!(
            out,
            "  broker {}: {}{}",
            b.id,
            if b.alive { "running" } else { "stopped" },
            if b.alive && !b.fetching {
                ", replication paused"
            } else {
                ""
            }
        );
    }
    let topics: Vec<String> = world
        .topics()
        .map(|t| format!("{} ({})", t.name(), t.partition_count()))
        .collect();
    let _ = writeln!(out, "  topics: {}", or_none(&topics));
    out
}

/// The notebook: each group's committed offsets, then the records of `__consumer_offsets`.
/// `describe database NAME`: its two tables.
pub(super) fn database_text(world: &World, name: &str) -> Option<String> {
    let db = world.database(name)?;
    let mut out = format!(
        "database {name} (the simulator's, outside Kafka)\nresults ({} rows):\n",
        db.results().len()
    );
    if db.results().is_empty() {
        out.push_str("  none\n");
    }
    for r in db.results() {
        let _ = writeln!(
            out,
            "  {}-{}@{} key={} value={} by {} of {} at {} ms{}",
            r.topic,
            r.partition,
            r.offset,
            r.key.as_deref().unwrap_or("null"),
            r.value.as_deref().unwrap_or("null"),
            r.consumer,
            r.app,
            r.written_at_ms,
            if r.with_offset {
                " with its offset"
            } else {
                ""
            }
        );
    }
    let offsets = db.offsets();
    out.push_str("offsets (the next offset to read):\n");
    if offsets.is_empty() {
        out.push_str("  none\n");
    }
    for o in offsets {
        let _ = writeln!(out, "  {} {}-{}: {}", o.app, o.topic, o.partition, o.offset);
    }
    let duplicates = db.duplicate_rows();
    if duplicates > 0 {
        let _ = writeln!(
            out,
            "{duplicates} duplicate rows (the same record written again)"
        );
    }
    if db.skipped_writes() > 0 {
        let _ = writeln!(
            out,
            "{} writes skipped (the record was already stored)",
            db.skipped_writes()
        );
    }
    Some(out)
}

fn offsets_text(world: &World) -> String {
    let mut out = String::from("committed offsets (the next offset to read):\n");
    let groups = state::group_ids(world);
    if groups.is_empty() {
        out.push_str("  none\n");
    }
    for group in &groups {
        if let Some(offsets) = world.offset_store().group_offsets(group) {
            for (tp, o) in offsets {
                let _ = writeln!(
                    out,
                    "  {group} {}-{}: {} (committed at {} ms)",
                    tp.topic, tp.partition, o.offset, o.commit_timestamp_ms
                );
            }
        }
    }
    if let Some(t) = world.topic(OFFSETS_TOPIC) {
        let _ = writeln!(out, "{OFFSETS_TOPIC} ({} partitions):", t.partition_count());
        let mut any = false;
        for p in t.partitions().iter().filter(|p| p.log_end_offset().0 > 0) {
            any = true;
            out.push_str(&partition_text(p, true));
        }
        if !any {
            out.push_str("  empty\n");
        }
    }
    out
}

fn producer_text(world: &World, name: &str) -> Option<String> {
    let p = world.producer(name)?;
    let st = p.settings();
    let app = world
        .app(name)
        .map(|a| format!("  {}\n", app_status(&a)))
        .unwrap_or_default();
    Some(format!(
        "producer {name}: acks={} linger.ms={} batch.size={} enable.idempotence={}{}; {} queued, {} in flight, {} acknowledged, {} failed\n",
        match st.acks {
            sim::Acks::None => "0",
            sim::Acks::Leader => "1",
            sim::Acks::All => "all",
        },
        st.linger_ms,
        st.batch_size,
        st.enable_idempotence,
        if p.is_crashed() {
            " (crashed)"
        } else if p.is_closed() {
            " (closed)"
        } else {
            ""
        },
        p.queued_records(),
        p.in_flight_records(),
        p.acknowledged_records(),
        p.failed_records(),
    ) + &app)
}

/// A consumer: its state and membership, then per partition the position (where the
/// checker stands) and the committed offset (the line in the notebook).
fn consumer_text(world: &World, name: &str) -> Option<String> {
    let v = world.consumer_view(name)?;
    let mut out = format!(
        "consumer {name}: {}, group {}, member {}, generation {}\n",
        match v.state {
            sim::clients::ClientState::Running => "running",
            sim::clients::ClientState::Crashed => "crashed",
            sim::clients::ClientState::Closed => "closed",
        },
        v.group.as_deref().unwrap_or("-"),
        if v.member_id.is_empty() {
            "-"
        } else {
            &v.member_id
        },
        v.generation,
    );
    if let Some(store) = world
        .consumer_settings(name)
        .and_then(|s| s.external_store.as_ref())
    {
        let _ = writeln!(
            out,
            "  {}={}: {}",
            store.property(),
            store.database(),
            match store {
                sim::clients::ExternalStore::Offsets(_) =>
                    "results and offsets in that database, nothing committed to Kafka",
                sim::clients::ExternalStore::Results(_) =>
                    "results in that database, offsets committed to Kafka",
            }
        );
    }
    for p in &v.partitions {
        let _ = writeln!(
            out,
            "  {}-{}: position {}, committed {}, high watermark {}, lag {}{}",
            p.topic,
            p.partition,
            p.position.map_or("-".to_string(), |o| o.to_string()),
            p.committed.map_or("-".to_string(), |o| o.to_string()),
            p.high_watermark,
            p.lag.map_or("-".to_string(), |o| o.to_string()),
            if p.paused { " (paused)" } else { "" }
        );
    }
    if !v.unprocessed.is_empty() {
        let list: Vec<String> = v
            .unprocessed
            .iter()
            .map(|r| format!("{}-{}@{}", r.topic, r.partition, r.offset))
            .collect();
        let _ = writeln!(out, "  polled, not processed: {}", list.join(", "));
    }
    if let Some(app) = world.app(name) {
        let _ = writeln!(out, "  {}", app_status(&app));
    }
    Some(out)
}

/// A running application's line in `describe consumer` / `describe producer`.
fn app_status(app: &sim::clients::AppView) -> String {
    let next = match app {
        sim::clients::AppView::Consumer {
            step, next_at_ms, ..
        } => format!("next: {step} at {next_at_ms} ms"),
        sim::clients::AppView::Producer {
            sent, next_at_ms, ..
        } => format!("{sent} sent; next at {next_at_ms} ms"),
    };
    format!("{}; {next}", app_line(app))
}

/// `state`: the cluster, every topic with its partitions, the notebook and the clients.
pub(super) fn state_text(console: &Console) -> String {
    let world = console.world();
    let mut out = cluster_text(world);
    for t in world.topics().filter(|t| !t.is_internal()) {
        out.push_str(&topic_text(world, t));
    }
    out.push_str(&offsets_text(world));
    for name in world.producer_names() {
        out.push_str(&producer_text(world, name).unwrap_or_default());
    }
    for name in world.consumer_names() {
        out.push_str(&consumer_text(world, name).unwrap_or_default());
    }
    for (name, _) in world.databases() {
        out.push_str(&database_text(world, name).unwrap_or_default());
    }
    out
}
