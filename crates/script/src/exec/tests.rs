//! The executor's promises: atomic lines, Kafka's texts and layouts, the session log,
//! snapshots, and clear refusals for what the core does not model yet.

use super::*;

fn console(lines: &str) -> Console {
    let mut c = Console::new(7);
    c.run_script(lines).unwrap();
    c
}

#[test]
fn a_line_the_cluster_refuses_changes_nothing() {
    let mut c = console(
        "kafka-topics --create --topic t --replication-factor 3 --config min.insync.replicas=3\nproducer p\nkill-broker 2\n",
    );
    let (hash, log, state) = (c.state_hash(), c.log().to_vec(), state::state_json(&c));
    let err = c
        .run_line("kafka-console-producer --topic t --value v")
        .unwrap_err();
    assert_eq!(err.kafka_code(), Some("NOT_ENOUGH_REPLICAS"));
    assert_eq!((c.state_hash(), c.log().to_vec()), (hash, log));
    assert_eq!(state::state_json(&c), state);
}

#[test]
fn a_console_producer_line_is_all_or_nothing() {
    let mut c = console("kafka-topics --create --topic t --config max.message.bytes=100\n");
    let before = c.state_hash();
    let long = "x".repeat(200);
    let err = c
        .run_line(&format!(
            "kafka-console-producer --topic t --value short --value {long}"
        ))
        .unwrap_err();
    assert_eq!(err.kafka_code(), Some("MESSAGE_TOO_LARGE"));
    assert_eq!(c.state_hash(), before, "the first record must not stay");
    assert_eq!(
        c.run_line("kafka-get-offsets --topic t").unwrap().text,
        "t:0:0\n"
    );
}

#[test]
fn a_parse_error_keeps_its_position_and_suggestion() {
    let mut c = Console::new(1);
    let err = c
        .run_line("kafka-topics --create --topic orders --partitons 3")
        .unwrap_err();
    assert_eq!((err.span.line, err.span.column), (1, 38));
    assert_eq!(
        err.to_string(),
        "line 1, column 38: unknown flag '--partitons' for kafka-topics; did you mean '--partitions'?"
    );
    assert!(c.log().is_empty());
}

#[test]
fn a_script_stops_at_the_first_failing_line_and_says_where() {
    let mut c = Console::new(1);
    let err = c
        .run_script("kafka-topics --create --topic a\n# comment\n\nkafka-topics --create --topic a\nkafka-topics --create --topic b\n")
        .unwrap_err();
    assert_eq!((err.error.span.line, err.error.span.column), (4, 1));
    assert_eq!(
        err.to_string(),
        "line 4, column 1: Error while executing topic command : Topic 'a' already exists."
    );
    assert_eq!(err.completed.len(), 1);
    assert!(c.world().topic("b").is_none());
    assert!(err
        .error
        .render("x\n\n\nkafka-topics --create --topic a\n")
        .contains("  4 | kafka-topics"));
}

#[test]
fn the_session_log_holds_the_canonical_lines_that_changed_something() {
    let c = console(
        "kafka-topics   --create --topic t\nkafka-topics --list\nproducer p   acks=all\ndescribe cluster\nsend p --topic t --value v\nstate --json\n",
    );
    assert_eq!(
        c.log(),
        [
            "kafka-topics --create --topic t",
            "producer p acks=all",
            "send p --topic t --value v"
        ]
    );
}

#[test]
fn seed_is_allowed_only_before_the_world_changes() {
    let mut a = Console::new(0);
    a.run_line("seed 42").unwrap();
    a.run_line("kafka-topics --create --topic t").unwrap();
    assert_eq!(a.world().seed(), 42);
    let err = a.run_line("seed 43").unwrap_err();
    assert_eq!(err.kind, ExecErrorKind::SeedTooLate);
    let b = console("seed 43\nkafka-topics --create --topic t\n");
    assert_ne!(
        state::state(&a).topics[0].topic_id,
        state::state(&b).topics[0].topic_id
    );
}

