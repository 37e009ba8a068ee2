//! Test bodies shared by the browser (`browser.rs`, headless Chromium) and Node (`node.rs`)
//! test binaries, so both runtimes check exactly the same things.

use js_sys::Reflect;
use offset_express_wasm::Simulator;
use wasm_bindgen::{JsCast, JsValue};

/// Every golden scenario of `tests/scenarios` with its expected transcript. The native test
/// `crates/script/tests/golden.rs` checks that this list names every scenario file.
pub const SCENARIOS: &[(&str, &str, &str)] = &[
    (
        "auto-commit-duplicates",
        include_str!("../../../../tests/scenarios/auto-commit-duplicates.oe"),
        include_str!("../../../../tests/scenarios/auto-commit-duplicates.expected"),
    ),
    (
        "auto-create",
        include_str!("../../../../tests/scenarios/auto-create.oe"),
        include_str!("../../../../tests/scenarios/auto-create.expected"),
    ),
    (
        "auto-create-off",
        include_str!("../../../../tests/scenarios/auto-create-off.oe"),
        include_str!("../../../../tests/scenarios/auto-create-off.expected"),
    ),
    (
        "commit-before-processing",
        include_str!("../../../../tests/scenarios/commit-before-processing.oe"),
        include_str!("../../../../tests/scenarios/commit-before-processing.expected"),
    ),
    (
        "console-consumer-group",
        include_str!("../../../../tests/scenarios/console-consumer-group.oe"),
        include_str!("../../../../tests/scenarios/console-consumer-group.expected"),
    ),
    (
        "crash-before-commit",
        include_str!("../../../../tests/scenarios/crash-before-commit.oe"),
        include_str!("../../../../tests/scenarios/crash-before-commit.expected"),
    ),
    (
        "eager-vs-cooperative",
        include_str!("../../../../tests/scenarios/eager-vs-cooperative.oe"),
        include_str!("../../../../tests/scenarios/eager-vs-cooperative.expected"),
    ),
    (
        "exactly-once",
        include_str!("../../../../tests/scenarios/exactly-once.oe"),
        include_str!("../../../../tests/scenarios/exactly-once.expected"),
    ),
    (
        "external-offset-store",
        include_str!("../../../../tests/scenarios/external-offset-store.oe"),
        include_str!("../../../../tests/scenarios/external-offset-store.expected"),
    ),
    (
        "first-consumer",
        include_str!("../../../../tests/scenarios/first-consumer.oe"),
        include_str!("../../../../tests/scenarios/first-consumer.expected"),
    ),
    (
        "latest-sees-only-new",
        include_str!("../../../../tests/scenarios/latest-sees-only-new.oe"),
        include_str!("../../../../tests/scenarios/latest-sees-only-new.expected"),
    ),
    (
        "offset-store",
        include_str!("../../../../tests/scenarios/offset-store.oe"),
        include_str!("../../../../tests/scenarios/offset-store.expected"),
    ),
    (
        "play",
        include_str!("../../../../tests/scenarios/play.oe"),
        include_str!("../../../../tests/scenarios/play.expected"),
    ),
    (
        "producer",
        include_str!("../../../../tests/scenarios/producer.oe"),
        include_str!("../../../../tests/scenarios/producer.expected"),
    ),
    (
        "producer-crash",
        include_str!("../../../../tests/scenarios/producer-crash.oe"),
        include_str!("../../../../tests/scenarios/producer-crash.expected"),
    ),
    (
        "replication",
        include_str!("../../../../tests/scenarios/replication.oe"),
        include_str!("../../../../tests/scenarios/replication.expected"),
    ),
    (
        "retention",
        include_str!("../../../../tests/scenarios/retention.oe"),
        include_str!("../../../../tests/scenarios/retention.expected"),
    ),
    (
        "static-member-restart",
        include_str!("../../../../tests/scenarios/static-member-restart.oe"),
        include_str!("../../../../tests/scenarios/static-member-restart.expected"),
    ),
    (
        "topic-delete",
        include_str!("../../../../tests/scenarios/topic-delete.oe"),
        include_str!("../../../../tests/scenarios/topic-delete.expected"),
    ),
    (
        "topics",
        include_str!("../../../../tests/scenarios/topics.oe"),
        include_str!("../../../../tests/scenarios/topics.expected"),
    ),
    (
        "unclean-election",
        include_str!("../../../../tests/scenarios/unclean-election.oe"),
        include_str!("../../../../tests/scenarios/unclean-election.expected"),
    ),
    (
        "zombie-fenced",
        include_str!("../../../../tests/scenarios/zombie-fenced.oe"),
        include_str!("../../../../tests/scenarios/zombie-fenced.expected"),
    ),
];

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap()
}

pub fn golden_scenarios_give_the_native_bytes() {
    for (name, source, expected) in SCENARIOS {
        let actual = script::exec::golden::transcript(0, source);
        assert!(
            actual == *expected,
            "{name}: the wasm transcript differs from the native one"
        );
    }
}

