//! The check language: one line states one fact about the world that a goal needs.
//!
//! ```
//! use tutorial::Check;
//!
//! let check: Check = "committed billing orders:0 == 3".parse().unwrap();
//! assert_eq!(check.to_string(), "committed billing orders:0 == 3");
//! let error = "commited billing orders:0 == 3".parse::<Check>().unwrap_err();
//! assert!(error.to_string().contains("did you mean 'committed'"));
//! ```
//!
//! A check is `SUBJECT ARGUMENTS… OPERATOR VALUE`. The operator is one of `==`, `!=`, `>=`,
//! `<=`, `>`, `<`; the value a whole number, or a word for the subjects that name a state
//! (`consumer c1 state == crashed`). Checks read the world's state only (the versioned state
//! document of `script::exec::state` and the group coordinator), never which lines were typed,
//! so every path that reaches the state counts. The subjects:
//!
//! | subject | value |
//! | --- | --- |
//! | `records T` / `records T:P` | passengers (records) on board, in the train or one compartment (transaction markers are not records) |
//! | `keyed T KEY` / `keyed T:P KEY` | passengers on board with that ticket (key) |
//! | `markers T` / `markers T:P` | seats taken by COMMIT or ABORT placards (transaction markers, control records) |
//! | `aborted T` / `aborted T:P` | passengers of cancelled bookings (records of aborted transactions) |
//! | `key-partitions T KEY` | compartments (partitions) holding a passenger with that key |
//! | `log-start T:P`, `hw T:P`, `log-end T:P` | the partition's log start offset, high watermark, log end offset |
//! | `lso T:P` | the partition's last stable offset (`read_committed` consumers read below it) |
//! | `isr T:P` | how many replicas are in sync |
//! | `leader T:P` | the broker leading the partition |
//! | `position C T:P` | the consumer's position (unknown until it knows where to read) |
//! | `committed G T:P` | the group's committed offset (unknown until one was committed) |
//! | `lag G T` / `lag G T:P` | high watermark − committed offset, summed over the topic's partitions |
//! | `processed G`, `duplicates G`, `skipped G` | the group's delivery ledger: records processed, processed more than once, never processed |
//! | `processed-aborted G` | records of aborted transactions the group processed |
//! | `members G`, `generation G` | the group's members and its generation |
//! | `group G state` | `Empty`, `Stable`, `PreparingRebalance`, `CompletingRebalance` or `Dead` |
//! | `coordinator G` | the broker that coordinates the group |
//! | `notebook G` | records of the group still in `__consumer_offsets` |
//! | `notebook-compacted G` | offsets of the group's `__consumer_offsets` partition emptied by compaction |
//! | `consumer C state` | `running`, `crashed` or `closed` |
//! | `consumer C generation` | the generation the consumer last joined (−1 before) |
//! | `assigned C` | partitions assigned to the consumer |
//! | `in-hand C` | records it polled and has not processed |
//! | `broker N state` | `running` or `stopped` |
//! | `acked P`, `failed P` | records the producer saw acknowledged, or gave up on |
//! | `producer P state` | a transactional producer: `UNINITIALIZED`, `READY`, `IN_TRANSACTION`, `ABORTABLE_ERROR` (Kafka's client states), or `FENCED` (a newer instance with its `transactional.id` exists, or the coordinator aborted its transaction: its next call throws `ProducerFencedException`) |
//! | `rows DB` | rows in the `results` table of an application's own database (the simulator's `database DB`) |
//! | `duplicate-rows DB` | rows of that table that wrote a record already there |
//! | `stored DB G T:P` | the offset stored in the database's `offsets` table for application (group) G |

use std::fmt;
use std::str::FromStr;

use script::exec::state::{self, State};
use script::exec::Console;
use serde::Serialize;

/// One parsed check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub subject: Subject,
    pub op: Op,
    pub expected: Expected,
}

/// A topic, or one partition of it (`orders`, `orders:0`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    pub topic: String,
    pub partition: Option<i32>,
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.partition {
            Some(p) => write!(f, "{}:{p}", self.topic),
            None => f.write_str(&self.topic),
        }
    }
}

/// What a check looks at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "subject", rename_all = "kebab-case")]
pub enum Subject {
    Records {
        target: Target,
    },
    Keyed {
        target: Target,
        key: String,
    },
    KeyPartitions {
        topic: String,
        key: String,
    },
    Markers {
        target: Target,
    },
    Aborted {
        target: Target,
    },
    LogStart {
        target: Target,
    },
    Hw {
        target: Target,
    },
    LogEnd {
        target: Target,
    },
    Lso {
        target: Target,
    },
    Isr {
        target: Target,
    },
    Leader {
        target: Target,
    },
    Position {
        consumer: String,
        target: Target,
    },
    Committed {
        group: String,
        target: Target,
    },
    Lag {
        group: String,
        target: Target,
    },
    Processed {
        group: String,
    },
    Duplicates {
        group: String,
    },
    Skipped {
        group: String,
    },
    ProcessedAborted {
        group: String,
    },
    Members {
        group: String,
    },
    Generation {
        group: String,
    },
    GroupState {
        group: String,
    },
    Coordinator {
        group: String,
    },
    Notebook {
        group: String,
    },
    NotebookCompacted {
        group: String,
    },
    ConsumerState {
        consumer: String,
    },
    ConsumerGeneration {
        consumer: String,
    },
    Assigned {
        consumer: String,
    },
    InHand {
        consumer: String,
    },
    BrokerState {
        broker: i32,
    },
    Acked {
        producer: String,
    },
    Failed {
        producer: String,
    },
    ProducerState {
        producer: String,
    },
    Rows {
        database: String,
    },
    DuplicateRows {
        database: String,
    },
    Stored {
        database: String,
        app: String,
        target: Target,
    },
}

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Op {
    #[serde(rename = "==")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = "<")]
    Lt,
}

