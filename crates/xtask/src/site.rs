//! Building the static site with Trunk and reporting what a visitor downloads.

use crate::{root, run, step};
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Builds the release site into `dist/` and prints each file's raw and gzipped size.
pub fn build() -> Result<PathBuf, String> {
    step("Building the static site (trunk build --release)");
    run(Command::new("trunk").args(["build", "--release"]))?;
    let dist = root().join("dist");
    report_size(&dist)?;
    Ok(dist)
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            files_under(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn gzipped_len(bytes: &[u8]) -> Result<usize, String> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes).map_err(|e| e.to_string())?;
    encoder.finish().map(|v| v.len()).map_err(|e| e.to_string())
}

/// The size budget for everything the site transfers, gzipped (DESIGN.md).
const BUDGET_BYTES: usize = 300 * 1024;

fn report_size(dist: &Path) -> Result<(), String> {
    let mut files = Vec::new();
    files_under(dist, &mut files)?;
    files.sort();
    let (mut raw_total, mut gz_total) = (0, 0);
    println!("{:>10} {:>10}  file", "bytes", "gzipped");
    for file in &files {
        let bytes =
            std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let gz = gzipped_len(&bytes)?;
        raw_total += bytes.len();
        gz_total += gz;
        let name = file.strip_prefix(dist).unwrap_or(file).display();
        println!("{:>10} {:>10}  {name}", bytes.len(), gz);
    }
    println!(
        "{raw_total:>10} {gz_total:>10}  total ({:.1} KB gzipped; budget {} KB)",
        gz_total as f64 / 1024.0,
        BUDGET_BYTES / 1024
    );
    if gz_total > BUDGET_BYTES {
        println!("warning: the site is over its gzipped size budget");
    }
    Ok(())
}
