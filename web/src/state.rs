//! The application state: one [`Reducible`] around the page's [`Sandbox`] (a
//! `script::Console` and its lines), shared through a context.
//!
//! Every change to the world is a console line: components dispatch [`Action::Run`] with the
//! canonical line a button stands for, the console box dispatches what the learner typed,
//! `window.offsetExpress.run` runs its line on the same sandbox. The sandbox sits behind an
//! `Rc<RefCell<…>>` so an action never copies the world; a revision number tells Yew that
//! something changed.

use crate::session::{Rebuilt, Sandbox};
use crate::tutorial::{ChapterRun, Opened, ShowMe};
use crate::vocab::Vocabulary;
use std::cell::{Ref, RefCell};
use std::rc::Rc;
use store::Store;
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
    /// A tutorial chapter's world (its id): never written to the learner's session; the
    /// tutorial stores its lines itself.
    Tutorial(String),
}

/// The tutorial while it is open: the chapter's run, and the learner's own session kept aside.
#[derive(Clone)]
pub struct TutorialMode {
    pub run: ChapterRun,
    home_sandbox: Rc<RefCell<Sandbox>>,
    home_persistence: Persistence,
}

impl TutorialMode {
    /// The learner's own session (shown again when the tutorial closes).
    pub fn home_persistence(&self) -> &Persistence {
        &self.home_persistence
    }
}

/// The free ride the page shows: a session forked from a chapter's world (see
/// [`crate::tutorial::FREE_RIDE`]), announced above the sandbox while it is open.
#[derive(Clone, Debug, PartialEq)]
pub struct FreeRide {
    /// The store session of the free ride.
    pub session: String,
    /// Its name in the learner's sessions.
    pub name: String,
    /// The chapter whose world it started from: its number and title.
    pub chapter: String,
    /// The world is the learner's own (false: the chapter as its solution leaves it).
    pub built: bool,
    /// An earlier free ride from the same world, continued.
    pub continued: bool,
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
    /// Bumped by every action but play's ticks: what the slow panels follow at once.
    calm: u64,
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
    /// The open store, once the session keeper has it (the tutorial stores through it too).
    pub store: Option<Rc<Store>>,
    /// The tutorial, while it is open.
    pub tutorial: Option<Box<TutorialMode>>,
    /// Ids of the chapters done (from the store, and reached since).
    pub chapters_done: Vec<String>,
    /// The chapter the learner is on (started, not done, most recent).
    pub current_chapter: Option<String>,
    /// Counts the learner's asks for the free ride (the session keeper forks on each).
    pub free_ride_asked: u64,
    /// The free ride, once open (announced while its session is the one shown).
    pub free_ride: Option<FreeRide>,
}

pub enum Action {
    /// Run one console line (a button's canonical line, or what the learner typed).
    Run(String),
    /// Something ran on the sandbox outside the reducer (the page's JS API): redraw, and
    /// check the open chapter's goals.
    Changed,
    /// The page's JS API ran several lines (`runScript`) and checked the open chapter's goals
    /// after each, as typed lines are: this is that run.
    ChapterObserved(Box<ChapterRun>),
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
    /// The store is open.
    StoreOpened(Rc<Store>),
    /// The tutorial's progress as stored: chapters done, the current chapter.
    TutorialProgress {
        done: Vec<String>,
        current: Option<String>,
    },
    /// Show a chapter's world in place of the learner's session.
    OpenChapter(Box<Opened>),
    /// Close the tutorial: the learner's own session comes back.
    LeaveTutorial,
    /// Start the open chapter over from its setup.
    ResetChapter,
    RevealHint,
    /// Start the chapter over and play its solution, a line at a time.
    ShowMe,
    /// Play solution line `n` of "show me" (ignored unless it is the next one).
    ShowMeStep(usize),
    StopShowMe,
    /// The learner asked for the free ride: play stops, the session keeper forks the world.
    AskFreeRide,
    /// Show the free ride's session in place of the tutorial (or the sandbox).
    FreeRide(Box<Restored>, FreeRide),
    DismissFreeRide,
}

