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
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    let out = target.join("size-profile");
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
    let built = target
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
    step("Bytes by crate (twiggy top, summed by the crate that names each item)");
    let csv = Command::new("twiggy")
        .env("PATH", tools::path_with_tools())
        .args(["top", "-n", "1000000", "-f", "csv"])
        .arg(&named)
        .output()
        .map_err(|e| format!("could not run twiggy: {e}"))?;
    let text = by_crate(&String::from_utf8_lossy(&csv.stdout));
    print!("{text}");
    let path = out.join("by-crate.txt");
    std::fs::write(&path, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("\nreports: {}", out.display());
    Ok(())
}

/// The first field of a CSV line (quoted or not), unquoted, and the second as a number.
fn name_and_size(line: &str) -> Option<(String, u64)> {
    let (name, rest) = if let Some(quoted) = line.strip_prefix('"') {
        let mut name = String::new();
        let mut chars = quoted.char_indices().peekable();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            if c == '"' {
                if chars.peek().map(|&(_, n)| n) == Some('"') {
                    name.push('"');
                    chars.next();
                } else {
                    end = Some(i + 1);
                    break;
                }
            } else {
                name.push(c);
            }
        }
        (name, &quoted[end?..])
    } else {
        let (name, rest) = line.split_once(',')?;
        (name.to_string(), rest)
    };
    let size = rest
        .trim_start_matches(',')
        .split(',')
        .next()?
        .parse()
        .ok()?;
    Some((name, size))
}

/// Which crate an item belongs to: the first `crate::` path in its name; sections and data
/// by kind.
fn crate_of(name: &str) -> String {
    if name.contains("function names") || name.contains("subsection") {
        return "(names: kept for this profile only, not shipped)".into();
    }
    if name.starts_with("data segment") {
        return "(data segments: strings, tables, constants)".into();
    }
    let bytes = name.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        let ident = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || **b == b'_')
            .count();
        if ident > 0 && name[start + ident..].starts_with("::") {
            return name[start..start + ident].to_string();
        }
        start += ident.max(1);
    }
    "(wasm structure: types, tables, imports, exports)".into()
}

fn by_crate(csv: &str) -> String {
    let mut sizes: std::collections::BTreeMap<String, u64> = Default::default();
    for line in csv.lines().skip(1) {
        if let Some((name, size)) = name_and_size(line) {
            if name.starts_with('Σ') || name.starts_with("... and") {
                continue;
            }
            *sizes.entry(crate_of(&name)).or_default() += size;
        }
    }
    let mut rows: Vec<(String, u64)> = sizes.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    // Shares are of the shipped bytes: the names are in this profile's build only.
    let shipped: u64 = rows
        .iter()
        .filter(|r| !r.0.starts_with("(names"))
        .map(|r| r.1)
        .sum();
    let mut out = format!(
        "{:>10} {:>7}  crate (share of the {shipped} shipped bytes)\n",
        "bytes", "share"
    );
    for (krate, size) in rows {
        if krate.starts_with("(names") {
            out.push_str(&format!("{size:>10} {:>7}  {krate}\n", "-"));
        } else {
            out.push_str(&format!(
                "{size:>10} {:>6.1}%  {krate}\n",
                size as f64 * 100.0 / shipped.max(1) as f64
            ));
        }
    }
    out
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
    run(Command::new(cargo()).args(["install", "twiggy", "--version", TWIGGY_VERSION, "--locked"]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_counted_for_the_crate_that_names_them() {
        assert_eq!(crate_of("sim::world::World::apply::h12"), "sim");
        assert_eq!(
            crate_of("<serde_json::ser::Compound<W,F> as serde_core::ser::SerializeSeq>::x"),
            "serde_json"
        );
        assert_eq!(crate_of("<&T as core::fmt::Display>::fmt::h1"), "core");
        assert_eq!(
            name_and_size("\"data segment \"\".rodata\"\"\",30151,1.49,,"),
            Some(("data segment \".rodata\"".to_string(), 30151))
        );
        assert_eq!(
            name_and_size("script::parse::h1,43512,2.1,,"),
            Some(("script::parse::h1".to_string(), 43512))
        );
    }
}
