//! Closing a channel: three producer threads each own a clone of the
//! `Sender`; the consumer's `for msg in rx` ends when the last clone is
//! dropped. A second part shows the classic mistake: keeping the original
//! `Sender` alive in `main`, so the channel never closes.
//!
//! Run: cargo run -p ch02-channels --bin close-range
//! Look for: 30 messages, 10 from each producer; then `recv_timeout`
//! reporting `Timeout` (still open) rather than `Disconnected`.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

const USAGE: &str = "usage: close-range
Three producers and a for loop over the receiver, which ends when the last Sender
is dropped; then a channel that a forgotten Sender keeps open. Takes no arguments.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    // ANCHOR: fan_in
    let (tx, rx) = mpsc::channel::<(usize, u32)>();
    for id in 0..3 {
        let tx = tx.clone(); // each producer owns its own Sender
        thread::spawn(move || {
            for n in 0..10 {
                // unwrap: the receiver outlives every producer here.
                tx.send((id, n)).unwrap();
            }
        }); // this producer's Sender is dropped when its thread ends
    }
    drop(tx); // New: without this line the loop below would never end

    let mut per_producer = [0; 3];
    for (id, _n) in rx {
        per_producer[id] += 1;
    }
    println!("channel closed; messages per producer: {per_producer:?}");
    // ANCHOR_END: fan_in

    // ANCHOR: forgot_drop
    let (tx, rx) = mpsc::channel::<u32>();
    let producer = tx.clone();
    thread::spawn(move || producer.send(7).unwrap());
    println!("got {:?}", rx.recv());
    // `tx` is still alive in this scope, so the channel is open but empty:
    // a plain `recv()` here would block for ever. Ask with a time limit.
    match rx.recv_timeout(Duration::from_millis(50)) {
        Err(RecvTimeoutError::Timeout) => println!("still open: the original tx was never dropped"),
        other => println!("unexpected: {other:?}"),
    }
    drop(tx);
    println!("after drop(tx): {:?}", rx.recv());
    // ANCHOR_END: forgot_drop
}
