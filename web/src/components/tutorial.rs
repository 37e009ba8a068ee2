//! The tutorial panel: the open chapter's story, its goals with their live status, hints,
//! "show me", "reset chapter", the way to the next chapter, and the list of chapters.
//!
//! The page's address names the chapter (`#chapter=ID`): opening that address opens the
//! chapter, and every way to another chapter (the list, next and previous, the `n` and `p`
//! keys, the header's Tutorial button) goes through the address, so the browser's Back button
//! and a teacher's link work alike.
//!
//! After the last chapter comes the free ride (`#chapter=free-ride`, see
//! [`tut::FREE_RIDE`]): the page asks the session keeper to fork the chapter's world into a
//! session of the learner's own and show it as the sandbox.
//!
//! Storing: each chapter's world is a store session named after the chapter (its setup
//! lines, then the learner's, written step by step as the sandbox's are); a `ChapterProgress`
//! record per chapter says how many goals were reached and whether it is done. A reload
//! mid-chapter rebuilds the world from the stored lines.

use crate::persistence::Writer;
use crate::state::{Action, AppContext, Persistence, Slow};
use crate::tutorial::{self as tut, chapters, ChapterRun, ShowMe};
use crate::vocab::Vocabulary;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;
use store::{ChapterProgress, NewSession, Role, Store};
use yew::platform::spawn_local;
use yew::prelude::*;

/// The pause between two lines of "show me".
const SHOW_ME_PAUSE: Duration = Duration::from_millis(1200);

/// Opens chapter `index` through the page's address.
pub fn go_to_chapter(index: usize) {
    let Some(chapter) = chapters().get(index) else {
        return;
    };
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_hash(&tut::chapter_hash(chapter));
    }
}

/// Takes the free ride through the page's address.
pub fn go_to_free_ride() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_hash(&tut::free_ride_hash());
    }
}

/// Whether the open chapter is the last one (its "next" is the free ride).
pub fn on_last_chapter(state: &AppContext) -> bool {
    state
        .chapter_run()
        .is_some_and(|r| r.index + 1 == chapters().len())
}

/// The chapter after (or before) the open one, if there is one.
pub fn neighbour(state: &AppContext, forward: bool) -> Option<usize> {
    let index = state.chapter_run()?.index;
    if forward {
        (index + 1 < chapters().len()).then_some(index + 1)
    } else {
        index.checked_sub(1)
    }
}

/// Opens the tutorial at the chapter the learner is on.
pub fn open_tutorial(state: &AppContext) {
    go_to_chapter(tut::chapter_to_open(
        state.current_chapter.as_deref(),
        &state.chapters_done,
    ));
}

/// Closes the tutorial; the learner's own session comes back, and the address names it.
pub fn leave_tutorial(state: &AppContext) {
    let home = state
        .tutorial
        .as_ref()
        .and_then(|t| match t.home_persistence() {
            Persistence::Ready(s) => Some(s.id.clone()),
            _ => None,
        });
    state.dispatch(Action::LeaveTutorial);
    if let Some(window) = web_sys::window() {
        let _ = window
            .location()
            .set_hash(&home.map(|id| format!("session={id}")).unwrap_or_default());
    }
}

/// Writes the open chapter's lines to its stored session.
struct ChapterWriter {
    index: usize,
    attempt: u32,
    session: String,
    setup_len: usize,
    writer: Rc<Writer>,
}

type WriterSlot = Rc<RefCell<Option<ChapterWriter>>>;

/// Reads the stored progress: chapters done, and the current one (started, not done, most
/// recently changed).
async fn load_progress(state: &AppContext, store: &Store) {
    let Ok(mut all) = store.all_progress().await else {
        return;
    };
    all.sort_by_key(|p| std::cmp::Reverse(p.updated_at_ms));
    let done = all
        .iter()
        .filter(|p| p.completed)
        .map(|p| p.chapter.clone())
        .collect();
    let current = all.iter().find(|p| !p.completed).map(|p| p.chapter.clone());
    state.dispatch(Action::TutorialProgress { done, current });
}

