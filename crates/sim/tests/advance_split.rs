//! Splitting an `Advance` never changes the world: `Advance a` then `Advance b` gives the
//! same world (the same state hash) as `Advance a+b`, for random worlds with topics under
//! small retention, consumers and producers (manual and played), crashes and broker
//! failures. This is what lets a console log merge consecutive `advance` lines.
//!
//! It holds because every future action is a timer in the scheduler, fired strictly in
//! (due time, scheduling order) whatever the `Advance` that reaches it, and nothing runs at
//! the end of an `Advance` that would not run in the middle of a longer one.

mod props_support;

use proptest::prelude::*;
use sim::clients::CommitPolicy;
use sim::{BrokerId, Command, TopicConfigOverrides, TopicPartition, World, WorldConfig};
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
enum Op {
    Topic(u8, i64, i64),
    Consumer(u8, bool, u8),
    Subscribe(u8, u8),
    Assign(u8, u8),
    RunConsumer(u8, u8, i64, i64),
    Producer(u8, i64),
    RunProducer(u8, u8, u32, u32),
    Produce(u8, u8),
    Poll(u8),
    Process(u8),
    Commit(u8),
    Crash(u8),
    Restart(u8),
    Stop(u8),
    KillBroker(i32),
    RestartBroker(i32),
    Advance(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (0u8..2, 1i64..4, 1_000i64..30_000).prop_map(|(t, p, r)| Op::Topic(t, p, r)),
        2 => (0u8..3, any::<bool>(), 1u8..6).prop_map(|(c, a, m)| Op::Consumer(c, a, m)),
        2 => (0u8..3, 0u8..2).prop_map(|(c, t)| Op::Subscribe(c, t)),
        1 => (0u8..3, 0u8..2).prop_map(|(c, t)| Op::Assign(c, t)),
        3 => (0u8..3, 0u8..5, 0i64..40, 1i64..300)
            .prop_map(|(c, p, ms, idle)| Op::RunConsumer(c, p, ms, idle)),
        1 => (0u8..2, 0i64..30).prop_map(|(p, l)| Op::Producer(p, l)),
        2 => (0u8..2, 0u8..2, 1u32..60, 0u32..5)
            .prop_map(|(p, t, r, k)| Op::RunProducer(p, t, r, k)),
        2 => (0u8..2, 0u8..3).prop_map(|(t, p)| Op::Produce(t, p)),
        1 => (0u8..3).prop_map(Op::Poll),
        1 => (0u8..3).prop_map(Op::Process),
        1 => (0u8..3).prop_map(Op::Commit),
        1 => (0u8..3).prop_map(Op::Crash),
        1 => (0u8..3).prop_map(Op::Restart),
        1 => (0u8..5).prop_map(Op::Stop),
        1 => (1i32..=3).prop_map(Op::KillBroker),
        1 => (1i32..=3).prop_map(Op::RestartBroker),
        3 => (0i64..5_000).prop_map(Op::Advance),
    ]
}

fn topic(t: u8) -> String {
    format!("t{t}")
}

