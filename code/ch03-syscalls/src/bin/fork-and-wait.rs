//! A process that forks: the child calls getpid(2) and writes a line, the
//! parent waits for it and writes another. Used to show `trace -f`.
//!
//! Run: cargo run -p ch03-syscalls --bin fork-and-wait
//! Then: cargo build -p ch03-syscalls &&
//!       target/debug/trace -f -e getpid,write,wait4 target/debug/fork-and-wait
//!
//! Look for: without -f only the parent's calls; with -f, the child's
//! `[pid N] getpid()` and `[pid N] write(…)` lines too, while the parent's
//! `wait4` and `write` lines have no prefix.

use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{fork, ForkResult};

const USAGE: &str = "usage: fork-and-wait
Forks: the child calls getpid(2) and writes a line, the parent waits for it
and writes another. Trace it with `trace -f` to see both processes.
";

fn run() -> Result<(), String> {
    // ANCHOR: main
    // SAFETY: this program has a single thread, so the child may run any code.
    match unsafe { fork() }.map_err(|e| format!("fork: {e}"))? {
        ForkResult::Child => {
            let _pid = nix::unistd::getpid(); // one getpid(2) in the child
            let _ = nix::unistd::write(std::io::stdout(), b"child: hello\n");
            // _exit(2): leave at once, without running the parent's cleanup.
            // SAFETY: _exit takes no pointers and never returns; skipping
            // destructors and stdio flushing is the point here.
            unsafe { libc::_exit(0) }
        }
        ForkResult::Parent { child } => {
            let status = waitpid(child, None).map_err(|e| format!("waitpid({child}): {e}"))?;
            let line = match status {
                WaitStatus::Exited(_, code) => format!("parent: child exited with {code}\n"),
                other => format!("parent: child ended as {other:?}\n"),
            };
            nix::unistd::write(std::io::stdout(), line.as_bytes()).map_err(|e| format!("write(1): {e}"))?;
        }
    }
    // ANCHOR_END: main
    Ok(())
}

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(message) = run() {
        eprintln!("{message}");
        std::process::exit(1);
    }
}
