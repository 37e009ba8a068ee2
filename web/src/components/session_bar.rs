//! The session keeper: opens the saved session when the page loads, writes every new step,
//! follows another tab's changes, and shows the learner what it could not do (in memory only,
//! read-only, damaged data …) with a way out where there is one.

use crate::components::sharing::{self, CodeExport, SessionList, ShareButton, SharedBanner, Slots};
use crate::persistence::{self, Writer};
use crate::session::Sandbox;
use crate::state::{Action, AppContext, Calm, FreeRide, Persistence, Restored, SessionInfo};
use crate::tutorial as tut;
use crate::vocab::Vocabulary;
use std::cell::RefCell;
use std::rc::Rc;
use store::{NewSession, Preferences, Store, Subscription};
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

/// Replaces the page address's hash without a new history entry (Back skips the free ride's
/// address, which would fork again).
fn replace_hash(hash: &str) {
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(history) = js_sys::Reflect::get(&window, &"history".into()) else {
        return;
    };
    if let Some(replace) = js_sys::Reflect::get(&history, &"replaceState".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    {
        let _ = replace.call3(
            &history,
            &wasm_bindgen::JsValue::NULL,
            &"".into(),
            &format!("#{hash}").into(),
        );
    }
}

/// The free ride (see [`tut::FREE_RIDE`]): the world of the chapter open (else the last
/// chapter's stored world, else that chapter solved) stored as a new session of the learner's
/// and shown in place of the tutorial, its address naming it. An earlier free ride that
/// starts with the same lines is continued instead of forked again.
async fn start_free_ride(
    state: AppContext,
    store: Rc<Store>,
    writer_slot: Rc<RefCell<Option<Rc<Writer>>>>,
) {
    let open = state.chapter_run().map(|r| r.index);
    let Some(chapter) = tut::free_ride_chapter(open) else {
        return;
    };
    let sessions = store.list_sessions().await.unwrap_or_default();
    let (lines, built) = if open.is_some() {
        let sandbox = state.sandbox();
        (sandbox.lines()[..sandbox.settled_lines()].to_vec(), true)
    } else {
        let stored = match sessions
            .iter()
            .find(|m| m.name == tut::session_name(chapter))
        {
            Some(meta) => store.load_session(&meta.id).await.ok().map(|l| l.steps),
            None => None,
        };
        tut::free_ride_lines(chapter, stored.as_deref())
    };
    let name = tut::free_ride_name(chapter);
    let mut earlier: Vec<_> = sessions.iter().filter(|m| m.name == name).collect();
    earlier.sort_by_key(|m| std::cmp::Reverse(m.updated_at_ms));
    let mut continued = None;
    for meta in earlier {
        if let Ok(loaded) = store.load_session(&meta.id).await {
            if loaded.steps.len() >= lines.len() && loaded.steps[..lines.len()] == lines[..] {
                continued = Some(meta.id.clone());
                break;
            }
        }
    }
    if let Some(writer) = writer_slot.borrow().as_ref() {
        writer.close();
        store.close_session(writer.session());
    }
    let restored = match &continued {
        Some(id) => persistence::open_by_id(&store, id).await,
        None => {
            let config = sim::WorldConfig::default();
            let new = NewSession {
                name: name.clone(),
                seed: tutorial::SEED,
                config: serde_json::to_value(&config).unwrap_or_default(),
            };
            store
                .create_session_with_steps(new, &lines)
                .await
                .map(|meta| Restored {
                    rebuilt: Sandbox::rebuild(tutorial::SEED, config, &lines),
                    session: SessionInfo {
                        id: meta.id,
                        writer: true,
                    },
                    persisted_steps: lines.len() as u64,
                })
                .map_err(|e| e.to_string())
        }
    };
    let restored = match restored {
        Ok(restored) => restored,
        Err(e) => {
            state.dispatch(Action::Notice(format!(
                "The free ride could not be saved: {e}"
            )));
            return;
        }
    };
    let id = restored.session.id.clone();
    sharing::write_to(&state, &writer_slot, &store, &id, restored.persisted_steps);
    replace_hash(&format!("session={id}"));
    let ride = FreeRide {
        session: id,
        name,
        chapter: format!("{}, “{}”", chapter.number, chapter.title),
        built,
        continued: continued.is_some(),
    };
    state.dispatch(Action::FreeRide(Box::new(restored), ride));
    if let Some(window) = web_sys::window() {
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// The announcement above a free ride's world.
#[component]
fn FreeRideBanner() -> Html {
    let Some(state) = use_context::<Calm>().map(|s| s.0) else {
        return html! {};
    };
    let Some(ride) = state.free_ride_shown() else {
        return html! {};
    };
    let dismiss = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::DismissFreeRide))
    };
    let how = if ride.continued {
        format!(
            "Your free ride goes on where you left it, in “{}”.",
            ride.name
        )
    } else if ride.built {
        format!(
            "This is the world you built in chapter {}, now a sandbox session of your own, saved as “{}”.",
            ride.chapter, ride.name
        )
    } else {
        format!(
            "You have not taken chapter {} yet, so this is its world as its solution leaves it, now a sandbox session of your own, saved as “{}”.",
            ride.chapter, ride.name
        )
    };
    html! {
        <div class="free-ride-banner" data-testid="free-ride" role="status">
            <p class="free-ride-title">{ "Free ride" }</p>
            <p>
                { how }
                { " Play the clock, add checkers, crash a depot, rewind: nothing is checked any more. The chapter itself is unchanged, and your earlier sandbox is under Sessions." }
            </p>
            <button class="tool" data-testid="free-ride-dismiss" onclick={dismiss}>{ "Got it" }</button>
        </div>
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
    let state = use_context::<Calm>().map(|s| s.0);
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

    // The free ride, each time the learner asks for it, once their own session is open.
    {
        let handled = use_mut_ref(|| 0u64);
        let key = state.as_ref().map(|s| (s.free_ride_asked, s.home_ready()));
        let (state, writer_slot) = (state.clone(), writer_slot.clone());
        use_effect_with(key, move |key| {
            let (Some(state), Some((asked, true))) = (state, *key) else {
                return;
            };
            if asked <= *handled.borrow() {
                return;
            }
            *handled.borrow_mut() = asked;
            if let Some(store) = state.store.clone() {
                spawn_local(start_free_ride(state, store, writer_slot));
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
            <FreeRideBanner />
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
