//! `workbook serve`: build the book into a temp dir, serve it over HTTP, rebuild
//! and reload the open pages when a chapter or an example changes, and (unless
//! `--no-run`) run the snippets a reader sends from the page.
//!
//! Modelled on mdBook's own `serve` (axum + tower-http's `ServeDir`, a
//! websocket at `/__livereload`, a `notify` watcher on the sources).
//! Every request must name this server in its `Host` header: a page from
//! another site that rebinds its DNS name to 127.0.0.1 is refused, so it can
//! neither read the pages (which carry the run token) nor post snippets.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use notify::{RecursiveMode, Watcher};
use tokio::sync::broadcast;
use tower_http::services::ServeDir;
use tracing::{error, info, warn};

use crate::{build, run};

/// The websocket the pages connect to; a message on it makes them reload.
const LIVE_RELOAD_ENDPOINT: &str = "__livereload";
/// Replaced in every built page by this launch's run token (see theme/head.hbs).
const TOKEN_PLACEHOLDER: &str = "__WORKBOOK_RUN_TOKEN__";

#[derive(clap::Args)]
pub struct Options {
    /// Address to listen on. Only loopback addresses are accepted unless
    /// --allow-remote is given.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to listen on (0: any free port; the URL is printed).
    #[arg(long, short, default_value_t = 3000)]
    port: u16,
    /// Listen on a non-loopback address. Anyone who can reach it can then run
    /// code on this machine through the Run buttons: combine with --no-run.
    #[arg(long)]
    allow_remote: bool,
    /// Serve the book without the endpoint that runs snippets.
    #[arg(long)]
    no_run: bool,
    #[command(flatten)]
    limits: run::Limits,
}

/// What every request handler can see.
struct Shared {
    /// `Host` header values that name this server.
    allowed_hosts: Vec<String>,
    reload: broadcast::Sender<()>,
}

pub fn serve(root: &Path, options: Options) -> Result<()> {
    let ip: std::net::IpAddr = options
        .host
        .parse()
        .with_context(|| format!("--host {:?} is not an IP address", options.host))?;
    if !ip.is_loopback() && !options.allow_remote {
        bail!("refusing to listen on {ip}: only loopback is safe, since the Run buttons execute code; pass --allow-remote to override");
    }
    if !ip.is_loopback() {
        warn!("LISTENING ON {ip}: ANYONE WHO CAN REACH THIS ADDRESS CAN READ THE BOOK{}",
            if options.no_run { "" } else { " AND RUN CODE ON THIS MACHINE" });
    }

    let builds = tempfile::Builder::new().prefix("workbook-book").tempdir().context("creating a temp dir for the book")?;
    let token = run::new_token()?;
    let mut rebuild = {
        let (root, builds, token) = (root.to_path_buf(), builds.path().to_path_buf(), token.clone());
        let mut generation = 0;
        move || -> Result<()> {
            generation += 1;
            let dest = builds.join(format!("build-{generation}"));
            build::build(&root, &dest, |book| {
                book.config.set("output.html.live-reload-endpoint", LIVE_RELOAD_ENDPOINT).expect("a valid key");
                book.config.set("output.html.site-url", "/").expect("a valid key");
            })?;
            insert_token(&dest, &token)?;
            publish(&builds, &dest)
        }
    };
    rebuild()?;

    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(SocketAddr::new(ip, options.port)))
        .with_context(|| format!("listening on {ip}:{}", options.port))?;
    let addr = listener.local_addr()?;
    let allowed_hosts = allowed_hosts(addr);
    let runner = if options.no_run {
        None
    } else {
        Some(Arc::new(run::Runner::start(options.limits, token, &allowed_hosts)?))
    };
    let (reload, _) = broadcast::channel(16);
    let shared = Arc::new(Shared { allowed_hosts, reload: reload.clone() });

    watch_and_rebuild(root, rebuild, reload)?;

    let mut app = Router::new().route(&format!("/{LIVE_RELOAD_ENDPOINT}"), get(live_reload));
    if let Some(runner) = runner {
        let run_routes = Router::new()
            .route("/evaluate.json", post(run::evaluate))
            .route("/meta/crates", post(run::crates).get(run::crates))
            .with_state(runner);
        app = app.merge(run_routes);
    }
    let app = app
        .fallback_service(ServeDir::new(builds.path().join(CURRENT)))
        .layer(middleware::from_fn_with_state(shared.clone(), check_host))
        .with_state(shared);

    // Tests and scripts read this line to learn the port.
    println!("Serving the book on http://{addr}/");
    info!("Rebuilding on changes in chapters/ and code/; Ctrl+C to stop");
    runtime.block_on(async { axum::serve(listener, app).await }).context("serving HTTP")?;
    Ok(())
}

