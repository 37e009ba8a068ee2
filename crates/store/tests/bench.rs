//! Benchmarks of the IndexedDB store in headless Chromium. They print figures and assert no
//! timing (budgets: persist one step p95 ≤ 2 ms; restore a 10,000-step session ≤ 300 ms).
//! Run with:
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --release --target wasm32-unknown-unknown -p store --test bench -- --include-ignored --nocapture`

#![cfg(target_arch = "wasm32")]

mod support;

use serde_json::{json, Value};
use store::{NewSession, Store};
use support::{now, unique};
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// A step of about the size the console writes (a produce with key and value).
fn command(i: u64) -> String {
    format!(
        "kafka-console-producer --topic orders --key customer-{} --value \"order #{i}\"",
        i % 97
    )
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn summary(name: &str, mut samples: Vec<f64>) -> String {
    samples.sort_by(f64::total_cmp);
    format!(
        "BENCH {name}: n={} p50={:.3} ms p95={:.3} ms p99={:.3} ms max={:.3} ms",
        samples.len(),
        percentile(&samples, 50.0),
        percentile(&samples, 95.0),
        percentile(&samples, 99.0),
        samples[samples.len() - 1]
    )
}

#[wasm_bindgen_test]
#[ignore = "benchmark: run with --include-ignored --nocapture"]
async fn bench_persist_one_step() {
    let (store, _) = Store::open(&unique("bench-step")).await;
    let meta = store
        .create_session(NewSession {
            name: "bench".into(),
            seed: 1,
            config: json!({}),
        })
        .await
        .unwrap();
    for i in 0..50 {
        store.append_step(&meta.id, i, &command(i)).await.unwrap();
    }
    let mut samples = Vec::new();
    for i in 50..1_050 {
        let step = command(i);
        let t0 = now();
        store.append_step(&meta.id, i, &step).await.unwrap();
        samples.push(now() - t0);
    }
    assert_eq!(
        store.load_session(&meta.id).await.unwrap().steps.len(),
        1_050
    );
    console_log!(
        "{}",
        summary("persist one step (append_step, committed)", samples)
    );

    // The floor: one bare IndexedDB put of the same text, awaited until committed.
    let db = support::raw_open(store.database_name(), None, &[]).await;
    let mut floor = Vec::new();
    for i in 0..1_000u64 {
        let record = json!({"schema": 3, "session": "bench-floor", "index": i, "line": command(i)});
        let value = wasm_bindgen::JsValue::from_str(&record.to_string());
        let key = support::step_key("bench-floor", i);
        let t0 = now();
        support::raw_put(&db, "steps", &key, &value).await;
        floor.push(now() - t0);
    }
    db.close();
    console_log!("{}", summary("bare IndexedDB put + commit (floor)", floor));
}

#[wasm_bindgen_test]
#[ignore = "benchmark: run with --include-ignored --nocapture"]
async fn bench_restore_a_10000_step_session() {
    let ns = unique("bench-restore");
    let steps: Vec<Value> = (0..10_000)
        .map(|i| json!({"index": i, "line": command(i)}))
        .collect();
    // A snapshot every 500 steps, each a world of about 20 KB.
    let state = json!({"partitions": (0..12).map(|p| json!({"partition": p,
        "records": (0..40).map(|o| json!({"offset": o, "key": "k", "value": "v".repeat(20)})).collect::<Vec<_>>()}))
        .collect::<Vec<_>>()});
    let snapshots: Vec<Value> = (1..=20)
        .map(|k| json!({"step": k * 500, "state": state}))
        .collect();
    let file = json!({"format": "offset-express/sessions", "schema": 3, "sessions": [{
        "id": "s-long", "name": "long", "created_at_ms": 0, "updated_at_ms": 0, "seed": 3,
        "config": {}, "steps": steps, "snapshots": snapshots}]})
    .to_string();
    {
        let (store, _) = Store::open(&ns).await;
        let t0 = now();
        store.import_sessions(&file).await.unwrap();
        console_log!(
            "BENCH import a 10,000-step session ({} KB file): {:.1} ms",
            file.len() / 1024,
            now() - t0
        );
    }
    let mut open_and_load = Vec::new();
    let mut load_only = Vec::new();
    for _ in 0..7 {
        let t0 = now();
        let (store, notices) = Store::open(&ns).await;
        let t1 = now();
        let loaded = store.load_session("s-long").await.unwrap();
        let t2 = now();
        assert!(notices.is_empty());
        assert_eq!(loaded.steps.len(), 10_000);
        assert_eq!(loaded.snapshot.as_ref().map(|s| s.step), Some(10_000));
        open_and_load.push(t2 - t0);
        load_only.push(t2 - t1);
    }
    console_log!(
        "{}",
        summary("restore 10,000 steps (open + load_session)", open_and_load)
    );
    console_log!(
        "{}",
        summary("restore 10,000 steps (load_session only)", load_only)
    );
}
