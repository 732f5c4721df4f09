//! How capacity changes a channel: a rendezvous channel (capacity 0) takes
//! nothing unless a receiver is waiting, a bounded channel takes `n`
//! messages, an unbounded one takes everything. The program asks each kind
//! with `try_send`, which never blocks, and reports how many were accepted
//! while nobody was receiving.
//!
//! Run: cargo run -p ch02-channels --bin capacity
//! Look for: 0, then 3, then all 10; std's `sync_channel`/`channel` and
//! crossbeam's `bounded`/`unbounded` agree.

use crossbeam::channel;
use std::sync::mpsc;

const TRIES: usize = 10;

const USAGE: &str = "usage: capacity
Tries try_send on std and crossbeam channels of capacity 0 and 3 and unbounded,
with nobody receiving, and prints how many messages each accepted. Takes no arguments.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    probe();
}

// ANCHOR: probe
/// How many of `TRIES` messages a channel accepts with no receiver running.
fn accepted(mut try_send: impl FnMut(usize) -> bool) -> usize {
    (0..TRIES).take_while(|&i| try_send(i)).count()
}

/// Asks each kind of channel in turn, with its receiver alive but idle.
fn probe() {
    println!("{:<28} {:>8}", "channel", "accepted");

    let (tx, _rx) = mpsc::sync_channel(0);
    println!("{:<28} {:>8}", "std sync_channel(0)", accepted(|i| tx.try_send(i).is_ok()));
    let (tx, _rx) = mpsc::sync_channel(3);
    println!("{:<28} {:>8}", "std sync_channel(3)", accepted(|i| tx.try_send(i).is_ok()));
    let (tx, _rx) = mpsc::channel();
    println!("{:<28} {:>8}", "std channel()", accepted(|i| tx.send(i).is_ok()));

    let (tx, _rx) = channel::bounded(0);
    println!("{:<28} {:>8}", "crossbeam bounded(0)", accepted(|i| tx.try_send(i).is_ok()));
    let (tx, _rx) = channel::bounded(3);
    println!("{:<28} {:>8}", "crossbeam bounded(3)", accepted(|i| tx.try_send(i).is_ok()));
    let (tx, _rx) = channel::unbounded();
    println!("{:<28} {:>8}", "crossbeam unbounded()", accepted(|i| tx.try_send(i).is_ok()));
}
// ANCHOR_END: probe
