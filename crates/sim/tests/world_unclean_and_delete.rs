//! Unclean leader election (the one way Kafka gives an offset twice) and topic deletion.

mod clients_support;

use clients_support::*;
use sim::consumer::{ConsumerEvent, ResetReason};
use sim::{
    Acks, BrokerId, Command, Event, Offset, OffsetCommit, TopicConfigOverrides, TopicPartition,
    World, WorldConfig,
};

fn send(w: &mut World, topic: &str, value: &str, acks: Acks) -> Vec<Event> {
    w.apply(Command::Produce {
        topic: topic.into(),
        partition: Some(0),
        key: None,
        value: Some(value.into()),
        headers: vec![],
        timestamp_ms: None,
        acks: Some(acks),
    })
    .unwrap()
}

fn appended(events: &[Event]) -> Vec<i64> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::RecordAppended { offset, .. } => Some(offset.0),
            _ => None,
        })
        .collect()
}

fn commit(w: &mut World, group: &str, topic: &str, offset: i64) {
    w.apply(Command::CommitOffsets {
        group: group.into(),
        offsets: vec![OffsetCommit {
            topic: topic.into(),
            partition: 0,
            offset,
            metadata: String::new(),
            leader_epoch: None,
        }],
    })
    .unwrap();
    w.apply(Command::Advance { ms: 100 }).unwrap();
}

/// `t-0` on two replicas: 2 records on both, then 3 more on the leader alone (its follower
/// stopped fetching and left the ISR), then the leader dies. Returns (old leader, follower).
fn offline_with_a_stale_follower(w: &mut World) -> (BrokerId, BrokerId) {
    w.apply(Command::CreateTopic {
        name: "t".into(),
        partitions: 1,
        replication_factor: Some(2),
        config: TopicConfigOverrides::default(),
    })
    .unwrap();
    let part = w.partition("t", 0).unwrap();
    let leader = part.leader().unwrap();
    let follower = *part.replica_ids().iter().find(|b| **b != leader).unwrap();
    send(w, "t", "a", Acks::All);
    send(w, "t", "b", Acks::All);
    w.apply(Command::Advance { ms: 100 }).unwrap();
    w.apply(Command::PauseReplicaFetching { broker: follower })
        .unwrap();
    for v in ["c", "d", "e"] {
        send(w, "t", v, Acks::Leader);
    }
    w.apply(Command::Advance { ms: 45_000 }).unwrap();
    let part = w.partition("t", 0).unwrap();
    assert_eq!(part.isr(), &[leader], "the follower left the ISR");
    assert_eq!(part.high_watermark(), Offset(5));
    w.apply(Command::KillBroker { broker: leader }).unwrap();
    let part = w.partition("t", 0).unwrap();
    assert_eq!(part.leader(), None, "no clean leader: offline");
    assert_eq!(part.isr(), &[leader], "Kafka keeps the last ISR member");
    (leader, follower)
}

#[test]
fn an_unclean_election_truncates_to_the_new_leaders_log_and_gives_offsets_again() {
    let mut w = World::new(7, WorldConfig::default());
    let (old, follower) = offline_with_a_stale_follower(&mut w);
    let events = w
        .apply(Command::ElectLeaders {
            unclean: true,
            partitions: Some(vec![TopicPartition::new("t", 0)]),
        })
        .unwrap();
    assert!(events.iter().any(|e| matches!(
        e,
        Event::UncleanLeaderElected { leader, log_end_offset_before: Offset(5), high_watermark_before: Offset(5), log_end_offset: Offset(2), .. }
            if *leader == follower
    )));
    let part = w.partition("t", 0).unwrap();
    assert_eq!(part.leader(), Some(follower));
    assert_eq!(
        part.isr(),
        &[follower],
        "the ISR is the unclean leader alone"
    );
    assert_eq!(part.log_end_offset(), Offset(2));
    assert_eq!(
        part.high_watermark(),
        Offset(2),
        "the HW went back with the log"
    );
    // The next record takes offset 2, which "c" had: an offset given twice.
    assert_eq!(appended(&send(&mut w, "t", "x", Acks::Leader)), vec![2]);
    let rec = w
        .partition("t", 0)
        .unwrap()
        .log()
        .record_at(Offset(2))
        .unwrap();
    assert_eq!(rec.value_utf8().unwrap(), "x");
    // The old leader comes back and truncates its tail c, d, e away.
    let events = w.apply(Command::RestartBroker { broker: old }).unwrap();
    assert!(!events
        .iter()
        .any(|e| matches!(e, Event::LeaderChanged { .. })));
    let events = w.apply(Command::Advance { ms: 100 }).unwrap();
    assert!(events.iter().any(|e| matches!(
        e,
        Event::IsrExpanded { broker, .. } if *broker == old
    )));
    assert_eq!(
        w.partition("t", 0).unwrap().replica_log_end_offset(old),
        Some(Offset(3))
    );
    w.check_invariants().unwrap();
}

