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
use script::why::{Causes, Why};
use sim::{Event, WorldConfig};
use std::collections::VecDeque;
use std::rc::Rc;

/// The seed of a new session: the first page always starts from the same world.
pub const NEW_SESSION_SEED: u64 = 42;

/// The lines a new sandbox starts with: a train of three compartments.
pub const STARTER_LINES: &[&str] = &["kafka-topics --create --topic orders --partitions 3"];

/// How many console exchanges the transcript keeps.
const TRANSCRIPT_LIMIT: usize = 200;
/// How many events the event log keeps.
const EVENT_LOG_LIMIT: usize = 400;
/// How often (in lines) the sandbox keeps a checkpoint of its world: jumping on the timeline
/// restores the nearest one and replays at most this many lines; the latest is also stored,
/// so a reload replays only the lines after it.
pub const CHECKPOINT_EVERY: usize = store::SNAPSHOT_INTERVAL as usize;

/// The world after the first `lines` lines, as `sim`'s snapshot bytes, with the causes
/// recorded up to there (for "why?").
#[derive(Clone, Debug)]
pub struct Checkpoint {
    pub lines: usize,
    pub world: Rc<Vec<u8>>,
    pub causes: Rc<Causes>,
}

/// A future abandoned by acting in the past: the lines after `at` as they were.
#[derive(Clone, Debug, PartialEq)]
pub struct Fork {
    /// How many lines the two timelines share.
    pub at: usize,
    /// Every line of the abandoned timeline (shared ones included).
    pub lines: Vec<String>,
}

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
    seed: u64,
    config: WorldConfig,
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
    /// Worlds every [`CHECKPOINT_EVERY`] lines, in order (the first one is the empty world).
    checkpoints: Vec<Checkpoint>,
    /// The lines after the one shown, while the learner looks at an earlier step.
    future: Vec<String>,
    /// A future the last line abandoned, until the page has saved it.
    forked: Option<Fork>,
    /// What happened at which step, for "why?" (bounded: see `script::why`).
    causes: Causes,
    /// After resuming from a stored checkpoint, the checkpoints before it are rebuilt a
    /// little at a time by replaying the lines on a console of their own.
    filler: Option<Filler>,
}

/// A console replaying a resumed session's lines from the start, to rebuild the checkpoints
/// before the one it resumed from and the "why?" history of every step.
#[derive(Clone, Debug)]
struct Filler {
    console: Console,
    causes: Causes,
    /// Lines replayed so far.
    done: usize,
    /// The checkpoint the session resumed from: checkpoints are rebuilt below it.
    until: usize,
}

/// What rebuilding a stored session gave.
pub struct Rebuilt {
    pub sandbox: Sandbox,
    /// What went wrong, if a line no longer ran (the lines before it are kept).
    pub problem: Option<String>,
}

