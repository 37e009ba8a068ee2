//! The page's session: one [`script::Console`] and the console lines that built its world.
//!
//! Everything the page does to the world is a console line run here — a button, a form, a
//! keyboard shortcut, the console box, a tutorial step, `window.offsetExpress.run(…)` — so what
//! a learner clicked is exactly what they could have typed, and Kafka's rules (which live in
//! the core behind the console) apply to every path alike.
//!
//! A session is a seed, a world config and its lines: replaying the lines on a fresh console
//! rebuilds the world exactly. Play runs `advance` lines many times a second; consecutive play
//! ticks are kept as one `advance` line (the sum), so a played minute is one stored line, not
//! thousands. Splitting an advance never changes the world (a property test in `sim` pins it),
//! so the merged line replays to the same world.

use script::exec::{changes_state, Console, ExecError, LineOutput, Output, ScriptError};
use sim::{Event, WorldConfig};
use std::collections::VecDeque;

/// The seed of a new session: the first page always starts from the same world.
pub const NEW_SESSION_SEED: u64 = 42;

/// The lines a new sandbox starts with: a train of three compartments.
pub const STARTER_LINES: &[&str] = &["kafka-topics --create --topic orders --partitions 3"];

/// How many console exchanges the transcript keeps.
const TRANSCRIPT_LIMIT: usize = 200;
/// How many events the event log keeps.
const EVENT_LOG_LIMIT: usize = 400;

/// One exchange in the console transcript.
#[derive(Clone, Debug, PartialEq)]
pub struct Exchange {
    /// Counts every exchange of the session from 1 (the transcript keeps only the latest).
    pub seq: u64,
    /// The line as the learner typed it (or the button wrote it).
    pub line: String,
    pub result: Result<String, LineError>,
}

/// A line that failed, with where (1-based column) and why.
#[derive(Clone, Debug, PartialEq)]
pub struct LineError {
    pub column: usize,
    pub length: usize,
    pub message: String,
}

impl LineError {
    fn from_exec(e: &ExecError) -> Self {
        LineError {
            column: e.span.column,
            length: e.span.len.max(1),
            message: e.message(),
        }
    }
}

/// One event, numbered by the session step that caused it.
#[derive(Clone, Debug, PartialEq)]
pub struct LoggedEvent {
    pub step: u64,
    pub event: Event,
}

#[derive(Clone, Debug)]
pub struct Sandbox {
    console: Console,
    /// The session's lines, as stored: replaying them rebuilds the world.
    lines: Vec<String>,
    /// Whether the last line is a play advance that later ticks may still grow.
    open_advance: Option<u64>,
    transcript: VecDeque<Exchange>,
    exchanges: u64,
    events: VecDeque<LoggedEvent>,
    /// The events of the latest step (what the page animates now).
    latest: Vec<Event>,
    /// Counts every line that changed something (ticks included), for animation keys.
    step: u64,
}

/// What rebuilding a stored session gave.
pub struct Rebuilt {
    pub sandbox: Sandbox,
    /// What went wrong, if a line no longer ran (the lines before it are kept).
    pub problem: Option<String>,
}

impl Sandbox {
    /// A new session with the starter lines.
    pub fn starter() -> Sandbox {
        let mut sandbox = Sandbox::empty(NEW_SESSION_SEED, WorldConfig::default());
        for line in STARTER_LINES {
            // The starter lines are known to run on a fresh world (tested below).
            let _ = sandbox.run(line);
        }
        sandbox.latest.clear();
        sandbox.transcript.clear();
        sandbox
    }

    /// A session with no lines yet.
    pub fn empty(seed: u64, config: WorldConfig) -> Sandbox {
        Sandbox {
            console: Console::with_config(seed, config),
            lines: Vec::new(),
            open_advance: None,
            transcript: VecDeque::new(),
            exchanges: 0,
            events: VecDeque::new(),
            latest: Vec::new(),
            step: 0,
        }
    }

