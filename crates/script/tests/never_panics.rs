//! The parser never panics, on any text: arbitrary strings, token soups built from the
//! language's own words, and mutations of the scenario files in `tests/scenarios/`.
//!
//! For every input it also checks that an error points inside the input, and that whatever
//! parses prints back to text that parses to the same command (the canonical printer and the
//! parser agree). `PROPTEST_CASES` raises the number of cases (CI runs the default briefly).

use std::fs;
use std::path::PathBuf;

use proptest::prelude::*;
use script::{parse_line, parse_script, script_commands, Command, ParseError};

fn scenarios() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<(String, String)> = fs::read_dir(&dir)
        .expect("tests/scenarios exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "oe"))
        .map(|path| {
            let text = fs::read_to_string(&path).expect("readable scenario");
            (path.display().to_string(), text)
        })
        .collect();
    files.sort();
    files
}

/// An error's span lies on a line of the input and covers at least one of its characters.
fn assert_inside(input: &str, error: &ParseError) {
    let span = error.span;
    assert!(
        span.line >= 1 && span.column >= 1 && span.len >= 1,
        "{error:?}"
    );
    let Some(line) = input.lines().nth(span.line - 1) else {
        panic!("{error:?} is on a line past the end of {input:?}");
    };
    let chars = line.chars().count();
    assert!(
        span.column + span.len - 1 <= chars,
        "{error:?} runs past the {chars} characters of line {:?}",
        line
    );
}

/// A parsed command prints to text that parses back to the same command.
fn assert_round_trip(command: &Command) {
    let text = command.to_string();
    match parse_line(&text) {
        Ok(Some(again)) => assert_eq!(&again, command, "printed as {text:?}"),
        other => panic!("{command:?} printed as {text:?}, which parses as {other:?}"),
    }
}

fn check(input: &str) {
    match parse_line(input) {
        Ok(Some(command)) => assert_round_trip(&command),
        Ok(None) => {}
        Err(error) => {
            assert_inside(input, &error);
            let _ = error.to_string();
        }
    }
    match parse_script(input) {
        Ok(commands) => {
            for (span, command) in &commands {
                assert!(span.line >= 1 && span.line <= input.lines().count());
                assert_round_trip(command);
            }
        }
        Err(error) => assert_inside(input, &error),
    }
    // The lazy form agrees with the collected one.
    let lazy: Result<Vec<_>, _> = script_commands(input).collect();
    assert_eq!(lazy, parse_script(input));
}

/// Words of the language, so token soups reach deep into the parser.
const VOCABULARY: &[&str] = &[
    "kafka-topics",
    "kafka-topics.sh",
    "kafka-consumer-groups",
    "kafka-get-offsets",
    "kafka-console-producer",
    "kafka-console-consumer",
    "producer",
    "consumer",
    "send",
    "flush",
    "subscribe",
    "assign",
    "unsubscribe",
    "poll",
    "process",
    "commitSync",
    "commitAsync",
    "seek",
    "seekToBeginning",
    "seekToEnd",
    "pause",
    "resume",
    "position",
    "committed",
    "close",
    "crash",
    "restart",
    "advance",
    "kill-broker",
    "restart-broker",
    "seed",
    "describe",
    "state",
    "help",
    "--create",
    "--list",
    "--describe",
    "--alter",
    "--delete",
    "--topic",
    "--partitions",
    "--replication-factor",
    "--config",
    "--if-exists",
    "--if-not-exists",
    "--group",
    "--all-groups",
    "--all-topics",
    "--members",
    "--offsets",
    "--state",
    "--verbose",
    "--reset-offsets",
    "--delete-offsets",
    "--to-earliest",
    "--to-latest",
    "--to-current",
    "--to-offset",
    "--shift-by",
    "--to-datetime",
    "--by-duration",
    "--dry-run",
    "--execute",
    "--time",
    "--key",
    "--value",
    "--null-value",
    "--partition",
    "--timestamp",
    "--count",
    "--offsets",
    "--from-beginning",
    "--max-messages",
    "--offset",
    "--consumer-property",
    "--producer-property",
    "--property",
    "--bootstrap-server",
    "--json",
    "--timeout-ms",
    "--under-replicated-partitions",
    "orders",
    "orders:0",
    "orders:0,1",
    "orders:0=42",
    "c1",
    "p1",
    "g1",
    "0",
    "1",
    "3",
    "-1",
    "42",
    "5s",
    "1m30s",
    "PT15M",
    "2024-05-01T09:30:00.000",
    "earliest",
    "latest",
    "max-timestamp",
    "acks=all",
    "group.id=g1",
    "enable.auto.commit=false",
    "max.poll.records=0",
    "retention.ms=-1",
    "cleanup.policy=compact",
    "print.key=true",
    "topic",
    "partition",
    "group",
    "cluster",
    "offsets",
    "broker",
    "\"a b\"",
    "'q'",
    "\"\\u{1F682}\"",
    "\"",
    "'",
    "\\",
    "#",
    "=",
    ":",
    ",",
    "\n",
    "\\\n",
    "é",
    "🚂",
    "\t",
    "--",
    "-",
    "-x",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            8 => prop::sample::select(VOCABULARY).prop_map(str::to_string),
            1 => "[ -~]{0,6}",
            1 => any::<char>().prop_map(String::from),
        ],
        0..14,
    )
    .prop_map(|words| words.join(" "))
}

