//! The stories the tutorial tells, with a fake log and a fake offset store.

use super::*;
use crate::assignor::Assignor;
use crate::group::{
    DeferredResponse, Group, GroupConfig, GroupError, JoinGroupResponse, Reply, SyncGroupRequest,
};
use crate::types::TopicPartition;
use std::collections::BTreeMap;

fn tp(p: i32) -> TopicPartition {
    TopicPartition::new("orders", p)
}

/// Partitions of topic "orders": records from the log start offset up to the log end
/// offset; only those below the high watermark may be read.
struct FakeLog {
    partitions: Vec<(i64, i64, i64)>, // (log start, high watermark, log end)
}

impl FakeLog {
    fn with(n: usize, records: i64) -> Self {
        Self {
            partitions: vec![(0, records, records); n],
        }
    }
}

impl LogReader for FakeLog {
    fn fetch(
        &self,
        tp: &TopicPartition,
        offset: i64,
        max: usize,
        _isolation: IsolationLevel,
    ) -> Result<Vec<ConsumerRecord>, FetchError> {
        let &(start, hw, end) = self
            .partitions
            .get(tp.partition as usize)
            .ok_or(FetchError::UnknownTopicOrPartition)?;
        if offset < start || offset > end {
            return Err(FetchError::OffsetOutOfRange);
        }
        Ok((offset..hw)
            .take(max)
            .map(|o| ConsumerRecord {
                topic: tp.topic.clone(),
                partition: tp.partition,
                offset: o,
                timestamp_ms: o,
                key: None,
                value: Some(format!("passenger {o}")),
            })
            .collect())
    }
    fn log_start_offset(&self, tp: &TopicPartition) -> Result<i64, FetchError> {
        self.partitions
            .get(tp.partition as usize)
            .map(|p| p.0)
            .ok_or(FetchError::UnknownTopicOrPartition)
    }
    fn high_watermark(&self, tp: &TopicPartition) -> Result<i64, FetchError> {
        self.partitions
            .get(tp.partition as usize)
            .map(|p| p.1)
            .ok_or(FetchError::UnknownTopicOrPartition)
    }
    fn partition_count(&self, topic: &str) -> Option<i32> {
        (topic == "orders").then_some(self.partitions.len() as i32)
    }
}

/// Committed offsets, validated against an optional group coordinator.
#[derive(Default)]
struct FakeStore {
    committed: BTreeMap<(String, TopicPartition), i64>,
    group: Option<Group>,
    commits: usize,
}

impl OffsetStore for FakeStore {
    fn committed(&self, group_id: &str, tp: &TopicPartition) -> Option<i64> {
        self.committed
            .get(&(group_id.to_string(), tp.clone()))
            .copied()
    }
    fn commit(&mut self, r: &OffsetCommitRequest) -> Result<(), GroupError> {
        if let Some(g) = &self.group {
            g.validate_offset_commit(
                &r.member_id,
                r.group_instance_id.as_deref(),
                r.generation_id,
            )?;
        }
        for (tp, o) in &r.offsets {
            self.committed.insert((r.group_id.clone(), tp.clone()), *o);
        }
        self.commits += 1;
        Ok(())
    }
}

fn assigned_consumer(config: ConsumerConfig, partitions: &[TopicPartition]) -> Consumer {
    let mut c = Consumer::new(config, 0);
    c.assign(partitions).unwrap();
    c
}

fn offsets(records: &[ConsumerRecord]) -> Vec<i64> {
    records.iter().map(|r| r.offset).collect()
}

fn config() -> ConsumerConfig {
    let mut c = ConsumerConfig::new("checkers", "checker-1");
    c.auto_offset_reset = OffsetResetStrategy::Earliest;
    c.max_poll_records = 10;
    c
}

#[test]
fn the_committed_offset_is_the_next_offset_to_read() {
    let log = FakeLog::with(1, 50);
    let mut store = FakeStore::default();
    let mut c = assigned_consumer(config(), &[tp(0)]);
    c.seek(&tp(0), 32).unwrap();
    let got = c.poll(0, &log, &mut store).unwrap();
    assert_eq!(offsets(&got), (32..42).collect::<Vec<_>>());
    c.process(0, None, 1).unwrap();
    // Processed up to offset 41: commitSync commits the position, 42.
    c.commit_sync(10, None, &mut store).unwrap();
    assert_eq!(c.committed(&tp(0), &store), Some(42));
}