    /// Replays stored lines on a fresh console. A line that no longer runs ends the replay
    /// there: the lines before it are kept and the problem is reported.
    pub fn rebuild(seed: u64, config: WorldConfig, lines: &[String]) -> Rebuilt {
        let mut sandbox = Sandbox::empty(seed, config);
        let mut problem = None;
        for (index, line) in lines.iter().enumerate() {
            match sandbox.console.run_line(line) {
                Ok(_) => {
                    sandbox.lines.push(line.clone());
                    sandbox.step += 1;
                }
                Err(e) => {
                    problem = Some(format!(
                        "step {} (`{line}`) no longer runs ({}); the session stops before it",
                        index + 1,
                        e.message()
                    ));
                    break;
                }
            }
        }
        // Replayed history is not news: nothing to animate or announce.
        sandbox.console.take_events();
        Rebuilt { sandbox, problem }
    }

    pub fn console(&self) -> &Console {
        &self.console
    }

    pub fn world(&self) -> &sim::World {
        self.console.world()
    }

    /// The session's lines (what is stored and shared).
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// How many lines may be stored now: all but a play advance that is still growing.
    pub fn settled_lines(&self) -> usize {
        self.lines.len() - usize::from(self.open_advance.is_some())
    }

    pub fn transcript(&self) -> impl DoubleEndedIterator<Item = &Exchange> {
        self.transcript.iter()
    }

    pub fn events(&self) -> impl DoubleEndedIterator<Item = &LoggedEvent> {
        self.events.iter()
    }

    /// The events of the latest step.
    pub fn latest(&self) -> &[Event] {
        &self.latest
    }

    pub fn step(&self) -> u64 {
        self.step
    }

    /// Runs one console line as the learner would type it, and records it in the transcript.
    /// A line that changes something is added to the session; a failing line changes nothing.
    pub fn run(&mut self, line: &str) -> Result<Output, ExecError> {
        let result = self.run_quiet(line);
        self.remember(line.trim(), &result);
        result
    }

    /// Writes one exchange in the transcript (which keeps the latest [`TRANSCRIPT_LIMIT`]).
    fn remember(&mut self, line: &str, result: &Result<Output, ExecError>) {
        self.exchanges += 1;
        self.transcript.push_back(Exchange {
            seq: self.exchanges,
            line: line.to_string(),
            result: match result {
                Ok(out) => Ok(out.text.clone()),
                Err(e) => Err(LineError::from_exec(e)),
            },
        });
        while self.transcript.len() > TRANSCRIPT_LIMIT {
            self.transcript.pop_front();
        }
    }

    /// Runs one line without writing it in the transcript (play ticks, replays).
    fn run_quiet(&mut self, line: &str) -> Result<Output, ExecError> {
        let command = script::parse_line(line).map_err(ExecError::from)?;
        let output = self.console.run_line(line)?;
        self.console.take_events();
        if let Some(command) = command.filter(changes_state) {
            self.open_advance = None;
            self.lines.push(command.to_string());
            self.record(&output.events);
        }
        Ok(output)
    }

    /// Runs a scenario (several lines) like the console's `run_script`: line by line, stopping
    /// at the first that fails, whose error says where in `source`; the lines before it stay.
    pub fn run_script(&mut self, source: &str) -> Result<Vec<LineOutput>, ScriptError> {
        let mut completed = Vec::new();
        for item in script::script_commands(source) {
            let (span, command) = match item {
                Ok(pair) => pair,
                Err(e) => {
                    let error = ExecError::from(e);
                    let text = source.lines().nth(error.span.line.saturating_sub(1));
                    self.remember(text.unwrap_or_default().trim(), &Err(error.clone()));
                    return Err(ScriptError { error, completed });
                }
            };
            let result = self.console.execute(span, &command);
            let line = command.to_string();
            self.remember(&line, &result);
            match result {
                Ok(output) => {
                    self.console.take_events();
                    if changes_state(&command) {
                        self.open_advance = None;
                        self.lines.push(line.clone());
                        self.record(&output.events);
                    }
                    completed.push(LineOutput {
                        span,
                        command: line,
                        output,
                    });
                }
                Err(error) => return Err(ScriptError { error, completed }),
            }
        }
        Ok(completed)
    }

    /// One play tick: `advance` the clock by `millis`, growing the open play line.
    pub fn tick(&mut self, millis: u64) -> Result<Output, ExecError> {
        let line = format!("advance {millis}ms");
        let output = self.console.run_line(&line)?;
        self.console.take_events();
        let total = match self.open_advance {
            Some(before) => {
                self.lines.pop();
                before + millis
            }
            None => millis,
        };
        let command = script::Command::Advance { millis: total };
        self.lines.push(command.to_string());
        self.open_advance = Some(total);
        self.record(&output.events);
        Ok(output)
    }

