//! EINTR: a blocking read(2) interrupted by a signal. With a handler installed
//! *without* SA_RESTART, the kernel abandons the read and it fails with
//! EINTR; the program must retry. With SA_RESTART the kernel restarts it.
//!
//! Run: cargo run -p ch03-syscalls --bin eintr
//!
//! Look for: one EINTR and a retry without SA_RESTART; none with it.
//! Under `trace -e read` you see the interrupted read end with ERESTARTSYS,
//! the kernel's internal code that becomes EINTR or a restart.

use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::atomic::{AtomicI32, Ordering};

use nix::errno::Errno;
use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};

/// The pipe's write end, for the handler (a handler cannot capture variables).
static WRITE_FD: AtomicI32 = AtomicI32::new(-1);

const USAGE: &str = "usage: eintr
Blocks in read(2) on a pipe until SIGUSR1 arrives, twice: with a handler
installed without SA_RESTART (read fails with EINTR, the loop retries) and
with SA_RESTART (the kernel restarts the read).
";

// ANCHOR: handler
extern "C" fn on_sigusr1(_: libc::c_int) {
    // Only async-signal-safe calls in a handler: write(2) is one (man 7 signal-safety).
    // A call in a handler may change errno under the code it interrupted, so
    // save it and put it back (TLPI 21.1.2).
    let saved = Errno::last_raw();
    let fd = WRITE_FD.load(Ordering::Relaxed);
    // SAFETY: writes one byte from a static buffer to our own pipe.
    unsafe { libc::write(fd, b"!".as_ptr().cast(), 1) };
    Errno::set_raw(saved);
}
// ANCHOR_END: handler

/// Blocks in read(2) on an empty pipe while another thread sends SIGUSR1 to
/// this thread; returns how many times the read failed with EINTR.
fn interrupted_read(flags: SaFlags) -> Result<u32, String> {
    let (read_end, write_end): (OwnedFd, OwnedFd) = nix::unistd::pipe().map_err(|e| format!("pipe: {e}"))?;
    WRITE_FD.store(write_end.as_raw_fd(), Ordering::Relaxed);
    // ANCHOR: install
    let action = SigAction::new(SigHandler::Handler(on_sigusr1), flags, SigSet::empty());
    // SAFETY: the handler only calls write(2), which is async-signal-safe.
    unsafe { sigaction(Signal::SIGUSR1, &action) }.map_err(|e| format!("sigaction(SIGUSR1): {e}"))?;
    // ANCHOR_END: install

    // The helper waits until this thread is blocked in read(2) (its
    // /proc/self/task/TID/syscall starts with 0, read's number), then signals it.
    let tid = nix::unistd::gettid();
    // SAFETY: pthread_self has no preconditions.
    let me = unsafe { libc::pthread_self() };
    let helper = std::thread::spawn(move || -> Result<(), String> {
        let path = format!("/proc/self/task/{tid}/syscall");
        loop {
            let now = std::fs::read_to_string(&path).map_err(|e| format!("reading {path}: {e}"))?;
            if now.starts_with("0 ") {
                break;
            }
            std::thread::yield_now();
        }
        // SAFETY: `me` is this process's main thread, alive until join.
        match unsafe { libc::pthread_kill(me, libc::SIGUSR1) } {
            0 => Ok(()),
            e => Err(format!("pthread_kill: {}", Errno::from_raw(e))),
        }
    });

    // ANCHOR: retry
    let mut buf = [0u8; 16];
    let mut eintr = 0;
    let n = loop {
        match nix::unistd::read(&read_end, &mut buf) {
            Err(Errno::EINTR) => {
                eintr += 1; // a handler ran; nothing failed: try again
                continue;
            }
            Err(e) => return Err(format!("read(pipe): {e}")),
            Ok(n) => break n,
        }
    };
    // ANCHOR_END: retry
    helper.join().map_err(|_| "the helper thread panicked".to_string())??;
    if n != 1 {
        return Err(format!("read(pipe) returned {n} bytes, expected the handler's 1"));
    }
    Ok(eintr)
}

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    for (label, flags) in [("without SA_RESTART", SaFlags::empty()), ("with SA_RESTART   ", SaFlags::SA_RESTART)] {
        match interrupted_read(flags) {
            Ok(n) => println!("{label}: read(2) failed with EINTR {n} time(s), then returned the handler's byte"),
            Err(message) => {
                eprintln!("{message}");
                std::process::exit(1);
            }
        }
    }
}
