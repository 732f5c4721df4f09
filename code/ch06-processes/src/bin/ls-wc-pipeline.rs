//! `ls | wc -l` built by hand, the way a shell does it: pipe(2) makes a
//! pipe, fork(2) makes two children, dup2(2) puts the pipe's write end on
//! the first child's stdout and its read end on the second child's stdin,
//! and execvp(3) turns them into `ls` and `wc`. The pipe is made with
//! O_CLOEXEC, so each program keeps only the end on its fd 0 or 1: a child
//! that kept the other end would keep the pipe alive (see the chapter's
//! pipeline page, and the test
//! `the_hand_built_pipeline_ends_when_the_reader_exits_first`).
//!
//! Run: cargo run -p ch06-processes --bin ls-wc-pipeline [-- DIR]
//! Look for: the same number as `ls DIR | wc -l`.

use nix::fcntl::{fcntl, FcntlArg, FdFlag, OFlag};
use nix::sys::signal::{signal, SigHandler, Signal};
use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{dup2_stdin, dup2_stdout, execvp, fork, pipe2, write, ForkResult, Pid};
use std::ffi::CString;
use std::os::fd::{AsRawFd, OwnedFd};

fn main() {
    if let Err(e) = run() {
        eprintln!("ls-wc-pipeline: {e}");
        std::process::exit(1);
    }
}

const USAGE: &str = "usage: ls-wc-pipeline [DIR]
Runs `ls DIR | wc -l` (DIR defaults to .) the way a shell builds it, with
pipe2(2), fork(2), dup2(2) and execvp(3), and prints wc's count.
";

fn cstrings(args: &[&str]) -> Result<Vec<CString>, String> {
    args.iter()
        .map(|a| CString::new(*a).map_err(|e| format!("argument {a:?}: {e}")))
        .collect()
}

// ANCHOR: child
/// Fork a child that puts `stdin`/`stdout` on fds 0/1 and execs `argv`.
/// The pipe's fds are close-on-exec, so `exec` closes every copy of them
/// in the child except the two dup2 made: those have the flag cleared.
fn spawn(argv: &[CString], stdin: Option<OwnedFd>, stdout: Option<OwnedFd>) -> Result<Pid, String> {
    // SAFETY: single-threaded; the child makes system calls (dup2, fcntl,
    // sigaction, execve) and _exits; nix's execvp also allocates its pointer
    // array, which is fine only because no other thread can hold malloc's lock.
    match unsafe { fork() }.map_err(|e| format!("fork: {e}"))? {
        ForkResult::Child => {
            if let Some(fd) = stdin {
                // dup2(fd, 0): fd 0 now refers to the pipe's read end, and
                // unlike `fd` it is not close-on-exec.
                if onto(fd, 0).is_err() {
                    // SAFETY: _exit only ends the process.
                    unsafe { libc::_exit(126) }
                }
            }
            if let Some(fd) = stdout {
                if onto(fd, 1).is_err() {
                    // SAFETY: as above.
                    unsafe { libc::_exit(126) }
                }
            }
            // Rust's runtime set SIGPIPE to "ignore" in this process, and an
            // ignored signal stays ignored across exec: put back the default
            // a shell gives its children (std's Command does the same).
            // SAFETY: SIG_DFL installs no handler of ours.
            if unsafe { signal(Signal::SIGPIPE, SigHandler::SigDfl) }.is_err() {
                // SAFETY: as above.
                unsafe { libc::_exit(126) }
            }
            let _ = execvp(&argv[0], argv); // returns only on failure
            let _ = write(std::io::stderr(), b"ls-wc-pipeline: execvp failed\n");
            // SAFETY: as above.
            unsafe { libc::_exit(127) }
        }
        ForkResult::Parent { child } => Ok(child),
    }
}

/// Make `fd` the child's fd `target` (0 or 1) and keep it across exec.
fn onto(fd: OwnedFd, target: i32) -> nix::Result<()> {
    if fd.as_raw_fd() == target {
        // The pipe got this very number (our own fd 0 or 1 was closed when
        // we started): dup2(0, 0) does nothing and would leave the flag
        // set, so clear FD_CLOEXEC by hand and keep the fd open.
        fcntl(&fd, FcntlArg::F_SETFD(FdFlag::empty()))?;
        std::mem::forget(fd);
        return Ok(());
    }
    // `fd` itself is dropped on return (it would close on exec anyway).
    if target == 0 { dup2_stdin(&fd) } else { dup2_stdout(&fd) }
}
// ANCHOR_END: child

fn run() -> Result<(), String> {
    let dir = match std::env::args().nth(1) {
        Some(a) if a == "--help" || a == "-h" => {
            print!("{USAGE}");
            return Ok(());
        }
        // ls would take it as one of its own options: refuse it (a
        // directory whose name starts with '-' can be given as ./-name).
        Some(a) if a.starts_with('-') => return Err(format!("unknown option {a} (see --help)")),
        Some(dir) => dir,
        None => ".".to_string(),
    };
    // ANCHOR: pipeline
    let ls = cstrings(&["ls", &dir])?;
    let wc = cstrings(&["wc", "-l"])?;
    // pipe2(2): read end, write end, both close-on-exec. fork copies both
    // into each child; exec closes the copies a child did not dup2 onto 0/1.
    let (read_end, write_end) = pipe2(OFlag::O_CLOEXEC).map_err(|e| format!("pipe2: {e}"))?;
    // Moving write_end closes the parent's copy when spawn returns (the
    // parent must not keep one, or wc would never see end-of-file). But
    // the first fork happens while the parent still holds read_end: `ls`
    // gets a copy of it too, and only O_CLOEXEC closes that one.
    let ls_pid = spawn(&ls, None, Some(write_end))?;
    let wc_pid = spawn(&wc, Some(read_end), None)?;
    for (name, pid) in [("ls", ls_pid), ("wc", wc_pid)] {
        match waitpid(pid, None).map_err(|e| format!("waitpid {name}: {e}"))? {
            WaitStatus::Exited(_, 0) => {}
            // The writer killed by SIGPIPE: the reader finished early, the
            // normal end of `yes | head -n 1`. Shells do not report it.
            WaitStatus::Signaled(_, Signal::SIGPIPE, _) if name == "ls" => {}
            other => return Err(format!("{name} ended with {other:?}")),
        }
    }
    // ANCHOR_END: pipeline
    Ok(())
}