/// Runs one stored line on `console` as step `step` (a line number, from 1), recording its
/// events for "why?"; gives the line's canonical form. A replay's events are history, not
/// news: the caller takes them off the console.
fn replay_line(
    console: &mut Console,
    causes: &mut Causes,
    step: u64,
    line: &str,
) -> Result<String, ExecError> {
    let Some(command) = script::parse_line(line).map_err(ExecError::from)? else {
        return Ok(line.to_string());
    };
    let span = script::Span::new(1, 1, line.len().max(1));
    let output = console.execute(span, &command)?;
    console.take_events();
    causes.record(step, &output.events);
    Ok(command.to_string())
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
        let console = Console::with_config(seed, config.clone());
        let checkpoints = console
            .world_snapshot()
            .map(|world| Checkpoint {
                lines: 0,
                world: Rc::new(world),
                causes: Rc::new(Causes::new()),
            })
            .into_iter()
            .collect();
        Sandbox {
            seed,
            config,
            console,
            lines: Vec::new(),
            open_advance: None,
            transcript: VecDeque::new(),
            exchanges: 0,
            events: VecDeque::new(),
            latest: Vec::new(),
            step: 0,
            checkpoints,
            future: Vec::new(),
            forked: None,
            causes: Causes::new(),
            filler: None,
        }
    }

    /// Replays stored lines on a fresh console. A line that no longer runs ends the replay
    /// there: the lines before it are kept and the problem is reported.
    pub fn rebuild(seed: u64, config: WorldConfig, lines: &[String]) -> Rebuilt {
        let mut sandbox = Sandbox::empty(seed, config);
        let problem = sandbox.replay(lines).err();
        Rebuilt { sandbox, problem }
    }

    /// A stored session from its latest checkpoint: the world after `before` (the lines that
    /// built it), then `after` replayed on it. Gives an error (and the caller replays every
    /// line instead) if the checkpoint cannot be read.
    pub fn resume(
        seed: u64,
        config: WorldConfig,
        before: Vec<String>,
        world: Vec<u8>,
        after: &[String],
    ) -> Result<Rebuilt, String> {
        let console = Console::resume(&world, &before).map_err(|e| e.to_string())?;
        let mut sandbox = Sandbox::empty(seed, config);
        sandbox.console = console;
        sandbox.step = before.len() as u64;
        sandbox.checkpoints.push(Checkpoint {
            lines: before.len(),
            world: Rc::new(world),
            causes: Rc::new(Causes::new()),
        });
        if !before.is_empty() {
            sandbox.filler = Some(Filler {
                console: Console::with_config(seed, sandbox.config.clone()),
                causes: Causes::new(),
                done: 0,
                until: before.len(),
            });
        }
        sandbox.lines = before;
        let problem = sandbox.replay(after).err();
        Ok(Rebuilt { sandbox, problem })
    }

    /// Runs stored lines on the console as they are, keeping checkpoints; stops at the first
    /// line that no longer runs and says which.
    fn replay(&mut self, lines: &[String]) -> Result<(), String> {
        self.replay_observed(lines, |_| {})
    }

    /// Replays stored lines on this session as [`Sandbox::rebuild`] does, showing the console
    /// to `observe` after each line that ran (a chapter's goals are met along the way, not
    /// only at the end).
    pub fn replay_observed(
        &mut self,
        lines: &[String],
        mut observe: impl FnMut(&Console),
    ) -> Result<(), String> {
        let result = (|| {
            for line in lines {
                // Kept in canonical form, as the console logs it (a checkpoint's log is
                // rebuilt from these lines).
                let step = self.lines.len() as u64 + 1;
                match replay_line(&mut self.console, &mut self.causes, step, line) {
                    Ok(canonical) => {
                        self.lines.push(canonical);
                        self.step += 1;
                        self.maybe_checkpoint();
                        observe(&self.console);
                    }
                    Err(e) => {
                        return Err(format!(
                            "step {} (`{line}`) no longer runs ({}); the session stops before it",
                            self.lines.len() + 1,
                            e.message()
                        ))
                    }
                }
            }
            Ok(())
        })();
        // Replayed history is not news: nothing to animate or announce.
        self.console.take_events();
        result
    }

    /// Keeps a checkpoint when [`CHECKPOINT_EVERY`] settled lines have passed since the last.
    fn maybe_checkpoint(&mut self) {
        if self.open_advance.is_some() {
            return;
        }
        let last = self.checkpoints.last().map_or(0, |c| c.lines);
        if self.lines.len() < last + CHECKPOINT_EVERY {
            return;
        }
        if let Ok(world) = self.console.world_snapshot() {
            self.checkpoints.push(Checkpoint {
                lines: self.lines.len(),
                world: Rc::new(world),
                causes: Rc::new(self.causes.clone()),
            });
        }
    }

    /// Whether checkpoints before the one a session resumed from are still being rebuilt.
    pub fn filling_checkpoints(&self) -> bool {
        self.filler.is_some()
    }

    /// Replays up to `lines` more lines of a resumed session on a console of its own,
    /// keeping a checkpoint every [`CHECKPOINT_EVERY`] lines below the one it resumed from (so
    /// jumps there are as quick as after it); once it has caught up with the last step, its
    /// "why?" history (which knows every step) replaces the one that began at the resumed
    /// checkpoint. Returns whether more remains. The world shown is not touched.
    pub fn fill_checkpoints(&mut self, lines: usize) -> bool {
        let Some(mut filler) = self.filler.take() else {
            return false;
        };
        let at_head = self.future.is_empty() && self.open_advance.is_none();
        let target = if at_head {
            self.lines.len()
        } else {
            filler.until.min(self.lines.len())
        };
        let end = target.min(filler.done + lines);
        for index in filler.done..end {
            let Some(line) = self.timeline_line(index) else {
                return false;
            };
            let step = index as u64 + 1;
            if replay_line(&mut filler.console, &mut filler.causes, step, line).is_err() {
                // It always replays; if not, the session keeps what it has.
                return false;
            }
            filler.done = index + 1;
            if filler.done % CHECKPOINT_EVERY == 0 && filler.done < filler.until {
                if let Ok(world) = filler.console.world_snapshot() {
                    let at = self.checkpoints.partition_point(|c| c.lines < filler.done);
                    if self
                        .checkpoints
                        .get(at)
                        .is_none_or(|c| c.lines != filler.done)
                    {
                        self.checkpoints.insert(
                            at,
                            Checkpoint {
                                lines: filler.done,
                                world: Rc::new(world),
                                causes: Rc::new(filler.causes.clone()),
                            },
                        );
                    }
                }
            }
        }
        if at_head && filler.done == self.lines.len() {
            self.causes = filler.causes;
            return false;
        }
        self.filler = Some(filler);
        true
    }

    /// The latest checkpoint after the first line, if any (what the page stores).
    pub fn latest_checkpoint(&self) -> Option<&Checkpoint> {
        self.checkpoints.last().filter(|c| c.lines > 0)
    }

    /// Every step of the session's timeline: the lines shown and those after them.
    pub fn timeline_len(&self) -> usize {
        self.lines.len() + self.future.len()
    }

    /// Whether the learner looks at an earlier step than the last.
    pub fn in_the_past(&self) -> bool {
        !self.future.is_empty()
    }

    /// Line `index` of the whole timeline (the lines shown, then the future).
    pub fn timeline_line(&self, index: usize) -> Option<&String> {
        self.lines
            .get(index)
            .or_else(|| self.future.get(index.checked_sub(self.lines.len())?))
    }

    /// How many lines of the timeline may be stored now (all but a growing play line).
    pub fn settled_timeline(&self) -> usize {
        self.settled_lines() + self.future.len()
    }

    /// The seed and world config the session started from.
    pub fn origin(&self) -> (u64, &WorldConfig) {
        (self.seed, &self.config)
    }

    /// The future the latest line abandoned, for the page to save (once).
    pub fn take_fork(&mut self) -> Option<Fork> {
        self.forked.take()
    }

    /// Shows the world after the first `to` lines of the timeline (clamped to it), from the
    /// nearest checkpoint, keeping the later lines as the future until the learner acts.
    pub fn jump(&mut self, to: usize) -> Result<(), String> {
        self.settle();
        let to = to.min(self.timeline_len());
        let here = self.lines.len();
        if to == here {
            return Ok(());
        }
        let from = self
            .checkpoints
            .iter()
            .rev()
            .find(|c| c.lines <= to)
            .cloned()
            .unwrap_or(Checkpoint {
                lines: 0,
                world: Rc::new(Vec::new()),
                causes: Rc::new(Causes::new()),
            });
        let mut all = std::mem::take(&mut self.lines);
        all.append(&mut self.future);
        let start = if to > here && here >= from.lines {
            // Forward from the world shown: no older checkpoint to restore.
            here
        } else {
            let restored = if from.world.is_empty() {
                Ok(Console::with_config(self.seed, self.config.clone()))
            } else {
                Console::resume(&from.world, &all[..from.lines]).map_err(|e| e.to_string())
            };
            match restored {
                Ok(console) => {
                    self.console = console;
                    self.causes = (*from.causes).clone();
                }
                Err(e) => {
                    self.lines = all;
                    return Err(format!("the saved world could not be read: {e}"));
                }
            }
            from.lines
        };
        self.future = all.split_off(to);
        let replay = all.split_off(start);
        self.lines = all;
        self.events.clear();
        let replayed = self.replay(&replay);
        if replayed.is_err() {
            // Nothing is lost: what did not replay stays ahead, as the future.
            let done = self.lines.len() - start;
            let mut rest = replay[done..].to_vec();
            rest.append(&mut self.future);
            self.future = rest;
        }
        self.latest.clear();
        replayed
    }

    /// A changing line while the learner looks at the past starts a new future: the old
    /// one is handed to the page (see [`Sandbox::take_fork`]) to keep as a saved session.
    fn leave_the_past(&mut self) {
        if self.future.is_empty() {
            return;
        }
        let at = self.lines.len();
        if self.filler.as_ref().is_some_and(|f| f.done > at) {
            // The filler replayed lines this new future replaces: it stops here.
            self.filler = None;
        }
        let mut lines = self.lines.clone();
        lines.append(&mut self.future);
        self.forked = Some(Fork { at, lines });
        self.checkpoints.retain(|c| c.lines <= at);
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
            self.leave_the_past();
            self.open_advance = None;
            self.lines.push(command.to_string());
            self.record(&output.events);
            self.maybe_checkpoint();
        }
        Ok(output)
    }

    /// Runs a scenario (several lines) like the console's `run_script`: line by line, stopping
    /// at the first that fails, whose error says where in `source`; the lines before it stay.
    /// `observe` sees the console after each line that ran (a chapter's goals are checked
    /// line by line, as for typed lines).
    pub fn run_script_observed(
        &mut self,
        source: &str,
        mut observe: impl FnMut(&Console),
    ) -> Result<Vec<LineOutput>, ScriptError> {
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
                        self.leave_the_past();
                        self.open_advance = None;
                        self.lines.push(line.clone());
                        self.record(&output.events);
                        self.maybe_checkpoint();
                    }
                    completed.push(LineOutput {
                        span,
                        command: line,
                        output,
                    });
                    observe(&self.console);
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
        self.leave_the_past();
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
        self.maybe_checkpoint();
    }

    fn record(&mut self, events: &[Event]) {
        // Steps of "why?" are line numbers: a growing play line keeps its number.
        self.causes.record(self.lines.len() as u64, events);
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

    /// Why `group` processed the record at `offset` of `topic`:`partition` as often as it
    /// did (twice, never …): the chain of steps from the core's events and ledger.
    pub fn why(&self, group: &str, topic: &str, partition: i32, offset: i64) -> Option<Why> {
        self.causes
            .explain(&self.console, group, topic, partition, offset)
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

    fn long_session(n: usize) -> Vec<String> {
        let mut lines = vec![
            "kafka-topics --create --topic orders --partitions 3".to_string(),
            "consumer c1 auto.offset.reset=earliest group.id=billing".to_string(),
            "subscribe c1 orders".to_string(),
        ];
        for i in lines.len()..n {
            lines.push(match i % 7 {
                0 => "poll c1".to_string(),
                3 => "advance 250ms".to_string(),
                _ => format!(
                    "kafka-console-producer --topic orders --key k{} --value v{i}",
                    i % 13
                ),
            });
        }
        lines
    }

    fn hash_after(lines: &[String]) -> String {
        Sandbox::rebuild(NEW_SESSION_SEED, WorldConfig::default(), lines)
            .sandbox
            .state_hash()
    }

    #[test]
    fn a_long_session_keeps_a_checkpoint_every_interval() {
        let lines = long_session(1_250);
        let sandbox = Sandbox::rebuild(NEW_SESSION_SEED, WorldConfig::default(), &lines).sandbox;
        let at: Vec<usize> = sandbox.checkpoints.iter().map(|c| c.lines).collect();
        assert_eq!(at, [0, 500, 1_000]);
        assert_eq!(sandbox.latest_checkpoint().unwrap().lines, 1_000);
    }

    #[test]
    fn jumping_anywhere_shows_the_world_those_lines_build_and_keeps_the_future() {
        let lines = long_session(1_100);
        let mut sandbox =
            Sandbox::rebuild(NEW_SESSION_SEED, WorldConfig::default(), &lines).sandbox;
        let head = sandbox.state_hash();
        for to in [1_099, 1_000, 999, 501, 500, 499, 3, 0, 777, 1_050, 20] {
            sandbox.jump(to).unwrap();
            assert_eq!(sandbox.lines().len(), to);
            assert_eq!(sandbox.timeline_len(), 1_100);
            assert_eq!(
                sandbox.state_hash(),
                hash_after(&lines[..to]),
                "after {to} lines"
            );
            assert_eq!(
                sandbox.console().log(),
                Sandbox::rebuild(NEW_SESSION_SEED, WorldConfig::default(), &lines[..to])
                    .sandbox
                    .console()
                    .log()
            );
        }
        sandbox.jump(usize::MAX).unwrap();
        assert!(!sandbox.in_the_past());
        assert_eq!(sandbox.state_hash(), head);
        assert_eq!(sandbox.lines(), lines);
    }

    #[test]
    fn acting_in_the_past_starts_a_new_future_and_hands_over_the_old_one() {
        let lines = long_session(620);
        let mut sandbox =
            Sandbox::rebuild(NEW_SESSION_SEED, WorldConfig::default(), &lines).sandbox;
        sandbox.jump(100).unwrap();
        // Looking is not acting: a query keeps the future.
        sandbox.run("kafka-get-offsets --topic orders").unwrap();
        assert!(sandbox.in_the_past());
        assert!(sandbox.take_fork().is_none());
        sandbox
            .run("kafka-console-producer --topic orders --value new")
            .unwrap();
        assert!(!sandbox.in_the_past());
        assert_eq!(sandbox.timeline_len(), 101);
        let fork = sandbox.take_fork().unwrap();
        assert_eq!(fork.at, 100);
        assert_eq!(fork.lines, lines);
        assert!(sandbox.take_fork().is_none());
        assert!(sandbox.checkpoints.iter().all(|c| c.lines <= 100));
        let mut expected = lines[..100].to_vec();
        expected.push("kafka-console-producer --topic orders --value new".into());
        assert_eq!(sandbox.lines(), expected);
        assert_eq!(sandbox.state_hash(), hash_after(&expected));
    }

    #[test]
    fn a_session_resumed_from_its_checkpoint_is_the_session_replayed_in_full() {
        let lines = long_session(1_234);
        let full = Sandbox::rebuild(NEW_SESSION_SEED, WorldConfig::default(), &lines).sandbox;
        let checkpoint = full.latest_checkpoint().unwrap().clone();
        let resumed = Sandbox::resume(
            NEW_SESSION_SEED,
            WorldConfig::default(),
            lines[..checkpoint.lines].to_vec(),
            checkpoint.world.to_vec(),
            &lines[checkpoint.lines..],
        )
        .unwrap();
        assert!(resumed.problem.is_none());
        let mut resumed = resumed.sandbox;
        assert_eq!(resumed.state_hash(), full.state_hash());
        assert_eq!(resumed.lines(), lines);
        assert_eq!(resumed.console().log(), full.console().log());
        // Back before the checkpoint, the timeline still knows every world.
        resumed.jump(10).unwrap();
        assert_eq!(resumed.state_hash(), hash_after(&lines[..10]));
        assert!(Sandbox::resume(
            NEW_SESSION_SEED,
            WorldConfig::default(),
            lines[..checkpoint.lines].to_vec(),
            b"not a world".to_vec(),
            &[],
        )
        .is_err());
    }

    #[test]
    fn a_resumed_session_rebuilds_its_early_checkpoints_and_its_whole_why_history() {
        let mut lines = vec![
            "kafka-topics --create --topic orders --partitions 3".to_string(),
            "kafka-topics --create --topic rides --partitions 1".to_string(),
            "kafka-console-producer --topic rides --value one --value two --value three"
                .to_string(),
            "consumer c1 auto.offset.reset=earliest enable.auto.commit=false group.id=billing"
                .to_string(),
            "subscribe c1 rides".to_string(),
            "poll c1".to_string(),
            "advance 3s".to_string(),
            "poll c1".to_string(),
            "process c1 --count 1".to_string(),
            "commitSync c1 --offsets rides:0=1".to_string(),
            "process c1".to_string(),
            "crash c1".to_string(),
            "advance 45s".to_string(),
        ];
        lines.extend(
            long_session(2_300)
                .into_iter()
                .skip(3)
                .filter(|l| !l.contains("c1")),
        );
        lines.extend([
            "consumer c2 auto.offset.reset=earliest enable.auto.commit=false group.id=billing"
                .to_string(),
            "subscribe c2 rides".to_string(),
            "poll c2".to_string(),
            "advance 3s".to_string(),
            "poll c2".to_string(),
            "process c2".to_string(),
        ]);
        let full = Sandbox::rebuild(NEW_SESSION_SEED, WorldConfig::default(), &lines);
        assert!(full.problem.is_none(), "{:?}", full.problem);
        let full = full.sandbox;
        let explained = full.why("billing", "rides", 0, 2).unwrap();
        let checkpoint = full.latest_checkpoint().unwrap().clone();
        assert_eq!(
            checkpoint.lines,
            1_500,
            "{} lines, checkpoints {:?}",
            full.lines().len(),
            full.checkpoints.iter().map(|c| c.lines).collect::<Vec<_>>()
        );
        let mut resumed = Sandbox::resume(
            NEW_SESSION_SEED,
            WorldConfig::default(),
            lines[..checkpoint.lines].to_vec(),
            checkpoint.world.to_vec(),
            &lines[checkpoint.lines..],
        )
        .unwrap()
        .sandbox;
        // Right after resuming, the early history is unknown to "why?".
        assert_ne!(resumed.why("billing", "rides", 0, 2).unwrap(), explained);
        assert!(resumed.filling_checkpoints());
        let mut rounds = 0;
        while resumed.fill_checkpoints(100) {
            rounds += 1;
            assert!(rounds < 100);
        }
        assert!(!resumed.filling_checkpoints());
        assert_eq!(resumed.why("billing", "rides", 0, 2).unwrap(), explained);
        let at: Vec<usize> = resumed.checkpoints.iter().map(|c| c.lines).collect();
        assert_eq!(at, [0, 500, 1_000, 1_500]);
        for (rebuilt, original) in resumed.checkpoints.iter().zip(&full.checkpoints) {
            assert_eq!(
                rebuilt.world, original.world,
                "the same world at {}",
                rebuilt.lines
            );
        }
        assert_eq!(resumed.state_hash(), full.state_hash());
        resumed.jump(123).unwrap();
        assert_eq!(resumed.state_hash(), hash_after(&lines[..123]));
    }
}