pub fn run_returns_the_tool_text_and_the_events() {
    let mut sim = Simulator::new(7.0).unwrap();
    let out = sim
        .run("kafka-topics --create --topic orders --partitions 3")
        .unwrap();
    assert_eq!(
        get(&out, "text").as_string().unwrap(),
        "Created topic orders.\n"
    );
    let events = js_sys::Array::from(&get(&out, "events"));
    assert_eq!(events.length(), 1);
    assert_eq!(
        get(&events.get(0), "type").as_string().unwrap(),
        "TopicCreated"
    );
}

pub fn a_failing_line_throws_an_error_with_line_and_column_and_changes_nothing() {
    let mut sim = Simulator::new(1.0).unwrap();
    sim.run("kafka-topics --create --topic t --partitions 1 --replication-factor 3 --config min.insync.replicas=3").unwrap();
    sim.run("kafka-broker-typo").unwrap_err();
    let before = sim.state_hash();
    let err = sim
        .run("kafka-topics --create --topic t --partitons 2")
        .unwrap_err();
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(get(&err, "line").as_f64(), Some(1.0));
    assert_eq!(get(&err, "column").as_f64(), Some(33.0));
    assert_eq!(get(&err, "kind").as_string().unwrap(), "parse");
    sim.run("producer p").unwrap();
    sim.run("kill-broker 2").unwrap();
    let before_send = sim.state_hash();
    let err = sim
        .run("kafka-console-producer --topic t --value v")
        .unwrap_err();
    assert_eq!(
        get(&err, "code").as_string().unwrap(),
        "NOT_ENOUGH_REPLICAS"
    );
    assert_eq!(sim.state_hash(), before_send);
    assert_ne!(before, before_send);
}

pub fn run_script_stops_at_the_first_failing_line() {
    let mut sim = Simulator::new(3.0).unwrap();
    let err = sim
        .run_script("kafka-topics --create --topic a\n\nsend p9 --topic a --value v\nkafka-topics --create --topic b\n")
        .unwrap_err();
    assert_eq!(get(&err, "line").as_f64(), Some(3.0));
    assert_eq!(get(&err, "code").as_string().unwrap(), "UNKNOWN_CLIENT");
    let completed = js_sys::Array::from(&get(&err, "completed"));
    assert_eq!(completed.length(), 1);
    let state = sim.state().unwrap();
    let topics = js_sys::Array::from(&get(&state, "topics"));
    assert_eq!(topics.length(), 1, "topic b was never created");
}

pub fn state_is_a_plain_object_in_the_versioned_schema() {
    let mut sim = Simulator::new(5.0).unwrap();
    sim.run_script("kafka-topics --create --topic orders --partitions 2\nproducer p\nsend p --topic orders --key alice --value v\n")
        .unwrap();
    let state = sim.state().unwrap();
    assert_eq!(
        get(&state, "schema").as_string().unwrap(),
        "offset-express/state"
    );
    assert_eq!(get(&state, "version").as_f64(), Some(1.0));
    assert_eq!(get(&state, "seed").as_f64(), Some(5.0));
    let topic = js_sys::Array::from(&get(&state, "topics")).get(0);
    assert_eq!(get(&topic, "name").as_string().unwrap(), "orders");
    // The object and the JSON text are the same document.
    let parsed = js_sys::JSON::parse(&sim.state_json()).unwrap();
    assert_eq!(
        js_sys::JSON::stringify(&parsed).unwrap(),
        js_sys::JSON::stringify(&state).unwrap()
    );
}

pub fn events_accumulate_until_taken() {
    let mut sim = Simulator::new(2.0).unwrap();
    sim.run("kafka-topics --create --topic a").unwrap();
    sim.run("kafka-topics --create --topic b").unwrap();
    assert_eq!(js_sys::Array::from(&sim.events().unwrap()).length(), 2);
    assert_eq!(js_sys::Array::from(&sim.take_events().unwrap()).length(), 2);
    assert_eq!(js_sys::Array::from(&sim.take_events().unwrap()).length(), 0);
}

pub fn snapshot_and_restore_give_the_same_world_and_it_goes_on_the_same_way() {
    let mut sim = Simulator::new(11.0).unwrap();
    sim.run_script("kafka-topics --create --topic t --partitions 3\nproducer p linger.ms=0\nsend p --topic t --value one\n")
        .unwrap();
    let bytes = sim.snapshot().unwrap();
    let mut copy = Simulator::restore(&bytes).unwrap();
    assert_eq!(copy.state_hash(), sim.state_hash());
    assert_eq!(copy.state_json(), sim.state_json());
    let a = sim.run("send p --topic t --value two").unwrap();
    let b = copy.run("send p --topic t --value two").unwrap();
    assert_eq!(
        get(&a, "text").as_string().unwrap(),
        get(&b, "text").as_string().unwrap()
    );
    assert_eq!(copy.state_hash(), sim.state_hash());
    let err = Simulator::restore(&bytes[..bytes.len() / 2]).err().unwrap();
    assert_eq!(get(&err, "code").as_string().unwrap(), "CORRUPT_SNAPSHOT");
}

pub fn a_seed_that_is_not_a_whole_number_is_refused() {
    assert!(Simulator::new(-1.0).is_err());
    assert!(Simulator::new(1.5).is_err());
    assert!(Simulator::new(f64::NAN).is_err());
    assert!(Simulator::new(0.0).is_ok());
}
