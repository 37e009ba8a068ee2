//! "Why?": the causal chain behind a record a group processed twice, or never.
//!
//! The delivery ledger of the core says *how often* each group processed each record; this
//! module says *why*, with the session steps where each cause happened: who processed the
//! record in which generation, what the group's committed offset was, which consumer crashed,
//! closed or lost its partitions before committing past the record, who took the partition
//! next and where it resumed, and when retention deleted records no one had read yet.
//!
//! Step numbers belong to the caller (the page's session steps), not to the world: the world
//! stays free of counters that would make a split `advance` differ from a merged one. The
//! caller feeds [`Causes::record`] with the events of every step it runs, in order, from the
//! first step of the session (a rebuilt session feeds every replayed line); several calls
//! with the same step number are one step (play ticks merged into one `advance` line).
//!
//! Everything comes from the core's events; the verdict comes from the delivery ledger.
//! Memory is bounded: history below a partition's log start offset is dropped when the log
//! start moves (as the ledger folds its counts), and each (group, partition) keeps at most
//! [`TEAM_HISTORY_LIMIT`] entries, so a long played session holds a bounded window.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};
use sim::consumer::{CommitKind, ConsumerEvent, ResetReason};
use sim::group::GroupEvent;
use sim::{Event, TopicPartition};

use crate::exec::Console;

/// The most entries one (group, partition) history keeps; older ones are dropped first.
pub const TEAM_HISTORY_LIMIT: usize = 1024;
/// The most retention marks kept per partition.
pub const RETENTION_MARKS_LIMIT: usize = 64;
/// The most commits kept waiting for their `OffsetCommitted` (an async commit that is never
/// replicated stays here until pushed out).
const PENDING_COMMITS_LIMIT: usize = 256;

/// The compact history [`Causes::explain`] reads, fed by the caller after every step.
#[derive(Debug, Clone, Default)]
pub struct Causes {
    /// Per (group, partition): what happened to it, in order.
    teams: BTreeMap<(String, TopicPartition), Team>,
    /// Per partition: when retention moved the log start offset.
    marks: BTreeMap<TopicPartition, VecDeque<Mark>>,
    /// Per consumer name: its group, generation and the partitions it works on.
    checkers: BTreeMap<String, Checker>,
    /// Per group: the latest generation the coordinator started.
    generations: BTreeMap<String, i32>,
    /// Commits a consumer sent that have not taken effect yet.
    pending: VecDeque<Pending>,
    /// Interned consumer names (entries hold an index).
    names: Vec<String>,
    name_ids: BTreeMap<String, u32>,
}

#[derive(Debug, Clone, Default)]
struct Team {
    entries: VecDeque<Entry>,
    /// One past the highest offset the group processed here (never pruned).
    reached: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    step: u64,
    kind: EntryKind,
    client: Option<u32>,
    generation: Option<i32>,
    /// Processed, Fetched: the first offset; every other kind: its offset (as `to`).
    from: i64,
    /// Processed, Fetched: the last offset; Committed: the line; Resumed: the position;
    /// CommitLost: the offset that was lost.
    to: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryKind {
    Processed,
    Fetched,
    Committed(Option<CommitKind>),
    CommitLost,
    CommitRefused(&'static str),
    NotebookCleared { expired: bool },
    Crashed,
    Closed,
    Revoked,
    Lost,
    Assigned,
    Resumed(ResumeHow),
}

impl EntryKind {
    fn ends_work(self) -> bool {
        matches!(
            self,
            EntryKind::Crashed | EntryKind::Closed | EntryKind::Revoked | EntryKind::Lost
        )
    }
}

#[derive(Debug, Clone)]
struct Mark {
    step: u64,
    from: i64,
    to: i64,
    /// Per group with a history here: one past the highest offset it had processed.
    reached: BTreeMap<String, Option<i64>>,
}

#[derive(Debug, Clone, Default)]
struct Checker {
    group: Option<String>,
    generation: Option<i32>,
    touched: BTreeSet<TopicPartition>,
}

#[derive(Debug, Clone)]
struct Pending {
    client: u32,
    group: String,
    tp: TopicPartition,
    offset: i64,
    kind: CommitKind,
}

/// How a consumer's position was set before it read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResumeHow {
    /// From the group's committed offset.
    Committed,
    /// By `auto.offset.reset`, `seekToBeginning` or `seekToEnd`.
    Reset(ResetReason),
    /// By `seek`.
    Seek,
}

/// What the ledger says about the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// Processed `times` (≥ 2) times by the group: at-least-once showing.
    ProcessedTwice { times: u32 },
    /// Processed exactly once.
    ProcessedOnce,
    /// The group moved past it without processing it: at-most-once showing, or retention
    /// deleted it before the group got there.
    NeverProcessed,
    /// The group started reading the partition after this record (not a skip).
    StartedAfter,
    /// The group has not got to it yet.
    NotYet,
    /// Below the log start offset: retention deleted it, and the group's count for it is
    /// kept only in its totals.
    Forgotten,
}

/// One cause, at one session step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkKind {
    /// The consumer processed the record (`offset`).
    Processed,
    /// The consumer processed `offset`, a later record of the partition.
    ProcessedLater,
    /// The consumer's poll returned `from..=offset`, the record among them.
    Fetched,
    /// The group's committed offset became `offset` (written by `client`, if a consumer
    /// wrote it; `how` is how it was triggered).
    Committed { how: Option<CommitKind> },
    /// A commit of `offset` was appended but lost before it was replicated.
    CommitLost,
    /// The consumer's commit was refused (`code` is Kafka's error code).
    CommitRefused { code: String },
    /// The committed offset was deleted (`expired`: by `offsets.retention.minutes`).
    NotebookCleared { expired: bool },
    /// The consumer crashed (`notebook`: the committed offset at that moment).
    Crashed,
    /// The consumer closed (`notebook` as for `Crashed`).
    Closed,
    /// The partition was revoked from the consumer (`notebook` as for `Crashed`).
    Revoked,
    /// The consumer lost the partition with its membership (`notebook` as for `Crashed`).
    Lost,
    /// The consumer was assigned the partition in `generation`.
    Assigned,
    /// The consumer's position was set to `offset`.
    Resumed { how: ResumeHow },
    /// Retention moved the log start offset from `from` to `offset`.
    Retention,
}

