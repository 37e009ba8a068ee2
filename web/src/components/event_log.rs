//! (in progress)

use yew::prelude::*;

#[component]
pub fn EventLog() -> Html {
    html! {}
}
