//! Every chapter: it parses, its starting world meets no goal, its solution and a second,
//! different path reach every goal, its story names the Kafka word beside each train word,
//! and its par is its solution's length.

use script::exec::Console;
use tutorial::{chapters, evaluate, start, Chapter, Progress};

fn all() -> &'static [Chapter] {
    chapters().unwrap_or_else(|e| panic!("{e}"))
}

fn chapter(id: &str) -> &'static Chapter {
    tutorial::chapter(id).unwrap_or_else(|| panic!("no chapter {id}"))
}

/// Runs `lines` on the chapter's starting world, following progress after each step; panics
/// with the line and its error when one fails.
fn play(chapter: &Chapter, lines: &[&str]) -> (Console, Progress) {
    let mut console = start(chapter).unwrap_or_else(|e| panic!("{e}"));
    let mut progress = Progress::new(chapter);
    progress.update(chapter, &console);
    for line in lines {
        console
            .run_line(line)
            .unwrap_or_else(|e| panic!("chapter {}: '{line}': {e}", chapter.id));
        progress.update(chapter, &console);
    }
    (console, progress)
}

fn assert_reaches_every_goal(chapter: &Chapter, lines: &[&str]) {
    let (console, progress) = play(chapter, lines);
    if !progress.is_complete() {
        let evaluation = evaluate(chapter, &console);
        let unmet: Vec<String> = evaluation
            .goals
            .iter()
            .zip(&progress.reached)
            .filter(|(_, reached)| !**reached)
            .flat_map(|(g, _)| g.checks.iter().filter(|c| !c.met))
            .map(|c| format!("{}: {}", c.check, c.explanation))
            .collect();
        panic!(
            "chapter {}: not every goal reached; now:\n{}",
            chapter.id,
            unmet.join("\n")
        );
    }
}

#[test]
fn every_chapter_parses_and_they_are_numbered_in_order() {
    let chapters = all();
    assert_eq!(chapters.len(), tutorial::chapter_files().len());
    let numbers: Vec<u32> = chapters.iter().map(|c| c.number).collect();
    assert_eq!(numbers, (1..=chapters.len() as u32).collect::<Vec<_>>());
    for (c, (file, _)) in chapters.iter().zip(tutorial::chapter_files()) {
        let prefix = format!("chapters/{:02}-", c.number);
        assert!(
            file.starts_with(&prefix),
            "{file} holds chapter {}",
            c.number
        );
        assert!(!c.goals.is_empty() && !c.story.is_empty(), "{}", c.id);
        assert!(
            (2..=3).contains(&c.hints.len()),
            "chapter {} has {} hints (2 or 3)",
            c.id,
            c.hints.len()
        );
    }
    let mut ids: Vec<&str> = chapters.iter().map(|c| c.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), chapters.len(), "chapter ids are unique");
}

#[test]
fn every_setup_and_solution_line_parses_and_runs() {
    for c in all() {
        for line in c.setup.iter().chain(&c.solution) {
            assert!(
                matches!(script::parse_line(line), Ok(Some(_))),
                "chapter {}: '{line}' is not one command",
                c.id
            );
        }
        let solution: Vec<&str> = c.solution.iter().map(String::as_str).collect();
        play(c, &solution);
    }
}