/// The `Host` values a browser sends for this server. Anything else is a
/// DNS-rebinding attempt (or a typo) and gets 403.
fn allowed_hosts(addr: SocketAddr) -> Vec<String> {
    let port = addr.port();
    let mut hosts = vec![addr.to_string()];
    if addr.ip().is_loopback() {
        hosts.push(format!("localhost:{port}"));
    }
    hosts
}

async fn check_host(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    if !shared.allowed_hosts.iter().any(|allowed| allowed == host) {
        warn!("refused a request for Host {host:?} (allowed: {:?})", shared.allowed_hosts);
        return (StatusCode::FORBIDDEN, "unknown Host header: this server only answers to its own address\n").into_response();
    }
    next.run(request).await
}

async fn live_reload(ws: WebSocketUpgrade, State(shared): State<Arc<Shared>>) -> Response {
    let mut reloads = shared.reload.subscribe();
    ws.on_upgrade(move |mut socket: WebSocket| async move {
        if reloads.recv().await.is_ok() {
            let _ = socket.send(Message::text("reload")).await;
        }
    })
}

/// Watch the sources on a thread of its own; after each burst of changes,
/// rebuild and tell the open pages to reload.
fn watch_and_rebuild(
    root: &Path,
    mut rebuild: impl FnMut() -> Result<()> + Send + 'static,
    reload: broadcast::Sender<()>,
) -> Result<()> {
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx).context("starting the file watcher")?;
    for path in watched_paths(root)? {
        let mode = if path.is_dir() { RecursiveMode::Recursive } else { RecursiveMode::NonRecursive };
        watcher.watch(&path, mode).with_context(|| format!("watching {}", path.display()))?;
    }
    std::thread::spawn(move || {
        let _keep_watching = watcher;
        while let Ok(first) = rx.recv() {
            // An editor's save is a burst of events: gather it before rebuilding.
            let mut changed = changed_sources(first);
            while let Ok(next) = rx.recv_timeout(Duration::from_millis(200)) {
                changed.extend(changed_sources(next));
            }
            if changed.is_empty() {
                continue;
            }
            changed.sort();
            changed.dedup();
            info!("changed: {changed:?}; rebuilding");
            match rebuild() {
                Ok(()) => {
                    let _ = reload.send(());
                }
                Err(e) => error!("rebuilding the book: {e:#}"),
            }
        }
    });
    Ok(())
}

/// The source files an event changed. Reads are events too (inotify reports
/// every open and close, cargo's and mdBook's own included): those change nothing.
fn changed_sources(event: notify::Result<notify::Event>) -> Vec<PathBuf> {
    match event {
        Ok(event) if !matches!(event.kind, notify::EventKind::Access(_)) => {
            event.paths.into_iter().filter(|p| is_source(p)).collect()
        }
        Ok(_) => Vec::new(),
        Err(e) => {
            warn!("file watcher: {e}");
            Vec::new()
        }
    }
}

/// book.toml, the chapters, the theme, and the build's extra-watch-dirs (code/).
fn watched_paths(root: &Path) -> Result<Vec<PathBuf>> {
    let book = mdbook_driver::MDBook::load(root).context("loading book.toml")?;
    let mut paths = vec![root.join("book.toml"), book.source_dir()];
    paths.extend(book.config.build.extra_watch_dirs.iter().map(|d| root.join(d)));
    let theme = book.theme_dir();
    if theme.is_dir() {
        paths.push(theme);
    }
    Ok(paths)
}

/// Build output and editor droppings do not change the book.
fn is_source(path: &Path) -> bool {
    let skip_dir = |c: std::path::Component| matches!(c.as_os_str().to_str(), Some("target" | ".git"));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    !path.components().any(skip_dir) && !name.ends_with('~') && !name.starts_with(".#") && !name.ends_with(".swp")
}

/// The served build: a symlink in the builds dir to the newest complete build.
const CURRENT: &str = "current";

/// Make `build` the served one. Each build goes to a new directory and the
/// `current` link is swapped with rename(2), which is atomic: a page loaded
/// while the book is being rebuilt comes whole from the old build or the new.
fn publish(builds: &Path, build: &Path) -> Result<()> {
    let next = builds.join("current.next");
    let _ = std::fs::remove_file(&next);
    std::os::unix::fs::symlink(build, &next).with_context(|| format!("linking {}", next.display()))?;
    std::fs::rename(&next, builds.join(CURRENT)).context("switching to the new build")?;
    for entry in std::fs::read_dir(builds)?.flatten() {
        let path = entry.path();
        if path.is_dir() && !path.is_symlink() && path != build {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
    Ok(())
}

/// Give every built page this launch's token (theme/head.hbs reads it).
fn insert_token(dir: &Path, token: &str) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            insert_token(&path, token)?;
        } else if path.extension().is_some_and(|e| e == "html") {
            let html = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            if html.contains(TOKEN_PLACEHOLDER) {
                std::fs::write(&path, html.replace(TOKEN_PLACEHOLDER, token))
                    .with_context(|| format!("writing {}", path.display()))?;
            }
        }
    }
    Ok(())
}
