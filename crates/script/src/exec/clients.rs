//! Client verbs that need more than one simulator command's narration: `send` (what
//! `RecordMetadata` would say), `poll` (the records returned), and the reads `position` and
//! `committed`, which ask the consumer as the Java client does and change nothing.

use std::fmt::Write as _;

use sim::{Event, TopicPartition};

use super::{partition_i32, render, Console, ExecError, ExecErrorKind, Output};
use crate::{SendRecord, Span, TopicSelection};

fn unknown_client(span: Span, name: &str) -> ExecError {
    ExecError::sim(
        span,
        sim::SimError::UnknownClient {
            name: name.to_string(),
        },
    )
}

/// `send p1 …`: the record joins a batch; it is written when the batch goes (`linger.ms`,
/// a full `batch.size`, or `flush`), and then `RecordMetadata` prints `orders-1@0`.
pub(super) fn send(
    console: &mut Console,
    span: Span,
    send: &SendRecord,
) -> Result<Output, ExecError> {
    let headers = send
        .headers
        .iter()
        .map(|(k, v)| sim::Header {
            key: k.clone(),
            value: Some(v.clone()),
        })
        .collect();
    console.client(
        span,
        sim::Command::Send {
            producer: send.producer.clone(),
            topic: send.topic.clone(),
            partition: send.partition.map(partition_i32),
            key: send.key.clone(),
            value: send.value.clone(),
            headers,
            timestamp_ms: send.timestamp,
        },
    )
}

