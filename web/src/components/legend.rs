//! The glossary: every train word next to its Kafka word and what it means. It reads nothing
//! of the world, so it is drawn once (a task after the first render) and never again.

use crate::components::deferred::use_after_first_paint;
use crate::vocab::{capitalised, ALL_TERMS};
use yew::prelude::*;

#[component]
pub fn Legend() -> Html {
    if !use_after_first_paint() {
        return html! {
            <section class="panel legend" aria-labelledby="legend-title">
                <h2 id="legend-title">{ "Train words, Kafka words" }</h2>
            </section>
        };
    }
    html! {
        <section class="panel legend" aria-labelledby="legend-title">
            <h2 id="legend-title">{ "Train words, Kafka words" }</h2>
            <dl>
                { for ALL_TERMS.iter().map(|t| {
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
