//! The cases of Kafka's `AbstractStickyAssignorTest` (clients/src/test/java/org/apache/kafka/
//! clients/consumer/internals/AbstractStickyAssignorTest.java), run against both sticky
//! assignors, plus the eager-only cases of `StickyAssignorTest`. Racks are not modelled, so
//! each case is the "no rack" variant.
//!
//! Kafka's exact expectations are checked as Kafka checks them. For the cooperative assignor
//! Kafka's `verifyValidityAndBalance` first runs the follow-up rebalances that withheld
//! partitions trigger, and the expectations that follow apply to the final assignment; the
//! `partitionsTransferringOwnership` expectations are checked against what the cooperative
//! assignor withholds.

use sim::assignor::{AssignmentInput, AssignmentOutput, Assignor, MemberSubscription};
use sim::TopicPartition;
use std::collections::{BTreeMap, BTreeSet};

type Assignment = BTreeMap<String, Vec<TopicPartition>>;

fn tp(topic: &str, partition: i32) -> TopicPartition {
    TopicPartition::new(topic, partition)
}

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

fn set(list: &[TopicPartition]) -> BTreeSet<TopicPartition> {
    list.iter().cloned().collect()
}

/// A member without owned partitions (`subscription(topics, i)`).
fn sub(id: &str, topics: &[&str]) -> MemberSubscription {
    MemberSubscription::new(id, topics)
}

/// A member reporting owned partitions (`buildSubscriptionV2Above(topics, owned, generation)`).
fn owned(
    id: &str,
    topics: &[&str],
    owned: Vec<TopicPartition>,
    generation: i32,
) -> MemberSubscription {
    MemberSubscription::new(id, topics).with_owned(owned, Some(generation))
}

/// The same member, now owning what it was just assigned, in generation 1.
fn next_round(m: &MemberSubscription, a: &Assignment) -> MemberSubscription {
    let mut n = m.clone();
    n.owned_partitions = a[&m.member_id].clone();
    n.generation = Some(1);
    n
}

fn topics(list: &[(&str, i32)]) -> BTreeMap<String, i32> {
    list.iter().map(|(t, n)| (t.to_string(), *n)).collect()
}

/// `getCanonicalName`: a prefix and a number padded to the width of `max`.
fn name(prefix: &str, i: usize, max: usize) -> String {
    format!("{prefix}{i:0width$}", width = max.to_string().len())
}

fn is_fully_balanced(a: &Assignment) -> bool {
    let sizes: Vec<usize> = a.values().map(Vec::len).collect();
    match (sizes.iter().min(), sizes.iter().max()) {
        (Some(min), Some(max)) => max - min <= 1,
        _ => true,
    }
}

/// A tiny deterministic random source for the randomised cases.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }
}

