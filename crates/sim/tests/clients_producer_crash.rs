//! A producer's process dies and starts again (`CrashProducer`, `RestartProducer`).

mod clients_support;

use clients_support::*;
use sim::clients::ProducerEvent;
use sim::{Command, Event, World};

fn send(w: &mut World, value: &str) -> Result<Vec<Event>, sim::SimError> {
    w.apply(Command::Send {
        producer: "p".into(),
        topic: "orders".into(),
        partition: Some(0),
        key: None,
        value: Some(value.into()),
        headers: vec![],
        timestamp_ms: None,
    })
}

fn crashed(events: &[Event]) -> Option<(usize, usize)> {
    events.iter().find_map(|e| match e {
        Event::Producer {
            event: ProducerEvent::Crashed { unsent, in_flight },
            ..
        } => Some((*unsent, *in_flight)),
        _ => None,
    })
}

#[test]
fn a_crash_loses_the_accumulator_and_keeps_what_a_leader_already_has() {
    let mut w = world_with_topic("orders", 1);
    w.apply(Command::CreateProducer {
        name: "p".into(),
        config: props(&[("linger.ms", "1000")]),
    })
    .unwrap();
    send(&mut w, "written").unwrap();
    w.apply(Command::Flush {
        producer: "p".into(),
    })
    .unwrap();
    // Sent, appended on the leader, not yet replicated (acks=all waits for the followers).
    send(&mut w, "lingering").unwrap();
    let events = w
        .apply(Command::CrashProducer {
            producer: "p".into(),
        })
        .unwrap();
    assert_eq!(crashed(&events), Some((1, 1)));
    let p = w.producer("p").unwrap();
    assert!(p.is_crashed());
    assert_eq!(p.queued_records(), 0);
    assert_eq!(p.in_flight_records(), 0);
    // The written record is replicated and readable; the lingering one never left.
    let events = advance(&mut w, 1_000);
    assert!(!events.iter().any(|e| matches!(e, Event::Producer { .. })));
    let part = w.partition("orders", 0).unwrap();
    assert_eq!(part.log_end_offset().0, 1);
    assert_eq!(part.high_watermark().0, 1);
    // A crashed producer refuses sends until it restarts.
    assert_eq!(
        send(&mut w, "x").unwrap_err().kafka_code(),
        "INVALID_REQUEST"
    );
    w.check_invariants().unwrap();
}

#[test]
fn a_restarted_idempotent_producer_gets_a_new_producer_id_and_starts_its_sequences_again() {
    let mut w = world_with_topic("orders", 1);
    w.apply(Command::CreateProducer {
        name: "p".into(),
        config: props(&[("linger.ms", "0")]),
    })
    .unwrap();
    let first = w.producer("p").unwrap().producer_id().unwrap();
    send(&mut w, "a").unwrap();
    advance(&mut w, 100);
    assert_eq!(
        w.apply(Command::RestartProducer {
            producer: "p".into()
        })
        .unwrap_err()
        .kafka_code(),
        "INVALID_REQUEST",
        "a running producer cannot restart"
    );
    w.apply(Command::CrashProducer {
        producer: "p".into(),
    })
    .unwrap();
    let events = w
        .apply(Command::RestartProducer {
            producer: "p".into(),
        })
        .unwrap();
    let second = w.producer("p").unwrap().producer_id().unwrap();
    assert_ne!(first, second);
    assert!(events.iter().any(|e| matches!(
        e,
        Event::ProducerCreated { producer_id: Some(id), .. } if *id == second
    )));
    // Sequence 0 again, under the new id: the same value is a new record.
    let events = send(&mut w, "a").unwrap();
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::Producer {
                event: ProducerEvent::Acknowledged {
                    sequence: Some(0),
                    ..
                },
                ..
            }
        )) || {
            let events = advance(&mut w, 100);
            events.iter().any(|e| {
                matches!(
                    e,
                    Event::Producer {
                        event: ProducerEvent::Acknowledged {
                            sequence: Some(0),
                            ..
                        },
                        ..
                    }
                )
            })
        }
    );
    assert_eq!(w.partition("orders", 0).unwrap().log_end_offset().0, 2);
    w.check_invariants().unwrap();
}
