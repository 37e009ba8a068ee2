//! Property tests in the spirit of TigerBeetle's VOPR: random command sequences against a
//! small cluster, with every invariant checked after every step.
//!
//! Checked after each command: the model's own invariants (`World::check_invariants`:
//! offsets contiguous from log start to LEO on every replica, HW <= LEO, ISR and leader
//! consistent, the offset cache equal to the latest records below the HW); the HW never
//! decreases except at an unclean election, and there only to the new leader's log end
//! (nothing below it changes: every record still holds what was appended at its offset
//! last); a consumer fetch never returns a record at or above the HW; retention and
//! compaction never change what an offset holds.
//!
//! The sequences include unclean elections (`ElectLeaders { unclean: true }` on offline
//! partitions, and automatic ones on the `compacted` topic, which sets
//! `unclean.leader.election.enable=true`) and deleting the `short` topic and creating it
//! again (its offsets start at 0 again: the reference forgets the old ones). At the end: replaying the same seed and
//! commands gives the same hash, and snapshot -> restore gives an equal world.
//!
//! Failing cases are kept by proptest in `proptest-regressions/` and replayed first; cases
//! worth naming are also written out as tests at the bottom of this file.

mod props_support;

use proptest::prelude::*;
use sim::{
    Acks, BrokerId, CleanupPolicy, Command, ConsoleConsume, Event, Offset, OffsetCommit, Session,
    TopicConfigOverrides, TopicPartition, World, WorldConfig,
};
use std::collections::BTreeMap;

const TOPICS: [&str; 3] = ["plain", "compacted", "short"];

fn config() -> WorldConfig {
    WorldConfig {
        brokers: 3,
        offsets_topic_num_partitions: 4,
        ..Default::default()
    }
}

fn create_short() -> Command {
    Command::CreateTopic {
        name: "short".into(),
        partitions: 1,
        replication_factor: Some(1),
        config: TopicConfigOverrides {
            retention_ms: Some(60_000),
            retention_bytes: Some(1_000),
            segment_bytes: Some(250),
            ..Default::default()
        },
    }
}

fn setup() -> Vec<Command> {
    vec![
        Command::CreateTopic {
            name: "plain".into(),
            partitions: 3,
            replication_factor: Some(3),
            config: TopicConfigOverrides {
                min_insync_replicas: Some(2),
                segment_bytes: Some(400),
                ..Default::default()
            },
        },
        Command::CreateTopic {
            name: "compacted".into(),
            partitions: 2,
            replication_factor: Some(2),
            config: TopicConfigOverrides {
                cleanup_policy: Some(CleanupPolicy::Compact),
                segment_bytes: Some(300),
                min_cleanable_dirty_ratio: Some(0.0),
                delete_retention_ms: Some(20_000),
                unclean_leader_election_enable: Some(true),
                ..Default::default()
            },
        },
        create_short(),
    ]
}

