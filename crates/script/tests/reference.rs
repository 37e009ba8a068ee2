//! The reference page `docs/console-language.md` and the parser agree: every example in a
//! `console` block parses, every command of the catalogue has a section, the canonical-form
//! examples are canonical and the JSON examples are what serde writes.

use std::path::PathBuf;

use script::exec::{Console, ExecErrorKind};
use script::{help, parse_line, parse_script};
use sim::catalog::{self, ConfigScope, Effect};

fn page() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/console-language.md");
    std::fs::read_to_string(&path).expect("docs/console-language.md exists")
}

/// The bodies of the fenced blocks opened with ```` ```lang ````, with the heading above each.
fn blocks(page: &str, lang: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut heading = String::new();
    let mut body: Option<String> = None;
    for line in page.lines() {
        match &mut body {
            Some(text) if line.trim_start() == "```" => {
                out.push((heading.clone(), std::mem::take(text)));
                body = None;
            }
            Some(text) => {
                text.push_str(line);
                text.push('\n');
            }
            None if line.trim_start() == format!("```{lang}") => body = Some(String::new()),
            None if line.starts_with('#') => heading = line.to_string(),
            None => {}
        }
    }
    out
}

#[test]
fn every_console_example_on_the_reference_page_parses() {
    let page = page();
    let examples = blocks(&page, "console");
    assert!(
        examples.len() > 30,
        "only {} console blocks",
        examples.len()
    );
    for (heading, body) in examples {
        let commands =
            parse_script(&body).unwrap_or_else(|e| panic!("under {heading}: {e}\n{body}"));
        assert!(!commands.is_empty(), "empty example under {heading}");
    }
}

#[test]
fn every_command_has_a_section_with_an_example_that_uses_it() {
    let page = page();
    let examples = blocks(&page, "console");
    for info in help::COMMANDS {
        let heading = format!("### `{}`", info.name);
        let Some((_, body)) = examples.iter().find(|(h, _)| *h == heading) else {
            panic!("no section {heading} with a console example");
        };
        assert!(
            body.lines()
                .any(|l| l.split_whitespace().next() == Some(info.name)),
            "the example under {heading} does not use {}",
            info.name
        );
    }
}

#[test]
fn the_canonical_form_examples_are_canonical() {
    let page = page();
    let (_, body) = blocks(&page, "console")
        .into_iter()
        .find(|(h, _)| h.starts_with("## Canonical form"))
        .expect("a canonical form example");
    for line in body.lines() {
        let command = parse_line(line).unwrap().unwrap();
        assert_eq!(command.to_string(), line);
    }
}

#[test]
fn the_json_examples_are_what_serde_writes() {
    let page = page();
    let (_, body) = blocks(&page, "json")
        .into_iter()
        .find(|(h, _)| h.starts_with("## Canonical form"))
        .expect("a JSON example");
    let lines: Vec<&str> = body.lines().collect();
    let seek = parse_line("seek c1 orders:0 42").unwrap().unwrap();
    let commit = parse_line("commitSync c1 --offsets orders:0=42")
        .unwrap()
        .unwrap();
    let error = parse_line("pol c1").unwrap_err();
    assert_eq!(serde_json::to_string(&seek).unwrap(), lines[0]);
    assert_eq!(serde_json::to_string(&commit).unwrap(), lines[1]);
    assert_eq!(serde_json::to_string(&error).unwrap(), lines[2]);
}

#[test]
fn the_error_examples_are_what_the_parser_says() {
    let page = page();
    let (_, body) = blocks(&page, "text")
        .into_iter()
        .find(|(h, _)| h == "## Errors")
        .expect("error examples");
    let inputs = [
        "kafka-topics --create --topic orders --partitons 3",
        "commitsync c1",
        "c1.poll()",
        "consumer c1 enable.auto.comit=false",
        "seek c1 orders:0 -5",
        "kafka-topics --list --partitions 3",
        "kafka-consumer-groups --describe",
        "advance 5",
    ];
    let shown: Vec<String> = inputs
        .iter()
        .map(|input| parse_line(input).unwrap_err().to_string())
        .collect();
    let documented: Vec<&str> = body.lines().collect();
    assert_eq!(documented, shown);
}

