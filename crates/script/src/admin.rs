//! Kafka's command-line tools, in their own syntax: `kafka-topics`, `kafka-consumer-groups`,
//! `kafka-get-offsets`, `kafka-console-producer`, `kafka-console-consumer`.
//!
//! The checks follow the tools' option classes in the apache/kafka repository
//! (`TopicCommand.TopicCommandOptions`, `ConsumerGroupCommandOptions`, `GetOffsetShell`,
//! `ConsoleConsumerOptions`) in the same order, with the same messages, so a learner sees here
//! what the real tool would print. `--bootstrap-server` is accepted and ignored. Where the real
//! tool reads standard input (the console producer) or runs until stopped (the console
//! consumer) the console version is one-shot; see the reference page.

use crate::args::{flag, optional, repeated, valued, Args, FlagSpec};
use crate::ast::{
    Command, Configs, ConfigsCommand, ConsoleConsumer, ConsoleOffset, ConsoleProducer,
    ConsumerGroupsCommand, ElectionType, GetOffsets, GroupSelection, GroupView, LeaderElection,
    OffsetTime, PartitionFilter, ResetMode, ResetScope, ResetSpec, TopicPartition, TopicsCommand,
    TransactionsTool,
};
use crate::config;
use crate::error::{ErrorKind, ParseError};
use crate::lexer::Word;
use crate::suggest;
use crate::values;

const ONLY_FLAGS: &str = "Kafka's tools take only --flags here, e.g. --topic orders";

fn configs_from(args: &Args, name: &str, scope: config::Scope) -> Result<Configs, ParseError> {
    let mut configs = Configs::default();
    for word in args.values(name) {
        config::read(word, scope, &mut configs)?;
    }
    Ok(configs)
}

/// Exactly one of `actions` must be given; else the tool's `message` at the second action (or
/// at the whole line if there is none).
fn exactly_one_action<'a>(
    args: &Args,
    actions: &[&'a str],
    message: &str,
) -> Result<&'a str, ParseError> {
    let given: Vec<&'a str> = actions.iter().copied().filter(|a| args.has(a)).collect();
    match given.as_slice() {
        [one] => Ok(one),
        [] => Err(args.usage(args.statement_span, message)),
        [_, second, ..] => Err(args.usage(args.span_of(second), message)),
    }
}

// ---- kafka-topics -------------------------------------------------------------------------------

pub(crate) const TOPICS_FLAGS: &[FlagSpec] = &[
    valued("bootstrap-server", "host:port (ignored)"),
    flag("create"),
    flag("list"),
    flag("describe"),
    flag("alter"),
    flag("delete"),
    valued("topic", "a topic name"),
    valued("partitions", "a number of partitions"),
    valued("replication-factor", "a replication factor"),
    repeated(
        "config",
        "a topic config as key=value, e.g. retention.ms=60000",
    ),
    flag("if-exists"),
    flag("if-not-exists"),
    flag("exclude-internal"),
    flag("under-replicated-partitions"),
    flag("under-min-isr-partitions"),
    flag("at-min-isr-partitions"),
    flag("unavailable-partitions"),
];

const FILTERS: [(&str, PartitionFilter); 4] = [
    (
        "under-replicated-partitions",
        PartitionFilter::UnderReplicated,
    ),
    ("under-min-isr-partitions", PartitionFilter::UnderMinIsr),
    ("at-min-isr-partitions", PartitionFilter::AtMinIsr),
    ("unavailable-partitions", PartitionFilter::Unavailable),
];

