//! The parser never panics, on any text: arbitrary strings, token soups built from the
//! language's own words, and mutations of the scenario files in `tests/scenarios/`.
//!
//! For every input it also checks that an error points inside the input, and that whatever
//! parses prints back to text that parses to the same command (the canonical printer and the
//! parser agree). `PROPTEST_CASES` raises the number of cases (CI runs the default briefly).

use std::fs;
use std::path::PathBuf;

use proptest::prelude::*;
use script::{parse_line, parse_script, script_commands, Command, ParseError, TopicPartition};

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
            let rendered = error.render(input);
            assert!(rendered.starts_with(&error.to_string()));
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
    "run",
    "stop",
    "--commit",
    "--process-ms",
    "--poll-timeout-ms",
    "--rate",
    "--keys",
    "auto",
    "sync-per-batch",
    "sync-per-record",
    "before-processing",
    "async-per-batch",
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
    "kafka-configs",
    "kafka-leader-election",
    "pause-replication",
    "resume-replication",
    "--entity-type",
    "--entity-name",
    "--add-config",
    "--delete-config",
    "--election-type",
    "--all-topic-partitions",
    "--header",
    "cleanup.policy=[compact,delete]",
    "preferred",
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

// ---- valid commands with arbitrary values ---------------------------------------------------

fn topic() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9._-]{1,24}".prop_filter("Kafka refuses . and ..", |t| t != "." && t != "..")
}

fn client() -> impl Strategy<Value = String> {
    "[a-z0-9][a-zA-Z0-9._-]{0,12}"
}

/// Any text, as a key, a value or a group id would be (groups must not be empty).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[ -~]{0,12}", "\\PC{0,8}"]
}

