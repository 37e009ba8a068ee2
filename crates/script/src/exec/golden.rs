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
