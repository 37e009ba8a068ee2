//! One compartment (partition): a row of seats (offsets) with their passengers (records), the
//! markers (log start, high watermark, log end), each team's notebook line (committed offset)
//! above the seats, the ticket checkers (consumers) standing at their positions below them,
//! the lag per team, and the replicas when they are shown.
//!
//! Every slot of the row is equally wide, so a marker stands at `--slot × --pitch` and slides
//! (a CSS transform transition) when it moves; markers are keyed by consumer or group, so the
//! DOM keeps them and only their transform changes.

use crate::components::replicas::Replicas;
use crate::components::sight::observe_sight;
use crate::components::train::{Sight, WindowMove};
use crate::components::why::WhyPanel;
use crate::view::trains::{
    CheckerView, CompartmentView, Happened, Outside, SeatTxn, SeatView, Slot,
};
use crate::vocab::{capitalised, Term, Vocabulary};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub view: std::rc::Rc<CompartmentView>,
    /// The train's record of which compartments are out of sight.
    pub sight: Sight,
    pub vocabulary: Vocabulary,
    pub show_replicas: bool,
    pub on_window: Callback<WindowMove>,
}

/// How long a fainted checker stays drawn (its CSS animation is shorter).
const FAINT_MS: f64 = 2500.0;
/// How long a boarding seat keeps its boarding look (its animation's length).
const BOARD_MS: f64 = 450.0;
/// How long a note about retention or compaction stays.
const NOTE_MS: f64 = 4000.0;
/// How long the replicas stay highlighted after a change.
const FLASH_MS: f64 = 1000.0;

fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

/// What the compartment remembers between drawings, so that what a step did stays visible for
/// a moment even while play runs many steps a second: the checkers it drew last (to draw a
/// crashed one fainting where it stood), the fainting ones, the seats just boarded, the
/// latest note about retention or compaction, and when the replicas last changed. Each
/// entry carries the wall-clock time it ends.
#[derive(Default)]
struct Memory {
    drawn: Vec<CheckerView>,
    seen: Happened,
    fainting: Vec<(CheckerView, f64)>,
    boarded: Vec<(i64, f64)>,
    note: Option<(String, f64)>,
    flash_until: f64,
}

fn team_class(colour: Option<usize>) -> String {
    colour.map_or_else(|| "team-none".to_string(), |c| format!("team-{c}"))
}

/// Scrolls a compartment's row of seats to its newest seat.
fn scroll_to_end(track: &NodeRef) {
    if let Some(el) = track.cast::<web_sys::Element>() {
        el.set_scroll_left(el.scroll_width());
    }
}

/// Whether the browser skips drawing this element (out of sight, `content-visibility: auto`):
/// `checkVisibility({contentVisibilityAuto: true})` without forcing a layout. Where the browser
/// cannot say, it is taken as drawn.
fn skipped(node: &NodeRef) -> bool {
    use wasm_bindgen::JsCast;
    let Some(el) = node.cast::<web_sys::Element>() else {
        return false;
    };
    let Ok(check) = js_sys::Reflect::get(&el, &"checkVisibility".into()) else {
        return false;
    };
    let Ok(check) = check.dyn_into::<js_sys::Function>() else {
        return false;
    };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"contentVisibilityAuto".into(), &true.into());
    check
        .call1(&el, &options)
        .ok()
        .and_then(|v| v.as_bool())
        .is_some_and(|visible| !visible)
}

fn slot_style(slot: usize, row: usize) -> String {
    format!("--slot:{slot};--row:{row}")
}

