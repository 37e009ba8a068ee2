//! Topic and client configs that change what the model does, each as Kafka does it.

use script::exec::Console;

fn run(console: &mut Console, script: &str) -> String {
    let mut out = String::new();
    for line in script.lines().filter(|l| !l.trim().is_empty()) {
        match console.run_line(line) {
            Ok(o) => out.push_str(&o.text),
            Err(e) => panic!("`{line}`: {}", e.message()),
        }
    }
    out
}

fn state(console: &Console) -> serde_json::Value {
    serde_json::from_str(&script::exec::state::state_json(console)).unwrap()
}

fn records(console: &Console, topic: &str) -> Vec<serde_json::Value> {
    let s = state(console);
    let t = s["topics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == topic)
        .unwrap()
        .clone();
    t["partitions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["records"].as_array().unwrap().clone())
        .collect()
}

#[test]
fn log_append_time_replaces_the_producers_timestamp_and_changes_what_offsets_for_times_finds() {
    let mut console = Console::new(1);
    run(
        &mut console,
        "kafka-topics --create --topic create --partitions 1
kafka-topics --create --topic append --partitions 1 --config message.timestamp.type=LogAppendTime
producer p1
advance 10s
send p1 --topic create --value v --timestamp 1000
send p1 --topic append --value v --timestamp 1000
flush p1
advance 1s",
    );
    assert_eq!(records(&console, "create")[0]["timestamp_ms"], 1000);
    let appended = records(&console, "append")[0]["timestamp_ms"]
        .as_i64()
        .unwrap();
    assert!(appended >= 10_000, "{appended}");
    // The first offset at or after 5000: none by create time (the tool prints no line), the
    // record by append time.
    let create = run(&mut console, "kafka-get-offsets --topic create --time 5000");
    let append = run(&mut console, "kafka-get-offsets --topic append --time 5000");
    assert_eq!(create.trim(), "", "{create}");
    assert_eq!(append.trim(), "append:0:0", "{append}");
    let printed = run(
        &mut console,
        "kafka-console-consumer --topic append --from-beginning --property print.timestamp=true",
    );
    assert!(printed.starts_with("LogAppendTime:"), "{printed}");
    // The same when the tool joins a group that has members (its own poll loop), headers
    // included.
    run(
        &mut console,
        "consumer m1 group.id=readers max.poll.interval.ms=10000\nsubscribe m1 append\npoll m1",
    );
    let printed = run(
        &mut console,
        "kafka-console-consumer --topic append --group readers --from-beginning --property print.timestamp=true --property print.headers=true",
    );
    assert!(printed.starts_with("LogAppendTime:"), "{printed}");
    assert!(printed.contains("\tNO_HEADERS\t"), "{printed}");
}

#[test]
fn max_compaction_lag_forces_compaction_of_a_log_that_is_not_dirty_enough() {
    let mut console = Console::new(1);
    let setup = |topic: &str, extra: &str| {
        format!(
            "kafka-topics --create --topic {topic} --partitions 1 --config cleanup.policy=compact --config min.cleanable.dirty.ratio=1 {extra}"
        )
    };
    run(&mut console, &setup("lazy", ""));
    run(
        &mut console,
        &setup("eager", "--config max.compaction.lag.ms=60000"),
    );
    run(&mut console, "producer p1 linger.ms=0");
    for topic in ["lazy", "eager"] {
        for v in 1..=4 {
            run(
                &mut console,
                &format!("send p1 --topic {topic} --key k --value v{v}"),
            );
        }
    }
    run(&mut console, "advance 2m");
    // The next append rolls the active segment of the eager topic (older than the lag).
    for topic in ["lazy", "eager"] {
        run(
            &mut console,
            &format!("send p1 --topic {topic} --key j --value w"),
        );
    }
    run(&mut console, "advance 1m");
    assert_eq!(records(&console, "lazy").len(), 5);
    let eager = records(&console, "eager");
    assert_eq!(eager.len(), 2, "{eager:?}");
    assert_eq!(eager[0]["value"], "v4");
}

#[test]
fn a_minimum_compaction_lag_above_the_maximum_is_refused() {
    let mut console = Console::new(1);
    let e = console
        .run_line("kafka-topics --create --topic t --config min.compaction.lag.ms=10 --config max.compaction.lag.ms=5")
        .unwrap_err();
    assert!(
        e.message().contains("max.compaction.lag.ms"),
        "{}",
        e.message()
    );
}

#[test]
fn partitioner_ignore_keys_sends_keyed_records_sticky() {
    let mut console = Console::new(1);
    run(
        &mut console,
        "kafka-topics --create --topic orders --partitions 3
producer keyed linger.ms=0
producer sticky linger.ms=0 partitioner.ignore.keys=true",
    );
    let keys = ["alice", "bob", "carol", "dave", "erin", "frank"];
    for key in keys {
        run(
            &mut console,
            &format!("send sticky --topic orders --key {key} --value s"),
        );
    }
    run(&mut console, "advance 1s");
    let s = state(&console);
    let used = |value: &str| {
        s["topics"][0]["partitions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| {
                p["records"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|r| r["value"] == value)
            })
            .count()
    };
    assert_eq!(used("s"), 1, "sticky: one partition for every key");
    for key in keys {
        run(
            &mut console,
            &format!("send keyed --topic orders --key {key} --value k"),
        );
    }
    run(&mut console, "advance 1s");
    let s2 = state(&console);
    let spread = s2["topics"][0]["partitions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            p["records"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["value"] == "k")
        })
        .count();
    assert!(spread > 1, "by key: more than one partition");
    let configs = &s2["producers"][1]["configs"];
    assert_eq!(configs["partitioner.ignore.keys"], "true");
    assert_eq!(configs["partitioner.adaptive.partitioning.enable"], "true");
}

