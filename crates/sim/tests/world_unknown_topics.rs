//! A command that names a topic the cluster does not have is refused by the core itself
//! (`UNKNOWN_TOPIC_OR_PARTITION`) and changes nothing, whoever sends it (the console or a
//! button); read-only views answer the same error through `topic_checked`,
//! `partition_checked` and `topic_partitions`.

use sim::{
    Command, SimError, TopicConfigOverrides, TopicPartition, World, WorldConfig, OFFSETS_TOPIC,
};

fn world() -> World {
    let mut w = World::new(7, WorldConfig::default());
    w.apply(Command::CreateTopic {
        name: "t".into(),
        partitions: 2,
        replication_factor: Some(1),
        config: TopicConfigOverrides::default(),
    })
    .unwrap();
    w
}

fn unknown(topic: &str, partition: Option<i32>) -> SimError {
    SimError::UnknownTopicOrPartition {
        topic: topic.into(),
        partition,
    }
}

#[test]
fn topic_commands_refuse_an_unknown_topic_and_change_nothing() {
    let mut w = world();
    let before = w.clone();
    let commands = [
        Command::AddPartitions {
            topic: "nope".into(),
            total: 3,
        },
        Command::AlterTopicConfig {
            topic: "nope".into(),
            config: TopicConfigOverrides::default(),
        },
        Command::DeleteTopic {
            topic: "nope".into(),
        },
    ];
    for c in commands {
        assert_eq!(w.apply(c.clone()), Err(unknown("nope", None)), "{c:?}");
        assert_eq!(w, before, "{c:?} changed the world");
    }
    assert_eq!(
        w.apply(Command::CreateTopic {
            name: "t".into(),
            partitions: 1,
            replication_factor: None,
            config: TopicConfigOverrides::default(),
        }),
        Err(SimError::TopicAlreadyExists { topic: "t".into() })
    );
    assert!(matches!(
        w.apply(Command::DeleteTopic {
            topic: OFFSETS_TOPIC.into()
        }),
        Err(SimError::InvalidRequest { .. })
    ));
    assert_eq!(w, before);
}

#[test]
fn the_metadata_views_answer_unknown_topic_or_partition() {
    let w = world();
    assert_eq!(w.topic_checked("t").map(|t| t.partition_count()), Ok(2));
    assert_eq!(w.topic_checked("nope").err(), Some(unknown("nope", None)));
    assert!(w.partition_checked("t", 1).is_ok());
    assert_eq!(
        w.partition_checked("t", 2).err(),
        Some(unknown("t", Some(2)))
    );
    assert_eq!(
        w.partition_checked("t", -1).err(),
        Some(unknown("t", Some(-1)))
    );
    assert_eq!(
        w.partition_checked("nope", 0).err(),
        Some(unknown("nope", None))
    );
    assert_eq!(
        w.topic_partitions("t"),
        Ok(vec![
            TopicPartition::new("t", 0),
            TopicPartition::new("t", 1)
        ])
    );
    assert_eq!(w.topic_partitions("nope"), Err(unknown("nope", None)));
}
