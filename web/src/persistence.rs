//! Keeping the learner's session across reloads: opening (or creating) the session in the
//! store, rebuilding the world from its snapshot and command log, and writing each new step.
//!
//! A session is a seed, a world config and its console lines, in order; the world is rebuilt
//! by running them on a fresh console. Each new line is appended as one step in its own short
//! transaction, in order, by a single writer queue.
//!
//! Every [`CHECKPOINT_EVERY`] lines the sandbox keeps its world as a checkpoint; the writer
//! stores the latest one (the world's snapshot bytes and the lines that built it) once the
//! lines up to it are stored, and the store keeps only that one. A reload reads that
//! snapshot and the lines after it, so reopening a long session replays at most
//! [`CHECKPOINT_EVERY`] lines. A snapshot that cannot be read (damaged, another format, a world
//! that breaks the model's invariants) is ignored: the page then reads and replays every line.

#[cfg(doc)]
use crate::session::CHECKPOINT_EVERY;
use crate::session::{Checkpoint, Rebuilt, Sandbox, NEW_SESSION_SEED, STARTER_LINES};
use crate::state::{Restored, SessionInfo};
use serde_json::{json, Value};
use sim::WorldConfig;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use store::{LoadedSession, LoadedTail, NewSession, Role, Store};
use wasm_bindgen::JsCast;

const SESSION_NAME: &str = "Sandbox";

/// The namespace of the database: the page's directory, so two sites on one origin (for
/// example two repositories under one `github.io` host) keep separate databases.
pub fn namespace() -> String {
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    let dir = path.rsplit_once('/').map(|(dir, _)| dir).unwrap_or("");
    format!("site{dir}/")
}

/// Rebuilds the sandbox of a stored session by running its lines on a fresh console. A line
/// that no longer runs ends the replay there: everything before it is kept, and the problem
/// is reported.
pub fn rebuild(loaded: &LoadedSession) -> Rebuilt {
    let (config, problem) = session_config(&loaded.meta.config);
    let mut rebuilt = Sandbox::rebuild(loaded.meta.seed, config, &loaded.steps);
    if rebuilt.problem.is_none() {
        rebuilt.problem = problem;
    }
    rebuilt
}

/// Sets a User Timing mark (`performance.mark(name)`), so the restore benchmark can say where
/// a reload spends its time. Does nothing where there is no `performance`.
pub fn mark(name: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(performance) = js_sys::Reflect::get(&window, &"performance".into()) else {
        return;
    };
    if let Ok(mark) = js_sys::Reflect::get(&performance, &"mark".into()) {
        if let Ok(mark) = mark.dyn_into::<js_sys::Function>() {
            let _ = mark.call1(&performance, &name.into());
        }
    }
}

/// The session named in the page's address (`#session=ID`), if any.
pub fn session_in_address() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let id = hash.strip_prefix("#session=")?;
    (!id.is_empty()).then(|| id.to_string())
}

/// Names the open session in the page's address, so a reload (or a bookmark) reopens it. An
/// address that names a tutorial chapter is left alone: the chapter is what the page shows.
pub fn show_session_in_address(id: &str) {
    if let Some(window) = web_sys::window() {
        let hash = window.location().hash().unwrap_or_default();
        if crate::tutorial::chapter_in_hash(&hash).is_some() {
            return;
        }
        let _ = window.location().set_hash(&format!("session={id}"));
    }
}

/// The format of the page's stored snapshots.
const SNAPSHOT_FORMAT: u64 = 1;

/// A checkpoint as a stored snapshot: the lines that built it and its world's bytes.
pub fn snapshot_state(lines: &[String], checkpoint: &Checkpoint) -> Value {
    json!({
        "format": SNAPSHOT_FORMAT,
        "lines": &lines[..checkpoint.lines.min(lines.len())],
        "world": script::base64url::encode(&checkpoint.world),
    })
}

/// The lines and world bytes of a stored snapshot written by [`snapshot_state`].
fn read_snapshot_state(state: &Value, step: u64) -> Option<(Vec<String>, Vec<u8>)> {
    if state.get("format")?.as_u64()? != SNAPSHOT_FORMAT {
        return None;
    }
    let lines: Vec<String> = state
        .get("lines")?
        .as_array()?
        .iter()
        .map(|l| l.as_str().map(str::to_string))
        .collect::<Option<_>>()?;
    if lines.len() as u64 != step {
        return None;
    }
    let world = script::base64url::decode(state.get("world")?.as_str()?).ok()?;
    Some((lines, world))
}

