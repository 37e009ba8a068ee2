//! Read-only views of the core world shaped for rendering. Components read these, never the
//! core's internals, so a change in the core touches only these files: `trains` (topics,
//! compartments, seats, checkers, replicas), `teams` (groups, platforms, the notebook, lag),
//! `sentences` (every event as a plain sentence in the chosen words).

use sim::World;

/// The first topic a learner made (internal topics aside), to draw on the first page.
pub fn first_topic(world: &World) -> Option<String> {
    world
        .topics()
        .find(|t| !t.is_internal())
        .map(|t| t.name().to_string())
}

/// Whether a topic is one of Kafka's own (`__consumer_offsets`): its records are commits, not
/// passengers a producer sent.
fn internal(topic: &str) -> bool {
    topic.starts_with("__")
}

/// The seat a passenger took in the latest step, if one boarded: (topic, partition, offset).
/// Commits written to `__consumer_offsets` are not passengers.
pub fn newest_append(events: &[sim::Event]) -> Option<(String, i32, i64)> {
    events.iter().rev().find_map(|e| match e {
        sim::Event::RecordAppended {
            topic,
            partition,
            offset,
            ..
        } if !internal(topic) => Some((topic.clone(), *partition, offset.0)),
        _ => None,
    })
}

/// The key of the passenger that boarded in the latest step.
pub fn newest_key(events: &[sim::Event]) -> Option<String> {
    events.iter().rev().find_map(|e| match e {
        sim::Event::RecordAppended { topic, key, .. } if !internal(topic) => Some(key.clone()),
        _ => None,
    })?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commit_in_the_notebook_is_not_a_passenger_boarding() {
        let mut sandbox = crate::session::Sandbox::starter();
        for line in [
            "kafka-console-producer --topic orders --key alice --value 1",
            "consumer c1 auto.offset.reset=earliest enable.auto.commit=false group.id=g",
            "subscribe c1 orders",
            "poll c1",
            "advance 3s",
            "poll c1",
        ] {
            sandbox.run(line).unwrap();
        }
        sandbox.run("commitSync c1").unwrap();
        assert!(
            newest_append(sandbox.latest()).is_none(),
            "{:?}",
            sandbox.latest()
        );
        assert!(newest_key(sandbox.latest()).is_none());
        sandbox
            .run("kafka-console-producer --topic orders --key bob --value 2")
            .unwrap();
        assert_eq!(newest_key(sandbox.latest()).as_deref(), Some("bob"));
        assert_eq!(newest_append(sandbox.latest()).unwrap().0, "orders");
    }
}

/// How many records a topic has taken so far (the sum of its partitions' log ends).
pub fn records_on_board(world: &World, topic: &str) -> i64 {
    world
        .topic(topic)
        .map(|t| t.partitions().iter().map(|p| p.log_end_offset().0).sum())
        .unwrap_or(0)
}

pub mod sentences;
pub mod teams;
pub mod trains;
