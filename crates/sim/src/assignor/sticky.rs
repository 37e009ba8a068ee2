//! The `sticky` assignor (Kafka's `StickyAssignor` and the shared
//! `internals/AbstractStickyAssignor`).
//!
//! Goals, in order: (1) a balanced assignment — partition counts differ by at most one, or,
//! with different subscriptions, no partition could move to a member with at least two fewer
//! partitions; (2) keep as many of the partitions each member already owned as possible.
//! Each member reports the partitions it owned and the generation it owned them in; when two
//! members claim the same partition the higher generation wins, and a partition claimed twice
//! in the same generation is taken from both.
//!
//! When every member subscribes to the same topics (the common case) Kafka uses a fast
//! "constrained" algorithm. With `P` partitions and `N` members, every member gets
//! `minQuota = P / N` or `maxQuota = ceil(P / N)` partitions, and exactly `P % N` members get
//! `maxQuota`:
//!
//! 1. Visit the members (in `HashMap` order, see [`super::java`]) and let each keep its owned
//!    partitions, sorted by partition number then topic, up to `maxQuota` while fewer than
//!    `P % N` members have `maxQuota`, otherwise up to `minQuota`. The rest are revoked.
//! 2. Deal the partitions nobody kept, sorted by topic then partition, round robin to the
//!    members still under `minQuota` (sorted by member id), then one more each to members at
//!    exactly `minQuota` until `P % N` members have `maxQuota`.
//!
//! Example: topic `t` with 3 partitions, `c1` owned all three, `c2` joins. `minQuota = 1`,
//! `maxQuota = 2`, one member gets 2. `c1` keeps `t-0, t-1` and revokes `t-2`; `c2` is under
//! quota and gets `t-2`. Result `c1: [t-0, t-1]`, `c2: [t-2]` — only one partition moved,
//! where `range` would also have given `c1: [t-0, t-1]`, `c2: [t-2]` but `roundrobin`
//! `c1: [t-0, t-2]`, `c2: [t-1]`.
//!
//! With different subscriptions Kafka uses the "general" algorithm: keep every valid owned
//! partition, give each unassigned partition to the member with the fewest partitions that
//! can take it, then move partitions from members with at least two more partitions than
//! another candidate until balanced, preferring to move a partition back to its owner of
//! the previous generation, and keep the result only if it is more balanced.
//!
//! The eager `sticky` assignor hands out the whole assignment at once (members revoked
//! everything before rejoining); [`super::cooperative_sticky`] builds on the same computation.

use super::java::{hash_map_order, java_cmp, java_string_hash, topic_partition_hash, JavaHashSet};
use super::{AssignmentOutput, MemberSubscription, SubscribedMetadata, DEFAULT_GENERATION};
use crate::types::TopicPartition;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The eager `sticky` assignor.
pub(crate) fn assign(
    members: &[MemberSubscription],
    metadata: &SubscribedMetadata,
) -> (AssignmentOutput, bool) {
    let result = compute(members, metadata);
    (
        AssignmentOutput {
            assignment: result.to_assignment(),
            withheld: BTreeMap::new(),
        },
        result.movements_are_sticky,
    )
}

/// The outcome of the shared sticky computation, in index form.
pub(crate) struct StickyResult {
    pub ctx: Ctx,
    /// Per member (sorted index), its partitions (global indices).
    pub assignment: Vec<Vec<u32>>,
    /// Constrained path: partitions that were owned by someone else and must be revoked
    /// first (partition → new owner). `None` on the general path, where the cooperative
    /// assignor computes it from the owned partitions.
    pub transferring: Option<BTreeMap<u32, u32>>,
    /// `AbstractStickyAssignor.isSticky()`: no partition of a topic moved both from `a` to
    /// `b` and from `b` to `a` during the general algorithm's balancing.
    pub movements_are_sticky: bool,
}

