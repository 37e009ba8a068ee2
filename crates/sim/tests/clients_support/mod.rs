//! Helpers shared by the client tests: a world with a topic, consumers made from
//! `key=value` settings, and short ways to read what happened.
#![allow(dead_code)]

use sim::consumer::ConsumerEvent;
use sim::{Command, Event, SimError, TopicPartition, World, WorldConfig};
use std::collections::BTreeMap;

pub fn world_with_topic(topic: &str, partitions: i64) -> World {
    let mut w = World::new(7, WorldConfig::default());
    w.apply(Command::CreateTopic {
        name: topic.into(),
        partitions,
        replication_factor: Some(3),
        config: Default::default(),
    })
    .unwrap();
    w
}

pub fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub fn consumer(w: &mut World, name: &str, pairs: &[(&str, &str)]) {
    w.apply(Command::CreateConsumer {
        name: name.into(),
        config: props(pairs),
    })
    .unwrap();
}

pub fn subscribe(w: &mut World, name: &str, topic: &str) {
    w.apply(Command::Subscribe {
        consumer: name.into(),
        topics: vec![topic.into()],
    })
    .unwrap();
}

/// Produces `n` records to `partition` and lets them replicate.
pub fn produce(w: &mut World, topic: &str, partition: i32, n: usize) {
    for i in 0..n {
        w.apply(Command::Produce {
            topic: topic.into(),
            partition: Some(partition),
            key: None,
            value: Some(format!("v{i}")),
            headers: vec![],
            timestamp_ms: None,
            acks: None,
        })
        .unwrap();
    }
    advance(w, 10);
}

pub fn advance(w: &mut World, ms: i64) -> Vec<Event> {
    w.apply(Command::Advance { ms }).unwrap()
}

pub fn poll(w: &mut World, name: &str) -> Vec<Event> {
    w.apply(Command::Poll {
        consumer: name.into(),
        max_records: None,
    })
    .unwrap()
}

pub fn process(w: &mut World, name: &str) -> Vec<Event> {
    w.apply(Command::Process {
        consumer: name.into(),
        count: None,
        per_record_ms: None,
    })
    .unwrap()
}

pub fn commit_sync(w: &mut World, name: &str) -> Result<Vec<Event>, SimError> {
    w.apply(Command::CommitSync {
        consumer: name.into(),
        offsets: None,
    })
}

pub fn crash(w: &mut World, name: &str) {
    w.apply(Command::CrashConsumer {
        consumer: name.into(),
    })
    .unwrap();
}

pub fn restart(w: &mut World, name: &str) -> Vec<Event> {
    w.apply(Command::RestartConsumer {
        consumer: name.into(),
    })
    .unwrap()
}

/// Offsets fetched by polls in these events, per partition, in order.
pub fn fetched(events: &[Event]) -> Vec<(TopicPartition, i64, i64)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Consumer {
                event:
                    ConsumerEvent::RecordsFetched {
                        partition,
                        from,
                        to,
                        ..
                    },
                ..
            } => Some((partition.clone(), *from, *to)),
            _ => None,
        })
        .collect()
}

pub fn tp(topic: &str, p: i32) -> TopicPartition {
    TopicPartition::new(topic, p)
}

/// Subscribes, polls, waits out the initial rebalance delay and polls again: the common
/// case of one consumer joining an empty group.
pub fn join_alone(w: &mut World, name: &str, topic: &str) -> Vec<Event> {
    subscribe(w, name, topic);
    let mut events = poll(w, name);
    events.extend(advance(w, 3_000));
    events.extend(poll(w, name));
    events
}

/// Lets the group settle: `rounds` times, advance a second and poll every named consumer
/// (as applications in a poll loop do).
pub fn settle(w: &mut World, names: &[&str], rounds: usize) -> Vec<Event> {
    let mut events = Vec::new();
    for _ in 0..rounds {
        events.extend(advance(w, 1_000));
        for n in names {
            if w.consumer(n).is_some_and(|c| c.is_running()) {
                events.extend(poll(w, n));
            }
        }
    }
    events
}

/// Partitions revoked per consumer in these events.
pub fn revoked(events: &[Event], name: &str) -> Vec<TopicPartition> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Consumer {
                consumer,
                event: ConsumerEvent::PartitionsRevoked { partitions },
            } if consumer == name => Some(partitions.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// `kafka-consumer-groups --reset-offsets --execute` of `orders-0` to `offset` for `group`.
pub fn reset_to(w: &mut World, group: &str, offset: i64) -> Result<Vec<Event>, SimError> {
    w.apply(Command::ResetOffsets {
        group: group.into(),
        offsets: vec![sim::OffsetCommit {
            topic: "orders".into(),
            partition: 0,
            offset,
            metadata: String::new(),
            leader_epoch: None,
        }],
    })
}
