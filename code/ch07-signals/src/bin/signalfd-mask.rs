//! Block signals with a mask (pthread_sigmask(3)) and read them from a file
//! descriptor with signalfd(2), Linux's way to turn signals into I/O.
//!
//! The program blocks SIGUSR1 and SIGUSR2, then sends itself SIGUSR1 three
//! times and SIGUSR2 once. Blocked signals wait as "pending": sigpending(2)
//! shows them. Reading the signalfd then returns them as plain structs,
//! with the sender's pid.
//!
//! Run: cargo run -p ch07-signals --bin signalfd-mask
//!
//! Look for: three SIGUSR1 sent but only one read, because a standard signal
//! is a bit in a set, not a queue.

use std::process::ExitCode;

use nix::sys::signal::{kill, SigSet, SigmaskHow, Signal};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use nix::unistd::getpid;

const USAGE: &str = "usage: signalfd-mask
Blocks SIGUSR1 and SIGUSR2, sends itself SIGUSR1 three times and SIGUSR2 once,
shows them pending (sigpending(2)), then reads them from a signalfd(2): one
SIGUSR1, since a standard signal is a bit, not a queue. Takes no arguments.
";

fn main() -> ExitCode {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("signalfd-mask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    // ANCHOR: block
    let mut mask = SigSet::empty();
    mask.add(Signal::SIGUSR1);
    mask.add(Signal::SIGUSR2);
    // pthread_sigmask(SIG_BLOCK, ...): the mask belongs to the thread, and
    // threads spawned later inherit it. Do this before spawning threads.
    nix::sys::signal::pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&mask), None)
        .map_err(|e| format!("pthread_sigmask(SIG_BLOCK): {e}"))?;

    let me = getpid();
    for signal in [
        Signal::SIGUSR1,
        Signal::SIGUSR1,
        Signal::SIGUSR1,
        Signal::SIGUSR2,
    ] {
        kill(me, signal).map_err(|e| format!("kill(self, {signal}): {e}"))?;
    }
    let pending = sigpending().map_err(|e| format!("sigpending: {e}"))?;
    let names: Vec<&str> = Signal::iterator()
        .filter(|&s| pending(s))
        .map(|s| s.as_str())
        .collect();
    println!("sent SIGUSR1 x3 and SIGUSR2 x1; pending now: {names:?}");
    // ANCHOR_END: block

    // ANCHOR: read
    // SFD_NONBLOCK: read returns EAGAIN (None) once nothing is pending.
    let fd = SignalFd::with_flags(&mask, SfdFlags::SFD_NONBLOCK | SfdFlags::SFD_CLOEXEC)
        .map_err(|e| format!("signalfd: {e}"))?;
    while let Some(info) = fd
        .read_signal()
        .map_err(|e| format!("reading the signalfd: {e}"))?
    {
        let signal =
            Signal::try_from(info.ssi_signo as i32).map_err(|e| format!("signal number: {e}"))?;
        let sender = if info.ssi_pid as i32 == me.as_raw() {
            "this process"
        } else {
            "another process"
        };
        println!("read {signal} from the signalfd, sent by {sender}");
    }
    println!("nothing more to read: the three SIGUSR1 were merged into one");
    // ANCHOR_END: read
    Ok(())
}

/// sigpending(2): which signals are blocked and waiting. nix has no wrapper,
/// so call libc and answer with a membership test (sigismember(3)).
fn sigpending() -> std::io::Result<impl Fn(Signal) -> bool> {
    let mut set = std::mem::MaybeUninit::<libc::sigset_t>::uninit();
    // SAFETY: sigpending fills the sigset_t we pass; we read it only on success.
    if unsafe { libc::sigpending(set.as_mut_ptr()) } == -1 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: initialised by the successful call above.
    let set = unsafe { set.assume_init() };
    // SAFETY: `set` is a valid sigset_t; sigismember only reads it.
    Ok(move |s: Signal| unsafe { libc::sigismember(&set, s as libc::c_int) } == 1)
}
