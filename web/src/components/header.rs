//! The top bar: the name, what the page is for, and the vocabulary switch.

use crate::state::{Action, AppContext};
use crate::vocab::Vocabulary;
use yew::prelude::*;

#[component]
pub fn Header() -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let vocabulary = state.vocabulary;
    let toggle = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::ToggleVocabulary))
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
            <button class="vocab-switch" data-testid="vocab-switch" onclick={toggle}
                    aria-label={format!("Showing {vocabulary}; switch")}
                    title="Switch between train words and Kafka words">
                { for [Vocabulary::Train, Vocabulary::Kafka].into_iter().map(|choice| html! {
                    <span class={classes!((choice == vocabulary).then_some("active"))}>{ choice.short_name() }</span>
                }) }
            </button>
        </header>
    }
}
