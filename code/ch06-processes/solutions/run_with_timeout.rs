//! Exercise: run a command, but kill it if it runs longer than a limit
//! (Go's `exec.CommandContext` with `context.WithTimeout`). Reference answer.

use std::io;
use std::process::{Command, ExitStatus};
use std::thread;
use std::time::{Duration, Instant};

/// How a command run with a time limit ended.
#[derive(Debug)]
pub enum Outcome {
    /// It exited (or was killed by someone else) before the limit.
    Finished(ExitStatus),
    /// The limit passed: we killed it and reaped it. `pid` was its process id.
    TimedOut { pid: u32 },
}

pub fn run_with_timeout(cmd: &mut Command, limit: Duration) -> io::Result<Outcome> {
    let mut child = cmd.spawn()?;
    let deadline = Instant::now() + limit;
    loop {
        // try_wait is waitpid(pid, WNOHANG): it reaps the child if it has
        // ended and returns at once otherwise.
        if let Some(status) = child.try_wait()? {
            return Ok(Outcome::Finished(status));
        }
        let now = Instant::now();
        if now >= deadline {
            let pid = child.id();
            // The child is not reaped yet, so its pid cannot have been reused:
            // kill(2) is safe. Then wait so it does not stay a zombie.
            child.kill()?;
            child.wait()?;
            return Ok(Outcome::TimedOut { pid });
        }
        // Polling costs a little latency; a pidfd (see timeout-kill.rs) avoids it.
        // Never sleep past the deadline.
        thread::sleep(Duration::from_millis(5).min(deadline - now));
    }
}
