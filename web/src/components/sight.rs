//! What is in sight: panels that cost a lot to draw while play runs skip drawing while they
//! are out of sight (farther than half a screen from the viewport), and draw at once when they
//! come back.

use crate::state::Slow;
use yew::prelude::*;

/// Calls `on_change(hidden)` whenever the element goes out of sight or comes back; returns
/// what stops watching.
#[cfg(target_arch = "wasm32")]
pub fn observe_sight(node: &NodeRef, on_change: impl Fn(bool) + 'static) -> impl FnOnce() {
    use wasm_bindgen::{closure::Closure, JsCast};
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        // The newest entry says where the element is now.
        if let Some(entry) = entries
            .iter()
            .last()
            .and_then(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().ok())
        {
            on_change(!entry.is_intersecting());
        }
    });
    let options = web_sys::IntersectionObserverInit::new();
    options.set_root_margin("50% 0px");
    let observer = web_sys::IntersectionObserver::new_with_options(
        callback.as_ref().unchecked_ref(),
        &options,
    )
    .ok();
    if let (Some(observer), Some(el)) = (&observer, node.cast::<web_sys::Element>()) {
        observer.observe(&el);
    }
    move || {
        if let Some(observer) = observer {
            observer.disconnect();
        }
        drop(callback);
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub fn observe_sight(_node: &NodeRef, _on_change: impl Fn(bool) + 'static) -> impl FnOnce() {
    || {}
}

/// Whether the element `node` refers to is out of sight (redraws when that changes). The
/// element must be drawn by the time this component's effects run.
#[hook]
pub fn use_hidden(node: &NodeRef) -> bool {
    let hidden = use_state(|| false);
    {
        let (node, hidden) = (node.clone(), hidden.clone());
        use_effect_with((), move |_| {
            let stop = observe_sight(&node, move |h| hidden.set(h));
            move || stop()
        });
    }
    *hidden
}

/// The slow state (see [`Slow`]) for a panel whose element is `node`: while play runs and the
/// panel is out of sight, the one it last drew (so that it is not drawn again); otherwise the
/// newest.
#[hook]
pub fn use_slow_in_sight(node: &NodeRef) -> Option<Slow> {
    let slow = use_context::<Slow>();
    let hidden = use_hidden(node);
    let kept = use_mut_ref(|| slow.clone());
    let playing = slow.as_ref().is_some_and(|s| s.0.playing);
    if !(hidden && playing) || kept.borrow().is_none() {
        *kept.borrow_mut() = slow;
    }
    let kept = kept.borrow().clone();
    kept
}
