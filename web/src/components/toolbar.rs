//! The toolbar: the virtual clock, Play/Pause, Step, the speed of play, the replicas switch
//! and the shortcuts overlay. While playing, a requestAnimationFrame loop turns real time
//! into `Action::Tick`s (real elapsed × speed, whole milliseconds, the fraction carried over)
//! and stores the growing play line every few seconds (`Action::Settle`).

use crate::state::{Action, AppContext, AppState, SPEEDS};
use crate::view::sentences::plural;
use crate::vocab::{capitalised, Term};
use yew::prelude::*;

/// One Step is this many virtual milliseconds at 1× (scaled by the speed).
pub const STEP_MS_AT_1X: f64 = 100.0;
/// A frame longer than this (a background tab, a pause in the debugger) counts as this long.
pub const MAX_FRAME_MS: f64 = 250.0;
/// How often (real time) the play line is stored while playing.
pub const SETTLE_EVERY_MS: f64 = 3000.0;

/// The virtual milliseconds one Step advances at this speed.
pub fn step_millis(speed_factor: f64) -> u64 {
    (STEP_MS_AT_1X * speed_factor).round().max(1.0) as u64
}

/// The console line of one Step.
pub fn step_line(speed_factor: f64) -> String {
    script::Command::Advance {
        millis: step_millis(speed_factor),
    }
    .to_string()
}

/// The speed label: `0.25×`, `1×`, `16×`.
pub fn speed_label(factor: f64) -> String {
    format!("{factor}×")
}

/// The virtual clock as `m:ss.mmm` (hours when there are some: `h:mm:ss.mmm`).
pub fn format_clock(ms: i64) -> String {
    let ms = ms.max(0);
    let (h, m, s, milli) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}.{milli:03}")
    } else {
        format!("{m}:{s:02}.{milli:03}")
    }
}

/// Turns real frame times into whole virtual milliseconds, carrying the fraction over.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlayClock {
    last_frame: Option<f64>,
    carry: f64,
    since_settle: f64,
}

/// What one frame asks for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Frame {
    /// Virtual milliseconds to advance (0: none this frame).
    pub tick: u64,
    /// Store the growing play line now.
    pub settle: bool,
}

impl PlayClock {
    /// The frame at real time `now` (ms) at `speed` virtual ms per real ms.
    pub fn frame(&mut self, now: f64, speed: f64) -> Frame {
        let elapsed = match self.last_frame {
            Some(last) if now.is_finite() => (now - last).clamp(0.0, MAX_FRAME_MS),
            _ => 0.0,
        };
        self.last_frame = Some(now);
        let virtual_ms = elapsed * speed.max(0.0) + self.carry;
        let tick = virtual_ms.floor();
        self.carry = virtual_ms - tick;
        self.since_settle += elapsed;
        let settle = self.since_settle >= SETTLE_EVERY_MS;
        if settle {
            self.since_settle = 0.0;
        }
        Frame {
            tick: tick as u64,
            settle,
        }
    }
}

/// Play or pause (the Play button, Space, `k`).
pub fn toggle_play(state: &AppContext) {
    state.dispatch(Action::SetPlaying(!state.playing));
}

/// One Step: an `advance` line of [`step_millis`].
pub fn step(state: &AppContext) {
    state.dispatch(Action::Run(step_line(state.speed_factor())));
}

/// One speed faster (`+`) or slower (`-`).
pub fn change_speed(state: &AppState, faster: bool) -> Option<Action> {
    let next = if faster {
        (state.speed + 1 < SPEEDS.len()).then_some(state.speed + 1)
    } else {
        state.speed.checked_sub(1)
    }?;
    Some(Action::SetSpeed(next))
}

/// The play loop: one requestAnimationFrame callback per frame while `playing`.
#[hook]
fn use_play_loop(state: &AppContext) {
    // The loop reads the speed of the latest render (the learner may change it while playing).
    let speed = use_mut_ref(|| 1.0_f64);
    *speed.borrow_mut() = state.speed_factor();
    let playing = state.playing;
    let state = state.clone();
    use_effect_with(playing, move |playing| {
        let stop = (*playing).then(|| start_loop(state, speed));
        move || {
            if let Some(stop) = stop {
                stop();
            }
        }
    });
}

