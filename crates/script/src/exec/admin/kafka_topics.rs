//! `kafka-topics`: create, list, describe, alter, delete.

use super::{text, tool_error};
use crate::exec::{state, Console, ExecError, ExecErrorKind, Output};
use crate::{PartitionFilter, Span, TopicsCommand};
use sim::World;
use std::fmt::Write as _;

pub(in crate::exec) fn topics(
    console: &mut Console,
    span: Span,
    command: &TopicsCommand,
) -> Result<Output, ExecError> {
    match command {
        TopicsCommand::Create {
            topic,
            partitions,
            replication_factor,
            configs,
            if_not_exists,
        } => {
            let config = topic_overrides(
                span,
                configs.0.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            )?;
            // Without --partitions the broker uses its num.partitions.
            let default_partitions = i64::from(console.world.config().num_partitions);
            let result = console.world.apply(sim::Command::CreateTopic {
                name: topic.clone(),
                partitions: partitions.map_or(default_partitions, i64::from),
                replication_factor: replication_factor.map(i64::from),
                config,
            });
            let events = match result {
                // TopicCommand: --if-not-exists swallows the broker's TopicExistsException.
                Err(sim::SimError::TopicAlreadyExists { .. }) if *if_not_exists => {
                    return text(String::new(), Vec::new())
                }
                other => other.map_err(|e| topic_command_error(span, e))?,
            };
            let mut out = String::new();
            // TopicCommand warns about names that could collide in metric names.
            if topic.contains('.') || topic.contains('_') {
                out.push_str("WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.\n");
            }
            let _ = writeln!(out, "Created topic {topic}.");
            text(out, events)
        }
        TopicsCommand::List {
            topic,
            exclude_internal,
        } => {
            let names: Vec<&str> = console
                .world
                .topics()
                .filter(|t| !(*exclude_internal && t.is_internal()))
                .filter(|t| topic.as_deref().is_none_or(|n| n == t.name()))
                .map(|t| t.name())
                .collect();
            text(format!("{}\n", names.join("\n")), Vec::new())
        }
        TopicsCommand::Describe {
            topic,
            if_exists,
            exclude_internal,
            filter,
        } => {
            let world = &console.world;
            let topics: Vec<&sim::Topic> = world
                .topics()
                .filter(|t| !(*exclude_internal && t.is_internal()))
                .filter(|t| topic.as_deref().is_none_or(|n| n == t.name()))
                .collect();
            if let (Some(name), true, false) = (topic, topics.is_empty(), *if_exists) {
                return Err(tool_error(
                    span,
                    format!("Error while executing topic command : Topic '{name}' does not exist as expected"),
                ));
            }
            let mut out = String::new();
            for t in topics {
                describe_topic(world, t, *filter, &mut out);
            }
            text(out, Vec::new())
        }
        TopicsCommand::Alter {
            topic,
            partitions,
            if_exists,
        } => {
            let current = console
                .world
                .topic(topic)
                .map_or(0, |t| t.partition_count());
            let result = console.world.apply(sim::Command::AddPartitions {
                topic: topic.clone(),
                total: i64::from(*partitions),
            });
            if let Some(out) = missing_topic(span, topic, *if_exists, &result) {
                return out;
            }
            let events = result
                .map_err(|e| match e {
                    // The controller's words for a count that does not grow.
                    sim::SimError::InvalidPartitions { .. } if i64::from(*partitions) <= i64::from(current) => {
                        ExecError::new(
                            span,
                            ExecErrorKind::Kafka {
                                code: e.kafka_code().to_string(),
                                // ReplicationControlManager (ReplicationControlManagerTest).
                                message: if i64::from(*partitions) == i64::from(current) {
                                    format!("Error while executing topic command : Topic already has {current} partition(s).")
                                } else {
                                    format!("Error while executing topic command : The topic {topic} currently has {current} partition(s); {partitions} would not be an increase.")
                                },
                            },
                        )
                    }
                    other => topic_command_error(span, other),
                })?;
            text(String::new(), events)
        }
        TopicsCommand::Delete { topic, if_exists } => {
            // TopicCommand prints nothing on success; the controller also deletes the
            // groups' committed offsets for the topic and its subscribers rebalance.
            let result = console.world.apply(sim::Command::DeleteTopic {
                topic: topic.clone(),
            });
            if let Some(out) = missing_topic(span, topic, *if_exists, &result) {
                return out;
            }
            let events = result.map_err(|e| match e {
                // An internal topic: the tool's own words.
                sim::SimError::InvalidRequest { reason } => tool_error(
                    span,
                    format!("Error while executing topic command : {reason}"),
                ),
                other => ExecError::sim(span, other),
            })?;
            text(String::new(), events)
        }
    }
}

