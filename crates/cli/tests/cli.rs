//! The `offset-express` binary as scripts use it: outputs, exit codes, error positions.

use std::path::PathBuf;
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_offset-express"))
}

fn scenario(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("offset-express-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const GOOD: &str = "kafka-topics --create --topic orders --partitions 2\nproducer p1\nsend p1 --topic orders --key alice --value v\nflush p1\n";

#[test]
fn run_prints_each_output_and_the_final_state_and_exits_zero() {
    let file = scenario("good.oe", GOOD);
    let o = bin().arg("run").arg(&file).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("Created topic orders.\np1: queued for orders-"),
        "{out}"
    );
    assert!(out.contains("topic orders (2 partitions)"), "{out}");
}

#[test]
fn run_with_json_format_ends_with_the_versioned_state() {
    let file = scenario("json.oe", GOOD);
    let o = bin()
        .args(["run", "--format", "json", "--seed", "9"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    let json_start = out.find("{\n").unwrap();
    let state: serde_json::Value = serde_json::from_str(&out[json_start..]).unwrap();
    assert_eq!(state["schema"], "offset-express/state");
    assert_eq!(state["version"], 1);
    assert_eq!(state["seed"], 9);
    assert_eq!(state["topics"][0]["name"], "orders");
}

#[test]
fn trace_prints_one_event_per_line_as_json() {
    let file = scenario("trace.oe", GOOD);
    let o = bin().args(["run", "--trace"]).arg(&file).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    let types: Vec<String> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(types[0], "TopicCreated");
    assert!(types.contains(&"RecordAppended".to_string()));
}

#[test]
fn a_failing_line_exits_one_with_file_line_and_column() {
    let file = scenario(
        "fails.oe",
        "kafka-topics --create --topic orders\nsend p9 --topic orders --value v\nkafka-topics --list\n",
    );
    let o = bin().arg("run").arg(&file).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.starts_with(&format!(
            "{}:2:1: UNKNOWN_CLIENT: there is no consumer or producer named 'p9'",
            file.display()
        )),
        "{err}"
    );
    // The file stopped at the failing line: the list after it never ran.
    assert!(!stdout(&o).contains("__consumer_offsets"));
}

#[test]
fn check_reports_a_misspelt_flag_with_its_suggestion() {
    let file = scenario("typo.oe", "kafka-topics --create --topic t --partitons 2\n");
    let o = bin().arg("check").arg(&file).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(
            ":1:33: unknown flag '--partitons' for kafka-topics; did you mean '--partitions'?"
        ),
        "{err}"
    );
}

#[test]
fn check_accepts_every_golden_scenario() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "oe") {
            let o = bin().arg("check").arg(&path).output().unwrap();
            assert_eq!(
                o.status.code(),
                Some(0),
                "{}: {}",
                path.display(),
                stderr(&o)
            );
        }
    }
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(bin().arg("run").output().unwrap().status.code(), Some(2));
    assert_eq!(
        bin().arg("frobnicate").output().unwrap().status.code(),
        Some(2)
    );
    assert_eq!(
        bin()
            .args(["run", "--format", "xml", "x.oe"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        bin()
            .args(["run", "/no/such/file.oe"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn the_repl_runs_lines_from_a_pipe_and_keeps_going_after_an_error() {
    use std::io::Write;
    let mut child = bin()
        .arg("repl")
        .env("HOME", std::env::temp_dir())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"kafka-topics --create --topic t\nsend p9 --topic t --value v\nkafka-topics --list --exclude-internal\nexit\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("Created topic t."), "{out}");
    assert!(out.contains("\nt\n") || out.contains("t\n"), "{out}");
    assert!(stderr(&o).contains("there is no consumer or producer named 'p9'"));
}

#[test]
fn export_prints_a_kafka_python_program_by_default_and_with_python() {
    let file = scenario("export.oe", GOOD);
    for args in [&["export"][..], &["export", "--python"][..]] {
        let o = bin().args(args).arg(&file).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = stdout(&o);
        assert!(out.starts_with("#!/usr/bin/env python3\n"), "{out}");
        assert!(out.contains("BOOTSTRAP = \"localhost:9092\""), "{out}");
        assert!(
            out.contains("admin.create_topics([NewTopic(\"orders\", num_partitions=2)])"),
            "{out}"
        );
        assert!(out.contains("p1 = KafkaProducer("), "{out}");
        assert!(
            out.contains("p1.send(\"orders\", key=b\"alice\", value=b\"v\")"),
            "{out}"
        );
        assert!(out.contains("p1.flush()"), "{out}");
    }
}

#[test]
fn export_with_shell_prints_the_kafka_tools_as_a_bash_script() {
    let file = scenario("export-shell.oe", GOOD);
    let o = bin()
        .args(["export", "--shell"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("#!/usr/bin/env bash\n"), "{out}");
    assert!(out.contains("set -euo pipefail\n"), "{out}");
    assert!(out.contains(
        "kafka-topics.sh --bootstrap-server \"$BOOTSTRAP\" --create --topic orders --partitions 2\n"
    ));
    assert!(out.contains("#   p1.flush();\n"), "{out}");
}

#[test]
fn export_reports_a_bad_line_with_its_place_and_refuses_two_formats() {
    let file = scenario(
        "export-bad.oe",
        "producer p1\nsend p1 --topic t --valeu v\n",
    );
    let o = bin().arg("export").arg(&file).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with(&format!("{}:2:", file.display())),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty());
    let o = bin()
        .args(["export", "--python", "--shell"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}
