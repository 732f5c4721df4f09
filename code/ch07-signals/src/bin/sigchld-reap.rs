//! SIGCHLD and reaping. When a child ends, the kernel keeps a small record of
//! it (a zombie, state `Z` in /proc) until the parent collects its exit status
//! with waitpid(2), and sends the parent SIGCHLD to say so.
//!
//! The program blocks SIGCHLD and reads it from a signalfd. It starts one
//! child, shows it as a zombie once SIGCHLD has arrived, and reaps it. Then it
//! starts three children at once and reaps them with the loop every SIGCHLD
//! handler needs: waitpid(-1, WNOHANG) until nothing is left, because several
//! children ending close together may produce a single SIGCHLD.
//!
//! Run: cargo run -p ch07-signals --bin sigchld-reap
//!
//! Look for: `state Z (zombie)` before waitpid, the zombie gone after it, and
//! all three exit codes collected.

use std::process::{Command, ExitCode};

use nix::sys::signal::{SigSet, SigmaskHow, Signal};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::Pid;

const USAGE: &str = "usage: sigchld-reap
Starts a child and shows it as a zombie (state Z) once SIGCHLD, read from a
signalfd, has arrived, then reaps it with waitpid(2); then reaps three children
with the waitpid(-1, WNOHANG) loop. Takes no arguments.
";

fn main() -> ExitCode {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sigchld-reap: {e}");
            ExitCode::FAILURE
        }
    }
}

fn spawn_exiting_with(code: i32) -> Result<Pid, String> {
    let child = Command::new("sh")
        .args(["-c", &format!("exit {code}")])
        .spawn()
        .map_err(|e| format!("spawning sh: {e}"))?;
    // We reap with waitpid ourselves, so the std handle is not needed;
    // dropping a Child neither waits for nor kills the process.
    Ok(Pid::from_raw(child.id() as i32))
}

fn state_of(pid: Pid) -> String {
    // /proc/<pid>/stat: "pid (comm) S ...", the state letter after the ')'.
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => match stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
        {
            Some("Z") => "Z (zombie)".to_string(),
            Some(other) => other.to_string(),
            None => "unreadable".to_string(),
        },
        Err(_) => "gone from /proc".to_string(),
    }
}

fn run() -> Result<(), String> {
    // ANCHOR: one
    let mut mask = SigSet::empty();
    mask.add(Signal::SIGCHLD);
    nix::sys::signal::pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&mask), None)
        .map_err(|e| format!("pthread_sigmask: {e}"))?;
    let sigchld = SignalFd::with_flags(&mask, SfdFlags::SFD_CLOEXEC) // not inherited by children
        .map_err(|e| format!("signalfd: {e}"))?;

    let pid = spawn_exiting_with(7)?;
    let info = sigchld
        .read_signal()
        .map_err(|e| format!("reading the signalfd: {e}"))?
        .ok_or("signalfd: no signal")?;
    assert_eq!(
        info.ssi_pid as i32,
        pid.as_raw(),
        "the SIGCHLD names the child"
    );
    println!(
        "SIGCHLD from the child, which exited with {}",
        info.ssi_status
    );
    println!("before waitpid: state {}", state_of(pid));
    let status = waitpid(pid, None).map_err(|e| format!("waitpid({pid}): {e}"))?;
    if let WaitStatus::Exited(_, code) = status {
        println!("waitpid: exited with {code}");
    }
    println!("after waitpid:  state {}", state_of(pid));
    // ANCHOR_END: one

    // ANCHOR: many
    let children = [1, 2, 3]
        .into_iter()
        .map(spawn_exiting_with)
        .collect::<Result<Vec<Pid>, String>>()?; // a failed spawn is an error, not a child to wait for
    let mut left = children.len();
    let mut codes = Vec::new();
    while left > 0 {
        // One SIGCHLD may stand for several children: reap all that are done.
        sigchld
            .read_signal()
            .map_err(|e| format!("reading the signalfd: {e}"))?;
        loop {
            match waitpid(Pid::from_raw(-1), Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::Exited(_, code)) => {
                    codes.push(code);
                    left -= 1;
                }
                Ok(WaitStatus::Signaled(pid, signal, _)) => {
                    println!("child {pid} was killed by {signal}");
                    left -= 1;
                }
                Ok(WaitStatus::StillAlive) => break, // the rest are still running
                Ok(_) => {}                          // stopped/continued: not an end
                Err(nix::errno::Errno::ECHILD) if left == 0 => break, // all reaped
                Err(nix::errno::Errno::ECHILD) => {
                    return Err(format!(
                        "waitpid(-1): ECHILD with {left} child(ren) not seen to end"
                    ))
                }
                Err(e) => return Err(format!("waitpid(-1): {e}")),
            }
        }
    }
    codes.sort();
    println!("reaped {} children, exit codes {codes:?}", children.len());
    // ANCHOR_END: many
    Ok(())
}