#[cfg(target_arch = "wasm32")]
fn start_loop(state: AppContext, speed: std::rc::Rc<std::cell::RefCell<f64>>) -> impl FnOnce() {
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    type Callback = Closure<dyn FnMut(f64)>;
    let slot: Rc<RefCell<Option<Callback>>> = Rc::new(RefCell::new(None));
    let handle = Rc::new(Cell::new(0));
    let stopped = Rc::new(Cell::new(false));
    let request = |slot: &Rc<RefCell<Option<Callback>>>| -> i32 {
        let window = web_sys::window();
        match (window, slot.borrow().as_ref()) {
            (Some(w), Some(f)) => w
                .request_animation_frame(f.as_ref().unchecked_ref())
                .unwrap_or(0),
            _ => 0,
        }
    };
    {
        let (inner, handle, stopped) = (Rc::clone(&slot), Rc::clone(&handle), Rc::clone(&stopped));
        let mut clock = PlayClock::default();
        *slot.borrow_mut() = Some(Closure::new(move |now: f64| {
            if stopped.get() {
                return;
            }
            let frame = clock.frame(now, *speed.borrow());
            if frame.tick > 0 {
                state.dispatch(Action::Tick(frame.tick));
            }
            if frame.settle {
                state.dispatch(Action::Settle);
            }
            handle.set(request(&inner));
        }));
    }
    handle.set(request(&slot));
    move || {
        stopped.set(true);
        if let Some(w) = web_sys::window() {
            let _ = w.cancel_animation_frame(handle.get());
        }
        // Drops the callback (and the reference it holds to itself).
        slot.borrow_mut().take();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn start_loop(_state: AppContext, _speed: std::rc::Rc<std::cell::RefCell<f64>>) -> impl FnOnce() {
    || {}
}

#[component]
pub fn Toolbar() -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    use_play_loop(&state);
    let v = state.vocabulary;
    let writable = state.can_write();
    let now = state.sandbox().world().now_ms();
    // The time changes at every frame of play: its face is as wide as its characters (a
    // monospaced font) and contains its layout, so a new time lays out only itself.
    let clock = format_clock(now);
    let clock_width = format!("width:{}ch", clock.chars().count());
    let on_play = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| toggle_play(&state))
    };
    let on_step = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| step(&state))
    };
    let on_speed = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = select.value().parse::<usize>() {
                state.dispatch(Action::SetSpeed(i));
            }
        })
    };
    let on_replicas = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::ToggleReplicas))
    };
    let on_help = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::SetHelp(true)))
    };
    // The select follows the speed however it changed (its own menu, `+` and `-`).
    let speed_ref = use_node_ref();
    {
        let speed_ref = speed_ref.clone();
        use_effect_with(state.speed, move |speed| {
            if let Some(select) = speed_ref.cast::<web_sys::HtmlSelectElement>() {
                select.set_value(&speed.to_string());
            }
        });
    }
    let step_ms = step_millis(state.speed_factor());
    let step_text = script::Command::Advance { millis: step_ms }.to_string();
    let playing = state.playing;
    let replicas_label = format!(
        "Show the {} on the {}",
        plural(Term::Replica.word(v)),
        plural(Term::Broker.word(v))
    );
    html! {
        <section class="toolbar" aria-label="Time">
            <div class="toolbar-clock">
                <span class="toolbar-label" id="clock-label">{ "Clock" }</span>
                <span class="clock" data-testid="clock" role="timer" aria-labelledby="clock-label">
                    <span class="clock-face" style={clock_width}>{ clock }</span>
                </span>
            </div>
            <div class="toolbar-buttons">
                <button class={classes!("tool", "tool-play", playing.then_some("playing"))}
                        data-testid="play" onclick={on_play} disabled={!writable}
                        title="Play or pause virtual time (Space or k)">
                    <span class={classes!("icon", if playing { "icon-pause" } else { "icon-play" })} aria-hidden="true"></span>
                    { if playing { "Pause" } else { "Play" } }
                </button>
                <button class="tool tool-step" data-testid="step" onclick={on_step} disabled={!writable || playing}
                        title={format!("Advance the clock once: runs `{step_text}` (. or →)")}>
                    <span class="icon icon-step" aria-hidden="true"></span>
                    <span class="icon icon-bar" aria-hidden="true"></span>
                    <span class="tool-text">{ "Step" }</span>
                    <span class="tool-note">{ format!("+{}", step_text.trim_start_matches("advance ")) }</span>
                </button>
                <label class="tool tool-speed">
                    <span>{ "Speed" }</span>
                    <select data-testid="speed" ref={speed_ref} onchange={on_speed} title="Virtual time per real second (+ and -)">
                        { for SPEEDS.iter().enumerate().map(|(i, f)| html! {
                            <option value={i.to_string()} selected={i == state.speed}>{ speed_label(*f) }</option>
                        }) }
                    </select>
                </label>
                <button class={classes!("tool", state.show_replicas.then_some("on"))} data-testid="replicas-toggle"
                        onclick={on_replicas} aria-pressed={state.show_replicas.to_string()}
                        aria-label={replicas_label.clone()} title={format!("{replicas_label}. {}", Term::Replica.explanation())}>
                    { format!("{}s", capitalised(Term::Broker.word(v))) }
                </button>
                <button class="tool tool-help" data-testid="shortcuts-button" onclick={on_help}
                        aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">{ "?" }</button>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_reads_minutes_seconds_and_milliseconds() {
        assert_eq!(format_clock(0), "0:00.000");
        assert_eq!(format_clock(61_250), "1:01.250");
        assert_eq!(format_clock(3_600_000 + 5), "1:00:00.005");
        assert_eq!(format_clock(-4), "0:00.000");
    }

    #[test]
    fn a_step_is_a_canonical_advance_scaled_by_the_speed() {
        assert_eq!(step_line(1.0), "advance 100ms");
        assert_eq!(step_line(16.0), "advance 1s600ms");
        assert_eq!(step_line(0.25), "advance 25ms");
        for f in SPEEDS {
            let line = step_line(*f);
            assert_eq!(
                script::parse_line(&line).unwrap().unwrap().to_string(),
                line
            );
        }
    }

    #[test]
    fn play_frames_carry_fractions_and_cap_long_gaps() {
        let mut clock = PlayClock::default();
        assert_eq!(clock.frame(1000.0, 0.25).tick, 0);
        // 16.7 ms at 0.25× is 4.175 virtual ms: 4 now, the rest carried.
        let ticks: u64 = (1..=6)
            .map(|i| clock.frame(1000.0 + i as f64 * 16.7, 0.25).tick)
            .sum();
        assert_eq!(ticks, 25);
        // A background tab back after a minute: one capped frame.
        let f = clock.frame(61_000.0, 16.0);
        assert_eq!(f.tick, (MAX_FRAME_MS * 16.0) as u64);
    }

    #[test]
    fn the_play_line_is_settled_every_few_seconds() {
        let mut clock = PlayClock::default();
        let settles = (0..=600)
            .filter(|i| clock.frame(*i as f64 * 20.0, 1.0).settle)
            .count();
        // 12 s of frames: settled at 3, 6, 9 and 12 s.
        assert_eq!(settles, 4);
    }

    #[test]
    fn speed_steps_stop_at_the_ends() {
        let mut state = AppState::new();
        state.speed = 0;
        assert!(change_speed(&state, false).is_none());
        assert!(matches!(
            change_speed(&state, true),
            Some(Action::SetSpeed(1))
        ));
        state.speed = SPEEDS.len() - 1;
        assert!(change_speed(&state, true).is_none());
    }
}
