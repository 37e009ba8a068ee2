//! Everything beside the trains, shaped for drawing: the teams of ticket checkers (consumer
//! groups), the platforms (producers) with their queues, the notebook (`__consumer_offsets`)
//! and the lag per team. Pure functions of the world and of the latest step's events, tested
//! natively below.
//!
//! **Team colours.** A team has ONE colour everywhere: its card here, its checkers and
//! notebook lines on the compartments, its lag line. [`team_colour_index`] gives it; it is
//! the assignment of [`crate::view::trains::teams`] (groups sorted, each taking its murmur2
//! colour or the next free one), so the train and the team cards cannot disagree. Draw it
//! with the class [`team_class`] (`team-N`); web/style/teams.css sets `--team` (the colour)
//! and `--team-ink` (text on it) for every element with that class, and each team also has a
//! letter and its name written out, so colour is never the only cue.

use crate::view::trains;
use sim::clients::{AppView, ClientState, ProducerEvent};
use sim::consumer::{ConsumerEvent, DeliveryTotals};
use sim::group::GroupState;
use sim::{Event, TopicPartition, World, OFFSETS_TOPIC};
use std::collections::{BTreeMap, BTreeSet};

/// The team's colour, 0..[`trains::TEAM_COLOURS`], the same the train draws (see the module
/// documentation). A group the world does not know gets its preferred colour.
pub fn team_colour_index(world: &World, group: &str) -> usize {
    trains::teams(world)
        .into_iter()
        .find(|t| t.group == group)
        .map(|t| t.colour)
        .unwrap_or_else(|| {
            sim::partitioner::to_positive(sim::partitioner::murmur2(group.as_bytes())) as usize
                % trains::TEAM_COLOURS
        })
}

/// The class that paints an element in a team's colour (`--team`, `--team-ink`).
pub fn team_class(colour: usize) -> String {
    format!("team-{}", colour % trains::TEAM_COLOURS)
}

// ----- teams ---------------------------------------------------------------------------

/// What a checker is doing, as its card says it (and `data-state`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckerState {
    /// Running with compartments to check.
    Active,
    /// Running, in the team, but with no compartment: more checkers than compartments.
    Idle,
    /// Running and waiting for the team to (re)shuffle: no assignment yet.
    Joining,
    /// Crashed: the coordinator still counts it until the session timeout.
    Fainted,
    Closed,
}

impl CheckerState {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckerState::Active => "active",
            CheckerState::Idle => "idle",
            CheckerState::Joining => "joining",
            CheckerState::Fainted => "fainted",
            CheckerState::Closed => "closed",
        }
    }
}

/// One compartment in a checker's hands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    pub topic: String,
    pub partition: i32,
    /// Where the checker stands (in memory only).
    pub position: Option<i64>,
    /// The team's line in the notebook.
    pub committed: Option<i64>,
    pub log_end: i64,
    /// Given to it in the latest step (drawn arriving).
    pub arriving: bool,
}

/// One checker (consumer) of a team.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checker {
    pub name: String,
    pub state: CheckerState,
    pub leader: bool,
    /// Restarts so far.
    pub incarnation: u32,
    pub held: Vec<Held>,
    /// Compartments it handed back (or lost) in the latest step (drawn leaving).
    pub leaving: Vec<TopicPartition>,
    /// A fainted checker the coordinator still counts: what it still holds there.
    pub still_member_holding: Option<Vec<TopicPartition>>,
    pub session_timeout_ms: i64,
    pub eager: bool,
    /// Polled and not processed yet.
    pub unprocessed: usize,
    /// Being processed now.
    pub processing: usize,
    /// Its application loop, if it runs on its own: (commit policy, step).
    pub app: Option<(String, String)>,
}

/// A team (consumer group) card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamCard {
    pub group: String,
    pub colour: usize,
    pub letter: char,
    /// `Stable`, `PreparingRebalance` … (`Dead` when the coordinator forgot it).
    pub state: String,
    pub rebalancing: bool,
    pub generation: i32,
    /// The assignor the generation uses.
    pub protocol: Option<String>,
    /// Eager (everything revoked first) or cooperative (only what moves); `None` without
    /// checkers to tell.
    pub eager: Option<bool>,
    pub coordinator: Option<i32>,
    pub coordinator_partition: i32,
    pub checkers: Vec<Checker>,
    /// Records processed twice or more, and never processed (the delivery ledger).
    pub duplicates: u64,
    pub skipped: u64,
    pub processed: u64,
    /// The rebalance moves of the latest step, as sentences' raw parts: (checker, kind).
    pub moves_this_step: usize,
    /// More checkers in the team (running, or still counted by the coordinator) than
    /// compartments to share: idle ones are extra.
    pub more_checkers_than_partitions: bool,
}

