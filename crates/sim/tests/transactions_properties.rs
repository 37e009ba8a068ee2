//! Random transactional sequences against a model: two producers share one
//! `transactional.id` (so they fence each other), a third has its own, a plain producer
//! writes between them; they begin, send, commit, abort, crash, restart and let the clock
//! run past `transaction.timeout.ms`. After every step the invariants hold (LSO ≤ HW ≤ LEO
//! among them), a `read_committed` consumer's polls never return a marker, a record of an
//! aborted transaction or a record at or past the LSO; at the end (every transaction resolved
//! by the coordinator's timeout) a `read_committed` reader finds exactly the records of
//! committed transactions plus the plain ones, and a `read_uncommitted` one every record
//! written; a group's committed offset is the one sent with the last transaction that
//! committed.

mod clients_support;
mod props_support;

use clients_support::*;
use proptest::prelude::*;
use sim::clients::ProducerEvent;
use sim::log::BatchKind;
use sim::{Command, Event, TopicPartition, World};
use std::collections::BTreeMap;

const PRODUCERS: [(&str, Option<&str>); 4] = [
    ("p1", Some("tx")),
    ("p2", Some("tx")),
    ("p3", Some("ty")),
    ("plain", None),
];

#[derive(Debug, Clone)]
enum Op {
    Init(usize),
    Begin(usize),
    Send(usize, i32),
    Commit(usize),
    Abort(usize),
    CrashRestart(usize),
    Advance(i64),
    Poll,
    /// `sendOffsetsToTransaction` of offset `o` of t-0 for group `g`.
    SendOffsets(usize, i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (0usize..3).prop_map(Op::Init),
        3 => (0usize..3).prop_map(Op::Begin),
        6 => (0usize..4, 0i32..2).prop_map(|(p, part)| Op::Send(p, part)),
        2 => (0usize..3).prop_map(Op::Commit),
        1 => (0usize..3).prop_map(Op::Abort),
        1 => (0usize..3).prop_map(Op::CrashRestart),
        1 => (0i64..15_000).prop_map(Op::Advance),
        2 => Just(Op::Poll),
        2 => (0usize..3, 0i64..50).prop_map(|(p, o)| Op::SendOffsets(p, o)),
    ]
}

fn world() -> World {
    let mut w = world_with_topic("t", 2);
    for (name, id) in PRODUCERS {
        let mut cfg = vec![("linger.ms", "0"), ("transaction.timeout.ms", "10000")];
        if let Some(id) = id {
            cfg.push(("transactional.id", id));
        }
        w.apply(Command::CreateProducer {
            name: name.into(),
            config: props(&cfg),
        })
        .unwrap();
    }
    consumer(
        &mut w,
        "rc",
        &[
            ("isolation.level", "read_committed"),
            ("auto.offset.reset", "earliest"),
            ("enable.auto.commit", "false"),
        ],
    );
    w.apply(Command::Assign {
        consumer: "rc".into(),
        partitions: vec![TopicPartition::new("t", 0), TopicPartition::new("t", 1)],
    })
    .unwrap();
    w
}

/// The model: the values of each transactional id's open transaction, and what is settled.
#[derive(Default)]
struct Model {
    open: BTreeMap<String, Vec<String>>,
    committed: Vec<String>,
    written: Vec<String>,
    /// Group g's offset for t-0 sent to each open transaction, with the order its record was
    /// appended to `__consumer_offsets` in, and the one committed. A transaction's offsets
    /// replace the committed ones only if their record was appended after the committed
    /// one's (`GroupMetadata.completePendingTxnOffsetCommit` compares append offsets): a
    /// transaction that sent its offsets first and commits last does not win.
    open_offset: BTreeMap<String, (u64, i64)>,
    committed_offset: Option<(u64, i64)>,
    appended: u64,
}

impl Model {
    fn observe(&mut self, events: &[Event]) {
        for e in events {
            match e {
                Event::Producer {
                    producer,
                    event: ProducerEvent::TransactionCommitted { .. },
                } => {
                    let id = txn_id(producer);
                    self.committed
                        .extend(self.open.remove(&id).unwrap_or_default());
                    if let Some((at, o)) = self.open_offset.remove(&id) {
                        if self.committed_offset.is_none_or(|(before, _)| before < at) {
                            self.committed_offset = Some((at, o));
                        }
                    }
                }
                Event::Producer {
                    producer,
                    event:
                        ProducerEvent::TransactionAborted { .. }
                        | ProducerEvent::TransactionsInitialized {
                            aborted_open: true, ..
                        },
                } => {
                    self.open.remove(&txn_id(producer));
                    self.open_offset.remove(&txn_id(producer));
                }
                Event::TransactionTimedOut {
                    transactional_id, ..
                } => {
                    self.open.remove(transactional_id);
                    self.open_offset.remove(transactional_id);
                }
                _ => {}
            }
        }
    }
}

fn txn_id(producer: &str) -> String {
    PRODUCERS
        .iter()
        .find(|(n, _)| *n == producer)
        .and_then(|(_, id)| *id)
        .unwrap_or("")
        .to_string()
}

fn read_all(w: &mut World, isolation: &str, name: &str) -> Vec<String> {
    consumer(
        w,
        name,
        &[
            ("isolation.level", isolation),
            ("auto.offset.reset", "earliest"),
            ("enable.auto.commit", "false"),
        ],
    );
    w.apply(Command::Assign {
        consumer: name.into(),
        partitions: vec![TopicPartition::new("t", 0), TopicPartition::new("t", 1)],
    })
    .unwrap();
    let mut out = Vec::new();
    for _ in 0..200 {
        poll(w, name);
        let batch = w.consumer_view(name).unwrap().last_batch;
        if batch.is_empty() {
            break;
        }
        out.extend(batch.into_iter().filter_map(|r| r.value));
    }
    out.sort();
    out
}

