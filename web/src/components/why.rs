//! "Why?": for a passenger a team checked twice or never, the chain of steps that led there —
//! who processed it and when, the notebook's line at the time, the faint, who took the
//! compartment over and where they resumed. The chain is `script::why`'s, built from the
//! core's events and delivery ledger; each step links to the timeline.

use crate::state::{Action, Calm};
use crate::vocab::Vocabulary;
use script::why::Words;
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct WhyProps {
    pub group: String,
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
}

fn words(v: Vocabulary) -> Words {
    match v {
        Vocabulary::Train => Words::Train,
        Vocabulary::Kafka => Words::Kafka,
    }
}

#[component]
pub fn WhyPanel(props: &WhyProps) -> Html {
    let Some(state) = use_context::<Calm>().map(|s| s.0) else {
        return html! {};
    };
    let w = words(state.vocabulary);
    let why = state
        .sandbox()
        .why(&props.group, &props.topic, props.partition, props.offset);
    let Some(why) = why else {
        return html! { <p class="why" data-testid="why">{ "Nothing to explain here." }</p> };
    };
    let shown = state.sandbox().lines().len() as u64;
    html! {
        <div class="why" data-testid="why" role="region" aria-label="Why">
            <p class="why-headline" data-testid="why-headline">{ why.headline(w) }</p>
            <ol class="why-chain">
                { for why.sentences(w).into_iter().map(|s| {
                    let link = s.step.map(|step| {
                        let state = state.clone();
                        let to = usize::try_from(step).unwrap_or(usize::MAX);
                        let here = step == shown;
                        html! {
                            <button class="link-button why-step" data-step={step.to_string()} disabled={here}
                                    title="Show the world after this step on the timeline"
                                    onclick={Callback::from(move |_: MouseEvent| state.dispatch(Action::Jump(to)))}>
                                { format!("step {step}") }
                            </button>
                        }
                    });
                    html! { <li>{ s.text }{ " " }{ for link }</li> }
                }) }
            </ol>
            if let Some(outlook) = why.outlook(w) {
                <p class="why-outlook">{ outlook }</p>
            }
        </div>
    }
}
