//! `kafka-leader-election`: preferred and unclean elections.

use super::text;
use crate::exec::{partition_i32, Console, ExecError, Output};
use crate::{LeaderElection, Span};
use sim::Event;

pub(in crate::exec) fn leader_election(
    console: &mut Console,
    span: Span,
    command: &LeaderElection,
) -> Result<Output, ExecError> {
    let unclean = command.election == crate::ElectionType::Unclean;
    let kind = if unclean { "UNCLEAN" } else { "PREFERRED" };
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
    // The admin client's answer is a map; the lists are printed sorted as text
    // (`t-10` before `t-2`), as the console always has.
    elected.sort();
    noop.sort();
    failed.sort();
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
