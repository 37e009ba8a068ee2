//! Random sequences of consumers joining, crashing, closing and time passing, driven
//! through the real coordinator, consumers and assignors, with auto-commit on and every
//! batch processed before the next poll. After every step no partition is owned by two
//! members of the current generation (under both the eager and the cooperative protocol)
//! and the generation never goes back; once things settle every partition has an owner, and every record
//! below a committed offset was processed at least once.

mod props_support;

use proptest::prelude::*;
use sim::assignor::Assignor;
use sim::consumer::{
    Consumer, ConsumerConfig, ConsumerRecord, DeliveryLedger, FetchError, LogReader,
    OffsetCommitRequest, OffsetResetStrategy, OffsetStore,
};
use sim::group::{DeferredResponse, Group, GroupConfig, GroupError, JoinGroupRequest, Reply};
use sim::TopicPartition;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

const PARTITIONS: i32 = 6;

struct Log;

impl LogReader for Log {
    fn fetch(
        &self,
        tp: &TopicPartition,
        offset: i64,
        max: usize,
        _isolation: sim::consumer::IsolationLevel,
    ) -> Result<Vec<ConsumerRecord>, FetchError> {
        Ok((offset..100)
            .take(max)
            .map(|o| ConsumerRecord {
                topic: tp.topic.clone(),
                partition: tp.partition,
                offset: o,
                timestamp_ms: 0,
                key: None,
                value: None,
            })
            .collect())
    }
    fn log_start_offset(&self, _: &TopicPartition) -> Result<i64, FetchError> {
        Ok(0)
    }
    fn high_watermark(&self, _: &TopicPartition) -> Result<i64, FetchError> {
        Ok(100)
    }
    fn partition_count(&self, topic: &str) -> Option<i32> {
        (topic == "orders").then_some(PARTITIONS)
    }
}

/// Commits validated by the group, which lives here so that both sides see one group.
struct Cluster {
    group: Group,
    committed: BTreeMap<TopicPartition, i64>,
}

