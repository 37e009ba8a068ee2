//! Golden scenarios: every `tests/scenarios/NAME.oe` at the repository root is run as a
//! console session and its transcript (each command's output, then the final state as JSON)
//! must equal `NAME.expected` byte for byte. The wasm tests of `crates/wasm` run the same
//! files and compare with the same bytes.
//!
//! `OE_BLESS=1 cargo test -p script --test golden` rewrites the expected files (review the
//! diff before committing).

use std::path::{Path, PathBuf};

fn scenario_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios")
}

#[test]
fn every_scenario_gives_its_expected_transcript() {
    let bless = std::env::var_os("OE_BLESS").is_some();
    let mut names: Vec<PathBuf> = std::fs::read_dir(scenario_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "oe"))
        .collect();
    names.sort();
    assert!(names.len() >= 6, "scenario files are missing");
    let mut failures = Vec::new();
    for path in names {
        let source = std::fs::read_to_string(&path).unwrap();
        let actual = script::exec::golden::transcript(0, &source);
        let expected_path = path.with_extension("expected");
        if bless {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if actual != expected {
            let line = actual
                .lines()
                .zip(expected.lines())
                .position(|(a, e)| a != e)
                .map_or(actual.lines().count().min(expected.lines().count()), |i| i);
            failures.push(format!(
                "{}: differs from {} at line {}\n  actual:   {:?}\n  expected: {:?}",
                path.display(),
                expected_path.display(),
                line + 1,
                actual.lines().nth(line),
                expected.lines().nth(line)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_transcript_is_the_same_on_every_run() {
    let source = std::fs::read_to_string(scenario_dir().join("replication.oe")).unwrap();
    assert_eq!(
        script::exec::golden::transcript(0, &source),
        script::exec::golden::transcript(0, &source)
    );
}

#[test]
fn the_wasm_tests_include_every_scenario() {
    let common = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../wasm/tests/common/mod.rs"),
    )
    .unwrap();
    for entry in std::fs::read_dir(scenario_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "oe") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                common.contains(&format!("tests/scenarios/{name}\"")),
                "crates/wasm/tests/common/mod.rs does not run {name}"
            );
        }
    }
}
