//! Replication as Kafka does it: acks, the ISR, the high watermark, broker failure, leader
//! election and truncation (Kafka's `Partition`, `ReplicaManager`, KIP-101 leader epochs).

use sim::{
    Acks, BrokerId, Command, Event, Offset, SimError, TopicConfigOverrides, TopicPartition, World,
    WorldConfig,
};

fn world() -> World {
    World::new(7, WorldConfig::default())
}

fn create(w: &mut World, name: &str, partitions: i64, rf: i64, config: TopicConfigOverrides) {
    w.apply(Command::CreateTopic {
        name: name.into(),
        partitions,
        replication_factor: Some(rf),
        config,
    })
    .unwrap();
}

fn produce(
    w: &mut World,
    topic: &str,
    p: i32,
    value: &str,
    acks: Acks,
) -> Result<Vec<Event>, SimError> {
    w.apply(Command::Produce {
        topic: topic.into(),
        partition: Some(p),
        key: None,
        value: Some(value.into()),
        headers: vec![],
        timestamp_ms: None,
        acks: Some(acks),
    })
}

fn leader(w: &World, topic: &str, p: i32) -> BrokerId {
    w.partition(topic, p).unwrap().leader().unwrap()
}

fn followers(w: &World, topic: &str, p: i32) -> Vec<BrokerId> {
    let part = w.partition(topic, p).unwrap();
    part.replica_ids()
        .into_iter()
        .filter(|b| Some(*b) != part.leader())
        .collect()
}

fn hw(w: &World, topic: &str, p: i32) -> i64 {
    w.partition(topic, p).unwrap().high_watermark().0
}

fn acked(events: &[Event]) -> Vec<i64> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::ProduceAcknowledged { offset, .. } => Some(offset.0),
            _ => None,
        })
        .collect()
}

#[test]
fn acks_all_is_acknowledged_only_after_every_in_sync_follower_fetched() {
    let mut w = world();
    create(&mut w, "t", 1, 3, Default::default());
    let ev = produce(&mut w, "t", 0, "a", Acks::All).unwrap();
    assert!(matches!(
        ev[0],
        Event::RecordAppended {
            offset: Offset(0),
            ..
        }
    ));
    assert!(acked(&ev).is_empty());
    assert_eq!(hw(&w, "t", 0), 0);
    let ev = w.apply(Command::Advance { ms: 10 }).unwrap();
    let fetched = ev
        .iter()
        .filter(|e| {
            matches!(
                e,
                Event::FollowerFetched {
                    from: Offset(0),
                    to: Offset(1),
                    ..
                }
            )
        })
        .count();
    assert_eq!(fetched, 2);
    assert!(ev.contains(&Event::HighWatermarkAdvanced {
        topic: "t".into(),
        partition: 0,
        from: Offset(0),
        to: Offset(1)
    }));
    assert_eq!(acked(&ev), vec![0]);
    w.check_invariants().unwrap();
}

#[test]
fn acks_one_is_acknowledged_at_once_and_acks_zero_never() {
    let mut w = world();
    create(&mut w, "t", 1, 3, Default::default());
    let ev = produce(&mut w, "t", 0, "a", Acks::Leader).unwrap();
    assert_eq!(acked(&ev), vec![0]);
    let ev = produce(&mut w, "t", 0, "b", Acks::None).unwrap();
    assert!(acked(&ev).is_empty());
    let ev = w.apply(Command::Advance { ms: 1000 }).unwrap();
    assert!(acked(&ev).is_empty());
    assert_eq!(hw(&w, "t", 0), 2);
}

#[test]
fn consumers_never_read_above_the_high_watermark() {
    let mut w = world();
    create(&mut w, "t", 1, 3, Default::default());
    produce(&mut w, "t", 0, "a", Acks::All).unwrap();
    let tp = TopicPartition::new("t", 0);
    let f = w.fetch(&tp, Offset(0), 500).unwrap();
    assert!(f.records.is_empty());
    assert_eq!(f.next_offset, Offset(0));
    assert_eq!(f.log_end_offset, Offset(1));
    w.apply(Command::Advance { ms: 10 }).unwrap();
    let f = w.fetch(&tp, Offset(0), 500).unwrap();
    assert_eq!(f.records.len(), 1);
    assert_eq!(f.records[0].value.as_deref(), Some("a"));
    assert_eq!(f.next_offset, Offset(1));
}

