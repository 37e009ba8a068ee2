//! (in progress)

use yew::prelude::*;

#[component]
pub fn Replicas() -> Html {
    html! {}
}
