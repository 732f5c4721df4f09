//! Install a signal handler the way C does, with sigaction(2) through nix,
//! and keep it async-signal-safe: the handler bumps an atomic counter and
//! writes one byte into a pipe (the self-pipe trick). The main code, which
//! is not in a handler, reads the pipe and may then do anything.
//!
//! Run: cargo run -p ch07-signals --bin sigaction-raw
//!      cargo run -p ch07-signals --bin sigaction-raw -- --flood 100000
//!
//! Look for: the counter goes up once per signal and the bytes read from the
//! pipe name the signals, in the order they were sent. With `--flood N`, N
//! signals arrive while nobody reads: the pipe fills at 65536 bytes, and the
//! handler keeps running because the pipe's write end is non-blocking.

use std::fs::File;
use std::io::Read;
use std::os::fd::{AsRawFd, OwnedFd};
use std::process::ExitCode;
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};

use nix::errno::Errno;
use nix::fcntl::{fcntl, FcntlArg, OFlag};
use nix::sys::signal::{kill, sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
use nix::unistd::{getpid, pipe2};

// ANCHOR: handler
static CAUGHT: AtomicUsize = AtomicUsize::new(0);
static PIPE_WRITE_FD: AtomicI32 = AtomicI32::new(-1);

/// Runs in the middle of whatever the thread was doing. Allowed: atomics and
/// the async-signal-safe functions of `man 7 signal-safety`, write(2) among
/// them. Not allowed: println! (it may find stdout's buffer borrowed by the
/// code we interrupted, panic, and abort the process), allocation and locks
/// (the interrupted code may hold the very lock we would wait for, forever).
extern "C" fn handler(signo: libc::c_int) {
    let saved_errno = Errno::last_raw();
    CAUGHT.fetch_add(1, Ordering::SeqCst);
    let byte = signo as u8;
    // SAFETY: write(2) is async-signal-safe and `byte` outlives the call.
    // The write end is O_NONBLOCK: if the pipe is full, write fails with
    // EAGAIN instead of blocking in the handler. Ignoring that is right:
    // a full pipe already holds plenty of wake-ups for the reader.
    let _ = unsafe {
        libc::write(
            PIPE_WRITE_FD.load(Ordering::SeqCst),
            (&byte as *const u8).cast(),
            1,
        )
    };
    Errno::set_raw(saved_errno);
}
// ANCHOR_END: handler

const USAGE: &str = "usage: sigaction-raw [--flood N]
Installs a sigaction(2) handler for SIGUSR1 and SIGUSR2 that bumps a counter and
writes the signal's number into a non-blocking pipe, sends itself three signals
and reads the bytes back. --flood N: N signals while nobody reads the pipe.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flood = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] => None,
        ["--flood", n] => match n.parse::<usize>() {
            Ok(n) => Some(n),
            Err(e) => {
                eprintln!("sigaction-raw: --flood {n}: {e}");
                return ExitCode::FAILURE;
            }
        },
        ["--help" | "-h"] => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("sigaction-raw: expected no argument or --flood N (see --help)");
            return ExitCode::from(2);
        }
    };
    match run(flood) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sigaction-raw: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(flood: Option<usize>) -> Result<(), String> {
    // ANCHOR: install
    let (read_end, write_end): (OwnedFd, OwnedFd) =
        pipe2(OFlag::O_CLOEXEC).map_err(|e| format!("pipe2: {e}"))?;
    // Only the write end is non-blocking: the handler must never wait, the
    // reader may.
    fcntl(&write_end, FcntlArg::F_SETFL(OFlag::O_NONBLOCK))
        .map_err(|e| format!("fcntl(F_SETFL, O_NONBLOCK): {e}"))?;
    PIPE_WRITE_FD.store(write_end.as_raw_fd(), Ordering::SeqCst);
    // sa_mask: signals blocked while the handler runs (the caught one always is).
    // SA_RESTART: restart read(2) & co. instead of failing them with EINTR.
    let action = SigAction::new(
        SigHandler::Handler(handler),
        SaFlags::SA_RESTART,
        SigSet::empty(),
    );
    for signal in [Signal::SIGUSR1, Signal::SIGUSR2] {
        // SAFETY: `handler` only touches atomics and calls write(2).
        let old = unsafe { sigaction(signal, &action) }
            .map_err(|e| format!("sigaction({signal}): {e}"))?;
        println!(
            "sigaction({signal}): previous handler was {:?}",
            old.handler()
        );
    }
    // ANCHOR_END: install

    if let Some(n) = flood {
        return flood_without_reading(n, read_end);
    }

    // ANCHOR: deliver
    let me = getpid();
    for signal in [Signal::SIGUSR1, Signal::SIGUSR2, Signal::SIGUSR1] {
        kill(me, signal).map_err(|e| format!("kill(self, {signal}): {e}"))?;
        println!(
            "sent {signal}, handler has run {} time(s)",
            CAUGHT.load(Ordering::SeqCst)
        );
    }
    // Close our copy of the write end (the handler's copy is the same fd),
    // so the read below sees end-of-file after the three bytes.
    PIPE_WRITE_FD.store(-1, Ordering::SeqCst);
    drop(write_end);
    let mut bytes = Vec::new();
    File::from(read_end)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("reading the pipe: {e}"))?;
    for b in bytes {
        let name = Signal::try_from(b as i32)
            .map(|s| s.as_str())
            .unwrap_or("?");
        println!("read byte {b:>2} from the pipe: {name}");
    }
    // ANCHOR_END: deliver
    Ok(())
}

/// `--flood N`: N signals while nobody reads the pipe, as when the reading
/// thread is busy. A pipe holds 64 KiB (pipe(7)), so from the 65 537th signal
/// on, the handler's write(2) finds the pipe full.
fn flood_without_reading(n: usize, read_end: OwnedFd) -> Result<(), String> {
    let me = getpid();
    for i in 0..n {
        kill(me, Signal::SIGUSR1).map_err(|e| format!("kill(self, SIGUSR1) #{i}: {e}"))?;
    }
    let mut queued: libc::c_int = 0;
    // SAFETY: FIONREAD writes one c_int through the pointer, which is valid.
    if unsafe { libc::ioctl(read_end.as_raw_fd(), libc::FIONREAD, &mut queued) } < 0 {
        return Err(format!("ioctl(FIONREAD): {}", Errno::last()));
    }
    println!(
        "sent {n} signals, handler ran {} times, {queued} bytes wait in the pipe",
        CAUGHT.load(Ordering::SeqCst)
    );
    Ok(())
}
