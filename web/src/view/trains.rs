//! The trains, shaped for drawing: every topic a train (the internal `__consumer_offsets` is
//! drawn by the notebook panel), every partition a compartment, a window of seats (offsets)
//! with their passengers (records), the markers (log start, high watermark, log end), the
//! ticket checkers (consumers) standing at their positions with the passengers in hand, each
//! team's notebook line (the committed offset), what each team did with each passenger (from
//! the core's delivery ledger: checked, checked twice, never checked), the lag per team and
//! the replicas.
//!
//! Everything here is a pure function of the world (and of the latest step's events for what
//! just happened), so it is tested natively below.
//!
//! **Slots.** A compartment draws a row of equally wide slots: a chip for the seats before the
//! window, one slot per seat, one slot per run of seats emptied by compaction, a chip for the
//! seats after the window (when scrolled back) and the next free seat. Markers (checkers,
//! notebook lines, the high watermark) stand at a slot; the component moves them with a CSS
//! transform, so a marker that moves slides.

use sim::consumer::ConsumerEvent;
use sim::{Event, TopicPartition, World};
use std::collections::{BTreeMap, BTreeSet};

/// How many seats (offsets) a compartment draws at once: the newest ones unless the learner
/// scrolled back.
pub const WINDOW: i64 = 40;

/// How many team colours (and team shapes) there are.
pub const TEAM_COLOURS: usize = 6;

/// How many passenger colours and passenger shapes there are (a key gets one of each).
pub const KEY_HUES: u32 = 12;
pub const KEY_SHAPES: u32 = 6;

/// A consumer group as drawn: a team with a colour, a shape (both by `colour`) and a letter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Team {
    pub group: String,
    /// 0..[`TEAM_COLOURS`]: the team's colour and shape class (`team-N`).
    pub colour: usize,
    /// The letter on the team's badges.
    pub letter: char,
}

/// The look of a passenger: a colour AND a shape by key, so colour is never the only cue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyLook {
    /// `None` for a record without a key (drawn grey, plain).
    pub hue: Option<u32>,
    pub shape: Option<u32>,
}

/// The colour and shape of a key's passengers: the same in every compartment and train.
pub fn key_look(key: Option<&str>) -> KeyLook {
    match key {
        None => KeyLook {
            hue: None,
            shape: None,
        },
        Some(k) => {
            let h = sim::partitioner::to_positive(sim::partitioner::murmur2(k.as_bytes())) as u32;
            KeyLook {
                hue: Some(h % KEY_HUES),
                shape: Some((h / KEY_HUES) % KEY_SHAPES),
            }
        }
    }
}

/// Every consumer group the world knows (coordinator state, committed offsets, or a consumer
/// configured with it), sorted, each with a distinct colour while there are colours left and
/// a distinct letter while the names allow.
pub fn teams(world: &World) -> Vec<Team> {
    let mut groups: BTreeSet<String> = script::exec::state::group_ids(world).into_iter().collect();
    groups.extend(
        world
            .consumer_names()
            .filter_map(|n| world.consumer(n)?.config().group_id.clone()),
    );
    let mut taken_colours = [false; TEAM_COLOURS];
    let mut taken_letters: Vec<char> = Vec::new();
    groups
        .into_iter()
        .map(|group| {
            let preferred =
                sim::partitioner::to_positive(sim::partitioner::murmur2(group.as_bytes())) as usize
                    % TEAM_COLOURS;
            let colour = (0..TEAM_COLOURS)
                .map(|i| (preferred + i) % TEAM_COLOURS)
                .find(|c| !taken_colours[*c])
                .unwrap_or(preferred);
            taken_colours[colour] = true;
            // A name ending in a digit (`team-2`, `g3`) is told apart by it; otherwise the
            // first letter, then the others, then any free letter.
            let trailing_digit = group.chars().last().filter(char::is_ascii_digit);
            let letter = trailing_digit
                .into_iter()
                .chain(
                    group
                        .chars()
                        .filter(|c| c.is_alphanumeric())
                        .flat_map(char::to_uppercase),
                )
                .chain('A'..='Z')
                .find(|c| !taken_letters.contains(c))
                .unwrap_or('?');
            taken_letters.push(letter);
            Team {
                group,
                colour,
                letter,
            }
        })
        .collect()
}

/// What one team did with one passenger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeatCheck {
    pub team: Team,
    /// How many times the team processed the record: 0 means never checked (the team moved
    /// past it without processing it: at-most-once), 2 or more a duplicate (at-least-once).
    pub times: u32,
}

/// A checker holding a passenger's ticket: (consumer name, team colour).
pub type Holder = (String, Option<usize>);

/// One drawn seat with its passenger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeatView {
    pub offset: i64,
    pub key: Option<String>,
    pub value: Option<String>,
    pub look: KeyLook,
    /// A record with a key and no value: compaction will remove the key.
    pub tombstone: bool,
    /// At or past the high watermark: not on every in-sync replica yet, no checker may read it.
    pub above_hw: bool,
    /// Per team that checked it (or skipped it), in team order.
    pub checks: Vec<SeatCheck>,
    /// Checkers holding it: polled, not processed yet.
    pub in_hand: Vec<Holder>,
    /// Checkers processing it right now.
    pub being_checked: Vec<Holder>,
    /// Plain, or part of a transaction, or a transaction's marker.
    pub txn: SeatTxn,
}