#[test]
fn send_prints_topic_partition_at_offset_when_acknowledged_and_offsets_grow_by_one() {
    let mut c = console("kafka-topics --create --topic t --partitions 1\nproducer p acks=1 linger.ms=0\nproducer q\n");
    for expected in ["p: t-0@0\n", "p: t-0@1\n", "p: t-0@2\n"] {
        assert_eq!(
            c.run_line("send p --topic t --key k --value v")
                .unwrap()
                .text,
            expected
        );
    }
    // With the default linger.ms=5 the record waits in a batch until the batch goes.
    let queued = c.run_line("send q --topic t --value w").unwrap().text;
    assert!(queued.starts_with("q: queued for t-0"), "{queued}");
    assert_eq!(c.run_line("flush q").unwrap().text, "q: t-0@3\n");
}

#[test]
fn describe_topic_uses_kafkas_layout() {
    let mut c = console("kafka-topics --create --topic orders --partitions 2 --replication-factor 2 --config retention.ms=1000\n");
    let out = c
        .run_line("kafka-topics --describe --topic orders")
        .unwrap()
        .text;
    let id = state::topic_id(7, "orders");
    let mut lines = out.lines();
    assert_eq!(
        lines.next().unwrap(),
        format!("Topic: orders\tTopicId: {id}\tPartitionCount: 2\tReplicationFactor: 2\tConfigs: retention.ms=1000")
    );
    let p0 = lines.next().unwrap();
    assert!(
        p0.starts_with("\tTopic: orders\tPartition: 0\tLeader: "),
        "{p0}"
    );
    assert!(
        p0.contains("\tReplicas: ")
            && p0.contains("\tIsr: ")
            && p0.ends_with("\tElr: \tLastKnownElr: ")
    );
    assert_eq!(lines.count(), 1);
}

#[test]
fn the_committed_offset_is_the_next_offset_to_read_and_describe_shows_it() {
    let mut c = console(
        "kafka-topics --create --topic t --partitions 1\nkafka-console-producer --topic t --value a --value b --value c --value d\n",
    );
    let read = c
        .run_line("kafka-console-consumer --topic t --group g --from-beginning --max-messages 3")
        .unwrap();
    assert_eq!(read.text, "a\nb\nc\nProcessed a total of 3 messages\n");
    // The tool returns once the commit is replicated: it is visible at once.
    let committed = c
        .world()
        .committed_offset("g", &sim::TopicPartition::new("t", 0))
        .map(|o| o.offset.0);
    assert_eq!(
        committed,
        Some(3),
        "after reading offsets 0..=2 the group commits 3"
    );
    let out = c
        .run_line("kafka-consumer-groups --describe --group g")
        .unwrap()
        .text;
    assert_eq!(
        out,
        "\nConsumer group 'g' has no active members.\n\
         \nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID\
         \ng               t               0          3               4               1               -               -               -\n"
    );
}

#[test]
fn reset_offsets_without_execute_plans_only_and_warns() {
    let mut c = console(
        "kafka-topics --create --topic t --partitions 1\nkafka-console-producer --topic t --value a --value b\nkafka-console-consumer --topic t --group g --from-beginning\n",
    );
    let before = c.state_hash();
    let out = c
        .run_line("kafka-consumer-groups --reset-offsets --group g --topic t --to-earliest")
        .unwrap()
        .text;
    assert!(
        out.starts_with("WARN: No action will be performed as the --execute option is missing.")
    );
    assert!(out.ends_with("\nGROUP           TOPIC           PARTITION  NEW-OFFSET\ng               t               0          0\n"));
    assert_eq!(c.state_hash(), before);
    c.run_line("kafka-consumer-groups --reset-offsets --group g --topic t --to-earliest --execute")
        .unwrap();
    let committed = c
        .world()
        .committed_offset("g", &sim::TopicPartition::new("t", 0))
        .map(|o| o.offset.0);
    assert_eq!(committed, Some(0));
}

