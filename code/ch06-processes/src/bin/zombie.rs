//! A zombie: a child that has exited but that its parent has not waited
//! for. It keeps a pid and an entry in /proc (State: Z) so the parent can
//! still read its exit status; waitpid(2) reaps it and the entry vanishes.
//!
//! Run: cargo run -p ch06-processes --bin zombie
//! Look for: `State: Z (zombie)` before waitpid, and no /proc entry after.

use ch06_processes::status_field;
use nix::sys::wait::{waitid, waitpid, Id, WaitPidFlag, WaitStatus};
use nix::unistd::{fork, ForkResult};
use std::path::Path;

const USAGE: &str = "usage: zombie
Forks a child that exits at once, shows its /proc entry in state Z (zombie)
before reaping it, then reaps it with waitpid(2): the entry is gone.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("zombie: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    // ANCHOR: zombie
    // SAFETY: single-threaded; the child only _exits.
    let child = match unsafe { fork() }.map_err(|e| format!("fork: {e}"))? {
        // SAFETY: _exit only ends the process.
        ForkResult::Child => unsafe { libc::_exit(42) },
        ForkResult::Parent { child } => child,
    };
    // waitid(2) with WNOWAIT blocks until the child has exited but leaves
    // it unreaped: exactly the zombie state, with no sleep or guesswork.
    waitid(Id::Pid(child), WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT)
        .map_err(|e| format!("waitid: {e}"))?;
    let pid = child.as_raw() as u32;
    let state = status_field(Some(pid), "State").map_err(|e| format!("/proc/{pid}/status: {e}"))?;
    println!("before waitpid: /proc/{pid}/status has State: {state}");
    // ps shows the same thing: it reads /proc too.
    let ps = std::process::Command::new("ps")
        .args(["-o", "stat=,comm=", "-p", &pid.to_string()])
        .output();
    if let Ok(ps) = ps {
        println!("ps -o stat=,comm= says: {}", String::from_utf8_lossy(&ps.stdout).trim());
    }

    // Reap it: the kernel hands over the exit status and frees the entry.
    match waitpid(child, None).map_err(|e| format!("waitpid: {e}"))? {
        WaitStatus::Exited(_, code) => println!("waitpid: exited with {code}"),
        other => println!("waitpid: {other:?}"),
    }
    let gone = !Path::new(&format!("/proc/{pid}")).exists();
    println!("after waitpid: /proc/{pid} is gone: {gone}");
    // ANCHOR_END: zombie
    Ok(())
}
