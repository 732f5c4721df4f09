//! Exercise: run a command, but kill it if it runs longer than a limit
//! (Go's `exec.CommandContext` with `context.WithTimeout`).
//!
//! Task: spawn `cmd`; if it ends within `limit`, return `Outcome::Finished`
//! with its status; otherwise kill it, reap it (no zombie may stay behind)
//! and return `Outcome::TimedOut` with its pid.
//! Goal: `sleep 30` with a 200 ms limit returns in well under a second.
//! Time: about 15 minutes. Check: `cargo run -- exercises ch06`.

use std::io;
use std::process::{Command, ExitStatus};
use std::time::Duration;

/// How a command run with a time limit ended.
#[derive(Debug)]
pub enum Outcome {
    /// It exited (or was killed by someone else) before the limit.
    Finished(ExitStatus),
    /// The limit passed: we killed it and reaped it. `pid` was its process id.
    TimedOut { pid: u32 },
}

pub fn run_with_timeout(cmd: &mut Command, limit: Duration) -> io::Result<Outcome> {
    let _ = (cmd, limit);
    todo!("spawn, then poll with try_wait until the deadline; kill and wait on timeout")
}
