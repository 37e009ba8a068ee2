//! `kafka-configs`: describe and alter a topic's configs.

use super::kafka_topics::topic_overrides;
use super::text;
use crate::exec::{state, Console, ExecError, Output};
use crate::{ConfigsCommand, Span};
use std::fmt::Write as _;

/// The broker config each topic config falls back to (`DEFAULT_CONFIG` synonyms).
fn broker_synonym(name: &str) -> String {
    match name {
        "cleanup.policy" => "log.cleanup.policy",
        "retention.ms" => "log.retention.ms",
        "retention.bytes" => "log.retention.bytes",
        "segment.bytes" => "log.segment.bytes",
        "segment.ms" => "log.roll.ms",
        "delete.retention.ms" => "log.cleaner.delete.retention.ms",
        "min.cleanable.dirty.ratio" => "log.cleaner.min.cleanable.ratio",
        "min.compaction.lag.ms" => "log.cleaner.min.compaction.lag.ms",
        "max.message.bytes" => "message.max.bytes",
        "max.compaction.lag.ms" => "log.cleaner.max.compaction.lag.ms",
        "message.timestamp.type" => "log.message.timestamp.type",
        other => other,
    }
    .to_string()
}

pub(in crate::exec) fn configs(
    console: &mut Console,
    span: Span,
    command: &ConfigsCommand,
) -> Result<Output, ExecError> {
    match command {
        ConfigsCommand::Describe { topic, all } => {
            let world = &console.world;
            let topics: Vec<&sim::Topic> = match topic {
                Some(name) => vec![world
                    .topic_checked(name)
                    .map_err(|e| ExecError::sim(span, e))?],
                None => world.topics().collect(),
            };
            let defaults = state::topic_config_entries(&world.config().topic_defaults);
            let mut out = String::new();
            for t in topics {
                let overrides = state::topic_overrides(world, t.config());
                let entries = if *all {
                    state::topic_config_entries(t.config())
                } else {
                    overrides.clone()
                };
                let _ = writeln!(
                    out,
                    "{} configs for topic {} are:",
                    if *all { "All" } else { "Dynamic" },
                    t.name()
                );
                for (name, value) in entries {
                    let default = format!(
                        "DEFAULT_CONFIG:{}={}",
                        broker_synonym(&name),
                        defaults.get(&name).map_or("", String::as_str)
                    );
                    let synonyms = if overrides.contains_key(&name) {
                        format!("DYNAMIC_TOPIC_CONFIG:{name}={value}, {default}")
                    } else {
                        default
                    };
                    let _ = writeln!(
                        out,
                        "  {name}={value} sensitive=false synonyms={{{synonyms}}}"
                    );
                }
            }
            text(out, Vec::new())
        }
        ConfigsCommand::Alter { topic, add, delete } => {
            // ConfigCommand describes the topic's configs before it alters them: an unknown
            // topic fails there, before the new values are looked at.
            console
                .world
                .topic_checked(topic)
                .map_err(|e| ExecError::sim(span, e))?;
            let defaults = state::topic_config_entries(&console.world.config().topic_defaults);
            let mut pairs: Vec<(&str, &str)> = Vec::new();
            for name in delete {
                if let Some(v) = defaults.get(name.as_str()) {
                    pairs.push((name.as_str(), v.as_str()));
                }
            }
            pairs.extend(add.0.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            let config = topic_overrides(span, pairs.into_iter())?;
            let events = console.apply(
                span,
                sim::Command::AlterTopicConfig {
                    topic: topic.clone(),
                    config,
                },
            )?;
            text(
                format!("Completed updating config for topic {topic}.\n"),
                events,
            )
        }
    }
}
