//! (in progress)

use yew::prelude::*;

#[component]
pub fn Controls() -> Html {
    html! {}
}