/// `kafka-topics` (checks as in `TopicCommand.TopicCommandOptions.checkArgs`).
pub(crate) fn topics(args: &Args) -> Result<Command, ParseError> {
    args.no_positionals(ONLY_FLAGS)?;
    let action = exactly_one_action(
        args,
        &["create", "list", "alter", "describe", "delete"],
        "Command must include exactly one action: --list, --describe, --create, --alter or --delete",
    )?;
    if action == "describe" && args.has("if-exists") && !args.has("topic") {
        return Err(args.usage(
            args.span_of("if-exists"),
            "--topic or --topic-id is required to describe a topic",
        ));
    }
    if action != "list" && action != "describe" {
        args.require("topic")?;
    }
    if action == "alter" {
        args.require("partitions")?;
    }
    // checkInvalidArgs: each option only with the actions that use it.
    args.check_invalid("config", &["describe", "list", "delete"])?;
    args.check_invalid("alter", &["config"])?;
    args.check_invalid("partitions", &["describe", "list", "delete"])?;
    args.check_invalid(
        "replication-factor",
        &["alter", "describe", "list", "delete"],
    )?;
    for (name, _) in FILTERS {
        args.check_invalid(name, &["create", "list", "alter", "delete"])?;
    }
    args.check_invalid("if-exists", &["create", "list"])?;
    args.check_invalid("if-not-exists", &["alter", "describe", "list", "delete"])?;
    args.check_invalid("exclude-internal", &["create", "alter", "delete"])?;

    let topic = args.value("topic").map(values::topic_name).transpose()?;
    let partitions = args
        .value("partitions")
        .map(|w| values::bounded(w, "the number of partitions", 1, i32::MAX as u64))
        .transpose()?
        .map(|n| n as u32);
    let if_exists = args.has("if-exists");
    // The checks above guarantee the topic for every action but list and describe.
    let named = || {
        topic
            .clone()
            .ok_or_else(|| args.missing("Missing required argument \"[topic]\""))
    };
    let command = match action {
        "create" => TopicsCommand::Create {
            topic: named()?,
            partitions,
            replication_factor: args
                .value("replication-factor")
                .map(|w| values::bounded(w, "the replication factor", 1, i16::MAX as u64))
                .transpose()?
                .map(|n| n as u16),
            configs: configs_from(args, "config", config::TOPIC_SCOPE)?,
            if_not_exists: args.has("if-not-exists"),
        },
        "list" => TopicsCommand::List {
            topic,
            exclude_internal: args.has("exclude-internal"),
        },
        "describe" => {
            let given: Vec<_> = FILTERS.iter().filter(|(name, _)| args.has(name)).collect();
            if let [_, second, ..] = given.as_slice() {
                return Err(args.usage(
                    args.span_of(second.0),
                    "choose one report filter: --under-replicated-partitions, --under-min-isr-partitions, --at-min-isr-partitions or --unavailable-partitions",
                ));
            }
            TopicsCommand::Describe {
                topic,
                if_exists,
                exclude_internal: args.has("exclude-internal"),
                filter: given.first().map(|(_, filter)| *filter),
            }
        }
        "alter" => TopicsCommand::Alter {
            topic: named()?,
            partitions: partitions.unwrap_or(1),
            if_exists,
        },
        _ => TopicsCommand::Delete {
            topic: named()?,
            if_exists,
        },
    };
    Ok(Command::Topics(command))
}

// ---- kafka-consumer-groups ---------------------------------------------------------------------

pub(crate) const GROUPS_FLAGS: &[FlagSpec] = &[
    valued("bootstrap-server", "host:port (ignored)"),
    flag("list"),
    flag("describe"),
    flag("delete"),
    flag("reset-offsets"),
    flag("delete-offsets"),
    repeated("group", "a group id"),
    flag("all-groups"),
    repeated("topic", "a topic, or topic:0,1,2"),
    flag("all-topics"),
    flag("members"),
    flag("offsets"),
    optional("state"),
    flag("verbose"),
    flag("dry-run"),
    flag("execute"),
    flag("to-earliest"),
    flag("to-latest"),
    flag("to-current"),
    valued("to-offset", "an offset"),
    valued("shift-by", "a number of offsets (may be negative)"),
    valued("to-datetime", "a datetime YYYY-MM-DDTHH:mm:SS.sss"),
    valued("by-duration", "a duration PnDTnHnMnS"),
    valued("timeout", "a timeout in ms (ignored)"),
];

