//! The headless API in Node (no `run_in_browser` configure line: wasm-bindgen-test runs these
//! in Node).
#![cfg(target_arch = "wasm32")]

mod common;

use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn golden_scenarios_give_the_native_bytes_in_node() {
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
