//! The timeline: every step of the session (its console lines, a played stretch being one
//! `advance` line), with a slider to scrub to any of them, back and forward one step, and a
//! way back to the latest. Jumping restores the nearest checkpoint (one every 500 lines) and
//! replays the lines after it. Looking at the past changes nothing; acting there starts a new
//! future, and the old one is kept as a saved session (the session bar stores both).

use crate::state::{Action, AppContext, Calm};
use yew::prelude::*;

/// What the timeline says about the step shown: `Step 12 of 40`.
pub fn position_label(shown: usize, total: usize) -> String {
    format!("Step {shown} of {total}")
}

/// The step shown, the steps in all, and the line of the step shown (none before the first).
pub fn step_shown(state: &AppContext) -> (usize, usize, Option<String>) {
    let sandbox = state.sandbox();
    let shown = sandbox.lines().len();
    let line = shown.checked_sub(1).and_then(|i| sandbox.lines().get(i));
    (shown, sandbox.timeline_len(), line.cloned())
}

/// What the timeline says while the learner looks at the past.
pub fn past_note(shown: usize, total: usize) -> String {
    let ahead = match total.saturating_sub(shown) {
        1 => "1 later step waits".to_string(),
        n => format!("{n} later steps wait"),
    };
    format!(
        "You are looking at step {shown}; {ahead} ahead. Acting now starts a new future; the old one is kept in your sessions."
    )
}

/// A button's callback that moves the timeline by `steps` (negative: back).
pub fn move_by(state: &AppContext, steps: isize) -> Callback<MouseEvent> {
    let state = state.clone();
    Callback::from(move |_: MouseEvent| state.dispatch(Action::JumpBy(steps)))
}

#[component]
pub fn Timeline() -> Html {
    let Some(state) = use_context::<Calm>().map(|s| s.0) else {
        return html! {};
    };
    let (shown, total, line) = step_shown(&state);
    let line = line.unwrap_or_else(|| "(the empty world)".to_string());
    let in_the_past = shown < total;
    use_checkpoint_filling(&state);
    let jump = |to: usize| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::Jump(to)))
    };
    let by = |steps: isize| move_by(&state, steps);
    let on_slide = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Ok(to) = input.value().parse::<usize>() {
                state.dispatch(Action::Jump(to));
            }
        })
    };
    html! {
        <section class={classes!("timeline", in_the_past.then_some("in-the-past"))} aria-label="Timeline" data-testid="timeline">
            <div class="timeline-row">
                <button class="tool" data-testid="timeline-back" onclick={by(-1)}
                        disabled={shown == 0} title="One step back ([)" aria-label="One step back">{ "◀" }</button>
                <label class="timeline-slider">
                    <span class="visually-hidden">{ "Step shown" }</span>
                    <input type="range" min="0" max={total.to_string()} value={shown.to_string()}
                           data-testid="timeline-slider" oninput={on_slide}
                           aria-valuetext={position_label(shown, total)} />
                </label>
                <button class="tool" data-testid="timeline-forward" onclick={by(1)}
                        disabled={!in_the_past} title="One step forward (])" aria-label="One step forward">{ "▶" }</button>
                <span class="timeline-position" data-testid="timeline-position" aria-live="polite">{ position_label(shown, total) }</span>
                if in_the_past {
                    <button class="tool" data-testid="timeline-latest" onclick={jump(total)}>{ "Back to the latest" }</button>
                }
            </div>
            <p class="timeline-line"><code>{ line }</code></p>
            if in_the_past {
                <p class="timeline-note" data-testid="timeline-note">
                    { past_note(shown, total) }
                </p>
            }
        </section>
    }
}

/// After a reload from a stored checkpoint, rebuilds the checkpoints before it (and the whole
/// "why?" history) a little at a time between frames, so that the page stays responsive.
#[hook]
fn use_checkpoint_filling(state: &AppContext) {
    let filling = state.sandbox().filling_checkpoints();
    let state = state.clone();
    use_effect_with(filling, move |filling| {
        use wasm_bindgen::{closure::Closure, JsCast};
        let interval = filling.then(|| {
            let cell = state.sandbox_cell();
            let tick = Closure::<dyn FnMut()>::new(move || {
                let more = cell.borrow_mut().fill_checkpoints(FILL_LINES_PER_TICK);
                if !more {
                    state.dispatch(Action::Changed);
                }
            });
            let id = web_sys::window().and_then(|w| {
                w.set_interval_with_callback_and_timeout_and_arguments_0(
                    tick.as_ref().unchecked_ref(),
                    FILL_EVERY_MS,
                )
                .ok()
            });
            (tick, id)
        });
        move || {
            if let Some((tick, Some(id))) = interval {
                if let Some(window) = web_sys::window() {
                    window.clear_interval_with_handle(id);
                }
                drop(tick);
            }
        }
    });
}

/// How many lines each slice of the background replay runs (a few milliseconds of work).
const FILL_LINES_PER_TICK: usize = 250;
/// How often a slice runs.
const FILL_EVERY_MS: i32 = 40;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_position_names_the_step_and_the_total() {
        assert_eq!(position_label(0, 0), "Step 0 of 0");
        assert_eq!(position_label(12, 40), "Step 12 of 40");
    }

    #[test]
    fn the_past_note_counts_the_steps_ahead() {
        assert!(past_note(18, 19).contains("; 1 later step waits ahead."));
        assert!(past_note(9, 19).contains("; 10 later steps wait ahead."));
    }
}
