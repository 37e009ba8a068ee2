//! Keeping the learner's session across reloads: opening (or creating) the session in the
//! store, rebuilding the world from its snapshot and command log, and writing each new step.
//!
//! A session is a seed, a world config and the commands applied, in order; the world is
//! rebuilt by replaying them. Each new command is appended as one step in its own short
//! transaction, in order, by a single writer queue.
//!
//! The page replays the whole log rather than restoring a stored snapshot: replaying is fast
//! (see the README's figures) and leaving the snapshot decoder out of the page keeps the site
//! inside its download budget. The store still keeps snapshot records for tools that want them.

use crate::state::{demo_setup, Restored, SessionInfo};
use serde_json::Value;
use sim::{Command, World, WorldConfig};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use store::{LoadedSession, NewSession, Role, Store};

/// The seed of a new session: the first page always starts from the same world.
pub const NEW_SESSION_SEED: u64 = 42;
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

/// Rebuilds the world of a stored session. A step that cannot be decoded or applied ends the
/// replay there: everything before it is kept, and the problem is reported.
pub fn rebuild(loaded: &LoadedSession) -> (World, Vec<Command>, Option<String>) {
    let mut problem = None;
    let config: WorldConfig = match serde_json::from_value(loaded.meta.config.clone()) {
        Ok(c) => c,
        Err(e) => {
            problem = Some(format!(
                "the session's config could not be read ({e}); using the default"
            ));
            WorldConfig::default()
        }
    };
    let mut commands = Vec::new();
    let mut world = World::new(loaded.meta.seed, config);
    for (index, step) in loaded.steps.iter().enumerate() {
        let command: Command = match serde_json::from_value(step.clone()) {
            Ok(c) => c,
            Err(e) => {
                problem = Some(format!(
                    "step {index} could not be read ({e}); the session stops before it"
                ));
                break;
            }
        };
        if let Err(e) = world.apply(command.clone()) {
            problem = Some(format!(
                "step {index} no longer applies ({e}); the session stops before it"
            ));
            break;
        }
        commands.push(command);
    }
    (world, commands, problem)
}

/// Opens the most recent session, or creates the first one with the demo topic.
pub async fn open(store: &Store) -> Result<Restored, String> {
    let sessions = store.list_sessions().await.map_err(|e| e.to_string())?;
    let latest = sessions.into_iter().max_by_key(|s| s.updated_at_ms);
    if let Some(meta) = latest {
        let (loaded, role) = store
            .open_session(&meta.id)
            .await
            .map_err(|e| e.to_string())?;
        let (world, log, problem) = rebuild(&loaded);
        return Ok(Restored {
            world,
            log,
            session: SessionInfo {
                id: loaded.meta.id.clone(),
                writer: role == Role::Writer,
            },
            problem,
            persisted_steps: loaded.steps.len() as u64,
        });
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
    let mut world = World::new(NEW_SESSION_SEED, config);
    let log = demo_setup(&mut world);
    Ok(Restored {
        world,
        log,
        session: SessionInfo {
            id: meta.id,
            writer: true,
        },
        problem: None,
        persisted_steps: 0,
    })
}

/// Appends steps in order, one short transaction each, never two at once.
pub struct Writer {
    store: Rc<Store>,
    session: String,
    queue: RefCell<VecDeque<(u64, Value)>>,
    busy: Cell<bool>,
    /// How many steps are written or queued.
    queued: Cell<u64>,
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
            on_error: Box::new(on_error),
        })
    }

    pub fn session(&self) -> &str {
        &self.session
    }

    /// Queues every command of `log` not yet written.
    pub fn sync(self: &Rc<Self>, log: &[Command]) {
        let from = self.queued.get();
        let to = log.len() as u64;
        if to <= from {
            return;
        }
        for index in from..to {
            let Some(command) = usize::try_from(index).ok().and_then(|i| log.get(i)) else {
                break;
            };
            let Ok(json) = serde_json::to_value(command) else {
                (self.on_error)(format!("step {index} could not be encoded"));
                return;
            };
            self.queue.borrow_mut().push_back((index, json));
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
        self.busy.set(false);
    }
}
