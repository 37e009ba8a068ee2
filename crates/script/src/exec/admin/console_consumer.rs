//! `kafka-console-consumer`: the core reads, joins a group and commits
//! ([`sim::Command::ConsoleConsume`]); this file translates the line into that command and
//! prints the records it hands over with the formatter's properties.

use super::text;
use crate::exec::{partition_i32, Console, ExecError, Output};
use crate::{ConsoleConsumer, ConsoleOffset, Span};
use sim::{ConsoleConsume, ConsoleStart, Event};
use std::fmt::Write as _;

/// A one-shot `kafka-console-consumer`: what is readable now from the group's committed
/// offsets (or `--from-beginning` / the latest offset), printed, committed with `--group`;
/// with a group that has members, it joins the group until a poll finds nothing more. Kafka
/// prints `Processed a total of N messages` at the end.
pub(in crate::exec) fn console_consumer(
    console: &mut Console,
    span: Span,
    command: &ConsoleConsumer,
) -> Result<Output, ExecError> {
    let events = console.apply(
        span,
        sim::Command::ConsoleConsume(ConsoleConsume {
            topic: command.topic.clone(),
            partition: command.partition.map(partition_i32),
            offset: command.offset.map(|o| match o {
                ConsoleOffset::Earliest => ConsoleStart::Earliest,
                ConsoleOffset::Latest => ConsoleStart::Latest,
                ConsoleOffset::Offset(o) => {
                    ConsoleStart::Offset(i64::try_from(o).unwrap_or(i64::MAX))
                }
            }),
            from_beginning: command.from_beginning,
            group: command.group.clone(),
            max_messages: command.max_messages,
            timeout_ms: command.timeout_ms,
            config: command.configs.0.clone(),
        }),
    )?;
    let format = Formatter::new(&command.properties);
    let mut out = String::new();
    for e in &events {
        match e {
            Event::ConsoleRecords {
                partition,
                timestamp_type,
                records,
                ..
            } => {
                for r in records {
                    let _ = writeln!(out, "{}", format.line(*partition, timestamp_type, r));
                }
            }
            Event::ConsoleConsumerFinished {
                count, timed_out, ..
            } => {
                if *timed_out {
                    // ConsoleConsumer's log line when `--timeout-ms` passes without a record.
                    out.push_str("ERROR Error processing message, terminating consumer process:  (org.apache.kafka.tools.consumer.ConsoleConsumer)\norg.apache.kafka.common.errors.TimeoutException\n");
                }
                let _ = writeln!(out, "Processed a total of {count} messages");
            }
            _ => {}
        }
    }
    text(out, events)
}

/// How the console consumer prints one record (`DefaultMessageFormatter`).
struct Formatter<'a> {
    key: bool,
    offset: bool,
    partition: bool,
    timestamp: bool,
    headers: bool,
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
            headers: properties.get_bool("print.headers").unwrap_or(false),
            value: properties.get_bool("print.value").unwrap_or(true),
            separator: properties.get("key.separator").unwrap_or("\t"),
        }
    }

    /// The fields in `DefaultMessageFormatter`'s order: timestamp (with the topic's
    /// timestamp type), partition, offset, headers, key, value.
    fn line(&self, partition: i32, timestamp_type: &str, r: &sim::log::Record) -> String {
        let mut fields = Vec::new();
        if self.timestamp {
            fields.push(format!("{timestamp_type}:{}", r.timestamp_ms));
        }
        if self.partition {
            fields.push(format!("Partition:{partition}"));
        }
        if self.offset {
            fields.push(format!("Offset:{}", r.offset));
        }
        if self.headers {
            // `k:v` pairs joined by `,`, or NO_HEADERS.
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
        if self.key {
            fields.push(r.key.clone().unwrap_or_else(|| "null".into()));
        }
        if self.value {
            fields.push(r.value.clone().unwrap_or_else(|| "null".into()));
        }
        fields.join(self.separator)
    }
}
