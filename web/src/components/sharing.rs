//! Sharing and the learner's sessions: the Share button (a link that rebuilds the exact
//! session in a fresh browser), the banner of a session opened from such a link (read-only,
//! with "Make it mine" and "Present"), and the list of the learner's saved sessions.
//!
//! A share link is `#share=` and `script::share`'s payload: seed, world config and console
//! lines, compressed. Opening one never touches the learner's own sessions until they make it
//! theirs, which stores it as a new session.

use crate::persistence::{self, Writer};
use crate::session::Sandbox;
use crate::state::{Action, AppContext, Calm, Persistence, SessionInfo, SharedInfo};
use std::cell::RefCell;
use std::rc::Rc;
use store::{NewSession, SessionMeta, Store};
use yew::platform::spawn_local;
use yew::prelude::*;

/// The store and the writer of the page's session, shared by the session bar's parts.
#[derive(Clone)]
pub struct Slots {
    pub store: Rc<RefCell<Option<Rc<Store>>>>,
    pub writer: Rc<RefCell<Option<Rc<Writer>>>>,
}

impl PartialEq for Slots {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.store, &other.store) && Rc::ptr_eq(&self.writer, &other.writer)
    }
}

/// Makes `id` the session this page writes from now on (a writer that reports what it could
/// not save as notices) and names it in the page's address.
pub fn write_to(
    state: &AppContext,
    writer: &RefCell<Option<Rc<Writer>>>,
    store: &Rc<Store>,
    id: &str,
    persisted: u64,
) {
    let notify = state.clone();
    *writer.borrow_mut() = Some(Writer::new(
        Rc::clone(store),
        id.to_string(),
        persisted,
        move |e| notify.dispatch(Action::Notice(e)),
    ));
    persistence::show_session_in_address(id);
}

/// Stores the lines the sandbox shows as a new session named `name` (with the sandbox's seed
/// and config), and makes it the session this page writes.
pub async fn store_as_new_session(
    state: &AppContext,
    writer: &RefCell<Option<Rc<Writer>>>,
    store: &Rc<Store>,
    name: String,
) -> Result<SessionInfo, store::StoreError> {
    let (new, lines) = {
        let sandbox = state.sandbox();
        let (seed, config) = sandbox.origin();
        let new = NewSession {
            name,
            seed,
            config: serde_json::to_value(config).unwrap_or_default(),
        };
        (new, sandbox.lines()[..sandbox.settled_lines()].to_vec())
    };
    let meta = store.create_session_with_steps(new, &lines).await?;
    write_to(state, writer, store, &meta.id, lines.len() as u64);
    Ok(SessionInfo {
        id: meta.id,
        writer: true,
    })
}

/// The payload of a share link in the page's address (`#share=…`), if there is one.
pub fn shared_in_address() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let payload = hash.strip_prefix("#share=")?;
    Some(payload.to_string())
}

/// The shared session of `payload`, rebuilt, or what is wrong with the link.
pub fn open_shared(payload: &str) -> Result<(crate::session::Rebuilt, SharedInfo), String> {
    let shared = script::share::decode(payload).map_err(|e| e.to_string())?;
    let rebuilt = Sandbox::rebuild(shared.seed, shared.config.clone(), &shared.lines);
    let name = shared
        .name
        .clone()
        .unwrap_or_else(|| "Shared session".to_string());
    Ok((rebuilt, SharedInfo { name }))
}

/// The share link of the world shown: its seed, config and lines up to the step shown.
pub fn share_link(sandbox: &Sandbox, name: Option<String>) -> Result<String, String> {
    let (seed, config) = sandbox.origin();
    let shared = script::share::Shared {
        seed,
        config: config.clone(),
        name,
        lines: sandbox.lines()[..sandbox.settled_lines()].to_vec(),
    };
    let payload = script::share::encode(&shared);
    // Offer only a link that opens: one over the limits is refused here, not by the friend.
    script::share::decode(&payload).map_err(|e| e.to_string())?;
    let base = web_sys::window()
        .and_then(|w| {
            let location = w.location();
            Some(format!(
                "{}{}",
                location.origin().ok()?,
                location.pathname().ok()?
            ))
        })
        .unwrap_or_default();
    Ok(format!("{base}#share={payload}"))
}

