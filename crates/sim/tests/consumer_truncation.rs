//! KIP-320: a consumer notices that an unclean leader election cut the log back below its
//! position. After a leader change it asks the new leader where the epoch of its last record
//! ended (`OffsetsForLeaderEpoch`); an end below its position is a truncation. With a reset
//! policy it goes back to that end, the first offset known to diverge, and reads the new
//! records that now hold the reused offsets; with `auto.offset.reset=none` the poll throws
//! `LogTruncationException` until the application seeks. Kafka's
//! `SubscriptionState.maybeCompleteValidation` and `LeaderEpochFileCache.endOffsetFor`.

mod clients_support;

use clients_support::*;
use sim::consumer::{ConsumerError, ConsumerEvent};
use sim::{Acks, Command, Event, Offset, TopicConfigOverrides, World, WorldConfig};

fn send(w: &mut World, value: &str, acks: Acks) {
    w.apply(Command::Produce {
        topic: "t".into(),
        partition: Some(0),
        key: None,
        value: Some(value.into()),
        headers: vec![],
        timestamp_ms: None,
        acks: Some(acks),
    })
    .unwrap();
}

/// `t-0` on two replicas: `a` `b` on both, then `c` `d` `e` on the leader alone (its follower
/// stopped fetching and left the ISR, so the HW is 5). A consumer `c1` with `reset` as its
/// `auto.offset.reset` has read `read` records (position `read`). Then the leader dies, an
/// unclean election makes the stale follower (log end 2) the leader, and `x` `y` `z` take
/// the offsets 2, 3 and 4 again.
fn truncated_under_a_consumer(reset: &str, read: usize) -> World {
    truncated(reset, read, false)
}

/// As [`truncated_under_a_consumer`]; with `crash_after_commit`, `c1` commits what it read
/// (`commitSync()`, which carries the epoch of its last record) and crashes before the
/// leader dies.
fn truncated(reset: &str, read: usize, crash_after_commit: bool) -> World {
    let mut w = World::new(11, WorldConfig::default());
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
    send(&mut w, "a", Acks::All);
    send(&mut w, "b", Acks::All);
    advance(&mut w, 100);
    w.apply(Command::PauseReplicaFetching { broker: follower })
        .unwrap();
    for v in ["c", "d", "e"] {
        send(&mut w, v, Acks::Leader);
    }
    advance(&mut w, 45_000);
    assert_eq!(w.partition("t", 0).unwrap().high_watermark(), Offset(5));
    consumer(
        &mut w,
        "c1",
        &[
            ("group.id", "g"),
            ("enable.auto.commit", "false"),
            ("auto.offset.reset", reset),
            ("max.poll.records", &read.to_string()),
        ],
    );
    join_alone(&mut w, "c1", "t");
    w.apply(Command::Seek {
        consumer: "c1".into(),
        topic: "t".into(),
        partition: 0,
        offset: 0,
    })
    .unwrap();
    let got = fetched(&poll(&mut w, "c1"));
    assert_eq!(got, vec![(tp("t", 0), 0, read as i64 - 1)]);
    if crash_after_commit {
        commit_sync(&mut w, "c1").unwrap();
        advance(&mut w, 100);
        let committed = w.committed_offset("g", &tp("t", 0)).unwrap();
        assert_eq!(committed.offset, Offset(read as i64));
        assert_eq!(
            committed.leader_epoch,
            Some(0),
            "the commit carries the epoch"
        );
        crash(&mut w, "c1");
    }
    w.apply(Command::ResumeReplicaFetching { broker: follower })
        .unwrap();
    w.apply(Command::KillBroker { broker: leader }).unwrap();
    w.apply(Command::ElectLeaders {
        unclean: true,
        partitions: None,
    })
    .unwrap();
    let part = w.partition("t", 0).unwrap();
    assert_eq!(part.leader(), Some(follower));
    assert_eq!(part.log_end_offset(), Offset(2), "c, d and e are gone");
    for v in ["x", "y", "z"] {
        send(&mut w, v, Acks::Leader);
    }
    advance(&mut w, 100);
    assert_eq!(w.partition("t", 0).unwrap().high_watermark(), Offset(5));
    w
}

