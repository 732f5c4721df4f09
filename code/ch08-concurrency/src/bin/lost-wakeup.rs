//! DELIBERATELY BROKEN: a condition variable used without keeping the
//! predicate under its mutex loses a wake-up.
//!
//! The waiter checks `ready` (an AtomicBool, outside the mutex), sees false,
//! and only then locks the mutex and waits on the Condvar. In the gap between
//! the check and the wait, the notifier sets `ready` and calls `notify_one` —
//! while nobody is waiting yet, so the notification is simply lost: a Condvar
//! has no memory. The waiter then sleeps although `ready` is true.
//!
//! On a real machine the gap is a few nanoseconds and the bug shows once in a
//! million runs. Here two channels force exactly that interleaving, every run,
//! and the waiter uses `wait_timeout` so the demonstration ends instead of
//! hanging. The fixed version is `lost-wakeup-fixed`.
//!
//! Run: cargo run -p ch08-concurrency --bin lost-wakeup
//! Look for: "LOST WAKE-UP" after the timeout, with ready == true.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: lost-wakeup
DELIBERATELY BROKEN: forces a notify_one between the waiter's check of
`ready` and its wait, so the wake-up is lost (seen after a timeout). No arguments.
";

fn main() {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("lost-wakeup: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    // ANCHOR: broken
    let ready = AtomicBool::new(false); // the predicate: NOT protected by `lock`
    let lock = Mutex::new(());
    let cond = Condvar::new();
    let (checked_tx, checked_rx) = mpsc::channel::<()>(); // waiter -> notifier
    let (notified_tx, notified_rx) = mpsc::channel::<()>(); // notifier -> waiter

    let (ready, cond) = (&ready, &cond);
    thread::scope(|s| {
        s.spawn(move || {
            // Notifier: runs exactly inside the waiter's check-then-wait gap.
            checked_rx.recv().expect("waiter hung up");
            ready.store(true, Ordering::SeqCst);
            cond.notify_one(); // nobody waits yet: this wake-up goes nowhere
            println!("notifier: ready = true, notify_one() while nobody is waiting");
            notified_tx.send(()).expect("waiter hung up");
        });

        // Waiter (this thread).
        if !ready.load(Ordering::SeqCst) {
            println!("waiter:   ready is false, so I will wait");
            checked_tx.send(()).expect("notifier hung up"); // open the gap...
            notified_rx.recv().expect("notifier hung up"); // ...until it has notified
            let timeout = Duration::from_millis(200);
            let deadline = Instant::now() + timeout;
            let mut guard = lock.lock().expect("lock poisoned");
            println!("waiter:   waiting on the condvar");
            loop {
                // No predicate check here: this is the broken pattern. Any
                // wake-up now could only be spurious, so keep waiting until
                // the deadline.
                let left = deadline.saturating_duration_since(Instant::now());
                let (g, result) = cond.wait_timeout(guard, left).expect("lock poisoned");
                guard = g;
                if result.timed_out() {
                    break;
                }
            }
            println!(
                "waiter:   LOST WAKE-UP: still asleep after {}ms although ready == {}",
                timeout.as_millis(),
                ready.load(Ordering::SeqCst)
            );
        }
    });
    // ANCHOR_END: broken
    Ok(())
}