#[test]
fn a_fetch_outside_the_log_is_offset_out_of_range() {
    let mut w = world();
    create(&mut w, "t", 1, 1, Default::default());
    produce(&mut w, "t", 0, "a", Acks::All).unwrap();
    let tp = TopicPartition::new("t", 0);
    assert!(w.fetch(&tp, Offset(1), 10).is_ok());
    for bad in [-1, 2, i64::MAX, i64::MIN] {
        assert!(matches!(
            w.fetch(&tp, Offset(bad), 10),
            Err(SimError::OffsetOutOfRange { .. })
        ));
    }
    assert!(matches!(
        w.fetch(&TopicPartition::new("t", 1), Offset(0), 10),
        Err(SimError::UnknownTopicOrPartition { .. })
    ));
    assert!(matches!(
        w.fetch(&TopicPartition::new("nope", 0), Offset(0), 10),
        Err(SimError::UnknownTopicOrPartition { .. })
    ));
}

#[test]
fn high_watermark_is_the_minimum_log_end_offset_over_the_isr() {
    let mut w = world();
    create(&mut w, "t", 1, 3, Default::default());
    let slow = followers(&w, "t", 0)[0];
    w.apply(Command::PauseReplicaFetching { broker: slow })
        .unwrap();
    for v in ["a", "b", "c"] {
        produce(&mut w, "t", 0, v, Acks::Leader).unwrap();
    }
    w.apply(Command::Advance { ms: 10 }).unwrap();
    let p = w.partition("t", 0).unwrap();
    assert_eq!(p.log_end_offset(), Offset(3));
    assert_eq!(p.replica_log_end_offset(slow), Some(Offset(0)));
    assert!(p.isr().contains(&slow));
    assert_eq!(p.high_watermark(), Offset(0));
}

#[test]
fn a_lagging_follower_leaves_the_isr_after_replica_lag_time_max_ms_and_rejoins_when_caught_up() {
    let mut w = world();
    create(&mut w, "t", 1, 3, Default::default());
    let slow = followers(&w, "t", 0)[0];
    w.apply(Command::PauseReplicaFetching { broker: slow })
        .unwrap();
    produce(&mut w, "t", 0, "a", Acks::All).unwrap();
    // isr-expiration runs every 15 s; the follower is out once it lags more than 30 s.
    let ev = w.apply(Command::Advance { ms: 44_999 }).unwrap();
    assert!(!ev.iter().any(|e| matches!(e, Event::IsrShrunk { .. })));
    assert_eq!(hw(&w, "t", 0), 0);
    let ev = w.apply(Command::Advance { ms: 1 }).unwrap();
    assert!(ev
        .iter()
        .any(|e| matches!(e, Event::IsrShrunk { broker, .. } if *broker == slow)));
    // With the laggard gone, the HW moves and the acks=all record is acknowledged.
    assert_eq!(hw(&w, "t", 0), 1);
    assert_eq!(acked(&ev), vec![0]);
    assert_eq!(w.partition("t", 0).unwrap().isr().len(), 2);
    w.apply(Command::ResumeReplicaFetching { broker: slow })
        .unwrap();
    let ev = w.apply(Command::Advance { ms: 10 }).unwrap();
    assert!(ev
        .iter()
        .any(|e| matches!(e, Event::IsrExpanded { broker, .. } if *broker == slow)));
    assert_eq!(w.partition("t", 0).unwrap().isr().len(), 3);
    w.check_invariants().unwrap();
}

#[test]
fn acks_all_with_fewer_in_sync_replicas_than_min_insync_is_not_enough_replicas() {
    let mut w = world();
    let cfg = TopicConfigOverrides {
        min_insync_replicas: Some(2),
        ..Default::default()
    };
    create(&mut w, "t", 1, 3, cfg);
    let f = followers(&w, "t", 0);
    produce(&mut w, "t", 0, "ok", Acks::All).unwrap();
    w.apply(Command::KillBroker { broker: f[0] }).unwrap();
    produce(&mut w, "t", 0, "still ok with 2", Acks::All).unwrap();
    w.apply(Command::KillBroker { broker: f[1] }).unwrap();
    let before = w.state_hash();
    let err = produce(&mut w, "t", 0, "refused", Acks::All).unwrap_err();
    assert!(matches!(
        err,
        SimError::NotEnoughReplicas {
            isr: 1,
            min_insync_replicas: 2,
            ..
        }
    ));
    assert!(err.to_string().starts_with("NOT_ENOUGH_REPLICAS"));
    assert_eq!(w.state_hash(), before, "a refused write changes nothing");
    // acks=1 does not look at min.insync.replicas.
    produce(&mut w, "t", 0, "acks=1 is fine", Acks::Leader).unwrap();
}

