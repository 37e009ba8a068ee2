//! Transactions and exactly-once (KIP-98, KIP-447): markers take offsets, the last stable
//! offset, `read_committed`, offsets sent to a transaction, fencing, the coordinator's
//! timeout, the producer's state machine; and the read-process-write story with a crash at
//! every step.

mod clients_support;

use clients_support::*;
use sim::clients::{ProducerEvent, TxnClientState, TxnError};
use sim::log::BatchKind;
use sim::{Command, Event, OffsetCommit, SimError, TopicPartition, World};

fn producer(w: &mut World, name: &str, pairs: &[(&str, &str)]) {
    w.apply(Command::CreateProducer {
        name: name.into(),
        config: props(pairs),
    })
    .unwrap();
}

fn txn_producer(w: &mut World, name: &str, id: &str) {
    producer(w, name, &[("transactional.id", id), ("linger.ms", "0")]);
}

fn init(w: &mut World, p: &str) -> Result<Vec<Event>, SimError> {
    w.apply(Command::InitTransactions { producer: p.into() })
}
fn begin(w: &mut World, p: &str) -> Result<Vec<Event>, SimError> {
    w.apply(Command::BeginTransaction { producer: p.into() })
}
fn commit(w: &mut World, p: &str) -> Result<Vec<Event>, SimError> {
    w.apply(Command::CommitTransaction { producer: p.into() })
}
fn abort(w: &mut World, p: &str) -> Result<Vec<Event>, SimError> {
    w.apply(Command::AbortTransaction { producer: p.into() })
}
fn send(
    w: &mut World,
    p: &str,
    topic: &str,
    partition: i32,
    value: &str,
) -> Result<Vec<Event>, SimError> {
    w.apply(Command::Send {
        producer: p.into(),
        topic: topic.into(),
        partition: Some(partition),
        key: None,
        value: Some(value.into()),
        headers: vec![],
        timestamp_ms: None,
    })
}

fn code(r: Result<Vec<Event>, SimError>) -> String {
    r.expect_err("the call should be refused")
        .kafka_code()
        .to_string()
}

fn kinds(w: &World, topic: &str, p: i32) -> Vec<(i64, BatchKind)> {
    w.partition(topic, p)
        .unwrap()
        .log()
        .records()
        .map(|r| (r.offset.0, r.kind))
        .collect()
}

/// Values a consumer with this isolation level reads from `topic`, every partition, from the
/// start (a fresh `assign` consumer each time).
fn read_all(w: &mut World, topic: &str, isolation: &str) -> Vec<String> {
    let n = w.topic(topic).unwrap().partition_count();
    let name = format!("reader-{isolation}-{}", w.consumer_names().count());
    consumer(
        w,
        &name,
        &[
            ("isolation.level", isolation),
            ("auto.offset.reset", "earliest"),
            ("enable.auto.commit", "false"),
        ],
    );
    w.apply(Command::Assign {
        consumer: name.clone(),
        partitions: (0..n).map(|p| TopicPartition::new(topic, p)).collect(),
    })
    .unwrap();
    let mut out = Vec::new();
    for _ in 0..20 {
        poll(w, &name);
        let batch = w.consumer_view(&name).unwrap().last_batch;
        if batch.is_empty() {
            break;
        }
        out.extend(batch.into_iter().filter_map(|r| r.value));
    }
    w.apply(Command::CloseConsumer { consumer: name }).unwrap();
    out
}

