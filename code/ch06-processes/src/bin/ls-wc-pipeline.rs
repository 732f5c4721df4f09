//! `ls | wc -l` built by hand, the way a shell does it: pipe(2) makes a
//! pipe, fork(2) makes two children, dup2(2) puts the pipe's write end on
//! the first child's stdout and its read end on the second child's stdin,
//! and execvp(3) turns them into `ls` and `wc`.
//!
//! Run: cargo run -p ch06-processes --bin ls-wc-pipeline [-- DIR]
//! Look for: the same number as `ls DIR | wc -l`.

use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{dup2_stdin, dup2_stdout, execvp, fork, pipe, write, ForkResult, Pid};
use std::ffi::CString;
use std::os::fd::OwnedFd;

fn main() {
    if let Err(e) = run() {
        eprintln!("ls-wc-pipeline: {e}");
        std::process::exit(1);
    }
}

fn cstrings(args: &[&str]) -> Result<Vec<CString>, String> {
    args.iter()
        .map(|a| CString::new(*a).map_err(|e| format!("argument {a:?}: {e}")))
        .collect()
}

// ANCHOR: child
/// Fork a child that puts `stdin`/`stdout` on fds 0/1 and execs `argv`.
/// Every other copy of the pipe's ends is closed in the child by dropping.
fn spawn(argv: &[CString], stdin: Option<OwnedFd>, stdout: Option<OwnedFd>) -> Result<Pid, String> {
    // SAFETY: single-threaded; the child only dup2s, closes, execs, _exits.
    match unsafe { fork() }.map_err(|e| format!("fork: {e}"))? {
        ForkResult::Child => {
            if let Some(fd) = stdin {
                // dup2(fd, 0): fd 0 now refers to the pipe's read end.
                if dup2_stdin(&fd).is_err() {
                    // SAFETY: _exit only ends the process.
                    unsafe { libc::_exit(126) }
                }
                drop(fd); // close the original number; fd 0 stays
            }
            if let Some(fd) = stdout {
                if dup2_stdout(&fd).is_err() {
                    // SAFETY: as above.
                    unsafe { libc::_exit(126) }
                }
                drop(fd);
            }
            let _ = execvp(&argv[0], argv); // returns only on failure
            let _ = write(std::io::stderr(), b"ls-wc-pipeline: execvp failed\n");
            // SAFETY: as above.
            unsafe { libc::_exit(127) }
        }
        ForkResult::Parent { child } => Ok(child),
    }
}
// ANCHOR_END: child

fn run() -> Result<(), String> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".to_string());
    // ANCHOR: pipeline
    let ls = cstrings(&["ls", &dir])?;
    let wc = cstrings(&["wc", "-l"])?;
    // pipe(2): read end, write end. Both are inherited by every fork below.
    let (read_end, write_end) = pipe().map_err(|e| format!("pipe: {e}"))?;
    let ls_pid = spawn(&ls, None, Some(write_end))?; // moves write_end: our copy is gone
    let wc_pid = spawn(&wc, Some(read_end), None)?; // moves read_end: likewise
    // Both ends are closed in the parent now (moved into spawn and dropped
    // there). If we kept write_end open, wc would never see end-of-file.
    for (name, pid) in [("ls", ls_pid), ("wc", wc_pid)] {
        match waitpid(pid, None).map_err(|e| format!("waitpid {name}: {e}"))? {
            WaitStatus::Exited(_, 0) => {}
            other => return Err(format!("{name} ended with {other:?}")),
        }
    }
    // ANCHOR_END: pipeline
    Ok(())
}
