//! `Mutex<T>` owns the data it protects: the only way to the counter is
//! through `lock()`, and the lock is released when the guard goes out of scope.
//!
//! Four scoped threads add 1 to a shared counter 10,000 times each, and also
//! push into a shared log. `thread::scope` joins them all before it returns, so
//! the threads may borrow `counter` and `log` from `run`'s stack: no `Arc`.
//!
//! Run: cargo run -p ch08-concurrency --bin mutex-counter
//! Look for: exactly 40000, every time.
use std::sync::Mutex;
use std::thread;

const USAGE: &str = "\
usage: mutex-counter
Four scoped threads add 1 to a Mutex-protected counter 10,000 times each and
push into a shared log: the total is exactly 40000. No arguments.
";

fn main() {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("mutex-counter: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    // ANCHOR: counter
    let counter = Mutex::new(0u64);
    let log = Mutex::new(Vec::new());

    thread::scope(|s| {
        for id in 0..4 {
            let (counter, log) = (&counter, &log);
            s.spawn(move || {
                for _ in 0..10_000 {
                    // The critical section: lock, read-modify-write, unlock
                    // (the guard is dropped at the end of the statement).
                    *counter.lock().unwrap() += 1;
                }
                log.lock().unwrap().push(id);
            });
        }
    }); // every thread spawned in the scope is joined here

    // The threads are gone; into_inner takes the value out without locking.
    let total = counter.into_inner().map_err(|e| format!("counter lock poisoned: {e}"))?;
    let mut finished = log.into_inner().map_err(|e| format!("log lock poisoned: {e}"))?;
    finished.sort();
    println!("total = {total}, threads finished: {finished:?}");
    // ANCHOR_END: counter
    Ok(())
}