#[component]
pub fn Compartment(props: &Props) -> Html {
    let Props {
        view,
        sight,
        vocabulary: v,
        show_replicas,
        on_window,
    } = props;
    let v = *v;
    let selected = use_state(|| None::<i64>);
    // The team whose "why?" is open for the selected seat.
    let why_group = use_state(|| None::<String>);
    let memory = use_mut_ref(Memory::default);
    let track = use_node_ref();

    // Follow the newest seats: keep the row scrolled to its end while not scrolled back. A
    // compartment out of sight is not laid out (`content-visibility: auto`); scrolling it would
    // force its layout at every tick of play, so it is scrolled when it comes into view.
    let following = view.window_end.is_none();
    let follow = use_mut_ref(|| true);
    *follow.borrow_mut() = following;
    let outer = use_node_ref();
    {
        let track = track.clone();
        use_effect_with((view.log_end, view.log_start, following), move |_| {
            // The row is inside the compartment: skipped while the compartment is out of sight.
            if following && !skipped(&track) {
                scroll_to_end(&track);
            }
        });
    }
    {
        let (track, outer, follow) = (track.clone(), outer.clone(), follow.clone());
        use_effect_with((), move |_| {
            use wasm_bindgen::{closure::Closure, JsCast};
            let target = outer.cast::<web_sys::Element>();
            let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
                let skipped = js_sys::Reflect::get(&e, &"skipped".into())
                    .ok()
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false);
                if !skipped && *follow.borrow() {
                    scroll_to_end(&track);
                }
            });
            if let Some(el) = &target {
                let _ = el.add_event_listener_with_callback(
                    "contentvisibilityautostatechange",
                    listener.as_ref().unchecked_ref(),
                );
            }
            move || {
                if let Some(el) = &target {
                    let _ = el.remove_event_listener_with_callback(
                        "contentvisibilityautostatechange",
                        listener.as_ref().unchecked_ref(),
                    );
                }
                drop(listener);
            }
        });
    }

    // Tell the train whether this compartment is in sight (it skips drawing it while play runs
    // if not).
    {
        let (outer, sight) = (outer.clone(), sight.clone());
        use_effect_with((view.topic.clone(), view.partition), move |key| {
            let key = key.clone();
            let stop = observe_sight(&outer, {
                let (sight, key) = (sight.clone(), key.clone());
                move |hidden| sight.0.borrow_mut().set_hidden(key.clone(), hidden)
            });
            move || {
                stop();
                sight.0.borrow_mut().forget(&key);
            }
        });
    }

    // What the latest step did, kept for a moment.
    let (fainting, boarded, note, flash) = {
        let mut m = memory.borrow_mut();
        let now = now_ms();
        let h = &view.happened;
        if *h != m.seen {
            let gone: Vec<CheckerView> = m
                .drawn
                .iter()
                .filter(|c| {
                    h.fainted.contains(&c.consumer) && !m.seen.fainted.contains(&c.consumer)
                })
                .filter(|c| !view.checkers.iter().any(|k| k.consumer == c.consumer))
                .cloned()
                .collect();
            m.fainting
                .extend(gone.into_iter().map(|c| (c, now + FAINT_MS)));
            if let Some(o) = h.boarded {
                m.boarded.push((o, now + BOARD_MS));
            }
            if let Some((from, to)) = h.departed {
                m.note = Some((
                    format!(
                        "{}: {} {from}–{} removed.",
                        capitalised(Term::Retention.word(v)),
                        plural(Term::Offset.word(v)),
                        to - 1
                    ),
                    now + NOTE_MS,
                ));
            }
            if let Some(n) = h.compacted {
                m.note = Some((
                    format!(
                        "{}: {n} {} removed; their {} stay empty.",
                        capitalised(Term::Compaction.word(v)),
                        plural(Term::Record.word(v)),
                        plural(Term::Offset.word(v))
                    ),
                    now + NOTE_MS,
                ));
            }
            if h.replicas_changed {
                m.flash_until = now + FLASH_MS;
            }
            m.seen = h.clone();
        }
        m.fainting.retain(|(c, until)| {
            *until > now && !view.checkers.iter().any(|k| k.consumer == c.consumer)
        });
        m.boarded.retain(|(_, until)| *until > now);
        if m.note.as_ref().is_some_and(|(_, until)| *until <= now) {
            m.note = None;
        }
        m.drawn.clone_from(&view.checkers);
        (
            m.fainting
                .iter()
                .map(|(c, _)| c.clone())
                .collect::<Vec<_>>(),
            m.boarded.iter().map(|(o, _)| *o).collect::<Vec<_>>(),
            m.note.as_ref().map(|(text, _)| text.clone()),
            m.flash_until > now,
        )
    };

    let partition = view.partition;
    let topic = view.topic.clone();
    let move_window = |end: Option<i64>| {
        let on_window = on_window.clone();
        let topic = topic.clone();
        Callback::from(move |_: MouseEvent| on_window.emit((topic.clone(), partition, end)))
    };
    let compartment_word = Term::Partition.word(v);
    let label = format!("{} {partition}", capitalised(compartment_word));

    let floor_rows = view
        .checkers
        .iter()
        .chain(fainting.iter())
        .map(|c| c.place.row + 1)
        .max()
        .unwrap_or(0);
    let ceiling_rows = view
        .notebook
        .iter()
        .map(|n| n.place.row + 2)
        .max()
        .unwrap_or(1);
    let track_style = format!(
        "--slots:{};--floor-rows:{floor_rows};--ceiling-rows:{ceiling_rows}",
        view.slots.len()
    );

    let select = use_callback(selected.setter(), |offset: Option<i64>, setter| {
        setter.set(offset)
    });
    // The seat that takes the keyboard focus (one tab stop per compartment; arrows move).
    let focus_offset = (*selected).filter(|o| view.seat(*o).is_some()).or_else(|| {
        view.slots.iter().rev().find_map(|s| match s {
            Slot::Seat(seat) => Some(seat.offset),
            _ => None,
        })
    });
    let on_keydown = Callback::from(|e: KeyboardEvent| {
        let forward = match e.key().as_str() {
            "ArrowRight" => true,
            "ArrowLeft" => false,
            _ => return,
        };
        let Some(current) = e.target_dyn_into::<web_sys::Element>() else {
            return;
        };
        let mut next = if forward {
            current.next_element_sibling()
        } else {
            current.previous_element_sibling()
        };
        while let Some(el) = next {
            if el.has_attribute("data-offset") {
                if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                    e.prevent_default();
                    let _ = el.focus();
                }
                return;
            }
            next = if forward {
                el.next_element_sibling()
            } else {
                el.previous_element_sibling()
            };
        }
    });

    let slots = view
        .slots
        .iter()
        .map(|slot| draw_slot(view, slot, v, focus_offset, &boarded, &select));

    let hw_flag_right = view.hw_slot < 3;
    let details = (*selected)
        .and_then(|o| view.seat(o))
        .map(|s| seat_sentence(s, v));
    // A "why?" for each team that checked the selected passenger twice or never.
    let puzzling: Vec<(String, u32)> = (*selected)
        .and_then(|o| view.seat(o))
        .map(|s| {
            s.checks
                .iter()
                .filter(|c| c.times != 1)
                .map(|c| (c.team.group.clone(), c.times))
                .collect()
        })
        .unwrap_or_default();
    let why_shown = (*why_group)
        .clone()
        .filter(|g| puzzling.iter().any(|(p, _)| p == g));
    let why_buttons = puzzling.into_iter().map(|(group, times)| {
        let open = why_shown.as_deref() == Some(group.as_str());
        let label = if times == 0 {
            format!("Why never checked by {group}?")
        } else {
            format!("Why ×{times} for {group}?")
        };
        let why_group = why_group.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            why_group.set((!open).then(|| group.clone()));
        });
        html! {
            <button class="link-button why-button" data-testid="why-button" aria-expanded={open.to_string()} {onclick}>
                { label }
            </button>
        }
    });

    html! {
        <li class="compartment" data-partition={partition.to_string()} ref={outer}>
            <div class="compartment-head">
                <h3>{ label.clone() }</h3>
                <dl class="markers">
                    <div title={Term::LogStart.explanation()}><dt><span class="marker-icon log-start-icon" aria-hidden="true"></span>{ Term::LogStart.word(v) }</dt><dd data-testid="log-start">{ view.log_start }</dd></div>
                    <div title={Term::HighWatermark.explanation()}><dt><span class="marker-icon hw-icon" aria-hidden="true"></span>{ Term::HighWatermark.word(v) }</dt><dd data-testid="high-watermark">{ view.high_watermark }</dd></div>
                    <div title={Term::LogEnd.explanation()}><dt><span class="marker-icon log-end-icon" aria-hidden="true"></span>{ Term::LogEnd.word(v) }</dt><dd data-testid="log-end">{ view.log_end }</dd></div>
                    if view.last_stable < view.high_watermark {
                        <div class="lso" title="The last stable offset: a transaction is open from here; read_committed checkers stop before it">
                            <dt>{ "last stable offset" }</dt><dd data-testid="last-stable-offset">{ view.last_stable }</dd>
                        </div>
                    }
                </dl>
                if !view.lags.is_empty() {
                    <ul class="team-lags" aria-label={format!("{} per {}", capitalised(Term::Lag.word(v)), Term::Group.word(v))}>
                        { for view.lags.iter().map(|l| {
                            let value = l.lag.map_or("–".to_string(), |n| n.to_string());
                            let title = format!("{}: {} {} ({})", l.team.group, value, Term::Lag.word(v), Term::Lag.explanation());
                            html! {
                                <li key={l.team.group.clone()} class={classes!("lag-chip", team_class(Some(l.team.colour)))} title={title}
                                    data-testid="team-lag" data-group={l.team.group.clone()}>
                                    <span class="team-shape" aria-hidden="true">{ l.team.letter }</span>
                                    <span class="visually-hidden">{ format!("{} {}: ", Term::Lag.word(v), l.team.group) }</span>
                                    <b>{ value }</b>
                                </li>
                            }
                        }) }
                    </ul>
                }
                if view.can_go_older() || view.can_go_newer() {
                    <div class="window-nav" role="group" aria-label={format!("Scroll the seats of {label}")}>
                        <button type="button" class="window-button" disabled={!view.can_go_older()}
                                onclick={move_window(view.older_end())} data-testid="older-seats"
                                aria-label={format!("Older {}s of {label}", Term::Offset.word(v))}>{ "‹ older" }</button>
                        <button type="button" class="window-button" disabled={!view.can_go_newer()}
                                onclick={move_window(view.newer_end())}
                                aria-label={format!("Newer {}s of {label}", Term::Offset.word(v))}>{ "newer ›" }</button>
                        if view.can_go_newer() {
                            <button type="button" class="window-button" onclick={move_window(None)} data-testid="newest-seats"
                                    aria-label={format!("The newest {}s of {label}", Term::Offset.word(v))}>{ "newest »" }</button>
                        }
                    </div>
                }
            </div>
            // The last seat pointed at stays selected, so its details and "why?" can be reached.
            <div class="track" ref={track} style={track_style}>
                <div class="rail">
                    <div class="ceiling">
                        <div key="hw" class={classes!("hw-line", hw_flag_right.then_some("flag-right"))}
                             style={slot_style(view.hw_slot, 0)} title={Term::HighWatermark.explanation()}>
                            <span class="hw-flag">{ format!("{} {}", Term::HighWatermark.word(v), view.high_watermark) }</span>
                        </div>
                        { for view.notebook.iter().map(|n| {
                            let arrow = match n.place.outside { Outside::Before => "← ", Outside::After => "→ ", Outside::No => "" };
                            html! {
                                <div key={n.team.group.clone()} class={classes!("notebook-line", team_class(Some(n.team.colour)))}
                                     style={slot_style(n.place.slot, n.place.row + 1)}
                                     data-testid="committed" data-group={n.team.group.clone()} data-offset={n.offset.to_string()}
                                     title={format!("{} · {} {}: {} — {}", n.team.group, Term::Committed.word(v), label, n.offset, Term::Committed.explanation())}>
                                    <span class="notebook-tab" aria-hidden="true"><span class="notebook-icon"></span>{ format!("{arrow}{} {}", n.team.letter, n.offset) }</span>
                                    <span class="visually-hidden">{ format!("{}, {}: {}", n.team.group, Term::Committed.word(v), n.offset) }</span>
                                </div>
                            }
                        }) }
                    </div>
                    <ol class="seats" aria-label={format!("{label}: {}s {}–{}", Term::Offset.word(v), view.log_start, view.log_end)}
                        onkeydown={on_keydown}>
                        { for slots }
                    </ol>
                    <div class="floor">
                        { for view.checkers.iter().map(|c| draw_checker(c, v, false)) }
                        { for fainting.iter().map(|c| draw_checker(c, v, true)) }
                    </div>
                </div>
            </div>
            <p class="seat-details" aria-live="polite">
                { details.unwrap_or_else(|| format!("Point at or focus a {} to see its {}.", Term::Offset.word(v), Term::Record.word(v))) }
                { for why_buttons }
            </p>
            if let (Some(group), Some(offset)) = (why_shown, *selected) {
                <WhyPanel group={group} topic={view.topic.clone()} partition={partition} offset={offset} />
            }
            if let Some(text) = note {
                <p class="departed" role="status">{ text }</p>
            }
            if *show_replicas {
                <Replicas replicas={view.replicas.clone()} changed={flash}
                          vocabulary={v} label={label.clone()} />
            }
        </li>
    }
}

