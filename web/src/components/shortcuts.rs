//! Keyboard shortcuts for time (play/pause, step, speed) and the `?` overlay that lists them.
//!
//! The keys are listened to on the document, and never while the learner types in a text
//! box or a select. The overlay is a modal dialog: focus moves into it, stays in it, and goes
//! back where it was when it closes (Escape, the Close button or a tap outside).

use crate::components::{toolbar, tutorial};
use crate::state::{Action, AppContext, Calm};
use yew::prelude::*;

/// What a key does (outside text boxes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    PlayPause,
    Step,
    Faster,
    Slower,
    Help,
    Close,
    /// One step back on the timeline.
    Back,
    /// One step forward on the timeline.
    Forward,
    EndPresentation,
    /// The tutorial's next chapter.
    NextChapter,
    /// The tutorial's previous chapter.
    PreviousChapter,
}

/// The shortcut for a key, given what has the focus: `on_button` (Space presses a focused
/// button instead) and `typing` (a text box, a select: no shortcuts at all).
pub fn shortcut(key: &str, modifiers: bool, typing: bool, on_button: bool) -> Option<Shortcut> {
    if key == "Escape" {
        return Some(Shortcut::Close);
    }
    if typing || modifiers {
        return None;
    }
    match key {
        " " | "Spacebar" if !on_button => Some(Shortcut::PlayPause),
        "k" | "K" => Some(Shortcut::PlayPause),
        "." | "ArrowRight" => Some(Shortcut::Step),
        "+" | "=" => Some(Shortcut::Faster),
        "-" | "_" => Some(Shortcut::Slower),
        "?" => Some(Shortcut::Help),
        "[" => Some(Shortcut::Back),
        "]" => Some(Shortcut::Forward),
        "n" | "N" => Some(Shortcut::NextChapter),
        "p" | "P" => Some(Shortcut::PreviousChapter),
        _ => None,
    }
}

/// Undo (one step back on the timeline) and redo (one step forward), with Ctrl or ⌘ held.
pub fn undo_key(key: &str, shift: bool) -> Option<Shortcut> {
    match (key, shift) {
        ("z" | "Z", false) => Some(Shortcut::Back),
        ("z" | "Z", true) | ("y" | "Y", false) => Some(Shortcut::Forward),
        _ => None,
    }
}

/// What a key does in presentation mode (before the usual shortcuts).
pub fn presenting_key(key: &str) -> Option<Shortcut> {
    match key {
        "ArrowRight" | "PageDown" | " " | "Spacebar" => Some(Shortcut::Forward),
        "ArrowLeft" | "PageUp" => Some(Shortcut::Back),
        "Escape" => Some(Shortcut::EndPresentation),
        _ => None,
    }
}

/// The list on the overlay: keys and what they do.
pub const SHORTCUTS: &[(&[&str], &str)] = &[
    (&["Space", "k"], "Play or pause virtual time"),
    (&[".", "→"], "Step: advance the clock once"),
    (&["+"], "Faster"),
    (&["-"], "Slower"),
    (&["[", "]"], "Timeline: one step back, one step forward"),
    (
        &["Ctrl+Z", "Ctrl+Shift+Z"],
        "Undo and redo: the same steps (⌘ on a Mac); acting after an undo starts a new future and keeps the old one",
    ),
    (&["n", "p"], "Tutorial: next chapter (after the last, the free ride), previous chapter"),
    (&["?"], "Show these shortcuts"),
    (&["Esc"], "Close this list"),
    (
        &["Tab"],
        "In the console: complete a command, a flag or a name",
    ),
    (&["↑", "↓"], "In the console: earlier and later lines"),
];

