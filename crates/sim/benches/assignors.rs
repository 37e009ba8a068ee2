//! Rebalance cost of each assignor: 1,000 members over 10 topics x 1,000 partitions, every
//! member subscribed to every topic (budget: 50 ms each), and a sticky rebalance after one
//! member of that group leaves, and the general sticky algorithm (subscriptions differ).
//!
//! Run with `cargo bench -p sim --bench assignors`.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use sim::assignor::{AssignmentInput, Assignor, MemberSubscription};
use std::collections::BTreeMap;

const MEMBERS: usize = 1_000;
const TOPICS: usize = 10;
const PARTITIONS_PER_TOPIC: i32 = 1_000;

fn full_group() -> AssignmentInput {
    let topics: Vec<String> = (0..TOPICS).map(|t| format!("topic-{t:02}")).collect();
    let names: Vec<&str> = topics.iter().map(String::as_str).collect();
    let partitions_per_topic: BTreeMap<String, i32> = topics
        .iter()
        .map(|t| (t.clone(), PARTITIONS_PER_TOPIC))
        .collect();
    let members = (0..MEMBERS)
        .map(|i| MemberSubscription::new(format!("consumer-{i:04}-5f0c2a"), &names))
        .collect();
    AssignmentInput {
        members,
        partitions_per_topic,
    }
}

/// The same group one generation later, every member owning what it was given, minus one.
fn one_member_left(assignor: Assignor) -> AssignmentInput {
    let mut input = full_group();
    let previous = assignor.assign(&input).expect("unique member ids");
    for m in &mut input.members {
        m.owned_partitions = previous.assignment[&m.member_id].clone();
        m.generation = Some(1);
    }
    input.members.remove(MEMBERS / 2);
    input
}

fn rebalance(c: &mut Criterion) {
    let input = full_group();
    let mut group = c.benchmark_group("rebalance 1000 members x 10000 partitions");
    group.sample_size(20);
    for assignor in [
        Assignor::Range,
        Assignor::RoundRobin,
        Assignor::Sticky,
        Assignor::CooperativeSticky,
    ] {
        group.bench_function(assignor.name(), |b| {
            b.iter(|| assignor.assign(black_box(&input)))
        });
    }
    for assignor in [Assignor::Sticky, Assignor::CooperativeSticky] {
        let after_leave = one_member_left(assignor);
        group.bench_function(
            format!("{} after one member leaves", assignor.name()),
            |b| b.iter(|| assignor.assign(black_box(&after_leave))),
        );
    }
    // Different subscriptions force Kafka's general sticky algorithm: the last member
    // subscribes to one topic only.
    let mut uneven = full_group();
    if let Some(last) = uneven.members.last_mut() {
        last.topics.truncate(1);
    }
    for assignor in [Assignor::Sticky, Assignor::CooperativeSticky] {
        group.bench_function(
            format!("{} with one member on one topic", assignor.name()),
            |b| b.iter(|| assignor.assign(black_box(&uneven))),
        );
    }
    group.finish();
}

criterion_group!(benches, rebalance);
criterion_main!(benches);
