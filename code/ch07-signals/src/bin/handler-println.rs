//! What `println!` in a signal handler really does in Rust. stdout's lock is
//! a `ReentrantLock`, and a handler runs on the thread it interrupted, which
//! may take the lock again; behind the lock is a `RefCell<LineWriter>`,
//! borrowed only while bytes are being written. So, depending on where the
//! signal lands:
//!
//!   1. between two writes of `println!` (the lock held, the RefCell free):
//!      the handler's line is printed in the middle of the interrupted one;
//!   2. inside a write (the RefCell borrowed): `borrow_mut` panics, a panic
//!      cannot unwind out of an `extern "C"` handler, and the process aborts;
//!   3. inside the lock's own `lock` or `unlock`, where the inner futex mutex
//!      is held but the owner is not (yet, or any more) recorded: the
//!      handler's `println!` does not see itself as the owner, waits on the
//!      mutex, and only the code it interrupted could release it. A deadlock.
//!
//! This program is deliberately wrong: its handler calls println!. Each case
//! runs in a child process (the same binary, with `--case N`) so that the
//! abort of case 2 and the hang of case 3 can be shown; the parent reports
//! what each child printed and how it ended, and kills a child that hangs.
//!
//! Run: cargo run -p ch07-signals --bin handler-println
//!
//! Look for: case 1 exits 0 with the handler's words inside main's line;
//! case 2 panics with "RefCell already borrowed" and is killed by SIGABRT;
//! case 3's main thread falls asleep for good and is killed by SIGKILL.

use std::fmt;
use std::io::{Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{raise, sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};

// ANCHOR: handler
/// WRONG on purpose: println! is not async-signal-safe.
extern "C" fn handler(_: libc::c_int) {
    println!("[handler's println!]");
}
// ANCHOR_END: handler

const USAGE: &str = "usage: handler-println [--case 1|2|3]
Deliberately wrong: a handler that calls println!. Without arguments, runs each
case in a child and reports what it printed and how it ended: 1. the signal
between two writes (lines mixed), 2. inside a write (panic, SIGABRT), 3. inside
stdout's lock (deadlock, killed). --case N runs one case in this process.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] => parent(),
        ["--case", "1"] => case_between_writes(),
        ["--case", "2"] => case_inside_a_write(),
        ["--case", "3"] => case_inside_the_lock(),
        ["--help" | "-h"] => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => Err("expected no argument or --case 1|2|3 (see --help)".to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("handler-println: {e}");
            ExitCode::FAILURE
        }
    }
}

fn install(signal: Signal) -> Result<(), String> {
    let action = SigAction::new(
        SigHandler::Handler(handler),
        SaFlags::SA_RESTART,
        SigSet::empty(),
    );
    // SAFETY: NOT safe in general: the handler calls println!, which is what
    // this program demonstrates. It is installed only in a child process
    // whose fate the parent reports.
    unsafe { sigaction(signal, &action) }
        .map(drop)
        .map_err(|e| format!("sigaction({signal}): {e}"))
}

// ANCHOR: case1
/// Displays as "x", but first raises SIGUSR1: the handler runs while
/// println! holds stdout's lock, between two of its writes.
struct RaiseWhileFormatting;

impl fmt::Display for RaiseWhileFormatting {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        raise(Signal::SIGUSR1).map_err(|_| fmt::Error)?;
        f.write_str("x")
    }
}

fn case_between_writes() -> Result<(), String> {
    install(Signal::SIGUSR1)?;
    println!("main: before {} after", RaiseWhileFormatting);
    println!("main: still running");
    Ok(())
}
// ANCHOR_END: case1

// ANCHOR: case2
/// One println! of a 256 KiB line into a pipe that nobody reads yet: write(2)
/// blocks inside println!, with the RefCell borrowed. SIGALRM comes 200 ms
/// later and its handler's println! needs the RefCell too.
fn case_inside_a_write() -> Result<(), String> {
    install(Signal::SIGALRM)?;
    let interval = libc::itimerval {
        it_interval: libc::timeval {
            tv_sec: 0,
            tv_usec: 0,
        },
        it_value: libc::timeval {
            tv_sec: 0,
            tv_usec: 200_000,
        },
    };
    // SAFETY: setitimer(2) reads the struct we pass and writes nothing
    // through the null old-value pointer.
    if unsafe { libc::setitimer(libc::ITIMER_REAL, &interval, std::ptr::null_mut()) } != 0 {
        return Err(format!("setitimer: {}", std::io::Error::last_os_error()));
    }
    println!("{}", "y".repeat(256 * 1024));
    Ok(())
}
// ANCHOR_END: case2

// ANCHOR: case3
/// main only takes and releases stdout's lock, never writing; a second
/// thread sends main SIGUSR1 as fast as it can. Most signals land while the
/// lock is free or fully held, and the handler prints. One that lands in the
/// few instructions between `mutex.lock()` and `owner.set(..)` (or between
/// `owner.set(None)` and `mutex.unlock()`) hangs the process.
fn case_inside_the_lock() -> Result<(), String> {
    install(Signal::SIGUSR1)?;
    // SAFETY: pthread_self(3) has no preconditions and always succeeds.
    let main = unsafe { libc::pthread_self() };
    std::thread::spawn(move || loop {
        // SAFETY: `main` is the main thread, alive as long as the process is
        // (the process ends when main returns); pthread_kill(3) only sends.
        if unsafe { libc::pthread_kill(main, libc::SIGUSR1) } != 0 {
            return;
        }
    });
    loop {
        drop(std::io::stdout().lock());
    }
}
// ANCHOR_END: case3

