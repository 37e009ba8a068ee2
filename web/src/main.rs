//! The Offset Express web application.

fn main() {
    #[cfg(target_arch = "wasm32")]
    yew::Renderer::<App>::new().render();
}

use yew::prelude::*;

#[component]
fn App() -> Html {
    html! { <main><h1>{ "Offset Express" }</h1></main> }
}