macro_rules! shared_sticky_cases {
    ($module:ident, $assignor:expr) => {
        mod $module {
            use super::*;

            const ASSIGNOR: Assignor = $assignor;

            fn run_full(members: &[MemberSubscription], t: &BTreeMap<String, i32>) -> (AssignmentOutput, bool) {
                ASSIGNOR
                    .assign_checking_stickiness(&AssignmentInput {
                        members: members.to_vec(),
                        partitions_per_topic: t.clone(),
                    })
                    .unwrap()
            }

            fn run(members: &[MemberSubscription], t: &BTreeMap<String, i32>) -> AssignmentOutput {
                run_full(members, t).0
            }

            /// `partitionsTransferringOwnership`: what the cooperative assignor withholds.
            fn assert_transferring(out: &AssignmentOutput, expected: &[(TopicPartition, &str)]) {
                if ASSIGNOR == Assignor::CooperativeSticky {
                    let expected: BTreeMap<TopicPartition, String> = expected
                        .iter()
                        .map(|(p, m)| (p.clone(), m.to_string()))
                        .collect();
                    assert_eq!(out.withheld, expected);
                } else {
                    assert!(out.withheld.is_empty());
                }
            }

            /// `verifyValidityAndBalance` (with the cooperative override that runs the
            /// follow-up rebalances first); returns the final assignment.
            fn verify(
                members: &[MemberSubscription],
                t: &BTreeMap<String, i32>,
                out: &AssignmentOutput,
            ) -> Assignment {
                let mut members = members.to_vec();
                let mut a = out.assignment.clone();
                if ASSIGNOR == Assignor::CooperativeSticky {
                    let mut rebalances = 0;
                    loop {
                        let mut added = BTreeSet::new();
                        let mut revoked = BTreeSet::new();
                        for m in &members {
                            let owned = set(&m.owned_partitions);
                            let now = set(&a[&m.member_id]);
                            revoked.extend(owned.difference(&now).cloned());
                            added.extend(now.difference(&owned).cloned());
                        }
                        assert!(
                            added.intersection(&revoked).next().is_none(),
                            "partitions assigned to a new owner in the round they are revoked"
                        );
                        if revoked.is_empty() {
                            break;
                        }
                        members = members.iter().map(|m| next_round(m, &a)).collect();
                        a = run(&members, t).assignment;
                        rebalances += 1;
                        assert!(rebalances <= 4);
                    }
                }
                verify_validity_and_balance(&members, t, &a);
                a
            }

            fn verify_validity_and_balance(
                members: &[MemberSubscription],
                t: &BTreeMap<String, i32>,
                a: &Assignment,
            ) {
                assert_eq!(members.len(), a.len());
                let subscribes = |m: &str, topic: &str| {
                    members
                        .iter()
                        .any(|s| s.member_id == m && s.topics.iter().any(|x| x == topic))
                };
                let mut seen = BTreeSet::new();
                for (m, list) in a {
                    for p in list {
                        assert!(subscribes(m, &p.topic), "{m} got {p} without subscribing");
                        assert!(p.partition < t[&p.topic]);
                        assert!(seen.insert(p.clone()), "{p} assigned twice");
                    }
                }
                for (topic, n) in t {
                    if members.iter().any(|s| s.topics.contains(topic)) {
                        for p in 0..*n {
                            assert!(seen.contains(&tp(topic, p)), "{topic}-{p} unassigned");
                        }
                    }
                }
                let ids: Vec<&String> = a.keys().collect();
                for i in 0..ids.len() {
                    for j in i + 1..ids.len() {
                        let (x, y) = (&a[ids[i]], &a[ids[j]]);
                        if x.len().abs_diff(y.len()) <= 1 {
                            continue;
                        }
                        let (big, small_id) = if x.len() > y.len() { (x, ids[j]) } else { (y, ids[i]) };
                        for p in big {
                            assert!(
                                !subscribes(small_id, &p.topic),
                                "{p} could move to {small_id} for a more balanced assignment"
                            );
                        }
                    }
                }
            }

            #[test]
            fn test_one_consumer_no_topic() {
                let m = vec![sub("consumer", &[])];
                let t = topics(&[]);
                let out = run(&m, &t);
                assert_transferring(&out, &[]);
                let a = verify(&m, &t, &out);
                assert!(a["consumer"].is_empty());
                assert!(is_fully_balanced(&a));
            }

            #[test]
            fn test_one_consumer_nonexistent_topic() {
                let m = vec![sub("consumer", &["topic"])];
                let t = topics(&[("topic", 0)]);
                let out = run(&m, &t);
                assert_transferring(&out, &[]);
                let a = verify(&m, &t, &out);
                assert!(a["consumer"].is_empty());
            }

            #[test]
            fn test_one_consumer_one_topic() {
                let m = vec![sub("consumer", &["topic"])];
                let t = topics(&[("topic", 3)]);
                let out = run(&m, &t);
                assert_eq!(out.assignment["consumer"], parts("topic-0, topic-1, topic-2"));
                assert_transferring(&out, &[]);
                verify(&m, &t, &out);
            }

            #[test]
            fn test_only_assigns_partitions_from_subscribed_topics() {
                let m = vec![owned(
                    "consumer",
                    &["topic"],
                    parts("topic-0, topic-1, other-0, other-1"),
                    1,
                )];
                let t = topics(&[("topic", 2)]);
                let out = run(&m, &t);
                assert_eq!(out.assignment["consumer"], parts("topic-0, topic-1"));
                assert_transferring(&out, &[]);
                verify(&m, &t, &out);
            }

            #[test]
            fn test_one_consumer_multiple_topics() {
                let m = vec![sub("consumer", &["topic1", "topic2"])];
                let t = topics(&[("topic1", 1), ("topic2", 2)]);
                let out = run(&m, &t);
                assert_eq!(out.assignment["consumer"], parts("topic1-0, topic2-0, topic2-1"));
                verify(&m, &t, &out);
            }

            #[test]
            fn test_two_consumers_one_topic_one_partition() {
                let m = vec![sub("consumer1", &["topic"]), sub("consumer2", &["topic"])];
                let t = topics(&[("topic", 1)]);
                let out = run(&m, &t);
                assert_transferring(&out, &[]);
                let a = verify(&m, &t, &out);
                assert!(is_fully_balanced(&a));
            }

            #[test]
            fn test_two_consumers_one_topic_two_partitions() {
                let m = vec![sub("consumer1", &["topic"]), sub("consumer2", &["topic"])];
                let t = topics(&[("topic", 2)]);
                let out = run(&m, &t);
                assert_eq!(out.assignment["consumer1"], parts("topic-0"));
                assert_eq!(out.assignment["consumer2"], parts("topic-1"));
                assert_transferring(&out, &[]);
                verify(&m, &t, &out);
            }

            #[test]
            fn test_multiple_consumers_mixed_topic_subscriptions() {
                let m = vec![
                    sub("consumer1", &["topic1"]),
                    sub("consumer2", &["topic1", "topic2"]),
                    sub("consumer3", &["topic1"]),
                ];
                let t = topics(&[("topic1", 3), ("topic2", 2)]);
                let out = run(&m, &t);
                assert_eq!(out.assignment["consumer1"], parts("topic1-0, topic1-2"));
                assert_eq!(out.assignment["consumer2"], parts("topic2-0, topic2-1"));
                assert_eq!(out.assignment["consumer3"], parts("topic1-1"));
                assert!(out.withheld.is_empty());
                let a = verify(&m, &t, &out);
                assert!(is_fully_balanced(&a));
            }

            #[test]
            fn test_two_consumers_two_topics_six_partitions() {
                let all = ["topic1", "topic2"];
                let m = vec![sub("consumer1", &all), sub("consumer2", &all)];
                let t = topics(&[("topic1", 3), ("topic2", 3)]);
                let out = run(&m, &t);
                assert_eq!(out.assignment["consumer1"], parts("topic1-0, topic1-2, topic2-1"));
                assert_eq!(out.assignment["consumer2"], parts("topic1-1, topic2-0, topic2-2"));
                assert_transferring(&out, &[]);
                verify(&m, &t, &out);
            }

            #[test]
            fn test_consumer_owning_min_quota_expected_max_quota() {
                let all = ["topic1", "topic2"];
                let m = vec![
                    owned("consumer1", &all, parts("topic1-0, topic2-1"), 1),
                    owned("consumer2", &all, parts("topic1-1, topic2-2"), 1),
                ];
                let t = topics(&[("topic1", 2), ("topic2", 3)]);
                let out = run(&m, &t);
                assert_eq!(set(&out.assignment["consumer1"]), set(&parts("topic1-0, topic2-1, topic2-0")));
                assert_eq!(out.assignment["consumer2"], parts("topic1-1, topic2-2"));
                assert_transferring(&out, &[]);
                verify(&m, &t, &out);
            }

            #[test]
            fn test_max_quota_consumer_more_than_num_expected_max_capacity_members() {
                // Both consumer1 and consumer2 own maxQuota (2) but only one may keep 2: the
                // one Java's HashMap iterates first, consumer2.
                let all = ["topic1", "topic2"];
                let m = vec![
                    owned("consumer1", &all, parts("topic1-0, topic2-0"), 1),
                    owned("consumer2", &all, parts("topic1-1, topic2-1"), 1),
                    owned("consumer3", &all, vec![], 1),
                ];
                let t = topics(&[("topic1", 2), ("topic2", 2)]);
                let out = run(&m, &t);
                assert_transferring(&out, &[(tp("topic2", 0), "consumer3")]);
                let a = verify(&m, &t, &out);
                assert_eq!(a["consumer1"], parts("topic1-0"));
                assert_eq!(a["consumer2"], parts("topic1-1, topic2-1"));
                assert_eq!(a["consumer3"], parts("topic2-0"));
                assert!(is_fully_balanced(&a));
            }

            #[test]
            fn test_all_consumers_are_under_min_quota() {
                let all = ["topic1", "topic2"];
                let m = vec![
                    owned("consumer1", &all, parts("topic1-0"), 1),
                    owned("consumer2", &all, parts("topic1-1"), 1),
                    owned("consumer3", &all, vec![], 1),
                ];
                let t = topics(&[("topic1", 2), ("topic2", 3)]);
                let out = run(&m, &t);
                assert_transferring(&out, &[]);
                let a = verify(&m, &t, &out);
                assert_eq!(a["consumer1"], parts("topic1-0, topic2-1"));
                assert_eq!(a["consumer2"], parts("topic1-1, topic2-2"));
                assert_eq!(a["consumer3"], parts("topic2-0"));
            }

            #[test]
            fn test_add_remove_consumer_one_topic() {
                let t = topics(&[("topic", 3)]);
                let m = vec![sub("consumer1", &["topic"])];
                let out = run(&m, &t);
                let a = verify(&m, &t, &out);
                assert_eq!(a["consumer1"], parts("topic-0, topic-1, topic-2"));

                let m = vec![
                    owned("consumer1", &["topic"], a["consumer1"].clone(), 1),
                    owned("consumer2", &["topic"], vec![], 1),
                ];
                let out = run(&m, &t);
                assert_transferring(&out, &[(tp("topic", 2), "consumer2")]);
                let a = verify(&m, &t, &out);
                assert_eq!(a["consumer1"], parts("topic-0, topic-1"));
                assert_eq!(a["consumer2"], parts("topic-2"));

                let m = vec![owned("consumer2", &["topic"], a["consumer2"].clone(), 1)];
                let out = run(&m, &t);
                assert_transferring(&out, &[]);
                let a = verify(&m, &t, &out);
                assert_eq!(a["consumer2"], parts("topic-0, topic-1, topic-2"));
            }

            #[test]
            fn test_topic_balance_after_reassignment() {
                let all = ["topic1", "topic2"];
                let t = topics(&[("topic1", 12), ("topic2", 12)]);
                let per_topic = |a: &Assignment, n: usize| {
                    for list in a.values() {
                        assert_eq!(list.iter().filter(|p| p.topic == "topic1").count(), n);
                        assert_eq!(list.iter().filter(|p| p.topic == "topic2").count(), n);
                    }
                };
                let m = vec![sub("consumer1", &all)];
                let a = verify(&m, &t, &run(&m, &t));
                per_topic(&a, 12);

                let m = vec![
                    owned("consumer1", &all, a["consumer1"].clone(), 1),
                    owned("consumer2", &all, vec![], 1),
                ];
                let a = verify(&m, &t, &run(&m, &t));
                per_topic(&a, 6);

                let m = vec![
                    owned("consumer1", &all, a["consumer1"].clone(), 1),
                    owned("consumer2", &all, a["consumer2"].clone(), 1),
                    owned("consumer3", &all, vec![], 1),
                    owned("consumer4", &all, vec![], 1),
                ];
                let a = verify(&m, &t, &run(&m, &t));
                per_topic(&a, 3);

                let m = vec![
                    owned("consumer3", &all, a["consumer3"].clone(), 1),
                    owned("consumer4", &all, a["consumer4"].clone(), 1),
                ];
                let out = run(&m, &t);
                assert_transferring(&out, &[]);
                let a = verify(&m, &t, &out);
                per_topic(&a, 6);
            }

            #[test]
            fn test_add_remove_two_consumers_two_topics() {
                let all = ["topic1", "topic2"];
                let t = topics(&[("topic1", 3), ("topic2", 4)]);
                let m = vec![sub("consumer1", &all), sub("consumer2", &all)];
                let out = run(&m, &t);
                assert_eq!(out.assignment["consumer1"], parts("topic1-0, topic1-2, topic2-1, topic2-3"));
                assert_eq!(out.assignment["consumer2"], parts("topic1-1, topic2-0, topic2-2"));
                assert_transferring(&out, &[]);
                let a = verify(&m, &t, &out);

                // Two consumers join.
                let m = vec![
                    owned("consumer1", &all, a["consumer1"].clone(), 1),
                    owned("consumer2", &all, a["consumer2"].clone(), 1),
                    owned("consumer3", &all, vec![], 1),
                    owned("consumer4", &all, vec![], 1),
                ];
                let out = run(&m, &t);
                assert_transferring(
                    &out,
                    &[
                        (tp("topic1", 2), "consumer3"),
                        (tp("topic2", 3), "consumer3"),
                        (tp("topic2", 2), "consumer4"),
                    ],
                );
                let a = verify(&m, &t, &out);
                assert_eq!(a["consumer1"], parts("topic1-0, topic2-1"));
                assert_eq!(a["consumer2"], parts("topic1-1, topic2-0"));
                assert_eq!(a["consumer3"], parts("topic1-2, topic2-3"));
                assert_eq!(a["consumer4"], parts("topic2-2"));

                // Two consumers leave.
                let m = vec![
                    owned("consumer3", &all, a["consumer3"].clone(), 1),
                    owned("consumer4", &all, a["consumer4"].clone(), 1),
                ];
                let out = run(&m, &t);
                assert_transferring(&out, &[]);
                let a = verify(&m, &t, &out);
                assert_eq!(set(&a["consumer3"]), set(&parts("topic1-2, topic2-3, topic1-0, topic2-1")));
                assert_eq!(set(&a["consumer4"]), set(&parts("topic2-2, topic1-1, topic2-0")));
            }

            #[test]
            fn test_poor_round_robin_assignment_scenario() {
                let t = topics(&[("topic1", 2), ("topic2", 1), ("topic3", 2), ("topic4", 1), ("topic5", 2)]);
                let m = vec![
                    sub("consumer1", &["topic1", "topic2", "topic3", "topic4", "topic5"]),
                    sub("consumer2", &["topic1", "topic3", "topic5"]),
                    sub("consumer3", &["topic1", "topic3", "topic5"]),
                    sub("consumer4", &["topic1", "topic2", "topic3", "topic4", "topic5"]),
                ];
                verify(&m, &t, &run(&m, &t));
            }

            #[test]
            fn test_add_remove_topic_two_consumers() {
                let mut t = topics(&[("topic", 3)]);
                let m = vec![sub("consumer1", &["topic"]), sub("consumer2", &["topic"])];
                let out = run(&m, &t);
                assert_transferring(&out, &[]);
                let a1 = verify(&m, &t, &out);
                assert!(is_fully_balanced(&a1));

                t.insert("topic2".into(), 3);
                let both = ["topic", "topic2"];
                let m = vec![
                    owned("consumer1", &both, a1["consumer1"].clone(), 1),
                    owned("consumer2", &both, a1["consumer2"].clone(), 1),
                ];
                let out = run(&m, &t);
                assert_transferring(&out, &[]);
                let a2 = verify(&m, &t, &out);
                assert_eq!(a2["consumer1"].len(), 3);
                assert_eq!(a2["consumer2"].len(), 3);
                assert!(set(&a2["consumer1"]).is_superset(&set(&a1["consumer1"])));
                assert!(set(&a2["consumer2"]).is_superset(&set(&a1["consumer2"])));

                t.remove("topic");
                let m = vec![
                    owned("consumer1", &["topic2"], a2["consumer1"].clone(), 1),
                    owned("consumer2", &["topic2"], a2["consumer2"].clone(), 1),
                ];
                let out = run(&m, &t);
                assert_transferring(&out, &[]);
                let a3 = verify(&m, &t, &out);
                assert!(is_fully_balanced(&a3));
                assert!(set(&a2["consumer1"]).is_superset(&set(&a3["consumer1"])));
                assert!(set(&a2["consumer2"]).is_superset(&set(&a3["consumer2"])));
            }

            #[test]
            fn test_reassignment_after_one_consumer_leaves() {
                let t: BTreeMap<String, i32> = (1..20).map(|i| (name("t", i, 20), i as i32)).collect();
                let m: Vec<MemberSubscription> = (1..20)
                    .map(|i| {
                        let subs: Vec<String> = (1..=i).map(|j| name("t", j, 20)).collect();
                        let subs: Vec<&str> = subs.iter().map(String::as_str).collect();
                        sub(&name("c", i, 20), &subs)
                    })
                    .collect();
                let a = verify(&m, &t, &run(&m, &t));
                let m: Vec<MemberSubscription> = m
                    .iter()
                    .filter(|s| s.member_id != name("c", 10, 20))
                    .map(|s| next_round(s, &a))
                    .collect();
                let (out, sticky) = run_full(&m, &t);
                verify(&m, &t, &out);
                assert!(sticky);
            }

            #[test]
            fn test_reassignment_after_one_consumer_added() {
                let t = topics(&[("topic", 20)]);
                let mut m: Vec<MemberSubscription> = (1..10).map(|i| sub(&name("c", i, 10), &["topic"])).collect();
                let out = run(&m, &t);
                assert_transferring(&out, &[]);
                verify(&m, &t, &out);
                m.push(sub(&name("c", 10, 10), &["topic"]));
                let out = run(&m, &t);
                assert_transferring(&out, &[]);
                verify(&m, &t, &out);
            }

            #[test]
            fn test_same_subscriptions() {
                let t: BTreeMap<String, i32> = (1..15).map(|i| (name("t", i, 15), i as i32)).collect();
                let all: Vec<String> = t.keys().cloned().collect();
                let all: Vec<&str> = all.iter().map(String::as_str).collect();
                let m: Vec<MemberSubscription> = (1..9).map(|i| sub(&name("c", i, 9), &all)).collect();
                let out = run(&m, &t);
                assert_transferring(&out, &[]);
                let a = verify(&m, &t, &out);
                let m: Vec<MemberSubscription> = m
                    .iter()
                    .filter(|s| s.member_id != name("c", 5, 9))
                    .map(|s| next_round(s, &a))
                    .collect();
                let out = run(&m, &t);
                assert_transferring(&out, &[]);
                verify(&m, &t, &out);
            }

            #[test]
            fn test_large_assignment_and_group_with_uniform_subscription() {
                // Kafka uses 500 topics x 2,000 partitions and 2,000 consumers; a tenth of the
                // topics keeps the debug-build test quick while exercising the same path.
                let (topic_count, partition_count, consumer_count) = (50, 2_000, 2_000);
                let names: Vec<String> = (0..topic_count).map(|i| name("t", i, topic_count)).collect();
                let all: Vec<&str> = names.iter().map(String::as_str).collect();
                let t: BTreeMap<String, i32> = names.iter().map(|n| (n.clone(), partition_count)).collect();
                let m: Vec<MemberSubscription> =
                    (0..consumer_count).map(|i| sub(&name("c", i, consumer_count), &all)).collect();
                let a = run(&m, &t).assignment;
                let m: Vec<MemberSubscription> = m.iter().skip(1).map(|s| next_round(s, &a)).collect();
                let a2 = run(&m, &t).assignment;
                assert_eq!(a2.len(), consumer_count - 1);
                assert_eq!(a2.values().map(Vec::len).sum::<usize>(), 100_000);
            }

            #[test]
            fn test_large_assignment_and_group_with_non_equal_subscription() {
                // Scaled down from Kafka's 500 x 2,000 partitions and 2,000 consumers.
                let (topic_count, partition_count, consumer_count) = (20, 200, 200);
                let names: Vec<String> = (0..topic_count).map(|i| name("t", i, topic_count)).collect();
                let all: Vec<&str> = names.iter().map(String::as_str).collect();
                let t: BTreeMap<String, i32> = names.iter().map(|n| (n.clone(), partition_count)).collect();
                let m: Vec<MemberSubscription> = (0..consumer_count)
                    .map(|i| {
                        let topics = if i == consumer_count - 1 { &all[..1] } else { &all[..] };
                        sub(&name("c", i, consumer_count), topics)
                    })
                    .collect();
                let a = run(&m, &t).assignment;
                let m: Vec<MemberSubscription> = m.iter().skip(1).map(|s| next_round(s, &a)).collect();
                let out = run(&m, &t);
                verify(&m, &t, &out);
            }

            #[test]
            fn test_subscription_not_equal_and_assign_same_partition_with_3_generation() {
                let t = topics(&[("topic", 6), ("topic1", 1)]);
                for g in [[1, 2, 3], [1, 3, 2], [2, 1, 3], [2, 3, 1], [3, 1, 2], [3, 2, 1]] {
                    let m = vec![
                        owned("consumer1", &["topic"], parts("topic-0, topic-2"), g[0]),
                        owned("consumer2", &["topic"], parts("topic-1, topic-2, topic-3"), g[1]),
                        owned("consumer3", &["topic"], parts("topic-2, topic-4, topic-5"), g[2]),
                        owned("consumer4", &["topic1"], parts("topic1-0"), 2),
                    ];
                    let out = run(&m, &t);
                    let mut full = out.assignment.clone();
                    for (p, member) in &out.withheld {
                        full.get_mut(member).unwrap().push(p.clone());
                    }
                    let all: Vec<&TopicPartition> = full.values().flatten().collect();
                    assert_eq!(all.len(), all.iter().collect::<BTreeSet<_>>().len());
                    for list in full.values() {
                        assert!((1..=2).contains(&list.len()), "{g:?}: {full:?}");
                    }
                }
            }

            #[test]
            fn test_large_assignment_with_multiple_consumers_leaving_and_random_subscription() {
                let mut rng = Lcg(42);
                let (topic_count, consumer_count) = (40, 200);
                let t: BTreeMap<String, i32> = (0..topic_count)
                    .map(|i| (name("t", i, topic_count), rng.next(10) as i32 + 1))
                    .collect();
                let m: Vec<MemberSubscription> = (0..consumer_count)
                    .map(|i| {
                        let n = rng.next(20);
                        let subs: Vec<String> = (0..n).map(|_| name("t", rng.next(topic_count), topic_count)).collect();
                        let subs: Vec<&str> = subs.iter().map(String::as_str).collect();
                        sub(&name("c", i, consumer_count), &subs)
                    })
                    .collect();
                let a = verify(&m, &t, &run(&m, &t));
                let mut m: Vec<MemberSubscription> = m.iter().map(|s| next_round(s, &a)).collect();
                for _ in 0..50 {
                    let leaving = name("c", rng.next(consumer_count), consumer_count);
                    m.retain(|s| s.member_id != leaving);
                }
                let (out, sticky) = run_full(&m, &t);
                verify(&m, &t, &out);
                assert!(sticky);
            }

            #[test]
            fn test_new_subscription() {
                let t: BTreeMap<String, i32> = (1..5).map(|i| (name("t", i, 5), 1)).collect();
                let mut m: Vec<MemberSubscription> = (0..3usize)
                    .map(|i| {
                        let subs: Vec<String> = (i..=(3 * i).saturating_sub(2)).filter(|j| *j >= i && 3 * i >= 2).map(|j| name("t", j, 5)).collect();
                        let subs: Vec<&str> = subs.iter().map(String::as_str).collect();
                        sub(&name("c", i, 3), &subs)
                    })
                    .collect();
                verify(&m, &t, &run(&m, &t));
                m[0].topics.push(name("t", 1, 5));
                let (out, sticky) = run_full(&m, &t);
                verify(&m, &t, &out);
                assert!(sticky);
            }

            #[test]
            fn test_move_existing_assignments() {
                let t: BTreeMap<String, i32> = (1..=6).map(|i| (format!("topic{i}"), 1)).collect();
                let m = vec![
                    owned("consumer1", &["topic1", "topic2"], parts("topic1-0"), 1),
                    owned("consumer2", &["topic1", "topic2", "topic3", "topic4"], parts("topic2-0, topic3-0"), 1),
                    owned(
                        "consumer3",
                        &["topic2", "topic3", "topic4", "topic5", "topic6"],
                        parts("topic4-0, topic5-0, topic6-0"),
                        1,
                    ),
                ];
                verify(&m, &t, &run(&m, &t));
            }

            #[test]
            fn test_stickiness() {
                let t = topics(&[("topic1", 3)]);
                let m: Vec<MemberSubscription> = (1..=4).map(|i| sub(&format!("consumer{i}"), &["topic1"])).collect();
                let out = run(&m, &t);
                assert_transferring(&out, &[]);
                let a = verify(&m, &t, &out);
                assert!(a.values().all(|l| l.len() <= 1));

                // The potential group leader leaves.
                let m: Vec<MemberSubscription> = m[1..].iter().map(|s| next_round(s, &a)).collect();
                let out = run(&m, &t);
                assert_transferring(&out, &[]);
                let a2 = verify(&m, &t, &out);
                for (member, list) in &a2 {
                    assert_eq!(list.len(), 1);
                    if let Some(before) = a[member].first() {
                        assert!(list.contains(before), "stickiness was not honoured for {member}");
                    }
                }
            }

            #[test]
            fn test_assignment_updated_for_deleted_topic() {
                let m = vec![sub("consumer", &["topic1", "topic2", "topic3"])];
                let t = topics(&[("topic1", 1), ("topic3", 100)]);
                let out = run(&m, &t);
                assert_transferring(&out, &[]);
                assert_eq!(out.assignment["consumer"].len(), 101);
            }

            #[test]
            fn test_no_exception_thrown_when_only_subscribed_topic_deleted() {
                let t = topics(&[("topic", 3)]);
                let m = vec![sub("consumer", &["topic"])];
                let a = run(&m, &t).assignment;
                let m = vec![next_round(&m[0], &a)];
                let out = run(&m, &topics(&[]));
                assert_transferring(&out, &[]);
                assert_eq!(out.assignment.len(), 1);
                assert!(out.assignment["consumer"].is_empty());
            }

            #[test]
            fn test_reassignment_with_random_subscriptions_and_changes() {
                let mut rng = Lcg(7);
                for _round in 0..100 {
                    let topic_count = 10 + rng.next(10);
                    let names: Vec<String> = (0..topic_count).map(|i| name("t", i, 20)).collect();
                    let t: BTreeMap<String, i32> =
                        names.iter().enumerate().map(|(i, n)| (n.clone(), i as i32 + 1)).collect();
                    let consumer_count = 20 + rng.next(20);
                    let random_sublist = |rng: &mut Lcg| -> Vec<String> {
                        let mut list = names.clone();
                        let remove = rng.next(list.len());
                        for _ in 0..remove {
                            let i = rng.next(list.len());
                            list.remove(i);
                        }
                        list
                    };
                    let m: Vec<MemberSubscription> = (0..consumer_count)
                        .map(|i| {
                            let subs = random_sublist(&mut rng);
                            let subs: Vec<&str> = subs.iter().map(String::as_str).collect();
                            sub(&name("c", i, 40), &subs)
                        })
                        .collect();
                    let a = verify(&m, &t, &run(&m, &t));
                    let m: Vec<MemberSubscription> = m
                        .iter()
                        .map(|s| {
                            let subs = random_sublist(&mut rng);
                            let subs: Vec<&str> = subs.iter().map(String::as_str).collect();
                            owned(&s.member_id, &subs, a[&s.member_id].clone(), 1)
                        })
                        .collect();
                    let (out, sticky) = run_full(&m, &t);
                    verify(&m, &t, &out);
                    assert!(sticky);
                }
            }

            #[test]
            fn test_all_consumers_reach_expected_quota_and_are_considered_filled() {
                let t = topics(&[("topic", 4)]);
                let m = vec![
                    owned("consumer1", &["topic"], parts("topic-0, topic-1"), 1),
                    owned("consumer2", &["topic"], parts("topic-2"), 1),
                    owned("consumer3", &["topic"], vec![], 1),
                ];
                let out = run(&m, &t);
                assert_eq!(out.assignment["consumer1"], parts("topic-0, topic-1"));
                assert_eq!(out.assignment["consumer2"], parts("topic-2"));
                assert_eq!(out.assignment["consumer3"], parts("topic-3"));
                assert_transferring(&out, &[]);
                verify(&m, &t, &out);
            }

            #[test]
            fn test_owned_partitions_are_invalidated_for_consumer_with_stale_generation() {
                let both = ["topic", "topic2"];
                let t = topics(&[("topic", 3), ("topic2", 3)]);
                let claimed = parts("topic-0, topic-2, topic2-1");
                let m = vec![
                    owned("consumer1", &both, claimed.clone(), 10),
                    owned("consumer2", &both, claimed.clone(), 9),
                ];
                let out = run(&m, &t);
                assert_eq!(set(&out.assignment["consumer1"]), set(&claimed));
                assert_eq!(set(&out.assignment["consumer2"]), set(&parts("topic-1, topic2-0, topic2-2")));
                assert_transferring(&out, &[]);
                verify(&m, &t, &out);
            }

            #[test]
            fn test_owned_partitions_are_invalidated_for_consumer_with_no_generation() {
                let both = ["topic", "topic2"];
                let t = topics(&[("topic", 3), ("topic2", 3)]);
                let claimed = parts("topic-0, topic-2, topic2-1");
                let m = vec![
                    owned("consumer1", &both, claimed.clone(), 10),
                    owned("consumer2", &both, claimed.clone(), -1),
                ];
                let out = run(&m, &t);
                assert_eq!(set(&out.assignment["consumer1"]), set(&claimed));
                assert_eq!(set(&out.assignment["consumer2"]), set(&parts("topic-1, topic2-0, topic2-2")));
                assert_transferring(&out, &[]);
                verify(&m, &t, &out);
            }

            #[test]
            fn test_partitions_transferring_ownership_include_the_partition_claimed_by_multiple_consumers_in_same_generation() {
                let t = topics(&[("topic", 3)]);
                let m = vec![
                    owned("consumer1", &["topic"], parts("topic-0, topic-1"), 1),
                    owned("consumer2", &["topic"], parts("topic-0, topic-2"), 1),
                    owned("consumer3", &["topic"], vec![], 1),
                ];
                let out = run(&m, &t);
                assert_transferring(&out, &[(tp("topic", 0), "consumer3")]);
                let a = verify(&m, &t, &out);
                assert_eq!(a["consumer1"], parts("topic-1"));
                assert_eq!(a["consumer2"], parts("topic-2"));
                assert_eq!(a["consumer3"], parts("topic-0"));
            }

            #[test]
            fn test_ensure_partitions_assigned_to_highest_generation() {
                let all = ["topic", "topic2", "topic3"];
                let t = topics(&[("topic", 3), ("topic2", 3), ("topic3", 3)]);
                let m = vec![
                    owned("consumer1", &all, parts("topic-0, topic2-0, topic3-0"), 10),
                    owned("consumer2", &all, parts("topic-1, topic2-1, topic3-1"), 9),
                    owned("consumer3", &all, parts("topic2-1, topic3-0, topic3-2"), 8),
                ];
                let out = run(&m, &t);
                assert_eq!(set(&out.assignment["consumer1"]), set(&parts("topic-0, topic2-0, topic3-0")));
                assert_eq!(set(&out.assignment["consumer2"]), set(&parts("topic-1, topic2-1, topic3-1")));
                assert_eq!(set(&out.assignment["consumer3"]), set(&parts("topic-2, topic2-2, topic3-2")));
                assert_transferring(&out, &[]);
                verify(&m, &t, &out);
            }

            #[test]
            fn test_no_reassignment_on_current_members() {
                let all = ["topic", "topic2", "topic3", "topic1"];
                let t = topics(&[("topic", 3), ("topic1", 3), ("topic2", 3), ("topic3", 3)]);
                let m = vec![
                    MemberSubscription::new("consumer1", &all).with_owned(vec![], Some(-1)),
                    owned("consumer2", &all, parts("topic-0, topic2-0, topic1-0"), 9),
                    owned("consumer3", &all, parts("topic3-2, topic2-2, topic1-1"), 8),
                    owned("consumer4", &all, parts("topic3-1, topic-1, topic-2"), 7),
                ];
                let out = run(&m, &t);
                assert_eq!(set(&out.assignment["consumer1"]), set(&parts("topic1-2, topic2-1, topic3-0")));
                assert_transferring(&out, &[]);
                verify(&m, &t, &out);
            }

            #[test]
            fn test_owned_partitions_are_invalidated_for_consumer_with_multiple_generation() {
                let both = ["topic", "topic2"];
                let t = topics(&[("topic", 3), ("topic2", 3)]);
                let m = vec![
                    owned("consumer1", &both, parts("topic-0, topic2-1, topic-1"), 10),
                    owned("consumer2", &both, parts("topic-0, topic2-1, topic2-2"), 8),
                ];
                let out = run(&m, &t);
                assert_eq!(set(&out.assignment["consumer1"]), set(&parts("topic-0, topic2-1, topic-1")));
                assert_eq!(set(&out.assignment["consumer2"]), set(&parts("topic-2, topic2-2, topic2-0")));
                assert_transferring(&out, &[]);
                verify(&m, &t, &out);
            }

            #[test]
            fn test_rack_aware_assignment_with_uniform_subscription_when_racks_are_unknown() {
                let all = ["t1", "t2", "t3"];
                let t = topics(&[("t1", 6), ("t2", 7), ("t3", 2)]);
                let expected = [
                    "t1-0, t1-3, t2-0, t2-3, t2-6",
                    "t1-1, t1-4, t2-1, t2-4, t3-0",
                    "t1-2, t1-5, t2-2, t2-5, t3-1",
                ];
                let fresh: Vec<MemberSubscription> = (0..3).map(|i| sub(&format!("consumer{i}"), &all)).collect();
                // From scratch, and again with every member already owning its expected share.
                let keeping: Vec<MemberSubscription> = (0..3)
                    .map(|i| owned(&format!("consumer{i}"), &all, parts(expected[i]), 1))
                    .collect();
                for m in [fresh, keeping] {
                    let a = verify(&m, &t, &run(&m, &t));
                    for (i, e) in expected.iter().enumerate() {
                        assert_eq!(a[&format!("consumer{i}")], parts(e));
                    }
                }
            }

            #[test]
            fn test_rack_aware_assignment_with_non_equal_subscription_when_racks_are_unknown() {
                let all = ["t1", "t2", "t3"];
                let subs: [&[&str]; 3] = [&all, &all, &["t1", "t3"]];
                let t = topics(&[("t1", 6), ("t2", 7), ("t3", 2)]);
                let expected = [
                    "t1-5, t2-0, t2-2, t2-4, t2-6",
                    "t1-3, t2-1, t2-3, t2-5, t3-0",
                    "t1-0, t1-1, t1-2, t1-4, t3-1",
                ];
                let fresh: Vec<MemberSubscription> =
                    (0..3).map(|i| sub(&format!("consumer{i}"), subs[i])).collect();
                let keeping: Vec<MemberSubscription> = (0..3)
                    .map(|i| owned(&format!("consumer{i}"), subs[i], parts(expected[i]), 1))
                    .collect();
                for m in [fresh, keeping] {
                    let a = verify(&m, &t, &run(&m, &t));
                    for (i, e) in expected.iter().enumerate() {
                        assert_eq!(a[&format!("consumer{i}")], parts(e));
                    }
                }
            }

            fn multiple_generations_1(all_subscriptions_equal: bool) {
                let all = ["topic", "topic2"];
                let c2_topics: &[&str] = if all_subscriptions_equal { &all } else { &["topic"] };
                let t = topics(&[("topic", 6), ("topic2", 6)]);
                let m = vec![sub("consumer1", &all), sub("consumer2", c2_topics), sub("consumer3", &all)];
                let r1 = verify(&m, &t, &run(&m, &t));
                assert!(r1.values().all(|l| l.len() == 4));

                let m = vec![
                    owned("consumer1", &all, r1["consumer1"].clone(), 1),
                    owned("consumer2", c2_topics, r1["consumer2"].clone(), 1),
                ];
                let r2 = verify(&m, &t, &run(&m, &t));
                assert!(r2.values().all(|l| l.len() == 6));
                if all_subscriptions_equal {
                    assert!(set(&r2["consumer1"]).is_superset(&set(&r1["consumer1"])));
                }
                assert!(set(&r2["consumer2"]).is_superset(&set(&r1["consumer2"])));
                assert!(!set(&r2["consumer2"]).is_disjoint(&set(&r1["consumer3"])));

                let m = vec![
                    owned("consumer2", c2_topics, r2["consumer2"].clone(), 2),
                    owned("consumer3", &all, r1["consumer3"].clone(), 1),
                ];
                let r3 = verify(&m, &t, &run(&m, &t));
                assert!(r3.values().all(|l| l.len() == 6));
                assert!(set(&r3["consumer2"]).is_disjoint(&set(&r3["consumer3"])));
            }

            #[test]
            fn test_assignment_with_multiple_generations_1_all_subscriptions_equal() {
                multiple_generations_1(true);
            }

            #[test]
            fn test_assignment_with_multiple_generations_1_subscriptions_differ() {
                multiple_generations_1(false);
            }

            fn multiple_generations_2(all_subscriptions_equal: bool) {
                let all = ["topic", "topic2", "topic3"];
                let c1_topics: &[&str] = if all_subscriptions_equal { &all } else { &["topic"] };
                let c3_topics: &[&str] = if all_subscriptions_equal { &all } else { &["topic", "topic2"] };
                let t = topics(&[("topic", 4), ("topic2", 4), ("topic3", 4)]);
                let m = vec![sub("consumer1", c1_topics), sub("consumer2", &all), sub("consumer3", c3_topics)];
                let r1 = verify(&m, &t, &run(&m, &t));
                assert!(r1.values().all(|l| l.len() == 4));

                let m = vec![owned("consumer2", &all, r1["consumer2"].clone(), 1)];
                let r2 = verify(&m, &t, &run(&m, &t));
                assert_eq!(r2["consumer2"].len(), 12);
                assert!(set(&r2["consumer2"]).is_superset(&set(&r1["consumer2"])));

                let m = vec![
                    owned("consumer1", c1_topics, r1["consumer1"].clone(), 1),
                    owned("consumer2", &all, r2["consumer2"].clone(), 2),
                    owned("consumer3", c3_topics, r1["consumer3"].clone(), 1),
                ];
                let r3 = verify(&m, &t, &run(&m, &t));
                assert!(r3.values().all(|l| l.len() == 4));
            }

            #[test]
            fn test_assignment_with_multiple_generations_2_all_subscriptions_equal() {
                multiple_generations_2(true);
            }

            #[test]
            fn test_assignment_with_multiple_generations_2_subscriptions_differ() {
                multiple_generations_2(false);
            }

            fn conflicting_previous_generations(all_subscriptions_equal: bool) {
                let all = ["topic", "topic2", "topic3"];
                let c1_topics: &[&str] = if all_subscriptions_equal { &all } else { &["topic"] };
                let c2_topics: &[&str] = if all_subscriptions_equal { &all } else { &["topic", "topic2"] };
                let t = topics(&[("topic", 4), ("topic2", 4), ("topic3", 4)]);
                let c1 = if all_subscriptions_equal {
                    parts("topic-0, topic-1, topic-2, topic2-2, topic2-3, topic3-0")
                } else {
                    parts("topic-0, topic-1, topic-2, topic-3")
                };
                let c2 = parts("topic-0, topic-1, topic2-0, topic2-1, topic2-2, topic2-3");
                let c3 = parts("topic-2, topic-3, topic3-0, topic3-1, topic3-2, topic3-3");
                let m = vec![
                    owned("consumer1", c1_topics, c1, 1),
                    owned("consumer2", c2_topics, c2.clone(), 2),
                    owned("consumer3", &all, c3.clone(), 2),
                ];
                let out = run(&m, &t);
                let mut full = out.assignment.clone();
                for (p, member) in &out.withheld {
                    full.get_mut(member).unwrap().push(p.clone());
                }
                assert!(full.values().all(|l| l.len() == 4));
                assert!(set(&c2).is_superset(&set(&full["consumer2"])));
                assert!(set(&c3).is_superset(&set(&full["consumer3"])));
                verify(&m, &t, &out);
            }

            #[test]
            fn test_assignment_with_conflicting_previous_generations_all_subscriptions_equal() {
                conflicting_previous_generations(true);
            }

            #[test]
            fn test_assignment_with_conflicting_previous_generations_subscriptions_differ() {
                conflicting_previous_generations(false);
            }

            #[test]
            fn test_schema_backward_compatibility() {
                // consumer2 uses the old user-data schema, which carries no generation.
                let t = topics(&[("topic", 3)]);
                let c1 = parts("topic-0, topic-2");
                let c2 = parts("topic-1");
                let m = vec![
                    owned("consumer1", &["topic"], c1.clone(), 1),
                    MemberSubscription::new("consumer2", &["topic"]).with_owned(c2.clone(), None),
                    sub("consumer3", &["topic"]),
                ];
                let out = run(&m, &t);
                let a = verify(&m, &t, &out);
                assert!(a.values().all(|l| l.len() == 1));
                assert!(set(&c1).is_superset(&set(&a["consumer1"])));
                assert!(set(&c2).is_superset(&set(&a["consumer2"])));
            }

            #[test]
            fn test_assignor_with_old_version_subscriptions() {
                let t = topics(&[("topic1", 3)]);
                let m = vec![
                    owned("consumer1", &["topic1"], parts("topic1-0"), 1),
                    owned("consumer2", &["topic1"], parts("topic1-1"), 1),
                    owned("consumer3", &["topic1"], vec![], 1),
                ];
                let out = run(&m, &t);
                let a = verify(&m, &t, &out);
                assert_eq!(a["consumer1"], parts("topic1-0"));
                assert_eq!(a["consumer2"], parts("topic1-1"));
                assert_eq!(a["consumer3"], parts("topic1-2"));
            }
        }
    };
}

