//! The cases of Kafka's `RangeAssignorTest` (clients/src/test/java/org/apache/kafka/clients/
//! consumer/RangeAssignorTest.java), without racks: inputs and expected assignments.

use sim::assignor::{AssignmentInput, Assignor, AssignorError, MemberSubscription};
use sim::TopicPartition;
use std::collections::BTreeMap;

fn tp(topic: &str, partition: i32) -> TopicPartition {
    TopicPartition::new(topic, partition)
}

fn counts(topics: &[(&str, i32)]) -> BTreeMap<String, i32> {
    topics.iter().map(|(t, n)| (t.to_string(), *n)).collect()
}

fn assign(
    members: Vec<MemberSubscription>,
    topics: &[(&str, i32)],
) -> BTreeMap<String, Vec<TopicPartition>> {
    Assignor::Range
        .assign(&AssignmentInput {
            members,
            partitions_per_topic: counts(topics),
        })
        .unwrap()
        .assignment
}

/// Parses "t1-0, t1-1" into partitions.
fn parts(list: &str) -> Vec<TopicPartition> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let (t, p) = s.rsplit_once('-').unwrap();
            tp(t, p.parse().unwrap())
        })
        .collect()
}

#[test]
fn test_one_consumer_no_topic() {
    let a = assign(vec![MemberSubscription::new("consumer1", &[])], &[]);
    assert_eq!(a.keys().collect::<Vec<_>>(), vec!["consumer1"]);
    assert!(a["consumer1"].is_empty());
}

#[test]
fn test_one_consumer_nonexistent_topic() {
    let a = assign(vec![MemberSubscription::new("consumer1", &["topic1"])], &[]);
    assert_eq!(a.keys().collect::<Vec<_>>(), vec!["consumer1"]);
    assert!(a["consumer1"].is_empty());
}

#[test]
fn test_one_consumer_one_topic() {
    let a = assign(
        vec![MemberSubscription::new("consumer1", &["topic1"])],
        &[("topic1", 3)],
    );
    assert_eq!(a["consumer1"], parts("topic1-0, topic1-1, topic1-2"));
}

#[test]
fn test_only_assigns_partitions_from_subscribed_topics() {
    let a = assign(
        vec![MemberSubscription::new("consumer1", &["topic1"])],
        &[("topic1", 3), ("other", 3)],
    );
    assert_eq!(a["consumer1"], parts("topic1-0, topic1-1, topic1-2"));
}

#[test]
fn test_one_consumer_multiple_topics() {
    let a = assign(
        vec![MemberSubscription::new("consumer1", &["topic1", "topic2"])],
        &[("topic1", 1), ("topic2", 2)],
    );
    assert_eq!(a["consumer1"], parts("topic1-0, topic2-0, topic2-1"));
}

#[test]
fn test_two_consumers_one_topic_one_partition() {
    let a = assign(
        vec![
            MemberSubscription::new("consumer1", &["topic1"]),
            MemberSubscription::new("consumer2", &["topic1"]),
        ],
        &[("topic1", 1)],
    );
    assert_eq!(a["consumer1"], parts("topic1-0"));
    assert!(a["consumer2"].is_empty());
}

#[test]
fn test_two_consumers_one_topic_two_partitions() {
    let a = assign(
        vec![
            MemberSubscription::new("consumer1", &["topic1"]),
            MemberSubscription::new("consumer2", &["topic1"]),
        ],
        &[("topic1", 2)],
    );
    assert_eq!(a["consumer1"], parts("topic1-0"));
    assert_eq!(a["consumer2"], parts("topic1-1"));
}

#[test]
fn test_multiple_consumers_mixed_topics() {
    let a = assign(
        vec![
            MemberSubscription::new("consumer1", &["topic1"]),
            MemberSubscription::new("consumer2", &["topic1", "topic2"]),
            MemberSubscription::new("consumer3", &["topic1"]),
        ],
        &[("topic1", 3), ("topic2", 2)],
    );
    assert_eq!(a["consumer1"], parts("topic1-0"));
    assert_eq!(a["consumer2"], parts("topic1-1, topic2-0, topic2-1"));
    assert_eq!(a["consumer3"], parts("topic1-2"));
}

#[test]
fn test_two_consumers_two_topics_six_partitions() {
    let a = assign(
        vec![
            MemberSubscription::new("consumer1", &["topic1", "topic2"]),
            MemberSubscription::new("consumer2", &["topic1", "topic2"]),
        ],
        &[("topic1", 3), ("topic2", 3)],
    );
    assert_eq!(
        a["consumer1"],
        parts("topic1-0, topic1-1, topic2-0, topic2-1")
    );
    assert_eq!(a["consumer2"], parts("topic1-2, topic2-2"));
}

