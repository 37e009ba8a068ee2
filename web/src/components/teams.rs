//! (in progress)

use yew::prelude::*;

#[component]
pub fn Teams() -> Html {
    html! {}
}
