//! (in progress)

use yew::prelude::*;

#[component]
pub fn Toolbar() -> Html {
    html! {}
}
