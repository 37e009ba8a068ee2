//! Project automation for Offset Express, run as `cargo xtask <task>`.
//!
//! The two commands of the README's Quick start live here:
//! - `cargo xtask serve`: install what is missing, build the static site, serve it on
//!   <http://127.0.0.1:8080>;
//! - `cargo xtask test`: install what the tests need and run all three test layers.
//!
//! Every install step checks the version already present first, so a second run starts in
//! seconds. See `tools.rs` for what is installed and how.

mod pkg;
mod profile;
mod server;
mod site;
mod tools;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::Instant;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  serve [--port N]   install the build tools, build the site (release) and serve dist/
  test               install the test tools and run every test layer (native, wasm, end to end)
  test-native        layer 1 only: fmt, clippy, cargo test --workspace, the property tests (release)
  test-props         only the property tests of the core, in release, with their figure
                     (OE_PROPTEST_SCALE=K runs K times as many random sequences)
  test-wasm          layer 2 only: wasm-bindgen-test in headless Chromium and in Node
  test-e2e           layer 3 only: Playwright against the built static site
  dist               build the static site into dist/ and report its gzipped size
  size-profile       where the wasm's bytes go: twiggy top and dominators on a build with names
  pkg                build the JavaScript API packages into crates/wasm/pkg/{web,node}
  bench [native|browser]  run the benchmarks: criterion, then the browser ones in tests/bench/
  setup              install everything, build and test nothing
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(&args[1..]),
        Some("test") => test_all(),
        Some("test-native") => run_layers(&[Layer::Native]),
        Some("test-props") => property_tests(),
        Some("test-wasm") => tools::ensure_test_tools().and_then(|_| run_layers(&[Layer::Wasm])),
        Some("test-e2e") => tools::ensure_test_tools().and_then(|_| run_layers(&[Layer::EndToEnd])),
        Some("pkg") => tools::ensure_build_tools().and_then(|_| pkg::build().map(|_| ())),
        Some("dist") => tools::ensure_build_tools().and_then(|_| site::build().map(|_| ())),
        Some("size-profile") => profile::run_profile(),
        Some("bench") => bench(&args[1..]),
        Some("setup") => tools::ensure_build_tools().and_then(|_| tools::ensure_test_tools()),
        Some("help" | "--help" | "-h") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown task '{other}'\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root (two levels above this crate).
pub fn root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent()
        .and_then(|p| p.parent())
        .map(PathBuf::from)
        .unwrap_or(here)
}

/// Prints a step header so a long first install says what it is doing.
pub fn step(message: &str) {
    println!("\n==> {message}");
}

/// Runs a command in the repository root with the project's tools on PATH; fails on a
/// non-zero exit.
pub fn run(cmd: &mut Command) -> Result<(), String> {
    cmd.current_dir(root())
        .env("PATH", tools::path_with_tools());
    let shown = format!("{cmd:?}");
    let status = cmd
        .status()
        .map_err(|e| format!("could not start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn serve(args: &[String]) -> Result<(), String> {
    let port = match args {
        [] => 8080,
        [flag, value] if flag == "--port" => value
            .parse()
            .map_err(|_| format!("--port expects a number, got '{value}'"))?,
        _ => return Err(format!("serve takes only --port N\n\n{USAGE}")),
    };
    tools::ensure_build_tools()?;
    let site = site::build()?;
    server::serve_forever(&site.dist, port)
}

#[derive(Clone, Copy, PartialEq)]
enum Layer {
    Native,
    Wasm,
    EndToEnd,
}

impl Layer {
    fn name(self) -> &'static str {
        match self {
            Layer::Native => "layer 1, native (fmt, clippy, cargo test, property tests)",
            Layer::Wasm => "layer 2, wasm (wasm-bindgen-test in headless Chromium and Node)",
            Layer::EndToEnd => "layer 3, end to end (Playwright on the built static site)",
        }
    }
}

fn test_all() -> Result<(), String> {
    tools::ensure_build_tools()?;
    tools::ensure_test_tools()?;
    run_layers(&[Layer::Native, Layer::Wasm, Layer::EndToEnd])
}

/// Runs every layer even when an earlier one fails, then reports each and fails if any did.
fn run_layers(layers: &[Layer]) -> Result<(), String> {
    let mut outcomes = Vec::new();
    for &layer in layers {
        step(&format!("Running {}", layer.name()));
        let outcome = match layer {
            Layer::Native => native_layer(),
            Layer::Wasm => wasm_layer(),
            Layer::EndToEnd => e2e_layer(),
        };
        outcomes.push((layer, outcome));
    }
    println!("\n==> Summary");
    let mut failed = 0;
    for (layer, outcome) in &outcomes {
        match outcome {
            Ok(()) => println!("  passed  {}", layer.name()),
            Err(e) => {
                failed += 1;
                println!("  FAILED  {}: {e}", layer.name());
            }
        }
    }
    let passed = outcomes.len() - failed;
    println!("layers: {passed} passed, {failed} failed");
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} test layer(s) failed"))
    }
}

