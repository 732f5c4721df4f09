//! Kill a child that runs past a deadline (Go: `exec.CommandContext` with a
//! `context.WithTimeout`). We wait on a pidfd with poll(2), so we wake the
//! moment the child ends or the deadline passes, with no polling loop.
//!
//! Run: cargo run -p ch06-processes --bin timeout-kill
//! Look for: `sleep 0.05` finishes; `sleep 10` is killed by signal 9 after
//! about 300 ms.

use ch06_processes::{pidfd_open, wait_readable};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

const USAGE: &str = "usage: timeout-kill
Runs `sleep 0.05` and `sleep 10` with a 300 ms deadline, waiting on a pidfd
with poll(2); kills the one that overruns (SIGKILL) and prints both statuses.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("timeout-kill: {e}");
        std::process::exit(1);
    }
}

// ANCHOR: timeout
/// Run `argv`, killing it after `limit`. Returns its status and whether we killed it.
fn run_with_deadline(argv: &[&str], limit: Duration) -> Result<(ExitStatus, bool), String> {
    let mut child = Command::new(argv[0])
        .args(&argv[1..])
        .spawn()
        .map_err(|e| format!("spawning {}: {e}", argv[0]))?;
    // The pidfd becomes readable when the child ends.
    let waited = pidfd_open(child.id())
        .map_err(|e| format!("pidfd_open: {e}")) // Linux < 5.3, or a seccomp filter
        .and_then(|pidfd| wait_readable(&pidfd, limit).map_err(|e| format!("poll: {e}")));
    let ended = match waited {
        Ok(ended) => ended,
        Err(e) => {
            // We cannot enforce the deadline: do not leave the child running
            // and unreaped behind us.
            let _ = child.kill();
            let _ = child.wait();
            return Err(e);
        }
    };
    if !ended {
        // Not reaped yet, so the pid still names our child: kill(2) is safe.
        child.kill().map_err(|e| format!("kill: {e}"))?; // SIGKILL
    }
    let status = child.wait().map_err(|e| format!("waitpid: {e}"))?;
    Ok((status, !ended))
}
// ANCHOR_END: timeout

fn run() -> Result<(), String> {
    for argv in [&["sleep", "0.05"][..], &["sleep", "10"][..]] {
        let start = Instant::now();
        let (status, killed) = run_with_deadline(argv, Duration::from_millis(300))?;
        println!(
            "{:10} killed: {killed:5}  code {:?}  signal {:?}  after {} ms",
            argv.join(" "),
            status.code(),
            status.signal(),
            start.elapsed().as_millis()
        );
    }
    Ok(())
}
