//! The application state: one [`Reducible`] around the page's [`Sandbox`] (a
//! `script::Console` and its lines), shared through a context.
//!
//! Every change to the world is a console line: components dispatch [`Action::Run`] with the
//! canonical line a button stands for, the console box dispatches what the learner typed,
//! `window.offsetExpress.run` runs its line on the same sandbox. The sandbox sits behind an
//! `Rc<RefCell<…>>` so an action never copies the world; a revision number tells Yew that
//! something changed.

use crate::session::{Rebuilt, Sandbox};
use crate::vocab::Vocabulary;
use std::cell::{Ref, RefCell};
use std::rc::Rc;
use yew::prelude::*;

/// The saved session this page shows.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionInfo {
    pub id: String,
    /// False when another tab writes this session: this one only follows it.
    pub writer: bool,
}

/// A session opened from a share link: shown read-only until the learner makes it theirs.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedInfo {
    pub name: String,
}

/// Whether the page has its saved session yet.
#[derive(Clone, Debug, PartialEq)]
pub enum Persistence {
    /// The store is opening; the world shown is the starting one.
    Opening,
    Ready(SessionInfo),
    /// A shared session, read-only; nothing of it is stored yet.
    Shared(SharedInfo),
}

/// A session rebuilt from the store.
pub struct Restored {
    pub rebuilt: Rebuilt,
    pub session: SessionInfo,
    /// How many lines the store already holds.
    pub persisted_steps: u64,
}

/// How fast play runs: virtual milliseconds per real millisecond.
pub const SPEEDS: &[f64] = &[0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0];

#[derive(Clone)]
pub struct AppState {
    /// Bumped by every action that changed what is shown.
    revision: u64,
    sandbox: Rc<RefCell<Sandbox>>,
    pub vocabulary: Vocabulary,
    pub persistence: Persistence,
    /// Messages for the learner about saving (in memory only, read-only, damaged data …).
    pub notices: Vec<String>,
    pub playing: bool,
    /// An index into [`SPEEDS`].
    pub speed: usize,
    /// Replicas drawn under each compartment.
    pub show_replicas: bool,
    /// The shortcut overlay.
    pub show_help: bool,
    /// The latest message for the learner from a button (the console shows its own).
    pub status: Option<Result<String, String>>,
    /// Presentation mode: the timeline step by step in large type, the console hidden.
    pub presenting: bool,
}

pub enum Action {
    /// Run one console line (a button's canonical line, or what the learner typed).
    Run(String),
    /// Something ran on the sandbox outside the reducer (the page's JS API): redraw.
    Changed,
    /// One play tick of this many virtual milliseconds.
    Tick(u64),
    SetPlaying(bool),
    /// Store the growing play line (the page does this every few seconds of play).
    Settle,
    SetSpeed(usize),
    ToggleVocabulary,
    SetVocabulary(Vocabulary),
    ToggleReplicas,
    SetHelp(bool),
    Restore(Box<Restored>),
    /// The page now writes another session (a new future started in the past), and why.
    MovedTo(SessionInfo, String),
    /// Show the world after this many lines of the session's timeline.
    Jump(usize),
    /// Move along the timeline by this many steps from the one shown (when the action runs,
    /// so quick key presses all count).
    JumpBy(isize),
    /// Show a shared session (read-only until made the learner's own).
    ShowShared(Box<Rebuilt>, SharedInfo),
    SetPresenting(bool),
    Notice(String),
    DismissNotices,
}

impl AppState {
    pub fn new() -> Self {
        Self {
            revision: 0,
            sandbox: Rc::new(RefCell::new(Sandbox::starter())),
            vocabulary: Vocabulary::default(),
            persistence: Persistence::Opening,
            notices: Vec::new(),
            playing: false,
            speed: 4,
            show_replicas: false,
            show_help: false,
            status: None,
            presenting: false,
        }
    }

