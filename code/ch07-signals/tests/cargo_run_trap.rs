//! The `cargo run` pid trap, measured: is the pid you get back from starting
//! `cargo run` (or `go run`, or a wrapper script) the pid of your program?

mod common;

use std::path::PathBuf;
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
    // SIGTERM to the pid we started kills the go command only...
    go.signal(Signal::SIGTERM);
    // ...and the program, still running, answers the next signal sent to it.
    kill(program, Signal::SIGUSR1).expect("kill(program, SIGUSR1)");
    assert_eq!(go.line(), "program: got SIGUSR1, still running");
    kill(program, Signal::SIGTERM).expect("kill(program, SIGTERM)");
    assert_eq!(go.line(), "program: got SIGTERM, exiting");
    let status = go.wait();
    assert!(
        !status.success(),
        "the go command itself died of SIGTERM: {status}"
    );
    let _ = field; // (shared helper unused here)
}