/// Opens chapter `index`: its stored lines (if they still start with its setup) replayed on
/// its starting world, a writer for its session, its progress record.
async fn open_chapter(
    state: AppContext,
    store: Rc<Store>,
    index: usize,
    slot: WriterSlot,
    ticket: Rc<Cell<u64>>,
    mine: u64,
) {
    let Some(chapter) = chapters().get(index) else {
        return;
    };
    let name = tut::session_name(chapter);
    let sessions = store.list_sessions().await.unwrap_or_default();
    let mut learner: Vec<String> = Vec::new();
    let mut stored: Option<(String, usize)> = None;
    if let Some(meta) = sessions.iter().find(|m| m.name == name) {
        if let Ok((loaded, role)) = store.open_session(&meta.id).await {
            if role == Role::Follower {
                // The chapter was open in another tab: this one carries on with it.
                let _ = store.take_over(&meta.id).await;
            }
            if let Some(lines) = tut::learner_lines(chapter, &loaded.steps) {
                learner = lines.to_vec();
                stored = Some((meta.id.clone(), loaded.steps.len()));
            }
        }
    }
    let Some(opened) = ChapterRun::open(index, &learner) else {
        return;
    };
    if ticket.get() != mine {
        // Another chapter was asked for meanwhile.
        return;
    }
    let lines = opened.sandbox.lines().to_vec();
    let setup_len = opened.run.setup_len;
    let persisted = if stored.is_some() {
        lines.len()
    } else {
        setup_len
    };
    let session = match stored {
        Some((id, len)) => {
            if len > lines.len() {
                // A stored line no longer runs: the session stops before it.
                let _ = store.truncate_session(&id, lines.len() as u64).await;
            }
            Some(id)
        }
        None => {
            let new = NewSession {
                name,
                seed: tutorial::SEED,
                config: serde_json::to_value(sim::WorldConfig::default()).unwrap_or_default(),
            };
            store
                .create_session_with_steps(new, &lines[..setup_len])
                .await
                .ok()
                .map(|meta| meta.id)
        }
    };
    if ticket.get() != mine {
        return;
    }
    let reached = opened.run.progress.reached.iter().filter(|r| **r).count();
    let done = state.chapters_done.contains(&chapter.id) || opened.run.is_complete();
    *slot.borrow_mut() = session.map(|session| {
        let notify = state.clone();
        ChapterWriter {
            index,
            attempt: 0,
            setup_len,
            writer: Writer::new(
                Rc::clone(&store),
                session.clone(),
                persisted as u64,
                move |e| notify.dispatch(Action::Notice(e)),
            ),
            session,
        }
    });
    state.dispatch(Action::OpenChapter(Box::new(opened)));
    let record = ChapterProgress::new(chapter.id.clone(), reached as u32, done);
    let _ = store.put_progress(&record).await;
}

/// Starts the chapter's stored lines over (after "reset chapter" or "show me").
async fn restart_stored(
    state: AppContext,
    store: Rc<Store>,
    slot: WriterSlot,
    session: String,
    setup_len: usize,
) {
    let _ = store.truncate_session(&session, setup_len as u64).await;
    let notify = state.clone();
    let writer = Writer::new(store, session.clone(), setup_len as u64, move |e| {
        notify.dispatch(Action::Notice(e))
    });
    match slot.borrow_mut().as_mut() {
        Some(w) if w.session == session => w.writer = Rc::clone(&writer),
        // Another chapter opened meanwhile.
        _ => return,
    }
    let sandbox = state.sandbox_cell();
    let sandbox = sandbox.borrow();
    writer.sync(sandbox.settled_lines(), |i| sandbox.lines().get(i));
}

/// Moves the focus to an element by id (making it focusable first).
fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    else {
        return;
    };
    if element.get_attribute("tabindex").is_none() {
        let _ = element.set_attribute("tabindex", "-1");
    }
    element.scroll_into_view();
    if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
        let _ = element.focus();
    }
}

