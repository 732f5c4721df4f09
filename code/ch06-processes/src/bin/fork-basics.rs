//! fork(2) with nix: one process becomes two. Both continue from the same
//! line; fork returns the child's pid in the parent and 0 in the child. The
//! child gets a copy of the parent's memory, so a change in one is invisible
//! to the other. The parent collects the child's exit code with waitpid(2).
//!
//! Run: cargo run -p ch06-processes --bin fork-basics
//! Look for: the child's ppid is the parent's pid; the parent still sees
//! counter = 1 after the child set it to 100; exit code 7.

use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{fork, getpid, getppid, ForkResult};
use std::io::Write;

const USAGE: &str = "usage: fork-basics
Forks: the child sets its copy of a counter and exits with 7; the parent
waits for that exit code and shows its own counter unchanged. No arguments.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("fork-basics: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    // ANCHOR: fork
    let mut counter = 1;
    println!("parent: pid {}", getpid());
    // Anything still in a user-space buffer would be copied into the child
    // and written twice. println! flushes at '\n', but make it explicit.
    std::io::stdout().flush().map_err(|e| format!("flushing stdout: {e}"))?;

    // SAFETY: this program has one thread, so the child's copy of memory
    // holds no lock that another thread was in the middle of using.
    match unsafe { fork() }.map_err(|e| format!("fork: {e}"))? {
        ForkResult::Child => {
            counter = 100; // changes the child's copy only
            println!("child:  pid {}, ppid {}, counter = {counter}", getpid(), getppid());
            let _ = std::io::stdout().flush();
            // _exit(2): end now, without running the parent's atexit handlers.
            // SAFETY: _exit only ends the process.
            unsafe { libc::_exit(7) }
        }
        ForkResult::Parent { child } => {
            // waitpid(2) blocks until the child ends and reaps it.
            match waitpid(child, None).map_err(|e| format!("waitpid: {e}"))? {
                WaitStatus::Exited(pid, code) => {
                    println!("parent: child pid {pid} exited with {code}, counter = {counter}")
                }
                other => println!("parent: child ended otherwise: {other:?}"),
            }
        }
    }
    // ANCHOR_END: fork
    Ok(())
}