shared_sticky_cases!(sticky, Assignor::Sticky);
shared_sticky_cases!(cooperative_sticky, Assignor::CooperativeSticky);

fn run_sticky(members: Vec<MemberSubscription>, t: &[(&str, i32)]) -> AssignmentOutput {
    Assignor::Sticky
        .assign(&AssignmentInput {
            members,
            partitions_per_topic: topics(t),
        })
        .unwrap()
}

// StickyAssignorTest: the eager assignor gives a partition claimed twice in one generation
// straight to its new owner (nobody else is consuming it: everyone revoked everything).

#[test]
fn test_all_consumers_have_owned_partition_invalidated_when_claimed_by_multiple_consumers_in_same_generation_with_equal_partitions_per_consumer(
) {
    let out = run_sticky(
        vec![
            owned("consumer1", &["topic"], parts("topic-0, topic-1"), 1),
            owned("consumer2", &["topic"], parts("topic-0, topic-2"), 1),
            owned("consumer3", &["topic"], vec![], 1),
        ],
        &[("topic", 3)],
    );
    assert_eq!(out.assignment["consumer1"], parts("topic-1"));
    assert_eq!(out.assignment["consumer2"], parts("topic-2"));
    assert_eq!(out.assignment["consumer3"], parts("topic-0"));
}

#[test]
fn test_all_consumers_have_owned_partition_invalidated_when_claimed_by_multiple_consumers_in_same_generation_with_unequal_partitions_per_consumer(
) {
    let out = run_sticky(
        vec![
            owned("consumer1", &["topic"], parts("topic-0, topic-1"), 1),
            owned("consumer2", &["topic"], parts("topic-0, topic-2"), 1),
            owned("consumer3", &["topic"], vec![], 1),
        ],
        &[("topic", 4)],
    );
    assert_eq!(out.assignment["consumer1"], parts("topic-1, topic-3"));
    assert_eq!(out.assignment["consumer2"], parts("topic-2"));
    assert_eq!(out.assignment["consumer3"], parts("topic-0"));
}

#[test]
fn class_comment_example_moves_only_one_partition_when_a_member_joins() {
    let out = run_sticky(
        vec![
            owned("c1", &["t"], parts("t-0, t-1, t-2"), 1),
            owned("c2", &["t"], vec![], 1),
        ],
        &[("t", 3)],
    );
    assert_eq!(out.assignment["c1"], parts("t-0, t-1"));
    assert_eq!(out.assignment["c2"], parts("t-2"));
}