    /// The sandbox, to read (views, the console transcript).
    pub fn sandbox(&self) -> Ref<'_, Sandbox> {
        self.sandbox.borrow()
    }

    /// The shared sandbox itself, for the page's JS API.
    pub fn sandbox_cell(&self) -> Rc<RefCell<Sandbox>> {
        Rc::clone(&self.sandbox)
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn speed_factor(&self) -> f64 {
        SPEEDS.get(self.speed).copied().unwrap_or(1.0)
    }

    /// Whether this page may change the world (its session is open and it is the writer).
    pub fn can_write(&self) -> bool {
        matches!(&self.persistence, Persistence::Ready(s) if s.writer)
    }

    fn refuse(&mut self) {
        self.status = Some(Err(match self.persistence {
            Persistence::Shared(_) => {
                "This shared session is read-only: make it yours to change it.".into()
            }
            _ => "This tab is only following the session; take it over to make changes.".into(),
        }));
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}

impl PartialEq for AppState {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision && Rc::ptr_eq(&self.sandbox, &other.sandbox)
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = Rc::unwrap_or_clone(self);
        next.revision += 1;
        match action {
            Action::ToggleVocabulary => next.vocabulary = next.vocabulary.toggled(),
            Action::SetVocabulary(v) => next.vocabulary = v,
            Action::ToggleReplicas => next.show_replicas = !next.show_replicas,
            Action::SetHelp(on) => next.show_help = on,
            Action::Notice(message) => next.notices.push(message),
            Action::DismissNotices => next.notices.clear(),
            Action::SetSpeed(i) => next.speed = i.min(SPEEDS.len() - 1),
            Action::Changed => {}
            Action::Restore(restored) => {
                let Restored {
                    rebuilt, session, ..
                } = *restored;
                next.sandbox = Rc::new(RefCell::new(rebuilt.sandbox));
                next.persistence = Persistence::Ready(session);
                next.playing = false;
                next.notices.extend(rebuilt.problem);
            }
            Action::MovedTo(session, why) => {
                next.persistence = Persistence::Ready(session);
                next.notices.push(why);
            }
            Action::ShowShared(rebuilt, shared) => {
                let Rebuilt { sandbox, problem } = *rebuilt;
                next.sandbox = Rc::new(RefCell::new(sandbox));
                next.persistence = Persistence::Shared(shared);
                next.playing = false;
                next.notices.extend(problem);
            }
            Action::SetPresenting(on) => {
                next.presenting = on;
                next.playing = false;
                if on {
                    // A presentation starts at the first step and walks forward.
                    let result = next.sandbox.borrow_mut().jump(0);
                    if let Err(e) = result {
                        next.status = Some(Err(e));
                    }
                }
            }
            Action::JumpBy(by) => {
                next.playing = false;
                let shown = next.sandbox.borrow().lines().len();
                let result = next
                    .sandbox
                    .borrow_mut()
                    .jump(shown.saturating_add_signed(by));
                if let Err(e) = result {
                    next.status = Some(Err(e));
                }
            }
            Action::Jump(to) => {
                next.playing = false;
                let result = next.sandbox.borrow_mut().jump(to);
                if let Err(e) = result {
                    next.status = Some(Err(e));
                }
            }
            Action::Run(line) => {
                if !next.can_write() {
                    next.refuse();
                    return Rc::new(next);
                }
                let result = next.sandbox.borrow_mut().run(&line);
                next.status = Some(match result {
                    Ok(out) => Ok(out.text.trim_end().to_string()),
                    Err(e) => Err(e.message()),
                });
            }
            Action::SetPlaying(on) => {
                if on && !next.can_write() {
                    next.refuse();
                    return Rc::new(next);
                }
                next.playing = on;
                if !on {
                    next.sandbox.borrow_mut().settle();
                }
            }
            Action::Settle => next.sandbox.borrow_mut().settle(),
            Action::Tick(millis) => {
                if !next.playing || !next.can_write() {
                    return Rc::new(next);
                }
                if let Err(e) = next.sandbox.borrow_mut().tick(millis) {
                    next.playing = false;
                    next.status = Some(Err(e.message()));
                }
            }
        }
        Rc::new(next)
    }
}

pub type AppContext = UseReducerHandle<AppState>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::NEW_SESSION_SEED;
    use sim::WorldConfig;

    fn ready() -> Rc<AppState> {
        let state = AppState::new();
        let lines = state.sandbox().lines().to_vec();
        let restored = Restored {
            rebuilt: Sandbox::rebuild(NEW_SESSION_SEED, WorldConfig::default(), &lines),
            session: SessionInfo {
                id: "s".into(),
                writer: true,
            },
            persisted_steps: 0,
        };
        Rc::new(state).reduce(Action::Restore(Box::new(restored)))
    }

    #[test]
    fn a_button_runs_its_console_line_and_the_session_keeps_it() {
        let state = ready();
        let state = state.reduce(Action::Run(
            "kafka-console-producer --topic orders --key alice --value 1".into(),
        ));
        assert!(matches!(state.status, Some(Ok(_))), "{:?}", state.status);
        assert_eq!(state.sandbox().lines().len(), 2);
        let state = state.reduce(Action::Run("poll nobody".into()));
        assert!(matches!(state.status, Some(Err(_))));
        assert_eq!(state.sandbox().lines().len(), 2);
    }

    #[test]
    fn a_follower_tab_cannot_change_the_world() {
        let state = Rc::new(AppState::new());
        let state = state.reduce(Action::Run(
            "kafka-console-producer --topic orders --value 1".into(),
        ));
        assert!(matches!(state.status, Some(Err(_))));
        assert_eq!(state.sandbox().lines().len(), 1);
    }

    #[test]
    fn ticks_advance_only_while_playing() {
        let state = ready();
        let before = state.sandbox().world().now_ms();
        let state = state.reduce(Action::Tick(500));
        assert_eq!(state.sandbox().world().now_ms(), before);
        let state = state
            .reduce(Action::SetPlaying(true))
            .reduce(Action::Tick(500));
        assert_eq!(state.sandbox().world().now_ms(), before + 500);
        let state = state.reduce(Action::SetPlaying(false));
        let sandbox = state.sandbox();
        assert_eq!(sandbox.settled_lines(), sandbox.lines().len());
    }

    #[test]
    fn every_action_makes_a_state_that_differs_from_the_last() {
        let before = Rc::new(AppState::new());
        let after = Rc::clone(&before).reduce(Action::ToggleVocabulary);
        assert!(*before != *after);
        assert_eq!(after.vocabulary, Vocabulary::Kafka);
    }
}
