//! The tutorial's stories, told through `World::apply` commands only. Each test is one
//! story: what a learner does, and what Kafka would show them.

mod clients_support;

use clients_support::*;
use sim::consumer::{CommitKind, ConsumerError, ConsumerEvent};
use sim::group::{GroupError, GroupEvent, GroupState};
use sim::{Command, Event, OffsetCommit, SimError};

const MANUAL: [(&str, &str); 3] = [
    ("group.id", "checkers"),
    ("enable.auto.commit", "false"),
    ("auto.offset.reset", "earliest"),
];

fn times(w: &sim::World, group: &str, p: i32, offset: i64) -> u32 {
    w.delivery_ledger()
        .times_processed(Some(group), &tp("orders", p), offset)
}

/// The common case, documented on `Command`: subscribe, poll (JoinGroup), advance the
/// initial rebalance delay (3 s), poll again: the records arrive.
#[test]
fn one_consumer_joins_with_a_poll_an_initial_delay_and_a_second_poll() {
    let mut w = world_with_topic("orders", 2);
    produce(&mut w, "orders", 0, 3);
    consumer(&mut w, "c1", &MANUAL);
    subscribe(&mut w, "c1", "orders");
    let first = poll(&mut w, "c1");
    assert!(
        fetched(&first).is_empty(),
        "nothing before the group is formed"
    );
    assert_eq!(
        w.group("checkers").unwrap().state(),
        GroupState::PreparingRebalance
    );
    let during = advance(&mut w, 3_000);
    assert!(during.iter().any(|e| matches!(
        e,
        Event::Group {
            event: GroupEvent::GenerationStarted { generation: 1, .. }
        }
    )));
    assert_eq!(w.group("checkers").unwrap().state(), GroupState::Stable);
    assert_eq!(w.consumer("c1").unwrap().assignment().len(), 2);
    let second = poll(&mut w, "c1");
    assert_eq!(fetched(&second), vec![(tp("orders", 0), 0, 2)]);
}

#[test]
fn crash_after_processing_before_commit_redelivers_the_batch() {
    let mut w = world_with_topic("orders", 1);
    produce(&mut w, "orders", 0, 5);
    consumer(&mut w, "c1", &MANUAL);
    let events = join_alone(&mut w, "c1", "orders");
    assert_eq!(fetched(&events), vec![(tp("orders", 0), 0, 4)]);
    process(&mut w, "c1");
    assert_eq!(times(&w, "checkers", 0, 4), 1);
    crash(&mut w, "c1"); // before commitSync
    restart(&mut w, "c1");
    // The restarted consumer is a new member; the dead one holds the group's join until
    // its session times out (45 s).
    poll(&mut w, "c1");
    advance(&mut w, 45_000);
    let again = poll(&mut w, "c1");
    assert_eq!(
        fetched(&again),
        vec![(tp("orders", 0), 0, 4)],
        "no commit: the batch comes again"
    );
    process(&mut w, "c1");
    for o in 0..5 {
        assert_eq!(times(&w, "checkers", 0, o), 2, "offset {o} processed twice");
    }
    assert_eq!(w.delivery_ledger().duplicates(Some("checkers")).len(), 5);
}

#[test]
fn commit_before_processing_then_crash_skips_the_batch() {
    let mut w = world_with_topic("orders", 1);
    produce(&mut w, "orders", 0, 5);
    consumer(&mut w, "c1", &MANUAL);
    join_alone(&mut w, "c1", "orders");
    commit_sync(&mut w, "c1").unwrap();
    assert_eq!(
        w.committed_offset("checkers", &tp("orders", 0))
            .map(|c| c.offset.0),
        Some(5),
        "the committed offset is the next offset to read"
    );
    crash(&mut w, "c1"); // before processing
    restart(&mut w, "c1");
    poll(&mut w, "c1");
    advance(&mut w, 45_000);
    let again = poll(&mut w, "c1");
    assert!(fetched(&again).is_empty(), "resumes at 5: nothing left");
    assert_eq!(
        w.delivery_ledger()
            .skipped(Some("checkers"), &tp("orders", 0), 0, 5),
        vec![0, 1, 2, 3, 4],
        "at-most-once: the batch was never processed"
    );
}

