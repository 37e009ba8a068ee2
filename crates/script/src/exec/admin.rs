//! Kafka's admin tools against the simulated cluster, printing what the real tools print.
//!
//! Layouts and messages follow the tools in apache/kafka:
//! - `kafka-topics`: `tools/.../TopicCommand.java` (`Created topic orders.`, the `--describe`
//!   header `Topic: … TopicId: … PartitionCount: … ReplicationFactor: … Configs: …` and the
//!   tab-led partition lines with Leader / Replicas / Isr / Elr / LastKnownElr);
//! - `kafka-consumer-groups`: `tools/.../consumer/group/ConsumerGroupCommand.java` and
//!   `GroupOffsetsResetter.java` (column widths, `-` for a missing value, the `Error: …`
//!   lines, `Consumer group 'g' has no active members.`);
//! - `kafka-get-offsets`: `GetOffsetShell` (`topic:partition:offset`);
//! - `kafka-configs`: `ConfigCommand` (`Completed updating config for topic orders.`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use sim::consumer::IsolationLevel;
use sim::{Event, OffsetCommit, OffsetSpec, TopicPartition, World};

use super::{partition_i32, state, Console, ExecError, ExecErrorKind, Output};
use crate::{
    ConfigsCommand, ConsoleConsumer, ConsoleOffset, ConsoleProducer, ConsumerGroupsCommand,
    GetOffsets, GroupSelection, GroupView, LeaderElection, OffsetTime, PartitionFilter, ResetMode,
    ResetScope, ResetSpec, Span, TopicSelection, TopicsCommand,
};

/// `-`, Kafka's `MISSING_COLUMN_VALUE`.
const MISSING: &str = "-";

fn tool_error(span: Span, message: impl Into<String>) -> ExecError {
    ExecError::new(
        span,
        ExecErrorKind::Tool {
            message: message.into(),
        },
    )
}

fn text(text: String, events: Vec<Event>) -> Result<Output, ExecError> {
    Ok(Output { text, events })
}

/// Left-justified in `width` characters, as Java's `%-Ns`.
fn pad(s: &str, width: usize) -> String {
    format!("{s:<width$}")
}

// ---- kafka-topics ---------------------------------------------------------------------------

pub(super) fn topics(
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
            if console.world.topic(topic).is_some() {
                if *if_not_exists {
                    return text(String::new(), Vec::new());
                }
                return Err(tool_error(
                    span,
                    format!(
                        "Error while executing topic command : Topic '{topic}' already exists."
                    ),
                ));
            }
            let config = topic_overrides(
                span,
                configs.0.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            )?;
            // Without --partitions the broker uses its num.partitions.
            let default_partitions = i64::from(console.world.config().num_partitions);
            let events = console
                .world
                .apply(sim::Command::CreateTopic {
                    name: topic.clone(),
                    partitions: partitions.map_or(default_partitions, i64::from),
                    replication_factor: replication_factor.map(i64::from),
                    config,
                })
                .map_err(|e| topic_command_error(span, e))?;
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
            if console.world.topic(topic).is_none() {
                if *if_exists {
                    return text(String::new(), Vec::new());
                }
                return Err(tool_error(
                    span,
                    format!("Error while executing topic command : Topic '{topic}' does not exist as expected"),
                ));
            }
            let current = console
                .world
                .topic(topic)
                .map_or(0, |t| t.partition_count());
            let events = console
                .world
                .apply(sim::Command::AddPartitions {
                    topic: topic.clone(),
                    total: i64::from(*partitions),
                })
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
            if console.world.topic(topic).is_none() {
                if *if_exists {
                    return text(String::new(), Vec::new());
                }
                return Err(tool_error(
                    span,
                    format!("Error while executing topic command : Topic '{topic}' does not exist as expected"),
                ));
            }
            // TopicCommand prints nothing on success; the controller also deletes the
            // groups' committed offsets for the topic and its subscribers rebalance.
            if console.world.topic(topic).is_some_and(|t| t.is_internal()) {
                return Err(tool_error(
                    span,
                    format!("Error while executing topic command : Topic {topic} is a kafka internal topic and is not allowed to be marked for deletion."),
                ));
            }
            let events = console.apply(
                span,
                sim::Command::DeleteTopic {
                    topic: topic.clone(),
                },
            )?;
            text(String::new(), events)
        }
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
fn topic_overrides<'a>(
    span: Span,
    configs: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<sim::TopicConfigOverrides, ExecError> {
    sim::TopicConfigOverrides::from_pairs(configs).map_err(|e| match e {
        sim::SimError::InvalidConfig { reason, .. } => tool_error(span, reason),
        other => ExecError::sim(span, other),
    })
}

