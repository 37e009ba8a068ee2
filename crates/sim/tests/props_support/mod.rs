//! How many random sequences a property test runs.
//!
//! A debug build (`cargo test`, `cargo test -p sim`) runs a few per test, enough to catch a
//! broken property quickly; a release build (`cargo test --release -p sim`, what
//! `cargo xtask test-native` and `cargo xtask test-props` run) runs the volume CI relies on.
//! More on demand:
//!
//! - `OE_PROPTEST_SCALE=K` multiplies every test's count (`OE_PROPTEST_SCALE=10` runs ten
//!   times the release volume);
//! - `PROPTEST_CASES=N` (proptest's own variable) sets every test to exactly N.
//!
//! With `OE_PROPTEST_REPORT=FILE`, each property test appends `SUITE CASES` to FILE as it
//! starts, so the test command can print the total it ran.

use std::io::Write as _;

/// The number of cases for one property test of `suite`: `debug` in a debug build,
/// `release` in an optimised one, changed by the variables above.
pub fn cases(suite: &str, debug: u32, release: u32) -> u32 {
    let var = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.trim().parse::<u32>().ok())
    };
    let base = if cfg!(debug_assertions) {
        debug
    } else {
        release
    };
    let n = var("PROPTEST_CASES")
        .unwrap_or_else(|| base.saturating_mul(var("OE_PROPTEST_SCALE").unwrap_or(1).max(1)));
    if let Some(path) = std::env::var_os("OE_PROPTEST_REPORT") {
        let line = format!("{suite} {n}\n");
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(line.as_bytes()));
        if let Err(e) = written {
            panic!("cannot append to OE_PROPTEST_REPORT ({e})");
        }
    }
    n
}