/// One link of the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// The session step (as the caller numbered it in [`Causes::record`]).
    pub step: u64,
    pub kind: LinkKind,
    /// The consumer, if one did it.
    pub client: Option<String>,
    /// The generation the consumer worked in (processing, assignment).
    pub generation: Option<i32>,
    /// See [`LinkKind`]: the record, the batch's last offset, the committed offset, the
    /// position, the new log start offset.
    pub offset: Option<i64>,
    /// The batch's first offset, the old log start offset.
    pub from: Option<i64>,
    /// For a crash, close, revocation or loss: the committed offset at that moment.
    pub notebook: Option<i64>,
}

/// The explanation of one record for one group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Why {
    pub group: String,
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub verdict: Verdict,
    /// The causes in the order they happened.
    pub links: Vec<Link>,
    /// The group's committed offset for the partition now.
    pub committed: Option<i64>,
    /// The partition's log start offset now.
    pub log_start: i64,
}

/// Which words the sentences use (the page's vocabulary switch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Words {
    #[default]
    Train,
    Kafka,
}

/// One rendered clause, with the step it links to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    pub step: Option<u64>,
    pub text: String,
}

impl Causes {
    pub fn new() -> Causes {
        Causes::default()
    }

    /// How many history entries and retention marks are held (what stays bounded).
    pub fn held(&self) -> usize {
        self.teams.values().map(|t| t.entries.len()).sum::<usize>()
            + self.marks.values().map(VecDeque::len).sum::<usize>()
    }

    /// Feeds the events of session step `step` (call it after every step, in order; calls
    /// with the same step add to that step).
    pub fn record(&mut self, step: u64, events: &[Event]) {
        // Who sent which commit, whichever order the commit and its effect come in.
        for event in events {
            match event {
                Event::ConsumerCreated {
                    consumer, group, ..
                } => {
                    let c = self.checkers.entry(consumer.clone()).or_default();
                    c.group = group.clone();
                }
                Event::Consumer {
                    consumer,
                    event: ConsumerEvent::Committed { kind, offsets },
                } => {
                    let Some(group) = self.group_of(consumer) else {
                        continue;
                    };
                    let client = self.intern(consumer);
                    for (tp, offset) in offsets {
                        self.pending.push_back(Pending {
                            client,
                            group: group.clone(),
                            tp: tp.clone(),
                            offset: *offset,
                            kind: *kind,
                        });
                    }
                    while self.pending.len() > PENDING_COMMITS_LIMIT {
                        self.pending.pop_front();
                    }
                }
                _ => {}
            }
        }
        for event in events {
            self.one(step, event);
        }
    }

    fn group_of(&self, consumer: &str) -> Option<String> {
        self.checkers.get(consumer).and_then(|c| c.group.clone())
    }

    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.name_ids.get(name) {
            return id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(name.to_string());
        self.name_ids.insert(name.to_string(), id);
        id
    }

    fn name(&self, id: Option<u32>) -> Option<String> {
        id.and_then(|i| self.names.get(i as usize).cloned())
    }

    fn push(&mut self, group: &str, tp: &TopicPartition, entry: Entry) {
        let team = self
            .teams
            .entry((group.to_string(), tp.clone()))
            .or_default();
        if let Some(last) = team.entries.back_mut() {
            let same = last.step == entry.step
                && last.client == entry.client
                && last.generation == entry.generation;
            match (last.kind, entry.kind) {
                (EntryKind::Processed, EntryKind::Processed)
                | (EntryKind::Fetched, EntryKind::Fetched)
                    if same && last.to + 1 == entry.from =>
                {
                    last.to = entry.to;
                    return;
                }
                (EntryKind::Committed(a), EntryKind::Committed(b)) if same && a == b => {
                    // Nothing happened here between the two lines: the later one replaces it.
                    last.from = entry.from;
                    last.to = entry.to;
                    return;
                }
                _ => {}
            }
        }
        team.entries.push_back(entry);
        while team.entries.len() > TEAM_HISTORY_LIMIT {
            team.entries.pop_front();
        }
    }

    fn point(step: u64, kind: EntryKind, client: Option<u32>, offset: i64) -> Entry {
        Entry {
            step,
            kind,
            client,
            generation: None,
            from: offset,
            to: offset,
        }
    }