/// `poll c1`: what the poll did (joins, assignments, resets, auto-commits), then one line
/// per record returned: `orders-0@3 key=alice value="2 tickets"`.
pub(super) fn poll(console: &mut Console, span: Span, consumer: &str) -> Result<Output, ExecError> {
    let events = console.apply(
        span,
        sim::Command::Poll {
            consumer: consumer.to_string(),
            max_records: None,
        },
    )?;
    let mut text = render::narrate(&events);
    let fetched = events.iter().any(|e| {
        matches!(e, Event::Consumer { consumer: c, event: sim::consumer::ConsumerEvent::RecordsFetched { .. } } if c == consumer)
    });
    let records = if fetched {
        console
            .world
            .consumer_view(consumer)
            .map(|v| v.last_batch)
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    // A poll that threw returned nothing: the exception is the whole answer.
    let threw = events.iter().any(|e| {
        matches!(e, Event::ConsumerFailed { consumer: c, operation, .. } if c == consumer && operation == "poll")
    });
    if records.is_empty() && !threw {
        let _ = writeln!(text, "{consumer}: no records");
    }
    for r in records {
        let _ = writeln!(
            text,
            "{}-{}@{} key={} value={}",
            r.topic,
            r.partition,
            r.offset,
            r.key.as_deref().map_or("null".to_string(), crate::quote),
            r.value.as_deref().map_or("null".to_string(), crate::quote),
        );
    }
    Ok(Output { text, events })
}

/// Topic selections as partitions: `orders:0,1` as given; `orders` as every partition of the
/// topic (`assign`) or, for a consumer's verbs, every partition of it the consumer is
/// assigned.
pub(super) fn expand(
    console: &Console,
    span: Span,
    assigned_to: Option<&str>,
    selections: &[TopicSelection],
) -> Result<Vec<TopicPartition>, ExecError> {
    let world = &console.world;
    let assigned = match assigned_to {
        Some(name) => Some(
            world
                .consumer(name)
                .ok_or_else(|| unknown_client(span, name))?
                .assignment(),
        ),
        None => None,
    };
    let mut out = Vec::new();
    for sel in selections {
        match (&sel.partitions, &assigned) {
            (Some(ps), _) => out.extend(
                ps.iter()
                    .map(|p| TopicPartition::new(sel.topic.clone(), partition_i32(*p))),
            ),
            (None, Some(assigned)) => {
                out.extend(assigned.iter().filter(|tp| tp.topic == sel.topic).cloned())
            }
            (None, None) => out.extend(
                world
                    .topic_partitions(&sel.topic)
                    .map_err(|e| ExecError::sim(span, e))?,
            ),
        }
    }
    Ok(out)
}

/// `position c1 orders:0` — `consumer.position(tp)`: the next offset a poll returns. Like the
/// Java client, a position not known yet is looked up (committed offset, else
/// `auto.offset.reset`) without moving anything; a partition not assigned is Java's
/// `IllegalStateException`.
pub(super) fn position(
    console: &Console,
    span: Span,
    consumer: &str,
    partition: &crate::TopicPartition,
) -> Result<Output, ExecError> {
    let world = &console.world;
    let c = world
        .consumer(consumer)
        .ok_or_else(|| unknown_client(span, consumer))?;
    let tp = TopicPartition::new(partition.topic.clone(), partition_i32(partition.partition));
    if !c.assignment().contains(&tp) {
        return Err(ExecError::new(
            span,
            ExecErrorKind::Kafka {
                code: "ILLEGAL_STATE".into(),
                message: "ILLEGAL_STATE: You can only check the position for partitions assigned to this consumer.".into(),
            },
        ));
    }
    let position = match c.known_position(&tp) {
        Some(p) => p,
        None => {
            let committed = c
                .config()
                .group_id
                .as_deref()
                .and_then(|g| world.committed_offset(g, &tp))
                .map(|o| o.offset.0);
            match (committed, c.config().auto_offset_reset) {
                (Some(o), _) => o,
                (None, sim::consumer::OffsetResetStrategy::Earliest) => world
                    .list_offset(&tp, sim::OffsetSpec::Earliest)
                    .map_err(|e| ExecError::sim(span, e))?
                    .0,
                (None, sim::consumer::OffsetResetStrategy::Latest) => world
                    .list_offset(&tp, sim::OffsetSpec::Latest)
                    .map_err(|e| ExecError::sim(span, e))?
                    .0,
                (None, sim::consumer::OffsetResetStrategy::None) => {
                    return Err(ExecError::new(
                        span,
                        ExecErrorKind::Kafka {
                            code: "NO_OFFSET_FOR_PARTITION".into(),
                            message: format!("NO_OFFSET_FOR_PARTITION: Undefined offset with no reset policy for partitions: [{tp}]"),
                        },
                    ))
                }
            }
        }
    };
    Ok(Output {
        text: format!("{position}\n"),
        events: Vec::new(),
    })
}

/// `committed c1 [orders:0 …]` — `consumer.committed(Set<TopicPartition>)`: one line per
/// partition, `orders-0=OffsetAndMetadata{offset=3, leaderEpoch=null, metadata=''}`, or
/// `orders-1=null` without a committed offset (Java's map entries).
pub(super) fn committed(
    console: &Console,
    span: Span,
    consumer: &str,
    selections: &[TopicSelection],
) -> Result<Output, ExecError> {
    let world = &console.world;
    let c = world
        .consumer(consumer)
        .ok_or_else(|| unknown_client(span, consumer))?;
    let partitions = if selections.is_empty() {
        c.assignment()
    } else {
        expand(console, span, Some(consumer), selections)?
    };
    let group = c.config().group_id.clone();
    let mut text = String::new();
    for tp in partitions {
        let entry = group
            .as_deref()
            .and_then(|g| world.committed_offset(g, &tp));
        match entry {
            Some(o) => {
                let _ = writeln!(
                    text,
                    "{tp}=OffsetAndMetadata{{offset={}, leaderEpoch={}, metadata='{}'}}",
                    o.offset,
                    o.leader_epoch.map_or("null".to_string(), |e| e.to_string()),
                    o.metadata
                );
            }
            None => {
                let _ = writeln!(text, "{tp}=null");
            }
        }
    }
    Ok(Output {
        text,
        events: Vec::new(),
    })
}
