//! Cancellation in the style of Go's `context`: a `Context` holds a `done`
//! channel, closed when its `Canceller` is dropped, and an optional
//! deadline. Part 1 cancels three workers blocked in `select!`. Part 2 stops
//! a long computation that checks `ctx.err()` between chunks of work.
//!
//! Run: cargo run -p ch02-channels --bin cancel
//! Look for: all three workers report "cancelled" at once when the
//! canceller is dropped; the computation stops with "deadline exceeded".

use crossbeam::channel::{at, bounded, never, select, Receiver, Sender, TryRecvError};
use std::thread;
use std::time::{Duration, Instant};

const USAGE: &str = "usage: cancel
Go-style context cancellation with channels: dropping a Canceller wakes three
workers blocked in select!, and a deadline stops a computation. Takes no arguments.
";

// ANCHOR: context
/// Why a context ended (Go: `context.Canceled`, `context.DeadlineExceeded`).
#[derive(Debug, Clone, Copy, PartialEq)]
enum CtxError {
    Cancelled,
    DeadlineExceeded,
}

/// A cloneable cancellation signal shared by every task of one job.
#[derive(Clone)]
struct Context {
    /// Never carries a message: it is closed when the Canceller is dropped.
    done: Receiver<()>,
    /// Delivers one message at the deadline (or never, without one).
    deadline: Receiver<Instant>,
    until: Option<Instant>,
}

/// Dropping it cancels the context (Go: calling `cancel()`).
struct Canceller(#[allow(dead_code)] Sender<()>);

impl Context {
    /// Go: `context.WithCancel(ctx)`.
    fn with_cancel() -> (Context, Canceller) {
        let (tx, rx) = bounded(0);
        (Context { done: rx, deadline: never(), until: None }, Canceller(tx))
    }

    /// Go: `context.WithTimeout(ctx, d)`.
    fn with_timeout(d: Duration) -> (Context, Canceller) {
        let (mut ctx, cancel) = Context::with_cancel();
        let until = Instant::now() + d;
        (ctx.deadline, ctx.until) = (at(until), Some(until));
        (ctx, cancel)
    }

    /// Non-blocking check (Go: `ctx.Err()`), for loops that compute.
    fn err(&self) -> Option<CtxError> {
        if let Err(TryRecvError::Disconnected) = self.done.try_recv() {
            return Some(CtxError::Cancelled);
        }
        match self.until {
            Some(t) if Instant::now() >= t => Some(CtxError::DeadlineExceeded),
            _ => None,
        }
    }
}
// ANCHOR_END: context

// ANCHOR: worker
/// Waits for jobs until the context ends; a blocked worker wakes at once.
fn worker(id: usize, ctx: Context, jobs: Receiver<u64>, report: Sender<(usize, &str, u32)>) {
    let mut done_jobs = 0;
    let why = loop {
        select! {
            recv(jobs) -> job => match job {
                Ok(_) => done_jobs += 1,
                Err(_) => break "no more jobs",
            },
            recv(ctx.done) -> _ => break "cancelled",
            recv(ctx.deadline) -> _ => break "deadline exceeded",
        }
    };
    let _ = report.send((id, why, done_jobs));
}
// ANCHOR_END: worker

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    // ANCHOR: part1
    let (ctx, cancel) = Context::with_cancel();
    let (jobs_tx, jobs) = bounded::<u64>(0);
    let (report_tx, reports) = bounded(3);
    let workers: Vec<_> = (0..3)
        .map(|id| {
            let (ctx, jobs, report) = (ctx.clone(), jobs.clone(), report_tx.clone());
            thread::spawn(move || worker(id, ctx, jobs, report))
        })
        .collect();
    for job in 0..6 {
        jobs_tx.send(job).unwrap(); // unwrap: the workers hold receivers until cancelled
    }
    drop(cancel); // every worker's recv(ctx.done) fires now
    for w in workers {
        w.join().expect("a worker panicked");
    }
    drop(report_tx);
    let mut reports: Vec<_> = reports.iter().collect();
    reports.sort(); // by worker id: the threads finish in any order
    for (id, why, _) in &reports {
        println!("worker {id}: {why}");
    }
    let total: u32 = reports.iter().map(|r| r.2).sum();
    println!("jobs done before the cancel: {total}");
    // ANCHOR_END: part1

    // ANCHOR: part2
    let (ctx, _cancel) = Context::with_timeout(Duration::from_millis(20));
    let mut n = 2u64;
    let mut found = 0u64;
    let why = loop {
        // Work in chunks and look at the context between them.
        if let Some(e) = ctx.err() {
            break e;
        }
        for _ in 0..1000 {
            found += ch02_channels::is_prime(n) as u64;
            n += 1;
        }
    };
    println!("prime search stopped: {why:?}");
    std::hint::black_box(found); // how far it got varies from run to run
    // ANCHOR_END: part2
}