    fn one(&mut self, step: u64, event: &Event) {
        match event {
            Event::TopicCreated { topic, .. } => {
                // A new train of that name: what was known of an old one does not apply.
                self.teams.retain(|(_, tp), _| tp.topic != *topic);
                self.marks.retain(|tp, _| tp.topic != *topic);
            }
            Event::Group {
                event:
                    GroupEvent::GenerationStarted {
                        group, generation, ..
                    },
            } => {
                self.generations.insert(group.clone(), *generation);
            }
            Event::Consumer { consumer, event } => self.consumer_event(step, consumer, event),
            Event::RecordsProcessed {
                consumer,
                group: Some(group),
                records,
            } => {
                let client = self.intern(consumer);
                let generation = self.checkers.get(consumer).and_then(|c| c.generation);
                for r in records {
                    let tp = TopicPartition::new(r.topic.clone(), r.partition);
                    let o = r.offset.0;
                    self.push(
                        group,
                        &tp,
                        Entry {
                            step,
                            kind: EntryKind::Processed,
                            client: Some(client),
                            generation,
                            from: o,
                            to: o,
                        },
                    );
                    if let Some(team) = self.teams.get_mut(&(group.clone(), tp)) {
                        team.reached = Some(team.reached.map_or(o + 1, |r| r.max(o + 1)));
                    }
                }
            }
            Event::OffsetCommitted {
                group,
                topic,
                partition,
                offset,
                ..
            } => {
                let tp = TopicPartition::new(topic.clone(), *partition);
                let found = self
                    .pending
                    .iter()
                    .position(|p| p.group == *group && p.tp == tp && p.offset == offset.0);
                let (client, how) = match found.and_then(|i| self.pending.remove(i)) {
                    Some(p) => (Some(p.client), Some(p.kind)),
                    None => (None, None),
                };
                self.push(
                    group,
                    &tp,
                    Self::point(step, EntryKind::Committed(how), client, offset.0),
                );
            }
            Event::OffsetCommitFailed {
                group,
                topic,
                partition,
                offset,
                ..
            } => {
                let tp = TopicPartition::new(topic.clone(), *partition);
                let found = self
                    .pending
                    .iter()
                    .position(|p| p.group == *group && p.tp == tp && p.offset == offset.0);
                let client = found.and_then(|i| self.pending.remove(i)).map(|p| p.client);
                self.push(
                    group,
                    &tp,
                    Self::point(step, EntryKind::CommitLost, client, offset.0),
                );
            }
            Event::OffsetDeleted {
                group,
                topic,
                partition,
            } => {
                let tp = TopicPartition::new(topic.clone(), *partition);
                let kind = EntryKind::NotebookCleared { expired: false };
                self.push(group, &tp, Self::point(step, kind, None, 0));
            }
            Event::OffsetExpired {
                group,
                topic,
                partition,
                offset,
            } => {
                let tp = TopicPartition::new(topic.clone(), *partition);
                let kind = EntryKind::NotebookCleared { expired: true };
                self.push(group, &tp, Self::point(step, kind, None, offset.0));
            }
            Event::LogStartOffsetAdvanced {
                topic,
                partition,
                from,
                to,
            } => self.log_start_moved(
                step,
                TopicPartition::new(topic.clone(), *partition),
                from.0,
                to.0,
            ),
            _ => {}
        }
    }

    fn consumer_event(&mut self, step: u64, consumer: &str, event: &ConsumerEvent) {
        let Some(group) = self.group_of(consumer) else {
            return;
        };
        let client = Some(self.intern(consumer));
        let resumed = |partition: &TopicPartition, offset: i64, how: ResumeHow| {
            (
                partition.clone(),
                Self::point(step, EntryKind::Resumed(how), client, offset),
            )
        };
        let mut entries: Vec<(TopicPartition, Entry)> = Vec::new();
        match event {
            ConsumerEvent::PositionFromCommitted { partition, offset } => {
                entries.push(resumed(partition, *offset, ResumeHow::Committed));
            }
            ConsumerEvent::PositionReset {
                partition,
                offset,
                reason,
            } => entries.push(resumed(partition, *offset, ResumeHow::Reset(*reason))),
            ConsumerEvent::Seek { partition, offset } => {
                entries.push(resumed(partition, *offset, ResumeHow::Seek));
            }
            ConsumerEvent::RecordsFetched {
                partition,
                from,
                to,
                ..
            } => entries.push((
                partition.clone(),
                Entry {
                    step,
                    kind: EntryKind::Fetched,
                    client,
                    generation: None,
                    from: *from,
                    to: *to,
                },
            )),
            ConsumerEvent::CommitFailed { error, .. } => {
                if let Some(c) = self.checkers.get(consumer) {
                    for tp in &c.touched {
                        let kind = EntryKind::CommitRefused(error.code());
                        entries.push((tp.clone(), Self::point(step, kind, client, 0)));
                    }
                }
            }
            ConsumerEvent::PartitionsRevoked { partitions }
            | ConsumerEvent::PartitionsLost { partitions } => {
                let kind = if matches!(event, ConsumerEvent::PartitionsLost { .. }) {
                    EntryKind::Lost
                } else {
                    EntryKind::Revoked
                };
                for tp in partitions {
                    entries.push((tp.clone(), Self::point(step, kind, client, 0)));
                }
            }
            ConsumerEvent::PartitionsAssigned { partitions } => {
                let generation = self.generations.get(&group).copied();
                if let Some(c) = self.checkers.get_mut(consumer) {
                    c.generation = generation;
                }
                for tp in partitions {
                    let mut e = Self::point(step, EntryKind::Assigned, client, 0);
                    e.generation = generation;
                    entries.push((tp.clone(), e));
                }
            }
            ConsumerEvent::Crashed | ConsumerEvent::Closed => {
                let kind = if matches!(event, ConsumerEvent::Crashed) {
                    EntryKind::Crashed
                } else {
                    EntryKind::Closed
                };
                if let Some(c) = self.checkers.get_mut(consumer) {
                    c.generation = None;
                    for tp in std::mem::take(&mut c.touched) {
                        entries.push((tp, Self::point(step, kind, client, 0)));
                    }
                }
            }
            _ => {}
        }
        if let Some(c) = self.checkers.get_mut(consumer) {
            for (tp, e) in &entries {
                match e.kind {
                    EntryKind::Revoked | EntryKind::Lost => {
                        c.touched.remove(tp);
                    }
                    EntryKind::Crashed | EntryKind::Closed | EntryKind::CommitRefused(_) => {}
                    _ => {
                        c.touched.insert(tp.clone());
                    }
                }
            }
        }
        for (tp, e) in entries {
            self.push(&group, &tp, e);
        }
    }

