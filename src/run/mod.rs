//! The Run button: compile a snippet sent from the page and run it, here, on
//! the reader's own machine.
//!
//! mdBook's book.js posts `{code, edition, …}` to the public playground's
//! `/evaluate.json` and shows the `result` field of the answer; theme/head.hbs
//! sends that request to this server instead, with the launch's token.
//!
//! The work is split by responsibility:
//! - this file: the HTTP side — who may run (Origin and token), how many run
//!   at once, and the answer;
//! - `toolchain`: which rustc and which rlibs a snippet is compiled against;
//! - `compile`: one snippet, compiled in a fresh temp dir;
//! - `contain`: running the binary under the limits and killing what it left.
//!
//! Speed: the snippet is compiled by a direct `rustc` call against the rlibs
//! cargo already built for the book's snippet tests (the same `--extern`s
//! skeptic uses), which costs one rustc invocation and nothing else.
//!
//! Safety: only requests from the book's own pages get here (Host checked in
//! serve.rs, Origin and token checked below). Each run gets a fresh temp dir, its
//! own process group, a wall-clock limit after which the whole group is killed,
//! and an output cap; at most `--max-runs` run at once and `--max-queued` wait.

mod compile;
mod contain;
mod toolchain;

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

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

use toolchain::{Progress, Toolchain};

/// How long a Run click waits for the Run button to be ready before it is
/// answered with how far the preparation has got.
const WAIT_FOR_PREPARATION: Duration = Duration::from_secs(5);

/// The header theme/head.hbs puts the launch's token in.
pub const TOKEN_HEADER: &str = "x-workbook-token";

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

pub struct Runner {
    limits: Limits,
    token: String,
    origins: Vec<String>,
    toolchain: Arc<OnceLock<Result<Toolchain, String>>>,
    ready: Arc<tokio::sync::Notify>,
    progress: Arc<Progress>,
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
        let progress = Arc::new(Progress::default());
        {
            let (toolchain, ready, progress) = (toolchain.clone(), ready.clone(), progress.clone());
            std::thread::spawn(move || {
                info!("preparing the Run button: building the snippets' dependencies (slow only the first time)");
                let prepared =
                    toolchain::prepare(Path::new(env!("CARGO_MANIFEST_DIR")), &progress).map_err(|e| format!("{e:#}"));
                match &prepared {
                    Ok(t) => info!(
                        "Run button ready: {} crates available to snippets ({} of {} packages reported)",
                        t.crates.len(),
                        progress.built.load(Ordering::Relaxed),
                        progress.expected.load(Ordering::Relaxed)
                    ),
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
            progress,
            waiting: AtomicUsize::new(0),
            next_id: AtomicU64::new(1),
        })
    }

    /// The toolchain, once ready; `None` if it is still being prepared after
    /// `wait`.
    async fn toolchain(&self, wait: Duration) -> Option<&Result<Toolchain, String>> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let notified = self.ready.notified();
            if let Some(t) = self.toolchain.get() {
                return Some(t);
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return None;
            }
        }
    }

    /// What a click gets while cargo is still building the snippets' crates.
    fn preparing(&self) -> String {
        preparing_message(self.progress.built.load(Ordering::Relaxed), self.progress.expected.load(Ordering::Relaxed))
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
    let toolchain = match runner.toolchain(WAIT_FOR_PREPARATION).await {
        Some(Ok(t)) => t,
        Some(Err(e)) => return format!("The Run button is not available: {e}"),
        None => return runner.preparing(),
    };
    let Ok(_slot) = runner.slots.acquire().await else { return "the server is shutting down".into() };
    let id = runner.next_id.fetch_add(1, Ordering::Relaxed);
    let runner2 = runner.clone();
    let (rustc, args) = (toolchain.rustc.clone(), toolchain.args_for(&request.code));
    tokio::task::spawn_blocking(move || compile::compile_and_run(&runner2.limits, &rustc, &args, id, &request))
        .await
        .unwrap_or_else(|e| format!("the run failed: {e}"))
}

/// `preparing Run (n of m crates built)`, and what to do about it.
fn preparing_message(built: usize, expected: usize) -> String {
    let counted = if expected == 0 {
        format!("{built} crates built so far")
    } else {
        // cargo may report a few more libraries than the estimate.
        format!("{} of {expected} crates built", built.min(expected))
    };
    format!(
        "Preparing Run ({counted}): cargo is building the crates snippets may use, once per \
         checkout (`cargo test` builds the same ones). Click Run again in a moment; the \
         server's terminal shows cargo's progress."
    )
}

#[cfg(test)]
mod tests {
    use super::preparing_message;

    #[test]
    fn a_click_before_the_crates_are_built_says_how_far_cargo_has_got() {
        assert!(preparing_message(12, 180).starts_with("Preparing Run (12 of 180 crates built)"));
        assert!(preparing_message(190, 180).starts_with("Preparing Run (180 of 180 crates built)"));
        assert!(preparing_message(3, 0).starts_with("Preparing Run (3 crates built so far)"));
    }
}