#[test]
fn crash_after_processing_before_commit_redelivers_the_batch() {
    let log = FakeLog::with(1, 100);
    let mut store = FakeStore::default();
    let mut ledger = DeliveryLedger::default();
    let mut c = assigned_consumer(config(), &[tp(0)]);
    // t=0: 0..=9, processed. t=5000: the poll first auto-commits 10, then returns 10..=19.
    for p in c
        .poll(0, &log, &mut store)
        .map(|_| c.process(0, None, 10).unwrap())
        .unwrap()
    {
        ledger.record(&p);
    }
    assert_eq!(store.committed.len(), 0);
    let second = c.poll(5_000, &log, &mut store).unwrap();
    assert_eq!(offsets(&second), (10..20).collect::<Vec<_>>());
    assert_eq!(c.committed(&tp(0), &store), Some(10));
    for p in c.process(5_000, None, 10).unwrap() {
        ledger.record(&p);
    }
    // The checker crashes before its next poll: offsets 10..=19 were processed but the
    // notebook still says 10.
    c.crash();
    let mut restarted = assigned_consumer(config(), &[tp(0)]);
    let again = restarted.poll(8_000, &log, &mut store).unwrap();
    assert_eq!(offsets(&again), (10..20).collect::<Vec<_>>());
    for p in restarted.process(8_000, None, 10).unwrap() {
        ledger.record(&p);
    }
    assert_eq!(ledger.times_processed(Some("checkers"), &tp(0), 15), 2);
    assert_eq!(ledger.duplicates(Some("checkers")).len(), 10);
    assert!(ledger.skipped(Some("checkers"), &tp(0), 0, 20).is_empty());
}

#[test]
fn auto_commit_runs_at_the_start_of_poll_not_on_its_own() {
    let log = FakeLog::with(1, 100);
    let mut store = FakeStore::default();
    let mut c = assigned_consumer(config(), &[tp(0)]);
    c.poll(0, &log, &mut store).unwrap();
    c.poll(4_999, &log, &mut store).unwrap();
    assert_eq!(store.commits, 0);
    // Time passes without a poll: nothing is committed.
    c.poll(60_000, &log, &mut store).unwrap();
    assert_eq!(store.commits, 1);
    // It committed the position returned by the earlier polls (20), not the new one (30).
    assert_eq!(c.committed(&tp(0), &store), Some(20));
    assert_eq!(c.known_position(&tp(0)), Some(30));
}

#[test]
fn commit_before_processing_then_crash_skips_the_batch() {
    let log = FakeLog::with(1, 100);
    let mut store = FakeStore::default();
    let mut ledger = DeliveryLedger::default();
    let mut cfg = config();
    cfg.enable_auto_commit = false;
    let mut c = assigned_consumer(cfg.clone(), &[tp(0)]);
    c.poll(0, &log, &mut store).unwrap();
    c.commit_sync(1, None, &mut store).unwrap();
    c.crash();
    let mut restarted = assigned_consumer(cfg, &[tp(0)]);
    let got = restarted.poll(2, &log, &mut store).unwrap();
    assert_eq!(got.first().map(|r| r.offset), Some(10));
    for p in restarted.process(2, None, 1).unwrap() {
        ledger.record(&p);
    }
    // At-most-once: offsets 0..=9 were never processed.
    assert_eq!(
        ledger.skipped(Some("checkers"), &tp(0), 0, 20),
        (0..10).collect::<Vec<_>>()
    );
}

#[test]
fn without_a_committed_offset_earliest_starts_at_the_log_start_offset() {
    let log = FakeLog {
        partitions: vec![(7, 20, 20)],
    };
    let mut store = FakeStore::default();
    let mut c = assigned_consumer(config(), &[tp(0)]);
    let got = c.poll(0, &log, &mut store).unwrap();
    assert_eq!(got.first().map(|r| r.offset), Some(7));
    assert!(c.drain_events().iter().any(|e| matches!(
        e,
        ConsumerEvent::PositionReset {
            offset: 7,
            reason: ResetReason::NoCommittedOffset,
            ..
        }
    )));
}

#[test]
fn without_a_committed_offset_latest_starts_at_the_high_watermark() {
    let log = FakeLog {
        partitions: vec![(0, 20, 25)],
    };
    let mut store = FakeStore::default();
    let mut cfg = config();
    cfg.auto_offset_reset = OffsetResetStrategy::Latest;
    let mut c = assigned_consumer(cfg, &[tp(0)]);
    assert!(c.poll(0, &log, &mut store).unwrap().is_empty());
    assert_eq!(c.known_position(&tp(0)), Some(20));
}