impl Op {
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Ge => ">=",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Lt => "<",
        }
    }

    /// How the operator reads in an explanation.
    fn words(self) -> &'static str {
        match self {
            Op::Eq => "exactly",
            Op::Ne => "anything but",
            Op::Ge => "at least",
            Op::Le => "at most",
            Op::Gt => "more than",
            Op::Lt => "less than",
        }
    }

    fn holds<T: Ord>(self, actual: T, expected: T) -> bool {
        match self {
            Op::Eq => actual == expected,
            Op::Ne => actual != expected,
            Op::Ge => actual >= expected,
            Op::Le => actual <= expected,
            Op::Gt => actual > expected,
            Op::Lt => actual < expected,
        }
    }
}

/// The value on the right of the operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Expected {
    Number(i64),
    Word(String),
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Number(n) => write!(f, "{n}"),
            Expected::Word(w) => f.write_str(w),
        }
    }
}

/// A check that does not parse, with the column (from 1, in characters) of the bad word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckError {
    pub column: usize,
    pub message: String,
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for CheckError {}

/// What a subject's arguments look like, for parsing and messages.
#[derive(Clone, Copy)]
enum Shape {
    /// `T` or `T:P`.
    Target,
    /// `T:P`.
    Partition,
    /// `T` or `T:P`, then a key.
    TargetKey,
    /// `T KEY`.
    TopicKey,
    /// A name (consumer, group or producer).
    Name,
    /// A name, then a partition `T:P`.
    NamePartition,
    /// A name, then `T` or `T:P`.
    NameTarget,
    /// A name, then a keyword (`state`, `generation`).
    NameKeyword(&'static [&'static str]),
    /// A broker id, then `state`.
    BrokerKeyword,
    /// Two names (a database, an application), then a partition `T:P`.
    NameNamePartition,
}

const SUBJECTS: &[(&str, Shape, &str)] = &[
    ("records", Shape::Target, "records TOPIC[:PARTITION]"),
    ("keyed", Shape::TargetKey, "keyed TOPIC[:PARTITION] KEY"),
    (
        "key-partitions",
        Shape::TopicKey,
        "key-partitions TOPIC KEY",
    ),
    ("log-start", Shape::Partition, "log-start TOPIC:PARTITION"),
    ("hw", Shape::Partition, "hw TOPIC:PARTITION"),
    ("log-end", Shape::Partition, "log-end TOPIC:PARTITION"),
    ("lso", Shape::Partition, "lso TOPIC:PARTITION"),
    ("markers", Shape::Target, "markers TOPIC[:PARTITION]"),
    ("aborted", Shape::Target, "aborted TOPIC[:PARTITION]"),
    ("isr", Shape::Partition, "isr TOPIC:PARTITION"),
    ("leader", Shape::Partition, "leader TOPIC:PARTITION"),
    (
        "position",
        Shape::NamePartition,
        "position CONSUMER TOPIC:PARTITION",
    ),
    (
        "committed",
        Shape::NamePartition,
        "committed GROUP TOPIC:PARTITION",
    ),
    ("lag", Shape::NameTarget, "lag GROUP TOPIC[:PARTITION]"),
    ("processed", Shape::Name, "processed GROUP"),
    ("duplicates", Shape::Name, "duplicates GROUP"),
    ("skipped", Shape::Name, "skipped GROUP"),
    ("processed-aborted", Shape::Name, "processed-aborted GROUP"),
    ("members", Shape::Name, "members GROUP"),
    ("generation", Shape::Name, "generation GROUP"),
    ("group", Shape::NameKeyword(&["state"]), "group GROUP state"),
    ("coordinator", Shape::Name, "coordinator GROUP"),
    ("notebook", Shape::Name, "notebook GROUP"),
    (
        "notebook-compacted",
        Shape::Name,
        "notebook-compacted GROUP",
    ),
    (
        "consumer",
        Shape::NameKeyword(&["state", "generation"]),
        "consumer CONSUMER state|generation",
    ),
    ("assigned", Shape::Name, "assigned CONSUMER"),
    ("in-hand", Shape::Name, "in-hand CONSUMER"),
    ("broker", Shape::BrokerKeyword, "broker ID state"),
    ("acked", Shape::Name, "acked PRODUCER"),
    ("failed", Shape::Name, "failed PRODUCER"),
    (
        "producer",
        Shape::NameKeyword(&["state"]),
        "producer PRODUCER state",
    ),
    ("rows", Shape::Name, "rows DATABASE"),
    ("duplicate-rows", Shape::Name, "duplicate-rows DATABASE"),
    (
        "stored",
        Shape::NameNamePartition,
        "stored DATABASE GROUP TOPIC:PARTITION",
    ),
];

