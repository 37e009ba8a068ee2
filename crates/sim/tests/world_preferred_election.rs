//! `kafka-leader-election --election-type preferred --all-topic-partitions` as the controller
//! answers it: every partition gets an answer, a new leader ([`Event::LeaderChanged`]) or
//! the reason it got none ([`Event::LeaderNotElected`]: `ELECTION_NOT_NEEDED` when the
//! preferred replica leads already, `PREFERRED_LEADER_NOT_AVAILABLE` when it is down or out
//! of sync). The older command `ElectPreferredLeaders` is the same election.

use sim::{BrokerId, Command, Event, TopicConfigOverrides, World, WorldConfig};
use std::collections::BTreeMap;

/// `t` with 3 partitions on the 3 brokers; the preferred leader of `t-0` was stopped and
/// restarted (caught up, in the ISR again), so `t-0` is led by another broker.
fn world_with_a_moved_leader() -> (World, BrokerId) {
    let mut w = World::new(7, WorldConfig::default());
    w.apply(Command::CreateTopic {
        name: "t".into(),
        partitions: 3,
        replication_factor: Some(3),
        config: TopicConfigOverrides::default(),
    })
    .unwrap();
    let preferred = w.partition("t", 0).unwrap().leader().unwrap();
    w.apply(Command::KillBroker { broker: preferred }).unwrap();
    w.apply(Command::Advance { ms: 100 }).unwrap();
    w.apply(Command::RestartBroker { broker: preferred })
        .unwrap();
    w.apply(Command::Advance { ms: 1_000 }).unwrap();
    let p = w.partition("t", 0).unwrap();
    assert_ne!(p.leader(), Some(preferred));
    assert!(p.isr().contains(&preferred), "caught up again");
    (w, preferred)
}

/// The answer for each partition of `t`: `Ok(new leader)` or `Err(error code)`.
fn answers(events: &[Event]) -> BTreeMap<i32, Result<BrokerId, String>> {
    let mut out = BTreeMap::new();
    for e in events {
        match e {
            Event::LeaderChanged {
                topic,
                partition,
                to: Some(b),
                ..
            } if topic == "t" => {
                out.insert(*partition, Ok(*b));
            }
            Event::LeaderNotElected {
                topic,
                partition,
                error,
            } if topic == "t" => {
                out.insert(*partition, Err(error.clone()));
            }
            _ => {}
        }
    }
    out
}

fn elect_all(w: &mut World) -> Vec<Event> {
    w.apply(Command::ElectLeaders {
        unclean: false,
        partitions: None,
    })
    .unwrap()
}

#[test]
fn every_partition_is_answered() {
    let (mut w, preferred) = world_with_a_moved_leader();
    let events = elect_all(&mut w);
    let first = answers(&events);
    assert_eq!(first.get(&0), Some(&Ok(preferred)));
    for p in [1, 2] {
        assert_eq!(first.get(&p), Some(&Err("ELECTION_NOT_NEEDED".into())));
    }
    assert_eq!(w.partition("t", 0).unwrap().leader(), Some(preferred));
    // The internal topic's partitions are answered too.
    let internal = events
        .iter()
        .filter(
            |e| matches!(e, Event::LeaderNotElected { topic, .. } if topic == sim::OFFSETS_TOPIC),
        )
        .count();
    assert!(internal > 0);
    // Nothing left to do.
    let again = answers(&elect_all(&mut w));
    assert!(again
        .values()
        .all(|a| a == &Err("ELECTION_NOT_NEEDED".into())));
    w.check_invariants().unwrap();
}

#[test]
fn a_stopped_preferred_replica_is_not_available() {
    let (mut w, preferred) = world_with_a_moved_leader();
    w.apply(Command::KillBroker { broker: preferred }).unwrap();
    let got = answers(&elect_all(&mut w));
    // Every partition whose preferred replica is the stopped broker.
    let expected: Vec<i32> = (0..3)
        .filter(|p| w.partition("t", *p).unwrap().replica_ids()[0] == preferred)
        .collect();
    assert!(expected.contains(&0));
    for p in expected {
        assert_eq!(
            got.get(&p),
            Some(&Err("PREFERRED_LEADER_NOT_AVAILABLE".into()))
        );
    }
}

/// Saved sessions and scenario files may hold the older command: it still loads, and it is
/// the same election with the same answers.
#[test]
fn the_older_elect_preferred_leaders_command_is_the_same_election() {
    let (w, _) = world_with_a_moved_leader();
    let old: Command = serde_json::from_str(r#"{"type":"ElectPreferredLeaders"}"#).unwrap();
    assert_eq!(old, Command::ElectPreferredLeaders {});
    let mut a = w.clone();
    let mut b = w;
    let from_old = a.apply(old).unwrap();
    let from_new = elect_all(&mut b);
    assert_eq!(from_old, from_new);
    assert_eq!(a, b);
}
