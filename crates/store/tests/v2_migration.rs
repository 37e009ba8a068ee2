//! Sessions saved by the page in schema 2 (simulator commands as JSON) open as console lines:
//! the fixtures in `fixtures/v2/` are databases as that page wrote them. The converted lines
//! must be the console's canonical text (parse and print back unchanged) and must rebuild the
//! same world as the original commands. The browser test `tests/browser.rs` writes the same
//! fixtures into a real v2 IndexedDB database and opens it with the current code.

#![cfg(not(target_arch = "wasm32"))]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use serde_json::{json, Value};
use store::convert::command_line;
use store::migrate::{plan_v2_upgrade, UpgradePlan};
use store::model::StepRecord;
use store::{MemoryStorage, Notice, Problem, SessionMeta, Store, Vocabulary};

const DATABASE: &str = include_str!("../fixtures/v2/database.json");
const UNCONVERTIBLE: &str = include_str!("../fixtures/v2/database-with-unconvertible-step.json");

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

/// The records of one store of a fixture: (key, stored text).
fn records(fixture: &str, store: &str) -> Vec<(Value, String)> {
    let dump: Value = serde_json::from_str(fixture).unwrap();
    assert_eq!(dump["version"], 2);
    dump["stores"][store]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["key"].clone(), r["value"].as_str().unwrap().to_string()))
        .collect()
}

fn plan(fixture: &str) -> UpgradePlan {
    let sessions = records(fixture, "sessions")
        .into_iter()
        .map(|(k, v)| (k.as_str().unwrap().to_string(), v))
        .collect();
    let steps = records(fixture, "steps")
        .into_iter()
        .map(|(k, v)| {
            (
                k[0].as_str().unwrap().to_string(),
                k[1].as_u64().unwrap(),
                v,
            )
        })
        .collect();
    plan_v2_upgrade(sessions, steps)
}

/// The fixture written into a memory store as raw records, then upgraded.
fn memory_from(fixture: &str) -> (MemoryStorage, UpgradePlan) {
    let memory = MemoryStorage::new();
    for (k, v) in records(fixture, "sessions") {
        memory.put_raw_session(k.as_str().unwrap(), &v);
    }
    for (k, v) in records(fixture, "steps") {
        memory.put_raw_step(k[0].as_str().unwrap(), k[1].as_u64().unwrap(), &v);
    }
    for (k, v) in records(fixture, "snapshots") {
        memory.put_raw_snapshot(k[0].as_str().unwrap(), k[1].as_u64().unwrap(), &v);
    }
    for (k, v) in records(fixture, "progress") {
        memory.put_raw_progress(k.as_str().unwrap(), &v);
    }
    for (_, v) in records(fixture, "preferences") {
        memory.put_raw_preferences(&v);
    }
    let plan = memory.upgrade_v2_records().unwrap();
    (memory, plan)
}

/// The v2 commands of a fixture session, in log order.
fn v2_commands(fixture: &str, session: &str) -> Vec<Value> {
    records(fixture, "steps")
        .into_iter()
        .filter(|(k, _)| k[0] == session)
        .map(|(_, v)| serde_json::from_str::<Value>(&v).unwrap()["command"].clone())
        .collect()
}

const SANDBOX: &str = "s-mia0x1k-3f9a2c0";