#[test]
fn a_commit_marker_takes_an_offset_that_no_consumer_returns() {
    let mut w = world_with_topic("t", 1);
    txn_producer(&mut w, "p", "tx");
    init(&mut w, "p").unwrap();
    begin(&mut w, "p").unwrap();
    for v in ["a", "b", "c"] {
        send(&mut w, "p", "t", 0, v).unwrap();
    }
    let events = commit(&mut w, "p").unwrap();
    advance(&mut w, 10);
    let pid = w.producer("p").unwrap().producer_id().unwrap();
    assert_eq!(
        kinds(&w, "t", 0),
        vec![
            (0, BatchKind::Transactional { producer_id: pid }),
            (1, BatchKind::Transactional { producer_id: pid }),
            (2, BatchKind::Transactional { producer_id: pid }),
            (
                3,
                BatchKind::Marker {
                    producer_id: pid,
                    commit: true
                }
            ),
        ]
    );
    assert!(events.iter().any(|e| matches!(
        e,
        Event::TransactionMarkerWritten { offset, commit: true, .. } if offset.0 == 3
    )));
    let part = w.partition("t", 0).unwrap();
    assert_eq!(part.log_end_offset().0, 4);
    assert_eq!(part.last_stable_offset(), part.high_watermark());
    for iso in ["read_committed", "read_uncommitted"] {
        assert_eq!(read_all(&mut w, "t", iso), vec!["a", "b", "c"], "{iso}");
    }
    // The next transaction's records come after the marker: the learner sees the gap.
    begin(&mut w, "p").unwrap();
    send(&mut w, "p", "t", 0, "d").unwrap();
    commit(&mut w, "p").unwrap();
    advance(&mut w, 10);
    let offsets: Vec<i64> = kinds(&w, "t", 0)
        .into_iter()
        .filter(|(_, k)| !k.is_marker())
        .map(|(o, _)| o)
        .collect();
    assert_eq!(offsets, vec![0, 1, 2, 4]);
}

#[test]
fn the_last_stable_offset_holds_read_committed_consumers_at_the_first_open_transaction() {
    let mut w = world_with_topic("t", 1);
    txn_producer(&mut w, "p", "tx");
    producer(&mut w, "plain", &[("linger.ms", "0")]);
    init(&mut w, "p").unwrap();
    send(&mut w, "plain", "t", 0, "before").unwrap();
    begin(&mut w, "p").unwrap();
    send(&mut w, "p", "t", 0, "in-txn").unwrap();
    send(&mut w, "plain", "t", 0, "after").unwrap();
    advance(&mut w, 10);
    let part = w.partition("t", 0).unwrap();
    assert_eq!(part.high_watermark().0, 3);
    assert_eq!(
        part.last_stable_offset().0,
        1,
        "the open transaction starts at 1"
    );
    assert_eq!(read_all(&mut w, "t", "read_committed"), vec!["before"]);
    assert_eq!(
        read_all(&mut w, "t", "read_uncommitted"),
        vec!["before", "in-txn", "after"]
    );
    commit(&mut w, "p").unwrap();
    advance(&mut w, 10);
    let part = w.partition("t", 0).unwrap();
    assert_eq!(part.last_stable_offset(), part.high_watermark());
    assert_eq!(part.high_watermark().0, 4);
    assert_eq!(
        read_all(&mut w, "t", "read_committed"),
        vec!["before", "in-txn", "after"]
    );
}

#[test]
fn read_committed_skips_aborted_records_and_read_uncommitted_returns_them() {
    let mut w = world_with_topic("t", 1);
    txn_producer(&mut w, "p", "tx");
    init(&mut w, "p").unwrap();
    begin(&mut w, "p").unwrap();
    send(&mut w, "p", "t", 0, "x1").unwrap();
    send(&mut w, "p", "t", 0, "x2").unwrap();
    let events = abort(&mut w, "p").unwrap();
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::TransactionMarkerWritten { commit: false, .. })));
    begin(&mut w, "p").unwrap();
    send(&mut w, "p", "t", 0, "ok").unwrap();
    commit(&mut w, "p").unwrap();
    advance(&mut w, 10);
    assert_eq!(read_all(&mut w, "t", "read_committed"), vec!["ok"]);
    assert_eq!(
        read_all(&mut w, "t", "read_uncommitted"),
        vec!["x1", "x2", "ok"]
    );
    // A read_committed consumer's position ends past the last marker: lag 0.
    consumer(
        &mut w,
        "c",
        &[
            ("isolation.level", "read_committed"),
            ("auto.offset.reset", "earliest"),
        ],
    );
    w.apply(Command::Assign {
        consumer: "c".into(),
        partitions: vec![TopicPartition::new("t", 0)],
    })
    .unwrap();
    poll(&mut w, "c");
    poll(&mut w, "c");
    let view = w.consumer_view("c").unwrap();
    assert_eq!(view.partitions[0].position, Some(5));
    assert_eq!(view.partitions[0].lag, Some(0));
}