impl AppState {
    pub fn new() -> Self {
        Self {
            revision: 0,
            calm: 0,
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
            store: None,
            tutorial: None,
            chapters_done: Vec::new(),
            current_chapter: None,
            free_ride_asked: 0,
            free_ride: None,
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
        match &self.persistence {
            Persistence::Ready(s) => s.writer,
            Persistence::Tutorial(_) => true,
            _ => false,
        }
    }

    /// Whether the learner's own session is open (shown, or aside while the tutorial is).
    pub fn home_ready(&self) -> bool {
        let home = match &self.tutorial {
            Some(t) => &t.home_persistence,
            None => &self.persistence,
        };
        matches!(home, Persistence::Ready(_))
    }

    /// The free ride, while its session is the one shown.
    pub fn free_ride_shown(&self) -> Option<&FreeRide> {
        let ride = self.free_ride.as_ref()?;
        matches!(&self.persistence, Persistence::Ready(s) if s.id == ride.session).then_some(ride)
    }

    /// The open chapter's run, if the tutorial is open.
    pub fn chapter_run(&self) -> Option<&ChapterRun> {
        self.tutorial.as_ref().map(|t| &t.run)
    }

    /// Runs one console line on the world shown (a button's, the console's, "show me"'s) and
    /// checks the chapter's goals after it when the tutorial is open.
    fn run_line(&mut self, line: &str) {
        let result = self.sandbox.borrow_mut().run(line);
        self.status = Some(match result {
            Ok(out) => Ok(out.text.trim_end().to_string()),
            Err(e) => Err(e.message()),
        });
        self.observe_chapter();
    }

    /// Checks the open chapter's goals against the world; a chapter completed now counts as
    /// done.
    fn observe_chapter(&mut self) {
        let Some(tutorial) = self.tutorial.as_mut() else {
            return;
        };
        let sandbox = self.sandbox.borrow();
        tutorial.run.observe(sandbox.console());
        // Complete now, or already when the JS API's lines were checked one by one.
        if tutorial.run.is_complete() {
            if let Some(chapter) = tutorial.run.chapter() {
                if !self.chapters_done.contains(&chapter.id) {
                    self.chapters_done.push(chapter.id.clone());
                }
            }
        }
    }

    /// Starts the open chapter over from its setup (hints stay shown).
    fn restart_chapter(&mut self) {
        let Some(tutorial) = self.tutorial.as_mut() else {
            return;
        };
        let Some(opened) = ChapterRun::open(tutorial.run.index, &[]) else {
            return;
        };
        let mut run = opened.run;
        run.hints_shown = tutorial.run.hints_shown;
        run.attempt = tutorial.run.attempt + 1;
        tutorial.run = run;
        self.sandbox = Rc::new(RefCell::new(opened.sandbox));
        self.playing = false;
        self.status = None;
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
        if !matches!(action, Action::Tick(_)) {
            next.calm += 1;
        }
        match action {
            Action::ToggleVocabulary => next.vocabulary = next.vocabulary.toggled(),
            Action::SetVocabulary(v) => next.vocabulary = v,
            Action::ToggleReplicas => next.show_replicas = !next.show_replicas,
            Action::SetHelp(on) => next.show_help = on,
            Action::Notice(message) => next.notices.push(message),
            Action::DismissNotices => next.notices.clear(),
            Action::SetSpeed(i) => next.speed = i.min(SPEEDS.len() - 1),
            Action::Changed => next.observe_chapter(),
            Action::ChapterObserved(run) => {
                if let Some(tutorial) = next.tutorial.as_mut() {
                    if tutorial.run.index == run.index {
                        tutorial.run = *run;
                    }
                }
                next.observe_chapter();
            }
            Action::Restore(restored) => {
                let Restored {
                    rebuilt, session, ..
                } = *restored;
                next.notices.extend(rebuilt.problem);
                // While the tutorial is open the learner's session waits aside.
                if let Some(tutorial) = next.tutorial.as_mut() {
                    tutorial.home_sandbox = Rc::new(RefCell::new(rebuilt.sandbox));
                    tutorial.home_persistence = Persistence::Ready(session);
                } else {
                    next.sandbox = Rc::new(RefCell::new(rebuilt.sandbox));
                    next.persistence = Persistence::Ready(session);
                    next.playing = false;
                }
            }
            Action::MovedTo(session, why) => {
                match next.tutorial.as_mut() {
                    Some(tutorial) => tutorial.home_persistence = Persistence::Ready(session),
                    None => next.persistence = Persistence::Ready(session),
                }
                next.notices.push(why);
            }
            Action::ShowShared(rebuilt, shared) => {
                let Rebuilt { sandbox, problem } = *rebuilt;
                next.tutorial = None;
                next.sandbox = Rc::new(RefCell::new(sandbox));
                next.persistence = Persistence::Shared(shared);
                next.playing = false;
                next.notices.extend(problem);
            }
            Action::StoreOpened(store) => next.store = Some(store),
            Action::TutorialProgress { done, current } => {
                for id in done {
                    if !next.chapters_done.contains(&id) {
                        next.chapters_done.push(id);
                    }
                }
                next.current_chapter = current;
            }
            Action::OpenChapter(opened) => {
                let Opened {
                    sandbox,
                    run,
                    problem,
                } = *opened;
                let Some(id) = run.chapter().map(|c| c.id.clone()) else {
                    return Rc::new(next);
                };
                let chapter_sandbox = Rc::new(RefCell::new(sandbox));
                let home_sandbox = std::mem::replace(&mut next.sandbox, chapter_sandbox);
                let home_persistence =
                    std::mem::replace(&mut next.persistence, Persistence::Tutorial(id.clone()));
                next.tutorial = Some(Box::new(match next.tutorial.take() {
                    // From one chapter to another: the learner's session stays aside.
                    Some(open) => TutorialMode { run, ..*open },
                    None => TutorialMode {
                        run,
                        home_sandbox,
                        home_persistence,
                    },
                }));
                next.current_chapter = Some(id);
                next.playing = false;
                next.presenting = false;
                next.status = None;
                next.notices.extend(problem);
                next.observe_chapter();
            }
            Action::LeaveTutorial => {
                if let Some(tutorial) = next.tutorial.take() {
                    next.sandbox = tutorial.home_sandbox;
                    next.persistence = tutorial.home_persistence;
                    next.playing = false;
                    next.status = None;
                }
            }
            Action::AskFreeRide => {
                next.free_ride_asked += 1;
                next.playing = false;
                next.sandbox.borrow_mut().settle();
            }
            Action::FreeRide(restored, ride) => {
                let Restored {
                    rebuilt, session, ..
                } = *restored;
                next.notices.extend(rebuilt.problem);
                next.tutorial = None;
                next.sandbox = Rc::new(RefCell::new(rebuilt.sandbox));
                next.persistence = Persistence::Ready(session);
                next.free_ride = Some(ride);
                next.playing = false;
                next.presenting = false;
                next.status = None;
            }
            Action::DismissFreeRide => next.free_ride = None,
            Action::ResetChapter => next.restart_chapter(),
            Action::RevealHint => {
                if let Some(tutorial) = next.tutorial.as_mut() {
                    tutorial.run.reveal_hint();
                }
            }
            Action::ShowMe => {
                next.restart_chapter();
                if let Some(tutorial) = next.tutorial.as_mut() {
                    tutorial.run.show_me = Some(ShowMe { next: 0 });
                    tutorial.run.shown = true;
                }
            }
            Action::StopShowMe => {
                if let Some(tutorial) = next.tutorial.as_mut() {
                    tutorial.run.show_me = None;
                }
            }
            Action::ShowMeStep(n) => {
                let line = next.tutorial.as_ref().and_then(|t| {
                    let chapter = t.run.chapter()?;
                    (t.run.show_me == Some(ShowMe { next: n }))
                        .then(|| chapter.solution.get(n).cloned())?
                });
                let Some(line) = line else {
                    return Rc::new(next);
                };
                next.run_line(&line);
                if let Some(tutorial) = next.tutorial.as_mut() {
                    let total = tutorial.run.chapter().map_or(0, |c| c.solution.len());
                    let failed = matches!(next.status, Some(Err(_)));
                    tutorial.run.show_me =
                        (n + 1 < total && !failed).then_some(ShowMe { next: n + 1 });
                }
            }
            Action::SetPresenting(on) if on && next.tutorial.is_some() => {
                next.status = Some(Err(
                    "Presenting is for your own sessions: leave the tutorial first.".into(),
                ));
            }
            Action::Jump(_) | Action::JumpBy(_) if next.tutorial.is_some() => {
                next.status = Some(Err(
                    "In a chapter, “Reset chapter” starts over; the timeline is for your own sessions."
                        .into(),
                ));
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
                if let Some(tutorial) = next.tutorial.as_mut() {
                    // The learner acts: "show me" stops.
                    tutorial.run.show_me = None;
                }
                next.run_line(&line);
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
                let result = next.sandbox.borrow_mut().tick(millis);
                if let Err(e) = result {
                    next.playing = false;
                    next.status = Some(Err(e.message()));
                }
                next.observe_chapter();
            }
        }
        Rc::new(next)
    }
}

pub type AppContext = UseReducerHandle<AppState>;

/// The page's state for the panels that need not follow every frame of play (teams,
/// notebook, lag, event log, the tutorial).
/// While play runs it changes only every [`SLOW_EVERY`] ticks and at every other action, so
/// those panels redraw a few times a second instead of at every animation frame; otherwise it
/// follows every change. It reads the same sandbox, so whenever a panel draws it draws the
/// current world.
///
/// Equality is the refresh count alone: Yew's reducer handle reads the newest state and each
/// clone of it compares as the state when cloned, so the handle cannot itself be held back.
#[derive(Clone)]
pub struct Slow(pub AppContext, pub u64);

impl PartialEq for Slow {
    fn eq(&self, other: &Self) -> bool {
        self.1 == other.1
    }
}

/// The page's state for the panels that change only when the learner (or the page) does
/// something, never by play alone (the console, the controls, the session bar, the header …):
/// it changes at every action but a play tick. Equality is that count (see [`Slow`]).
#[derive(Clone)]
pub struct Calm(pub AppContext, pub u64);

impl PartialEq for Calm {
    fn eq(&self, other: &Self) -> bool {
        self.1 == other.1
    }
}

impl AppState {
    /// How many actions but play ticks there were (see [`Calm`]).
    pub fn calm_count(&self) -> u64 {
        self.calm
    }
}

/// While playing, the slow panels redraw once every this many ticks (about twice a second at
/// 60 frames a second).
pub const SLOW_EVERY: u64 = 30;

/// What the slow panels last drew from: kept as values, since the state handle always reads
/// the newest state.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SlowMark {
    calm: u64,
    step: u64,
    playing: bool,
}

