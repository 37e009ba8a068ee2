//! (in progress)

use yew::prelude::*;

#[component]
pub fn Console() -> Html {
    html! {}
}
