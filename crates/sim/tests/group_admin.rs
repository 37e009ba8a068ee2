//! The group admin commands. `DeleteGroup` (`kafka-consumer-groups --delete`): the
//! coordinator refuses a group it does not know and a group with members; an empty group
//! loses its committed offsets and becomes Dead. `ResetOffsets` (`--reset-offsets
//! --execute`): only for a group without members.

mod clients_support;

use clients_support::*;
use sim::group::{GroupEvent, GroupState};
use sim::{Command, Event, SimError, World};

fn delete(w: &mut World, group: &str) -> Result<Vec<Event>, SimError> {
    w.apply(Command::DeleteGroup {
        group: group.into(),
    })
}

/// One consumer of group `g` joined, read orders-0 and orders-1 and committed.
fn world_with_a_committed_group() -> World {
    let mut w = world_with_topic("orders", 2);
    produce(&mut w, "orders", 0, 3);
    produce(&mut w, "orders", 1, 2);
    consumer(
        &mut w,
        "c1",
        &[
            ("group.id", "g"),
            ("enable.auto.commit", "false"),
            ("auto.offset.reset", "earliest"),
        ],
    );
    join_alone(&mut w, "c1", "orders");
    poll(&mut w, "c1");
    commit_sync(&mut w, "c1").unwrap();
    advance(&mut w, 100);
    assert!(w.committed_offset("g", &tp("orders", 0)).is_some());
    w
}

#[test]
fn a_group_with_members_is_not_deleted() {
    let mut w = world_with_a_committed_group();
    let before = w.clone();
    assert_eq!(w.group("g").map(|g| g.state()), Some(GroupState::Stable));
    assert_eq!(
        delete(&mut w, "g"),
        Err(SimError::GroupNotEmpty { group: "g".into() })
    );
    assert_eq!(w, before, "a refused command changes nothing");
}

#[test]
fn an_unknown_group_is_not_found() {
    let mut w = world_with_topic("orders", 1);
    assert_eq!(
        delete(&mut w, "nobody"),
        Err(SimError::GroupIdNotFound {
            group: "nobody".into()
        })
    );
    assert!(matches!(
        delete(&mut w, ""),
        Err(SimError::InvalidGroupId { .. })
    ));
}

#[test]
fn an_empty_group_loses_its_offsets_and_becomes_dead() {
    let mut w = world_with_a_committed_group();
    w.apply(Command::CloseConsumer {
        consumer: "c1".into(),
    })
    .unwrap();
    assert_eq!(w.group("g").map(|g| g.state()), Some(GroupState::Empty));
    let events = delete(&mut w, "g").unwrap();
    let deleted: Vec<(String, i32)> = events
        .iter()
        .filter_map(|e| match e {
            Event::OffsetDeleted {
                group,
                topic,
                partition,
            } if group == "g" => Some((topic.clone(), *partition)),
            _ => None,
        })
        .collect();
    assert_eq!(deleted, vec![("orders".into(), 0), ("orders".into(), 1)]);
    assert!(events.iter().any(|e| matches!(
        e,
        Event::Group {
            event: GroupEvent::StateChanged {
                to: GroupState::Dead,
                ..
            }
        }
    )));
    assert!(w.committed_offset("g", &tp("orders", 0)).is_none());
    assert!(w
        .offset_store()
        .group_offsets("g")
        .is_none_or(|o| o.is_empty()));
    // Gone: a second delete does not find it.
    assert!(matches!(
        delete(&mut w, "g"),
        Err(SimError::GroupIdNotFound { .. })
    ));
    w.check_invariants().unwrap();
}

#[test]
fn offsets_are_reset_only_for_a_group_without_members() {
    let mut w = world_with_a_committed_group();
    let before = w.clone();
    assert_eq!(
        reset_to(&mut w, "g", 0),
        Err(SimError::GroupNotEmpty { group: "g".into() })
    );
    assert_eq!(w, before, "a refused command changes nothing");
    w.apply(Command::CloseConsumer {
        consumer: "c1".into(),
    })
    .unwrap();
    reset_to(&mut w, "g", 1).unwrap();
    advance(&mut w, 100);
    assert_eq!(
        w.committed_offset("g", &tp("orders", 0))
            .map(|c| c.offset.0),
        Some(1)
    );
    // A group nobody knows yet can be given offsets too (the tool's unknown group).
    reset_to(&mut w, "new", 2).unwrap();
    advance(&mut w, 100);
    assert_eq!(
        w.committed_offset("new", &tp("orders", 0))
            .map(|c| c.offset.0),
        Some(2)
    );
    w.check_invariants().unwrap();
}
