//! The cases of Kafka's `RoundRobinAssignorTest` (clients/src/test/java/org/apache/kafka/
//! clients/consumer/RoundRobinAssignorTest.java): inputs and expected assignments.

use sim::assignor::{AssignmentInput, Assignor, MemberSubscription};
use sim::TopicPartition;
use std::collections::BTreeMap;

fn assign(
    members: Vec<MemberSubscription>,
    topics: &[(&str, i32)],
) -> BTreeMap<String, Vec<TopicPartition>> {
    Assignor::RoundRobin
        .assign(&AssignmentInput {
            members,
            partitions_per_topic: topics.iter().map(|(t, n)| (t.to_string(), *n)).collect(),
        })
        .unwrap()
        .assignment
}

fn parts(list: &str) -> Vec<TopicPartition> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let (t, p) = s.rsplit_once('-').unwrap();
            TopicPartition::new(t, p.parse().unwrap())
        })
        .collect()
}

#[test]
fn test_one_consumer_no_topic() {
    let a = assign(vec![MemberSubscription::new("consumer", &[])], &[]);
    assert_eq!(a.len(), 1);
    assert!(a["consumer"].is_empty());
}

#[test]
fn test_one_consumer_nonexistent_topic() {
    let a = assign(vec![MemberSubscription::new("consumer", &["topic"])], &[]);
    assert_eq!(a.len(), 1);
    assert!(a["consumer"].is_empty());
}

#[test]
fn test_one_consumer_one_topic() {
    let a = assign(
        vec![MemberSubscription::new("consumer", &["topic"])],
        &[("topic", 3)],
    );
    assert_eq!(a["consumer"], parts("topic-0, topic-1, topic-2"));
}

#[test]
fn test_only_assigns_partitions_from_subscribed_topics() {
    let a = assign(
        vec![MemberSubscription::new("consumer", &["topic"])],
        &[("topic", 3), ("other", 3)],
    );
    assert_eq!(a["consumer"], parts("topic-0, topic-1, topic-2"));
}

#[test]
fn test_one_consumer_multiple_topics() {
    let a = assign(
        vec![MemberSubscription::new("consumer", &["topic1", "topic2"])],
        &[("topic1", 1), ("topic2", 2)],
    );
    assert_eq!(a["consumer"], parts("topic1-0, topic2-0, topic2-1"));
}

#[test]
fn test_two_consumers_one_topic_one_partition() {
    let a = assign(
        vec![
            MemberSubscription::new("consumer1", &["topic"]),
            MemberSubscription::new("consumer2", &["topic"]),
        ],
        &[("topic", 1)],
    );
    assert_eq!(a["consumer1"], parts("topic-0"));
    assert!(a["consumer2"].is_empty());
}

