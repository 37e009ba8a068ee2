//! Story: offsets kept outside Kafka. The application writes each result and the offset
//! after it to its own database in one transaction, never commits to Kafka, and seeks to
//! the stored offsets when partitions are assigned. A crash at any step, even in the middle
//! of processing a batch, leaves every input record in the database exactly once; the same
//! application committing to Kafka after each batch, with its results written on their own,
//! collects duplicates.

mod clients_support;

use clients_support::*;
use sim::clients::CommitPolicy;
use sim::{Command, Event, SimError, World};
use std::collections::BTreeMap;

const PARTITIONS: i32 = 2;
const PER_PARTITION: usize = 6;

fn world() -> World {
    let mut w = world_with_topic("in", i64::from(PARTITIONS));
    for p in 0..PARTITIONS {
        produce(&mut w, "in", p, PER_PARTITION);
    }
    w.apply(Command::CreateDatabase { name: "db".into() })
        .unwrap();
    w
}

const PROCESS_MS_TEXT: &str = "10";

fn transactional_app(w: &mut World) {
    consumer(
        w,
        "c1",
        &[
            ("group.id", "app"),
            ("enable.auto.commit", "false"),
            ("auto.offset.reset", "earliest"),
            ("max.poll.records", "4"),
            ("processing.ms.per.record", PROCESS_MS_TEXT),
            ("offset.store", "db"),
        ],
    );
}

fn results_only_app(w: &mut World) {
    consumer(
        w,
        "c1",
        &[
            ("group.id", "app"),
            ("enable.auto.commit", "false"),
            ("auto.offset.reset", "earliest"),
            ("max.poll.records", "4"),
            ("processing.ms.per.record", PROCESS_MS_TEXT),
            ("results.store", "db"),
        ],
    );
}

/// How many rows the database holds for each input record.
fn rows(w: &World) -> BTreeMap<(i32, i64), usize> {
    let mut out = BTreeMap::new();
    for r in w.database("db").unwrap().results() {
        assert_eq!(r.topic, "in");
        *out.entry((r.partition, r.offset)).or_insert(0) += 1;
    }
    out
}

fn every_record_once(w: &World) -> bool {
    let r = rows(w);
    r.len() == PARTITIONS as usize * PER_PARTITION && r.values().all(|n| *n == 1)
}

/// A step of the hand-played loop: what a learner types, line by line.
#[derive(Clone, Copy, Debug)]
enum Step {
    Subscribe,
    Poll,
    Process,
    Advance(i64),
}

fn script() -> Vec<Step> {
    use Step::*;
    let mut s = vec![Subscribe, Poll, Advance(3_000), Poll, Process];
    // Four records of 10 ms each, played in 5 ms slices: crashes fall between records and
    // in the middle of one.
    for _ in 0..3 {
        s.extend([Advance(5); 8]);
        s.extend([Poll, Process]);
    }
    s.extend([Advance(5); 8]);
    s
}

fn play(w: &mut World, step: Step) {
    let command = match step {
        Step::Subscribe => Command::Subscribe {
            consumer: "c1".into(),
            topics: vec!["in".into()],
        },
        Step::Poll => Command::Poll {
            consumer: "c1".into(),
            max_records: None,
        },
        Step::Process => Command::Process {
            consumer: "c1".into(),
            count: None,
            per_record_ms: None,
        },
        Step::Advance(ms) => Command::Advance { ms },
    };
    w.apply(command).unwrap();
    w.check_invariants().unwrap();
}

/// After a crash: restart, start the application loop and let it run until it is idle.
fn restart_and_finish(w: &mut World, commit: Option<CommitPolicy>) {
    restart(w, "c1");
    let run = Command::RunConsumer {
        consumer: "c1".into(),
        commit,
        process_ms: None,
        idle_ms: None,
    };
    if w.apply(run.clone()).is_err() {
        // It crashed before it subscribed: the restarted application subscribes now.
        subscribe(w, "c1", "in");
        w.apply(run).unwrap();
    }
    // The dead member holds its partitions until its session times out (45 s).
    for _ in 0..60 {
        advance(w, 1_000);
        w.check_invariants().unwrap();
    }
}

