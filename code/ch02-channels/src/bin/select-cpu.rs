//! What `default` costs: the same wait for one message written twice with
//! crossbeam's `select!`. The blocking version sleeps in the kernel until
//! the sender wakes it; the polling version (a `default` arm) asks "anything
//! yet?" in a loop. `getrusage(RUSAGE_THREAD)` tells how much CPU each used.
//!
//! Run: cargo run -p ch02-channels --bin select-cpu
//! Look for: both wait about as long, but polling burns about that much CPU
//! time while blocking uses next to none.

use ch02_channels::{block_until_message, poll_until_message, thread_cpu_time};
use crossbeam::channel::{bounded, Receiver};
use std::io;
use std::process::ExitCode;
use std::sync::atomic::AtomicU64;
use std::thread;
use std::time::{Duration, Instant};

const USAGE: &str = "usage: select-cpu
Waits 150 ms for one message with a blocking select! and with a polling one (a
default arm), and prints the wall-clock and CPU time each took. Takes no arguments.
";

/// How long the other thread takes before it sends. A sleep is fine here: it
/// stands for slow work, and nothing depends on its exact length.
const DELAY: Duration = Duration::from_millis(150);

fn main() -> ExitCode {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("select-cpu: {e}");
            ExitCode::FAILURE
        }
    }
}

// ANCHOR: measure
/// A channel whose one message comes from another thread after `DELAY`.
fn slow_message() -> Receiver<&'static str> {
    let (tx, rx) = bounded(1);
    thread::spawn(move || {
        thread::sleep(DELAY);
        let _ = tx.send("done"); // the receiver may be gone: nothing to do then
    });
    rx
}

fn measure(name: &str, wait: impl FnOnce(&Receiver<&'static str>) -> Option<&'static str>) -> io::Result<()> {
    let rx = slow_message();
    let (cpu0, t0) = (thread_cpu_time()?, Instant::now());
    wait(&rx);
    let (cpu, wall) = (thread_cpu_time()? - cpu0, t0.elapsed());
    println!("{name:<18} waited {wall:.1?}, used {cpu:.1?} of CPU");
    Ok(())
}

fn run() -> io::Result<()> {
    let getrusage = |e: io::Error| io::Error::new(e.kind(), format!("getrusage: {e}"));
    measure("blocking select!:", block_until_message).map_err(getrusage)?;
    measure("polling select!:", |rx| poll_until_message(rx, &AtomicU64::new(0))).map_err(getrusage)?;
    Ok(())
}
// ANCHOR_END: measure