fn groups_of(world: &World) -> Vec<trains::Team> {
    trains::teams(world)
}

/// The compartments handed over in the latest step: consumer → (assigned, revoked or lost).
fn handovers(latest: &[Event]) -> BTreeMap<&str, (BTreeSet<TopicPartition>, Vec<TopicPartition>)> {
    let mut out: BTreeMap<&str, (BTreeSet<TopicPartition>, Vec<TopicPartition>)> = BTreeMap::new();
    for e in latest {
        if let Event::Consumer { consumer, event } = e {
            match event {
                ConsumerEvent::PartitionsAssigned { partitions } => {
                    out.entry(consumer)
                        .or_default()
                        .0
                        .extend(partitions.iter().cloned());
                }
                ConsumerEvent::PartitionsRevoked { partitions }
                | ConsumerEvent::PartitionsLost { partitions } => {
                    let entry = out.entry(consumer).or_default();
                    for p in partitions {
                        if !entry.1.contains(p) {
                            entry.1.push(p.clone());
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// How each team did so far (processed, twice or more, never), from the delivery ledger.
/// This walks the whole ledger, so during play the page refreshes it now and then rather than
/// on every tick, and hands it to [`team_cards`].
pub fn delivery_totals(world: &World) -> BTreeMap<String, DeliveryTotals> {
    groups_of(world)
        .into_iter()
        .map(|t| {
            let totals = world.delivery_ledger().totals(Some(&t.group));
            (t.group, totals)
        })
        .collect()
}

/// Every team's card, in team order; `delivery` from [`delivery_totals`] (a team missing
/// there shows zeros).
pub fn team_cards(
    world: &World,
    latest: &[Event],
    delivery: &BTreeMap<String, DeliveryTotals>,
) -> Vec<TeamCard> {
    let moves = handovers(latest);
    groups_of(world)
        .into_iter()
        .map(|team| {
            let g = world.group(&team.group);
            let state = g.map_or(GroupState::Dead, |g| g.state());
            let members = g.map(|g| g.members()).unwrap_or_default();
            let leader = g.and_then(|g| g.leader()).map(str::to_string);
            let mut checkers: Vec<Checker> = world
                .consumer_names()
                .filter(|name| {
                    world
                        .consumer(name)
                        .and_then(|c| c.config().group_id.as_deref())
                        == Some(team.group.as_str())
                })
                .filter_map(|name| world.consumer_view(name))
                .map(|v| {
                    let config = world.consumer(&v.name).map(|c| c.config().clone());
                    let member = members.iter().find(|m| m.member_id == v.member_id);
                    let in_group = !v.member_id.is_empty() && member.is_some();
                    let state = match v.state {
                        ClientState::Crashed => CheckerState::Fainted,
                        ClientState::Closed => CheckerState::Closed,
                        ClientState::Running if !v.partitions.is_empty() => CheckerState::Active,
                        ClientState::Running if in_group && state == GroupState::Stable => {
                            CheckerState::Idle
                        }
                        ClientState::Running => CheckerState::Joining,
                    };
                    let (arrived, left) = moves.get(v.name.as_str()).cloned().unwrap_or_default();
                    let held = v
                        .partitions
                        .iter()
                        .map(|p| Held {
                            arriving: arrived
                                .contains(&TopicPartition::new(p.topic.clone(), p.partition)),
                            topic: p.topic.clone(),
                            partition: p.partition,
                            position: p.position,
                            committed: p.committed,
                            log_end: p.log_end_offset,
                        })
                        .collect::<Vec<_>>();
                    let leaving = left
                        .into_iter()
                        .filter(|tp| {
                            !held
                                .iter()
                                .any(|h| h.topic == tp.topic && h.partition == tp.partition)
                        })
                        .collect();
                    Checker {
                        leader: in_group && leader.as_deref() == Some(v.member_id.as_str()),
                        still_member_holding: (v.state == ClientState::Crashed && in_group)
                            .then(|| member.map(|m| m.assignment.clone()).unwrap_or_default()),
                        session_timeout_ms: config
                            .as_ref()
                            .map_or(45_000, |c| c.session_timeout_ms),
                        eager: config.as_ref().is_none_or(|c| {
                            c.rebalance_protocol() == sim::assignor::RebalanceProtocol::Eager
                        }),
                        unprocessed: v.unprocessed.len(),
                        processing: v.processing.len(),
                        app: match world.app(&v.name) {
                            Some(AppView::Consumer { commit, step, .. }) => {
                                Some((commit.name().to_string(), step))
                            }
                            _ => None,
                        },
                        name: v.name,
                        state,
                        incarnation: v.incarnation,
                        held,
                        leaving,
                    }
                })
                .collect();
            checkers.sort_by_key(|c| {
                (
                    match c.state {
                        CheckerState::Active | CheckerState::Joining => 0,
                        CheckerState::Idle => 1,
                        CheckerState::Fainted => 2,
                        CheckerState::Closed => 3,
                    },
                    c.name.clone(),
                )
            });
            let live: Vec<&Checker> = checkers
                .iter()
                .filter(|c| !matches!(c.state, CheckerState::Closed))
                .collect();
            let eager = if live.is_empty() {
                None
            } else {
                Some(live.iter().any(|c| c.eager))
            };
            let totals = delivery.get(&team.group).copied().unwrap_or_default();
            // The compartments the team shares: every partition of the topics its members hold.
            let topics: BTreeSet<&str> = members
                .iter()
                .flat_map(|m| m.assignment.iter().map(|tp| tp.topic.as_str()))
                .collect();
            let shared: usize = topics
                .iter()
                .filter_map(|t| world.topic(t))
                .map(|t| t.partition_count().max(0) as usize)
                .sum();
            let running = checkers
                .iter()
                .filter(|c| {
                    matches!(
                        c.state,
                        CheckerState::Active | CheckerState::Idle | CheckerState::Joining
                    )
                })
                .count();
            TeamCard {
                state: state.to_string(),
                rebalancing: matches!(
                    state,
                    GroupState::PreparingRebalance | GroupState::CompletingRebalance
                ),
                generation: g.map_or(0, |g| g.generation_id()),
                protocol: g.and_then(|g| g.protocol_name()).map(str::to_string),
                eager,
                coordinator: world.coordinator(&team.group).map(|b| b.0),
                coordinator_partition: world.coordinator_partition(&team.group),
                moves_this_step: checkers
                    .iter()
                    .map(|c| c.leaving.len() + c.held.iter().filter(|h| h.arriving).count())
                    .sum(),
                more_checkers_than_partitions: running.max(members.len()) > shared,
                checkers,
                duplicates: totals.duplicate_records,
                skipped: totals.skipped_records,
                processed: totals.processed_records,
                group: team.group,
                colour: team.colour,
                letter: team.letter,
            }
        })
        .collect()
}

/// When each checker fainted, in virtual time, learned from the latest step's events: the
/// team card counts down the session timeout from there (the last heartbeat came at or
/// before the faint, so the coordinator notices at the latest then).
pub fn fainted_now(latest: &[Event]) -> Vec<String> {
    latest
        .iter()
        .filter_map(|e| match e {
            Event::Consumer {
                consumer,
                event: ConsumerEvent::Crashed,
            } => Some(consumer.clone()),
            _ => None,
        })
        .collect()
}

/// Checkers that woke up or left in the latest step (their faint time is forgotten).
pub fn recovered_now(latest: &[Event]) -> Vec<String> {
    latest
        .iter()
        .filter_map(|e| match e {
            Event::ConsumerRestarted { consumer, .. } => Some(consumer.clone()),
            _ => None,
        })
        .collect()
}

// ----- platforms -----------------------------------------------------------------------

/// A passenger queueing on a platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queued {
    pub key: Option<String>,
    pub value: Option<String>,
}

/// One batch (group boarding) waiting on a platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedBatch {
    pub topic: String,
    pub partition: i32,
    pub records: Vec<Queued>,
    pub created_ms: i64,
    pub send_at_ms: i64,
    pub retry: bool,
}

/// What the latest step did on a platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Sent {
        topic: String,
        partition: i32,
        records: usize,
        attempt: u32,
    },
    Acknowledged {
        topic: String,
        partition: i32,
        offset: i64,
    },
    Retrying {
        topic: String,
        partition: i32,
        error: String,
        retry_at_ms: i64,
    },
    DuplicateRejected {
        topic: String,
        partition: i32,
        offset: i64,
    },
    Failed {
        topic: String,
        partition: i32,
        error: String,
    },
}

/// A platform (producer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Platform {
    pub name: String,
    /// `0`, `1` or `all`.
    pub acks: &'static str,
    pub linger_ms: i64,
    pub batch_size: i64,
    pub idempotent: bool,
    pub closed: bool,
    pub batches: Vec<QueuedBatch>,
    pub in_flight: usize,
    pub acknowledged: u64,
    pub failed: u64,
    pub outcomes: Vec<Outcome>,
    /// Its application, if it sends on its own: (topic, records per second, keys).
    pub app: Option<(String, u32, u32)>,
}

/// Every platform, by name.
pub fn platforms(world: &World, latest: &[Event]) -> Vec<Platform> {
    world
        .producer_names()
        .filter_map(|name| {
            let p = world.producer(name)?;
            let s = p.settings();
            let outcomes = latest
                .iter()
                .filter_map(|e| match e {
                    Event::Producer { producer, event } if producer == name => Some(event),
                    _ => None,
                })
                .filter_map(|e| match e {
                    ProducerEvent::BatchSent {
                        topic,
                        partition,
                        records,
                        attempt,
                    } => Some(Outcome::Sent {
                        topic: topic.clone(),
                        partition: *partition,
                        records: *records,
                        attempt: *attempt,
                    }),
                    ProducerEvent::Acknowledged {
                        topic,
                        partition,
                        offset,
                        ..
                    } => Some(Outcome::Acknowledged {
                        topic: topic.clone(),
                        partition: *partition,
                        offset: offset.0,
                    }),
                    ProducerEvent::Retrying {
                        topic,
                        partition,
                        error,
                        retry_at_ms,
                        ..
                    } => Some(Outcome::Retrying {
                        topic: topic.clone(),
                        partition: *partition,
                        error: error.clone(),
                        retry_at_ms: *retry_at_ms,
                    }),
                    ProducerEvent::DuplicateRejected {
                        topic,
                        partition,
                        offset,
                        ..
                    } => Some(Outcome::DuplicateRejected {
                        topic: topic.clone(),
                        partition: *partition,
                        offset: offset.0,
                    }),
                    ProducerEvent::Failed {
                        topic,
                        partition,
                        error,
                    } => Some(Outcome::Failed {
                        topic: topic.clone(),
                        partition: *partition,
                        error: error.clone(),
                    }),
                    ProducerEvent::RecordQueued { .. }
                    | ProducerEvent::Closed
                    | ProducerEvent::Crashed { .. }
                    | ProducerEvent::Restarted { .. }
                    | ProducerEvent::TransactionsInitialized { .. }
                    | ProducerEvent::TransactionBegun
                    | ProducerEvent::OffsetsSentToTransaction { .. }
                    | ProducerEvent::TransactionCommitted { .. }
                    | ProducerEvent::TransactionAborted { .. }
                    | ProducerEvent::TransactionFailed { .. }
                    | ProducerEvent::UnsentAborted { .. } => None,
                })
                .collect();
            Some(Platform {
                name: name.to_string(),
                acks: match s.acks {
                    sim::Acks::None => "0",
                    sim::Acks::Leader => "1",
                    sim::Acks::All => "all",
                },
                linger_ms: s.linger_ms,
                batch_size: s.batch_size,
                idempotent: p.producer_id().is_some(),
                closed: p.is_closed(),
                batches: p
                    .batches()
                    .into_iter()
                    .map(|b| QueuedBatch {
                        topic: b.topic,
                        partition: b.partition,
                        records: b
                            .records
                            .into_iter()
                            .map(|(key, value)| Queued { key, value })
                            .collect(),
                        created_ms: b.created_ms,
                        send_at_ms: b.send_at_ms,
                        retry: b.retry,
                    })
                    .collect(),
                in_flight: p.in_flight_records(),
                acknowledged: p.acknowledged_records(),
                failed: p.failed_records(),
                outcomes,
                app: match world.app(name) {
                    Some(AppView::Producer {
                        topic, rate, keys, ..
                    }) => Some((topic, rate, keys)),
                    _ => None,
                },
            })
        })
        .collect()
}

/// Why a key goes to its compartment: `toPositive(murmur2(key)) % partitions`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRoute {
    pub murmur2: i32,
    pub positive: i32,
    pub partitions: i32,
    pub partition: i32,
}

/// The route of a key among `partitions` compartments (`None` without compartments).
pub fn key_route(key: &str, partitions: i32) -> Option<KeyRoute> {
    if partitions < 1 {
        return None;
    }
    let hash = sim::partitioner::murmur2(key.as_bytes());
    let positive = sim::partitioner::to_positive(hash);
    Some(KeyRoute {
        murmur2: hash,
        positive,
        partitions,
        partition: positive % partitions,
    })
}

// ----- the notebook --------------------------------------------------------------------

/// How many lines each notebook page shows (the newest).
pub const NOTEBOOK_LINES: usize = 24;

/// One line in the notebook: a record of `__consumer_offsets`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotebookEntry {
    Line {
        /// Its offset in the `__consumer_offsets` partition.
        offset: i64,
        group: String,
        topic: String,
        partition: i32,
        /// The committed offset written; `None` for a tombstone (the offset was deleted).
        committed: Option<i64>,
        /// A newer line for the same key follows: compaction will remove this one.
        superseded: bool,
        /// Appended but not copied to every in-sync replica yet (not in effect).
        pending: bool,
        /// Appended in the latest step.
        fresh: bool,
    },
    /// Offsets `from..to` are missing: compaction removed those lines.
    Compacted { from: i64, to: i64 },
    /// A record that is not an offset commit (group metadata).
    Other { offset: i64 },
}

