//! Fork-join and a parallel for over chunks: split a slice into one chunk per
//! CPU, let a scoped thread work on each chunk in place, join, combine.
//!
//! `chunks_mut` hands out non-overlapping `&mut` slices, so the borrow checker
//! knows no two threads write the same element: no lock is needed. The scope
//! is the join point (Go would use a sync.WaitGroup).
//!
//! Run: cargo run -p ch08-concurrency --bin parallel-for
//! Look for: the parallel sum equals the one computed again on one thread.
use std::thread;

const USAGE: &str = "\
usage: parallel-for
Sums a slice in one chunk per CPU on scoped threads and compares the result
with the sum computed on one thread. No arguments.
";

fn main() {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    // ANCHOR: chunks
    let mut data: Vec<u64> = (1..=1_000_000).collect();
    let threads = thread::available_parallelism().map_or(2, |n| n.get());
    let chunk = data.len().div_ceil(threads);

    // Fork: one thread per chunk squares its chunk in place and sums it.
    let partial: Vec<u64> = thread::scope(|s| {
        let handles: Vec<_> = data
            .chunks_mut(chunk)
            .map(|part| {
                s.spawn(move || {
                    for x in part.iter_mut() {
                        *x = *x * *x % 1_000_003;
                    }
                    part.iter().sum::<u64>()
                })
            })
            .collect();
        // Join: collect each chunk's result.
        handles.into_iter().map(|h| h.join().expect("worker panicked")).collect()
    });
    let parallel: u64 = partial.iter().sum();
    // Check: the same sum computed from scratch on one thread.
    let sequential: u64 = (1..=1_000_000u64).map(|x| x * x % 1_000_003).sum();
    println!("parallel sum = {parallel}, sequential sum = {sequential}, equal: {}", parallel == sequential);
    // ANCHOR_END: chunks
}