#[test]
fn seek_to_end_and_latest_use_the_last_stable_offset_for_read_committed() {
    let mut w = world_with_topic("t", 1);
    txn_producer(&mut w, "p", "tx");
    init(&mut w, "p").unwrap();
    produce(&mut w, "t", 0, 2);
    begin(&mut w, "p").unwrap();
    send(&mut w, "p", "t", 0, "open").unwrap();
    advance(&mut w, 10);
    for (iso, end) in [("read_committed", 2), ("read_uncommitted", 3)] {
        let name = format!("c-{iso}");
        consumer(&mut w, &name, &[("isolation.level", iso)]);
        w.apply(Command::Assign {
            consumer: name.clone(),
            partitions: vec![TopicPartition::new("t", 0)],
        })
        .unwrap();
        w.apply(Command::SeekToEnd {
            consumer: name.clone(),
            partitions: vec![],
        })
        .unwrap();
        poll(&mut w, &name);
        assert_eq!(
            w.consumer_view(&name).unwrap().partitions[0].position,
            Some(end),
            "{iso}"
        );
    }
}

#[test]
fn offsets_sent_to_a_transaction_are_committed_only_if_it_commits() {
    let mut w = world_with_topic("in", 1);
    txn_producer(&mut w, "p", "tx");
    init(&mut w, "p").unwrap();
    let offsets = |o: i64| {
        vec![OffsetCommit {
            topic: "in".into(),
            partition: 0,
            offset: o,
            metadata: String::new(),
            leader_epoch: None,
        }]
    };
    let tp = TopicPartition::new("in", 0);
    begin(&mut w, "p").unwrap();
    w.apply(Command::SendOffsetsToTransaction {
        producer: "p".into(),
        offsets: offsets(5),
        group: Some("g".into()),
        consumer: None,
    })
    .unwrap();
    advance(&mut w, 10);
    assert_eq!(
        w.committed_offset("g", &tp),
        None,
        "pending until the commit"
    );
    abort(&mut w, "p").unwrap();
    advance(&mut w, 10);
    assert_eq!(w.committed_offset("g", &tp), None, "an abort drops them");
    begin(&mut w, "p").unwrap();
    w.apply(Command::SendOffsetsToTransaction {
        producer: "p".into(),
        offsets: offsets(7),
        group: Some("g".into()),
        consumer: None,
    })
    .unwrap();
    commit(&mut w, "p").unwrap();
    advance(&mut w, 10);
    assert_eq!(w.committed_offset("g", &tp).map(|o| o.offset.0), Some(7));
}

