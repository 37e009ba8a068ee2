//! Random client commands, many of them wrong (unknown clients, topics and partitions,
//! negative offsets, commands in the wrong state): none panics, a refused command leaves
//! the world exactly as it was, and the invariants hold after every step (among them: a
//! database outside Kafka never holds a record written with its offset twice; LSO ≤ HW ≤
//! LEO with transactions).

mod clients_support;
mod props_support;

use clients_support::*;
use proptest::prelude::*;
use sim::clients::CommitPolicy;
use sim::{Command, OffsetCommit, TopicPartition};

fn name() -> impl Strategy<Value = String> {
    prop_oneof![Just("c1"), Just("c2"), Just("p1"), Just("zz")].prop_map(str::to_string)
}

fn topic() -> impl Strategy<Value = String> {
    prop_oneof![4 => Just("orders"), 1 => Just("nope"), 1 => Just("__consumer_offsets")]
        .prop_map(str::to_string)
}

fn tps() -> impl Strategy<Value = Vec<TopicPartition>> {
    prop::collection::vec((topic(), -1i32..4), 0..3).prop_map(|v| {
        v.into_iter()
            .map(|(t, p)| TopicPartition::new(t, p))
            .collect()
    })
}

fn config() -> impl Strategy<Value = Vec<(&'static str, &'static str)>> {
    prop::collection::vec(
        prop_oneof![
            Just(("group.id", "g")),
            Just(("group.id", "h")),
            Just(("group.instance.id", "i1")),
            Just(("enable.auto.commit", "false")),
            Just(("auto.offset.reset", "earliest")),
            Just(("auto.offset.reset", "none")),
            Just(("partition.assignment.strategy", "cooperative-sticky")),
            Just(("processing.ms.per.record", "30")),
            Just(("max.poll.records", "0")),
            Just(("acks", "1")),
            Just(("linger.ms", "20")),
            Just(("session.timeout.ms", "1000")),
            Just(("offset.store", "db")),
            Just(("offset.store", "nodb")),
            Just(("results.store", "db")),
            Just(("transactional.id", "tx")),
            Just(("transaction.timeout.ms", "3000")),
            Just(("isolation.level", "read_committed")),
            Just(("enable.auto.commit", "false")),
        ],
        0..5,
    )
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        (name(), config()).prop_map(|(name, c)| Command::CreateConsumer {
            name,
            config: props(&c)
        }),
        (name(), config()).prop_map(|(name, c)| Command::CreateProducer {
            name,
            config: props(&c)
        }),
        (name(), prop::collection::vec(topic(), 0..2))
            .prop_map(|(consumer, topics)| Command::Subscribe { consumer, topics }),
        (name(), tps()).prop_map(|(consumer, partitions)| Command::Assign {
            consumer,
            partitions
        }),
        name().prop_map(|consumer| Command::Unsubscribe { consumer }),
        (name(), prop::option::of(0usize..5)).prop_map(|(consumer, max_records)| Command::Poll {
            consumer,
            max_records
        }),
        (
            name(),
            prop::option::of(0usize..5),
            prop::option::of(-1i64..50)
        )
            .prop_map(|(consumer, count, per_record_ms)| Command::Process {
                consumer,
                count,
                per_record_ms
            }),
        (
            name(),
            prop::option::of(prop::collection::vec((topic(), -1i32..3, -2i64..20), 0..2))
        )
            .prop_map(|(consumer, o)| Command::CommitSync {
                consumer,
                offsets: o.map(|v| v
                    .into_iter()
                    .map(|(topic, partition, offset)| OffsetCommit {
                        topic,
                        partition,
                        offset,
                        metadata: String::new(),
                        leader_epoch: None
                    })
                    .collect()),
            }),
        name().prop_map(|consumer| Command::CommitAsync {
            consumer,
            offsets: None
        }),
        (name(), topic(), -1i32..3, -2i64..20).prop_map(|(consumer, topic, partition, offset)| {
            Command::Seek {
                consumer,
                topic,
                partition,
                offset,
            }
        }),
        (name(), tps()).prop_map(|(consumer, partitions)| Command::SeekToBeginning {
            consumer,
            partitions
        }),
        (name(), tps()).prop_map(|(consumer, partitions)| Command::SeekToEnd {
            consumer,
            partitions
        }),
        (name(), tps(), -5i64..5_000).prop_map(|(consumer, partitions, timestamp_ms)| {
            Command::OffsetsForTimes {
                consumer,
                timestamp_ms,
                partitions,
            }
        }),
        (name(), tps()).prop_map(|(consumer, partitions)| Command::Pause {
            consumer,
            partitions
        }),
        (name(), tps()).prop_map(|(consumer, partitions)| Command::Resume {
            consumer,
            partitions
        }),
        name().prop_map(|consumer| Command::CloseConsumer { consumer }),
        name().prop_map(|consumer| Command::CrashConsumer { consumer }),
        name().prop_map(|consumer| Command::RestartConsumer { consumer }),
        (
            name(),
            topic(),
            prop::option::of(-1i32..3),
            prop::option::of("[a-c]{0,2}")
        )
            .prop_map(|(producer, topic, partition, key)| Command::Send {
                producer,
                topic,
                partition,
                key,
                value: Some("v".into()),
                headers: vec![],
                timestamp_ms: None,
            }),
        name().prop_map(|producer| Command::Flush { producer }),
        (
            name(),
            prop::option::of(0usize..CommitPolicy::ALL.len()),
            prop::option::of(-5i64..60),
            prop::option::of(-5i64..400)
        )
            .prop_map(|(consumer, p, process_ms, idle_ms)| Command::RunConsumer {
                consumer,
                commit: p.map(|i| CommitPolicy::ALL[i]),
                process_ms,
                idle_ms,
            }),
        (name(), topic(), 0u32..1_200, 0u32..4).prop_map(|(producer, topic, rate, keys)| {
            Command::RunProducer {
                producer,
                topic,
                rate,
                keys,
            }
        }),
        name().prop_map(|client| Command::StopApp { client }),
        prop_oneof![Just("db"), Just("db"), Just(""), Just("a b")]
            .prop_map(|n| { Command::CreateDatabase { name: n.into() } }),
        name().prop_map(|producer| Command::CloseProducer { producer }),
        name().prop_map(|producer| Command::CrashProducer { producer }),
        name().prop_map(|producer| Command::RestartProducer { producer }),
        name().prop_map(|producer| Command::InitTransactions { producer }),
        name().prop_map(|producer| Command::BeginTransaction { producer }),
        name().prop_map(|producer| Command::CommitTransaction { producer }),
        name().prop_map(|producer| Command::AbortTransaction { producer }),
        (
            name(),
            prop::collection::vec((topic(), -1i32..3, -2i64..20), 0..2),
            prop::option::of(prop_oneof![Just("g"), Just("")]),
            prop::option::of(name()),
        )
            .prop_map(|(producer, o, group, consumer)| {
                Command::SendOffsetsToTransaction {
                    producer,
                    offsets: o
                        .into_iter()
                        .map(|(topic, partition, offset)| OffsetCommit {
                            topic,
                            partition,
                            offset,
                            metadata: String::new(),
                            leader_epoch: None,
                        })
                        .collect(),
                    group: group.map(str::to_string),
                    consumer,
                }
            }),
        (0i64..8_000).prop_map(|ms| Command::Advance { ms }),
        (0i32..2).prop_map(|p| Command::Produce {
            topic: "orders".into(),
            partition: Some(p),
            key: None,
            value: None,
            headers: vec![],
            timestamp_ms: None,
            acks: None
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(props_support::cases("clients-fuzz", 64, 3000)))]

    #[test]
    fn refused_client_commands_change_nothing_and_none_panics(commands in prop::collection::vec(command(), 1..40)) {
        let mut w = world_with_topic("orders", 2);
        for c in commands {
            let before = w.state_hash();
            if let Err(e) = w.apply(c.clone()) {
                prop_assert_eq!(w.state_hash(), before, "{:?} failed with {} but changed the world", c, e);
            }
            if let Err(e) = w.check_invariants() {
                prop_assert!(false, "after {:?}: {}", c, e);
            }
        }
    }
}