impl StickyResult {
    pub fn to_assignment(&self) -> BTreeMap<String, Vec<TopicPartition>> {
        let mut out = BTreeMap::new();
        for (m, parts) in self.assignment.iter().enumerate() {
            let mut sorted = parts.clone();
            sorted.sort_unstable();
            out.insert(
                self.ctx.member_ids[m].clone(),
                sorted.into_iter().map(|p| self.ctx.tp(p)).collect(),
            );
        }
        out
    }
}

/// Members, topics and partitions turned into dense indices whose natural order is Java's
/// order: member `i` sorts before member `i + 1` by member id, and partition indices follow
/// topic (Java order) then partition number.
pub(crate) struct Ctx {
    pub topics: Vec<String>,
    topic_hash: Vec<i32>,
    topic_start: Vec<u32>,
    topic_count: Vec<u32>,
    part_topic: Vec<u32>,
    pub total: usize,
    pub member_ids: Vec<String>,
    /// Members in the order Kafka iterates its `subscriptions` `HashMap`.
    hash_order: Vec<u32>,
    /// Subscribed topics that exist, in subscription order, without duplicates.
    subscribed: Vec<Vec<u32>>,
    subscribes: Vec<Vec<bool>>,
    /// Subscribed topic names as given (existing or not), for the equality check.
    raw_topics: Vec<BTreeSet<String>>,
    generation: Vec<Option<i32>>,
    /// Owned partitions that exist, in the order the member reported them.
    owned: Vec<Vec<u32>>,
    /// Owned partitions as reported, including ones that no longer exist.
    pub owned_raw: Vec<Vec<TopicPartition>>,
}

impl Ctx {
    pub(crate) fn new(members: &[MemberSubscription], metadata: &SubscribedMetadata) -> Self {
        let topics: Vec<String> = metadata.topics.iter().map(|(t, _)| t.clone()).collect();
        let topic_hash = topics.iter().map(|t| java_string_hash(t)).collect();
        let mut topic_start = Vec::with_capacity(topics.len());
        let mut topic_count = Vec::with_capacity(topics.len());
        let mut part_topic = Vec::new();
        let mut total = 0u32;
        for (ti, (_, n)) in metadata.topics.iter().enumerate() {
            let n = (*n).max(0) as u32;
            topic_start.push(total);
            topic_count.push(n);
            part_topic.extend(std::iter::repeat_n(ti as u32, n as usize));
            total += n;
        }
        let topic_index = |name: &str| -> Option<u32> {
            topics
                .binary_search_by(|t| java_cmp(t, name))
                .ok()
                .map(|i| i as u32)
        };

        let mut by_id: Vec<usize> = (0..members.len()).collect();
        by_id.sort_by(|a, b| java_cmp(&members[*a].member_id, &members[*b].member_id));
        let mut sorted_index = vec![0u32; members.len()];
        for (rank, input) in by_id.iter().enumerate() {
            sorted_index[*input] = rank as u32;
        }
        let keys: Vec<&str> = members.iter().map(|m| m.member_id.as_str()).collect();
        let hash_order = hash_map_order(&keys)
            .into_iter()
            .map(|i| sorted_index[i])
            .collect();

        let mut member_ids = Vec::with_capacity(members.len());
        let mut subscribed = Vec::with_capacity(members.len());
        let mut subscribes = Vec::with_capacity(members.len());
        let mut raw_topics = Vec::with_capacity(members.len());
        let mut generation = Vec::with_capacity(members.len());
        let mut owned = Vec::with_capacity(members.len());
        let mut owned_raw = Vec::with_capacity(members.len());
        for &i in &by_id {
            let m = &members[i];
            member_ids.push(m.member_id.clone());
            let mut subs = Vec::new();
            let mut flags = vec![false; topics.len()];
            for t in &m.topics {
                if let Some(ti) = topic_index(t) {
                    if !flags[ti as usize] {
                        flags[ti as usize] = true;
                        subs.push(ti);
                    }
                }
            }
            subscribed.push(subs);
            subscribes.push(flags);
            raw_topics.push(m.topics.iter().cloned().collect());
            generation.push(m.generation);
            let mut own = Vec::new();
            for tp in &m.owned_partitions {
                if let Some(ti) = topic_index(&tp.topic) {
                    let ti = ti as usize;
                    if tp.partition >= 0 && (tp.partition as u32) < topic_count[ti] {
                        own.push(topic_start[ti] + tp.partition as u32);
                    }
                }
            }
            owned.push(own);
            owned_raw.push(m.owned_partitions.clone());
        }
        Ctx {
            topics,
            topic_hash,
            topic_start,
            topic_count,
            part_topic,
            total: total as usize,
            member_ids,
            hash_order,
            subscribed,
            subscribes,
            raw_topics,
            generation,
            owned,
            owned_raw,
        }
    }