/// Found by the transactions property: two transactions send offsets for the same group and
/// partition; the one that sent first commits last. Kafka keeps the offsets whose record was
/// appended later (`GroupMetadata.completePendingTxnOffsetCommit` compares append offsets),
/// not those of the transaction that committed last.
#[test]
fn of_two_transactions_offsets_the_later_appended_win_whatever_order_they_commit_in() {
    let mut w = world_with_topic("in", 1);
    txn_producer(&mut w, "p1", "tx-1");
    txn_producer(&mut w, "p2", "tx-2");
    let send_offsets = |w: &mut World, p: &str, o: i64| {
        w.apply(Command::SendOffsetsToTransaction {
            producer: p.into(),
            offsets: vec![OffsetCommit {
                topic: "in".into(),
                partition: 0,
                offset: o,
                metadata: String::new(),
                leader_epoch: None,
            }],
            group: Some("g".into()),
            consumer: None,
        })
        .unwrap();
    };
    init(&mut w, "p2").unwrap();
    begin(&mut w, "p2").unwrap();
    init(&mut w, "p1").unwrap();
    send_offsets(&mut w, "p2", 2);
    begin(&mut w, "p1").unwrap();
    send_offsets(&mut w, "p1", 0);
    commit(&mut w, "p1").unwrap();
    advance(&mut w, 10);
    commit(&mut w, "p2").unwrap();
    advance(&mut w, 10);
    let tp = TopicPartition::new("in", 0);
    assert_eq!(w.committed_offset("g", &tp).map(|o| o.offset.0), Some(0));
}

#[test]
fn a_second_producer_with_the_same_transactional_id_fences_the_first() {
    let mut w = world_with_topic("t", 1);
    txn_producer(&mut w, "p1", "app");
    txn_producer(&mut w, "p2", "app");
    init(&mut w, "p1").unwrap();
    begin(&mut w, "p1").unwrap();
    send(&mut w, "p1", "t", 0, "zombie").unwrap();
    let events = init(&mut w, "p2").unwrap();
    assert!(events.iter().any(|e| matches!(
        e,
        Event::Producer {
            event: ProducerEvent::TransactionsInitialized {
                epoch: 1,
                aborted_open: true,
                ..
            },
            ..
        }
    )));
    assert_eq!(code(send(&mut w, "p1", "t", 0, "late")), "PRODUCER_FENCED");
    assert_eq!(code(commit(&mut w, "p1")), "PRODUCER_FENCED");
    let err = abort(&mut w, "p1").unwrap_err();
    assert!(matches!(
        err,
        SimError::Transaction {
            cause: TxnError::ProducerFenced {
                epoch: 0,
                current_epoch: 1,
                ..
            },
            ..
        }
    ));
    advance(&mut w, 10);
    assert!(read_all(&mut w, "t", "read_committed").is_empty());
    assert_eq!(
        w.producer("p1").unwrap().producer_id(),
        w.producer("p2").unwrap().producer_id()
    );
}

#[test]
fn the_coordinator_aborts_a_transaction_past_its_timeout_and_fences_the_producer() {
    let mut w = world_with_topic("t", 1);
    producer(
        &mut w,
        "p",
        &[
            ("transactional.id", "slow"),
            ("transaction.timeout.ms", "10000"),
            ("linger.ms", "0"),
        ],
    );
    init(&mut w, "p").unwrap();
    begin(&mut w, "p").unwrap();
    send(&mut w, "p", "t", 0, "late").unwrap();
    let early = advance(&mut w, 9_000);
    assert!(!early
        .iter()
        .any(|e| matches!(e, Event::TransactionTimedOut { .. })));
    let events = advance(&mut w, 2_000);
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::TransactionTimedOut { epoch: 1, .. })));
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::TransactionMarkerWritten { commit: false, .. })));
    let part = w.partition("t", 0).unwrap();
    assert_eq!(part.last_stable_offset(), part.high_watermark());
    assert_eq!(code(commit(&mut w, "p")), "PRODUCER_FENCED");
}