/// One page of the notebook: a partition of `__consumer_offsets` that has lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotebookPage {
    pub partition: i32,
    /// The groups this page's keeper (the partition's leader) coordinates.
    pub groups: Vec<String>,
    pub keeper: Option<i32>,
    pub entries: Vec<NotebookEntry>,
    /// Older lines not drawn.
    pub earlier: usize,
    /// The page's log start (lines below it were deleted or compacted from the start).
    pub log_start: i64,
    pub log_end: i64,
}

/// The pages of the notebook that have lines or coordinate a team, in partition order.
pub fn notebook(world: &World, latest: &[Event]) -> Vec<NotebookPage> {
    let Some(topic) = world.topic(OFFSETS_TOPIC) else {
        return Vec::new();
    };
    let teams = groups_of(world);
    let fresh: BTreeSet<(i32, i64)> = latest
        .iter()
        .filter_map(|e| match e {
            Event::OffsetCommitAppended {
                coordinator_partition,
                log_offset,
                ..
            } => Some((*coordinator_partition, log_offset.0)),
            _ => None,
        })
        .collect();
    topic
        .partitions()
        .iter()
        .filter_map(|p| {
            let index = p.index();
            let groups: Vec<String> = teams
                .iter()
                .filter(|t| world.coordinator_partition(&t.group) == index)
                .map(|t| t.group.clone())
                .collect();
            // Only the newest lines are drawn; a line is superseded by a later one for its
            // key, and every later line is among the newest too, so the tail is enough.
            let log = p.log();
            let log_end = p.log_end_offset().0;
            let from = (log_end - NOTEBOOK_LINES as i64).max(p.log_start_offset().0);
            let records: Vec<sim::RecordView> = log
                .read(sim::Offset(from), sim::Offset(log_end), NOTEBOOK_LINES)
                .collect();
            if records.is_empty() && groups.is_empty() {
                return None;
            }
            let hw = p.high_watermark().0;
            let mut last_for_key: BTreeMap<&[u8], i64> = BTreeMap::new();
            for r in &records {
                if let Some(k) = r.key {
                    last_for_key.insert(k, r.offset.0);
                }
            }
            let earlier = log.record_count().saturating_sub(records.len());
            let mut entries = Vec::new();
            let mut expected = records
                .first()
                .map(|r| r.offset.0)
                .unwrap_or(p.log_start_offset().0);
            for r in &records {
                if r.offset.0 > expected {
                    entries.push(NotebookEntry::Compacted {
                        from: expected,
                        to: r.offset.0,
                    });
                }
                expected = r.offset.0 + 1;
                let key = r.key.and_then(sim::offsets::decode_offset_commit_key);
                match key {
                    Some((group, tp)) => {
                        let committed = r
                            .value
                            .and_then(sim::offsets::decode_offset_commit_value)
                            .map(|v| v.offset.0);
                        entries.push(NotebookEntry::Line {
                            offset: r.offset.0,
                            superseded: r
                                .key
                                .and_then(|k| last_for_key.get(k))
                                .is_some_and(|last| *last > r.offset.0),
                            pending: r.offset.0 >= hw,
                            fresh: fresh.contains(&(index, r.offset.0)),
                            group,
                            topic: tp.topic,
                            partition: tp.partition,
                            committed,
                        });
                    }
                    None => entries.push(NotebookEntry::Other { offset: r.offset.0 }),
                }
            }
            if !records.is_empty() && expected < log_end {
                entries.push(NotebookEntry::Compacted {
                    from: expected,
                    to: log_end,
                });
            }
            Some(NotebookPage {
                partition: index,
                groups,
                keeper: p.leader().map(|b| b.0),
                entries,
                earlier,
                log_start: p.log_start_offset().0,
                log_end,
            })
        })
        .collect()
}

