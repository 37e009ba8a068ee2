//! The `Store` over the memory backend, natively: the same records, checks and notices as in
//! the browser, without a browser.

#![cfg(not(target_arch = "wasm32"))]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use serde_json::{json, Value};
use store::{
    ChapterProgress, MemoryStorage, NewSession, Notice, Preferences, Problem, ReducedMotion, Role,
    Store, StoreError, Vocabulary,
};

/// Runs a future of the memory store to completion (it never waits on anything).
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

fn new_session(name: &str) -> NewSession {
    NewSession {
        name: name.into(),
        seed: 42,
        config: json!({"partitions": 3}),
    }
}

fn command(i: u64) -> String {
    format!("kafka-console-producer --topic orders --value v{i}")
}

fn session_with_steps(store: &Store, n: u64) -> String {
    let meta = block_on(store.create_session(new_session("ride"))).unwrap();
    for i in 0..n {
        block_on(store.append_step(&meta.id, i, &command(i))).unwrap();
    }
    meta.id
}

#[test]
fn a_session_round_trips_with_its_log_and_latest_snapshot() {
    let store = Store::in_memory();
    let id = session_with_steps(&store, 5);
    block_on(store.put_snapshot(&id, 2, &json!({"at": 2}))).unwrap();
    block_on(store.put_snapshot(&id, 4, &json!({"at": 4}))).unwrap();
    let loaded = block_on(store.load_session(&id)).unwrap();
    assert_eq!(loaded.meta.name, "ride");
    assert_eq!(loaded.meta.seed, 42);
    assert_eq!(loaded.meta.config, json!({"partitions": 3}));
    assert_eq!(loaded.meta.step_count, 5);
    assert_eq!(loaded.steps, (0..5).map(command).collect::<Vec<_>>());
    let snapshot = loaded.snapshot.clone().unwrap();
    assert_eq!((snapshot.step, snapshot.state), (4, json!({"at": 4})));
    assert_eq!(loaded.steps_after_snapshot(), [command(4)]);
    assert!(store.take_notices().is_empty());
}