#[test]
fn test_two_consumers_one_topic_two_partitions() {
    let a = assign(
        vec![
            MemberSubscription::new("consumer1", &["topic"]),
            MemberSubscription::new("consumer2", &["topic"]),
        ],
        &[("topic", 2)],
    );
    assert_eq!(a["consumer1"], parts("topic-0"));
    assert_eq!(a["consumer2"], parts("topic-1"));
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
fn test_two_dynamic_consumers_two_topics_six_partitions() {
    let a = assign(
        vec![
            MemberSubscription::new("consumer1", &["topic1", "topic2"]),
            MemberSubscription::new("consumer2", &["topic1", "topic2"]),
        ],
        &[("topic1", 3), ("topic2", 3)],
    );
    assert_eq!(a["consumer1"], parts("topic1-0, topic1-2, topic2-1"));
    assert_eq!(a["consumer2"], parts("topic1-1, topic2-0, topic2-2"));
}

#[test]
fn test_two_static_consumers_two_topics_six_partitions() {
    let a = assign(
        vec![
            MemberSubscription::new("consumer-b", &["topic1", "topic2"])
                .with_instance_id("instance1"),
            MemberSubscription::new("consumer-a", &["topic1", "topic2"])
                .with_instance_id("instance2"),
        ],
        &[("topic1", 3), ("topic2", 3)],
    );
    assert_eq!(a["consumer-b"], parts("topic1-0, topic1-2, topic2-1"));
    assert_eq!(a["consumer-a"], parts("topic1-1, topic2-0, topic2-2"));
}

#[test]
fn test_one_static_consumer_and_one_dynamic_consumer_two_topics_six_partitions() {
    let a = assign(
        vec![
            MemberSubscription::new("consumer-b", &["topic1", "topic2"])
                .with_instance_id("instance1"),
            MemberSubscription::new("consumer-a", &["topic1", "topic2"]),
        ],
        &[("topic1", 3), ("topic2", 3)],
    );
    assert_eq!(a["consumer-b"], parts("topic1-0, topic1-2, topic2-1"));
    assert_eq!(a["consumer-a"], parts("topic1-1, topic2-0, topic2-2"));
}

#[test]
fn test_static_member_assignment_persistent() {
    let topics = [("topic1", 3), ("topic2", 3)];
    let mut members: Vec<MemberSubscription> = (1..=3)
        .map(|i| {
            MemberSubscription::new(format!("consumer{i}"), &["topic1", "topic2"])
                .with_instance_id(format!("instance{i}"))
        })
        .collect();
    members.push(MemberSubscription::new("consumer4", &["topic1", "topic2"]));
    let mut expected = BTreeMap::new();
    expected.insert("consumer1".to_string(), parts("topic1-0, topic2-1"));
    expected.insert("consumer2".to_string(), parts("topic1-1, topic2-2"));
    expected.insert("consumer3".to_string(), parts("topic1-2"));
    expected.insert("consumer4".to_string(), parts("topic2-0"));
    assert_eq!(assign(members.clone(), &topics), expected);

    members.pop();
    members.push(MemberSubscription::new("consumer5", &["topic1", "topic2"]));
    expected.remove("consumer4");
    expected.insert("consumer5".to_string(), parts("topic2-0"));
    assert_eq!(assign(members, &topics), expected);
}

/// `checkStaticAssignment`: the i-th member of `member_ids` gets partition i of both topics.
fn check_static_assignment(
    member_ids: &[&str],
    instance_of: &BTreeMap<&str, &str>,
) -> BTreeMap<String, Vec<TopicPartition>> {
    let members: Vec<MemberSubscription> = instance_of
        .iter()
        .map(|(m, i)| MemberSubscription::new(*m, &["topic1", "topic2"]).with_instance_id(*i))
        .collect();
    let a = assign(members, &[("topic1", 3), ("topic2", 3)]);
    let mut by_instance = BTreeMap::new();
    for (i, m) in member_ids.iter().enumerate() {
        let expected = vec![
            TopicPartition::new("topic1", i as i32),
            TopicPartition::new("topic2", i as i32),
        ];
        assert_eq!(a[*m], expected);
        by_instance.insert(instance_of[m].to_string(), a[*m].clone());
    }
    by_instance
}

#[test]
fn test_static_member_assignment_persistent_after_member_id_changes() {
    let first = check_static_assignment(
        &["consumer1", "consumer2", "consumer3"],
        &[
            ("consumer1", "instance1"),
            ("consumer2", "instance2"),
            ("consumer3", "instance3"),
        ]
        .into_iter()
        .collect(),
    );
    let second = check_static_assignment(
        &["consumer4", "consumer5", "consumer1"],
        &[
            ("consumer4", "instance1"),
            ("consumer5", "instance2"),
            ("consumer1", "instance3"),
        ]
        .into_iter()
        .collect(),
    );
    assert_eq!(first, second);
}

#[test]
fn class_comment_example_skips_members_not_subscribed_to_the_topic() {
    let a = assign(
        vec![
            MemberSubscription::new("C0", &["t0"]),
            MemberSubscription::new("C1", &["t0", "t1"]),
            MemberSubscription::new("C2", &["t0", "t1", "t2"]),
        ],
        &[("t0", 1), ("t1", 2), ("t2", 3)],
    );
    assert_eq!(a["C0"], parts("t0-0"));
    assert_eq!(a["C1"], parts("t1-0"));
    assert_eq!(a["C2"], parts("t1-1, t2-0, t2-1, t2-2"));
}
