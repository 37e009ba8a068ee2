//! (in progress)

use yew::prelude::*;

#[component]
pub fn Platforms() -> Html {
    html! {}
}
