//! Writing a [`Command`] back as console text, in one canonical form.
//!
//! Parsing the printed text gives the same command back (the tests check it over every
//! example and over generated commands), so a session's command log, a share link or a
//! scenario file can store commands as the text a learner would type.

use std::fmt::{self, Display, Formatter};

use crate::ast::{
    Command, CommitMode, Configs, ConfigsCommand, ConsoleOffset, ConsumerGroupsCommand,
    ElectionType, GroupSelection, GroupView, OffsetTime, PartitionFilter, ResetMode, ResetScope,
    ResetSpec, StateFormat, Target, TopicPartition, TopicSelection, TopicsCommand,
};
use crate::values::{format_datetime, format_duration, format_iso_duration};

/// A word as the lexer reads it back: bare when that is unambiguous, else double-quoted.
pub fn quote(text: &str) -> String {
    let bare_safe = !text.is_empty()
        && !text.starts_with('-')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._:,=/@+*%".contains(c));
    let negative_number =
        text.len() > 1 && text.starts_with('-') && text[1..].chars().all(|c| c.is_ascii_digit());
    if bare_safe || negative_number {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Any value, quoted if needed: a topic may be named `--orders`, which bare would be a flag.
fn q(value: impl Display) -> String {
    quote(&value.to_string())
}

impl Display for TopicPartition {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.topic, self.partition)
    }
}

impl Display for TopicSelection {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.topic)?;
        if let Some(partitions) = &self.partitions {
            let list: Vec<String> = partitions.iter().map(u32::to_string).collect();
            write!(f, ":{}", list.join(","))?;
        }
        Ok(())
    }
}

/// Writes ` --flag key=value` for every config (or ` key=value` with an empty flag).
fn configs(f: &mut Formatter<'_>, flag: &str, configs: &Configs) -> fmt::Result {
    for (key, value) in &configs.0 {
        if flag.is_empty() {
            write!(f, " {key}={}", quote(value))?;
        } else {
            write!(f, " {flag} {key}={}", quote(value))?;
        }
    }
    Ok(())
}

fn selections(f: &mut Formatter<'_>, list: &[TopicSelection]) -> fmt::Result {
    for selection in list {
        write!(f, " {}", q(selection))?;
    }
    Ok(())
}

fn groups(f: &mut Formatter<'_>, selection: &GroupSelection) -> fmt::Result {
    match selection {
        GroupSelection::AllGroups => f.write_str(" --all-groups"),
        GroupSelection::Groups(groups) => {
            for group in groups {
                write!(f, " --group {}", quote(group))?;
            }
            Ok(())
        }
    }
}

fn topics_command(f: &mut Formatter<'_>, command: &TopicsCommand) -> fmt::Result {
    f.write_str("kafka-topics")?;
    match command {
        TopicsCommand::Create {
            topic,
            partitions,
            replication_factor,
            configs: topic_configs,
            if_not_exists,
        } => {
            write!(f, " --create --topic {}", q(topic))?;
            if let Some(n) = partitions {
                write!(f, " --partitions {n}")?;
            }
            if let Some(n) = replication_factor {
                write!(f, " --replication-factor {n}")?;
            }
            configs(f, "--config", topic_configs)?;
            if *if_not_exists {
                f.write_str(" --if-not-exists")?;
            }
        }
        TopicsCommand::List {
            topic,
            exclude_internal,
        } => {
            f.write_str(" --list")?;
            if let Some(topic) = topic {
                write!(f, " --topic {}", q(topic))?;
            }
            if *exclude_internal {
                f.write_str(" --exclude-internal")?;
            }
        }
        TopicsCommand::Describe {
            topic,
            if_exists,
            exclude_internal,
            filter,
        } => {
            f.write_str(" --describe")?;
            if let Some(topic) = topic {
                write!(f, " --topic {}", q(topic))?;
            }
            if *if_exists {
                f.write_str(" --if-exists")?;
            }
            if *exclude_internal {
                f.write_str(" --exclude-internal")?;
            }
            if let Some(filter) = filter {
                f.write_str(match filter {
                    PartitionFilter::UnderReplicated => " --under-replicated-partitions",
                    PartitionFilter::UnderMinIsr => " --under-min-isr-partitions",
                    PartitionFilter::AtMinIsr => " --at-min-isr-partitions",
                    PartitionFilter::Unavailable => " --unavailable-partitions",
                })?;
            }
        }
        TopicsCommand::Alter {
            topic,
            partitions,
            if_exists,
        } => {
            write!(f, " --alter --topic {} --partitions {partitions}", q(topic))?;
            if *if_exists {
                f.write_str(" --if-exists")?;
            }
        }
        TopicsCommand::Delete { topic, if_exists } => {
            write!(f, " --delete --topic {}", q(topic))?;
            if *if_exists {
                f.write_str(" --if-exists")?;
            }
        }
    }
    Ok(())
}