const GROUP_STATES: &[&str] = &[
    "Empty",
    "Stable",
    "PreparingRebalance",
    "CompletingRebalance",
    "Dead",
];
const CONSUMER_STATES: &[&str] = &["running", "crashed", "closed"];
const BROKER_STATES: &[&str] = &["running", "stopped"];
const PRODUCER_STATES: &[&str] = &[
    "UNINITIALIZED",
    "READY",
    "IN_TRANSACTION",
    "ABORTABLE_ERROR",
    "FENCED",
];

/// Words with the column (from 1) where each starts.
fn words(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, (byte, c)) in text.char_indices().enumerate() {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some((i + 1, byte)),
            (true, Some((col, b))) => {
                out.push((col, &text[b..byte]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some((col, b)) = start {
        out.push((col, &text[b..]));
    }
    out
}

fn error(column: usize, message: impl Into<String>) -> CheckError {
    CheckError {
        column,
        message: message.into(),
    }
}

fn parse_target(column: usize, word: &str, need_partition: bool) -> Result<Target, CheckError> {
    let (topic, partition) = match word.split_once(':') {
        Some((t, p)) => {
            let p: i32 = p.parse().ok().filter(|p| *p >= 0).ok_or_else(|| {
                error(
                    column,
                    format!("'{word}': the partition after ':' must be a whole number ≥ 0"),
                )
            })?;
            (t, Some(p))
        }
        None => (word, None),
    };
    if topic.is_empty() {
        return Err(error(column, format!("'{word}' names no topic")));
    }
    if need_partition && partition.is_none() {
        return Err(error(
            column,
            format!("'{word}' needs a partition: write {word}:0"),
        ));
    }
    Ok(Target {
        topic: topic.to_string(),
        partition,
    })
}

fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (distance(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

impl FromStr for Check {
    type Err = CheckError;

    fn from_str(text: &str) -> Result<Self, CheckError> {
        let words = words(text);
        let Some(&(col, name)) = words.first() else {
            return Err(error(1, "empty check: expected e.g. 'hw orders:0 >= 3'"));
        };
        let Some(&(_, shape, usage)) = SUBJECTS.iter().find(|(n, _, _)| *n == name) else {
            let hint = closest(name, SUBJECTS.iter().map(|(n, _, _)| *n))
                .map(|c| format!("; did you mean '{c}'?"))
                .unwrap_or_default();
            return Err(error(col, format!("unknown check '{name}'{hint}")));
        };
        let Some(op_index) = words
            .iter()
            .position(|(_, w)| ["==", "!=", ">=", "<=", ">", "<"].contains(w))
        else {
            return Err(error(
                text.chars().count() + 1,
                format!("expected an operator (==, !=, >=, <=, >, <) and a value after '{usage}'"),
            ));
        };
        let args = &words[1..op_index];
        let (op_col, op_word) = words[op_index];
        let op = match op_word {
            "==" => Op::Eq,
            "!=" => Op::Ne,
            ">=" => Op::Ge,
            "<=" => Op::Le,
            ">" => Op::Gt,
            _ => Op::Lt,
        };
        let value = &words[op_index + 1..];
        let &[(value_col, value_word)] = value else {
            let col = value.get(1).map_or(op_col + op_word.len() + 1, |w| w.0);
            return Err(error(col, format!("expected one value after '{op_word}'")));
        };
        let arity = match shape {
            Shape::Target | Shape::Partition | Shape::Name => 1,
            Shape::NameNamePartition => 3,
            _ => 2,
        };
        if args.len() != arity {
            let col = args.get(arity).map_or(op_col, |w| w.0);
            return Err(error(col, format!("'{name}' is written '{usage}'")));
        }
        let (c0, a0) = args[0];
        let subject = match shape {
            Shape::Target | Shape::Partition => {
                let target = parse_target(c0, a0, matches!(shape, Shape::Partition))?;
                match name {
                    "records" => Subject::Records { target },
                    "log-start" => Subject::LogStart { target },
                    "hw" => Subject::Hw { target },
                    "log-end" => Subject::LogEnd { target },
                    "lso" => Subject::Lso { target },
                    "markers" => Subject::Markers { target },
                    "aborted" => Subject::Aborted { target },
                    "isr" => Subject::Isr { target },
                    _ => Subject::Leader { target },
                }
            }
            Shape::TargetKey => Subject::Keyed {
                target: parse_target(c0, a0, false)?,
                key: args[1].1.to_string(),
            },
            Shape::TopicKey => {
                let target = parse_target(c0, a0, false)?;
                if target.partition.is_some() {
                    return Err(error(
                        c0,
                        format!("'{name}' takes a topic, not a partition"),
                    ));
                }
                Subject::KeyPartitions {
                    topic: target.topic,
                    key: args[1].1.to_string(),
                }
            }
            Shape::Name => {
                let n = a0.to_string();
                match name {
                    "processed" => Subject::Processed { group: n },
                    "duplicates" => Subject::Duplicates { group: n },
                    "skipped" => Subject::Skipped { group: n },
                    "processed-aborted" => Subject::ProcessedAborted { group: n },
                    "members" => Subject::Members { group: n },
                    "generation" => Subject::Generation { group: n },
                    "coordinator" => Subject::Coordinator { group: n },
                    "notebook" => Subject::Notebook { group: n },
                    "notebook-compacted" => Subject::NotebookCompacted { group: n },
                    "assigned" => Subject::Assigned { consumer: n },
                    "in-hand" => Subject::InHand { consumer: n },
                    "acked" => Subject::Acked { producer: n },
                    "rows" => Subject::Rows { database: n },
                    "duplicate-rows" => Subject::DuplicateRows { database: n },
                    _ => Subject::Failed { producer: n },
                }
            }
            Shape::NamePartition | Shape::NameTarget => {
                let (c1, a1) = args[1];
                let target = parse_target(c1, a1, matches!(shape, Shape::NamePartition))?;
                let n = a0.to_string();
                match name {
                    "position" => Subject::Position {
                        consumer: n,
                        target,
                    },
                    "committed" => Subject::Committed { group: n, target },
                    _ => Subject::Lag { group: n, target },
                }
            }
            Shape::NameKeyword(keywords) => {
                let (c1, a1) = args[1];
                if !keywords.contains(&a1) {
                    return Err(error(c1, format!("'{name}' is written '{usage}'")));
                }
                let n = a0.to_string();
                match (name, a1) {
                    ("group", _) => Subject::GroupState { group: n },
                    ("producer", _) => Subject::ProducerState { producer: n },
                    (_, "state") => Subject::ConsumerState { consumer: n },
                    _ => Subject::ConsumerGeneration { consumer: n },
                }
            }
            Shape::BrokerKeyword => {
                let broker: i32 = a0
                    .parse()
                    .map_err(|_| error(c0, format!("'{a0}' is not a broker id (a number)")))?;
                if args[1].1 != "state" {
                    return Err(error(args[1].0, format!("'{name}' is written '{usage}'")));
                }
                Subject::BrokerState { broker }
            }
            Shape::NameNamePartition => {
                let (c2, a2) = args[2];
                Subject::Stored {
                    database: a0.to_string(),
                    app: args[1].1.to_string(),
                    target: parse_target(c2, a2, true)?,
                }
            }
        };
        let expected = match subject.states() {
            Some(states) => {
                if !matches!(op, Op::Eq | Op::Ne) {
                    return Err(error(
                        op_col,
                        format!("a state is compared with == or !=, not '{op_word}'"),
                    ));
                }
                let Some(state) = states.iter().find(|s| s.eq_ignore_ascii_case(value_word)) else {
                    return Err(error(
                        value_col,
                        format!(
                            "'{value_word}' is not one of the states {}",
                            states.join(", ")
                        ),
                    ));
                };
                Expected::Word(state.to_string())
            }
            None => {
                Expected::Number(value_word.parse().map_err(|_| {
                    error(value_col, format!("'{value_word}' is not a whole number"))
                })?)
            }
        };
        Ok(Check {
            subject,
            op,
            expected,
        })
    }
}

impl Subject {
    /// The states a word-valued subject can be in; `None` for numbers.
    fn states(&self) -> Option<&'static [&'static str]> {
        match self {
            Subject::GroupState { .. } => Some(GROUP_STATES),
            Subject::ConsumerState { .. } => Some(CONSUMER_STATES),
            Subject::BrokerState { .. } => Some(BROKER_STATES),
            Subject::ProducerState { .. } => Some(PRODUCER_STATES),
            _ => None,
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Records { target } => write!(f, "records {target}"),
            Subject::Keyed { target, key } => write!(f, "keyed {target} {key}"),
            Subject::KeyPartitions { topic, key } => write!(f, "key-partitions {topic} {key}"),
            Subject::LogStart { target } => write!(f, "log-start {target}"),
            Subject::Hw { target } => write!(f, "hw {target}"),
            Subject::LogEnd { target } => write!(f, "log-end {target}"),
            Subject::Lso { target } => write!(f, "lso {target}"),
            Subject::Markers { target } => write!(f, "markers {target}"),
            Subject::Aborted { target } => write!(f, "aborted {target}"),
            Subject::Isr { target } => write!(f, "isr {target}"),
            Subject::Leader { target } => write!(f, "leader {target}"),
            Subject::Position { consumer, target } => write!(f, "position {consumer} {target}"),
            Subject::Committed { group, target } => write!(f, "committed {group} {target}"),
            Subject::Lag { group, target } => write!(f, "lag {group} {target}"),
            Subject::Processed { group } => write!(f, "processed {group}"),
            Subject::Duplicates { group } => write!(f, "duplicates {group}"),
            Subject::Skipped { group } => write!(f, "skipped {group}"),
            Subject::ProcessedAborted { group } => write!(f, "processed-aborted {group}"),
            Subject::Members { group } => write!(f, "members {group}"),
            Subject::Generation { group } => write!(f, "generation {group}"),
            Subject::GroupState { group } => write!(f, "group {group} state"),
            Subject::Coordinator { group } => write!(f, "coordinator {group}"),
            Subject::Notebook { group } => write!(f, "notebook {group}"),
            Subject::NotebookCompacted { group } => write!(f, "notebook-compacted {group}"),
            Subject::ConsumerState { consumer } => write!(f, "consumer {consumer} state"),
            Subject::ConsumerGeneration { consumer } => {
                write!(f, "consumer {consumer} generation")
            }
            Subject::Assigned { consumer } => write!(f, "assigned {consumer}"),
            Subject::InHand { consumer } => write!(f, "in-hand {consumer}"),
            Subject::BrokerState { broker } => write!(f, "broker {broker} state"),
            Subject::Acked { producer } => write!(f, "acked {producer}"),
            Subject::Failed { producer } => write!(f, "failed {producer}"),
            Subject::ProducerState { producer } => write!(f, "producer {producer} state"),
            Subject::Rows { database } => write!(f, "rows {database}"),
            Subject::DuplicateRows { database } => write!(f, "duplicate-rows {database}"),
            Subject::Stored {
                database,
                app,
                target,
            } => write!(f, "stored {database} {app} {target}"),
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.subject, self.op.symbol(), self.expected)
    }
}

/// The result of one check against one world.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckStatus {
    /// The check in canonical form.
    pub check: String,
    pub met: bool,
    /// What the world shows, in train words with the Kafka words beside them, and what the
    /// check needs, e.g. "c1 stands at seat 2 of orders:0 (position 2); the goal needs at
    /// least 3".
    pub explanation: String,
}

/// What a subject measured: a value (or none, with the reason) and the sentence that says it.
enum Measure {
    Number(i64, String),
    Word(String, String),
    Unknown(String),
}

impl Check {
    /// Evaluates the check against the console's world.
    pub fn evaluate(&self, console: &Console) -> CheckStatus {
        self.evaluate_state(console, &state::state(console))
    }

    /// Evaluates against a state already built from `console` (to build it once per goal list).
    pub fn evaluate_state(&self, console: &Console, state: &State) -> CheckStatus {
        let measure = measure(&self.subject, console, state);
        let need = format!("the goal needs {} {}", self.op.words(), self.expected);
        let (met, said) = match (&measure, &self.expected) {
            (Measure::Number(n, s), Expected::Number(e)) => (self.op.holds(*n, *e), s.clone()),
            (Measure::Word(w, s), Expected::Word(e)) => (self.op.holds(w.as_str(), e), s.clone()),
            (Measure::Unknown(s), _) => (false, s.clone()),
            // Parsing ties each subject to its kind of value, so a mismatch cannot be built
            // from text; say so rather than panic.
            (Measure::Number(_, s) | Measure::Word(_, s), _) => (false, s.clone()),
        };
        CheckStatus {
            check: self.to_string(),
            met,
            explanation: format!("{said}; {need}"),
        }
    }
}

fn partition_of<'a>(
    state: &'a State,
    topic: &str,
    partition: i32,
) -> Result<&'a state::PartitionState, String> {
    let t = state
        .topics
        .iter()
        .find(|t| t.name == topic)
        .ok_or_else(|| format!("there is no train {topic} (topic) yet"))?;
    t.partitions
        .iter()
        .find(|p| p.partition == partition)
        .ok_or_else(|| format!("train {topic} (topic) has no compartment {partition} (partition)"))
}

fn partitions_of<'a>(
    state: &'a State,
    target: &Target,
) -> Result<Vec<&'a state::PartitionState>, String> {
    match target.partition {
        Some(p) => Ok(vec![partition_of(state, &target.topic, p)?]),
        None => state
            .topics
            .iter()
            .find(|t| t.name == target.topic)
            .map(|t| t.partitions.iter().collect())
            .ok_or_else(|| format!("there is no train {} (topic) yet", target.topic)),
    }
}