    pub fn tp(&self, p: u32) -> TopicPartition {
        let t = self.part_topic[p as usize] as usize;
        TopicPartition::new(self.topics[t].clone(), (p - self.topic_start[t]) as i32)
    }

    pub fn index_of(&self, tp: &TopicPartition) -> Option<u32> {
        let t = self
            .topics
            .binary_search_by(|name| java_cmp(name, &tp.topic))
            .ok()?;
        if tp.partition >= 0 && (tp.partition as u32) < self.topic_count[t] {
            Some(self.topic_start[t] + tp.partition as u32)
        } else {
            None
        }
    }

    fn partition_number(&self, p: u32) -> u32 {
        p - self.topic_start[self.part_topic[p as usize] as usize]
    }

    fn java_hash(&self, p: u32) -> i32 {
        let t = self.part_topic[p as usize] as usize;
        topic_partition_hash(self.topic_hash[t], self.partition_number(p) as i32)
    }

    fn member_generation(&self, m: u32) -> i32 {
        self.generation[m as usize].unwrap_or(DEFAULT_GENERATION)
    }
}

/// `AbstractStickyAssignor.assignPartitions`, shared by both sticky assignors.
pub(crate) fn compute(
    members: &[MemberSubscription],
    metadata: &SubscribedMetadata,
) -> StickyResult {
    let ctx = Ctx::new(members, metadata);
    if ctx.member_ids.is_empty() {
        return StickyResult {
            ctx,
            assignment: Vec::new(),
            transferring: Some(BTreeMap::new()),
            movements_are_sticky: true,
        };
    }
    let pre = all_subscriptions_equal(&ctx);
    if pre.all_equal {
        let (assignment, transferring) = constrained(&ctx, pre.owned, &pre.multiple_owners);
        StickyResult {
            ctx,
            assignment,
            transferring: Some(transferring),
            movements_are_sticky: true,
        }
    } else {
        let (assignment, movements_are_sticky) = general(&ctx, pre.owned, pre.max_generation);
        StickyResult {
            ctx,
            assignment,
            transferring: None,
            movements_are_sticky,
        }
    }
}

struct Prepared {
    all_equal: bool,
    /// Per member, the owned partitions it keeps a claim on, in reported order.
    owned: Vec<Vec<u32>>,
    multiple_owners: Vec<bool>,
    max_generation: i32,
}

/// `allSubscriptionsEqual`: also resolves conflicting claims on the same partition.
fn all_subscriptions_equal(ctx: &Ctx) -> Prepared {
    let n = ctx.member_ids.len();
    let mut all_equal = true;
    let mut first_topics: Option<&BTreeSet<String>> = None;
    let mut owned: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut multiple_owners = vec![false; ctx.total];
    let mut previous_owner: Vec<Option<u32>> = vec![None; ctx.total];
    let mut max_generation = DEFAULT_GENERATION;
    for &m in &ctx.hash_order {
        let mi = m as usize;
        let topics = &ctx.raw_topics[mi];
        match first_topics {
            Some(first) if !first.is_empty() => {
                if all_equal && first != topics {
                    all_equal = false;
                }
            }
            _ => first_topics = Some(topics),
        }
        let generation = ctx.member_generation(m);
        max_generation = max_generation.max(generation);
        for &p in &ctx.owned[mi] {
            let pi = p as usize;
            match previous_owner[pi] {
                None => {
                    owned[mi].push(p);
                    previous_owner[pi] = Some(m);
                }
                Some(other) => {
                    let other_generation = ctx.member_generation(other);
                    if generation == other_generation {
                        // Claimed twice in the same generation: nobody keeps it.
                        multiple_owners[pi] = true;
                        owned[other as usize].retain(|q| *q != p);
                        previous_owner[pi] = Some(m);
                    } else if generation > other_generation {
                        owned[mi].push(p);
                        owned[other as usize].retain(|q| *q != p);
                        previous_owner[pi] = Some(m);
                    }
                    // Otherwise the other member's newer claim stands.
                }
            }
        }
    }
    Prepared {
        all_equal,
        owned,
        multiple_owners,
        max_generation,
    }
}

