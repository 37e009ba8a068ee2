//! The session keeper: opens the saved session when the page loads, writes every new step,
//! follows another tab's changes, and shows the learner what it could not do (in memory only,
//! read-only, damaged data …) with a way out where there is one.

use crate::components::sharing::{self, CodeExport, SessionList, ShareButton, SharedBanner, Slots};
use crate::persistence::{self, Writer};
use crate::state::{Action, AppContext, Persistence, Restored};
use crate::vocab::Vocabulary;
use std::cell::RefCell;
use std::rc::Rc;
use store::{Preferences, Store, Subscription};
use yew::platform::spawn_local;
use yew::prelude::*;

fn to_store_vocabulary(v: Vocabulary) -> store::Vocabulary {
    match v {
        Vocabulary::Train => store::Vocabulary::Train,
        Vocabulary::Kafka => store::Vocabulary::Kafka,
    }
}

fn from_store_vocabulary(v: store::Vocabulary) -> Vocabulary {
    match v {
        store::Vocabulary::Train => Vocabulary::Train,
        store::Vocabulary::Kafka => Vocabulary::Kafka,
    }
}

/// Makes `restored` the page's session: its writer, its address, its world.
fn show_session(
    state: &AppContext,
    store: &Rc<Store>,
    writer_slot: &RefCell<Option<Rc<Writer>>>,
    restored: Restored,
) {
    let (id, persisted) = (restored.session.id.clone(), restored.persisted_steps);
    sharing::write_to(state, writer_slot, store, &id, persisted);
    state.dispatch(Action::Restore(Box::new(restored)));
}

/// After a line changed the past: stores the new timeline as a new session and writes it from
/// now on; the session it came from keeps its old future.
async fn start_new_future(
    state: AppContext,
    store: Rc<Store>,
    writer_slot: Rc<RefCell<Option<Rc<Writer>>>>,
    old: String,
    at: usize,
) {
    let name = store
        .list_sessions()
        .await
        .ok()
        .and_then(|all| all.into_iter().find(|m| m.id == old))
        .map_or_else(|| "Sandbox".to_string(), |m| m.name);
    match sharing::store_as_new_session(
        &state,
        &writer_slot,
        &store,
        format!("{name} · new future from step {at}"),
    )
    .await
    {
        Ok(session) => {
            store.close_session(&old);
            state.dispatch(Action::MovedTo(
                session,
                format!(
                    "You changed the past at step {at}: this is a new session. The old future is kept as “{name}” in your sessions."
                ),
            ));
        }
        Err(e) => state.dispatch(Action::Notice(format!(
            "The new future could not be saved: {e}"
        ))),
    }
}

/// Opens the store and the latest session, then hands the rebuilt world to the reducer.
async fn open_session(
    state: AppContext,
    store_slot: Rc<RefCell<Option<Rc<Store>>>>,
    writer_slot: Rc<RefCell<Option<Rc<Writer>>>>,
    follow: Rc<RefCell<Option<Subscription>>>,
) {
    persistence::mark("oe:store-open-start");
    let (store, notices) = Store::open(&persistence::namespace()).await;
    persistence::mark("oe:store-open-end");
    let store = Rc::new(store);
    state.dispatch(Action::StoreOpened(Rc::clone(&store)));
    for notice in notices {
        state.dispatch(Action::Notice(notice.to_string()));
    }
    if let Ok(preferences) = store.preferences().await {
        state.dispatch(Action::SetVocabulary(from_store_vocabulary(
            preferences.vocabulary,
        )));
    }
    if let Some(payload) = sharing::shared_in_address() {
        match sharing::open_shared(&payload) {
            Ok((rebuilt, shared)) => {
                state.dispatch(Action::ShowShared(Box::new(rebuilt), shared));
                *store_slot.borrow_mut() = Some(store);
                return;
            }
            Err(e) => {
                state.dispatch(Action::Notice(format!(
                    "The shared link could not be opened: {e}. Nothing was changed; your own session is open instead."
                )));
                if let Some(window) = web_sys::window() {
                    let _ = window.location().set_hash("");
                }
            }
        }
    }
    match persistence::open(&store).await {
        Ok(restored) => {
            if !restored.session.writer {
                // Another tab writes this session: follow its changes.
                let (follower_state, follower_store) = (state.clone(), Rc::clone(&store));
                let session_id = restored.session.id.clone();
                *follow.borrow_mut() = store.subscribe(move |change| {
                    if change.session != session_id {
                        return;
                    }
                    let (state, store) = (follower_state.clone(), Rc::clone(&follower_store));
                    spawn_local(async move {
                        if let Ok(restored) = persistence::open(&store).await {
                            state.dispatch(Action::Restore(Box::new(restored)));
                        }
                    });
                });
            }
            show_session(&state, &store, &writer_slot, restored);
        }
        Err(e) => state.dispatch(Action::Notice(format!(
            "Your saved session could not be opened: {e}"
        ))),
    }
    for notice in store.take_notices() {
        state.dispatch(Action::Notice(notice.to_string()));
    }
    *store_slot.borrow_mut() = Some(store);
}

