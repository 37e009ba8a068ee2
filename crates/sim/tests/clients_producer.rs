//! Producers of their own: batching by `linger.ms` and `batch.size`, the partitioner,
//! acks, retries on retriable errors, and idempotence (no duplicates from retries).

mod clients_support;

use clients_support::*;
use sim::clients::ProducerEvent;
use sim::partitioner::{partition_for_key, PartitionChoice};
use sim::{Command, Event, SimError, TopicConfigOverrides, World, WorldConfig};

fn producer(w: &mut World, name: &str, pairs: &[(&str, &str)]) -> Vec<Event> {
    w.apply(Command::CreateProducer {
        name: name.into(),
        config: props(pairs),
    })
    .unwrap()
}

fn send(w: &mut World, p: &str, topic: &str, key: Option<&str>, value: &str) -> Vec<Event> {
    w.apply(Command::Send {
        producer: p.into(),
        topic: topic.into(),
        partition: None,
        key: key.map(str::to_string),
        value: Some(value.into()),
        headers: vec![],
        timestamp_ms: None,
    })
    .unwrap()
}

fn producer_events(events: &[Event]) -> Vec<ProducerEvent> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Producer { event, .. } => Some(event.clone()),
            _ => None,
        })
        .collect()
}

fn appended(events: &[Event]) -> Vec<(i32, i64, PartitionChoice)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::RecordAppended {
                topic,
                partition,
                offset,
                chosen_by,
                ..
            } if topic != "__consumer_offsets" => Some((*partition, offset.0, *chosen_by)),
            _ => None,
        })
        .collect()
}

fn acked(events: &[Event]) -> usize {
    producer_events(events)
        .iter()
        .filter(|e| matches!(e, ProducerEvent::Acknowledged { .. }))
        .count()
}

#[test]
fn records_linger_in_a_batch_and_keyless_ones_stick_to_one_partition() {
    let mut w = world_with_topic("orders", 6);
    producer(&mut w, "p1", &[("linger.ms", "100")]);
    let mut events = Vec::new();
    for i in 0..3 {
        events.extend(send(&mut w, "p1", "orders", None, &format!("v{i}")));
    }
    assert!(
        appended(&events).is_empty(),
        "nothing leaves before linger.ms"
    );
    assert_eq!(w.producer("p1").unwrap().queued_records(), 3);
    let batches = w.producer("p1").unwrap().batches();
    assert_eq!(batches.len(), 1);
    assert_eq!((batches[0].records.len(), batches[0].send_at_ms), (3, 100));
    let events = advance(&mut w, 110); // linger.ms, then the followers fetch
    let written = appended(&events);
    assert_eq!(written.len(), 3);
    assert!(written
        .iter()
        .all(|(p, _, c)| *p == written[0].0 && *c == PartitionChoice::Sticky));
    assert_eq!(
        written.iter().map(|(_, o, _)| *o).collect::<Vec<_>>(),
        vec![0, 1, 2]
    );
    assert!(producer_events(&events).iter().any(|e| matches!(
        e,
        ProducerEvent::BatchSent {
            records: 3,
            attempt: 1,
            ..
        }
    )));
    assert_eq!(acked(&events), 3, "acks=all: acknowledged once replicated");
}

#[test]
fn a_full_batch_is_sent_before_linger_ms() {
    let mut w = world_with_topic("orders", 1);
    producer(
        &mut w,
        "p1",
        &[("linger.ms", "60000"), ("batch.size", "100")],
    );
    let mut events = send(&mut w, "p1", "orders", None, "small");
    assert!(appended(&events).is_empty());
    events.extend(send(&mut w, "p1", "orders", None, &"x".repeat(120)));
    assert_eq!(
        appended(&events).len(),
        2,
        "batch.size reached: sent at once"
    );
}

#[test]
fn a_keyed_record_goes_to_murmur2_of_its_key_and_flush_sends_at_once() {
    let mut w = world_with_topic("orders", 6);
    producer(&mut w, "p1", &[("linger.ms", "1000")]);
    send(&mut w, "p1", "orders", Some("alice"), "1 ticket");
    let events = w
        .apply(Command::Flush {
            producer: "p1".into(),
        })
        .unwrap();
    let written = appended(&events);
    assert_eq!(
        written,
        vec![(partition_for_key(b"alice", 6), 0, PartitionChoice::Key)]
    );
}