/// `ConstrainedAssignmentBuilder`: every member subscribes to the same topics.
fn constrained(
    ctx: &Ctx,
    current: Vec<Vec<u32>>,
    multiple_owners: &[bool],
) -> (Vec<Vec<u32>>, BTreeMap<u32, u32>) {
    let n = ctx.member_ids.len();
    let total = ctx.total;
    let min_quota = total / n;
    let max_quota = total.div_ceil(n);
    let expected_over_min = total % n;
    let mut current_over_min = 0usize;
    let mut assignment: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut assigned = vec![false; total];
    let mut revoked = vec![false; total];
    let mut under_min: Vec<u32> = Vec::new();
    let mut exactly_min: VecDeque<u32> = VecDeque::new();

    // 1. Reassign previously owned partitions, up to the quota.
    for &m in &ctx.hash_order {
        let mi = m as usize;
        let mut owned = current[mi].clone();
        // Sorted by partition number, then topic (topic indices follow Java's order).
        owned.sort_by_key(|&p| (ctx.partition_number(p), ctx.part_topic[p as usize]));
        owned.retain(|&p| !multiple_owners[p as usize]);
        let keep = if owned.len() < min_quota {
            under_min.push(m);
            owned.len()
        } else if owned.len() >= max_quota && current_over_min < expected_over_min {
            current_over_min += 1;
            if current_over_min == expected_over_min {
                exactly_min.clear();
            }
            max_quota
        } else {
            if current_over_min < expected_over_min {
                exactly_min.push_back(m);
            }
            min_quota
        };
        for &p in &owned[..keep] {
            assignment[mi].push(p);
            assigned[p as usize] = true;
        }
        for &p in &owned[keep..] {
            revoked[p as usize] = true;
        }
    }

    let unassigned: Vec<u32> = (0..total as u32)
        .filter(|p| !assigned[*p as usize])
        .collect();
    under_min.sort_unstable();
    exactly_min.make_contiguous().sort_unstable();

    // 2. Round robin over the members still under quota, then top up members at minQuota.
    let mut transferring = BTreeMap::new();
    let mut cursor = 0usize;
    for &p in &unassigned {
        let (member, from_under) = if cursor < under_min.len() {
            cursor += 1;
            (under_min[cursor - 1], true)
        } else if under_min.is_empty() {
            match exactly_min.pop_front() {
                Some(m) => (m, false),
                // Kafka throws IllegalStateException here; the quotas make it unreachable.
                None => break,
            }
        } else {
            cursor = 1;
            (under_min[0], true)
        };
        let mi = member as usize;
        assignment[mi].push(p);
        if revoked[p as usize] || multiple_owners[p as usize] {
            transferring.insert(p, member);
        }
        let count = assignment[mi].len();
        if count == min_quota && from_under {
            cursor -= 1;
            under_min.remove(cursor);
            exactly_min.push_back(member);
        }
    }
    (assignment, transferring)
}

/// `PartitionMovements`: the moves made while balancing, to keep them from undoing each other.
#[derive(Default)]
struct PartitionMovements {
    /// partition → (from, to)
    movements: BTreeMap<u32, (u32, u32)>,
    /// topic → (from, to) → partitions
    by_topic: BTreeMap<u32, BTreeMap<(u32, u32), JavaHashSet>>,
}