fn truncations(events: &[Event]) -> Vec<(i64, Option<i64>)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Consumer {
                event:
                    ConsumerEvent::TruncationDetected {
                        position,
                        divergent,
                        ..
                    },
                ..
            } => Some((*position, *divergent)),
            _ => None,
        })
        .collect()
}

/// The values at `offsets` of t-0 now.
fn values(w: &World, from: i64, to: i64) -> Vec<String> {
    let p = w.partition("t", 0).unwrap();
    p.log()
        .read(Offset(from), Offset(to + 1), usize::MAX)
        .map(|r| r.to_record().value.unwrap_or_default())
        .collect()
}

#[test]
fn a_consumer_past_the_divergence_goes_back_and_reads_the_reused_offsets() {
    let mut w = truncated_under_a_consumer("earliest", 5);
    let events = poll(&mut w, "c1");
    assert_eq!(truncations(&events), vec![(5, Some(2))]);
    // It reads x y z at 2, 3, 4: the offsets it had read before, now other records.
    // Without the check it would have fetched from 5 and never seen them.
    assert_eq!(fetched(&events), vec![(tp("t", 0), 2, 4)]);
    assert_eq!(values(&w, 2, 4), ["x", "y", "z"]);
    // The check happens once per leader change: the next poll just goes on.
    let events = poll(&mut w, "c1");
    assert!(truncations(&events).is_empty());
    w.check_invariants().unwrap();
}

#[test]
fn with_latest_it_also_goes_back_to_the_divergence_not_to_the_end() {
    let mut w = truncated_under_a_consumer("latest", 4);
    let events = poll(&mut w, "c1");
    assert_eq!(truncations(&events), vec![(4, Some(2))]);
    assert_eq!(fetched(&events), vec![(tp("t", 0), 2, 4)]);
}

#[test]
fn a_consumer_before_the_divergence_sees_nothing_and_reads_on() {
    let mut w = truncated_under_a_consumer("earliest", 1);
    let events = poll(&mut w, "c1");
    assert!(truncations(&events).is_empty());
    // b at 1 was on both replicas; then x y z.
    assert_eq!(fetched(&events), vec![(tp("t", 0), 1, 1)]);
    let events = poll(&mut w, "c1");
    assert_eq!(fetched(&events), vec![(tp("t", 0), 2, 2)]);
}