/// The reset scenarios, in the order Kafka checks them against each other.
const SCENARIOS: [&str; 7] = [
    "to-offset",
    "to-datetime",
    "by-duration",
    "to-earliest",
    "to-latest",
    "to-current",
    "shift-by",
];

/// Group states as Kafka names them (`GroupState`), for `--list --state`.
const GROUP_STATES: [&str; 7] = [
    "PreparingRebalance",
    "CompletingRebalance",
    "Stable",
    "Dead",
    "Empty",
    "Assigning",
    "Reconciling",
];

fn unavailable(args: &Args, name: &str) -> ParseError {
    // jopt-simple's UnavailableOptionException text.
    args.usage(
        args.span_of(name),
        format!("Option(s) [{name}] are unavailable given other options on the command line"),
    )
}

/// `kafka-consumer-groups` (checks as in `ConsumerGroupCommandOptions.checkArgs`).
pub(crate) fn consumer_groups(args: &Args) -> Result<Command, ParseError> {
    args.no_positionals(ONLY_FLAGS)?;
    let action = exactly_one_action(
        args,
        &["list", "describe", "delete", "reset-offsets", "delete-offsets"],
        "Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets",
    )?;
    for name in ["members", "offsets", "verbose"] {
        if args.has(name) && action != "describe" {
            return Err(unavailable(args, name));
        }
    }
    if args.has("state") && action != "describe" && action != "list" {
        return Err(unavailable(args, "state"));
    }
    let scope_opts = "[all-groups], [group]";
    let has_groups = args.has("group") || args.has("all-groups");
    match action {
        "describe" => {
            if !has_groups {
                return Err(args.usage(
                    args.span_of("describe"),
                    format!("Option [describe] takes one of these options: {scope_opts}"),
                ));
            }
            let views: Vec<&str> = ["members", "offsets", "state"]
                .into_iter()
                .filter(|v| args.has(v))
                .collect();
            if let [_, second, ..] = views.as_slice() {
                return Err(args.usage(
                    args.span_of(second),
                    "Option [describe] takes at most one of these options: [members], [offsets], [state]",
                ));
            }
            if let Some(value) = args.value("state") {
                return Err(args.usage(
                    value.span,
                    "Option [describe] does not take a value for [state]",
                ));
            }
        }
        "delete" => {
            if !has_groups {
                return Err(args.usage(
                    args.span_of("delete"),
                    format!("Option [delete] takes one of these options: {scope_opts}"),
                ));
            }
            if args.has("topic") {
                return Err(args.usage(
                    args.span_of("topic"),
                    "The consumer does not support topic-specific offset deletion from a consumer group.",
                ));
            }
        }
        "delete-offsets" if !args.has("group") || !args.has("topic") => {
            return Err(args.usage(
                args.span_of("delete-offsets"),
                "Option [delete-offsets] takes the following options: [group], [topic]",
            ));
        }
        "reset-offsets" => {
            if args.has("dry-run") && args.has("execute") {
                return Err(args.usage(
                    args.span_of("execute").max(args.span_of("dry-run")),
                    "Option [reset-offsets] only accepts one of [execute] and [dry-run]",
                ));
            }
            if !has_groups {
                return Err(args.usage(
                    args.span_of("reset-offsets"),
                    format!("Option [reset-offsets] takes one of these options: {scope_opts}"),
                ));
            }
            for scenario in SCENARIOS {
                let others: Vec<&str> = SCENARIOS.into_iter().filter(|s| *s != scenario).collect();
                args.check_invalid(scenario, &others)?;
            }
        }
        _ => {}
    }
    if action != "reset-offsets" {
        for name in SCENARIOS
            .iter()
            .chain(&["dry-run", "execute", "all-topics"])
        {
            if args.has(name) {
                return Err(args.usage(
                    args.span_of(name),
                    format!("Option [{name}] can only be used with [reset-offsets]"),
                ));
            }
        }
    }
    args.check_invalid("group", &["all-groups"])?;
    args.check_invalid("group", &["list"])?;
    args.check_invalid("topic", &["list", "describe"])?;
    args.check_invalid("all-groups", &["delete-offsets"])?;

    let groups = || -> Result<GroupSelection, ParseError> {
        if args.has("all-groups") {
            return Ok(GroupSelection::AllGroups);
        }
        let mut groups = Vec::new();
        for word in args.values("group") {
            let group = values::group_id(word)?;
            if !groups.contains(&group) {
                groups.push(group);
            }
        }
        Ok(GroupSelection::Groups(groups))
    };
    let topics = || {
        args.values("topic")
            .into_iter()
            .map(values::topic_selection)
            .collect::<Result<Vec<_>, _>>()
    };
    let command = match action {
        "list" => ConsumerGroupsCommand::List {
            states: if args.has("state") {
                Some(match args.value("state") {
                    Some(word) => group_states(word)?,
                    None => Vec::new(),
                })
            } else {
                None
            },
        },
        "describe" => ConsumerGroupsCommand::Describe {
            groups: groups()?,
            view: if args.has("members") {
                GroupView::Members
            } else if args.has("state") {
                GroupView::State
            } else {
                GroupView::Offsets
            },
            verbose: args.has("verbose"),
        },
        "delete" => ConsumerGroupsCommand::Delete { groups: groups()? },
        "delete-offsets" => {
            let groups = args.values("group");
            if let [_, second, ..] = groups.as_slice() {
                return Err(
                    args.usage(second.span, "--delete-offsets works on one group at a time")
                );
            }
            let Some(first) = groups.first() else {
                return Err(args.missing("Missing required argument \"[group]\""));
            };
            ConsumerGroupsCommand::DeleteOffsets {
                group: values::group_id(first)?,
                topics: topics()?,
            }
        }
        _ => {
            let scope = if args.has("all-topics") {
                args.check_invalid("all-topics", &["topic"])?;
                ResetScope::AllTopics
            } else if args.has("topic") {
                ResetScope::Topics(topics()?)
            } else {
                return Err(args.usage(
                    args.span_of("reset-offsets"),
                    "One of the reset scopes should be defined: --all-topics, --topic.",
                ));
            };
            ConsumerGroupsCommand::ResetOffsets {
                groups: groups()?,
                scope,
                spec: reset_spec(args)?,
                mode: if args.has("execute") {
                    ResetMode::Execute
                } else if args.has("dry-run") {
                    ResetMode::DryRun
                } else {
                    ResetMode::DryRunByDefault
                },
            }
        }
    };
    Ok(Command::ConsumerGroups(command))
}