// ---- the examples run -----------------------------------------------------------------------

/// What a block needs before it runs: the page's examples assume a cluster with a few topics
/// and clients, as a reader who followed the page would have.
fn setup(heading: &str) -> String {
    const TOPICS: &str =
        "kafka-topics --create --topic orders --partitions 3 --replication-factor 3
kafka-topics --create --topic payments --partitions 2 --replication-factor 3
kafka-topics --create --topic ledger --partitions 1 --config cleanup.policy=compact
producer p1
send p1 --topic orders --key alice --value a1
send p1 --topic orders --key bob --value b1
send p1 --topic orders --key carol --value c1
send p1 --topic orders --key dave --value d1
send p1 --topic orders --partition 1 --value x1
send p1 --topic orders --partition 1 --value x2
send p1 --topic orders --partition 1 --value x3
send p1 --topic orders --partition 1 --value x4
send p1 --topic orders --partition 1 --value x5
send p1 --topic orders --partition 1 --value x6
flush p1
advance 1s
";
    // A member that joined `billing`, read and committed (the initial rebalance waits
    // `group.initial.rebalance.delay.ms`, so it polls again after it).
    const MEMBER: &str =
        "consumer c1 group.id=billing enable.auto.commit=false auto.offset.reset=earliest
subscribe c1 orders
poll c1
advance 5s
poll c1
process c1
commitSync c1
consumer c2 group.id=reports
";
    // A group with committed offsets and no members (what resets and deletes need).
    const EMPTY_GROUP: &str =
        "consumer g1 group.id=billing enable.auto.commit=false auto.offset.reset=earliest
subscribe g1 orders
poll g1
advance 5s
poll g1
process g1
commitSync g1
close g1
advance 1m
";
    // A transactional producer, initialized, with a transaction open.
    const TXN: &str = "producer tp transactional.id=copier linger.ms=0
initTransactions tp
";
    const TXN_OPEN: &str = "producer tp transactional.id=copier linger.ms=0
initTransactions tp
beginTransaction tp
send tp --topic orders --value first
";
    let parts: &[&str] = match heading {
        "# The Offset Express console language"
        | "### `kafka-topics`"
        | "### `producer`"
        | "### `consumer`"
        | "### `advance`"
        | "### `seed`"
        | "### `cluster`"
        | "### `state`"
        | "### `help`" => &[],
        "### `run`" => &["kafka-topics --create --topic orders --partitions 3\n"],
        "## Lines, words, quotes and comments"
        | "### `kafka-consumer-groups`"
        | "## Canonical form and the JSON form of commands" => &[TOPICS, EMPTY_GROUP],
        "### `kafka-get-offsets`"
        | "### `kafka-console-producer`"
        | "### `kafka-console-consumer`"
        | "### `kafka-configs`"
        | "### `kafka-leader-election`"
        | "### `send`"
        | "### `flush`"
        | "### `kill-broker`"
        | "### `pause-replication`" => &[TOPICS],
        "### Transactions" => &[TOPICS],
        "### `kafka-transactions`" => &[TOPICS, TXN_OPEN],
        "### `initTransactions`" => &[TOPICS, "producer tp transactional.id=copier\n"],
        "### `beginTransaction`" => &[TOPICS, TXN],
        "### `sendOffsetsToTransaction`" => &[TOPICS, MEMBER, TXN_OPEN],
        "### `commitTransaction`" | "### `abortTransaction`" => &[TOPICS, TXN_OPEN],
        "### `restart-broker`" => &[TOPICS, "kill-broker 1\n"],
        "### `resume-replication`" => &[TOPICS, "pause-replication 2\n"],
        "### `assign`" => &[TOPICS, "consumer c1 group.id=billing\n"],
        "### `restart`" => &[TOPICS, MEMBER, "crash c1\ncrash p1\n"],
        "### `stop`" => &[TOPICS, MEMBER, "run c1\n"],
        _ => &[TOPICS, MEMBER],
    };
    parts.concat()
}
/// Examples whose documented outcome is an error, with a piece of the message.
const EXPECTED_ERRORS: &[(&str, &str)] = &[];

