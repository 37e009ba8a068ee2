//! The log through the world: partitioning, retention and compaction on the clock,
//! `DeleteRecords`, bad input, atomicity and the JSON shape of commands and events.

use sim::partitioner::{murmur2, partition_for_key, to_positive, PartitionChoice};
use sim::{
    Acks, CleanupPolicy, Command, Event, Offset, OffsetSpec, PartitionerKind, SimError,
    TopicConfigOverrides, TopicPartition, World, WorldConfig,
};

fn create(w: &mut World, name: &str, partitions: i64, config: TopicConfigOverrides) {
    w.apply(Command::CreateTopic {
        name: name.into(),
        partitions,
        replication_factor: Some(1),
        config,
    })
    .unwrap();
}

fn send(
    w: &mut World,
    topic: &str,
    key: Option<&str>,
    value: Option<&str>,
) -> Result<Vec<Event>, SimError> {
    w.apply(Command::Produce {
        topic: topic.into(),
        partition: None,
        key: key.map(Into::into),
        value: value.map(Into::into),
        headers: vec![],
        timestamp_ms: None,
        acks: None,
    })
}

fn appended(events: &[Event]) -> (i32, i64, PartitionChoice) {
    events
        .iter()
        .find_map(|e| match e {
            Event::RecordAppended {
                partition,
                offset,
                chosen_by,
                ..
            } => Some((*partition, offset.0, *chosen_by)),
            _ => None,
        })
        .unwrap()
}

#[test]
fn a_keyed_record_goes_to_the_murmur2_partition_of_its_key() {
    let mut w = World::new(1, WorldConfig::default());
    create(&mut w, "t", 6, Default::default());
    for key in ["alice", "bob", "carol", "21", "foobar", ""] {
        let (p, _, how) = appended(&send(&mut w, "t", Some(key), Some("v")).unwrap());
        assert_eq!(p, to_positive(murmur2(key.as_bytes())) % 6, "{key}");
        assert_eq!(p, partition_for_key(key.as_bytes(), 6));
        assert_eq!(how, PartitionChoice::Key);
    }
}

#[test]
fn the_same_key_always_lands_in_the_same_partition_in_order() {
    let mut w = World::new(1, WorldConfig::default());
    create(&mut w, "t", 4, Default::default());
    let mut seen = Vec::new();
    for _ in 0..5 {
        seen.push(appended(
            &send(&mut w, "t", Some("user-42"), Some("v")).unwrap(),
        ));
    }
    assert!(seen.iter().all(|(p, _, _)| *p == seen[0].0));
    let offsets: Vec<i64> = seen.iter().map(|(_, o, _)| *o).collect();
    assert_eq!(offsets, vec![0, 1, 2, 3, 4]);
}

#[test]
fn an_explicit_partition_wins_over_the_key() {
    let mut w = World::new(1, WorldConfig::default());
    create(&mut w, "t", 4, Default::default());
    let ev = w
        .apply(Command::Produce {
            topic: "t".into(),
            partition: Some(3),
            key: Some("foobar".into()),
            value: None,
            headers: vec![],
            timestamp_ms: None,
            acks: None,
        })
        .unwrap();
    assert_eq!(appended(&ev), (3, 0, PartitionChoice::Explicit));
}

#[test]
fn keyless_records_stick_to_one_partition_until_batch_size_bytes_then_move() {
    let mut w = World::new(5, WorldConfig::default());
    create(&mut w, "t", 8, Default::default());
    let value = "x".repeat(1000);
    let mut runs: Vec<(i32, usize)> = Vec::new();
    for _ in 0..200 {
        let (p, _, how) = appended(&send(&mut w, "t", None, Some(&value)).unwrap());
        assert_eq!(how, PartitionChoice::Sticky);
        match runs.last_mut() {
            Some((q, n)) if *q == p => *n += 1,
            _ => runs.push((p, 1)),
        }
    }
    // Each record is 1068 bytes: 16 of them reach 16384 bytes. A run can be longer when the
    // random draw picks the same partition again, never shorter (except the last).
    for (_, n) in &runs[..runs.len() - 1] {
        assert!(*n >= 16 && *n % 16 == 0, "{runs:?}");
    }
    let distinct: std::collections::BTreeSet<i32> = runs.iter().map(|(p, _)| *p).collect();
    assert!(distinct.len() > 3, "{runs:?}");
}

