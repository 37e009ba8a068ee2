//! Snapshots restore an equal world; sessions replay to the same state hash; damaged input is
//! refused with a typed error, never a panic.

use sim::{
    Acks, BrokerId, Command, OffsetCommit, Session, SimError, World, WorldConfig, SNAPSHOT_VERSION,
};

fn busy_session(seed: u64) -> (Session, World) {
    let mut s = Session::new(seed, WorldConfig::default());
    let mut w = s.start();
    let cmds = vec![
        Command::CreateTopic {
            name: "orders".into(),
            partitions: 3,
            replication_factor: Some(3),
            config: Default::default(),
        },
        Command::Produce {
            topic: "orders".into(),
            partition: None,
            key: Some("k1".into()),
            value: Some("v1".into()),
            headers: vec![],
            timestamp_ms: None,
            acks: Some(Acks::All),
        },
        Command::Produce {
            topic: "orders".into(),
            partition: None,
            key: None,
            value: Some("keyless".into()),
            headers: vec![sim::Header {
                key: "h".into(),
                value: None,
            }],
            timestamp_ms: Some(5),
            acks: None,
        },
        Command::Advance { ms: 20 },
        Command::CommitOffsets {
            group: "g".into(),
            offsets: vec![OffsetCommit {
                topic: "orders".into(),
                partition: 0,
                offset: 1,
                metadata: "m".into(),
                leader_epoch: Some(0),
            }],
        },
        Command::KillBroker {
            broker: BrokerId(2),
        },
        Command::Produce {
            topic: "orders".into(),
            partition: Some(1),
            key: None,
            value: Some("while 2 is down".into()),
            headers: vec![],
            timestamp_ms: None,
            acks: Some(Acks::Leader),
        },
        Command::Advance { ms: 60_000 },
        Command::RestartBroker {
            broker: BrokerId(2),
        },
        Command::Advance { ms: 1_000 },
    ];
    for c in cmds {
        s.apply(&mut w, c).unwrap();
    }
    (s, w)
}

#[test]
fn snapshot_then_restore_gives_an_equal_world_with_the_same_hash() {
    let (_, w) = busy_session(3);
    let bytes = w.snapshot().unwrap();
    let back = World::restore(&bytes).unwrap();
    assert_eq!(back, w);
    assert_eq!(back.state_hash(), w.state_hash());
    // And the restored world goes on exactly like the original.
    let mut a = w.clone();
    let mut b = back;
    let cmd = Command::Produce {
        topic: "orders".into(),
        partition: None,
        key: None,
        value: Some("after".into()),
        headers: vec![],
        timestamp_ms: None,
        acks: None,
    };
    assert_eq!(a.apply(cmd.clone()).unwrap(), b.apply(cmd).unwrap());
    assert_eq!(a.state_hash(), b.state_hash());
}

#[test]
fn a_session_replays_to_the_same_world() {
    let (s, w) = busy_session(9);
    let replayed = s.replay().unwrap();
    assert_eq!(replayed.state_hash(), w.state_hash());
    assert_eq!(replayed, w);
    let json = s.to_json().unwrap();
    let back = Session::from_json(&json).unwrap();
    assert_eq!(back, s);
    assert_eq!(back.replay().unwrap().state_hash(), w.state_hash());
}

#[test]
fn replaying_part_of_a_session_gives_the_world_at_that_step() {
    let (s, _) = busy_session(4);
    let mut w = s.start();
    for (i, c) in s.commands.iter().enumerate() {
        w.apply(c.clone()).unwrap();
        assert_eq!(
            s.replay_to(i + 1).unwrap().state_hash(),
            w.state_hash(),
            "step {i}"
        );
    }
}

#[test]
fn a_different_seed_gives_a_different_world() {
    let (_, a) = busy_session(1);
    let (_, b) = busy_session(2);
    assert_ne!(a.state_hash(), b.state_hash());
}

#[test]
fn the_state_hash_changes_with_any_change() {
    let (_, mut w) = busy_session(5);
    let h = w.state_hash();
    w.apply(Command::Advance { ms: 1 }).unwrap();
    assert_ne!(w.state_hash(), h);
}

#[test]
fn a_snapshot_carries_its_format_version() {
    let (_, w) = busy_session(5);
    let mut bytes = w.snapshot().unwrap();
    assert_eq!(&bytes[..4], b"OEXW");
    assert_eq!(
        u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]),
        SNAPSHOT_VERSION
    );
    bytes[4] = 99;
    assert!(matches!(
        World::restore(&bytes),
        Err(SimError::UnsupportedVersion { found: 99, .. })
    ));
}

#[test]
fn damaged_snapshots_are_refused_without_panicking() {
    let (_, w) = busy_session(6);
    let bytes = w.snapshot().unwrap();
    assert!(matches!(
        World::restore(&[]),
        Err(SimError::CorruptSnapshot { .. })
    ));
    assert!(matches!(
        World::restore(b"nope"),
        Err(SimError::CorruptSnapshot { .. })
    ));
    // Every truncation fails cleanly.
    for cut in (8..bytes.len()).step_by(97) {
        assert!(World::restore(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    // Flipping bytes either fails cleanly or gives a world that still passes its checks.
    let mut rng = sim::rng::SimRng::new(1);
    for _ in 0..300 {
        let mut damaged = bytes.clone();
        let i = 8 + rng.below((bytes.len() - 8) as u64) as usize;
        damaged[i] ^= 1 << rng.below(8);
        if let Ok(world) = World::restore(&damaged) {
            world.check_invariants().unwrap();
            let _ = world.state_hash();
        }
    }
}

#[test]
fn sessions_from_another_version_or_garbage_are_refused() {
    let (s, _) = busy_session(1);
    let mut other = s.clone();
    other.version = 2;
    assert!(matches!(
        other.replay(),
        Err(SimError::UnsupportedVersion { found: 2, .. })
    ));
    let json = other.to_json().unwrap();
    assert!(matches!(
        Session::from_json(&json),
        Err(SimError::UnsupportedVersion { .. })
    ));
    assert!(matches!(
        Session::from_json("{"),
        Err(SimError::CorruptSnapshot { .. })
    ));
}

#[test]
fn the_world_also_serialises_as_json() {
    let (_, w) = busy_session(8);
    let json = serde_json::to_string(&w).unwrap();
    let back: World = serde_json::from_str(&json).unwrap();
    assert_eq!(back.state_hash(), w.state_hash());
}