#[test]
fn a_consumer_reads_from_its_position_and_commits_the_next_offset_to_read() {
    let mut c = console(
        "kafka-topics --create --topic t --partitions 1\nkafka-console-producer --topic t --value a --value b\nconsumer c1 group.id=g enable.auto.commit=false auto.offset.reset=earliest\nsubscribe c1 t\npoll c1\nadvance 3s\n",
    );
    let polled = c.run_line("poll c1").unwrap().text;
    assert!(
        polled.ends_with("t-0@0 key=null value=a\nt-0@1 key=null value=b\n"),
        "{polled}"
    );
    assert_eq!(c.run_line("position c1 t:0").unwrap().text, "2\n");
    assert_eq!(c.run_line("committed c1").unwrap().text, "t-0=null\n");
    c.run_line("process c1").unwrap();
    assert_eq!(
        c.run_line("commitSync c1").unwrap().text.lines().next(),
        Some("c1: committed t-0=2")
    );
    // commitSync() commits the position with the leader epoch of the record before it, as
    // Kafka's consumer does (KIP-320).
    assert_eq!(
        c.run_line("committed c1 t:0").unwrap().text,
        "t-0=OffsetAndMetadata{offset=2, leaderEpoch=0, metadata=''}\n"
    );
}

#[test]
fn a_verb_for_an_unknown_client_changes_nothing() {
    let mut c = console("kafka-topics --create --topic t\nproducer p\n");
    let before = c.state_hash();
    for line in [
        "poll c9",
        "commitSync c9",
        "seek c9 t:0 0",
        "send p9 --topic t --value v",
    ] {
        let err = c.run_line(line).unwrap_err();
        assert_eq!(err.kafka_code(), Some("UNKNOWN_CLIENT"), "{line}");
    }
    // Restarting a producer that runs is refused and changes nothing.
    let err = c.run_line("restart p").unwrap_err();
    assert_eq!(err.kafka_code(), Some("INVALID_REQUEST"));
    assert_eq!(c.state_hash(), before);
    assert_eq!(c.log().len(), 2);
}

#[test]
fn resume_from_a_world_and_its_lines_rebuilds_the_console_and_its_merged_log() {
    let lines: Vec<String> = [
        "kafka-topics --create --topic t --partitions 2",
        "producer p acks=1",
        "send p --topic t --value v",
        "advance 1s",
        "advance 2s",
        "consumer c group.id=g",
        "subscribe c t",
        "poll c",
        "advance 5s",
    ]
    .iter()
    .map(|l| l.to_string())
    .collect();
    let mut c = Console::new(7);
    for line in &lines {
        c.run_line(line).unwrap();
    }
    let bytes = c.world_snapshot().unwrap();
    let mut r = Console::resume(&bytes, &lines).unwrap();
    assert_eq!(r.state_hash(), c.state_hash());
    assert_eq!(r.log(), c.log());
    assert!(r.log().contains(&"advance 3s".to_string()));
    // It goes on exactly as the original does.
    for console in [&mut c, &mut r] {
        console.run_line("advance 1s").unwrap();
        console.run_line("poll c").unwrap();
    }
    assert_eq!(r.state_hash(), c.state_hash());
    assert_eq!(r.log(), c.log());
    assert!(matches!(
        Console::resume(&bytes[..bytes.len() / 2], &lines),
        Err(SimError::CorruptSnapshot { .. })
    ));
    let broken = vec!["advance soon".to_string()];
    assert!(matches!(
        Console::resume(&bytes, &broken),
        Err(SimError::CorruptSnapshot { .. })
    ));
}

#[test]
fn snapshot_and_restore_keep_the_world_the_clients_and_the_log() {
    let c = console("kafka-topics --create --topic t --partitions 2\nproducer p acks=1\nsend p --topic t --value v\nconsumer c group.id=g\nsubscribe c t\npoll c\nadvance 5s\n");
    let bytes = c.snapshot().unwrap();
    let mut r = Console::restore(&bytes).unwrap();
    assert_eq!(r.state_hash(), c.state_hash());
    assert_eq!(r.log(), c.log());
    assert_eq!(state::state_json(&r), state::state_json(&c));
    r.run_line("send p --topic t --value w").unwrap();
    assert!(matches!(
        Console::restore(&bytes[..bytes.len() - 3]),
        Err(SimError::CorruptSnapshot { .. })
    ));
    assert!(matches!(
        Console::restore(b"nope"),
        Err(SimError::CorruptSnapshot { .. })
    ));
    let mut future = bytes.clone();
    let header_len = u32::from_le_bytes([future[4], future[5], future[6], future[7]]) as usize;
    let header = String::from_utf8(future[8..8 + header_len].to_vec()).unwrap();
    let bumped = header.replacen("\"version\":1", "\"version\":9", 1);
    future.splice(8..8 + header_len, bumped.into_bytes());
    assert!(matches!(
        Console::restore(&future),
        Err(SimError::UnsupportedVersion { found: 9, .. })
    ));
}