#[test]
fn a_crash_at_every_step_leaves_each_record_in_the_database_exactly_once() {
    let steps = script();
    let mut mid_record = 0;
    for crash_at in 0..=steps.len() {
        let mut w = world();
        transactional_app(&mut w);
        for step in &steps[..crash_at] {
            play(&mut w, *step);
        }
        let busy = w
            .consumer_view("c1")
            .is_some_and(|v| !v.processing.is_empty());
        mid_record += usize::from(busy);
        crash(&mut w, "c1");
        w.check_invariants().unwrap();
        let before = rows(&w);
        restart_and_finish(&mut w, None);
        assert!(
            every_record_once(&w),
            "crash after step {crash_at}: {:?}",
            rows(&w)
        );
        // What was written before the crash stays written, once.
        for (k, n) in before {
            assert_eq!(n, 1, "crash after step {crash_at}: {k:?}");
        }
        // Nothing was committed to Kafka: the database is where the offsets are.
        for p in 0..PARTITIONS {
            assert_eq!(w.committed_offset("app", &tp("in", p)), None);
            let stored = w.database("db").unwrap().stored_offset("app", &tp("in", p));
            assert_eq!(stored, Some(PER_PARTITION as i64));
        }
    }
    assert!(mid_record > 0, "some crashes fell in the middle of a batch");
}

#[test]
fn a_crash_at_every_moment_of_the_played_loop_leaves_each_record_once() {
    for crash_at in 0..40 {
        let mut w = world();
        transactional_app(&mut w);
        subscribe(&mut w, "c1", "in");
        w.apply(Command::RunConsumer {
            consumer: "c1".into(),
            commit: Some(CommitPolicy::ExternalStore),
            process_ms: None,
            idle_ms: None,
        })
        .unwrap();
        advance(&mut w, 3_000);
        for _ in 0..crash_at {
            advance(&mut w, 5);
        }
        crash(&mut w, "c1");
        restart_and_finish(&mut w, None);
        assert!(
            every_record_once(&w),
            "crash at tick {crash_at}: {:?}",
            rows(&w)
        );
    }
}

#[test]
fn committing_to_kafka_after_the_batch_writes_results_again_after_a_crash() {
    let steps = script();
    let mut with_duplicates = 0;
    for crash_at in 0..=steps.len() {
        let mut w = world();
        results_only_app(&mut w);
        // The same loop, with a commitSync after each batch is processed.
        for step in &steps[..crash_at] {
            play(&mut w, *step);
            let done = w
                .consumer_view("c1")
                .is_some_and(|v| v.processing.is_empty() && v.unprocessed.is_empty());
            if matches!(step, Step::Advance(_)) && done {
                let _ = commit_sync(&mut w, "c1");
            }
        }
        crash(&mut w, "c1");
        restart_and_finish(&mut w, Some(CommitPolicy::SyncPerBatch));
        let r = rows(&w);
        assert_eq!(
            r.len(),
            PARTITIONS as usize * PER_PARTITION,
            "each record at least once"
        );
        if r.values().any(|n| *n > 1) {
            with_duplicates += 1;
            assert!(w.database("db").unwrap().duplicate_rows() > 0);
        }
        assert!(w.database("db").unwrap().offsets().is_empty());
    }
    assert!(
        with_duplicates > 0,
        "a crash between writing results and committing writes them again"
    );
}

#[test]
fn the_listener_seeks_to_the_stored_offsets_and_reports_them() {
    let mut w = world();
    transactional_app(&mut w);
    subscribe(&mut w, "c1", "in");
    poll(&mut w, "c1");
    let events = advance(&mut w, 3_000);
    let restored: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::OffsetsRestored { partitions, .. } => Some(partitions.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(restored.len(), 1);
    assert!(
        restored[0].iter().all(|r| r.offset.is_none()),
        "nothing stored yet"
    );
    poll(&mut w, "c1");
    process(&mut w, "c1");
    advance(&mut w, 100);
    let db = w.database("db").unwrap();
    assert_eq!(db.results().len(), 4);
    crash(&mut w, "c1");
    restart(&mut w, "c1");
    poll(&mut w, "c1");
    let events = advance(&mut w, 50_000);
    let seeks: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::OffsetsRestored { partitions, .. } => Some(partitions.clone()),
            _ => None,
        })
        .flatten()
        .filter_map(|r| r.offset.map(|o| (r.partition, o)))
        .collect();
    assert_eq!(
        seeks,
        vec![(0, 4)],
        "partition 0 resumes after the 4 stored results"
    );
}

