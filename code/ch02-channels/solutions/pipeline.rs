//! Exercise: a pipeline with fan-out, fan-in and cancellation.
//! Reference solution. Check it with `cargo run -- exercises ch02`.

use crossbeam::channel::{bounded, select, Receiver};
use std::thread;

/// Finds `want` numbers for which `keep` is true, searching 1, 2, 3, … with
/// `workers` threads, and returns them sorted.
///
/// Stage 1, the generator, sends 1, 2, 3, … forever. Stage 2 fans out:
/// `workers` threads take numbers from the one channel and pass on those that
/// `keep`. Stage 3 fans in: the caller collects `want` results, then cancels
/// by dropping the sender of the `done` channel. Every stage sees `done`
/// disconnect, stops, and the function joins all threads before it returns.
pub fn find_first(workers: usize, want: usize, keep: fn(u64) -> bool) -> Vec<u64> {
    assert!(workers > 0, "find_first needs at least one worker");
    // `done` never carries a message: dropping `cancel` closes it, and a
    // closed channel is ready for every receiver at once (Go: close(done)).
    let (cancel, done) = bounded::<()>(0);
    let (numbers_tx, numbers_rx) = bounded::<u64>(64);
    let (found_tx, found_rx) = bounded::<u64>(64);

    let mut threads = Vec::new();
    let gen_done = done.clone();
    threads.push(thread::spawn(move || {
        for n in 1.. {
            select! {
                send(numbers_tx, n) -> res => if res.is_err() { return },
                recv(gen_done) -> _ => return,
            }
        }
    }));
    for _ in 0..workers {
        let (numbers, found, done) = (numbers_rx.clone(), found_tx.clone(), done.clone());
        threads.push(thread::spawn(move || worker(numbers, found, done, keep)));
    }
    drop((numbers_rx, found_tx, done)); // only the threads hold these now

    let mut results: Vec<u64> = found_rx.iter().take(want).collect();
    drop(cancel); // cancel: every `recv(done)` fires
    for t in threads {
        // unwrap: a panic in a stage is a bug worth propagating to the caller.
        t.join().unwrap();
    }
    results.sort_unstable();
    results
}

fn worker(numbers: Receiver<u64>, found: crossbeam::channel::Sender<u64>, done: Receiver<()>, keep: fn(u64) -> bool) {
    loop {
        select! {
            recv(numbers) -> n => {
                let Ok(n) = n else { return };
                if keep(n) {
                    // Sending can block too (the collector may have stopped
                    // reading), so it also waits on `done`.
                    select! {
                        send(found, n) -> res => if res.is_err() { return },
                        recv(done) -> _ => return,
                    }
                }
            }
            recv(done) -> _ => return,
        }
    }
}
