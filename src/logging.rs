//! Log lines on stderr, and a count of the `ERROR` ones: `build` fails a
//! build in which mdBook logged an error it did not return.

use std::sync::atomic::{AtomicUsize, Ordering};

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
pub fn init() {
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

/// How many `ERROR` events have been logged since start-up.
pub fn errors_logged() -> usize {
    ERRORS_LOGGED.load(Ordering::Relaxed)
}
