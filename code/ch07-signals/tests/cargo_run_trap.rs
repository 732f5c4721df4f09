//! The `cargo run` pid trap, measured: is the pid you get back from starting
//! `cargo run` (or `go run`, or a wrapper script) the pid of your program?

mod common;

use std::path::PathBuf;
use std::os::unix::process::ExitStatusExt;
use std::process::Command;

use common::{field, Proc};
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}

#[test]
fn under_cargo_run_the_spawned_pid_is_the_program_because_cargo_execs_it() {
    let mut command = Command::new(cargo());
    command.current_dir(workspace_root()).args([
        "run",
        "-q",
        "-p",
        "ch07-signals",
        "--bin",
        "pid-report",
        "--",
        "--report",
    ]);
    let program = Proc::start(&mut command);
    let reported = program.line();
    assert_eq!(
        reported,
        format!("pid {}", program.pid()),
        "cargo replaced itself with the program (execvp)"
    );
    program.signal(Signal::SIGTERM);
    assert_eq!(program.line(), "program: got SIGTERM, exiting");
    assert!(program.wait().success());
}

#[test]
fn behind_a_wrapper_that_stays_a_signal_to_the_spawned_pid_misses_the_program() {
    // The example runs the whole experiment, `cargo run` included.
    let mut command = Command::new(env!("CARGO_BIN_EXE_pid-report"));
    command.current_dir(workspace_root());
    let experiment = Proc::start(&mut command);
    let mut lines = Vec::new();
    for _ in 0..9 {
        lines.push(experiment.line());
    }
    assert!(experiment.wait().success());
    let text = lines.join("\n");
    assert!(
        text.contains("spawned pid == program pid? yes: same process"),
        "{text}"
    );
    assert!(
        text.contains("spawned pid == program pid? no: the spawned pid is sh"),
        "{text}"
    );
    assert!(
        text.contains("sh was killed by SIGTERM\n   program: got SIGUSR1, still running"),
        "{text}"
    );
    assert!(text.ends_with("program: got SIGINT, exiting"), "{text}");
}

/// The signals pending for `pid` (its threads' and its process-wide sets,
/// SigPnd and ShdPnd in /proc/PID/status; bit N-1 is signal N); None once it
/// has exited. Go programs have several threads: each has its own SigPnd, but
/// kill(2) queues on the process-wide set.
fn pending_signals(pid: Pid) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let mut pending = 0;
    for line in status.lines() {
        if let Some(hex) = line.strip_prefix("SigPnd:").or_else(|| line.strip_prefix("ShdPnd:")) {
            pending |= u64::from_str_radix(hex.trim(), 16).ok()?;
        }
    }
    Some(pending)
}

/// Go is optional on a reader's machine: skip without it, fail under CI.
fn go_available() -> bool {
    let found = Command::new("go")
        .arg("version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but `go` is not installed"
        );
        std::io::Write::write_all(&mut std::io::stderr(), format!("SKIPPED: `go` is not installed (apt install golang-go, or go.dev/dl)\n").as_bytes()).unwrap_or(());
    }
    found
}

#[test]
fn under_go_run_the_spawned_pid_is_the_go_command_not_the_program() {
    if !go_available() {
        return;
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("go");
    let mut command = Command::new("go");
    command.current_dir(dir).args(["run", "./pidreport"]);
    let mut go = Proc::start(&mut command);
    let reported = go.line();
    let program = Pid::from_raw(reported.trim_start_matches("pid ").parse().expect("a pid"));
    go.others.push(program);
    assert_ne!(
        program,
        go.pid(),
        "`go run` builds, then runs the program as its child"
    );
    // SIGTERM to the pid we started kills the go command only. Wait for it
    // to be gone before looking at the program: a go command that forwarded
    // the SIGTERM would have done so by the time it exits, and the program's
    // next line would be "got SIGTERM" (or it would be gone).
    go.signal(Signal::SIGTERM);
    let status = go.wait_process();
    assert_eq!(
        status.signal(),
        Some(Signal::SIGTERM as i32),
        "the go command itself died of SIGTERM: {status}"
    );
    // A SIGTERM forwarded just before the go command exited may still be
    // pending in the program; the kernel would then deliver our SIGUSR1
    // first (lower number), and the program's next line would hide it.
    let pending = pending_signals(program).expect("the program is still running");
    assert_eq!(
        pending & (1 << (Signal::SIGTERM as i32 - 1)),
        0,
        "a SIGTERM is pending in the program: the go command forwarded it"
    );
    // The program, still running, answers the next signal sent to it.
    kill(program, Signal::SIGUSR1).expect("kill(program, SIGUSR1): the program is gone");
    assert_eq!(go.line(), "program: got SIGUSR1, still running");
    kill(program, Signal::SIGTERM).expect("kill(program, SIGTERM)");
    assert_eq!(go.line(), "program: got SIGTERM, exiting");
    go.wait();
    let _ = field; // (shared helper unused here)
}
