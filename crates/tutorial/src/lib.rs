//! The Offset Express tutorial: chapters as data, each with a starting world, goals checked
//! against the world's state, hints and a solution.
//!
//! ```
//! let chapters = tutorial::chapters().unwrap();
//! let first = &chapters[0];
//! let mut console = tutorial::start(first).unwrap();
//! let mut progress = tutorial::Progress::new(first);
//! progress.update(first, &console);
//! assert!(!progress.is_complete());
//! for line in &first.solution {
//!     console.run_line(line).unwrap();
//!     progress.update(first, &console);
//! }
//! assert!(progress.is_complete());
//! ```
//!
//! - A chapter is one file in `chapters/` (the format: [`format`]), compiled in with
//!   `include_str!` and parsed on first use by [`chapters`].
//! - [`start`] runs a chapter's setup on a fresh [`Console`] with the fixed seed [`SEED`]:
//!   the same chapter always starts from the same world.
//! - [`Progress`] follows a learner step by step: a goal once met stays reached.
//! - [`evaluate`] checks every goal against the console's world: goals are [`Check`]s on the
//!   state (the check language: [`check`]), never on the lines typed, so any path that reaches
//!   the state counts. Each check explains itself in train words with the Kafka words beside.
//! - [`terms`] is the table of train words and their Kafka words that every story follows.

pub mod check;
pub mod format;
pub mod terms;

use std::sync::OnceLock;

use script::exec::{state, Console, ExecError};
use serde::Serialize;

pub use check::{Check, CheckError, CheckStatus, Expected, Op, Subject, Target};
pub use format::{parse_chapter, ChapterError};

/// The seed every chapter's world starts from.
pub const SEED: u64 = 7;

/// One chapter of the tutorial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chapter {
    /// A slug, used in addresses (`#chapter=seats-and-passengers`).
    pub id: String,
    /// The chapter's place in the tutorial, from 1.
    pub number: u32,
    /// The title in train words.
    pub title: String,
    /// The title in Kafka words.
    pub kafka_title: String,
    /// The story, paragraph by paragraph; text in `backticks` is code.
    pub story: Vec<String>,
    /// Console lines that build the starting world.
    pub setup: Vec<String>,
    /// What the learner reaches; the chapter is done when every goal is met.
    pub goals: Vec<Goal>,
    /// Hints, from a nudge to nearly the answer.
    pub hints: Vec<String>,
    /// Console lines that reach every goal from the starting world ("show me" plays them one
    /// by one).
    pub solution: Vec<String>,
    /// The number of steps of the solution: what a learner's steps are compared with.
    pub par: usize,
}

/// One goal: its text for the learner and the checks that must all hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Goal {
    pub text: String,
    pub checks: Vec<Check>,
}

/// A goal against one world.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoalStatus {
    pub text: String,
    /// Every check holds.
    pub met: bool,
    pub checks: Vec<CheckStatus>,
}

/// Every goal of a chapter against one world.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub goals: Vec<GoalStatus>,
}

impl Evaluation {
    /// Every goal is met: the chapter is done.
    pub fn is_complete(&self) -> bool {
        self.goals.iter().all(|g| g.met)
    }

    /// The first goal not met yet (the one to show the learner).
    pub fn current_goal(&self) -> Option<&GoalStatus> {
        self.goals.iter().find(|g| !g.met)
    }
}

/// A chapter's setup line that failed (a chapter file's mistake, caught by the tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupError {
    pub chapter: String,
    /// The setup line, from 1.
    pub step: usize,
    pub line: String,
    pub error: Box<ExecError>,
}

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "chapter {}: setup line {} ('{}'): {}",
            self.chapter,
            self.step,
            self.line,
            self.error.message()
        )
    }
}

impl std::error::Error for SetupError {}

