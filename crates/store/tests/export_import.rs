//! Export files: the round trip, and every way a file can be wrong, with the place named.

#![cfg(not(target_arch = "wasm32"))]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use serde_json::{json, Value};
use store::export::{parse_export, MAX_IMPORT_BYTES, MAX_IMPORT_SESSIONS};
use store::{ImportError, NewSession, Store};

fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..1_000 {
        if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("a memory store future did not finish");
}

const TWO_SESSIONS: &str = include_str!("../fixtures/export/two-sessions.json");

fn valid() -> Value {
    serde_json::from_str(TWO_SESSIONS).unwrap()
}

/// The error of importing `file` (which must be invalid).
fn error_of(file: &Value) -> String {
    parse_export(&file.to_string()).unwrap_err().to_string()
}

#[test]
fn an_exported_session_imports_back_identical_under_a_new_id() {
    let store = Store::in_memory();
    let meta = block_on(store.create_session(NewSession {
        name: "ride".into(),
        seed: u64::MAX,
        config: json!({"partitions": 3}),
    }))
    .unwrap();
    for i in 0..20u64 {
        let line = format!("kafka-console-producer --topic t --value {i}");
        block_on(store.append_step(&meta.id, i, &line)).unwrap();
    }
    block_on(store.put_snapshot(&meta.id, 10, &json!({"at": 10}))).unwrap();
    let file = block_on(store.export_session(&meta.id)).unwrap();

    let report = block_on(store.import_sessions(&file)).unwrap();
    assert_eq!(report.sessions.len(), 1);
    let imported = &report.sessions[0];
    assert_eq!(imported.original_id, meta.id);
    assert_ne!(imported.id, meta.id, "the id was taken: a new one is used");
    assert_eq!(report.renamed().count(), 1);

    let original = block_on(store.load_session(&meta.id)).unwrap();
    let copy = block_on(store.load_session(&imported.id)).unwrap();
    assert_eq!(copy.steps, original.steps);
    assert_eq!(copy.snapshot, original.snapshot);
    assert_eq!(copy.meta.seed, u64::MAX);
    assert_eq!(copy.meta.name, original.meta.name);
    assert_eq!(copy.meta.config, original.meta.config);
    // Exporting the copy gives the same file but for the id.
    let again = block_on(store.export_session(&imported.id)).unwrap();
    assert_eq!(again.replace(&imported.id, &meta.id), file);
}

#[test]
fn importing_into_an_empty_store_keeps_the_ids() {
    let store = Store::in_memory();
    let report = block_on(store.import_sessions(TWO_SESSIONS)).unwrap();
    let ids: Vec<&str> = report.sessions.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, vec!["s-exported", "s-other"]);
    assert_eq!(report.renamed().count(), 0);
    let loaded = block_on(store.load_session("s-exported")).unwrap();
    assert_eq!(loaded.steps.len(), 3);
    assert_eq!(loaded.snapshot.unwrap().step, 2);
    assert_eq!(loaded.meta.seed, u64::MAX);
}

#[test]
fn importing_the_same_file_twice_never_replaces_the_first_import() {
    let store = Store::in_memory();
    block_on(store.import_sessions(TWO_SESSIONS)).unwrap();
    block_on(store.rename_session("s-exported", "mine now")).unwrap();
    let report = block_on(store.import_sessions(TWO_SESSIONS)).unwrap();
    let ids: Vec<&str> = report.sessions.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, vec!["s-exported-imported-2", "s-other-imported-2"]);
    let mine = block_on(store.load_session("s-exported")).unwrap();
    assert_eq!(mine.meta.name, "mine now");
    assert_eq!(block_on(store.list_sessions()).unwrap().len(), 4);
}

#[test]
fn an_invalid_file_stores_nothing_at_all() {
    let store = Store::in_memory();
    let mut file = valid();
    file["sessions"][1]["steps"] = json!([{"index": 0, "line": null}]);
    let err = block_on(store.import_sessions(&file.to_string())).unwrap_err();
    assert_eq!(
        err.to_string(),
        "sessions[1].steps[0].line: expected a console line (a text), found null"
    );
    assert!(block_on(store.list_sessions()).unwrap().is_empty());
}

#[test]
fn a_step_that_is_not_an_object_is_named_by_its_place() {
    let mut file = valid();
    let mut steps: Vec<Value> = (0..20)
        .map(|i| json!({"index": i, "line": format!("advance {i}")}))
        .collect();
    steps[14] = json!("produce");
    let first = file["sessions"][0].clone();
    file["sessions"].as_array_mut().unwrap().push(first);
    file["sessions"][2]["steps"] = Value::Array(steps);
    file["sessions"][2]["snapshots"] = json!([]);
    assert_eq!(
        error_of(&file),
        "sessions[2].steps[14]: expected an object, found the text \"produce\""
    );
}