#[test]
fn acks_one_is_acknowledged_by_the_leader_and_acks_zero_never_waits() {
    let mut w = world_with_topic("orders", 1);
    producer(&mut w, "one", &[("acks", "1"), ("linger.ms", "0")]);
    producer(&mut w, "zero", &[("acks", "0"), ("linger.ms", "0")]);
    let e = send(&mut w, "one", "orders", None, "a");
    assert_eq!(acked(&e), 1);
    let e = send(&mut w, "zero", "orders", None, "b");
    assert_eq!(acked(&e), 1);
    assert_eq!(
        w.producer("one").unwrap().producer_id(),
        None,
        "acks=1: not idempotent"
    );
}

#[test]
fn not_enough_replicas_is_retried_until_the_isr_recovers() {
    let mut w = World::new(3, WorldConfig::default());
    w.apply(Command::CreateTopic {
        name: "orders".into(),
        partitions: 1,
        replication_factor: Some(3),
        config: TopicConfigOverrides {
            min_insync_replicas: Some(2),
            ..Default::default()
        },
    })
    .unwrap();
    let p = w.partition("orders", 0).unwrap();
    let leader = p.leader().unwrap();
    let followers: Vec<_> = p
        .replica_ids()
        .into_iter()
        .filter(|b| *b != leader)
        .collect();
    for b in &followers {
        w.apply(Command::KillBroker { broker: *b }).unwrap();
    }
    producer(&mut w, "p1", &[("linger.ms", "0")]);
    let e = send(&mut w, "p1", "orders", None, "a");
    assert!(producer_events(&e).iter().any(|e| matches!(
        e,
        ProducerEvent::Retrying { error, .. } if error.starts_with("NOT_ENOUGH_REPLICAS")
    )));
    let e = advance(&mut w, 1_000);
    assert!(
        appended(&e).is_empty(),
        "still refused while the ISR is too small"
    );
    w.apply(Command::RestartBroker {
        broker: followers[0],
    })
    .unwrap();
    let e = advance(&mut w, 2_000);
    assert_eq!(appended(&e).len(), 1, "a retry got through");
    assert_eq!(acked(&e), 1);
}

/// The retries of one record while two of three brokers are down: the waits between them,
/// read from the `Retrying` events (each says when the next attempt goes).
fn outage_retry_waits(props: &[(&str, &str)]) -> Vec<i64> {
    let mut w = World::new(3, WorldConfig::default());
    w.apply(Command::CreateTopic {
        name: "orders".into(),
        partitions: 1,
        replication_factor: Some(3),
        config: TopicConfigOverrides {
            min_insync_replicas: Some(2),
            ..Default::default()
        },
    })
    .unwrap();
    let p = w.partition("orders", 0).unwrap();
    let leader = p.leader().unwrap();
    for b in p.replica_ids().into_iter().filter(|b| *b != leader) {
        w.apply(Command::KillBroker { broker: b }).unwrap();
    }
    let mut all = vec![("linger.ms", "0")];
    all.extend_from_slice(props);
    producer(&mut w, "p1", &all);
    let start = w.now_ms();
    let mut events = send(&mut w, "p1", "orders", None, "a");
    events.extend(advance(&mut w, 130_000));
    let mut at = start;
    let mut waits = Vec::new();
    for e in &producer_events(&events) {
        if let ProducerEvent::Retrying { retry_at_ms, .. } = e {
            waits.push(retry_at_ms - at);
            at = *retry_at_ms;
        }
    }
    waits
}

#[test]
fn retries_back_off_exponentially_with_jitter_up_to_retry_backoff_max_ms() {
    // KIP-580 (Kafka 3.7+): 100 ms × 2^n, ±20 %, never above retry.backoff.max.ms (1000).
    let waits = outage_retry_waits(&[]);
    let bounds = [(80, 120), (160, 240), (320, 480), (640, 960)];
    for (w, (lo, hi)) in waits.iter().zip(bounds) {
        assert!((lo..=hi).contains(w), "{waits:?}");
    }
    assert!(
        waits[4..].iter().all(|w| (800..=1000).contains(w)),
        "{waits:?}"
    );
    // Over the two minutes of delivery.timeout.ms: about 120 tries, not 1,200.
    assert!(
        (110..=160).contains(&waits.len()),
        "{} retries",
        waits.len()
    );
    // Seeded: the same world retries at the same moments.
    assert_eq!(waits, outage_retry_waits(&[]));
    // The cap is a config; a cap at retry.backoff.ms is the old constant backoff.
    let capped = outage_retry_waits(&[("retry.backoff.max.ms", "300")]);
    assert!(
        capped[2..].iter().all(|w| (240..=300).contains(w)),
        "{capped:?}"
    );
    let constant = outage_retry_waits(&[("retry.backoff.max.ms", "100")]);
    assert!(constant.iter().all(|w| *w == 100), "{constant:?}");
}