impl PartitionMovements {
    fn remove_record(&mut self, ctx: &Ctx, p: u32) -> Option<(u32, u32)> {
        let pair = self.movements.remove(&p)?;
        let topic = ctx.part_topic[p as usize];
        if let Some(pairs) = self.by_topic.get_mut(&topic) {
            if let Some(set) = pairs.get_mut(&pair) {
                set.remove(p);
                if set.is_empty() {
                    pairs.remove(&pair);
                }
            }
            if pairs.is_empty() {
                self.by_topic.remove(&topic);
            }
        }
        Some(pair)
    }

    fn add_record(&mut self, ctx: &Ctx, p: u32, pair: (u32, u32)) {
        self.movements.insert(p, pair);
        let topic = ctx.part_topic[p as usize];
        self.by_topic
            .entry(topic)
            .or_default()
            .entry(pair)
            .or_default()
            .insert(p, ctx.java_hash(p));
    }

    fn move_partition(&mut self, ctx: &Ctx, p: u32, old: u32, new: u32) {
        if self.movements.contains_key(&p) {
            if let Some((src, _)) = self.remove_record(ctx, p) {
                if src != new {
                    self.add_record(ctx, p, (src, new));
                }
            }
        } else {
            self.add_record(ctx, p, (old, new));
        }
    }

    fn actual_partition_to_move(&self, ctx: &Ctx, p: u32, old: u32, new: u32) -> u32 {
        let topic = ctx.part_topic[p as usize];
        let Some(pairs) = self.by_topic.get(&topic) else {
            return p;
        };
        let old = match self.movements.get(&p) {
            Some((src, _)) => *src,
            None => old,
        };
        match pairs.get(&(new, old)).and_then(JavaHashSet::first) {
            Some(q) => q,
            None => p,
        }
    }

    /// `isSticky`: a two-member cycle (a→b and b→a in one topic) breaks stickiness.
    fn is_sticky(&self) -> bool {
        self.by_topic.values().all(|pairs| {
            pairs
                .keys()
                .all(|(a, b)| a == b || !pairs.contains_key(&(*b, *a)))
        })
    }
}

/// `GeneralAssignmentBuilder`: members subscribe to different topics.
struct General<'a> {
    ctx: &'a Ctx,
    /// Per topic, the members that subscribe to it.
    topic_consumers: Vec<Vec<u32>>,
    current: Vec<Vec<u32>>,
    /// Members whose assignment cannot change (taken out of `current` while balancing).
    fixed: Vec<bool>,
    partition_consumer: Vec<Option<u32>>,
    /// (number of partitions, member): the members by how many partitions they have.
    sorted: BTreeSet<(usize, u32)>,
    movements: PartitionMovements,
    prev: Vec<Option<(u32, i32)>>,
    max_sizes: Vec<usize>,
}

