//! The classic group protocol, told as the tutorial tells it: members join, a generation
//! starts, the leader assigns, heartbeats keep members alive, and every departure starts a
//! new generation. Pins the behaviour of Kafka's `ClassicGroup` / `GroupCoordinator`.

use sim::group::{
    leader_assignment, CoordinatorOutput, DeferredResponse, Group, GroupConfig, GroupError,
    GroupEvent, GroupState, JoinGroupRequest, JoinGroupResponse, ProtocolMetadata, RemovalReason,
    Reply, Subscription, SyncGroupRequest,
};
use sim::TopicPartition;
use std::collections::BTreeMap;

const SESSION: i64 = 45_000;
const REBALANCE: i64 = 300_000;

fn tp(t: &str, p: i32) -> TopicPartition {
    TopicPartition::new(t, p)
}

fn partitions(n: i32) -> BTreeMap<String, i32> {
    [("orders".to_string(), n)].into_iter().collect()
}

/// A consumer's side of the protocol, reduced to what these tests need.
#[derive(Clone)]
struct Client {
    client_id: String,
    member_id: String,
    instance: Option<String>,
    assignors: Vec<&'static str>,
    owned: Vec<TopicPartition>,
    generation: i32,
}

impl Client {
    fn new(client_id: &str, assignors: &[&'static str]) -> Self {
        Self {
            client_id: client_id.to_string(),
            member_id: String::new(),
            instance: None,
            assignors: assignors.to_vec(),
            owned: Vec::new(),
            generation: -1,
        }
    }

    fn static_member(mut self, instance: &str) -> Self {
        self.instance = Some(instance.to_string());
        self
    }

    fn request(&self, cooperative: bool) -> JoinGroupRequest {
        JoinGroupRequest {
            member_id: self.member_id.clone(),
            group_instance_id: self.instance.clone(),
            client_id: self.client_id.clone(),
            session_timeout_ms: SESSION,
            rebalance_timeout_ms: REBALANCE,
            protocols: self
                .assignors
                .iter()
                .map(|name| ProtocolMetadata {
                    name: name.to_string(),
                    subscription: Subscription {
                        topics: vec!["orders".into()],
                        owned_partitions: if cooperative {
                            self.owned.clone()
                        } else {
                            vec![]
                        },
                        generation: if cooperative && self.generation >= 0 {
                            Some(self.generation)
                        } else {
                            None
                        },
                    },
                })
                .collect(),
        }
    }
}

/// Joins, answering MEMBER_ID_REQUIRED by joining again with the given id.
fn join(
    group: &mut Group,
    c: &mut Client,
    now: i64,
    cooperative: bool,
) -> (Reply<JoinGroupResponse>, Vec<CoordinatorOutput>) {
    let (reply, out) = group.join_group(c.request(cooperative), now);
    if let Reply::Now(Err(GroupError::MemberIdRequired { member_id })) = &reply {
        c.member_id = member_id.clone();
        let (reply, out2) = group.join_group(c.request(cooperative), now);
        return (reply, vec![out, out2]);
    }
    (reply, vec![out])
}

fn join_responses(outs: &[CoordinatorOutput]) -> BTreeMap<String, JoinGroupResponse> {
    outs.iter()
        .flat_map(|o| o.responses.iter())
        .filter_map(|r| match r {
            DeferredResponse::Join {
                member_id,
                response: Ok(resp),
            } => Some((member_id.clone(), resp.clone())),
            _ => None,
        })
        .collect()
}

fn events(outs: &[CoordinatorOutput]) -> Vec<GroupEvent> {
    outs.iter().flat_map(|o| o.events.clone()).collect()
}

/// Completes a rebalance: the leader assigns, every client syncs and learns its partitions.
fn sync_all(
    group: &mut Group,
    clients: &mut [&mut Client],
    responses: &BTreeMap<String, JoinGroupResponse>,
    topics: &BTreeMap<String, i32>,
    now: i64,
) -> Vec<GroupEvent> {
    let mut evs = Vec::new();
    // A static member learns its member id from its JoinGroup answer.
    for c in clients.iter_mut() {
        if c.member_id.is_empty() {
            let prefix = format!("{}-", c.client_id);
            if let Some(id) = responses.keys().find(|id| id.starts_with(&prefix)) {
                c.member_id = id.clone();
            }
        }
    }
    let leader_resp = responses
        .values()
        .find(|r| r.leader == r.member_id)
        .expect("the leader got an answer");
    let protocol = leader_resp.protocol_name.clone().unwrap();
    let plan = leader_assignment(&protocol, &leader_resp.members, topics).unwrap();
    // Followers first, then the leader, so the followers wait for the leader's assignment.
    clients.sort_by_key(|c| c.member_id == leader_resp.leader);
    let mut got: BTreeMap<String, Vec<TopicPartition>> = BTreeMap::new();
    for c in clients.iter_mut() {
        let Some(resp) = responses.get(&c.member_id) else {
            continue;
        };
        let is_leader = c.member_id == resp.leader;
        let req = SyncGroupRequest {
            member_id: c.member_id.clone(),
            group_instance_id: c.instance.clone(),
            generation_id: resp.generation_id,
            assignments: if is_leader {
                plan.assignment.clone().into_iter().collect()
            } else {
                vec![]
            },
        };
        let (reply, out) = group.sync_group(req, now);
        evs.extend(out.events.clone());
        if let Reply::Now(Ok(r)) = reply {
            got.insert(c.member_id.clone(), r.assignment);
        }
        for d in out.responses {
            if let DeferredResponse::Sync {
                member_id,
                response: Ok(r),
            } = d
            {
                got.insert(member_id, r.assignment);
            }
        }
        c.generation = resp.generation_id;
    }
    for c in clients.iter_mut() {
        if let Some(a) = got.get(&c.member_id) {
            c.owned = a.clone();
        }
    }
    evs
}

fn new_group() -> Group {
    Group::new("checkers", GroupConfig::default(), 7)
}

#[test]
fn a_new_member_gets_a_member_id_made_of_its_client_id_and_a_uuid() {
    let mut g = new_group();
    let c = Client::new("consumer-checkers-1", &["range"]);
    let (reply, out) = g.join_group(c.request(false), 0);
    let Reply::Now(Err(GroupError::MemberIdRequired { member_id })) = reply else {
        panic!("expected MEMBER_ID_REQUIRED, got {reply:?}");
    };
    let uuid = member_id.strip_prefix("consumer-checkers-1-").unwrap();
    let groups: Vec<usize> = uuid.split('-').map(str::len).collect();
    assert_eq!(groups, vec![8, 4, 4, 4, 12]);
    assert!(matches!(out.events[0], GroupEvent::MemberIdAssigned { .. }));
    // Same seed, same ids: the simulation is replayable.
    let mut again = new_group();
    let (reply2, _) = again.join_group(c.request(false), 0);
    assert_eq!(
        reply2,
        Reply::Now(Err(GroupError::MemberIdRequired { member_id }))
    );
}

#[test]
fn the_first_member_waits_the_initial_rebalance_delay_then_gets_every_partition() {
    let mut g = new_group();
    let mut c1 = Client::new("c1", &["range", "cooperative-sticky"]);
    let (reply, _) = join(&mut g, &mut c1, 0, false);
    assert_eq!(reply, Reply::Later);
    assert_eq!(g.state(), GroupState::PreparingRebalance);
    assert_eq!(g.next_deadline(), Some(3_000));
    assert!(join_responses(&[g.on_time(2_999)]).is_empty());
    let out = g.on_time(3_000);
    let responses = join_responses(std::slice::from_ref(&out));
    let r = &responses[&c1.member_id];
    assert_eq!(r.generation_id, 1);
    assert_eq!(r.leader, c1.member_id);
    assert_eq!(r.protocol_name.as_deref(), Some("range"));
    assert_eq!(g.state(), GroupState::CompletingRebalance);
    sync_all(&mut g, &mut [&mut c1], &responses, &partitions(3), 3_000);
    assert_eq!(g.state(), GroupState::Stable);
    assert_eq!(
        c1.owned,
        vec![tp("orders", 0), tp("orders", 1), tp("orders", 2)]
    );
}

#[test]
fn members_joining_during_the_initial_delay_extend_it_and_share_the_first_generation() {
    let mut g = new_group();
    let mut c1 = Client::new("c1", &["range"]);
    let mut c2 = Client::new("c2", &["range"]);
    join(&mut g, &mut c1, 0, false);
    join(&mut g, &mut c2, 1_000, false);
    // The delay is extended once by another 3 s because a member arrived during it.
    assert!(join_responses(&[g.on_time(3_000)]).is_empty());
    assert_eq!(g.next_deadline(), Some(6_000));
    let out = g.on_time(6_000);
    let responses = join_responses(std::slice::from_ref(&out));
    assert_eq!(responses.len(), 2);
    assert!(responses.values().all(|r| r.generation_id == 1));
    sync_all(
        &mut g,
        &mut [&mut c1, &mut c2],
        &responses,
        &partitions(4),
        6_000,
    );
    assert_eq!(c1.owned, vec![tp("orders", 0), tp("orders", 1)]);
    assert_eq!(c2.owned, vec![tp("orders", 2), tp("orders", 3)]);
}

/// Two members, Stable at generation 1 with range.
fn stable_pair(assignors: &[&'static str], n: i32) -> (Group, Client, Client) {
    let mut g = new_group();
    let mut c1 = Client::new("c1", assignors);
    let mut c2 = Client::new("c2", assignors);
    join(&mut g, &mut c1, 0, true);
    join(&mut g, &mut c2, 0, true);
    let out = g.on_time(3_000);
    let out = if join_responses(std::slice::from_ref(&out)).is_empty() {
        g.on_time(6_000)
    } else {
        out
    };
    let responses = join_responses(std::slice::from_ref(&out));
    sync_all(
        &mut g,
        &mut [&mut c1, &mut c2],
        &responses,
        &partitions(n),
        6_000,
    );
    assert_eq!(g.state(), GroupState::Stable);
    (g, c1, c2)
}

#[test]
fn a_member_joining_a_stable_group_starts_a_new_generation() {
    let (mut g, mut c1, mut c2) = stable_pair(&["range"], 6);
    let gen = g.generation_id();
    let mut c3 = Client::new("c3", &["range"]);
    let (reply, outs) = join(&mut g, &mut c3, 10_000, false);
    assert_eq!(reply, Reply::Later);
    assert!(events(&outs)
        .iter()
        .any(|e| matches!(e, GroupEvent::RebalanceStarted { .. })));
    // The others learn about it from their next heartbeat, and rejoin.
    assert_eq!(
        g.heartbeat(&c1.member_id, None, gen, 11_000),
        Err(GroupError::RebalanceInProgress)
    );
    let (r1, o1) = join(&mut g, &mut c1, 11_000, false);
    assert_eq!(r1, Reply::Later);
    let (r2, o2) = join(&mut g, &mut c2, 11_500, false);
    // The last member to rejoin completes the join phase: its answer comes back at once.
    let Reply::Now(Ok(resp2)) = r2 else {
        panic!("{r2:?}")
    };
    let mut responses = join_responses(&[o1, o2].concat());
    responses.insert(c2.member_id.clone(), resp2);
    assert_eq!(responses.len(), 3);
    assert!(responses.values().all(|r| r.generation_id == gen + 1));
    sync_all(
        &mut g,
        &mut [&mut c1, &mut c2, &mut c3],
        &responses,
        &partitions(6),
        12_000,
    );
    assert_eq!(g.generation_id(), gen + 1);
    let sizes: Vec<usize> = [&c1, &c2, &c3].iter().map(|c| c.owned.len()).collect();
    assert_eq!(sizes, vec![2, 2, 2]);
}

#[test]
fn the_protocol_is_the_assignor_every_member_supports_chosen_by_vote() {
    // Both list [range, cooperative-sticky]: both vote range.
    let (g, _, _) = stable_pair(&["range", "cooperative-sticky"], 2);
    assert_eq!(g.protocol_name(), Some("range"));
    // Only cooperative-sticky is common: it is chosen even though c1 prefers range.
    let mut g = new_group();
    let mut c1 = Client::new("c1", &["range", "cooperative-sticky"]);
    let mut c2 = Client::new("c2", &["cooperative-sticky"]);
    join(&mut g, &mut c1, 0, false);
    join(&mut g, &mut c2, 0, false);
    g.on_time(3_000);
    g.on_time(6_000);
    assert_eq!(g.protocol_name(), Some("cooperative-sticky"));
}

#[test]
fn a_member_sharing_no_assignor_with_the_group_is_refused() {
    let (mut g, _, _) = stable_pair(&["range"], 2);
    let mut c3 = Client::new("c3", &["roundrobin"]);
    let (reply, _) = join(&mut g, &mut c3, 10_000, false);
    assert_eq!(
        reply,
        Reply::Now(Err(GroupError::InconsistentGroupProtocol))
    );
}

#[test]
fn a_member_silent_for_the_session_timeout_is_removed_and_the_group_rebalances() {
    let (mut g, mut c1, c2) = stable_pair(&["range"], 2);
    let gen = g.generation_id();
    // c1 heartbeats every 3 s; c2 stops after its sync at 6 s.
    let mut now = 6_000;
    let mut removed_at = None;
    while now <= 60_000 && removed_at.is_none() {
        now += 3_000;
        let _ = g.heartbeat(&c1.member_id, None, gen, now);
        if let Some(d) = g.next_deadline() {
            if d <= now + 3_000 {
                let out = g.on_time(d);
                if out.events.iter().any(|e| {
                    matches!(e, GroupEvent::MemberRemoved { reason: RemovalReason::SessionTimeout, member_id, .. } if *member_id == c2.member_id)
                }) {
                    removed_at = Some(d);
                }
            }
        }
    }
    assert_eq!(removed_at, Some(6_000 + SESSION));
    assert_eq!(g.state(), GroupState::PreparingRebalance);
    let (reply, _) = join(&mut g, &mut c1, 52_000, false);
    let Reply::Now(Ok(resp)) = reply else {
        panic!("{reply:?}")
    };
    assert_eq!(resp.generation_id, gen + 1);
    assert_eq!(resp.members.len(), 1);
}

#[test]
fn leaving_the_group_starts_a_rebalance_at_once() {
    let (mut g, mut c1, c2) = stable_pair(&["range"], 2);
    let (res, out) = g.leave_group(&c2.member_id, None, 10_000);
    assert_eq!(res, Ok(()));
    assert!(out.events.iter().any(|e| matches!(
        e,
        GroupEvent::MemberRemoved {
            reason: RemovalReason::LeaveGroup,
            ..
        }
    )));
    assert_eq!(g.state(), GroupState::PreparingRebalance);
    let (reply, _) = join(&mut g, &mut c1, 10_100, false);
    let Reply::Now(Ok(resp)) = reply else {
        panic!("{reply:?}")
    };
    let plan = leader_assignment("range", &resp.members, &partitions(2)).unwrap();
    assert_eq!(
        plan.assignment[&c1.member_id],
        vec![tp("orders", 0), tp("orders", 1)]
    );
}

#[test]
fn a_member_that_does_not_rejoin_within_the_rebalance_timeout_is_dropped() {
    let (mut g, mut c1, c2) = stable_pair(&["range"], 2);
    let mut c3 = Client::new("c3", &["range"]);
    join(&mut g, &mut c3, 10_000, false);
    join(&mut g, &mut c1, 10_500, false);
    // c2 is stuck processing a batch: its heartbeat thread keeps it alive (and hears
    // REBALANCE_IN_PROGRESS) but it never calls poll, so it never rejoins.
    let gen = g.generation_id();
    let mut now = 10_500;
    while now + 3_000 < 10_000 + REBALANCE {
        now += 3_000;
        assert_eq!(
            g.heartbeat(&c2.member_id, None, gen, now),
            Err(GroupError::RebalanceInProgress)
        );
        assert!(g.on_time(now).responses.is_empty());
    }
    assert_eq!(g.next_deadline(), Some(10_000 + REBALANCE));
    let out = g.on_time(10_000 + REBALANCE);
    assert!(out.events.iter().any(|e| matches!(
        e,
        GroupEvent::MemberRemoved { reason: RemovalReason::RebalanceTimeout, member_id, .. } if *member_id == c2.member_id
    )));
    let responses = join_responses(std::slice::from_ref(&out));
    assert_eq!(responses.len(), 2);
    assert!(!g.has_member(&c2.member_id));
}

#[test]
fn a_static_member_restarting_within_the_session_timeout_keeps_its_partitions_without_a_rebalance()
{
    let mut g = new_group();
    let mut s1 = Client::new("s1", &["range"]).static_member("checker-1");
    let mut s2 = Client::new("s2", &["range"]).static_member("checker-2");
    join(&mut g, &mut s1, 0, false);
    join(&mut g, &mut s2, 0, false);
    // The second member arrived during the initial delay, which is extended once.
    assert!(join_responses(&[g.on_time(3_000)]).is_empty());
    let out = g.on_time(6_000);
    let responses = join_responses(std::slice::from_ref(&out));
    sync_all(
        &mut g,
        &mut [&mut s1, &mut s2],
        &responses,
        &partitions(4),
        6_000,
    );
    let gen = g.generation_id();
    let before = s2.owned.clone();
    let old_id = s2.member_id.clone();

    assert_eq!(g.state(), GroupState::Stable, "{:?}", g.members());
    // s2 crashes (a static member sends no LeaveGroup) and restarts 20 s later.
    let mut restarted = Client::new("s2", &["range"]).static_member("checker-2");
    let (reply, out) = g.join_group(restarted.request(false), 23_000);
    let Reply::Now(Ok(resp)) = reply else {
        panic!("{reply:?}")
    };
    assert_eq!(resp.generation_id, gen);
    assert_ne!(resp.member_id, old_id);
    assert!(!out
        .events
        .iter()
        .any(|e| matches!(e, GroupEvent::RebalanceStarted { .. })));
    assert!(out.events.iter().any(|e| matches!(
        e,
        GroupEvent::StaticMemberReplaced {
            rebalance: false,
            ..
        }
    )));
    assert_eq!(g.state(), GroupState::Stable);
    restarted.member_id = resp.member_id.clone();
    let (sync, _) = g.sync_group(
        SyncGroupRequest {
            member_id: restarted.member_id.clone(),
            group_instance_id: restarted.instance.clone(),
            generation_id: gen,
            assignments: vec![],
        },
        23_100,
    );
    let Reply::Now(Ok(sync)) = sync else {
        panic!("{sync:?}")
    };
    assert_eq!(sync.assignment, before);
    // The old incarnation is fenced.
    assert_eq!(
        g.heartbeat(&old_id, Some("checker-2"), gen, 23_200),
        Err(GroupError::FencedInstanceId {
            group_instance_id: "checker-2".into()
        })
    );
}

#[test]
fn a_static_member_away_longer_than_the_session_timeout_is_removed() {
    let mut g = new_group();
    let mut s1 = Client::new("s1", &["range"]).static_member("checker-1");
    let mut s2 = Client::new("s2", &["range"]).static_member("checker-2");
    join(&mut g, &mut s1, 0, false);
    join(&mut g, &mut s2, 0, false);
    // The second member arrived during the initial delay, which is extended once.
    assert!(join_responses(&[g.on_time(3_000)]).is_empty());
    let out = g.on_time(6_000);
    let responses = join_responses(std::slice::from_ref(&out));
    sync_all(
        &mut g,
        &mut [&mut s1, &mut s2],
        &responses,
        &partitions(4),
        6_000,
    );
    let gen = g.generation_id();
    let mut now = 6_000;
    let mut removed = false;
    while now < 6_000 + SESSION + 3_000 {
        now += 3_000;
        let _ = g.heartbeat(&s1.member_id, Some("checker-1"), gen, now);
        let out = g.on_time(now);
        removed |= out.events.iter().any(|e| matches!(
            e,
            GroupEvent::MemberRemoved { reason: RemovalReason::SessionTimeout, member_id, .. } if *member_id == s2.member_id
        ));
    }
    assert!(removed);
    assert_eq!(g.state(), GroupState::PreparingRebalance);
}

#[test]
fn commits_are_checked_against_the_member_and_its_generation() {
    let (mut g, c1, _c2) = stable_pair(&["range"], 2);
    let gen = g.generation_id();
    assert_eq!(g.validate_offset_commit(&c1.member_id, None, gen), Ok(()));
    assert_eq!(
        g.validate_offset_commit(&c1.member_id, None, gen - 1),
        Err(GroupError::IllegalGeneration {
            generation: gen - 1,
            current: gen
        })
    );
    assert_eq!(
        g.validate_offset_commit("ghost", None, gen),
        Err(GroupError::UnknownMemberId {
            member_id: "ghost".into()
        })
    );
    // A consumer using assign() (generation -1, no member id) may not commit for a live group.
    assert_eq!(
        g.validate_offset_commit("", None, -1),
        Err(GroupError::UnknownMemberId {
            member_id: String::new()
        })
    );
    // During a rebalance the current generation may still commit (eager consumers commit
    // in onPartitionsRevoked)...
    let mut c3 = Client::new("c3", &["range"]);
    join(&mut g, &mut c3, 10_000, false);
    assert_eq!(g.state(), GroupState::PreparingRebalance);
    assert_eq!(g.validate_offset_commit(&c1.member_id, None, gen), Ok(()));
}

#[test]
fn a_commit_between_join_and_sync_gets_rebalance_in_progress() {
    let mut g = new_group();
    let mut c1 = Client::new("c1", &["range"]);
    join(&mut g, &mut c1, 0, false);
    g.on_time(3_000);
    assert_eq!(g.state(), GroupState::CompletingRebalance);
    assert_eq!(
        g.validate_offset_commit(&c1.member_id, None, 1),
        Err(GroupError::RebalanceInProgress)
    );
}

#[test]
fn an_empty_group_accepts_commits_from_outside_the_group() {
    let g = new_group();
    assert_eq!(g.validate_offset_commit("", None, -1), Ok(()));
}

#[test]
fn the_leader_rejoining_a_stable_group_forces_a_rebalance_so_new_partitions_get_assigned() {
    let (mut g, mut c1, mut c2) = stable_pair(&["range"], 2);
    let leader = if g.leader() == Some(c1.member_id.as_str()) {
        &mut c1
    } else {
        &mut c2
    };
    let gen = g.generation_id();
    // The topic grew from 2 to 4 partitions; the leader notices and rejoins.
    let (reply, out) = join(&mut g, leader, 20_000, false);
    assert_eq!(reply, Reply::Later);
    assert!(events(&out)
        .iter()
        .any(|e| matches!(e, GroupEvent::RebalanceStarted { .. })));
    assert_eq!(g.generation_id(), gen);
}

#[test]
fn a_follower_rejoining_with_the_same_metadata_in_a_stable_group_changes_nothing() {
    let (mut g, mut c1, mut c2) = stable_pair(&["range"], 2);
    let follower = if g.leader() == Some(c1.member_id.as_str()) {
        &mut c2
    } else {
        &mut c1
    };
    let gen = g.generation_id();
    let (reply, out) = join(&mut g, follower, 20_000, false);
    let Reply::Now(Ok(resp)) = reply else {
        panic!("{reply:?}")
    };
    assert_eq!(resp.generation_id, gen);
    assert!(out.iter().all(|o| o.events.is_empty()));
    assert_eq!(g.state(), GroupState::Stable);
}

#[test]
fn heartbeats_and_syncs_from_an_old_generation_are_rejected() {
    let (mut g, c1, _) = stable_pair(&["range"], 2);
    let gen = g.generation_id();
    assert_eq!(
        g.heartbeat(&c1.member_id, None, gen - 1, 10_000),
        Err(GroupError::IllegalGeneration {
            generation: gen - 1,
            current: gen
        })
    );
    let (reply, _) = g.sync_group(
        SyncGroupRequest {
            member_id: c1.member_id.clone(),
            group_instance_id: None,
            generation_id: gen - 1,
            assignments: vec![],
        },
        10_000,
    );
    assert!(matches!(
        reply,
        Reply::Now(Err(GroupError::IllegalGeneration { .. }))
    ));
    assert_eq!(
        g.heartbeat("ghost", None, gen, 10_000),
        Err(GroupError::UnknownMemberId {
            member_id: "ghost".into()
        })
    );
}

#[test]
fn the_last_member_leaving_empties_the_group_and_bumps_the_generation() {
    let mut g = new_group();
    let mut c1 = Client::new("c1", &["range"]);
    join(&mut g, &mut c1, 0, false);
    let out = g.on_time(3_000);
    let responses = join_responses(std::slice::from_ref(&out));
    sync_all(&mut g, &mut [&mut c1], &responses, &partitions(1), 3_000);
    let (res, out) = g.leave_group(&c1.member_id, None, 5_000);
    assert_eq!(res, Ok(()));
    // No members left: the rebalance completes at once into an empty generation.
    assert!(out
        .events
        .iter()
        .any(|e| matches!(e, GroupEvent::RebalanceStarted { .. })));
    assert_eq!(g.state(), GroupState::Empty);
    assert_eq!(g.generation_id(), 2);
}

fn join_with(g: &mut Group, id: &str, protocols: &[&str], now: i64) -> String {
    let mut c = Client::new(id, &[]);
    c.assignors = protocols
        .iter()
        .map(|p| -> &'static str {
            match *p {
                "range" => "range",
                "roundrobin" => "roundrobin",
                _ => "foo",
            }
        })
        .collect();
    join(g, &mut c, now, false);
    c.member_id
}

/// `ClassicGroupTest.testSelectProtocol`: each member votes for its first common assignor.
#[test]
fn test_select_protocol() {
    let mut g = new_group();
    join_with(&mut g, "m1", &["range", "roundrobin"], 0);
    join_with(&mut g, "m2", &["roundrobin", "range"], 0);
    join_with(&mut g, "m3", &["roundrobin", "range"], 0);
    g.on_time(3_000);
    g.on_time(6_000);
    assert_eq!(g.generation_id(), 1);
    assert_eq!(g.protocol_name(), Some("roundrobin"));
}

/// `ClassicGroupTest.testSelectProtocolChoosesCompatibleProtocol`.
#[test]
fn test_select_protocol_chooses_compatible_protocol() {
    let mut g = new_group();
    join_with(&mut g, "m1", &["range", "roundrobin"], 0);
    join_with(&mut g, "m2", &["roundrobin", "foo"], 0);
    g.on_time(3_000);
    g.on_time(6_000);
    assert_eq!(g.protocol_name(), Some("roundrobin"));
}

/// `ClassicGroupTest.testSupportsProtocols`: a joining member must share an assignor with
/// every current member.
#[test]
fn test_supports_protocols() {
    let mut g = new_group();
    join_with(&mut g, "m1", &["range", "roundrobin"], 0);
    let mut ok1 = Client::new("a", &["roundrobin"]);
    ok1.assignors = vec!["roundrobin", "foo"];
    assert!(!matches!(
        join(&mut g, &mut ok1, 1, false).0,
        Reply::Now(Err(GroupError::InconsistentGroupProtocol))
    ));
    let mut refused = Client::new("c", &["foo"]);
    assert_eq!(
        join(&mut g, &mut refused, 1, false).0,
        Reply::Now(Err(GroupError::InconsistentGroupProtocol))
    );
}

/// `ClassicGroupTest.testValidateOffsetCommit`, through the coordinator's requests.
#[test]
fn test_validate_offset_commit() {
    let mut g = new_group();
    // A call from the admin client without any parameters passes while the group is empty.
    assert_eq!(g.validate_offset_commit("", None, -1), Ok(()));

    let mut s = Client::new("s", &["roundrobin"]).static_member("instance-id");
    join(&mut g, &mut s, 0, false);
    let out = g.on_time(3_000);
    let responses = join_responses(std::slice::from_ref(&out));
    let id = responses.keys().next().cloned().unwrap();
    assert_eq!(g.generation_id(), 1);
    assert_eq!(g.state(), GroupState::CompletingRebalance);

    let unknown = |m: &str| GroupError::UnknownMemberId {
        member_id: m.to_string(),
    };
    // No parameters and the group is not empty.
    assert_eq!(g.validate_offset_commit("", None, -1), Err(unknown("")));
    // The member id does not exist.
    assert_eq!(
        g.validate_offset_commit("unknown", Some("unknown"), -1),
        Err(unknown("unknown"))
    );
    // The instance id does not exist.
    assert_eq!(
        g.validate_offset_commit(&id, Some("unknown"), -1),
        Err(unknown(&id))
    );
    // The generation id is invalid.
    assert_eq!(
        g.validate_offset_commit(&id, Some("instance-id"), 0),
        Err(GroupError::IllegalGeneration {
            generation: 0,
            current: 1
        })
    );
    // The group is completing its rebalance.
    assert_eq!(
        g.validate_offset_commit(&id, Some("instance-id"), 1),
        Err(GroupError::RebalanceInProgress)
    );
    // Once Stable, the commit is valid.
    s.member_id = id.clone();
    sync_all(&mut g, &mut [&mut s], &responses, &partitions(1), 3_000);
    assert_eq!(g.state(), GroupState::Stable);
    assert_eq!(
        g.validate_offset_commit(&id, Some("instance-id"), 1),
        Ok(())
    );
    // The static member is replaced by a new instance: the old one is fenced.
    let restarted = Client::new("s", &["roundrobin"]).static_member("instance-id");
    let (reply, _) = g.join_group(restarted.request(false), 4_000);
    let Reply::Now(Ok(new)) = reply else {
        panic!("{reply:?}")
    };
    assert_eq!(
        g.validate_offset_commit(&id, Some("instance-id"), 1),
        Err(GroupError::FencedInstanceId {
            group_instance_id: "instance-id".into()
        })
    );
    // The member leaves, the group empties and is removed.
    let (left, _) = g.leave_group(&new.member_id, Some("instance-id"), 5_000);
    assert_eq!(left, Ok(()));
    assert_eq!(g.state(), GroupState::Empty);
    g.mark_dead();
    assert_eq!(
        g.validate_offset_commit(&new.member_id, Some("instance-id"), 1),
        Err(GroupError::CoordinatorNotAvailable)
    );
}

#[test]
fn a_static_member_can_be_removed_by_its_instance_id_alone() {
    let mut g = new_group();
    let mut s1 = Client::new("s1", &["range"]).static_member("checker-1");
    let mut s2 = Client::new("s2", &["range"]).static_member("checker-2");
    join(&mut g, &mut s1, 0, false);
    join(&mut g, &mut s2, 0, false);
    g.on_time(3_000);
    let out = g.on_time(6_000);
    let responses = join_responses(std::slice::from_ref(&out));
    sync_all(
        &mut g,
        &mut [&mut s1, &mut s2],
        &responses,
        &partitions(2),
        6_000,
    );
    let (res, out) = g.leave_group("", Some("checker-2"), 7_000);
    assert_eq!(res, Ok(()));
    assert!(out.events.iter().any(|e| matches!(
        e,
        GroupEvent::MemberRemoved { reason: RemovalReason::LeaveGroup, member_id, .. } if *member_id == s2.member_id
    )));
    assert_eq!(g.state(), GroupState::PreparingRebalance);
    let (res, _) = g.leave_group("", Some("nobody"), 7_000);
    assert!(matches!(res, Err(GroupError::UnknownMemberId { .. })));
}
