//! `kafka-console-consumer`: reads, prints with the formatter's properties, joins a group
//! and commits with `--group`.

use super::kafka_consumer_groups::group_state;
use super::{text, unknown_topic};
use crate::exec::{partition_i32, Console, ExecError, Output};
use crate::{ConsoleConsumer, ConsoleOffset, Span};
use sim::consumer::IsolationLevel;
use sim::{Event, OffsetCommit, OffsetSpec, TopicPartition};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A one-shot `kafka-console-consumer`: reads what is readable now from the group's
/// committed offsets (or `--from-beginning` / the latest offset), prints the values, commits
/// (with `--group`) and leaves. Kafka prints `Processed a total of N messages` at the end.
pub(in crate::exec) fn console_consumer(
    console: &mut Console,
    span: Span,
    command: &ConsoleConsumer,
) -> Result<Output, ExecError> {
    let world = &console.world;
    let t = world
        .topic(&command.topic)
        .ok_or_else(|| unknown_topic(span, &command.topic))?;
    let group = command
        .group
        .clone()
        .or_else(|| command.configs.get("group.id").map(str::to_string));
    let partitions: Vec<i32> = match command.partition {
        Some(p) => {
            let p = partition_i32(p);
            if t.partition(p).is_none() {
                return Err(ExecError::sim(
                    span,
                    sim::SimError::UnknownTopicOrPartition {
                        topic: command.topic.clone(),
                        partition: Some(p),
                    },
                ));
            }
            vec![p]
        }
        None => t.partitions().iter().map(|p| p.index()).collect(),
    };
    if let Some(g) = group.as_deref() {
        if group_state(world, g).is_some_and(|s| s != "Empty" && s != "Dead") {
            return console_consumer_member(console, span, command, g);
        }
    }
    let earliest =
        command.from_beginning || command.configs.get("auto.offset.reset") == Some("earliest");
    let mut remaining = command.max_messages.unwrap_or(u64::MAX);
    let mut out = String::new();
    let mut commits = Vec::new();
    let mut count = 0u64;
    let print_key = command.properties.get_bool("print.key").unwrap_or(false);
    let print_offset = command.properties.get_bool("print.offset").unwrap_or(false);
    let print_partition = command
        .properties
        .get_bool("print.partition")
        .unwrap_or(false);
    let print_timestamp = command
        .properties
        .get_bool("print.timestamp")
        .unwrap_or(false);
    let print_value = command.properties.get_bool("print.value").unwrap_or(true);
    let print_headers = command
        .properties
        .get_bool("print.headers")
        .unwrap_or(false);
    // The timestamp type is the topic's (`message.timestamp.type`), as the record batches
    // carry it.
    let timestamp_type = t.config().message_timestamp_type.name();
    let separator = command.properties.get("key.separator").unwrap_or("\t");
    let isolation = if command.configs.get("isolation.level") == Some("read_committed") {
        IsolationLevel::ReadCommitted
    } else {
        IsolationLevel::ReadUncommitted
    };
    for p in partitions {
        let tp = TopicPartition::new(command.topic.clone(), p);
        let committed = group
            .as_deref()
            .and_then(|g| world.committed_offset(g, &tp))
            .map(|o| o.offset);
        let start = match (command.offset, committed) {
            (Some(ConsoleOffset::Offset(o)), _) => {
                sim::Offset(i64::try_from(o).unwrap_or(i64::MAX))
            }
            (Some(ConsoleOffset::Earliest), _) => world
                .list_offset(&tp, OffsetSpec::Earliest)
                .map_err(|e| ExecError::sim(span, e))?,
            (Some(ConsoleOffset::Latest), _) => world
                .list_offset(&tp, OffsetSpec::Latest)
                .map_err(|e| ExecError::sim(span, e))?,
            // A committed offset outside the log (retention, an unclean election cut the
            // log back below it) is OFFSET_OUT_OF_RANGE: auto.offset.reset applies.
            (None, Some(c))
                if world.partition(&tp.topic, tp.partition).is_none_or(|part| {
                    c >= part.log_start_offset() && c <= part.log_end_offset()
                }) =>
            {
                c
            }
            (None, Some(c)) if command.configs.get("auto.offset.reset") == Some("none") => {
                return Err(ExecError::sim(
                    span,
                    sim::SimError::OffsetOutOfRange {
                        topic: tp.topic.clone(),
                        partition: tp.partition,
                        offset: c.0,
                        log_start_offset: world.list_offset(&tp, OffsetSpec::Earliest).unwrap_or(c),
                        log_end_offset: world
                            .partition(&tp.topic, tp.partition)
                            .map_or(c, |p| p.log_end_offset()),
                    },
                ))
            }
            // A read_committed consumer's latest is the last stable offset.
            (None, _) if !earliest && isolation == IsolationLevel::ReadCommitted => world
                .partition(&tp.topic, tp.partition)
                .map(|part| part.last_stable_offset())
                .ok_or_else(|| {
                    ExecError::sim(
                        span,
                        sim::SimError::UnknownTopicOrPartition {
                            topic: tp.topic.clone(),
                            partition: Some(tp.partition),
                        },
                    )
                })?,
            (None, _) => world
                .list_offset(
                    &tp,
                    if earliest {
                        OffsetSpec::Earliest
                    } else {
                        OffsetSpec::Latest
                    },
                )
                .map_err(|e| ExecError::sim(span, e))?,
        };
        let max = usize::try_from(remaining).unwrap_or(usize::MAX);
        let fetched = world
            .fetch_isolated(&tp, start, max, isolation)
            .map_err(|e| ExecError::sim(span, e))?;
        for r in &fetched.records {
            let mut fields = Vec::new();
            if print_timestamp {
                fields.push(format!("{timestamp_type}:{}", r.timestamp_ms));
            }
            if print_partition {
                fields.push(format!("Partition:{p}"));
            }
            if print_offset {
                fields.push(format!("Offset:{}", r.offset));
            }
            if print_headers {
                // DefaultMessageFormatter: `k:v` pairs joined by `,`, or NO_HEADERS.
                fields.push(if r.headers.is_empty() {
                    "NO_HEADERS".to_string()
                } else {
                    r.headers
                        .iter()
                        .map(|h| format!("{}:{}", h.key, h.value.as_deref().unwrap_or("null")))
                        .collect::<Vec<_>>()
                        .join(",")
                });
            }
            if print_key {
                fields.push(r.key.clone().unwrap_or_else(|| "null".into()));
            }
            if print_value {
                fields.push(r.value.clone().unwrap_or_else(|| "null".into()));
            }
            let _ = writeln!(out, "{}", fields.join(separator));
        }
        count += fetched.records.len() as u64;
        remaining = remaining.saturating_sub(fetched.records.len() as u64);
        if group.is_some() {
            commits.push(OffsetCommit {
                topic: command.topic.clone(),
                partition: p,
                offset: fetched.next_offset.0,
                metadata: String::new(),
                leader_epoch: None,
            });
        }
        if remaining == 0 {
            break;
        }
    }
    let _ = writeln!(out, "Processed a total of {count} messages");
    let events = match group {
        Some(g) if !commits.is_empty() => console.commit_and_wait(
            span,
            vec![sim::Command::CommitOffsets {
                group: g,
                offsets: commits,
            }],
        )?,
        _ => Vec::new(),
    };
    text(out, events)
}

