//! The tutorial in the page: a chapter's live world and the learner's way through it.
//!
//! A chapter (data from the `tutorial` crate) is played on its own [`Sandbox`], built from the
//! chapter's setup lines on [`tutorial::SEED`]; while the tutorial is open that sandbox takes
//! the place of the learner's own session (which is kept aside and comes back when the
//! tutorial closes). Every button and console line acts on it through the same
//! `Action::Run` path as in the sandbox, and after each step [`ChapterRun::observe`] checks the
//! chapter's goals with [`tutorial::Progress`] (a goal once met stays met).
//!
//! What is stored (see `components/tutorial.rs`): a `ChapterProgress` record per chapter
//! started (done or not; the most recently changed one not done is the current chapter), and
//! the lines of each chapter's world as a store session named after the chapter
//! ([`session_name`]: the setup lines, then the learner's). A reload mid-chapter rebuilds the
//! world from those lines; the learner's own sandbox never picks such a session by itself.

use crate::session::{Rebuilt, Sandbox};
use crate::vocab::Vocabulary;
use script::exec::Console;
use sim::WorldConfig;
use tutorial::{Chapter, Evaluation, Progress};

/// Every chapter (empty if the compiled-in chapters failed to parse, which the crate's tests
/// rule out).
pub fn chapters() -> &'static [Chapter] {
    tutorial::chapters().unwrap_or(&[])
}

/// The place of the chapter with this id.
pub fn chapter_index(id: &str) -> Option<usize> {
    chapters().iter().position(|c| c.id == id)
}

/// The chapter named in a page address's hash (`#chapter=ID`).
pub fn chapter_in_hash(hash: &str) -> Option<&str> {
    let id = hash
        .strip_prefix('#')
        .unwrap_or(hash)
        .strip_prefix("chapter=")?;
    (!id.is_empty()).then_some(id)
}

/// The page address's hash for a chapter.
pub fn chapter_hash(chapter: &Chapter) -> String {
    format!("chapter={}", chapter.id)
}

/// The prefix of the names of the store sessions that keep chapter worlds.
pub const SESSION_PREFIX: &str = "Tutorial · ";

/// The name of the store session that keeps a chapter's world.
pub fn session_name(chapter: &Chapter) -> String {
    format!("{SESSION_PREFIX}{}. {}", chapter.number, chapter.title)
}

/// Whether a stored session keeps a chapter's world (not one of the learner's sandboxes).
pub fn is_chapter_session(name: &str) -> bool {
    name.starts_with(SESSION_PREFIX)
}

/// The learner's lines in stored chapter lines: what follows the setup, if the stored lines
/// start with this chapter's setup (a changed chapter starts over).
pub fn learner_lines<'a>(chapter: &Chapter, stored: &'a [String]) -> Option<&'a [String]> {
    let setup = setup_lines(chapter);
    (stored.len() >= setup.len() && stored[..setup.len()] == setup[..])
        .then(|| &stored[setup.len()..])
}

/// The chapter's setup lines in canonical form (as a sandbox stores them).
pub fn setup_lines(chapter: &Chapter) -> Vec<String> {
    Sandbox::rebuild(tutorial::SEED, WorldConfig::default(), &chapter.setup)
        .sandbox
        .lines()
        .to_vec()
}

/// The free ride's name in addresses (`#chapter=free-ride`): the step after the last chapter,
/// the sandbox with the world the learner built.
///
/// The free ride forks: it stores the chapter world's lines as a new, ordinary session of the
/// learner's (named with [`FREE_RIDE_PREFIX`]) and opens it in the sandbox, rather than letting
/// the chapter's own session go on as a sandbox. A chapter's session must stay what the
/// chapter reads back (its setup, then the learner's lines for its goals): continuing it with
/// play, new futures and snapshots would turn reopening or resetting the chapter into
/// replaying a whole sandbox against its goals. The fork leaves the chapter as it was,
/// and gives the learner a session like any other (timeline, sharing, export, the sessions
/// list, reopened after a reload).
pub const FREE_RIDE: &str = "free-ride";

/// The beginning of every free ride's session name.
pub const FREE_RIDE_PREFIX: &str = "Free ride · ";

/// The page address's hash of the free ride.
pub fn free_ride_hash() -> String {
    format!("chapter={FREE_RIDE}")
}