#[test]
fn the_page_s_v2_sessions_become_console_lines() {
    let plan = plan(DATABASE);
    assert_eq!(plan.migrated, 2);
    assert!(plan.damaged.is_empty(), "{:?}", plan.damaged);
    assert!(plan.kept.is_empty());
    let lines: Vec<String> = plan
        .steps
        .iter()
        .filter(|(id, _, _)| id == SANDBOX)
        .map(|(_, _, raw)| serde_json::from_str::<StepRecord>(raw).unwrap().line)
        .collect();
    assert_eq!(
        lines,
        vec![
            "kafka-topics --create --topic orders --partitions 3",
            "kafka-console-producer --topic orders --key alice --value 1",
            "kafka-console-producer --topic orders --value \"order-2\"",
            "kafka-console-producer --topic orders --key \"bob smith\" --value \"say \\\"hi\\\"\"",
            "kafka-console-producer --topic orders --key alice --value \"order-4\"",
            "kafka-console-producer --topic orders --key \"\" --value \"ünïcode\\ttab\"",
        ]
    );
    for (id, raw) in &plan.sessions {
        let meta: SessionMeta = serde_json::from_str(raw).unwrap();
        assert_eq!((meta.schema, &meta.id), (3, id));
        let v2 = records(DATABASE, "sessions")
            .into_iter()
            .find(|(k, _)| k == id.as_str())
            .map(|(_, v)| serde_json::from_str::<Value>(&v).unwrap())
            .unwrap();
        assert_eq!(meta.step_count, v2["step_count"].as_u64().unwrap());
        assert_eq!(meta.config, v2["config"]);
        assert_eq!(meta.seed, v2["seed"].as_u64().unwrap());
        assert_eq!(meta.name, v2["name"]);
        assert_eq!(
            (meta.created_at_ms, meta.updated_at_ms),
            (
                v2["created_at_ms"].as_u64().unwrap(),
                v2["updated_at_ms"].as_u64().unwrap()
            )
        );
    }
}

#[test]
fn converted_lines_are_the_console_s_canonical_text() {
    for (_, _, raw) in plan(DATABASE).steps {
        let line = serde_json::from_str::<StepRecord>(&raw).unwrap().line;
        let parsed = script::parse_line(&line)
            .unwrap_or_else(|e| panic!("{line}: {e}"))
            .expect("a command, not a blank line");
        assert_eq!(parsed.to_string(), line, "printed back unchanged");
    }
}

#[test]
fn the_lines_rebuild_the_same_world_as_the_original_commands() {
    let metas: Vec<(String, Value)> = records(DATABASE, "sessions")
        .into_iter()
        .map(|(k, v)| {
            (
                k.as_str().unwrap().to_string(),
                serde_json::from_str(&v).unwrap(),
            )
        })
        .collect();
    for (id, meta) in metas {
        let seed = meta["seed"].as_u64().unwrap();
        let config: sim::WorldConfig = serde_json::from_value(meta["config"].clone()).unwrap();
        let mut world = sim::World::new(seed, config.clone());
        let mut console = script::exec::Console::with_config(seed, config);
        for command in v2_commands(DATABASE, &id) {
            let typed: sim::Command = serde_json::from_value(command.clone()).unwrap();
            world.apply(typed).unwrap();
            let line = command_line(&command).unwrap();
            console.run_line(&line).unwrap();
            assert_eq!(
                console.state_hash(),
                format!("{:016x}", world.state_hash()),
                "{id}: after `{line}`"
            );
        }
        assert_eq!(console.log().len(), v2_commands(DATABASE, &id).len());
    }
}

#[test]
fn the_fixture_commands_are_what_the_page_s_sim_commands_serialise_to() {
    // The page wrote `serde_json::to_value(&command)`: the fixture is that form. `sim::Command`
    // has gained optional fields since (topic configs such as `max_compaction_lag_ms`), so
    // today's form is the fixture plus those fields, unset: every value the old page wrote
    // reads back the same, and nothing else is set.
    for command in v2_commands(DATABASE, SANDBOX) {
        let typed: sim::Command = serde_json::from_value(command.clone()).unwrap();
        let now = serde_json::to_value(&typed).unwrap();
        same_but_for_new_unset_fields(&command, &now, "command");
    }
}

