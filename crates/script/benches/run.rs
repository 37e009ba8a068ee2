//! Running cost: parse and run a 10,000-line scenario against the simulator (natively; the
//! wasm figure comes from the browser tests of `crates/wasm`).
//!
//! Run with `cargo bench -p script --bench run`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use script::exec::Console;

/// A 10,000-line scenario of the kinds of lines the tutorial uses: topics, a producer
/// sending keyed records, the clock, broker failures, offsets commits and resets, views.
pub fn ten_thousand_lines() -> String {
    let mut lines = vec![
        "kafka-topics --create --topic orders --partitions 6 --replication-factor 3".to_string(),
        "kafka-topics --create --topic ledger --partitions 1 --replication-factor 3 --config cleanup.policy=compact".to_string(),
        "producer p1 acks=all".to_string(),
    ];
    let mut i = 0u64;
    while lines.len() < 10_000 {
        let line = match i % 20 {
            0..=11 => format!("send p1 --topic orders --key user-{} --value \"order {i}\"", i % 97),
            12 => format!("send p1 --topic ledger --key acct-{} --value {i}", i % 7),
            13 => "advance 250ms".to_string(),
            14 => "kafka-get-offsets --topic orders".to_string(),
            15 => format!(
                "kafka-console-consumer --topic orders --group g{} --max-messages 50",
                i % 3
            ),
            16 => "kafka-consumer-groups --describe --all-groups".to_string(),
            17 => format!(
                "kafka-consumer-groups --reset-offsets --group g{} --all-topics --shift-by -1 --execute",
                i % 3
            ),
            18 => "kafka-topics --describe --topic orders".to_string(),
            _ => "advance 1s".to_string(),
        };
        lines.push(line);
        i += 1;
    }
    lines.join("\n") + "\n"
}

fn bench(c: &mut Criterion) {
    let scenario = ten_thousand_lines();
    // Checked once outside the measurement: every line succeeds.
    let ran = Console::new(1)
        .run_script(&scenario)
        .map(|lines| lines.len());
    assert_eq!(ran.ok(), Some(10_000), "the benchmark scenario must run to its end");
    let mut group = c.benchmark_group("run");
    group.sample_size(10);
    group.bench_function("parse and run a 10,000-line scenario", |b| {
        b.iter(|| {
            let mut console = Console::new(1);
            console
                .run_script(black_box(&scenario))
                .map(|lines| lines.len())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
