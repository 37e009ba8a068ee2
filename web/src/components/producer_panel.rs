//! The platform: where a passenger (record) with an optional ticket (key) boards the train.

use crate::state::{Action, AppContext, Outcome, DEMO_TOPIC};
use crate::vocab::{capitalised, Term};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[component]
pub fn ProducerPanel() -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let v = state.vocabulary;
    let key_ref = use_node_ref();
    let value_ref = use_node_ref();
    let onsubmit = {
        let (state, key_ref, value_ref) = (state.clone(), key_ref.clone(), value_ref.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let read = |r: &NodeRef| {
                r.cast::<HtmlInputElement>()
                    .map(|i| i.value())
                    .filter(|s| !s.is_empty())
            };
            let key = read(&key_ref);
            let value =
                read(&value_ref).or_else(|| Some(format!("order-{}", state.appended() + 1)));
            state.dispatch(Action::Send { key, value });
        })
    };
    let status = match &state.last {
        None => {
            html! { <p class="status" data-testid="status">{ "The train is empty: board the first passenger." }</p> }
        }
        Some(Outcome::Appended {
            partition,
            offset,
            key,
        }) => {
            let why = match key {
                Some(k) => format!(
                    "key \"{k}\" hashes (murmur2) to {} {partition}",
                    Term::Partition.word(v)
                ),
                None => format!(
                    "no key: the producer picked {} {partition}",
                    Term::Partition.word(v)
                ),
            };
            html! {
                <p class="status status-ok" data-testid="status">
                    { format!("{} took {} {offset} in {} {partition}", capitalised(Term::Record.word(v)), Term::Offset.word(v), Term::Partition.word(v)) }
                    <span class="status-why">{ format!(" — {why}.") }</span>
                </p>
            }
        }
        Some(Outcome::Failed(message)) => {
            html! { <p class="status status-error" data-testid="status" role="alert">{ message }</p> }
        }
    };
    html! {
        <section class="panel platform" aria-labelledby="platform-title">
            <h2 id="platform-title">{ format!("{} → {} \"{DEMO_TOPIC}\"", capitalised(Term::Producer.word(v)), Term::Topic.word(v)) }</h2>
            <form class="send-form" onsubmit={onsubmit}>
                <label>
                    <span>{ capitalised(Term::Key.word(v)) }</span>
                    <input ref={key_ref} data-testid="key-input" placeholder="e.g. alice (optional)" maxlength="64" autocomplete="off" />
                </label>
                <label>
                    <span>{ capitalised(Term::Value.word(v)) }</span>
                    <input ref={value_ref} data-testid="value-input" placeholder="e.g. 2 coffees" maxlength="64" autocomplete="off" />
                </label>
                <button type="submit" class="primary" data-testid="send-button" disabled={!state.can_write()}>{ Term::Send.word(v) }</button>
            </form>
            { status }
        </section>
    }
}
