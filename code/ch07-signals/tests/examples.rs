//! Runs each short example program and checks what it says. These programs
//! signal themselves, which is fine: each is a process of its own.

use std::process::{Command, Output};

fn run(bin: &str, args: &[&str]) -> String {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(bin)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running {bin}: {e}"));
    let text = String::from_utf8_lossy(&stdout).into_owned();
    assert!(
        status.success(),
        "{bin} failed: {status}\n{text}{}",
        String::from_utf8_lossy(&stderr)
    );
    text
}

#[test]
fn signal_flag_sees_each_signal_and_stops_on_sigterm() {
    let out = run(env!("CARGO_BIN_EXE_signal-flag"), &[]);
    assert!(
        out.contains(
            "before kill:  usr1 = false\nafter kill:   usr1 = true\nafter raise:  usr1 = true\n"
        ),
        "{out}"
    );
    assert!(out.contains("SIGTERM seen"), "{out}");
}

#[test]
fn signal_iterator_handles_signals_in_ordinary_code() {
    let out = run(env!("CARGO_BIN_EXE_signal-iterator"), &[]);
    assert_eq!(
        out,
        "SIGHUP: reloading the configuration\nSIGUSR1: printing statistics\nSIGTERM: leaving the loop\nmain: signal thread finished, exiting 0\n"
    );
}

#[test]
fn sigkill_and_sigstop_cannot_be_caught_and_a_child_can_be_stopped_and_continued() {
    let out = run(env!("CARGO_BIN_EXE_uncatchable"), &[]);
    assert!(out.contains("sigaction(SIGKILL): EINVAL"), "{out}");
    assert!(out.contains("sigaction(SIGSTOP): EINVAL"), "{out}");
    assert!(
        out.contains("sigaction(SIGTERM): handler installed"),
        "{out}"
    );
    assert!(out.contains("child stopped by SIGSTOP"), "{out}");
    assert!(out.contains("child continued"), "{out}");
    assert!(out.contains("child killed by SIGTERM"), "{out}");
}

#[test]
fn a_raw_sigaction_handler_counts_and_writes_to_the_self_pipe() {
    let out = run(env!("CARGO_BIN_EXE_sigaction-raw"), &[]);
    assert!(out.contains("handler has run 3 time(s)"), "{out}");
    assert!(out.contains("read byte 10 from the pipe: SIGUSR1\nread byte 12 from the pipe: SIGUSR2\nread byte 10 from the pipe: SIGUSR1"), "{out}");
}

#[test]
fn blocked_signals_are_pending_merged_and_read_from_a_signalfd() {
    let out = run(env!("CARGO_BIN_EXE_signalfd-mask"), &[]);
    assert!(
        out.contains(r#"pending now: ["SIGUSR1", "SIGUSR2"]"#),
        "{out}"
    );
    assert_eq!(
        out.matches("read SIGUSR1 from the signalfd").count(),
        1,
        "three SIGUSR1 merged into one: {out}"
    );
    assert_eq!(
        out.matches("read SIGUSR2 from the signalfd").count(),
        1,
        "{out}"
    );
}

#[test]
fn sigchld_reports_zombies_and_every_child_is_reaped() {
    let out = run(env!("CARGO_BIN_EXE_sigchld-reap"), &[]);
    assert!(out.contains("before waitpid: state Z (zombie)"), "{out}");
    assert!(
        out.contains("after waitpid:  state gone from /proc"),
        "{out}"
    );
    assert!(
        out.contains("reaped 3 children, exit codes [1, 2, 3]"),
        "{out}"
    );
}

#[test]
fn rust_gets_broken_pipe_where_c_dies_of_sigpipe() {
    let out = run(env!("CARGO_BIN_EXE_sigpipe"), &[]);
    assert!(
        out.contains("Broken pipe (os error 32) (kind BrokenPipe)"),
        "{out}"
    );
    assert!(
        out.contains("Rust default (SIGPIPE ignored): child exited with 1"),
        "{out}"
    );
    assert!(
        out.contains("SIGPIPE reset to SIG_DFL: child killed by SIGPIPE"),
        "{out}"
    );
}

#[test]
fn the_bench_runs_in_quick_mode_and_prints_every_row() {
    let out = run(env!("CARGO_BIN_EXE_signals-bench"), &["--quick"]);
    for row in [
        "pipe only",
        "sigwait",
        "signalfd",
        "handler + self-pipe",
        "signal-hook iterator",
    ] {
        assert!(out.contains(row), "missing {row}: {out}");
    }
}