    /// Retention (or `kafka-delete-records`) moved the log start offset: remember when, and
    /// forget what only concerned records that left the log.
    fn log_start_moved(&mut self, step: u64, tp: TopicPartition, from: i64, to: i64) {
        let reached: BTreeMap<String, Option<i64>> = self
            .teams
            .iter()
            .filter(|((_, t), _)| *t == tp)
            .map(|((g, _), team)| (g.clone(), team.reached))
            .collect();
        let marks = self.marks.entry(tp.clone()).or_default();
        match marks.back_mut() {
            Some(last) if last.step == step && last.to == from => {
                // One step, several deletions: one mark; what the groups had reached is the
                // later (larger) figure, so a claim of "never processed" stays true.
                last.to = to;
                for (g, r) in reached {
                    let e = last.reached.entry(g).or_insert(None);
                    *e = (*e).max(r);
                }
            }
            _ => marks.push_back(Mark {
                step,
                from,
                to,
                reached,
            }),
        }
        while marks.len() > RETENTION_MARKS_LIMIT {
            marks.pop_front();
        }
        for ((_, t), team) in self.teams.iter_mut() {
            if *t == tp {
                prune(team, to);
            }
        }
    }

    /// Explains record `offset` of `topic`-`partition` for `group`, from the ledger of the
    /// console's world and the history recorded here. `None` when the partition does not
    /// exist or the offset was never written (negative, or at or above the log end offset).
    pub fn explain(
        &self,
        console: &Console,
        group: &str,
        topic: &str,
        partition: i32,
        offset: i64,
    ) -> Option<Why> {
        let world = console.world();
        let p = world.partition(topic, partition)?;
        if offset < 0 || offset >= p.log_end_offset().0 {
            return None;
        }
        let tp = TopicPartition::new(topic, partition);
        let log_start = p.log_start_offset().0;
        let ledger = world.delivery_ledger();
        let g = Some(group);
        let committed = world.committed_offset(group, &tp).map(|o| o.offset.0);
        let empty = Team::default();
        let team = self
            .teams
            .get(&(group.to_string(), tp.clone()))
            .unwrap_or(&empty);
        let chain = Chain {
            causes: self,
            entries: &team.entries,
            offset,
        };
        let mark = self
            .marks
            .get(&tp)
            .and_then(|m| m.iter().find(|m| m.from <= offset && offset < m.to));
        let mark_link = |m: &Mark| Link {
            step: m.step,
            kind: LinkKind::Retention,
            client: None,
            generation: None,
            offset: Some(m.to),
            from: Some(m.from),
            notebook: None,
        };
        let (verdict, mut links) = if offset < log_start || offset < ledger.pruned_below(g, &tp) {
            let never = mark.is_some_and(|m| {
                m.reached
                    .get(group)
                    .copied()
                    .flatten()
                    .is_none_or(|r| r <= offset)
            });
            if never {
                (Verdict::NeverProcessed, chain.skipped())
            } else {
                (Verdict::Forgotten, chain.processings(false))
            }
        } else {
            let times = ledger.times_processed(g, &tp, offset);
            if times >= 2 {
                (Verdict::ProcessedTwice { times }, chain.processings(true))
            } else if times == 1 {
                (Verdict::ProcessedOnce, chain.processed_once())
            } else {
                let first = ledger.first_fetched(g, &tp);
                let last = ledger.last_processed(g, &tp);
                let fetched_it = first.is_some_and(|f| f <= offset);
                let ledger_skip = fetched_it && last.is_some_and(|l| offset < l);
                let frontier = committed.max(positions(console, group, &tp));
                let past = frontier.is_some_and(|f| f > offset);
                if ledger_skip || (past && fetched_it) {
                    (Verdict::NeverProcessed, chain.skipped())
                } else if past {
                    (Verdict::StartedAfter, chain.started_after())
                } else {
                    (Verdict::NotYet, chain.not_yet())
                }
            }
        };
        if let Some(m) = mark {
            if verdict == Verdict::NeverProcessed {
                // Where the group's committed offset stood when the record left the log.
                if let Some(c) = chain.rfind(0..team.entries.len(), |e| {
                    matches!(e.kind, EntryKind::Committed(_)) && e.step <= m.step && e.to <= offset
                }) {
                    if !links.iter().any(|l| {
                        l.step == team.entries[c].step
                            && matches!(l.kind, LinkKind::Committed { .. })
                    }) {
                        links.push(chain.natural(c));
                    }
                }
            }
            links.push(mark_link(m));
            links.sort_by_key(|l| l.step);
        }
        Some(Why {
            group: group.to_string(),
            topic: topic.to_string(),
            partition,
            offset,
            verdict,
            links,
            committed,
            log_start,
        })
    }
}

/// The highest position of the group's running consumers in `tp`.
fn positions(console: &Console, group: &str, tp: &TopicPartition) -> Option<i64> {
    let world = console.world();
    world
        .consumer_names()
        .filter_map(|n| world.consumer_view(n))
        .filter(|v| v.group.as_deref() == Some(group))
        .flat_map(|v| v.partitions)
        .filter(|p| p.topic == tp.topic && p.partition == tp.partition)
        .filter_map(|p| p.position)
        .max()
}

/// Drops what only concerned records below `log_start`. Kept: entries about records still in
/// the log, positions at or above it, the latest committed offset, and what happened to
/// consumers from the first entry about a record still in the log on.
fn prune(team: &mut Team, log_start: i64) {
    let last_commit = team
        .entries
        .iter()
        .rposition(|e| matches!(e.kind, EntryKind::Committed(_)));
    let keep_data = |e: &Entry| match e.kind {
        EntryKind::Processed | EntryKind::Fetched => e.to >= log_start,
        EntryKind::Resumed(_) | EntryKind::Committed(_) | EntryKind::CommitLost => {
            e.to >= log_start
        }
        _ => false,
    };
    let first_data = team
        .entries
        .iter()
        .enumerate()
        .find(|(i, e)| keep_data(e) || Some(*i) == last_commit)
        .map(|(i, _)| i);
    let old = std::mem::take(&mut team.entries);
    team.entries = old
        .into_iter()
        .enumerate()
        .filter(|(i, e)| {
            Some(*i) == last_commit
                || keep_data(e)
                || (!matches!(
                    e.kind,
                    EntryKind::Processed
                        | EntryKind::Fetched
                        | EntryKind::Resumed(_)
                        | EntryKind::Committed(_)
                        | EntryKind::CommitLost
                ) && first_data.is_some_and(|f| *i > f))
        })
        .map(|(_, e)| e)
        .collect();
}