/// The name of the session a free ride from `chapter`'s world is stored as.
pub fn free_ride_name(chapter: &Chapter) -> String {
    format!(
        "{FREE_RIDE_PREFIX}from {}. {}",
        chapter.number, chapter.title
    )
}

/// The chapter whose world the free ride takes: the one open, else the last.
pub fn free_ride_chapter(open: Option<usize>) -> Option<&'static Chapter> {
    open.and_then(|i| chapters().get(i))
        .or_else(|| chapters().last())
}

/// The lines a free ride from `chapter` starts with, and whether they are the learner's: the
/// chapter's stored lines when they start with its setup, else its setup and its solution
/// (the world the tutorial's end leaves, for a link opened before the chapter was taken).
pub fn free_ride_lines(chapter: &Chapter, stored: Option<&[String]>) -> (Vec<String>, bool) {
    if let Some(stored) = stored.filter(|s| learner_lines(chapter, s).is_some()) {
        return (stored.to_vec(), true);
    }
    let mut all = chapter.setup.clone();
    all.extend(chapter.solution.iter().cloned());
    let solved = Sandbox::rebuild(tutorial::SEED, WorldConfig::default(), &all).sandbox;
    (solved.lines().to_vec(), false)
}

/// Where "show me" is: the next solution line to play.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShowMe {
    pub next: usize,
}

/// The learner's way through one chapter, beside its sandbox.
#[derive(Clone, Debug, PartialEq)]
pub struct ChapterRun {
    /// The chapter's place in [`chapters`].
    pub index: usize,
    pub progress: Progress,
    /// The goals against the world shown.
    pub evaluation: Evaluation,
    /// The console's log length right after the setup (steps are counted from there).
    pub start_len: usize,
    /// How many sandbox lines the setup made (the learner's lines follow).
    pub setup_len: usize,
    /// How many hints are shown.
    pub hints_shown: usize,
    /// The learner's steps when every goal was first reached.
    pub finished_in: Option<usize>,
    /// "Show me" is playing the solution.
    pub show_me: Option<ShowMe>,
    /// "Show me" played (part of) the solution in this attempt.
    pub shown: bool,
    /// Counts the fresh starts of this chapter's world ("reset chapter", "show me") since it
    /// opened: the stored lines start over at each.
    pub attempt: u32,
}

/// A chapter opened: its world and the run beside it.
pub struct Opened {
    pub sandbox: Sandbox,
    pub run: ChapterRun,
    /// A stored line that no longer runs (the world stops before it).
    pub problem: Option<String>,
}

impl ChapterRun {
    /// The chapter this run follows.
    pub fn chapter(&self) -> Option<&'static Chapter> {
        chapters().get(self.index)
    }

    /// Opens chapter `index` with the learner's earlier lines replayed on its starting world,
    /// the goals checked after each of them as they were live: a goal met on the way (the
    /// next free seat at 2 before new passengers board) stays met when the chapter reopens.
    pub fn open(index: usize, learner: &[String]) -> Option<Opened> {
        let chapter = chapters().get(index)?;
        let Rebuilt {
            mut sandbox,
            problem,
        } = Sandbox::rebuild(tutorial::SEED, WorldConfig::default(), &chapter.setup);
        let start_len = sandbox.console().log().len();
        let setup_len = sandbox.lines().len();
        let mut run = ChapterRun {
            index,
            progress: Progress::new(chapter),
            evaluation: tutorial::evaluate(chapter, sandbox.console()),
            start_len,
            setup_len,
            hints_shown: 0,
            finished_in: None,
            show_me: None,
            shown: false,
            attempt: 0,
        };
        run.observe(sandbox.console());
        let problem = match problem {
            Some(problem) => Some(problem),
            None => sandbox
                .replay_observed(learner, |console| {
                    run.observe(console);
                })
                .err(),
        };
        Some(Opened {
            sandbox,
            run,
            problem,
        })
    }

    /// Checks the goals after a step; returns true when this step completed the chapter.
    pub fn observe(&mut self, console: &Console) -> bool {
        let Some(chapter) = self.chapter() else {
            return false;
        };
        self.evaluation = self.progress.update(chapter, console);
        if self.progress.is_complete() && self.finished_in.is_none() {
            self.finished_in = Some(self.steps(console));
            return true;
        }
        false
    }

    /// Steps the learner took since the chapter started.
    pub fn steps(&self, console: &Console) -> usize {
        tutorial::steps_taken(self.start_len, console)
    }

    pub fn is_complete(&self) -> bool {
        self.progress.is_complete()
    }

    /// Shows one more hint; false when every hint is shown.
    pub fn reveal_hint(&mut self) -> bool {
        let total = self.chapter().map_or(0, |c| c.hints.len());
        if self.hints_shown < total {
            self.hints_shown += 1;
            true
        } else {
            false
        }
    }
}