#[derive(Debug, Clone)]
enum Op {
    Produce {
        topic: usize,
        partition: Option<i32>,
        key: Option<u8>,
        value: Option<u8>,
        acks: u8,
    },
    Advance(i64),
    Kill(i32),
    Restart(i32),
    Pause(i32),
    Resume(i32),
    Commit {
        group: u8,
        partition: i32,
        offset: i64,
    },
    DeleteOffsets {
        group: u8,
    },
    DeleteRecords {
        partition: i32,
        before: i64,
    },
    ElectPreferred,
    /// An unclean election on one partition of `plain` (`None`: every partition).
    ElectUnclean(Option<i32>),
    DeleteShort,
    CreateShort,
    AddPartitions(i64),
    AlterMinInsync(i32),
    /// `kafka-consumer-groups --reset-offsets --execute` (waits for the acknowledgement).
    Reset {
        group: u8,
        partition: i32,
        offset: i64,
    },
    /// `kafka-console-consumer --topic plain`.
    ConsoleRead {
        group: Option<u8>,
        partition: Option<i32>,
        from_beginning: bool,
        max: Option<u64>,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (0..3usize, prop::option::weighted(0.2, -1..4i32), prop::option::of(0..6u8),
              prop::option::weighted(0.9, 0..40u8), 0..3u8)
            .prop_map(|(topic, partition, key, value, acks)| Op::Produce { topic, partition, key, value, acks }),
        4 => prop::sample::select(vec![1i64, 5, 10, 11, 100, 1_000, 15_000, 30_001, 60_000, 300_000])
            .prop_map(Op::Advance),
        1 => (0..5i32).prop_map(Op::Kill),
        1 => (0..5i32).prop_map(Op::Restart),
        1 => (1..4i32).prop_map(Op::Pause),
        1 => (1..4i32).prop_map(Op::Resume),
        2 => (0..3u8, -1..4i32, -2..30i64).prop_map(|(group, partition, offset)| Op::Commit { group, partition, offset }),
        1 => (0..3u8).prop_map(|group| Op::DeleteOffsets { group }),
        1 => (0..3i32, -2..20i64).prop_map(|(partition, before)| Op::DeleteRecords { partition, before }),
        1 => Just(Op::ElectPreferred),
        1 => prop::option::of(0..3i32).prop_map(Op::ElectUnclean),
        1 => Just(Op::DeleteShort),
        1 => Just(Op::CreateShort),
        1 => (1..7i64).prop_map(Op::AddPartitions),
        1 => (0..4i32).prop_map(Op::AlterMinInsync),
        1 => (0..3u8, -1..3i32, -2..30i64).prop_map(|(group, partition, offset)| Op::Reset { group, partition, offset }),
        2 => (prop::option::of(0..3u8), prop::option::weighted(0.3, -1..3i32), any::<bool>(), prop::option::of(0..8u64))
            .prop_map(|(group, partition, from_beginning, max)| Op::ConsoleRead { group, partition, from_beginning, max }),
    ]
}

fn to_command(op: &Op) -> Command {
    match op {
        Op::Produce {
            topic,
            partition,
            key,
            value,
            acks,
        } => Command::Produce {
            topic: TOPICS[*topic].into(),
            partition: *partition,
            key: key.map(|k| format!("key-{k}")),
            value: value.map(|v| "v".repeat(v as usize)),
            headers: vec![],
            timestamp_ms: None,
            acks: Some([Acks::None, Acks::Leader, Acks::All][*acks as usize]),
        },
        Op::Advance(ms) => Command::Advance { ms: *ms },
        Op::Kill(b) => Command::KillBroker {
            broker: BrokerId(*b),
        },
        Op::Restart(b) => Command::RestartBroker {
            broker: BrokerId(*b),
        },
        Op::Pause(b) => Command::PauseReplicaFetching {
            broker: BrokerId(*b),
        },
        Op::Resume(b) => Command::ResumeReplicaFetching {
            broker: BrokerId(*b),
        },
        Op::Commit {
            group,
            partition,
            offset,
        } => Command::CommitOffsets {
            group: format!("group-{group}"),
            offsets: vec![OffsetCommit {
                topic: "plain".into(),
                partition: *partition,
                offset: *offset,
                metadata: String::new(),
                leader_epoch: None,
            }],
        },
        Op::DeleteOffsets { group } => Command::DeleteOffsets {
            group: format!("group-{group}"),
            partitions: vec![
                TopicPartition::new("plain", 0),
                TopicPartition::new("plain", 1),
            ],
        },
        Op::DeleteRecords { partition, before } => Command::DeleteRecords {
            topic: "plain".into(),
            partition: *partition,
            before_offset: *before,
        },
        Op::ElectPreferred => Command::ElectLeaders {
            unclean: false,
            partitions: None,
        },
        Op::ElectUnclean(p) => Command::ElectLeaders {
            unclean: true,
            partitions: p.map(|p| vec![TopicPartition::new("plain", p)]),
        },
        Op::DeleteShort => Command::DeleteTopic {
            topic: "short".into(),
        },
        Op::CreateShort => create_short(),
        Op::AddPartitions(total) => Command::AddPartitions {
            topic: "short".into(),
            total: *total,
        },
        Op::AlterMinInsync(n) => Command::AlterTopicConfig {
            topic: "plain".into(),
            config: TopicConfigOverrides {
                min_insync_replicas: Some(*n),
                ..Default::default()
            },
        },
        Op::Reset {
            group,
            partition,
            offset,
        } => Command::ResetOffsets {
            group: format!("group-{group}"),
            offsets: vec![OffsetCommit {
                topic: "plain".into(),
                partition: *partition,
                offset: *offset,
                metadata: String::new(),
                leader_epoch: None,
            }],
        },
        Op::ConsoleRead {
            group,
            partition,
            from_beginning,
            max,
        } => Command::ConsoleConsume(ConsoleConsume {
            topic: "plain".into(),
            partition: *partition,
            offset: None,
            from_beginning: *from_beginning,
            group: group.map(|g| format!("group-{g}")),
            max_messages: *max,
            timeout_ms: None,
            config: Default::default(),
        }),
    }
}