#[test]
fn events_are_kept_until_taken() {
    let mut c = Console::new(1);
    c.run_line("kafka-topics --create --topic a").unwrap();
    let _ = c.run_line("kafka-topics --create --topic a");
    assert_eq!(c.events().len(), 1, "a failing line adds no events");
    assert_eq!(c.take_events().len(), 1);
    assert!(c.take_events().is_empty());
}

#[test]
fn the_state_json_is_versioned() {
    let c = console("kafka-topics --create --topic t\n");
    let v: serde_json::Value = serde_json::from_str(&state::state_json(&c)).unwrap();
    assert_eq!(v["schema"], "offset-express/state");
    assert_eq!(v["version"], 1);
    assert_eq!(v["consumer_offsets"]["partitions"], 50);
}

#[test]
fn resetting_the_offsets_of_a_group_with_members_is_refused_with_kafkas_words() {
    let mut c = console(
        "kafka-topics --create --topic t\nconsumer c1 group.id=g\nsubscribe c1 t\npoll c1\nadvance 3s\npoll c1\n",
    );
    let before = c.state_hash();
    let err = c
        .run_line(
            "kafka-consumer-groups --reset-offsets --group g --all-topics --to-earliest --execute",
        )
        .unwrap_err();
    assert_eq!(
        err.message(),
        "Error: Assignments can only be reset if the group 'g' is inactive, but the current state is Stable."
    );
    let err = c
        .run_line("kafka-consumer-groups --delete --group g")
        .unwrap_err();
    assert!(err
        .message()
        .ends_with("GroupNotEmptyException: The group is not empty."));
    assert_eq!(c.state_hash(), before);
    c.run_line("close c1").unwrap();
    c.run_line("kafka-consumer-groups --reset-offsets --group g --topic t --to-earliest --execute")
        .unwrap();
}

#[test]
fn delete_offsets_deletes_the_topics_the_group_is_not_subscribed_to_and_reports_the_others() {
    // g commits offsets for t (which it reads) and for u (by hand), then asks to delete both.
    let mut c = console(
        "kafka-topics --create --topic t\nkafka-topics --create --topic u\nconsumer c1 group.id=g enable.auto.commit=false\nsubscribe c1 t\npoll c1\nadvance 3s\npoll c1\ncommitSync c1 --offsets t:0=0,u:0=0\n",
    );
    let tp = |t: &str| sim::TopicPartition::new(t, 0);
    assert!(c.world().committed_offset("g", &tp("u")).is_some());
    let out = c
        .run_line("kafka-consumer-groups --delete-offsets --group g --topic t --topic u")
        .unwrap();
    assert!(out
        .text
        .starts_with("Error: Encountered some partition-level error, see the follow-up details."));
    assert!(out.text.contains("GroupSubscribedToTopicException"));
    // u's offset went (the coordinator deleted it), t's stayed.
    assert!(c.world().committed_offset("g", &tp("u")).is_none());
    assert!(c.world().committed_offset("g", &tp("t")).is_some());
    // Only t now: nothing can be deleted, the line is refused and changes nothing.
    let before = c.state_hash();
    assert!(c
        .run_line("kafka-consumer-groups --delete-offsets --group g --topic t")
        .is_err());
    assert_eq!(c.state_hash(), before);
}

mod properties {
    //! Any sequence of lines from the scenario files (and mangled copies of them) runs
    //! without a panic, every failing line leaves the console exactly as it was, and the
    //! world's invariants hold afterwards.

    use super::*;
    use proptest::prelude::*;