fn run(state: &AppContext, s: Shortcut) {
    match s {
        Shortcut::PlayPause => toolbar::toggle_play(state),
        Shortcut::Back => state.dispatch(Action::JumpBy(-1)),
        Shortcut::Forward => state.dispatch(Action::JumpBy(1)),
        Shortcut::Step => {
            if !state.playing {
                toolbar::step(state)
            }
        }
        Shortcut::Faster | Shortcut::Slower => {
            if let Some(action) = toolbar::change_speed(state, s == Shortcut::Faster) {
                state.dispatch(action);
            }
        }
        Shortcut::Help => state.dispatch(Action::SetHelp(!state.show_help)),
        Shortcut::EndPresentation => state.dispatch(Action::SetPresenting(false)),
        Shortcut::NextChapter | Shortcut::PreviousChapter => {
            let forward = s == Shortcut::NextChapter;
            if let Some(index) = tutorial::neighbour(state, forward) {
                tutorial::go_to_chapter(index);
            } else if forward && tutorial::on_last_chapter(state) {
                tutorial::go_to_free_ride();
            }
        }
        Shortcut::Close => {
            if state.show_help {
                state.dispatch(Action::SetHelp(false))
            }
        }
    }
}

/// Listens to keys on the document for the page's lifetime; reads the latest state.
#[hook]
fn use_shortcut_keys(state: &AppContext) {
    let latest = use_mut_ref(|| state.clone());
    *latest.borrow_mut() = state.clone();
    use_effect_with((), move |_| {
        let stop = listen(latest);
        move || stop()
    });
}

#[cfg(target_arch = "wasm32")]
fn listen(latest: std::rc::Rc<std::cell::RefCell<AppContext>>) -> impl FnOnce() {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    let callback =
        Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
            let active = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element());
            let tag = active
                .as_ref()
                .map(|a| a.tag_name().to_ascii_lowercase())
                .unwrap_or_default();
            let editable = active
                .as_ref()
                .and_then(|a| a.get_attribute("contenteditable"))
                .is_some_and(|v| v != "false");
            let typing = matches!(tag.as_str(), "input" | "textarea" | "select") || editable;
            let on_button = matches!(tag.as_str(), "button" | "a" | "summary");
            let modifiers = e.ctrl_key() || e.meta_key() || e.alt_key();
            let state = latest.borrow().clone();
            // Undo and redo walk the timeline (nothing is lost: the future stays until the
            // learner acts in the past). Ctrl or ⌘ with Z, with Shift (or Y) to redo.
            if (e.ctrl_key() || e.meta_key()) && !e.alt_key() && !typing {
                if let Some(s) = undo_key(&e.key(), e.shift_key()) {
                    e.prevent_default();
                    run(&state, s);
                    return;
                }
            }
            // Presenting: the arrows walk the timeline and Escape ends the presentation.
            if state.presenting && !typing && !modifiers {
                if let Some(s) = presenting_key(&e.key()) {
                    e.prevent_default();
                    run(&state, s);
                    return;
                }
            }
            // While the overlay is open only its own keys work.
            let Some(s) = shortcut(&e.key(), modifiers, typing, on_button)
                .filter(|s| !state.show_help || matches!(s, Shortcut::Close | Shortcut::Help))
            else {
                return;
            };
            if s != Shortcut::Close {
                e.prevent_default();
            }
            run(&state, s);
        });
    let document = web_sys::window().and_then(|w| w.document());
    if let Some(d) = &document {
        let _ = d.add_event_listener_with_callback("keydown", callback.as_ref().unchecked_ref());
    }
    move || {
        if let Some(d) = &document {
            let _ =
                d.remove_event_listener_with_callback("keydown", callback.as_ref().unchecked_ref());
        }
        drop(callback);
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn listen(_latest: std::rc::Rc<std::cell::RefCell<AppContext>>) -> impl FnOnce() {
    || {}
}

/// Moves the focus into the dialog when it opens and back where it was when it closes.
#[hook]
fn use_dialog_focus(open: bool, close_button: NodeRef) {
    let before = use_mut_ref(|| None::<web_sys::HtmlElement>);
    use_effect_with(open, move |open| {
        use wasm_bindgen::JsCast;
        if *open {
            *before.borrow_mut() = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element())
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(button) = close_button.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
        } else if let Some(element) = before.borrow_mut().take() {
            let _ = element.focus();
        }
    });
}

