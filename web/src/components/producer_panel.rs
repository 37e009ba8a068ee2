//! The platform: where a passenger (record) with an optional ticket (key) boards the train.

use crate::state::{Action, AppContext};
use crate::view;
use crate::vocab::{capitalised, Term};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The console line the send form stands for.
pub fn send_line(topic: &str, key: Option<&str>, value: &str) -> String {
    let mut line = format!("kafka-console-producer --topic {}", script::quote(topic));
    if let Some(key) = key {
        line.push_str(&format!(" --key {}", script::quote(key)));
    }
    line.push_str(&format!(" --value {}", script::quote(value)));
    line
}

#[component]
pub fn ProducerPanel() -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let v = state.vocabulary;
    let key_ref = use_node_ref();
    let value_ref = use_node_ref();
    let topic = view::first_topic(state.sandbox().world()).unwrap_or_default();
    let onsubmit = {
        let (state, key_ref, value_ref, topic) = (
            state.clone(),
            key_ref.clone(),
            value_ref.clone(),
            topic.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let read = |r: &NodeRef| {
                r.cast::<HtmlInputElement>()
                    .map(|i| i.value())
                    .filter(|s| !s.is_empty())
            };
            let key = read(&key_ref);
            let sent = view::records_on_board(state.sandbox().world(), &topic);
            let value = read(&value_ref).unwrap_or_else(|| format!("order-{}", sent + 1));
            state.dispatch(Action::Run(send_line(&topic, key.as_deref(), &value)));
        })
    };
    let latest = view::newest_append(state.sandbox().latest());
    let status = match (&state.status, latest) {
        (Some(Err(message)), _) => {
            html! { <p class="status status-error" data-testid="status" role="alert">{ message }</p> }
        }
        (_, Some((_, partition, offset))) => {
            let key = view::newest_key(state.sandbox().latest());
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
        _ => {
            html! { <p class="status" data-testid="status">{ "Board a passenger: the key (optional) picks the compartment." }</p> }
        }
    };
    html! {
        <section class="panel platform" aria-labelledby="platform-title">
            <h2 id="platform-title">{ format!("{} → {} \"{topic}\"", capitalised(Term::Producer.word(v)), Term::Topic.word(v)) }</h2>
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