#[test]
fn an_unclean_election_is_not_needed_with_a_leader_and_impossible_without_a_live_replica() {
    let mut w = World::new(7, WorldConfig::default());
    w.apply(Command::CreateTopic {
        name: "t".into(),
        partitions: 1,
        replication_factor: Some(1),
        config: TopicConfigOverrides::default(),
    })
    .unwrap();
    let only = w.partition("t", 0).unwrap().leader().unwrap();
    let elect = |w: &mut World| {
        w.apply(Command::ElectLeaders {
            unclean: true,
            partitions: Some(vec![
                TopicPartition::new("t", 0),
                TopicPartition::new("nope", 0),
            ]),
        })
        .unwrap()
    };
    let errors = |events: &[Event]| -> Vec<String> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::LeaderNotElected { error, .. } => Some(error.clone()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(
        errors(&elect(&mut w)),
        vec!["ELECTION_NOT_NEEDED", "UNKNOWN_TOPIC_OR_PARTITION"]
    );
    w.apply(Command::KillBroker { broker: only }).unwrap();
    assert_eq!(
        errors(&elect(&mut w)),
        vec![
            "ELIGIBLE_LEADERS_NOT_AVAILABLE",
            "UNKNOWN_TOPIC_OR_PARTITION"
        ]
    );
}

#[test]
fn a_committed_offset_past_the_new_log_end_is_out_of_range_and_auto_offset_reset_applies() {
    let mut w = World::new(7, WorldConfig::default());
    offline_with_a_stale_follower(&mut w);
    // A group read everything and committed 5 before the leader died... on a coordinator
    // that is still up (the commit went to __consumer_offsets, not to t).
    w.apply(Command::ElectLeaders {
        unclean: true,
        partitions: Some(vec![TopicPartition::new("t", 0)]),
    })
    .unwrap();
    commit(&mut w, "g", "t", 5);
    assert_eq!(
        w.committed_offset("g", &tp("t", 0)).unwrap().offset,
        Offset(5),
        "Kafka keeps a committed offset past the log end"
    );
    consumer(
        &mut w,
        "c1",
        &[("group.id", "g"), ("auto.offset.reset", "earliest")],
    );
    let mut events = join_alone(&mut w, "c1", "t");
    events.extend(poll(&mut w, "c1"));
    assert!(events.iter().any(|e| matches!(
        e,
        Event::Consumer {
            event: ConsumerEvent::PositionFromCommitted { offset: 5, .. },
            ..
        }
    )));
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::Consumer {
                event: ConsumerEvent::PositionReset {
                    offset: 0,
                    reason: ResetReason::OutOfRange,
                    ..
                },
                ..
            }
        )),
        "{events:#?}"
    );
}

#[test]
fn with_unclean_leader_election_enable_the_last_isr_members_death_elects_an_out_of_sync_replica() {
    let mut w = World::new(7, WorldConfig::default());
    w.apply(Command::CreateTopic {
        name: "t".into(),
        partitions: 1,
        replication_factor: Some(2),
        config: unclean_enabled(),
    })
    .unwrap();
    let part = w.partition("t", 0).unwrap();
    let leader = part.leader().unwrap();
    let follower = *part.replica_ids().iter().find(|b| **b != leader).unwrap();
    send(&mut w, "t", "a", Acks::All);
    w.apply(Command::Advance { ms: 100 }).unwrap();
    w.apply(Command::PauseReplicaFetching { broker: follower })
        .unwrap();
    send(&mut w, "t", "b", Acks::Leader);
    w.apply(Command::Advance { ms: 45_000 }).unwrap();
    let events = w.apply(Command::KillBroker { broker: leader }).unwrap();
    assert!(events.iter().any(|e| matches!(
        e,
        Event::UncleanLeaderElected { leader: l, log_end_offset: Offset(1), .. } if *l == follower
    )));
    assert_eq!(w.partition("t", 0).unwrap().leader(), Some(follower));
    w.check_invariants().unwrap();
}

fn unclean_enabled() -> TopicConfigOverrides {
    TopicConfigOverrides {
        unclean_leader_election_enable: Some(true),
        ..Default::default()
    }
}