#[test]
fn steps_out_of_order_are_refused() {
    let mut file = valid();
    file["sessions"][0]["steps"][1]["index"] = json!(2);
    assert_eq!(
        error_of(&file),
        "sessions[0].steps[1].index: expected 1 (steps are in log order, from 0), found 2"
    );
}

#[test]
fn missing_and_unknown_fields_are_named() {
    let mut file = valid();
    file["sessions"][0].as_object_mut().unwrap().remove("seed");
    assert_eq!(error_of(&file), "sessions[0]: missing field `seed`");

    let mut file = valid();
    file["sessions"][1]["colour"] = json!("red");
    assert!(error_of(&file).starts_with("sessions[1]: unknown field `colour`"));

    let mut file = valid();
    file["extra"] = json!(1);
    assert!(error_of(&file).starts_with("(file): unknown field `extra`"));
}

#[test]
fn numbers_must_be_whole_and_not_negative() {
    let mut file = valid();
    file["sessions"][0]["seed"] = json!(-1);
    assert!(error_of(&file).starts_with("sessions[0].seed: expected a whole number"));
    let mut file = valid();
    file["sessions"][0]["created_at_ms"] = json!(1.5);
    assert!(error_of(&file).starts_with("sessions[0].created_at_ms: expected a whole number"));
}

#[test]
fn a_file_that_is_not_json_reports_line_and_column() {
    let text =
        "{\n  \"format\": \"offset-express/sessions\",\n  \"schema\": 3,\n  \"sessions\": [,]\n}";
    match parse_export(text).unwrap_err() {
        ImportError::NotJson { line, column, .. } => assert_eq!((line, column), (4, 16)),
        other => panic!("expected NotJson, got {other:?}"),
    }
    assert!(parse_export("")
        .unwrap_err()
        .to_string()
        .starts_with("line 1, column 0"));
}

#[test]
fn a_file_of_another_kind_is_refused() {
    assert_eq!(
        error_of(&json!([1, 2])),
        "(file): expected an object, found an array"
    );
    let mut file = valid();
    file["format"] = json!("kafka-dump");
    assert_eq!(
        error_of(&file),
        "format: expected \"offset-express/sessions\", found the text \"kafka-dump\""
    );
}

#[test]
fn a_file_from_a_newer_version_is_refused_with_its_version() {
    let mut file = valid();
    file["schema"] = json!(4);
    assert_eq!(
        parse_export(&file.to_string()).unwrap_err(),
        ImportError::UnsupportedVersion {
            found: 4,
            supported: 3
        }
    );
}

#[test]
fn a_file_older_than_schema_2_is_refused_and_a_v3_step_must_be_a_line() {
    let mut file = valid();
    file["schema"] = json!(1);
    assert!(error_of(&file).starts_with("schema: expected 2 to 3, found 1"));
    let mut file = valid();
    file["sessions"][0]["steps"][1] = json!({"index": 1, "command": {"type": "Advance"}});
    assert!(error_of(&file).starts_with("sessions[0].steps[1]: unknown field `command`"));
    let mut file = valid();
    file["sessions"][0]["steps"][1]["line"] = json!({"type": "Advance"});
    assert_eq!(
        error_of(&file),
        "sessions[0].steps[1].line: expected a console line (a text), found an object"
    );
}

#[test]
fn snapshots_must_lie_within_the_log_and_be_unique() {
    let mut file = valid();
    file["sessions"][0]["snapshots"] = json!([{"step": 4, "state": {}}]);
    assert_eq!(
        error_of(&file),
        "sessions[0].snapshots[0].step: snapshot after step 4, but the session has 3 steps"
    );
    let mut file = valid();
    file["sessions"][0]["snapshots"] = json!([{"step": 1, "state": {}}, {"step": 1, "state": {}}]);
    assert_eq!(
        error_of(&file),
        "sessions[0].snapshots[1].step: a second snapshot after step 1"
    );
}

#[test]
fn ids_and_names_are_bounded() {
    let mut file = valid();
    file["sessions"][0]["id"] = json!("");
    assert_eq!(error_of(&file), "sessions[0].id: expected a non-empty text");
    let mut file = valid();
    file["sessions"][0]["name"] = json!("x".repeat(201));
    assert_eq!(
        error_of(&file),
        "sessions[0].name: longer than 200 characters"
    );
}

#[test]
fn files_are_size_bounded() {
    let huge = " ".repeat(MAX_IMPORT_BYTES + 1);
    assert_eq!(
        parse_export(&huge).unwrap_err(),
        ImportError::RecordTooLarge {
            bytes: MAX_IMPORT_BYTES + 1,
            limit: MAX_IMPORT_BYTES
        }
    );
    let mut file = valid();
    let one = file["sessions"][1].clone();
    file["sessions"] = Value::Array(vec![one; MAX_IMPORT_SESSIONS + 1]);
    assert!(error_of(&file).starts_with("sessions: 1001 sessions, more than the 1000"));
}
