//! The top bar: the name, what the page is for, the way into (and out of) the tutorial, and
//! the vocabulary switch.

use crate::components::tutorial;
use crate::state::{Action, Calm};
use crate::vocab::Vocabulary;
use yew::prelude::*;

#[component]
pub fn Header() -> Html {
    let Some(state) = use_context::<Calm>().map(|s| s.0) else {
        return html! {};
    };
    let vocabulary = state.vocabulary;
    let toggle = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::ToggleVocabulary))
    };
    let tutorial_open = state.tutorial.is_some();
    let tutorial_button = {
        let state = state.clone();
        Callback::from(move |_| {
            if state.tutorial.is_some() {
                tutorial::leave_tutorial(&state)
            } else {
                tutorial::open_tutorial(&state)
            }
        })
    };
    html! {
        <header class="header">
            <div class="brand">
                <span class="brand-mark" aria-hidden="true"></span>
                <div>
                    <h1>{ "Offset Express" }</h1>
                    <p class="tagline">{ "How Kafka offsets really work, one passenger at a time." }</p>
                </div>
            </div>
            <div class="header-actions">
            <button class={classes!("tutorial-switch", tutorial_open.then_some("active"))} data-testid="tutorial-switch"
                    onclick={tutorial_button} aria-pressed={tutorial_open.to_string()}
                    title={if tutorial_open { "Leave the tutorial: your own sandbox comes back" } else { "Learn step by step: short chapters with a goal each" }}>
                <span class="tutorial-switch-icon" aria-hidden="true"></span>
                { "Tutorial" }
            </button>
            <button class="vocab-switch" data-testid="vocab-switch" onclick={toggle}
                    aria-label={format!("Showing {vocabulary}; switch")}
                    title="Switch between train words and Kafka words">
                { for [Vocabulary::Train, Vocabulary::Kafka].into_iter().map(|choice| html! {
                    <span class={classes!((choice == vocabulary).then_some("active"))}>{ choice.short_name() }</span>
                }) }
            </button>
            </div>
        </header>
    }
}
