//! The `range` assignor (Kafka's `RangeAssignor`).
//!
//! Works topic by topic. For each topic, the partitions are laid out in numeric order and the
//! topic's subscribers in member order (static members first by `group.instance.id`, then the
//! others by member id). With `n` partitions and `k` subscribers each subscriber gets a
//! contiguous range of `n / k` partitions, and the first `n % k` subscribers get one more.
//!
//! Example: consumers `C0` and `C1`, topics `t0` and `t1` with 3 partitions each.
//! For `t0`: 3 / 2 = 1 each, and 3 % 2 = 1 so `C0` gets one extra: `C0: t0-0, t0-1`,
//! `C1: t0-2`. The same happens for `t1`, so:
//!
//! ```text
//! C0: [t0-0, t0-1, t1-0, t1-1]
//! C1: [t0-2, t1-2]
//! ```
//!
//! Because every topic is split the same way, the first members get the extra partition of
//! every topic: range can be unbalanced across many topics, but partition `i` of topics with
//! the same partition count lands on the same member (co-partitioning, which joins rely on).
//! Rack-aware range assignment (KIP-881) is not modelled.

use super::{empty_assignment, member_info_cmp, sort_partitions, AssignmentOutput};
use super::{MemberSubscription, SubscribedMetadata};
use crate::types::TopicPartition;

pub(crate) fn assign(
    members: &[MemberSubscription],
    metadata: &SubscribedMetadata,
) -> AssignmentOutput {
    let mut assignment = empty_assignment(members);
    for (topic, count) in &metadata.topics {
        let mut subscribers: Vec<&MemberSubscription> = members
            .iter()
            .filter(|m| m.topics.iter().any(|t| t == topic))
            .collect();
        if subscribers.is_empty() {
            continue;
        }
        subscribers.sort_by(|a, b| member_info_cmp(a, b));
        let k = subscribers.len() as i64;
        let n = i64::from(*count);
        let per_member = n / k;
        let with_extra = n % k;
        let mut next = 0i64;
        for (i, member) in subscribers.iter().enumerate() {
            let length = per_member + if (i as i64) < with_extra { 1 } else { 0 };
            if let Some(list) = assignment.get_mut(&member.member_id) {
                for p in next..next + length {
                    list.push(TopicPartition::new(topic.clone(), p as i32));
                }
            }
            next += length;
        }
    }
    sort_partitions(&mut assignment);
    AssignmentOutput {
        assignment,
        withheld: Default::default(),
    }
}
