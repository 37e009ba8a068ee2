//! `kafka-console-producer`.

use super::text;
use crate::exec::{Console, ExecError, Output};
use crate::{ConsoleProducer, Span};
use sim::Event;
use std::fmt::Write as _;

pub(in crate::exec) fn console_producer(
    console: &mut Console,
    span: Span,
    command: &ConsoleProducer,
) -> Result<Output, ExecError> {
    let acks = command
        .configs
        .get("acks")
        .map(|v| crate::exec::parse_acks(span, v))
        .transpose()?;
    let commands = command
        .values
        .iter()
        .map(|value| sim::Command::Produce {
            topic: command.topic.clone(),
            partition: None,
            key: command.key.clone(),
            value: Some(value.clone()),
            headers: Vec::new(),
            timestamp_ms: None,
            acks,
        })
        .collect();
    let events = console.apply_all(span, commands)?;
    // The real tool prints a `>` prompt per input line and nothing else, but for the
    // warning its client logs when the broker creates the topic (auto.create.topics.enable).
    let mut out = String::new();
    for e in &events {
        if let Event::MetadataWarning { topic, error, .. } = e {
            let _ = writeln!(
                out,
                "WARN [Producer clientId=console-producer] Error while fetching metadata : {{{topic}={error}}} (org.apache.kafka.clients.NetworkClient)"
            );
        }
    }
    text(out, events)
}