fn same_but_for_new_unset_fields(old: &Value, now: &Value, path: &str) {
    match (old, now) {
        (Value::Object(old), Value::Object(now)) => {
            for (key, value) in now {
                let at = format!("{path}.{key}");
                match old.get(key) {
                    Some(was) => same_but_for_new_unset_fields(was, value, &at),
                    None => assert!(value.is_null(), "{at} is new and set: {value}"),
                }
            }
            for key in old.keys() {
                assert!(now.contains_key(key), "{path}.{key} is gone");
            }
        }
        _ => assert_eq!(old, now, "{path}"),
    }
}

#[test]
fn a_migrated_memory_store_opens_the_lines_and_goes_on() {
    let (memory, plan) = memory_from(DATABASE);
    assert_eq!(plan.migrated, 2);
    let store = Store::with_memory(memory);
    let listed = block_on(store.list_sessions()).unwrap();
    assert_eq!(listed.len(), 2);
    let loaded = block_on(store.load_session(SANDBOX)).unwrap();
    assert_eq!(loaded.steps.len(), 6);
    assert_eq!(
        loaded.steps[1],
        "kafka-console-producer --topic orders --key alice --value 1"
    );
    assert_eq!(loaded.meta.schema, 3);
    // The v2 preferences are read as they are.
    assert_eq!(
        block_on(store.preferences()).unwrap().vocabulary,
        Vocabulary::Kafka
    );
    block_on(store.append_step(
        SANDBOX,
        6,
        "kafka-console-producer --topic orders --value order-7",
    ))
    .unwrap();
    assert_eq!(block_on(store.load_steps(SANDBOX, 6)).unwrap().len(), 1);
    assert!(store.take_notices().is_empty());
}

#[test]
fn upgrading_twice_changes_nothing() {
    let (memory, _) = memory_from(DATABASE);
    let again = memory.upgrade_v2_records().unwrap();
    assert_eq!(again, UpgradePlan::default());
}

#[test]
fn an_unconvertible_step_ends_its_session_and_is_kept_and_reported() {
    let (memory, plan) = memory_from(UNCONVERTIBLE);
    assert_eq!(plan.migrated, 2);
    assert_eq!(plan.damaged.len(), 1);
    let d = &plan.damaged[0];
    assert_eq!(d.session.as_deref(), Some("s-with-advance"));
    assert_eq!(d.key, "v2_steps/s-with-advance/2");
    assert!(d.raw.contains("\"Advance\""));
    assert!(
        matches!(&d.problem, Problem::Corrupt(m) if m.contains("step 2 of 4") && m.contains("`Advance`")),
        "{:?}",
        d.problem
    );
    assert!(Notice::Damaged(d.clone()).offers_export());
    let store = Store::with_memory(memory);
    let cut = block_on(store.load_session("s-with-advance")).unwrap();
    assert_eq!(cut.meta.step_count, 2);
    assert_eq!(cut.steps.len(), 2);
    assert_eq!(cut.snapshot, None, "v2 snapshots are dropped");
    assert_eq!(
        block_on(store.load_session("s-good")).unwrap().steps.len(),
        2
    );
    // Nothing is lost: the raw v2 steps from the failed one on are in the raw export.
    let raw: Value =
        serde_json::from_str(&block_on(store.export_raw_session("s-with-advance")).unwrap())
            .unwrap();
    let keys: Vec<&String> = raw["records"].as_object().unwrap().keys().collect();
    assert!(keys.contains(&&"v2_steps/s-with-advance/2".to_string()));
    assert!(keys.contains(&&"v2_steps/s-with-advance/3".to_string()));
    assert!(!keys.iter().any(|k| k.starts_with("snapshots/")));
    // The session goes on where it now ends.
    block_on(store.append_step("s-with-advance", 2, "advance 3000")).unwrap();
    assert!(store.take_notices().is_empty());
}

