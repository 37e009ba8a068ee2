//! Consumers through `World::apply`: groups side by side, standalone consumers, seeks,
//! pause and resume, processing time, retention under a committed offset, new partitions,
//! close, snapshots — and bad input, which is a typed error that changes nothing.

mod clients_support;

use clients_support::*;
use sim::consumer::{CommitKind, ConsumerEvent, ResetReason};
use sim::group::{GroupEvent, GroupState, RemovalReason};
use sim::{Command, Event, OffsetCommit, TopicPartition, World};

fn commit_of(topic: &str, partition: i32, offset: i64) -> OffsetCommit {
    OffsetCommit {
        topic: topic.into(),
        partition,
        offset,
        metadata: String::new(),
        leader_epoch: None,
    }
}

fn committed(w: &World, group: &str, p: i32) -> Option<i64> {
    w.committed_offset(group, &tp("orders", p))
        .map(|c| c.offset.0)
}

#[test]
fn two_groups_read_the_same_records_and_keep_their_own_committed_offsets() {
    let mut w = world_with_topic("orders", 1);
    produce(&mut w, "orders", 0, 6);
    for (name, group) in [("billing", "billing"), ("audit", "audit")] {
        consumer(
            &mut w,
            name,
            &[
                ("group.id", group),
                ("enable.auto.commit", "false"),
                ("auto.offset.reset", "earliest"),
                (
                    "max.poll.records",
                    if group == "billing" { "6" } else { "2" },
                ),
            ],
        );
        join_alone(&mut w, name, "orders");
        process(&mut w, name);
        commit_sync(&mut w, name).unwrap();
    }
    assert_eq!(committed(&w, "billing", 0), Some(6));
    assert_eq!(committed(&w, "audit", 0), Some(2));
    let ledger = w.delivery_ledger();
    assert_eq!(
        ledger.times_processed(Some("billing"), &tp("orders", 0), 5),
        1
    );
    assert_eq!(
        ledger.times_processed(Some("audit"), &tp("orders", 0), 5),
        0
    );
    let lag = w.group_lag("audit");
    assert_eq!(lag.len(), 1);
    assert_eq!(
        (lag[0].committed, lag[0].log_end_offset, lag[0].lag),
        (Some(2), 6, Some(4))
    );
    let view = w.consumer_view("audit").unwrap();
    assert_eq!(view.partitions[0].position, Some(2));
    assert_eq!(view.partitions[0].lag, Some(4), "HW - position");
}

#[test]
fn a_standalone_consumer_assigns_partitions_and_commits_by_hand() {
    let mut w = world_with_topic("orders", 2);
    produce(&mut w, "orders", 1, 3);
    consumer(
        &mut w,
        "solo",
        &[
            ("group.id", "manual"),
            ("enable.auto.commit", "false"),
            ("auto.offset.reset", "earliest"),
        ],
    );
    w.apply(Command::Assign {
        consumer: "solo".into(),
        partitions: vec![tp("orders", 1)],
    })
    .unwrap();
    let e = poll(&mut w, "solo");
    assert_eq!(
        fetched(&e),
        vec![(tp("orders", 1), 0, 2)],
        "no group, no join: at once"
    );
    assert!(w.group("manual").is_none());
    w.apply(Command::CommitSync {
        consumer: "solo".into(),
        offsets: Some(vec![commit_of("orders", 1, 2)]),
    })
    .unwrap();
    assert_eq!(committed(&w, "manual", 1), Some(2));
}