/// Copies `text` to the clipboard where the browser allows it (the link stays selectable).
fn copy_to_clipboard(text: &str) {
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return;
    };
    let clipboard = js_sys::Reflect::get(&window.navigator(), &"clipboard".into())
        .ok()
        .filter(|c| !c.is_undefined());
    if let Some(clipboard) = clipboard {
        if let Ok(write) = js_sys::Reflect::get(&clipboard, &"writeText".into()) {
            if let Ok(write) = write.dyn_into::<js_sys::Function>() {
                let _ = write.call1(&clipboard, &text.into());
            }
        }
    }
}

#[component]
pub fn ShareButton() -> Html {
    let state = use_context::<Calm>().map(|s| s.0);
    let link = use_state(|| None::<Result<String, String>>);
    let Some(state) = state else {
        return html! {};
    };
    let on_share = {
        let (state, link) = (state.clone(), link.clone());
        Callback::from(move |_: MouseEvent| {
            let name = match &state.persistence {
                Persistence::Shared(s) => Some(s.name.clone()),
                _ => None,
            };
            link.set(Some(share_link(&state.sandbox(), name)));
        })
    };
    let on_copy = {
        let link = link.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(Ok(text)) = link.as_ref() {
                copy_to_clipboard(text);
            }
        })
    };
    let on_close = {
        let link = link.clone();
        Callback::from(move |_: MouseEvent| link.set(None))
    };
    html! {
        <>
            <button class="link-button" data-testid="share" onclick={on_share}
                    title="A link that rebuilds this world, up to the step shown, in any browser">{ "Share" }</button>
            if let Some(result) = link.as_ref() {
                <span class="share-box" role="group" aria-label="Share link">
                    { match result {
                        Ok(text) => html! {
                            <>
                                <input class="share-link" data-testid="share-link" readonly=true value={text.clone()}
                                       aria-label={format!("Share link ({} characters)", text.len())}
                                       onfocus={Callback::from(|e: FocusEvent| {
                                           let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                                           input.select();
                                       })} />
                                <button class="link-button" onclick={on_copy}>{ "Copy" }</button>
                            </>
                        },
                        Err(e) => html! { <span class="share-error" role="alert">{ format!("This session cannot be shared: {e}") }</span> },
                    } }
                    <button class="link-button" onclick={on_close} aria-label="Close the share link">{ "×" }</button>
                </span>
            }
        </>
    }
}

/// Stores the shared session shown as a new session of the learner's and writes it from now on.
async fn make_it_mine(state: AppContext, slots: Slots, name: String) {
    let Some(store) = slots.store.borrow().clone() else {
        state.dispatch(Action::Notice(
            "Your sessions are still opening; try again in a moment.".into(),
        ));
        return;
    };
    match store_as_new_session(&state, &slots.writer, &store, name.clone()).await {
        Ok(session) => state.dispatch(Action::MovedTo(
            session,
            format!("“{name}” is yours now: saved in this browser beside your other sessions."),
        )),
        Err(e) => state.dispatch(Action::Notice(format!(
            "The shared session could not be saved: {e}"
        ))),
    }
}

#[derive(Properties, PartialEq)]
pub struct SlotsProps {
    pub slots: Slots,
}

#[component]
pub fn SharedBanner(props: &SlotsProps) -> Html {
    let Some(state) = use_context::<Calm>().map(|s| s.0) else {
        return html! {};
    };
    let Persistence::Shared(shared) = &state.persistence else {
        return html! {};
    };
    let on_mine = {
        let (state, slots, name) = (state.clone(), props.slots.clone(), shared.name.clone());
        Callback::from(move |_: MouseEvent| {
            spawn_local(make_it_mine(state.clone(), slots.clone(), name.clone()))
        })
    };
    let on_present = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::SetPresenting(true)))
    };
    html! {
        <div class="shared-banner" data-testid="shared-banner" role="region" aria-label="Shared session">
            <p>
                <strong>{ format!("“{}”", shared.name) }</strong>
                { format!(" — a shared session of {} steps, read-only. Your own sessions are untouched.", state.sandbox().timeline_len()) }
            </p>
            <button class="tool" data-testid="make-it-mine" onclick={on_mine}>{ "Make it mine" }</button>
            <button class="tool" data-testid="present" onclick={on_present}>{ "Present" }</button>
        </div>
    }
}