#[test]
fn with_no_reset_policy_the_poll_throws_until_the_application_seeks() {
    let mut w = truncated_under_a_consumer("none", 5);
    let expected = ConsumerError::LogTruncation {
        partition: tp("t", 0),
        offset: 5,
        divergent: Some(2),
    };
    // The exception reaches the application at every poll, and nothing is fetched.
    for _ in 0..2 {
        let events = poll(&mut w, "c1");
        let failures: Vec<(&str, &str)> = events
            .iter()
            .filter_map(|e| match e {
                Event::ConsumerFailed { code, message, .. } => {
                    Some((code.as_str(), message.as_str()))
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            failures,
            vec![("LOG_TRUNCATION", expected.to_string().as_str())]
        );
        assert!(fetched(&events).is_empty());
        assert!(truncations(&events).is_empty());
    }
    w.apply(Command::Seek {
        consumer: "c1".into(),
        topic: "t".into(),
        partition: 0,
        offset: 2,
    })
    .unwrap();
    let events = poll(&mut w, "c1");
    assert_eq!(fetched(&events), vec![(tp("t", 0), 2, 4)]);
}

#[test]
fn a_clean_leader_change_is_validated_and_changes_nothing() {
    let mut w = world_with_topic("orders", 1);
    produce(&mut w, "orders", 0, 4);
    consumer(
        &mut w,
        "c1",
        &[("group.id", "g"), ("auto.offset.reset", "earliest")],
    );
    join_alone(&mut w, "c1", "orders");
    poll(&mut w, "c1");
    let leader = w.partition("orders", 0).unwrap().leader().unwrap();
    w.apply(Command::KillBroker { broker: leader }).unwrap();
    produce(&mut w, "orders", 0, 2);
    let events = poll(&mut w, "c1");
    assert!(truncations(&events).is_empty());
    assert_eq!(fetched(&events), vec![(tp("orders", 0), 4, 5)]);
}

/// `LeaderEpochFileCacheTest`'s `endOffsetFor` cases, on a partition's epoch cache built by
/// leader changes.
#[test]
fn the_epoch_cache_answers_offsets_for_leader_epoch_as_kafka_does() {
    let w = truncated_under_a_consumer("earliest", 5);
    let p = w.partition("t", 0).unwrap();
    let epochs: Vec<(i32, i64)> = p
        .epochs()
        .iter()
        .map(|e| (e.epoch, e.start_offset.0))
        .collect();
    // Epoch 0 wrote 0..5 on the old leader; epoch 1 had no leader; epoch 2 starts at 2, on
    // the new leader's log, where epoch 0 ended.
    assert_eq!(epochs, vec![(0, 0), (2, 2)]);
    // The latest epoch ends at the log end.
    assert_eq!(p.epoch_end_offset(2), Some((2, Offset(5))));
    // An earlier epoch ends where the next known one starts.
    assert_eq!(p.epoch_end_offset(0), Some((0, Offset(2))));
    // An epoch the log never saw: the largest known below it, ending where the next starts.
    assert_eq!(p.epoch_end_offset(1), Some((0, Offset(2))));
    // Newer than every known epoch, or undefined: UNDEFINED_EPOCH_OFFSET.
    assert_eq!(p.epoch_end_offset(3), None);
    assert_eq!(p.epoch_end_offset(-1), None);
    // The epoch of a record.
    assert_eq!(p.epoch_of(Offset(1)), Some(0));
    assert_eq!(p.epoch_of(Offset(2)), Some(2));
}

#[test]
fn a_restarted_consumer_validates_its_committed_offset_and_its_epoch() {
    let mut w = truncated("earliest", 5, true);
    // The group holds 5 with epoch 0. x y z brought the log end back to 5, so the offset is
    // inside the log: without the epoch the consumer would read on from 5, past x y z. With
    // it, it asks where epoch 0 ended: at 2.
    // The crashed member's session times out first.
    advance(&mut w, 60_000);
    restart(&mut w, "c1");
    let mut events = join_alone(&mut w, "c1", "t");
    events.extend(poll(&mut w, "c1"));
    assert_eq!(truncations(&events), vec![(5, Some(2))]);
    assert_eq!(fetched(&events), vec![(tp("t", 0), 2, 4)]);
}

#[test]
fn an_offset_committed_by_hand_carries_no_epoch_and_is_not_validated() {
    let mut w = truncated_under_a_consumer("earliest", 5);
    w.apply(Command::CommitOffsets {
        group: "h".into(),
        offsets: vec![sim::OffsetCommit {
            topic: "t".into(),
            partition: 0,
            offset: 5,
            metadata: String::new(),
            leader_epoch: None,
        }],
    })
    .unwrap();
    advance(&mut w, 100);
    consumer(
        &mut w,
        "c2",
        &[("group.id", "h"), ("auto.offset.reset", "earliest")],
    );
    let mut events = join_alone(&mut w, "c2", "t");
    events.extend(poll(&mut w, "c2"));
    assert!(truncations(&events).is_empty());
    // At the log end: nothing to read, and x y z at 2..4 are never seen.
    assert!(fetched(&events).is_empty());
}
