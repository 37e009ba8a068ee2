//! Played clients: a consumer's application loop under each commit policy, crashed at
//! chosen points, and what Kafka's semantics predict for duplicates and skips; a producer
//! at a rate; stopping; and memory staying bounded in a long played session.

mod clients_support;

use clients_support::*;
use sim::clients::{AppView, CommitPolicy};
use sim::{Command, Event, TopicConfigOverrides, TopicPartition, World};

/// Where the consumer process dies during its first batches (offsets 0..=3, then 4..=7,
/// then 8..=9: `max.poll.records=4`, 100 ms of processing per record).
#[derive(Debug, Clone, Copy, PartialEq)]
enum CrashPoint {
    /// The first poll returned 0..=3; no record is done yet.
    AfterPoll,
    /// Records 0 and 1 are done, 2 and 3 are not.
    MidBatch,
    /// The first batch is done (and committed, if the policy commits after a batch) and the
    /// second poll returned 4..=7; none of those is done.
    AfterBatch,
}

fn run_consumer(w: &mut World, policy: CommitPolicy) {
    w.apply(Command::RunConsumer {
        consumer: "c1".into(),
        commit: Some(policy),
        process_ms: Some(100),
        idle_ms: None,
    })
    .unwrap();
}

fn deliveries(w: &World) -> u64 {
    w.delivery_ledger().totals(Some("g")).deliveries
}

fn in_hand(w: &World) -> bool {
    let v = w.consumer_view("c1").unwrap();
    !v.unprocessed.is_empty() || !v.processing.is_empty()
}

fn position(w: &World) -> Option<i64> {
    w.consumer_view("c1")
        .unwrap()
        .partitions
        .first()
        .and_then(|p| p.position)
}

/// Crash points are never inside a `commitSync`: a crash there races with the commit (the
/// restarted consumer may read the committed offset before the commit lands).
fn reached(w: &World, at: CrashPoint) -> bool {
    let committing =
        matches!(w.app("c1"), Some(AppView::Consumer { step, .. }) if step == "commit");
    !committing
        && match at {
            CrashPoint::AfterPoll => deliveries(w) == 0 && in_hand(w),
            CrashPoint::MidBatch => deliveries(w) == 2,
            CrashPoint::AfterBatch => deliveries(w) == 4 && position(w) == Some(8),
        }
}

/// Ten records, a played consumer with `policy`, a crash at `at`, a restart, the loop again
/// until everything is consumed: (duplicate records, skipped records).
fn play(policy: CommitPolicy, at: CrashPoint) -> (u64, u64) {
    let mut w = world_with_topic("orders", 1);
    produce(&mut w, "orders", 0, 10);
    let auto = if policy == CommitPolicy::Auto {
        "true"
    } else {
        "false"
    };
    consumer(
        &mut w,
        "c1",
        &[
            ("group.id", "g"),
            ("enable.auto.commit", auto),
            ("auto.offset.reset", "earliest"),
            ("max.poll.records", "4"),
        ],
    );
    w.apply(Command::Assign {
        consumer: "c1".into(),
        partitions: vec![tp("orders", 0)],
    })
    .unwrap();
    run_consumer(&mut w, policy);
    let mut steps = 0;
    while !reached(&w, at) {
        advance(&mut w, 1);
        steps += 1;
        assert!(steps < 5_000, "{policy:?}: never reached {at:?}");
    }
    crash(&mut w, "c1");
    assert!(w.app("c1").is_none(), "a crash stops the application");
    restart(&mut w, "c1");
    assert!(w.app("c1").is_none(), "a restarted consumer is manual");
    run_consumer(&mut w, policy);
    advance(&mut w, 20_000);
    let totals = w.delivery_ledger().totals(Some("g"));
    // Every record is accounted for: processed at least once, or skipped.
    assert_eq!(
        totals.processed_records + totals.skipped_records,
        10,
        "{policy:?} at {at:?}: {totals:?}"
    );
    w.check_invariants().unwrap();
    (totals.duplicate_records, totals.skipped_records)
}

