//! The train: one topic drawn as a locomotive pulling its compartments (partitions).

use crate::components::compartment::Compartment;
use crate::state::{AppContext, Outcome, DEMO_TOPIC};
use crate::view;
use crate::vocab::{capitalised, Term};
use yew::prelude::*;

#[component]
pub fn Train() -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let v = state.vocabulary;
    let newest = match &state.last {
        Some(Outcome::Appended {
            partition, offset, ..
        }) => Some((*partition, *offset)),
        _ => None,
    };
    let compartments = view::compartments(&state.world, DEMO_TOPIC);
    html! {
        <section class="panel train" aria-labelledby="train-title">
            <div class="locomotive">
                <span class="locomotive-body" aria-hidden="true"></span>
                <h2 id="train-title">
                    <span class="term">{ capitalised(Term::Topic.word(v)) }</span>
                    <span class="topic-name">{ DEMO_TOPIC }</span>
                </h2>
            </div>
            <ol class="compartments">
                { for compartments.into_iter().map(|c| {
                    let partition = c.partition;
                    let newest_offset = newest.filter(|(p, _)| *p == partition).map(|(_, o)| o);
                    html! { <Compartment key={partition} view={c} vocabulary={v} {newest_offset} /> }
                }) }
            </ol>
        </section>
    }
}
