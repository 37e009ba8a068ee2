//! (in progress)

use yew::prelude::*;

#[component]
pub fn Lag() -> Html {
    html! {}
}