/// A seat's part in a transaction (KIP-98).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SeatTxn {
    /// An ordinary passenger.
    #[default]
    Plain,
    /// Boarded in a transaction still open: read_committed checkers wait before it.
    Open,
    /// Boarded in a transaction that committed.
    Committed,
    /// Boarded in a transaction that aborted: read_committed checkers skip it.
    Aborted,
    /// The COMMIT (`true`) or ABORT marker: a control record that takes the seat; nobody
    /// checks it.
    Marker { commit: bool },
}

/// One slot of a compartment's row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Slot {
    /// Seats `from..to` are on board but before the window.
    Earlier {
        from: i64,
        to: i64,
    },
    Seat(SeatView),
    /// Seats `from..to` are empty: compaction removed their passengers (offsets are never
    /// reused).
    Gap {
        from: i64,
        to: i64,
    },
    /// Seats `from..to` are after the window (the learner scrolled back).
    Later {
        from: i64,
        to: i64,
    },
    /// The log end offset: the seat the next passenger takes.
    NextFree {
        offset: i64,
    },
}

impl Slot {
    /// The offsets this slot stands for, `lo..hi`.
    fn range(&self) -> (i64, i64) {
        match self {
            Slot::Earlier { from, to } | Slot::Gap { from, to } | Slot::Later { from, to } => {
                (*from, *to)
            }
            Slot::Seat(s) => (s.offset, s.offset + 1),
            Slot::NextFree { offset } => (*offset, offset.saturating_add(1)),
        }
    }

    /// A stable key for the DOM.
    pub fn key(&self) -> String {
        match self {
            Slot::Earlier { .. } => "earlier".into(),
            Slot::Seat(s) => s.offset.to_string(),
            Slot::Gap { from, .. } => format!("gap-{from}"),
            Slot::Later { .. } => "later".into(),
            Slot::NextFree { .. } => "next".into(),
        }
    }
}

/// Where a marker stands: a slot, and whether its offset lies outside the drawn seats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    pub slot: usize,
    /// Markers at the same slot stack (0 is nearest the seats).
    pub row: usize,
    /// The offset is before the first drawn seat or after the last (the marker points there).
    pub outside: Outside,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outside {
    No,
    Before,
    After,
}

/// A ticket checker standing in this compartment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckerView {
    pub consumer: String,
    pub team: Option<Team>,
    /// The position: the next offset it will fetch.
    pub position: i64,
    pub place: Place,
    /// Records of this compartment in hand (polled, not processed yet).
    pub in_hand: usize,
    pub paused: bool,
    /// The step of the application loop it runs on its own (`poll`, `process`, `processing`,
    /// `commit`), if it runs one.
    pub app_step: Option<String>,
}

/// A team's notebook line in this compartment: the committed offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotebookLine {
    pub team: Team,
    pub offset: i64,
    pub place: Place,
}

/// A team's lag in this compartment: log end offset minus committed offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamLag {
    pub team: Team,
    /// `None` without a committed offset.
    pub lag: Option<i64>,
}

/// One copy of the compartment on one broker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicaView {
    pub broker: i32,
    pub leader: bool,
    pub in_isr: bool,
    pub broker_alive: bool,
    pub log_end: i64,
    /// How far behind the leader's log end it is.
    pub behind: i64,
}

/// What just happened to a compartment (the latest step), for a short animation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Happened {
    /// The seat a passenger just took.
    pub boarded: Option<i64>,
    /// Retention: seats `from..to` just left the train.
    pub departed: Option<(i64, i64)>,
    /// Compaction just removed this many passengers.
    pub compacted: Option<usize>,
    /// The replicas changed (a broker stopped, the ISR shrank or grew, the leader moved).
    pub replicas_changed: bool,
    /// Consumers that crashed in this step (their checkers faint).
    pub fainted: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompartmentView {
    pub topic: String,
    pub partition: i32,
    pub log_start: i64,
    pub high_watermark: i64,
    /// The last stable offset: below the first open transaction (the HW when none is open).
    pub last_stable: i64,
    pub log_end: i64,
    /// The end of the window asked for (`None`: the newest seats, following new passengers).
    pub window_end: Option<i64>,
    pub slots: Vec<Slot>,
    /// The slot at whose left edge the high watermark line stands.
    pub hw_slot: usize,
    pub checkers: Vec<CheckerView>,
    pub notebook: Vec<NotebookLine>,
    pub lags: Vec<TeamLag>,
    pub replicas: Vec<ReplicaView>,
    pub happened: Happened,
}

impl CompartmentView {
    /// Whether there are seats before the window to scroll back to.
    pub fn can_go_older(&self) -> bool {
        matches!(self.slots.first(), Some(Slot::Earlier { .. }))
    }

    /// Whether the window is scrolled back.
    pub fn can_go_newer(&self) -> bool {
        self.window_end.is_some()
    }

