//! The offset store: `__consumer_offsets` as a compacted internal topic, the coordinator
//! partition of a group, commits, fetches, deletes and expiry (Kafka's
//! `GroupMetadataManager`, `GroupMetadataManagerTest`, KIP-211).

use sim::offsets::{
    decode_offset_commit_key, decode_offset_commit_value, partition_for_group, GroupActivity,
};
use sim::{
    BrokerId, Command, Event, Offset, OffsetCommit, SimError, TopicPartition, World, WorldConfig,
    OFFSETS_TOPIC,
};
use std::collections::BTreeSet;

fn world(brokers: u32) -> World {
    let mut w = World::new(
        11,
        WorldConfig {
            brokers,
            ..Default::default()
        },
    );
    w.apply(Command::CreateTopic {
        name: "orders".into(),
        partitions: 3,
        replication_factor: Some(1),
        config: Default::default(),
    })
    .unwrap();
    w
}

fn commit(w: &mut World, group: &str, p: i32, offset: i64) -> Result<Vec<Event>, SimError> {
    w.apply(Command::CommitOffsets {
        group: group.into(),
        offsets: vec![OffsetCommit {
            topic: "orders".into(),
            partition: p,
            offset,
            metadata: String::new(),
            leader_epoch: None,
        }],
    })
}

fn committed(w: &World, group: &str, p: i32) -> Option<i64> {
    w.committed_offset(group, &TopicPartition::new("orders", p))
        .map(|o| o.offset.0)
}

#[test]
fn the_offsets_topic_exists_with_fifty_compacted_partitions_by_default() {
    let w = world(3);
    let t = w.topic(OFFSETS_TOPIC).unwrap();
    assert!(t.is_internal());
    assert_eq!(t.partition_count(), 50);
    assert!(t.config().cleanup_policy.compacts());
    assert_eq!(t.partitions()[0].replicas().len(), 3);
}

#[test]
fn the_offsets_topic_partition_count_is_configurable() {
    let w = World::new(
        1,
        WorldConfig {
            offsets_topic_num_partitions: 5,
            ..Default::default()
        },
    );
    assert_eq!(w.topic(OFFSETS_TOPIC).unwrap().partition_count(), 5);
    assert_eq!(w.coordinator_partition("hello"), 99_162_322 % 5);
}

#[test]
fn a_commit_is_a_record_in_the_coordinators_partition_keyed_by_group_topic_partition() {
    let mut w = world(1);
    let ev = commit(&mut w, "billing", 2, 42).unwrap();
    let cp = partition_for_group("billing", 50);
    assert_eq!(w.coordinator_partition("billing"), cp);
    assert!(ev.iter().any(|e| matches!(e,
        Event::OffsetCommitAppended { coordinator_partition, log_offset: Offset(0), offset: Offset(42), .. }
        if *coordinator_partition == cp)));
    let p = w.partition(OFFSETS_TOPIC, cp).unwrap();
    let r = p.log().record_at(Offset(0)).unwrap();
    let (group, tp) = decode_offset_commit_key(r.key.unwrap()).unwrap();
    assert_eq!(group, "billing");
    assert_eq!(tp, TopicPartition::new("orders", 2));
    let v = decode_offset_commit_value(r.value.unwrap()).unwrap();
    assert_eq!(v.offset, Offset(42));
    assert_eq!(v.commit_timestamp_ms, 0);
    // One broker: the ISR is the leader alone, so the commit is durable at once.
    assert!(ev.iter().any(|e| matches!(
        e,
        Event::OffsetCommitted {
            offset: Offset(42),
            ..
        }
    )));
    assert_eq!(committed(&w, "billing", 2), Some(42));
}

