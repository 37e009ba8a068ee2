//! A day of virtual time with a group of consumers: every heartbeat and timeout runs and
//! the group stays correct.

mod clients_support;

use clients_support::*;
use sim::group::GroupState;

#[test]
fn a_day_passes_with_five_idle_members_and_they_are_removed_for_not_polling() {
    let mut w = world_with_topic("orders", 6);
    let names = ["c0", "c1", "c2", "c3", "c4"];
    for n in names {
        consumer(&mut w, n, &[("group.id", "g")]);
        subscribe(&mut w, n, "orders");
        poll(&mut w, n);
    }
    settle(&mut w, &names, 20);
    assert_eq!(w.group("g").unwrap().state(), GroupState::Stable);
    advance(&mut w, 24 * 3_600_000);
    // Nobody polled for max.poll.interval.ms (5 min): every member left the group.
    assert_eq!(w.group("g").unwrap().state(), GroupState::Empty);
    w.check_invariants().unwrap();
}
