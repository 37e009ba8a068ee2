//! `cargo xtask size-profile`: where the bytes of the release wasm go.
//!
//! Builds the app's wasm exactly as Trunk's release build does (same cargo profile, the same
//! `wasm-bindgen` and `wasm-opt -Oz`), but keeps the function names (`wasm-opt -g`), then runs
//! `twiggy top` and `twiggy dominators` on it. The figures are the shipped code's sizes: names
//! live in a custom section that twiggy reports separately. Twiggy is a developer tool, so it
//! is installed here, on demand, and never by `serve` or `test`. The reports are also written
//! to `target/size-profile/`. docs/site-size.md says what was found and what was done.

use crate::{root, run, step, tools};
use std::process::Command;

const TWIGGY_VERSION: &str = "0.8.0";
const BIN: &str = "offset-express-web";

pub fn run_profile() -> Result<(), String> {
    tools::ensure_build_tools()?;
    ensure_twiggy()?;
    let out = root().join("target").join("size-profile");
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    step("Building the app's wasm (release, as Trunk does)");
    run(Command::new(cargo()).args([
        "build",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "web",
        "--bin",
        BIN,
    ]))?;
    let built = root()
        .join("target")
        .join("wasm32-unknown-unknown")
        .join("release")
        .join(format!("{BIN}.wasm"));
    step("wasm-bindgen, then wasm-opt -Oz keeping names (-g)");
    run(Command::new("wasm-bindgen")
        .arg(&built)
        .arg("--out-dir")
        .arg(&out)
        .args(["--target", "web", "--no-typescript"]))?;
    let bound = out.join(format!("{BIN}_bg.wasm"));
    let named = out.join("named.wasm");
    run(Command::new("wasm-opt")
        .args(["-Oz", "-g"])
        .arg(&bound)
        .arg("-o")
        .arg(&named))?;
    for (title, args, file) in [
        (
            "twiggy top: the biggest items",
            &["top", "-n", "40"][..],
            "top.txt",
        ),
        (
            "twiggy dominators: what keeps the bytes alive",
            &["dominators", "-d", "4", "-r", "60"][..],
            "dominators.txt",
        ),
    ] {
        step(title);
        let report = Command::new("twiggy")
            .env("PATH", tools::path_with_tools())
            .args(args)
            .arg(&named)
            .output()
            .map_err(|e| format!("could not run twiggy: {e}"))?;
        if !report.status.success() {
            return Err(format!(
                "twiggy {} failed: {}",
                args[0],
                String::from_utf8_lossy(&report.stderr)
            ));
        }
        let text = String::from_utf8_lossy(&report.stdout);
        print!("{text}");
        let path = out.join(file);
        std::fs::write(&path, text.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    println!("\nreports: {}", out.display());
    Ok(())
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn ensure_twiggy() -> Result<(), String> {
    let have = Command::new("twiggy")
        .env("PATH", tools::path_with_tools())
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    if have.as_deref() == Some(&format!("twiggy {TWIGGY_VERSION}")) {
        println!("twiggy: {TWIGGY_VERSION}");
        return Ok(());
    }
    step(&format!(
        "Installing twiggy {TWIGGY_VERSION} with cargo (a developer tool, about 2 minutes, once)"
    ));
    run(Command::new(cargo()).args([
        "install",
        "twiggy",
        "--version",
        TWIGGY_VERSION,
        "--locked",
    ]))
}
