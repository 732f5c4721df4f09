//! Building the book with the mdbook-driver library, and failing on any `ERROR`.
//!
//! mdBook reports some mistakes (a bad `[output.html]` table, an include it
//! cannot read) only as an `ERROR` log line and still builds, so we count those
//! lines with a tracing layer and turn them into a failed build.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{bail, Context, Result};
use mdbook_driver::MDBook;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context as LayerContext, Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

static ERRORS_LOGGED: AtomicUsize = AtomicUsize::new(0);

/// Counts every `ERROR` event, whoever logs it.
struct ErrorCounter;

impl<S: Subscriber> Layer<S> for ErrorCounter {
    fn on_event(&self, event: &Event<'_>, _: LayerContext<'_, S>) {
        if *event.metadata().level() == Level::ERROR {
            ERRORS_LOGGED.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Log to stderr at `info` (or `RUST_LOG`), and count errors.
pub fn init_logging() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_target(false)
                .with_filter(filter),
        )
        .with(ErrorCounter)
        .init();
}

/// Build the book at `root` into `dest`; `adjust` may change the configuration
/// first (the server turns on live reload). Fails if mdBook logged an error.
pub fn build(root: &Path, dest: &Path, adjust: impl Fn(&mut MDBook)) -> Result<()> {
    let errors_before = ERRORS_LOGGED.load(Ordering::Relaxed);
    let mut book = MDBook::load(root).with_context(|| format!("loading the book in {}", root.display()))?;
    book.config.build.build_dir = dest.to_path_buf();
    adjust(&mut book);
    book.build().context("building the book")?;
    let errors = ERRORS_LOGGED.load(Ordering::Relaxed) - errors_before;
    if errors > 0 {
        bail!("mdBook logged {errors} error(s) while building the book (see the ERROR lines above)");
    }
    Ok(())
}
