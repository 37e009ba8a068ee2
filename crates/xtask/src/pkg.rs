//! Building the headless JavaScript API as npm-style packages: `crates/wasm/pkg/web` (an ES
//! module for browsers) and `crates/wasm/pkg/node` (CommonJS for Node), each with its
//! `package.json` (from `crates/wasm/package/`) and the crate's README.

use crate::{root, run, step};
use std::path::PathBuf;
use std::process::Command;

const CRATE: &str = "offset-express-wasm";
const ARTIFACT: &str = "offset_express_wasm.wasm";

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

/// Builds both packages; returns the package root (`crates/wasm/pkg`).
pub fn build() -> Result<PathBuf, String> {
    step("Building the JavaScript API package (wasm-bindgen --target web and nodejs)");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run(Command::new(cargo).args([
        "build",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        CRATE,
    ]))?;
    let wasm = target_dir()
        .join("wasm32-unknown-unknown")
        .join("release")
        .join(ARTIFACT);
    let crate_dir = root().join("crates").join("wasm");
    let pkg = crate_dir.join("pkg");
    for (target, dir) in [("web", "web"), ("nodejs", "node")] {
        let out = pkg.join(dir);
        run(Command::new("wasm-bindgen")
            .arg("--target")
            .arg(target)
            .arg("--out-dir")
            .arg(&out)
            .arg(&wasm))?;
        let manifest = crate_dir.join("package").join(format!("{dir}.json"));
        std::fs::copy(&manifest, out.join("package.json"))
            .map_err(|e| format!("cannot copy {}: {e}", manifest.display()))?;
        let readme = crate_dir.join("README.md");
        if readme.is_file() {
            std::fs::copy(&readme, out.join("README.md"))
                .map_err(|e| format!("cannot copy {}: {e}", readme.display()))?;
        }
    }
    println!("packages: {}/web and {}/node", pkg.display(), pkg.display());
    Ok(pkg)
}