fn plural(word: &str) -> String {
    format!("{word}s")
}

/// The full sentence for one seat: who sits there and what each team did with them.
fn seat_sentence(s: &SeatView, v: Vocabulary) -> String {
    if let SeatTxn::Marker { commit } = s.txn {
        return format!(
            "{} {}: the {} marker of a transaction, a control record: it takes the {}, and no {} ever checks it",
            capitalised(Term::Offset.word(v)),
            s.offset,
            if commit { "COMMIT" } else { "ABORT" },
            Term::Offset.word(v),
            Term::Consumer.word(v)
        );
    }
    let mut parts = vec![
        format!("{} {}", capitalised(Term::Offset.word(v)), s.offset),
        format!(
            "{}: {}",
            Term::Key.word(v),
            s.key.as_deref().unwrap_or("none")
        ),
        format!(
            "{}: {}",
            Term::Value.word(v),
            s.value.as_deref().unwrap_or("null (tombstone)")
        ),
    ];
    if s.above_hw {
        parts.push(format!("past the {}", Term::HighWatermark.word(v)));
    }
    match s.txn {
        SeatTxn::Open => {
            parts.push("in an open transaction: read_committed checkers wait before it".to_string())
        }
        SeatTxn::Committed => parts.push("in a committed transaction".to_string()),
        SeatTxn::Aborted => {
            parts.push("in an aborted transaction: read_committed checkers skip it".to_string())
        }
        SeatTxn::Plain | SeatTxn::Marker { .. } => {}
    }
    let process = Term::Process.word(v);
    for c in &s.checks {
        parts.push(match c.times {
            0 => format!("{} by {}", Term::Skipped.word(v), c.team.group),
            1 => format!("{process}ed by {}", c.team.group),
            n => format!("{process}ed {n} times by {}", c.team.group),
        });
    }
    for (consumer, _) in &s.in_hand {
        parts.push(format!("{} ({consumer})", Term::InHand.word(v)));
    }
    for (consumer, _) in &s.being_checked {
        parts.push(format!(
            "{consumer} is {}ing it",
            Term::Process.word(v).trim_end_matches('e')
        ));
    }
    parts.join(" · ")
}

