//! The cooperative-only cases of Kafka's `CooperativeStickyAssignorTest`
//! (clients/src/test/java/org/apache/kafka/clients/consumer/CooperativeStickyAssignorTest.java)
//! and the cooperative branch of `AbstractStickyAssignorTest.testRackAwareAssignmentWithNonEqualSubscription`,
//! plus the two-round story the tutorial tells.

use sim::assignor::{
    AssignmentInput, AssignmentOutput, Assignor, MemberSubscription, RebalanceProtocol,
};
use sim::TopicPartition;
use std::collections::BTreeMap;

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

fn owned(
    id: &str,
    topics: &[&str],
    owned: Vec<TopicPartition>,
    generation: i32,
) -> MemberSubscription {
    MemberSubscription::new(id, topics).with_owned(owned, Some(generation))
}

fn run(members: Vec<MemberSubscription>, t: &[(&str, i32)]) -> AssignmentOutput {
    Assignor::CooperativeSticky
        .assign(&AssignmentInput {
            members,
            partitions_per_topic: t.iter().map(|(n, c)| (n.to_string(), *c)).collect(),
        })
        .unwrap()
}

#[test]
fn test_all_consumers_have_owned_partition_invalidated_when_claimed_by_multiple_consumers_in_same_generation_with_equal_partitions_per_consumer(
) {
    let out = run(
        vec![
            owned("consumer1", &["topic"], parts("topic-0, topic-1"), 1),
            owned("consumer2", &["topic"], parts("topic-0, topic-2"), 1),
            owned("consumer3", &["topic"], vec![], 1),
        ],
        &[("topic", 3)],
    );
    assert_eq!(out.assignment["consumer1"], parts("topic-1"));
    assert_eq!(out.assignment["consumer2"], parts("topic-2"));
    // topic-0 is still "owned" by both: it cannot be assigned until both have revoked it.
    assert!(out.assignment["consumer3"].is_empty());
}

#[test]
fn test_all_consumers_have_owned_partition_invalidated_when_claimed_by_multiple_consumers_in_same_generation_with_unequal_partitions_per_consumer(
) {
    let out = run(
        vec![
            owned("consumer1", &["topic"], parts("topic-0, topic-1"), 1),
            owned("consumer2", &["topic"], parts("topic-0, topic-2"), 1),
            owned("consumer3", &["topic"], vec![], 1),
        ],
        &[("topic", 4)],
    );
    assert_eq!(out.assignment["consumer1"], parts("topic-1, topic-3"));
    assert_eq!(out.assignment["consumer2"], parts("topic-2"));
    assert!(out.assignment["consumer3"].is_empty());
}

#[test]
fn test_rack_aware_assignment_with_non_equal_subscription_from_misaligned_owners_when_racks_are_unknown(
) {
    let all = ["t1", "t2", "t3"];
    let subs: [&[&str]; 3] = [&all, &all, &["t1", "t3"]];
    let topics = [("t1", 6), ("t2", 7), ("t3", 2)];
    let members = |lists: [&str; 3]| -> Vec<MemberSubscription> {
        (0..3)
            .map(|i| owned(&format!("consumer{i}"), subs[i], parts(lists[i]), 1))
            .collect()
    };
    let first = run(
        members([
            "t1-0, t1-1, t1-2, t1-3, t1-4",
            "t1-5, t2-0, t2-1, t2-2, t2-3",
            "t2-4, t2-5, t2-6, t3-0, t3-1",
        ]),
        &topics,
    );
    let intermediate = ["t1-2, t1-3, t1-4", "t2-0, t2-1, t2-2, t2-3", "t3-0, t3-1"];
    for (i, e) in intermediate.iter().enumerate() {
        assert_eq!(first.assignment[&format!("consumer{i}")], parts(e));
    }
    let second = run(members(intermediate), &topics);
    let expected = [
        "t1-2, t1-3, t1-4, t2-4, t2-5",
        "t2-0, t2-1, t2-2, t2-3, t2-6",
        "t1-0, t1-1, t1-5, t3-0, t3-1",
    ];
    for (i, e) in expected.iter().enumerate() {
        assert_eq!(second.assignment[&format!("consumer{i}")], parts(e));
    }
    assert!(second.withheld.is_empty());
}

#[test]
fn a_joining_member_waits_one_rebalance_for_the_partition_its_owner_must_revoke() {
    // c1 owns all three seats' compartments; c2 joins.
    let first = run(
        vec![
            owned("c1", &["orders"], parts("orders-0, orders-1, orders-2"), 3),
            owned("c2", &["orders"], vec![], -1),
        ],
        &[("orders", 3)],
    );
    assert_eq!(first.assignment["c1"], parts("orders-0, orders-1"));
    assert!(first.assignment["c2"].is_empty());
    let withheld: BTreeMap<TopicPartition, String> =
        [(TopicPartition::new("orders", 2), "c2".to_string())]
            .into_iter()
            .collect();
    assert_eq!(first.withheld, withheld);

    // c1 revoked orders-2 and rejoins owning two; now nobody owns orders-2 and c2 gets it.
    let second = run(
        vec![
            owned("c1", &["orders"], first.assignment["c1"].clone(), 4),
            owned("c2", &["orders"], vec![], 4),
        ],
        &[("orders", 3)],
    );
    assert_eq!(second.assignment["c1"], parts("orders-0, orders-1"));
    assert_eq!(second.assignment["c2"], parts("orders-2"));
    assert!(second.withheld.is_empty());
}

#[test]
fn partitions_of_a_member_that_left_move_at_once() {
    // c3 left: nobody still owns its partitions, so nothing is withheld.
    let out = run(
        vec![
            owned("c1", &["orders"], parts("orders-0, orders-1"), 5),
            owned("c2", &["orders"], parts("orders-2, orders-3"), 5),
        ],
        &[("orders", 6)],
    );
    assert_eq!(out.assignment["c1"], parts("orders-0, orders-1, orders-4"));
    assert_eq!(out.assignment["c2"], parts("orders-2, orders-3, orders-5"));
    assert!(out.withheld.is_empty());
}

#[test]
fn cooperative_sticky_supports_both_protocols_and_the_others_only_eager() {
    assert_eq!(
        Assignor::CooperativeSticky.supported_protocols(),
        &[RebalanceProtocol::Cooperative, RebalanceProtocol::Eager]
    );
    for a in [Assignor::Range, Assignor::RoundRobin, Assignor::Sticky] {
        assert_eq!(a.supported_protocols(), &[RebalanceProtocol::Eager]);
    }
    assert_eq!(
        Assignor::DEFAULT_STRATEGY,
        [Assignor::Range, Assignor::CooperativeSticky]
    );
    for a in [
        Assignor::Range,
        Assignor::RoundRobin,
        Assignor::Sticky,
        Assignor::CooperativeSticky,
    ] {
        assert_eq!(Assignor::from_name(a.name()), Ok(a));
    }
    assert!(Assignor::from_name("fair").is_err());
}

#[test]
fn an_assignment_with_withheld_partitions_round_trips_through_json() {
    let out = run(
        vec![
            owned("c1", &["orders"], parts("orders-0, orders-1, orders-2"), 3),
            owned("c2", &["orders"], vec![], -1),
        ],
        &[("orders", 3)],
    );
    assert!(!out.withheld.is_empty());
    let json = serde_json::to_string(&out).unwrap();
    let back: AssignmentOutput = serde_json::from_str(&json).unwrap();
    assert_eq!(back, out);
}
