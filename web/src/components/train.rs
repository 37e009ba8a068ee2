//! The train: one topic drawn as a locomotive pulling its compartments (partitions).

use crate::components::compartment::Compartment;
use crate::state::AppContext;
use crate::view;
use crate::vocab::{capitalised, Term};
use yew::prelude::*;

#[component]
pub fn Train() -> Html {
    let Some(state) = use_context::<AppContext>() else {
        return html! {};
    };
    let v = state.vocabulary;
    let sandbox = state.sandbox();
    let newest = view::newest_append(sandbox.latest());
    let topic = view::first_topic(sandbox.world()).unwrap_or_default();
    let compartments = view::compartments(sandbox.world(), &topic);
    html! {
        <section class="panel train" aria-labelledby="train-title">
            <div class="locomotive">
                <span class="locomotive-body" aria-hidden="true"></span>
                <h2 id="train-title">
                    <span class="term">{ capitalised(Term::Topic.word(v)) }</span>
                    <span class="topic-name">{ topic.clone() }</span>
                </h2>
            </div>
            <ol class="compartments">
                { for compartments.into_iter().map(|c| {
                    let partition = c.partition;
                    let newest_offset = newest.as_ref().filter(|(t, p, _)| *t == topic && *p == partition).map(|(_, _, o)| *o);
                    html! { <Compartment key={partition} view={c} vocabulary={v} {newest_offset} /> }
                }) }
            </ol>
        </section>
    }
}
