//! What a blocked `recv` is made of: `main` waits on an empty channel and a
//! second thread sends one message 100 ms later. Run it under strace to see
//! the receiver go to sleep in `futex(FUTEX_WAIT…)` and the sender wake it
//! with `futex(FUTEX_WAKE…)`.
//!
//! Run: cargo run -p ch02-channels --bin blocked-recv
//! Trace: cargo build -q -p ch02-channels --bin blocked-recv &&
//!        strace -f -e trace=futex ./target/debug/blocked-recv
//! Look for: one FUTEX_WAIT in the main thread that returns only when the
//! other thread calls FUTEX_WAKE on the same address.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

fn main() {
    // ANCHOR: main
    let (tx, rx) = mpsc::channel::<&str>();
    let sender = thread::spawn(move || {
        // Long enough for `main` to be asleep in recv; nothing depends on it.
        thread::sleep(Duration::from_millis(100));
        tx.send("wake up").unwrap(); // unwrap: `main` is waiting in recv
    });
    match rx.recv() {
        Ok(msg) => println!("received {msg:?}"),
        Err(e) => println!("recv: {e}"),
    }
    sender.join().expect("the sending thread panicked");
    // ANCHOR_END: main
}
