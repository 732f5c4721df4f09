//! Exercise: a graceful-shutdown accept loop.
//!
//! Task: write `serve`. Make the listener non-blocking and poll(2) it
//! together with `stop` (`nix::poll::poll`). Accept every ready connection and
//! give it a thread that answers each line with the line in upper case until
//! the client closes. When `stop` becomes readable: accept what is already
//! queued (closing the listener would reset it), then stop accepting, drop the
//! listener (so new connections are refused), call `stopped()`, join every
//! connection thread, and return how many connections were served.
//! Goal: `cargo run -- exercises ch07` reports `graceful_accept` passing: a
//! connection open when SIGTERM arrives still gets its answers, one still
//! queued is accepted and answered, a new one is refused, and the child exits 0 having served 1 connection.
//! Time: about 30 minutes.
#![allow(unused)]

use std::io;
use std::net::TcpListener;
use std::os::fd::OwnedFd;

/// Serves `listener` until `stop` becomes readable, then stops accepting,
/// calls `stopped()`, waits for the open connections and returns their number.
pub fn serve(listener: TcpListener, stop: OwnedFd, stopped: impl FnOnce()) -> io::Result<usize> {
    todo!("poll the listener and `stop`; accept; on stop drop the listener and join")
}
