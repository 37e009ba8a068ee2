//! (in progress)

use yew::prelude::*;

#[component]
pub fn Shortcuts() -> Html {
    html! {}
}