#[test]
fn the_producer_state_machine_refuses_calls_out_of_order() {
    let mut w = world_with_topic("t", 1);
    producer(&mut w, "plain", &[]);
    assert_eq!(code(init(&mut w, "plain")), "ILLEGAL_STATE");
    txn_producer(&mut w, "p", "tx");
    assert_eq!(code(send(&mut w, "p", "t", 0, "v")), "ILLEGAL_STATE");
    assert_eq!(code(begin(&mut w, "p")), "ILLEGAL_STATE");
    init(&mut w, "p").unwrap();
    assert_eq!(code(init(&mut w, "p")), "ILLEGAL_STATE");
    assert_eq!(code(send(&mut w, "p", "t", 0, "v")), "ILLEGAL_STATE");
    assert_eq!(code(commit(&mut w, "p")), "ILLEGAL_STATE");
    assert_eq!(code(abort(&mut w, "p")), "ILLEGAL_STATE");
    begin(&mut w, "p").unwrap();
    assert_eq!(code(begin(&mut w, "p")), "ILLEGAL_STATE");
    commit(&mut w, "p").unwrap();
    assert_eq!(
        w.producer("p").unwrap().transaction().unwrap().state,
        TxnClientState::Ready
    );
    // A refused call changes nothing.
    let before = w.snapshot().unwrap();
    assert!(commit(&mut w, "p").is_err());
    assert_eq!(w.snapshot().unwrap(), before);
    // transactional.id needs idempotence.
    let err = w
        .apply(Command::CreateProducer {
            name: "bad".into(),
            config: props(&[("transactional.id", "x"), ("enable.idempotence", "false")]),
        })
        .unwrap_err();
    assert_eq!(err.kafka_code(), "INVALID_CONFIG");
}