// ----- lag ----------------------------------------------------------------------------

/// One partition's lag for a team.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LagCell {
    pub topic: String,
    pub partition: i32,
    pub committed: Option<i64>,
    pub log_end: i64,
    pub lag: Option<i64>,
    /// The checker owning it now (client id).
    pub owner: Option<String>,
}

/// A team's lag (as `kafka-consumer-groups --describe`: log end − committed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamLag {
    pub group: String,
    pub colour: usize,
    pub letter: char,
    pub cells: Vec<LagCell>,
    /// The sum over partitions with a committed offset.
    pub total: i64,
}

pub fn lags(world: &World) -> Vec<TeamLag> {
    groups_of(world)
        .into_iter()
        .map(|t| {
            let cells: Vec<LagCell> = world
                .group_lag(&t.group)
                .into_iter()
                .map(|r| LagCell {
                    topic: r.topic,
                    partition: r.partition,
                    committed: r.committed,
                    log_end: r.log_end_offset,
                    lag: r.lag,
                    owner: r.client_id,
                })
                .collect();
            TeamLag {
                total: cells.iter().filter_map(|c| c.lag).sum(),
                group: t.group,
                colour: t.colour,
                letter: t.letter,
                cells,
            }
        })
        .collect()
}

/// A bounded history of a number over virtual time: at most `capacity` samples, the oldest
/// dropped first. The lag chart keeps one per team.
#[derive(Clone, Debug, PartialEq)]
pub struct Ring {
    capacity: usize,
    samples: std::collections::VecDeque<(i64, i64)>,
}

