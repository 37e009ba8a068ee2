//! Benchmarks of the clients wired into the world: a consumer poll of 500 records (budget
//! ≤ 20 µs), a commit, and a full rebalance of a group through the world.
//!
//! Run: `cargo bench -p sim --bench clients`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use sim::{Command, OffsetCommit, TopicPartition, World, WorldConfig};
use std::collections::BTreeMap;
use std::hint::black_box;

fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A world with one partition holding `records` replicated records, and a consumer `c1`
/// of group `g` assigned to it.
fn world_with_records(records: usize) -> World {
    let mut w = World::new(1, WorldConfig::default());
    w.apply(Command::CreateTopic {
        name: "orders".into(),
        partitions: 1,
        replication_factor: Some(1),
        config: Default::default(),
    })
    .unwrap();
    for i in 0..records {
        w.apply(Command::Produce {
            topic: "orders".into(),
            partition: Some(0),
            key: Some(format!("k{i}")),
            value: Some(format!("passenger {i:08}")),
            headers: vec![],
            timestamp_ms: None,
            acks: None,
        })
        .unwrap();
    }
    w.apply(Command::Advance { ms: 100 }).unwrap();
    w.apply(Command::CreateConsumer {
        name: "c1".into(),
        config: props(&[
            ("group.id", "g"),
            ("enable.auto.commit", "false"),
            ("auto.offset.reset", "earliest"),
        ]),
    })
    .unwrap();
    w.apply(Command::Assign {
        consumer: "c1".into(),
        partitions: vec![TopicPartition::new("orders", 0)],
    })
    .unwrap();
    w
}

fn poll_500(c: &mut Criterion) {
    let mut w = world_with_records(600);
    // Each poll returns 500 records; the application processes them, so the consumer's
    // buffer stays small, and a seek takes it back to the start.
    c.bench_function("consumer poll of 500 records (seek, poll, process)", |b| {
        b.iter(|| {
            w.apply(Command::Seek {
                consumer: "c1".into(),
                topic: "orders".into(),
                partition: 0,
                offset: 0,
            })
            .unwrap();
            let events = w
                .apply(Command::Poll {
                    consumer: "c1".into(),
                    max_records: None,
                })
                .unwrap();
            w.apply(Command::Process {
                consumer: "c1".into(),
                count: None,
                per_record_ms: None,
            })
            .unwrap();
            black_box(events)
        })
    });
    let mut w = world_with_records(600);
    c.bench_function(
        "consumer poll of 500 records (first poll of a fresh clone)",
        |b| {
            b.iter_batched_ref(
                || w.clone(),
                |w| {
                    let events = w
                        .apply(Command::Poll {
                            consumer: "c1".into(),
                            max_records: None,
                        })
                        .unwrap();
                    black_box(events)
                },
                BatchSize::LargeInput,
            )
        },
    );
    w.apply(Command::Poll {
        consumer: "c1".into(),
        max_records: None,
    })
    .unwrap();
}

fn commit(c: &mut Criterion) {
    let mut w = world_with_records(10);
    w.apply(Command::Poll {
        consumer: "c1".into(),
        max_records: None,
    })
    .unwrap();
    let one = vec![OffsetCommit {
        topic: "orders".into(),
        partition: 0,
        offset: 10,
        metadata: String::new(),
        leader_epoch: None,
    }];
    // A fresh world each time: commits that never replicate would pile up otherwise.
    c.bench_function(
        "commitAsync of one partition (appended, not yet replicated)",
        |b| {
            b.iter_batched_ref(
                || w.clone(),
                |w| {
                    black_box(
                        w.apply(Command::CommitAsync {
                            consumer: "c1".into(),
                            offsets: Some(one.clone()),
                        })
                        .unwrap(),
                    )
                },
                BatchSize::LargeInput,
            )
        },
    );
    c.bench_function("commitSync of one partition (waits for replication)", |b| {
        b.iter(|| {
            black_box(
                w.apply(Command::CommitSync {
                    consumer: "c1".into(),
                    offsets: Some(one.clone()),
                })
                .unwrap(),
            )
        })
    });
}

/// `members` consumers subscribe to a topic of `partitions` partitions and poll once.
fn group_world(members: usize, partitions: i64, strategy: &str) -> World {
    let mut w = World::new(2, WorldConfig::default());
    w.apply(Command::CreateTopic {
        name: "orders".into(),
        partitions,
        replication_factor: Some(1),
        config: Default::default(),
    })
    .unwrap();
    for i in 0..members {
        let name = format!("c{i}");
        w.apply(Command::CreateConsumer {
            name: name.clone(),
            config: props(&[
                ("group.id", "g"),
                ("partition.assignment.strategy", strategy),
            ]),
        })
        .unwrap();
        w.apply(Command::Subscribe {
            consumer: name,
            topics: vec!["orders".into()],
        })
        .unwrap();
    }
    w
}

/// From the first JoinGroup to a Stable group: every member polls (joins), the initial
/// delay runs out (extended by each member joining), the leader assigns, all sync.
fn rebalance(c: &mut Criterion) {
    for (members, partitions, strategy) in [
        (10, 100, "range"),
        (100, 1_000, "range"),
        (100, 1_000, "cooperative-sticky"),
    ] {
        let w = group_world(members, partitions, strategy);
        let name = format!(
            "rebalance through the world, {members} members x {partitions} partitions, {strategy}"
        );
        c.bench_function(&name, |b| {
            b.iter_batched_ref(
                || w.clone(),
                |w| {
                    for i in 0..members {
                        w.apply(Command::Poll {
                            consumer: format!("c{i}"),
                            max_records: None,
                        })
                        .unwrap();
                    }
                    // The initial delay (3 s), extended once because more members joined
                    // during it: advance until the group is Stable.
                    for _ in 0..100 {
                        w.apply(Command::Advance { ms: 3_000 }).unwrap();
                        if w.group("g").map(|g| g.state()) == Some(sim::group::GroupState::Stable) {
                            break;
                        }
                    }
                    black_box(w.group("g").map(|g| g.generation_id()))
                },
                BatchSize::LargeInput,
            )
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = poll_500, commit, rebalance
}
criterion_main!(benches);