fn reset_spec(args: &Args) -> Result<ResetSpec, ParseError> {
    if let Some(word) = args.value("to-offset") {
        return Ok(ResetSpec::ToOffset(values::signed(word, "an offset")?));
    }
    if let Some(word) = args.value("shift-by") {
        return Ok(ResetSpec::ShiftBy(values::signed(
            word,
            "a number of offsets",
        )?));
    }
    if let Some(word) = args.value("to-datetime") {
        return Ok(ResetSpec::ToDatetime(values::datetime(word)?));
    }
    if let Some(word) = args.value("by-duration") {
        return Ok(ResetSpec::ByDuration(values::iso_duration(word)?));
    }
    if args.has("to-earliest") {
        return Ok(ResetSpec::ToEarliest);
    }
    if args.has("to-latest") {
        return Ok(ResetSpec::ToLatest);
    }
    if args.has("to-current") {
        return Ok(ResetSpec::ToCurrent);
    }
    Err(args.usage(
        args.span_of("reset-offsets"),
        "Option '[reset-offsets]' requires one of the following scenarios: [[to-datetime], [by-duration], [to-earliest], [to-latest], [shift-by], [to-current], [to-offset]]",
    ))
}

fn group_states(word: &Word) -> Result<Vec<String>, ParseError> {
    let mut states = Vec::new();
    for part in word.text.split(',') {
        let part = part.trim();
        let Some(state) = GROUP_STATES.iter().find(|s| s.eq_ignore_ascii_case(part)) else {
            return Err(ParseError::new(
                word.span,
                ErrorKind::UnknownKeyword {
                    what: "group state".into(),
                    found: part.to_string(),
                    expected: GROUP_STATES.join(", "),
                    suggestion: suggest::closest(part, GROUP_STATES).map(str::to_string),
                },
            ));
        };
        let state = state.to_string();
        if !states.contains(&state) {
            states.push(state);
        }
    }
    Ok(states)
}

