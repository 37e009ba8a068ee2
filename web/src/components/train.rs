//! The trains: every topic drawn as a locomotive pulling its compartments (partitions). The
//! internal `__consumer_offsets` is the notebook panel's.
//!
//! The train keeps which compartments the learner scrolled back (a view choice, not a change
//! to the world); everything else comes from [`crate::view::trains`].

use crate::components::compartment::Compartment;
use crate::state::AppContext;
use crate::view::trains::{self, CompartmentView, TrainView, Windows};
use crate::vocab::{capitalised, Term, Vocabulary};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use yew::prelude::*;

/// A compartment's window moved: (topic, partition, new window end; `None` follows the newest).
pub type WindowMove = (String, i32, Option<i64>);

/// Which compartments are out of sight (none of them within a screen's margin of the
/// viewport), as each compartment's `IntersectionObserver` reports it. While play runs, a
/// compartment out of sight keeps its last drawing: at top speed its seats change every frame,
/// and drawing them where nobody can see them was most of a frame's work. One that comes into
/// sight is drawn again at the next frame.
#[derive(Default)]
pub struct SightState {
    hidden: BTreeSet<(String, i32)>,
    /// Came into sight since the last frame drawn.
    revealed: BTreeSet<(String, i32)>,
}

impl SightState {
    pub fn set_hidden(&mut self, key: (String, i32), hidden: bool) {
        if hidden {
            self.revealed.remove(&key);
            self.hidden.insert(key);
        } else if self.hidden.remove(&key) {
            self.revealed.insert(key);
        }
    }

    pub fn forget(&mut self, key: &(String, i32)) {
        self.hidden.remove(key);
        self.revealed.remove(key);
    }
}

/// The train's [`SightState`], shared with its compartments.
#[derive(Clone, Default)]
pub struct Sight(pub Rc<RefCell<SightState>>);

impl PartialEq for Sight {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Default, PartialEq)]
struct WindowState(Windows);

impl Reducible for WindowState {
    type Action = WindowMove;

    fn reduce(self: Rc<Self>, (topic, partition, end): WindowMove) -> Rc<Self> {
        let mut windows = self.0.clone();
        match end {
            Some(end) => windows.insert((topic, partition), end),
            None => windows.remove(&(topic, partition)),
        };
        Rc::new(WindowState(windows))
    }
}

/// While play runs, each compartment in sight is redrawn at least every this many frames (a
/// few each frame, the longest-waiting first); a compartment something urgent happened to (a checker
/// fainting, seats leaving, its replicas changing) or whose window the learner moved is
/// redrawn at once. At top speed hundreds of passengers board per second: redrawing every
/// compartment every frame would spend the frame on seats nobody can read yet.
const REDRAW_EVERY: usize = 2;

struct Cached {
    view: Rc<CompartmentView>,
    /// The window end asked for when drawn.
    asked: Option<i64>,
    /// The frame it was drawn in.
    frame: u64,
}

/// A train as drawn: its compartments shared, so that a compartment kept from an earlier
/// frame is neither copied nor compared seat by seat (an `Rc` of an `Eq` value compares equal
/// by pointer first).
#[derive(Clone, PartialEq)]
struct Drawn {
    topic: String,
    compacted: bool,
    compartments: Vec<Rc<CompartmentView>>,
}

impl From<TrainView> for Drawn {
    fn from(t: TrainView) -> Self {
        Drawn {
            topic: t.topic,
            compacted: t.compacted,
            compartments: t.compartments.into_iter().map(Rc::new).collect(),
        }
    }
}

#[derive(Default)]
struct Throttle {
    frame: u64,
    views: BTreeMap<(String, i32), Cached>,
}