#[test]
fn seek_seek_to_beginning_and_seek_to_end_move_the_position_for_the_next_poll() {
    let mut w = world_with_topic("orders", 1);
    produce(&mut w, "orders", 0, 5);
    consumer(&mut w, "c1", &[("auto.offset.reset", "earliest")]);
    w.apply(Command::Assign {
        consumer: "c1".into(),
        partitions: vec![tp("orders", 0)],
    })
    .unwrap();
    poll(&mut w, "c1");
    w.apply(Command::Seek {
        consumer: "c1".into(),
        topic: "orders".into(),
        partition: 0,
        offset: 3,
    })
    .unwrap();
    assert_eq!(fetched(&poll(&mut w, "c1")), vec![(tp("orders", 0), 3, 4)]);
    w.apply(Command::SeekToBeginning {
        consumer: "c1".into(),
        partitions: vec![],
    })
    .unwrap();
    assert_eq!(fetched(&poll(&mut w, "c1")), vec![(tp("orders", 0), 0, 4)]);
    w.apply(Command::SeekToEnd {
        consumer: "c1".into(),
        partitions: vec![],
    })
    .unwrap();
    let e = poll(&mut w, "c1");
    assert!(fetched(&e).is_empty());
    assert!(e.iter().any(|e| matches!(
        e,
        Event::Consumer {
            event: ConsumerEvent::PositionReset {
                offset: 5,
                reason: ResetReason::SeekToEnd,
                ..
            },
            ..
        }
    )));
}

