//! Golden transcripts: a scenario file run as a console session, written as text that native
//! and wasm tests compare byte for byte with `tests/scenarios/NAME.expected`.
//!
//! The transcript holds, for every command of the file, `> ` and its canonical form, then
//! what it printed, or `error: …` if it failed (a console keeps going after a failing line,
//! and the failing line changes nothing); then `== state ==` and the final state as JSON
//! ([`super::state`]).

use super::{state, Console};

/// Runs `source` in a fresh console with `seed` (a `seed` line in the file may change it) and
/// returns the transcript. A file that does not parse gives a transcript ending in the parse
/// error.
pub fn transcript(seed: u64, source: &str) -> String {
    let mut console = Console::new(seed);
    let mut out = String::new();
    for item in crate::script_commands(source) {
        let (span, command) = match item {
            Ok(pair) => pair,
            Err(e) => {
                out.push_str(&format!("parse error: {e}\n"));
                return out;
            }
        };
        out.push_str("> ");
        out.push_str(&command.to_string());
        out.push('\n');
        match console.execute(span, &command) {
            Ok(output) => out.push_str(&output.text),
            Err(e) => {
                out.push_str("error: ");
                out.push_str(&e.to_string());
                out.push('\n');
            }
        }
    }
    out.push_str("== state ==\n");
    out.push_str(&state::state_json(&console));
    out.push('\n');
    out
}

/// A scenario of `lines` lines that all succeed, of the kinds the tutorial uses: topics, a
/// producer sending keyed records, the clock, offset commits and resets, views. The native
/// benchmark (`benches/run.rs`) and the browser benchmark of `crates/wasm` run it.
pub fn benchmark_scenario(lines: usize) -> String {
    let mut out = vec![
        "kafka-topics --create --topic orders --partitions 6 --replication-factor 3".to_string(),
        "kafka-topics --create --topic ledger --partitions 1 --replication-factor 3 --config cleanup.policy=compact".to_string(),
        "producer p1 acks=all".to_string(),
    ];
    let mut i = 0u64;
    while out.len() < lines {
        let line = match i % 20 {
            0..=11 => format!("send p1 --topic orders --key user-{} --value \"order {i}\"", i % 97),
            12 => format!("send p1 --topic ledger --key acct-{} --value {i}", i % 7),
            13 => "advance 250ms".to_string(),
            14 => "kafka-get-offsets --topic orders".to_string(),
            15 => format!(
                "kafka-console-consumer --topic orders --group g{} --max-messages 50",
                i % 3
            ),
            16 => "kafka-consumer-groups --describe --all-groups".to_string(),
            17 => format!(
                "kafka-consumer-groups --reset-offsets --group g{} --all-topics --shift-by -1 --execute",
                i % 3
            ),
            18 => "kafka-topics --describe --topic orders".to_string(),
            _ => "advance 1s".to_string(),
        };
        out.push(line);
        i += 1;
    }
    out.truncate(lines);
    out.join("\n") + "\n"
}