#[test]
fn the_latest_snapshot_replaces_older_ones_and_opens_the_session_with_only_the_lines_after_it() {
    let store = Store::in_memory();
    let id = session_with_steps(&store, 7);
    let (tail, role) = block_on(store.open_session_tail(&id)).unwrap();
    assert_eq!(role, Role::Writer);
    assert!(tail.snapshot.is_none());
    assert_eq!(tail.steps, (0..7).map(command).collect::<Vec<_>>());
    block_on(store.put_latest_snapshot(&id, 2, &json!({"at": 2}))).unwrap();
    block_on(store.put_latest_snapshot(&id, 5, &json!({"at": 5}))).unwrap();
    let exported: Value =
        serde_json::from_str(&block_on(store.export_session(&id)).unwrap()).unwrap();
    let steps: Vec<&Value> = exported["sessions"][0]["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["step"])
        .collect();
    assert_eq!(steps, [&json!(5)], "the older snapshot is gone");
    let (tail, _) = block_on(store.open_session_tail(&id)).unwrap();
    assert_eq!(tail.meta.step_count, 7);
    let snapshot = tail.snapshot.unwrap();
    assert_eq!((snapshot.step, snapshot.state), (5, json!({"at": 5})));
    assert_eq!(tail.steps, [command(5), command(6)]);
    // A snapshot at the log end leaves nothing to replay.
    block_on(store.put_latest_snapshot(&id, 7, &json!({"at": 7}))).unwrap();
    let (tail, _) = block_on(store.open_session_tail(&id)).unwrap();
    assert_eq!(tail.snapshot.unwrap().step, 7);
    assert!(tail.steps.is_empty());
    // Cut back below it, the session opens from its first line again.
    block_on(store.truncate_session(&id, 3)).unwrap();
    let (tail, _) = block_on(store.open_session_tail(&id)).unwrap();
    assert!(tail.snapshot.is_none());
    assert_eq!(tail.steps, (0..3).map(command).collect::<Vec<_>>());
    assert!(store.take_notices().is_empty());
}

#[test]
fn a_session_can_start_with_lines_and_goes_on_after_them() {
    let store = Store::in_memory();
    let lines: Vec<String> = (0..3).map(command).collect();
    let meta = block_on(store.create_session_with_steps(new_session("fork"), &lines)).unwrap();
    assert_eq!(meta.step_count, 3);
    block_on(store.append_step(&meta.id, 3, &command(3))).unwrap();
    let loaded = block_on(store.load_session(&meta.id)).unwrap();
    assert_eq!(loaded.steps, (0..4).map(command).collect::<Vec<_>>());
    assert_eq!(loaded.meta.name, "fork");
}

#[test]
fn a_step_index_is_written_once_and_never_rewritten() {
    let store = Store::in_memory();
    let id = session_with_steps(&store, 3);
    let again = block_on(store.append_step(&id, 1, "other"));
    assert_eq!(
        again,
        Err(StoreError::DuplicateSequenceNumber {
            session: id.clone(),
            index: 1,
            expected: 3
        })
    );
    let ahead = block_on(store.append_step(&id, 5, "ahead"));
    assert!(matches!(
        ahead,
        Err(StoreError::OutOfOrderSequenceNumber {
            index: 5,
            expected: 3,
            ..
        })
    ));
    let loaded = block_on(store.load_session(&id)).unwrap();
    assert_eq!(loaded.steps, (0..3).map(command).collect::<Vec<_>>());
}

#[test]
fn appending_to_an_unknown_session_fails_clearly() {
    let store = Store::in_memory();
    assert_eq!(
        block_on(store.append_step("nope", 0, "x")),
        Err(StoreError::UnknownSession {
            session: "nope".into()
        })
    );
}

#[test]
fn a_snapshot_beyond_the_log_end_is_refused() {
    let store = Store::in_memory();
    let id = session_with_steps(&store, 2);
    assert!(matches!(
        block_on(store.put_snapshot(&id, 3, &json!({}))),
        Err(StoreError::OffsetOutOfRange {
            step: 3,
            log_end: 2,
            ..
        })
    ));
}

#[test]
fn a_corrupt_session_record_is_skipped_reported_and_exportable_raw() {
    let memory = MemoryStorage::new();
    memory.put_raw_session("s-bad", "{\"schema\":2,\"id\":\"s-bad\",\"name\":");
    let store = Store::with_memory(memory);
    let good = session_with_steps(&store, 2);
    let listed = block_on(store.list_sessions()).unwrap();
    assert_eq!(
        listed.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        vec![good.as_str()]
    );
    let notices = store.take_notices();
    assert_eq!(notices.len(), 1);
    let Notice::Damaged(d) = &notices[0] else {
        panic!("expected a damaged-record notice, got {notices:?}")
    };
    assert_eq!(d.session.as_deref(), Some("s-bad"));
    assert_eq!(d.raw, "{\"schema\":2,\"id\":\"s-bad\",\"name\":");
    assert!(notices[0].offers_export());
    assert!(notices[0].to_string().contains("s-bad"));
    // Reported once, not on every listing.
    block_on(store.list_sessions()).unwrap();
    assert!(store.take_notices().is_empty());
    // The raw data can be exported as it is.
    let raw = block_on(store.export_raw_session("s-bad")).unwrap();
    let raw: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(
        raw["records"]["sessions/s-bad"],
        json!("{\"schema\":2,\"id\":\"s-bad\",\"name\":")
    );
    // Opening it says what is wrong instead of panicking.
    assert!(matches!(
        block_on(store.load_session("s-bad")),
        Err(StoreError::CorruptMessage { .. })
    ));
}

#[test]
fn a_corrupt_step_ends_the_log_there_and_the_session_can_go_on_after_truncating() {
    let store = Store::in_memory();
    let id = session_with_steps(&store, 4);
    let meta = block_on(store.load_session(&id)).unwrap().meta;
    // The same session, with step 2 damaged behind the store's back.
    let memory = MemoryStorage::new();
    memory.put_raw_session(&id, &serde_json::to_string(&meta).unwrap());
    for i in 0..4u64 {
        let step = json!({"schema": 3, "session": id, "index": i, "line": command(i)});
        memory.put_raw_step(&id, i, &step.to_string());
    }
    memory.put_raw_step(&id, 2, "\u{0}garbage");
    let store = Store::with_memory(memory);
    let loaded = block_on(store.load_session(&id)).unwrap();
    assert_eq!(loaded.steps, vec![command(0), command(1)]);
    let notices = store.take_notices();
    assert!(
        matches!(&notices[..], [Notice::Damaged(d)] if d.key == format!("steps/{id}/2") && d.raw == "\u{0}garbage")
    );
    // Appending right after the damage is refused until the log is cut back.
    assert!(block_on(store.append_step(&id, 2, "x")).is_err());
    block_on(store.truncate_session(&id, 2)).unwrap();
    block_on(store.append_step(&id, 2, "x")).unwrap();
    let loaded = block_on(store.load_session(&id)).unwrap();
    assert_eq!(loaded.steps, vec![command(0), command(1), "x".to_string()]);
}

#[test]
fn a_record_from_a_newer_schema_is_skipped_and_named_as_newer() {
    let memory = MemoryStorage::new();
    memory.put_raw_session(
        "s-future",
        "{\"schema\":4,\"id\":\"s-future\",\"shape\":\"new\"}",
    );
    let store = Store::with_memory(memory);
    assert!(block_on(store.list_sessions()).unwrap().is_empty());
    assert!(matches!(
        &store.take_notices()[..],
        [Notice::Damaged(d)] if d.problem == Problem::Newer(4)
    ));
}

#[test]
fn when_storage_is_full_the_store_keeps_working_in_memory_and_says_so() {
    let store = Store::with_memory(MemoryStorage::with_quota(2_000));
    let meta = block_on(store.create_session(new_session("big"))).unwrap();
    let mut i = 0;
    while i < 40 {
        block_on(store.append_step(&meta.id, i, &command(i))).unwrap();
        i += 1;
    }
    let notices = store.take_notices();
    assert_eq!(
        notices
            .iter()
            .filter(|n| **n == Notice::QuotaExceeded)
            .count(),
        1
    );
    assert!(notices[0].offers_export());
    let loaded = block_on(store.load_session(&meta.id)).unwrap();
    assert_eq!(loaded.steps, (0..40).map(command).collect::<Vec<_>>());
    // Export still works, so nothing is lost.
    let file = block_on(store.export_session(&meta.id)).unwrap();
    assert!(file.contains("\"big\""));
}

#[test]
fn truncating_drops_later_steps_and_snapshots() {
    let store = Store::in_memory();
    let id = session_with_steps(&store, 6);
    block_on(store.put_snapshot(&id, 2, &json!(2))).unwrap();
    block_on(store.put_snapshot(&id, 5, &json!(5))).unwrap();
    let meta = block_on(store.truncate_session(&id, 3)).unwrap();
    assert_eq!(meta.step_count, 3);
    let loaded = block_on(store.load_session(&id)).unwrap();
    assert_eq!(loaded.steps.len(), 3);
    assert_eq!(loaded.snapshot.unwrap().step, 2);
    assert!(matches!(
        block_on(store.truncate_session(&id, 4)),
        Err(StoreError::OffsetOutOfRange { .. })
    ));
}

#[test]
fn deleting_a_session_removes_its_log_and_snapshots() {
    let store = Store::in_memory();
    let id = session_with_steps(&store, 3);
    block_on(store.put_snapshot(&id, 1, &json!(1))).unwrap();
    let keep = session_with_steps(&store, 1);
    block_on(store.delete_session(&id)).unwrap();
    assert!(matches!(
        block_on(store.load_session(&id)),
        Err(StoreError::UnknownSession { .. })
    ));
    assert!(matches!(
        block_on(store.export_raw_session(&id)),
        Err(StoreError::UnknownSession { .. })
    ));
    assert_eq!(block_on(store.load_session(&keep)).unwrap().steps.len(), 1);
    assert!(matches!(
        block_on(store.delete_session(&id)),
        Err(StoreError::UnknownSession { .. })
    ));
}

#[test]
fn sessions_are_listed_most_recently_changed_first_and_renames_stick() {
    let store = Store::in_memory();
    let a = session_with_steps(&store, 1);
    let b = session_with_steps(&store, 1);
    assert_ne!(a, b, "every session gets its own id");
    block_on(store.rename_session(&a, "renamed")).unwrap();
    let listed = block_on(store.list_sessions()).unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed[0].updated_at_ms >= listed[1].updated_at_ms);
    let a_meta = listed.iter().find(|m| m.id == a).unwrap();
    assert_eq!(a_meta.name, "renamed");
}

