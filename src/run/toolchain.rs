//! Which rustc and which rlibs a snippet is compiled against.
//!
//! The crates a snippet may use are the workbook package's dev-dependencies
//! (skeptic passes the same ones to the snippet tests). cargo builds them for
//! any test target; we ask it to build `snippet_deps`, an empty test target
//! that exists for this (see Cargo.toml), and read the rlib paths from its
//! `--message-format=json` output, once at start-up.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use super::contain::die_with_the_server;

/// How to compile a snippet: rustc, where the dependencies' dependencies
/// are, and each crate a snippet may name with the path of its rlib.
pub struct Toolchain {
    pub rustc: OsString,
    deps_dir: PathBuf,
    pub crates: Vec<(String, PathBuf)>,
}

impl Toolchain {
    /// `-L` and an `--extern` for each crate the code names. Passing only
    /// those saves rustc loading the metadata of thirty crates (about 40 ms
    /// of a 250 ms compile, measured); a crate the code does not name cannot
    /// be used by it (edition 2018 and later).
    pub fn args_for(&self, code: &str) -> Vec<OsString> {
        let mut args: Vec<OsString> = vec!["-L".into(), format!("dependency={}", self.deps_dir.display()).into()];
        for (name, rlib) in &self.crates {
            if names_identifier(code, name) {
                args.push("--extern".into());
                args.push(format!("{name}={}", rlib.display()).into());
            }
        }
        args
    }
}

/// Whether `name` occurs in `code` as a whole identifier.
fn names_identifier(code: &str, name: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    code.match_indices(name).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = code[at + name.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// Ask cargo to build the `snippet_deps` test target (the dependencies are
/// already built once `cargo test` has run; the target itself is an empty
/// file) and note where each dependency's rlib is.
pub fn prepare(root: &Path) -> Result<Toolchain> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let direct = direct_dependencies(&cargo, root)?;
    let mut build = Command::new(&cargo);
    build
        .args(["test", "--no-run", "--quiet", "-p", "workbook", "--test", "snippet_deps", "--message-format=json"])
        .current_dir(root)
        .stderr(Stdio::inherit());
    die_with_the_server(&mut build);
    let output = build
        .output()
        .context("running cargo to build the snippets' dependencies")?;
    if !output.status.success() {
        bail!("cargo could not build the snippets' dependencies (see above)");
    }
    let mut rlibs: HashMap<String, PathBuf> = HashMap::new();
    let mut deps_dir = None;
    for line in output.stdout.split(|&b| b == b'\n') {
        let Ok(message) = serde_json::from_slice::<serde_json::Value>(line) else { continue };
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        let name = message["target"]["name"].as_str().unwrap_or("").replace('-', "_");
        let lib = message["filenames"].as_array().into_iter().flatten().filter_map(|f| f.as_str()).find(|f| {
            f.ends_with(".rlib") || (f.ends_with(".so") && message["target"]["kind"][0] == "proc-macro")
        });
        if let (Some(lib), true) = (lib, direct.contains(&name)) {
            let lib = PathBuf::from(lib);
            deps_dir = lib.parent().map(Path::to_path_buf);
            rlibs.insert(name, lib);
        }
    }
    let Some(deps_dir) = deps_dir else { bail!("cargo reported no library for the snippets") };
    let mut crates: Vec<(String, PathBuf)> = rlibs.into_iter().collect();
    crates.sort();
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    Ok(Toolchain { rustc, deps_dir, crates })
}

/// The crates the root package names (normal and dev), as Rust identifiers.
fn direct_dependencies(cargo: &OsString, root: &Path) -> Result<Vec<String>> {
    let output = Command::new(cargo)
        .args(["metadata", "--no-deps", "--format-version=1"])
        .current_dir(root)
        .output()
        .context("running cargo metadata")?;
    if !output.status.success() {
        bail!("cargo metadata failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).context("reading cargo metadata")?;
    let root_package = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == "workbook")
        .context("no workbook package in cargo metadata")?;
    Ok(root_package["dependencies"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["kind"] != "build")
        .map(|d| d["rename"].as_str().or(d["name"].as_str()).unwrap_or("").replace('-', "_"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::names_identifier;

    #[test]
    fn a_crate_is_passed_only_when_the_code_names_it() {
        assert!(names_identifier("use nix::unistd::getpid;", "nix"));
        assert!(names_identifier("crossbeam::channel::bounded(0)", "crossbeam"));
        assert!(!names_identifier("let unix = 1; // phoenix", "nix"));
        assert!(!names_identifier("fn main() {}", "libc"));
    }
}