#[test]
fn par_is_the_number_of_steps_of_the_solution() {
    for c in all() {
        assert_eq!(c.par, c.solution.len(), "chapter {}", c.id);
        let mut console = start(c).unwrap_or_else(|e| panic!("{e}"));
        let start_len = console.log().len();
        for line in &c.solution {
            console.run_line(line).unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(
            tutorial::steps_taken(start_len, &console),
            c.par,
            "chapter {}: every solution line counts as one step",
            c.id
        );
    }
}

#[test]
fn no_goal_is_met_in_any_starting_world() {
    for c in all() {
        let console = start(c).unwrap_or_else(|e| panic!("{e}"));
        for goal in evaluate(c, &console).goals {
            assert!(
                !goal.met,
                "chapter {}: '{}' is met at the start",
                c.id, goal.text
            );
        }
    }
}

#[test]
fn every_solution_reaches_every_goal() {
    for c in all() {
        let solution: Vec<&str> = c.solution.iter().map(String::as_str).collect();
        assert_reaches_every_goal(c, &solution);
    }
}

#[test]
fn every_story_names_the_kafka_word_beside_each_train_word() {
    let problems: Vec<String> = all()
        .iter()
        .flat_map(|c| {
            tutorial::terms::story_problems(&c.story)
                .into_iter()
                .map(move |p| format!("chapter {}: {p}", c.id))
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_term_table_finds_train_words_and_their_kafka_words() {
    let ok = vec!["The seat number (offset) of a passenger (record).".to_string()];
    assert!(tutorial::terms::story_problems(&ok).is_empty());
    let bad = vec!["A passenger sits in a seat.".to_string()];
    let problems = tutorial::terms::story_problems(&bad);
    assert_eq!(problems.len(), 4, "{problems:?}");
    // A ticket checker is one train word, not a ticket (key) and a checker.
    let uses = tutorial::terms::uses("the ticket checker");
    assert_eq!(uses.len(), 1);
    // Code in backticks is not read.
    assert!(tutorial::terms::uses("`--shift-by 2`").is_empty());
}

/// A second, different correct path per chapter: any path that reaches the state counts.
#[test]
fn a_second_path_reaches_every_goal() {
    let paths: &[(&str, &[&str])] = &[
        (
            "seats-and-passengers",
            &["kafka-console-producer --topic orders --value a --value b --value c"],
        ),
        (
            "many-compartments",
            &[
                "send p1 --topic orders --partition 0 --value x",
                "send p1 --topic orders --partition 1 --value y",
                "send p1 --topic orders --partition 2 --value z",
                "kafka-console-producer --topic orders --key alice --value one --value two",
            ],
        ),
        (
            "the-ticket-checker",
            &["poll c1", "process c1", "poll c1", "process c1 --count 2"],
        ),
        (
            "the-notebook",
            &[
                "process c1 --count 4",
                "commitSync c1 --offsets orders:0=4",
            ],
        ),
        (
            "the-checker-faints",
            &[
                "crash c1",
                "advance 45s",
                "restart c1",
                "poll c1",
                "advance 3s",
                "poll c1",
                "process c1",
            ],
        ),
        (
            "when-to-write",
            &[
                // By hand this time, one team after the other.
                "process a",
                "crash a",
                "advance 45s",
                "restart a",
                "poll a",
                "advance 3s",
                "poll a",
                "process a",
                "commitSync b",
                "crash b",
                "advance 45s",
                "restart b",
                "poll b",
                "advance 3s",
                "poll b",
                "process b",
            ],
        ),
        (
            "a-team-of-checkers",
            &[
                "subscribe c2 rides",
                "subscribe c3 rides",
                "poll c2",
                "poll c3",
                "advance 3s",
                "poll c2",
                "poll c3",
                "advance 3s",
                "poll c2",
                "poll c3",
                "subscribe c4 rides",
                "run c2",
                "run c3",
                "run c4",
                "advance 10s",
                "stop c1",
                "advance 1m",
            ],
        ),
        (
            "several-teams",
            &[
                "consumer a1 group.id=audit auto.offset.reset=earliest enable.auto.commit=false",
                "subscribe a1 orders",
                "poll a1",
                "advance 3s",
                "poll a1",
                "process a1",
                "commitSync a1",
            ],
        ),
        (
            "where-to-start",
            &[
                // The default `latest`, then back to the first seat still on board by hand.
                "consumer l1 group.id=late enable.auto.commit=false",
                "subscribe l1 clicks",
                "poll l1",
                "advance 3s",
                "poll l1",
                "seekToBeginning l1",
                "poll l1",
                "process l1",
                "consumer f1 group.id=fresh enable.auto.commit=false",
                "subscribe f1 clicks",
                "poll f1",
                "advance 3s",
                "poll f1",
                "kafka-console-producer --topic clicks --value ten",
                "poll f1",
                "process f1",
            ],
        ),
        (
            "rewind-and-replay",
            &[
                "close c1",
                "kafka-consumer-groups --reset-offsets --group billing --topic orders --to-earliest --execute",
                "restart c1",
                "poll c1",
                "advance 3s",
                "poll c1",
                "process c1",
                "commitSync c1",
            ],
        ),
        (
            "boarding-complete",
            &[
                "kafka-console-producer --topic ledger --value 200",
                "pause-replication 2",
                "pause-replication 1",
                "advance 1m",
                "resume-replication 2",
                "advance 2s",
                "kill-broker 3",
            ],
        ),
        (
            "lag-and-the-notebooks-home",
            &[
                "run c1",
                "advance 2m",
            ],
        ),
        (
            "a-notebook-of-your-own",
            &[
                // By hand, one checker after the other.
                "crash c1",
                "restart c1",
                "poll c1",
                "advance 48s",
                "poll c1",
                "process c1",
                "crash c2",
                "restart c2",
                "poll c2",
                "advance 48s",
                "poll c2",
                "process c2",
            ],
        ),
        (
            "exactly-once",
            &[
                // The offsets with the group id alone, and the second booking left open until
                // the booking office aborts it after transaction.timeout.ms, which fences tp.
                "beginTransaction tp",
                "send tp --topic out --value alice",
                "sendOffsetsToTransaction tp --offsets in:0=2 --group copier",
                "send tp --topic out --value bob",
                "commitTransaction tp",
                "advance 1s",
                "beginTransaction tp",
                "send tp --topic out --value dave",
                "advance 61s",
            ],
        ),
        (
            "seats-given-twice",
            &[
                // The topic config elects the out-of-date copy on its own when it comes back
                // to a compartment without a leader; the newcomers board through the console
                // producer.
                "kafka-configs --alter --entity-type topics --entity-name ledger --add-config unclean.leader.election.enable=true",
                "kill-broker 3",
                "restart-broker 2",
                "kafka-console-producer --topic ledger --key x --value xavier",
                "kafka-console-producer --topic ledger --key y --value yara",
                "kafka-console-producer --topic ledger --key z --value zoe",
                "advance 1s",
                "poll c1",
                "process c1",
            ],
        ),
    ];
    assert_eq!(paths.len(), all().len(), "one second path per chapter");
    for (id, lines) in paths {
        let c = chapter(id);
        let solution: Vec<&str> = c.solution.iter().map(String::as_str).collect();
        assert_ne!(
            &solution[..],
            *lines,
            "chapter {id}: the second path is the solution"
        );
        assert_reaches_every_goal(c, lines);
    }
}

#[test]
fn a_wrong_path_does_not_count() {
    // Commit before processing: the line is written, but nothing was checked.
    let c = chapter("the-notebook");
    let (_, progress) = play(c, &["commitSync c1"]);
    assert!(!progress.is_complete());
    // A ticket that lands in two compartments by hand is not "same ticket, same compartment".
    let c = chapter("many-compartments");
    let (console, _) = play(
        c,
        &[
            "send p1 --topic orders --partition 1 --key alice --value x",
            "send p1 --topic orders --partition 2 --key alice --value y",
        ],
    );
    assert!(!evaluate(c, &console).goals[1].met);
    // A checker that fainted but never checked the last passenger has not finished.
    let c = chapter("the-checker-faints");
    let (_, progress) = play(c, &["crash c1", "restart c1"]);
    assert!(!progress.is_complete());
}

#[test]
fn the_notebooks_home_is_as_the_story_says() {
    let c = chapter("lag-and-the-notebooks-home");
    let console = start(c).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(console.world().coordinator_partition("billing"), 9);
    for (check, story) in [
        ("coordinator billing == 2", "kept by depot 2 (broker 2)"),
        ("notebook billing == 1", "compartment 9 (partition 9)"),
    ] {
        let check: tutorial::Check = check.parse().unwrap_or_else(|e| panic!("{e}"));
        assert!(check.evaluate(&console).met, "{check}");
        assert!(c.story.iter().any(|p| p.contains(story)), "{story}");
    }
    let c = chapter("boarding-complete");
    let console = start(c).unwrap_or_else(|e| panic!("{e}"));
    let check: tutorial::Check = "leader ledger:0 == 3"
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(check.evaluate(&console).met, "the lead copy is on depot 3");
    let c = chapter("where-to-start");
    let console = start(c).unwrap_or_else(|e| panic!("{e}"));
    for check in [
        "log-start clicks:0 == 6",
        "committed late clicks:0 == 1",
        "hw clicks:0 == 9",
    ] {
        let check: tutorial::Check = check.parse().unwrap_or_else(|e| panic!("{e}"));
        assert!(check.evaluate(&console).met, "{check}");
    }
}

#[test]
fn a_notebook_of_your_own_is_as_the_story_says() {
    let c = chapter("a-notebook-of-your-own");
    let console = start(c).unwrap_or_else(|e| panic!("{e}"));
    for check in [
        "rows books == 2",
        "stored books billing orders:0 == 2",
        "in-hand c1 == 2",
        "rows tally == 4",
        "duplicate-rows tally == 0",
    ] {
        let check: tutorial::Check = check.parse().unwrap_or_else(|e| panic!("{e}"));
        assert!(check.evaluate(&console).met, "{check}");
    }
    for check in [
        "committed counting orders:0 == 0",
        "committed billing orders:0 == 0",
    ] {
        let check: tutorial::Check = check.parse().unwrap_or_else(|e| panic!("{e}"));
        let status = check.evaluate(&console);
        assert!(
            !status.met && status.explanation.contains("no committed offset"),
            "{check}: {}",
            status.explanation
        );
    }
    // Checking the rest without fainting writes every passenger once, but is not the story.
    let (_, progress) = play(c, &["process c1", "process c2"]);
    assert!(!progress.is_complete());
    // After the solution the notebook still has nothing for billing: its offsets are in the
    // ledger only; counting's commit came after its results were written again.
    let solution: Vec<&str> = c.solution.iter().map(String::as_str).collect();
    let (console, _) = play(c, &solution);
    for (check, met) in [
        ("committed billing orders:0 >= 0", false),
        ("committed counting orders:0 == 4", true),
        ("duplicate-rows tally == 4", true),
        ("rows tally == 8", true),
    ] {
        let check: tutorial::Check = check.parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(check.evaluate(&console).met, met, "{check}");
    }
}

fn check(console: &Console, text: &str) -> tutorial::CheckStatus {
    let check: tutorial::Check = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
    check.evaluate(console)
}

fn assert_checks(console: &Console, checks: &[&str]) {
    for text in checks {
        let status = check(console, text);
        assert!(status.met, "{text}: {}", status.explanation);
    }
}

#[test]
fn exactly_once_is_as_the_story_says() {
    let c = chapter("exactly-once");
    // While a booking is open its passengers are on board at once: the read_uncommitted team
    // checks them, the read_committed one waits at the last stable offset; the offsets sent
    // along are not committed yet.
    let (console, _) = play(
        c,
        &[
            "beginTransaction tp",
            "send tp --topic out --value alice",
            "sendOffsetsToTransaction tp --offsets in:0=2 --consumer c1",
            "advance 1s",
        ],
    );
    assert_checks(
        &console,
        &[
            "producer tp state == IN_TRANSACTION",
            "records out:0 == 1",
            "lso out:0 == 0",
            "hw out:0 == 1",
            "processed curious == 1",
            "processed careful == 0",
        ],
    );
    assert!(check(&console, "committed copier in:0 >= 0")
        .explanation
        .contains("no committed offset"));
    // Aborted: the offsets sent along are never committed; the passenger stays on board,
    // followed by the ABORT placard in a seat of its own.
    let (console, _) = play(
        c,
        &[
            "beginTransaction tp",
            "send tp --topic out --value alice",
            "sendOffsetsToTransaction tp --offsets in:0=2 --consumer c1",
            "abortTransaction tp",
            "advance 1s",
        ],
    );
    assert_checks(
        &console,
        &[
            "producer tp state == READY",
            "records out == 1",
            "markers out:0 == 1",
            "log-end out:0 == 2",
            "lso out:0 == 2",
            "aborted out == 1",
            "processed careful == 0",
            "processed-aborted curious == 1",
        ],
    );
    assert!(!check(&console, "committed copier in:0 >= 0").met);
    // The solution: seats 2 and 4 are placards, so the three passengers sit in 0, 1 and 3.
    let solution: Vec<&str> = c.solution.iter().map(String::as_str).collect();
    let (console, _) = play(c, &solution);
    assert_checks(
        &console,
        &[
            "records out == 3",
            "markers out == 2",
            "log-end out:0 == 5",
            "lso out:0 == 5",
            "processed careful == 2",
            "processed curious == 3",
            "committed copier in:0 == 2",
            "producer tp2 state == READY",
            "producer tp state == FENCED",
        ],
    );
    let world = console.world();
    let kinds: Vec<(i64, bool)> = world
        .partition("out", 0)
        .unwrap_or_else(|| panic!("out-0"))
        .log()
        .records()
        .map(|r| (r.offset.0, r.kind.is_marker()))
        .collect();
    assert_eq!(
        kinds,
        vec![(0, false), (1, false), (2, true), (3, false), (4, true)]
    );
    // Committing by hand, outside a booking, reaches nothing of the chapter.
    let (_, progress) = play(c, &["process c1", "commitSync c1", "advance 1s"]);
    assert!(progress.reached.iter().all(|r| !r), "{progress:?}");
    // A producer without a transactional.id makes no bookings.
    let c = chapter("seats-and-passengers");
    let (console, _) = play(c, &["producer p9", "send p9 --topic orders --value a"]);
    let status = check(&console, "producer p9 state == READY");
    assert!(!status.met && status.explanation.contains("no transactional.id"));
}

#[test]
fn the_readme_example_chapter_parses_and_its_solution_reaches_its_goal() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .unwrap_or_else(|e| panic!("README.md: {e}"));
    let section = readme
        .split("## Adding a tutorial chapter")
        .nth(1)
        .unwrap_or_else(|| panic!("README.md has no 'Adding a tutorial chapter' section"));
    let mut blocks = section.split("\n````");
    let example = blocks
        .nth(1)
        .and_then(|b| b.strip_prefix("markdown\n"))
        .unwrap_or_else(|| panic!("no ````markdown example in the section"));
    let c = tutorial::parse_chapter("README.md", example).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.id, "two-passengers");
    assert_eq!(c.par, c.solution.len());
    assert!(tutorial::terms::story_problems(&c.story).is_empty());
    let console = start(&c).unwrap_or_else(|e| panic!("{e}"));
    assert!(!evaluate(&c, &console).is_complete());
    let solution: Vec<&str> = c.solution.iter().map(String::as_str).collect();
    assert_reaches_every_goal(&c, &solution);
}

#[test]
fn chapter_file_errors_name_the_file_and_line() {
    let cases: &[(&str, usize, &str)] = &[
        ("", 1, "empty file"),
        ("Title\n", 1, "starts with '# Title'"),
        ("# T\nid: x\nnumber: 1\nkafka-title: K\n\n## Story\n", 6, "needs 'par"),
        ("# T\nid: x\ncolour: red\n", 3, "unknown header 'colour'"),
        ("# T\nid: X Y\n", 2, "slug"),
        (
            "# T\nid: x\nnumber: 1\nkafka-title: K\npar: 1\n\n## Setup\n",
            7,
            "expected ## Story",
        ),
        (
            "# T\nid: x\nnumber: 1\nkafka-title: K\npar: 1\n\n## Story\n\nA.\n\n## Setup\n\n```console\npol c1\n```\n",
            14,
            "does not parse",
        ),
        (
            "# T\nid: x\nnumber: 1\nkafka-title: K\npar: 1\n\n## Story\n\nA.\n\n## Setup\n\n```console\npoll c1\n```\n\n## Goal\n\nDo it.\n\ncheck: positon c1 orders:0 >= 1\n",
            21,
            "column 8: unknown check 'positon'; did you mean 'position'?",
        ),
        (
            "# T\nid: x\nnumber: 1\nkafka-title: K\npar: 1\n\n## Story\n\nA.\n\n## Setup\n\n```console\npoll c1\n```\n\n## Goal\n\nDo it.\n\n## Hints\n",
            17,
            "needs at least one 'check",
        ),
        (
            "# T\nid: x\nnumber: 1\nkafka-title: K\npar: 1\n\n## Story\n\nA.\n\n## Setup\n\n```console\npoll c1\n",
            13,
            "never closed",
        ),
    ];
    for (text, line, message) in cases {
        let e = tutorial::parse_chapter("chapters/99-x.md", text).unwrap_err();
        assert_eq!(e.line, *line, "{e}");
        assert!(
            e.to_string()
                .starts_with(&format!("chapters/99-x.md:{line}: ")),
            "{e}"
        );
        assert!(e.message.contains(message), "{e}");
    }
}

#[test]
fn checks_parse_print_back_and_refuse_mistakes() {
    for text in [
        "records orders >= 1",
        "keyed orders:0 alice == 2",
        "lag billing orders:1 <= 3",
        "group team state == Stable",
        "broker 3 state != stopped",
        "consumer c1 generation > 1",
        "notebook-compacted billing >= 1",
        "rows ledger == 4",
        "duplicate-rows tally >= 1",
        "stored ledger billing orders:0 == 4",
        "lso out:0 == 5",
        "markers out >= 1",
        "aborted out:0 == 1",
        "processed-aborted careful == 0",
        "producer tp state == FENCED",
    ] {
        let check: tutorial::Check = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(check.to_string(), text);
    }
    for (text, message) in [
        ("hw orders >= 1", "needs a partition"),
        ("position c1 orders:0", "expected an operator"),
        ("consumer c1 state >= running", "compared with == or !="),
        ("consumer c1 state == asleep", "not one of the states"),
        ("records orders:0 >= many", "not a whole number"),
        ("members", "expected an operator"),
        ("members g1 g2 == 1", "is written 'members GROUP'"),
        (
            "stored ledger orders:0 == 4",
            "is written 'stored DATABASE GROUP",
        ),
        ("stored ledger billing orders == 4", "needs a partition"),
        ("lso out == 5", "needs a partition"),
        ("producer tp state == sleepy", "not one of the states"),
        (
            "producer tp epoch == 1",
            "is written 'producer PRODUCER state'",
        ),
    ] {
        let e = text.parse::<tutorial::Check>().unwrap_err();
        assert!(e.message.contains(message), "{text}: {e}");
    }
}

#[test]
fn explanations_say_what_the_world_shows_and_what_the_goal_needs() {
    let c = chapter("the-ticket-checker");
    let (console, _) = play(c, &["poll c1"]);
    let check: tutorial::Check = "position c1 orders:0 >= 4"
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
    let status = check.evaluate(&console);
    assert!(!status.met);
    assert_eq!(
        status.explanation,
        "c1 stands at seat 2 of orders:0 (position 2); the goal needs at least 4"
    );
    let check: tutorial::Check = "committed checkers orders:0 == 2"
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        check.evaluate(&console).explanation,
        "team checkers has no line in the notebook for orders:0 (no committed offset); the goal needs exactly 2"
    );
}