/// Runs every check of a layer even when an earlier one fails, so one run shows them all.
fn all_of(checks: Vec<Result<(), String>>) -> Result<(), String> {
    let failures: Vec<String> = checks.into_iter().filter_map(Result::err).collect();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}

fn native_layer() -> Result<(), String> {
    all_of(vec![
        run(cargo().args(["fmt", "--all", "--", "--check"])),
        run(cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])),
        run(cargo().args(["test", "--workspace"])),
        property_tests(),
    ])
}

/// The property tests of the core: random sequences of commands over the world, the clients
/// and the groups, each step checked against the invariants. `cargo test --workspace` runs
/// them in debug with a few cases each; here they run optimised with the volume CI relies on
/// (see `crates/sim/tests/props_support`).
const PROPERTY_TESTS: &[&str] = &[
    "proptest_world",
    "clients_properties",
    "group_properties",
    "clients_fuzz",
    "advance_split",
    "transactions_properties",
];

/// Builds the property tests in release, runs them, and prints how many random sequences
/// ran (as the tests themselves report them) and how long the run took (the test binaries
/// only: neither the build nor a wait for cargo's lock counts).
fn property_tests() -> Result<(), String> {
    let mut build = cargo();
    build.args([
        "test",
        "--release",
        "-p",
        "sim",
        "--no-run",
        "--message-format=json-render-diagnostics",
    ]);
    for name in PROPERTY_TESTS {
        build.args(["--test", name]);
    }
    step("Building the property tests (release)");
    let shown = format!("{build:?}");
    let output = build
        .current_dir(root())
        .env("PATH", tools::path_with_tools())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("could not start {shown}: {e}"))?;
    if !output.status.success() {
        return Err(format!("{shown} failed ({})", output.status));
    }
    // Cargo's JSON messages: each test binary is an artifact with an "executable" path.
    let messages = String::from_utf8_lossy(&output.stdout);
    let binaries: Vec<PathBuf> = messages
        .lines()
        .filter_map(|line| {
            let (_, rest) = line.split_once("\"executable\":\"")?;
            Some(PathBuf::from(rest.split('"').next()?))
        })
        .collect();
    if binaries.len() != PROPERTY_TESTS.len() {
        return Err(format!(
            "expected {} property test binaries, cargo built {}",
            PROPERTY_TESTS.len(),
            binaries.len()
        ));
    }
    let report = root().join("target").join("proptest-report.txt");
    if report.exists() {
        std::fs::remove_file(&report)
            .map_err(|e| format!("cannot remove {}: {e}", report.display()))?;
    }
    step("Running the property tests (release)");
    let started = Instant::now();
    let mut results = Vec::new();
    for binary in &binaries {
        // As `cargo test` runs them: from the crate's directory, where proptest keeps the
        // sequences that once failed (`tests/*.proptest-regressions`).
        let mut cmd = Command::new(binary);
        cmd.env("OE_PROPTEST_REPORT", &report);
        let shown = format!("{cmd:?}");
        results.push(
            cmd.current_dir(root().join("crates/sim"))
                .status()
                .map_err(|e| format!("could not start {shown}: {e}"))
                .and_then(|status| {
                    if status.success() {
                        Ok(())
                    } else {
                        Err(format!("{shown} failed ({status})"))
                    }
                }),
        );
    }
    let seconds = started.elapsed().as_secs_f64();
    let text = std::fs::read_to_string(&report).unwrap_or_default();
    let mut suites: BTreeMap<&str, u64> = BTreeMap::new();
    for line in text.lines() {
        if let Some((suite, n)) = line.split_once(' ') {
            *suites.entry(suite).or_default() += n.trim().parse::<u64>().unwrap_or(0);
        }
    }
    let total: u64 = suites.values().sum();
    let parts: Vec<String> = suites.iter().map(|(s, n)| format!("{s} {n}")).collect();
    let result = all_of(results);
    println!(
        "property tests: {total} random sequences ({}) in {seconds:.1} s, release build{}",
        parts.join(", "),
        if result.is_ok() { "" } else { "; FAILED" }
    );
    result?;
    if total == 0 {
        return Err("the property tests reported no random sequences".into());
    }
    Ok(())
}

