//! Which rustc and which rlibs a snippet is compiled against.
//!
//! The crates a snippet may use are the workbook package's dev-dependencies
//! (skeptic passes the same ones to the snippet tests). cargo builds them for
//! any test target; we ask it to build `snippet_deps`, an empty test target
//! that exists for this (see Cargo.toml), and read the rlib paths from its
//! `--message-format=json` output, once at start-up.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

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

/// How far `prepare` has got: packages whose library cargo has reported
/// (built now, or fresh from an earlier build), out of how many it needs.
#[derive(Default)]
pub struct Progress {
    pub built: AtomicUsize,
    pub expected: AtomicUsize,
}

/// Ask cargo to build the `snippet_deps` test target (the dependencies are
/// already built once `cargo test` has run; the target itself is an empty
/// file), counting the libraries as cargo reports them, and note where each
/// crate a snippet may name has its rlib. cargo's own progress lines go to
/// the server's terminal.
pub fn prepare(root: &Path, progress: &Progress) -> Result<Toolchain> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let graph = DependencyGraph::read(&cargo, &rustc, root)?;
    progress.expected.store(graph.libraries, Ordering::Relaxed);
    let mut build = Command::new(&cargo);
    build
        .args(["test", "--no-run", "-p", "workbook", "--test", "snippet_deps", "--message-format=json"])
        .current_dir(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    die_with_the_server(&mut build);
    let mut child = build.spawn().context("running cargo to build the snippets' dependencies")?;
    let messages = BufReader::new(child.stdout.take().context("cargo's stdout")?);
    let mut rlibs: HashMap<String, PathBuf> = HashMap::new();
    let mut deps_dir = None;
    // A package can be built twice (for build scripts and for the target,
    // with different features): count packages, not builds.
    let mut packages_built: HashSet<String> = HashSet::new();
    for line in messages.split(b'\n') {
        let line = line.context("reading cargo's messages")?;
        let Ok(message) = serde_json::from_slice::<serde_json::Value>(&line) else { continue };
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        let kinds: Vec<&str> = message["target"]["kind"].as_array().into_iter().flatten().filter_map(|k| k.as_str()).collect();
        if kinds.iter().any(|k| matches!(*k, "lib" | "rlib" | "proc-macro"))
            && packages_built.insert(message["package_id"].as_str().unwrap_or("").to_string())
        {
            progress.built.store(packages_built.len(), Ordering::Relaxed);
        }
        let name = message["target"]["name"].as_str().unwrap_or("").replace('-', "_");
        let lib = message["filenames"].as_array().into_iter().flatten().filter_map(|f| f.as_str()).find(|f| {
            f.ends_with(".rlib") || (f.ends_with(".so") && kinds.contains(&"proc-macro"))
        });
        if let (Some(lib), true) = (lib, graph.direct.contains(&name)) {
            let lib = PathBuf::from(lib);
            deps_dir = lib.parent().map(Path::to_path_buf);
            rlibs.insert(name, lib);
        }
    }
    let status = child.wait().context("waiting for cargo")?;
    if !status.success() {
        bail!("cargo could not build the snippets' dependencies (see above)");
    }
    let Some(deps_dir) = deps_dir else { bail!("cargo reported no library for the snippets") };
    let mut crates: Vec<(String, PathBuf)> = rlibs.into_iter().collect();
    crates.sort();
    Ok(Toolchain { rustc, deps_dir, crates })
}

/// What `cargo metadata` says about the build `prepare` asks for.
struct DependencyGraph {
    /// The crates the root package names (normal and dev), as Rust identifiers.
    direct: Vec<String>,
    /// How many packages' libraries the build needs on this machine: every package the
    /// root reaches through its normal, build and dev dependencies (dev ones
    /// only from the root), for the host platform.
    libraries: usize,
}

impl DependencyGraph {
    fn read(cargo: &OsString, rustc: &OsString, root: &Path) -> Result<DependencyGraph> {
        let host = host_triple(rustc)?;
        let output = Command::new(cargo)
            .args(["metadata", "--format-version=1", "--filter-platform", &host])
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
            .find(|p| p["name"] == "workbook" && p["source"].is_null())
            .context("no workbook package in cargo metadata")?;
        let direct = root_package["dependencies"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["kind"] != "build")
            .map(|d| d["rename"].as_str().or(d["name"].as_str()).unwrap_or("").replace('-', "_"))
            .collect();
        Ok(DependencyGraph { direct, libraries: reachable_libraries(&metadata["resolve"], &root_package["id"]) })
    }
}

/// Packages reachable from `root` in cargo metadata's `resolve`, not
/// counting `root` itself.
fn reachable_libraries(resolve: &serde_json::Value, root: &serde_json::Value) -> usize {
    let nodes: HashMap<&str, &serde_json::Value> = resolve["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| Some((n["id"].as_str()?, n)))
        .collect();
    let Some(root) = root.as_str() else { return 0 };
    let mut seen: HashSet<&str> = HashSet::from([root]);
    let mut queue = vec![root];
    while let Some(id) = queue.pop() {
        let Some(node) = nodes.get(id) else { continue };
        for dep in node["deps"].as_array().into_iter().flatten() {
            let only_dev = dep["dep_kinds"].as_array().into_iter().flatten().all(|k| k["kind"] == "dev");
            if only_dev && id != root {
                continue;
            }
            if let Some(pkg) = dep["pkg"].as_str() {
                if seen.insert(pkg) {
                    queue.push(pkg);
                }
            }
        }
    }
    seen.len() - 1
}

/// `x86_64-unknown-linux-gnu`, from `rustc -vV`.
fn host_triple(rustc: &OsString) -> Result<String> {
    let output = Command::new(rustc).arg("-vV").output().context("running rustc -vV")?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_string)
        .context("rustc -vV printed no host line")
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