#[test]
fn a_manual_assign_seeks_to_the_stored_offsets_too() {
    let mut w = world();
    consumer(
        &mut w,
        "c1",
        &[
            ("enable.auto.commit", "false"),
            ("auto.offset.reset", "earliest"),
            ("offset.store", "db"),
        ],
    );
    w.apply(Command::Assign {
        consumer: "c1".into(),
        partitions: vec![tp("in", 0)],
    })
    .unwrap();
    poll(&mut w, "c1");
    process(&mut w, "c1");
    let db = w.database("db").unwrap();
    assert_eq!(
        db.stored_offset("c1", &tp("in", 0)),
        Some(PER_PARTITION as i64)
    );
    crash(&mut w, "c1");
    let events = restart(&mut w, "c1");
    assert!(events.iter().any(|e| matches!(
        e,
        Event::OffsetsRestored { partitions, .. } if partitions[0].offset == Some(PER_PARTITION as i64)
    )));
    let again = poll(&mut w, "c1");
    assert!(fetched(&again).is_empty(), "nothing is read twice");
}

#[test]
fn a_zombie_write_below_the_stored_offset_is_skipped() {
    let mut w = world();
    for name in ["c1", "c2"] {
        consumer(
            &mut w,
            name,
            &[
                ("group.id", "app"),
                ("client.id", "same-app"),
                ("enable.auto.commit", "false"),
                ("auto.offset.reset", "earliest"),
                ("offset.store", "db"),
            ],
        );
        w.apply(Command::Assign {
            consumer: name.into(),
            partitions: vec![tp("in", 0)],
        })
        .unwrap();
    }
    // Both read partition 0 (two manual assignments); c1 writes first.
    poll(&mut w, "c1");
    poll(&mut w, "c2");
    process(&mut w, "c1");
    let events = process(&mut w, "c2");
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::ExternalWriteSkipped { stored: 6, .. })));
    let db = w.database("db").unwrap();
    assert_eq!(db.results().len(), PER_PARTITION);
    assert_eq!(db.skipped_writes(), PER_PARTITION as u64);
    w.check_invariants().unwrap();
}

#[test]
fn bad_input_is_refused_with_a_reason() {
    let mut w = world();
    let dup = w.apply(Command::CreateDatabase { name: "db".into() });
    assert!(
        matches!(dup, Err(SimError::InvalidRequest { reason }) if reason.contains("exists already"))
    );
    let bad = w.apply(Command::CreateDatabase { name: "a b".into() });
    assert!(matches!(bad, Err(SimError::InvalidRequest { .. })));
    let missing = w.apply(Command::CreateConsumer {
        name: "c1".into(),
        config: props(&[("enable.auto.commit", "false"), ("offset.store", "nope")]),
    });
    assert!(
        matches!(&missing, Err(SimError::InvalidConfig { name, reason }) if name == "offset.store" && reason.contains("nope")),
        "{missing:?}"
    );
    let auto = w.apply(Command::CreateConsumer {
        name: "c1".into(),
        config: props(&[("offset.store", "db")]),
    });
    assert!(
        matches!(&auto, Err(SimError::InvalidConfig { reason, .. }) if reason.contains("enable.auto.commit=false")),
        "{auto:?}"
    );
    let both = w.apply(Command::CreateConsumer {
        name: "c1".into(),
        config: props(&[
            ("enable.auto.commit", "false"),
            ("offset.store", "db"),
            ("results.store", "db"),
        ]),
    });
    assert!(
        matches!(both, Err(SimError::InvalidConfig { .. })),
        "{both:?}"
    );
    // The policy and the property go together.
    consumer(
        &mut w,
        "plain",
        &[("group.id", "g"), ("enable.auto.commit", "false")],
    );
    subscribe(&mut w, "plain", "in");
    let run = w.apply(Command::RunConsumer {
        consumer: "plain".into(),
        commit: Some(CommitPolicy::ExternalStore),
        process_ms: None,
        idle_ms: None,
    });
    assert!(
        matches!(run, Err(SimError::InvalidRequest { reason }) if reason.contains("offset.store"))
    );
    transactional_app(&mut w);
    subscribe(&mut w, "c1", "in");
    let run = w.apply(Command::RunConsumer {
        consumer: "c1".into(),
        commit: Some(CommitPolicy::SyncPerBatch),
        process_ms: None,
        idle_ms: None,
    });
    assert!(
        matches!(run, Err(SimError::InvalidRequest { reason }) if reason.contains("external-store"))
    );
    w.check_invariants().unwrap();
}