fn place(target: &Target) -> String {
    match target.partition {
        Some(p) => format!("compartment {}:{p} (partition)", target.topic),
        None => format!("train {} (topic)", target.topic),
    }
}

fn measure(subject: &Subject, console: &Console, state: &State) -> Measure {
    match measure_inner(subject, console, state) {
        Ok(m) => m,
        Err(reason) => Measure::Unknown(reason),
    }
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn group_of<'a>(state: &'a State, group: &str) -> Option<&'a state::GroupState> {
    state.groups.iter().find(|g| g.group == group)
}

fn consumer_of<'a>(state: &'a State, consumer: &str) -> Result<&'a state::ConsumerState, String> {
    state
        .consumers
        .iter()
        .find(|c| c.name == consumer)
        .ok_or_else(|| format!("there is no ticket checker {consumer} (consumer) yet"))
}

fn producer_of<'a>(state: &'a State, producer: &str) -> Result<&'a state::ProducerState, String> {
    state
        .producers
        .iter()
        .find(|p| p.name == producer)
        .ok_or_else(|| format!("there is no platform {producer} (producer) yet"))
}

/// Seats taken by transaction markers and records of aborted transactions in the target (the
/// state document's `batch` and `aborted` fields).
fn txn_counts(state: &State, target: &Target) -> Result<(usize, usize), String> {
    let mut markers = 0;
    let mut aborted = 0;
    for r in partitions_of(state, target)?
        .iter()
        .flat_map(|p| &p.records)
    {
        if is_marker(r) {
            markers += 1;
        } else if r.aborted {
            aborted += 1;
        }
    }
    Ok((markers, aborted))
}