impl General<'_> {
    fn size(&self, m: u32) -> usize {
        self.current[m as usize].len()
    }

    fn assign_to(&mut self, p: u32, m: u32) {
        self.sorted.remove(&(self.size(m), m));
        self.current[m as usize].push(p);
        self.partition_consumer[p as usize] = Some(m);
        self.sorted.insert((self.size(m), m));
    }

    fn is_balanced(&self) -> bool {
        let (Some(first), Some(last)) = (self.sorted.first(), self.sorted.last()) else {
            return true;
        };
        let min = self.size(first.1);
        let max = self.size(last.1);
        if min + 1 >= max {
            return true;
        }
        let mut owner: Vec<Option<u32>> = vec![None; self.ctx.total];
        for (m, parts) in self.current.iter().enumerate() {
            if self.fixed[m] {
                continue;
            }
            for &p in parts {
                owner[p as usize] = Some(m as u32);
            }
        }
        for &(count, m) in &self.sorted {
            if count == self.max_sizes[m as usize] {
                continue;
            }
            for &t in &self.ctx.subscribed[m as usize] {
                let start = self.ctx.topic_start[t as usize];
                for p in start..start + self.ctx.topic_count[t as usize] {
                    match owner[p as usize] {
                        Some(other) if other != m && count + 1 < self.size(other) => {
                            return false;
                        }
                        _ => {}
                    }
                }
            }
        }
        true
    }

    fn balance_score(&self) -> u64 {
        let sizes: Vec<i64> = (0..self.current.len())
            .filter(|m| !self.fixed[*m])
            .map(|m| self.current[m].len() as i64)
            .collect();
        let mut score = 0u64;
        for i in 0..sizes.len() {
            for j in i + 1..sizes.len() {
                score += sizes[i].abs_diff(sizes[j]);
            }
        }
        score
    }

    fn can_topic_move(&self, t: u32) -> bool {
        self.topic_consumers[t as usize].len() >= 2
    }

    fn can_consumer_move(&self, m: u32) -> bool {
        if self.size(m) < self.max_sizes[m as usize] {
            return true;
        }
        self.current[m as usize]
            .iter()
            .any(|&p| self.can_topic_move(self.ctx.part_topic[p as usize]))
    }

    fn process_movement(&mut self, p: u32, new: u32) {
        let Some(old) = self.partition_consumer[p as usize] else {
            return;
        };
        self.sorted.remove(&(self.size(old), old));
        self.sorted.remove(&(self.size(new), new));
        self.movements.move_partition(self.ctx, p, old, new);
        self.current[old as usize].retain(|q| *q != p);
        self.current[new as usize].push(p);
        self.partition_consumer[p as usize] = Some(new);
        self.sorted.insert((self.size(new), new));
        self.sorted.insert((self.size(old), old));
    }

    fn reassign_to(&mut self, p: u32, new: u32) {
        let Some(consumer) = self.partition_consumer[p as usize] else {
            return;
        };
        let actual = self
            .movements
            .actual_partition_to_move(self.ctx, p, consumer, new);
        self.process_movement(actual, new);
    }

    fn reassign(&mut self, p: u32) {
        let t = self.ctx.part_topic[p as usize] as usize;
        let new = self
            .sorted
            .iter()
            .map(|(_, m)| *m)
            .find(|m| self.ctx.subscribes[*m as usize][t]);
        if let Some(new) = new {
            self.reassign_to(p, new);
        }
    }

    fn perform_reassignments(&mut self, partitions: &[u32]) -> bool {
        let mut performed = false;
        loop {
            let mut modified = false;
            for &p in partitions {
                if self.is_balanced() {
                    break;
                }
                let Some(consumer) = self.partition_consumer[p as usize] else {
                    continue;
                };
                if let Some((prev_owner, _)) = self.prev[p as usize] {
                    if !self.fixed[prev_owner as usize]
                        && self.size(consumer) > self.size(prev_owner) + 1
                    {
                        self.reassign_to(p, prev_owner);
                        performed = true;
                        modified = true;
                        continue;
                    }
                }
                let t = self.ctx.part_topic[p as usize] as usize;
                let better = self.topic_consumers[t]
                    .iter()
                    .any(|&other| self.size(consumer) > self.size(other) + 1);
                if better {
                    self.reassign(p);
                    performed = true;
                    modified = true;
                }
            }
            if !modified {
                return performed;
            }
        }
    }
}