/// Opens one of the learner's sessions in place of the one shown.
async fn open_session(state: AppContext, slots: Slots, id: String) {
    let Some(store) = slots.store.borrow().clone() else {
        return;
    };
    if let Persistence::Ready(open) = &state.persistence {
        store.close_session(&open.id);
    }
    match persistence::open_by_id(&store, &id).await {
        Ok(restored) => {
            let (id, persisted) = (restored.session.id.clone(), restored.persisted_steps);
            write_to(&state, &slots.writer, &store, &id, persisted);
            state.dispatch(Action::Restore(Box::new(restored)));
        }
        Err(e) => state.dispatch(Action::Notice(format!(
            "The session could not be opened: {e}"
        ))),
    }
}

#[component]
pub fn SessionList(props: &SlotsProps) -> Html {
    let state = use_context::<Calm>().map(|s| s.0);
    let sessions = use_state(|| None::<Vec<SessionMeta>>);
    let Some(state) = state else {
        return html! {};
    };
    let on_toggle = {
        let (slots, sessions) = (props.slots.clone(), sessions.clone());
        Callback::from(move |e: Event| {
            let details: web_sys::HtmlDetailsElement = e.target_unchecked_into();
            if !details.open() {
                // Read afresh at the next opening: never show a stale list.
                sessions.set(None);
                return;
            }
            let Some(store) = slots.store.borrow().clone() else {
                return;
            };
            let sessions = sessions.clone();
            spawn_local(async move {
                if let Ok(list) = store.list_sessions().await {
                    sessions.set(Some(list));
                }
            });
        })
    };
    let current = match &state.persistence {
        Persistence::Ready(s) => Some(s.id.clone()),
        _ => None,
    };
    html! {
        <details class="session-list" data-testid="session-list" ontoggle={on_toggle}>
            <summary class="link-button">{ "Sessions" }</summary>
            <ul>
                { for sessions.iter().flatten().map(|meta| {
                    let is_current = current.as_deref() == Some(meta.id.as_str());
                    let open = {
                        let (state, slots, id) = (state.clone(), props.slots.clone(), meta.id.clone());
                        Callback::from(move |_: MouseEvent| spawn_local(open_session(state.clone(), slots.clone(), id.clone())))
                    };
                    html! {
                        <li key={meta.id.clone()} data-testid="session-entry" data-session={meta.id.clone()}>
                            <span class="session-name">{ &meta.name }</span>
                            <span class="session-steps">{ format!("{} steps", meta.step_count) }</span>
                            if is_current {
                                <span class="session-current">{ "open" }</span>
                            } else {
                                <button class="link-button" onclick={open}>{ "Open" }</button>
                            }
                        </li>
                    }
                }) }
            </ul>
        </details>
    }
}

/// Downloads the session shown (up to the step shown) as a kafka-python program or a shell
/// script of Kafka's tools, both against `localhost:9092`.
#[component]
pub fn CodeExport() -> Html {
    let Some(state) = use_context::<Calm>().map(|s| s.0) else {
        return html! {};
    };
    let export = |python: bool| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            let (seed, lines) = {
                let sandbox = state.sandbox();
                (
                    sandbox.origin().0,
                    sandbox.lines()[..sandbox.settled_lines()].to_vec(),
                )
            };
            let result = if python {
                script::export::export_python(seed, &lines)
                    .map(|text| ("offset-express-session.py", text, "text/x-python"))
            } else {
                script::export::export_shell(&lines)
                    .map(|text| ("offset-express-session.sh", text, "text/x-shellscript"))
            };
            let outcome = result
                .map_err(|e| e.to_string())
                .and_then(|(name, text, mime)| persistence::download_as(name, &text, mime));
            if let Err(e) = outcome {
                state.dispatch(Action::Notice(format!(
                    "The session could not be exported as code: {e}"
                )));
            }
        })
    };
    html! {
        <>
            <button class="link-button" data-testid="export-python" onclick={export(true)}
                    title="This session as a kafka-python program against localhost:9092">{ "Python" }</button>
            <button class="link-button" data-testid="export-shell" onclick={export(false)}
                    title="This session's Kafka tool commands as a shell script against localhost:9092">{ "Shell" }</button>
        </>
    }
}
