//! Running cost: parse and run a 10,000-line scenario against the simulator (natively; the
//! wasm figure comes from the browser tests of `crates/wasm`).
//!
//! Run with `cargo bench -p script --bench run`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use script::exec::Console;

fn bench(c: &mut Criterion) {
    let scenario = script::exec::golden::benchmark_scenario(10_000);
    // Checked once outside the measurement: every line succeeds.
    let ran = Console::new(1)
        .run_script(&scenario)
        .map(|lines| lines.len());
    assert_eq!(
        ran.ok(),
        Some(10_000),
        "the benchmark scenario must run to its end"
    );
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