#[test]
fn killing_the_leader_elects_the_first_live_in_sync_replica() {
    let mut w = world();
    create(&mut w, "t", 1, 3, Default::default());
    produce(&mut w, "t", 0, "a", Acks::All).unwrap();
    w.apply(Command::Advance { ms: 10 }).unwrap();
    let old = leader(&w, "t", 0);
    let expected = w
        .partition("t", 0)
        .unwrap()
        .replica_ids()
        .into_iter()
        .find(|b| *b != old)
        .unwrap();
    let ev = w.apply(Command::KillBroker { broker: old }).unwrap();
    assert!(ev.contains(&Event::LeaderChanged {
        topic: "t".into(),
        partition: 0,
        from: Some(old),
        to: Some(expected),
        leader_epoch: 1
    }));
    let p = w.partition("t", 0).unwrap();
    assert!(!p.isr().contains(&old));
    assert_eq!(p.high_watermark(), Offset(1), "committed records survive");
    let f = w
        .fetch(&TopicPartition::new("t", 0), Offset(0), 10)
        .unwrap();
    assert_eq!(f.records.len(), 1);
    w.check_invariants().unwrap();
}

#[test]
fn an_old_leaders_unreplicated_tail_is_truncated_when_it_returns() {
    let mut w = world();
    create(&mut w, "t", 1, 3, Default::default());
    produce(&mut w, "t", 0, "replicated", Acks::All).unwrap();
    w.apply(Command::Advance { ms: 10 }).unwrap();
    let old = leader(&w, "t", 0);
    for f in followers(&w, "t", 0) {
        w.apply(Command::PauseReplicaFetching { broker: f })
            .unwrap();
    }
    // Two records only the leader has: above the HW, never acknowledged.
    produce(&mut w, "t", 0, "lost-1", Acks::All).unwrap();
    produce(&mut w, "t", 0, "lost-2", Acks::All).unwrap();
    assert_eq!(hw(&w, "t", 0), 1);
    let ev = w.apply(Command::KillBroker { broker: old }).unwrap();
    let failed: Vec<i64> = ev
        .iter()
        .filter_map(|e| match e {
            Event::ProduceFailed { offset, .. } => Some(offset.0),
            _ => None,
        })
        .collect();
    assert_eq!(failed, vec![1, 2]);
    let p = w.partition("t", 0).unwrap();
    assert_eq!(p.log_end_offset(), Offset(1));
    // The dead broker still holds its divergent copy.
    let theirs: Vec<String> = p
        .replica_records(old)
        .into_iter()
        .filter_map(|r| r.value)
        .collect();
    assert_eq!(theirs, vec!["replicated", "lost-1", "lost-2"]);
    // The new leader hands out offset 1 again: the lost records were never committed.
    let ev = produce(&mut w, "t", 0, "new-1", Acks::Leader).unwrap();
    assert!(ev.iter().any(|e| matches!(
        e,
        Event::RecordAppended {
            offset: Offset(1),
            ..
        }
    )));
    w.apply(Command::RestartBroker { broker: old }).unwrap();
    let ev = w.apply(Command::Advance { ms: 10 }).unwrap();
    assert!(ev.contains(&Event::ReplicaTruncated {
        topic: "t".into(),
        partition: 0,
        broker: old,
        from: Offset(3),
        to: Offset(1)
    }));
    let p = w.partition("t", 0).unwrap();
    let theirs: Vec<String> = p
        .replica_records(old)
        .into_iter()
        .filter_map(|r| r.value)
        .collect();
    assert_eq!(theirs, vec!["replicated", "new-1"]);
    assert!(p.isr().contains(&old));
    w.check_invariants().unwrap();
}

