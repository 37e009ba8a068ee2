//! Parsing cost. A session's command log is stored as canonical text, so restoring a
//! 10,000-step session (budget: 300 ms, in the README) includes parsing 10,000 lines.
//!
//! Run with `cargo bench -p script --bench parse`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};

/// The scenario files of the test suite, repeated to 10,000 commands.
fn ten_thousand_commands() -> String {
    let files = [
        include_str!("../tests/scenarios/at-least-once.oe"),
        include_str!("../tests/scenarios/reset-offsets.oe"),
        include_str!("../tests/scenarios/rebalance.oe"),
        include_str!("../tests/scenarios/brokers.oe"),
    ];
    let mut text = String::new();
    let mut count = 0;
    while count < 10_000 {
        for file in files {
            for command in script::parse_script(file).unwrap_or_default() {
                if count == 10_000 {
                    break;
                }
                text.push_str(&command.1.to_string());
                text.push('\n');
                count += 1;
            }
        }
    }
    text
}

fn bench(c: &mut Criterion) {
    c.bench_function("parse one console line (reset-offsets)", |b| {
        b.iter(|| {
            script::parse_line(black_box(
                "kafka-consumer-groups --bootstrap-server localhost:9092 --reset-offsets --group billing --topic orders:0,1 --shift-by -2 --execute",
            ))
        })
    });
    let log = ten_thousand_commands();
    c.bench_function("parse a 10,000-command session log", |b| {
        b.iter(|| script::parse_script(black_box(&log)).map(|commands| commands.len()))
    });
    let commands = script::parse_script(&log).unwrap_or_default();
    c.bench_function("print a 10,000-command session log", |b| {
        b.iter(|| {
            black_box(&commands)
                .iter()
                .map(|(_, command)| command.to_string().len())
                .sum::<usize>()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
