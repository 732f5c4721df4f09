//! What a contended `Mutex` costs in system calls: one futex(2) wait for the
//! thread that has to sleep, one futex wake for the thread that unlocks.
//!
//! The main thread takes the lock, starts a second thread that asks for it, and
//! waits until the kernel reports that thread asleep (state `S` in
//! /proc/self/task/<tid>/stat) — an observation, not a guess with a sleep.
//! Then it unlocks. An uncontended lock and unlock make no system call at all;
//! they are one atomic instruction each.
//!
//! Run: strace -f -e trace=futex target/debug/futex-contention
//!      (after cargo build -p ch08-concurrency)
//! Look for: FUTEX_WAIT by the second thread, FUTEX_WAKE by the main thread,
//! and a second FUTEX_WAKE from the second thread's unlock.
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use ch08_concurrency::{gettid, wait_until_sleeping};

const USAGE: &str = "\
usage: futex-contention
Makes a second thread sleep on a locked Mutex, then unlocks: one futex wait,
one futex wake. No arguments. Run it under strace -f -e trace=futex.
";

fn main() {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("futex-contention: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    // ANCHOR: contend
    let counter = Arc::new(Mutex::new(0));
    for _ in 0..1000 {
        *counter.lock().map_err(|e| e.to_string())? += 1; // uncontended: no syscall
    }
    // The second thread's tid is handed over in an atomic, not a channel, so
    // that the only futex calls in the trace are the mutex's own.
    let tid = Arc::new(AtomicI32::new(0));
    let guard = counter.lock().map_err(|e| e.to_string())?;
    let waiter = {
        let (counter, tid) = (Arc::clone(&counter), Arc::clone(&tid));
        thread::spawn(move || {
            tid.store(gettid(), Ordering::Release);
            // Main holds the lock: spin briefly, then futex(FUTEX_WAIT).
            *counter.lock().expect("poisoned") += 1;
        })
    };
    let tid = loop {
        match tid.load(Ordering::Acquire) {
            0 => thread::yield_now(),
            t => break t,
        }
    };
    wait_until_sleeping(tid)
        .map_err(|e| format!("waiting for thread {tid} to sleep (/proc/self/task/{tid}/stat): {e}"))?;
    drop(guard); // a sleeper exists: unlock must futex(FUTEX_WAKE) it
    waiter.join().map_err(|_| "the waiting thread panicked")?;
    println!("counter = {}", counter.lock().map_err(|e| e.to_string())?);
    // ANCHOR_END: contend
    Ok(())
}
