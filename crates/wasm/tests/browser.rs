//! The core running as wasm inside headless Chromium.
#![cfg(target_arch = "wasm32")]

use offset_express_wasm::Simulator;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn offsets_grow_per_partition_inside_the_browser() {
    let mut sim = Simulator::new(7);
    sim.create_topic("orders", 2).expect("create topic");
    for _ in 0..5 {
        sim.produce("orders", Some("same-key".into()), Some("v".into()))
            .expect("produce");
    }
    let parts: Vec<serde_json::Value> =
        serde_wasm_bindgen::from_value(sim.partitions("orders").expect("partitions"))
            .expect("decode");
    let ends: Vec<i64> = parts
        .iter()
        .map(|p| p["log_end_offset"].as_i64().unwrap_or(-1))
        .collect();
    // One key always lands in the same partition, so one partition holds offsets 0..5.
    assert_eq!(ends.iter().sum::<i64>(), 5);
    assert!(ends.contains(&5));
}

#[wasm_bindgen_test]
fn unknown_topic_is_an_error_not_a_panic() {
    let mut sim = Simulator::new(1);
    assert!(sim.produce("nope", None, Some("v".into())).is_err());
}