fn draw_slot(
    view: &CompartmentView,
    slot: &Slot,
    v: Vocabulary,
    focus_offset: Option<i64>,
    boarded: &[i64],
    select: &Callback<Option<i64>>,
) -> Html {
    let offsets = plural(Term::Offset.word(v));
    match slot {
        Slot::Earlier { from, to } => html! {
            <li key="earlier" class="seat earlier" data-testid="earlier-seats"
                title={format!("{} {from}–{} are on board before these", offsets, to - 1)}>
                <span class="seat-number">{ format!("{from}…") }</span>
                <span class="seat-key">{ format!("+{}", to - from) }</span>
            </li>
        },
        Slot::Later { from, to } => html! {
            <li key="later" class="seat earlier later"
                title={format!("{} {from}–{} are after these", offsets, to - 1)}>
                <span class="seat-number">{ format!("…{}", to - 1) }</span>
                <span class="seat-key">{ format!("+{}", to - from) }</span>
            </li>
        },
        Slot::Gap { from, to } => {
            let title = format!(
                "{} {from}–{}: empty ({})",
                offsets,
                to - 1,
                Term::Compaction.word(v)
            );
            html! {
                <li key={slot.key()} class="seat gap" data-testid="gap" title={title}>
                    <span class="seat-number">{ if to - from == 1 { from.to_string() } else { format!("{from}–{}", to - 1) } }</span>
                    <span class="seat-key">{ "empty" }</span>
                </li>
            }
        }
        Slot::NextFree { offset } => html! {
            <li key="next" class="seat next-free" data-testid="next-free" title={Term::LogEnd.explanation()}>
                <span class="seat-number">{ offset }</span>
                <span class="seat-key">{ "free" }</span>
            </li>
        },
        Slot::Seat(s) => draw_seat(view, s, v, focus_offset, boarded, select),
    }
}

