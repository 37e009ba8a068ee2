//! The platform: where a passenger (record) with an optional ticket (key) boards the train.

use crate::components::controls::code_words;
use crate::state::{Action, Calm};
use crate::view;
use crate::vocab::{capitalised, Term};
use script::{Command, ConsoleProducer, SendRecord};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// What sends a record: a producer client (`send p1 …`) or Kafka's console producer tool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via<'a> {
    Producer(&'a str),
    ConsoleProducer,
}

/// The command that sends one record. `partition` is honoured by a producer client only (the
/// console producer always lets the partitioner choose).
pub fn send_command(
    via: Via<'_>,
    topic: &str,
    partition: Option<u32>,
    key: Option<&str>,
    value: &str,
) -> Command {
    match via {
        Via::Producer(producer) => Command::Send(SendRecord {
            producer: producer.to_string(),
            topic: topic.to_string(),
            partition,
            key: key.map(str::to_string),
            value: Some(value.to_string()),
            timestamp: None,
            headers: Vec::new(),
        }),
        Via::ConsoleProducer => Command::ConsoleProducer(ConsoleProducer {
            topic: topic.to_string(),
            key: key.map(str::to_string),
            values: vec![value.to_string()],
            configs: Default::default(),
        }),
    }
}

/// The console line the quick send form stands for.
pub fn send_line(topic: &str, key: Option<&str>, value: &str) -> String {
    send_command(Via::ConsoleProducer, topic, None, key, value).to_string()
}

#[component]
pub fn ProducerPanel() -> Html {
    let Some(state) = use_context::<Calm>().map(|s| s.0) else {
        return html! {};
    };
    let v = state.vocabulary;
    let key = use_state(String::new);
    let value = use_state(String::new);
    let topic = view::first_topic(state.sandbox().world()).unwrap_or_default();
    let sent = view::records_on_board(state.sandbox().world(), &topic);
    let line = {
        let key = Some(key.as_str()).filter(|k| !k.is_empty());
        let value = if value.is_empty() {
            format!("order-{}", sent + 1)
        } else {
            value.to_string()
        };
        send_line(&topic, key, &value)
    };
    let onsubmit = {
        let (state, line) = (state.clone(), line.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            state.dispatch(Action::Run(line.clone()));
        })
    };
    let on_input = |field: &UseStateHandle<String>| {
        let field = field.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            field.set(input.value());
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
            html! { <p class="status" data-testid="status">{ format!("{}: its {} picks the {}.", Term::Send.word(v), Term::Key.word(v), Term::Partition.word(v)) }</p> }
        }
    };
    html! {
        <section class="panel platform" aria-labelledby="platform-title">
            <h2 id="platform-title">{ format!("{} → {} \"{topic}\"", capitalised(Term::Producer.word(v)), Term::Topic.word(v)) }</h2>
            <form class="send-form" onsubmit={onsubmit}>
                <label>
                    <span>{ capitalised(Term::Key.word(v)) }</span>
                    <input data-testid="key-input" placeholder="e.g. alice (optional)" maxlength="64" autocomplete="off"
                           value={(*key).clone()} oninput={on_input(&key)} />
                </label>
                <label>
                    <span>{ capitalised(Term::Value.word(v)) }</span>
                    <input data-testid="value-input" placeholder="e.g. 2 coffees" maxlength="64" autocomplete="off"
                           value={(*value).clone()} oninput={on_input(&value)} />
                </label>
                <button type="submit" class="primary" data-testid="send-button" disabled={!state.can_write()}>{ Term::Send.word(v) }</button>
            </form>
            <p class="runs" data-testid="send-preview"><span>{ "runs: " }</span><code>{ code_words(&line) }</code></p>
            { status }
        </section>
    }
}