/// The learner's steps against the chapter's par, as a sentence.
pub fn par_verdict(steps: usize, par: usize, shown: bool) -> String {
    let taken = match steps {
        1 => "1 step".to_string(),
        n => format!("{n} steps"),
    };
    if shown {
        return format!(
            "“Show me” reached it in {taken} (par {par}). Try it yourself with “Reset chapter”."
        );
    }
    let how = match steps.cmp(&par) {
        std::cmp::Ordering::Less => "under par: a shorter way than ours!",
        std::cmp::Ordering::Equal => "exactly par.",
        std::cmp::Ordering::Greater => "par is fewer; any path that reaches the goal counts.",
    };
    format!("You took {taken} (par {par}): {how}")
}

/// A paragraph split into plain text and `code` (text between backticks).
pub fn story_parts(paragraph: &str) -> Vec<(bool, &str)> {
    paragraph
        .split('`')
        .enumerate()
        .filter(|(_, part)| !part.is_empty())
        .map(|(i, part)| (i % 2 == 1, part))
        .collect()
}

/// Sentence shapes of the goal checks' explanations (train words with the Kafka words
/// beside) and the same sentence in Kafka words. `{a}`, `{b}` … stand for names and numbers.
const KAFKA_SENTENCES: &[(&str, &str)] = &[
    (
        "{a} has {b} passengers (records) with ticket {c} (key)",
        "{a} has {b} records with key {c}",
    ),
    (
        "passengers with ticket {a} (key) sit in {b} compartments (partitions) of train {c}",
        "records with key {a} are in {b} partitions of topic {c}",
    ),
    (
        "{a} has {b} passengers (records) on board",
        "{a} has {b} records",
    ),
    (
        "the first seat still on board in {a} is seat {b} (log start offset)",
        "the log start offset of {a} is {b}",
    ),
    (
        "boarding is complete up to seat {a} in {b} (high watermark)",
        "the high watermark of {b} is {a}",
    ),
    (
        "the next free seat in {a} is seat {b} (log end offset)",
        "the log end offset of {a} is {b}",
    ),
    (
        "{a} copies of {b} keep up (in-sync replicas: {c})",
        "{b} has {a} in-sync replicas ({c})",
    ),
    (
        "the lead copy of {a} is at depot {b} (leader: broker {c})",
        "the leader of {a} is broker {c}",
    ),
    ("{a} has no lead copy (no leader)", "{a} has no leader"),
    (
        "{a} stands at seat {b} of {c} (position {d})",
        "the position of {a} in {c} is {d}",
    ),
    (
        "{a} does not know where it stands in {b} (no position: {c})",
        "{a} has no position in {b} ({c})",
    ),
    (
        "team {a}'s notebook line for {b} says seat {c} (committed offset {d})",
        "group {a}'s committed offset for {b} is {d}",
    ),
    (
        "team {a} has no line in the notebook for {b} (no committed offset), so its lag there is unknown",
        "group {a} has no committed offset for {b}, so its lag there is unknown",
    ),
    (
        "team {a} has no line in the notebook for {b} (no committed offset)",
        "group {a} has no committed offset for {b}",
    ),
    (
        "team {a} has {b} passengers still to check in {c} (lag {d})",
        "group {a}'s lag on {c} is {d}",
    ),
    (
        "team {a} has checked {b} passengers (records processed)",
        "group {a} has processed {b} records",
    ),
    (
        "team {a} checked {b} passengers twice or more (duplicates)",
        "group {a} processed {b} records more than once (duplicates)",
    ),
    (
        "team {a} never checked {b} passengers it moved past (skipped)",
        "group {a} skipped {b} records without processing them",
    ),
    (
        "team {a} has {b} ticket checkers (consumer group members)",
        "group {a} has {b} members",
    ),
    (
        "team {a} is on shift {b} (generation {c})",
        "group {a} is in generation {c}",
    ),
    (
        "there is no team {a} (consumer group) yet",
        "there is no consumer group {a} yet",
    ),
    ("team {a} (consumer group) is {b}", "group {a} is {b}"),
    (
        "team {a}'s notebook keeper is depot {b} (group coordinator: broker {c})",
        "group {a}'s coordinator is broker {c}",
    ),
    (
        "team {a} has no notebook keeper right now (no group coordinator)",
        "group {a} has no coordinator right now",
    ),
    (
        "the notebook (__consumer_offsets, partition {a}) holds {b} lines of team {c}",
        "__consumer_offsets partition {a} holds {b} offset commits of group {c}",
    ),
    (
        "the notebook (__consumer_offsets) is missing",
        "__consumer_offsets is missing",
    ),
    (
        "compaction emptied {a} seats of the notebook's compartment {b} (__consumer_offsets-{c})",
        "compaction removed {a} offsets of __consumer_offsets-{c}",
    ),
    (
        "ticket checker {a} (consumer) is {b}",
        "consumer {a} is {b}",
    ),
    (
        "{a} last joined its team on shift {b} (generation {c})",
        "{a} last joined its group in generation {c}",
    ),
    (
        "{a} looks after {b} compartments (assigned partitions)",
        "{a} is assigned {b} partitions",
    ),
    (
        "{a} holds {b} tickets in hand (polled, not processed yet)",
        "{a} holds {b} records polled and not processed yet",
    ),
    ("there is no depot {a} (broker)", "there is no broker {a}"),
    ("depot {a} (broker) is {b}", "broker {a} is {b}"),
    (
        "platform {a} (producer) saw {b} passengers board (records acknowledged)",
        "producer {a} had {b} records acknowledged",
    ),
    (
        "platform {a} (producer) gave up on {b} passengers (records failed)",
        "producer {a} failed {b} records",
    ),
    (
        "there is no platform {a} (producer) yet",
        "there is no producer {a} yet",
    ),
    (
        "there is no ticket checker {a} (consumer) yet",
        "there is no consumer {a} yet",
    ),
    (
        "there is no train {a} (topic) yet",
        "there is no topic {a} yet",
    ),
    (
        "train {a} (topic) has no compartment {b} (partition)",
        "topic {a} has no partition {b}",
    ),
    (
        "ledger {a} (database) holds {b} checked passengers (result rows)",
        "database {a} holds {b} result rows",
    ),
    (
        "ledger {a} (database) holds {b} passengers written twice or more (duplicate rows)",
        "database {a} holds {b} duplicate rows",
    ),
    (
        "ledger {a} (database) says {b} goes on at seat {c} of {d} (stored offset {e})",
        "database {a} stores offset {e} for {b} in {d}",
    ),
    (
        "ledger {a} (database) has no seat stored for {b} in {c} (no stored offset)",
        "database {a} has no stored offset for {b} in {c}",
    ),
    ("there is no ledger {a} (database) yet", "there is no database {a} yet"),
    (
        "{a} has {b} seats taken by placards (transaction markers)",
        "{a} has {b} transaction markers",
    ),
    (
        "{a} has {b} passengers of cancelled bookings (records of aborted transactions)",
        "{a} has {b} records of aborted transactions",
    ),
    (
        "the first unsettled seat of {a} is seat {b} (last stable offset {c}): read_committed checkers stop there",
        "the last stable offset of {a} is {c}: read_committed consumers stop there",
    ),
    (
        "team {a} checked {b} passengers of cancelled bookings (records of aborted transactions processed)",
        "group {a} processed {b} records of aborted transactions",
    ),
    (
        "platform {a} (producer) makes no bookings (it has no transactional.id)",
        "producer {a} has no transactional.id",
    ),
    (
        "platform {a} (producer) is FENCED: the booking office (transaction coordinator) {b}, this platform has epoch {c}, so its next call throws ProducerFencedException",
        "producer {a} is fenced: the transaction coordinator {b}, the producer has epoch {c}, so its next call throws ProducerFencedException",
    ),
    (
        "platform {a} (producer) is {b} (transactional.id {c})",
        "producer {a} is {b} (transactional.id {c})",
    ),
];