#[test]
fn the_console_consumer_prints_headers() {
    let mut console = Console::new(1);
    let out = run(
        &mut console,
        "kafka-topics --create --topic orders --partitions 1
producer p1 linger.ms=0
send p1 --topic orders --key alice --value v --header trace-id=42 --header source=web
send p1 --topic orders --key bob --value w
advance 1s
kafka-console-consumer --topic orders --from-beginning --property print.headers=true --property print.key=true",
    );
    assert!(out.contains("trace-id:42,source:web\talice\tv\n"), "{out}");
    assert!(out.contains("NO_HEADERS\tbob\tw\n"), "{out}");
}

#[test]
fn topic_configs_are_stored_and_readable() {
    let mut console = Console::new(1);
    run(
        &mut console,
        "kafka-topics --create --topic t --config unclean.leader.election.enable=true
consumer c1 allow.auto.create.topics=false",
    );
    let topic = console.world().topic("t").unwrap();
    assert!(topic.config().unclean_leader_election_enable);
    let s = state(&console);
    assert_eq!(
        s["topics"][0]["configs"]["unclean.leader.election.enable"],
        "true"
    );
    assert_eq!(
        s["consumers"][0]["configs"]["allow.auto.create.topics"],
        "false"
    );
    assert!(
        !console
            .world()
            .consumer_settings("c1")
            .unwrap()
            .allow_auto_create_topics
    );
}

/// `metadata.max.age.ms` is a consumer config: with 1000 a consumer subscribed to a topic
/// that does not exist yet gets its partitions within a second of its creation.
#[test]
fn a_consumer_with_a_short_metadata_max_age_picks_up_a_new_topic() {
    let mut console = Console::new(1);
    run(
        &mut console,
        "cluster auto.create.topics.enable=false
consumer c1 group.id=g metadata.max.age.ms=1000
subscribe c1 audit
poll c1
advance 3s
poll c1
advance 5s
poll c1
kafka-topics --create --topic audit --partitions 2",
    );
    assert_eq!(
        state(&console)["consumers"][0]["configs"]["metadata.max.age.ms"],
        "1000"
    );
    assert!(console
        .world()
        .consumer("c1")
        .unwrap()
        .assignment()
        .is_empty());
    run(&mut console, "advance 1s\npoll c1");
    assert_eq!(
        console.world().consumer("c1").unwrap().assignment().len(),
        2,
        "assigned within a second"
    );
}