    const SCENARIOS: &[&str] = &[
        include_str!("../../../../tests/scenarios/first-consumer.oe"),
        include_str!("../../../../tests/scenarios/offset-store.oe"),
        include_str!("../../../../tests/scenarios/replication.oe"),
        include_str!("../../../../tests/scenarios/eager-vs-cooperative.oe"),
        include_str!("../../../../tests/scenarios/zombie-fenced.oe"),
        include_str!("../../../../tests/scenarios/topics.oe"),
        include_str!("../../../../tests/scenarios/producer.oe"),
        include_str!("../../../../tests/scenarios/play.oe"),
    ];

    fn pool() -> Vec<String> {
        SCENARIOS
            .iter()
            .flat_map(|s| s.lines())
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#') && !l.ends_with('\\'))
            .map(str::to_string)
            .collect()
    }

    fn line() -> impl Strategy<Value = String> {
        let pool = pool();
        (0..pool.len(), 0u8..4, any::<u16>()).prop_map(move |(i, mangle, at)| {
            let l = &pool[i];
            match mangle {
                // Mostly real lines; sometimes cut short or with a number changed.
                0 if l.len() > 2 => l[..l
                    .char_indices()
                    .nth(usize::from(at) % l.chars().count())
                    .map_or(l.len(), |(i, _)| i)]
                    .to_string(),
                1 => l.replace('0', "7").replace('1', "9"),
                _ => l.clone(),
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn failing_lines_change_nothing_and_nothing_panics(
            seed in 0u64..1000,
            lines in proptest::collection::vec(line(), 1..40),
        ) {
            let mut c = Console::new(seed);
            for l in &lines {
                let (hash, log) = (c.state_hash(), c.log().len());
                if c.run_line(l).is_err() {
                    prop_assert_eq!(&c.state_hash(), &hash, "{}", l);
                    prop_assert_eq!(c.log().len(), log);
                }
            }
            prop_assert_eq!(c.world().check_invariants(), Ok(()));
            prop_assert!(serde_json::from_str::<serde_json::Value>(&state::state_json(&c)).is_ok());
        }
    }
}

#[test]
fn consecutive_advance_lines_are_logged_as_one() {
    let mut c = console("kafka-topics --create --topic t\n");
    for line in [
        "advance 100ms",
        "advance 200ms",
        "advance 1s",
        "advance 0ms",
    ] {
        c.run_line(line).unwrap();
    }
    assert_eq!(
        c.log(),
        ["kafka-topics --create --topic t", "advance 1s300ms"]
    );
    // A view in between does not split them; a change does.
    c.run_line("state").unwrap();
    c.run_line("advance 700ms").unwrap();
    c.run_line("producer p1").unwrap();
    c.run_line("advance 5s").unwrap();
    assert_eq!(
        c.log(),
        [
            "kafka-topics --create --topic t",
            "advance 2s",
            "producer p1",
            "advance 5s"
        ]
    );
    // A refused advance is not logged and does not touch the line before it.
    assert!(c.run_line("advance 400d").is_err());
    assert_eq!(c.log().last().map(String::as_str), Some("advance 5s"));
    // Never past one valid advance (366 days): the next line starts a new entry.
    c.run_line("advance 366d").unwrap();
    assert_eq!(c.log().last().map(String::as_str), Some("advance 366d"));
    assert_eq!(c.log()[c.log().len() - 2], "advance 5s");
    // Replaying the merged log gives the same world.
    let mut r = Console::new(7);
    r.run_script(&c.log().join("\n")).unwrap();
    assert_eq!(r.state_hash(), c.state_hash());
}

#[test]
fn a_played_session_in_small_steps_logs_small_and_replays_exactly() {
    let mut c = console(concat!(
        "kafka-topics --create --topic orders --partitions 3 --config retention.ms=20000\n",
        "producer p1\n",
        "consumer c1 group.id=g enable.auto.commit=false auto.offset.reset=earliest\n",
        "subscribe c1 orders\n",
        "run p1 --topic orders --rate 20 --keys 3\n",
        "run c1 --commit sync-per-record --process-ms 5\n",
    ));
    for _ in 0..600 {
        c.run_line("advance 100ms").unwrap();
    }
    c.run_line("crash c1").unwrap();
    for _ in 0..50 {
        c.run_line("advance 20ms").unwrap();
    }
    assert_eq!(c.log().len(), 9, "{:?}", c.log());
    assert_eq!(c.log()[6], "advance 1m");
    assert_eq!(c.log()[8], "advance 1s");
    let mut r = Console::new(7);
    r.run_script(&c.log().join("\n")).unwrap();
    assert_eq!(r.state_hash(), c.state_hash());
    assert_eq!(state::state_json(&r), state::state_json(&c));
}

mod durations {
    use crate::values::format_duration;
    use proptest::prelude::*;

    proptest! {
        /// The printer is exact for any sum a merged log can hold.
        #[test]
        fn format_duration_round_trips_any_millisecond_count(a in 0u64..=31_622_400_000, b in 0u64..=31_622_400_000) {
            for ms in [a, b, a + b] {
                let line = format!("advance {}", format_duration(ms));
                prop_assert_eq!(
                    crate::parse_line(&line).unwrap(),
                    Some(crate::Command::Advance { millis: ms })
                );
            }
        }
    }
}

#[test]
fn a_two_minute_outage_prints_a_handful_of_retry_lines() {
    let mut c = console(
        "kafka-topics --create --topic t --replication-factor 3 --config min.insync.replicas=2\nproducer p acks=all\nkill-broker 1\nkill-broker 2\nsend p --topic t --value x\n",
    );
    let text = c.run_line("advance 2m").unwrap().text;
    let retries: Vec<&str> = text.lines().filter(|l| l.contains("retrying")).collect();
    assert_eq!(retries.len(), 2, "{text}");
    assert!(
        retries[0].starts_with("p: t-0: NOT_ENOUGH_REPLICAS: ")
            && retries[0].ends_with("; retrying (attempt 2)"),
        "{text}"
    );
    // KIP-580: about 120 tries in two minutes (the backoff reaches 1 s), told in one line.
    let summary = retries[1];
    assert!(
        summary.starts_with("p: t-0: the same error (NOT_ENOUGH_REPLICAS) ")
            && summary.contains(" more times; retrying (attempt "),
        "{text}"
    );
    let more: usize = summary
        .split(") ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!((100..150).contains(&more), "{summary}");
    assert!(
        text.contains("p: t-0: send failed: NOT_ENOUGH_REPLICAS"),
        "{text}"
    );
    assert!(text.lines().count() < 12, "{text}");
}

#[test]
fn retry_backoff_max_ms_is_a_producer_config() {
    let mut c = console(
        "kafka-topics --create --topic t --replication-factor 3 --config min.insync.replicas=2\nproducer p retry.backoff.ms=100 retry.backoff.max.ms=100\nkill-broker 1\nkill-broker 2\nsend p --topic t --value x\n",
    );
    // A cap at retry.backoff.ms: the constant backoff of Kafka before 3.7.
    let text = c.run_line("advance 1s").unwrap().text;
    assert!(
        text.contains(
            "the same error (NOT_ENOUGH_REPLICAS) 9 more times; retrying (attempt 11 at 1005 ms)"
        ),
        "{text}"
    );
    let err = c
        .run_line("producer q retry.backoff.max.ms=-1")
        .unwrap_err();
    assert!(err.to_string().contains("retry.backoff.max.ms"), "{err}");
}

#[test]
fn retention_names_the_offsets_it_deleted_inclusively() {
    let mut c = console(
        "kafka-topics --create --topic t --config retention.ms=1000 --config segment.bytes=100\nproducer p linger.ms=0\nsend p --topic t --value aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\nsend p --topic t --value aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\nsend p --topic t --value aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
    );
    let text = c.run_line("advance 10m").unwrap().text;
    let deleted: Vec<&str> = text.lines().filter(|l| l.contains("retention")).collect();
    assert!(!deleted.is_empty(), "{text}");
    for line in deleted {
        // "offsets A..B (N records)" with B - A + 1 = N here (no compaction gaps), or
        // "offset A (1 record)".
        let (range, count) = line
            .split_once("deleted ")
            .unwrap()
            .1
            .split_once(" (")
            .unwrap();
        let n: i64 = count.split(' ').next().unwrap().parse().unwrap();
        let span = match range.strip_prefix("offsets ") {
            Some(r) => {
                let (a, b) = r.split_once("..").unwrap();
                b.parse::<i64>().unwrap() - a.parse::<i64>().unwrap() + 1
            }
            None => {
                assert!(
                    range.starts_with("offset ") && count == "1 record)",
                    "{line}"
                );
                1
            }
        };
        assert_eq!(span, n, "{line}");
    }
}

#[test]
fn a_restarted_consumer_joins_without_a_subscription_change() {
    let mut c = console(
        "kafka-topics --create --topic t\nconsumer c1 group.id=g\nsubscribe c1 t\npoll c1\ncrash c1\n",
    );
    let text = c.run_line("restart c1").unwrap().text;
    assert_eq!(
        text,
        "c1: restarted (a new instance with the same configs: its positions will come from the committed offsets)\n"
    );
    let text = c.run_line("poll c1").unwrap().text;
    assert!(!text.contains("subscription changed"), "{text}");
    assert!(text.contains("group g: c1-"), "{text}");
    // A real change of topics by a member still rejoins.
    let mut c = console("kafka-topics --create --topic t\nkafka-topics --create --topic u\nconsumer c1 group.id=g\nsubscribe c1 t\npoll c1\nadvance 5s\n");
    let text = c.run_line("subscribe c1 u").unwrap().text;
    assert!(
        text.contains("c1: will rejoin the group (subscription changed)"),
        "{text}"
    );
}

#[test]
fn a_poll_that_threw_does_not_also_say_no_records() {
    let mut c = console(
        "kafka-topics --create --topic t\nconsumer c1 group.id=g auto.offset.reset=none\nsubscribe c1 t\npoll c1\nadvance 5s\n",
    );
    let text = c.run_line("poll c1").unwrap().text;
    assert!(
        text.contains("c1: poll threw NoOffsetForPartitionException"),
        "{text}"
    );
    assert!(!text.contains("no records"), "{text}");
}

/// The topic tools send their command and render the controller's refusal: an unknown
/// topic for --alter / --delete, an existing one for --create, an internal one for
/// --delete; --if-exists and --if-not-exists turn the first two into nothing.
#[test]
fn kafka_topics_renders_the_controllers_refusals() {
    let mut c = console("kafka-topics --create --topic t\n");
    let before = c.state_hash();
    let err = c.run_line("kafka-topics --create --topic t").unwrap_err();
    assert_eq!(
        err.message(),
        "Error while executing topic command : Topic 't' already exists."
    );
    assert_eq!(err.kafka_code(), Some("TOPIC_ALREADY_EXISTS"));
    for line in [
        "kafka-topics --alter --topic nope --partitions 3",
        "kafka-topics --delete --topic nope",
    ] {
        let err = c.run_line(line).unwrap_err();
        assert_eq!(
            err.message(),
            "Error while executing topic command : Topic 'nope' does not exist as expected",
            "{line}"
        );
    }
    let err = c
        .run_line("kafka-topics --delete --topic __consumer_offsets")
        .unwrap_err();
    assert_eq!(
        err.message(),
        "Error while executing topic command : Topic __consumer_offsets is a kafka internal topic and is not allowed to be marked for deletion."
    );
    for line in [
        "kafka-topics --create --topic t --if-not-exists",
        "kafka-topics --alter --topic nope --partitions 3 --if-exists",
        "kafka-topics --delete --topic nope --if-exists",
    ] {
        assert_eq!(c.run_line(line).unwrap().text, "", "{line}");
    }
    assert_eq!(c.state_hash(), before);
    let err = c
        .run_line("kafka-configs --alter --entity-type topics --entity-name nope --add-config retention.ms=1000")
        .unwrap_err();
    assert_eq!(err.kafka_code(), Some("UNKNOWN_TOPIC_OR_PARTITION"));
    let err = c.run_line("describe topic nope").unwrap_err();
    assert_eq!(err.kafka_code(), Some("UNKNOWN_TOPIC_OR_PARTITION"));
}