// ---- kafka-transactions --------------------------------------------------------------------------

pub(crate) const TRANSACTIONS_FLAGS: &[FlagSpec] = &[
    valued("bootstrap-server", "host:port (ignored)"),
    valued("transactional-id", "a transactional.id"),
    valued("topic", "a topic name"),
    valued("partition", "a partition number"),
];

/// `kafka-transactions list | describe … | describe-producers …` (`TransactionsCommand`).
pub(crate) fn transactions(args: &Args) -> Result<Command, ParseError> {
    const ACTIONS: [&str; 3] = ["list", "describe", "describe-producers"];
    let Some(word) = args.positionals.first() else {
        return Err(args.missing(
            "kafka-transactions needs an action: list, describe --transactional-id ID or describe-producers --topic T --partition P",
        ));
    };
    if let Some(extra) = args.positionals.get(1) {
        return Err(ParseError::new(
            extra.span,
            ErrorKind::UnexpectedArgument {
                found: extra.text.clone(),
                message: "kafka-transactions takes one action".into(),
            },
        ));
    }
    let tool = match word.text.as_str() {
        "list" => TransactionsTool::List,
        "describe" => TransactionsTool::Describe {
            transactional_id: args.require("transactional-id")?.text.clone(),
        },
        "describe-producers" => TransactionsTool::DescribeProducers {
            partition: TopicPartition {
                topic: values::topic_name(args.require("topic")?)?,
                partition: values::partition_id(args.require("partition")?)?,
            },
        },
        other => {
            return Err(ParseError::new(
                word.span,
                ErrorKind::UnknownKeyword {
                    what: "kafka-transactions action".into(),
                    found: other.to_string(),
                    expected: ACTIONS.join(", "),
                    suggestion: suggest::closest(other, ACTIONS).map(str::to_string),
                },
            ))
        }
    };
    for flag in ["transactional-id", "topic", "partition"] {
        let allowed = match &tool {
            TransactionsTool::List => false,
            TransactionsTool::Describe { .. } => flag == "transactional-id",
            TransactionsTool::DescribeProducers { .. } => flag != "transactional-id",
        };
        if !allowed && args.has(flag) {
            return Err(args.usage(
                args.span_of(flag),
                format!("--{flag} does not go with {}", word.text),
            ));
        }
    }
    Ok(Command::Transactions(tool))
}

// ---- kafka-get-offsets ---------------------------------------------------------------------------

pub(crate) const GET_OFFSETS_FLAGS: &[FlagSpec] = &[
    valued("bootstrap-server", "host:port (ignored)"),
    valued("topic", "a topic name"),
    valued("partitions", "partition numbers, e.g. 0,1"),
    valued(
        "time",
        "earliest, latest, max-timestamp or a timestamp in ms",
    ),
];

/// `kafka-get-offsets` (`GetOffsetShell`).
pub(crate) fn get_offsets(args: &Args) -> Result<Command, ParseError> {
    args.no_positionals(ONLY_FLAGS)?;
    let time = match args.value("time") {
        None => OffsetTime::Latest,
        Some(word) => offset_time(word)?,
    };
    Ok(Command::GetOffsets(GetOffsets {
        topic: args.value("topic").map(values::topic_name).transpose()?,
        partitions: args
            .value("partitions")
            .map(values::partition_list)
            .transpose()?,
        time,
    }))
}