#[test]
fn in_memory_every_session_is_written_by_this_tab() {
    let store = Store::in_memory();
    let id = session_with_steps(&store, 0);
    let (_, role) = block_on(store.open_session(&id)).unwrap();
    assert_eq!(role, Role::Writer);
    assert_eq!(store.role(&id), Role::Writer);
    assert!(store.subscribe(|_| {}).is_none());
}

#[test]
fn progress_is_kept_per_chapter() {
    let store = Store::in_memory();
    assert_eq!(block_on(store.progress("offsets")).unwrap(), None);
    block_on(store.put_progress(&ChapterProgress::new("offsets", 3, false))).unwrap();
    block_on(store.put_progress(&ChapterProgress::new("groups", 1, true))).unwrap();
    block_on(store.put_progress(&ChapterProgress::new("offsets", 4, true))).unwrap();
    let offsets = block_on(store.progress("offsets")).unwrap().unwrap();
    assert_eq!((offsets.step, offsets.completed), (4, true));
    assert_eq!(block_on(store.all_progress()).unwrap().len(), 2);
}

#[test]
fn preferences_default_until_saved_and_refuse_a_nonsense_speed() {
    let store = Store::in_memory();
    assert_eq!(
        block_on(store.preferences()).unwrap(),
        Preferences::default()
    );
    let prefs = Preferences {
        vocabulary: Vocabulary::Kafka,
        speed: 4.0,
        reduced_motion: ReducedMotion::On,
        ..Preferences::default()
    };
    block_on(store.put_preferences(&prefs)).unwrap();
    assert_eq!(block_on(store.preferences()).unwrap(), prefs);
    for speed in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let bad = Preferences {
            speed,
            ..prefs.clone()
        };
        assert!(block_on(store.put_preferences(&bad)).is_err());
    }
    assert_eq!(block_on(store.preferences()).unwrap(), prefs);
}