/// Rebuilds a session from its latest snapshot and the lines after it, if the snapshot is
/// one this page wrote and still reads.
fn resume(tail: &LoadedTail) -> Option<Rebuilt> {
    let snapshot = tail.snapshot.as_ref()?;
    let (before, world) = read_snapshot_state(&snapshot.state, snapshot.step)?;
    let (config, problem) = session_config(&tail.meta.config);
    let mut rebuilt = Sandbox::resume(tail.meta.seed, config, before, world, &tail.steps).ok()?;
    if rebuilt.problem.is_none() {
        rebuilt.problem = problem;
    }
    Some(rebuilt)
}

/// A stored session's world config, or the default with a note when it cannot be read.
fn session_config(config: &Value) -> (WorldConfig, Option<String>) {
    match serde_json::from_value(config.clone()) {
        Ok(c) => (c, None),
        Err(e) => (
            WorldConfig::default(),
            Some(format!(
                "the session's config could not be read ({e}); using the default"
            )),
        ),
    }
}

/// Opens a stored session by id, rebuilding its world: from its latest snapshot when it has
/// one this page can read, else from every line.
pub async fn open_by_id(store: &Store, id: &str) -> Result<Restored, String> {
    mark("oe:read-start");
    let (tail, role) = store
        .open_session_tail(id)
        .await
        .map_err(|e| e.to_string())?;
    let session = SessionInfo {
        id: tail.meta.id.clone(),
        writer: role == Role::Writer,
    };
    mark("oe:read-end");
    if let Some(rebuilt) = resume(&tail) {
        mark("oe:replay-end");
        return Ok(Restored {
            persisted_steps: rebuilt.sandbox.lines().len() as u64,
            rebuilt,
            session,
        });
    }
    let loaded = store.load_session(id).await.map_err(|e| e.to_string())?;
    let rebuilt = rebuild(&loaded);
    mark("oe:replay-end");
    Ok(Restored {
        rebuilt,
        session,
        persisted_steps: loaded.steps.len() as u64,
    })
}

/// Opens the session named in the address if it exists, else the most recent one (not a
/// tutorial chapter's world), else creates the first one with the demo topic.
pub async fn open(store: &Store) -> Result<Restored, String> {
    let sessions = store.list_sessions().await.map_err(|e| e.to_string())?;
    let wanted = session_in_address();
    let chosen = match wanted.and_then(|id| sessions.iter().find(|s| s.id == id)) {
        Some(meta) => Some(meta.clone()),
        None => sessions
            .into_iter()
            .filter(|s| !crate::tutorial::is_chapter_session(&s.name))
            .max_by_key(|s| s.updated_at_ms),
    };
    if let Some(meta) = chosen {
        return open_by_id(store, &meta.id).await;
    }
    let config = WorldConfig::default();
    let config_json = serde_json::to_value(&config).map_err(|e| e.to_string())?;
    let meta = store
        .create_session(NewSession {
            name: SESSION_NAME.into(),
            seed: NEW_SESSION_SEED,
            config: config_json,
        })
        .await
        .map_err(|e| e.to_string())?;
    let lines: Vec<String> = STARTER_LINES.iter().map(|l| l.to_string()).collect();
    Ok(Restored {
        rebuilt: Sandbox::rebuild(NEW_SESSION_SEED, config, &lines),
        session: SessionInfo {
            id: meta.id,
            writer: true,
        },
        persisted_steps: 0,
    })
}

/// Offers `text` as a file download named `name`.
pub fn download(name: &str, text: &str) -> Result<(), String> {
    download_as(name, text, "application/json")
}

/// Offers `text` as a file download named `name` of media type `mime`.
pub fn download_as(name: &str, text: &str, mime: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "could not build the file")?;
    let url =
        web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "could not offer the file")?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| "no link")?
        .dyn_into()
        .map_err(|_| "no link")?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// Appends steps in order, one short transaction each, never two at once.
pub struct Writer {
    store: Rc<Store>,
    session: String,
    queue: RefCell<VecDeque<(u64, String)>>,
    busy: Cell<bool>,
    /// How many steps are written or queued.
    queued: Cell<u64>,
    /// A snapshot to store once the steps up to it are stored: (step, state).
    snapshot: RefCell<Option<(u64, Value)>>,
    /// The step of the latest snapshot stored or waiting.
    snapshot_step: Cell<u64>,
    /// Set when the page stops writing this session (a new future started elsewhere).
    closed: Cell<bool>,
    on_error: Box<dyn Fn(String)>,
}