/// The chapter files, in order, with their names for error messages.
const FILES: &[(&str, &str)] = &[
    (
        "chapters/01-seats-and-passengers.md",
        include_str!("../chapters/01-seats-and-passengers.md"),
    ),
    (
        "chapters/02-many-compartments.md",
        include_str!("../chapters/02-many-compartments.md"),
    ),
    (
        "chapters/03-the-ticket-checker.md",
        include_str!("../chapters/03-the-ticket-checker.md"),
    ),
    (
        "chapters/04-the-notebook.md",
        include_str!("../chapters/04-the-notebook.md"),
    ),
    (
        "chapters/05-the-checker-faints.md",
        include_str!("../chapters/05-the-checker-faints.md"),
    ),
    (
        "chapters/06-when-to-write.md",
        include_str!("../chapters/06-when-to-write.md"),
    ),
    (
        "chapters/07-a-team-of-checkers.md",
        include_str!("../chapters/07-a-team-of-checkers.md"),
    ),
    (
        "chapters/08-several-teams.md",
        include_str!("../chapters/08-several-teams.md"),
    ),
    (
        "chapters/09-where-to-start.md",
        include_str!("../chapters/09-where-to-start.md"),
    ),
    (
        "chapters/10-rewind-and-replay.md",
        include_str!("../chapters/10-rewind-and-replay.md"),
    ),
    (
        "chapters/11-boarding-complete.md",
        include_str!("../chapters/11-boarding-complete.md"),
    ),
    (
        "chapters/12-lag-and-the-notebooks-home.md",
        include_str!("../chapters/12-lag-and-the-notebooks-home.md"),
    ),
    (
        "chapters/13-a-notebook-of-your-own.md",
        include_str!("../chapters/13-a-notebook-of-your-own.md"),
    ),
    (
        "chapters/14-exactly-once.md",
        include_str!("../chapters/14-exactly-once.md"),
    ),
    (
        "chapters/15-seats-given-twice.md",
        include_str!("../chapters/15-seats-given-twice.md"),
    ),
];

/// The chapter files as they are compiled in: (file name, text).
pub fn chapter_files() -> &'static [(&'static str, &'static str)] {
    FILES
}

/// Every chapter, in order, parsed on first use. An error names the file and the line (the
/// tests parse every chapter, so a published build never sees one).
pub fn chapters() -> Result<&'static [Chapter], &'static ChapterError> {
    static CHAPTERS: OnceLock<Result<Vec<Chapter>, ChapterError>> = OnceLock::new();
    CHAPTERS
        .get_or_init(|| {
            FILES
                .iter()
                .map(|(file, text)| parse_chapter(file, text))
                .collect()
        })
        .as_ref()
        .map(Vec::as_slice)
}

/// The chapter with this id (`#chapter=ID`).
pub fn chapter(id: &str) -> Option<&'static Chapter> {
    chapters().ok()?.iter().find(|c| c.id == id)
}

/// A fresh console with the chapter's starting world (its setup run on [`SEED`]).
pub fn start(chapter: &Chapter) -> Result<Console, SetupError> {
    let mut console = Console::new(SEED);
    for (i, line) in chapter.setup.iter().enumerate() {
        console.run_line(line).map_err(|error| SetupError {
            chapter: chapter.id.clone(),
            step: i + 1,
            line: line.clone(),
            error: Box::new(error),
        })?;
    }
    Ok(console)
}

/// Every goal of the chapter against the console's world.
pub fn evaluate(chapter: &Chapter, console: &Console) -> Evaluation {
    let state = state::state(console);
    Evaluation {
        goals: chapter
            .goals
            .iter()
            .map(|goal| {
                let checks: Vec<CheckStatus> = goal
                    .checks
                    .iter()
                    .map(|c| c.evaluate_state(console, &state))
                    .collect();
                GoalStatus {
                    text: goal.text.clone(),
                    met: checks.iter().all(|c| c.met),
                    checks,
                }
            })
            .collect(),
    }
}

/// A learner's way through one chapter: goals are reached one by one, and a goal once met
/// stays reached (a later step may change the world that met it, as pausing replication
/// changes the high watermark). The chapter is done when every goal was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Per goal, whether it was reached.
    pub reached: Vec<bool>,
}

impl Progress {
    /// No goal reached yet.
    pub fn new(chapter: &Chapter) -> Self {
        Progress {
            reached: vec![false; chapter.goals.len()],
        }
    }

    /// Evaluates the world after a step and marks the goals it meets as reached; returns the
    /// evaluation (its `met` is this world's, `reached` says what stays).
    pub fn update(&mut self, chapter: &Chapter, console: &Console) -> Evaluation {
        let evaluation = evaluate(chapter, console);
        self.reached.resize(evaluation.goals.len(), false);
        for (reached, goal) in self.reached.iter_mut().zip(&evaluation.goals) {
            *reached |= goal.met;
        }
        evaluation
    }

    /// Every goal was reached.
    pub fn is_complete(&self) -> bool {
        self.reached.iter().all(|r| *r)
    }

    /// The first goal not reached yet (its index in the chapter's goals).
    pub fn current_goal(&self) -> Option<usize> {
        self.reached.iter().position(|r| !r)
    }
}

/// The chapter is done in this world (every goal met at once; see [`Progress`] for goals
/// reached one after the other).
pub fn is_complete(chapter: &Chapter, console: &Console) -> bool {
    evaluate(chapter, console).is_complete()
}

/// Steps the learner took: lines that changed the world since the chapter started.
/// `start_len` is `console.log().len()` right after [`start`] (consecutive `advance` lines
/// count as one step, as the console keeps them as one).
pub fn steps_taken(start_len: usize, console: &Console) -> usize {
    console.log().len().saturating_sub(start_len)
}
