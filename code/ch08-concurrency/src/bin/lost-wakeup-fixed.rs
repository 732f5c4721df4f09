//! The fix for `lost-wakeup`: keep the predicate under the condition variable's
//! mutex, and wait in a loop that re-checks it.
//!
//! The waiter locks the mutex, checks `ready`, and calls `wait`, which releases
//! the mutex and goes to sleep as ONE atomic step. The notifier must take the
//! same mutex to set `ready`, so it cannot slip in between the check and the
//! sleep: the gap that lost the wake-up no longer exists. We try to force the
//! same interleaving as in `lost-wakeup` (the notifier starts right after the
//! check) and show that the notifier simply blocks until the waiter's wait()
//! releases the mutex (if it then notifies before the waiter is asleep in the
//! kernel, std's condvar counter changed, so the waiter's futex wait returns at
//! once: nothing is lost either way).
//! The `while` loop handles spurious wake-ups and a predicate changed back by
//! another thread.
//!
//! Run: cargo run -p ch08-concurrency --bin lost-wakeup-fixed
//! Look for: the waiter is woken, and sees ready == true.
use std::sync::mpsc;
use std::sync::{Condvar, Mutex};
use std::thread;

const USAGE: &str = "\
usage: lost-wakeup-fixed
The fix for lost-wakeup: the predicate under the Condvar's mutex, waited for
in a loop; the waiter is woken and sees ready == true. No arguments.
";

fn main() {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("lost-wakeup-fixed: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    // ANCHOR: fixed
    let ready = Mutex::new(false); // New: the predicate lives inside the mutex
    let cond = Condvar::new();
    let (checked_tx, checked_rx) = mpsc::channel::<()>();

    let (ready, cond) = (&ready, &cond);
    thread::scope(|s| {
        s.spawn(move || {
            checked_rx.recv().expect("waiter hung up");
            // Blocks until the waiter is inside wait(), which released the lock
            // (the waiter may not be asleep in the kernel yet: no matter, see above).
            let mut r = ready.lock().expect("lock poisoned");
            *r = true;
            println!("notifier: got the lock once wait() released it; ready = true, notify_one()");
            cond.notify_one();
        });

        let mut r = ready.lock().expect("lock poisoned");
        while !*r {
            println!("waiter:   ready is false (checked under the lock), so I wait");
            checked_tx.send(()).ok(); // same forced gap as before; the notifier cannot use it
            // Atomically: unlock, sleep until notified, lock again.
            r = cond.wait(r).expect("lock poisoned");
        }
        println!("waiter:   woken, ready == {}", *r);
    });
    // ANCHOR_END: fixed
    Ok(())
}