fn offset_time(word: &Word) -> Result<OffsetTime, ParseError> {
    const NAMES: [&str; 3] = ["earliest", "latest", "max-timestamp"];
    match word.text.to_ascii_lowercase().as_str() {
        "latest" | "-1" => Ok(OffsetTime::Latest),
        "earliest" | "-2" => Ok(OffsetTime::Earliest),
        "max-timestamp" | "-3" => Ok(OffsetTime::MaxTimestamp),
        text if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) => {
            let ms = values::non_negative(word, "a timestamp in ms", "")?;
            i64::try_from(ms).map(OffsetTime::Timestamp).map_err(|_| {
                ParseError::new(
                    word.span,
                    ErrorKind::NumberOutOfRange {
                        found: word.text.clone(),
                        message: "the timestamp is too large".into(),
                    },
                )
            })
        }
        _ => Err(ParseError::new(
            word.span,
            ErrorKind::UnknownKeyword {
                what: "--time".into(),
                found: word.text.clone(),
                expected: "earliest (-2), latest (-1), max-timestamp (-3) or a timestamp in ms"
                    .into(),
                suggestion: suggest::closest(&word.text, NAMES).map(str::to_string),
            },
        )),
    }
}

// ---- console producer and consumer --------------------------------------------------------------

pub(crate) const PRODUCER_FLAGS: &[FlagSpec] = &[
    valued("bootstrap-server", "host:port (ignored)"),
    valued("topic", "a topic name"),
    valued("key", "the key of every record"),
    repeated("value", "a record value (one per line of input)"),
    repeated(
        "producer-property",
        "a producer config as key=value, e.g. acks=all",
    ),
];

/// `kafka-console-producer`, one shot: each `--value` is one line of input.
pub(crate) fn console_producer(args: &Args) -> Result<Command, ParseError> {
    args.no_positionals(ONLY_FLAGS)?;
    let topic = values::topic_name(args.require("topic")?)?;
    let values: Vec<String> = args
        .values("value")
        .iter()
        .map(|w| w.text.clone())
        .collect();
    if values.is_empty() {
        return Err(args.missing(
            "kafka-console-producer needs at least one --value (each is one line of input, one record)",
        ));
    }
    Ok(Command::ConsoleProducer(ConsoleProducer {
        topic,
        key: args.value("key").map(|w| w.text.clone()),
        values,
        configs: configs_from(args, "producer-property", config::PRODUCER_SCOPE)?,
    }))
}

pub(crate) const CONSUMER_FLAGS: &[FlagSpec] = &[
    valued("bootstrap-server", "host:port (ignored)"),
    valued("topic", "a topic name"),
    valued("group", "a group id"),
    flag("from-beginning"),
    valued("max-messages", "a number of messages"),
    valued("partition", "a partition number"),
    valued("offset", "earliest, latest or an offset"),
    valued("timeout-ms", "a timeout in ms"),
    repeated(
        "consumer-property",
        "a consumer config as key=value, e.g. group.id=g1",
    ),
    repeated("property", "a formatter property, e.g. print.key=true"),
];