#[test]
fn an_export_of_schema_2_imports_as_lines() {
    let file = json!({
        "format": "offset-express/sessions",
        "schema": 2,
        "sessions": [{
            "id": "s-old", "name": "Old", "created_at_ms": 1, "updated_at_ms": 2, "seed": 42,
            "config": {},
            "steps": v2_commands(DATABASE, SANDBOX).into_iter().enumerate()
                .map(|(i, c)| json!({"index": i, "command": c})).collect::<Vec<_>>(),
            "snapshots": [{"step": 1, "state": {"older": "world"}}]
        }]
    });
    let store = Store::in_memory();
    block_on(store.create_session(store::NewSession {
        name: "taken".into(),
        seed: 1,
        config: json!({}),
    }))
    .unwrap();
    let report = block_on(store.import_sessions(&file.to_string())).unwrap();
    let loaded = block_on(store.load_session(&report.sessions[0].id)).unwrap();
    assert_eq!(loaded.steps.len(), 6);
    assert_eq!(
        loaded.steps[0],
        "kafka-topics --create --topic orders --partitions 3"
    );
    assert_eq!(loaded.snapshot, None);
    assert_eq!(block_on(store.list_sessions()).unwrap().len(), 2);
}

#[test]
fn an_export_of_schema_2_with_an_unconvertible_step_is_refused_naming_it() {
    let mut steps: Vec<Value> = v2_commands(UNCONVERTIBLE, "s-with-advance")
        .into_iter()
        .enumerate()
        .map(|(i, c)| json!({"index": i, "command": c}))
        .collect();
    steps.truncate(3);
    let file = json!({"format": "offset-express/sessions", "schema": 2, "sessions": [
        {"id": "a", "name": "A", "created_at_ms": 0, "updated_at_ms": 0, "seed": 0,
         "config": {}, "steps": [], "snapshots": []},
        {"id": "b", "name": "B", "created_at_ms": 0, "updated_at_ms": 0, "seed": 0,
         "config": {}, "steps": steps, "snapshots": []}]});
    let store = Store::in_memory();
    let err = block_on(store.import_sessions(&file.to_string())).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("sessions[1].steps[2].command: this schema 2 step cannot be"),
        "{err}"
    );
    assert!(block_on(store.list_sessions()).unwrap().is_empty());
}

mod properties {
    use proptest::prelude::*;
    use serde_json::json;
    use store::convert::command_line;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Whatever key and value a record had, its line is the console's canonical text and
        /// parses back to the same topic, key and value.
        #[test]
        fn any_produced_record_converts_to_a_canonical_line_that_says_the_same(
            // A legal Kafka topic name ("." and ".." are not: the console refuses them, and no
            // stored session can hold a record of such a topic).
            topic in "[a-zA-Z0-9._-]{1,40}".prop_filter("not . or ..", |t| t != "." && t != ".."),
            key in proptest::option::of(any::<String>()),
            value in any::<String>(),
        ) {
            let command = json!({"type": "Produce", "topic": topic, "partition": null,
                "key": key, "value": value, "headers": [], "timestamp_ms": null, "acks": null});
            let line = command_line(&command).unwrap();
            let parsed = script::parse_line(&line)
                .map_err(|e| TestCaseError::fail(format!("{line}: {e}")))?
                .unwrap();
            prop_assert_eq!(parsed.to_string(), line.clone());
            let script::Command::ConsoleProducer(p) = parsed else {
                return Err(TestCaseError::fail(format!("{line}: not a console producer")));
            };
            prop_assert_eq!(p.topic.to_string(), topic);
            prop_assert_eq!(p.key, key);
            prop_assert_eq!(p.values, vec![value]);
        }

        /// Any JSON at all: converted or refused with a reason, never a panic.
        #[test]
        fn any_json_is_converted_or_refused_without_panicking(
            text in r#"\{"type":"(Produce|CreateTopic|Advance)"(,"[a-z_]{1,12}":(null|1|-3|"x y"|\[\]|\{\}|true))*\}"#,
        ) {
            if let Ok(command) = serde_json::from_str::<serde_json::Value>(&text) {
                let _ = command_line(&command);
            }
        }
    }
}