#[test]
fn offsets_for_times_finds_the_first_record_at_or_after_a_timestamp() {
    let mut w = world_with_topic("orders", 1);
    produce(&mut w, "orders", 0, 2); // at t=0
    advance(&mut w, 1_000);
    produce(&mut w, "orders", 0, 2); // at t=1010
    consumer(&mut w, "c1", &[]);
    w.apply(Command::Assign {
        consumer: "c1".into(),
        partitions: vec![tp("orders", 0)],
    })
    .unwrap();
    let ask = |w: &mut World, ts: i64| {
        let e = w
            .apply(Command::OffsetsForTimes {
                consumer: "c1".into(),
                timestamp_ms: ts,
                partitions: vec![],
            })
            .unwrap();
        match &e[0] {
            Event::OffsetsForTimes { offsets, .. } => offsets[0].offset.map(|o| o.0),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(ask(&mut w, 500), Some(2));
    assert_eq!(ask(&mut w, 0), Some(0));
    assert_eq!(ask(&mut w, 99_999), None, "Java's null: no such record");
}

#[test]
fn a_paused_partition_is_not_fetched_until_resumed() {
    let mut w = world_with_topic("orders", 2);
    produce(&mut w, "orders", 0, 2);
    produce(&mut w, "orders", 1, 2);
    consumer(&mut w, "c1", &[("auto.offset.reset", "earliest")]);
    w.apply(Command::Assign {
        consumer: "c1".into(),
        partitions: vec![tp("orders", 0), tp("orders", 1)],
    })
    .unwrap();
    w.apply(Command::Pause {
        consumer: "c1".into(),
        partitions: vec![tp("orders", 1)],
    })
    .unwrap();
    assert_eq!(fetched(&poll(&mut w, "c1")), vec![(tp("orders", 0), 0, 1)]);
    w.apply(Command::Resume {
        consumer: "c1".into(),
        partitions: vec![tp("orders", 1)],
    })
    .unwrap();
    assert_eq!(fetched(&poll(&mut w, "c1")), vec![(tp("orders", 1), 0, 1)]);
}

#[test]
fn a_crash_in_the_middle_of_processing_leaves_the_rest_unprocessed() {
    let mut w = world_with_topic("orders", 1);
    produce(&mut w, "orders", 0, 5);
    consumer(
        &mut w,
        "c1",
        &[
            ("auto.offset.reset", "earliest"),
            ("processing.ms.per.record", "100"),
        ],
    );
    w.apply(Command::Assign {
        consumer: "c1".into(),
        partitions: vec![tp("orders", 0)],
    })
    .unwrap();
    poll(&mut w, "c1");
    let e = process(&mut w, "c1");
    assert!(!e
        .iter()
        .any(|e| matches!(e, Event::RecordsProcessed { .. })));
    let e = advance(&mut w, 250);
    let done: usize = e
        .iter()
        .map(|e| match e {
            Event::RecordsProcessed { records, .. } => records.len(),
            _ => 0,
        })
        .sum();
    assert_eq!(done, 2, "two records take 200 ms");
    let e = w
        .apply(Command::CrashConsumer {
            consumer: "c1".into(),
        })
        .unwrap();
    assert!(e
        .iter()
        .any(|e| matches!(e, Event::ProcessingAbandoned { records: 3, .. })));
    let ledger = w.delivery_ledger();
    assert_eq!(ledger.skipped(None, &tp("orders", 0), 0, 5), vec![2, 3, 4]);
}

/// Retention deleted the records under the committed offset: `auto.offset.reset`
/// applies, with the reason shown.
#[test]
fn a_committed_offset_deleted_by_retention_resets_to_the_log_start() {
    let mut w = world_with_topic("orders", 1);
    produce(&mut w, "orders", 0, 10);
    consumer(
        &mut w,
        "c1",
        &[
            ("group.id", "g"),
            ("enable.auto.commit", "false"),
            ("auto.offset.reset", "earliest"),
            ("max.poll.records", "2"),
        ],
    );
    join_alone(&mut w, "c1", "orders");
    commit_sync(&mut w, "c1").unwrap();
    assert_eq!(committed(&w, "g", 0), Some(2));
    w.apply(Command::DeleteRecords {
        topic: "orders".into(),
        partition: 0,
        before_offset: 6,
    })
    .unwrap();
    crash(&mut w, "c1");
    restart(&mut w, "c1");
    poll(&mut w, "c1");
    let mut e = advance(&mut w, 45_000);
    e.extend(poll(&mut w, "c1"));
    assert!(
        e.iter().any(|e| matches!(
            e,
            Event::Consumer {
                event: ConsumerEvent::PositionReset {
                    offset: 6,
                    reason: ResetReason::OutOfRange,
                    ..
                },
                ..
            }
        )),
        "{e:#?}"
    );
    // The reset happens in that poll; the next one fetches from the new position.
    assert_eq!(fetched(&poll(&mut w, "c1")), vec![(tp("orders", 0), 6, 7)]);
}

#[test]
fn new_partitions_of_a_subscribed_topic_are_assigned_after_a_rebalance() {
    let mut w = world_with_topic("orders", 2);
    consumer(&mut w, "c1", &[("group.id", "g")]);
    join_alone(&mut w, "c1", "orders");
    let generation = w.group("g").unwrap().generation_id();
    w.apply(Command::AddPartitions {
        topic: "orders".into(),
        total: 4,
    })
    .unwrap();
    settle(&mut w, &["c1"], 3);
    assert_eq!(w.consumer("c1").unwrap().assignment().len(), 4);
    assert!(w.group("g").unwrap().generation_id() > generation);
}

#[test]
fn close_commits_leaves_and_the_group_rebalances_without_waiting_for_the_session_timeout() {
    let mut w = world_with_topic("orders", 2);
    produce(&mut w, "orders", 0, 3);
    for n in ["c1", "c2"] {
        consumer(
            &mut w,
            n,
            &[("group.id", "g"), ("auto.offset.reset", "earliest")],
        );
        subscribe(&mut w, n, "orders");
        poll(&mut w, n);
    }
    settle(&mut w, &["c1", "c2"], 8);
    let owner = if w
        .consumer("c1")
        .unwrap()
        .assignment()
        .contains(&tp("orders", 0))
    {
        "c1"
    } else {
        "c2"
    };
    let other = if owner == "c1" { "c2" } else { "c1" };
    let e = w
        .apply(Command::CloseConsumer {
            consumer: owner.into(),
        })
        .unwrap();
    assert!(e.iter().any(|e| matches!(
        e,
        Event::Consumer {
            event: ConsumerEvent::Committed {
                kind: CommitKind::OnClose,
                ..
            },
            ..
        }
    )));
    assert!(e.iter().any(|e| matches!(
        e,
        Event::Group {
            event: GroupEvent::MemberRemoved {
                reason: RemovalReason::LeaveGroup,
                ..
            }
        }
    )));
    settle(&mut w, &[other], 5);
    assert_eq!(w.consumer(other).unwrap().assignment().len(), 2);
    assert_eq!(committed(&w, "g", 0), Some(3));
}

#[test]
fn a_crashed_member_is_removed_at_the_session_timeout() {
    let mut w = world_with_topic("orders", 2);
    for n in ["c1", "c2"] {
        consumer(&mut w, n, &[("group.id", "g")]);
        subscribe(&mut w, n, "orders");
        poll(&mut w, n);
    }
    settle(&mut w, &["c1", "c2"], 8);
    crash(&mut w, "c2");
    let e = settle(&mut w, &["c1"], 40);
    assert!(!e.iter().any(|e| matches!(
        e,
        Event::Group {
            event: GroupEvent::MemberRemoved { .. }
        }
    )));
    let e = settle(&mut w, &["c1"], 10);
    assert!(e.iter().any(|e| matches!(
        e,
        Event::Group {
            event: GroupEvent::MemberRemoved {
                reason: RemovalReason::SessionTimeout,
                ..
            }
        }
    )));
    settle(&mut w, &["c1"], 3);
    assert_eq!(w.consumer("c1").unwrap().assignment().len(), 2);
    assert_eq!(w.group("g").unwrap().state(), GroupState::Stable);
}

#[test]
fn a_world_with_clients_survives_snapshot_and_restore_and_runs_on_identically() {
    let mut w = world_with_topic("orders", 3);
    produce(&mut w, "orders", 0, 4);
    consumer(
        &mut w,
        "c1",
        &[
            ("group.id", "g"),
            ("auto.offset.reset", "earliest"),
            ("processing.ms.per.record", "50"),
        ],
    );
    join_alone(&mut w, "c1", "orders");
    process(&mut w, "c1");
    w.apply(Command::CreateProducer {
        name: "p1".into(),
        config: props(&[("linger.ms", "500")]),
    })
    .unwrap();
    w.apply(Command::Send {
        producer: "p1".into(),
        topic: "orders".into(),
        partition: None,
        key: None,
        value: Some("x".into()),
        headers: vec![],
        timestamp_ms: None,
    })
    .unwrap();
    let bytes = w.snapshot().unwrap();
    let mut back = World::restore(&bytes).unwrap();
    assert_eq!(back.state_hash(), w.state_hash());
    let json = serde_json::to_string(&w).unwrap();
    let from_json: World = serde_json::from_str(&json).unwrap();
    assert_eq!(from_json, w);
    let a = settle(&mut w, &["c1"], 5);
    let b = settle(&mut back, &["c1"], 5);
    assert_eq!(a, b);
    assert_eq!(back.state_hash(), w.state_hash());
}

#[test]
fn bad_consumer_input_is_a_typed_error_and_changes_nothing() {
    let mut w = world_with_topic("orders", 2);
    consumer(&mut w, "c1", &[("group.id", "g")]);
    consumer(&mut w, "nogroup", &[]);
    w.apply(Command::Assign {
        consumer: "nogroup".into(),
        partitions: vec![tp("orders", 0)],
    })
    .unwrap();
    let cases: Vec<(Command, &str)> = vec![
        (
            Command::Poll {
                consumer: "ghost".into(),
                max_records: None,
            },
            "UNKNOWN_CLIENT",
        ),
        (
            Command::Poll {
                consumer: "c1".into(),
                max_records: None,
            },
            "ILLEGAL_STATE",
        ),
        // Subscribing to a missing topic is not an error (it may be created on first use):
        // see tests/world_auto_create.rs.
        (
            Command::Subscribe {
                consumer: "nogroup".into(),
                topics: vec!["orders".into()],
            },
            "INVALID_GROUP_ID",
        ),
        (
            Command::Assign {
                consumer: "c1".into(),
                partitions: vec![tp("orders", 9)],
            },
            "UNKNOWN_TOPIC_OR_PARTITION",
        ),
        (
            Command::Seek {
                consumer: "nogroup".into(),
                topic: "orders".into(),
                partition: 0,
                offset: -1,
            },
            "ILLEGAL_ARGUMENT",
        ),
        (
            Command::Seek {
                consumer: "nogroup".into(),
                topic: "orders".into(),
                partition: 1,
                offset: 0,
            },
            "ILLEGAL_STATE",
        ),
        (
            Command::CommitSync {
                consumer: "nogroup".into(),
                offsets: Some(vec![commit_of("orders", 0, 1)]),
            },
            "INVALID_GROUP_ID",
        ),
        (
            Command::CommitSync {
                consumer: "c1".into(),
                offsets: Some(vec![commit_of("nope", 0, 1)]),
            },
            "UNKNOWN_TOPIC_OR_PARTITION",
        ),
        (
            Command::CommitSync {
                consumer: "c1".into(),
                offsets: Some(vec![commit_of("orders", 0, -5)]),
            },
            "ILLEGAL_ARGUMENT",
        ),
        (
            Command::Pause {
                consumer: "c1".into(),
                partitions: vec![tp("orders", 0)],
            },
            "ILLEGAL_STATE",
        ),
        (
            Command::RestartConsumer {
                consumer: "c1".into(),
            },
            "ILLEGAL_STATE",
        ),
        (
            Command::CreateConsumer {
                name: "c1".into(),
                config: props(&[]),
            },
            "CLIENT_ALREADY_EXISTS",
        ),
        (
            Command::CreateConsumer {
                name: "c9".into(),
                config: props(&[("max.poll.recods", "5")]),
            },
            "INVALID_CONFIG",
        ),
        (
            Command::CreateConsumer {
                name: "c9".into(),
                config: props(&[("auto.offset.reset", "smallest")]),
            },
            "INVALID_CONFIG",
        ),
        (
            Command::Process {
                consumer: "c1".into(),
                count: None,
                per_record_ms: Some(-1),
            },
            "INVALID_REQUEST",
        ),
    ];
    for (command, code) in cases {
        let before = w.state_hash();
        let err = w.apply(command.clone()).unwrap_err();
        assert_eq!(err.kafka_code(), code, "{command:?}: {err}");
        assert_eq!(w.state_hash(), before, "{command:?} changed the world");
    }
}

/// Kafka's broker does not check that a member owns the partitions it commits (only
/// member and generation): a commit for an unassigned partition is accepted.
#[test]
fn a_group_member_may_commit_a_partition_it_does_not_own_as_in_kafka() {
    let mut w = world_with_topic("orders", 2);
    consumer(&mut w, "c1", &[("group.id", "g")]);
    join_alone(&mut w, "c1", "orders");
    w.apply(Command::Unsubscribe {
        consumer: "c1".into(),
    })
    .unwrap();
    w.apply(Command::Assign {
        consumer: "c1".into(),
        partitions: vec![tp("orders", 0)],
    })
    .unwrap();
    w.apply(Command::CommitSync {
        consumer: "c1".into(),
        offsets: Some(vec![commit_of("orders", 1, 0)]),
    })
    .unwrap();
    assert_eq!(committed(&w, "g", 1), Some(0));
    let _ = TopicPartition::new("orders", 1);
}

#[test]
fn a_failed_commit_async_is_an_event_not_an_error() {
    let mut w = world_with_topic("orders", 1);
    consumer(
        &mut w,
        "c1",
        &[("group.id", "g"), ("enable.auto.commit", "false")],
    );
    consumer(
        &mut w,
        "c2",
        &[("group.id", "g"), ("enable.auto.commit", "false")],
    );
    join_alone(&mut w, "c1", "orders");
    // c2 joins: the group rebalances; c1 has not rejoined yet.
    subscribe(&mut w, "c2", "orders");
    poll(&mut w, "c2");
    let e = w
        .apply(Command::CommitAsync {
            consumer: "c1".into(),
            offsets: Some(vec![commit_of("orders", 0, 0)]),
        })
        .unwrap();
    let failed = e.iter().any(|e| {
        matches!(
            e,
            Event::Consumer {
                event: ConsumerEvent::CommitFailed {
                    kind: CommitKind::Async,
                    ..
                },
                ..
            }
        )
    });
    let committed = e.iter().any(|e| {
        matches!(
            e,
            Event::Consumer {
                event: ConsumerEvent::Committed {
                    kind: CommitKind::Async,
                    ..
                },
                ..
            }
        )
    });
    assert!(
        failed || committed,
        "either way an event, never an error: {e:#?}"
    );
}

#[test]
fn the_view_shows_processed_records_not_yet_committed() {
    let mut w = world_with_topic("orders", 1);
    produce(&mut w, "orders", 0, 4);
    consumer(
        &mut w,
        "c1",
        &[
            ("group.id", "g"),
            ("enable.auto.commit", "false"),
            ("auto.offset.reset", "earliest"),
        ],
    );
    join_alone(&mut w, "c1", "orders");
    let view = w.consumer_view("c1").unwrap();
    assert_eq!(view.unprocessed.len(), 4);
    assert_eq!(view.last_batch.len(), 4);
    assert_eq!(view.last_batch[3].value.as_deref(), Some("v3"));
    w.apply(Command::Process {
        consumer: "c1".into(),
        count: Some(3),
        per_record_ms: None,
    })
    .unwrap();
    let view = w.consumer_view("c1").unwrap();
    assert_eq!(view.partitions[0].processed_uncommitted, vec![0, 1, 2]);
    assert_eq!(view.unprocessed.len(), 1);
    commit_sync(&mut w, "c1").unwrap();
    let view = w.consumer_view("c1").unwrap();
    assert!(view.partitions[0].processed_uncommitted.is_empty());
    assert_eq!(view.partitions[0].committed, Some(4));
}

/// An Empty group whose offsets were deleted is Dead; the next member to join starts a
/// new group (generation 1 again).
#[test]
fn an_empty_group_without_offsets_is_dead_and_a_new_join_starts_it_afresh() {
    let mut w = world_with_topic("orders", 1);
    produce(&mut w, "orders", 0, 2);
    consumer(
        &mut w,
        "c1",
        &[("group.id", "g"), ("auto.offset.reset", "earliest")],
    );
    join_alone(&mut w, "c1", "orders");
    w.apply(Command::CloseConsumer {
        consumer: "c1".into(),
    })
    .unwrap();
    assert_eq!(w.group("g").unwrap().state(), GroupState::Empty);
    advance(&mut w, 100);
    let e = w
        .apply(Command::DeleteOffsets {
            group: "g".into(),
            partitions: vec![tp("orders", 0)],
        })
        .unwrap();
    assert!(e.iter().any(|e| matches!(
        e,
        Event::Group {
            event: GroupEvent::StateChanged {
                to: GroupState::Dead,
                ..
            }
        }
    )));
    restart(&mut w, "c1");
    poll(&mut w, "c1");
    advance(&mut w, 3_000);
    let g = w.group("g").unwrap();
    assert_eq!((g.state(), g.generation_id()), (GroupState::Stable, 1));
    assert_eq!(fetched(&poll(&mut w, "c1")), vec![(tp("orders", 0), 0, 1)]);
}

/// Kafka's `MockConsumerTest.testSimpleMock`: after polling the records at offsets 0 and
/// 1 the position is 2, and `commitSync()` commits 2 — the next offset to read.
#[test]
fn after_polling_offsets_0_and_1_the_position_and_the_committed_offset_are_2() {
    let mut w = world_with_topic("test", 2);
    consumer(
        &mut w,
        "c",
        &[("group.id", "g"), ("enable.auto.commit", "false")],
    );
    subscribe(&mut w, "c", "test");
    poll(&mut w, "c");
    advance(&mut w, 3_000);
    assert_eq!(
        w.consumer("c").unwrap().assignment(),
        vec![tp("test", 0), tp("test", 1)]
    );
    w.apply(Command::Seek {
        consumer: "c".into(),
        topic: "test".into(),
        partition: 0,
        offset: 0,
    })
    .unwrap();
    for (k, v) in [("key1", "value1"), ("key2", "value2")] {
        w.apply(Command::Produce {
            topic: "test".into(),
            partition: Some(0),
            key: Some(k.into()),
            value: Some(v.into()),
            headers: vec![],
            timestamp_ms: None,
            acks: None,
        })
        .unwrap();
    }
    advance(&mut w, 10);
    poll(&mut w, "c");
    let view = w.consumer_view("c").unwrap();
    let batch: Vec<_> = view
        .last_batch
        .iter()
        .map(|r| (r.offset, r.key.clone().unwrap(), r.value.clone().unwrap()))
        .collect();
    assert_eq!(
        batch,
        vec![
            (0, "key1".to_string(), "value1".to_string()),
            (1, "key2".to_string(), "value2".to_string())
        ]
    );
    assert_eq!(view.partitions[0].position, Some(2));
    commit_sync(&mut w, "c").unwrap();
    assert_eq!(committed_in(&w, "g", "test", 0), Some(2));
}

fn committed_in(w: &World, group: &str, topic: &str, p: i32) -> Option<i64> {
    w.committed_offset(group, &tp(topic, p)).map(|c| c.offset.0)
}

#[test]
fn client_commands_and_events_round_trip_through_json() {
    let c: Command = serde_json::from_str(r#"{"type":"Poll","consumer":"c1"}"#).unwrap();
    assert_eq!(
        c,
        Command::Poll {
            consumer: "c1".into(),
            max_records: None
        }
    );
    let c: Command = serde_json::from_str(
        r#"{"type":"CreateConsumer","name":"c1","config":{"group.id":"g1","enable.auto.commit":"false"}}"#,
    )
    .unwrap();
    assert!(matches!(c, Command::CreateConsumer { ref config, .. } if config["group.id"] == "g1"));
    let mut w = world_with_topic("orders", 2);
    produce(&mut w, "orders", 0, 3);
    consumer(
        &mut w,
        "c1",
        &[("group.id", "g"), ("auto.offset.reset", "earliest")],
    );
    let mut events = join_alone(&mut w, "c1", "orders");
    events.extend(process(&mut w, "c1"));
    events.extend(commit_sync(&mut w, "c1").unwrap());
    let json = serde_json::to_string(&events).unwrap();
    let back: Vec<Event> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, events);
}

/// The broker refuses a `session.timeout.ms` below `group.min.session.timeout.ms` (6 s):
/// the learner sees `INVALID_SESSION_TIMEOUT` from the poll.
#[test]
fn a_session_timeout_below_the_brokers_minimum_is_refused_at_join() {
    let mut w = world_with_topic("orders", 1);
    consumer(
        &mut w,
        "c1",
        &[
            ("group.id", "g"),
            ("session.timeout.ms", "1000"),
            ("heartbeat.interval.ms", "300"),
        ],
    );
    subscribe(&mut w, "c1", "orders");
    let e = poll(&mut w, "c1");
    assert!(e.iter().any(|e| matches!(
        e,
        Event::ConsumerFailed { code, .. } if code == "INVALID_SESSION_TIMEOUT"
    )));
    assert!(w.consumer("c1").unwrap().assignment().is_empty());
}
