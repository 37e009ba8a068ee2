//! The two-tab guard: one writer per session, other tabs follow it.
//!
//! In the browser, a tab that opens a session asks for the Web Lock named after the session
//! (`navigator.locks.request(name, {ifAvailable: true}, …)`) and holds it until it closes the
//! session or the tab. A second tab does not get the lock: it follows the session read-only and
//! hears about new steps on a `BroadcastChannel`. "Take over" asks for the lock with
//! `steal: true`; the browser then fails the first tab's hold, which makes that tab a follower
//! (its writes return `ProducerFenced`, as Kafka fences a zombie producer whose epoch was
//! bumped). The append-only log is a second line of defence: a step index is never written twice.
//!
//! Natively (tests, the CLI) there is only ever one writer, and nothing to hear.

use serde::{Deserialize, Serialize};

/// What this tab may do with a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// This tab writes the session.
    Writer,
    /// Another tab writes it; this tab shows it read-only and follows its changes.
    Follower,
}

/// A change to a session, announced to other tabs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionChange {
    pub session: String,
    pub kind: ChangeKind,
}

/// What changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Steps were appended; the log now has `step_count` steps.
    Appended {
        step_count: u64,
    },
    /// The log was cut back to `step_count` steps.
    Truncated {
        step_count: u64,
    },
    Renamed,
    Deleted,
    /// Another tab took over writing the session.
    TakenOver,
}