/// Runs `--case N` with stdout on a pipe that is read only after 1 s (case
/// 2 needs it full), and says what the child printed and how it ended; then
/// case 3 under a watchdog.
fn parent() -> Result<(), String> {
    two_cases()?;
    case3_watched()
}

/// Case 3's main thread never sleeps unless it is stuck: its loop takes an
/// uncontended lock. Watch its state in /proc/PID/task/PID/stat; asleep
/// ("S") for 500 ms in a row means it waits on the futex for good. Its
/// stdout goes to /dev/null, so the handler's lines never fill a pipe.
fn case3_watched() -> Result<(), String> {
    let me = std::env::current_exe().map_err(|e| format!("finding our own executable: {e}"))?;
    println!("case 3: the signal lands inside the lock's own lock or unlock (futex held, no owner recorded)");
    let mut child = Command::new(&me)
        .args(["--case", "3"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("spawning {} --case 3: {e}", me.display()))?;
    let pid = child.id();
    let stat = format!("/proc/{pid}/task/{pid}/stat");
    let (start, mut asleep_since) = (Instant::now(), None);
    let verdict = loop {
        if let Some(status) = child.try_wait().map_err(|e| format!("waitpid: {e}"))? {
            break format!("ended on its own: {status}");
        }
        let text = std::fs::read_to_string(&stat).map_err(|e| format!("reading {stat}: {e}"))?;
        // The state is the first field after the command name's ")".
        let state = text.rsplit(')').next().and_then(|r| r.split_whitespace().next());
        if state == Some("S") {
            let since = *asleep_since.get_or_insert_with(Instant::now);
            if since.elapsed() >= Duration::from_millis(500) {
                break "main thread asleep for 500 ms in a loop that never sleeps: deadlocked".to_string();
            }
        } else {
            asleep_since = None;
        }
        if start.elapsed() > Duration::from_secs(20) {
            break "no hang within 20 s (the window is a few instructions wide: run again)".to_string();
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    println!("  {verdict}");
    let _ = child.kill();
    let status = child.wait().map_err(|e| format!("waitpid: {e}"))?;
    match status.signal() {
        Some(signo) => {
            let name = Signal::try_from(signo).map(|s| s.as_str()).unwrap_or("?");
            println!("  killed by {name}");
        }
        None => println!("  ended: {status}"),
    }
    Ok(())
}

fn two_cases() -> Result<(), String> {
    let me = std::env::current_exe().map_err(|e| format!("finding our own executable: {e}"))?;
    for (case, title) in [
        (
            "1",
            "the signal lands between two writes of println! (stdout's lock held)",
        ),
        (
            "2",
            "the signal lands inside a write of println! (its RefCell borrowed)",
        ),
    ] {
        println!("case {case}: {title}");
        let mut child = Command::new(&me)
            .args(["--case", case])
            .env("RUST_BACKTRACE", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("spawning {} --case {case}: {e}", me.display()))?;
        std::thread::sleep(Duration::from_secs(1));
        let mut out = Vec::new();
        let mut err = String::new();
        child
            .stdout
            .take()
            .ok_or("no stdout pipe")?
            .read_to_end(&mut out)
            .map_err(|e| format!("reading the child's stdout: {e}"))?;
        child
            .stderr
            .take()
            .ok_or("no stderr pipe")?
            .read_to_string(&mut err)
            .map_err(|e| format!("reading the child's stderr: {e}"))?;
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().map_err(|e| format!("waitpid: {e}"))? {
                break status;
            }
            if start.elapsed() > Duration::from_secs(10) {
                let _ = child.kill();
                return Err(format!("--case {case} did not finish: killed it"));
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        for line in String::from_utf8_lossy(&out).lines() {
            if line.len() > 60 {
                println!(
                    "  stdout: {}... ({} bytes of a line that had not been written in full)",
                    &line[..8],
                    line.len()
                );
            } else {
                println!("  stdout: {line}");
            }
        }
        // The backtrace (always printed for a panic that cannot unwind) is
        // left out: its lines are indented.
        let shown = err
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with("note:") && !l.starts_with(' '));
        for line in shown {
            // "thread 'main' (1234) panicked at /rustc/<hash>/library/std/src/io/stdio.rs:860:20:"
            // is shortened to the file, which is what stays the same across Rust versions.
            match line.find("panicked at ") {
                Some(at) => {
                    let place = &line[at + "panicked at ".len()..];
                    let file = place.rsplit("library/").next().unwrap_or(place);
                    let file = file.split(':').next().unwrap_or(file);
                    println!("  stderr: panicked at {file}:");
                }
                None if line == "stack backtrace:" => {
                    println!("  stderr: stack backtrace: (not shown)")
                }
                None => println!("  stderr: {line}"),
            }
        }
        match (status.code(), status.signal()) {
            (Some(code), _) => println!("  exited with status {code}"),
            (None, Some(signo)) => {
                let name = Signal::try_from(signo).map(|s| s.as_str()).unwrap_or("?");
                println!("  killed by {name}");
            }
            _ => println!("  ended: {status}"),
        }
        std::io::stdout()
            .flush()
            .map_err(|e| format!("writing stdout: {e}"))?;
    }
    Ok(())
}