#[test]
fn the_round_robin_partitioner_deals_records_in_turn() {
    let mut w = World::new(
        5,
        WorldConfig {
            producer: sim::config::ProducerConfig {
                partitioner: PartitionerKind::RoundRobin,
                ..Default::default()
            },
            ..Default::default()
        },
    );
    create(&mut w, "t", 3, Default::default());
    let ps: Vec<i32> = (0..6)
        .map(|_| appended(&send(&mut w, "t", None, Some("v")).unwrap()).0)
        .collect();
    assert_eq!(ps, vec![0, 1, 2, 0, 1, 2]);
}

#[test]
fn the_same_seed_places_keyless_records_the_same_way_and_another_seed_differently() {
    let run = |seed| {
        let mut w = World::new(seed, WorldConfig::default());
        create(&mut w, "t", 12, Default::default());
        let v = "x".repeat(5000);
        (0..40)
            .map(|_| appended(&send(&mut w, "t", None, Some(&v)).unwrap()).0)
            .collect::<Vec<_>>()
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
}

#[test]
fn retention_by_time_deletes_old_segments_on_the_retention_check() {
    let mut w = World::new(1, WorldConfig::default());
    let cfg = TopicConfigOverrides {
        retention_ms: Some(60_000),
        segment_bytes: Some(200),
        ..Default::default()
    };
    create(&mut w, "t", 1, cfg);
    for _ in 0..6 {
        send(&mut w, "t", Some("k"), Some("v")).unwrap();
    }
    assert_eq!(w.partition("t", 0).unwrap().log().segments().len(), 3);
    // The first retention check runs at t=300000, when every record (t=0) is older than 60 s.
    let ev = w.apply(Command::Advance { ms: 300_000 }).unwrap();
    let deleted = ev
        .iter()
        .filter(|e| matches!(e, Event::SegmentDeleted { .. }))
        .count();
    assert_eq!(deleted, 3);
    assert!(ev.contains(&Event::LogStartOffsetAdvanced {
        topic: "t".into(),
        partition: 0,
        from: Offset(0),
        to: Offset(6)
    }));
    let p = w.partition("t", 0).unwrap();
    assert_eq!(p.log_start_offset(), Offset(6));
    assert_eq!(
        p.log_end_offset(),
        Offset(6),
        "retention never changes the log end"
    );
    let tp = TopicPartition::new("t", 0);
    assert!(matches!(
        w.fetch(&tp, Offset(0), 10),
        Err(SimError::OffsetOutOfRange { .. })
    ));
    assert_eq!(w.list_offset(&tp, OffsetSpec::Earliest).unwrap(), Offset(6));
    // The next record still gets the next offset.
    assert_eq!(
        appended(&send(&mut w, "t", Some("k"), Some("v")).unwrap()).1,
        6
    );
    w.check_invariants().unwrap();
}

#[test]
fn compaction_on_the_cleaner_schedule_keeps_the_latest_value_per_key() {
    let mut w = World::new(1, WorldConfig::default());
    let cfg = TopicConfigOverrides {
        cleanup_policy: Some(CleanupPolicy::Compact),
        segment_bytes: Some(300),
        ..Default::default()
    };
    create(&mut w, "t", 1, cfg);
    for (k, v) in [
        ("a", "1"),
        ("b", "1"),
        ("a", "2"),
        ("b", "2"),
        ("a", "3"),
        ("c", "1"),
        ("z", "z"),
    ] {
        send(&mut w, "t", Some(k), Some(v)).unwrap();
    }
    let ev = w.apply(Command::Advance { ms: 15_000 }).unwrap();
    assert!(ev.iter().any(|e| matches!(e, Event::LogCompacted { .. })));
    let got: Vec<(i64, String, String)> = w
        .partition("t", 0)
        .unwrap()
        .log()
        .records()
        .map(|r| {
            (
                r.offset.0,
                r.key_utf8().unwrap().into_owned(),
                r.value_utf8().unwrap().into_owned(),
            )
        })
        .collect();
    // Segments of 4 records: [0..3] [4..7); only the first is below the active segment.
    // In it, a@0 and b@1 are superseded by a@2 and b@3.
    assert_eq!(got[0], (2, "a".into(), "2".into()));
    assert_eq!(got[1], (3, "b".into(), "2".into()));
    assert_eq!(got.len(), 5);
    w.check_invariants().unwrap();
}

#[test]
fn a_keyless_record_on_a_compacted_topic_is_an_invalid_record() {
    let mut w = World::new(1, WorldConfig::default());
    let cfg = TopicConfigOverrides {
        cleanup_policy: Some(CleanupPolicy::Compact),
        ..Default::default()
    };
    create(&mut w, "t", 1, cfg);
    assert!(matches!(
        send(&mut w, "t", None, Some("v")),
        Err(SimError::InvalidRecord { .. })
    ));
}

#[test]
fn delete_records_raises_the_log_start_offset_but_never_past_the_high_watermark() {
    let mut w = World::new(1, WorldConfig::default());
    create(
        &mut w,
        "t",
        1,
        TopicConfigOverrides {
            segment_bytes: Some(100),
            ..Default::default()
        },
    );
    for _ in 0..5 {
        send(&mut w, "t", Some("k"), Some("v")).unwrap();
    }
    let err = w
        .apply(Command::DeleteRecords {
            topic: "t".into(),
            partition: 0,
            before_offset: 6,
        })
        .unwrap_err();
    assert!(matches!(err, SimError::OffsetOutOfRange { .. }));
    let ev = w
        .apply(Command::DeleteRecords {
            topic: "t".into(),
            partition: 0,
            before_offset: 3,
        })
        .unwrap();
    assert!(ev
        .iter()
        .any(|e| matches!(e, Event::LogStartOffsetAdvanced { to: Offset(3), .. })));
    let p = w.partition("t", 0).unwrap();
    assert_eq!(p.log_start_offset(), Offset(3));
    assert_eq!(p.log().records().next().unwrap().offset, Offset(3));
    w.check_invariants().unwrap();
}

#[test]
fn offsets_for_times_returns_the_first_offset_at_or_after_the_timestamp() {
    let mut w = World::new(1, WorldConfig::default());
    create(&mut w, "t", 1, Default::default());
    for ts in [100, 200, 300] {
        w.apply(Command::Produce {
            topic: "t".into(),
            partition: Some(0),
            key: None,
            value: Some("v".into()),
            headers: vec![],
            timestamp_ms: Some(ts),
            acks: Some(Acks::All),
        })
        .unwrap();
    }
    let tp = TopicPartition::new("t", 0);
    let at = |ts| {
        w.list_offset(&tp, OffsetSpec::Timestamp { timestamp_ms: ts })
            .unwrap()
    };
    assert_eq!(at(150), Offset(1));
    assert_eq!(at(200), Offset(1));
    assert_eq!(at(0), Offset(0));
    assert_eq!(at(301), Offset(3));
    assert_eq!(w.list_offset(&tp, OffsetSpec::Latest).unwrap(), Offset(3));
}

#[test]
fn bad_input_is_a_typed_error_and_changes_nothing() {
    let mut w = World::new(1, WorldConfig::default());
    create(&mut w, "t", 2, Default::default());
    let before = w.state_hash();
    let bad = vec![
        Command::CreateTopic {
            name: "z".into(),
            partitions: 0,
            replication_factor: None,
            config: Default::default(),
        },
        Command::CreateTopic {
            name: "z".into(),
            partitions: -3,
            replication_factor: None,
            config: Default::default(),
        },
        Command::CreateTopic {
            name: "z".into(),
            partitions: i64::MAX,
            replication_factor: None,
            config: Default::default(),
        },
        Command::CreateTopic {
            name: "t".into(),
            partitions: 1,
            replication_factor: None,
            config: Default::default(),
        },
        Command::CreateTopic {
            name: "bad name".into(),
            partitions: 1,
            replication_factor: None,
            config: Default::default(),
        },
        Command::CreateTopic {
            name: "".into(),
            partitions: 1,
            replication_factor: None,
            config: Default::default(),
        },
        Command::CreateTopic {
            name: "..".into(),
            partitions: 1,
            replication_factor: None,
            config: Default::default(),
        },
        Command::CreateTopic {
            name: "z".into(),
            partitions: 1,
            replication_factor: None,
            config: TopicConfigOverrides {
                retention_ms: Some(-5),
                ..Default::default()
            },
        },
        // A missing topic is created on first use, but not for a record it cannot take.
        Command::Produce {
            topic: "nope".into(),
            partition: Some(5),
            key: None,
            value: None,
            headers: vec![],
            timestamp_ms: None,
            acks: None,
        },
        Command::Produce {
            topic: "t".into(),
            partition: Some(2),
            key: None,
            value: None,
            headers: vec![],
            timestamp_ms: None,
            acks: None,
        },
        Command::Produce {
            topic: "t".into(),
            partition: Some(-1),
            key: None,
            value: None,
            headers: vec![],
            timestamp_ms: None,
            acks: None,
        },
        Command::Produce {
            topic: "t".into(),
            partition: None,
            key: None,
            value: Some("x".repeat(2_000_000)),
            headers: vec![],
            timestamp_ms: None,
            acks: None,
        },
        Command::Advance { ms: -1 },
        Command::Advance { ms: i64::MAX },
        Command::AddPartitions {
            topic: "t".into(),
            total: 2,
        },
        Command::AddPartitions {
            topic: "t".into(),
            total: -1,
        },
        Command::AddPartitions {
            topic: "nope".into(),
            total: 5,
        },
        Command::DeleteRecords {
            topic: "t".into(),
            partition: 0,
            before_offset: -7,
        },
        Command::DeleteRecords {
            topic: "t".into(),
            partition: 9,
            before_offset: 0,
        },
        Command::AlterTopicConfig {
            topic: "t".into(),
            config: TopicConfigOverrides {
                min_insync_replicas: Some(0),
                ..Default::default()
            },
        },
    ];
    for cmd in bad {
        let r = w.apply(cmd.clone());
        assert!(r.is_err(), "{cmd:?} should fail");
        let e = r.unwrap_err();
        assert!(!e.to_string().is_empty());
        assert_eq!(w.state_hash(), before, "{cmd:?} changed the world");
    }
    // Advance by i64::MAX overflows only once time has moved.
    w.apply(Command::Advance { ms: 1 }).unwrap();
    assert!(w.apply(Command::Advance { ms: i64::MAX }).is_err());
}

#[test]
fn adding_partitions_keeps_the_existing_ones() {
    let mut w = World::new(1, WorldConfig::default());
    create(&mut w, "t", 2, Default::default());
    send(&mut w, "t", Some("k"), Some("v")).unwrap();
    let ev = w
        .apply(Command::AddPartitions {
            topic: "t".into(),
            total: 5,
        })
        .unwrap();
    assert!(matches!(
        ev[0],
        Event::PartitionsAdded { from: 2, to: 5, .. }
    ));
    let t = w.topic("t").unwrap();
    assert_eq!(t.partition_count(), 5);
    let total: i64 = t.partitions().iter().map(|p| p.log_end_offset().0).sum();
    assert_eq!(total, 1);
    w.check_invariants().unwrap();
}

#[test]
fn commands_and_events_serialise_with_a_type_tag() {
    let cmd = Command::Produce {
        topic: "t".into(),
        partition: None,
        key: Some("k".into()),
        value: Some("v".into()),
        headers: vec![],
        timestamp_ms: None,
        acks: Some(Acks::All),
    };
    let json = serde_json::to_value(&cmd).unwrap();
    assert_eq!(json["type"], "Produce");
    assert_eq!(json["acks"], "all");
    let back: Command = serde_json::from_value(json).unwrap();
    assert_eq!(back, cmd);
    // Optional fields may be left out.
    let short: Command =
        serde_json::from_str(r#"{"type":"Produce","topic":"t","value":"v"}"#).unwrap();
    assert!(matches!(
        short,
        Command::Produce {
            key: None,
            partition: None,
            ..
        }
    ));
    let mut w = World::new(1, WorldConfig::default());
    create(&mut w, "t", 1, Default::default());
    let ev = w.apply(cmd).unwrap();
    let json = serde_json::to_value(&ev).unwrap();
    assert_eq!(json[0]["type"], "RecordAppended");
    assert_eq!(json[0]["offset"], 0);
    assert_eq!(json[0]["chosen_by"], "key");
    let err = serde_json::to_value(SimError::InvalidOffset { offset: -1 }).unwrap();
    assert_eq!(err["error"], "InvalidOffset");
}

#[test]
fn time_only_moves_through_advance() {
    let mut w = World::new(1, WorldConfig::default());
    assert_eq!(w.now_ms(), 0);
    create(&mut w, "t", 1, Default::default());
    send(&mut w, "t", None, Some("v")).unwrap();
    assert_eq!(w.now_ms(), 0);
    let ev = w.apply(Command::Advance { ms: 1234 }).unwrap();
    assert_eq!(
        ev.last(),
        Some(&Event::ClockAdvanced {
            from_ms: 0,
            to_ms: 1234
        })
    );
    assert_eq!(w.now_ms(), 1234);
}

#[test]
fn an_old_active_segment_rolls_after_segment_ms() {
    let mut w = World::new(1, WorldConfig::default());
    create(
        &mut w,
        "t",
        1,
        TopicConfigOverrides {
            segment_ms: Some(1_000),
            ..Default::default()
        },
    );
    send(&mut w, "t", Some("k"), Some("v")).unwrap();
    w.apply(Command::Advance { ms: 999 }).unwrap();
    let ev = send(&mut w, "t", Some("k"), Some("v")).unwrap();
    assert!(!ev.iter().any(|e| matches!(e, Event::SegmentRolled { .. })));
    w.apply(Command::Advance { ms: 1 }).unwrap();
    let ev = send(&mut w, "t", Some("k"), Some("v")).unwrap();
    assert!(ev.contains(&Event::SegmentRolled {
        topic: "t".into(),
        partition: 0,
        base_offset: Offset(2)
    }));
}

#[test]
fn compact_delete_topics_are_both_compacted_and_trimmed_by_retention() {
    let mut w = World::new(1, WorldConfig::default());
    create(
        &mut w,
        "t",
        1,
        TopicConfigOverrides {
            cleanup_policy: Some(CleanupPolicy::CompactDelete),
            segment_bytes: Some(150),
            retention_ms: Some(100_000),
            ..Default::default()
        },
    );
    for (k, v) in [("a", "1"), ("a", "2"), ("b", "1"), ("b", "2"), ("c", "1")] {
        send(&mut w, "t", Some(k), Some(v)).unwrap();
    }
    w.apply(Command::Advance { ms: 15_000 }).unwrap();
    let offsets: Vec<i64> = w
        .partition("t", 0)
        .unwrap()
        .log()
        .records()
        .map(|r| r.offset.0)
        .collect();
    assert_eq!(offsets, vec![1, 3, 4], "compacted, offsets unchanged");
    w.apply(Command::Advance { ms: 300_000 }).unwrap();
    let p = w.partition("t", 0).unwrap();
    assert_eq!(p.log().record_count(), 0, "then expired by retention.ms");
    assert_eq!(p.log_start_offset(), Offset(5));
    w.check_invariants().unwrap();
}