impl OffsetStore for Cluster {
    fn committed(&self, _: &str, tp: &TopicPartition) -> Option<i64> {
        self.committed.get(tp).copied()
    }
    fn commit(&mut self, r: &OffsetCommitRequest) -> Result<(), GroupError> {
        self.group.validate_offset_commit(
            &r.member_id,
            r.group_instance_id.as_deref(),
            r.generation_id,
        )?;
        for (tp, o) in &r.offsets {
            self.committed.insert(tp.clone(), *o);
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
enum Action {
    Add,
    Crash(usize),
    Close(usize),
    Advance(i64),
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        3 => Just(Action::Add),
        1 => (0usize..8).prop_map(Action::Crash),
        1 => (0usize..8).prop_map(Action::Close),
        4 => (100i64..20_000).prop_map(Action::Advance),
    ]
}

struct Sim {
    cluster: Cluster,
    consumers: Vec<Consumer>,
    now: i64,
    strategy: Assignor,
    added: usize,
    last_generation: i32,
    ledger: DeliveryLedger,
}

enum Msg {
    Join(String, Result<sim::group::JoinGroupResponse, GroupError>),
    Sync(String, Result<sim::group::SyncGroupResponse, GroupError>),
}

impl Sim {
    fn consumer_index(&self, member_id: &str) -> Option<usize> {
        self.consumers
            .iter()
            .position(|c| c.is_running() && c.member_id() == member_id)
    }

    fn queue(out: Vec<DeferredResponse>, q: &mut VecDeque<Msg>) {
        for d in out {
            q.push_back(match d {
                DeferredResponse::Join {
                    member_id,
                    response,
                } => Msg::Join(member_id, response),
                DeferredResponse::Sync {
                    member_id,
                    response,
                } => Msg::Sync(member_id, response),
            });
        }
    }

    fn send_join(&mut self, i: usize, mut req: JoinGroupRequest, q: &mut VecDeque<Msg>) {
        loop {
            let (reply, out) = self.cluster.group.join_group(req, self.now);
            Self::queue(out.responses, q);
            match reply {
                Reply::Now(Err(e)) => match self.consumers[i].on_join_error(&e) {
                    Ok(Some(again)) => req = again,
                    _ => return,
                },
                Reply::Now(Ok(r)) => {
                    q.push_back(Msg::Join(r.member_id.clone(), Ok(r)));
                    return;
                }
                Reply::Later => return,
            }
        }
    }

    fn drain(&mut self, q: &mut VecDeque<Msg>) {
        while let Some(m) = q.pop_front() {
            match m {
                Msg::Join(id, resp) => {
                    let Some(i) = self.consumer_index(&id) else {
                        continue;
                    };
                    match resp {
                        Ok(r) => {
                            let Ok(req) = self.consumers[i].on_join_response(&r, &Log, self.now)
                            else {
                                continue;
                            };
                            let (reply, out) = self.cluster.group.sync_group(req, self.now);
                            Self::queue(out.responses, q);
                            if let Reply::Now(res) = reply {
                                q.push_back(Msg::Sync(id, res));
                            }
                        }
                        Err(e) => {
                            let _ = self.consumers[i].on_join_error(&e);
                        }
                    }
                }
                Msg::Sync(id, resp) => {
                    let Some(i) = self.consumer_index(&id) else {
                        continue;
                    };
                    match resp {
                        Ok(r) => self.consumers[i].on_assignment(&r.assignment, self.now),
                        Err(e) => {
                            let _ = self.consumers[i].on_join_error(&e);
                        }
                    }
                }
            }
        }
    }

    /// One round: due coordinator timers, then every live consumer polls (rejoining first
    /// if it must) and heartbeats if due.
    fn round(&mut self) {
        let mut q = VecDeque::new();
        while let Some(d) = self.cluster.group.next_deadline() {
            if d > self.now {
                break;
            }
            let out = self.cluster.group.on_time(self.now);
            Self::queue(out.responses, &mut q);
            self.drain(&mut q);
        }
        for i in 0..self.consumers.len() {
            if !self.consumers[i].is_running() {
                continue;
            }
            if self.consumers[i].wants_to_join() {
                let Ok(req) = self.consumers[i].prepare_join(self.now, &mut self.cluster) else {
                    continue;
                };
                self.send_join(i, req, &mut q);
                self.drain(&mut q);
            }
            if self.consumers[i]
                .next_heartbeat_ms()
                .is_some_and(|t| t <= self.now)
            {
                let c = &self.consumers[i];
                let result =
                    self.cluster
                        .group
                        .heartbeat(c.member_id(), None, c.generation(), self.now);
                self.consumers[i].on_heartbeat_sent(self.now);
                let _ = self.consumers[i].on_heartbeat_response(result);
            }
            // The application processes everything a poll returns before polling again.
            if self.consumers[i]
                .poll(self.now, &Log, &mut self.cluster)
                .is_ok()
            {
                if let Ok(done) = self.consumers[i].process(self.now, None, 0) {
                    for p in &done {
                        self.ledger.record(p);
                    }
                }
            }
        }
        self.check();
    }

    fn check(&mut self) {
        // Kafka's guarantee: the members of the current generation never share a partition.
        // (A consumer dropped from the group keeps its partitions until it learns so: a
        // zombie whose commits are refused.)
        let generation = self.cluster.group.generation_id();
        let mut owners: BTreeMap<TopicPartition, usize> = BTreeMap::new();
        for (i, c) in self.consumers.iter().enumerate() {
            if !c.is_running()
                || c.generation() != generation
                || !self.cluster.group.has_member(c.member_id())
            {
                continue;
            }
            for tp in c.assignment() {
                if let Some(other) = owners.insert(tp.clone(), i) {
                    panic!("{tp} owned by consumers {other} and {i} at {}", self.now);
                }
            }
        }
        assert!(generation >= self.last_generation);
        self.last_generation = generation;
    }

    fn apply(&mut self, a: &Action) {
        match a {
            Action::Add => {
                self.added += 1;
                let mut cfg = ConsumerConfig::new("checkers", format!("c{}", self.added));
                cfg.partition_assignment_strategy = vec![self.strategy];
                cfg.auto_offset_reset = OffsetResetStrategy::Earliest;
                cfg.max_poll_records = 30;
                let mut c = Consumer::new(cfg, self.now);
                let _ = c.subscribe(&["orders"]);
                self.consumers.push(c);
            }
            Action::Crash(i) => {
                if let Some(c) = self.consumers.get_mut(*i) {
                    c.crash();
                }
            }
            Action::Close(i) => {
                if *i < self.consumers.len() {
                    if let Some(member) = self.consumers[*i].close(self.now, &mut self.cluster) {
                        let (_, out) = self.cluster.group.leave_group(&member, None, self.now);
                        let mut q = VecDeque::new();
                        Self::queue(out.responses, &mut q);
                        self.drain(&mut q);
                    }
                }
            }
            Action::Advance(ms) => {
                // Time passes in heartbeat-sized steps so live consumers stay alive.
                let end = self.now + ms;
                while self.now < end {
                    self.now = (self.now + 1_000).min(end);
                    self.round();
                }
            }
        }
        self.round();
    }
}

/// The whole state (group, consumers, ledger) as JSON after `actions`.
fn final_state(strategy: Assignor, actions: &[Action]) -> String {
    let mut sim = Sim {
        cluster: Cluster {
            group: Group::new("checkers", GroupConfig::default(), 99),
            committed: BTreeMap::new(),
        },
        consumers: Vec::new(),
        now: 0,
        strategy,
        added: 0,
        last_generation: 0,
        ledger: DeliveryLedger::default(),
    };
    for a in actions {
        sim.apply(a);
    }
    let json = serde_json::to_string(&(&sim.cluster.group, &sim.consumers, &sim.ledger)).unwrap();
    // Snapshots round-trip: what is read back is what was written.
    let back: (Group, Vec<Consumer>, DeliveryLedger) = serde_json::from_str(&json).unwrap();
    assert_eq!(back.0, sim.cluster.group);
    assert_eq!(back.1, sim.consumers);
    assert_eq!(back.2, sim.ledger);
    json
}

fn run(strategy: Assignor, actions: &[Action]) {
    let mut sim = Sim {
        cluster: Cluster {
            group: Group::new("checkers", GroupConfig::default(), 99),
            committed: BTreeMap::new(),
        },
        consumers: Vec::new(),
        now: 0,
        strategy,
        added: 0,
        last_generation: 0,
        ledger: DeliveryLedger::default(),
    };
    for a in actions {
        sim.apply(a);
    }
    // Let everything settle: session timeouts (45 s), delays and follow-up rebalances.
    sim.apply(&Action::Advance(120_000));
    // At-least-once: every record below a committed offset was processed at least once
    // (crashes and rebalances may repeat records, never skip them).
    for (tp, committed) in &sim.cluster.committed {
        let skipped = sim.ledger.skipped(Some("checkers"), tp, 0, *committed);
        assert!(
            skipped.is_empty(),
            "{tp}: committed {committed} but never processed {skipped:?}"
        );
    }
    let live: Vec<&Consumer> = sim.consumers.iter().filter(|c| c.is_running()).collect();
    if !live.is_empty() {
        let owned: BTreeSet<TopicPartition> = live.iter().flat_map(|c| c.assignment()).collect();
        assert_eq!(
            owned.len(),
            PARTITIONS as usize,
            "every partition has an owner once settled"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(props_support::cases("groups", 32, 2500)))]

    #[test]
    fn no_partition_has_two_owners_with_the_eager_protocol(actions in prop::collection::vec(action(), 1..25)) {
        run(Assignor::Range, &actions);
    }

    #[test]
    fn the_same_actions_give_the_same_state_byte_for_byte_and_it_round_trips(actions in prop::collection::vec(action(), 1..25)) {
        prop_assert_eq!(
            final_state(Assignor::CooperativeSticky, &actions),
            final_state(Assignor::CooperativeSticky, &actions)
        );
    }

    #[test]
    fn no_partition_has_two_owners_with_the_cooperative_protocol(actions in prop::collection::vec(action(), 1..25)) {
        run(Assignor::CooperativeSticky, &actions);
    }
}

/// Found by the property test: a member closing while its first join was pending must
/// still send LeaveGroup, and a member already rejoining must ignore REBALANCE_IN_PROGRESS
/// heartbeat answers (otherwise the leader keeps forcing new generations).
#[test]
fn a_member_closing_during_its_first_rebalance_leaves_and_the_group_settles() {
    run(
        Assignor::Range,
        &[
            Action::Add,
            Action::Advance(122),
            Action::Add,
            Action::Add,
            Action::Add,
            Action::Add,
            Action::Close(2),
            Action::Advance(7_000),
            Action::Add,
            Action::Add,
        ],
    );
}

/// The tutorial's crash story: two checkers share six compartments; one crashes between
/// auto-commits. After `session.timeout.ms` its compartments move to the survivor, which
/// resumes from the committed offsets, so the records processed since the last commit are
/// processed again.
#[test]
fn a_crashed_checkers_partitions_move_to_the_survivor_and_resume_from_the_committed_offset() {
    let mut sim = Sim {
        cluster: Cluster {
            group: Group::new("checkers", GroupConfig::default(), 5),
            committed: BTreeMap::new(),
        },
        consumers: Vec::new(),
        now: 0,
        strategy: Assignor::Range,
        added: 0,
        last_generation: 0,
        ledger: DeliveryLedger::default(),
    };
    sim.apply(&Action::Add);
    sim.apply(&Action::Add);
    sim.apply(&Action::Advance(12_000));
    assert_eq!(sim.consumers[0].assignment().len(), 3);
    assert_eq!(sim.consumers[1].assignment().len(), 3);
    let lost = sim.consumers[1].assignment();
    assert!(!sim.cluster.committed.is_empty());
    sim.apply(&Action::Crash(1));
    // Nothing moves before the session timeout...
    sim.apply(&Action::Advance(40_000));
    assert_eq!(sim.consumers[0].assignment().len(), 3);
    // ...then the survivor gets all six.
    sim.apply(&Action::Advance(20_000));
    assert_eq!(sim.consumers[0].assignment().len(), 6);
    let duplicates = sim.ledger.duplicates(Some("checkers"));
    assert!(
        duplicates.iter().any(|((p, _), _)| lost.contains(p)),
        "records of the crashed checker are processed again"
    );
    // And none of its records was skipped.
    for tp in &lost {
        let committed = sim.cluster.committed[tp];
        assert!(sim
            .ledger
            .skipped(Some("checkers"), tp, 0, committed)
            .is_empty());
    }
}

/// Found by the property test: members waiting for the leader's assignment keep
/// heartbeating (the Java heartbeat thread runs in COMPLETING_REBALANCE), so a crashed
/// leader does not take its followers down with it.
#[test]
fn followers_waiting_for_a_crashed_leader_keep_their_membership() {
    use Action::*;
    run(
        Assignor::CooperativeSticky,
        &[
            Add,
            Advance(2_000),
            Add,
            Add,
            Advance(5_000),
            Add,
            Advance(4_000),
            Crash(0),
            Advance(7_600),
            Advance(8_256),
            Advance(18_999),
            Advance(12_145),
            Add,
        ],
    );
}