/// Where the seat's holders' team letters come from: (consumer, team letter).
fn holder_letters(view: &CompartmentView, s: &SeatView) -> Vec<(String, Option<usize>, char)> {
    s.in_hand
        .iter()
        .map(|(consumer, colour)| {
            let letter = view
                .checkers
                .iter()
                .find(|c| c.consumer == *consumer)
                .and_then(|c| c.team.as_ref().map(|t| t.letter))
                .unwrap_or('•');
            (consumer.clone(), *colour, letter)
        })
        .collect()
}

fn draw_seat(
    view: &CompartmentView,
    s: &SeatView,
    v: Vocabulary,
    focus_offset: Option<i64>,
    boarded: &[i64],
    select: &Callback<Option<i64>>,
) -> Html {
    html! {
        <SeatSlot key={s.offset} seat={s.clone()} vocabulary={v}
                  focusable={focus_offset == Some(s.offset)}
                  boarding={boarded.contains(&s.offset)}
                  first_on_board={s.offset == view.log_start}
                  holders={holder_letters(view, s)} select={select.clone()} />
    }
}

#[derive(Properties, PartialEq)]
struct SeatProps {
    seat: SeatView,
    vocabulary: Vocabulary,
    /// The compartment's one tab stop.
    focusable: bool,
    boarding: bool,
    first_on_board: bool,
    /// Who holds the ticket: (consumer, team colour, team letter).
    holders: Vec<(String, Option<usize>, char)>,
    select: Callback<Option<i64>>,
}