/// What each offset of each partition was given when appended (the latest append wins:
/// truncated offsets are handed out again).
type Reference = BTreeMap<(String, i32, i64), (Option<String>, Option<String>)>;

fn check_step(
    w: &World,
    reference: &Reference,
    hws: &mut BTreeMap<(String, i32), Offset>,
) -> Result<(), String> {
    w.check_invariants()?;
    for t in w.topics() {
        for p in t.partitions() {
            let key = (t.name().to_string(), p.index());
            let hw = p.high_watermark();
            if let Some(prev) = hws.get(&key) {
                if hw < *prev {
                    return Err(format!(
                        "{}-{}: HW went back from {prev} to {hw}",
                        t.name(),
                        p.index()
                    ));
                }
            }
            hws.insert(key, hw);
            if t.is_internal() {
                continue;
            }
            for r in p.log().records() {
                let expected = reference.get(&(t.name().to_string(), p.index(), r.offset.0));
                let got = (
                    r.key_utf8().map(|k| k.into_owned()),
                    r.value_utf8().map(|v| v.into_owned()),
                );
                if expected != Some(&got) {
                    return Err(format!(
                        "{}-{} offset {}: holds {got:?}, was given {expected:?}",
                        t.name(),
                        p.index(),
                        r.offset
                    ));
                }
            }
            if p.leader().is_some() {
                let tp = TopicPartition::new(t.name(), p.index());
                let f = w
                    .fetch(&tp, p.log_start_offset(), usize::MAX)
                    .map_err(|e| e.to_string())?;
                if let Some(r) = f.records.iter().find(|r| r.offset >= hw) {
                    return Err(format!(
                        "{tp}: fetch returned offset {} at or above the HW {hw}",
                        r.offset
                    ));
                }
                let at_hw = w.fetch(&tp, hw, usize::MAX).map_err(|e| e.to_string())?;
                if !at_hw.records.is_empty() {
                    return Err(format!("{tp}: a fetch at the HW returned records"));
                }
            }
        }
    }
    Ok(())
}

/// What the console consumer handed over is what was appended at those offsets, in order,
/// below the high watermark, at most `--max-messages`.
fn check_console_records(
    events: &[Event],
    reference: &Reference,
    hws: &BTreeMap<(String, i32), Offset>,
    op: &Op,
) -> Result<(), String> {
    let mut total = 0u64;
    for e in events {
        let Event::ConsoleRecords {
            topic,
            partition,
            records,
            ..
        } = e
        else {
            continue;
        };
        let hw = hws.get(&(topic.clone(), *partition)).copied();
        for pair in records.windows(2) {
            if pair[1].offset <= pair[0].offset {
                return Err(format!("{topic}-{partition}: offsets out of order"));
            }
        }
        for r in records {
            if hw.is_some_and(|hw| r.offset >= hw) {
                return Err(format!(
                    "{topic}-{partition}: the console consumer read offset {} at or above the HW {hw:?}",
                    r.offset
                ));
            }
            let expected = reference.get(&(topic.clone(), *partition, r.offset.0));
            if expected != Some(&(r.key.clone(), r.value.clone())) {
                return Err(format!(
                    "{topic}-{partition} offset {}: the console consumer read {:?}, it was given {expected:?}",
                    r.offset, r.value
                ));
            }
        }
        total += records.len() as u64;
    }
    if let Op::ConsoleRead { max: Some(max), .. } = op {
        if total > *max {
            return Err(format!(
                "read {total} records, more than --max-messages {max}"
            ));
        }
    }
    Ok(())
}

