//! Exercise: a pipeline with fan-out, fan-in and cancellation.
//!
//! Task: write `find_first`. A generator thread sends 1, 2, 3, … forever;
//! `workers` threads take numbers from that one channel (fan-out) and send
//! on those for which `keep` is true into one results channel (fan-in); the
//! caller takes `want` results, then cancels the whole pipeline by dropping
//! the sender of a `done` channel. Every thread must stop — including a
//! worker blocked in a send — and be joined before the function returns.
//! Goal: `cargo run -- exercises ch02` reports `pipeline` as passing (the
//! call returns, with `want` distinct sorted matches, and leaves no thread
//! running; with one worker they are exactly the first `want` matches).
//! Time: about 30 minutes.

use crossbeam::channel::{bounded, select, Receiver};
use std::thread;

/// Finds `want` numbers for which `keep` is true, searching 1, 2, 3, … with
/// `workers` threads, and returns them sorted.
pub fn find_first(workers: usize, want: usize, keep: fn(u64) -> bool) -> Vec<u64> {
    // Start from these: `done` never carries a message; dropping `cancel`
    // closes it, and every `recv(done)` in a `select!` then fires.
    let (cancel, done) = bounded::<()>(0);
    let _: (Receiver<()>, fn(u64) -> bool) = (done, keep);
    let _ = (workers, want, cancel, thread::current());
    let _ = |rx: Receiver<u64>| select! { recv(rx) -> _ => () };
    todo!("generator, `workers` workers, collect `want`, cancel, join")
}
