//! Exercise: the self-pipe trick, by hand.
//!
//! Task: write `install`. For each signal in `signals`, install (with
//! `nix::sys::signal::sigaction`) a handler that writes the signal's number as
//! one byte into a pipe; return the pipe's read end. The handler may only do
//! async-signal-safe things (an atomic load, `libc::write`), so keep the write
//! end's fd in a `static AtomicI32`. Make the write end non-blocking and use
//! `SA_RESTART`.
//! Goal: `cargo run -- exercises ch07` reports `self_pipe` passing: a child
//! process receives SIGUSR1, SIGUSR2, SIGUSR1 from the test and reads the bytes
//! 10, 12, 10 from the pipe.
//! Time: about 20 minutes.
#![allow(unused)]

use std::io;
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicI32, Ordering};

use nix::sys::signal::Signal;

static WRITE_FD: AtomicI32 = AtomicI32::new(-1);

/// Installs, for each of `signals`, a handler that writes the signal's number
/// as one byte into a pipe, and returns the read end of that pipe.
pub fn install(signals: &[Signal]) -> io::Result<OwnedFd> {
    todo!("create a pipe, store its write end in WRITE_FD, sigaction each signal")
}
