//! A channel moves ownership: after `send`, the sender cannot touch the value
//! (the compiler stops it), and the receiver gets the very same heap buffer,
//! not a copy. `Send` is the trait that says a type may cross threads at all.
//!
//! Run: cargo run -p ch02-channels --bin send-moves
//! Look for: the buffer's heap address is the same on both sides, and only
//! the 24-byte `Vec` header travelled through the channel.

use std::sync::mpsc;
use std::thread;

const USAGE: &str = "usage: send-moves
Sends a 1 MiB Vec<u8> through a channel and checks that the receiver got the same
heap buffer: only the 24-byte Vec handle moved. Takes no arguments.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    // ANCHOR: moves
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    let receiver = thread::spawn(move || {
        // unwrap: main sends exactly one buffer before dropping `tx`.
        let buf = rx.recv().unwrap();
        (buf.as_ptr() as usize, buf.len())
    });

    let buf = vec![7u8; 1 << 20]; // 1 MiB on the heap, owned by `buf`
    let sent_from = buf.as_ptr() as usize;
    tx.send(buf).unwrap(); // `buf` is moved into the channel...
    // buf[0] = 1;         // ...so this line would not compile: E0382, borrow of moved value: `buf`

    let (arrived_at, len) = receiver.join().expect("the receiver panicked");
    println!("sent {len} bytes; same heap buffer on both sides: {}", sent_from == arrived_at);
    // What the channel carried is the `Vec` handle (pointer, length, capacity);
    // its size is a constant of the type, not something measured here.
    println!("size of the Vec handle the channel carried: {} bytes", std::mem::size_of::<Vec<u8>>());
    // ANCHOR_END: moves
}