/// How the console consumer prints one record (`DefaultMessageFormatter`).
struct Formatter<'a> {
    key: bool,
    offset: bool,
    partition: bool,
    timestamp: bool,
    value: bool,
    separator: &'a str,
}

impl<'a> Formatter<'a> {
    fn new(properties: &'a crate::ast::Configs) -> Self {
        Formatter {
            key: properties.get_bool("print.key").unwrap_or(false),
            offset: properties.get_bool("print.offset").unwrap_or(false),
            partition: properties.get_bool("print.partition").unwrap_or(false),
            timestamp: properties.get_bool("print.timestamp").unwrap_or(false),
            value: properties.get_bool("print.value").unwrap_or(true),
            separator: properties.get("key.separator").unwrap_or("\t"),
        }
    }

    fn line(&self, partition: i32, r: &sim::log::RecordView<'_>) -> String {
        let mut fields = Vec::new();
        if self.timestamp {
            fields.push(format!("CreateTime:{}", r.timestamp_ms));
        }
        if self.partition {
            fields.push(format!("Partition:{partition}"));
        }
        if self.offset {
            fields.push(format!("Offset:{}", r.offset));
        }
        if self.key {
            fields.push(
                r.key_utf8()
                    .map_or_else(|| "null".into(), |k| k.into_owned()),
            );
        }
        if self.value {
            fields.push(
                r.value_utf8()
                    .map_or_else(|| "null".into(), |v| v.into_owned()),
            );
        }
        fields.join(self.separator)
    }
}

/// How long (virtual ms) the one-shot console consumer waits, without `--timeout-ms`, for its
/// group to let it in: a rebalance lasts at most the members' `max.poll.interval.ms`
/// (300000) plus the initial rebalance delay.
const CONSOLE_JOIN_WAIT_MS: i64 = 310_000;