fn general(ctx: &Ctx, current: Vec<Vec<u32>>, max_generation: i32) -> (Vec<Vec<u32>>, bool) {
    let n = ctx.member_ids.len();
    let mut topic_consumers: Vec<Vec<u32>> = vec![Vec::new(); ctx.topics.len()];
    for &m in &ctx.hash_order {
        for &t in &ctx.subscribed[m as usize] {
            topic_consumers[t as usize].push(m);
        }
    }
    let mut partition_consumer = vec![None; ctx.total];
    for (m, parts) in current.iter().enumerate() {
        for &p in parts {
            partition_consumer[p as usize] = Some(m as u32);
        }
    }
    // Topics with fewer potential consumers first, then by name; partitions in order.
    let mut sorted_topics: Vec<u32> = (0..ctx.topics.len() as u32).collect();
    sorted_topics.sort_by_key(|&t| (topic_consumers[t as usize].len(), t));
    let mut sorted_all: Vec<u32> = Vec::with_capacity(ctx.total);
    for &t in &sorted_topics {
        let start = ctx.topic_start[t as usize];
        sorted_all.extend(start..start + ctx.topic_count[t as usize]);
    }
    let max_sizes: Vec<usize> = (0..n)
        .map(|m| {
            ctx.subscribed[m]
                .iter()
                .map(|&t| ctx.topic_count[t as usize] as usize)
                .sum()
        })
        .collect();

    // prepopulateCurrentAssignments: the latest claim from an older generation.
    let mut prev: Vec<Option<(u32, i32)>> = vec![None; ctx.total];
    for &m in &ctx.hash_order {
        let generation = match ctx.generation[m as usize] {
            Some(g) if g < max_generation => g,
            None if max_generation > DEFAULT_GENERATION => DEFAULT_GENERATION,
            _ => continue,
        };
        for &p in &ctx.owned[m as usize] {
            match prev[p as usize] {
                Some((_, g)) if generation <= g => {}
                _ => prev[p as usize] = Some((m, generation)),
            }
        }
    }

    let mut g = General {
        ctx,
        topic_consumers,
        current,
        fixed: vec![false; n],
        partition_consumer,
        sorted: BTreeSet::new(),
        movements: PartitionMovements::default(),
        prev,
        max_sizes,
    };

    // assignOwnedPartitions: drop partitions of topics the owner no longer subscribes to.
    let mut revocation_required = false;
    let mut assigned = vec![false; ctx.total];
    for m in 0..n {
        let subscribes = &ctx.subscribes[m];
        let before = g.current[m].len();
        g.current[m].retain(|&p| subscribes[ctx.part_topic[p as usize] as usize]);
        if g.current[m].len() != before {
            revocation_required = true;
        }
        for &p in &g.current[m] {
            assigned[p as usize] = true;
        }
    }
    let mut unassigned: Vec<u32> = sorted_all
        .iter()
        .copied()
        .filter(|p| !assigned[*p as usize])
        .collect();
    for m in 0..n as u32 {
        g.sorted.insert((g.size(m), m));
    }

    // balance()
    let initializing = g.sorted.last().map(|(size, _)| *size == 0).unwrap_or(true);
    for &p in &unassigned {
        let t = ctx.part_topic[p as usize] as usize;
        if g.topic_consumers[t].is_empty() {
            continue;
        }
        let target = g
            .sorted
            .iter()
            .map(|(_, m)| *m)
            .find(|m| ctx.subscribes[*m as usize][t]);
        if let Some(m) = target {
            g.assign_to(p, m);
        }
    }
    let movable_topic: Vec<bool> = (0..ctx.topics.len() as u32)
        .map(|t| g.can_topic_move(t))
        .collect();
    sorted_all.retain(|p| movable_topic[ctx.part_topic[*p as usize] as usize]);
    unassigned.retain(|p| movable_topic[ctx.part_topic[*p as usize] as usize]);
    for m in 0..n as u32 {
        if !g.can_consumer_move(m) {
            g.sorted.remove(&(g.size(m), m));
            g.fixed[m as usize] = true;
        }
    }
    let pre_balance = g.current.clone();
    let pre_balance_consumers = g.partition_consumer.clone();
    if !revocation_required {
        g.perform_reassignments(&unassigned);
    }
    let performed = g.perform_reassignments(&sorted_all);
    if !initializing && performed {
        let after = g.balance_score();
        let current = std::mem::replace(&mut g.current, pre_balance);
        let before = g.balance_score();
        if after < before {
            g.current = current;
        } else {
            g.partition_consumer = pre_balance_consumers;
        }
    }
    let sticky = g.movements.is_sticky();
    (g.current, sticky)
}
