//! Building the static site with Trunk, writing the offline copy's file list, and measuring
//! what a first visit transfers against the size budget.

use crate::{root, run, step};
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The size budget: everything a first visit transfers (every file of `dist/`, since the
/// service worker fetches them all for the offline copy), each file gzipped, summed.
/// DESIGN.md asks for 300 KB; `docs/site-size.md` shows why 300 KB cannot hold without removing
/// features (the wasm is 97 % of it: the model, the console language, the store and the UI).
/// So the gate is the measured size plus 5 %, as the site issue allows: it catches growth, and
/// a change that needs more says so here and in `docs/site-size.md`. Measured last with Core IV
/// (transactions, `kafka-transactions`, the databases outside Kafka), chapters 13 and 14, the
/// free ride and the play-frame work: 1,135,843 bytes (1109.2 KB; before them 1,061,129).
/// `cargo xtask test` fails its end-to-end layer when the built site is over it, and
/// `cargo xtask dist` prints the figure against it either way. This is the one place the
/// budget is set.
pub const BUDGET_BYTES: usize = 1_192_635;

/// The service worker, copied into `dist/` by Trunk from `web/assets/sw.js`.
const SERVICE_WORKER: &str = "sw.js";
/// The line of `web/assets/sw.js` that the build replaces with its version and file list.
const BUILD_LINE_START: &str = "const BUILD = ";

/// A built site and the size of each of its files.
pub struct Site {
    pub dist: PathBuf,
    pub size: SiteSize,
}

/// Every file's raw and gzipped size, and the totals.
pub struct SiteSize {
    /// `(path relative to dist/ with '/' separators, bytes, gzipped bytes)`, sorted by path.
    pub files: Vec<(String, usize, usize)>,
    pub raw_total: usize,
    pub gzipped_total: usize,
}

/// Builds the release site into `dist/`, writes the service worker's file list, and prints
/// each file's raw and gzipped size with the total against [`BUDGET_BYTES`].
pub fn build() -> Result<Site, String> {
    step("Building the static site (trunk build --release)");
    run(Command::new("trunk").args(["build", "--release"]))?;
    let dist = root().join("dist");
    write_precache(&dist)?;
    let size = measure(&dist)?;
    print_size(&size);
    Ok(Site { dist, size })
}

impl Site {
    /// Ok when the site fits its budget; the error names the figure and the budget.
    pub fn check_budget(&self) -> Result<(), String> {
        check_budget(self.size.gzipped_total, BUDGET_BYTES)
    }
}

fn check_budget(gzipped_total: usize, budget: usize) -> Result<(), String> {
    if gzipped_total <= budget {
        println!(
            "site size: {} gzipped, within its budget of {}",
            kb(gzipped_total),
            kb(budget)
        );
        Ok(())
    } else {
        Err(format!(
            "the site is {} gzipped, over its budget of {} by {} (BUDGET_BYTES in crates/xtask/src/site.rs)",
            kb(gzipped_total),
            kb(budget),
            kb(gzipped_total - budget)
        ))
    }
}

fn kb(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
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

/// Every file under `dist`, as sorted `/`-separated relative paths.
fn site_files(dist: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let mut files = Vec::new();
    files_under(dist, &mut files)?;
    let mut named: Vec<(String, PathBuf)> = files
        .into_iter()
        .map(|f| {
            let name = f
                .strip_prefix(dist)
                .unwrap_or(&f)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            (name, f)
        })
        .collect();
    named.sort();
    Ok(named)
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn gzipped_len(bytes: &[u8]) -> Result<usize, String> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes).map_err(|e| e.to_string())?;
    encoder.finish().map(|v| v.len()).map_err(|e| e.to_string())
}

pub fn measure(dist: &Path) -> Result<SiteSize, String> {
    let mut size = SiteSize {
        files: Vec::new(),
        raw_total: 0,
        gzipped_total: 0,
    };
    for (name, path) in site_files(dist)? {
        let bytes = read(&path)?;
        let gz = gzipped_len(&bytes)?;
        size.raw_total += bytes.len();
        size.gzipped_total += gz;
        size.files.push((name, bytes.len(), gz));
    }
    Ok(size)
}

fn print_size(size: &SiteSize) {
    println!("{:>10} {:>10}  file", "bytes", "gzipped");
    for (name, raw, gz) in &size.files {
        println!("{raw:>10} {gz:>10}  {name}");
    }
    println!(
        "{:>10} {:>10}  total ({} gzipped; budget {})",
        size.raw_total,
        size.gzipped_total,
        kb(size.gzipped_total),
        kb(BUDGET_BYTES)
    );
    if size.gzipped_total > BUDGET_BYTES {
        println!("warning: the site is over its gzipped size budget");
    }
}

/// FNV-1a, 64 bits: enough to tell one build from another (not a security hash).
fn fnv1a(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Writes this build's version (a hash of every file) and file list into `dist/sw.js`, so the
/// service worker caches exactly this build, and its bytes change whenever any file does
/// (which is how the browser notices a new deployment).
fn write_precache(dist: &Path) -> Result<(), String> {
    let sw_path = dist.join(SERVICE_WORKER);
    let template = std::fs::read_to_string(&sw_path).map_err(|e| {
        format!(
            "cannot read {} (index.html copies web/assets/sw.js there): {e}",
            sw_path.display()
        )
    })?;
    let mut version = 0xcbf2_9ce4_8422_2325;
    let mut files = Vec::new();
    for (name, path) in site_files(dist)? {
        if name == SERVICE_WORKER {
            continue;
        }
        version = fnv1a(version, name.as_bytes());
        version = fnv1a(version, &[0]);
        version = fnv1a(version, &read(&path)?);
        files.push(name);
    }
    version = fnv1a(version, template.as_bytes());
    let generated = precache_script(&template, &format!("{version:016x}"), &files)?;
    std::fs::write(&sw_path, generated)
        .map_err(|e| format!("cannot write {}: {e}", sw_path.display()))?;
    println!(
        "service worker: build {version:016x}, {} files to keep offline",
        files.len()
    );
    Ok(())
}

/// The service worker's source with its `const BUILD = …;` line replaced by this build's.
fn precache_script(template: &str, version: &str, files: &[String]) -> Result<String, String> {
    let quoted: Vec<String> = files.iter().map(|f| json_string(f)).collect();
    let line = format!(
        "{BUILD_LINE_START}{{ version: {}, files: [{}] }};",
        json_string(version),
        quoted.join(", ")
    );
    let mut found = false;
    let mut out = String::with_capacity(template.len() + line.len());
    for l in template.lines() {
        if !found && l.starts_with(BUILD_LINE_START) {
            out.push_str(&line);
            found = true;
        } else {
            out.push_str(l);
        }
        out.push('\n');
    }
    if found {
        Ok(out)
    } else {
        Err(format!(
            "web/assets/sw.js has no line starting with '{BUILD_LINE_START}' for the build's file list"
        ))
    }
}

fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_within_its_budget_passes_and_one_over_fails_naming_both_figures() {
        assert!(check_budget(300 * 1024, 300 * 1024).is_ok());
        let err = check_budget(310 * 1024, 300 * 1024).unwrap_err();
        assert!(err.contains("310.0 KB"), "{err}");
        assert!(err.contains("300.0 KB"), "{err}");
        assert!(err.contains("10.0 KB"), "{err}");
    }

    #[test]
    fn the_build_line_of_the_service_worker_is_replaced_and_nothing_else() {
        let template = "// head\nconst BUILD = { version: 'dev', files: [] };\nconst BUILD = 1;\n";
        let out =
            precache_script(template, "00ff", &["index.html".into(), "a\"b.js".into()]).unwrap();
        assert_eq!(
            out,
            "// head\nconst BUILD = { version: \"00ff\", files: [\"index.html\", \"a\\\"b.js\"] };\nconst BUILD = 1;\n"
        );
        assert!(precache_script("nothing here\n", "1", &[]).is_err());
    }

    #[test]
    fn one_changed_byte_changes_the_version() {
        let start = 0xcbf2_9ce4_8422_2325;
        assert_ne!(fnv1a(start, b"index.html"), fnv1a(start, b"index.htmm"));
    }
}
