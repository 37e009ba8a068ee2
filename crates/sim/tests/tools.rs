//! What Kafka's command-line tools do in one command: `ResetOffsets` waits for the
//! acknowledgement of its commit, and `ConsoleConsume` (`kafka-console-consumer`) reads,
//! hands the records over in its events, commits and waits, or joins a group that has
//! members. Both are atomic: refused, the world is as before.

mod clients_support;

use clients_support::*;
use sim::group::GroupState;
use sim::{Command, ConsoleConsume, ConsoleStart, Event, OffsetCommit, SimError, World};

fn console(topic: &str) -> ConsoleConsume {
    ConsoleConsume {
        topic: topic.into(),
        partition: None,
        offset: None,
        from_beginning: false,
        group: None,
        max_messages: None,
        timeout_ms: None,
        config: Default::default(),
    }
}

/// The values the console consumer handed over, by partition, in order.
fn handed(events: &[Event]) -> Vec<(i32, i64, String)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::ConsoleRecords {
                partition, records, ..
            } => Some(
                records
                    .iter()
                    .map(move |r| (*partition, r.offset.0, r.value.clone().unwrap_or_default())),
            ),
            _ => None,
        })
        .flatten()
        .collect()
}

fn finished(events: &[Event]) -> (Option<String>, u64, bool) {
    let ends: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::ConsoleConsumerFinished {
                consumer,
                count,
                timed_out,
            } => Some((consumer.clone(), *count, *timed_out)),
            _ => None,
        })
        .collect();
    assert_eq!(ends.len(), 1, "exactly one end: {ends:?}");
    ends[0].clone()
}

fn committed(w: &World, group: &str, partition: i32) -> Option<i64> {
    w.committed_offset(group, &tp("orders", partition))
        .map(|c| c.offset.0)
}

fn orders_with_records() -> World {
    let mut w = world_with_topic("orders", 2);
    produce(&mut w, "orders", 0, 3);
    produce(&mut w, "orders", 1, 2);
    w
}

#[test]
fn the_console_consumer_hands_over_the_records_it_read() {
    let mut w = orders_with_records();
    // The default is the latest offset: nothing.
    let events = w.apply(Command::ConsoleConsume(console("orders"))).unwrap();
    assert!(handed(&events).is_empty());
    assert_eq!(finished(&events), (None, 0, false));
    // From the beginning: every record, partition by partition.
    let mut c = console("orders");
    c.from_beginning = true;
    let events = w.apply(Command::ConsoleConsume(c.clone())).unwrap();
    assert_eq!(
        handed(&events),
        vec![
            (0, 0, "v0".into()),
            (0, 1, "v1".into()),
            (0, 2, "v2".into()),
            (1, 0, "v0".into()),
            (1, 1, "v1".into()),
        ]
    );
    assert_eq!(finished(&events), (None, 5, false));
    // --max-messages stops early; --partition and --offset pick the start.
    c.max_messages = Some(2);
    assert_eq!(
        handed(&w.apply(Command::ConsoleConsume(c.clone())).unwrap()).len(),
        2
    );
    c.max_messages = None;
    c.partition = Some(0);
    c.offset = Some(ConsoleStart::Offset(1));
    assert_eq!(
        handed(&w.apply(Command::ConsoleConsume(c)).unwrap()),
        vec![(0, 1, "v1".into()), (0, 2, "v2".into())]
    );
    w.check_invariants().unwrap();
}

#[test]
fn with_a_group_it_commits_and_waits_for_the_acknowledgement() {
    let mut w = orders_with_records();
    let mut c = console("orders");
    c.group = Some("g".into());
    c.from_beginning = true;
    c.max_messages = Some(4);
    let now = w.now_ms();
    let events = w.apply(Command::ConsoleConsume(c.clone())).unwrap();
    assert_eq!(finished(&events).1, 4);
    // The tool returned after the commit was replicated: it is visible at once, and the
    // clock ran only for that.
    assert_eq!(committed(&w, "g", 0), Some(3));
    assert_eq!(committed(&w, "g", 1), Some(1));
    assert!(w.now_ms() > now && w.now_ms() - now < 1_000);
    // The next run resumes at the committed offsets.
    let events = w.apply(Command::ConsoleConsume(c)).unwrap();
    assert_eq!(handed(&events), vec![(1, 1, "v1".into())]);
    assert_eq!(committed(&w, "g", 1), Some(2));
    w.check_invariants().unwrap();
}

