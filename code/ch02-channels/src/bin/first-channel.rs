//! A first channel: one thread sends five messages, `main` receives them in
//! the order they were sent, and the loop ends when the sender is dropped.
//! It is the Go book's `sub(message chan string)` example in Rust.
//!
//! Run: cargo run -p ch02-channels --bin first-channel
//! Look for: the messages arrive in order (a channel is a FIFO queue), and
//! "end" is printed only after the sending thread has finished and dropped
//! its `Sender` (Go: `close(message)`).

use std::sync::mpsc;
use std::thread;

const USAGE: &str = "usage: first-channel
A thread sends five messages through a channel; main receives them in order, and
its loop ends when the sender is dropped. Takes no arguments.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    // ANCHOR: main
    println!("start");
    // A channel with room for 5 messages: Go's `make(chan string, 5)`.
    let (tx, rx) = mpsc::sync_channel::<String>(5);

    // `move` gives the thread ownership of `tx`.
    let sub = thread::spawn(move || {
        for i in 0..5 {
            // unwrap: `send` fails only if the receiver is gone, and `main`
            // holds it until the loop below has seen every message.
            tx.send(format!("hello {i}")).unwrap();
        }
        // `tx` is dropped here: the channel closes once it is empty.
    });

    // Go: `for ch := range message`. Ends when every Sender is gone.
    for msg in rx {
        println!("{msg}");
    }
    sub.join().expect("the sending thread panicked");
    println!("end");
    // ANCHOR_END: main
}
