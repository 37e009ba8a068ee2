//! (in progress)

use yew::prelude::*;

#[component]
pub fn Notebook() -> Html {
    html! {}
}