impl Ring {
    pub fn new(capacity: usize) -> Self {
        Ring {
            capacity: capacity.max(2),
            samples: std::collections::VecDeque::new(),
        }
    }

    /// Adds (time, value); a sample at the same time replaces the last one, a time that
    /// went back (a new session) starts over.
    pub fn push(&mut self, at_ms: i64, value: i64) {
        match self.samples.back_mut() {
            Some(last) if last.0 == at_ms => {
                last.1 = value;
                return;
            }
            Some(last) if last.0 > at_ms => self.samples.clear(),
            _ => {}
        }
        self.samples.push_back((at_ms, value));
        while self.samples.len() > self.capacity {
            self.samples.pop_front();
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn samples(&self) -> impl Iterator<Item = (i64, i64)> + '_ {
        self.samples.iter().copied()
    }
}

/// The SVG path of a sparkline of `samples` in a `width` × `height` box (y grows down; the
/// top is `max` or at least 1). Empty for fewer than one sample.
pub fn sparkline_path(samples: &[(i64, i64)], width: f64, height: f64) -> String {
    let Some(&(t0, _)) = samples.first() else {
        return String::new();
    };
    let t1 = samples.last().map_or(t0, |s| s.0);
    let span = (t1 - t0).max(1) as f64;
    let top = samples.iter().map(|s| s.1).max().unwrap_or(0).max(1) as f64;
    let point = |(t, v): (i64, i64)| {
        let x = if samples.len() == 1 {
            width
        } else {
            (t - t0) as f64 / span * width
        };
        let y = height - (v.max(0) as f64 / top) * height;
        (x, y)
    };
    let mut d = String::new();
    for (i, s) in samples.iter().enumerate() {
        let (x, y) = point(*s);
        d.push_str(&format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { " L" }));
    }
    if samples.len() == 1 {
        let (_, y) = point(samples[0]);
        d = format!("M0,{y:.1} L{width:.1},{y:.1}");
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use script::exec::Console;

    fn world_after(lines: &[&str]) -> Console {
        let mut console = Console::with_config(42, sim::WorldConfig::default());
        for line in lines {
            if let Err(e) = console.run_line(line) {
                panic!("{line}: {}", e.message());
            }
        }
        console
    }

    const TEAM: &[&str] = &[
        "kafka-topics --create --topic orders --partitions 3",
        "consumer c1 group.id=billing auto.offset.reset=earliest enable.auto.commit=false",
        "consumer c2 group.id=billing auto.offset.reset=earliest enable.auto.commit=false",
        "consumer c3 group.id=billing auto.offset.reset=earliest enable.auto.commit=false",
        "consumer c4 group.id=billing auto.offset.reset=earliest enable.auto.commit=false",
        "subscribe c1 orders",
        "subscribe c2 orders",
        "subscribe c3 orders",
        "subscribe c4 orders",
        "poll c1",
        "poll c2",
        "poll c3",
        "poll c4",
        "advance 10s",
        "poll c1",
        "poll c2",
        "poll c3",
        "poll c4",
    ];

    #[test]
    fn the_fourth_checker_of_three_compartments_stands_aside_as_idle() {
        let console = world_after(TEAM);
        let cards = team_cards(console.world(), &[], &delivery_totals(console.world()));
        assert_eq!(cards.len(), 1);
        let card = &cards[0];
        assert_eq!(card.state, "Stable");
        assert_eq!(card.generation, 1);
        assert_eq!(card.protocol.as_deref(), Some("range"));
        assert_eq!(card.eager, Some(true));
        let states: Vec<CheckerState> = card.checkers.iter().map(|c| c.state).collect();
        assert_eq!(
            states
                .iter()
                .filter(|s| **s == CheckerState::Active)
                .count(),
            3
        );
        assert_eq!(states.last(), Some(&CheckerState::Idle));
        assert!(card.more_checkers_than_partitions);
        assert_eq!(card.checkers.iter().filter(|c| c.leader).count(), 1);
        assert_eq!(
            card.colour,
            team_colour_index(console.world(), "billing"),
            "one colour for the card and the train"
        );
        assert_eq!(team_class(card.colour), format!("team-{}", card.colour));
    }

    #[test]
    fn a_fainted_checker_still_holds_its_compartments_until_the_session_timeout() {
        let mut lines = TEAM.to_vec();
        lines.push("crash c1");
        let console = world_after(&lines);
        let card = &team_cards(console.world(), &[], &delivery_totals(console.world()))[0];
        let c1 = card.checkers.iter().find(|c| c.name == "c1").unwrap();
        assert_eq!(c1.state, CheckerState::Fainted);
        assert!(c1.held.is_empty());
        assert_eq!(c1.still_member_holding.as_ref().map(Vec::len), Some(1));
        assert_eq!(c1.session_timeout_ms, 45_000);
        assert!(
            card.more_checkers_than_partitions,
            "the fainted checker still counts: 4 members, 3 compartments"
        );
        lines.push("advance 46s");
        let console = world_after(&lines);
        let card = &team_cards(console.world(), &[], &delivery_totals(console.world()))[0];
        let c1 = card.checkers.iter().find(|c| c.name == "c1").unwrap();
        assert_eq!(c1.still_member_holding, None, "removed after the timeout");
        assert!(card.rebalancing || card.generation >= 2, "{card:?}");
    }

    #[test]
    fn the_latest_handovers_mark_compartments_arriving_and_leaving() {
        let mut console = world_after(&TEAM[..13]);
        let out = console.run_line("advance 10s").unwrap();
        let out2 = console.run_line("poll c1").unwrap();
        let mut latest = out.events.clone();
        latest.extend(out2.events);
        let card = &team_cards(console.world(), &latest, &delivery_totals(console.world()))[0];
        let c1 = card.checkers.iter().find(|c| c.name == "c1").unwrap();
        assert!(!c1.held.is_empty());
        assert!(c1.held.iter().all(|h| h.arriving), "{c1:?}");
        assert!(card.moves_this_step > 0);
        let revoked = vec![Event::Consumer {
            consumer: "c1".into(),
            event: ConsumerEvent::PartitionsRevoked {
                partitions: vec![TopicPartition::new("orders", 2)],
            },
        }];
        let card = &team_cards(console.world(), &revoked, &BTreeMap::new())[0];
        let c1 = card.checkers.iter().find(|c| c.name == "c1").unwrap();
        assert_eq!(c1.leaving, vec![TopicPartition::new("orders", 2)]);
    }

    #[test]
    fn the_notebook_strikes_older_lines_for_the_same_key() {
        let console = world_after(&[
            "kafka-topics --create --topic orders --partitions 1",
            "kafka-console-producer --topic orders --value a",
            "kafka-console-producer --topic orders --value b",
            "advance 1s",
            "consumer c1 group.id=billing auto.offset.reset=earliest enable.auto.commit=false",
            "subscribe c1 orders",
            "poll c1",
            "advance 3s",
            "poll c1",
            "commitSync c1",
            "advance 1s",
            "kafka-console-producer --topic orders --value c",
            "advance 1s",
            "poll c1",
            "commitSync c1",
            "advance 1s",
        ]);
        let pages = notebook(console.world(), &[]);
        let page = pages
            .iter()
            .find(|p| p.groups.contains(&"billing".to_string()))
            .expect("the team's page");
        assert_eq!(
            page.partition,
            console.world().coordinator_partition("billing")
        );
        let lines: Vec<(i64, Option<i64>, bool)> = page
            .entries
            .iter()
            .filter_map(|e| match e {
                NotebookEntry::Line {
                    committed,
                    superseded,
                    offset,
                    group,
                    ..
                } if group == "billing" => Some((*offset, *committed, *superseded)),
                _ => None,
            })
            .collect();
        assert_eq!(lines.len(), 2, "{page:?}");
        assert_eq!(lines[0].1, Some(2));
        assert!(lines[0].2, "the older line is superseded");
        assert_eq!(lines[1].1, Some(3));
        assert!(!lines[1].2);
    }

    #[test]
    fn platforms_show_queued_batches_and_a_key_route() {
        let console = world_after(&[
            "kafka-topics --create --topic orders --partitions 3",
            "producer p1 linger.ms=1000",
            "send p1 --topic orders --key alice --value 1",
            "send p1 --topic orders --key alice --value 2",
        ]);
        let ps = platforms(console.world(), &[]);
        assert_eq!(ps.len(), 1);
        let p = &ps[0];
        assert_eq!(p.acks, "all");
        assert_eq!(p.linger_ms, 1000);
        assert_eq!(p.batches.len(), 1);
        assert_eq!(p.batches[0].records.len(), 2);
        let route = key_route("alice", 3).unwrap();
        assert_eq!(route.partition, p.batches[0].partition);
        assert_eq!(
            route.partition,
            sim::partitioner::partition_for_key(b"alice", 3)
        );
        assert_eq!(key_route("alice", 0), None);
    }

    #[test]
    fn lag_is_log_end_minus_committed_per_team() {
        let mut lines = TEAM.to_vec();
        lines.extend([
            "kafka-console-producer --topic orders --key a --value 1",
            "kafka-console-producer --topic orders --key a --value 2",
            "advance 1s",
            "poll c1",
            "poll c2",
            "poll c3",
            "commitSync c1",
            "commitSync c2",
            "commitSync c3",
            "kafka-console-producer --topic orders --key a --value 3",
            "advance 1s",
        ]);
        let console = world_after(&lines);
        let lag = lags(console.world());
        assert_eq!(lag.len(), 1);
        assert_eq!(lag[0].cells.len(), 3);
        assert_eq!(lag[0].total, 1, "{:?}", lag[0]);
        let cell = lag[0].cells.iter().find(|c| c.lag == Some(1)).unwrap();
        assert_eq!(cell.log_end, 3);
        assert_eq!(cell.committed, Some(2));
        assert!(cell.owner.is_some());
    }

    #[test]
    fn the_ring_is_bounded_and_the_sparkline_fits_its_box() {
        let mut ring = Ring::new(120);
        for t in 0..500 {
            ring.push(t * 100, t % 7);
        }
        assert_eq!(ring.len(), 120);
        ring.push(49_900, 3);
        assert_eq!(ring.len(), 120, "same time replaces");
        ring.push(0, 1);
        assert_eq!(ring.len(), 1, "time went back: a new session");
        let samples = vec![(0, 0), (1000, 4), (2000, 2)];
        let d = sparkline_path(&samples, 100.0, 20.0);
        assert_eq!(d, "M0.0,20.0 L50.0,0.0 L100.0,10.0");
        assert_eq!(sparkline_path(&[], 100.0, 20.0), "");
        assert_eq!(
            sparkline_path(&[(5, 0)], 100.0, 20.0),
            "M0,20.0 L100.0,20.0"
        );
    }
}

#[cfg(test)]
mod timing {
    use super::*;
    use script::exec::Console;