#[test]
fn damaged_preferences_fall_back_to_the_defaults_with_a_notice() {
    let memory = MemoryStorage::new();
    memory.put_raw_preferences(
        "{\"schema\":2,\"vocabulary\":\"klingon\",\"speed\":1,\"reduced_motion\":\"on\"}",
    );
    memory.put_raw_progress(
        "offsets",
        "{\"schema\":2,\"chapter\":\"groups\",\"step\":1,\"completed\":false,\"updated_at_ms\":0}",
    );
    let store = Store::with_memory(memory);
    assert_eq!(
        block_on(store.preferences()).unwrap(),
        Preferences::default()
    );
    assert_eq!(block_on(store.progress("offsets")).unwrap(), None);
    let notices = store.take_notices();
    let keys: Vec<&str> = notices
        .iter()
        .filter_map(|n| match n {
            Notice::Damaged(d) => Some(d.key.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(keys, vec!["preferences", "progress/offsets"]);
    // Saving again replaces the damaged preferences with good ones.
    let prefs = Preferences {
        vocabulary: Vocabulary::Kafka,
        ..Preferences::default()
    };
    block_on(store.put_preferences(&prefs)).unwrap();
    assert_eq!(block_on(store.preferences()).unwrap(), prefs);
}

#[test]
fn opening_natively_works_in_memory_and_says_so() {
    let (store, notices) = block_on(Store::open("site-a"));
    assert!(!store.is_persistent());
    assert_eq!(store.database_name(), "offset-express:site-a");
    assert!(matches!(&notices[..], [Notice::InMemoryOnly { .. }]));
}

#[test]
fn database_names_are_namespaced_per_site() {
    assert_eq!(
        store::database_name("user.github.io/a"),
        "offset-express:user.github.io/a"
    );
    assert_ne!(store::database_name("a"), store::database_name("b"));
    assert_eq!(store::database_name("  "), "offset-express:default");
}

#[test]
fn a_stored_log_end_at_the_largest_number_is_refused_not_a_crash() {
    let memory = MemoryStorage::new();
    let meta = json!({"schema": 3, "id": "s-max", "name": "n", "created_at_ms": 0,
        "updated_at_ms": 0, "seed": 0, "config": {}, "step_count": u64::MAX});
    memory.put_raw_session("s-max", &meta.to_string());
    let store = Store::with_memory(memory);
    assert!(matches!(
        block_on(store.append_step("s-max", u64::MAX, "x")),
        Err(StoreError::OffsetOutOfRange { .. })
    ));
    let loaded = block_on(store.load_session("s-max")).unwrap();
    assert!(loaded.steps.is_empty());
    assert!(matches!(&store.take_notices()[..], [Notice::Damaged(d)] if d.key == "steps/s-max/0"));
    block_on(store.truncate_session("s-max", u64::MAX)).unwrap();
}