    /// Ends the growing play line, so that it can be stored; the next tick starts a new one.
    pub fn settle(&mut self) {
        self.open_advance = None;
    }

    fn record(&mut self, events: &[Event]) {
        self.step += 1;
        self.latest = events.to_vec();
        for event in events {
            if matches!(event, Event::ClockAdvanced { .. }) {
                continue;
            }
            self.events.push_back(LoggedEvent {
                step: self.step,
                event: event.clone(),
            });
        }
        while self.events.len() > EVENT_LOG_LIMIT {
            self.events.pop_front();
        }
    }

    /// The world's state hash, as the JS API gives it.
    pub fn state_hash(&self) -> String {
        self.console.state_hash()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_lines_run_on_a_fresh_world() {
        let sandbox = Sandbox::starter();
        assert_eq!(sandbox.lines(), STARTER_LINES);
        assert_eq!(
            sandbox.world().topic("orders").unwrap().partitions().len(),
            3
        );
    }

    #[test]
    fn a_failing_line_changes_nothing_and_says_where() {
        let mut sandbox = Sandbox::starter();
        let hash = sandbox.state_hash();
        let err = sandbox
            .run("kafka-topics --create --topic orders --partitons 3")
            .unwrap_err();
        assert_eq!(err.span.column, 38);
        assert_eq!(sandbox.state_hash(), hash);
        assert_eq!(sandbox.lines().len(), 1);
        let last = sandbox.transcript().last().unwrap();
        assert_eq!(last.result.as_ref().unwrap_err().column, 38);
    }

    #[test]
    fn queries_are_answered_but_not_stored() {
        let mut sandbox = Sandbox::starter();
        let out = sandbox.run("kafka-get-offsets --topic orders").unwrap();
        assert_eq!(out.text, "orders:0:0\norders:1:0\norders:2:0\n");
        assert_eq!(sandbox.lines().len(), 1);
    }

    #[test]
    fn lines_are_stored_in_canonical_form() {
        let mut sandbox = Sandbox::starter();
        sandbox
            .run("kafka-console-producer  --topic orders --key alice --value 'hi'")
            .unwrap();
        let stored = sandbox.lines().last().unwrap();
        assert_eq!(
            script::parse_line(stored).unwrap().unwrap().to_string(),
            *stored
        );
    }

    #[test]
    fn play_ticks_become_one_line_that_replays_to_the_same_world() {
        let mut sandbox = Sandbox::starter();
        for line in [
            "producer p1 linger.ms=5",
            "consumer c1 group.id=billing auto.offset.reset=earliest",
            "subscribe c1 orders",
            "send p1 --topic orders --key alice --value 1",
        ] {
            sandbox.run(line).unwrap();
        }
        for _ in 0..60 {
            sandbox.tick(100).unwrap();
        }
        assert_eq!(sandbox.settled_lines(), sandbox.lines().len() - 1);
        sandbox.settle();
        sandbox.run("poll c1").unwrap();
        for _ in 0..5 {
            sandbox.tick(250).unwrap();
        }
        let lines = sandbox.lines().to_vec();
        assert_eq!(lines[lines.len() - 3], "advance 6s");
        assert_eq!(lines[lines.len() - 1], "advance 1s250ms");
        let rebuilt = Sandbox::rebuild(NEW_SESSION_SEED, WorldConfig::default(), &lines);
        assert!(rebuilt.problem.is_none());
        assert_eq!(rebuilt.sandbox.state_hash(), sandbox.state_hash());
    }

    #[test]
    fn a_line_that_no_longer_runs_ends_the_replay_and_keeps_the_rest() {
        let lines = vec![
            "kafka-topics --create --topic t --partitions 1".to_string(),
            "poll nobody".to_string(),
            "kafka-topics --create --topic u --partitions 1".to_string(),
        ];
        let rebuilt = Sandbox::rebuild(1, WorldConfig::default(), &lines);
        assert_eq!(rebuilt.sandbox.lines().len(), 1);
        assert!(rebuilt.problem.unwrap().contains("step 2"));
    }
}