fn run(seed: u64, ops: &[Op]) -> Result<(), String> {
    let mut session = Session::new(seed, config());
    let mut w = session.start();
    for c in setup() {
        session.apply(&mut w, c).map_err(|e| e.to_string())?;
    }
    let mut reference = Reference::new();
    let mut hws = BTreeMap::new();
    for (i, op) in ops.iter().enumerate() {
        let cmd = to_command(op);
        let before = w.state_hash();
        match session.apply(&mut w, cmd.clone()) {
            Ok(events) => {
                check_console_records(&events, &reference, &hws, op)
                    .map_err(|e| format!("step {i} ({cmd:?}): {e}"))?;
                for e in events {
                    match e {
                        Event::RecordAppended {
                            topic,
                            partition,
                            offset,
                            key,
                            value,
                            ..
                        } => {
                            reference.insert((topic, partition, offset.0), (key, value));
                        }
                        Event::UncleanLeaderElected {
                            topic,
                            partition,
                            log_end_offset,
                            ..
                        } => {
                            // The one place the HW may go back: to the new leader's log end.
                            let hw = w.partition(&topic, partition).map(|p| p.high_watermark());
                            if hw.is_some_and(|hw| hw < log_end_offset) {
                                return Err(format!(
                                    "step {i}: after the unclean election of {topic}-{partition} the HW {hw:?} is below the new log end {log_end_offset}"
                                ));
                            }
                            hws.insert((topic, partition), log_end_offset);
                        }
                        Event::TopicDeleted { topic, .. } => {
                            reference.retain(|(t, _, _), _| *t != topic);
                            hws.retain(|(t, _), _| *t != topic);
                        }
                        _ => {}
                    }
                }
            }
            Err(e) => {
                if w.state_hash() != before {
                    return Err(format!(
                        "step {i}: {cmd:?} failed ({e}) but changed the world"
                    ));
                }
            }
        }
        check_step(&w, &reference, &mut hws).map_err(|e| format!("step {i} ({cmd:?}): {e}"))?;
    }
    let replayed = session.replay().map_err(|e| e.to_string())?;
    if replayed.state_hash() != w.state_hash() || replayed != w {
        return Err("replaying the session gave another world".into());
    }
    let restored =
        World::restore(&w.snapshot().map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    if restored.state_hash() != w.state_hash() || restored != w {
        return Err("snapshot -> restore gave another world".into());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(props_support::cases("world", 64, 8000)))]

    #[test]
    fn invariants_hold_after_every_step_of_random_command_sequences(
        seed in any::<u64>(),
        ops in prop::collection::vec(op(), 1..80),
    ) {
        if let Err(e) = run(seed, &ops) {
            return Err(TestCaseError::fail(e));
        }
    }
}

// ----- regression cases (sequences that once failed, kept by name) ---------------------

/// Found by the property test: a commit still being replicated when its offsets were
/// deleted came back to life once replicated. Kafka's `GroupMetadata.removeOffsets` drops
/// pending commits too.
#[test]
fn deleting_offsets_also_drops_commits_still_being_replicated() {
    let ops = vec![
        Op::Produce {
            topic: 0,
            partition: None,
            key: None,
            value: None,
            acks: 0,
        },
        Op::Commit {
            group: 0,
            partition: 1,
            offset: 0,
        },
        Op::Advance(10),
        Op::Commit {
            group: 0,
            partition: 1,
            offset: 0,
        },
        Op::DeleteOffsets { group: 0 },
        Op::Advance(10),
    ];
    run(16_158_964_585_824_222_799, &ops).unwrap();
}

/// Found by the property test: a restarted replica still holding a divergent tail was
/// truncated by a second leader change without dropping the tail.
#[test]
fn a_second_leader_change_truncates_a_returning_replicas_divergent_tail() {
    let ops = vec![
        Op::Commit {
            group: 1,
            partition: 0,
            offset: 0,
        },
        Op::Kill(1),
        Op::Restart(1),
        Op::Commit {
            group: 1,
            partition: 0,
            offset: 0,
        },
        Op::Restart(0),
        Op::Kill(2),
        Op::Produce {
            topic: 0,
            partition: None,
            key: None,
            value: None,
            acks: 0,
        },
    ];
    run(10_897_970_979_416_440_958, &ops).unwrap();
}