#[test]
fn a_commit_becomes_visible_only_once_replicated() {
    let mut w = world(3);
    let ev = commit(&mut w, "g", 0, 5).unwrap();
    assert!(!ev
        .iter()
        .any(|e| matches!(e, Event::OffsetCommitted { .. })));
    assert_eq!(committed(&w, "g", 0), None);
    let ev = w.apply(Command::Advance { ms: 10 }).unwrap();
    assert!(ev.iter().any(|e| matches!(
        e,
        Event::OffsetCommitted {
            offset: Offset(5),
            ..
        }
    )));
    assert_eq!(committed(&w, "g", 0), Some(5));
    w.check_invariants().unwrap();
}

#[test]
fn the_latest_commit_wins_and_groups_do_not_see_each_others_offsets() {
    let mut w = world(1);
    commit(&mut w, "a", 0, 10).unwrap();
    commit(&mut w, "a", 0, 7).unwrap();
    commit(&mut w, "b", 0, 99).unwrap();
    assert_eq!(
        committed(&w, "a", 0),
        Some(7),
        "a commit may move backwards"
    );
    assert_eq!(committed(&w, "b", 0), Some(99));
    assert_eq!(committed(&w, "a", 1), None);
}

#[test]
fn deleting_offsets_writes_a_tombstone() {
    let mut w = world(1);
    commit(&mut w, "g", 1, 3).unwrap();
    let ev = w
        .apply(Command::DeleteOffsets {
            group: "g".into(),
            partitions: vec![TopicPartition::new("orders", 1)],
        })
        .unwrap();
    assert!(ev
        .iter()
        .any(|e| matches!(e, Event::OffsetDeleted { partition: 1, .. })));
    assert_eq!(committed(&w, "g", 1), None);
    let cp = w.coordinator_partition("g");
    let p = w.partition(OFFSETS_TOPIC, cp).unwrap();
    let last = p.log().record_at(Offset(1)).unwrap();
    assert!(last.is_tombstone());
    assert!(matches!(
        w.apply(Command::DeleteOffsets {
            group: "g".into(),
            partitions: vec![]
        }),
        Err(SimError::GroupIdNotFound { .. })
    ));
}

#[test]
fn offsets_of_a_group_the_coordinator_does_not_track_expire_seven_days_after_commit() {
    let mut w = world(1);
    commit(&mut w, "standalone", 0, 1).unwrap();
    let week = 7 * 24 * 60 * 60 * 1000;
    w.apply(Command::Advance { ms: week - 600_000 }).unwrap();
    assert_eq!(committed(&w, "standalone", 0), Some(1));
    let ev = w.apply(Command::Advance { ms: 600_000 }).unwrap();
    assert!(ev.iter().any(|e| matches!(
        e,
        Event::OffsetExpired {
            offset: Offset(1),
            ..
        }
    )));
    assert_eq!(committed(&w, "standalone", 0), None);
    w.check_invariants().unwrap();
}

#[test]
fn an_empty_groups_offsets_expire_retention_after_it_became_empty() {
    let mut w = world(1);
    commit(&mut w, "g", 0, 1).unwrap();
    w.set_group_activity(
        "g",
        Some(GroupActivity::Active {
            subscribed_topics: None,
        }),
    );
    let week = 7 * 24 * 60 * 60 * 1000;
    w.apply(Command::Advance { ms: 2 * week }).unwrap();
    assert_eq!(
        committed(&w, "g", 0),
        Some(1),
        "an active group keeps its offsets"
    );
    let emptied = w.now_ms();
    w.set_group_activity("g", Some(GroupActivity::Empty { since_ms: emptied }));
    w.apply(Command::Advance { ms: week - 600_000 }).unwrap();
    assert_eq!(committed(&w, "g", 0), Some(1));
    w.apply(Command::Advance { ms: 600_000 }).unwrap();
    assert_eq!(committed(&w, "g", 0), None);
}

#[test]
fn an_active_group_loses_offsets_of_topics_it_no_longer_subscribes_to() {
    let mut w = world(1);
    commit(&mut w, "g", 0, 1).unwrap();
    w.set_group_activity(
        "g",
        Some(GroupActivity::Active {
            subscribed_topics: Some(BTreeSet::from(["payments".to_string()])),
        }),
    );
    w.apply(Command::Advance {
        ms: 7 * 24 * 60 * 60 * 1000,
    })
    .unwrap();
    assert_eq!(committed(&w, "g", 0), None);
}

