//! The Run button: compile a snippet sent from the page and run it, here, on
//! the reader's own machine.
//!
//! mdBook's book.js posts `{code, edition, …}` to the public playground's
//! `/evaluate.json` and shows the `result` field of the answer; theme/head.hbs
//! sends that request to this server instead, with the launch's token.
//!
//! Speed: the snippet is compiled by a direct `rustc` call against the rlibs
//! cargo already built for the book's snippet tests (the same `--extern`s
//! skeptic uses), which costs one rustc invocation and nothing else. The rlib
//! paths come from `cargo test --no-run --message-format=json`, run once at
//! start-up.
//!
//! Safety: only requests from the book's own pages get here (Host checked in
//! serve.rs, Origin and token checked below). Each run gets a fresh temp dir, its
//! own process group, a wall-clock limit after which the whole group is killed,
//! and an output cap; at most `--max-runs` run at once and `--max-queued` wait.

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use tokio::sync::Semaphore;
use tracing::{info, warn};

/// The header theme/head.hbs puts the launch's token in.
pub const TOKEN_HEADER: &str = "x-workbook-token";
/// Every process a run starts inherits this variable, so that processes which
/// leave the run's process group (`setsid`) can still be found and killed.
const RUN_MARKER: &str = "WORKBOOK_RUN_ID";

#[derive(clap::Args, Clone, Debug)]
pub struct Limits {
    /// Wall-clock limit for one snippet run, in seconds.
    #[arg(long, default_value_t = 10)]
    pub time_limit: u64,
    /// Output kept from one run, in bytes; the rest is cut.
    #[arg(long, default_value_t = 64 * 1024)]
    pub max_output: usize,
    /// Snippets compiled or running at once.
    #[arg(long, default_value_t = 2)]
    pub max_runs: usize,
    /// Requests waiting for a free slot; more are refused.
    #[arg(long, default_value_t = 8)]
    pub max_queued: usize,
}

/// How to compile a snippet: rustc, where the dependencies' dependencies
/// are, and each crate a snippet may name with the path of its rlib.
struct Toolchain {
    rustc: OsString,
    deps_dir: PathBuf,
    crates: Vec<(String, PathBuf)>,
}