/// `kafka-console-consumer`, one shot (checks as in `ConsoleConsumerOptions`).
pub(crate) fn console_consumer(args: &Args) -> Result<Command, ParseError> {
    args.no_positionals(ONLY_FLAGS)?;
    let topic = values::topic_name(args.require("topic")?)?;
    let partition = args
        .value("partition")
        .map(values::partition_id)
        .transpose()?;
    if partition.is_some() {
        if args.has("from-beginning") && args.has("offset") {
            return Err(args.usage(
                args.span_of("offset"),
                "Options from-beginning and offset cannot be specified together.",
            ));
        }
    } else if args.has("offset") {
        return Err(args.usage(
            args.span_of("offset"),
            "The partition is required when offset is specified.",
        ));
    }
    let mut configs = configs_from(args, "consumer-property", config::CONSUMER_SCOPE)?;
    let flag_group = args.value("group").map(values::group_id).transpose()?;
    let property_group = configs.0.remove("group.id");
    let group = match (flag_group, property_group) {
        (Some(a), Some(b)) if a != b => {
            return Err(args.usage(
                args.span_of("group"),
                format!(
                    "The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: '{a}', '{b}'"
                ),
            ))
        }
        (a, b) => a.or(b),
    };
    if group.is_some() && partition.is_some() {
        return Err(args.usage(
            args.span_of("partition"),
            "Options group and partition cannot be specified together.",
        ));
    }
    if let Some(reset) = configs.get("auto.offset.reset") {
        if args.has("from-beginning") && reset != "earliest" {
            return Err(args.usage(
                args.span_of("from-beginning"),
                format!(
                    "Can't simultaneously specify --from-beginning and 'auto.offset.reset={reset}', please remove one option"
                ),
            ));
        }
    }
    let offset = args
        .value("offset")
        .map(|word| match word.text.to_ascii_lowercase().as_str() {
            "earliest" => Ok(ConsoleOffset::Earliest),
            "latest" => Ok(ConsoleOffset::Latest),
            text if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) => {
                values::non_negative(word, "an offset", "").map(ConsoleOffset::Offset)
            }
            _ => Err(args.usage(
                word.span,
                format!(
                    "The provided offset value '{}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.",
                    word.text
                ),
            )),
        })
        .transpose()?;
    let max_messages = args
        .value("max-messages")
        .map(|w| values::bounded(w, "--max-messages", 1, i32::MAX as u64))
        .transpose()?;
    let timeout_ms = args
        .value("timeout-ms")
        .map(|w| values::non_negative(w, "a timeout in ms", "--timeout-ms can't be negative"))
        .transpose()?;
    Ok(Command::ConsoleConsumer(ConsoleConsumer {
        topic,
        group,
        from_beginning: args.has("from-beginning"),
        max_messages,
        partition,
        offset,
        timeout_ms,
        configs,
        properties: configs_from(args, "property", config::FORMATTER_SCOPE)?,
    }))
}

// ---- kafka-configs ---------------------------------------------------------------------------

pub(crate) const CONFIGS_FLAGS: &[FlagSpec] = &[
    valued("bootstrap-server", "host:port (ignored)"),
    flag("describe"),
    flag("alter"),
    valued("entity-type", "an entity type (topics)"),
    valued("entity-name", "a topic name"),
    valued("topic", "a topic name"),
    valued("add-config", "configs as k1=v1,k2=[a,b]"),
    valued("delete-config", "config names as k1,k2"),
    flag("all"),
];

/// The entity types `kafka-configs` knows (with `--bootstrap-server`).
const ENTITY_TYPES: [&str; 8] = [
    "topics",
    "clients",
    "users",
    "brokers",
    "broker-loggers",
    "ips",
    "client-metrics",
    "groups",
];

/// Splits `k1=v1,k2=[a,b]` at the commas outside brackets, and drops the brackets, as
/// `ConfigCommand.parseConfigsToBeAdded` does.
fn split_add_config(text: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => items.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    items.push(current);
    items
}