/// The table: policy × crash point → (duplicates, skips). The restarted consumer resumes
/// from the committed offset (`auto.offset.reset=earliest` when there is none), so:
/// - records processed after the last commit are processed again (duplicates:
///   at-least-once);
/// - records committed before they were processed are never processed (skips:
///   at-most-once).
#[test]
fn each_commit_policy_gives_the_duplicates_and_skips_kafka_predicts() {
    use CommitPolicy::*;
    use CrashPoint::*;
    let table = [
        // auto: enable.auto.commit commits at a poll once auto.commit.interval.ms (5 s)
        // has passed since the consumer started. The crash comes within the first second:
        // nothing was committed, so everything processed before the crash comes again.
        (Auto, AfterPoll, (0, 0)),
        (Auto, MidBatch, (2, 0)),
        (Auto, AfterBatch, (4, 0)),
        // commitSync after each batch: only the unfinished batch's processed records come
        // again (0 and 1 in the middle of the first batch); a finished batch is committed.
        (SyncPerBatch, AfterPoll, (0, 0)),
        (SyncPerBatch, MidBatch, (2, 0)),
        (SyncPerBatch, AfterBatch, (0, 0)),
        // commitSync(offset + 1) after each record: the window is one record, and a crash
        // between records loses nothing and repeats nothing.
        (SyncPerRecord, AfterPoll, (0, 0)),
        (SyncPerRecord, MidBatch, (0, 0)),
        (SyncPerRecord, AfterBatch, (0, 0)),
        // commitSync right after poll: the batch's end is committed before any record is
        // processed, so what the crash interrupts is never processed (at-most-once).
        (BeforeProcessing, AfterPoll, (0, 4)),
        (BeforeProcessing, MidBatch, (0, 2)),
        (BeforeProcessing, AfterBatch, (0, 4)),
        // commitAsync after each batch: the loop does not wait for the commit. The crash
        // right after the next poll comes before the commit is replicated and
        // acknowledged, so the restarted consumer still reads the old committed offset and
        // the whole first batch comes again (commitSync would have waited).
        (AsyncPerBatch, AfterPoll, (0, 0)),
        (AsyncPerBatch, MidBatch, (2, 0)),
        (AsyncPerBatch, AfterBatch, (4, 0)),
    ];
    for (policy, at, expected) in table {
        assert_eq!(
            play(policy, at),
            expected,
            "{policy:?} crashed at {at:?}: (duplicates, skips)"
        );
    }
}

#[test]
fn a_played_consumer_without_a_crash_processes_everything_once() {
    for policy in CommitPolicy::ALL {
        let mut w = world_with_topic("orders", 2);
        produce(&mut w, "orders", 0, 7);
        produce(&mut w, "orders", 1, 5);
        let auto = if policy == CommitPolicy::Auto {
            "true"
        } else {
            "false"
        };
        // The external-store policy keeps the offsets in the application's own database.
        let external = policy == CommitPolicy::ExternalStore;
        let mut cfg = vec![
            ("group.id", "g"),
            ("enable.auto.commit", auto),
            ("auto.offset.reset", "earliest"),
            ("max.poll.records", "3"),
        ];
        if external {
            w.apply(Command::CreateDatabase { name: "db".into() })
                .unwrap();
            cfg.push(("offset.store", "db"));
        }
        consumer(&mut w, "c1", &cfg);
        subscribe(&mut w, "c1", "orders");
        run_consumer(&mut w, policy);
        advance(&mut w, 10_000);
        let t = w.delivery_ledger().totals(Some("g"));
        assert_eq!((t.processed_records, t.deliveries), (12, 12), "{policy:?}");
        assert_eq!(
            (t.duplicate_records, t.skipped_records),
            (0, 0),
            "{policy:?}"
        );
        // Committed by now (auto: at a poll after 5 s); stored, for the external store.
        for p in 0..2 {
            let c = if external {
                w.database("db")
                    .unwrap()
                    .offsets()
                    .iter()
                    .find(|o| o.app == "g" && o.topic == "orders" && o.partition == p)
                    .map(|o| o.offset)
            } else {
                w.committed_offset("g", &tp("orders", p))
                    .map(|c| c.offset.0)
            };
            assert_eq!(c, Some(if p == 0 { 7 } else { 5 }), "{policy:?} p{p}");
        }
    }
}