#[test]
fn a_zombie_consumer_s_offsets_are_refused_by_its_group_kip_447() {
    let mut w = world_with_topic("in", 1);
    produce(&mut w, "in", 0, 4);
    let cfg = [
        ("group.id", "g"),
        ("group.instance.id", "copier-1"),
        ("enable.auto.commit", "false"),
        ("auto.offset.reset", "earliest"),
    ];
    consumer(&mut w, "c1", &cfg);
    subscribe(&mut w, "c1", "in");
    poll(&mut w, "c1");
    advance(&mut w, 3_000);
    poll(&mut w, "c1");
    assert!(!w.consumer_view("c1").unwrap().last_batch.is_empty());
    txn_producer(&mut w, "p", "app");
    init(&mut w, "p").unwrap();
    begin(&mut w, "p").unwrap();
    // A new instance with the same group.instance.id takes the member's place: c1, still
    // believing it owns the partition, is a zombie.
    consumer(&mut w, "c2", &cfg);
    subscribe(&mut w, "c2", "in");
    poll(&mut w, "c2");
    let offsets = vec![OffsetCommit {
        topic: "in".into(),
        partition: 0,
        offset: 4,
        metadata: String::new(),
        leader_epoch: None,
    }];
    let err = w
        .apply(Command::SendOffsetsToTransaction {
            producer: "p".into(),
            offsets: offsets.clone(),
            group: None,
            consumer: Some("c1".into()),
        })
        .unwrap_err();
    assert!(
        matches!(
            err,
            SimError::Transaction {
                cause: TxnError::CommitFailed { .. },
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.kafka_code(), "FENCED_INSTANCE_ID");
    // The live instance's metadata is accepted.
    w.apply(Command::SendOffsetsToTransaction {
        producer: "p".into(),
        offsets,
        group: None,
        consumer: Some("c2".into()),
    })
    .unwrap();
}

// ----- the story: read-process-write with a crash at every step ------------------------

const INPUT: usize = 6;

/// The application: consume `in`, write each value to `out`, and (transactional) put the
/// consumer's offsets into the same transaction, or (not transactional) `commitSync` after
/// the sends.
struct App {
    transactional: bool,
    /// The batch polled and not yet finished, with the step reached in it.
    batch: Vec<(TopicPartition, i64, String)>,
    sent: usize,
    phase: Phase,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    Start,
    Poll,
    Begin,
    Send,
    Offsets,
    Commit,
}

impl App {
    fn new(transactional: bool) -> Self {
        Self {
            transactional,
            batch: Vec::new(),
            sent: 0,
            phase: Phase::Start,
        }
    }

    /// One step of the application; `false` when it has nothing left to do.
    fn step(&mut self, w: &mut World) -> bool {
        match self.phase {
            Phase::Start => {
                if self.transactional {
                    init(w, "p").unwrap();
                }
                self.phase = Phase::Poll;
            }
            Phase::Poll => {
                if done(w) {
                    return false;
                }
                poll(w, "c");
                let batch = w.consumer_view("c").unwrap().last_batch;
                if batch.is_empty() {
                    advance(w, 3_000);
                } else {
                    self.batch = batch
                        .into_iter()
                        .map(|r| {
                            (
                                TopicPartition::new(r.topic.clone(), r.partition),
                                r.offset,
                                r.value.unwrap_or_default(),
                            )
                        })
                        .collect();
                    self.sent = 0;
                    self.phase = if self.transactional {
                        Phase::Begin
                    } else {
                        Phase::Send
                    };
                }
            }
            Phase::Begin => {
                begin(w, "p").unwrap();
                self.phase = Phase::Send;
            }
            Phase::Send => {
                let (_, _, v) = self.batch[self.sent].clone();
                send(w, "p", "out", 0, &v).unwrap();
                self.sent += 1;
                if self.sent == self.batch.len() {
                    self.phase = Phase::Offsets;
                }
            }
            Phase::Offsets => {
                let mut next: Vec<OffsetCommit> = Vec::new();
                for (tp, o, _) in &self.batch {
                    next.retain(|c| !(c.topic == tp.topic && c.partition == tp.partition));
                    next.push(OffsetCommit {
                        topic: tp.topic.clone(),
                        partition: tp.partition,
                        offset: o + 1,
                        metadata: String::new(),
                        leader_epoch: None,
                    });
                }
                if self.transactional {
                    w.apply(Command::SendOffsetsToTransaction {
                        producer: "p".into(),
                        offsets: next,
                        group: None,
                        consumer: Some("c".into()),
                    })
                    .unwrap();
                    self.phase = Phase::Commit;
                } else {
                    w.apply(Command::Flush {
                        producer: "p".into(),
                    })
                    .unwrap();
                    w.apply(Command::CommitSync {
                        consumer: "c".into(),
                        offsets: Some(next),
                    })
                    .unwrap();
                    self.phase = Phase::Poll;
                }
            }
            Phase::Commit => {
                commit(w, "p").unwrap();
                self.phase = Phase::Poll;
            }
        }
        true
    }
}

/// Every input record's offset is committed for group `g`.
fn done(w: &World) -> bool {
    (0..2).all(|p| {
        let tp = TopicPartition::new("in", p);
        let end = w.partition("in", p).unwrap().high_watermark().0;
        w.committed_offset("g", &tp)
            .map_or(end == 0, |c| c.offset.0 >= end)
    })
}

fn story_world(transactional: bool) -> World {
    let mut w = world_with_topic("in", 2);
    w.apply(Command::CreateTopic {
        name: "out".into(),
        partitions: 1,
        replication_factor: Some(3),
        config: Default::default(),
    })
    .unwrap();
    produce(&mut w, "in", 0, INPUT / 2);
    produce(&mut w, "in", 1, INPUT / 2);
    let mut cfg = vec![
        ("group.id", "g"),
        ("enable.auto.commit", "false"),
        ("auto.offset.reset", "earliest"),
        ("max.poll.records", "2"),
    ];
    if transactional {
        cfg.push(("isolation.level", "read_committed"));
        txn_producer(&mut w, "p", "copier");
    } else {
        producer(&mut w, "p", &[("linger.ms", "0")]);
    }
    consumer(&mut w, "c", &cfg);
    subscribe(&mut w, "c", "in");
    w
}

/// Runs the application, crashing it (consumer and producer) after `crash_at` steps, then
/// restarting it and running it to the end. Returns the values a `read_committed` reader
/// finds in `out`.
fn run_story(transactional: bool, crash_at: Option<usize>) -> (Vec<String>, usize) {
    let mut w = story_world(transactional);
    let mut app = App::new(transactional);
    let mut steps = 0;
    while app.step(&mut w) {
        steps += 1;
        assert!(steps < 2_000, "the application does not finish");
        if Some(steps) == crash_at {
            w.apply(Command::CrashConsumer {
                consumer: "c".into(),
            })
            .unwrap();
            w.apply(Command::CrashProducer {
                producer: "p".into(),
            })
            .unwrap();
            w.apply(Command::RestartProducer {
                producer: "p".into(),
            })
            .unwrap();
            w.apply(Command::RestartConsumer {
                consumer: "c".into(),
            })
            .unwrap();
            app = App::new(transactional);
        }
        w.check_invariants().unwrap();
    }
    advance(&mut w, 100);
    assert!(w.hanging_transactions().is_empty());
    (read_all(&mut w, "out", "read_committed"), steps)
}

fn expected() -> Vec<String> {
    let mut v: Vec<String> = (0..INPUT / 2)
        .flat_map(|i| [format!("v{i}"), format!("v{i}")])
        .collect();
    v.sort();
    v
}

#[test]
fn read_process_write_in_transactions_has_no_duplicate_after_a_crash_at_any_step() {
    let (clean, steps) = run_story(true, None);
    let mut sorted = clean.clone();
    sorted.sort();
    assert_eq!(sorted, expected());
    for k in 1..=steps {
        let (out, _) = run_story(true, Some(k));
        let mut sorted = out.clone();
        sorted.sort();
        assert_eq!(
            sorted,
            expected(),
            "crash after step {k}: out holds {out:?}"
        );
    }
}

#[test]
fn without_transactions_a_crash_between_the_sends_and_the_commit_duplicates() {
    let (clean, steps) = run_story(false, None);
    let mut sorted = clean;
    sorted.sort();
    assert_eq!(sorted, expected());
    let duplicated = (1..=steps).filter(|k| {
        let (out, _) = run_story(false, Some(*k));
        out.len() > INPUT
    });
    assert!(duplicated.count() > 0, "some crash point must duplicate");
}

#[test]
fn markers_and_aborted_records_are_not_counted_as_skipped() {
    let mut w = world_with_topic("t", 1);
    txn_producer(&mut w, "p", "tx");
    init(&mut w, "p").unwrap();
    for (values, keep) in [
        (&["a", "b"][..], true),
        (&["x"][..], false),
        (&["c"][..], true),
    ] {
        begin(&mut w, "p").unwrap();
        for v in values {
            send(&mut w, "p", "t", 0, v).unwrap();
        }
        if keep {
            commit(&mut w, "p").unwrap();
        } else {
            abort(&mut w, "p").unwrap();
        }
    }
    advance(&mut w, 10);
    consumer(
        &mut w,
        "c",
        &[
            ("group.id", "g"),
            ("isolation.level", "read_committed"),
            ("auto.offset.reset", "earliest"),
            ("enable.auto.commit", "false"),
        ],
    );
    subscribe(&mut w, "c", "t");
    poll(&mut w, "c");
    advance(&mut w, 3_000);
    poll(&mut w, "c");
    process(&mut w, "c");
    w.apply(Command::CommitSync {
        consumer: "c".into(),
        offsets: None,
    })
    .unwrap();
    let totals = w.delivery_ledger().totals(Some("g"));
    assert_eq!(totals.processed_records, 3);
    assert_eq!(
        totals.skipped_records, 0,
        "markers and the aborted x are not skips"
    );
    let tp = TopicPartition::new("t", 0);
    // a b COMMIT x ABORT c COMMIT: the committed offset is past the last marker.
    assert_eq!(w.committed_offset("g", &tp).map(|c| c.offset.0), Some(7));
    assert!(w.delivery_ledger().skipped(Some("g"), &tp, 0, 7).is_empty());
}
