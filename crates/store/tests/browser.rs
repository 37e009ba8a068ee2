//! The IndexedDB store in headless Chromium, against real IndexedDB. Each test uses its own
//! database. Run with:
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown -p store`

#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Waker};

use idb::TransactionMode;
use serde_json::{json, Value};
use store::idb::{SESSIONS, SNAPSHOTS, STEPS, STORES};
use store::{
    database_name, ChangeKind, ChapterProgress, NewSession, Notice, Preferences, Problem, Role,
    SessionChange, Store, StoreError, Vocabulary,
};
use support::{js_object, raw_all, raw_open, raw_put, sleep, step_key, unique};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn new_session(name: &str) -> NewSession {
    NewSession {
        name: name.into(),
        seed: u64::MAX - 1,
        config: json!({"partitions": 3}),
    }
}

fn command(i: u64) -> String {
    format!("kafka-console-producer --topic orders --key k{i} --value v{i}")
}

/// Opens a store while the given browser APIs are hidden: only during the first, synchronous
/// part of opening, which is where the store checks what the browser offers. The page is shared
/// by every test, so the APIs are back before anything else can run.
async fn open_without(hidden: &[(JsValue, &'static str)], ns: &str) -> (Store, Vec<Notice>) {
    let mut opening = Box::pin(Store::open(ns));
    let first = {
        let _hidden: Vec<_> = hidden.iter().map(|(o, n)| support::hide(o, n)).collect();
        opening
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
    };
    match first {
        std::task::Poll::Ready(opened) => opened,
        std::task::Poll::Pending => opening.await,
    }
}

async fn session_with_steps(store: &Store, n: u64) -> String {
    let meta = store.create_session(new_session("ride")).await.unwrap();
    for i in 0..n {
        store.append_step(&meta.id, i, &command(i)).await.unwrap();
    }
    meta.id
}

#[wasm_bindgen_test]
async fn a_long_session_reopens_from_its_latest_snapshot_and_the_lines_after_it() {
    let ns = unique("tail");
    let id;
    {
        let (store, _) = Store::open(&ns).await;
        id = session_with_steps(&store, 9).await;
        store
            .put_latest_snapshot(&id, 4, &json!({"at": 4}))
            .await
            .unwrap();
        store
            .put_latest_snapshot(&id, 8, &json!({"at": 8}))
            .await
            .unwrap();
    }
    let (store, _) = Store::open(&ns).await;
    let (tail, _) = store.open_session_tail(&id).await.unwrap();
    assert_eq!(tail.meta.step_count, 9);
    let snapshot = tail.snapshot.unwrap();
    assert_eq!((snapshot.step, snapshot.state), (8, json!({"at": 8})));
    assert_eq!(tail.steps, [command(8)]);
    let exported: serde_json::Value =
        serde_json::from_str(&store.export_session(&id).await.unwrap()).unwrap();
    assert_eq!(
        exported["sessions"][0]["snapshots"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "the older snapshot is deleted"
    );
    // The whole log is still there for whoever reads it all.
    let loaded = store.load_session(&id).await.unwrap();
    assert_eq!(loaded.steps, (0..9).map(command).collect::<Vec<_>>());
}

#[wasm_bindgen_test]
async fn everything_saved_is_there_after_a_reload() {
    let ns = unique("round-trip");
    let id;
    {
        let (store, notices) = Store::open(&ns).await;
        assert!(notices.is_empty(), "{notices:?}");
        assert!(store.is_persistent());
        id = session_with_steps(&store, 5).await;
        store.put_snapshot(&id, 3, &json!({"at": 3})).await.unwrap();
        store
            .put_progress(&ChapterProgress::new("offsets", 2, false))
            .await
            .unwrap();
        let prefs = Preferences {
            vocabulary: Vocabulary::Kafka,
            speed: 2.5,
            ..Preferences::default()
        };
        store.put_preferences(&prefs).await.unwrap();
    }
    // A new store on the same namespace is what the next visit sees.
    let (store, notices) = Store::open(&ns).await;
    assert!(notices.is_empty(), "{notices:?}");
    let listed = store.list_sessions().await.unwrap();
    assert_eq!(listed.len(), 1);
    let loaded = store.load_session(&id).await.unwrap();
    assert_eq!(loaded.steps, (0..5).map(command).collect::<Vec<_>>());
    assert_eq!(loaded.meta.seed, u64::MAX - 1, "all 64 bits of the seed");
    assert_eq!(loaded.meta.config, json!({"partitions": 3}));
    let snapshot = loaded.snapshot.clone().unwrap();
    assert_eq!((snapshot.step, snapshot.state), (3, json!({"at": 3})));
    assert_eq!(loaded.steps_after_snapshot(), &[command(3), command(4)]);
    let progress = store.progress("offsets").await.unwrap().unwrap();
    assert_eq!((progress.step, progress.completed), (2, false));
    let prefs = store.preferences().await.unwrap();
    assert_eq!((prefs.vocabulary, prefs.speed), (Vocabulary::Kafka, 2.5));
}

#[wasm_bindgen_test]
async fn each_step_is_its_own_record_appended_once() {
    let ns = unique("append-only");
    let (store, _) = Store::open(&ns).await;
    let id = session_with_steps(&store, 4).await;
    let db = raw_open(&database_name(&ns), None, &[]).await;
    let before = raw_all(&db, STEPS).await;
    store.append_step(&id, 4, &command(4)).await.unwrap();
    let after = raw_all(&db, STEPS).await;
    // One record more; the earlier records are exactly as they were.
    assert_eq!(after.len(), 5);
    for ((k0, v0), (k1, v1)) in before.iter().zip(after.iter()) {
        assert_eq!(k0, k1);
        assert_eq!(v0.as_string(), v1.as_string());
    }
    assert_eq!(after[4].0, format!("[\"{id}\",4]"));
    // A step index is never written twice.
    assert!(matches!(
        store.append_step(&id, 2, "again").await,
        Err(StoreError::DuplicateSequenceNumber {
            index: 2,
            expected: 5,
            ..
        })
    ));
    assert!(matches!(
        store.append_step(&id, 9, "ahead").await,
        Err(StoreError::OutOfOrderSequenceNumber { .. })
    ));
    assert_eq!(raw_all(&db, STEPS).await.len(), 5);
    db.close();
}

#[wasm_bindgen_test]
async fn a_tab_killed_mid_write_loses_only_the_step_in_flight() {
    let ns = unique("kill");
    let id;
    {
        let (store, _) = Store::open(&ns).await;
        id = session_with_steps(&store, 3).await;

        // Killed at the Rust level: the write started (its transaction is open) and the task
        // never ran again.
        {
            let step = command(3);
            let mut write = pin!(store.append_step(&id, 3, &step));
            let mut cx = Context::from_waker(Waker::noop());
            assert!(write.as_mut().poll(&mut cx).is_pending());
        }

        // Killed at the IndexedDB level: a transaction that wrote the step and the new log end
        // but never committed.
        let db = raw_open(&database_name(&ns), None, &[]).await;
        let tx = db
            .transaction(&[SESSIONS, STEPS], TransactionMode::ReadWrite)
            .unwrap();
        tx.object_store(STEPS)
            .unwrap()
            .put(
                &JsValue::from_str("{\"half\":true}"),
                Some(&step_key(&id, 3)),
            )
            .unwrap();
        let tx = tx.abort().unwrap();
        assert!(
            tx.error().is_none(),
            "aborted by the page, not by a failure"
        );
        drop(tx);
        db.close();
    }
    let (store, notices) = Store::open(&ns).await;
    assert!(notices.is_empty(), "{notices:?}");
    let (loaded, role) = store.open_session(&id).await.unwrap();
    assert_eq!(role, Role::Writer, "the killed tab's lock was released");
    assert_eq!(loaded.steps, (0..3).map(command).collect::<Vec<_>>());
    assert_eq!(loaded.meta.step_count, 3);
    // The session goes on from its last complete step.
    store.append_step(&id, 3, &command(3)).await.unwrap();
    assert_eq!(store.load_session(&id).await.unwrap().steps.len(), 4);
}

async fn write_v1_database(ns: &str, fixture: &str) -> Value {
    let dump: Value = serde_json::from_str(fixture).unwrap();
    let db = raw_open(&database_name(ns), Some(1), &["sessions"]).await;
    for record in dump["stores"]["sessions"].as_array().unwrap() {
        let key = JsValue::from_str(record["key"].as_str().unwrap());
        raw_put(&db, "sessions", &key, &js_object(&record["value"])).await;
    }
    db.close();
    dump
}

#[wasm_bindgen_test]
async fn a_v1_database_is_migrated_on_open() {
    let ns = unique("v1");
    let dump = write_v1_database(&ns, include_str!("../fixtures/v1/database.json")).await;
    let (store, notices) = Store::open(&ns).await;
    assert_eq!(
        notices[0],
        Notice::Migrated {
            from: 1,
            to: 3,
            sessions: 3
        }
    );
    // The pre-release commands are not simulator commands: no console line says them. Each
    // such session keeps its metadata, ends before its first command, and is reported; the
    // commands are kept aside, untouched.
    let mut damaged: Vec<&str> = notices[1..]
        .iter()
        .map(|n| match n {
            Notice::Damaged(d) => d.key.as_str(),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    damaged.sort_unstable();
    assert_eq!(
        damaged,
        vec!["v2_steps/s-crash/0", "v2_steps/s-first-ride/0"]
    );
    assert!(store.is_persistent());
    let listed = store.list_sessions().await.unwrap();
    assert_eq!(listed.len(), 3);
    for record in dump["stores"]["sessions"].as_array().unwrap() {
        let v1 = &record["value"];
        let loaded = store
            .load_session(v1["id"].as_str().unwrap())
            .await
            .unwrap();
        assert_eq!(loaded.meta.name, v1["title"]);
        assert_eq!(loaded.meta.seed, v1["seed"].as_u64().unwrap());
        assert_eq!(loaded.meta.config, v1["config"]);
        assert!(loaded.steps.is_empty());
        assert!(loaded.snapshot.is_none());
    }
    // The migrated sessions are ordinary sessions: they take new steps.
    let (_, role) = store.open_session("s-crash").await.unwrap();
    assert_eq!(role, Role::Writer);
    store.append_step("s-crash", 0, &command(0)).await.unwrap();
    // Opening again migrates nothing twice.
    let (again, notices) = Store::open(&ns).await;
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(again.list_sessions().await.unwrap().len(), 3);
    let db = raw_open(&database_name(&ns), None, &[]).await;
    assert_eq!(db.version().unwrap(), 3);
    assert!(raw_all(&db, "v1_sessions").await.is_empty());
    assert_eq!(
        raw_all(&db, "v2_steps").await.len(),
        4 + 5,
        "every v1 command is kept"
    );
    db.close();
}

#[wasm_bindgen_test]
async fn a_damaged_v1_record_is_kept_aside_and_reported_while_the_rest_migrates() {
    let ns = unique("v1-damaged");
    write_v1_database(
        &ns,
        include_str!("../fixtures/v1/database-with-damaged-record.json"),
    )
    .await;
    let (store, notices) = Store::open(&ns).await;
    assert!(notices.contains(&Notice::Migrated {
        from: 1,
        to: 3,
        sessions: 1
    }));
    assert!(notices.iter().any(|n| matches!(n,
        Notice::Damaged(d) if d.session.as_deref() == Some("s-cut-short") && d.raw.contains("Cut short"))));
    let listed = store.list_sessions().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        store.load_session("s-good").await.unwrap().meta.name,
        "Good"
    );
    let db = raw_open(&database_name(&ns), None, &[]).await;
    let kept = raw_all(&db, "v1_sessions").await;
    assert_eq!(kept.len(), 1, "the damaged v1 record is kept, untouched");
    assert_eq!(kept[0].0, "\"s-cut-short\"");
    db.close();
}

/// Writes a fixture of `fixtures/v2/` as the v2 page left it: IndexedDB version 2, the five
/// stores, every value JSON text.
async fn write_v2_database(ns: &str, fixture: &str) -> Value {
    let dump: Value = serde_json::from_str(fixture).unwrap();
    assert_eq!(dump["version"], 2);
    let db = raw_open(&database_name(ns), Some(2), &STORES).await;
    for store in STORES {
        for record in dump["stores"][store].as_array().unwrap() {
            let key = match &record["key"] {
                Value::Array(k) => step_key(k[0].as_str().unwrap(), k[1].as_u64().unwrap()),
                k => JsValue::from_str(k.as_str().unwrap()),
            };
            let value = JsValue::from_str(record["value"].as_str().unwrap());
            raw_put(&db, store, &key, &value).await;
        }
    }
    db.close();
    dump
}

#[wasm_bindgen_test]
async fn a_v2_database_of_today_s_page_opens_as_console_lines() {
    let ns = unique("v2");
    write_v2_database(&ns, include_str!("../fixtures/v2/database.json")).await;
    let (store, notices) = Store::open(&ns).await;
    assert_eq!(
        notices,
        vec![Notice::Migrated {
            from: 2,
            to: 3,
            sessions: 2
        }]
    );
    assert!(store.is_persistent());
    assert_eq!(store.list_sessions().await.unwrap().len(), 2);
    let (loaded, role) = store.open_session("s-mia0x1k-3f9a2c0").await.unwrap();
    assert_eq!(role, Role::Writer);
    assert_eq!(
        loaded.steps,
        vec![
            "kafka-topics --create --topic orders --partitions 3",
            "kafka-console-producer --topic orders --key alice --value 1",
            "kafka-console-producer --topic orders --value \"order-2\"",
            "kafka-console-producer --topic orders --key \"bob smith\" --value \"say \\\"hi\\\"\"",
            "kafka-console-producer --topic orders --key alice --value \"order-4\"",
            "kafka-console-producer --topic orders --key \"\" --value \"ünïcode\\ttab\"",
        ]
    );
    assert_eq!(loaded.meta.seed, 42);
    assert_eq!(loaded.meta.config["brokers"], 3);
    assert_eq!(
        store.load_session("s-mia1b2c-0k2x1").await.unwrap().steps,
        vec!["kafka-topics --create --topic orders --partitions 3"]
    );
    assert_eq!(
        store.preferences().await.unwrap().vocabulary,
        Vocabulary::Kafka
    );
    store
        .append_step("s-mia0x1k-3f9a2c0", 6, &command(6))
        .await
        .unwrap();
    drop(store);
    // Every step record is now a schema 3 line; opening again migrates nothing.
    let db = raw_open(&database_name(&ns), None, &[]).await;
    assert_eq!(db.version().unwrap(), 3);
    let steps = raw_all(&db, STEPS).await;
    assert_eq!(steps.len(), 8);
    for (_, raw) in &steps {
        let record: Value = serde_json::from_str(&raw.as_string().unwrap()).unwrap();
        assert_eq!(record["schema"], 3);
        assert!(record["line"].is_string());
    }
    assert!(raw_all(&db, "v2_steps").await.is_empty());
    db.close();
    let (again, notices) = Store::open(&ns).await;
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(
        again
            .load_session("s-mia0x1k-3f9a2c0")
            .await
            .unwrap()
            .steps
            .len(),
        7
    );
}

#[wasm_bindgen_test]
async fn a_v2_step_without_a_console_line_ends_its_session_and_is_kept_aside() {
    let ns = unique("v2-unconvertible");
    write_v2_database(
        &ns,
        include_str!("../fixtures/v2/database-with-unconvertible-step.json"),
    )
    .await;
    let (store, notices) = Store::open(&ns).await;
    assert_eq!(
        notices[0],
        Notice::Migrated {
            from: 2,
            to: 3,
            sessions: 2
        }
    );
    assert!(
        matches!(&notices[1..], [Notice::Damaged(d)]
            if d.key == "v2_steps/s-with-advance/2" && d.raw.contains("Advance")),
        "{notices:?}"
    );
    let loaded = store.load_session("s-with-advance").await.unwrap();
    assert_eq!(loaded.meta.step_count, 2);
    assert_eq!(loaded.steps.len(), 2);
    assert_eq!(loaded.snapshot, None);
    assert_eq!(store.load_session("s-good").await.unwrap().steps.len(), 2);
    let raw = store.export_raw_session("s-with-advance").await.unwrap();
    assert!(raw.contains("v2_steps/s-with-advance/2") && raw.contains("v2_steps/s-with-advance/3"));
    let db = raw_open(&database_name(&ns), None, &[]).await;
    assert_eq!(raw_all(&db, "v2_steps").await.len(), 2);
    assert!(
        raw_all(&db, SNAPSHOTS).await.is_empty(),
        "v2 snapshots are dropped"
    );
    db.close();
}

#[wasm_bindgen_test]
async fn a_database_from_a_newer_version_opens_read_only_and_is_never_overwritten() {
    let ns = unique("newer");
    let name = database_name(&ns);
    let mut stores: Vec<&str> = STORES.to_vec();
    stores.push("future_things");
    let db = raw_open(&name, Some(4), &stores).await;
    let old = json!({"schema": 3, "id": "s-old", "name": "Old", "created_at_ms": 1,
        "updated_at_ms": 2, "seed": 5, "config": {}, "step_count": 1});
    let old_step = json!({"schema": 3, "session": "s-old", "index": 0, "line": "advance 10"});
    let new = json!({"schema": 4, "id": "s-new", "shape": "unknown to v3"});
    raw_put(&db, SESSIONS, &"s-old".into(), &old.to_string().into()).await;
    raw_put(
        &db,
        STEPS,
        &step_key("s-old", 0),
        &old_step.to_string().into(),
    )
    .await;
    raw_put(&db, SESSIONS, &"s-new".into(), &new.to_string().into()).await;
    let before = raw_all(&db, SESSIONS).await;
    db.close();

    let (store, notices) = Store::open(&ns).await;
    assert!(notices.contains(&Notice::ReadOnlyNewerVersion {
        found: 4,
        supported: 3
    }));
    assert!(notices.iter().any(|n| matches!(n,
        Notice::Damaged(d) if d.problem == Problem::Newer(4) && d.session.as_deref() == Some("s-new"))));
    assert!(!store.is_persistent());
    // What this version can read is shown...
    let loaded = store.load_session("s-old").await.unwrap();
    assert_eq!(loaded.steps, vec!["advance 10".to_string()]);
    // ...and the app keeps working, in memory only.
    let id = session_with_steps(&store, 2).await;
    store.append_step("s-old", 1, "more").await.unwrap();
    store.delete_session(&id).await.unwrap();

    let db = raw_open(&name, None, &[]).await;
    assert_eq!(db.version().unwrap(), 4);
    let after = raw_all(&db, SESSIONS).await;
    assert_eq!(after.len(), before.len());
    for ((k0, v0), (k1, v1)) in before.iter().zip(after.iter()) {
        assert_eq!((k0, v0.as_string()), (k1, v1.as_string()));
    }
    assert_eq!(raw_all(&db, STEPS).await.len(), 1);
    db.close();
}

#[wasm_bindgen_test]
async fn a_corrupt_record_is_skipped_and_everything_else_is_kept() {
    let ns = unique("corrupt");
    let good;
    {
        let (store, _) = Store::open(&ns).await;
        good = session_with_steps(&store, 3).await;
        session_with_steps(&store, 1).await;
    }
    let db = raw_open(&database_name(&ns), None, &[]).await;
    raw_put(
        &db,
        SESSIONS,
        &"s-bad".into(),
        &"{\"schema\":2,\"id\":".into(),
    )
    .await;
    raw_put(&db, STEPS, &step_key(&good, 1), &JsValue::from_f64(42.0)).await;
    db.close();

    let (store, notices) = Store::open(&ns).await;
    assert!(store.is_persistent());
    assert!(
        notices.iter().any(|n| matches!(n,
            Notice::Damaged(d) if d.session.as_deref() == Some("s-bad") && d.raw == "{\"schema\":2,\"id\":")),
        "{notices:?}"
    );
    assert_eq!(store.list_sessions().await.unwrap().len(), 2);
    let loaded = store.load_session(&good).await.unwrap();
    assert_eq!(loaded.steps, vec![command(0)]);
    let notices = store.take_notices();
    assert!(matches!(&notices[..],
        [Notice::Damaged(d)] if d.key == format!("steps/{good}/1") && d.raw == "42"));
    let raw = store.export_raw_session("s-bad").await.unwrap();
    assert!(raw.contains("sessions/s-bad"));
    let raw = store.export_raw_session(&good).await.unwrap();
    assert!(raw.contains(&format!("steps/{good}/2")));
}

#[wasm_bindgen_test]
async fn a_second_tab_follows_a_session_read_only_until_it_takes_over() {
    let ns = unique("two-tabs");
    let (a, _) = Store::open(&ns).await;
    let (b, _) = Store::open(&ns).await;
    let meta = a.create_session(new_session("shared")).await.unwrap();
    let id = meta.id.clone();
    let heard: Rc<RefCell<Vec<SessionChange>>> = Rc::default();
    let sink = heard.clone();
    let _subscription = b.subscribe(move |c| sink.borrow_mut().push(c)).unwrap();

    let (_, role) = b.open_session(&id).await.unwrap();
    assert_eq!(role, Role::Follower);
    assert!(b.take_notices().contains(&Notice::FollowingAnotherTab {
        session: id.clone()
    }));
    assert_eq!(
        b.append_step(&id, 0, "from b").await,
        Err(StoreError::ProducerFenced {
            session: id.clone()
        })
    );
    assert!(matches!(
        b.delete_session(&id).await,
        Err(StoreError::ProducerFenced { .. })
    ));

    a.append_step(&id, 0, &command(0)).await.unwrap();
    for _ in 0..100 {
        if !heard.borrow().is_empty() {
            break;
        }
        sleep(10).await;
    }
    assert_eq!(
        heard.borrow().first(),
        Some(&SessionChange {
            session: id.clone(),
            kind: ChangeKind::Appended { step_count: 1 }
        })
    );
    assert_eq!(b.load_steps(&id, 0).await.unwrap(), vec![command(0)]);

    b.take_over(&id).await.unwrap();
    assert_eq!(b.role(&id), Role::Writer);
    sleep(50).await;
    assert_eq!(a.role(&id), Role::Follower);
    assert_eq!(
        a.append_step(&id, 1, "from a").await,
        Err(StoreError::ProducerFenced {
            session: id.clone()
        })
    );
    assert!(a.take_notices().contains(&Notice::TakenOverByAnotherTab {
        session: id.clone()
    }));
    b.append_step(&id, 1, &command(1)).await.unwrap();
    assert_eq!(
        a.load_session(&id).await.unwrap().steps,
        vec![command(0), command(1)]
    );
    // While b writes, a stays a follower; once b closes the session, a can write again.
    assert_eq!(a.open_session(&id).await.unwrap().1, Role::Follower);
    b.close_session(&id);
    sleep(20).await;
    let (loaded, role) = a.open_session(&id).await.unwrap();
    assert_eq!(role, Role::Writer);
    a.append_step(&id, loaded.steps.len() as u64, &command(2))
        .await
        .unwrap();
    assert_eq!(b.load_steps(&id, 2).await.unwrap(), vec![command(2)]);
}

#[wasm_bindgen_test]
async fn an_exported_session_imports_back_in_another_site_and_twice_without_replacing() {
    let (source, _) = Store::open(&unique("export")).await;
    let id = session_with_steps(&source, 50).await;
    source
        .put_snapshot(&id, 40, &json!({"big": "x".repeat(1000)}))
        .await
        .unwrap();
    let file = source.export_session(&id).await.unwrap();

    let (target, _) = Store::open(&unique("import")).await;
    let report = target.import_sessions(&file).await.unwrap();
    assert_eq!(report.sessions[0].id, id);
    let copy = target.load_session(&id).await.unwrap();
    let original = source.load_session(&id).await.unwrap();
    assert_eq!(copy.steps, original.steps);
    assert_eq!(copy.snapshot, original.snapshot);
    assert_eq!(copy.meta.seed, original.meta.seed);
    assert_eq!(target.export_session(&id).await.unwrap(), file);

    let again = target.import_sessions(&file).await.unwrap();
    assert_eq!(again.renamed().count(), 1);
    assert_ne!(again.sessions[0].id, id);
    assert_eq!(target.list_sessions().await.unwrap().len(), 2);
}

#[wasm_bindgen_test]
async fn a_malformed_file_is_refused_with_its_place_and_stores_nothing() {
    let (store, _) = Store::open(&unique("malformed")).await;
    let cases = [
        ("{\"format\":", "line 1, column 10"),
        ("[]", "(file): expected an object, found an array"),
        (
            "{\"format\":\"offset-express/sessions\",\"schema\":3,\"sessions\":[{\"id\":\"a\",\"name\":\"n\",\
             \"created_at_ms\":0,\"updated_at_ms\":0,\"seed\":0,\"config\":{},\"steps\":[{\"index\":0,\
             \"line\":\"advance 1\"},7],\"snapshots\":[]}]}",
            "sessions[0].steps[1]: expected an object, found the number 7",
        ),
        (
            "{\"format\":\"offset-express/sessions\",\"schema\":2,\"sessions\":[{\"id\":\"a\",\"name\":\"n\",\
             \"created_at_ms\":0,\"updated_at_ms\":0,\"seed\":0,\"config\":{},\"steps\":[{\"index\":0,\
             \"command\":{\"type\":\"Advance\",\"ms\":1}}],\"snapshots\":[]}]}",
            "sessions[0].steps[0].command: this schema 2 step cannot be turned into a console line",
        ),
        (
            "{\"format\":\"offset-express/sessions\",\"schema\":9,\"sessions\":[]}",
            "schema: the file uses schema version 9",
        ),
    ];
    for (file, expected) in cases {
        let err = store.import_sessions(file).await.unwrap_err().to_string();
        assert!(
            err.starts_with(expected),
            "{err:?} should start with {expected:?}"
        );
    }
    assert!(store.list_sessions().await.unwrap().is_empty());
}

#[wasm_bindgen_test]
async fn a_tab_whose_database_is_upgraded_by_a_newer_tab_keeps_working_in_memory() {
    let ns = unique("upgraded-away");
    let (store, _) = Store::open(&ns).await;
    let id = session_with_steps(&store, 2).await;
    // A newer version opens the database in another tab: this tab must let go.
    let mut stores: Vec<&str> = STORES.to_vec();
    stores.push("future_things");
    let newer = raw_open(&database_name(&ns), Some(4), &stores).await;
    assert_eq!(newer.version().unwrap(), 4);
    newer.close();
    let loaded = store.load_session(&id).await.unwrap();
    assert_eq!(loaded.steps, vec![command(0), command(1)]);
    assert!(store
        .take_notices()
        .contains(&Notice::ClosedForNewerVersion));
    assert!(!store.is_persistent());
    store.append_step(&id, 2, &command(2)).await.unwrap();
    let newer = raw_open(&database_name(&ns), None, &[]).await;
    assert_eq!(
        raw_all(&newer, STEPS).await.len(),
        2,
        "the newer data is not written"
    );
    newer.close();
}

#[wasm_bindgen_test]
async fn an_append_checks_the_stored_log_end_even_when_this_tab_thinks_it_knows_it() {
    let ns = unique("stale");
    let (store, _) = Store::open(&ns).await;
    let id = session_with_steps(&store, 2).await;
    // Behind this connection's back (as a tab without Web Locks could), the log gains a step.
    let db = raw_open(&database_name(&ns), None, &[]).await;
    let meta = store.load_session(&id).await.unwrap().meta;
    let mut moved = serde_json::to_value(&meta).unwrap();
    moved["step_count"] = json!(3);
    let step = json!({"schema": 3, "session": id, "index": 2, "line": "elsewhere"});
    raw_put(&db, STEPS, &step_key(&id, 2), &step.to_string().into()).await;
    raw_put(
        &db,
        SESSIONS,
        &id.as_str().into(),
        &moved.to_string().into(),
    )
    .await;
    db.close();
    // Step 2 is taken: refused, and the other writer's step is intact.
    assert!(matches!(
        store.append_step(&id, 2, "mine").await,
        Err(StoreError::DuplicateSequenceNumber {
            index: 2,
            expected: 3,
            ..
        })
    ));
    store.append_step(&id, 3, "mine").await.unwrap();
    let loaded = store.load_session(&id).await.unwrap();
    assert_eq!(
        loaded.steps,
        vec![command(0), command(1), "elsewhere".into(), "mine".into()]
    );
}

#[wasm_bindgen_test]
async fn when_an_old_tab_blocks_the_upgrade_the_app_works_in_memory_and_says_why() {
    let ns = unique("blocked");
    let name = database_name(&ns);
    // An old page holds a v1 connection and ignores `versionchange`: the upgrade is blocked.
    let old = raw_open(&name, Some(1), &["sessions"]).await;
    let t0 = support::now();
    let (store, notices) = Store::open(&ns).await;
    assert!(support::now() - t0 >= f64::from(store::idb::OPEN_TIMEOUT_MS) - 50.0);
    assert!(!store.is_persistent());
    assert!(
        matches!(&notices[..], [Notice::InMemoryOnly { reason }] if reason.contains("another tab")),
        "{notices:?}"
    );
    let id = session_with_steps(&store, 2).await;
    assert_eq!(store.load_session(&id).await.unwrap().steps.len(), 2);
    // Once the old tab goes, the next visit opens (and upgrades) the database normally.
    old.close();
    sleep(100).await;
    let (next, notices) = Store::open(&ns).await;
    assert!(next.is_persistent(), "{notices:?}");
}

#[wasm_bindgen_test]
async fn without_indexeddb_the_app_works_in_memory_and_says_so() {
    let ns = unique("no-idb");
    let (store, notices) = open_without(&[(js_sys::global().into(), "indexedDB")], &ns).await;
    assert!(!store.is_persistent());
    assert!(
        matches!(&notices[..], [Notice::InMemoryOnly { reason }] if reason.contains("no IndexedDB")),
        "{notices:?}"
    );
    assert!(notices[0].offers_export());
    let id = session_with_steps(&store, 3).await;
    assert_eq!(store.load_session(&id).await.unwrap().steps.len(), 3);
    assert!(store.export_all().await.unwrap().contains(&id));
}

#[wasm_bindgen_test]
async fn without_web_locks_every_tab_writes_and_the_log_still_refuses_duplicates() {
    let ns = unique("no-locks");
    let navigator = js_sys::Reflect::get(&js_sys::global(), &"navigator".into()).unwrap();
    let (a, _) = open_without(&[(navigator.clone(), "locks")], &ns).await;
    let (b, _) = open_without(&[(navigator, "locks")], &ns).await;
    let meta = a.create_session(new_session("unguarded")).await.unwrap();
    assert!(a.take_notices().contains(&Notice::TwoTabGuardUnavailable));
    let (_, role) = b.open_session(&meta.id).await.unwrap();
    assert_eq!(role, Role::Writer);
    a.append_step(&meta.id, 0, &command(0)).await.unwrap();
    assert!(matches!(
        b.append_step(&meta.id, 0, "clash").await,
        Err(StoreError::DuplicateSequenceNumber { .. })
    ));
    b.append_step(&meta.id, 1, &command(1)).await.unwrap();
    assert_eq!(
        a.load_session(&meta.id).await.unwrap().steps,
        vec![command(0), command(1)]
    );
}

#[wasm_bindgen_test]
async fn a_database_missing_a_store_is_left_alone_and_the_app_works_in_memory() {
    let ns = unique("incomplete");
    // A v2 database (to be migrated) with only one of its stores: not upgraded by guesswork.
    let db = raw_open(&database_name(&ns), Some(2), &[SESSIONS]).await;
    db.close();
    let (store, notices) = Store::open(&ns).await;
    assert!(!store.is_persistent());
    assert!(
        matches!(&notices[..], [Notice::InMemoryOnly { reason }] if reason.contains("`steps`")),
        "{notices:?}"
    );
    session_with_steps(&store, 1).await;
    let db = raw_open(&database_name(&ns), None, &[]).await;
    assert_eq!(db.store_names(), vec![SESSIONS.to_string()]);
    assert_eq!(db.version().unwrap(), 2);
    db.close();
    // The same at the current version (nothing to upgrade): left alone too.
    let ns = unique("incomplete-current");
    let db = raw_open(&database_name(&ns), Some(3), &[SESSIONS, STEPS]).await;
    db.close();
    let (store, notices) = Store::open(&ns).await;
    assert!(!store.is_persistent());
    assert!(
        matches!(&notices[..], [Notice::InMemoryOnly { reason }] if reason.contains("`snapshots`")),
        "{notices:?}"
    );
}