// Natively a claim is always held: the other outcomes only happen in a browser.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) enum ClaimOutcome {
    Held(Claim),
    Busy,
    Unavailable,
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use super::ClaimOutcome;

    /// A held claim on a session (natively: always held, never lost).
    pub(crate) struct Claim;

    impl Claim {
        pub(crate) fn is_lost(&self) -> bool {
            false
        }
        pub(crate) fn unguarded() -> Claim {
            Claim
        }
    }

    pub(crate) async fn try_claim(_lock: &str, _steal: bool) -> ClaimOutcome {
        ClaimOutcome::Held(Claim)
    }

    pub(crate) fn locks_available() -> bool {
        true
    }

    /// Listening to other tabs' changes (natively there are none).
    pub struct Subscription;

    pub(crate) struct Channel;

    impl Channel {
        pub(crate) fn new(_name: &str) -> Option<Channel> {
            None
        }
        pub(crate) fn post_wire<T: serde::Serialize>(&self, _message: &T) {}
    }

    pub(crate) fn subscribe_wire(_name: &str, _on_text: Box<dyn Fn(&str)>) -> Option<Subscription> {
        None
    }
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;

    use js_sys::{Function, Object, Promise, Reflect};
    use wasm_bindgen::prelude::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{BroadcastChannel, MessageEvent};

    use super::ClaimOutcome;

    /// A held Web Lock on a session. Dropping it releases the lock.
    pub(crate) struct Claim {
        release: Option<Function>,
        lost: Rc<Cell<bool>>,
    }

    impl Claim {
        /// True once another tab stole the lock.
        pub(crate) fn is_lost(&self) -> bool {
            self.lost.get()
        }

        /// A claim without a lock, where the browser has no Web Locks.
        pub(crate) fn unguarded() -> Claim {
            Claim {
                release: None,
                lost: Rc::new(Cell::new(false)),
            }
        }
    }

    impl Drop for Claim {
        fn drop(&mut self) {
            if let Some(release) = self.release.take() {
                let _ = release.call0(&JsValue::UNDEFINED);
            }
        }
    }

    /// Whether this browser offers Web Locks (checked once, when the store opens).
    pub(crate) fn locks_available() -> bool {
        lock_manager().is_some()
    }

    fn lock_manager() -> Option<JsValue> {
        let navigator = Reflect::get(&js_sys::global(), &"navigator".into()).ok()?;
        let locks = Reflect::get(&navigator, &"locks".into()).ok()?;
        let request = Reflect::get(&locks, &"request".into()).ok()?;
        (request.is_function()).then_some(locks)
    }

    pub(crate) async fn try_claim(lock: &str, steal: bool) -> ClaimOutcome {
        let Some(locks) = lock_manager() else {
            return ClaimOutcome::Unavailable;
        };
        let Ok(request) = Reflect::get(&locks, &"request".into()) else {
            return ClaimOutcome::Unavailable;
        };
        let request: Function = request.unchecked_into();

        // `granted` settles with true/false as soon as the browser calls our callback.
        let granted_resolve: Rc<RefCell<Option<Function>>> = Rc::new(RefCell::new(None));
        let slot = granted_resolve.clone();
        let granted = Promise::new(&mut |resolve, _reject| {
            *slot.borrow_mut() = Some(resolve);
        });
        let release_slot: Rc<RefCell<Option<Function>>> = Rc::new(RefCell::new(None));
        let release_for_cb = release_slot.clone();
        let on_lock = Closure::once_into_js(move |lock: JsValue| -> JsValue {
            let got_it = !lock.is_null() && !lock.is_undefined();
            let held = if got_it {
                // The lock is held until this promise resolves: its resolve is our release.
                let held = Promise::new(&mut |resolve, _reject| {
                    *release_for_cb.borrow_mut() = Some(resolve);
                });
                held.into()
            } else {
                JsValue::NULL
            };
            if let Some(resolve) = granted_resolve.borrow_mut().take() {
                let _ = resolve.call1(&JsValue::UNDEFINED, &JsValue::from_bool(got_it));
            }
            held
        });

        let options = Object::new();
        let flag = if steal { "steal" } else { "ifAvailable" };
        if Reflect::set(&options, &flag.into(), &JsValue::TRUE).is_err() {
            return ClaimOutcome::Unavailable;
        }
        let Ok(pending) = request.call3(&locks, &JsValue::from_str(lock), &options, &on_lock)
        else {
            return ClaimOutcome::Unavailable;
        };
        let lost = Rc::new(Cell::new(false));
        // When another tab steals the lock, the browser rejects this request (AbortError).
        if let Ok(catch) = Reflect::get(&pending, &"catch".into()) {
            if let Some(catch) = catch.dyn_ref::<Function>() {
                let lost_flag = lost.clone();
                let on_lost = Closure::once_into_js(move |_err: JsValue| {
                    lost_flag.set(true);
                });
                let _ = catch.call1(&pending, &on_lost);
            }
        }
        match JsFuture::from(granted).await {
            Ok(v) if v.as_bool() == Some(true) => ClaimOutcome::Held(Claim {
                release: release_slot.borrow_mut().take(),
                lost,
            }),
            Ok(_) => ClaimOutcome::Busy,
            Err(_) => ClaimOutcome::Unavailable,
        }
    }

    /// Listening to other tabs' changes. Dropping it stops listening.
    pub struct Subscription {
        channel: BroadcastChannel,
        _on_message: Closure<dyn FnMut(MessageEvent)>,
    }

    impl Drop for Subscription {
        fn drop(&mut self) {
            self.channel.set_onmessage(None);
            self.channel.close();
        }
    }

    pub(crate) struct Channel {
        channel: BroadcastChannel,
    }

    impl Channel {
        pub(crate) fn new(name: &str) -> Option<Channel> {
            BroadcastChannel::new(name)
                .ok()
                .map(|channel| Channel { channel })
        }

        pub(crate) fn post_wire<T: serde::Serialize>(&self, message: &T) {
            if let Ok(text) = serde_json::to_string(message) {
                let _ = self.channel.post_message(&JsValue::from_str(&text));
            }
        }
    }

    impl Drop for Channel {
        fn drop(&mut self) {
            self.channel.close();
        }
    }

    pub(crate) fn subscribe_wire(name: &str, on_text: Box<dyn Fn(&str)>) -> Option<Subscription> {
        let channel = BroadcastChannel::new(name).ok()?;
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            // Messages that are not ours (or from another version) are ignored.
            if let Some(text) = event.data().as_string() {
                on_text(&text);
            }
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(Subscription {
            channel,
            _on_message: on_message,
        })
    }
}

pub use imp::Subscription;
pub(crate) use imp::{locks_available, subscribe_wire, try_claim, Channel, Claim};
