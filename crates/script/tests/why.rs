//! The "why?" chains: scripted sessions, each line one step (the first line is step 1), and
//! the exact causes `Causes::explain` names for records processed twice, never, or once.

use script::exec::Console;
use script::why::{Causes, LinkKind, ResumeHow, Verdict, Why, Words};
use sim::consumer::ResetReason;
use sim::TopicPartition;

/// Runs `lines` (the first is step 1), feeding the causes after each.
fn session(seed: u64, source: &str) -> (Console, Causes) {
    let mut console = Console::new(seed);
    let mut causes = Causes::new();
    for (i, line) in lines(source).iter().enumerate() {
        let out = console
            .run_line(line)
            .unwrap_or_else(|e| panic!("step {} `{line}`: {}", i + 1, e.message()));
        causes.record(i as u64 + 1, &out.events);
    }
    (console, causes)
}

fn lines(source: &str) -> Vec<&str> {
    source
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

fn why(s: &(Console, Causes), group: &str, topic: &str, p: i32, o: i64) -> Why {
    s.1.explain(&s.0, group, topic, p, o).expect("a record")
}

/// One line per link: step, kind, client, generation, offsets.
fn chain(w: &Why) -> Vec<String> {
    w.links
        .iter()
        .map(|l| {
            let mut s = format!("{} {:?}", l.step, l.kind);
            if let Some(c) = &l.client {
                s += &format!(" {c}");
            }
            if let Some(g) = l.generation {
                s += &format!(" gen {g}");
            }
            if let Some(f) = l.from {
                s += &format!(" from {f}");
            }
            if let Some(o) = l.offset {
                s += &format!(" @{o}");
            }
            if matches!(
                l.kind,
                LinkKind::Crashed | LinkKind::Closed | LinkKind::Revoked | LinkKind::Lost
            ) {
                s += &format!(" notebook {:?}", l.notebook);
            }
            s
        })
        .collect()
}

const CRASH_BEFORE_COMMIT: &str = "
kafka-topics --create --topic orders --partitions 1
kafka-console-producer --topic orders --value one --value two --value three
consumer c1 group.id=billing enable.auto.commit=false auto.offset.reset=earliest
subscribe c1 orders
poll c1
advance 3s
poll c1
process c1 --count 1
commitSync c1 --offsets orders:0=1
process c1
crash c1
advance 45s
consumer c2 group.id=billing enable.auto.commit=false auto.offset.reset=earliest
subscribe c2 orders
poll c2
advance 3s
poll c2
process c2
";

const COMMIT_BEFORE_PROCESSING: &str = "
kafka-topics --create --topic orders --partitions 1
kafka-console-producer --topic orders --value one --value two --value three
consumer c1 group.id=billing enable.auto.commit=false auto.offset.reset=earliest
subscribe c1 orders
poll c1
advance 3s
poll c1
commitSync c1
crash c1
advance 45s
restart c1
poll c1
advance 3s
kafka-console-producer --topic orders --value four
poll c1
process c1
";

const AUTO_COMMIT: &str = "
kafka-topics --create --topic orders --partitions 1
kafka-console-producer --topic orders --value one --value two --value three
consumer c1 group.id=billing auto.commit.interval.ms=5000 auto.offset.reset=earliest
subscribe c1 orders
poll c1
advance 3s
poll c1
process c1
advance 1s
crash c1
advance 45s
restart c1
poll c1
advance 3s
poll c1
process c1
";

fn handover(strategy: &str) -> String {
    format!(
        "
kafka-topics --create --topic rides --partitions 2
producer p1
send p1 --topic rides --partition 1 --value a
send p1 --topic rides --partition 1 --value b
consumer c1 group.id=crew enable.auto.commit=false auto.offset.reset=earliest partition.assignment.strategy={strategy}
consumer c2 group.id=crew enable.auto.commit=false auto.offset.reset=earliest partition.assignment.strategy={strategy}
subscribe c1 rides
poll c1
advance 3s
poll c1
process c1
subscribe c2 rides
poll c2
advance 3s
poll c1
poll c2
advance 3s
poll c1
poll c2
advance 3s
poll c1
poll c2
process c2
"
    )
}

const PROCESSED_ONCE: &str = "
kafka-topics --create --topic orders --partitions 1
kafka-console-producer --topic orders --value one --value two --value three
consumer c1 group.id=billing enable.auto.commit=false auto.offset.reset=earliest
subscribe c1 orders
poll c1
advance 3s
poll c1
process c1
commitSync c1
";

const RETENTION: &str = "
kafka-topics --create --topic clicks --partitions 1 --config retention.ms=60000 --config segment.bytes=200
kafka-console-producer --topic clicks --key k --value one --value two --value three --value four --value five --value six
consumer c1 group.id=billing enable.auto.commit=false auto.offset.reset=earliest
subscribe c1 clicks
poll c1
advance 3s
poll c1
process c1 --count 2
commitSync c1 --offsets clicks:0=2
crash c1
advance 5m
kafka-console-producer --topic clicks --key k --value seven --value eight
restart c1
poll c1
advance 3s
poll c1
poll c1
process c1
";

#[test]
fn a_crash_after_processing_before_the_commit_names_the_whole_chain() {
    let s = session(7, CRASH_BEFORE_COMMIT);
    let w = why(&s, "billing", "orders", 0, 2);
    assert_eq!(w.verdict, Verdict::ProcessedTwice { times: 2 });
    assert_eq!(
        chain(&w),
        [
            "9 Committed { how: Some(Sync) } c1 @1",
            "10 Processed c1 gen 1 @2",
            "11 Crashed c1 notebook Some(1)",
            "16 Assigned c2 gen 3",
            "17 Resumed { how: Committed } c2 @1",
            "18 Processed c2 gen 3 @2",
        ]
    );
    assert_eq!(
        w.text(Words::Train),
        "Team billing checked the passenger in seat 2 of compartment 0 (train orders) 2 times \
         (at-least-once). Ticket checker c1 wrote seat 1 in the notebook at step 9 (commitSync): \
         the next passenger to check; ticket checker c1 (shift 1) checked seat 2 at step 10; \
         ticket checker c1 fainted at step 11, while the notebook's line still said seat 1; \
         ticket checker c2 took compartment 0 at step 16 (shift 3); ticket checker c2 started at \
         seat 1, the notebook's line, at step 17; ticket checker c2 (shift 3) checked seat 2 \
         again at step 18."
    );
    assert_eq!(
        w.text(Words::Kafka),
        "Group billing processed the record at offset 2 of orders-0 2 times: a duplicate \
         (at-least-once). Consumer c1 committed offset 1 at step 9 (commitSync): the next offset \
         to read; consumer c1 (generation 1) processed offset 2 at step 10; consumer c1 crashed \
         at step 11, while the committed offset was still 1; consumer c2 was assigned partition 0 \
         at step 16 (generation 3); consumer c2 resumed at offset 1, the committed offset, at \
         step 17; consumer c2 (generation 3) processed offset 2 again at step 18."
    );
    // Every link carries its step, for the page to link to.
    let steps: Vec<Option<u64>> = w.sentences(Words::Train).iter().map(|s| s.step).collect();
    assert_eq!(
        steps,
        [Some(9), Some(10), Some(11), Some(16), Some(17), Some(18)]
    );
    // Offset 0 was committed past before the crash: processed once, and it is fine.
    let once = why(&s, "billing", "orders", 0, 0);
    assert_eq!(once.verdict, Verdict::ProcessedOnce);
    assert_eq!(
        chain(&once),
        [
            "8 Processed c1 gen 1 @0",
            "9 Committed { how: Some(Sync) } c1 @1"
        ]
    );
}

#[test]
fn a_commit_before_processing_then_a_crash_names_the_commit_past_it_and_the_crash() {
    let s = session(7, COMMIT_BEFORE_PROCESSING);
    let ledger = s.0.world().delivery_ledger();
    let tp = TopicPartition::new("orders", 0);
    assert_eq!(ledger.skipped(Some("billing"), &tp, 0, 4), [0, 1, 2]);
    let w = why(&s, "billing", "orders", 0, 1);
    assert_eq!(w.verdict, Verdict::NeverProcessed);
    assert_eq!(
        chain(&w),
        [
            "7 Fetched c1 from 0 @2",
            "8 Committed { how: Some(Sync) } c1 @3",
            "9 Crashed c1 notebook Some(3)",
            "13 Assigned c1 gen 3",
            "15 Resumed { how: Committed } c1 @3",
        ]
    );
    assert_eq!(
        w.text(Words::Kafka),
        "Group billing never processed the record at offset 1 of orders-0: skipped \
         (at-most-once). Consumer c1's poll returned offsets 0–2 at step 7; consumer c1 committed \
         offset 3 at step 8 (commitSync): the next offset to read; consumer c1 crashed at step 9, \
         while the committed offset was already 3, past offset 1; consumer c1 was assigned \
         partition 0 at step 13 (generation 3); consumer c1 resumed at offset 3, the committed \
         offset, at step 15."
    );
    assert_eq!(
        w.text(Words::Train),
        "Team billing never checked the passenger in seat 1 of compartment 0 (train orders) \
         (at-most-once). Ticket checker c1 collected the tickets of seats 0–2 at step 7; ticket \
         checker c1 wrote seat 3 in the notebook at step 8 (commitSync): the next passenger to \
         check; ticket checker c1 fainted at step 9, while the notebook's line already said seat \
         3, past seat 1; ticket checker c1 took compartment 0 at step 13 (shift 3); ticket \
         checker c1 started at seat 3, the notebook's line, at step 15."
    );
}

#[test]
fn an_auto_commit_duplicate_names_the_crash_inside_the_interval() {
    let s = session(7, AUTO_COMMIT);
    let w = why(&s, "billing", "orders", 0, 1);
    assert_eq!(w.verdict, Verdict::ProcessedTwice { times: 2 });
    assert_eq!(
        chain(&w),
        [
            "8 Processed c1 gen 1 @1",
            "10 Crashed c1 notebook None",
            "14 Assigned c1 gen 3",
            "15 Resumed { how: Reset(NoCommittedOffset) } c1 @0",
            "16 Processed c1 gen 3 @1",
        ]
    );
    assert_eq!(
        w.links[3].kind,
        LinkKind::Resumed {
            how: ResumeHow::Reset(ResetReason::NoCommittedOffset)
        }
    );
    assert!(w.text(Words::Train).contains(
        "ticket checker c1 fainted at step 10, while the notebook had no line for compartment 0"
    ));
}

#[test]
fn an_eager_rebalance_handing_the_partition_over_re_reads_it() {
    let s = session(7, &handover("range"));
    let w = why(&s, "crew", "rides", 1, 1);
    assert_eq!(w.verdict, Verdict::ProcessedTwice { times: 2 });
    assert_eq!(
        chain(&w),
        [
            "11 Processed c1 gen 1 @1",
            "15 Revoked c1 notebook None",
            "15 Assigned c2 gen 2",
            "16 Resumed { how: Reset(NoCommittedOffset) } c2 @0",
            "23 Processed c2 gen 2 @1",
        ]
    );
    assert!(w.text(Words::Kafka).contains(
        "partition 1 was revoked from consumer c1 at step 15 (rebalance), with no committed offset for partition 1"
    ));
}

#[test]
fn a_cooperative_rebalance_moves_it_in_the_follow_up_generation() {
    let s = session(7, &handover("cooperative-sticky"));
    let w = why(&s, "crew", "rides", 1, 0);
    assert_eq!(w.verdict, Verdict::ProcessedTwice { times: 2 });
    assert_eq!(
        chain(&w),
        [
            "11 Processed c1 gen 1 @0",
            "15 Revoked c1 notebook None",
            "22 Assigned c2 gen 3",
            "22 Resumed { how: Reset(NoCommittedOffset) } c2 @0",
            "23 Processed c2 gen 3 @0",
        ]
    );
    assert!(w.text(Words::Train).contains(
        "ticket checker c1 handed compartment 1 back at step 15 when the team was reshuffled"
    ));
}

#[test]
fn a_record_processed_once_and_committed_past_is_fine() {
    let s = session(7, PROCESSED_ONCE);
    let w = why(&s, "billing", "orders", 0, 1);
    assert_eq!(w.verdict, Verdict::ProcessedOnce);
    assert_eq!(
        chain(&w),
        [
            "8 Processed c1 gen 1 @1",
            "9 Committed { how: Some(Sync) } c1 @3"
        ]
    );
    assert_eq!(
        w.text(Words::Train),
        "Team billing checked the passenger in seat 1 of compartment 0 (train orders) once, as \
         intended. Ticket checker c1 (shift 1) checked seat 1 at step 8; ticket checker c1 wrote \
         seat 3 in the notebook at step 9 (commitSync): the next passenger to check. The \
         notebook's line (3) is past seat 1: the team will not read it again from there."
    );
    // Past the log end there is nothing to explain.
    assert!(s.1.explain(&s.0, "billing", "orders", 0, 3).is_none());
    assert!(s.1.explain(&s.0, "billing", "orders", 1, 0).is_none());
}

#[test]
fn retention_deleting_records_before_the_group_got_there_cites_the_step() {
    let s = session(11, RETENTION);
    let w = why(&s, "billing", "clicks", 0, 4);
    assert_eq!(w.verdict, Verdict::NeverProcessed);
    assert_eq!(
        chain(&w),
        [
            "9 Committed { how: Some(Sync) } c1 @2",
            "11 Retention from 0 @6",
            "15 Assigned c1 gen 3",
            "16 Resumed { how: Reset(OutOfRange) } c1 @6",
        ]
    );
    assert_eq!(
        w.text(Words::Kafka),
        "Group billing never processed the record at offset 4 of clicks-0: retention deleted it \
         before the group got there. Consumer c1 committed offset 2 at step 9 (commitSync): the \
         next offset to read; retention deleted offsets 0–5 at step 11 (the log start offset \
         moved from 0 to 6); consumer c1 was assigned partition 0 at step 15 (generation 3); \
         consumer c1's offset was out of range, so auto.offset.reset set its position to 6 at \
         step 16."
    );
    // The ledger counts them as skips in its totals.
    let totals = s.0.world().delivery_ledger().totals(Some("billing"));
    assert_eq!(totals.skipped_records, 4);
    // What the group processed before retention is only in the totals now.
    let gone = why(&s, "billing", "clicks", 0, 1);
    assert_eq!(gone.verdict, Verdict::Forgotten);
    assert_eq!(chain(&gone), ["11 Retention from 0 @6"]);
}

#[test]
fn a_record_not_reached_yet_and_one_before_the_start() {
    let s = session(
        7,
        "
kafka-topics --create --topic orders --partitions 1
kafka-console-producer --topic orders --value one --value two
consumer c1 group.id=late enable.auto.commit=false
subscribe c1 orders
poll c1
advance 3s
poll c1
kafka-console-producer --topic orders --value three --value four
",
    );
    let before = why(&s, "late", "orders", 0, 1);
    assert_eq!(before.verdict, Verdict::StartedAfter);
    assert_eq!(
        chain(&before),
        ["7 Resumed { how: Reset(NoCommittedOffset) } c1 @2"]
    );
    assert!(before.text(Words::Kafka).contains(
        "With no committed offset, auto.offset.reset set consumer c1's position to 2 at step 7"
    ));
    let ahead = why(&s, "late", "orders", 0, 3);
    assert_eq!(ahead.verdict, Verdict::NotYet);
}

/// A small deterministic generator (SplitMix64) for the property test.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// One random-ish line of a session with two groups over a two-partition topic with small
/// retention.
fn random_line(rng: &mut Rng) -> String {
    let consumers = ["a1", "a2", "b1", "b2"];
    let c = consumers[rng.below(consumers.len())];
    match rng.below(16) {
        0..=2 => format!(
            "kafka-console-producer --topic t --key k{} --value v",
            rng.below(5)
        ),
        3..=4 => format!("poll {c}"),
        5..=6 => format!("process {c}"),
        7 => format!("process {c} --count 1"),
        8 => format!("commitSync {c}"),
        9 => format!("commitAsync {c}"),
        10 => format!("crash {c}"),
        11 => format!("restart {c}"),
        12 => format!("close {c}"),
        13 => format!("seek {c} t:{} {}", rng.below(2), rng.below(6)),
        14 => format!("advance {}ms", 500 + rng.below(4) * 1500),
        _ => format!("advance {}s", 10 + rng.below(50)),
    }
}

#[test]
fn every_duplicate_and_every_skip_the_ledger_counts_gets_a_chain() {
    let mut checked_duplicates = 0;
    let mut checked_skips = 0;
    for seed in 0..40u64 {
        let mut rng = Rng(seed);
        let mut console = Console::new(seed);
        let mut causes = Causes::new();
        let mut step = 0u64;
        let setup = [
            "kafka-topics --create --topic t --partitions 2 --config retention.ms=90000 --config segment.bytes=300",
            "consumer a1 group.id=A enable.auto.commit=false auto.offset.reset=earliest",
            "consumer a2 group.id=A enable.auto.commit=false auto.offset.reset=earliest partition.assignment.strategy=range",
            "consumer b1 group.id=B auto.commit.interval.ms=2000 auto.offset.reset=earliest partition.assignment.strategy=cooperative-sticky",
            "consumer b2 group.id=B auto.commit.interval.ms=2000 auto.offset.reset=earliest partition.assignment.strategy=cooperative-sticky",
            "subscribe a1 t",
            "subscribe a2 t",
            "subscribe b1 t",
            "subscribe b2 t",
        ];
        let mut script: Vec<String> = setup.iter().map(|s| s.to_string()).collect();
        for _ in 0..120 {
            script.push(random_line(&mut rng));
        }
        for line in &script {
            // A failing line changes nothing and is not a step.
            if let Ok(out) = console.run_line(line) {
                step += 1;
                causes.record(step, &out.events);
            }
        }
        let ledger = console.world().delivery_ledger();
        for group in ["A", "B"] {
            for ((tp, offset), times) in ledger.duplicates(Some(group)) {
                let w = causes
                    .explain(&console, group, &tp.topic, tp.partition, offset)
                    .expect("a duplicate is a record");
                assert_eq!(w.verdict, Verdict::ProcessedTwice { times });
                let processings = w
                    .links
                    .iter()
                    .filter(|l| l.kind == LinkKind::Processed)
                    .count();
                assert!(
                    processings >= 2,
                    "seed {seed}, {group} {tp}@{offset}: {:#?}",
                    w.links
                );
                let _ = w.text(Words::Train);
                let _ = w.text(Words::Kafka);
                checked_duplicates += 1;
            }
            for partition in 0..2 {
                let tp = TopicPartition::new("t", partition);
                let end = console
                    .world()
                    .partition("t", partition)
                    .unwrap()
                    .log_end_offset()
                    .0;
                for offset in ledger.skipped(Some(group), &tp, 0, end) {
                    let skipped_by_ledger = ledger
                        .first_fetched(Some(group), &tp)
                        .is_some_and(|f| f <= offset)
                        && ledger
                            .last_processed(Some(group), &tp)
                            .is_some_and(|l| offset < l);
                    let Some(w) = causes.explain(&console, group, "t", partition, offset) else {
                        panic!("seed {seed}: {group} {tp}@{offset} has no explanation");
                    };
                    if skipped_by_ledger {
                        assert_eq!(
                            w.verdict,
                            Verdict::NeverProcessed,
                            "seed {seed} {group} {tp}@{offset}"
                        );
                        assert!(
                            !w.links.is_empty(),
                            "seed {seed}, {group} {tp}@{offset}: an empty chain"
                        );
                        checked_skips += 1;
                    }
                    let _ = w.text(Words::Train);
                    let _ = w.text(Words::Kafka);
                }
                // Nothing panics for any offset, deleted, present or past the end.
                for offset in -1..=end {
                    if let Some(w) = causes.explain(&console, group, "t", partition, offset) {
                        let _ = w.text(Words::Kafka);
                    }
                }
            }
        }
    }
    assert!(checked_duplicates > 0, "the sequences made no duplicate");
    assert!(checked_skips > 0, "the sequences made no skip");
}

#[test]
fn merged_advance_ticks_and_a_rebuilt_session_give_the_same_chain() {
    // The page merges play ticks into one step; feeding each tick with the same step number
    // gives the chain a replay of the merged line gives.
    let head = lines(CRASH_BEFORE_COMMIT);
    let mut console = Console::new(7);
    let mut causes = Causes::new();
    let mut stored: Vec<String> = Vec::new();
    for line in &head {
        if *line == "advance 45s" {
            stored.push(line.to_string());
            let step = stored.len() as u64;
            for _ in 0..45 {
                let out = console.run_line("advance 1s").unwrap();
                causes.record(step, &out.events);
            }
            continue;
        }
        let out = console.run_line(line).unwrap();
        stored.push(line.to_string());
        causes.record(stored.len() as u64, &out.events);
    }
    let live = causes.explain(&console, "billing", "orders", 0, 2).unwrap();
    let rebuilt = session(7, CRASH_BEFORE_COMMIT);
    assert_eq!(live, why(&rebuilt, "billing", "orders", 0, 2));
    assert_eq!(console.state_hash(), rebuilt.0.state_hash());
}

#[test]
fn a_long_played_session_with_retention_stays_bounded() {
    let mut console = Console::new(3);
    let mut causes = Causes::new();
    let setup = [
        "kafka-topics --create --topic orders --partitions 1 --config retention.ms=20000 --config segment.bytes=600",
        "producer p1 linger.ms=0",
        "consumer c1 group.id=billing enable.auto.commit=false auto.offset.reset=earliest max.poll.records=5",
        "subscribe c1 orders",
        "run p1 --topic orders --rate 10 --keys 3",
        "run c1 --commit sync-per-batch --process-ms 20 --poll-timeout-ms 200",
    ];
    for (i, line) in setup.iter().enumerate() {
        let out = console.run_line(line).unwrap();
        causes.record(i as u64 + 1, &out.events);
    }
    // Play: ten minutes of ticks, all one step as the page merges them, then a crash and
    // another ten minutes.
    let mut most = 0;
    for (step, tail) in [(7u64, None), (9, Some("restart c1"))] {
        if let Some(line) = tail {
            let out = console.run_line("crash c1").unwrap();
            causes.record(step - 1, &out.events);
            let out = console.run_line(line).unwrap();
            causes.record(step, &out.events);
            let out = console
                .run_line("run c1 --commit sync-per-batch --process-ms 20 --poll-timeout-ms 200")
                .unwrap();
            causes.record(step, &out.events);
        }
        for _ in 0..600 {
            let out = console.run_line("advance 1s").unwrap();
            causes.record(step + 1, &out.events);
            most = most.max(causes.held());
        }
    }
    let start = console
        .world()
        .partition("orders", 0)
        .unwrap()
        .log_start_offset()
        .0;
    assert!(start > 1000, "retention ran: log start {start}");
    // One (group, partition) history and one partition's retention marks, each capped.
    assert!(
        most <= script::why::TEAM_HISTORY_LIMIT + script::why::RETENTION_MARKS_LIMIT,
        "held {most}"
    );
    // Whatever the ledger still counts one by one can be explained.
    let ledger = console.world().delivery_ledger();
    for ((tp, offset), _) in ledger.duplicates(Some("billing")) {
        let w = causes
            .explain(&console, "billing", &tp.topic, tp.partition, offset)
            .unwrap();
        assert!(
            w.links
                .iter()
                .filter(|l| l.kind == LinkKind::Processed)
                .count()
                >= 2,
            "{offset}: {:#?}",
            w.links
        );
    }
}

#[test]
fn a_seek_back_is_a_replay_not_a_delivery_failure() {
    let s = session(
        7,
        "
kafka-topics --create --topic orders --partitions 1
kafka-console-producer --topic orders --value one --value two
consumer c1 group.id=billing enable.auto.commit=false auto.offset.reset=earliest
subscribe c1 orders
poll c1
advance 3s
poll c1
process c1
commitSync c1
seek c1 orders:0 0
poll c1
process c1
",
    );
    let w = why(&s, "billing", "orders", 0, 1);
    assert_eq!(w.verdict, Verdict::ProcessedTwice { times: 2 });
    assert_eq!(
        chain(&w),
        [
            "8 Processed c1 gen 1 @1",
            "10 Resumed { how: Seek } c1 @0",
            "12 Processed c1 gen 1 @1",
        ]
    );
    assert_eq!(
        w.text(Words::Kafka),
        "Group billing processed the record at offset 1 of orders-0 2 times: a duplicate, after \
         a seek back. Consumer c1 (generation 1) processed offset 1 at step 8; consumer c1 moved \
         to offset 0 at step 10 (seek); consumer c1 (generation 1) processed offset 1 again at \
         step 12."
    );
}