/// One seat with its passenger: its own component, so that a seat nothing happened to is not
/// drawn again while play runs.
#[component]
fn SeatSlot(props: &SeatProps) -> Html {
    let SeatProps {
        seat: s,
        vocabulary: v,
        focusable,
        boarding,
        first_on_board,
        holders,
        select,
    } = props;
    let v = *v;
    let mut class = classes!("seat", "taken");
    match (s.look.hue, s.look.shape) {
        (Some(h), Some(sh)) => {
            class.push(format!("hue-{h}"));
            class.push(format!("shape-{sh}"));
        }
        _ => class.push("keyless"),
    }
    if s.above_hw {
        class.push("above-hw");
    }
    if *boarding {
        class.push("boarding");
    }
    if *first_on_board {
        class.push("first-on-board");
    }
    if s.tombstone {
        class.push("tombstone");
    }
    match s.txn {
        SeatTxn::Plain => {}
        SeatTxn::Open => class.push("txn-open"),
        SeatTxn::Committed => class.push("txn-committed"),
        SeatTxn::Aborted => class.push("txn-aborted"),
        SeatTxn::Marker { commit } => {
            class.push("txn-marker");
            class.push(if commit {
                "marker-commit"
            } else {
                "marker-abort"
            });
        }
    }
    if let Some((_, colour)) = s.in_hand.first() {
        class.push("in-hand");
        class.push(team_class(*colour));
    }
    if !s.being_checked.is_empty() {
        class.push("being-checked");
    }
    if s.checks.iter().any(|c| c.times == 0) {
        class.push("never-checked-seat");
    }
    if s.checks.iter().any(|c| c.times > 1) {
        class.push("checked-twice");
    }
    let sentence = seat_sentence(s, v);
    let offset = s.offset;
    let onfocus = {
        let select = select.clone();
        Callback::from(move |_: FocusEvent| select.emit(Some(offset)))
    };
    let onmouseenter = {
        let select = select.clone();
        Callback::from(move |_: MouseEvent| select.emit(Some(offset)))
    };
    let hands = holders.iter().map(|(consumer, colour, letter)| {
        html! {
            <span class={classes!("check", "hand", team_class(*colour))}
                  title={format!("{} ({consumer})", Term::InHand.word(v))}>
                { letter }
            </span>
        }
    });
    let checks = s.checks.iter().map(|c| {
        let team = team_class(Some(c.team.colour));
        match c.times {
            0 => html! {
                <span class={classes!("check", "never", team)} data-testid="never-checked" data-group={c.team.group.clone()}
                      title={format!("{} by {}: {}", Term::Skipped.word(v), c.team.group, Term::Skipped.explanation())}>
                    { c.team.letter }
                </span>
            },
            1 => html! {
                <span class={classes!("check", team)} data-group={c.team.group.clone()}
                      title={format!("{}ed by {}", Term::Process.word(v), c.team.group)}>
                    { c.team.letter }
                </span>
            },
            n => html! {
                <span class={classes!("check", "dup", team)} data-testid="duplicate-badge" data-group={c.team.group.clone()}
                      data-times={n.to_string()}
                      title={format!("{} by {}: {n} times. {}", Term::Duplicate.word(v), c.team.group, Term::Duplicate.explanation())}>
                    { format!("{}×{n}", c.team.letter) }
                </span>
            },
        }
    });
    html! {
        <li class={class} data-offset={offset.to_string()}
            tabindex={if *focusable { "0" } else { "-1" }}
            title={sentence.clone()} aria-label={sentence} {onfocus} {onmouseenter}>
            <span class="seat-number">{ offset }</span>
            <span class="passenger" aria-hidden="true"></span>
            <span class="seat-key">{
                match s.txn {
                    SeatTxn::Marker { commit: true } => "COMMIT".to_string(),
                    SeatTxn::Marker { commit: false } => "ABORT".to_string(),
                    _ => s.key.clone().unwrap_or_else(|| "·".into()),
                }
            }</span>
            <span class="seat-checks" aria-hidden="true">{ for hands }{ for checks }</span>
        </li>
    }
}