impl SlowMark {
    pub fn of(state: &AppState) -> Self {
        Self {
            calm: state.calm,
            step: state.sandbox().step(),
            playing: state.playing,
        }
    }
}

/// Whether the slow panels should draw `state` now, having last drawn at `last`: always
/// unless play runs; while it runs, after any action but a tick, and every [`SLOW_EVERY`]
/// ticks.
pub fn slow_refresh(state: &AppState, last: &SlowMark) -> bool {
    !state.playing
        || !last.playing
        || state.calm != last.calm
        || state.sandbox().step() >= last.step + SLOW_EVERY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slow_panels_follow_every_change_but_only_every_few_ticks_of_play() {
        let state = ready();
        let last = SlowMark::of(&state);
        let state = state.reduce(Action::Run(
            "kafka-console-producer --topic orders --value 1".into(),
        ));
        assert!(slow_refresh(&state, &last), "not playing: every change");
        let playing = state.reduce(Action::SetPlaying(true));
        let last = SlowMark::of(&playing);
        let mut now = Rc::clone(&playing);
        for _ in 1..SLOW_EVERY {
            now = now.reduce(Action::Tick(10));
            assert!(!slow_refresh(&now, &last));
        }
        now = now.reduce(Action::Tick(10));
        assert!(slow_refresh(&now, &last));
        let words = Rc::clone(&playing).reduce(Action::ToggleVocabulary);
        assert!(
            slow_refresh(&words, &last),
            "a new vocabulary shows at once"
        );
        let typed = playing.reduce(Action::Run(
            "kafka-console-producer --topic orders --value 2".into(),
        ));
        assert!(
            slow_refresh(&typed, &last),
            "a line run during play shows at once"
        );
    }
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

    fn open_chapter(state: Rc<AppState>, index: usize) -> Rc<AppState> {
        let opened = crate::tutorial::ChapterRun::open(index, &[]).expect("chapter opens");
        state.reduce(Action::OpenChapter(Box::new(opened)))
    }

    #[test]
    fn lines_run_through_the_js_api_count_for_the_chapter_line_by_line() {
        // What `runScript` does: the lines run on the sandbox outside the reducer, the
        // chapter's goals checked after each; chapter 15's first goal holds only midway.
        let index = crate::tutorial::chapter_index("seats-given-twice").expect("chapter 15");
        let state = open_chapter(ready(), index);
        let chapter = state.chapter_run().and_then(|r| r.chapter()).expect("open");
        let mut run = state.chapter_run().cloned();
        state
            .sandbox_cell()
            .borrow_mut()
            .run_script_observed(&chapter.solution.join("\n"), |console| {
                if let Some(run) = run.as_mut() {
                    run.observe(console);
                }
            })
            .expect("the solution runs");
        // Checked only at the end, the first goal is not met.
        let unobserved = Rc::clone(&state).reduce(Action::Changed);
        assert!(!unobserved.chapter_run().is_some_and(|r| r.is_complete()));
        let state = state.reduce(Action::ChapterObserved(Box::new(run.expect("run"))));
        assert!(state.chapter_run().is_some_and(|r| r.is_complete()));
        assert!(state.chapters_done.contains(&chapter.id));
    }

    #[test]
    fn a_chapter_shows_its_own_world_and_the_learners_session_comes_back() {
        let state = ready().reduce(Action::Run(
            "kafka-console-producer --topic orders --value mine".into(),
        ));
        let home_lines = state.sandbox().lines().to_vec();
        let state = open_chapter(state, 0);
        assert!(
            matches!(state.persistence, Persistence::Tutorial(ref id) if id == "seats-and-passengers")
        );
        assert_ne!(state.sandbox().lines(), &home_lines[..]);
        let state = state.reduce(Action::Run("send p1 --topic orders --value a".into()));
        assert_eq!(
            state
                .chapter_run()
                .map(|r| r.steps(state.sandbox().console())),
            Some(1)
        );
        let state = state.reduce(Action::LeaveTutorial);
        assert!(state.tutorial.is_none());
        assert!(matches!(state.persistence, Persistence::Ready(_)));
        assert_eq!(state.sandbox().lines(), &home_lines[..]);
    }

    #[test]
    fn the_free_ride_replaces_the_chapter_with_an_ordinary_session() {
        let state = ready();
        assert!(state.home_ready());
        let state = open_chapter(state, 0)
            .reduce(Action::Run("send p1 --topic orders --value a".into()))
            .reduce(Action::SetPlaying(true))
            .reduce(Action::AskFreeRide);
        assert_eq!(state.free_ride_asked, 1);
        assert!(!state.playing, "the free ride stops play");
        assert!(state.home_ready(), "the learner's session waits aside");
        let lines = state.sandbox().lines().to_vec();
        let restored = Restored {
            rebuilt: Sandbox::rebuild(tutorial::SEED, WorldConfig::default(), &lines),
            session: SessionInfo {
                id: "ride".into(),
                writer: true,
            },
            persisted_steps: lines.len() as u64,
        };
        let ride = FreeRide {
            session: "ride".into(),
            name: "Free ride · from 1. Seats".into(),
            chapter: "1. Seats".into(),
            built: true,
            continued: false,
        };
        let state = state.reduce(Action::FreeRide(Box::new(restored), ride.clone()));
        assert!(state.tutorial.is_none());
        assert!(state.can_write());
        assert_eq!(state.sandbox().lines(), &lines[..]);
        assert_eq!(state.free_ride_shown(), Some(&ride));
        // Lines run on it as on any session.
        let state = state.reduce(Action::Run("send p1 --topic orders --value b".into()));
        assert_eq!(state.sandbox().lines().len(), lines.len() + 1);
        // The announcement goes when dismissed, or when another session opens.
        assert!(state
            .clone()
            .reduce(Action::DismissFreeRide)
            .free_ride_shown()
            .is_none());
        let home = ready().sandbox().lines().to_vec();
        let other = Restored {
            rebuilt: Sandbox::rebuild(NEW_SESSION_SEED, WorldConfig::default(), &home),
            session: SessionInfo {
                id: "other".into(),
                writer: true,
            },
            persisted_steps: 0,
        };
        assert!(state
            .reduce(Action::Restore(Box::new(other)))
            .free_ride_shown()
            .is_none());
    }

    #[test]
    fn reaching_every_goal_marks_the_chapter_done() {
        let mut state = open_chapter(Rc::new(AppState::new()), 0);
        let chapter = state
            .chapter_run()
            .and_then(|r| r.chapter())
            .expect("chapter");
        for line in &chapter.solution {
            state = state.reduce(Action::Run(line.clone()));
        }
        let run = state.chapter_run().expect("open");
        assert!(run.is_complete());
        assert_eq!(run.finished_in, Some(chapter.par));
        assert_eq!(state.chapters_done, vec![chapter.id.clone()]);
    }

    #[test]
    fn show_me_starts_over_and_plays_the_solution_a_line_at_a_time() {
        let state = open_chapter(Rc::new(AppState::new()), 2);
        let state = state.reduce(Action::Run("poll c1".into()));
        let state = state.reduce(Action::ShowMe);
        let run = state.chapter_run().expect("open");
        assert_eq!(run.attempt, 1);
        assert_eq!(run.steps(state.sandbox().console()), 0, "started over");
        assert_eq!(run.show_me, Some(ShowMe { next: 0 }));
        // A stale step is ignored; the right ones play.
        let state = state.reduce(Action::ShowMeStep(1));
        assert_eq!(
            state
                .chapter_run()
                .map(|r| r.steps(state.sandbox().console())),
            Some(0)
        );
        let mut state = state;
        let total = state
            .chapter_run()
            .and_then(|r| r.chapter())
            .map_or(0, |c| c.solution.len());
        for n in 0..total {
            state = state.reduce(Action::ShowMeStep(n));
        }
        let run = state.chapter_run().expect("open");
        assert!(run.is_complete() && run.shown);
        assert_eq!(run.show_me, None);
    }

    #[test]
    fn stop_ends_show_me_and_reset_starts_the_chapter_over() {
        let state = open_chapter(Rc::new(AppState::new()), 2)
            .reduce(Action::ShowMe)
            .reduce(Action::ShowMeStep(0))
            .reduce(Action::StopShowMe);
        assert_eq!(state.chapter_run().and_then(|r| r.show_me), None);
        let state = state.reduce(Action::ShowMeStep(1));
        assert_eq!(
            state
                .chapter_run()
                .map(|r| r.steps(state.sandbox().console())),
            Some(1)
        );
        let state = state
            .reduce(Action::RevealHint)
            .reduce(Action::ResetChapter);
        let run = state.chapter_run().expect("open");
        assert_eq!(run.steps(state.sandbox().console()), 0);
        assert_eq!(run.hints_shown, 1, "hints stay shown");
        assert_eq!(run.attempt, 2);
    }

    #[test]
    fn a_chapter_has_no_time_travel_and_ticks_check_its_goals() {
        let state = open_chapter(Rc::new(AppState::new()), 0);
        let lines = state.sandbox().lines().len();
        let state = state.reduce(Action::Jump(0));
        assert!(matches!(state.status, Some(Err(_))));
        assert_eq!(state.sandbox().lines().len(), lines);
        let state = state
            .reduce(Action::SetPlaying(true))
            .reduce(Action::Tick(100));
        assert!(state.playing);
    }

    #[test]
    fn every_action_makes_a_state_that_differs_from_the_last() {
        let before = Rc::new(AppState::new());
        let after = Rc::clone(&before).reduce(Action::ToggleVocabulary);
        assert!(*before != *after);
        assert_eq!(after.vocabulary, Vocabulary::Kafka);
    }
}
