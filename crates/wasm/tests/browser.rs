//! The headless API as wasm inside headless Chromium, and the browser benchmark.
#![cfg(target_arch = "wasm32")]

mod common;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn golden_scenarios_give_the_native_bytes_in_the_browser() {
    common::golden_scenarios_give_the_native_bytes();
}

#[wasm_bindgen_test]
fn run_returns_the_tool_text_and_the_events() {
    common::run_returns_the_tool_text_and_the_events();
}

#[wasm_bindgen_test]
fn a_failing_line_throws_an_error_with_line_and_column_and_changes_nothing() {
    common::a_failing_line_throws_an_error_with_line_and_column_and_changes_nothing();
}

#[wasm_bindgen_test]
fn run_script_stops_at_the_first_failing_line() {
    common::run_script_stops_at_the_first_failing_line();
}

#[wasm_bindgen_test]
fn state_is_a_plain_object_in_the_versioned_schema() {
    common::state_is_a_plain_object_in_the_versioned_schema();
}

#[wasm_bindgen_test]
fn events_accumulate_until_taken() {
    common::events_accumulate_until_taken();
}

#[wasm_bindgen_test]
fn snapshot_and_restore_give_the_same_world_and_it_goes_on_the_same_way() {
    common::snapshot_and_restore_give_the_same_world_and_it_goes_on_the_same_way();
}

#[wasm_bindgen_test]
fn a_seed_that_is_not_a_whole_number_is_refused() {
    common::a_seed_that_is_not_a_whole_number_is_refused();
}

/// Not a timed test: prints how long parsing and running a 10,000-line scenario takes in
/// Chromium (the README's benchmark table), and checks only that every line ran.
#[wasm_bindgen_test]
fn benchmark_parse_and_run_a_10000_line_scenario_in_chromium() {
    let scenario = script::exec::golden::benchmark_scenario(10_000);
    let mut times = Vec::new();
    for _ in 0..9 {
        let start = js_sys::Date::now();
        let mut console = script::exec::Console::new(1);
        let ran = console.run_script(&scenario).map(|l| l.len());
        times.push(js_sys::Date::now() - start);
        assert_eq!(ran.ok(), Some(10_000));
    }
    times.sort_by(f64::total_cmp);
    console_log!(
        "benchmark: parse and run a 10,000-line scenario in Chromium: median {:.1} ms (min {:.1} ms, 9 runs)",
        times[4],
        times[0]
    );
}