    /// The play-at-16x load (12 partitions, 3 teams of 4 running, 3 platforms at 20/s): how
    /// long each view takes. Run with `cargo test -p web --release -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn views_under_load() {
        let mut console = Console::with_config(42, sim::WorldConfig::default());
        let mut lines = vec!["kafka-topics --create --topic load --partitions 12".to_string()];
        for g in ["g1", "g2", "g3"] {
            for i in 1..=4 {
                lines.push(format!("consumer {g}c{i} group.id={g} auto.offset.reset=earliest enable.auto.commit=false"));
                lines.push(format!("subscribe {g}c{i} load"));
                lines.push(format!(
                    "run {g}c{i} --commit sync-per-batch --process-ms 5"
                ));
            }
        }
        for p in 1..=3 {
            lines.push(format!("producer p{p} linger.ms=200"));
            lines.push(format!("run p{p} --topic load --rate 20 --keys 8"));
        }
        for l in &lines {
            console.run_line(l).unwrap();
        }
        let mut latest = Vec::new();
        let start = std::time::Instant::now();
        for _ in 0..400 {
            latest = console.run_line("advance 267ms").unwrap().events;
        }
        println!("sim: {:?} per tick", start.elapsed() / 400);
        let world = console.world();
        let time = |name: &str, f: &dyn Fn()| {
            let t = std::time::Instant::now();
            for _ in 0..20 {
                f();
            }
            println!("{name}: {:?}", t.elapsed() / 20);
        };
        let delivery = delivery_totals(world);
        time("team_cards", &|| {
            team_cards(world, &latest, &delivery);
        });
        time("notebook", &|| {
            notebook(world, &latest);
        });
        time("lags", &|| {
            lags(world);
        });
        time("platforms", &|| {
            platforms(world, &latest);
        });
        time("ledger totals x3", &|| {
            for g in ["g1", "g2", "g3"] {
                world.delivery_ledger().totals(Some(g));
            }
        });
        time("consumer_view x12", &|| {
            for n in world.consumer_names() {
                world.consumer_view(n);
            }
        });
        time("trains::teams", &|| {
            trains::teams(world);
        });
        time("trains::trains", &|| {
            trains::trains(world, &latest, &Default::default());
        });
        println!("latest events per tick: {}", latest.len());
    }
}