/// Matches `text` against a sentence shape; gives the values of `{a}`, `{b}` … in order.
fn match_shape(shape: &str, text: &str) -> Option<Vec<(char, String)>> {
    let mut values = Vec::new();
    let mut rest = text;
    let mut pattern = shape;
    loop {
        match pattern.find('{') {
            None => return (rest == pattern).then_some(values),
            Some(open) => {
                let literal = &pattern[..open];
                rest = rest.strip_prefix(literal)?;
                let name = pattern[open + 1..].chars().next()?;
                pattern = &pattern[open + 3..];
                let next_literal = &pattern[..pattern.find('{').unwrap_or(pattern.len())];
                let end = if next_literal.is_empty() {
                    rest.len()
                } else if pattern.find('{').is_none() {
                    // The last literal ends the text.
                    rest.strip_suffix(next_literal)?.len()
                } else {
                    rest.find(next_literal)?
                };
                values.push((name, rest[..end].to_string()));
                rest = &rest[end..];
            }
        }
    }
}

/// Places named in train words inside a sentence, in Kafka words.
fn kafka_places(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let next = [("compartment ", " (partition)"), ("train ", " (topic)")]
            .iter()
            .filter_map(|(train, kafka)| {
                let at = rest.find(train)?;
                let after = &rest[at + train.len()..];
                let close = after.find(kafka)?;
                let name = &after[..close];
                (!name.contains(' ')).then_some((at, train.len(), name, kafka.len()))
            })
            .min_by_key(|(at, ..)| *at);
        let Some((at, train_len, name, kafka_len)) = next else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        out.push_str(if train_len == "compartment ".len() {
            "partition "
        } else {
            "topic "
        });
        out.push_str(name);
        rest = &rest[at + train_len + name.len() + kafka_len..];
    }
}