fn draw_checker(c: &CheckerView, v: Vocabulary, fainted: bool) -> Html {
    let colour = c.team.as_ref().map(|t| t.colour);
    let letter = c.team.as_ref().map_or('–', |t| t.letter);
    let group = c
        .team
        .as_ref()
        .map_or_else(|| "no group".to_string(), |t| t.group.clone());
    let arrow = match c.place.outside {
        Outside::Before => "← ",
        Outside::After => "→ ",
        Outside::No => "",
    };
    let mut title = format!(
        "{} {} ({} {group}) · {}: {}",
        capitalised(Term::Consumer.word(v)),
        c.consumer,
        Term::Group.word(v),
        Term::Position.word(v),
        c.position
    );
    if c.in_hand > 0 {
        title.push_str(&format!(" · {} {}", c.in_hand, Term::InHand.word(v)));
    }
    if c.paused {
        title.push_str(" · paused");
    }
    if let Some(step) = &c.app_step {
        title.push_str(&format!(" · runs on its own (next: {step})"));
    }
    if fainted {
        title = format!(
            "{} {}: {}",
            c.consumer,
            Term::Crash.word(v),
            Term::Crash.explanation()
        );
    }
    let key = if fainted {
        format!("fainted-{}", c.consumer)
    } else {
        c.consumer.clone()
    };
    html! {
        <div key={key} class={classes!("checker", team_class(colour), c.paused.then_some("paused"), fainted.then_some("fainted"), c.app_step.is_some().then_some("running-app"))}
             style={slot_style(c.place.slot, c.place.row)}
             data-testid={if fainted { "fainted" } else { "position" }} data-consumer={c.consumer.clone()}
             data-offset={c.position.to_string()} title={title.clone()}>
            <span class="visually-hidden">{ title }</span>
            <span class="team-shape" aria-hidden="true">{ letter }</span>
            <span class="checker-name" aria-hidden="true">{ format!("{arrow}{}", c.consumer) }</span>
            if c.in_hand > 0 && !fainted {
                <span class="checker-bag" aria-hidden="true">{ c.in_hand }</span>
            }
        </div>
    }
}