#[test]
fn the_policy_must_match_enable_auto_commit() {
    let mut w = world_with_topic("orders", 1);
    consumer(&mut w, "c1", &[("group.id", "g")]);
    consumer(
        &mut w,
        "c2",
        &[("group.id", "g"), ("enable.auto.commit", "false")],
    );
    // Nothing to poll yet.
    assert!(w
        .apply(Command::RunConsumer {
            consumer: "c1".into(),
            commit: None,
            process_ms: None,
            idle_ms: None,
        })
        .is_err());
    subscribe(&mut w, "c1", "orders");
    subscribe(&mut w, "c2", "orders");
    let bad = w.apply(Command::RunConsumer {
        consumer: "c1".into(),
        commit: Some(CommitPolicy::SyncPerBatch),
        process_ms: None,
        idle_ms: None,
    });
    assert!(bad.is_err());
    let bad = w.apply(Command::RunConsumer {
        consumer: "c2".into(),
        commit: Some(CommitPolicy::Auto),
        process_ms: None,
        idle_ms: None,
    });
    assert!(bad.is_err());
    // Defaults follow the setting.
    for (name, policy) in [
        ("c1", CommitPolicy::Auto),
        ("c2", CommitPolicy::SyncPerBatch),
    ] {
        w.apply(Command::RunConsumer {
            consumer: name.into(),
            commit: None,
            process_ms: None,
            idle_ms: None,
        })
        .unwrap();
        assert!(matches!(
            w.app(name),
            Some(AppView::Consumer { commit, .. }) if commit == policy
        ));
    }
    // Twice is refused; stop returns to manual; stopping again is refused.
    assert!(w
        .apply(Command::RunConsumer {
            consumer: "c1".into(),
            commit: None,
            process_ms: None,
            idle_ms: None,
        })
        .is_err());
    let ev = w
        .apply(Command::StopApp {
            client: "c1".into(),
        })
        .unwrap();
    assert!(matches!(&ev[..], [Event::AppStopped { client, .. }] if client == "c1"));
    assert!(w.app("c1").is_none());
    assert!(w
        .apply(Command::StopApp {
            client: "c1".into()
        })
        .is_err());
    assert!(w
        .apply(Command::StopApp {
            client: "zz".into()
        })
        .is_err());
}

fn producer(w: &mut World, name: &str) {
    w.apply(Command::CreateProducer {
        name: name.into(),
        config: props(&[("linger.ms", "0")]),
    })
    .unwrap();
}

#[test]
fn a_played_producer_sends_at_its_rate_with_cycling_keys() {
    let mut w = world_with_topic("orders", 3);
    producer(&mut w, "p1");
    w.apply(Command::RunProducer {
        producer: "p1".into(),
        topic: "orders".into(),
        rate: 4,
        keys: 2,
    })
    .unwrap();
    // Records at 0, 250, 500, 750 ms, then 1000 ms …: 8 within the first 1999 ms.
    advance(&mut w, 1_999);
    match w.app("p1") {
        Some(AppView::Producer { sent, .. }) => assert_eq!(sent, 8),
        other => panic!("{other:?}"),
    }
    advance(&mut w, 1_000);
    let total: i64 = (0..3)
        .map(|p| w.partition("orders", p).unwrap().log_end_offset().0)
        .sum();
    assert_eq!(total, 12);
    // Two keys: at most two partitions hold records, each key always in one.
    let used = (0..3)
        .filter(|p| w.partition("orders", *p).unwrap().log_end_offset().0 > 0)
        .count();
    assert!(used <= 2);
    w.apply(Command::StopApp {
        client: "p1".into(),
    })
    .unwrap();
    advance(&mut w, 5_000);
    let after: i64 = (0..3)
        .map(|p| w.partition("orders", p).unwrap().log_end_offset().0)
        .sum();
    assert_eq!(after, 12, "a stopped producer sends nothing more");
    // Bad rates and topics are refused; closing stops the application.
    for (topic, rate) in [("orders", 0), ("orders", 1_001), ("nope", 5)] {
        assert!(w
            .apply(Command::RunProducer {
                producer: "p1".into(),
                topic: topic.into(),
                rate,
                keys: 0,
            })
            .is_err());
    }
    w.apply(Command::RunProducer {
        producer: "p1".into(),
        topic: "orders".into(),
        rate: 10,
        keys: 0,
    })
    .unwrap();
    let ev = w
        .apply(Command::CloseProducer {
            producer: "p1".into(),
        })
        .unwrap();
    assert!(ev
        .iter()
        .any(|e| matches!(e, Event::AppStopped { client, .. } if client == "p1")));
    assert!(w.app("p1").is_none());
    w.check_invariants().unwrap();
}