#[test]
fn test_two_static_consumers_two_topics_six_partitions() {
    // consumer-a sorts before consumer-b by member id, but instance ids decide.
    let a = assign(
        vec![
            MemberSubscription::new("consumer-b", &["topic1", "topic2"])
                .with_instance_id("instance1"),
            MemberSubscription::new("consumer-a", &["topic1", "topic2"])
                .with_instance_id("instance2"),
        ],
        &[("topic1", 3), ("topic2", 3)],
    );
    assert_eq!(
        a["consumer-b"],
        parts("topic1-0, topic1-1, topic2-0, topic2-1")
    );
    assert_eq!(a["consumer-a"], parts("topic1-2, topic2-2"));
}

#[test]
fn test_one_static_consumer_and_one_dynamic_consumer_two_topics_six_partitions() {
    // The static member comes first even though its member id sorts last.
    let a = assign(
        vec![
            MemberSubscription::new("consumer-b", &["topic1", "topic2"])
                .with_instance_id("instance1"),
            MemberSubscription::new("consumer-a", &["topic1", "topic2"]),
        ],
        &[("topic1", 3), ("topic2", 3)],
    );
    assert_eq!(
        a["consumer-b"],
        parts("topic1-0, topic1-1, topic2-0, topic2-1")
    );
    assert_eq!(a["consumer-a"], parts("topic1-2, topic2-2"));
}

fn static_members() -> Vec<MemberSubscription> {
    (1..=3)
        .map(|i| {
            MemberSubscription::new(format!("consumer{i}"), &["topic1", "topic2"])
                .with_instance_id(format!("instance{i}"))
        })
        .collect()
}

#[test]
fn test_static_member_range_assignment_persistent() {
    let topics = [("topic1", 5), ("topic2", 4)];
    let mut members = static_members();
    members.push(MemberSubscription::new("consumer4", &["topic1", "topic2"]));
    let a = assign(members.clone(), &topics);
    let mut expected = BTreeMap::new();
    expected.insert(
        "consumer1".to_string(),
        parts("topic1-0, topic1-1, topic2-0"),
    );
    expected.insert("consumer2".to_string(), parts("topic1-2, topic2-1"));
    expected.insert("consumer3".to_string(), parts("topic1-3, topic2-2"));
    expected.insert("consumer4".to_string(), parts("topic1-4, topic2-3"));
    assert_eq!(a, expected);

    // Replace dynamic member 4 with a new dynamic member 5: the static members keep theirs.
    members.pop();
    members.push(MemberSubscription::new("consumer5", &["topic1", "topic2"]));
    let a = assign(members, &topics);
    expected.remove("consumer4");
    expected.insert("consumer5".to_string(), parts("topic1-4, topic2-3"));
    assert_eq!(a, expected);
}

fn by_instance(
    members: &[MemberSubscription],
    a: &BTreeMap<String, Vec<TopicPartition>>,
) -> BTreeMap<String, Vec<TopicPartition>> {
    members
        .iter()
        .filter_map(|m| {
            m.group_instance_id
                .clone()
                .map(|i| (i, a[&m.member_id].clone()))
        })
        .collect()
}

#[test]
fn test_static_member_range_assignment_persistent_after_member_id_changes() {
    let topics = [("topic1", 5), ("topic2", 5)];
    let members = static_members();
    let first = by_instance(&members, &assign(members.clone(), &topics));
    let mut expected = BTreeMap::new();
    expected.insert(
        "instance1".to_string(),
        parts("topic1-0, topic1-1, topic2-0, topic2-1"),
    );
    expected.insert(
        "instance2".to_string(),
        parts("topic1-2, topic1-3, topic2-2, topic2-3"),
    );
    expected.insert("instance3".to_string(), parts("topic1-4, topic2-4"));
    assert_eq!(first, expected);

    // The members restart with new member ids; the assignment per instance id is unchanged.
    let mut renamed = members.clone();
    renamed[2].member_id = "consumer4".into();
    renamed[1].member_id = "consumer5".into();
    let second = by_instance(&renamed, &assign(renamed.clone(), &topics));
    assert_eq!(second, first);
}

fn consumers(subscriptions: &[&[&str]]) -> Vec<MemberSubscription> {
    subscriptions
        .iter()
        .enumerate()
        .map(|(i, topics)| MemberSubscription::new(format!("consumer{i}"), topics))
        .collect()
}

fn assert_lists(a: &BTreeMap<String, Vec<TopicPartition>>, expected: &[&str]) {
    for (i, list) in expected.iter().enumerate() {
        assert_eq!(a[&format!("consumer{i}")], parts(list), "consumer{i}");
    }
}

#[test]
fn test_rack_aware_assignment_with_uniform_subscription_when_racks_are_unknown() {
    let all: &[&str] = &["t1", "t2", "t3"];
    let a = assign(
        consumers(&[all, all, all]),
        &[("t1", 6), ("t2", 7), ("t3", 2)],
    );
    assert_lists(
        &a,
        &[
            "t1-0, t1-1, t2-0, t2-1, t2-2, t3-0",
            "t1-2, t1-3, t2-3, t2-4, t3-1",
            "t1-4, t1-5, t2-5, t2-6",
        ],
    );
}