fn is_marker(r: &state::RecordState) -> bool {
    r.batch.as_deref().is_some_and(|b| b.ends_with("_marker"))
}

fn database_of<'a>(state: &'a State, database: &str) -> Result<&'a state::DatabaseState, String> {
    state
        .databases
        .iter()
        .find(|d| d.name == database)
        .ok_or_else(|| format!("there is no ledger {database} (database) yet"))
}

fn measure_inner(subject: &Subject, console: &Console, state: &State) -> Result<Measure, String> {
    use Measure::{Number, Unknown, Word};
    Ok(match subject {
        Subject::Records { target } => {
            let n: usize = partitions_of(state, target)?
                .iter()
                .map(|p| p.records.len())
                .sum();
            let (markers, _) = txn_counts(state, target)?;
            let n = n.saturating_sub(markers);
            Number(
                count(n),
                format!("{} has {n} passengers (records) on board", place(target)),
            )
        }
        Subject::Markers { target } => {
            let (n, _) = txn_counts(state, target)?;
            Number(
                count(n),
                format!(
                    "{} has {n} seats taken by placards (transaction markers)",
                    place(target)
                ),
            )
        }
        Subject::Aborted { target } => {
            let (_, n) = txn_counts(state, target)?;
            Number(
                count(n),
                format!(
                    "{} has {n} passengers of cancelled bookings (records of aborted transactions)",
                    place(target)
                ),
            )
        }
        Subject::Lso { target } => {
            let p = partition_of(state, &target.topic, target.partition.unwrap_or(0))?;
            let lso = p.last_stable_offset;
            Number(
                lso,
                format!(
                    "the first unsettled seat of {target} is seat {lso} (last stable offset {lso}): read_committed checkers stop there"
                ),
            )
        }
        Subject::ProcessedAborted { group } => {
            let ledger = console.world().delivery_ledger();
            let mut n = 0;
            for t in &state.topics {
                for p in &t.partitions {
                    let tp = sim::TopicPartition::new(t.name.as_str(), p.partition);
                    n += p
                        .records
                        .iter()
                        .filter(|r| {
                            r.aborted && ledger.times_processed(Some(group), &tp, r.offset) > 0
                        })
                        .count();
                }
            }
            Number(
                count(n),
                format!(
                    "team {group} checked {n} passengers of cancelled bookings (records of aborted transactions processed)"
                ),
            )
        }
        Subject::ProducerState { producer } => {
            let p = producer_of(state, producer)?;
            let Some(txn) = p.transaction.as_ref() else {
                return Ok(Unknown(format!(
                    "platform {producer} (producer) makes no bookings (it has no transactional.id)"
                )));
            };
            let id = &txn.transactional_id;
            let current = state
                .transactions
                .iter()
                .find(|m| m.transactional_id == *id);
            let fenced = txn.epoch.is_some_and(|epoch| {
                current.is_none_or(|m| Some(m.producer_id) != txn.producer_id || m.epoch != epoch)
            });
            if fenced {
                let now = current.map_or_else(
                    || "no longer knows it".to_string(),
                    |m| format!("holds {id} at epoch {}", m.epoch),
                );
                let mine = txn.epoch.unwrap_or(-1);
                Word(
                    "FENCED".to_string(),
                    format!(
                        "platform {producer} (producer) is FENCED: the booking office (transaction coordinator) {now}, this platform has epoch {mine}, so its next call throws ProducerFencedException"
                    ),
                )
            } else {
                let name = &txn.state;
                Word(
                    name.to_string(),
                    format!("platform {producer} (producer) is {name} (transactional.id {id})"),
                )
            }
        }
        Subject::Keyed { target, key } => {
            let n = partitions_of(state, target)?
                .iter()
                .flat_map(|p| &p.records)
                .filter(|r| r.key.as_deref() == Some(key.as_str()))
                .count();
            Number(
                count(n),
                format!(
                    "{} has {n} passengers (records) with ticket {key} (key)",
                    place(target)
                ),
            )
        }
        Subject::KeyPartitions { topic, key } => {
            let target = Target {
                topic: topic.clone(),
                partition: None,
            };
            let n = partitions_of(state, &target)?
                .iter()
                .filter(|p| p.records.iter().any(|r| r.key.as_deref() == Some(key)))
                .count();
            Number(
                count(n),
                format!(
                    "passengers with ticket {key} (key) sit in {n} compartments (partitions) of train {topic}"
                ),
            )
        }
        Subject::LogStart { target }
        | Subject::Hw { target }
        | Subject::LogEnd { target }
        | Subject::Isr { target }
        | Subject::Leader { target } => {
            let p = partition_of(state, &target.topic, target.partition.unwrap_or(0))?;
            match subject {
                Subject::LogStart { .. } => Number(
                    p.log_start_offset,
                    format!(
                        "the first seat still on board in {target} is seat {} (log start offset)",
                        p.log_start_offset
                    ),
                ),
                Subject::Hw { .. } => Number(
                    p.high_watermark,
                    format!(
                        "boarding is complete up to seat {} in {target} (high watermark)",
                        p.high_watermark
                    ),
                ),
                Subject::LogEnd { .. } => Number(
                    p.log_end_offset,
                    format!(
                        "the next free seat in {target} is seat {} (log end offset)",
                        p.log_end_offset
                    ),
                ),
                Subject::Isr { .. } => Number(
                    count(p.isr.len()),
                    format!(
                        "{} copies of {target} keep up (in-sync replicas: {:?})",
                        p.isr.len(),
                        p.isr
                    ),
                ),
                _ => match p.leader {
                    Some(l) => Number(
                        i64::from(l),
                        format!("the lead copy of {target} is at depot {l} (leader: broker {l})"),
                    ),
                    None => Unknown(format!("{target} has no lead copy (no leader)")),
                },
            }
        }
        Subject::Position { consumer, target } => {
            let c = consumer_of(state, consumer)?;
            let p = c
                .partitions
                .iter()
                .find(|p| p.topic == target.topic && Some(p.partition) == target.partition);
            match p.and_then(|p| p.position) {
                Some(pos) => Number(
                    pos,
                    format!("{consumer} stands at seat {pos} of {target} (position {pos})"),
                ),
                None => Unknown(format!(
                    "{consumer} does not know where it stands in {target} (no position: not assigned, or not polled since)"
                )),
            }
        }
        Subject::Committed { group, target } => {
            let o = group_of(state, group).and_then(|g| {
                g.offsets
                    .iter()
                    .find(|o| o.topic == target.topic && Some(o.partition) == target.partition)
            });
            match o {
                Some(o) => Number(
                    o.offset,
                    format!(
                        "team {group}'s notebook line for {target} says seat {} (committed offset {})",
                        o.offset, o.offset
                    ),
                ),
                None => Unknown(format!(
                    "team {group} has no line in the notebook for {target} (no committed offset)"
                )),
            }
        }
        Subject::Lag { group, target } => {
            let parts = partitions_of(state, target)?;
            let g = group_of(state, group);
            let mut total = 0;
            for p in parts {
                let o = g.and_then(|g| {
                    g.offsets
                        .iter()
                        .find(|o| o.topic == target.topic && o.partition == p.partition)
                });
                match o {
                    Some(o) => total += (p.high_watermark - o.offset).max(0),
                    None => {
                        return Ok(Unknown(format!(
                            "team {group} has no line in the notebook for {}:{} (no committed offset), so its lag there is unknown",
                            target.topic, p.partition
                        )))
                    }
                }
            }
            Number(
                total,
                format!(
                    "team {group} has {total} passengers still to check in {} (lag {total})",
                    place(target)
                ),
            )
        }
        Subject::Processed { group }
        | Subject::Duplicates { group }
        | Subject::Skipped { group } => {
            let d = group_of(state, group).and_then(|g| g.delivery.as_ref());
            let (processed, dup, skipped) = d.map_or((0, 0, 0), |d| {
                (d.processed_records, d.duplicate_records, d.skipped_records)
            });
            let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
            match subject {
                Subject::Processed { .. } => Number(
                    n(processed),
                    format!("team {group} has checked {processed} passengers (records processed)"),
                ),
                Subject::Duplicates { .. } => Number(
                    n(dup),
                    format!("team {group} checked {dup} passengers twice or more (duplicates)"),
                ),
                _ => Number(
                    n(skipped),
                    format!(
                        "team {group} never checked {skipped} passengers it moved past (skipped)"
                    ),
                ),
            }
        }
        Subject::Members { group } => {
            let n = group_of(state, group).map_or(0, |g| g.members.len());
            Number(
                count(n),
                format!("team {group} has {n} ticket checkers (consumer group members)"),
            )
        }
        Subject::Generation { group } => match console.world().group(group) {
            Some(g) => {
                let n = g.generation_id();
                Number(
                    i64::from(n),
                    format!("team {group} is on shift {n} (generation {n})"),
                )
            }
            None => Unknown(format!("there is no team {group} (consumer group) yet")),
        },
        Subject::GroupState { group } => {
            let s = group_of(state, group).map_or("Dead", |g| g.state.as_str());
            Word(
                s.to_string(),
                format!("team {group} (consumer group) is {s}"),
            )
        }
        Subject::Coordinator { group } => {
            match group_of(state, group).and_then(|g| g.coordinator) {
                Some(b) => Number(
                    i64::from(b),
                    format!(
                    "team {group}'s notebook keeper is depot {b} (group coordinator: broker {b})"
                ),
                ),
                None => Unknown(format!(
                    "team {group} has no notebook keeper right now (no group coordinator)"
                )),
            }
        }
        Subject::Notebook { group } | Subject::NotebookCompacted { group } => {
            let cp = console.world().coordinator_partition(group);
            let prefix = format!("[{group},");
            let records = state
                .consumer_offsets
                .records
                .iter()
                .filter(|r| r.partition == cp)
                .collect::<Vec<_>>();
            if let Subject::Notebook { .. } = subject {
                let n = records
                    .iter()
                    .filter(|r| r.key.as_deref().is_some_and(|k| k.starts_with(&prefix)))
                    .count();
                Number(
                    count(n),
                    format!(
                        "the notebook (__consumer_offsets, partition {cp}) holds {n} lines of team {group}"
                    ),
                )
            } else {
                let p = console
                    .world()
                    .partition(sim::OFFSETS_TOPIC, cp)
                    .ok_or_else(|| "the notebook (__consumer_offsets) is missing".to_string())?;
                let span = p.log_end_offset().0 - p.log_start_offset().0;
                let gone = (span - count(records.len())).max(0);
                Number(
                    gone,
                    format!(
                        "compaction emptied {gone} seats of the notebook's compartment {cp} (__consumer_offsets-{cp})"
                    ),
                )
            }
        }
        Subject::ConsumerState { consumer } => {
            let c = consumer_of(state, consumer)?;
            Word(
                c.state.clone(),
                format!("ticket checker {consumer} (consumer) is {}", c.state),
            )
        }
        Subject::ConsumerGeneration { consumer } => {
            let c = consumer_of(state, consumer)?;
            Number(
                i64::from(c.generation),
                format!(
                    "{consumer} last joined its team on shift {} (generation {})",
                    c.generation, c.generation
                ),
            )
        }
        Subject::Assigned { consumer } => {
            let c = consumer_of(state, consumer)?;
            let in_group = c.group.is_none() || !c.member_id.is_empty();
            let n = if c.state == "running" && in_group {
                c.partitions.len()
            } else {
                0
            };
            Number(
                count(n),
                format!("{consumer} looks after {n} compartments (assigned partitions)"),
            )
        }
        Subject::InHand { consumer } => {
            let c = consumer_of(state, consumer)?;
            let n = c.unprocessed.len();
            Number(
                count(n),
                format!("{consumer} holds {n} tickets in hand (polled, not processed yet)"),
            )
        }
        Subject::BrokerState { broker } => {
            let b = state
                .brokers
                .iter()
                .find(|b| b.id == *broker)
                .ok_or_else(|| format!("there is no depot {broker} (broker)"))?;
            let s = if b.alive { "running" } else { "stopped" };
            Word(s.to_string(), format!("depot {broker} (broker) is {s}"))
        }
        Subject::Acked { producer } | Subject::Failed { producer } => {
            let p = producer_of(state, producer)?;
            if let Subject::Acked { .. } = subject {
                Number(
                    i64::try_from(p.acknowledged_records).unwrap_or(i64::MAX),
                    format!(
                        "platform {producer} (producer) saw {} passengers board (records acknowledged)",
                        p.acknowledged_records
                    ),
                )
            } else {
                Number(
                    i64::try_from(p.failed_records).unwrap_or(i64::MAX),
                    format!(
                        "platform {producer} (producer) gave up on {} passengers (records failed)",
                        p.failed_records
                    ),
                )
            }
        }
        Subject::Rows { database } => {
            let n = database_of(state, database)?.results.len();
            Number(
                count(n),
                format!("ledger {database} (database) holds {n} checked passengers (result rows)"),
            )
        }
        Subject::DuplicateRows { database } => {
            let n = database_of(state, database)?.duplicate_rows;
            Number(
                count(n),
                format!(
                    "ledger {database} (database) holds {n} passengers written twice or more (duplicate rows)"
                ),
            )
        }
        Subject::Stored {
            database,
            app,
            target,
        } => {
            let d = database_of(state, database)?;
            let o = d.offsets.iter().find(|o| {
                o.app == *app && o.topic == target.topic && Some(o.partition) == target.partition
            });
            match o {
                Some(o) => Number(
                    o.offset,
                    format!(
                        "ledger {database} (database) says {app} goes on at seat {} of {target} (stored offset {})",
                        o.offset, o.offset
                    ),
                ),
                None => Unknown(format!(
                    "ledger {database} (database) has no seat stored for {app} in {target} (no stored offset)"
                )),
            }
        }
    })
}
