//! `OffsetDelete` (`kafka-consumer-groups --delete-offsets`) as the coordinator answers it
//! (`GroupCoordinator.handleDeleteOffsets`, `ClassicGroup.isSubscribedToTopic`): each
//! partition on its own. A partition of a topic the group is actively subscribed to is
//! refused with `GROUP_SUBSCRIBED_TO_TOPIC`, the others are deleted; when every partition
//! is refused the request fails and nothing changes. "Subscribed" is what the members
//! subscribed to when the current generation started, not what they were assigned.

mod clients_support;

use clients_support::*;
use sim::group::GroupState;
use sim::{Command, Event, OffsetCommit, SimError, World, WorldConfig};

fn delete(w: &mut World, group: &str, partitions: &[(&str, i32)]) -> Result<Vec<Event>, SimError> {
    w.apply(Command::DeleteOffsets {
        group: group.into(),
        partitions: partitions.iter().map(|(t, p)| tp(t, *p)).collect(),
    })
}

/// An admin commit for `group` (what `--reset-offsets --execute` writes for an empty group).
fn commit(w: &mut World, group: &str, topic: &str, offset: i64) {
    w.apply(Command::CommitOffsets {
        group: group.into(),
        offsets: vec![OffsetCommit {
            topic: topic.into(),
            partition: 0,
            offset,
            metadata: String::new(),
            leader_epoch: None,
        }],
    })
    .unwrap();
    advance(w, 100);
}

fn create_topic(w: &mut World, name: &str) {
    w.apply(Command::CreateTopic {
        name: name.into(),
        partitions: 1,
        replication_factor: Some(3),
        config: Default::default(),
    })
    .unwrap();
}

fn committed(w: &World, group: &str, topic: &str) -> Option<i64> {
    w.committed_offset(group, &tp(topic, 0)).map(|o| o.offset.0)
}

/// (topic, partition, error code) of a refused partition.
type Refused = (String, i32, String);

/// Each refused partition, and (topic, partition) of each deleted one.
fn answers(events: &[Event]) -> (Vec<Refused>, Vec<(String, i32)>) {
    let mut refused = Vec::new();
    let mut deleted = Vec::new();
    for e in events {
        match e {
            Event::OffsetNotDeleted {
                topic,
                partition,
                error,
                ..
            } => refused.push((topic.clone(), *partition, error.clone())),
            Event::OffsetDeleted {
                topic, partition, ..
            } => deleted.push((topic.clone(), *partition)),
            _ => {}
        }
    }
    (refused, deleted)
}

/// Group `g`: c1 subscribed to `orders` (Stable), with committed offsets for `orders-0`
/// and `audit-0`.
fn stable_group_on_orders() -> World {
    let mut w = world_with_topic("orders", 1);
    create_topic(&mut w, "audit");
    commit(&mut w, "g", "orders", 1);
    commit(&mut w, "g", "audit", 2);
    consumer(
        &mut w,
        "c1",
        &[("group.id", "g"), ("enable.auto.commit", "false")],
    );
    join_alone(&mut w, "c1", "orders");
    assert_eq!(w.group("g").map(|g| g.state()), Some(GroupState::Stable));
    w
}

#[test]
fn the_subscribed_topic_is_refused_and_the_other_is_deleted() {
    let mut w = stable_group_on_orders();
    let events = delete(&mut w, "g", &[("audit", 0), ("orders", 0)]).unwrap();
    let (refused, deleted) = answers(&events);
    assert_eq!(
        refused,
        vec![("orders".into(), 0, "GROUP_SUBSCRIBED_TO_TOPIC".into())]
    );
    assert_eq!(deleted, vec![("audit".into(), 0)]);
    assert_eq!(committed(&w, "g", "orders"), Some(1), "refused: kept");
    assert_eq!(committed(&w, "g", "audit"), None);
    w.check_invariants().unwrap();
}

#[test]
fn a_request_refused_for_every_partition_fails_and_changes_nothing() {
    let mut w = stable_group_on_orders();
    let before = w.clone();
    assert_eq!(
        delete(&mut w, "g", &[("orders", 0)]),
        Err(SimError::GroupSubscribedToTopic {
            group: "g".into(),
            topics: vec!["orders".into()],
        })
    );
    assert_eq!(w, before, "a refused command changes nothing");
}

#[test]
fn an_empty_group_is_subscribed_to_nothing() {
    let mut w = stable_group_on_orders();
    w.apply(Command::CloseConsumer {
        consumer: "c1".into(),
    })
    .unwrap();
    assert_eq!(w.group("g").map(|g| g.state()), Some(GroupState::Empty));
    let (refused, deleted) = answers(&delete(&mut w, "g", &[("orders", 0)]).unwrap());
    assert!(refused.is_empty());
    assert_eq!(deleted, vec![("orders".into(), 0)]);
}

