//! Timeouts three ways: `recv_timeout` on a channel, a one-shot timer
//! channel from `crossbeam::channel::after` raced against work in
//! `select!`, and a periodic `tick` channel (Go: `time.After`, `time.Tick`).
//!
//! Run: cargo run -p ch02-channels --bin timeouts
//! Look for: each timeout fires after roughly its duration (the exact times
//! vary from run to run), and the ticks are about 20 ms apart.

use crossbeam::channel::{after, select, tick, unbounded};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

const USAGE: &str = "usage: timeouts
Three timeouts: recv_timeout on a channel, crossbeam's after() raced in select!,
and a tick() channel every 20 ms. Takes no arguments.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    // ANCHOR: recv_timeout
    // 1. recv_timeout: wait at most 30 ms for a message that never comes.
    let (_tx, rx) = mpsc::channel::<u32>(); // `_tx` alive: open but empty
    let t0 = Instant::now();
    match rx.recv_timeout(Duration::from_millis(30)) {
        Ok(n) => println!("got {n}"),
        Err(RecvTimeoutError::Timeout) => println!("recv_timeout: nothing after {:.1?}", t0.elapsed()),
        Err(RecvTimeoutError::Disconnected) => println!("all senders are gone"),
    }
    // ANCHOR_END: recv_timeout

    // ANCHOR: after
    // 2. after: a channel that delivers one message when the time is up,
    //    so a timeout is just one more arm of select!.
    let (_results_tx, results) = unbounded::<u64>();
    let t0 = Instant::now();
    let timeout = after(Duration::from_millis(40));
    select! {
        recv(results) -> r => println!("result {r:?}"),
        recv(timeout) -> _ => println!("after: gave up waiting after {:.1?}", t0.elapsed()),
    }
    // ANCHOR_END: after

    // ANCHOR: tick
    // 3. tick: a channel that delivers a message every 20 ms, for ever.
    let ticker = tick(Duration::from_millis(20));
    let t0 = Instant::now();
    for i in 1..=3 {
        // unwrap: a tick channel never disconnects.
        ticker.recv().unwrap();
        println!("tick {i} at {:.1?}", t0.elapsed());
    }
    // ANCHOR_END: tick
}
