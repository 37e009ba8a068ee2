//! The Offset Express web application: a thin Yew shell over the core. Behaviour lives in the
//! `sim` crate; this crate renders the world and turns clicks into actions.

// Natively this crate only runs its unit tests: the app itself renders in the browser.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

mod api;
mod completion;
mod components;
mod persistence;
mod session;
mod state;
mod tutorial;
mod view;
mod vocab;

use components::console::Console;
use components::controls::Controls;
use components::event_log::EventLog;
use components::header::Header;
use components::lag::Lag;
use components::legend::Legend;
use components::notebook::Notebook;
use components::platforms::Platforms;
use components::presenter::Presenter;
use components::producer_panel::ProducerPanel;
use components::session_bar::SessionBar;
use components::shortcuts::Shortcuts;
use components::teams::Teams;
use components::timeline::Timeline;
use components::toolbar::Toolbar;
use components::train::Train;
use components::tutorial::TutorialPanel;
use state::AppState;
use yew::prelude::*;

#[component]
fn App() -> Html {
    let state = use_reducer(AppState::new);
    api::use_page_api(&state);
    let presenting = state.presenting;
    let tutorial_open = state.tutorial.is_some();
    // How often the slow panels were refreshed, and what they last drew (see `state::Slow`).
    let slow = use_mut_ref(|| (0u64, state::SlowMark::of(&state)));
    let refreshes = {
        let mut slow = slow.borrow_mut();
        if state::slow_refresh(&state, &slow.1) {
            *slow = (slow.0 + 1, state::SlowMark::of(&state));
        }
        slow.0
    };
    let slow = state::Slow(state.clone(), refreshes);
    let calm = state::Calm(state.clone(), state.calm_count());
    html! {
        <ContextProvider<state::AppContext> context={state}>
        <ContextProvider<state::Slow> context={slow}>
        <ContextProvider<state::Calm> context={calm}>
            <div class={classes!("app", presenting.then_some("presenting"), tutorial_open.then_some("tutorial-open"))}>
                <Header />
                <Presenter />
                <SessionBar />
                <Toolbar />
                <Timeline />
                <main class="stage">
                    <div class="stage-main">
                        <ProducerPanel />
                        <Platforms />
                        <Train />
                        <Teams />
                        <Notebook />
                        <Lag />
                    </div>
                    <aside class="stage-side" aria-label="Console and controls">
                        <TutorialPanel />
                        <Console />
                        <Controls />
                        <EventLog />
                    </aside>
                    <Legend />
                </main>
                <Shortcuts />
                <footer class="footer">
                    { "Offset Express simulates Apache Kafka in your browser. Nothing leaves this page." }
                </footer>
            </div>
        </ContextProvider<state::Calm>>
        </ContextProvider<state::Slow>>
        </ContextProvider<state::AppContext>>
    }
}

fn main() {
    // The app takes the place of index.html's #app, whose static outline of the page (#shell)
    // was painted while this code loaded; the update notice beside it is left alone.
    #[cfg(target_arch = "wasm32")]
    match web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"))
    {
        Some(root) => yew::Renderer::<App>::with_root(root).render(),
        None => yew::Renderer::<App>::new().render(),
    };
}
