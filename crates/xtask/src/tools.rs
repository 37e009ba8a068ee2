//! Installing the tools the build and the tests need, each only when it is missing or at the
//! wrong version.
//!
//! | tool | version | how |
//! | --- | --- | --- |
//! | wasm32 target | the toolchain's | `rustup target add` |
//! | wasm-bindgen CLI (+ test runner) | exactly the `wasm-bindgen` crate in `Cargo.lock` | `cargo install` |
//! | Trunk | 0.21.14 (0.22 needs a newer rustc) | `cargo install` |
//! | wasm-opt, playwright-core | `package.json` / `package-lock.json` | `npm ci` into `node_modules/` |
//! | Chromium, ChromeDriver | Debian's | `apt-get install chromium chromium-driver` |

use crate::{root, run, step};
use std::path::PathBuf;
use std::process::Command;

pub const TRUNK_VERSION: &str = "0.21.14";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// PATH with the project's node tools and cargo's bin folder in front, so Trunk finds the
/// pinned `wasm-bindgen` and `wasm-opt`.
pub fn path_with_tools() -> String {
    let mut dirs = vec![root().join("node_modules").join(".bin"), cargo_bin_dir()];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn cargo_bin_dir() -> PathBuf {
    match std::env::var_os("CARGO_HOME") {
        Some(home) => PathBuf::from(home).join("bin"),
        None => PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
            .join(".cargo")
            .join("bin"),
    }
}

/// The first line a tool prints for `--version`, or `None` if it does not run.
fn version_of(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .env("PATH", path_with_tools())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .map(|l| l.trim().to_string())
}

/// The version of the `wasm-bindgen` crate that `Cargo.lock` holds: the CLI must match it.
pub fn locked_wasm_bindgen_version() -> Result<String, String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
            {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen entry".into())
}

fn ensure_wasm_target() -> Result<(), String> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.trim() == "wasm32-unknown-unknown")
        })
        .unwrap_or(false);
    if installed {
        println!("wasm32-unknown-unknown target: installed");
        return Ok(());
    }
    step("Installing the wasm32-unknown-unknown target (about 20 s)");
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// `cargo install` at an exact version; retries without `--locked` when a crate in the tool's
/// own lock file is no longer served by the registry.
fn cargo_install(krate: &str, version: &str, minutes: &str) -> Result<(), String> {
    step(&format!(
        "Installing {krate} {version} with cargo (takes about {minutes} the first time)"
    ));
    let locked = run(Command::new("cargo").args([
        "install",
        krate,
        "--version",
        version,
        "--locked",
        "--force",
    ]));
    if locked.is_ok() {
        return locked;
    }
    println!("{krate}: install with its own lock file failed; retrying with freshly resolved dependencies");
    run(Command::new("cargo").args(["install", krate, "--version", version, "--force"]))
}

fn ensure_wasm_bindgen() -> Result<(), String> {
    let want = locked_wasm_bindgen_version()?;
    let expected = format!("wasm-bindgen {want}");
    let have_cli = version_of("wasm-bindgen", &["--version"]);
    let have_runner = version_of("wasm-bindgen-test-runner", &["--version"]);
    if have_cli.as_deref() == Some(expected.as_str()) && have_runner.is_some() {
        println!("wasm-bindgen CLI: {want} (matches Cargo.lock)");
        return Ok(());
    }
    if let Some(other) = have_cli {
        println!("wasm-bindgen CLI: found '{other}', need {want}");
    }
    cargo_install("wasm-bindgen-cli", &want, "3 minutes")
}

fn ensure_trunk() -> Result<(), String> {
    let expected = format!("trunk {TRUNK_VERSION}");
    match version_of("trunk", &["--version"]) {
        Some(v) if v == expected => {
            println!("Trunk: {TRUNK_VERSION}");
            Ok(())
        }
        other => {
            if let Some(v) = other {
                println!("Trunk: found '{v}', need {TRUNK_VERSION}");
            }
            cargo_install("trunk", TRUNK_VERSION, "9 minutes")
        }
    }
}

/// `npm ci` when `node_modules` is missing or older than the lock file.
fn ensure_node_modules() -> Result<(), String> {
    let lock = root().join("package-lock.json");
    let installed = root().join("node_modules").join(".package-lock.json");
    let fresh = match (std::fs::metadata(&lock), std::fs::metadata(&installed)) {
        (Ok(l), Ok(i)) => match (l.modified(), i.modified()) {
            (Ok(l), Ok(i)) => i >= l,
            _ => false,
        },
        _ => false,
    };
    if fresh && version_of("wasm-opt", &["--version"]).is_some() {
        println!("node tools (wasm-opt, playwright-core): installed");
        return Ok(());
    }
    step("Installing node tools from package-lock.json (wasm-opt from binaryen, playwright-core)");
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]))
}

/// Everything `cargo xtask serve` needs.
pub fn ensure_build_tools() -> Result<(), String> {
    step("Checking the build tools");
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    ensure_trunk()?;
    ensure_node_modules()
}

fn ensure_chromium() -> Result<(), String> {
    let browser = version_of(CHROMIUM, &["--version"]);
    let driver = version_of(CHROMEDRIVER, &["--version"]);
    if let (Some(b), Some(d)) = (&browser, &driver) {
        println!("Chromium: {b}\nChromeDriver: {d}");
        return Ok(());
    }
    step("Installing Debian's chromium and chromium-driver (about a minute)");
    let sudo = !is_root();
    let apt = |args: &[&str]| {
        let mut cmd = if sudo {
            Command::new("sudo")
        } else {
            Command::new("apt-get")
        };
        if sudo {
            cmd.arg("apt-get");
        }
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut cmd)
    };
    apt(&["update"])?;
    apt(&[
        "install",
        "-y",
        "--no-install-recommends",
        "chromium",
        "chromium-driver",
    ])
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Everything `cargo xtask test` needs beyond the build tools.
pub fn ensure_test_tools() -> Result<(), String> {
    step("Checking the test tools");
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    ensure_node_modules()?;
    ensure_chromium()
}