#[test]
fn without_a_committed_offset_reset_none_is_an_error_the_learner_sees() {
    let log = FakeLog::with(1, 20);
    let mut store = FakeStore::default();
    let mut cfg = config();
    cfg.auto_offset_reset = OffsetResetStrategy::None;
    let mut c = assigned_consumer(cfg, &[tp(0)]);
    let err = c.poll(0, &log, &mut store).unwrap_err();
    assert_eq!(
        err,
        ConsumerError::NoOffsetForPartition { partition: tp(0) }
    );
    assert!(err.to_string().starts_with("NoOffsetForPartitionException"));
}

#[test]
fn a_committed_offset_deleted_by_retention_is_reset_by_auto_offset_reset() {
    // The notebook says 5, but retention removed everything below 30.
    let log = FakeLog {
        partitions: vec![(30, 40, 40)],
    };
    let mut store = FakeStore::default();
    store.committed.insert(("checkers".into(), tp(0)), 5);
    let mut c = assigned_consumer(config(), &[tp(0)]);
    assert!(c.poll(0, &log, &mut store).unwrap().is_empty());
    assert_eq!(c.known_position(&tp(0)), Some(30));
    let got = c.poll(10, &log, &mut store).unwrap();
    assert_eq!(got.first().map(|r| r.offset), Some(30));

    let mut cfg = config();
    cfg.auto_offset_reset = OffsetResetStrategy::None;
    let mut strict = assigned_consumer(cfg, &[tp(0)]);
    assert_eq!(
        strict.poll(0, &log, &mut store).unwrap_err(),
        ConsumerError::OffsetOutOfRange {
            partition: tp(0),
            offset: 5
        }
    );
}

#[test]
fn consumers_never_read_above_the_high_watermark() {
    let log = FakeLog {
        partitions: vec![(0, 5, 9)],
    };
    let mut store = FakeStore::default();
    let mut c = assigned_consumer(config(), &[tp(0)]);
    let got = c.poll(0, &log, &mut store).unwrap();
    assert_eq!(offsets(&got), vec![0, 1, 2, 3, 4]);
    assert!(c.poll(1, &log, &mut store).unwrap().is_empty());
    assert_eq!(c.known_position(&tp(0)), Some(5));
}

#[test]
fn max_poll_records_caps_a_poll() {
    let log = FakeLog::with(1, 2_000);
    let mut store = FakeStore::default();
    let mut cfg = config();
    cfg.max_poll_records = 500;
    let mut c = assigned_consumer(cfg, &[tp(0)]);
    assert_eq!(c.poll(0, &log, &mut store).unwrap().len(), 500);
    assert_eq!(ConsumerConfig::new("g", "c").max_poll_records, 500);
}

#[test]
fn the_position_is_memory_and_the_committed_offset_survives_a_crash() {
    let log = FakeLog::with(1, 100);
    let mut store = FakeStore::default();
    let mut cfg = config();
    cfg.enable_auto_commit = false;
    let mut c = assigned_consumer(cfg.clone(), &[tp(0)]);
    c.poll(0, &log, &mut store).unwrap();
    c.commit_sync(0, Some(vec![(tp(0), 4)]), &mut store)
        .unwrap();
    c.poll(1, &log, &mut store).unwrap();
    assert_eq!(c.known_position(&tp(0)), Some(20));
    c.crash();
    assert_eq!(c.known_position(&tp(0)), None);
    assert!(c.poll(2, &log, &mut store).is_err());
    let mut restarted = assigned_consumer(cfg, &[tp(0)]);
    assert_eq!(restarted.position(&tp(0), &log, &store), Ok(4));
}

#[test]
fn seek_moves_the_position_for_the_next_poll() {
    let log = FakeLog::with(1, 100);
    let mut store = FakeStore::default();
    let mut c = assigned_consumer(config(), &[tp(0)]);
    c.poll(0, &log, &mut store).unwrap();
    c.seek(&tp(0), 70).unwrap();
    assert_eq!(c.poll(1, &log, &mut store).unwrap()[0].offset, 70);
    assert!(matches!(
        c.seek(&tp(0), -1),
        Err(ConsumerError::IllegalArgument { .. })
    ));
    assert!(matches!(
        c.seek(&tp(3), 1),
        Err(ConsumerError::IllegalState { .. })
    ));
}

