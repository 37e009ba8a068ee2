//! The `roundrobin` assignor (Kafka's `RoundRobinAssignor`).
//!
//! Lays out every partition of every subscribed topic, sorted by topic then partition, and
//! the members in member order (static members first by `group.instance.id`, then the others
//! by member id), in a circle. Each partition goes to the next member in the circle that
//! subscribes to its topic; members that do not are skipped (and stay where the circle
//! stands).
//!
//! Example: consumers `C0` and `C1`, topics `t0` and `t1` with 3 partitions each. Dealing
//! `t0-0, t0-1, t0-2, t1-0, t1-1, t1-2` in turn:
//!
//! ```text
//! C0: [t0-0, t0-2, t1-1]
//! C1: [t0-1, t1-0, t1-2]
//! ```
//!
//! With different subscriptions the result can be unbalanced: `C0` on `t0`, `C1` on `t0, t1`,
//! `C2` on `t0, t1, t2`, with 1, 2 and 3 partitions gives `C0: [t0-0]`, `C1: [t1-0]`,
//! `C2: [t1-1, t2-0, t2-1, t2-2]`.

use super::{empty_assignment, member_info_cmp, sort_partitions, AssignmentOutput};
use super::{MemberSubscription, SubscribedMetadata};
use crate::types::TopicPartition;

pub(crate) fn assign(
    members: &[MemberSubscription],
    metadata: &SubscribedMetadata,
) -> AssignmentOutput {
    let mut assignment = empty_assignment(members);
    let mut circle: Vec<&MemberSubscription> = members.iter().collect();
    circle.sort_by(|a, b| member_info_cmp(a, b));
    if circle.is_empty() {
        return AssignmentOutput {
            assignment,
            withheld: Default::default(),
        };
    }
    let mut cursor = 0usize;
    for (topic, count) in &metadata.topics {
        let subscribed: Vec<bool> = circle
            .iter()
            .map(|m| m.topics.iter().any(|t| t == topic))
            .collect();
        // Every topic in the metadata has at least one subscriber, so the skip loop ends.
        if !subscribed.iter().any(|s| *s) {
            continue;
        }
        for p in 0..*count {
            while !subscribed[cursor] {
                cursor = (cursor + 1) % circle.len();
            }
            if let Some(list) = assignment.get_mut(&circle[cursor].member_id) {
                list.push(TopicPartition::new(topic.clone(), p));
            }
            cursor = (cursor + 1) % circle.len();
        }
    }
    sort_partitions(&mut assignment);
    AssignmentOutput {
        assignment,
        withheld: Default::default(),
    }
}
