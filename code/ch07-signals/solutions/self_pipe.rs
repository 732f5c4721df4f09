//! Solution: the self-pipe trick by hand, with sigaction(2) and write(2).

use std::io;
use std::os::fd::{AsFd, IntoRawFd, OwnedFd};
use std::sync::atomic::{AtomicI32, Ordering};

use nix::errno::Errno;
use nix::fcntl::{fcntl, FcntlArg, OFlag};
use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
use nix::unistd::pipe2;

/// The pipe's write end, for the handler (-1 until `install` runs). A handler
/// cannot take arguments, so it must find the fd in a static.
static WRITE_FD: AtomicI32 = AtomicI32::new(-1);

// ANCHOR: handler
/// The signal handler. It may only call async-signal-safe functions
/// (`man 7 signal-safety`): an atomic load and write(2) qualify; println!,
/// a Mutex or an allocation do not.
extern "C" fn on_signal(signo: libc::c_int) {
    // write(2) may change errno under the interrupted code's feet: restore it.
    let saved = Errno::last_raw();
    let fd = WRITE_FD.load(Ordering::Relaxed);
    if fd >= 0 {
        let byte = signo as u8;
        // SAFETY: write(2) is async-signal-safe; `byte` lives for the call.
        // The pipe is non-blocking, so a full pipe drops the byte instead
        // of hanging the handler.
        unsafe { libc::write(fd, (&byte as *const u8).cast(), 1) };
    }
    Errno::set_raw(saved);
}
// ANCHOR_END: handler

/// Installs, for each of `signals`, a handler that writes the signal's number
/// as one byte into a pipe, and returns the read end of that pipe. Reading
/// the pipe then tells ordinary code which signals arrived, in order.
/// Call it once per process.
pub fn install(signals: &[Signal]) -> io::Result<OwnedFd> {
    let (read, write) = pipe2(OFlag::O_CLOEXEC)?;
    fcntl(write.as_fd(), FcntlArg::F_SETFL(OFlag::O_NONBLOCK))?;
    // The handler uses the fd for the rest of the process's life: leak it.
    WRITE_FD.store(write.into_raw_fd(), Ordering::SeqCst);
    // SA_RESTART: a read(2) the signal interrupts is restarted, not failed with EINTR.
    let action = SigAction::new(
        SigHandler::Handler(on_signal),
        SaFlags::SA_RESTART,
        SigSet::empty(),
    );
    for &signal in signals {
        // SAFETY: the handler only calls async-signal-safe functions.
        unsafe { sigaction(signal, &action) }
            .map_err(|e| io::Error::other(format!("sigaction({signal}): {e}")))?;
    }
    Ok(read)
}