/// A long played session with small retention: the delivery ledger and the producers'
/// per-record memory stay bounded, and the totals stay right.
#[test]
fn memory_stays_bounded_in_a_long_played_session_with_retention() {
    let mut w = World::new(3, sim::WorldConfig::default());
    w.apply(Command::CreateTopic {
        name: "orders".into(),
        partitions: 2,
        replication_factor: Some(3),
        config: TopicConfigOverrides {
            retention_ms: Some(10_000),
            segment_bytes: Some(1_024),
            ..Default::default()
        },
    })
    .unwrap();
    producer(&mut w, "p1");
    w.apply(Command::RunProducer {
        producer: "p1".into(),
        topic: "orders".into(),
        rate: 20,
        keys: 5,
    })
    .unwrap();
    consumer(
        &mut w,
        "c1",
        &[
            ("group.id", "g"),
            ("enable.auto.commit", "false"),
            ("auto.offset.reset", "earliest"),
        ],
    );
    subscribe(&mut w, "c1", "orders");
    w.apply(Command::RunConsumer {
        consumer: "c1".into(),
        commit: Some(CommitPolicy::SyncPerBatch),
        process_ms: Some(10),
        idle_ms: None,
    })
    .unwrap();
    let mut peak = 0;
    let mut sizes = Vec::new();
    for _ in 0..20 {
        advance(&mut w, 60_000);
        peak = peak.max(w.delivery_ledger().len());
        sizes.push(w.snapshot().unwrap().len());
    }
    // The whole world (logs, ledger, producers' sequences, offsets, timers) stops
    // growing once retention runs: minute 20 is no bigger than about minute 10.
    assert!(
        sizes[19] < sizes[9] * 3 / 2,
        "snapshot bytes per minute: {sizes:?}"
    );
    // 20 minutes at 20 records/s: 24,000 records; the consumer (100 records/s) keeps up,
    // so every record is processed once, but the last few in flight.
    let totals = w.delivery_ledger().totals(Some("g"));
    assert!(
        (23_900..=24_000).contains(&totals.processed_records),
        "{totals:?}"
    );
    assert_eq!(totals.deliveries, totals.processed_records);
    assert_eq!((totals.duplicate_records, totals.skipped_records), (0, 0));
    // Bounded: retention runs every 5 minutes (log.retention.check.interval.ms), so the
    // ledger holds about 5 minutes of records (6,000) at most, not 24,000.
    assert!(peak < 8_000, "ledger held {peak} entries");
    let pruned: i64 = (0..2)
        .map(|p| {
            w.delivery_ledger()
                .pruned_below(Some("g"), &TopicPartition::new("orders", p))
        })
        .sum();
    assert!(pruned > 15_000, "{pruned}");
    w.check_invariants().unwrap();
}

/// The applications and their timers are part of the world: a snapshot taken mid-play
/// restores to a world that plays on exactly as the original, and a session replays.
#[test]
fn a_played_world_snapshots_and_replays_exactly() {
    let mut w = world_with_topic("orders", 2);
    producer(&mut w, "p1");
    let mut log = vec![Command::RunProducer {
        producer: "p1".into(),
        topic: "orders".into(),
        rate: 30,
        keys: 3,
    }];
    consumer(
        &mut w,
        "c1",
        &[
            ("group.id", "g"),
            ("enable.auto.commit", "false"),
            ("auto.offset.reset", "earliest"),
        ],
    );
    log.push(Command::Subscribe {
        consumer: "c1".into(),
        topics: vec!["orders".into()],
    });
    log.push(Command::RunConsumer {
        consumer: "c1".into(),
        commit: Some(CommitPolicy::SyncPerRecord),
        process_ms: Some(13),
        idle_ms: Some(70),
    });
    log.push(Command::Advance { ms: 7_777 });
    for c in &log {
        w.apply(c.clone()).unwrap();
    }
    assert!(w.app("c1").is_some() && w.app("p1").is_some());
    let mut back = World::restore(&w.snapshot().unwrap()).unwrap();
    assert_eq!(back.state_hash(), w.state_hash());
    advance(&mut w, 12_345);
    advance(&mut back, 12_345);
    assert_eq!(back.state_hash(), w.state_hash());
    // The commands serialise as JSON (a session) and come back the same.
    for c in &log {
        let json = serde_json::to_string(c).unwrap();
        assert_eq!(&serde_json::from_str::<Command>(&json).unwrap(), c);
    }
    assert!(w.delivery_ledger().totals(Some("g")).processed_records > 500);
}
