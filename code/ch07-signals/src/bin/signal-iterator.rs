//! Handle signals as a stream of events with `signal_hook::iterator::Signals`.
//!
//! A thread owns a `Signals` and loops over it; the handler behind it only
//! sets a pending flag and writes to a socket pair (the self-pipe trick), so everything the loop does runs
//! in ordinary code, where printing, locking and allocating are allowed.
//! The main thread then sends SIGHUP, SIGUSR1 and SIGTERM to its own process.
//!
//! Run: cargo run -p ch07-signals --bin signal-iterator
//!
//! Look for: each signal arrives as an ordinary value, SIGHUP is treated as
//! "reload", and SIGTERM ends the loop; the process exits 0.

use std::process::ExitCode;
use std::sync::mpsc;
use std::thread;

use nix::sys::signal::{kill, Signal};
use nix::unistd::getpid;
use signal_hook::consts::{SIGHUP, SIGTERM, SIGUSR1};
use signal_hook::iterator::Signals;

const USAGE: &str = "usage: signal-iterator
A thread loops over signal_hook's Signals iterator while main sends the process
SIGHUP, SIGUSR1 and SIGTERM: each arrives as an ordinary value, SIGTERM ends the
loop. Takes no arguments.
";

fn main() -> ExitCode {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("signal-iterator: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    // ANCHOR: iterate
    let mut signals = Signals::new([SIGHUP, SIGUSR1, SIGTERM])
        .map_err(|e| format!("registering SIGHUP, SIGUSR1, SIGTERM: {e}"))?;
    let (handled, handled_rx) = mpsc::channel();
    let handler = thread::spawn(move || {
        // `forever()` blocks reading the pipe, then yields each signal
        // number that arrived; it is plain Rust code, not a signal handler.
        for signal in signals.forever() {
            match signal {
                SIGHUP => println!("SIGHUP: reloading the configuration"),
                SIGUSR1 => println!("SIGUSR1: printing statistics"),
                SIGTERM => {
                    println!("SIGTERM: leaving the loop");
                    break;
                }
                _ => unreachable!("only registered signals arrive"),
            }
            let _ = handled.send(signal);
        }
    });
    // ANCHOR_END: iterate

    // ANCHOR: send
    let me = getpid();
    for signal in [Signal::SIGHUP, Signal::SIGUSR1] {
        kill(me, signal).map_err(|e| format!("kill({me}, {signal}): {e}"))?;
        // Wait until the loop has handled it before sending the next one.
        handled_rx
            .recv()
            .map_err(|_| "the signal thread died".to_string())?;
    }
    kill(me, Signal::SIGTERM).map_err(|e| format!("kill({me}, SIGTERM): {e}"))?;
    handler
        .join()
        .map_err(|_| "the signal thread panicked".to_string())?;
    println!("main: signal thread finished, exiting 0");
    // ANCHOR_END: send
    Ok(())
}