#[component]
pub fn Shortcuts() -> Html {
    let Some(state) = use_context::<Calm>().map(|s| s.0) else {
        return html! {};
    };
    use_shortcut_keys(&state);
    let close_ref = use_node_ref();
    use_dialog_focus(state.show_help, close_ref.clone());
    if !state.show_help {
        return html! {};
    }
    let close = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::SetHelp(false)))
    };
    let backdrop = {
        let state = state.clone();
        Callback::from(move |e: MouseEvent| {
            // Only a tap on the backdrop itself, not inside the dialog.
            if e.target() == e.current_target() {
                state.dispatch(Action::SetHelp(false));
            }
        })
    };
    // The dialog's only focusable element is its Close button: Tab stays on it.
    let trap = Callback::from(|e: KeyboardEvent| {
        if e.key() == "Tab" {
            e.prevent_default();
        }
    });
    html! {
        <div class="overlay" onclick={backdrop}>
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title"
                 data-testid="shortcuts" onkeydown={trap}>
                <h2 id="shortcuts-title">{ "Keyboard shortcuts" }</h2>
                <p class="dialog-note">{ "Every control is also reachable with Tab. The shortcuts do nothing while you type in a box." }</p>
                <dl class="shortcut-list">
                    { for SHORTCUTS.iter().map(|(keys, what)| html! {
                        <div class="shortcut-row">
                            <dt>{ for keys.iter().enumerate().map(|(i, k)| html! {
                                <>
                                    if i > 0 { <span class="shortcut-or">{ " or " }</span> }
                                    <kbd>{ *k }</kbd>
                                </>
                            }) }</dt>
                            <dd>{ *what }</dd>
                        </div>
                    }) }
                </dl>
                <button ref={close_ref} class="primary" onclick={close} data-testid="shortcuts-close">{ "Close" }</button>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_shortcuts_outside_text_boxes() {
        assert_eq!(
            shortcut("k", false, false, false),
            Some(Shortcut::PlayPause)
        );
        assert_eq!(
            shortcut(" ", false, false, false),
            Some(Shortcut::PlayPause)
        );
        assert_eq!(shortcut(".", false, false, false), Some(Shortcut::Step));
        assert_eq!(
            shortcut("ArrowRight", false, false, true),
            Some(Shortcut::Step)
        );
        assert_eq!(shortcut("+", false, false, false), Some(Shortcut::Faster));
        assert_eq!(shortcut("-", false, false, false), Some(Shortcut::Slower));
        assert_eq!(shortcut("?", false, false, false), Some(Shortcut::Help));
        assert_eq!(
            shortcut("n", false, false, false),
            Some(Shortcut::NextChapter)
        );
        assert_eq!(
            shortcut("p", false, false, false),
            Some(Shortcut::PreviousChapter)
        );
        assert_eq!(shortcut("n", false, true, false), None);
    }

    #[test]
    fn typing_and_focused_buttons_keep_their_keys() {
        assert_eq!(shortcut("k", false, true, false), None);
        assert_eq!(shortcut(" ", false, true, false), None);
        assert_eq!(shortcut(" ", false, false, true), None);
        assert_eq!(shortcut("k", true, false, false), None);
        assert_eq!(
            shortcut("Escape", false, true, false),
            Some(Shortcut::Close)
        );
    }

    #[test]
    fn presenting_the_arrows_walk_the_timeline_and_escape_ends_it() {
        assert_eq!(presenting_key("ArrowRight"), Some(Shortcut::Forward));
        assert_eq!(presenting_key(" "), Some(Shortcut::Forward));
        assert_eq!(presenting_key("ArrowLeft"), Some(Shortcut::Back));
        assert_eq!(presenting_key("Escape"), Some(Shortcut::EndPresentation));
        assert_eq!(presenting_key("k"), None);
    }

    #[test]
    fn undo_and_redo_walk_the_timeline() {
        assert_eq!(undo_key("z", false), Some(Shortcut::Back));
        assert_eq!(undo_key("Z", true), Some(Shortcut::Forward));
        assert_eq!(undo_key("y", false), Some(Shortcut::Forward));
        assert_eq!(undo_key("x", false), None);
    }
}
