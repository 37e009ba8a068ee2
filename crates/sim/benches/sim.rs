//! Benchmarks of the core: append, consumer fetch, replication, snapshot/restore, and the
//! memory a world of 1 M small records holds.
//!
//! Run: `cargo bench -p sim --bench sim`. The memory and snapshot-size figures are printed
//! before the timings (a counting allocator measures live heap bytes).

use criterion::{criterion_group, BatchSize, Criterion, Throughput};
use sim::log::{NewRecord, PartitionLog};
use sim::{Acks, Command, Offset, TopicConfig, TopicPartition, World, WorldConfig};
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const MILLION: usize = 1_000_000;

/// A small record: an 8-byte key and a 16-byte value.
fn key(i: usize) -> [u8; 8] {
    (i as u64).to_be_bytes()
}
const VALUE: &[u8; 16] = b"passenger-seat-1";

fn world_with(records: usize, rf: i64) -> World {
    let mut w = World::new(1, WorldConfig::default());
    w.apply(Command::CreateTopic {
        name: "t".into(),
        partitions: 1,
        replication_factor: Some(rf),
        config: Default::default(),
    })
    .unwrap();
    for i in 0..records {
        w.produce(
            "t",
            Some(0),
            Some(&key(i)),
            Some(VALUE),
            &[],
            None,
            Some(Acks::Leader),
        )
        .unwrap();
    }
    w.apply(Command::Advance { ms: 10 }).unwrap();
    w
}

fn append(c: &mut Criterion) {
    let mut g = c.benchmark_group("append");
    let n = 100_000;
    g.throughput(Throughput::Elements(n as u64));
    let config = TopicConfig::default();
    g.bench_function("partition_log_100k_small_records", |b| {
        b.iter_batched(
            PartitionLog::new,
            |mut log| {
                for i in 0..n {
                    let k = key(i);
                    let rec = NewRecord {
                        key: Some(&k),
                        value: Some(VALUE),
                        headers: &[],
                    };
                    black_box(log.append(0, 0, &rec, &config).unwrap());
                }
                log
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function("world_produce_100k_small_records_rf1", |b| {
        b.iter_batched(
            || world_with(0, 1),
            |mut w| {
                for i in 0..n {
                    black_box(
                        w.produce(
                            "t",
                            Some(0),
                            Some(&key(i)),
                            Some(VALUE),
                            &[],
                            None,
                            Some(Acks::Leader),
                        )
                        .unwrap(),
                    );
                }
                w
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

fn fetch(c: &mut Criterion) {
    let w = world_with(100_000, 1);
    let tp = TopicPartition::new("t", 0);
    let mut g = c.benchmark_group("fetch_500");
    g.throughput(Throughput::Elements(500));
    g.bench_function("owned_records", |b| {
        b.iter(|| black_box(w.fetch(&tp, Offset(50_000), 500).unwrap()))
    });
    g.bench_function("borrowed_views", |b| {
        b.iter(|| {
            let (views, _) = w.fetch_views(&tp, Offset(50_000), 500).unwrap();
            black_box(views.map(|v| v.value.map_or(0, <[u8]>::len)).sum::<usize>())
        })
    });
    g.finish();
}

fn replication(c: &mut Criterion) {
    let mut g = c.benchmark_group("replication");
    g.sample_size(10);
    g.throughput(Throughput::Elements(MILLION as u64));
    g.bench_function("produce_and_replicate_1m_records_rf3", |b| {
        b.iter_batched(
            || world_with(0, 3),
            |mut w| {
                for i in 0..MILLION {
                    w.produce(
                        "t",
                        Some(0),
                        Some(&key(i)),
                        Some(VALUE),
                        &[],
                        None,
                        Some(Acks::Leader),
                    )
                    .unwrap();
                }
                w.apply(Command::Advance { ms: 10 }).unwrap();
                assert_eq!(
                    w.partition("t", 0).unwrap().high_watermark(),
                    Offset(MILLION as i64)
                );
                w
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn snapshot(c: &mut Criterion) {
    let w = world_with(MILLION, 3);
    let bytes = w.snapshot().unwrap();
    let mut g = c.benchmark_group("snapshot_1m_records");
    g.sample_size(10);
    g.bench_function("snapshot", |b| b.iter(|| black_box(w.snapshot().unwrap())));
    g.bench_function("restore", |b| {
        b.iter(|| black_box(World::restore(&bytes).unwrap()))
    });
    g.bench_function("state_hash", |b| b.iter(|| black_box(w.state_hash())));
    g.finish();
}

fn report_sizes() {
    let before = LIVE.load(Ordering::Relaxed);
    let w = world_with(MILLION, 3);
    let after = LIVE.load(Ordering::Relaxed);
    let held = after.saturating_sub(before);
    let bytes = w.snapshot().unwrap();
    eprintln!(
        "memory: a world of 1,000,000 small records (8-byte key, 16-byte value, replication factor 3) holds {} bytes ({:.1} MB, {:.1} bytes/record)",
        held,
        held as f64 / 1e6,
        held as f64 / MILLION as f64
    );
    eprintln!(
        "snapshot: {} bytes ({:.1} MB) for the same world",
        bytes.len(),
        bytes.len() as f64 / 1e6
    );
    drop(w);
}

criterion_group!(benches, append, fetch, replication, snapshot);

fn main() {
    report_sizes();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