#[test]
fn a_refused_console_consumer_changes_nothing() {
    let mut w = orders_with_records();
    let before = w.clone();
    assert_eq!(
        w.apply(Command::ConsoleConsume(console("missing"))),
        Err(SimError::UnknownTopicOrPartition {
            topic: "missing".into(),
            partition: None
        })
    );
    let mut c = console("orders");
    c.partition = Some(7);
    assert_eq!(
        w.apply(Command::ConsoleConsume(c)),
        Err(SimError::UnknownTopicOrPartition {
            topic: "orders".into(),
            partition: Some(7)
        })
    );
    // A committed offset outside the log with auto.offset.reset=none.
    w.apply(Command::ResetOffsets {
        group: "g".into(),
        offsets: vec![OffsetCommit {
            topic: "orders".into(),
            partition: 0,
            offset: 99,
            metadata: String::new(),
            leader_epoch: None,
        }],
    })
    .unwrap();
    let before_reset = w.clone();
    let mut c = console("orders");
    c.group = Some("g".into());
    c.config = props(&[("auto.offset.reset", "none")]);
    assert!(matches!(
        w.apply(Command::ConsoleConsume(c)),
        Err(SimError::OffsetOutOfRange { offset: 99, .. })
    ));
    assert_eq!(w, before_reset);
    assert_ne!(w, before);
}

#[test]
fn with_a_group_that_has_members_it_joins_as_one_more_member() {
    let mut w = orders_with_records();
    consumer(
        &mut w,
        "c1",
        &[
            ("group.id", "g"),
            ("enable.auto.commit", "false"),
            ("auto.offset.reset", "earliest"),
            ("max.poll.interval.ms", "10000"),
        ],
    );
    join_alone(&mut w, "c1", "orders");
    assert_eq!(w.group("g").map(|g| g.state()), Some(GroupState::Stable));
    let mut c = console("orders");
    c.group = Some("g".into());
    c.from_beginning = true;
    let now = w.now_ms();
    let events = w.apply(Command::ConsoleConsume(c)).unwrap();
    let (consumer, count, timed_out) = finished(&events);
    assert_eq!(consumer.as_deref(), Some("console-consumer-1"));
    assert!(!timed_out);
    // c1 is under manual control and does not poll while the tool waits: the rebalance
    // removes it after its max.poll.interval.ms (10 s here), and the tool gets both
    // partitions and reads all of them.
    assert_eq!(count, 5);
    assert_eq!(handed(&events).len(), 5);
    assert!(w.now_ms() - now >= 10_000);
    // close() committed its positions, replicated before the tool returned, and it left:
    // the group is empty.
    assert_eq!(committed(&w, "g", 0), Some(3));
    assert_eq!(committed(&w, "g", 1), Some(2));
    assert!(w
        .consumer("console-consumer-1")
        .is_none_or(|c| c.is_closed()));
    assert_eq!(w.group("g").map(|g| g.state()), Some(GroupState::Empty));
    w.check_invariants().unwrap();
}

#[test]
fn the_records_travel_in_the_events() {
    let mut w = orders_with_records();
    let mut c = console("orders");
    c.from_beginning = true;
    c.partition = Some(1);
    let events = w.apply(Command::ConsoleConsume(c)).unwrap();
    let json = serde_json::to_string(&events).unwrap();
    let back: Vec<Event> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, events);
    assert!(events.iter().any(|e| matches!(
        e,
        Event::ConsoleRecords { timestamp_type, .. } if timestamp_type == "CreateTime"
    )));
}

#[test]
fn a_reset_waits_for_its_acknowledgement() {
    let mut w = orders_with_records();
    reset_to(&mut w, "g", 2).unwrap();
    assert_eq!(
        committed(&w, "g", 0),
        Some(2),
        "visible when the command returns"
    );
    assert!(w.offset_store().pending().next().is_none());

    // A follower of the coordinator's partition that does not fetch holds the commit back
    // until it leaves the ISR (replica.lag.time.max.ms): the tool waits that long.
    let coordinator = w.coordinator_partition("g");
    let partition = w.partition(sim::OFFSETS_TOPIC, coordinator).unwrap();
    let leader = partition.leader().unwrap();
    let follower = *partition.isr().iter().find(|b| **b != leader).unwrap();
    w.apply(Command::PauseReplicaFetching { broker: follower })
        .unwrap();
    let now = w.now_ms();
    reset_to(&mut w, "g", 1).unwrap();
    assert_eq!(committed(&w, "g", 0), Some(1));
    let waited = w.now_ms() - now;
    assert!(
        (w.config().replica_lag_time_max_ms..2 * w.config().replica_lag_time_max_ms)
            .contains(&waited),
        "waited {waited} ms"
    );
    w.check_invariants().unwrap();
}

#[test]
fn a_reset_the_coordinator_cannot_take_changes_nothing() {
    let mut w = orders_with_records();
    let coordinator = w.coordinator_partition("g");
    let replicas = w
        .partition(sim::OFFSETS_TOPIC, coordinator)
        .unwrap()
        .replicas()
        .iter()
        .map(|r| r.broker)
        .collect::<Vec<_>>();
    for b in replicas {
        w.apply(Command::KillBroker { broker: b }).unwrap();
    }
    let before = w.clone();
    assert!(reset_to(&mut w, "g", 1).is_err());
    assert_eq!(w, before, "a refused reset changes nothing");
}
