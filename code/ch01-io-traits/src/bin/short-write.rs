//! When does `write(2)` write less than it was given? One 1 MiB `write` into
//! a 64 KiB pipe, three ways.
//!
//! 1. Blocking pipe, a reader draining it: the `write` waits for room, again
//!    and again, and returns all 1,048,576 bytes. A blocking pipe never
//!    returns short on its own (`man 7 pipe`, "O_NONBLOCK disabled, n >
//!    PIPE_BUF ... the write(2) blocks until n bytes have been written").
//! 2. Non-blocking pipe (`O_NONBLOCK`), nobody reading: the `write` takes what
//!    fits and returns 65,536, a short write; the next one fails with `EAGAIN`
//!    (`ErrorKind::WouldBlock`).
//! 3. Blocking pipe, nobody reading, and a signal arrives while the `write`
//!    waits for room: it returns the 65,536 bytes already in the pipe (`man 2
//!    write`: interrupted "after at least one byte has been written, the call
//!    succeeds, and returns the number of bytes written"), even though the
//!    handler was installed with `SA_RESTART`.
//!
//! Run it:    cargo run -p ch01-io-traits --bin short-write
//! Watch it:  cargo build -p ch01-io-traits --bin short-write &&
//!            strace -e trace=write,fcntl,rt_sigreturn ./target/debug/short-write
//!
//! What to look for: 1048576, then 65536 and EAGAIN, then 65536 after the
//! signal (strace shows the last `write` return 65536, then `--- SIGUSR1 ---`:
//! the handler runs as the call returns to user space).

use std::io::{self, ErrorKind, Write};
use std::os::fd::{AsFd, AsRawFd};
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use nix::fcntl::{fcntl, FcntlArg, OFlag};
use nix::libc;
use nix::sys::pthread::{pthread_kill, pthread_self};
use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};

const MIB: usize = 1 << 20;

const USAGE: &str = "usage: short-write
One 1 MiB write(2) into a 64 KiB pipe three ways: blocking with a reader (all of
it), non-blocking with none (a short write, then EAGAIN), and blocking with none,
cut short by a signal. Takes no arguments.
";

fn main() -> ExitCode {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("short-write: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> io::Result<()> {
    let data = vec![b'x'; MIB];
    blocking_pipe_waits(&data)?;
    nonblocking_pipe_writes_short(&data)?;
    signal_cuts_a_blocking_write_short(&data)?;
    Ok(())
}

// ANCHOR: blocking
/// A reader thread drains the pipe; one write(2) of 1 MiB waits until all of it is in.
fn blocking_pipe_waits(data: &[u8]) -> io::Result<()> {
    let (mut reader, mut writer) = io::pipe().map_err(|e| with("pipe", e))?;
    let drain = thread::spawn(move || io::copy(&mut reader, &mut io::sink()));
    let n = writer.write(data).map_err(|e| with("write to a blocking pipe", e))?;
    println!("blocking pipe, reader draining: write(2) took {n} of {}", data.len());
    drop(writer); // end of file for the reader
    drain.join().expect("the draining thread panicked").map_err(|e| with("read from the pipe", e))?;
    Ok(())
}
// ANCHOR_END: blocking

// ANCHOR: nonblocking
/// Nobody reads; with O_NONBLOCK, write(2) takes what fits and returns at once.
fn nonblocking_pipe_writes_short(data: &[u8]) -> io::Result<()> {
    let (_reader, mut writer) = io::pipe().map_err(|e| with("pipe", e))?;
    // F_SETFL replaces all status flags: read them, add O_NONBLOCK, write back.
    let flags = fcntl(writer.as_fd(), FcntlArg::F_GETFL).map_err(|e| with("fcntl F_GETFL", e.into()))?;
    let flags = OFlag::from_bits_retain(flags) | OFlag::O_NONBLOCK;
    fcntl(writer.as_fd(), FcntlArg::F_SETFL(flags)).map_err(|e| with("fcntl F_SETFL", e.into()))?;
    let n = writer.write(data).map_err(|e| with("write to a non-blocking pipe", e))?;
    println!("non-blocking pipe, nobody reading: write(2) took {n} of {}", data.len());
    match writer.write(&data[n..]) {
        Err(e) if e.kind() == ErrorKind::WouldBlock => println!("  the next write(2): {e}"),
        other => println!("  the next write(2): {other:?} (expected EAGAIN)"),
    }
    Ok(())
}
// ANCHOR_END: nonblocking

// ANCHOR: signal
/// The handler does nothing: its only effect is to interrupt the write.
extern "C" fn on_sigusr1(_: libc::c_int) {}

/// Nobody reads a blocking pipe; a signal arrives while write(2) waits for room.
fn signal_cuts_a_blocking_write_short(data: &[u8]) -> io::Result<()> {
    let action = SigAction::new(SigHandler::Handler(on_sigusr1), SaFlags::SA_RESTART, SigSet::empty());
    // SAFETY: the handler has an empty body, so it calls nothing that is not
    // async-signal-safe and touches no memory the interrupted code may hold.
    unsafe { sigaction(Signal::SIGUSR1, &action) }.map_err(|e| with("sigaction SIGUSR1", e.into()))?;

    let (reader, mut writer) = io::pipe().map_err(|e| with("pipe", e))?;
    let size = fcntl(reader.as_fd(), FcntlArg::F_GETPIPE_SZ).map_err(|e| with("fcntl F_GETPIPE_SZ", e.into()))?;
    let main_thread = pthread_self();
    thread::scope(|s| {
        // Once the pipe is full, the main thread's write is waiting for room:
        // send it one signal then.
        let kicker = s.spawn(|| -> io::Result<()> {
            while bytes_in_pipe(&reader)? < size {
                thread::sleep(Duration::from_millis(1));
            }
            pthread_kill(main_thread, Signal::SIGUSR1).map_err(|e| with("pthread_kill", e.into()))
        });
        let n = writer.write(data).map_err(|e| with("write to a blocking pipe", e))?;
        kicker.join().expect("the signalling thread panicked")?;
        println!("blocking pipe, nobody reading, a signal: write(2) took {n} of {}", data.len());
        Ok(())
    })
}

/// How many bytes wait in the pipe: the `FIONREAD` ioctl (`man 7 pipe`, "I/O on pipes and FIFOs").
fn bytes_in_pipe(reader: &io::PipeReader) -> io::Result<libc::c_int> {
    let mut queued: libc::c_int = 0;
    // SAFETY: FIONREAD on a pipe stores one int through the pointer, which
    // points to a live local of that type; the descriptor is borrowed from
    // `reader`, so it stays open during the call.
    let rc = unsafe { libc::ioctl(reader.as_raw_fd(), libc::FIONREAD, &mut queued) };
    if rc == -1 {
        return Err(with("ioctl FIONREAD", io::Error::last_os_error()));
    }
    Ok(queued)
}
// ANCHOR_END: signal

fn with(what: &str, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{what}: {e}"))
}