/// `kafka-configs` (checks as in `ConfigCommandOptions.checkArgs`), for topics.
pub(crate) fn configs(args: &Args) -> Result<Command, ParseError> {
    args.no_positionals(ONLY_FLAGS)?;
    let action = exactly_one_action(
        args,
        &["alter", "describe"],
        "Command must include exactly one action: --describe, --alter",
    )?;
    args.check_invalid("describe", &["add-config", "delete-config"])?;
    if args.has("topic") && (args.has("entity-type") || args.has("entity-name")) {
        return Err(args.usage(
            args.span_of("topic"),
            "--entity-{type,name,default} should not be used in conjunction with specific entity flags",
        ));
    }
    if let Some(word) = args.value("entity-type") {
        if word.text != "topics" {
            let message = if ENTITY_TYPES.contains(&word.text.as_str()) {
                format!(
                    "the simulator has configs for topics only, not for {}",
                    word.text
                )
            } else {
                format!(
                    "Invalid entity type {}, the entity type must be one of {} with a --bootstrap-server or --bootstrap-controller argument",
                    word.text,
                    ENTITY_TYPES.join(", ")
                )
            };
            return Err(args.usage(word.span, message));
        }
    } else if !args.has("topic") {
        return Err(args.usage(
            args.statement_span,
            "At least one entity type must be specified",
        ));
    }
    let topic = args
        .value("topic")
        .or_else(|| args.value("entity-name"))
        .map(values::topic_name)
        .transpose()?;
    if action == "describe" {
        return Ok(Command::Configs(ConfigsCommand::Describe {
            topic,
            all: args.has("all"),
        }));
    }
    args.check_invalid("alter", &["all"])?;
    let Some(topic) = topic else {
        return Err(args.usage(
            args.span_of("alter"),
            "an entity name must be specified with --alter of topics",
        ));
    };
    if !args.has("add-config") && !args.has("delete-config") {
        return Err(args.usage(
            args.span_of("alter"),
            "At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter",
        ));
    }
    let mut add = Configs::default();
    if let Some(word) = args.value("add-config") {
        for item in split_add_config(&word.text) {
            let item_word = Word {
                text: item,
                span: word.span,
                quoted: true,
                bare_prefix: 0,
            };
            config::read(&item_word, config::TOPIC_SCOPE, &mut add)?;
        }
    }
    let mut delete = Vec::new();
    if let Some(word) = args.value("delete-config") {
        for name in word.text.split(',').map(str::trim) {
            if !config::TOPIC_SCOPE.specs().any(|spec| spec.name == name) {
                return Err(ParseError::new(
                    word.span,
                    ErrorKind::UnknownConfig {
                        scope: "topic".into(),
                        key: name.to_string(),
                        suggestion: suggest::closest(
                            name,
                            config::TOPIC_SCOPE.specs().map(|s| s.name),
                        )
                        .map(str::to_string),
                    },
                ));
            }
            if !delete.iter().any(|d| d == name) {
                delete.push(name.to_string());
            }
        }
    }
    Ok(Command::Configs(ConfigsCommand::Alter {
        topic,
        add,
        delete,
    }))
}

// ---- kafka-leader-election -------------------------------------------------------------------

pub(crate) const ELECTION_FLAGS: &[FlagSpec] = &[
    valued("bootstrap-server", "host:port (ignored)"),
    valued("election-type", "preferred or unclean"),
    flag("all-topic-partitions"),
    valued("topic", "a topic name"),
    valued("partition", "a partition number"),
];

/// `kafka-leader-election` (`LeaderElectionCommand`).
pub(crate) fn leader_election(args: &Args) -> Result<Command, ParseError> {
    args.no_positionals(ONLY_FLAGS)?;
    let word = args.require("election-type")?;
    let election = match word.text.to_ascii_lowercase().as_str() {
        "preferred" => ElectionType::Preferred,
        "unclean" => ElectionType::Unclean,
        _ => {
            return Err(ParseError::new(
                word.span,
                ErrorKind::UnknownKeyword {
                    what: "election type".into(),
                    found: word.text.clone(),
                    expected: "preferred or unclean".into(),
                    suggestion: suggest::closest(&word.text, ["preferred", "unclean"])
                        .map(str::to_string),
                },
            ))
        }
    };
    args.check_invalid("all-topic-partitions", &["topic", "partition"])?;
    let partition = if args.has("all-topic-partitions") {
        None
    } else {
        let Some(topic) = args.value("topic") else {
            return Err(args.missing(
                "One and only one of the following options is required: --all-topic-partitions, --topic",
            ));
        };
        let partition = args.require("partition")?;
        Some(TopicPartition {
            topic: values::topic_name(topic)?,
            partition: values::partition_id(partition)?,
        })
    };
    if partition.is_none() && args.has("partition") {
        return Err(args.usage(
            args.span_of("partition"),
            "Option \"[partition]\" can't be used with option \"[all-topic-partitions]\"",
        ));
    }
    Ok(Command::LeaderElection(LeaderElection {
        election,
        partition,
    }))
}
