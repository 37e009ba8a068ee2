//! The `cooperative-sticky` assignor (Kafka's `CooperativeStickyAssignor`).
//!
//! It computes exactly the [`super::sticky`] assignment, then follows the cooperative
//! (incremental) rebalance protocol: a member keeps consuming the partitions it owned while
//! the group rebalances, so a partition may not be handed to a new owner in the same round in
//! which its old owner still holds it. Such a partition is *withheld*: it is left out of the
//! new owner's assignment; the old owner sees it missing from its own assignment and revokes
//! it, which triggers a follow-up rebalance in which nobody owns it any more and the new
//! owner finally gets it.
//!
//! Example: `c1` owns `t-0, t-1, t-2` and `c2` joins. The sticky assignment is
//! `c1: [t-0, t-1]`, `c2: [t-2]`, but `t-2` is still owned by `c1`, so this round gives
//! `c1: [t-0, t-1]`, `c2: []` (withheld: `t-2 → c2`). `c1` revokes `t-2` and rejoins; in the
//! second rebalance nobody owns `t-2` and `c2` gets it. Partitions whose previous owner left
//! the group are not withheld: nobody has to revoke them.
//!
//! Which partitions are withheld: on the all-subscriptions-equal path, the partitions that
//! the constrained algorithm took from an owner over its quota, or that two members claimed
//! in the same generation; otherwise, the partitions newly assigned to a member that some
//! other member reported as owned but does not keep.

use super::sticky::compute;
use super::{AssignmentOutput, MemberSubscription, SubscribedMetadata};
use std::collections::{BTreeMap, BTreeSet};

pub(crate) fn assign(
    members: &[MemberSubscription],
    metadata: &SubscribedMetadata,
) -> (AssignmentOutput, bool) {
    let mut result = compute(members, metadata);
    let sticky = result.movements_are_sticky;
    let transferring: BTreeMap<u32, u32> = match result.transferring.take() {
        Some(t) => t,
        None => {
            // computePartitionsTransferringOwnership
            let ctx = &result.ctx;
            let mut added: BTreeMap<u32, u32> = BTreeMap::new();
            let mut revoked: BTreeSet<u32> = BTreeSet::new();
            for (m, assigned) in result.assignment.iter().enumerate() {
                let owned: BTreeSet<u32> = ctx.owned_raw[m]
                    .iter()
                    .filter_map(|tp| ctx.index_of(tp))
                    .collect();
                for &p in assigned {
                    if !owned.contains(&p) {
                        added.insert(p, m as u32);
                    }
                }
                let assigned: BTreeSet<u32> = assigned.iter().copied().collect();
                for p in owned {
                    if !assigned.contains(&p) {
                        revoked.insert(p);
                    }
                }
            }
            added.retain(|p, _| revoked.contains(p));
            added
        }
    };
    for (&p, &m) in &transferring {
        if let Some(list) = result.assignment.get_mut(m as usize) {
            list.retain(|q| *q != p);
        }
    }
    let withheld = transferring
        .iter()
        .map(|(&p, &m)| (result.ctx.tp(p), result.ctx.member_ids[m as usize].clone()))
        .collect();
    (
        AssignmentOutput {
            assignment: result.to_assignment(),
            withheld,
        },
        sticky,
    )
}