/// Focuses the chapter's title and shows the page from the top (the chapter first).
fn focus_chapter_title() {
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(document) = window.document() else {
        return;
    };
    if let Some(title) = document
        .get_element_by_id("chapter-title")
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = title.focus();
    }
    if let Ok(Some(side)) = document.query_selector(".stage-side") {
        side.set_scroll_top(0);
    }
    window.scroll_to_with_x_and_y(0.0, 0.0);
}

/// Calls `on_hash` with the page's hash now and after every change of it.
#[cfg(target_arch = "wasm32")]
fn listen_to_hash(on_hash: impl Fn(String) + 'static) -> impl FnOnce() {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    let hash = || {
        web_sys::window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default()
    };
    on_hash(hash());
    let callback = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| on_hash(hash()));
    let window = web_sys::window();
    if let Some(w) = &window {
        let _ = w.add_event_listener_with_callback("hashchange", callback.as_ref().unchecked_ref());
    }
    move || {
        if let Some(w) = &window {
            let _ = w.remove_event_listener_with_callback(
                "hashchange",
                callback.as_ref().unchecked_ref(),
            );
        }
        drop(callback);
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn listen_to_hash(_on_hash: impl Fn(String) + 'static) -> impl FnOnce() {
    || {}
}

/// Text with `code` between backticks.
fn rich(text: &str) -> Html {
    html! {
        { for tut::story_parts(text).into_iter().map(|(code, part)| if code {
            html! { <code>{ part }</code> }
        } else {
            html! { { part } }
        }) }
    }
}

#[component]
pub fn TutorialPanel() -> Html {
    let state = use_context::<Slow>().map(|s| s.0);
    let latest = use_mut_ref(|| state.clone());
    *latest.borrow_mut() = state.clone();
    let wanted = use_state(|| None::<usize>);
    let slot: WriterSlot = use_mut_ref(|| None);
    let ticket = use_mut_ref(|| Rc::new(Cell::new(0u64)));
    let ticket = ticket.borrow().clone();

    // Follow the address: a chapter in it opens; leaving it (Back) closes the tutorial.
    {
        let (latest, wanted) = (latest.clone(), wanted.clone());
        use_effect_with((), move |_| {
            let stop = listen_to_hash(move |hash| {
                let Some(state) = latest.borrow().clone() else {
                    return;
                };
                match tut::chapter_in_hash(&hash) {
                    Some(tut::FREE_RIDE) => state.dispatch(Action::AskFreeRide),
                    Some(id) => match tut::chapter_index(id) {
                        Some(index) if state.chapter_run().map(|r| r.index) != Some(index) => {
                            wanted.set(Some(index))
                        }
                        Some(_) => {}
                        None => state.dispatch(Action::Notice(format!(
                            "There is no chapter “{id}” in this tutorial."
                        ))),
                    },
                    None if state.tutorial.is_some() => state.dispatch(Action::LeaveTutorial),
                    None => {}
                }
            });
            move || stop()
        });
    }

    // Read the stored progress once the store is open.
    {
        let store = state.as_ref().and_then(|s| s.store.clone());
        let state = state.clone();
        use_effect_with(store.is_some(), move |_| {
            if let (Some(state), Some(store)) = (state, store) {
                spawn_local(async move { load_progress(&state, &store).await });
            }
        });
    }

    // Open the chapter asked for, once the store is open.
    {
        let store = state.as_ref().and_then(|s| s.store.clone());
        let (state, slot, wanted_now) = (state.clone(), slot.clone(), *wanted);
        let ticket = Rc::clone(&ticket);
        let wanted = wanted.clone();
        use_effect_with((wanted_now, store.is_some()), move |_| {
            if let (Some(state), Some(store), Some(index)) = (state, store, wanted_now) {
                wanted.set(None);
                let mine = ticket.get() + 1;
                ticket.set(mine);
                spawn_local(open_chapter(state, store, index, slot, ticket, mine));
            }
        });
    }

    // Write each new line of the chapter's world to its stored session.
    {
        let key = state.as_ref().map(|s| s.revision());
        let (state, slot) = (state.clone(), slot.clone());
        use_effect_with(key, move |_| {
            let Some(state) = state else {
                return;
            };
            let Some(run) = state.chapter_run() else {
                return;
            };
            let mut guard = slot.borrow_mut();
            let Some(w) = guard.as_mut().filter(|w| w.index == run.index) else {
                return;
            };
            if w.attempt != run.attempt {
                w.attempt = run.attempt;
                w.writer.close();
                let (session, setup_len) = (w.session.clone(), w.setup_len);
                drop(guard);
                if let Some(store) = state.store.clone() {
                    spawn_local(restart_stored(
                        state.clone(),
                        store,
                        slot.clone(),
                        session,
                        setup_len,
                    ));
                }
                return;
            }
            let sandbox = state.sandbox();
            w.writer
                .sync(sandbox.settled_lines(), |i| sandbox.lines().get(i));
        });
    }

    // A chapter done is stored as done.
    {
        let key = state
            .as_ref()
            .and_then(|s| s.chapter_run())
            .map(|r| (r.index, r.is_complete()));
        let state = state.clone();
        use_effect_with(key, move |key| {
            if let (Some(state), Some((index, true))) = (state, *key) {
                if let (Some(store), Some(chapter)) = (state.store.clone(), chapters().get(index)) {
                    let goals = chapter.goals.len() as u32;
                    let record = ChapterProgress::new(chapter.id.clone(), goals, true);
                    spawn_local(async move {
                        let _ = store.put_progress(&record).await;
                    });
                }
            }
        });
    }

    // "Show me": the next solution line after a pause (the reducer ignores a stale one).
    {
        let key = state
            .as_ref()
            .and_then(|s| s.chapter_run())
            .map(|r| (r.index, r.attempt, r.show_me));
        let state = state.clone();
        use_effect_with(key, move |key| {
            if let (Some(state), Some((_, _, Some(ShowMe { next })))) = (state, *key) {
                let pause = if next == 0 {
                    SHOW_ME_PAUSE / 2
                } else {
                    SHOW_ME_PAUSE
                };
                spawn_local(async move {
                    yew::platform::time::sleep(pause).await;
                    state.dispatch(Action::ShowMeStep(next));
                });
            }
        });
    }

    // A chapter opened: the focus goes to its title (a screen reader reads it) and the page
    // shows the chapter from its top.
    {
        let key = state
            .as_ref()
            .and_then(|s| s.chapter_run())
            .map(|r| r.index);
        use_effect_with(key, move |key| {
            if key.is_some() {
                focus_chapter_title();
            }
        });
    }

    let Some(state) = state else {
        return html! {};
    };
    let Some(run) = state.chapter_run() else {
        return html! {};
    };
    let Some(chapter) = run.chapter() else {
        return html! {};
    };
    let vocabulary = state.vocabulary;
    let total = chapters().len();
    let steps = run.steps(state.sandbox().console());
    let complete = run.is_complete();
    let showing = run.show_me.is_some();

    let go = |index: Option<usize>| {
        Callback::from(move |_: MouseEvent| {
            if let Some(i) = index {
                go_to_chapter(i)
            }
        })
    };
    let previous = run.index.checked_sub(1);
    let next = (run.index + 1 < total).then_some(run.index + 1);
    let dispatch = |action: fn() -> Action| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(action()))
    };
    let leave = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| leave_tutorial(&state))
    };
    let glossary = Callback::from(|_: MouseEvent| focus("legend-title"));
    let free_ride = Callback::from(|_: MouseEvent| go_to_free_ride());

    let goals = chapter.goals.iter().enumerate().map(|(i, goal)| {
        let reached = run.progress.reached.get(i).copied().unwrap_or(false);
        let status = run.evaluation.goals.get(i);
        let label = if reached { "Goal reached" } else { "Not yet" };
        html! {
            <li class={classes!("chapter-goal", reached.then_some("reached"))} data-testid="chapter-goal"
                data-reached={reached.to_string()}>
                <span class="goal-mark" aria-hidden="true">{ if reached { "✓" } else { "" } }</span>
                <div class="goal-body">
                    <p class="goal-text">{ rich(&goal.text) }</p>
                    <p class="goal-state">
                        <strong>{ label }</strong>
                        if !reached {
                            { for status.into_iter().flat_map(|s| s.checks.iter()).filter(|c| !c.met).take(1).map(|c| html! {
                                <span class="goal-why">{ format!(" · {}", tut::explanation(&c.explanation, vocabulary)) }</span>
                            }) }
                        }
                    </p>
                </div>
            </li>
        }
    });

    let hints_total = chapter.hints.len();
    let list = chapters().iter().enumerate().map(|(i, c)| {
        let done = state.chapters_done.contains(&c.id);
        let here = i == run.index;
        let mark = if done { "✓" } else if here { "●" } else { "" };
        let state_label = match (done, here) {
            (true, true) => " (done, open now)",
            (true, false) => " (done)",
            (false, true) => " (open now)",
            (false, false) => "",
        };
        html! {
            <li>
                <button class={classes!("chapter-link", done.then_some("done"), here.then_some("here"))}
                        aria-current={here.then_some("page")} onclick={go(Some(i))}
                        data-testid="chapter-link" data-chapter={c.id.clone()}>
                    <span class="chapter-link-mark" aria-hidden="true">{ mark }</span>
                    <span class="chapter-link-number">{ c.number }</span>
                    <span class="chapter-link-titles">
                        <span class="chapter-link-title">{ &c.title }</span>
                        <span class="chapter-link-kafka">{ &c.kafka_title }</span>
                    </span>
                    <span class="visually-hidden">{ state_label }</span>
                </button>
            </li>
        }
    });
    let done_count = chapters()
        .iter()
        .filter(|c| state.chapters_done.contains(&c.id))
        .count();
    let (first_title, second_title) = match vocabulary {
        Vocabulary::Train => (&chapter.title, &chapter.kafka_title),
        Vocabulary::Kafka => (&chapter.kafka_title, &chapter.title),
    };

    html! {
        <section class="panel tutorial-panel" aria-labelledby="chapter-title" data-testid="tutorial"
                 data-chapter={chapter.id.clone()}>
            <nav class="tutorial-nav" aria-label="Chapters">
                <button class="tutorial-step-button" onclick={go(previous)} disabled={previous.is_none()}
                        aria-keyshortcuts="p" data-testid="chapter-previous">
                    <span aria-hidden="true">{ "‹ " }</span>{ "Previous" }
                </button>
                <span class="tutorial-count">{ format!("Chapter {} of {total}", chapter.number) }</span>
                if next.is_some() {
                    <button class="tutorial-step-button" onclick={go(next)}
                            aria-keyshortcuts="n" data-testid="chapter-next-nav">
                        { "Next" }<span aria-hidden="true">{ " ›" }</span>
                    </button>
                } else {
                    <button class="tutorial-step-button" onclick={free_ride.clone()}
                            aria-keyshortcuts="n" data-testid="chapter-next-nav"
                            title="The sandbox with this chapter's world">
                        { "Free ride" }<span aria-hidden="true">{ " ›" }</span>
                    </button>
                }
            </nav>
            <header class="chapter-head" aria-live="polite">
                <h2 id="chapter-title" tabindex="-1" data-testid="chapter-title">{ first_title }</h2>
                <p class="chapter-kafka-title">
                    <span class="chapter-title-tag">{ if vocabulary == Vocabulary::Train { "In Kafka words" } else { "In train words" } }</span>
                    { " · " }{ second_title }
                </p>
            </header>
            <div class="chapter-story" aria-live="polite" data-testid="chapter-story">
                { for chapter.story.iter().map(|p| html! { <p>{ rich(p) }</p> }) }
            </div>
            <div class="chapter-goals" aria-live="polite" data-testid="chapter-goals">
                <h3>{ if chapter.goals.len() == 1 { "Your goal" } else { "Your goals" } }</h3>
                <ol>{ for goals }</ol>
                if complete {
                    <div class="goal-reached" role="status" data-testid="goal-reached">
                        <p class="goal-reached-title">{ "Goal reached!" }</p>
                        <p data-testid="par-verdict">{ tut::par_verdict(run.finished_in.unwrap_or(steps), chapter.par, run.shown) }</p>
                        if let Some(n) = next {
                            <button class="primary" onclick={go(Some(n))} data-testid="chapter-next">
                                { format!("Next chapter: {}", chapters()[n].title) }
                            </button>
                        } else {
                            <p>{ "That was the last chapter: the whole ride, from a seat number to exactly once. Now the free ride: this world becomes a sandbox session of your own, to play on with nothing to check." }</p>
                            <div class="goal-reached-actions">
                                <button class="primary" onclick={free_ride.clone()} data-testid="free-ride-start">{ "Free ride: play on in this world" }</button>
                                <button onclick={leave.clone()} data-testid="tutorial-finish">{ "Back to my sandbox" }</button>
                            </div>
                        }
                    </div>
                } else {
                    <p class="chapter-steps" data-testid="chapter-steps">
                        { match steps { 1 => "1 step so far".to_string(), n => format!("{n} steps so far") } }
                        { format!(" · par {}", chapter.par) }
                    </p>
                }
            </div>
            <div class="chapter-help">
                if run.hints_shown > 0 {
                    <ol class="chapter-hints" aria-live="polite" data-testid="chapter-hints">
                        { for chapter.hints.iter().take(run.hints_shown).map(|h| html! { <li>{ rich(h) }</li> }) }
                    </ol>
                }
                <div class="chapter-actions">
                    <button onclick={dispatch(|| Action::RevealHint)} disabled={run.hints_shown >= hints_total}
                            data-testid="chapter-hint">
                        { if run.hints_shown >= hints_total { "No more hints".to_string() } else { format!("Hint {} of {hints_total}", run.hints_shown + 1) } }
                    </button>
                    if showing {
                        <button onclick={dispatch(|| Action::StopShowMe)} data-testid="chapter-stop">{ "Stop" }</button>
                    } else {
                        <button onclick={dispatch(|| Action::ShowMe)} data-testid="chapter-show-me"
                                title="Start the chapter over and play a solution, a line at a time">{ "Show me" }</button>
                    }
                    <button onclick={dispatch(|| Action::ResetChapter)} data-testid="chapter-reset">{ "Reset chapter" }</button>
                </div>
                if let Some(ShowMe { next: line }) = run.show_me {
                    <p class="chapter-showing" role="status" data-testid="chapter-showing">
                        { format!("Showing line {} of {}: ", line + 1, chapter.solution.len()) }
                        <code>{ chapter.solution.get(line).cloned().unwrap_or_default() }</code>
                    </p>
                }
            </div>
            <details class="chapter-list" data-testid="chapter-list">
                <summary>{ format!("All chapters · {done_count} of {total} done") }</summary>
                <ol>
                    { for list }
                    <li>
                        <button class="chapter-link free-ride-link" onclick={free_ride.clone()} data-testid="free-ride-link">
                            <span class="chapter-link-mark" aria-hidden="true"></span>
                            <span class="chapter-link-number" aria-hidden="true">{ "★" }</span>
                            <span class="chapter-link-titles">
                                <span class="chapter-link-title">{ "Free ride" }</span>
                                <span class="chapter-link-kafka">{ "The sandbox with the world you built" }</span>
                            </span>
                        </button>
                    </li>
                </ol>
            </details>
            <p class="tutorial-footer">
                <button class="link-button" onclick={glossary} data-testid="glossary-link">{ "Glossary: train words, Kafka words" }</button>
                <button class="link-button" onclick={leave} data-testid="tutorial-leave">{ "Leave the tutorial" }</button>
            </p>
        </section>
    }
}