/// The members' subscriptions count, not their assignments: a topic created after the
/// subscription is not assigned to anyone before the next metadata refresh, and the group
/// is still subscribed to it. (The console used to look at the assignments and deleted
/// such an offset.)
#[test]
fn a_subscribed_topic_without_assigned_partitions_is_still_refused() {
    let mut w = World::new(
        7,
        WorldConfig {
            auto_create_topics_enable: false,
            ..Default::default()
        },
    );
    create_topic(&mut w, "orders");
    consumer(
        &mut w,
        "c1",
        &[("group.id", "g"), ("enable.auto.commit", "false")],
    );
    w.apply(Command::Subscribe {
        consumer: "c1".into(),
        topics: vec!["orders".into(), "audit".into()],
    })
    .unwrap();
    poll(&mut w, "c1");
    advance(&mut w, 3_000);
    poll(&mut w, "c1");
    create_topic(&mut w, "audit");
    commit(&mut w, "g", "audit", 2);
    let c1 = w.consumer("c1").unwrap();
    assert!(c1.assignment().iter().all(|tp| tp.topic != "audit"));
    assert_eq!(w.group("g").map(|g| g.state()), Some(GroupState::Stable));
    assert!(matches!(
        delete(&mut w, "g", &[("audit", 0)]),
        Err(SimError::GroupSubscribedToTopic { .. })
    ));
    assert_eq!(committed(&w, "g", "audit"), Some(2));
}

/// Before the first generation starts the coordinator does not know the subscriptions and
/// takes the group to be subscribed to every topic.
#[test]
fn during_the_first_join_every_topic_is_refused() {
    let mut w = world_with_topic("orders", 1);
    create_topic(&mut w, "audit");
    commit(&mut w, "g", "audit", 2);
    consumer(
        &mut w,
        "c1",
        &[("group.id", "g"), ("enable.auto.commit", "false")],
    );
    subscribe(&mut w, "c1", "orders");
    poll(&mut w, "c1");
    assert_eq!(
        w.group("g").map(|g| g.state()),
        Some(GroupState::PreparingRebalance)
    );
    assert!(matches!(
        delete(&mut w, "g", &[("audit", 0)]),
        Err(SimError::GroupSubscribedToTopic { .. })
    ));
    advance(&mut w, 3_000);
    poll(&mut w, "c1");
    let (refused, deleted) = answers(&delete(&mut w, "g", &[("audit", 0)]).unwrap());
    assert!(refused.is_empty());
    assert_eq!(deleted, vec![("audit".into(), 0)]);
}

/// During a rebalance the subscriptions of the generation that started last still hold:
/// a member that switched to another topic holds the old one until the next generation.
#[test]
fn during_a_rebalance_the_last_generations_subscriptions_hold() {
    let mut w = stable_group_on_orders();
    consumer(
        &mut w,
        "c2",
        &[("group.id", "g"), ("enable.auto.commit", "false")],
    );
    subscribe(&mut w, "c2", "orders");
    poll(&mut w, "c2");
    settle(&mut w, &["c1", "c2"], 5);
    assert_eq!(w.group("g").map(|g| g.state()), Some(GroupState::Stable));
    // c1 now subscribes to audit instead: its poll starts a rebalance that waits for c2.
    w.apply(Command::Subscribe {
        consumer: "c1".into(),
        topics: vec!["audit".into()],
    })
    .unwrap();
    poll(&mut w, "c1");
    assert_eq!(
        w.group("g").map(|g| g.state()),
        Some(GroupState::PreparingRebalance)
    );
    let before = w.clone();
    assert!(matches!(
        delete(&mut w, "g", &[("orders", 0)]),
        Err(SimError::GroupSubscribedToTopic { .. })
    ));
    assert_eq!(w, before);
    let mut after = w.clone();
    let (refused, deleted) = answers(&delete(&mut after, "g", &[("audit", 0)]).unwrap());
    assert!(refused.is_empty(), "not subscribed to audit yet");
    assert_eq!(deleted, vec![("audit".into(), 0)]);
    // Once the next generation starts, audit is subscribed.
    settle(&mut w, &["c1", "c2"], 5);
    assert_eq!(w.group("g").map(|g| g.state()), Some(GroupState::Stable));
    assert!(matches!(
        delete(&mut w, "g", &[("audit", 0)]),
        Err(SimError::GroupSubscribedToTopic { .. })
    ));
}

#[test]
fn a_group_with_members_and_no_offsets_exists() {
    let mut w = world_with_topic("orders", 1);
    create_topic(&mut w, "audit");
    consumer(
        &mut w,
        "c1",
        &[("group.id", "g"), ("enable.auto.commit", "false")],
    );
    join_alone(&mut w, "c1", "orders");
    assert!(w.offset_store().group_offsets("g").is_none());
    let events = delete(&mut w, "g", &[("audit", 0)]).unwrap();
    assert_eq!(answers(&events), (vec![], vec![]), "nothing to delete");
    assert_eq!(
        delete(&mut w, "nobody", &[("audit", 0)]),
        Err(SimError::GroupIdNotFound {
            group: "nobody".into()
        })
    );
}