#[component]
pub fn Train() -> Html {
    let windows = use_reducer(WindowState::default);
    let on_window = {
        let dispatcher = windows.dispatcher();
        use_callback((), move |m: WindowMove, _| dispatcher.dispatch(m))
    };
    let throttle = use_mut_ref(Throttle::default);
    let sight = use_memo((), |_| Sight::default());
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let v = state.vocabulary;
    let sandbox = state.sandbox();
    let world = sandbox.world();
    let trains = if state.playing {
        playing_trains(
            world,
            sandbox.latest(),
            &windows.0,
            &mut throttle.borrow_mut(),
            &mut sight.0.borrow_mut(),
        )
    } else {
        // Paused or stepping: draw everything now (play's first frame draws it all again).
        throttle.borrow_mut().views.clear();
        trains::trains(world, sandbox.latest(), &windows.0)
            .into_iter()
            .map(Drawn::from)
            .collect()
    };

    if trains.is_empty() {
        return html! {
            <section class="panel train train-empty" data-testid="no-trains">
                <h2>{ format!("No {} yet", plural(Term::Topic.word(v))) }</h2>
                <p>{ "Create one in the console, for example " }
                    <code>{ "kafka-topics --create --topic orders --partitions 3" }</code></p>
            </section>
        };
    }
    html! {
        <div class="trains">
            { for trains.into_iter().map(|t| {
                let key = t.topic.clone();
                html! {
                    <OneTrain {key} vocabulary={v} train={t} sight={(*sight).clone()}
                              show_replicas={state.show_replicas} on_window={on_window.clone()} />
                }
            }) }
        </div>
    }
}

/// The trains while play runs: a few compartments are drawn again each frame, the others
/// keep their last drawing (see [`REDRAW_EVERY`]); those out of sight are not drawn again
/// until they come into sight (see [`SightState`]).
fn playing_trains(
    world: &sim::World,
    latest: &[sim::Event],
    windows: &Windows,
    th: &mut Throttle,
    sight: &mut SightState,
) -> Vec<Drawn> {
    // What the latest step did, gathered only if some compartment is drawn (none is while
    // they are all out of sight).
    let frame = std::cell::OnceCell::new();
    let frame = || frame.get_or_init(|| trains::Frame::new(world, latest));
    th.frame += 1;
    let now = th.frame;

    let topics: Vec<&sim::Topic> = world.topics().filter(|t| !t.is_internal()).collect();
    let keys: Vec<(String, i32)> = topics
        .iter()
        .flat_map(|t| {
            t.partitions()
                .iter()
                .map(|p| (t.name().to_string(), p.index()))
        })
        .collect();
    // Which compartments to draw now.
    let mut redraw: BTreeSet<(String, i32)> = BTreeSet::new();
    let mut waiting: Vec<(u64, &(String, i32))> = Vec::new();
    let revealed = std::mem::take(&mut sight.revealed);
    for key in &keys {
        let asked = windows.get(key).copied();
        match th.views.get(key) {
            Some(c) if c.asked == asked && sight.hidden.contains(key) => {}
            Some(c)
                if c.asked == asked
                    && !frame().urgent(&key.0, key.1)
                    && !revealed.contains(key) =>
            {
                waiting.push((c.frame, key))
            }
            _ => {
                redraw.insert(key.clone());
            }
        }
    }
    waiting.sort();
    let budget = waiting.len().div_ceil(REDRAW_EVERY);
    redraw.extend(waiting.into_iter().take(budget).map(|(_, k)| k.clone()));

    let drawn: Vec<Drawn> = topics
        .iter()
        .map(|t| Drawn {
            topic: t.name().to_string(),
            compacted: trains::is_compacted(t),
            compartments: t
                .partitions()
                .iter()
                .map(|p| {
                    let key = (t.name().to_string(), p.index());
                    if !redraw.contains(&key) {
                        if let Some(c) = th.views.get(&key) {
                            return Rc::clone(&c.view);
                        }
                    }
                    let asked = windows.get(&key).copied();
                    let view = Rc::new(frame().compartment(world, p, asked));
                    th.views.insert(
                        key,
                        Cached {
                            view: Rc::clone(&view),
                            asked,
                            frame: now,
                        },
                    );
                    view
                })
                .collect(),
        })
        .collect();
    let present: BTreeSet<&(String, i32)> = keys.iter().collect();
    th.views.retain(|k, _| present.contains(k));
    sight.hidden.retain(|k| present.contains(k));
    drawn
}