/// Auto-commit runs at the start of a poll once `auto.commit.interval.ms` has passed, so a
/// crash before the next poll redelivers everything processed since the last one.
#[test]
fn auto_commit_interval_longer_than_the_crash_window_duplicates() {
    let mut w = world_with_topic("orders", 1);
    consumer(
        &mut w,
        "c1",
        &[("group.id", "checkers"), ("auto.offset.reset", "earliest")],
    );
    join_alone(&mut w, "c1", "orders");
    produce(&mut w, "orders", 0, 3);
    let e = poll(&mut w, "c1");
    assert_eq!(fetched(&e), vec![(tp("orders", 0), 0, 2)]);
    process(&mut w, "c1");
    advance(&mut w, 2_000); // the 5 s auto-commit interval has passed (started at 0)
    produce(&mut w, "orders", 0, 2);
    let e = poll(&mut w, "c1"); // commits 3 first, then fetches 3..4
    assert!(e.iter().any(|e| matches!(
        e,
        Event::Consumer {
            event: ConsumerEvent::Committed { kind: CommitKind::Auto, offsets },
            ..
        } if offsets == &vec![(tp("orders", 0), 3)]
    )));
    assert_eq!(fetched(&e), vec![(tp("orders", 0), 3, 4)]);
    process(&mut w, "c1");
    advance(&mut w, 1_000); // not yet time for the next auto-commit
    crash(&mut w, "c1");
    restart(&mut w, "c1");
    poll(&mut w, "c1");
    advance(&mut w, 45_000);
    let e = poll(&mut w, "c1");
    assert_eq!(fetched(&e), vec![(tp("orders", 0), 3, 4)]);
    process(&mut w, "c1");
    assert_eq!(times(&w, "checkers", 0, 2), 1);
    assert_eq!(times(&w, "checkers", 0, 3), 2);
    assert_eq!(times(&w, "checkers", 0, 4), 2);
}

#[test]
fn a_new_group_with_latest_sees_only_new_records() {
    let mut w = world_with_topic("orders", 1);
    produce(&mut w, "orders", 0, 4);
    consumer(&mut w, "late", &[("group.id", "newcomers")]); // latest is the default
    let e = join_alone(&mut w, "late", "orders");
    assert!(fetched(&e).is_empty());
    assert!(e.iter().any(|e| matches!(
        e,
        Event::Consumer {
            event: ConsumerEvent::PositionReset { offset: 4, .. },
            ..
        }
    )));
    produce(&mut w, "orders", 0, 2);
    let e = poll(&mut w, "late");
    assert_eq!(fetched(&e), vec![(tp("orders", 0), 4, 5)]);
}

#[test]
fn auto_offset_reset_none_is_an_error_the_learner_sees() {
    let mut w = world_with_topic("orders", 1);
    produce(&mut w, "orders", 0, 2);
    consumer(
        &mut w,
        "c1",
        &[("group.id", "strict"), ("auto.offset.reset", "none")],
    );
    let e = join_alone(&mut w, "c1", "orders");
    assert!(e.iter().any(|e| matches!(
        e,
        Event::ConsumerFailed { code, .. } if code == "NO_OFFSET_FOR_PARTITION"
    )));
}

#[test]
fn a_static_member_restart_keeps_its_partitions_without_a_rebalance() {
    let mut w = world_with_topic("orders", 4);
    for (name, id) in [("c1", "checker-1"), ("c2", "checker-2")] {
        consumer(
            &mut w,
            name,
            &[("group.id", "checkers"), ("group.instance.id", id)],
        );
        subscribe(&mut w, name, "orders");
        poll(&mut w, name);
    }
    // The second member joining during the initial delay extends it by another 3 s
    // (Kafka's InitialDelayedJoin).
    advance(&mut w, 6_000);
    poll(&mut w, "c1");
    poll(&mut w, "c2");
    let group = w.group("checkers").unwrap();
    assert_eq!(group.state(), GroupState::Stable);
    let generation = group.generation_id();
    let before = w.consumer("c2").unwrap().assignment();
    assert_eq!(before.len(), 2);
    crash(&mut w, "c2");
    advance(&mut w, 10_000); // well within session.timeout.ms
    let e = restart(&mut w, "c2");
    let mut e2 = poll(&mut w, "c2");
    e2.extend(e);
    assert!(e2.iter().any(|e| matches!(
        e,
        Event::Group {
            event: GroupEvent::StaticMemberReplaced {
                rebalance: false,
                ..
            }
        }
    )));
    let group = w.group("checkers").unwrap();
    assert_eq!(group.state(), GroupState::Stable);
    assert_eq!(group.generation_id(), generation, "no rebalance");
    assert_eq!(w.consumer("c2").unwrap().assignment(), before);
}

