//! `kafka-consumer-groups`: list, describe, reset offsets, delete offsets, delete.

use super::{column_width, pad, text, tool_error, MISSING};
use crate::exec::{partition_i32, state, Console, ExecError, Output};
use crate::{
    ConsumerGroupsCommand, GroupSelection, GroupView, ResetMode, ResetScope, ResetSpec, Span,
    TopicSelection,
};
use sim::{OffsetCommit, OffsetSpec, TopicPartition, World};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// The state `kafka-consumer-groups` prints, `None` for a group the coordinator does not know.
pub(super) fn group_state(world: &World, group: &str) -> Option<&'static str> {
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

/// `ConsumerGroupCommand`'s first line when the coordinator refused some partitions.
const PARTITION_LEVEL_ERROR: &str =
    "Error: Encountered some partition-level error, see the follow-up details.\n";

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

pub(in crate::exec) fn consumer_groups(
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
            // The coordinator answers each partition: refused with GROUP_SUBSCRIBED_TO_TOPIC
            // while the group is subscribed to its topic, deleted otherwise; when it
            // refuses them all the request fails and nothing changes.
            let result = console.world.apply(sim::Command::DeleteOffsets {
                group: group.clone(),
                partitions: partitions.clone(),
            });
            let (events, refused): (Vec<sim::Event>, BTreeSet<TopicPartition>) = match result {
                Ok(events) => {
                    let refused = events
                        .iter()
                        .filter_map(|e| match e {
                            sim::Event::OffsetNotDeleted {
                                topic, partition, ..
                            } => Some(TopicPartition::new(topic.clone(), *partition)),
                            _ => None,
                        })
                        .collect();
                    (events, refused)
                }
                Err(sim::SimError::GroupSubscribedToTopic { topics, .. }) => {
                    let refused = partitions
                        .iter()
                        .filter(|tp| topics.contains(&tp.topic))
                        .cloned()
                        .collect();
                    let table = delete_offsets_table(&partitions, &refused);
                    return Err(tool_error(span, format!("{PARTITION_LEVEL_ERROR}{table}")));
                }
                Err(e) => return Err(ExecError::sim(span, e)),
            };
            let table = delete_offsets_table(&partitions, &refused);
            let head = if refused.is_empty() {
                format!("Request succeeded for deleting offsets from group {group}.\n")
            } else {
                PARTITION_LEVEL_ERROR.to_string()
            };
            text(format!("{head}{table}\n"), events)
        }
        ConsumerGroupsCommand::Delete { groups } => {
            let ids = selected_groups(&console.world, groups);
            // The coordinator decides (`DeleteGroups`): an unknown group or one with
            // members is refused. Several groups are deleted all or none, on a copy.
            let mut scratch = (ids.len() > 1).then(|| console.world.clone());
            let world = match scratch.as_mut() {
                Some(w) => w,
                None => &mut console.world,
            };
            let mut failed: Vec<(&String, &str)> = Vec::new();
            let mut other = None;
            let mut events = Vec::new();
            for g in &ids {
                match world.apply(sim::Command::DeleteGroup { group: g.clone() }) {
                    Ok(e) => events.extend(e),
                    Err(sim::SimError::GroupIdNotFound { .. }) => failed.push((g, "org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.")),
                    Err(sim::SimError::GroupNotEmpty { .. }) => failed.push((g, "org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.")),
                    Err(e) => {
                        other.get_or_insert(e);
                    }
                }
            }
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
            if let Some(e) = other {
                return Err(ExecError::sim(span, e));
            }
            if let Some(w) = scratch {
                console.world = w;
            }
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

/// The TOPIC PARTITION STATUS table of `--delete-offsets`, one row per partition asked
/// for: the coordinator's answer for it.
fn delete_offsets_table(
    partitions: &[TopicPartition],
    refused: &BTreeSet<TopicPartition>,
) -> String {
    let width = column_width(partitions.iter().map(|tp| tp.topic.len()), 15);
    let mut out = format!(
        "\n{} {} {}",
        pad("TOPIC", width),
        pad("PARTITION", 10),
        pad("STATUS", 15)
    );
    for tp in partitions {
        let status = if refused.contains(tp) {
            "Error: org.apache.kafka.common.errors.GroupSubscribedToTopicException: The consumer group is actively subscribed to the topic."
        } else {
            "Successful"
        };
        let _ = write!(
            out,
            "\n{} {} {}",
            pad(&tp.topic, width),
            pad(&tp.partition.to_string(), 10),
            pad(status, 15)
        );
    }
    out
}

/// `--describe --offsets` (`collectGroupsOffsets`): first the partitions assigned to each
/// member (members with more partitions first), then the partitions with a committed offset
/// that no member owns, with `-` for CONSUMER-ID, HOST and CLIENT-ID. LOG-END-OFFSET is what
/// `ListOffsets(latest)` returns, the high watermark; LAG = LOG-END-OFFSET − CURRENT-OFFSET.
pub(in crate::exec) fn describe_group_offsets(world: &World, group: &str, verbose: bool) -> String {
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
        let all = world
            .topic_partitions(&sel.topic)
            .map_err(|e| ExecError::sim(span, e))?;
        match &sel.partitions {
            None => out.extend(all),
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
            let p = world
                .partition_checked(&tp.topic, tp.partition)
                .map_err(|e| ExecError::sim(span, e))?;
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
            .map(|(group, planned)| sim::Command::ResetOffsets {
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
        // Each reset waits for its acknowledgement (the core's `ResetOffsets`); all the
        // groups or none.
        console.apply_all(span, commands)?
    } else {
        Vec::new()
    };
    text(out, events)
}