/// Builds links from one (group, partition) history for one record.
struct Chain<'a> {
    causes: &'a Causes,
    entries: &'a VecDeque<Entry>,
    offset: i64,
}

impl Chain<'_> {
    fn covers(&self, e: &Entry) -> bool {
        e.from <= self.offset && self.offset <= e.to
    }

    fn link(&self, i: usize, kind: LinkKind) -> Link {
        let e = self.entries[i];
        let (offset, from) = match e.kind {
            EntryKind::Processed => (Some(self.offset), None),
            EntryKind::Fetched => (Some(e.to), Some(e.from)),
            EntryKind::Committed(_) | EntryKind::CommitLost | EntryKind::Resumed(_) => {
                (Some(e.to), None)
            }
            _ => (None, None),
        };
        let notebook = if e.kind.ends_work() {
            self.line_before(i)
        } else {
            None
        };
        Link {
            step: e.step,
            kind,
            client: self.causes.name(e.client),
            generation: e.generation,
            offset,
            from,
            notebook,
        }
    }

    /// The link of entry `i`, in its own words.
    fn natural(&self, i: usize) -> Link {
        let e = self.entries[i];
        let kind = match e.kind {
            EntryKind::Processed => {
                if self.covers(&e) {
                    LinkKind::Processed
                } else {
                    let mut l = self.link(i, LinkKind::ProcessedLater);
                    l.offset = Some(e.from);
                    return l;
                }
            }
            EntryKind::Fetched => LinkKind::Fetched,
            EntryKind::Committed(how) => LinkKind::Committed { how },
            EntryKind::CommitLost => LinkKind::CommitLost,
            EntryKind::CommitRefused(code) => LinkKind::CommitRefused {
                code: code.to_string(),
            },
            EntryKind::NotebookCleared { expired } => LinkKind::NotebookCleared { expired },
            EntryKind::Crashed => LinkKind::Crashed,
            EntryKind::Closed => LinkKind::Closed,
            EntryKind::Revoked => LinkKind::Revoked,
            EntryKind::Lost => LinkKind::Lost,
            EntryKind::Assigned => LinkKind::Assigned,
            EntryKind::Resumed(how) => LinkKind::Resumed { how },
        };
        self.link(i, kind)
    }

    /// The committed offset just before entry `i` (`None`: no line, or it was deleted).
    fn line_before(&self, i: usize) -> Option<i64> {
        self.entries
            .iter()
            .take(i)
            .rev()
            .find_map(|e| match e.kind {
                EntryKind::Committed(_) => Some(Some(e.to)),
                EntryKind::NotebookCleared { .. } => Some(None),
                _ => None,
            })
            .flatten()
    }

    fn find(&self, range: std::ops::Range<usize>, f: impl Fn(&Entry) -> bool) -> Option<usize> {
        range.into_iter().find(|&i| f(&self.entries[i]))
    }

    fn rfind(&self, range: std::ops::Range<usize>, f: impl Fn(&Entry) -> bool) -> Option<usize> {
        range.into_iter().rev().find(|&i| f(&self.entries[i]))
    }

    fn finish(&self, mut picked: Vec<usize>) -> Vec<Link> {
        picked.sort_unstable();
        picked.dedup();
        picked.into_iter().map(|i| self.natural(i)).collect()
    }

    /// Every processing of the record and, between two of them, why it was read again.
    fn processings(&self, duplicate: bool) -> Vec<Link> {
        let o = self.offset;
        let p: Vec<usize> = (0..self.entries.len())
            .filter(|&i| {
                self.entries[i].kind == EntryKind::Processed && self.covers(&self.entries[i])
            })
            .collect();
        let mut picked = p.clone();
        if duplicate {
            for pair in p.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                let (ca, cb) = (self.entries[a].client, self.entries[b].client);
                let resume = self.rfind(a + 1..b, |e| {
                    matches!(e.kind, EntryKind::Resumed(_)) && e.client == cb && e.to <= o
                });
                let upper = resume.unwrap_or(b);
                if let Some(r) = resume {
                    picked.push(r);
                    if self.entries[r].kind == EntryKind::Resumed(ResumeHow::Committed) {
                        let k = self.entries[r].to;
                        if let Some(c) = self.rfind(0..r, |e| {
                            matches!(e.kind, EntryKind::Committed(_)) && e.to == k
                        }) {
                            picked.push(c);
                        }
                    } else if let Some(c) = self.rfind(a + 1..r, |e| {
                        matches!(e.kind, EntryKind::NotebookCleared { .. })
                    }) {
                        picked.push(c);
                    }
                }
                if let Some(x) = self.find(a + 1..upper, |e| e.client == ca && e.kind.ends_work()) {
                    picked.push(x);
                }
                if let Some(x) = self.find(a + 1..upper, |e| {
                    e.client == ca && matches!(e.kind, EntryKind::CommitRefused(_))
                }) {
                    picked.push(x);
                }
                if let Some(x) = self.rfind(a + 1..upper, |e| {
                    e.client == cb && e.kind == EntryKind::Assigned
                }) {
                    picked.push(x);
                }
            }
        }
        self.finish(picked)
    }

    /// The processing, and the first commit that passed it (it will not be read again).
    fn processed_once(&self) -> Vec<Link> {
        let o = self.offset;
        let mut picked = Vec::new();
        if let Some(p) = self.find(0..self.entries.len(), |e| {
            e.kind == EntryKind::Processed && self.covers(e)
        }) {
            picked.push(p);
            if let Some(c) = self.find(p + 1..self.entries.len(), |e| {
                matches!(e.kind, EntryKind::Committed(_)) && e.to > o
            }) {
                picked.push(c);
            }
        }
        self.finish(picked)
    }

    /// How the group moved past the record: the poll that returned it, the commit past it,
    /// the crash or hand-over, where the next reader started.
    fn skipped(&self) -> Vec<Link> {
        let o = self.offset;
        let n = self.entries.len();
        let mut picked = Vec::new();
        let fetch = self.find(0..n, |e| e.kind == EntryKind::Fetched && self.covers(e));
        let start = fetch.map_or(0, |f| f + 1);
        if let Some(f) = fetch {
            picked.push(f);
        }
        let commit = self.find(start..n, |e| {
            matches!(e.kind, EntryKind::Committed(_)) && e.to > o
        });
        if let Some(c) = commit {
            picked.push(c);
        }
        let fetcher = fetch.map(|f| self.entries[f].client);
        let end =
            fetcher.and_then(|c| self.find(start..n, |e| e.client == c && e.kind.ends_work()));
        if let Some(x) = end {
            picked.push(x);
        }
        let resume = self.find(start..n, |e| {
            matches!(e.kind, EntryKind::Resumed(_)) && e.to > o
        });
        if let Some(r) = resume {
            picked.push(r);
            let after = end.map_or(start, |x| x + 1);
            let reader = self.entries[r].client;
            if let Some(a) = self.rfind(after.min(r)..r, |e| {
                e.client == reader && e.kind == EntryKind::Assigned
            }) {
                picked.push(a);
            }
        }
        if commit.is_none() && resume.is_none() {
            if let Some(l) = self.find(start..n, |e| e.kind == EntryKind::Processed && e.from > o) {
                picked.push(l);
            }
        }
        self.finish(picked)
    }

    /// Where the group started, past the record.
    fn started_after(&self) -> Vec<Link> {
        let o = self.offset;
        let n = self.entries.len();
        let mut picked = Vec::new();
        if let Some(r) = self.find(0..n, |e| {
            matches!(e.kind, EntryKind::Resumed(_)) && e.to > o
        }) {
            picked.push(r);
        } else if let Some(c) = self.find(0..n, |e| {
            matches!(e.kind, EntryKind::Committed(_)) && e.to > o
        }) {
            picked.push(c);
        }
        self.finish(picked)
    }

    /// The batch holding it (if polled) and the latest committed offset.
    fn not_yet(&self) -> Vec<Link> {
        let n = self.entries.len();
        let mut picked = Vec::new();
        if let Some(f) = self.rfind(0..n, |e| e.kind == EntryKind::Fetched && self.covers(e)) {
            picked.push(f);
        }
        if let Some(c) = self.rfind(0..n, |e| matches!(e.kind, EntryKind::Committed(_))) {
            picked.push(c);
        }
        self.finish(picked)
    }
}

