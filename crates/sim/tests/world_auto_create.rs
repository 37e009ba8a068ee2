//! Topics created on first use (`auto.create.topics.enable`, `allow.auto.create.topics`,
//! `num.partitions`, `metadata.max.age.ms`).

mod clients_support;

use clients_support::*;
use sim::{Command, Event, World, WorldConfig};

fn warnings(events: &[Event]) -> Vec<(String, String)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::MetadataWarning { topic, error, .. } => Some((topic.clone(), error.clone())),
            _ => None,
        })
        .collect()
}

fn send(w: &mut World, topic: &str, value: &str) -> Result<Vec<Event>, sim::SimError> {
    w.apply(Command::Send {
        producer: "p".into(),
        topic: topic.into(),
        partition: None,
        key: None,
        value: Some(value.into()),
        headers: vec![],
        timestamp_ms: None,
    })
}

fn producer(w: &mut World) {
    w.apply(Command::CreateProducer {
        name: "p".into(),
        config: props(&[("linger.ms", "0")]),
    })
    .unwrap();
}

#[test]
fn a_producer_sending_to_a_missing_topic_creates_it_with_num_partitions() {
    let mut w = World::new(
        3,
        WorldConfig {
            num_partitions: 3,
            ..Default::default()
        },
    );
    producer(&mut w);
    let events = send(&mut w, "clicks", "a").unwrap();
    assert!(matches!(
        &events[0],
        Event::TopicCreated { topic, partitions: 3, replication_factor: 1, .. } if topic == "clicks"
    ));
    assert_eq!(
        warnings(&events),
        vec![("clicks".to_string(), "LEADER_NOT_AVAILABLE".to_string())]
    );
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::RecordAppended { topic, .. } if topic == "clicks")));
    // The second record finds the topic: no warning.
    assert!(warnings(&send(&mut w, "clicks", "b").unwrap()).is_empty());
    w.check_invariants().unwrap();
}

#[test]
fn a_refused_record_leaves_no_topic_behind() {
    let mut w = World::new(3, WorldConfig::default());
    let before = w.state_hash();
    let huge = "x".repeat(2_000_000);
    let e = w
        .apply(Command::Produce {
            topic: "clicks".into(),
            partition: None,
            key: None,
            value: Some(huge),
            headers: vec![],
            timestamp_ms: None,
            acks: None,
        })
        .unwrap_err();
    assert_eq!(e.kafka_code(), "MESSAGE_TOO_LARGE");
    assert!(w.topic("clicks").is_none());
    assert_eq!(w.state_hash(), before, "a refused command changes nothing");
}

#[test]
fn with_auto_creation_off_a_record_to_a_missing_topic_is_refused() {
    let mut w = World::new(
        3,
        WorldConfig {
            auto_create_topics_enable: false,
            ..Default::default()
        },
    );
    producer(&mut w);
    let e = send(&mut w, "clicks", "a").unwrap_err();
    assert_eq!(e.kafka_code(), "UNKNOWN_TOPIC_OR_PARTITION");
    assert!(w.topic("clicks").is_none());
}

#[test]
fn subscribing_to_a_missing_topic_creates_it_unless_the_consumer_forbids_it() {
    let mut w = World::new(3, WorldConfig::default());
    consumer(&mut w, "c1", &[("group.id", "g")]);
    let events = w
        .apply(Command::Subscribe {
            consumer: "c1".into(),
            topics: vec!["signups".into()],
        })
        .unwrap();
    assert_eq!(
        warnings(&events),
        vec![("signups".to_string(), "LEADER_NOT_AVAILABLE".to_string())]
    );
    assert_eq!(w.topic("signups").unwrap().partition_count(), 1);

    consumer(
        &mut w,
        "c2",
        &[("group.id", "h"), ("allow.auto.create.topics", "false")],
    );
    let events = w
        .apply(Command::Subscribe {
            consumer: "c2".into(),
            topics: vec!["audit".into()],
        })
        .unwrap();
    assert_eq!(
        warnings(&events),
        vec![(
            "audit".to_string(),
            "UNKNOWN_TOPIC_OR_PARTITION".to_string()
        )]
    );
    assert!(w.topic("audit").is_none(), "not an error, and not created");
}

#[test]
fn a_topic_created_after_the_subscription_is_assigned_at_the_next_metadata_refresh() {
    let mut w = World::new(
        3,
        WorldConfig {
            auto_create_topics_enable: false,
            ..Default::default()
        },
    );
    consumer(&mut w, "c1", &[("group.id", "g")]);
    join_alone(&mut w, "c1", "audit");
    assert!(w.consumer("c1").unwrap().assignment().is_empty());
    w.apply(Command::CreateTopic {
        name: "audit".into(),
        partitions: 2,
        replication_factor: Some(1),
        config: Default::default(),
    })
    .unwrap();
    // Polling every second: nothing until metadata.max.age.ms (300000) after the last
    // refresh (the subscription, at 0).
    for _ in 0..290 {
        settle(&mut w, &["c1"], 1);
        assert!(w.consumer("c1").unwrap().assignment().is_empty());
    }
    settle(&mut w, &["c1"], 15);
    assert_eq!(w.consumer("c1").unwrap().assignment().len(), 2);
    w.check_invariants().unwrap();
}

/// `metadata.max.age.ms` is the consumer's own config: at 1000 a consumer polling every
/// 100 ms gets a topic created after its subscription within a second, where the default
/// (300000) would take five minutes.
#[test]
fn a_shorter_metadata_max_age_picks_up_a_new_topic_within_that_time() {
    let mut w = World::new(
        3,
        WorldConfig {
            auto_create_topics_enable: false,
            ..Default::default()
        },
    );
    consumer(
        &mut w,
        "c1",
        &[("group.id", "g"), ("metadata.max.age.ms", "1000")],
    );
    assert_eq!(
        w.consumer_settings("c1").map(|s| s.metadata_max_age_ms),
        Some(1000)
    );
    join_alone(&mut w, "c1", "audit");
    // Polling for a while changes nothing: the topic is not there.
    for _ in 0..30 {
        w.apply(Command::Advance { ms: 100 }).unwrap();
        poll(&mut w, "c1");
    }
    assert!(w.consumer("c1").unwrap().assignment().is_empty());
    w.apply(Command::CreateTopic {
        name: "audit".into(),
        partitions: 2,
        replication_factor: Some(1),
        config: Default::default(),
    })
    .unwrap();
    let created = w.now_ms();
    while w.consumer("c1").unwrap().assignment().is_empty() {
        assert!(
            w.now_ms() - created <= 1_000,
            "not assigned within metadata.max.age.ms"
        );
        w.apply(Command::Advance { ms: 100 }).unwrap();
        poll(&mut w, "c1");
    }
    assert_eq!(w.consumer("c1").unwrap().assignment().len(), 2);
    w.check_invariants().unwrap();
}

#[test]
fn metadata_max_age_ms_is_checked_as_kafka_checks_it() {
    let mut w = World::new(3, WorldConfig::default());
    let create = |w: &mut World, name: &str, v: &str| {
        w.apply(Command::CreateConsumer {
            name: name.into(),
            config: props(&[("metadata.max.age.ms", v)]),
        })
    };
    assert!(matches!(
        create(&mut w, "a", "-1"),
        Err(sim::SimError::InvalidConfig { .. })
    ));
    assert!(
        create(&mut w, "b", "0").is_ok(),
        "Kafka's bound is at least 0"
    );
    consumer(&mut w, "c", &[]);
    assert_eq!(
        w.consumer_settings("c").map(|s| s.metadata_max_age_ms),
        Some(300_000),
        "Kafka's default"
    );
}
