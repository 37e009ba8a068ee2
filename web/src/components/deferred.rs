//! Drawing what is out of sight a moment later: panels far from the train (the glossary, the
//! controls' forms) render an empty frame first and fill in on the next task, so the page's
//! first render — the train — is not kept waiting by them and the browser can paint it first.

use yew::prelude::*;

/// False on a component's first render; true from a task later (after the browser had the
/// chance to paint what the first render drew).
#[hook]
pub fn use_after_first_paint() -> bool {
    let ready = use_state(|| false);
    {
        let ready = ready.clone();
        use_effect_with((), move |_| {
            use wasm_bindgen::{closure::Closure, JsCast};
            let callback = Closure::once(move || ready.set(true));
            let id = web_sys::window().and_then(|w| {
                w.set_timeout_with_callback(callback.as_ref().unchecked_ref())
                    .ok()
            });
            move || {
                if let (Some(window), Some(id)) = (web_sys::window(), id) {
                    window.clear_timeout_with_handle(id);
                }
                drop(callback);
            }
        });
    }
    *ready
}
