//! The reference page `docs/console-language.md` and the parser agree: every example in a
//! `console` block parses, every command of the catalogue has a section, the canonical-form
//! examples are canonical and the JSON examples are what serde writes.

use std::path::PathBuf;

use script::{help, parse_line, parse_script};

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