/// A member that stops polling for longer than `max.poll.interval.ms` is removed (its
/// heartbeat thread sends LeaveGroup) and the group rebalances without it; when it comes
/// back and commits, the commit is refused with `CommitFailedException`. As in the Java
/// client, the zombie already knows it lost its membership, so the cause is
/// `UNKNOWN_MEMBER_ID` (a commit reaching the coordinator with a stale generation gets
/// `ILLEGAL_GENERATION`: see `group_coordinator.rs`).
#[test]
fn a_zombie_members_commit_is_fenced() {
    let mut w = world_with_topic("orders", 2);
    produce(&mut w, "orders", 0, 3);
    consumer(
        &mut w,
        "c1",
        &[
            ("group.id", "checkers"),
            ("enable.auto.commit", "false"),
            ("auto.offset.reset", "earliest"),
            ("max.poll.interval.ms", "10000"),
        ],
    );
    consumer(&mut w, "c2", &MANUAL);
    subscribe(&mut w, "c1", "orders");
    subscribe(&mut w, "c2", "orders");
    poll(&mut w, "c1");
    poll(&mut w, "c2");
    advance(&mut w, 3_000);
    poll(&mut w, "c1");
    poll(&mut w, "c2");
    // c2 keeps polling; c1 goes quiet for longer than its max.poll.interval.ms.
    for _ in 0..6 {
        advance(&mut w, 2_000);
        poll(&mut w, "c2");
    }
    let group = w.group("checkers").unwrap();
    assert!(
        group.generation_id() >= 2,
        "c1 was removed and the group rebalanced"
    );
    // Offsets given explicitly: the zombie does not know it lost its partitions.
    let err = w
        .apply(Command::CommitSync {
            consumer: "c1".into(),
            offsets: Some(vec![OffsetCommit {
                topic: "orders".into(),
                partition: 0,
                offset: 3,
                metadata: String::new(),
                leader_epoch: None,
            }]),
        })
        .unwrap_err();
    assert!(
        matches!(
            &err,
            SimError::Consumer {
                cause: ConsumerError::CommitFailed {
                    cause: GroupError::UnknownMemberId { .. }
                        | GroupError::IllegalGeneration { .. }
                },
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(w.committed_offset("checkers", &tp("orders", 0)), None);
}

/// Two members share four partitions; a third joins. Eager (`range`): everyone gives back
/// everything, then gets a new assignment. Cooperative (`cooperative-sticky`): only the
/// partitions that move are revoked, and they are assigned in a follow-up rebalance.
fn third_member_joins(strategy: &str) -> (Vec<Event>, i32, i32) {
    let mut w = world_with_topic("orders", 4);
    let cfg = [
        ("group.id", "checkers"),
        ("partition.assignment.strategy", strategy),
    ];
    for n in ["c1", "c2"] {
        consumer(&mut w, n, &cfg);
        subscribe(&mut w, n, "orders");
        poll(&mut w, n);
    }
    settle(&mut w, &["c1", "c2"], 8);
    assert_eq!(w.consumer("c1").unwrap().assignment().len(), 2);
    let before = w.group("checkers").unwrap().generation_id();
    consumer(&mut w, "c3", &cfg);
    subscribe(&mut w, "c3", "orders");
    let mut events = poll(&mut w, "c3");
    events.extend(settle(&mut w, &["c1", "c2", "c3"], 12));
    let g = w.group("checkers").unwrap();
    assert_eq!(g.state(), GroupState::Stable);
    let owned: usize = ["c1", "c2", "c3"]
        .iter()
        .map(|n| w.consumer(n).unwrap().assignment().len())
        .sum();
    assert_eq!(owned, 4, "every partition has exactly one owner");
    (events, before, g.generation_id())
}

#[test]
fn eager_and_cooperative_revocations_differ_as_kafkas_do() {
    let (eager, before, after) = third_member_joins("range");
    assert_eq!(after, before + 1, "eager: one rebalance");
    assert_eq!(revoked(&eager, "c1").len(), 2, "eager: c1 gives back both");
    assert_eq!(revoked(&eager, "c2").len(), 2, "eager: c2 gives back both");
    assert!(
        eager.iter().any(|e| matches!(
            e,
            Event::Consumer {
                event: ConsumerEvent::Committed {
                    kind: CommitKind::BeforeRebalance,
                    ..
                },
                ..
            }
        )),
        "auto-commit runs before the partitions are revoked"
    );

    let (coop, before, after) = third_member_joins("cooperative-sticky");
    assert_eq!(after, before + 2, "cooperative: a follow-up rebalance");
    let moved = revoked(&coop, "c1").len() + revoked(&coop, "c2").len();
    assert_eq!(
        moved, 1,
        "cooperative: only the partition that moves is revoked"
    );
}