/// A follower stops fetching, so an `acks=all` write waits; after `request.timeout.ms`
/// the producer sends it again. Without idempotence the log gets a second copy; with it,
/// the broker recognises the sequence number and writes nothing.
fn request_timeout_retry(idempotent: bool) -> (World, Vec<Event>) {
    let mut w = world_with_topic("orders", 1);
    let p = w.partition("orders", 0).unwrap();
    let leader = p.leader().unwrap();
    let follower = p.replica_ids().into_iter().find(|b| *b != leader).unwrap();
    w.apply(Command::PauseReplicaFetching { broker: follower })
        .unwrap();
    producer(
        &mut w,
        "p1",
        &[
            ("linger.ms", "0"),
            ("request.timeout.ms", "10000"),
            (
                "enable.idempotence",
                if idempotent { "true" } else { "false" },
            ),
        ],
    );
    let mut events = send(&mut w, "p1", "orders", Some("k"), "once");
    events.extend(advance(&mut w, 60_000));
    (w, events)
}

#[test]
fn a_retry_after_a_request_timeout_duplicates_without_idempotence() {
    let (w, events) = request_timeout_retry(false);
    assert!(appended(&events).len() >= 2, "{:?}", appended(&events));
    assert!(w.partition("orders", 0).unwrap().log_end_offset().0 >= 2);
}

#[test]
fn an_idempotent_producer_has_its_duplicate_rejected() {
    let (w, events) = request_timeout_retry(true);
    assert_eq!(appended(&events).len(), 1);
    assert!(producer_events(&events)
        .iter()
        .any(|e| matches!(e, ProducerEvent::DuplicateRejected { sequence: 0, .. })));
    assert_eq!(w.partition("orders", 0).unwrap().log_end_offset().0, 1);
    assert_eq!(acked(&events), 1, "acknowledged once the ISR shrinks");
}

#[test]
fn bad_producer_input_is_a_typed_error() {
    let mut w = world_with_topic("orders", 2);
    producer(&mut w, "p1", &[]);
    let err = |w: &mut World, c: Command| w.apply(c).unwrap_err().kafka_code();
    let send = |producer: &str, topic: &str, partition: Option<i32>| Command::Send {
        producer: producer.into(),
        topic: topic.into(),
        partition,
        key: None,
        value: None,
        headers: vec![],
        timestamp_ms: None,
    };
    assert_eq!(
        err(&mut w, send("nobody", "orders", None)),
        "UNKNOWN_CLIENT"
    );
    // A missing topic is created on first use (auto.create.topics.enable); a record it
    // cannot take leaves no topic behind.
    assert_eq!(
        err(&mut w, send("p1", "nope", Some(3))),
        "UNKNOWN_TOPIC_OR_PARTITION"
    );
    assert!(w.topic("nope").is_none());
    assert_eq!(
        err(&mut w, send("p1", "orders", Some(7))),
        "UNKNOWN_TOPIC_OR_PARTITION"
    );
    assert_eq!(
        err(
            &mut w,
            Command::CreateProducer {
                name: "p1".into(),
                config: props(&[]),
            }
        ),
        "CLIENT_ALREADY_EXISTS"
    );
    assert_eq!(
        err(
            &mut w,
            Command::CreateProducer {
                name: "p2".into(),
                config: props(&[("acks", "1"), ("enable.idempotence", "true")]),
            }
        ),
        "INVALID_CONFIG"
    );
    w.apply(Command::CloseProducer {
        producer: "p1".into(),
    })
    .unwrap();
    assert!(matches!(
        w.apply(send("p1", "orders", None)),
        Err(SimError::InvalidRequest { .. })
    ));
}

/// KIP-794: keyless records stay on one partition until `batch.size` bytes went to it,
/// then the built-in partitioner picks another.
#[test]
fn keyless_records_switch_partition_after_batch_size_bytes() {
    let mut w = world_with_topic("orders", 6);
    producer(&mut w, "p1", &[("linger.ms", "0"), ("batch.size", "1000")]);
    let mut events = Vec::new();
    for i in 0..20 {
        events.extend(send(&mut w, "p1", "orders", None, &format!("{i:0>200}")));
    }
    let parts: Vec<i32> = appended(&events).iter().map(|(p, _, _)| *p).collect();
    assert_eq!(parts.len(), 20);
    let runs = parts.windows(2).filter(|w| w[0] != w[1]).count() + 1;
    assert!(runs >= 3, "switched partitions: {parts:?}");
    // Each run is about batch.size bytes: no run is longer than 1000 / ~270 bytes + 1.
    let mut longest = 1;
    let mut current = 1;
    for w in parts.windows(2) {
        current = if w[0] == w[1] { current + 1 } else { 1 };
        longest = longest.max(current);
    }
    assert!(longest <= 5, "{parts:?}");
}
