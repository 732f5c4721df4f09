//! SIGKILL and SIGSTOP cannot be caught, and what the others do to a process
//! that does not catch them: stop it (SIGSTOP), continue it (SIGCONT, what
//! the shell's `fg` and `bg` send), end it (SIGTERM, what `kill` sends).
//!
//! First the program asks sigaction(2) to install a handler for SIGKILL and
//! for SIGSTOP, and shows the kernel refusing with EINVAL. Then it starts a
//! child (`cat`, which blocks reading its stdin) and sends it SIGSTOP,
//! SIGCONT and SIGTERM with kill(2), watching each change with waitpid(2).
//!
//! Run: cargo run -p ch07-signals --bin uncatchable
//!
//! Look for: `EINVAL` twice, then the child stopped, continued and killed.

use std::process::{Command, ExitCode, Stdio};

use nix::sys::signal::{kill, sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag};
use nix::unistd::Pid;

extern "C" fn never_runs(_: libc::c_int) {}

const USAGE: &str = "usage: uncatchable
Shows sigaction(2) refusing handlers for SIGKILL and SIGSTOP (EINVAL), then
sends a `cat` child SIGSTOP, SIGCONT and SIGTERM and reports each change that
waitpid(2) sees. Takes no arguments.
";

fn main() -> ExitCode {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("uncatchable: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    // ANCHOR: refuse
    let action = SigAction::new(
        SigHandler::Handler(never_runs),
        SaFlags::empty(),
        SigSet::empty(),
    );
    for signal in [Signal::SIGKILL, Signal::SIGSTOP, Signal::SIGTERM] {
        // SAFETY: the handler does nothing, which is async-signal-safe.
        match unsafe { sigaction(signal, &action) } {
            Ok(_) => println!("sigaction({signal}): handler installed"),
            Err(errno) => println!("sigaction({signal}): {errno:?} ({})", errno.desc()),
        }
    }
    // ANCHOR_END: refuse

    // ANCHOR: child
    // `cat` with a pipe as stdin blocks in read(2) until we close the pipe.
    let child = Command::new("cat")
        .stdin(Stdio::piped())
        .spawn()
        .map_err(|e| format!("spawning cat: {e}"))?;
    let pid = Pid::from_raw(child.id() as i32);
    // WUNTRACED: also report a child that stopped; WCONTINUED: one that resumed.
    let flags = Some(WaitPidFlag::WUNTRACED | WaitPidFlag::WCONTINUED);
    for signal in [Signal::SIGSTOP, Signal::SIGCONT, Signal::SIGTERM] {
        kill(pid, signal).map_err(|e| format!("kill({pid}, {signal}): {e}"))?;
        let status = waitpid(pid, flags).map_err(|e| format!("waitpid({pid}): {e}"))?;
        // Print the status without the pid, which changes from run to run.
        println!("sent {signal:<7} -> child {}", describe(status));
    }
    // waitpid has reaped the child already. Dropping the handle is fine:
    // std's Child has no Drop that waits for or kills the process.
    drop(child);
    // ANCHOR_END: child
    Ok(())
}

fn describe(status: nix::sys::wait::WaitStatus) -> String {
    use nix::sys::wait::WaitStatus::*;
    match status {
        Stopped(_, signal) => format!("stopped by {signal}"),
        Continued(_) => "continued".to_string(),
        Signaled(_, signal, _) => format!("killed by {signal}"),
        Exited(_, code) => format!("exited with {code}"),
        other => format!("{other:?}"),
    }
}
