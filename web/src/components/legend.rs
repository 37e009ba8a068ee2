//! The legend: each train word next to its Kafka word and what it means.

use crate::state::AppContext;
use crate::vocab::{capitalised, Term};
use yew::prelude::*;

const TERMS: [Term; 8] = [
    Term::Topic,
    Term::Partition,
    Term::Offset,
    Term::Record,
    Term::Key,
    Term::LogStart,
    Term::HighWatermark,
    Term::LogEnd,
];

#[component]
pub fn Legend() -> Html {
    if use_context::<AppContext>().is_none() {
        return html! {};
    }
    html! {
        <section class="panel legend" aria-labelledby="legend-title">
            <h2 id="legend-title">{ "Train words, Kafka words" }</h2>
            <dl>
                { for TERMS.iter().map(|t| {
                    let (train, kafka) = t.words();
                    html! {
                        <div class="legend-row">
                            <dt><span class="legend-train">{ capitalised(train) }</span>{ " = " }<code>{ kafka }</code></dt>
                            <dd>{ t.explanation() }</dd>
                        </div>
                    }
                }) }
            </dl>
        </section>
    }
}