/// What `rc` just polled obeys `read_committed`.
fn check_read_committed_poll(w: &World) -> Result<(), String> {
    for r in w.consumer_view("rc").unwrap().last_batch {
        let p = w.partition(&r.topic, r.partition).unwrap();
        if r.offset >= p.last_stable_offset().0 {
            return Err(format!(
                "rc read {}-{}@{} at or past the LSO",
                r.topic, r.partition, r.offset
            ));
        }
        let log = p.log();
        let Some(view) = log.record_at(sim::Offset(r.offset)) else {
            continue;
        };
        if view.kind.is_marker() {
            return Err(format!("rc was handed the marker at {}", r.offset));
        }
        if log.is_aborted(&view) {
            return Err(format!("rc was handed aborted record {}", r.offset));
        }
        if !matches!(
            view.kind,
            BatchKind::Plain | BatchKind::Transactional { .. }
        ) {
            return Err("unknown batch kind".into());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(props_support::cases("transactions", 24, 1500)))]

    #[test]
    fn read_committed_sees_exactly_the_committed_transactions(ops in prop::collection::vec(op(), 1..60)) {
        let mut w = world();
        let mut model = Model::default();
        let mut next = 0u32;
        for op in ops {
            let before = w.state_hash();
            let (name, _) = match &op {
                Op::Init(p) | Op::Begin(p) | Op::Commit(p) | Op::Abort(p) | Op::CrashRestart(p) | Op::Send(p, _) | Op::SendOffsets(p, _) => PRODUCERS[*p],
                _ => ("", None),
            };
            let result = match &op {
                Op::Init(_) => w.apply(Command::InitTransactions { producer: name.into() }),
                Op::Begin(_) => w.apply(Command::BeginTransaction { producer: name.into() }),
                Op::Commit(_) => w.apply(Command::CommitTransaction { producer: name.into() }),
                Op::Abort(_) => w.apply(Command::AbortTransaction { producer: name.into() }),
                Op::CrashRestart(_) => {
                    let mut evs = w.apply(Command::CrashProducer { producer: name.into() }).unwrap();
                    evs.extend(w.apply(Command::RestartProducer { producer: name.into() }).unwrap());
                    Ok(evs)
                }
                Op::Send(_, part) => {
                    next += 1;
                    let value = format!("v{next}");
                    let r = w.apply(Command::Send {
                        producer: name.into(),
                        topic: "t".into(),
                        partition: Some(*part),
                        key: None,
                        value: Some(value.clone()),
                        headers: vec![],
                        timestamp_ms: None,
                    });
                    if r.is_ok() {
                        model.written.push(value.clone());
                        match txn_id(name).as_str() {
                            "" => model.committed.push(value),
                            id => model.open.entry(id.to_string()).or_default().push(value),
                        }
                    }
                    r
                }
                Op::Advance(ms) => w.apply(Command::Advance { ms: *ms }),
                Op::SendOffsets(_, o) => {
                    let r = w.apply(Command::SendOffsetsToTransaction {
                        producer: name.into(),
                        offsets: vec![sim::OffsetCommit {
                            topic: "t".into(),
                            partition: 0,
                            offset: *o,
                            metadata: String::new(),
                            leader_epoch: None,
                        }],
                        group: Some("g".into()),
                        consumer: None,
                    });
                    if r.is_ok() {
                        model.appended += 1;
                        model.open_offset.insert(txn_id(name), (model.appended, *o));
                    }
                    r
                }
                Op::Poll => w.apply(Command::Poll { consumer: "rc".into(), max_records: None }),
            };
            match result {
                Ok(events) => model.observe(&events),
                Err(e) => prop_assert_eq!(w.state_hash(), before, "{:?} failed with {} but changed the world", op, e),
            }
            if let Err(e) = w.check_invariants() {
                prop_assert!(false, "after {:?}: {}", op, e);
            }
            if matches!(op, Op::Poll) {
                if let Err(e) = check_read_committed_poll(&w) {
                    prop_assert!(false, "after {:?}: {}", op, e);
                }
            }
        }
        // The coordinator aborts whatever is still open.
        let events = w.apply(Command::Advance { ms: 20_000 }).unwrap();
        model.observe(&events);
        prop_assert!(model.open.values().all(Vec::is_empty), "still open: {:?}", model.open);
        prop_assert!(model.open_offset.is_empty(), "offsets still open: {:?}", model.open_offset);
        // Offsets sent to transactions: the group's committed offset is the one, among the
        // transactions that committed with offsets, whose record was appended last; none if
        // none did.
        prop_assert_eq!(
            w.committed_offset("g", &TopicPartition::new("t", 0)).map(|c| c.offset.0),
            model.committed_offset.map(|(_, o)| o)
        );
        prop_assert!(w.hanging_transactions().is_empty());
        let mut committed = model.committed.clone();
        committed.sort();
        let mut written = model.written.clone();
        written.sort();
        prop_assert_eq!(read_all(&mut w, "read_committed", "end-rc"), committed);
        prop_assert_eq!(read_all(&mut w, "read_uncommitted", "end-ru"), written);
        for p in 0..2 {
            let part = w.partition("t", p).unwrap();
            prop_assert_eq!(part.last_stable_offset(), part.high_watermark());
        }
    }
}