#[test]
fn bad_commits_are_refused_with_kafkas_errors_and_change_nothing() {
    let mut w = world(1);
    let before = w.state_hash();
    assert!(matches!(
        commit(&mut w, "", 0, 1),
        Err(SimError::InvalidGroupId { .. })
    ));
    assert!(matches!(
        commit(&mut w, "g", 0, -1),
        Err(SimError::InvalidOffset { offset: -1 })
    ));
    assert!(matches!(
        commit(&mut w, "g", 3, 1),
        Err(SimError::UnknownTopicOrPartition {
            partition: Some(3),
            ..
        })
    ));
    let err = w
        .apply(Command::CommitOffsets {
            group: "g".into(),
            offsets: vec![OffsetCommit {
                topic: "orders".into(),
                partition: 0,
                offset: 1,
                metadata: "x".repeat(4097),
                leader_epoch: None,
            }],
        })
        .unwrap_err();
    assert!(matches!(
        err,
        SimError::OffsetMetadataTooLarge {
            size: 4097,
            max: 4096
        }
    ));
    assert_eq!(w.state_hash(), before);
}

#[test]
fn a_commit_without_a_live_coordinator_is_coordinator_not_available() {
    let mut w = world(1);
    w.apply(Command::KillBroker {
        broker: BrokerId(1),
    })
    .unwrap();
    assert!(w.coordinator("g").is_none());
    assert!(matches!(
        commit(&mut w, "g", 0, 1),
        Err(SimError::CoordinatorNotAvailable { .. })
    ));
}

#[test]
fn a_commit_lost_to_a_coordinator_failover_before_replication_fails() {
    let mut w = world(3);
    let cp = w.coordinator_partition("g");
    let part = w.partition(OFFSETS_TOPIC, cp).unwrap();
    let leader = part.leader().unwrap();
    for b in part.replica_ids() {
        if b != leader {
            w.apply(Command::PauseReplicaFetching { broker: b })
                .unwrap();
        }
    }
    commit(&mut w, "g", 0, 8).unwrap();
    let ev = w.apply(Command::KillBroker { broker: leader }).unwrap();
    assert!(ev.iter().any(|e| matches!(
        e,
        Event::OffsetCommitFailed {
            offset: Offset(8),
            ..
        }
    )));
    assert_eq!(committed(&w, "g", 0), None);
    assert_ne!(w.coordinator("g"), Some(leader));
    w.check_invariants().unwrap();
}

#[test]
fn compaction_of_the_offsets_topic_keeps_only_the_latest_commit_per_key() {
    let mut w = world(1);
    for i in 0..400 {
        commit(&mut w, "g", 0, i).unwrap();
    }
    let cp = w.coordinator_partition("g");
    let before = w.partition(OFFSETS_TOPIC, cp).unwrap().log().record_count();
    assert_eq!(before, 400);
    let ev = w.apply(Command::Advance { ms: 15_000 }).unwrap();
    assert!(ev
        .iter()
        .any(|e| matches!(e, Event::LogCompacted { partition, .. } if *partition == cp)));
    let p = w.partition(OFFSETS_TOPIC, cp).unwrap();
    assert!(p.log().record_count() < before);
    assert_eq!(
        p.log_end_offset(),
        Offset(400),
        "compaction never changes offsets"
    );
    assert_eq!(committed(&w, "g", 0), Some(399));
    w.check_invariants().unwrap();
}

#[test]
fn clients_cannot_produce_to_the_offsets_topic() {
    let mut w = world(1);
    let err = w
        .apply(Command::Produce {
            topic: OFFSETS_TOPIC.into(),
            partition: None,
            key: Some("k".into()),
            value: None,
            headers: vec![],
            timestamp_ms: None,
            acks: None,
        })
        .unwrap_err();
    assert!(matches!(err, SimError::InvalidTopic { .. }));
}