fn groups_command(f: &mut Formatter<'_>, command: &ConsumerGroupsCommand) -> fmt::Result {
    f.write_str("kafka-consumer-groups")?;
    match command {
        ConsumerGroupsCommand::List { states } => {
            f.write_str(" --list")?;
            match states {
                None => {}
                Some(states) if states.is_empty() => f.write_str(" --state")?,
                Some(states) => write!(f, " --state {}", states.join(","))?,
            }
        }
        ConsumerGroupsCommand::Describe {
            groups: selection,
            view,
            verbose,
        } => {
            f.write_str(" --describe")?;
            groups(f, selection)?;
            match view {
                GroupView::Offsets => {}
                GroupView::Members => f.write_str(" --members")?,
                GroupView::State => f.write_str(" --state")?,
            }
            if *verbose {
                f.write_str(" --verbose")?;
            }
        }
        ConsumerGroupsCommand::ResetOffsets {
            groups: selection,
            scope,
            spec,
            mode,
        } => {
            f.write_str(" --reset-offsets")?;
            groups(f, selection)?;
            match scope {
                ResetScope::AllTopics => f.write_str(" --all-topics")?,
                ResetScope::Topics(list) => {
                    for selection in list {
                        write!(f, " --topic {}", q(selection))?;
                    }
                }
            }
            match spec {
                ResetSpec::ToEarliest => f.write_str(" --to-earliest")?,
                ResetSpec::ToLatest => f.write_str(" --to-latest")?,
                ResetSpec::ToCurrent => f.write_str(" --to-current")?,
                ResetSpec::ToOffset(n) => write!(f, " --to-offset {n}")?,
                ResetSpec::ShiftBy(n) => write!(f, " --shift-by {n}")?,
                ResetSpec::ToDatetime(ms) => write!(f, " --to-datetime {}", format_datetime(*ms))?,
                ResetSpec::ByDuration(ms) => {
                    write!(f, " --by-duration {}", format_iso_duration(*ms))?
                }
            }
            match mode {
                ResetMode::DryRun => f.write_str(" --dry-run")?,
                ResetMode::Execute => f.write_str(" --execute")?,
                ResetMode::DryRunByDefault => {}
            }
        }
        ConsumerGroupsCommand::DeleteOffsets { group, topics } => {
            write!(f, " --delete-offsets --group {}", quote(group))?;
            for selection in topics {
                write!(f, " --topic {}", q(selection))?;
            }
        }
        ConsumerGroupsCommand::Delete { groups: selection } => {
            f.write_str(" --delete")?;
            groups(f, selection)?;
        }
    }
    Ok(())
}

fn configs_command(f: &mut Formatter<'_>, command: &ConfigsCommand) -> fmt::Result {
    match command {
        ConfigsCommand::Describe { topic, all } => {
            f.write_str("kafka-configs --describe --entity-type topics")?;
            if let Some(topic) = topic {
                write!(f, " --entity-name {}", q(topic))?;
            }
            if *all {
                f.write_str(" --all")?;
            }
            Ok(())
        }
        ConfigsCommand::Alter { topic, add, delete } => {
            write!(
                f,
                "kafka-configs --alter --entity-type topics --entity-name {}",
                q(topic)
            )?;
            if !add.is_empty() {
                // A list value keeps its commas inside brackets, as kafka-configs reads it.
                let items: Vec<String> = add
                    .0
                    .iter()
                    .map(|(key, value)| {
                        if value.contains(',') {
                            format!("{key}=[{value}]")
                        } else {
                            format!("{key}={value}")
                        }
                    })
                    .collect();
                write!(f, " --add-config {}", quote(&items.join(",")))?;
            }
            if !delete.is_empty() {
                write!(f, " --delete-config {}", delete.join(","))?;
            }
            Ok(())
        }
    }
}

