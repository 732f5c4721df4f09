//! What DOES deadlock in a signal handler: a lock that is not re-entrant,
//! held by the code the handler interrupted. Here main holds a std `Mutex`
//! and a signal arrives; the handler, on the same thread, locks the same
//! `Mutex`. The lock is taken, so the handler sleeps in futex(2) until it is
//! released, and only main could release it, which it will do only after the
//! handler returns. Nothing ever wakes the thread. glibc's malloc has the
//! same shape: a handler that allocates while the interrupted code is inside
//! malloc, holding the arena lock, waits for that lock forever.
//!
//! This program is deliberately wrong. A watchdog thread looks at the main
//! thread after 2 s in /proc (its state and its wchan, where in the kernel
//! it sleeps), reports, and ends the process; `--no-watchdog` leaves it hung
//! for good (end it with Ctrl+C: SIGINT still has its default action).
//!
//! Run: cargo run -p ch07-signals --bin handler-deadlock
//!
//! Look for: "handler returned" is never printed; the main thread is asleep
//! in the kernel's futex wait.

use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Duration;

use nix::sys::signal::{raise, sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};

// ANCHOR: handler
static STATS: Mutex<u64> = Mutex::new(0);

/// WRONG on purpose: Mutex::lock is not async-signal-safe.
extern "C" fn handler(_: libc::c_int) {
    let mut count = STATS.lock().unwrap_or_else(|p| p.into_inner());
    *count += 1;
}
// ANCHOR_END: handler

const USAGE: &str = "usage: handler-deadlock [--no-watchdog]
Deliberately wrong: holds a std Mutex, raises SIGUSR1, and the handler locks the
same Mutex: a deadlock. A watchdog thread reports the main thread's state after
2 s and ends the process; --no-watchdog leaves it hung (end it with Ctrl+C).
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let watchdog = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] => true,
        ["--no-watchdog"] => false,
        ["--help" | "-h"] => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("handler-deadlock: expected no argument or --no-watchdog (see --help)");
            return ExitCode::from(2);
        }
    };
    match run(watchdog) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("handler-deadlock: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(watchdog: bool) -> Result<(), String> {
    let action = SigAction::new(
        SigHandler::Handler(handler),
        SaFlags::SA_RESTART,
        SigSet::empty(),
    );
    // SAFETY: NOT safe: the handler locks a Mutex that the interrupted code
    // may hold, and this program shows the result.
    unsafe { sigaction(Signal::SIGUSR1, &action) }
        .map_err(|e| format!("sigaction(SIGUSR1): {e}"))?;
    if watchdog {
        let main_tid = nix::unistd::gettid();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(2));
            println!("watchdog: 2 s later the handler has not returned");
            println!(
                "watchdog: main thread {}",
                describe_thread(main_tid.as_raw())
            );
            println!("watchdog: deadlock; ending the process");
            std::process::exit(1);
        });
    }
    // ANCHOR: main
    let mut count = STATS.lock().map_err(|_| "STATS poisoned".to_string())?;
    println!("main: holding the STATS lock, raising SIGUSR1");
    raise(Signal::SIGUSR1).map_err(|e| format!("raise(SIGUSR1): {e}"))?;
    *count += 1; // never reached: the handler never returns
    println!("main: handler returned");
    // ANCHOR_END: main
    Ok(())
}

/// "state S (sleeping), waiting in the kernel's futex wait", from
/// /proc/self/task/TID: wchan names the kernel function it sleeps in
/// (futex_do_wait on Linux 6.18, futex_wait_queue on earlier 6.x), or reads
/// "0" where the kernel will not say (fs/proc/base.c, proc_pid_wchan).
fn describe_thread(tid: i32) -> String {
    let dir = format!("/proc/self/task/{tid}");
    let state = std::fs::read_to_string(format!("{dir}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("State:").map(|v| v.trim().to_string()))
        })
        .unwrap_or_else(|| "?".to_string());
    let wchan = std::fs::read_to_string(format!("{dir}/wchan")).unwrap_or_default();
    let place = if wchan.contains("futex") {
        "waiting in the kernel's futex wait".to_string()
    } else {
        format!("wchan {wchan:?}")
    };
    format!("is in state {state}, {place}")
}