    /// The window end one page older.
    pub fn older_end(&self) -> Option<i64> {
        let end = self.window_end.unwrap_or(self.log_end);
        Some((end - WINDOW).max(self.log_start + 1).min(self.log_end))
    }

    /// The window end one page newer (`None`: back to following the newest seats).
    pub fn newer_end(&self) -> Option<i64> {
        let end = self.window_end? + WINDOW;
        (end < self.log_end).then_some(end)
    }

    /// The drawn seat at `offset`, if drawn.
    pub fn seat(&self, offset: i64) -> Option<&SeatView> {
        self.slots.iter().find_map(|s| match s {
            Slot::Seat(seat) if seat.offset == offset => Some(seat),
            _ => None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainView {
    pub topic: String,
    pub compacted: bool,
    pub compartments: Vec<CompartmentView>,
}

/// The window end of each compartment the learner scrolled back: (topic, partition) → end.
pub type Windows = BTreeMap<(String, i32), i64>;

/// Every train (the internal `__consumer_offsets` aside), in topic order.
pub fn trains(world: &World, latest: &[Event], windows: &Windows) -> Vec<TrainView> {
    let frame = Frame::new(world, latest);
    world
        .topics()
        .filter(|t| !t.is_internal())
        .map(|t| TrainView {
            topic: t.name().to_string(),
            compacted: is_compacted(t),
            compartments: t
                .partitions()
                .iter()
                .map(|p| {
                    let window_end = windows.get(&(t.name().to_string(), p.index())).copied();
                    frame.compartment(world, p, window_end)
                })
                .collect(),
        })
        .collect()
}

/// Whether a topic's cleanup policy compacts it.
pub fn is_compacted(t: &sim::Topic) -> bool {
    t.config().cleanup_policy != sim::CleanupPolicy::Delete
}

/// What one drawing needs once, whatever compartments it draws: the teams, what the
/// consumers are doing, and what the latest step did. A page that redraws only some
/// compartments in a frame (while play runs fast) asks for those alone.
pub struct Frame {
    teams: Vec<Team>,
    people: Checkers,
    happened: BTreeMap<(String, i32), Happened>,
    fainted: Vec<String>,
}

impl Frame {
    pub fn new(world: &World, latest: &[Event]) -> Frame {
        let teams = teams(world);
        let people = Checkers::gather(world, &teams);
        Frame {
            teams,
            people,
            happened: happenings(latest),
            fainted: fainted(latest),
        }
    }

    /// Whether the latest step did something to this compartment that must be drawn now (a
    /// checker fainting, seats leaving, the replicas changing); a passenger boarding is not.
    pub fn urgent(&self, topic: &str, partition: i32) -> bool {
        !self.fainted.is_empty()
            || self
                .happened
                .get(&(topic.to_string(), partition))
                .is_some_and(|h| {
                    h.departed.is_some() || h.compacted.is_some() || h.replicas_changed
                })
    }

    /// One compartment, its window ending at `window_end` (`None`: the newest seats).
    pub fn compartment(
        &self,
        world: &World,
        p: &sim::cluster::Partition,
        window_end: Option<i64>,
    ) -> CompartmentView {
        let happened = Happened {
            fainted: self.fainted.clone(),
            ..self
                .happened
                .get(&(p.topic().to_string(), p.index()))
                .cloned()
                .unwrap_or_default()
        };
        compartment(world, p, window_end, &self.teams, &self.people, happened)
    }
}

/// A checker standing in a compartment, before it is placed.
#[derive(Clone)]
struct Standing {
    consumer: String,
    team: Option<Team>,
    position: i64,
    paused: bool,
    app_step: Option<String>,
}

/// What the consumers are doing, gathered once per drawing.
#[derive(Default)]
struct Checkers {
    /// (topic, partition) → checkers standing there.
    standing: BTreeMap<(String, i32), Vec<Standing>>,
    /// (topic, partition, offset) → consumers holding the record (polled, not processed).
    in_hand: BTreeMap<(String, i32, i64), Vec<Holder>>,
    /// (topic, partition, offset) → consumers processing it now.
    processing: BTreeMap<(String, i32, i64), Vec<Holder>>,
    /// Per team (in team order): whether it ever moved past records it never processed (the
    /// ledger's totals say so exactly); only then are never-checked seats marked. Asked only
    /// when a drawn seat could be one (the totals walk the whole ledger), then kept.
    skipping: Vec<std::cell::Cell<Option<bool>>>,
}

impl Checkers {
    fn gather(world: &World, teams: &[Team]) -> Checkers {
        let team_of = |group: Option<&str>| -> Option<Team> {
            group.and_then(|g| teams.iter().find(|t| t.group == g).cloned())
        };
        let mut out = Checkers {
            skipping: vec![std::cell::Cell::new(None); teams.len()],
            ..Checkers::default()
        };
        for name in world.consumer_names() {
            let Some(view) = world.consumer_view(name) else {
                continue;
            };
            let team = team_of(view.group.as_deref());
            let colour = team.as_ref().map(|t| t.colour);
            let app_step = match world.app(name) {
                Some(sim::clients::AppView::Consumer { step, .. }) => Some(step),
                _ => None,
            };
            for p in &view.partitions {
                if let Some(position) = p.position {
                    out.standing
                        .entry((p.topic.clone(), p.partition))
                        .or_default()
                        .push(Standing {
                            consumer: name.to_string(),
                            team: team.clone(),
                            position,
                            paused: p.paused,
                            app_step: app_step.clone(),
                        });
                }
            }
            for r in &view.unprocessed {
                out.in_hand
                    .entry((r.topic.clone(), r.partition, r.offset))
                    .or_default()
                    .push((name.to_string(), colour));
            }
            for r in &view.processing {
                out.processing
                    .entry((r.partition.topic.clone(), r.partition.partition, r.offset))
                    .or_default()
                    .push((name.to_string(), colour));
            }
        }
        out
    }
}

/// What the latest step did, per compartment.
fn happenings(latest: &[Event]) -> BTreeMap<(String, i32), Happened> {
    let mut out: BTreeMap<(String, i32), Happened> = BTreeMap::new();
    for e in latest {
        match e {
            Event::RecordAppended {
                topic,
                partition,
                offset,
                ..
            } => out.entry((topic.clone(), *partition)).or_default().boarded = Some(offset.0),
            Event::LogStartOffsetAdvanced {
                topic,
                partition,
                from,
                to,
            } => {
                let h = out.entry((topic.clone(), *partition)).or_default();
                let (lo, hi) = h.departed.unwrap_or((from.0, to.0));
                h.departed = Some((lo.min(from.0), hi.max(to.0)));
            }
            Event::LogCompacted {
                topic,
                partition,
                records_removed,
                tombstones_removed,
                ..
            } => {
                let removed = records_removed + tombstones_removed;
                if removed > 0 {
                    let h = out.entry((topic.clone(), *partition)).or_default();
                    h.compacted = Some(h.compacted.unwrap_or(0) + removed);
                }
            }
            Event::IsrShrunk {
                topic, partition, ..
            }
            | Event::IsrExpanded {
                topic, partition, ..
            }
            | Event::LeaderChanged {
                topic, partition, ..
            }
            | Event::ReplicaTruncated {
                topic, partition, ..
            } => {
                out.entry((topic.clone(), *partition))
                    .or_default()
                    .replicas_changed = true
            }
            _ => {}
        }
    }
    out
}

/// The consumers that crashed in the latest step (their checkers faint).
pub fn fainted(latest: &[Event]) -> Vec<String> {
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

fn compartment(
    world: &World,
    p: &sim::cluster::Partition,
    window_end: Option<i64>,
    teams: &[Team],
    people: &Checkers,
    happened: Happened,
) -> CompartmentView {
    let topic = p.topic().to_string();
    let partition = p.index();
    let tp = TopicPartition {
        topic: topic.clone(),
        partition,
    };
    let log_start = p.log_start_offset().0;
    let hw = p.high_watermark().0;
    let log_end = p.log_end_offset().0;
    // The window: at most WINDOW seats ending at `end`.
    let window_end = window_end.filter(|e| *e < log_end);
    let end = window_end.map_or(log_end, |e| e.max(log_start.min(log_end)));
    let from = (end - WINDOW).max(log_start).min(end);
    let ledger = world.delivery_ledger();

    // Per team: the committed offset here, and whether it moved past records it never
    // processed (at-most-once) anywhere (the ledger's totals say so exactly).
    let committed: Vec<(Team, Option<i64>)> = teams
        .iter()
        .map(|t| {
            (
                t.clone(),
                world.committed_offset(&t.group, &tp).map(|c| c.offset.0),
            )
        })
        .collect();
    let skipping = |i: usize, group: &str| -> bool {
        let Some(cell) = people.skipping.get(i) else {
            return false;
        };
        cell.get().unwrap_or_else(|| {
            let answer = ledger.totals(Some(group)).skipped_records > 0;
            cell.set(Some(answer));
            answer
        })
    };
    let standing = people
        .standing
        .get(&(topic.clone(), partition))
        .cloned()
        .unwrap_or_default();

    let mut slots = Vec::new();
    if from > log_start {
        slots.push(Slot::Earlier {
            from: log_start,
            to: from,
        });
    }
    let mut next = from;
    for r in p
        .log()
        .read(sim::Offset(from), sim::Offset(end), usize::MAX)
    {
        let offset = r.offset.0;
        if offset > next {
            slots.push(Slot::Gap {
                from: next,
                to: offset,
            });
        }
        next = offset + 1;
        let log = p.log();
        let txn = match r.kind {
            sim::log::BatchKind::Plain => SeatTxn::Plain,
            sim::log::BatchKind::Marker { commit, .. } => SeatTxn::Marker { commit },
            sim::log::BatchKind::Transactional { .. } if log.is_aborted(&r) => SeatTxn::Aborted,
            sim::log::BatchKind::Transactional { .. } if log.is_settled_data(&r) => {
                SeatTxn::Committed
            }
            sim::log::BatchKind::Transactional { .. } => SeatTxn::Open,
        };
        // A marker has no passenger: no key, no value.
        let marker = matches!(txn, SeatTxn::Marker { .. });
        let key = (!marker)
            .then(|| r.key_utf8().map(|k| k.into_owned()))
            .flatten();
        let checks = teams
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                let times = ledger.times_processed(Some(&t.group), &tp, offset);
                if times > 0 {
                    return Some(SeatCheck {
                        team: t.clone(),
                        times,
                    });
                }
                // Never checked: the team's notebook line is past it and it never processed
                // it (and the ledger still counts this record one by one).
                let past = committed[i].1.is_some_and(|c| offset < c);
                let counted = offset >= ledger.pruned_below(Some(&t.group), &tp)
                    && !ledger.is_exempt(&tp, offset);
                (past && counted && skipping(i, &t.group)).then(|| SeatCheck {
                    team: t.clone(),
                    times: 0,
                })
            })
            .collect();
        let at = (topic.clone(), partition, offset);
        slots.push(Slot::Seat(SeatView {
            offset,
            look: key_look(key.as_deref()),
            tombstone: !marker && r.value.is_none() && r.key.is_some(),
            key,
            value: (!marker)
                .then(|| r.value_utf8().map(|v| v.into_owned()))
                .flatten(),
            above_hw: offset >= hw,
            checks,
            in_hand: people.in_hand.get(&at).cloned().unwrap_or_default(),
            being_checked: people.processing.get(&at).cloned().unwrap_or_default(),
            txn,
        }));
    }
    if next < end {
        slots.push(Slot::Gap {
            from: next,
            to: end,
        });
    }
    if end < log_end {
        slots.push(Slot::Later {
            from: end,
            to: log_end,
        });
    }
    slots.push(Slot::NextFree { offset: log_end });

    let mut rows: BTreeMap<usize, usize> = BTreeMap::new();
    let checkers: Vec<CheckerView> = standing
        .into_iter()
        .map(|s| {
            let Standing {
                consumer,
                team,
                position,
                paused,
                app_step,
            } = s;
            let place = place(&slots, position, &mut rows);
            let in_hand = people
                .in_hand
                .range((topic.clone(), partition, i64::MIN)..=(topic.clone(), partition, i64::MAX))
                .filter(|(_, who)| who.iter().any(|(c, _)| *c == consumer))
                .count();
            CheckerView {
                consumer,
                team,
                position,
                place,
                in_hand,
                paused,
                app_step,
            }
        })
        .collect();
    let mut line_rows: BTreeMap<usize, usize> = BTreeMap::new();
    let notebook = committed
        .iter()
        .filter_map(|(t, c)| {
            let offset = (*c)?;
            Some(NotebookLine {
                team: t.clone(),
                offset,
                place: place(&slots, offset, &mut line_rows),
            })
        })
        .collect();
    let lags = committed
        .iter()
        .filter(|(t, c)| {
            c.is_some()
                || checkers
                    .iter()
                    .any(|k| k.team.as_ref().is_some_and(|kt| kt.group == t.group))
        })
        .map(|(t, c)| TeamLag {
            team: t.clone(),
            lag: c.map(|c| (log_end - c).max(0)),
        })
        .collect();
    let hw_slot = place(&slots, hw, &mut BTreeMap::new()).slot;
    let isr = p.isr();
    let replicas = p
        .replicas()
        .iter()
        .map(|r| ReplicaView {
            broker: r.broker.0,
            leader: p.leader() == Some(r.broker),
            in_isr: isr.contains(&r.broker),
            broker_alive: world.broker(r.broker).is_some_and(|b| b.alive),
            log_end: r.log_end_offset().0,
            behind: (log_end - r.log_end_offset().0).max(0),
        })
        .collect();
    CompartmentView {
        topic,
        partition,
        log_start,
        high_watermark: hw,
        last_stable: p.last_stable_offset().0,
        log_end,
        window_end,
        slots,
        hw_slot,
        checkers,
        notebook,
        lags,
        replicas,
        happened,
    }
}

/// The slot where a marker at `offset` stands; `rows` counts the markers already at each slot.
fn place(slots: &[Slot], offset: i64, rows: &mut BTreeMap<usize, usize>) -> Place {
    let found = slots.iter().position(|s| {
        let (lo, hi) = s.range();
        lo <= offset && offset < hi
    });
    let (slot, outside) = match found {
        Some(i) => (i, Outside::No),
        None => {
            let first_lo = slots.first().map_or(0, |s| s.range().0);
            if offset < first_lo {
                (0, Outside::Before)
            } else {
                (slots.len().saturating_sub(1), Outside::After)
            }
        }
    };
    let row = rows.entry(slot).or_insert(0);
    let place = Place {
        slot,
        row: *row,
        outside,
    };
    *row += 1;
    place
}

#[cfg(test)]
mod tests {
    use super::*;
    use script::exec::Console;

    fn console(lines: &[&str]) -> Console {
        let mut c = Console::new(42);
        for line in lines {
            if let Err(e) = c.run_line(line) {
                panic!("{line}: {}", e.message());
            }
        }
        c
    }

    fn one(c: &Console, topic: &str, partition: i32) -> CompartmentView {
        one_at(c, topic, partition, None)
    }

    fn one_at(c: &Console, topic: &str, partition: i32, end: Option<i64>) -> CompartmentView {
        let mut windows = Windows::new();
        if let Some(e) = end {
            windows.insert((topic.to_string(), partition), e);
        }
        trains(c.world(), &[], &windows)
            .into_iter()
            .find(|t| t.topic == topic)
            .and_then(|t| {
                t.compartments
                    .into_iter()
                    .find(|p| p.partition == partition)
            })
            .expect("the compartment is drawn")
    }

    fn seat_offsets(v: &CompartmentView) -> Vec<i64> {
        v.slots
            .iter()
            .filter_map(|s| match s {
                Slot::Seat(seat) => Some(seat.offset),
                _ => None,
            })
            .collect()
    }

    const ONE_COMPARTMENT: &str = "kafka-topics --create --topic t --partitions 1";

    fn send(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| {
                format!(
                    "kafka-console-producer --topic t --key k{} --value v{i}",
                    i % 3
                )
            })
            .collect()
    }

    fn with(lines: &[&str], extra: &[String]) -> Console {
        let mut c = console(lines);
        for line in extra {
            if let Err(e) = c.run_line(line) {
                panic!("{line}: {}", e.message());
            }
        }
        c
    }

    #[test]
    fn every_topic_is_a_train_and_the_notebook_is_not_one() {
        let c = console(&[
            "kafka-topics --create --topic orders --partitions 3",
            "kafka-topics --create --topic payments --partitions 2",
            "consumer c1 group.id=billing",
            "subscribe c1 orders",
            "poll c1",
        ]);
        let trains = trains(c.world(), &[], &Windows::new());
        let names: Vec<&str> = trains.iter().map(|t| t.topic.as_str()).collect();
        assert_eq!(names, ["orders", "payments"]);
        assert_eq!(trains[0].compartments.len(), 3);
        assert_eq!(trains[1].compartments.len(), 2);
    }

    #[test]
    fn a_long_log_draws_the_newest_forty_seats_and_can_scroll_back() {
        let c = with(&[ONE_COMPARTMENT], &send(100));
        let v = one(&c, "t", 0);
        assert_eq!(seat_offsets(&v), (60..100).collect::<Vec<_>>());
        assert_eq!(v.slots[0], Slot::Earlier { from: 0, to: 60 });
        assert_eq!(v.slots.last(), Some(&Slot::NextFree { offset: 100 }));
        assert!(v.can_go_older() && !v.can_go_newer());

        let back = one_at(&c, "t", 0, v.older_end());
        assert_eq!(seat_offsets(&back), (20..60).collect::<Vec<_>>());
        assert!(back.slots.contains(&Slot::Later { from: 60, to: 100 }));
        assert_eq!(back.newer_end(), None, "one page newer is the newest");
        let oldest = one_at(&c, "t", 0, back.older_end());
        assert_eq!(seat_offsets(&oldest), (0..20).collect::<Vec<_>>());
        assert!(!oldest.can_go_older());
    }

    #[test]
    fn seats_past_the_high_watermark_are_marked_and_the_line_stands_at_it() {
        let c = with(
            &[
                "kafka-topics --create --topic t --partitions 1 --replication-factor 3",
                "kafka-console-producer --topic t --value a",
                "advance 1s",
                "kafka-console-producer --topic t --value b",
            ],
            &[],
        );
        let v = one(&c, "t", 0);
        assert_eq!(
            v.high_watermark, 1,
            "the second record is not replicated yet"
        );
        let above: Vec<bool> = v
            .slots
            .iter()
            .filter_map(|s| match s {
                Slot::Seat(seat) => Some(seat.above_hw),
                _ => None,
            })
            .collect();
        assert_eq!(above, [false, true]);
        assert_eq!(v.hw_slot, 1);
    }

    #[test]
    fn checkers_stand_at_their_position_and_the_notebook_line_at_the_committed_offset() {
        let mut lines = vec![
            ONE_COMPARTMENT.to_string(),
            "consumer c1 group.id=billing auto.offset.reset=earliest max.poll.records=3"
                .to_string(),
            "subscribe c1 t".to_string(),
        ];
        lines.extend(send(6));
        lines.extend(
            [
                "poll c1",
                "advance 3s",
                "poll c1",
                "process c1",
                "commitSync c1",
                "advance 1s",
                "poll c1",
            ]
            .iter()
            .map(|s| s.to_string()),
        );
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let c = console(&refs);
        let v = one(&c, "t", 0);
        let checker = &v.checkers[0];
        assert_eq!(checker.consumer, "c1");
        assert_eq!(checker.team.as_ref().map(|t| t.letter), Some('B'));
        let position = c.world().consumer_view("c1").unwrap().partitions[0].position;
        assert_eq!(Some(checker.position), position);
        assert!(
            matches!(v.slots[checker.place.slot], Slot::Seat(ref s) if Some(s.offset) == position)
                || matches!(v.slots[checker.place.slot], Slot::NextFree { offset } if Some(offset) == position)
        );
        let line = &v.notebook[0];
        let committed = c
            .world()
            .committed_offset(
                "billing",
                &TopicPartition {
                    topic: "t".into(),
                    partition: 0,
                },
            )
            .unwrap()
            .offset
            .0;
        assert_eq!(line.offset, committed);
        assert_eq!(v.lags[0].lag, Some(v.log_end - committed));
        // What it polled and has not processed yet is in its hands.
        let held: Vec<i64> = v
            .slots
            .iter()
            .filter_map(|s| match s {
                Slot::Seat(seat) if !seat.in_hand.is_empty() => Some(seat.offset),
                _ => None,
            })
            .collect();
        assert_eq!(held.len(), checker.in_hand);
        assert!(held.iter().all(|o| *o < checker.position));
    }

    #[test]
    fn a_crash_after_processing_before_the_commit_shows_passengers_checked_twice() {
        let c = console(&[
            ONE_COMPARTMENT,
            "consumer c1 group.id=billing auto.offset.reset=earliest enable.auto.commit=false",
            "subscribe c1 t",
            "kafka-console-producer --topic t --key a --value 1",
            "kafka-console-producer --topic t --key a --value 2",
            "poll c1",
            "advance 3s",
            "poll c1",
            "process c1",
            "advance 1s",
            "crash c1",
            "advance 45s",
            "restart c1",
            "poll c1",
            "advance 3s",
            "poll c1",
            "process c1",
            "advance 1s",
        ]);
        let v = one(&c, "t", 0);
        for o in [0, 1] {
            let seat = v.seat(o).unwrap();
            assert_eq!(seat.checks.len(), 1);
            assert_eq!(seat.checks[0].team.group, "billing");
            assert_eq!(seat.checks[0].times, 2, "seat {o} was checked twice");
        }
    }

    #[test]
    fn a_commit_before_processing_then_a_crash_leaves_passengers_never_checked() {
        let c = console(&[
            ONE_COMPARTMENT,
            "consumer c1 group.id=billing auto.offset.reset=earliest enable.auto.commit=false",
            "subscribe c1 t",
            "kafka-console-producer --topic t --key a --value 1",
            "kafka-console-producer --topic t --key a --value 2",
            "kafka-console-producer --topic t --key a --value 3",
            "poll c1",
            "advance 3s",
            "poll c1",
            "commitSync c1",
            "advance 1s",
            "crash c1",
            "advance 45s",
            "restart c1",
            "kafka-console-producer --topic t --key a --value 4",
            "poll c1",
            "advance 3s",
            "poll c1",
            "process c1",
            "advance 1s",
        ]);
        let v = one(&c, "t", 0);
        for o in [0, 1, 2] {
            let seat = v.seat(o).unwrap();
            assert_eq!(seat.checks.len(), 1, "seat {o}");
            assert_eq!(seat.checks[0].times, 0, "seat {o} was never checked");
        }
        assert_eq!(v.seat(3).unwrap().checks[0].times, 1);
    }

    #[test]
    fn a_team_that_skipped_nothing_marks_nothing_never_checked() {
        let c = console(&[
            ONE_COMPARTMENT,
            "kafka-console-producer --topic t --value early",
            "consumer c1 group.id=late auto.offset.reset=latest enable.auto.commit=false",
            "subscribe c1 t",
            "poll c1",
            "advance 3s",
            "poll c1",
            "commitSync c1",
            "advance 1s",
        ]);
        let v = one(&c, "t", 0);
        assert_eq!(v.notebook[0].offset, 1);
        assert!(v.seat(0).unwrap().checks.is_empty());
    }

    #[test]
    fn teams_get_distinct_colours_and_letters() {
        let c = console(&[
            ONE_COMPARTMENT,
            "consumer a group.id=billing",
            "consumer b group.id=berlin",
            "consumer c group.id=audit",
            "consumer d group.id=bonus",
        ]);
        let teams = teams(c.world());
        let groups: Vec<&str> = teams.iter().map(|t| t.group.as_str()).collect();
        assert_eq!(groups, ["audit", "berlin", "billing", "bonus"]);
        let colours: BTreeSet<usize> = teams.iter().map(|t| t.colour).collect();
        assert_eq!(colours.len(), 4);
        let letters: BTreeSet<char> = teams.iter().map(|t| t.letter).collect();
        assert_eq!(letters.len(), 4);
        assert_eq!(teams[0].letter, 'A');
        assert_eq!(teams[1].letter, 'B');
        let c = console(&[
            ONE_COMPARTMENT,
            "consumer a group.id=team-1",
            "consumer b group.id=team-2",
        ]);
        let letters: Vec<char> = super::teams(c.world()).iter().map(|t| t.letter).collect();
        assert_eq!(
            letters,
            ['1', '2'],
            "numbered teams are told apart by their number"
        );
    }

    #[test]
    fn the_same_key_looks_the_same_and_a_keyless_passenger_is_plain() {
        assert_eq!(key_look(Some("alice")), key_look(Some("alice")));
        assert_eq!(
            key_look(None),
            KeyLook {
                hue: None,
                shape: None
            }
        );
        let looks: BTreeSet<(Option<u32>, Option<u32>)> = ["a", "b", "c", "d", "e", "f", "g"]
            .iter()
            .map(|k| {
                let l = key_look(Some(k));
                (l.hue, l.shape)
            })
            .collect();
        assert!(looks.len() > 1);
    }

    #[test]
    fn compaction_leaves_gaps_that_are_drawn_as_empty_seats() {
        let mut lines = vec![
            "kafka-topics --create --topic t --partitions 1 --config cleanup.policy=compact --config segment.bytes=200 --config min.cleanable.dirty.ratio=0.01".to_string(),
        ];
        for i in 0..12 {
            lines.push(format!(
                "kafka-console-producer --topic t --key {} --value {i}",
                if i % 4 == 0 { "keep" } else { "same" }
            ));
        }
        lines.push("advance 2m".to_string());
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let c = console(&refs);
        let v = one(&c, "t", 0);
        let records = c.world().partition("t", 0).unwrap().log().record_count();
        if records < 12 {
            assert!(v.slots.iter().any(|s| matches!(s, Slot::Gap { .. })));
        }
        // Every offset from the log start to the log end is in exactly one slot.
        let mut covered = v.log_start;
        for s in &v.slots {
            let (lo, hi) = s.range();
            if matches!(s, Slot::NextFree { .. }) {
                assert_eq!(lo, v.log_end);
                continue;
            }
            assert_eq!(lo, covered);
            covered = hi;
        }
        assert_eq!(covered, v.log_end);
    }

    #[test]
    fn replicas_show_the_leader_the_isr_and_a_killed_broker() {
        let c = console(&[
            "kafka-topics --create --topic t --partitions 1 --replication-factor 3",
            "kafka-console-producer --topic t --value a",
            "advance 1s",
        ]);
        let v = one(&c, "t", 0);
        assert_eq!(v.replicas.len(), 3);
        assert_eq!(v.replicas.iter().filter(|r| r.leader).count(), 1);
        assert!(v.replicas.iter().all(|r| r.in_isr && r.broker_alive));
        let leader = v.replicas.iter().find(|r| r.leader).unwrap().broker;

        let mut c = c;
        let out = c.run_line(&format!("kill-broker {leader}")).unwrap();
        let after = trains(c.world(), &out.events, &Windows::new())
            .remove(0)
            .compartments
            .remove(0);
        let dead = after.replicas.iter().find(|r| r.broker == leader).unwrap();
        assert!(!dead.broker_alive && !dead.leader && !dead.in_isr);
        assert_eq!(after.replicas.iter().filter(|r| r.leader).count(), 1);
        assert!(after.happened.replicas_changed);
    }

    #[test]
    fn what_just_happened_is_told_to_the_compartment() {
        let mut c = console(&[ONE_COMPARTMENT]);
        let out = c
            .run_line("kafka-console-producer --topic t --value a")
            .unwrap();
        let v = trains(c.world(), &out.events, &Windows::new())
            .remove(0)
            .compartments
            .remove(0);
        assert_eq!(v.happened.boarded, Some(0));
        assert!(v.happened.fainted.is_empty());
        c.run_line("consumer c1 group.id=g").unwrap();
        let out = c.run_line("crash c1").unwrap();
        assert_eq!(fainted(&out.events), ["c1"]);
    }

    #[test]
    fn a_crash_or_a_broker_change_is_urgent_a_boarding_is_not() {
        let mut c = console(&[
            "kafka-topics --create --topic t --partitions 2 --replication-factor 3",
            "consumer c1 group.id=g",
        ]);
        let out = c
            .run_line("kafka-console-producer --topic t --key a --value 1")
            .unwrap();
        let frame = Frame::new(c.world(), &out.events);
        assert!(!frame.urgent("t", 0) && !frame.urgent("t", 1));
        let out = c.run_line("crash c1").unwrap();
        assert!(Frame::new(c.world(), &out.events).urgent("t", 1));
        let leader = c.world().partition("t", 0).unwrap().leader().unwrap();
        let out = c.run_line(&format!("kill-broker {}", leader.0)).unwrap();
        assert!(Frame::new(c.world(), &out.events).urgent("t", 0));
    }

    #[test]
    fn retention_removes_old_seats_and_says_which_left() {
        let mut c = console(&[
            "kafka-topics --create --topic t --partitions 1 --config retention.ms=1000 --config segment.bytes=100",
        ]);
        for i in 0..6 {
            c.run_line(&format!("kafka-console-producer --topic t --value v{i}"))
                .unwrap();
        }
        let out = c.run_line("advance 10m").unwrap();
        let v = trains(c.world(), &out.events, &Windows::new())
            .remove(0)
            .compartments
            .remove(0);
        assert!(v.log_start > 0, "retention deleted old segments");
        assert_eq!(v.happened.departed.map(|d| d.1), Some(v.log_start));
        assert_eq!(
            seat_offsets(&v).first().copied(),
            (v.log_start < v.log_end).then_some(v.log_start)
        );
    }
}
