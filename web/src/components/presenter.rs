//! Presentation mode, for a teacher in front of a class: the session's steps one at a time
//! (→ and ← or the buttons), the line of each step in large type, the console and controls
//! hidden. Esc or "End" returns to the sandbox at the step shown.

use crate::components::timeline::{move_by, position_label, step_shown};
use crate::state::{Action, Calm};
use yew::prelude::*;

#[component]
pub fn Presenter() -> Html {
    let Some(state) = use_context::<Calm>().map(|s| s.0) else {
        return html! {};
    };
    if !state.presenting {
        return html! {};
    }
    let (shown, total, line) = step_shown(&state);
    let line = line.unwrap_or_else(|| "The world before the first step".to_string());
    let by = |steps: isize| move_by(&state, steps);
    let end = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::SetPresenting(false)))
    };
    html! {
        <section class="presenter" data-testid="presenter" aria-label="Presentation">
            <p class="presenter-position" data-testid="presenter-position" aria-live="polite">{ position_label(shown, total) }</p>
            <p class="presenter-line" data-testid="presenter-line"><code>{ line }</code></p>
            <div class="presenter-buttons">
                <button class="tool" onclick={by(-1)} disabled={shown == 0}>{ "← Back" }</button>
                <button class="tool" onclick={by(1)} disabled={shown >= total}>{ "Next →" }</button>
                <button class="tool" data-testid="end-presentation" onclick={end}>{ "End (Esc)" }</button>
            </div>
        </section>
    }
}