/// Examples of commands that are being made real elsewhere: either they work or they say
/// they are not available yet.
const WORK_IN_PROGRESS: &[&str] = &[];

#[test]
fn every_console_example_on_the_reference_page_runs() {
    let page = page();
    let mut failures = Vec::new();
    for (heading, body) in blocks(&page, "console") {
        let mut console = Console::new(1);
        let prelude = setup(&heading);
        if let Err(e) = console.run_script(&prelude) {
            panic!("the set-up for {heading} fails: {e:?}");
        }
        let commands = parse_script(&body).unwrap();
        for (span, command) in commands {
            let line = body
                .lines()
                .nth(span.line.saturating_sub(1))
                .unwrap_or("")
                .trim();
            let result = console.execute(span, &command);
            let expected = EXPECTED_ERRORS.iter().find(|(l, _)| *l == line);
            match (result, expected) {
                (Ok(_), None) => {}
                (Err(e), Some((_, part))) if e.message().contains(part) => {}
                (Err(e), None)
                    if WORK_IN_PROGRESS.contains(&line)
                        && matches!(e.kind, ExecErrorKind::NotYetAvailable { .. }) => {}
                (Ok(_), Some((_, part))) => {
                    failures.push(format!("{heading}: `{line}` worked; documented: {part}"))
                }
                (Err(e), _) => failures.push(format!("{heading}: `{line}`: {}", e.message())),
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

// ---- the config tables are the core's catalogue ---------------------------------------------

const TABLES: &[(&str, ConfigScope)] = &[
    ("### Consumer configs", ConfigScope::Consumer),
    ("### Producer configs", ConfigScope::Producer),
    ("### Topic configs", ConfigScope::Topic),
];

/// A table of the reference page, rendered from the catalogue.
fn config_table(scope: ConfigScope) -> String {
    let mut out =
        String::from("| config | type | default | in the simulator |\n| --- | --- | --- | --- |\n");
    for s in catalog::specs(scope) {
        let default = match (s.default, s.kafka_default) {
            (Some(d), Some(k)) => format!("`{d}` (Kafka: `{k}`)"),
            (Some(d), None) => format!("`{d}`"),
            (None, _) => "none".to_string(),
        };
        let effect = match s.effect {
            Effect::Modelled => String::new(),
            Effect::Stored => "*stored only*: ".to_string(),
            Effect::None => "*no effect*: ".to_string(),
        };
        out.push_str(&format!(
            "| `{}` | {} | {default} | {effect}{} |\n",
            s.name,
            s.type_text(),
            s.doc
        ));
    }
    out
}

/// The page with each config table replaced by the catalogue's.
fn page_with_catalogue_tables(page: &str) -> String {
    let mut out = String::new();
    let mut lines = page.lines().peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        if let Some((_, scope)) = TABLES.iter().find(|(h, _)| *h == line) {
            // Copy up to the table, skip it, write the catalogue's.
            while let Some(next) = lines.peek() {
                if next.starts_with('|') {
                    break;
                }
                out.push_str(next);
                out.push('\n');
                lines.next();
            }
            while lines.peek().is_some_and(|l| l.starts_with('|')) {
                lines.next();
            }
            out.push_str(&config_table(*scope));
        }
    }
    out
}

#[test]
fn the_config_tables_are_the_cores_catalogue() {
    let page = page();
    let expected = page_with_catalogue_tables(&page);
    if std::env::var_os("OE_BLESS").is_some() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/console-language.md");
        std::fs::write(path, &expected).unwrap();
        return;
    }
    assert!(
        page == expected,
        "the config tables of docs/console-language.md differ from sim::catalog; run with OE_BLESS=1 to rewrite them"
    );
}

/// The configs the page's tables list, with their documented default (`None`: none).
fn documented_configs(page: &str) -> Vec<(ConfigScope, String, Option<String>)> {
    let mut out = Vec::new();
    let mut scope = None;
    for line in page.lines() {
        if line.starts_with('#') {
            scope = TABLES.iter().find(|(h, _)| *h == line).map(|(_, s)| *s);
            continue;
        }
        let Some(scope) = scope else { continue };
        let cells: Vec<&str> = line.split(" | ").collect();
        if !line.starts_with("| `") || cells.len() < 4 {
            continue;
        }
        let name = cells[0]
            .trim_start_matches("| ")
            .trim_matches('`')
            .to_string();
        let default = cells[2]
            .strip_prefix('`')
            .and_then(|d| d.split('`').next())
            .map(str::to_string);
        out.push((scope, name, default));
    }
    out
}

fn state(console: &Console) -> serde_json::Value {
    serde_json::from_str(&script::exec::state::state_json(console)).unwrap()
}

#[test]
fn every_config_in_the_tables_is_accepted_at_run_time_with_its_documented_default() {
    let page = page();
    let configs = documented_configs(&page);
    assert!(configs.len() > 40, "only {} configs found", configs.len());
    let mut console = Console::new(1);
    console
        .run_script("consumer plain\nproducer plain-p\nkafka-topics --create --topic plain")
        .unwrap();
    let world_state = state(&console);
    let describe = console
        .run_line("kafka-configs --describe --all --entity-type topics --entity-name plain")
        .unwrap()
        .text;
    for (i, (scope, name, default)) in configs.iter().enumerate() {
        let spec = catalog::spec(*scope, name)
            .unwrap_or_else(|| panic!("{name} is on the page, not in the catalogue"));
        assert_eq!(
            spec.default,
            default.as_deref(),
            "{name}: page and catalogue"
        );
        // Accepted at run time, with its default or (without one) a sample value.
        let value = default.clone().unwrap_or_else(|| match spec.kind {
            sim::catalog::ConfigType::OneOf(choices) => choices[0].0.to_string(),
            _ => "sample".to_string(),
        });
        let line = match scope {
            ConfigScope::Consumer => format!("consumer c{i} {name}={value}"),
            ConfigScope::Producer => format!("producer p{i} {name}={value}"),
            _ => format!("kafka-topics --create --topic t{i} --config {name}={value}"),
        };
        if let Err(e) = console.run_line(&line) {
            panic!("`{line}` is refused: {}", e.message());
        }
        // The documented default is what a client or topic without the config reports.
        let Some(default) = default else { continue };
        match scope {
            ConfigScope::Topic => assert!(
                describe.contains(&format!("  {name}={default} ")),
                "{name}={default} not in\n{describe}"
            ),
            _ => {
                let (list, client) = if *scope == ConfigScope::Consumer {
                    ("consumers", "plain")
                } else {
                    ("producers", "plain-p")
                };
                let entry = world_state[list]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| c["name"] == client)
                    .unwrap();
                assert_eq!(
                    entry["configs"][name.as_str()].as_str(),
                    Some(default.as_str()),
                    "{list} {name}"
                );
            }
        }
    }
}

#[test]
fn the_classic_protocol_is_the_one_modelled_and_an_unknown_acks_is_refused() {
    let mut console = Console::new(1);
    let e = console
        .run_line("consumer c1 group.protocol=consumer")
        .unwrap_err();
    assert!(
        e.message().contains("classic group protocol"),
        "{}",
        e.message()
    );
    let e = console.run_line("producer p1 acks=2").unwrap_err();
    assert!(e.message().contains("String must be one of: all, -1, 0, 1"));
    let e = console
        .run_line("producer p1 enable.idempotence=true max.in.flight.requests.per.connection=6")
        .unwrap_err();
    assert!(e.message().contains("at most 5"), "{}", e.message());
    // Without asking for idempotence, more than 5 in flight quietly turns it off.
    console
        .run_line("producer p2 max.in.flight.requests.per.connection=6")
        .unwrap();
    let s = state(&console);
    assert_eq!(s["producers"][0]["enable_idempotence"], false);
}