/// `kafka-console-consumer --group G` when G has members: the tool is one more consumer of
/// the group (client id `console-consumer`, a client named `console-consumer-N` in the
/// world). It subscribes, polls while the clock runs until the group's rebalance lets it in
/// (the other members rejoin at their next poll; one that does not poll within its
/// `max.poll.interval.ms` is removed), prints the records its partitions hold (up to
/// `--max-messages`; a poll still returns up to `max.poll.records`), and when a poll finds
/// nothing more it closes: the auto-commit of `close()` commits its positions (past every
/// record polled, printed or not, as the real tool's `close()` does) and it leaves the
/// group, which rebalances again.
fn console_consumer_member(
    console: &mut Console,
    span: Span,
    command: &ConsoleConsumer,
    group: &str,
) -> Result<Output, ExecError> {
    let mut w = console.world.clone();
    let sim_err = |e: sim::SimError| ExecError::sim(span, e);
    let name = (1..)
        .map(|n| format!("console-consumer-{n}"))
        .find(|n| w.consumer(n).is_none() && w.producer(n).is_none())
        .unwrap_or_else(|| "console-consumer".into());
    let mut config: BTreeMap<String, String> = command.configs.0.clone();
    config.insert("group.id".into(), group.to_string());
    config
        .entry("client.id".into())
        .or_insert_with(|| "console-consumer".into());
    if command.from_beginning {
        config.insert("auto.offset.reset".into(), "earliest".into());
    }
    let mut events = w
        .apply(sim::Command::CreateConsumer {
            name: name.clone(),
            config,
        })
        .map_err(sim_err)?;
    events.extend(
        w.apply(sim::Command::Subscribe {
            consumer: name.clone(),
            topics: vec![command.topic.clone()],
        })
        .map_err(sim_err)?,
    );
    let wait = command.timeout_ms.map_or(CONSOLE_JOIN_WAIT_MS, |t| {
        i64::try_from(t).unwrap_or(i64::MAX)
    });
    let deadline = w.now_ms().saturating_add(wait);
    let format = Formatter::new(&command.properties);
    let mut remaining = command.max_messages.unwrap_or(u64::MAX);
    let mut out = String::new();
    let mut count = 0u64;
    let mut timed_out = false;
    loop {
        let polled = w
            .apply(sim::Command::Poll {
                consumer: name.clone(),
                max_records: None,
            })
            .map_err(sim_err)?;
        let mut fetched = 0usize;
        for e in &polled {
            let Event::Consumer {
                consumer,
                event:
                    sim::consumer::ConsumerEvent::RecordsFetched {
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
            let Some(p) = w.partition(&partition.topic, partition.partition) else {
                continue;
            };
            let committed_only = w
                .consumer(&name)
                .is_some_and(|c| c.config().isolation_level == IsolationLevel::ReadCommitted);
            let log = p.log();
            // What the member's poll returned: markers never, aborted records not for
            // read_committed.
            for r in log
                .read(
                    sim::Offset(*from),
                    sim::Offset(to.saturating_add(1)),
                    usize::MAX,
                )
                .filter(|r| !(r.kind.is_marker() || (committed_only && log.is_aborted(r))))
            {
                fetched += 1;
                if remaining > 0 {
                    let _ = writeln!(out, "{}", format.line(partition.partition, &r));
                    remaining -= 1;
                    count += 1;
                }
            }
        }
        events.extend(polled);
        if fetched > 0 {
            // Printing is the tool's processing.
            events.extend(
                w.apply(sim::Command::Process {
                    consumer: name.clone(),
                    count: None,
                    per_record_ms: Some(0),
                })
                .map_err(sim_err)?,
            );
        }
        let joined = w
            .consumer(&name)
            .is_some_and(|c| c.generation() >= 0 && !c.wants_to_join());
        if remaining == 0 || (joined && fetched == 0) {
            break;
        }
        if w.now_ms() >= deadline {
            timed_out = true;
            break;
        }
        events.extend(
            w.apply(sim::Command::Advance { ms: 500 })
                .map_err(sim_err)?,
        );
    }
    if timed_out {
        // ConsoleConsumer's log line when `--timeout-ms` passes without a record.
        out.push_str("ERROR Error processing message, terminating consumer process:  (org.apache.kafka.tools.consumer.ConsoleConsumer)\norg.apache.kafka.common.errors.TimeoutException\n");
    }
    events.extend(
        w.apply(sim::Command::CloseConsumer {
            consumer: name.clone(),
        })
        .map_err(sim_err)?,
    );
    // `close()` commits synchronously: the tool returns once the commit is replicated (or
    // failed), as a Kafka tool's commit waits for its acknowledgement.
    for _ in 0..100 {
        let pending = w.offset_store().pending().any(|(_, c)| c.group == group);
        if !pending {
            break;
        }
        let step = w.config().replica_fetch_delay_ms.max(1);
        events.extend(
            w.apply(sim::Command::Advance { ms: step })
                .map_err(sim_err)?,
        );
    }
    let _ = writeln!(out, "Processed a total of {count} messages");
    console.world = w;
    text(out, events)
}