impl Toolchain {
    /// `-L` and an `--extern` for each crate the code names. Passing only
    /// those saves rustc loading the metadata of thirty crates (about 40 ms
    /// of a 250 ms compile, measured); a crate the code does not name cannot
    /// be used by it (edition 2018 and later).
    fn args_for(&self, code: &str) -> Vec<OsString> {
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

pub struct Runner {
    limits: Limits,
    token: String,
    origins: Vec<String>,
    toolchain: Arc<OnceLock<Result<Toolchain, String>>>,
    ready: Arc<tokio::sync::Notify>,
    slots: Semaphore,
    waiting: AtomicUsize,
    next_id: AtomicU64,
}

/// A fresh random token for this launch: 128 bits from the kernel's CSPRNG.
pub fn new_token() -> Result<String> {
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .context("reading /dev/urandom")?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl Runner {
    /// Start finding the snippet dependencies (a cargo build the first time,
    /// well under a second after) on a thread of its own.
    /// `own_hosts` are the `host:port` names of the server; a run must come
    /// from a page served under one of them (`Origin: http://<host>`).
    pub fn start(limits: Limits, token: String, own_hosts: &[String]) -> Result<Runner> {
        if limits.max_runs == 0 {
            bail!("--max-runs must be at least 1");
        }
        let origins = own_hosts.iter().map(|host| format!("http://{host}")).collect();
        let toolchain = Arc::new(OnceLock::new());
        let ready = Arc::new(tokio::sync::Notify::new());
        {
            let (toolchain, ready) = (toolchain.clone(), ready.clone());
            std::thread::spawn(move || {
                info!("preparing the Run button: building the snippets' dependencies (slow only the first time)");
                let prepared = prepare_toolchain(Path::new(env!("CARGO_MANIFEST_DIR"))).map_err(|e| format!("{e:#}"));
                match &prepared {
                    Ok(t) => info!("Run button ready: {} crates available to snippets", t.crates.len()),
                    Err(e) => warn!("the Run button will not work: {e}"),
                }
                let _ = toolchain.set(prepared);
                ready.notify_waiters();
            });
        }
        Ok(Runner {
            slots: Semaphore::new(limits.max_runs),
            limits,
            token,
            origins,
            toolchain,
            ready,
            waiting: AtomicUsize::new(0),
            next_id: AtomicU64::new(1),
        })
    }

    async fn toolchain(&self) -> &Result<Toolchain, String> {
        loop {
            let notified = self.ready.notified();
            if let Some(t) = self.toolchain.get() {
                return t;
            }
            notified.await;
        }
    }

    /// The request must come from one of our pages: our origin, our token.
    fn check_caller(&self, headers: &HeaderMap) -> Result<(), &'static str> {
        let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
        if !origin.is_some_and(|o| self.origins.iter().any(|ours| ours == o)) {
            return Err("refused: the request did not come from this book's pages (Origin)");
        }
        let token = headers.get(TOKEN_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
        if !constant_time_eq(token.as_bytes(), self.token.as_bytes()) {
            return Err("refused: missing or wrong run token (reload the page: the server may have restarted)");
        }
        Ok(())
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `/meta/crates`: book.js hides the Run button of a snippet whose
/// `extern crate` is not in this list.
pub async fn crates(State(runner): State<Arc<Runner>>) -> Response {
    let names: Vec<String> = match runner.toolchain.get() {
        Some(Ok(t)) => t.crates.iter().map(|(name, _)| name.clone()).collect(),
        _ => Vec::new(),
    };
    let crates: Vec<_> = names.iter().map(|n| json!({"id": n, "name": n, "version": ""})).collect();
    Json(json!({ "crates": crates })).into_response()
}

#[derive(Deserialize)]
pub struct EvaluateRequest {
    code: String,
    #[serde(default)]
    edition: Option<String>,
}

fn answer(status: StatusCode, text: impl Into<String>) -> Response {
    (status, Json(json!({ "result": text.into() }))).into_response()
}

/// `/evaluate.json`: compile and run `code`, answer `{"result": output}`.
///
/// book.js gives up if the response headers take more than 6 s, so the
/// headers go out at once and the body follows when the run is over.
pub async fn evaluate(State(runner): State<Arc<Runner>>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    if let Err(why) = runner.check_caller(&headers) {
        warn!("{why}");
        return answer(StatusCode::FORBIDDEN, why);
    }
    let request: EvaluateRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return answer(StatusCode::BAD_REQUEST, format!("bad request: {e}")),
    };
    if runner.waiting.fetch_add(1, Ordering::SeqCst) >= runner.limits.max_queued + runner.limits.max_runs {
        runner.waiting.fetch_sub(1, Ordering::SeqCst);
        return answer(
            StatusCode::TOO_MANY_REQUESTS,
            format!("refused: {} snippets are already running or waiting; try again in a moment", runner.limits.max_queued + runner.limits.max_runs),
        );
    }
    let (tx, rx) = tokio::sync::oneshot::channel::<String>();
    tokio::spawn(async move {
        let result = run_when_free(&runner, request).await;
        runner.waiting.fetch_sub(1, Ordering::SeqCst);
        let _ = tx.send(json!({ "result": result }).to_string());
    });
    let body = Body::from_stream(futures_util::stream::once(async move {
        Ok::<_, std::convert::Infallible>(rx.await.unwrap_or_else(|_| json!({"result": "the run was lost"}).to_string()))
    }));
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn run_when_free(runner: &Arc<Runner>, request: EvaluateRequest) -> String {
    let toolchain = match runner.toolchain().await {
        Ok(t) => t,
        Err(e) => return format!("The Run button is not available: {e}"),
    };
    let Ok(_slot) = runner.slots.acquire().await else { return "the server is shutting down".into() };
    let id = runner.next_id.fetch_add(1, Ordering::Relaxed);
    let runner2 = runner.clone();
    let (rustc, args) = (toolchain.rustc.clone(), toolchain.args_for(&request.code));
    tokio::task::spawn_blocking(move || compile_and_run(&runner2.limits, &rustc, &args, id, &request))
        .await
        .unwrap_or_else(|e| format!("the run failed: {e}"))
}

/// Compile `request.code` in a fresh temp dir and run it under the limits.
fn compile_and_run(limits: &Limits, rustc: &OsString, args: &[OsString], id: u64, request: &EvaluateRequest) -> String {
    let started = Instant::now();
    let dir = match tempfile::Builder::new().prefix("workbook-run").tempdir() {
        Ok(d) => d,
        Err(e) => return format!("could not create a temp dir: {e}"),
    };
    let source = dir.path().join("main.rs");
    let binary = dir.path().join("snippet");
    if let Err(e) = std::fs::write(&source, &request.code) {
        return format!("could not write {}: {e}", source.display());
    }
    let edition = match request.edition.as_deref() {
        Some(e @ ("2015" | "2018" | "2021" | "2024")) => e,
        _ => "2021",
    };
    let compiled = Command::new(rustc)
        .arg(format!("--edition={edition}"))
        .args(["--crate-type=bin", "--crate-name=snippet", "-Cdebuginfo=0", "--color=never"])
        .args(args)
        .arg("-o")
        .arg(&binary)
        .arg(&source)
        .current_dir(dir.path())
        .output();
    let compiled = match compiled {
        Ok(out) => out,
        Err(e) => return format!("could not run rustc: {e}"),
    };
    if !compiled.status.success() {
        let errors = String::from_utf8_lossy(&compiled.stderr).replace(&source.display().to_string(), "main.rs");
        return format!("{errors}\n[the snippet did not compile]");
    }
    let compile_time = started.elapsed();
    let run = run_limited(limits, &binary, dir.path(), id);
    info!("run {id}: compiled in {:.0?}, ran in {:.0?}", compile_time, started.elapsed() - compile_time);
    run
}

/// Run the binary in its own process group; kill the group at the time limit,
/// at the output cap, and always at the end (children it left behind too).
fn run_limited(limits: &Limits, binary: &Path, dir: &Path, id: u64) -> String {
    let (mut reader, writer) = match std::io::pipe() {
        Ok(p) => p,
        Err(e) => return format!("pipe: {e}"),
    };
    let writer2 = match writer.try_clone() {
        Ok(w) => w,
        Err(e) => return format!("pipe: {e}"),
    };
    let mut command = Command::new(binary);
    command
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(writer2)
        .env(RUN_MARKER, run_marker(id))
        .process_group(0);
    die_with_the_server(&mut command);
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) => return format!("could not start the snippet: {e}"),
    };
    drop(command); // closes our copies of the pipe's write end
    let pgid = child.id() as i32;

    let cap = limits.max_output;
    let (events, event) = std::sync::mpsc::channel();
    let output_events = events.clone();
    let collector = std::thread::spawn(move || {
        let mut output = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            match reader.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let room = cap + 1 - output.len();
                    output.extend_from_slice(&chunk[..n.min(room)]);
                    if output.len() > cap {
                        let _ = output_events.send(Event::OutputFull);
                        break;
                    }
                }
            }
        }
        output
    });
    std::thread::spawn(move || {
        let status = child.wait();
        let _ = events.send(Event::Exited(status.ok()));
    });