fn plural(word: &str) -> String {
    format!("{word}s")
}

#[derive(Properties, PartialEq)]
struct OneTrainProps {
    train: Drawn,
    sight: Sight,
    vocabulary: Vocabulary,
    show_replicas: bool,
    on_window: Callback<WindowMove>,
}

#[component]
fn OneTrain(props: &OneTrainProps) -> Html {
    let OneTrainProps {
        train,
        sight,
        vocabulary: v,
        show_replicas,
        on_window,
    } = props;
    let v = *v;
    let title_id = format!("train-title-{}", train.topic);
    let count = train.compartments.len();
    html! {
        <section class="panel train" data-testid="train" data-topic={train.topic.clone()}
                 aria-labelledby={title_id.clone()}>
            <div class="locomotive">
                <span class="locomotive-body" aria-hidden="true"></span>
                <h2 id={title_id}>
                    <span class="term">{ capitalised(Term::Topic.word(v)) }</span>
                    <span class="topic-name">{ train.topic.clone() }</span>
                </h2>
                <span class="train-facts">
                    { format!("{count} {}", if count == 1 { Term::Partition.word(v).to_string() } else { plural(Term::Partition.word(v)) }) }
                    if train.compacted {
                        <span class="compacted-badge" title={Term::Compaction.explanation()}>
                            { capitalised(Term::Compaction.word(v)) }
                        </span>
                    }
                </span>
            </div>
            <TrainKey vocabulary={v} />
            <ol class="compartments">
                { for train.compartments.iter().map(|c| html! {
                    <Compartment key={c.partition} view={Rc::clone(c)} vocabulary={v} sight={sight.clone()}
                                 show_replicas={*show_replicas} on_window={on_window.clone()} />
                }) }
            </ol>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TrainKeyProps {
    vocabulary: Vocabulary,
}

/// What each mark on a compartment means, in the chosen words.
#[component]
fn TrainKey(props: &TrainKeyProps) -> Html {
    let v = props.vocabulary;
    let row = |sample: Html, term: Term, extra: &str| {
        html! {
            <li title={term.explanation()}>
                <span class="key-sample" aria-hidden="true">{ sample }</span>
                <span>{ format!("{}{extra}", capitalised(term.word(v))) }</span>
            </li>
        }
    };
    html! {
        <details class="train-key">
            <summary>{ "What the marks mean" }</summary>
            <ul>
                { row(html! { <span class="key-hw"></span> }, Term::HighWatermark, "") }
                { row(html! { <span class="key-past-hw"></span> }, Term::HighWatermark, ": not yet (faded seats)") }
                { row(html! { <span class="team-1"><span class="key-committed"></span></span> }, Term::Committed, " (per team, above the seats)") }
                { row(html! { <span class="team-1"><span class="team-shape">{ "B" }</span></span> }, Term::Position, " (a named checker below its next seat)") }
                { row(html! { <span class="team-1"><span class="key-hand"></span></span> }, Term::InHand, "") }
                { row(html! { <span class="check team-1">{ "B" }</span> }, Term::Process, "ed by the team") }
                { row(html! { <span class="check dup team-1">{ "B×2" }</span> }, Term::Duplicate, "") }
                { row(html! { <span class="check never team-1">{ "B" }</span> }, Term::Skipped, "") }
                { row(html! { <span class="key-gap"></span> }, Term::Compaction, ": empty seats") }
                <li title={Term::Offset.explanation()}>
                    <span class="key-sample key-earlier" aria-hidden="true">{ "+N" }</span>
                    <span>{ format!("Earlier {}s still on board, not drawn: “‹ older” shows them", Term::Offset.word(v)) }</span>
                </li>
            </ul>
        </details>
    }
}