#[test]
fn seek_to_beginning_and_end_are_lazy_until_the_next_poll() {
    let log = FakeLog {
        partitions: vec![(10, 60, 60)],
    };
    let mut store = FakeStore::default();
    let mut c = assigned_consumer(config(), &[tp(0)]);
    c.poll(0, &log, &mut store).unwrap();
    c.seek_to_end(&[]).unwrap();
    assert_eq!(c.known_position(&tp(0)), None);
    assert!(c.poll(1, &log, &mut store).unwrap().is_empty());
    assert_eq!(c.known_position(&tp(0)), Some(60));
    c.seek_to_beginning(&[tp(0)]).unwrap();
    assert_eq!(c.position(&tp(0), &log, &store), Ok(10));
}

#[test]
fn pause_stops_fetching_a_partition_and_resume_restarts_it() {
    let log = FakeLog::with(2, 100);
    let mut store = FakeStore::default();
    let mut c = assigned_consumer(config(), &[tp(0), tp(1)]);
    c.pause(&[tp(1)]).unwrap();
    for t in 0..3 {
        let got = c.poll(t, &log, &mut store).unwrap();
        assert!(got.iter().all(|r| r.partition == 0));
    }
    assert_eq!(c.paused(), vec![tp(1)]);
    c.resume(&[tp(1)]).unwrap();
    let mut seen1 = false;
    for t in 3..5 {
        seen1 |= c
            .poll(t, &log, &mut store)
            .unwrap()
            .iter()
            .any(|r| r.partition == 1);
    }
    assert!(seen1);
}

#[test]
fn close_commits_the_positions_and_a_dynamic_member_leaves_the_group() {
    let log = FakeLog::with(1, 100);
    let mut store = FakeStore::default();
    let mut c = assigned_consumer(config(), &[tp(0)]);
    c.poll(0, &log, &mut store).unwrap();
    assert_eq!(c.close(100, &mut store), None); // manual assignment: no group to leave
    assert_eq!(c.committed(&tp(0), &store), Some(10));
    assert!(c.is_closed());
    assert!(c.poll(200, &log, &mut store).is_err());
}

#[test]
fn the_default_assignors_mean_the_eager_protocol() {
    assert_eq!(
        ConsumerConfig::new("g", "c").rebalance_protocol(),
        crate::assignor::RebalanceProtocol::Eager
    );
    let mut cfg = ConsumerConfig::new("g", "c");
    cfg.partition_assignment_strategy = vec![Assignor::CooperativeSticky];
    assert_eq!(
        cfg.rebalance_protocol(),
        crate::assignor::RebalanceProtocol::Cooperative
    );
}

// ----- group stories: consumers and a real coordinator ---------------------------------

/// Delivers a join and whatever answers it released; returns the answers per member.
fn send_join(
    g: &mut Group,
    c: &mut Consumer,
    store: &mut FakeStore,
    now: i64,
) -> BTreeMap<String, JoinGroupResponse> {
    let req = c.prepare_join(now, store).unwrap();
    let (mut reply, mut out) = g.join_group(req, now);
    if let Reply::Now(Err(e)) = &reply {
        if let Some(again) = c.on_join_error(e).unwrap() {
            (reply, out) = g.join_group(again, now);
        }
    }
    let mut answers = BTreeMap::new();
    if let Reply::Now(Ok(r)) = reply {
        answers.insert(r.member_id.clone(), r);
    }
    for d in out.responses {
        if let DeferredResponse::Join {
            member_id,
            response: Ok(r),
        } = d
        {
            answers.insert(member_id, r);
        }
    }
    answers
}