/// Crates whose wasm tests run in headless Chromium (IndexedDB, the core in the browser) or in
/// Node (the headless API). Each test file picks its runtime with
/// `wasm_bindgen_test_configure!`.
const WASM_TEST_CRATES: &[&str] = &["offset-express-wasm", "store"];

fn wasm_layer() -> Result<(), String> {
    // Code that only exists on wasm (IndexedDB, the app's entry) is linted here.
    let mut lint = cargo();
    lint.args(["clippy", "--target", "wasm32-unknown-unknown", "-p", "web"]);
    for krate in WASM_TEST_CRATES {
        lint.args(["-p", krate]);
    }
    let lint = run(lint.args(["--all-targets", "--", "-D", "warnings"]));
    let mut cmd = cargo();
    cmd.args(["test", "--target", "wasm32-unknown-unknown"]);
    for krate in WASM_TEST_CRATES {
        cmd.args(["-p", krate]);
    }
    cmd.env("CHROMEDRIVER", tools::CHROMEDRIVER)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "300");
    let tests = run(&mut cmd);
    // The built npm package, as a user installs it, in Node.
    let node = pkg::build().and_then(|_| run(Command::new("node").args(["--test", "tests/node/"])));
    all_of(vec![lint, tests, node])
}

fn e2e_layer() -> Result<(), String> {
    let site = site::build()?;
    // The size gate: the figure is printed either way; over the budget fails the layer (after
    // the browser tests have run on the same build).
    let budget = site.check_budget();
    let server = server::spawn(&site.dist, 0)?;
    let artifacts = root().join("artifacts");
    std::fs::create_dir_all(&artifacts)
        .map_err(|e| format!("cannot create {}: {e}", artifacts.display()))?;
    let result = run(Command::new("node")
        .args(["--test", "--test-concurrency=1", "tests/e2e/"])
        .env("OE_BASE_URL", format!("http://127.0.0.1:{}/", server.port))
        .env("OE_DIST", &site.dist)
        .env("OE_ARTIFACTS", &artifacts)
        .env("OE_CHROMIUM", tools::CHROMIUM));
    println!("screenshots and traces: {}", artifacts.display());
    all_of(vec![result, budget])
}

/// `bench` runs everything; `bench native` only criterion; `bench browser` only the browser
/// benchmarks (each script in `tests/bench/` against the built site in headless Chromium).
fn bench(args: &[String]) -> Result<(), String> {
    let which = args.first().map(String::as_str).unwrap_or("all");
    if !matches!(which, "all" | "native" | "browser") {
        return Err(format!(
            "bench takes 'native', 'browser' or nothing, got '{which}'"
        ));
    }
    if which != "browser" {
        step("Native benchmarks (criterion)");
        run(cargo().args(["bench", "--workspace"]))?;
    }
    if which != "native" {
        tools::ensure_build_tools()?;
        tools::ensure_test_tools()?;
        let site = site::build()?;
        let server = server::spawn(&site.dist, 0)?;
        let mut scripts: Vec<PathBuf> = std::fs::read_dir(root().join("tests").join("bench"))
            .map_err(|e| format!("cannot list tests/bench: {e}"))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "mjs"))
            .collect();
        scripts.sort();
        for script in scripts {
            step(&format!("Browser benchmark {}", script.display()));
            run(Command::new("node")
                .arg(&script)
                .env("OE_BASE_URL", format!("http://127.0.0.1:{}/", server.port))
                .env("OE_CHROMIUM", tools::CHROMIUM))?;
        }
    }
    Ok(())
}