impl Writer {
    pub fn new(
        store: Rc<Store>,
        session: String,
        persisted: u64,
        on_error: impl Fn(String) + 'static,
    ) -> Rc<Self> {
        Rc::new(Self {
            store,
            session,
            queue: RefCell::new(VecDeque::new()),
            busy: Cell::new(false),
            queued: Cell::new(persisted),
            snapshot: RefCell::new(None),
            snapshot_step: Cell::new(0),
            closed: Cell::new(false),
            on_error: Box::new(on_error),
        })
    }

    /// Stores `checkpoint` as the session's snapshot after the steps up to it, unless a
    /// snapshot as recent is stored or waiting.
    pub fn offer_snapshot(self: &Rc<Self>, lines: &[String], checkpoint: &Checkpoint) {
        let step = checkpoint.lines as u64;
        if step <= self.snapshot_step.get() || checkpoint.lines > lines.len() || self.closed.get() {
            return;
        }
        self.snapshot_step.set(step);
        *self.snapshot.borrow_mut() = Some((step, snapshot_state(lines, checkpoint)));
        if !self.busy.get() {
            self.busy.set(true);
            let this = Rc::clone(self);
            wasm_bindgen_futures::spawn_local(async move { this.drain().await });
        }
    }

    pub fn session(&self) -> &str {
        &self.session
    }

    pub fn store(&self) -> &Rc<Store> {
        &self.store
    }

    /// Stops queueing: the page writes another session from now on.
    pub fn close(&self) {
        self.closed.set(true);
    }

    /// Queues every line of the session's first `len` not yet written; `line(i)` gives line `i`.
    pub fn sync<'a>(self: &Rc<Self>, len: usize, line: impl Fn(usize) -> Option<&'a String>) {
        let from = self.queued.get();
        let to = len as u64;
        if to <= from || self.closed.get() {
            return;
        }
        for index in from..to {
            let Some(line) = usize::try_from(index).ok().and_then(&line) else {
                break;
            };
            self.queue.borrow_mut().push_back((index, line.clone()));
        }
        self.queued.set(to);
        if !self.busy.get() {
            self.busy.set(true);
            let this = Rc::clone(self);
            wasm_bindgen_futures::spawn_local(async move { this.drain().await });
        }
    }

    async fn drain(self: Rc<Self>) {
        loop {
            let next = self.queue.borrow_mut().pop_front();
            let Some((index, step)) = next else {
                break;
            };
            if let Err(e) = self.store.append_step(&self.session, index, &step).await {
                (self.on_error)(format!("step {index} was not saved: {e}"));
                // Retry from the failed step at the next change.
                self.queue.borrow_mut().clear();
                self.queued.set(index);
                break;
            }
        }
        let due =
            self.snapshot.borrow().as_ref().is_some_and(|(step, _)| {
                *step <= self.queued.get() && self.queue.borrow().is_empty()
            });
        if due {
            let taken = self.snapshot.borrow_mut().take();
            if let Some((step, state)) = taken {
                // A snapshot only saves time on the next reload: failing to store it loses
                // nothing (the lines are stored), so it is not reported.
                let _ = self
                    .store
                    .put_latest_snapshot(&self.session, step, &state)
                    .await;
            }
        }
        self.busy.set(false);
    }
}

#[cfg(test)]
mod snapshot_tests {
    use super::*;

    #[test]
    fn a_long_session_resumes_from_its_stored_snapshot() {
        let mut lines = vec!["kafka-topics --create --topic orders --partitions 3".to_string()];
        for i in 1..10_000 {
            lines.push(format!(
                "kafka-console-producer --topic orders --key customer-{} --value \"order {i}\"",
                i % 97
            ));
        }
        let rebuilt = Sandbox::rebuild(NEW_SESSION_SEED, WorldConfig::default(), &lines);
        assert!(rebuilt.problem.is_none());
        let sandbox = rebuilt.sandbox;
        let checkpoint = sandbox.latest_checkpoint().unwrap().clone();
        assert_eq!(checkpoint.lines, 10_000);
        let state = snapshot_state(sandbox.lines(), &checkpoint);
        // As stored and read back: JSON text.
        let state: Value = serde_json::from_str(&state.to_string()).unwrap();
        let (before, world) = read_snapshot_state(&state, 10_000).expect("readable");
        let resumed = Sandbox::resume(NEW_SESSION_SEED, WorldConfig::default(), before, world, &[]);
        let resumed = resumed.expect("resumes").sandbox;
        assert_eq!(resumed.state_hash(), sandbox.state_hash());
    }
}