#[test]
fn an_unclean_election_of_a_consumer_offsets_partition_reloads_the_commits_it_still_holds() {
    let mut w = World::new(
        7,
        WorldConfig {
            brokers: 2,
            offsets_topic_num_partitions: 1,
            offsets_topic_replication_factor: 2,
            ..Default::default()
        },
    );
    w.apply(Command::CreateTopic {
        name: "t".into(),
        partitions: 1,
        replication_factor: Some(1),
        config: TopicConfigOverrides::default(),
    })
    .unwrap();
    commit(&mut w, "g", "t", 0);
    let off = w.partition("__consumer_offsets", 0).unwrap();
    let leader = off.leader().unwrap();
    let follower = *off.replica_ids().iter().find(|b| **b != leader).unwrap();
    w.apply(Command::PauseReplicaFetching { broker: follower })
        .unwrap();
    commit(&mut w, "g", "t", 1);
    w.apply(Command::Advance { ms: 45_000 }).unwrap();
    // The follower left the ISR: the second commit is committed on the leader alone.
    assert_eq!(
        w.committed_offset("g", &tp("t", 0)).unwrap().offset,
        Offset(1)
    );
    w.apply(Command::KillBroker { broker: leader }).unwrap();
    let events = w
        .apply(Command::ElectLeaders {
            unclean: true,
            partitions: None,
        })
        .unwrap();
    assert!(events.iter().any(
        |e| matches!(e, Event::UncleanLeaderElected { topic, .. } if topic == "__consumer_offsets")
    ));
    // The new coordinator read its log again: the commit of 1 was lost with the leader.
    assert!(events.iter().any(|e| matches!(
        e,
        Event::OffsetCommitted { group, offset: Offset(0), .. } if group == "g"
    )));
    assert_eq!(
        w.committed_offset("g", &tp("t", 0)).unwrap().offset,
        Offset(0)
    );
    w.check_invariants().unwrap();
}

#[test]
fn deleting_a_topic_removes_it_and_every_groups_committed_offsets_for_it() {
    let mut w = world_with_topic("t", 2);
    produce(&mut w, "t", 0, 3);
    commit(&mut w, "g", "t", 3);
    commit(&mut w, "h", "t", 1);
    let events = w.apply(Command::DeleteTopic { topic: "t".into() }).unwrap();
    assert!(matches!(
        &events[0],
        Event::TopicDeleted { topic, partitions: 2 } if topic == "t"
    ));
    let deleted: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            Event::OffsetDeleted { group, .. } => Some(group.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(deleted, vec!["g", "h"]);
    assert!(w.topic("t").is_none());
    assert!(w.committed_offset("g", &tp("t", 0)).is_none());
    w.check_invariants().unwrap();
    // Created again, it starts at offset 0 and no group has an offset for it.
    w.apply(Command::CreateTopic {
        name: "t".into(),
        partitions: 1,
        replication_factor: Some(3),
        config: TopicConfigOverrides::default(),
    })
    .unwrap();
    assert_eq!(appended(&send(&mut w, "t", "new", Acks::Leader)), vec![0]);
    assert!(w.committed_offset("g", &tp("t", 0)).is_none());
    // Unknown and internal topics are refused.
    assert_eq!(
        w.apply(Command::DeleteTopic {
            topic: "nope".into()
        })
        .unwrap_err()
        .kafka_code(),
        "UNKNOWN_TOPIC_OR_PARTITION"
    );
    assert!(w
        .apply(Command::DeleteTopic {
            topic: "__consumer_offsets".into()
        })
        .is_err());
}

#[test]
fn deleting_a_subscribed_topic_rebalances_the_group_and_its_partitions_leave_the_assignment() {
    let mut w = world_with_topic("t", 2);
    w.apply(Command::CreateTopic {
        name: "u".into(),
        partitions: 1,
        replication_factor: Some(3),
        config: TopicConfigOverrides::default(),
    })
    .unwrap();
    consumer(&mut w, "c1", &[("group.id", "g")]);
    w.apply(Command::Subscribe {
        consumer: "c1".into(),
        topics: vec!["t".into(), "u".into()],
    })
    .unwrap();
    poll(&mut w, "c1");
    advance(&mut w, 3_000);
    poll(&mut w, "c1");
    assert_eq!(w.consumer("c1").unwrap().assignment().len(), 3);
    w.apply(Command::DeleteTopic { topic: "t".into() }).unwrap();
    let events = settle(&mut w, &["c1"], 3);
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::Consumer {
                event: ConsumerEvent::RejoinRequested { .. },
                ..
            }
        )),
        "the leader sees the subscribed topic's partitions change"
    );
    let mut assignment: Vec<TopicPartition> =
        w.consumer("c1").unwrap().assignment().into_iter().collect();
    assignment.sort();
    assert_eq!(assignment, vec![tp("u", 0)]);
    w.check_invariants().unwrap();
}

#[test]
fn a_producers_batches_for_a_deleted_topic_fail() {
    let mut w = world_with_topic("t", 1);
    w.apply(Command::CreateProducer {
        name: "p".into(),
        config: props(&[("linger.ms", "1000")]),
    })
    .unwrap();
    w.apply(Command::Send {
        producer: "p".into(),
        topic: "t".into(),
        partition: None,
        key: None,
        value: Some("v".into()),
        headers: vec![],
        timestamp_ms: None,
    })
    .unwrap();
    let events = w.apply(Command::DeleteTopic { topic: "t".into() }).unwrap();
    assert!(events.iter().any(|e| matches!(
        e,
        Event::Producer { event: sim::clients::ProducerEvent::Failed { error, .. }, .. }
            if error == "UNKNOWN_TOPIC_OR_PARTITION"
    )));
    assert_eq!(w.producer("p").unwrap().queued_records(), 0);
    w.check_invariants().unwrap();
}