#[component]
pub fn SessionBar() -> Html {
    let state = use_context::<AppContext>();
    let store_slot = use_mut_ref(|| None::<Rc<Store>>);
    let writer_slot = use_mut_ref(|| None::<Rc<Writer>>);
    let follow = use_mut_ref(|| None::<Subscription>);

    {
        let (state, store_slot, writer_slot, follow) = (
            state.clone(),
            store_slot.clone(),
            writer_slot.clone(),
            follow.clone(),
        );
        use_effect_with((), move |_| {
            if let Some(state) = state {
                spawn_local(open_session(state, store_slot, writer_slot, follow));
            }
        });
    }

    // Write every new step (only the writer tab has a ready session it may change).
    {
        let writer_slot = writer_slot.clone();
        let key = state.as_ref().map(|s| (s.revision(), s.can_write()));
        let state = state.clone();
        use_effect_with(key, move |_| {
            if let (Some(state), Some(writer)) = (state, writer_slot.borrow().as_ref()) {
                if state.can_write()
                    && matches!(&state.persistence, Persistence::Ready(s) if s.id == writer.session())
                {
                    let fork = state.sandbox_cell().borrow_mut().take_fork();
                    match fork {
                        // Acting in the past: the stored session keeps the old future; the new
                        // one goes on in a session of its own.
                        Some(fork) => {
                            writer.close();
                            let store = Rc::clone(writer.store());
                            let old = writer.session().to_string();
                            let slot = Rc::clone(&writer_slot);
                            spawn_local(start_new_future(state, store, slot, old, fork.at));
                        }
                        None => {
                            let sandbox = state.sandbox();
                            writer.sync(sandbox.settled_timeline(), |i| sandbox.timeline_line(i));
                            if let Some(checkpoint) = sandbox.latest_checkpoint() {
                                if !sandbox.in_the_past() {
                                    let settled = &sandbox.lines()[..sandbox.settled_lines()];
                                    writer.offer_snapshot(settled, checkpoint);
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    // Remember the vocabulary.
    {
        let store_slot = store_slot.clone();
        let vocabulary = state.as_ref().map(|s| s.vocabulary);
        use_effect_with(vocabulary, move |vocabulary| {
            let (Some(store), Some(vocabulary)) = (store_slot.borrow().clone(), *vocabulary) else {
                return;
            };
            spawn_local(async move {
                let mut preferences: Preferences = store.preferences().await.unwrap_or_default();
                let wanted = to_store_vocabulary(vocabulary);
                if preferences.vocabulary != wanted {
                    preferences.vocabulary = wanted;
                    let _ = store.put_preferences(&preferences).await;
                }
            });
        });
    }

    let Some(state) = state else {
        return html! {};
    };
    let take_over = {
        let (state, store_slot) = (state.clone(), store_slot.clone());
        Callback::from(move |_| {
            let (state, store) = (state.clone(), store_slot.borrow().clone());
            let Persistence::Ready(session) = &state.persistence else {
                return;
            };
            let id = session.id.clone();
            if let Some(store) = store {
                spawn_local(async move {
                    match store.take_over(&id).await {
                        Ok(()) => match persistence::open(&store).await {
                            Ok(restored) => state.dispatch(Action::Restore(Box::new(restored))),
                            Err(e) => state.dispatch(Action::Notice(e)),
                        },
                        Err(e) => state.dispatch(Action::Notice(format!(
                            "Could not take over the session: {e}"
                        ))),
                    }
                });
            }
        })
    };
    let export = {
        let (state, store_slot) = (state.clone(), store_slot.clone());
        Callback::from(move |_| {
            let (state, store) = (state.clone(), store_slot.borrow().clone());
            let (Some(store), Persistence::Ready(session)) = (store, &state.persistence) else {
                return;
            };
            let id = session.id.clone();
            spawn_local(async move {
                let result = match store.export_session(&id).await {
                    Ok(text) => persistence::download(&format!("offset-express-{id}.json"), &text),
                    Err(e) => Err(e.to_string()),
                };
                if let Err(e) = result {
                    state.dispatch(Action::Notice(format!(
                        "The session could not be exported: {e}"
                    )));
                }
            });
        })
    };
    let import = {
        let (state, store_slot, writer_slot) =
            (state.clone(), store_slot.clone(), writer_slot.clone());
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
                return;
            };
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            input.set_value("");
            let (state, store, writer_slot) = (
                state.clone(),
                store_slot.borrow().clone(),
                writer_slot.clone(),
            );
            let Some(store) = store else {
                return;
            };
            spawn_local(async move {
                let text = match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                    Ok(value) => value.as_string().unwrap_or_default(),
                    Err(_) => {
                        state.dispatch(Action::Notice("The file could not be read.".into()));
                        return;
                    }
                };
                match store.import_sessions(&text).await {
                    Err(e) => state.dispatch(Action::Notice(format!("Nothing was imported: {e}"))),
                    Ok(report) => {
                        let count = report.sessions.len();
                        state.dispatch(Action::Notice(format!(
                            "Imported {count} session(s); your other sessions are untouched."
                        )));
                        let Some(first) = report.sessions.first() else {
                            return;
                        };
                        if let Persistence::Ready(open) = &state.persistence {
                            store.close_session(&open.id);
                        }
                        match persistence::open_by_id(&store, &first.id).await {
                            Ok(restored) => show_session(&state, &store, &writer_slot, restored),
                            Err(e) => state.dispatch(Action::Notice(format!(
                                "The imported session could not be opened: {e}"
                            ))),
                        }
                    }
                }
            });
        })
    };
    let dismiss = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::DismissNotices))
    };
    let (status, class) = match &state.persistence {
        Persistence::Opening => ("Opening your saved session…".to_string(), "session-opening"),
        Persistence::Ready(s) if s.writer => (
            match state.sandbox().timeline_len() {
                1 => "Saved in this browser · 1 step".to_string(),
                n => format!("Saved in this browser · {n} steps"),
            },
            "session-saved",
        ),
        Persistence::Ready(_) => (
            "Another tab is driving this session; this one follows it.".to_string(),
            "session-following",
        ),
        Persistence::Shared(_) => (
            "A shared session: not saved unless you make it yours".to_string(),
            "session-shared",
        ),
        Persistence::Tutorial(_) => (
            "Tutorial · your progress in each chapter is saved in this browser; your own session waits until you leave".to_string(),
            "session-saved",
        ),
    };
    let tutorial = matches!(state.persistence, Persistence::Tutorial(_));
    let slots = Slots {
        store: store_slot.clone(),
        writer: writer_slot.clone(),
    };
    let following = matches!(&state.persistence, Persistence::Ready(s) if !s.writer);
    html! {
        <section class="session-bar" aria-live="polite">
            <SharedBanner slots={slots.clone()} />
            <p class={classes!("session-status", class)} data-testid="session-status">
                { status }
                if following {
                    <button class="link-button" onclick={take_over}>{ "Take over here" }</button>
                }
                if !tutorial {
                    <button class="link-button" data-testid="export-session" onclick={export}
                            disabled={!matches!(state.persistence, Persistence::Ready(_))}>{ "Export" }</button>
                    <CodeExport />
                    <ShareButton />
                    <SessionList slots={slots} />
                    <label class="link-button">
                        { "Import…" }
                        <input type="file" class="visually-hidden" data-testid="import-session"
                               accept=".json,application/json" onchange={import} />
                    </label>
                }
            </p>
            if !state.notices.is_empty() {
                <ul class="notices" data-testid="notices">
                    { for state.notices.iter().map(|n| html! { <li role="status">{ n }</li> }) }
                    <li class="notices-dismiss">
                        <button class="link-button" data-testid="dismiss-notices" onclick={dismiss}>{ "Dismiss" }</button>
                    </li>
                </ul>
            }
        </section>
    }
}