fn command(op: &Op) -> Command {
    let c = |i: &u8| format!("c{i}");
    match op {
        Op::Topic(t, partitions, retention) => Command::CreateTopic {
            name: topic(*t),
            partitions: *partitions,
            replication_factor: Some(3),
            config: TopicConfigOverrides {
                retention_ms: Some(*retention),
                segment_bytes: Some(1_024),
                ..Default::default()
            },
        },
        Op::Consumer(i, auto, max) => {
            let mut config = BTreeMap::new();
            config.insert("group.id".to_string(), "g".to_string());
            config.insert("enable.auto.commit".to_string(), auto.to_string());
            config.insert("auto.offset.reset".to_string(), "earliest".to_string());
            config.insert("max.poll.records".to_string(), max.to_string());
            config.insert("auto.commit.interval.ms".to_string(), "700".to_string());
            Command::CreateConsumer { name: c(i), config }
        }
        Op::Subscribe(i, t) => Command::Subscribe {
            consumer: c(i),
            topics: vec![topic(*t)],
        },
        Op::Assign(i, t) => Command::Assign {
            consumer: c(i),
            partitions: vec![TopicPartition::new(topic(*t), 0)],
        },
        Op::RunConsumer(i, p, ms, idle) => Command::RunConsumer {
            consumer: c(i),
            commit: Some(CommitPolicy::ALL[usize::from(*p) % 5]),
            process_ms: Some(*ms),
            idle_ms: Some(*idle),
        },
        Op::Producer(p, linger) => {
            let mut config = BTreeMap::new();
            config.insert("linger.ms".to_string(), linger.to_string());
            Command::CreateProducer {
                name: format!("p{p}"),
                config,
            }
        }
        Op::RunProducer(p, t, rate, keys) => Command::RunProducer {
            producer: format!("p{p}"),
            topic: topic(*t),
            rate: *rate,
            keys: *keys,
        },
        Op::Produce(t, p) => Command::Produce {
            topic: topic(*t),
            partition: Some(i32::from(*p)),
            key: None,
            value: Some("v".into()),
            headers: vec![],
            timestamp_ms: None,
            acks: None,
        },
        Op::Poll(i) => Command::Poll {
            consumer: c(i),
            max_records: None,
        },
        Op::Process(i) => Command::Process {
            consumer: c(i),
            count: None,
            per_record_ms: None,
        },
        Op::Commit(i) => Command::CommitSync {
            consumer: c(i),
            offsets: None,
        },
        Op::Crash(i) => Command::CrashConsumer { consumer: c(i) },
        Op::Restart(i) => Command::RestartConsumer { consumer: c(i) },
        Op::Stop(i) => Command::StopApp {
            client: if *i < 3 { c(i) } else { format!("p{}", i - 3) },
        },
        Op::KillBroker(b) => Command::KillBroker {
            broker: BrokerId(*b),
        },
        Op::RestartBroker(b) => Command::RestartBroker {
            broker: BrokerId(*b),
        },
        Op::Advance(ms) => Command::Advance { ms: *ms },
    }
}

fn world(seed: u64, ops: &[Op]) -> World {
    let mut w = World::new(seed, WorldConfig::default());
    for op in ops {
        // Refused commands change nothing; the rest build a busy world.
        let _ = w.apply(command(op));
    }
    w
}

/// Cuts `total` at the given fractions (per mille), in order.
fn pieces(total: i64, cuts: &[u16]) -> Vec<i64> {
    let mut points: Vec<i64> = cuts
        .iter()
        .map(|c| total * i64::from(*c % 1001) / 1000)
        .collect();
    points.sort_unstable();
    let mut out = Vec::new();
    let mut last = 0;
    for p in points {
        out.push(p - last);
        last = p;
    }
    out.push(total - last);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(props_support::cases("advance-split", 16, 1000)))]

    #[test]
    fn splitting_an_advance_never_changes_the_world(
        seed in any::<u64>(),
        ops in prop::collection::vec(op(), 0..40),
        total in 0i64..60_000,
        cuts in prop::collection::vec(any::<u16>(), 1..6),
    ) {
        let start = world(seed, &ops);
        let mut whole = start.clone();
        whole.apply(Command::Advance { ms: total }).unwrap();
        let mut split = start;
        let parts = pieces(total, &cuts);
        for ms in &parts {
            split.apply(Command::Advance { ms: *ms }).unwrap();
        }
        prop_assert_eq!(split.now_ms(), whole.now_ms());
        prop_assert_eq!(
            split.state_hash(),
            whole.state_hash(),
            "advance {} split as {:?}",
            total,
            parts
        );
        whole.check_invariants().map_err(TestCaseError::fail)?;
    }
}

/// A played session cut into 100 ms steps (as a page plays it) ends where one long
/// advance ends.
#[test]
fn a_played_minute_in_small_steps_is_one_advance() {
    let ops = [
        Op::Topic(0, 3, 5_000),
        Op::Producer(0, 5),
        Op::RunProducer(0, 0, 40, 3),
        Op::Consumer(0, false, 5),
        Op::Subscribe(0, 0),
        Op::RunConsumer(0, 1, 7, 100),
        Op::Consumer(1, true, 3),
        Op::Subscribe(1, 0),
        Op::RunConsumer(1, 0, 3, 50),
    ];
    let start = world(11, &ops);
    let mut whole = start.clone();
    whole.apply(Command::Advance { ms: 60_000 }).unwrap();
    let mut steps = start;
    for _ in 0..600 {
        steps.apply(Command::Advance { ms: 100 }).unwrap();
    }
    assert_eq!(steps.state_hash(), whole.state_hash());
    assert!(whole.delivery_ledger().totals(Some("g")).processed_records > 1_000);
}
