//! Eager and cooperative rebalancing through the coordinator and the assignors: with
//! cooperative-sticky a partition that moves is first revoked by its owner, then assigned
//! in a follow-up rebalance (Kafka's `ConsumerCoordinator` + `CooperativeStickyAssignor`).

use sim::group::{
    leader_assignment, DeferredResponse, Group, GroupConfig, GroupError, GroupEvent,
    JoinGroupRequest, JoinGroupResponse, ProtocolMetadata, Reply, Subscription, SyncGroupRequest,
};
use sim::TopicPartition;
use std::collections::BTreeMap;

fn tp(p: i32) -> TopicPartition {
    TopicPartition::new("orders", p)
}

struct Member {
    id: String,
    client: &'static str,
    owned: Vec<TopicPartition>,
    generation: Option<i32>,
}

fn request(m: &Member) -> JoinGroupRequest {
    JoinGroupRequest {
        member_id: m.id.clone(),
        group_instance_id: None,
        client_id: m.client.to_string(),
        session_timeout_ms: 45_000,
        rebalance_timeout_ms: 300_000,
        protocols: vec![ProtocolMetadata {
            name: "cooperative-sticky".into(),
            subscription: Subscription {
                topics: vec!["orders".into()],
                owned_partitions: m.owned.clone(),
                generation: m.generation,
            },
        }],
    }
}

/// Joins (answering MEMBER_ID_REQUIRED); returns the member's own answer and the answers
/// the call released for members who were waiting.
fn join(
    g: &mut Group,
    m: &mut Member,
    now: i64,
) -> (Reply<JoinGroupResponse>, Vec<JoinGroupResponse>) {
    let (mut reply, mut out) = g.join_group(request(m), now);
    if let Reply::Now(Err(GroupError::MemberIdRequired { member_id })) = reply {
        m.id = member_id;
        (reply, out) = g.join_group(request(m), now);
    }
    let released = out
        .responses
        .into_iter()
        .filter_map(|r| match r {
            DeferredResponse::Join {
                response: Ok(resp), ..
            } => Some(resp),
            _ => None,
        })
        .collect();
    (reply, released)
}

/// The leader's answer among those a join produced.
fn leader_answer(
    reply: Reply<JoinGroupResponse>,
    released: Vec<JoinGroupResponse>,
) -> JoinGroupResponse {
    let mut all = released;
    if let Reply::Now(Ok(r)) = reply {
        all.push(r);
    }
    all.into_iter()
        .find(|r| r.leader == r.member_id)
        .expect("the leader's answer")
}

/// The leader's answer → the plan → everybody's sync; returns the AssignmentChanged events.
fn assign_and_sync(
    g: &mut Group,
    leader: &JoinGroupResponse,
    members: &mut [&mut Member],
    now: i64,
) -> Vec<GroupEvent> {
    let topics: BTreeMap<String, i32> = [("orders".to_string(), 3)].into_iter().collect();
    let plan = leader_assignment("cooperative-sticky", &leader.members, &topics).unwrap();
    let (_, out) = g.sync_group(
        SyncGroupRequest {
            member_id: leader.member_id.clone(),
            group_instance_id: None,
            generation_id: leader.generation_id,
            assignments: plan.assignment.clone().into_iter().collect(),
        },
        now,
    );
    for m in members.iter_mut() {
        m.owned = plan.assignment[&m.id].clone();
        m.generation = Some(leader.generation_id);
    }
    out.events
        .into_iter()
        .filter(|e| matches!(e, GroupEvent::AssignmentChanged { .. }))
        .collect()
}

#[test]
fn cooperative_rebalance_revokes_only_the_moved_partition_and_assigns_it_in_a_follow_up_rebalance()
{
    let mut g = Group::new("checkers", GroupConfig::default(), 1);
    let mut c1 = Member {
        id: String::new(),
        client: "c1",
        owned: vec![],
        generation: None,
    };
    assert_eq!(join(&mut g, &mut c1, 0).0, Reply::Later);
    let out = g.on_time(3_000);
    let Some(DeferredResponse::Join {
        response: Ok(first),
        ..
    }) = out.responses.first().cloned()
    else {
        panic!("{out:?}")
    };
    assign_and_sync(&mut g, &first, &mut [&mut c1], 3_000);
    assert_eq!(c1.owned, vec![tp(0), tp(1), tp(2)]);

    // c2 joins; c1 rejoins still owning (and consuming) all three partitions.
    let mut c2 = Member {
        id: String::new(),
        client: "c2",
        owned: vec![],
        generation: None,
    };
    assert_eq!(join(&mut g, &mut c2, 10_000).0, Reply::Later);
    let (reply, released) = join(&mut g, &mut c1, 10_100);
    let second = leader_answer(reply, released);
    assert_eq!(second.generation_id, 2);
    assert_eq!(second.member_id, c1.id);
    let changes = assign_and_sync(&mut g, &second, &mut [&mut c1, &mut c2], 10_200);
    // Only orders-2 is revoked from c1; c2 gets nothing yet.
    assert_eq!(c1.owned, vec![tp(0), tp(1)]);
    assert!(c2.owned.is_empty());
    assert!(changes.iter().any(|e| matches!(
        e,
        GroupEvent::AssignmentChanged { member_id, revoked, assigned, .. }
            if *member_id == c1.id && *revoked == vec![tp(2)] && assigned.is_empty()
    )));

    // Having revoked a partition, c1 rejoins: the follow-up rebalance gives orders-2 to c2.
    assert_eq!(join(&mut g, &mut c1, 10_300).0, Reply::Later);
    let (reply, released) = join(&mut g, &mut c2, 10_400);
    let third = leader_answer(reply, released);
    assert_eq!(third.generation_id, 3);
    let changes = assign_and_sync(&mut g, &third, &mut [&mut c1, &mut c2], 10_500);
    assert_eq!(c1.owned, vec![tp(0), tp(1)]);
    assert_eq!(c2.owned, vec![tp(2)]);
    assert!(changes.iter().any(|e| matches!(
        e,
        GroupEvent::AssignmentChanged { member_id, assigned, .. } if *member_id == c2.id && *assigned == vec![tp(2)]
    )));
}