/// Every member syncs (followers first); each consumer receives its assignment.
fn sync(
    g: &mut Group,
    consumers: &mut [&mut Consumer],
    answers: &BTreeMap<String, JoinGroupResponse>,
    log: &FakeLog,
    now: i64,
) {
    let mut requests: Vec<(usize, SyncGroupRequest)> = Vec::new();
    for (i, c) in consumers.iter_mut().enumerate() {
        let Some(a) = answers.get(c.member_id()).or_else(|| {
            answers.values().find(|a| {
                a.member_id
                    .starts_with(&format!("{}-", c.config().client_id))
            })
        }) else {
            continue;
        };
        requests.push((i, c.on_join_response(a, log, now).unwrap()));
    }
    requests.sort_by_key(|(_, r)| !r.assignments.is_empty());
    let mut got: BTreeMap<String, Vec<TopicPartition>> = BTreeMap::new();
    for (_, req) in requests {
        let id = req.member_id.clone();
        let (reply, out) = g.sync_group(req, now);
        if let Reply::Now(Ok(r)) = reply {
            got.insert(id, r.assignment);
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
    }
    for c in consumers.iter_mut() {
        if let Some(a) = got.get(c.member_id()) {
            c.on_assignment(a, now);
        }
    }
}

fn group_store() -> FakeStore {
    FakeStore {
        group: Some(Group::new("checkers", GroupConfig::default(), 3)),
        ..FakeStore::default()
    }
}

#[test]
fn an_eager_rebalance_commits_then_revokes_everything_before_rejoining() {
    let log = FakeLog::with(2, 100);
    let mut store = group_store();
    let mut g = store.group.take().unwrap();
    let mut c1 = Consumer::new(config(), 0);
    c1.subscribe(&["orders"]).unwrap();
    assert!(c1.wants_to_join());
    send_join(&mut g, &mut c1, &mut store, 0);
    let answers = {
        let out = g.on_time(3_000);
        out.responses
            .into_iter()
            .filter_map(|d| match d {
                DeferredResponse::Join {
                    member_id,
                    response: Ok(r),
                } => Some((member_id, r)),
                _ => None,
            })
            .collect::<BTreeMap<_, _>>()
    };
    sync(&mut g, &mut [&mut c1], &answers, &log, 3_000);
    assert_eq!(c1.assignment(), vec![tp(0), tp(1)]);
    store.group = Some(g);
    c1.poll(3_100, &log, &mut store).unwrap();
    c1.poll(3_200, &log, &mut store).unwrap();
    c1.drain_events();

    // A second checker joins; c1 hears REBALANCE_IN_PROGRESS and rejoins.
    let mut g = store.group.take().unwrap();
    let mut c2 = Consumer::new(config(), 4_000);
    c2.subscribe(&["orders"]).unwrap();
    send_join(&mut g, &mut c2, &mut store, 4_000);
    let hb = g.heartbeat(c1.member_id(), None, c1.generation(), 4_100);
    c1.on_heartbeat_response(hb).unwrap();
    assert!(c1.wants_to_join());
    store.group = Some(g);
    let req = c1.prepare_join(4_200, &mut store).unwrap();
    let events = c1.drain_events();
    // Auto-commit first (positions 10 and 10), then everything revoked.
    let commit = events.iter().position(|e| {
        matches!(
            e,
            ConsumerEvent::Committed {
                kind: CommitKind::BeforeRebalance,
                ..
            }
        )
    });
    let revoke = events.iter().position(
        |e| matches!(e, ConsumerEvent::PartitionsRevoked { partitions } if partitions.len() == 2),
    );
    assert!(
        commit.is_some() && revoke.is_some() && commit < revoke,
        "{events:?}"
    );
    assert!(c1.assignment().is_empty());
    assert!(req
        .protocols
        .iter()
        .all(|p| p.subscription.owned_partitions.is_empty()));
    assert_eq!(store.committed("checkers", &tp(0)), Some(10));
    assert_eq!(store.committed("checkers", &tp(1)), Some(10));
}

#[test]
fn a_cooperative_rebalance_keeps_retained_partitions_and_asks_for_a_follow_up() {
    let log = FakeLog::with(3, 100);
    let mut cfg = config();
    cfg.partition_assignment_strategy = vec![Assignor::CooperativeSticky];
    let mut store = FakeStore::default();
    let mut g = Group::new("checkers", GroupConfig::default(), 5);
    let mut c1 = Consumer::new(cfg.clone(), 0);
    c1.subscribe(&["orders"]).unwrap();
    send_join(&mut g, &mut c1, &mut store, 0);
    let out = g.on_time(3_000);
    let answers: BTreeMap<String, JoinGroupResponse> = out
        .responses
        .into_iter()
        .filter_map(|d| match d {
            DeferredResponse::Join {
                member_id,
                response: Ok(r),
            } => Some((member_id, r)),
            _ => None,
        })
        .collect();
    sync(&mut g, &mut [&mut c1], &answers, &log, 3_000);
    assert_eq!(c1.assignment(), vec![tp(0), tp(1), tp(2)]);
    c1.poll(3_100, &log, &mut store).unwrap();
    let kept_position = c1.known_position(&tp(0));

    let mut c2 = Consumer::new(cfg.clone(), 4_000);
    c2.subscribe(&["orders"]).unwrap();
    send_join(&mut g, &mut c2, &mut store, 4_000);
    let hb = g.heartbeat(c1.member_id(), None, c1.generation(), 4_100);
    c1.on_heartbeat_response(hb).unwrap();
    c1.drain_events();
    let answers = send_join(&mut g, &mut c1, &mut store, 4_200);
    // Nothing revoked before rejoining under the cooperative protocol.
    assert_eq!(c1.assignment().len(), 3);
    sync(&mut g, &mut [&mut c1, &mut c2], &answers, &log, 4_300);
    // orders-2 moves: c1 revokes only it and asks for a follow-up rebalance; c2 waits.
    assert_eq!(c1.assignment(), vec![tp(0), tp(1)]);
    assert!(c2.assignment().is_empty());
    assert_eq!(c1.known_position(&tp(0)), kept_position);
    assert!(c1.wants_to_join());
    let answers = send_join(&mut g, &mut c1, &mut store, 4_400);
    assert!(answers.is_empty());
    let hb = g.heartbeat(c2.member_id(), None, c2.generation(), 4_500);
    c2.on_heartbeat_response(hb).unwrap();
    let answers2 = send_join(&mut g, &mut c2, &mut store, 4_600);
    sync(&mut g, &mut [&mut c1, &mut c2], &answers2, &log, 4_700);
    assert_eq!(c1.assignment(), vec![tp(0), tp(1)]);
    assert_eq!(c2.assignment(), vec![tp(2)]);
}

#[test]
fn a_consumer_that_stops_polling_leaves_the_group_and_loses_its_partitions_uncommitted() {
    let log = FakeLog::with(1, 1_000);
    let mut store = FakeStore::default();
    let mut g = Group::new("checkers", GroupConfig::default(), 9);
    let mut c = Consumer::new(config(), 0);
    c.subscribe(&["orders"]).unwrap();
    send_join(&mut g, &mut c, &mut store, 0);
    let out = g.on_time(3_000);
    let answers: BTreeMap<String, JoinGroupResponse> = out
        .responses
        .into_iter()
        .filter_map(|d| match d {
            DeferredResponse::Join {
                member_id,
                response: Ok(r),
            } => Some((member_id, r)),
            _ => None,
        })
        .collect();
    sync(&mut g, &mut [&mut c], &answers, &log, 3_000);
    c.poll(3_000, &log, &mut store).unwrap();
    // Processing takes longer than max.poll.interval.ms (5 minutes).
    assert_eq!(c.check_poll_timeout(3_000 + 299_999), None);
    let member = c.member_id().to_string();
    assert_eq!(c.check_poll_timeout(3_000 + 300_000), Some(member.clone()));
    let (left, _) = g.leave_group(&member, None, 303_000);
    assert_eq!(left, Ok(()));
    // The late commit is refused: the partitions may already belong to someone else.
    store.group = Some(g);
    assert!(matches!(
        c.commit_sync(303_001, None, &mut store),
        Err(ConsumerError::CommitFailed { .. })
    ));
    // Rejoining declares the partitions lost: nothing is committed for them.
    let before = store.commits;
    c.prepare_join(303_002, &mut store).unwrap();
    assert_eq!(store.commits, before);
    assert!(c
        .drain_events()
        .iter()
        .any(|e| matches!(e, ConsumerEvent::PartitionsLost { .. })));
}

#[test]
fn a_commit_from_an_old_generation_fails() {
    let log = FakeLog::with(2, 100);
    let mut store = group_store();
    let mut g = store.group.take().unwrap();
    let mut c1 = Consumer::new(config(), 0);
    c1.subscribe(&["orders"]).unwrap();
    send_join(&mut g, &mut c1, &mut store, 0);
    let out = g.on_time(3_000);
    let answers: BTreeMap<String, JoinGroupResponse> = out
        .responses
        .into_iter()
        .filter_map(|d| match d {
            DeferredResponse::Join {
                member_id,
                response: Ok(r),
            } => Some((member_id, r)),
            _ => None,
        })
        .collect();
    sync(&mut g, &mut [&mut c1], &answers, &log, 3_000);
    store.group = Some(g);
    c1.poll(3_100, &log, &mut store).unwrap();
    c1.commit_sync(3_200, None, &mut store).unwrap();
    // Meanwhile the group moved on to a new generation without c1 noticing.
    let mut g = store.group.take().unwrap();
    let mut c2 = Consumer::new(config(), 4_000);
    c2.subscribe(&["orders"]).unwrap();
    send_join(&mut g, &mut c2, &mut store, 4_000);
    g.on_time(4_000 + 300_000);
    store.group = Some(g);
    let err = c1.commit_sync(305_000, None, &mut store).unwrap_err();
    assert!(matches!(err, ConsumerError::CommitFailed { .. }), "{err:?}");
}

#[test]
fn the_leader_rejoins_when_a_subscribed_topic_gains_partitions() {
    let mut log = FakeLog::with(2, 10);
    let mut store = FakeStore::default();
    let mut g = Group::new("checkers", GroupConfig::default(), 11);
    let mut c = Consumer::new(config(), 0);
    c.subscribe(&["orders"]).unwrap();
    send_join(&mut g, &mut c, &mut store, 0);
    let out = g.on_time(3_000);
    let answers: BTreeMap<String, JoinGroupResponse> = out
        .responses
        .into_iter()
        .filter_map(|d| match d {
            DeferredResponse::Join {
                member_id,
                response: Ok(r),
            } => Some((member_id, r)),
            _ => None,
        })
        .collect();
    sync(&mut g, &mut [&mut c], &answers, &log, 3_000);
    assert!(c.is_leader());
    c.on_metadata(&log, true);
    assert!(!c.wants_to_join());
    // The topic grows from 2 to 3 partitions (kafka-topics --alter --partitions 3).
    log.partitions.push((0, 0, 0));
    c.on_metadata(&log, true);
    assert!(c.wants_to_join());
    let answers = send_join(&mut g, &mut c, &mut store, 10_000);
    sync(&mut g, &mut [&mut c], &answers, &log, 10_000);
    assert_eq!(c.assignment(), vec![tp(0), tp(1), tp(2)]);
    assert_eq!(c.generation(), 2);
}

#[test]
fn a_static_member_closing_does_not_leave_the_group() {
    let log = FakeLog::with(1, 10);
    let mut store = FakeStore::default();
    let mut g = Group::new("checkers", GroupConfig::default(), 13);
    let mut cfg = config();
    cfg.group_instance_id = Some("checker-a".into());
    let mut c = Consumer::new(cfg, 0);
    c.subscribe(&["orders"]).unwrap();
    send_join(&mut g, &mut c, &mut store, 0);
    let out = g.on_time(3_000);
    let answers: BTreeMap<String, JoinGroupResponse> = out
        .responses
        .into_iter()
        .filter_map(|d| match d {
            DeferredResponse::Join {
                member_id,
                response: Ok(r),
            } => Some((member_id, r)),
            _ => None,
        })
        .collect();
    sync(&mut g, &mut [&mut c], &answers, &log, 3_000);
    assert_eq!(c.assignment(), vec![tp(0)]);
    assert_eq!(c.close(4_000, &mut store), None);

    let mut dynamic = Consumer::new(config(), 0);
    dynamic.subscribe(&["orders"]).unwrap();
    let mut g2 = Group::new("checkers", GroupConfig::default(), 17);
    send_join(&mut g2, &mut dynamic, &mut store, 0);
    let out = g2.on_time(3_000);
    let answers: BTreeMap<String, JoinGroupResponse> = out
        .responses
        .into_iter()
        .filter_map(|d| match d {
            DeferredResponse::Join {
                member_id,
                response: Ok(r),
            } => Some((member_id, r)),
            _ => None,
        })
        .collect();
    sync(&mut g2, &mut [&mut dynamic], &answers, &log, 3_000);
    let id = dynamic.member_id().to_string();
    assert_eq!(dynamic.close(4_000, &mut store), Some(id));
}

#[test]
fn an_async_commit_failure_is_reported_not_thrown_and_not_retried() {
    let log = FakeLog::with(1, 10);
    let mut store = group_store();
    // The group has a live member, so a commit from outside the group is refused.
    let g = store.group.as_mut().unwrap();
    let (r, _) = g.join_group(
        crate::group::JoinGroupRequest {
            member_id: String::new(),
            group_instance_id: Some("other".into()),
            client_id: "other".into(),
            session_timeout_ms: 45_000,
            rebalance_timeout_ms: 300_000,
            protocols: vec![crate::group::ProtocolMetadata {
                name: "range".into(),
                subscription: Default::default(),
            }],
        },
        0,
    );
    assert_eq!(r, Reply::Later);
    let mut c = assigned_consumer(config(), &[tp(0)]);
    c.poll(0, &log, &mut store).unwrap();
    c.drain_events();
    assert_eq!(c.commit_async(1, None, &mut store), Ok(()));
    assert!(c.drain_events().iter().any(|e| matches!(
        e,
        ConsumerEvent::CommitFailed {
            kind: CommitKind::Async,
            ..
        }
    )));
    assert!(matches!(
        c.commit_sync(2, None, &mut store),
        Err(ConsumerError::CommitFailed { .. })
    ));
    assert_eq!(store.commits, 0);
}

#[test]
fn unsubscribe_revokes_without_committing_and_leaves_the_group() {
    let log = FakeLog::with(1, 10);
    let mut store = FakeStore::default();
    let mut g = Group::new("checkers", GroupConfig::default(), 21);
    let mut c = Consumer::new(config(), 0);
    c.subscribe(&["orders"]).unwrap();
    send_join(&mut g, &mut c, &mut store, 0);
    let out = g.on_time(3_000);
    let answers: BTreeMap<String, JoinGroupResponse> = out
        .responses
        .into_iter()
        .filter_map(|d| match d {
            DeferredResponse::Join {
                member_id,
                response: Ok(r),
            } => Some((member_id, r)),
            _ => None,
        })
        .collect();
    sync(&mut g, &mut [&mut c], &answers, &log, 3_000);
    c.poll(3_100, &log, &mut store).unwrap();
    c.drain_events();
    let member = c.member_id().to_string();
    assert_eq!(c.unsubscribe(), Ok(Some(member)));
    assert!(c.assignment().is_empty());
    assert_eq!(store.commits, 0);
    assert!(c
        .drain_events()
        .iter()
        .any(|e| matches!(e, ConsumerEvent::PartitionsRevoked { .. })));
    assert!(c.poll(3_200, &log, &mut store).is_err());
}

mod delivery_properties {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Step {
        /// Poll after `ms`, then process everything returned.
        PollAndProcess(i64),
        /// Poll after `ms` and crash before processing.
        PollThenCrash(i64),
        /// Process, then crash before the next poll.
        Crash,
        CommitSync,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            6 => (0i64..8_000).prop_map(Step::PollAndProcess),
            1 => (0i64..8_000).prop_map(Step::PollThenCrash),
            1 => Just(Step::Crash),
            1 => Just(Step::CommitSync),
        ]
    }

    proptest! {
        /// With auto-commit, and records processed before the next poll, crashes may
        /// repeat records but never skip one: at-least-once.
        #[test]
        fn auto_commit_with_processing_before_the_next_poll_never_skips_a_record(
            steps in prop::collection::vec(step(), 1..60)
        ) {
            let log = FakeLog::with(2, 120);
            let mut store = FakeStore::default();
            let mut ledger = DeliveryLedger::default();
            let parts = [tp(0), tp(1)];
            let mut now = 0;
            let mut c = assigned_consumer(config(), &parts);
            for s in &steps {
                match s {
                    Step::PollAndProcess(ms) => {
                        now += ms;
                        c.poll(now, &log, &mut store).unwrap();
                        for p in c.process(now, None, 1).unwrap() {
                            ledger.record(&p);
                        }
                    }
                    Step::PollThenCrash(ms) => {
                        now += ms;
                        c.poll(now, &log, &mut store).unwrap();
                        c.crash();
                        c = Consumer::new(config(), now);
                        c.assign(&parts).unwrap();
                    }
                    Step::Crash => {
                        c.crash();
                        c = Consumer::new(config(), now);
                        c.assign(&parts).unwrap();
                    }
                    Step::CommitSync => c.commit_sync(now, None, &mut store).unwrap(),
                }
            }
            // Drain the rest of the log.
            for _ in 0..100 {
                now += 1_000;
                c.poll(now, &log, &mut store).unwrap();
                for p in c.process(now, None, 1).unwrap() {
                    ledger.record(&p);
                }
            }
            for tp in &parts {
                prop_assert!(ledger.skipped(Some("checkers"), tp, 0, 120).is_empty());
            }
        }
    }
}

#[test]
fn heartbeats_stop_while_rejoining_and_resume_with_the_join_answer() {
    let log = FakeLog::with(1, 10);
    let mut store = FakeStore::default();
    let mut c = Consumer::new(config(), 0);
    c.subscribe(&["orders"]).unwrap();
    c.prepare_join(0, &mut store).unwrap();
    assert_eq!(c.next_heartbeat_ms(), None);
    let answer = JoinGroupResponse {
        member_id: "c-1".into(),
        generation_id: 1,
        protocol_name: Some("range".into()),
        leader: "someone-else".into(),
        members: vec![],
        skip_assignment: false,
    };
    let sync = c.on_join_response(&answer, &log, 100).unwrap();
    assert!(sync.assignments.is_empty());
    // Waiting for the leader's assignment, the member keeps heartbeating.
    assert_eq!(c.next_heartbeat_ms(), Some(3_100));
}