// ---- kafka-configs --------------------------------------------------------------------------

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

pub(super) fn configs(
    console: &mut Console,
    span: Span,
    command: &ConfigsCommand,
) -> Result<Output, ExecError> {
    match command {
        ConfigsCommand::Describe { topic, all } => {
            let world = &console.world;
            let topics: Vec<&sim::Topic> = match topic {
                Some(name) => vec![world.topic(name).ok_or_else(|| unknown_topic(span, name))?],
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
            if console.world.topic(topic).is_none() {
                return Err(unknown_topic(span, topic));
            }
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

fn unknown_topic(span: Span, topic: &str) -> ExecError {
    ExecError::sim(
        span,
        sim::SimError::UnknownTopicOrPartition {
            topic: topic.to_string(),
            partition: None,
        },
    )
}

// ---- kafka-leader-election ------------------------------------------------------------------

pub(super) fn leader_election(
    console: &mut Console,
    span: Span,
    command: &LeaderElection,
) -> Result<Output, ExecError> {
    let unclean = command.election == crate::ElectionType::Unclean;
    let kind = if unclean { "UNCLEAN" } else { "PREFERRED" };
    if !unclean && command.partition.is_none() {
        let before = leaders(&console.world);
        let events = console.apply(span, sim::Command::ElectPreferredLeaders {})?;
        let after = leaders(&console.world);
        let moved: Vec<String> = after
            .iter()
            .filter(|(tp, leader)| before.get(*tp) != Some(leader))
            .map(|(tp, _)| tp.clone())
            .collect();
        // LeaderElectionCommand's summary lines.
        let out = if moved.is_empty() {
            "Valid replica already elected for partitions \n".to_string()
        } else {
            format!(
                "Successfully completed leader election (PREFERRED) for partitions {}\n",
                moved.join(", ")
            )
        };
        return text(out, events);
    }
    let partitions = command.partition.as_ref().map(|tp| {
        vec![sim::TopicPartition::new(
            tp.topic.clone(),
            partition_i32(tp.partition),
        )]
    });
    let all = partitions.is_none();
    let events = console.apply(
        span,
        sim::Command::ElectLeaders {
            unclean,
            partitions,
        },
    )?;
    let mut elected = Vec::new();
    let mut noop = Vec::new();
    let mut failed = Vec::new();
    for e in &events {
        match e {
            Event::LeaderChanged {
                topic,
                partition,
                to: Some(_),
                ..
            } => elected.push(format!("{topic}-{partition}")),
            Event::LeaderNotElected {
                topic,
                partition,
                error,
            } => {
                let tp = format!("{topic}-{partition}");
                match error.as_str() {
                    "ELECTION_NOT_NEEDED" => noop.push(tp),
                    // For every partition at once the controller answers only for those it
                    // elected.
                    _ if all => {}
                    code => failed.push((tp, election_exception(code))),
                }
            }
            _ => {}
        }
    }
    // LeaderElectionCommand: the elected, the ones that needed no election (a partition
    // list only), then each failure, and the command fails.
    let mut out = String::new();
    if !elected.is_empty() {
        out.push_str(&format!(
            "Successfully completed leader election ({kind}) for partitions {}\n",
            elected.join(", ")
        ));
    }
    if !noop.is_empty() && !all {
        out.push_str(&format!(
            "Valid replica already elected for partitions {}\n",
            noop.join(", ")
        ));
    }
    if elected.is_empty() && all {
        out.push_str("Valid replica already elected for partitions \n");
    }
    for (tp, exception) in &failed {
        out.push_str(&format!(
            "Error completing leader election ({kind}) for partition: {tp}: {exception}\n"
        ));
    }
    if !failed.is_empty() {
        out.push_str(&format!(
            "Error: {} replica(s) could not be elected\n",
            failed.len()
        ));
    }
    text(out, events)
}

/// The exception the admin client raises for an election error code, as `toString` prints it.
fn election_exception(code: &str) -> String {
    let (class, message) = match code {
        "ELIGIBLE_LEADERS_NOT_AVAILABLE" => (
            "EligibleLeadersNotAvailableException",
            "Eligible topic partition leaders are not available.",
        ),
        "PREFERRED_LEADER_NOT_AVAILABLE" => (
            "PreferredLeaderNotAvailableException",
            "The preferred leader was not available.",
        ),
        "UNKNOWN_TOPIC_OR_PARTITION" => (
            "UnknownTopicOrPartitionException",
            "This server does not host this topic-partition.",
        ),
        other => return other.to_string(),
    };
    format!("org.apache.kafka.common.errors.{class}: {message}")
}

fn leaders(world: &World) -> BTreeMap<String, Option<sim::BrokerId>> {
    world
        .topics()
        .flat_map(|t| {
            t.partitions()
                .iter()
                .map(move |p| (format!("{}-{}", t.name(), p.index()), p.leader()))
        })
        .collect()
}

// ---- kafka-get-offsets ----------------------------------------------------------------------

pub(super) fn get_offsets(
    console: &mut Console,
    span: Span,
    command: &GetOffsets,
) -> Result<Output, ExecError> {
    // GetOffsetShell: the matching partitions, sorted by `topic-partition` as text (so
    // `t-10` comes before `t-2`); a partition without an offset for the spec (no record at
    // or after the timestamp, an empty log for max-timestamp) is left out.
    let world = &console.world;
    let mut partitions: Vec<(String, &sim::cluster::Partition)> = Vec::new();
    for t in world
        .topics()
        .filter(|t| command.topic.as_deref().is_none_or(|n| n == t.name()))
    {
        for p in t.partitions() {
            let wanted = command
                .partitions
                .as_ref()
                .is_none_or(|w| w.iter().any(|w| partition_i32(*w) == p.index()));
            if wanted {
                partitions.push((format!("{}-{}", t.name(), p.index()), p));
            }
        }
    }
    if partitions.is_empty() {
        return Err(tool_error(
            span,
            "Error occurred: Could not match any topic-partitions with the specified filters",
        ));
    }
    partitions.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = String::new();
    for (name, p) in partitions {
        if p.leader().is_none() {
            let error = sim::SimError::LeaderNotAvailable {
                topic: p.topic().to_string(),
                partition: p.index(),
            };
            let _ = writeln!(
                out,
                "Skip getting offsets for topic-partition {name} due to error: {error}"
            );
            continue;
        }
        let hw = p.high_watermark();
        let offset = match command.time {
            OffsetTime::Latest => Some(hw),
            OffsetTime::Earliest => Some(p.log_start_offset()),
            OffsetTime::Timestamp(ts) => p.log().offset_for_timestamp(ts).filter(|o| *o < hw),
            OffsetTime::MaxTimestamp => max_timestamp_offset(p),
        };
        if let Some(offset) = offset {
            let _ = writeln!(out, "{}:{}:{}", p.topic(), p.index(), offset);
        }
    }
    text(out, Vec::new())
}

/// `OffsetSpec.maxTimestamp()`: the offset of the readable record with the highest timestamp
/// (the first of equals); none for an empty log.
fn max_timestamp_offset(p: &sim::cluster::Partition) -> Option<sim::Offset> {
    let hw = p.high_watermark();
    let mut best: Option<(i64, sim::Offset)> = None;
    for r in p.log().records().filter(|r| r.offset < hw) {
        if best.is_none_or(|(ts, _)| r.timestamp_ms > ts) {
            best = Some((r.timestamp_ms, r.offset));
        }
    }
    best.map(|(_, o)| o)
}

// ---- console producer and consumer ----------------------------------------------------------

pub(super) fn console_producer(
    console: &mut Console,
    span: Span,
    command: &ConsoleProducer,
) -> Result<Output, ExecError> {
    let acks = command
        .configs
        .get("acks")
        .map(|v| super::parse_acks(span, v))
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

/// A one-shot `kafka-console-consumer`: reads what is readable now from the group's
/// committed offsets (or `--from-beginning` / the latest offset), prints the values, commits
/// (with `--group`) and leaves. Kafka prints `Processed a total of N messages` at the end.
pub(super) fn console_consumer(
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

// ---- kafka-consumer-groups ------------------------------------------------------------------

/// The state `kafka-consumer-groups` prints, `None` for a group the coordinator does not know.
fn group_state(world: &World, group: &str) -> Option<&'static str> {
    state::group_state_name(world, group)
}

/// The notice `ConsumerGroupCommand.shouldPrintMemberState` prints before a table.
fn state_notice(group: &str, state: &str) -> String {
    match state {
        "Empty" => format!("\nConsumer group '{group}' has no active members.\n"),
        "PreparingRebalance" | "CompletingRebalance" => {
            format!("\nWarning: Consumer group '{group}' is rebalancing.\n")
        }
        _ => String::new(),
    }
}

/// The simulated host of every client, as the tool prints a client address.
const HOST: &str = "/127.0.0.1";

fn selected_groups(world: &World, selection: &GroupSelection) -> Vec<String> {
    match selection {
        GroupSelection::Groups(groups) => {
            let set: BTreeSet<&String> = groups.iter().collect();
            set.into_iter().cloned().collect()
        }
        GroupSelection::AllGroups => state::group_ids(world),
    }
}

pub(super) fn consumer_groups(
    console: &mut Console,
    span: Span,
    command: &ConsumerGroupsCommand,
) -> Result<Output, ExecError> {
    match command {
        ConsumerGroupsCommand::List { states } => {
            let world = &console.world;
            let groups = state::group_ids(world);
            let Some(filter) = states else {
                let mut out = String::new();
                for g in &groups {
                    let _ = writeln!(out, "{g}");
                }
                return text(out, Vec::new());
            };
            let rows: Vec<(&String, &str)> = groups
                .iter()
                .map(|g| (g, group_state(world, g).unwrap_or("Dead")))
                .filter(|(_, s)| filter.is_empty() || filter.iter().any(|f| f == s))
                .collect();
            let width = rows
                .iter()
                .map(|(g, _)| g.len().max(15))
                .max()
                .unwrap_or(15)
                + 10;
            let mut out = format!("{} {}\n", pad("GROUP", width), pad("STATE", 20));
            for (g, s) in rows {
                let _ = writeln!(out, "{} {}", pad(g, width), pad(s, 20));
            }
            text(out, Vec::new())
        }
        ConsumerGroupsCommand::Describe {
            groups,
            view,
            verbose,
        } => {
            let world = &console.world;
            let mut out = String::new();
            for g in selected_groups(world, groups) {
                out.push_str(&match view {
                    GroupView::Offsets => describe_group_offsets(world, &g, *verbose),
                    GroupView::Members => describe_group_members(world, &g, *verbose),
                    GroupView::State => describe_group_state(world, &g, *verbose),
                });
            }
            text(out, Vec::new())
        }
        ConsumerGroupsCommand::ResetOffsets {
            groups,
            scope,
            spec,
            mode,
        } => reset_offsets(console, span, groups, scope, spec, *mode),
        ConsumerGroupsCommand::DeleteOffsets { group, topics } => {
            let world = &console.world;
            if group_state(world, group).is_none() {
                return Err(tool_error(span, "Error: The group id does not exist."));
            }
            let partitions = expand_topics(world, span, topics)?;
            // Kafka refuses to delete the offsets of a topic the group's members are
            // subscribed to (GROUP_SUBSCRIBED_TO_TOPIC).
            let subscribed: BTreeSet<String> = world
                .group(group)
                .map(|g| g.members())
                .unwrap_or_default()
                .iter()
                .flat_map(|m| m.assignment.iter().map(|tp| tp.topic.clone()))
                .collect();
            if partitions.iter().any(|tp| subscribed.contains(&tp.topic)) {
                let width = column_width(partitions.iter().map(|tp| tp.topic.len()), 15);
                let mut message = String::from(
                    "Error: Encountered some partition-level error, see the follow-up details.\n",
                );
                let _ = write!(
                    message,
                    "\n{} {} {}",
                    pad("TOPIC", width),
                    pad("PARTITION", 10),
                    pad("STATUS", 15)
                );
                for tp in &partitions {
                    let status = if subscribed.contains(&tp.topic) {
                        "Error: org.apache.kafka.common.errors.GroupSubscribedToTopicException: The consumer group is actively subscribed to the topic."
                    } else {
                        "Successful"
                    };
                    let _ = write!(
                        message,
                        "\n{} {} {}",
                        pad(&tp.topic, width),
                        pad(&tp.partition.to_string(), 10),
                        pad(status, 15)
                    );
                }
                return Err(tool_error(span, message));
            }
            let events = console.apply(
                span,
                sim::Command::DeleteOffsets {
                    group: group.clone(),
                    partitions: partitions.clone(),
                },
            )?;
            let width = column_width(partitions.iter().map(|tp| tp.topic.len()), 15);
            let mut out = format!("Request succeeded for deleting offsets from group {group}.\n");
            let _ = write!(
                out,
                "\n{} {} {}",
                pad("TOPIC", width),
                pad("PARTITION", 10),
                pad("STATUS", 15)
            );
            for tp in &partitions {
                let _ = write!(
                    out,
                    "\n{} {} {}",
                    pad(&tp.topic, width),
                    pad(&tp.partition.to_string(), 10),
                    pad("Successful", 15)
                );
            }
            out.push('\n');
            text(out, events)
        }
        ConsumerGroupsCommand::Delete { groups } => {
            let world = &console.world;
            let ids = selected_groups(world, groups);
            let failed: Vec<(&String, &str)> = ids
                .iter()
                .filter_map(|g| match group_state(world, g) {
                    None => Some((g, "org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.")),
                    Some("Empty") => None,
                    Some(_) => Some((g, "org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.")),
                })
                .collect();
            if !failed.is_empty() {
                let mut message = String::from("Error: Deletion of some consumer groups failed:");
                for (g, why) in failed {
                    let _ = write!(
                        message,
                        "\n* Group '{g}' could not be deleted due to: {why}"
                    );
                }
                return Err(tool_error(span, message));
            }
            let commands = ids
                .iter()
                .map(|g| sim::Command::DeleteOffsets {
                    group: g.clone(),
                    partitions: world
                        .offset_store()
                        .group_offsets(g)
                        .map(|o| o.keys().cloned().collect())
                        .unwrap_or_default(),
                })
                .collect();
            let events = console.apply_all(span, commands)?;
            let names: Vec<String> = ids.iter().map(|g| format!("'{g}'")).collect();
            text(
                format!(
                    "Deletion of requested consumer groups ({}) was successful.\n",
                    names.join(", ")
                ),
                events,
            )
        }
    }
}

/// `--describe --offsets` (`collectGroupsOffsets`): first the partitions assigned to each
/// member (members with more partitions first), then the partitions with a committed offset
/// that no member owns, with `-` for CONSUMER-ID, HOST and CLIENT-ID. LOG-END-OFFSET is what
/// `ListOffsets(latest)` returns, the high watermark; LAG = LOG-END-OFFSET − CURRENT-OFFSET.
pub(super) fn describe_group_offsets(world: &World, group: &str, verbose: bool) -> String {
    let Some(state) = group_state(world, group) else {
        return format!("\nError: Consumer group '{group}' does not exist.\n");
    };
    let mut out = state_notice(group, state);
    struct Row {
        topic: String,
        partition: String,
        epoch: String,
        current: String,
        end: String,
        lag: String,
        consumer: String,
        host: String,
        client: String,
    }
    let row = |tp: &TopicPartition, member: Option<(&str, &str)>| {
        let committed = world.committed_offset(group, tp);
        let end = world
            .partition(&tp.topic, tp.partition)
            .filter(|p| p.leader().is_some())
            .map(|p| p.high_watermark().0);
        let current = committed.map(|o| o.offset.0);
        Row {
            topic: tp.topic.clone(),
            partition: tp.partition.to_string(),
            epoch: committed
                .and_then(|o| o.leader_epoch)
                .map_or(MISSING.to_string(), |e| e.to_string()),
            current: current.map_or(MISSING.to_string(), |c| c.to_string()),
            end: end.map_or(MISSING.to_string(), |e| e.to_string()),
            lag: match (current, end) {
                (Some(c), Some(e)) => (e - c).to_string(),
                _ => MISSING.to_string(),
            },
            consumer: member.map_or(MISSING, |m| m.0).to_string(),
            host: member.map_or(MISSING, |_| HOST).to_string(),
            client: member.map_or(MISSING, |m| m.1).to_string(),
        }
    };
    let mut rows: Vec<Row> = Vec::new();
    let mut owned: BTreeSet<TopicPartition> = BTreeSet::new();
    if let Some(g) = world.group(group) {
        let mut members: Vec<_> = g
            .members()
            .into_iter()
            .filter(|m| !m.assignment.is_empty())
            .collect();
        members.sort_by_key(|m| std::cmp::Reverse(m.assignment.len()));
        for m in members {
            let mut assignment = m.assignment.clone();
            assignment.sort();
            for tp in &assignment {
                rows.push(row(tp, Some((&m.member_id, &m.client_id))));
                owned.insert(tp.clone());
            }
        }
    }
    if let Some(offsets) = world.offset_store().group_offsets(group) {
        for tp in offsets.keys().filter(|tp| !owned.contains(*tp)) {
            rows.push(row(tp, None));
        }
    }
    if rows.is_empty() {
        return out;
    }
    let gw = group.len().max(15);
    let tw = column_width(rows.iter().map(|r| r.topic.len()), 15);
    let cw = column_width(rows.iter().map(|r| r.consumer.len()), 15);
    let hw = column_width(rows.iter().map(|r| r.host.len()), 15);
    let line = |cells: [&str; 9], epoch: &str| {
        let mut s = format!(
            "\n{} {} {} ",
            pad(cells[0], gw),
            pad(cells[1], tw),
            pad(cells[2], 10)
        );
        if verbose {
            s.push_str(&pad(epoch, 15));
            s.push(' ');
        }
        let _ = write!(
            s,
            "{} {} {} {} {} {}",
            pad(cells[3], 15),
            pad(cells[4], 15),
            pad(cells[5], 15),
            pad(cells[6], cw),
            pad(cells[7], hw),
            cells[8]
        );
        s
    };
    out.push_str(&line(
        [
            "GROUP",
            "TOPIC",
            "PARTITION",
            "CURRENT-OFFSET",
            "LOG-END-OFFSET",
            "LAG",
            "CONSUMER-ID",
            "HOST",
            "CLIENT-ID",
        ],
        "LEADER-EPOCH",
    ));
    for r in &rows {
        out.push_str(&line(
            [
                group,
                &r.topic,
                &r.partition,
                &r.current,
                &r.end,
                &r.lag,
                &r.consumer,
                &r.host,
                &r.client,
            ],
            &r.epoch,
        ));
    }
    out.push('\n');
    out
}

/// `getAssignmentString`: `topic:0,1;other:2`, topics sorted; `-` when empty.
fn assignment_string(assignment: &[TopicPartition]) -> String {
    if assignment.is_empty() {
        return MISSING.to_string();
    }
    let mut by_topic: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
    for tp in assignment {
        by_topic.entry(&tp.topic).or_default().push(tp.partition);
    }
    by_topic
        .into_iter()
        .map(|(t, mut ps)| {
            ps.sort();
            let ps: Vec<String> = ps.iter().map(i32::to_string).collect();
            format!("{t}:{}", ps.join(","))
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// `--describe --members` (`printMembers`): GROUP CONSUMER-ID [GROUP-INSTANCE-ID] HOST
/// CLIENT-ID #PARTITIONS, and with `--verbose` the epochs and assignments (a classic group
/// has no epochs or target assignment: `-`).
fn describe_group_members(world: &World, group: &str, verbose: bool) -> String {
    let Some(state) = group_state(world, group) else {
        return format!("\nError: Consumer group '{group}' does not exist.\n");
    };
    let mut out = state_notice(group, state);
    let members = world.group(group).map(|g| g.members()).unwrap_or_default();
    let instance = |id: &Option<String>| id.clone().unwrap_or_default();
    let gw = column_width(members.iter().map(|_| group.len()), 15);
    let cw = column_width(members.iter().map(|m| m.member_id.len()), 15);
    let iw = column_width(
        members.iter().map(|m| instance(&m.group_instance_id).len()),
        17,
    );
    let hw = HOST.len().max(15);
    let clw = column_width(members.iter().map(|m| m.client_id.len()), 15);
    let aw = column_width(
        members
            .iter()
            .map(|m| assignment_string(&m.assignment).len()),
        20,
    );
    let with_instance = members.iter().any(|m| m.group_instance_id.is_some());
    let cells = |g: &str, c: &str, i: &str, h: &str, cl: &str, n: &str| {
        if with_instance {
            format!(
                "{} {} {} {} {} {} ",
                pad(g, gw),
                pad(c, cw),
                pad(i, iw),
                pad(h, hw),
                pad(cl, clw),
                pad(n, 15)
            )
        } else {
            format!(
                "{} {} {} {} {} ",
                pad(g, gw),
                pad(c, cw),
                pad(h, hw),
                pad(cl, clw),
                pad(n, 15)
            )
        }
    };
    out.push('\n');
    out.push_str(&cells(
        "GROUP",
        "CONSUMER-ID",
        "GROUP-INSTANCE-ID",
        "HOST",
        "CLIENT-ID",
        "#PARTITIONS",
    ));
    if verbose {
        let _ = write!(
            out,
            "{} {} {} {}",
            pad("CURRENT-EPOCH", 15),
            pad("CURRENT-ASSIGNMENT", aw),
            pad("TARGET-EPOCH", 15),
            pad("TARGET-ASSIGNMENT", 20)
        );
    }
    out.push('\n');
    for m in &members {
        out.push_str(&cells(
            group,
            &m.member_id,
            &instance(&m.group_instance_id),
            HOST,
            &m.client_id,
            &m.assignment.len().to_string(),
        ));
        if verbose {
            let _ = write!(
                out,
                "{} {} {} {}",
                pad(MISSING, 15),
                pad(&assignment_string(&m.assignment), aw),
                pad(MISSING, 15),
                pad(MISSING, 20)
            );
        }
        out.push('\n');
    }
    out
}

/// `--describe --state` (`printStates`): GROUP COORDINATOR (ID) ASSIGNMENT-STRATEGY STATE
/// #MEMBERS.
fn describe_group_state(world: &World, group: &str, verbose: bool) -> String {
    let Some(state) = group_state(world, group) else {
        return format!("\nError: Consumer group '{group}' does not exist.\n");
    };
    let mut out = state_notice(group, state);
    let g = world.group(group);
    let members = g.map_or(0, |g| g.members().len());
    let strategy = g
        .and_then(|g| g.protocol_name())
        .filter(|p| !p.is_empty())
        .unwrap_or(MISSING)
        .to_string();
    let coordinator = world
        .coordinator(group)
        .map_or("-:-1  (-1)".to_string(), |b| {
            format!("broker-{}:9092  ({})", b.0, b.0)
        });
    let cw = coordinator.len().max(25);
    let gw = group.len().max(15);
    if verbose {
        let generation = g.map_or(MISSING.to_string(), |g| g.generation_id().to_string());
        let _ = write!(
            out,
            "\n{} {} {} {} {} {} #MEMBERS",
            pad("GROUP", gw),
            pad("COORDINATOR (ID)", cw),
            pad("ASSIGNMENT-STRATEGY", 20),
            pad("STATE", 20),
            pad("GROUP-EPOCH", 15),
            pad("TARGET-ASSIGNMENT-EPOCH", 25)
        );
        let _ = write!(
            out,
            "\n{} {} {} {} {} {} {members}",
            pad(group, gw),
            pad(&coordinator, cw),
            pad(&strategy, 20),
            pad(state, 20),
            pad(&generation, 15),
            pad(MISSING, 25)
        );
    } else {
        let _ = write!(
            out,
            "\n{} {} {} {} #MEMBERS",
            pad("GROUP", gw),
            pad("COORDINATOR (ID)", cw),
            pad("ASSIGNMENT-STRATEGY", 20),
            pad("STATE", 20)
        );
        let _ = write!(
            out,
            "\n{} {} {} {} {members}",
            pad(group, gw),
            pad(&coordinator, cw),
            pad(&strategy, 20),
            pad(state, 20)
        );
    }
    out.push('\n');
    out
}

/// Every partition a `--topic t` / `--topic t:0,1` list names; unknown topics are
/// `UNKNOWN_TOPIC_OR_PARTITION`.
fn expand_topics(
    world: &World,
    span: Span,
    topics: &[TopicSelection],
) -> Result<Vec<TopicPartition>, ExecError> {
    let mut out = BTreeSet::new();
    for sel in topics {
        let t = world
            .topic(&sel.topic)
            .ok_or_else(|| unknown_topic(span, &sel.topic))?;
        match &sel.partitions {
            None => out.extend(
                t.partitions()
                    .iter()
                    .map(|p| TopicPartition::new(sel.topic.clone(), p.index())),
            ),
            Some(ps) => out.extend(
                ps.iter()
                    .map(|p| TopicPartition::new(sel.topic.clone(), partition_i32(*p))),
            ),
        }
    }
    Ok(out.into_iter().collect())
}

/// `--reset-offsets` (`ConsumerGroupCommand.resetOffsets` and `GroupOffsetsResetter`): only
/// for an inactive group; prints GROUP TOPIC PARTITION NEW-OFFSET; commits with `--execute`.
fn reset_offsets(
    console: &mut Console,
    span: Span,
    groups: &GroupSelection,
    scope: &ResetScope,
    spec: &ResetSpec,
    mode: ResetMode,
) -> Result<Output, ExecError> {
    let world = &console.world;
    let mut out = String::new();
    if mode == ResetMode::DryRunByDefault {
        out.push_str("WARN: No action will be performed as the --execute option is missing. In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.\n");
    }
    let mut plan: BTreeMap<String, BTreeMap<TopicPartition, i64>> = BTreeMap::new();
    for group in selected_groups(world, groups) {
        // A group with live members cannot be reset: "Assignments can only be reset if the
        // group '…' is inactive, but the current state is Stable." (Empty and unknown
        // groups can.)
        if let Some(state) = group_state(world, &group).filter(|s| *s != "Empty" && *s != "Dead") {
            return Err(tool_error(
                span,
                format!("Error: Assignments can only be reset if the group '{group}' is inactive, but the current state is {state}."),
            ));
        }
        let committed = world
            .offset_store()
            .group_offsets(&group)
            .cloned()
            .unwrap_or_default();
        let partitions: Vec<TopicPartition> = match scope {
            ResetScope::AllTopics => committed.keys().cloned().collect(),
            ResetScope::Topics(topics) => expand_topics(world, span, topics)?,
        };
        let mut planned = BTreeMap::new();
        for tp in partitions {
            let p = world.partition(&tp.topic, tp.partition).ok_or_else(|| {
                ExecError::sim(
                    span,
                    sim::SimError::UnknownTopicOrPartition {
                        topic: tp.topic.clone(),
                        partition: Some(tp.partition),
                    },
                )
            })?;
            let earliest = p.log_start_offset().0;
            let latest = p.high_watermark().0;
            let current = committed.get(&tp).map(|o| o.offset.0);
            let by_time = |ts: i64| -> Result<i64, ExecError> {
                world
                    .list_offset(&tp, OffsetSpec::Timestamp { timestamp_ms: ts })
                    .map(|o| o.0)
                    .map_err(|e| ExecError::sim(span, e))
            };
            let clamp = |target: i64, out: &mut String| {
                if target < earliest {
                    let _ = writeln!(out, "WARN: New offset ({target}) is lower than earliest offset for topic partition {tp}. Value will be set to {earliest}");
                    earliest
                } else if target > latest {
                    let _ = writeln!(out, "WARN: New offset ({target}) is higher than latest offset for topic partition {tp}. Value will be set to {latest}");
                    latest
                } else {
                    target
                }
            };
            let new = match spec {
                ResetSpec::ToEarliest => earliest,
                ResetSpec::ToLatest => latest,
                ResetSpec::ToCurrent => current.unwrap_or(latest),
                ResetSpec::ToOffset(o) => clamp(*o, &mut out),
                ResetSpec::ShiftBy(n) => {
                    let Some(c) = current else {
                        return Err(tool_error(
                            span,
                            format!("Error: Executing consumer group command failed due to Cannot shift offset for partition {tp} since there is no current committed offset"),
                        ));
                    };
                    clamp(c.saturating_add(*n), &mut out)
                }
                ResetSpec::ToDatetime(ts) => by_time(*ts)?,
                ResetSpec::ByDuration(ms) => by_time(
                    world
                        .now_ms()
                        .saturating_sub(i64::try_from(*ms).unwrap_or(i64::MAX)),
                )?,
            };
            planned.insert(tp, new);
        }
        plan.insert(group, planned);
    }
    // GroupOffsetsResetter.printOffsetsToReset.
    let gw = column_width(plan.keys().map(String::len), 15);
    let tw = column_width(
        plan.values()
            .flat_map(|m| m.keys().map(|tp| tp.topic.len())),
        15,
    );
    if !plan.is_empty() {
        let _ = write!(
            out,
            "\n{} {} {} NEW-OFFSET",
            pad("GROUP", gw),
            pad("TOPIC", tw),
            pad("PARTITION", 10)
        );
    }
    for (group, planned) in &plan {
        for (tp, offset) in planned {
            let _ = write!(
                out,
                "\n{} {} {} {offset}",
                pad(group, gw),
                pad(&tp.topic, tw),
                pad(&tp.partition.to_string(), 10)
            );
        }
    }
    out.push('\n');
    let events = if mode == ResetMode::Execute {
        let commands = plan
            .into_iter()
            .filter(|(_, planned)| !planned.is_empty())
            .map(|(group, planned)| sim::Command::CommitOffsets {
                group,
                offsets: planned
                    .into_iter()
                    .map(|(tp, offset)| OffsetCommit {
                        topic: tp.topic,
                        partition: tp.partition,
                        offset,
                        metadata: String::new(),
                        leader_epoch: None,
                    })
                    .collect(),
            })
            .collect();
        console.commit_and_wait(span, commands)?
    } else {
        Vec::new()
    };
    text(out, events)
}

/// The width of a table column: its widest cell, but never narrower than `min` (the width
/// Kafka's tools give that column's header).
fn column_width(cells: impl Iterator<Item = usize>, min: usize) -> usize {
    cells.max().unwrap_or(0).max(min)
}