/// A check's explanation in the learner's vocabulary: as written (train words with the Kafka
/// words beside) for train words, rewritten in Kafka words for Kafka words. A sentence of an
/// unknown shape stays as written (it names both).
pub fn explanation(text: &str, vocabulary: Vocabulary) -> String {
    if vocabulary == Vocabulary::Train {
        return text.to_string();
    }
    let (said, need) = match text.split_once("; ") {
        Some((said, need)) => (said, Some(need)),
        None => (text, None),
    };
    let said = kafka_places(said);
    let rewritten = KAFKA_SENTENCES
        .iter()
        .find_map(|(shape, kafka)| {
            let values = match_shape(shape, &said)?;
            let mut out = kafka.to_string();
            for (name, value) in values {
                out = out.replace(&format!("{{{name}}}"), &value);
            }
            Some(out)
        })
        .unwrap_or(said);
    match need {
        Some(need) => format!("{rewritten}; {need}"),
        None => rewritten,
    }
}

/// The chapter to open from the tutorial entry: the one shown in the address, else the
/// current one (started, not done, most recent), else the first not done, else the first.
pub fn chapter_to_open(current: Option<&str>, done: &[String]) -> usize {
    if let Some(i) = current.and_then(chapter_index) {
        return i;
    }
    chapters()
        .iter()
        .position(|c| !done.contains(&c.id))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_chapter_opens_unmet_and_its_solution_through_the_sandbox_meets_it() {
        assert!(
            chapters().len() >= 12,
            "the tutorial's chapters are compiled in"
        );
        for (i, chapter) in chapters().iter().enumerate() {
            let Opened {
                mut sandbox,
                mut run,
                problem,
            } = ChapterRun::open(i, &[]).expect("opens");
            assert!(problem.is_none(), "{}: {problem:?}", chapter.id);
            assert!(!run.is_complete(), "{} starts unmet", chapter.id);
            assert_eq!(run.steps(sandbox.console()), 0);
            let mut completed_at = None;
            for line in &chapter.solution {
                sandbox.run(line).expect("solution line runs");
                if run.observe(sandbox.console()) {
                    completed_at = Some(run.steps(sandbox.console()));
                }
            }
            assert!(run.is_complete(), "{} is complete", chapter.id);
            assert_eq!(run.finished_in, completed_at);
            assert!(run.finished_in.is_some_and(|n| n <= chapter.par));
        }
    }

    #[test]
    fn a_reload_mid_chapter_rebuilds_the_world_from_the_learners_lines() {
        let chapter = &chapters()[0];
        let Opened { mut sandbox, .. } = ChapterRun::open(0, &[]).expect("opens");
        let first = &chapter.solution[0];
        sandbox.run(first).expect("runs");
        let stored = sandbox.lines().to_vec();
        let learner = learner_lines(chapter, &stored).expect("starts with the setup");
        assert_eq!(learner.len(), 1);
        let again = ChapterRun::open(0, learner).expect("opens");
        assert_eq!(again.sandbox.state_hash(), sandbox.state_hash());
        assert_eq!(again.run.steps(again.sandbox.console()), 1);
        // Lines of another chapter's setup are not this chapter's.
        assert!(learner_lines(&chapters()[6], &stored).is_none());
    }

    #[test]
    fn a_reopened_chapter_keeps_the_goals_met_on_the_way() {
        // Chapter 15's first goal (the next free seat back at 2) no longer holds once new
        // passengers board; reopened, the chapter is complete all the same, done in as many
        // steps as live.
        let index = chapter_index("seats-given-twice").expect("chapter 15");
        let chapter = &chapters()[index];
        let Opened {
            mut sandbox,
            mut run,
            ..
        } = ChapterRun::open(index, &[]).expect("opens");
        for line in &chapter.solution {
            sandbox.run(line).expect("runs");
            run.observe(sandbox.console());
        }
        assert!(run.is_complete());
        assert!(!tutorial::evaluate(chapter, sandbox.console()).goals[0].met);
        let learner = learner_lines(chapter, sandbox.lines())
            .expect("starts with the setup")
            .to_vec();
        let again = ChapterRun::open(index, &learner).expect("opens");
        assert!(again.problem.is_none());
        assert!(again.run.is_complete());
        assert_eq!(again.run.finished_in, run.finished_in);
        assert_eq!(again.sandbox.state_hash(), sandbox.state_hash());
    }

    #[test]
    fn a_goal_once_met_stays_met_and_steps_count_from_the_setup() {
        let Opened {
            mut sandbox,
            mut run,
            ..
        } = ChapterRun::open(0, &[]).expect("opens");
        let chapter = run.chapter().expect("chapter");
        for line in &chapter.solution {
            sandbox.run(line).expect("runs");
            run.observe(sandbox.console());
        }
        let done_in = run.finished_in;
        sandbox
            .run("kafka-console-producer --topic orders --value later")
            .ok();
        run.observe(sandbox.console());
        assert!(run.is_complete());
        assert_eq!(run.finished_in, done_in, "the finishing count stays");
    }

    #[test]
    fn hints_are_revealed_one_at_a_time() {
        let mut run = ChapterRun::open(1, &[]).expect("opens").run;
        let total = run.chapter().expect("chapter").hints.len();
        for n in 1..=total {
            assert!(run.reveal_hint());
            assert_eq!(run.hints_shown, n);
        }
        assert!(!run.reveal_hint());
        assert_eq!(run.hints_shown, total);
    }

    #[test]
    fn addresses_name_chapters() {
        assert_eq!(
            chapter_in_hash("#chapter=when-to-write"),
            Some("when-to-write")
        );
        assert_eq!(chapter_in_hash("chapter=x"), Some("x"));
        assert_eq!(chapter_in_hash("#chapter="), None);
        assert_eq!(chapter_in_hash("#session=abc"), None);
        let six = &chapters()[5];
        assert_eq!(
            chapter_in_hash(&format!("#{}", chapter_hash(six))),
            Some(six.id.as_str())
        );
        assert!(is_chapter_session(&session_name(six)));
        assert!(!is_chapter_session("Sandbox"));
    }

    #[test]
    fn the_free_ride_takes_the_world_the_learner_built_else_the_solved_last_chapter() {
        assert_eq!(
            chapter_in_hash(&format!("#{}", free_ride_hash())),
            Some(FREE_RIDE)
        );
        assert_eq!(
            chapter_index(FREE_RIDE),
            None,
            "no chapter takes the free ride's name"
        );
        let last = chapters().last().expect("chapters");
        assert_eq!(free_ride_chapter(None).map(|c| &c.id), Some(&last.id));
        assert_eq!(free_ride_chapter(Some(2)).map(|c| c.number), Some(3));
        let name = free_ride_name(last);
        assert!(name.starts_with(FREE_RIDE_PREFIX));
        assert!(
            !is_chapter_session(&name),
            "a free ride is one of the learner's sessions"
        );

        // Nothing stored (a link opened first): the last chapter solved.
        let (solved, built) = free_ride_lines(last, None);
        assert!(!built);
        let world = Sandbox::rebuild(tutorial::SEED, WorldConfig::default(), &solved);
        assert!(world.problem.is_none());
        assert_eq!(solved.len(), setup_lines(last).len() + last.solution.len());

        // The learner's stored lines, as they are.
        let mut stored = setup_lines(last);
        stored.push("kafka-console-producer --topic free --value ride".to_string());
        let (lines, built) = free_ride_lines(last, Some(&stored));
        assert!(built);
        assert_eq!(lines, stored);
        // Lines of another world are not the chapter's.
        let (lines, built) = free_ride_lines(last, Some(&stored[1..]));
        assert!(!built);
        assert_eq!(lines, solved);
    }

    #[test]
    fn the_chapter_to_open_is_the_current_else_the_first_not_done() {
        let ids: Vec<String> = chapters().iter().take(3).map(|c| c.id.clone()).collect();
        assert_eq!(chapter_to_open(None, &[]), 0);
        assert_eq!(chapter_to_open(None, &ids), 3);
        assert_eq!(chapter_to_open(Some(&chapters()[7].id), &ids), 7);
        assert_eq!(chapter_to_open(Some("no-such-chapter"), &[]), 0);
    }

    #[test]
    fn story_code_is_the_text_between_backticks() {
        assert_eq!(
            story_parts("Type `poll c1` now."),
            vec![(false, "Type "), (true, "poll c1"), (false, " now.")]
        );
        assert_eq!(story_parts("`a`"), vec![(true, "a")]);
    }

    #[test]
    fn par_verdicts_say_steps_against_par() {
        assert_eq!(
            par_verdict(3, 3, false),
            "You took 3 steps (par 3): exactly par."
        );
        assert!(par_verdict(1, 2, false).starts_with("You took 1 step (par 2)"));
        assert!(par_verdict(5, 2, false).contains("any path"));
        assert!(par_verdict(2, 2, true).contains("Show me"));
    }

    #[test]
    fn explanations_follow_the_vocabulary() {
        let train = "c1 stands at seat 2 of compartment orders:0 (partition) (position 2); the goal needs at least 3";
        assert_eq!(explanation(train, Vocabulary::Train), train);
        assert_eq!(
            explanation(train, Vocabulary::Kafka),
            "the position of c1 in partition orders:0 is 2; the goal needs at least 3"
        );
        assert_eq!(
            explanation(
                "team billing's notebook line for compartment orders:0 (partition) says seat 4 (committed offset 4); the goal needs exactly 4",
                Vocabulary::Kafka
            ),
            "group billing's committed offset for partition orders:0 is 4; the goal needs exactly 4"
        );
        assert_eq!(
            explanation(
                "team g checked 1 passengers twice or more (duplicates); the goal needs at least 1",
                Vocabulary::Kafka
            ),
            "group g processed 1 records more than once (duplicates); the goal needs at least 1"
        );
    }

    #[test]
    fn transaction_and_database_explanations_read_in_kafka_words() {
        assert_eq!(
            explanation(
                "the first unsettled seat of partition out:0 is seat 5 (last stable offset 5): read_committed checkers stop there; the goal needs exactly 5",
                Vocabulary::Kafka
            ),
            "the last stable offset of partition out:0 is 5: read_committed consumers stop there; the goal needs exactly 5"
        );
        assert_eq!(
            explanation(
                "ledger books (database) says billing goes on at seat 4 of orders:0 (stored offset 4)",
                Vocabulary::Kafka
            ),
            "database books stores offset 4 for billing in orders:0"
        );
    }

    #[test]
    fn every_explanation_the_chapters_give_reads_in_kafka_words() {
        // Along every solution, each check's explanation in Kafka words has no train word left.
        let train_words = [
            "passenger",
            "seat",
            "compartment",
            "ticket checker",
            "notebook",
            "depot",
            "platform",
            "train ",
        ];
        for (i, chapter) in chapters().iter().enumerate() {
            let Opened { mut sandbox, .. } = ChapterRun::open(i, &[]).expect("opens");
            let mut worlds = vec![tutorial::evaluate(chapter, sandbox.console())];
            for line in &chapter.solution {
                sandbox.run(line).expect("runs");
                worlds.push(tutorial::evaluate(chapter, sandbox.console()));
            }
            for evaluation in worlds {
                for check in evaluation.goals.iter().flat_map(|g| &g.checks) {
                    let kafka = explanation(&check.explanation, Vocabulary::Kafka);
                    let said = format!(" {}", kafka.split("; ").next().unwrap_or_default());
                    for word in train_words {
                        assert!(
                            !said.contains(&format!(" {word}")),
                            "{}: '{}' became '{kafka}'",
                            chapter.id,
                            check.explanation
                        );
                    }
                }
            }
        }
    }
}