// ----- sentences ------------------------------------------------------------------------

struct Vocab {
    w: Words,
}

impl Vocab {
    fn pick(&self, train: &'static str, kafka: &'static str) -> &'static str {
        match self.w {
            Words::Train => train,
            Words::Kafka => kafka,
        }
    }
    fn consumer(&self, name: &str) -> String {
        format!("{} {name}", self.pick("ticket checker", "consumer"))
    }
    fn seat(&self, o: i64) -> String {
        format!("{} {o}", self.pick("seat", "offset"))
    }
    fn seats(&self, from: i64, to: i64) -> String {
        if from == to {
            self.seat(from)
        } else {
            format!("{} {from}–{to}", self.pick("seats", "offsets"))
        }
    }
    fn partition(&self, p: i32) -> String {
        format!("{} {p}", self.pick("compartment", "partition"))
    }
    fn generation(&self, g: Option<i32>) -> String {
        g.map(|g| format!(" ({} {g})", self.pick("shift", "generation")))
            .unwrap_or_default()
    }
    fn team(&self, g: &str) -> String {
        format!("{} {g}", self.pick("team", "group"))
    }
}

fn commit_how(how: CommitKind) -> &'static str {
    match how {
        CommitKind::Auto => "auto-commit",
        CommitKind::BeforeRebalance => "auto-commit before a rebalance",
        CommitKind::OnClose => "auto-commit on close",
        CommitKind::Sync => "commitSync",
        CommitKind::Async => "commitAsync",
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

impl Why {
    /// The verdict in one sentence.
    pub fn headline(&self, words: Words) -> String {
        let v = Vocab { w: words };
        let record = match words {
            Words::Train => format!(
                "the passenger in seat {} of compartment {} (train {})",
                self.offset, self.partition, self.topic
            ),
            Words::Kafka => format!(
                "the record at offset {} of {}-{}",
                self.offset, self.topic, self.partition
            ),
        };
        let team = capitalised(&v.team(&self.group));
        let process = v.pick("checked", "processed");
        match self.verdict {
            Verdict::ProcessedTwice { times } => {
                // Read again after a crash, a close or a hand-over: at-least-once. Read again
                // only because a consumer sought back over it: a replay the application asked for.
                let replay = !self.links.iter().any(|l| {
                    matches!(
                        l.kind,
                        LinkKind::Crashed | LinkKind::Closed | LinkKind::Revoked | LinkKind::Lost
                    )
                }) && self.links.iter().any(|l| {
                    l.kind
                        == LinkKind::Resumed {
                            how: ResumeHow::Seek,
                        }
                });
                format!(
                    "{team} {process} {record} {times} times{}{}.",
                    v.pick("", ": a duplicate"),
                    if replay {
                        ", after a seek back"
                    } else {
                        " (at-least-once)"
                    }
                )
            }
            Verdict::ProcessedOnce => {
                format!("{team} {process} {record} once, as intended.")
            }
            Verdict::NeverProcessed => {
                let retention = self.links.iter().any(|l| l.kind == LinkKind::Retention);
                if retention {
                    format!(
                        "{team} never {process} {record}: {} before the {} got there.",
                        v.pick("it left the train", "retention deleted it"),
                        v.pick("team", "group")
                    )
                } else {
                    // A commit past it before it was processed: at-most-once.
                    let committed_past = self.links.iter().any(|l| {
                        matches!(l.kind, LinkKind::Committed { .. })
                            && l.offset.is_some_and(|c| c > self.offset)
                    });
                    format!(
                        "{team} never {process} {record}{}{}.",
                        v.pick("", ": skipped"),
                        if committed_past {
                            " (at-most-once)"
                        } else {
                            ""
                        }
                    )
                }
            }
            Verdict::StartedAfter => format!(
                "{team} never read {record}: it started reading {} after it (not a skip).",
                v.partition(self.partition)
            ),
            Verdict::NotYet => format!("{team} has not {process} {record} yet."),
            Verdict::Forgotten => format!(
                "{} is no longer {}: {}, and how often the {} {process} it is kept only in its totals.",
                capitalised(&record),
                v.pick("on the train", "in the log"),
                v.pick("it left the train", "retention deleted it"),
                v.pick("team", "group")
            ),
        }
    }

    /// The causes, one clause each, in the order they happened.
    pub fn sentences(&self, words: Words) -> Vec<Sentence> {
        let v = Vocab { w: words };
        let o = self.offset;
        let mut seen_processing = false;
        let mut out = Vec::with_capacity(self.links.len());
        for l in &self.links {
            let who = l.client.as_deref().map(|c| v.consumer(c));
            let who_or = |default: &str| who.clone().unwrap_or_else(|| default.to_string());
            let step = l.step;
            let at = format!("at step {step}");
            let text = match &l.kind {
                LinkKind::Processed => {
                    let again = if seen_processing { " again" } else { "" };
                    seen_processing = true;
                    format!(
                        "{}{} {} {}{again} {at}",
                        who_or(v.pick("a ticket checker", "a consumer")),
                        v.generation(l.generation),
                        v.pick("checked", "processed"),
                        v.seat(o)
                    )
                }
                LinkKind::ProcessedLater => format!(
                    "{}{} {} {}, {}, {at}",
                    who_or(v.pick("a ticket checker", "a consumer")),
                    v.generation(l.generation),
                    v.pick("checked", "processed"),
                    v.seat(l.offset.unwrap_or(o)),
                    v.pick("further along", "a later record")
                ),
                LinkKind::Fetched => {
                    let (from, to) = (l.from.unwrap_or(o), l.offset.unwrap_or(o));
                    match words {
                        Words::Train => format!(
                            "{} collected the tickets of {} {at}",
                            who_or("a ticket checker"),
                            v.seats(from, to)
                        ),
                        Words::Kafka => format!(
                            "{}'s poll returned {} {at}",
                            who_or("a consumer"),
                            v.seats(from, to)
                        ),
                    }
                }
                LinkKind::Committed { how } => {
                    let line = l.offset.unwrap_or(0);
                    let how = how
                        .map(|h| format!(" ({})", commit_how(h)))
                        .unwrap_or_default();
                    match (&who, words) {
                        (Some(w), Words::Train) => format!(
                            "{w} wrote {} in the notebook {at}{how}: the next passenger to check",
                            v.seat(line)
                        ),
                        (Some(w), Words::Kafka) => format!(
                            "{w} committed offset {line} {at}{how}: the next offset to read"
                        ),
                        (None, Words::Train) => format!(
                            "the notebook's line for {} became {} {at}",
                            v.partition(self.partition),
                            v.seat(line)
                        ),
                        (None, Words::Kafka) => format!(
                            "the committed offset of {} became {line} {at}",
                            v.partition(self.partition)
                        ),
                    }
                }
                LinkKind::CommitLost => format!(
                    "{} {}{} was lost {at} before it was {}",
                    v.pick("a notebook line for", "a commit of"),
                    v.seat(l.offset.unwrap_or(0)),
                    who.as_ref().map(|w| format!(" by {w}")).unwrap_or_default(),
                    v.pick("copied", "replicated")
                ),
                LinkKind::CommitRefused { code } => match words {
                    Words::Train => format!(
                        "{} was refused a notebook line {at} ({code})",
                        who_or("a ticket checker")
                    ),
                    Words::Kafka => {
                        format!("{}'s commit failed {at} ({code})", who_or("a consumer"))
                    }
                },
                LinkKind::NotebookCleared { expired } => format!(
                    "the {} for {} was {} {at}",
                    v.pick("notebook's line", "committed offset"),
                    v.partition(self.partition),
                    if *expired { "expired" } else { "deleted" }
                ),
                LinkKind::Crashed | LinkKind::Closed | LinkKind::Revoked | LinkKind::Lost => {
                    let w = who_or(v.pick("a ticket checker", "a consumer"));
                    let part = v.partition(self.partition);
                    let what = match (&l.kind, words) {
                        (LinkKind::Crashed, Words::Train) => format!("{w} fainted {at}"),
                        (LinkKind::Crashed, Words::Kafka) => format!("{w} crashed {at}"),
                        (LinkKind::Closed, Words::Train) => {
                            format!("{w} left the team {at} (close)")
                        }
                        (LinkKind::Closed, Words::Kafka) => format!("{w} closed {at}"),
                        (LinkKind::Revoked, Words::Train) => {
                            format!("{w} handed {part} back {at} when the team was reshuffled")
                        }
                        (LinkKind::Revoked, Words::Kafka) => {
                            format!("{part} was revoked from {w} {at} (rebalance)")
                        }
                        (_, Words::Train) => {
                            format!(
                                "{w} lost {part} {at}: the team no longer counted it as a member"
                            )
                        }
                        (_, Words::Kafka) => {
                            format!("{w} lost {part} {at}: its membership in the group was lost")
                        }
                    };
                    let state = match (l.notebook, words) {
                        (None, Words::Train) => {
                            format!(", while the notebook had no line for {part}")
                        }
                        (None, Words::Kafka) => format!(", with no committed offset for {part}"),
                        (Some(n), Words::Train) if n <= o => {
                            format!(", while the notebook's line still said seat {n}")
                        }
                        (Some(n), Words::Kafka) if n <= o => {
                            format!(", while the committed offset was still {n}")
                        }
                        (Some(n), Words::Train) => format!(
                            ", while the notebook's line already said seat {n}, past seat {o}"
                        ),
                        (Some(n), Words::Kafka) => {
                            format!(", while the committed offset was already {n}, past offset {o}")
                        }
                    };
                    what + &state
                }
                LinkKind::Assigned => match words {
                    Words::Train => format!(
                        "{} took {} {at}{}",
                        who_or("a ticket checker"),
                        v.partition(self.partition),
                        v.generation(l.generation)
                    ),
                    Words::Kafka => format!(
                        "{} was assigned {} {at}{}",
                        who_or("a consumer"),
                        v.partition(self.partition),
                        v.generation(l.generation)
                    ),
                },
                LinkKind::Resumed { how } => {
                    let w = who_or(v.pick("a ticket checker", "a consumer"));
                    let n = l.offset.unwrap_or(0);
                    match (how, words) {
                        (ResumeHow::Committed, Words::Train) => format!(
                            "{w} started at seat {n}, the notebook's line, {at}"
                        ),
                        (ResumeHow::Committed, Words::Kafka) => {
                            format!("{w} resumed at offset {n}, the committed offset, {at}")
                        }
                        (ResumeHow::Reset(ResetReason::NoCommittedOffset), Words::Train) => {
                            format!(
                                "with no line in the notebook, auto.offset.reset put {w} at seat {n} {at}"
                            )
                        }
                        (ResumeHow::Reset(ResetReason::NoCommittedOffset), Words::Kafka) => {
                            format!(
                                "with no committed offset, auto.offset.reset set {w}'s position to {n} {at}"
                            )
                        }
                        (ResumeHow::Reset(ResetReason::OutOfRange), Words::Train) => format!(
                            "the seat {w} was to start from was no longer on the train, so auto.offset.reset put it at seat {n} {at}"
                        ),
                        (ResumeHow::Reset(ResetReason::OutOfRange), Words::Kafka) => format!(
                            "{w}'s offset was out of range, so auto.offset.reset set its position to {n} {at}"
                        ),
                        (ResumeHow::Reset(ResetReason::SeekToBeginning), Words::Train) => {
                            format!("{w} went back to seat {n}, the first seat still on board, {at} (seekToBeginning)")
                        }
                        (ResumeHow::Reset(ResetReason::SeekToBeginning), Words::Kafka) => {
                            format!("{w} moved to offset {n}, the log start offset, {at} (seekToBeginning)")
                        }
                        (ResumeHow::Reset(ResetReason::SeekToEnd), Words::Train) => {
                            format!("{w} jumped to seat {n}, where boarding is complete, {at} (seekToEnd)")
                        }
                        (ResumeHow::Reset(ResetReason::SeekToEnd), Words::Kafka) => {
                            format!("{w} moved to offset {n}, the high watermark, {at} (seekToEnd)")
                        }
                        (ResumeHow::Seek, Words::Train) => {
                            format!("{w} moved to seat {n} {at} (seek)")
                        }
                        (ResumeHow::Seek, Words::Kafka) => {
                            format!("{w} moved to offset {n} {at} (seek)")
                        }
                    }
                }
                LinkKind::Retention => {
                    let (from, to) = (l.from.unwrap_or(0), l.offset.unwrap_or(0));
                    let gone = v.seats(from, to - 1);
                    match words {
                        Words::Train => format!(
                            "the passengers in {gone} left the train {at} (the first seat still on board went from {from} to {to})"
                        ),
                        Words::Kafka => format!(
                            "retention deleted {gone} {at} (the log start offset moved from {from} to {to})"
                        ),
                    }
                }
            };
            out.push(Sentence {
                step: Some(step),
                text,
            });
        }
        out
    }

    /// What the committed offset means for the record now, when that matters.
    pub fn outlook(&self, words: Words) -> Option<String> {
        let v = Vocab { w: words };
        let o = self.offset;
        let line = v.pick("notebook's line", "committed offset");
        match self.verdict {
            Verdict::ProcessedOnce | Verdict::NotYet => Some(match self.committed {
                Some(c) if c < self.log_start => format!(
                    "The {line} ({c}) is below {} ({}): where a {} resuming from it starts is up to auto.offset.reset.",
                    v.pick("the first seat still on board", "the log start offset"),
                    self.log_start,
                    v.pick("ticket checker", "consumer")
                ),
                Some(c) if c > o => format!(
                    "The {line} ({c}) is past {}: the {} will not read it again from there.",
                    v.seat(o),
                    v.pick("team", "group")
                ),
                Some(c) => format!(
                    "The {line} ({c}) is not past {} yet: a {} resuming from it now would read it{}.",
                    v.seat(o),
                    v.pick("ticket checker", "consumer"),
                    if self.verdict == Verdict::ProcessedOnce {
                        " again (at-least-once)"
                    } else {
                        ""
                    }
                ),
                None => match words {
                    Words::Train => format!(
                        "The notebook has no line for {} yet.",
                        v.partition(self.partition)
                    ),
                    Words::Kafka => format!(
                        "The group has no committed offset for {} yet.",
                        v.partition(self.partition)
                    ),
                },
            }),
            _ => None,
        }
    }

    /// The whole explanation as one paragraph: the verdict, the causes, the outlook.
    pub fn text(&self, words: Words) -> String {
        let mut out = self.headline(words);
        let clauses: Vec<String> = self.sentences(words).into_iter().map(|s| s.text).collect();
        if !clauses.is_empty() {
            out.push(' ');
            out.push_str(&capitalised(&clauses.join("; ")));
            out.push('.');
        }
        if let Some(o) = self.outlook(words) {
            out.push(' ');
            out.push_str(&o);
        }
        out
    }
}