#[test]
fn a_partition_whose_last_in_sync_replica_dies_is_offline_until_it_returns() {
    let mut w = world();
    create(&mut w, "t", 1, 1, Default::default());
    produce(&mut w, "t", 0, "a", Acks::All).unwrap();
    let only = leader(&w, "t", 0);
    let ev = w.apply(Command::KillBroker { broker: only }).unwrap();
    assert!(ev
        .iter()
        .any(|e| matches!(e, Event::LeaderChanged { to: None, .. })));
    assert!(matches!(
        produce(&mut w, "t", 0, "b", Acks::Leader),
        Err(SimError::LeaderNotAvailable { .. })
    ));
    assert!(matches!(
        w.fetch(&TopicPartition::new("t", 0), Offset(0), 1),
        Err(SimError::LeaderNotAvailable { .. })
    ));
    w.apply(Command::RestartBroker { broker: only }).unwrap();
    assert_eq!(leader(&w, "t", 0), only);
    assert_eq!(w.partition("t", 0).unwrap().log_end_offset(), Offset(1));
    w.check_invariants().unwrap();
}

#[test]
fn leadership_returns_to_the_preferred_replica_after_the_imbalance_check() {
    let mut w = world();
    create(&mut w, "t", 1, 3, Default::default());
    let preferred = w.partition("t", 0).unwrap().replica_ids()[0];
    w.apply(Command::KillBroker { broker: preferred }).unwrap();
    assert_ne!(leader(&w, "t", 0), preferred);
    w.apply(Command::RestartBroker { broker: preferred })
        .unwrap();
    w.apply(Command::Advance { ms: 10 }).unwrap();
    assert!(w.partition("t", 0).unwrap().isr().contains(&preferred));
    w.apply(Command::Advance { ms: 300_000 }).unwrap();
    assert_eq!(leader(&w, "t", 0), preferred);
    w.check_invariants().unwrap();
}

#[test]
fn replicas_of_every_partition_sit_on_distinct_brokers() {
    let mut w = World::new(
        3,
        WorldConfig {
            brokers: 5,
            ..Default::default()
        },
    );
    create(&mut w, "t", 20, 3, Default::default());
    for p in w.topic("t").unwrap().partitions() {
        let mut ids = p.replica_ids();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 3);
        assert_eq!(p.leader(), Some(p.replica_ids()[0]));
    }
}

#[test]
fn replication_factor_above_the_live_broker_count_is_invalid() {
    let mut w = world();
    for rf in [0, -1, 4] {
        let err = w
            .apply(Command::CreateTopic {
                name: "t".into(),
                partitions: 1,
                replication_factor: Some(rf),
                config: Default::default(),
            })
            .unwrap_err();
        assert!(
            matches!(err, SimError::InvalidReplicationFactor { .. }),
            "{rf}"
        );
    }
    w.apply(Command::KillBroker {
        broker: BrokerId(1),
    })
    .unwrap();
    let err = w
        .apply(Command::CreateTopic {
            name: "t".into(),
            partitions: 1,
            replication_factor: Some(3),
            config: Default::default(),
        })
        .unwrap_err();
    assert_eq!(
        err,
        SimError::InvalidReplicationFactor {
            requested: 3,
            live_brokers: 2
        }
    );
}

#[test]
fn broker_commands_on_unknown_or_wrong_state_brokers_are_broker_not_available() {
    let mut w = world();
    for cmd in [
        Command::KillBroker {
            broker: BrokerId(9),
        },
        Command::RestartBroker {
            broker: BrokerId(1),
        },
        Command::ResumeReplicaFetching {
            broker: BrokerId(1),
        },
        Command::KillBroker {
            broker: BrokerId(-1),
        },
    ] {
        assert!(matches!(
            w.apply(cmd),
            Err(SimError::BrokerNotAvailable { .. })
        ));
    }
    w.apply(Command::KillBroker {
        broker: BrokerId(1),
    })
    .unwrap();
    assert!(matches!(
        w.apply(Command::KillBroker {
            broker: BrokerId(1)
        }),
        Err(SimError::BrokerNotAvailable { .. })
    ));
    assert!(matches!(
        w.apply(Command::PauseReplicaFetching {
            broker: BrokerId(1)
        }),
        Err(SimError::BrokerNotAvailable { .. })
    ));
}

#[test]
fn followers_share_the_leaders_records_instead_of_copying_them() {
    let mut w = world();
    create(&mut w, "t", 1, 3, Default::default());
    for i in 0..50 {
        produce(&mut w, "t", 0, &format!("v{i}"), Acks::All).unwrap();
    }
    w.apply(Command::Advance { ms: 10 }).unwrap();
    let p = w.partition("t", 0).unwrap();
    for r in p.replicas() {
        assert_eq!(r.log_end_offset(), Offset(50));
        assert!(r.divergent_tail().is_none());
        assert_eq!(p.replica_records(r.broker).len(), 50);
    }
}