impl Display for Command {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Command::Topics(command) => topics_command(f, command),
            Command::ConsumerGroups(command) => groups_command(f, command),
            Command::Transactions(tool) => match tool {
                crate::TransactionsTool::List => f.write_str("kafka-transactions list"),
                crate::TransactionsTool::Describe { transactional_id } => write!(
                    f,
                    "kafka-transactions describe --transactional-id {}",
                    q(transactional_id)
                ),
                crate::TransactionsTool::DescribeProducers { partition } => write!(
                    f,
                    "kafka-transactions describe-producers --topic {} --partition {}",
                    q(&partition.topic),
                    partition.partition
                ),
            },
            Command::GetOffsets(get) => {
                f.write_str("kafka-get-offsets")?;
                if let Some(topic) = &get.topic {
                    write!(f, " --topic {}", q(topic))?;
                }
                if let Some(partitions) = &get.partitions {
                    let list: Vec<String> = partitions.iter().map(u32::to_string).collect();
                    write!(f, " --partitions {}", list.join(","))?;
                }
                match get.time {
                    OffsetTime::Latest => Ok(()),
                    OffsetTime::Earliest => f.write_str(" --time earliest"),
                    OffsetTime::MaxTimestamp => f.write_str(" --time max-timestamp"),
                    OffsetTime::Timestamp(ms) => write!(f, " --time {ms}"),
                }
            }
            Command::ConsoleProducer(producer) => {
                write!(f, "kafka-console-producer --topic {}", q(&producer.topic))?;
                if let Some(key) = &producer.key {
                    write!(f, " --key {}", quote(key))?;
                }
                for value in &producer.values {
                    write!(f, " --value {}", quote(value))?;
                }
                configs(f, "--producer-property", &producer.configs)
            }
            Command::ConsoleConsumer(consumer) => {
                write!(f, "kafka-console-consumer --topic {}", q(&consumer.topic))?;
                if let Some(group) = &consumer.group {
                    write!(f, " --group {}", quote(group))?;
                }
                if consumer.from_beginning {
                    f.write_str(" --from-beginning")?;
                }
                if let Some(n) = consumer.max_messages {
                    write!(f, " --max-messages {n}")?;
                }
                if let Some(p) = consumer.partition {
                    write!(f, " --partition {p}")?;
                }
                match consumer.offset {
                    None => {}
                    Some(ConsoleOffset::Earliest) => f.write_str(" --offset earliest")?,
                    Some(ConsoleOffset::Latest) => f.write_str(" --offset latest")?,
                    Some(ConsoleOffset::Offset(n)) => write!(f, " --offset {n}")?,
                }
                if let Some(ms) = consumer.timeout_ms {
                    write!(f, " --timeout-ms {ms}")?;
                }
                configs(f, "--consumer-property", &consumer.configs)?;
                configs(f, "--property", &consumer.properties)
            }
            Command::CreateProducer { name, configs: c } => {
                write!(f, "producer {name}")?;
                configs(f, "", c)
            }
            Command::CreateConsumer { name, configs: c } => {
                write!(f, "consumer {name}")?;
                configs(f, "", c)
            }
            Command::Send(send) => {
                write!(f, "send {} --topic {}", send.producer, q(&send.topic))?;
                if let Some(p) = send.partition {
                    write!(f, " --partition {p}")?;
                }
                if let Some(key) = &send.key {
                    write!(f, " --key {}", quote(key))?;
                }
                match &send.value {
                    Some(value) => write!(f, " --value {}", quote(value))?,
                    None => f.write_str(" --null-value")?,
                }
                if let Some(ms) = send.timestamp {
                    write!(f, " --timestamp {ms}")?;
                }
                for (key, value) in &send.headers {
                    write!(f, " --header {}", quote(&format!("{key}={value}")))?;
                }
                Ok(())
            }
            Command::Flush { producer } => write!(f, "flush {producer}"),
            Command::Transaction { producer, call } => write!(f, "{} {producer}", call.verb()),
            Command::SendOffsetsToTransaction {
                producer,
                offsets,
                metadata,
            } => {
                let list: Vec<String> = offsets.iter().map(|(tp, o)| format!("{tp}={o}")).collect();
                write!(
                    f,
                    "sendOffsetsToTransaction {producer} --offsets {}",
                    q(list.join(","))
                )?;
                match metadata {
                    crate::GroupMetadataSource::Group(g) => write!(f, " --group {}", q(g)),
                    crate::GroupMetadataSource::Consumer(c) => write!(f, " --consumer {c}"),
                }
            }
            Command::Subscribe { consumer, topics } => {
                write!(f, "subscribe {consumer} {}", q(topics.join(",")))
            }
            Command::Assign {
                consumer,
                partitions,
            } => {
                write!(f, "assign {consumer}")?;
                selections(f, partitions)
            }
            Command::Unsubscribe { consumer } => write!(f, "unsubscribe {consumer}"),
            Command::Poll { consumer } => write!(f, "poll {consumer}"),
            Command::Process { consumer, count } => {
                write!(f, "process {consumer}")?;
                if let Some(n) = count {
                    write!(f, " --count {n}")?;
                }
                Ok(())
            }
            Command::Commit {
                consumer,
                mode,
                offsets,
            } => {
                let verb = match mode {
                    CommitMode::Sync => "commitSync",
                    CommitMode::Async => "commitAsync",
                };
                write!(f, "{verb} {consumer}")?;
                if let Some(offsets) = offsets {
                    let list: Vec<String> =
                        offsets.iter().map(|(tp, o)| format!("{tp}={o}")).collect();
                    write!(f, " --offsets {}", q(list.join(",")))?;
                }
                Ok(())
            }
            Command::Seek {
                consumer,
                partition,
                offset,
            } => write!(f, "seek {consumer} {} {offset}", q(partition)),
            Command::SeekToBeginning {
                consumer,
                partitions,
            } => {
                write!(f, "seekToBeginning {consumer}")?;
                selections(f, partitions)
            }
            Command::SeekToEnd {
                consumer,
                partitions,
            } => {
                write!(f, "seekToEnd {consumer}")?;
                selections(f, partitions)
            }
            Command::Pause {
                consumer,
                partitions,
            } => {
                write!(f, "pause {consumer}")?;
                selections(f, partitions)
            }
            Command::Resume {
                consumer,
                partitions,
            } => {
                write!(f, "resume {consumer}")?;
                selections(f, partitions)
            }
            Command::Position {
                consumer,
                partition,
            } => write!(f, "position {consumer} {}", q(partition)),
            Command::Committed {
                consumer,
                partitions,
            } => {
                write!(f, "committed {consumer}")?;
                selections(f, partitions)
            }
            Command::Close { client } => write!(f, "close {client}"),
            Command::Crash { client } => write!(f, "crash {client}"),
            Command::Restart { client } => write!(f, "restart {client}"),
            Command::Advance { millis } => write!(f, "advance {}", format_duration(*millis)),
            Command::RunConsumer(r) => {
                write!(f, "run {}", r.consumer)?;
                if let Some(c) = r.commit {
                    write!(f, " --commit {}", c.name())?;
                }
                if let Some(ms) = r.process_ms {
                    write!(f, " --process-ms {ms}")?;
                }
                if let Some(ms) = r.poll_timeout_ms {
                    write!(f, " --poll-timeout-ms {ms}")?;
                }
                Ok(())
            }
            Command::RunProducer(r) => {
                write!(
                    f,
                    "run {} --topic {} --rate {}",
                    r.producer,
                    q(&r.topic),
                    r.rate
                )?;
                if let Some(k) = r.keys {
                    write!(f, " --keys {k}")?;
                }
                Ok(())
            }
            Command::Stop { client } => write!(f, "stop {client}"),
            Command::Database { name } => write!(f, "database {name}"),
            Command::KillBroker { broker } => write!(f, "kill-broker {broker}"),
            Command::RestartBroker { broker } => write!(f, "restart-broker {broker}"),
            Command::PauseReplication { broker } => write!(f, "pause-replication {broker}"),
            Command::ResumeReplication { broker } => write!(f, "resume-replication {broker}"),
            Command::Configs(command) => configs_command(f, command),
            Command::LeaderElection(election) => {
                let kind = match election.election {
                    ElectionType::Preferred => "preferred",
                    ElectionType::Unclean => "unclean",
                };
                write!(f, "kafka-leader-election --election-type {kind}")?;
                match &election.partition {
                    None => f.write_str(" --all-topic-partitions"),
                    Some(tp) => write!(f, " --topic {} --partition {}", q(&tp.topic), tp.partition),
                }
            }
            Command::Seed { seed } => write!(f, "seed {seed}"),
            Command::Cluster { configs } => {
                write!(f, "cluster")?;
                for (k, v) in &configs.0 {
                    write!(f, " {k}={v}")?;
                }
                Ok(())
            }
            Command::Describe { target } => match target {
                Target::Topic(name) => write!(f, "describe topic {}", q(name)),
                Target::Partition(tp) => write!(f, "describe partition {}", q(tp)),
                Target::Group(name) => write!(f, "describe group {}", quote(name)),
                Target::Consumer(name) => write!(f, "describe consumer {name}"),
                Target::Producer(name) => write!(f, "describe producer {name}"),
                Target::Broker(id) => write!(f, "describe broker {id}"),
                Target::Cluster => f.write_str("describe cluster"),
                Target::ConsumerOffsets => f.write_str("describe offsets"),
                Target::Database(name) => write!(f, "describe database {name}"),
                Target::Named(name) => write!(f, "describe {}", quote(name)),
            },
            Command::State { format } => match format {
                StateFormat::Text => f.write_str("state"),
                StateFormat::Json => f.write_str("state --json"),
            },
            Command::Help { topic } => match topic {
                None => f.write_str("help"),
                Some(topic) => write!(f, "help {topic}"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_stay_bare_and_others_are_quoted() {
        assert_eq!(quote("orders"), "orders");
        assert_eq!(quote("-1"), "-1");
        assert_eq!(quote("two words"), "\"two words\"");
        assert_eq!(quote(""), "\"\"");
        assert_eq!(quote("--topic"), "\"--topic\"");
        assert_eq!(quote("#tag"), "\"#tag\"");
        assert_eq!(quote("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
        assert_eq!(quote("été"), "\"été\"");
    }
}
