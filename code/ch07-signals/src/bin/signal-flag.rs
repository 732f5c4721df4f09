//! Catch a signal with `signal_hook::flag`: the handler only sets an
//! `AtomicBool`, and the program looks at the flag when it is ready to.
//!
//! The program sends SIGUSR1 to itself twice, first with kill(2) on its own
//! pid, then with raise(3), and shows that each one set the flag. Then it
//! asks the kernel to deliver SIGTERM the same way and, because a flag is
//! registered for SIGTERM too, stops cleanly instead of dying.
//!
//! Run: cargo run -p ch07-signals --bin signal-flag
//!
//! Look for: the flag is false before each send and true after, and the
//! program exits 0 by its own choice after SIGTERM.

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use nix::sys::signal::{kill, raise, Signal};
use nix::unistd::getpid;
use signal_hook::consts::{SIGTERM, SIGUSR1};

const USAGE: &str = "usage: signal-flag
Registers signal_hook flags for SIGUSR1 and SIGTERM, sends itself SIGUSR1 with
kill(2) and raise(3) and shows each set the flag, then sends SIGTERM and stops
cleanly (exit 0) because the flag asks it to. Takes no arguments.
";

fn main() -> ExitCode {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("signal-flag: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    // ANCHOR: register
    let usr1 = Arc::new(AtomicBool::new(false));
    let term = Arc::new(AtomicBool::new(false));
    // Installs a handler (sigaction(2) underneath) whose whole job is
    // `flag.store(true)`: an atomic store is async-signal-safe.
    signal_hook::flag::register(SIGUSR1, Arc::clone(&usr1))
        .map_err(|e| format!("registering SIGUSR1: {e}"))?;
    signal_hook::flag::register(SIGTERM, Arc::clone(&term))
        .map_err(|e| format!("registering SIGTERM: {e}"))?;
    // ANCHOR_END: register

    // ANCHOR: send
    let me = getpid();
    println!("before kill:  usr1 = {}", usr1.load(Ordering::SeqCst));
    // kill(2) to our own pid. The kernel marks SIGUSR1 pending and delivers
    // it on our way back from the syscall: the handler has run when kill returns.
    kill(me, Signal::SIGUSR1).map_err(|e| format!("kill({me}, SIGUSR1): {e}"))?;
    println!(
        "after kill:   usr1 = {}",
        usr1.swap(false, Ordering::SeqCst)
    );

    // raise(3) is "send to the calling thread": tgkill(2) underneath.
    raise(Signal::SIGUSR1).map_err(|e| format!("raise(SIGUSR1): {e}"))?;
    println!(
        "after raise:  usr1 = {}",
        usr1.swap(false, Ordering::SeqCst)
    );
    // ANCHOR_END: send

    // ANCHOR: stop
    // SIGTERM's default action would end the process here; with a flag
    // registered, it is only a request that the main loop honours.
    kill(me, Signal::SIGTERM).map_err(|e| format!("kill({me}, SIGTERM): {e}"))?;
    let mut rounds = 0;
    while !term.load(Ordering::SeqCst) {
        rounds += 1; // a real program would do one unit of work here
    }
    println!("SIGTERM seen after {rounds} rounds of work: cleaning up, exiting 0");
    // ANCHOR_END: stop
    Ok(())
}
