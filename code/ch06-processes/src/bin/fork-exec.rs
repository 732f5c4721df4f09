//! fork + exec: the Unix way to start a program. The child replaces its
//! memory with a new program with execvp(3); it keeps its pid, its open file
//! descriptors (those without close-on-exec) and its working directory.
//!
//! Run: cargo run -p ch06-processes --bin fork-exec
//! Look for: the pid printed by the child before exec is the `$$` of the
//! shell after exec.

use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{execvp, fork, getpid, write, ForkResult};
use std::ffi::CString;
use std::io::Write;

const USAGE: &str = "usage: fork-exec
Forks a child that prints its pid and execs `sh -c`, whose $$ is the same
pid; the parent waits and prints the exit code. Takes no arguments.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("fork-exec: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    // ANCHOR: exec
    // Build every C string before fork: between fork and exec the child
    // should do as little as possible. (nix's execvp still allocates the
    // pointer array; a threaded program would build that before fork too.)
    let program = CString::new("sh").map_err(|e| e.to_string())?;
    let argv = [
        CString::new("sh").map_err(|e| e.to_string())?,
        CString::new("-c").map_err(|e| e.to_string())?,
        CString::new("echo \"after exec: I am $0, pid $$\"").map_err(|e| e.to_string())?,
    ];
    std::io::stdout().flush().map_err(|e| format!("flushing stdout: {e}"))?;

    // SAFETY: single-threaded; the child only writes, execs and _exits.
    match unsafe { fork() }.map_err(|e| format!("fork: {e}"))? {
        ForkResult::Child => {
            println!("before exec: fork-exec, pid {}", getpid());
            let _ = std::io::stdout().flush();
            // execvp searches PATH and on success never returns.
            let err = match execvp(&program, &argv) {
                Err(e) => e,
                Ok(never) => match never {},
            };
            let _ = write(std::io::stderr(), b"fork-exec: execvp sh failed\n");
            // 127: the shells' code for "command not found".
            // SAFETY: _exit only ends the process.
            unsafe { libc::_exit(if err == nix::errno::Errno::ENOENT { 127 } else { 126 }) }
        }
        ForkResult::Parent { child } => {
            let status = waitpid(child, None).map_err(|e| format!("waitpid: {e}"))?;
            if let WaitStatus::Exited(_, code) = status {
                println!("parent: child exited with {code}");
            }
        }
    }
    // ANCHOR_END: exec
    Ok(())
}