    let deadline = Instant::now() + Duration::from_secs(limits.time_limit);
    let mut ending = String::new();
    let status = loop {
        match event.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(Event::Exited(status)) => break status,
            Ok(Event::OutputFull) => {
                ending = format!("\n[output cut at {} KiB: the snippet was stopped]", cap / 1024);
                kill_run(pgid, id);
            }
            Err(_) => {
                if ending.is_empty() {
                    ending = format!("\n[stopped after {} s: the time limit]", limits.time_limit);
                }
                kill_run(pgid, id);
            }
        }
    };
    // Whatever the snippet started and left running dies with the run.
    kill_run(pgid, id);
    let mut output = collector.join().unwrap_or_default();
    output.truncate(cap);
    let mut text = String::from_utf8_lossy(&output).into_owned();
    if ending.is_empty() {
        if let Some(s) = status.filter(|s| !s.success()) {
            ending = format!("\n[{s}]");
        }
    }
    text.push_str(&ending);
    text
}

enum Event {
    Exited(Option<std::process::ExitStatus>),
    OutputFull,
}

/// Have the kernel SIGKILL the child if the server dies first (prctl(2),
/// PR_SET_PDEATHSIG), so a stopped server leaves no cargo or snippet behind.
fn die_with_the_server(command: &mut Command) {
    // SAFETY: the closure runs in the forked child before exec and only makes
    // one async-signal-safe system call.
    unsafe {
        command.pre_exec(|| nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL).map_err(std::io::Error::from));
    }
}

/// `<server pid>-<run number>`: unique on this machine while the server lives.
fn run_marker(id: u64) -> String {
    format!("{}-{id}", std::process::id())
}

/// SIGKILL the run's process group, then every process that still carries the
/// run's marker in its environment (it may have left the group with setsid).
fn kill_run(pgid: i32, id: u64) {
    use nix::sys::signal::{kill, killpg, Signal};
    use nix::unistd::Pid;
    let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
    let marker = format!("{RUN_MARKER}={}", run_marker(id));
    let Ok(procs) = std::fs::read_dir("/proc") else { return };
    for entry in procs.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else { continue };
        let Ok(environ) = std::fs::read(entry.path().join("environ")) else { continue };
        if environ.split(|&b| b == 0).any(|var| var == marker.as_bytes()) {
            let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
        }
    }
}

/// Ask cargo to build a test target of the workbook package (a no-op once
/// `cargo test` has run) and note where each dependency's rlib is: every test
/// target links the same dev-dependencies skeptic gives the book's snippets.
/// The smallest target will do; skeptic's own would first generate and compile
/// a test per snippet.
fn prepare_toolchain(root: &Path) -> Result<Toolchain> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let direct = direct_dependencies(&cargo, root)?;
    let mut build = Command::new(&cargo);
    build
        .args(["test", "--no-run", "--quiet", "-p", "workbook", "--test", "exercises_command", "--message-format=json"])
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