/// One edit of a scenario: delete a range, insert text, replace a character, duplicate or
/// drop a line.
#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, text: String },
    Replace { at: usize, with: char },
    DuplicateLine { line: usize },
    DropLine { line: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..12).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (
            any::<usize>(),
            prop_oneof![
                prop::sample::select(VOCABULARY).prop_map(str::to_string),
                any::<String>(),
            ]
        )
            .prop_map(|(at, text)| Mutation::Insert { at, text }),
        (any::<usize>(), any::<char>()).prop_map(|(at, with)| Mutation::Replace { at, with }),
        any::<usize>().prop_map(|line| Mutation::DuplicateLine { line }),
        any::<usize>().prop_map(|line| Mutation::DropLine { line }),
    ]
}

fn apply(text: &str, mutation: &Mutation) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let n = chars.len().max(1);
    match mutation {
        Mutation::Delete { at, len } => {
            let start = at % n;
            let end = (start + len).min(chars.len());
            if start < end {
                chars.drain(start..end);
            }
            chars.into_iter().collect()
        }
        Mutation::Insert { at, text } => {
            let at = at % (chars.len() + 1);
            chars.splice(at..at, text.chars());
            chars.into_iter().collect()
        }
        Mutation::Replace { at, with } => {
            if !chars.is_empty() {
                let at = at % chars.len();
                chars[at] = *with;
            }
            chars.into_iter().collect()
        }
        Mutation::DuplicateLine { line } | Mutation::DropLine { line } => {
            let mut lines: Vec<&str> = text.lines().collect();
            if lines.is_empty() {
                return text.to_string();
            }
            let at = line % lines.len();
            if matches!(mutation, Mutation::DuplicateLine { .. }) {
                lines.insert(at, lines[at]);
            } else {
                lines.remove(at);
            }
            lines.join("\n")
        }
    }
}

#[test]
fn the_scenario_files_parse_and_round_trip() {
    let files = scenarios();
    assert!(files.len() >= 4, "scenario files are missing");
    for (path, text) in files {
        let commands = parse_script(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(!commands.is_empty(), "{path}");
        for (_, command) in &commands {
            assert_round_trip(command);
        }
    }
}

/// 512 cases per property unless `PROPTEST_CASES` says otherwise.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512)
}

#[test]
fn token_soups_reach_valid_commands_so_the_round_trip_is_exercised() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = token_soup();
    let parsed = (0..5_000)
        .filter(|_| {
            let input = strategy.new_tree(&mut runner).expect("a value").current();
            matches!(parse_line(&input), Ok(Some(_)))
        })
        .count();
    assert!(parsed >= 25, "only {parsed} of 5000 soups parsed");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn arbitrary_text_never_panics(input in any::<String>()) {
        check(&input);
    }

    #[test]
    fn printable_ascii_never_panics(input in "[ -~\n\t]{0,80}") {
        check(&input);
    }

    #[test]
    fn token_soups_never_panic_and_round_trip(input in token_soup()) {
        check(&input);
    }

    #[test]
    fn mutated_scenarios_never_panic(
        file in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let files = scenarios();
        let (_, text) = &files[file.index(files.len())];
        let mut mutated = text.clone();
        for m in &mutations {
            mutated = apply(&mutated, m);
        }
        check(&mutated);
    }
}