/// A valid command line built from a template with arbitrary values, and what it must mean.
fn valid_line() -> impl Strategy<Value = (String, Option<Command>)> {
    use script::quote;
    prop_oneof![
        (
            client(),
            topic(),
            text(),
            text(),
            prop::option::of(0u32..1000),
            prop::collection::vec(("[a-z][a-z.-]{0,6}", text()), 0..3),
        )
            .prop_map(|(p, t, k, v, partition, headers)| {
                let mut line = format!("send {p} --topic {} --key {} --value {}", quote(&t), quote(&k), quote(&v));
                if let Some(n) = partition {
                    line.push_str(&format!(" --partition {n}"));
                }
                for (hk, hv) in &headers {
                    line.push_str(&format!(" --header {}", quote(&format!("{hk}={hv}"))));
                }
                let expected = Command::Send(script::SendRecord {
                    producer: p,
                    topic: t,
                    partition,
                    key: Some(k),
                    value: Some(v),
                    timestamp: None,
                    headers,
                });
                (line, Some(expected))
            }),
        (topic(), text(), prop::collection::vec(text(), 1..4)).prop_map(|(t, k, vs)| {
            let values: Vec<String> = vs.iter().map(|v| format!("--value {}", quote(v))).collect();
            (format!("kafka-console-producer --topic {} --key {} {}", quote(&t), quote(&k), values.join(" ")), None)
        }),
        (client(), text().prop_filter("non-empty", |g| !g.trim().is_empty()), 1u32..100_000).prop_map(|(c, g, n)| {
            (format!("consumer {c} group.id={} max.poll.records={n}", quote(g.trim())), None)
        }),
        text().prop_filter("non-empty", |g| !g.is_empty()).prop_map(|g| {
            let expected = Command::ConsumerGroups(script::ConsumerGroupsCommand::Describe {
                groups: script::GroupSelection::Groups(vec![g.clone()]),
                view: script::GroupView::Offsets,
                verbose: false,
            });
            (format!("kafka-consumer-groups --describe --group {}", quote(&g)), Some(expected))
        }),
        (text().prop_filter("non-empty", |g| !g.is_empty()), topic(), 0u32..50, 0u32..50, any::<i64>()).prop_map(
            |(g, t, p, q, n)| {
                (format!("kafka-consumer-groups --reset-offsets --group {} --topic {} --shift-by {n} --execute", quote(&g), quote(&format!("{t}:{p},{q}"))), None)
            }
        ),
        (client(), topic(), 0u32..50, any::<u64>(), topic(), 0u32..50, any::<u64>()).prop_map(
            |(c, t, p, o, t2, p2, o2)| {
                (format!("commitSync {c} --offsets {}", quote(&format!("{t}:{p}={o},{t2}:{p2}={o2}"))), None)
            }
        ),
        (client(), topic(), 0u32..i32::MAX as u32, any::<u64>()).prop_map(|(c, t, p, o)| {
            let expected = Command::Seek {
                consumer: c.clone(),
                partition: TopicPartition { topic: t.clone(), partition: p },
                offset: o,
            };
            (format!("seek {c} {} {o}", quote(&format!("{t}:{p}"))), Some(expected))
        }),
        any::<u64>().prop_map(|ms| (format!("advance {ms}ms"), Some(Command::Advance { millis: ms }))),
        (client(), prop::option::of(0usize..5), prop::option::of(0u64..=3_600_000), prop::option::of(1u64..=3_600_000)).prop_map(
            |(c, policy, process, timeout)| {
                let commit = policy.map(|i| script::CommitPolicy::ALL[i]);
                let mut line = format!("run {c}");
                if let Some(p) = commit {
                    line.push_str(&format!(" --commit {}", p.name()));
                }
                if let Some(ms) = process {
                    line.push_str(&format!(" --process-ms {ms}"));
                }
                if let Some(ms) = timeout {
                    line.push_str(&format!(" --poll-timeout-ms {ms}"));
                }
                let expected = Command::RunConsumer(script::RunConsumer {
                    consumer: c,
                    commit,
                    process_ms: process,
                    poll_timeout_ms: timeout,
                });
                (line, Some(expected))
            }
        ),
        (client(), topic(), 1u32..=1000, prop::option::of(0u32..=1_000_000)).prop_map(|(c, t, rate, keys)| {
            let mut line = format!("run {c} --topic {} --rate {rate}", quote(&t));
            if let Some(k) = keys {
                line.push_str(&format!(" --keys {k}"));
            }
            let expected = Command::RunProducer(script::RunProducer {
                producer: c,
                topic: t,
                rate,
                keys,
            });
            (line, Some(expected))
        }),
        client().prop_map(|c| (format!("stop {c}"), Some(Command::Stop { client: c }))),
        (0i64..10_000, 1i64..=12, 1i64..=28, 0i64..24, 0i64..60, 0i64..60, 0i64..1000, -18i64..=18).prop_map(
            |(y, mo, d, h, mi, s, ms, zone)| {
                let sign = if zone < 0 { '-' } else { '+' };
                (format!(
                    "kafka-consumer-groups --reset-offsets --group g --all-topics --to-datetime {y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}{sign}{:02}:00 --execute",
                    zone.abs()
                ), None)
            }
        ),
        (0u64..10_000_000, 0u64..1000).prop_map(|(s, ms)| {
            (format!("kafka-consumer-groups --reset-offsets --group g --all-topics --by-duration PT{s}.{ms:03}S"), None)
        }),
        (topic(), 1u32..10_000, -1i64..i64::MAX).prop_map(|(t, n, r)| {
            (format!("kafka-topics --create --topic {} --partitions {n} --config retention.ms={r}", quote(&t)), None)
        }),
        (topic(), text().prop_filter("non-empty", |g| !g.is_empty()), 1u32..1000).prop_map(|(t, g, n)| {
            (format!("kafka-console-consumer --topic {} --group {} --max-messages {n} --property print.key=true", quote(&t), quote(&g)), None)
        }),
        (client(), prop::collection::vec((topic(), prop::collection::vec(0u32..20, 1..4)), 1..4)).prop_map(|(c, sels)| {
            let words: Vec<String> = sels
                .iter()
                .map(|(t, ps)| {
                    let ps: Vec<String> = ps.iter().map(u32::to_string).collect();
                    quote(&format!("{t}:{}", ps.join(",")))
                })
                .collect();
            (format!("pause {c} {}", words.join(" ")), None)
        }),
        text().prop_filter("non-empty", |n| !n.is_empty()).prop_map(|g| {
            (format!("describe group {}", quote(&g)), Some(Command::Describe { target: script::Target::Group(g) }))
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn valid_commands_with_arbitrary_values_parse_to_what_they_say_and_round_trip(
        (line, expected) in valid_line()
    ) {
        let command = match parse_line(&line) {
            Ok(Some(command)) => command,
            other => panic!("{line:?} gave {other:?}"),
        };
        if let Some(expected) = expected {
            prop_assert_eq!(&command, &expected);
        }
        assert_round_trip(&command);
    }
}
