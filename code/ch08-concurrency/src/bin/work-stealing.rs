//! Work stealing with `crossbeam::deque`: every worker has its own deque of
//! tasks; it pushes and pops at one end without contention, and when it runs
//! dry it steals from the global queue or from the other end of another
//! worker's deque. This is how Go's scheduler balances goroutines between Ps,
//! and how rayon and tokio balance their tasks.
//!
//! A task sums a range of numbers; a large range is split in two, one half
//! pushed back onto the worker's own deque, where an idle worker can steal it.
//!
//! Run: cargo run -p ch08-concurrency --bin work-stealing
//! Look for: the sum of 0..2^23, computed by tasks split into exactly 1024 leaves.
use std::iter;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::thread;

use crossbeam::deque::{Injector, Stealer, Worker};

const USAGE: &str = "\
usage: work-stealing
Sums 0..2^23 with crossbeam::deque work stealing: tasks split in halves down
to 1024 leaves, idle workers steal them. No arguments.
";

// ANCHOR: find
/// The recipe from crossbeam's documentation: my own deque first, then a batch
/// from the global injector, then steal from the others.
fn find_task<T>(local: &Worker<T>, global: &Injector<T>, stealers: &[Stealer<T>]) -> Option<T> {
    local.pop().or_else(|| {
        iter::repeat_with(|| {
            global
                .steal_batch_and_pop(local)
                .or_else(|| stealers.iter().map(|s| s.steal()).collect())
        })
        .find(|s| !s.is_retry()) // Retry: lost a race, try again
        .and_then(|s| s.success())
    })
}
// ANCHOR_END: find

fn main() {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    // ANCHOR: run
    let global: Injector<Range<u64>> = Injector::new();
    global.push(0..1 << 23); // 8,388,608 numbers
    let pending = AtomicUsize::new(1); // tasks queued or running
    let (sum, leaves) = (AtomicU64::new(0), AtomicUsize::new(0));

    let workers: Vec<Worker<Range<u64>>> = (0..2).map(|_| Worker::new_lifo()).collect();
    let stealers: Vec<Stealer<Range<u64>>> = workers.iter().map(|w| w.stealer()).collect();

    thread::scope(|s| {
        for local in workers {
            let (global, stealers, pending, sum, leaves) = (&global, &stealers, &pending, &sum, &leaves);
            s.spawn(move || {
                while pending.load(Ordering::Acquire) > 0 {
                    let Some(range) = find_task(&local, global, stealers) else {
                        thread::yield_now(); // others still hold work; it may be split soon
                        continue;
                    };
                    if range.end - range.start > (1 << 23) / 1024 {
                        let mid = range.start + (range.end - range.start) / 2;
                        pending.fetch_add(1, Ordering::AcqRel); // one task becomes two
                        local.push(mid..range.end); // stealable by the other worker
                        local.push(range.start..mid);
                    } else {
                        sum.fetch_add(range.sum::<u64>(), Ordering::Relaxed);
                        leaves.fetch_add(1, Ordering::Relaxed);
                        pending.fetch_sub(1, Ordering::AcqRel);
                    }
                }
            });
        }
    });
    println!("sum = {} in {} leaf tasks", sum.into_inner(), leaves.into_inner());
    // ANCHOR_END: run
}