#[test]
fn test_rack_aware_assignment_with_non_equal_subscription_when_racks_are_unknown() {
    let all: &[&str] = &["t1", "t2", "t3"];
    let a = assign(
        consumers(&[all, all, &["t1", "t3"]]),
        &[("t1", 6), ("t2", 7), ("t3", 2)],
    );
    assert_lists(
        &a,
        &[
            "t1-0, t1-1, t2-0, t2-1, t2-2, t2-3, t3-0",
            "t1-2, t1-3, t2-4, t2-5, t2-6, t3-1",
            "t1-4, t1-5",
        ],
    );
}

#[test]
fn test_rack_aware_assignment_with_uniform_partitions_when_racks_are_unknown() {
    let all: &[&str] = &["t1", "t2", "t3"];
    let a = assign(
        consumers(&[all, all, all]),
        &[("t1", 5), ("t2", 5), ("t3", 5)],
    );
    assert_lists(
        &a,
        &[
            "t1-0, t1-1, t2-0, t2-1, t3-0, t3-1",
            "t1-2, t1-3, t2-2, t2-3, t3-2, t3-3",
            "t1-4, t2-4, t3-4",
        ],
    );
}

#[test]
fn test_rack_aware_assignment_with_uniform_partitions_non_equal_subscription_when_racks_are_unknown(
) {
    let all: &[&str] = &["t1", "t2", "t3"];
    let a = assign(
        consumers(&[all, all, &["t1", "t3"]]),
        &[("t1", 5), ("t2", 5), ("t3", 5)],
    );
    assert_lists(
        &a,
        &[
            "t1-0, t1-1, t2-0, t2-1, t2-2, t3-0, t3-1",
            "t1-2, t1-3, t2-3, t2-4, t3-2, t3-3",
            "t1-4, t3-4",
        ],
    );
}

#[test]
fn test_rack_aware_assignment_with_co_partitioning_when_racks_are_unknown() {
    let topics = [("t1", 6), ("t2", 6), ("t3", 2), ("t4", 2)];
    let a = assign(
        consumers(&[&["t1", "t2"], &["t1", "t2"], &["t3", "t4"], &["t3", "t4"]]),
        &topics,
    );
    assert_lists(
        &a,
        &[
            "t1-0, t1-1, t1-2, t2-0, t2-1, t2-2",
            "t1-3, t1-4, t1-5, t2-3, t2-4, t2-5",
            "t3-0, t4-0",
            "t3-1, t4-1",
        ],
    );
    let all: &[&str] = &["t1", "t2", "t3", "t4"];
    let a = assign(consumers(&[all, all, all, all]), &topics);
    assert_lists(
        &a,
        &[
            "t1-0, t1-1, t2-0, t2-1, t3-0, t4-0",
            "t1-2, t1-3, t2-2, t2-3, t3-1, t4-1",
            "t1-4, t2-4",
            "t1-5, t2-5",
        ],
    );
}

#[test]
fn test_co_partitioned_assignment_with_same_subscription_when_racks_are_unknown() {
    // t7, t8 and t9 are subscribed to but do not exist.
    let all: &[&str] = &["t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"];
    let a = assign(
        consumers(&[all, all, all]),
        &[
            ("t1", 6),
            ("t2", 6),
            ("t3", 2),
            ("t4", 2),
            ("t5", 4),
            ("t6", 4),
        ],
    );
    assert_lists(
        &a,
        &[
            "t1-0, t1-1, t2-0, t2-1, t3-0, t4-0, t5-0, t5-1, t6-0, t6-1",
            "t1-2, t1-3, t2-2, t2-3, t3-1, t4-1, t5-2, t6-2",
            "t1-4, t1-5, t2-4, t2-5, t5-3, t6-3",
        ],
    );
}

#[test]
fn class_comment_example_gives_the_first_member_the_extra_partition_of_each_topic() {
    let a = assign(
        vec![
            MemberSubscription::new("C0", &["t0", "t1"]),
            MemberSubscription::new("C1", &["t0", "t1"]),
        ],
        &[("t0", 3), ("t1", 3)],
    );
    assert_eq!(a["C0"], parts("t0-0, t0-1, t1-0, t1-1"));
    assert_eq!(a["C1"], parts("t0-2, t1-2"));
}

#[test]
fn more_members_than_partitions_leaves_the_last_members_idle() {
    let a = assign(consumers(&[&["t"], &["t"], &["t"], &["t"]]), &[("t", 2)]);
    assert_lists(&a, &["t-0", "t-1", "", ""]);
}

#[test]
fn duplicate_member_ids_are_rejected() {
    let err = Assignor::Range
        .assign(&AssignmentInput {
            members: vec![
                MemberSubscription::new("m", &["t"]),
                MemberSubscription::new("m", &["t"]),
            ],
            partitions_per_topic: counts(&[("t", 1)]),
        })
        .unwrap_err();
    assert_eq!(
        err,
        AssignorError::DuplicateMemberId {
            member_id: "m".into()
        }
    );
}
