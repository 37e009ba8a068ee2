//! The v1 (pre-release) fixtures migrate to v2 records (every session, every command, every
//! field), which then go through the v2 → v3 conversion (`tests/v2_migration.rs`).
//! The browser test `tests/browser.rs` writes the same fixtures into a real v1 IndexedDB
//! database and opens it with the current code.

#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;
use store::migrate::migrate_v1_session;
use store::Problem;

fn records(fixture: &str) -> Vec<(String, Value)> {
    let dump: Value = serde_json::from_str(fixture).unwrap();
    assert_eq!(dump["version"], 1);
    dump["stores"]["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["key"].as_str().unwrap().to_string(), r["value"].clone()))
        .collect()
}

#[test]
fn every_v1_fixture_session_migrates_with_its_whole_log() {
    let fixture = include_str!("../fixtures/v1/database.json");
    for (key, value) in records(fixture) {
        let m = migrate_v1_session(&key, &value.to_string()).unwrap();
        assert_eq!(m.meta.schema, 2, "v1 becomes v2 records first");
        assert_eq!(m.meta.id, key);
        assert_eq!(m.meta.name, value["title"]);
        assert_eq!(m.meta.seed, value["seed"].as_u64().unwrap());
        assert_eq!(m.meta.config, value["config"]);
        assert_eq!(
            m.meta.created_at_ms,
            value["created_at_ms"].as_u64().unwrap()
        );
        let commands = value["commands"].as_array().unwrap();
        assert_eq!(m.meta.step_count, commands.len() as u64);
        let migrated: Vec<&Value> = m.steps.iter().map(|s| &s.command).collect();
        assert_eq!(migrated, commands.iter().collect::<Vec<_>>());
        for (i, step) in m.steps.iter().enumerate() {
            assert_eq!(
                (step.index, step.session.as_str()),
                (i as u64, key.as_str())
            );
        }
    }
}

#[test]
fn a_damaged_v1_record_is_reported_and_the_others_still_migrate() {
    let fixture = include_str!("../fixtures/v1/database-with-damaged-record.json");
    let results: Vec<_> = records(fixture)
        .into_iter()
        .map(|(key, value)| migrate_v1_session(&key, &value.to_string()))
        .collect();
    assert!(results[0].is_ok());
    let damaged = results[1].as_ref().unwrap_err();
    assert_eq!(damaged.session.as_deref(), Some("s-cut-short"));
    assert!(matches!(&damaged.problem, Problem::Corrupt(m) if m.contains("missing field")));
}

#[test]
fn a_v1_record_under_the_wrong_key_is_not_migrated() {
    let raw =
        r#"{"schema":1,"id":"a","title":"t","created_at_ms":0,"seed":0,"config":{},"commands":[]}"#;
    assert!(migrate_v1_session("b", raw).is_err());
}