/// The answer of `--alter` and `--delete` when the controller does not know the topic:
/// nothing with `--if-exists`, else TopicCommand's "does not exist as expected".
fn missing_topic(
    span: Span,
    topic: &str,
    if_exists: bool,
    result: &Result<Vec<sim::Event>, sim::SimError>,
) -> Option<Result<Output, ExecError>> {
    match result {
        Err(sim::SimError::UnknownTopicOrPartition {
            partition: None, ..
        }) if if_exists => Some(text(String::new(), Vec::new())),
        Err(sim::SimError::UnknownTopicOrPartition {
            partition: None, ..
        }) => Some(Err(tool_error(
            span,
            format!(
                "Error while executing topic command : Topic '{topic}' does not exist as expected"
            ),
        ))),
        _ => None,
    }
}

/// A refusal as `TopicCommand` prints it (`Error while executing topic command : …`, with
/// the broker's message where Kafka has its own), keeping Kafka's error code.
fn topic_command_error(span: Span, error: sim::SimError) -> ExecError {
    let detail = match &error {
        sim::SimError::TopicAlreadyExists { topic } => format!("Topic '{topic}' already exists."),
        // KRaft's replica placer (StripedReplicaPlacer) and ReplicationControlManager.
        sim::SimError::InvalidReplicationFactor {
            requested,
            live_brokers,
        } => format!(
            "Unable to replicate the partition {requested} time(s): The target replication factor of {requested} cannot be reached because only {live_brokers} broker(s) are registered."
        ),
        other => other.to_string(),
    };
    ExecError::new(
        span,
        ExecErrorKind::Kafka {
            code: error.kafka_code().to_string(),
            message: format!("Error while executing topic command : {detail}"),
        },
    )
}

/// `kafka-topics --describe` for one topic: the header line (unless a partition filter is
/// given) and the partition lines that pass the filter (`TopicCommand.DescribeOptions`).
fn describe_topic(
    world: &World,
    t: &sim::Topic,
    filter: Option<PartitionFilter>,
    out: &mut String,
) {
    let rf = t.partitions().first().map_or(0, |p| p.replicas().len());
    if filter.is_none() {
        let configs: Vec<String> = state::topic_overrides(world, t.config())
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let _ = writeln!(
            out,
            "Topic: {}\tTopicId: {}\tPartitionCount: {}\tReplicationFactor: {}\tConfigs: {}",
            t.name(),
            state::topic_id(world.seed(), t.name()),
            t.partition_count(),
            rf,
            configs.join(",")
        );
    }
    let min_isr = t.config().min_insync_replicas.max(0) as usize;
    for p in t.partitions() {
        let isr = p.isr().len();
        let leader_alive = p
            .leader()
            .and_then(|b| world.broker(b))
            .is_some_and(|b| b.alive);
        let show = match filter {
            None => true,
            Some(PartitionFilter::UnderReplicated) => p.replicas().len() > isr,
            Some(PartitionFilter::UnderMinIsr) => p.leader().is_none() || isr < min_isr,
            Some(PartitionFilter::AtMinIsr) => isr == min_isr,
            Some(PartitionFilter::Unavailable) => !leader_alive,
        };
        if !show {
            continue;
        }
        let ids = |v: &[sim::BrokerId]| {
            v.iter()
                .map(|b| b.0.to_string())
                .collect::<Vec<_>>()
                .join(",")
        };
        let _ = writeln!(
            out,
            "\tTopic: {}\tPartition: {}\tLeader: {}\tReplicas: {}\tIsr: {}\tElr: \tLastKnownElr: ",
            t.name(),
            p.index(),
            p.leader().map_or("none".to_string(), |b| b.0.to_string()),
            ids(&p.replica_ids()),
            ids(p.isr()),
        );
    }
}

/// Topic configs by Kafka name → the simulator's overrides, checked by the core's catalogue.
pub(super) fn topic_overrides<'a>(
    span: Span,
    configs: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<sim::TopicConfigOverrides, ExecError> {
    sim::TopicConfigOverrides::from_pairs(configs).map_err(|e| match e {
        sim::SimError::InvalidConfig { reason, .. } => tool_error(span, reason),
        other => ExecError::sim(span, other),
    })
}
