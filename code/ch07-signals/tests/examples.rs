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

/// Runs `bin` and kills it if it has not finished within `limit`: a hang is a
/// test failure, not a test that never ends.
fn run_with_deadline(bin: &str, args: &[&str], limit: std::time::Duration) -> String {
    let mut child = Command::new(bin)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("running {bin}: {e}"));
    let start = std::time::Instant::now();
    while child.try_wait().expect("try_wait").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{bin} {args:?} still running after {limit:?}: it hung, and was killed");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("collecting output");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{bin} failed: {}\n{text}", out.status);
    text
}

#[test]
fn a_full_self_pipe_does_not_block_the_handler() {
    // 100 000 signals and no reader: a blocking write end fills after 65 536
    // bytes and the next write(2) blocks inside the handler, forever.
    let out = run_with_deadline(
        env!("CARGO_BIN_EXE_sigaction-raw"),
        &["--flood", "100000"],
        std::time::Duration::from_secs(60),
    );
    assert!(
        out.contains("sent 100000 signals, handler ran 100000 times"),
        "{out}"
    );
    assert!(out.contains("65536 bytes wait in the pipe"), "{out}");
}

#[test]
fn println_in_a_handler_interleaves_aborts_or_deadlocks() {
    let out = run(env!("CARGO_BIN_EXE_handler-println"), &[]);
    let (case1, case2) = out.split_once("case 2:").expect("three cases");
    let (case2, case3) = case2.split_once("case 3:").expect("three cases");
    // Same thread re-enters stdout's ReentrantLock: the line is cut in two.
    assert!(
        case1.contains("main: before [handler's println!]\n  stdout: x after"),
        "{out}"
    );
    assert!(case1.contains("exited with status 0"), "{out}");
    // Inside a write: the RefCell is borrowed, the panic cannot unwind.
    assert!(case2.contains("RefCell already borrowed"), "{out}");
    assert!(
        case2.contains("panic in a function that cannot unwind"),
        "{out}"
    );
    assert!(case2.contains("killed by SIGABRT"), "{out}");
    // Inside the lock's lock/unlock: the handler waits on the futex for good
    // (the parent's watchdog sees main asleep and kills it).
    assert!(case3.contains("asleep for 500 ms in a loop that never sleeps: deadlocked"), "{out}");
    assert!(case3.contains("killed by SIGKILL"), "{out}");
}

#[test]
fn a_handler_that_locks_a_mutex_held_by_the_interrupted_code_hangs_for_good() {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_handler-deadlock"))
        .arg("--no-watchdog")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawning handler-deadlock");
    let mut lines = BufReader::new(child.stdout.take().expect("piped"));
    let mut first = String::new();
    lines.read_line(&mut first).expect("reading its first line");
    assert_eq!(first, "main: holding the STATS lock, raising SIGUSR1\n");
    // It is expected to hang: give it 2 s to prove otherwise.
    std::thread::sleep(std::time::Duration::from_secs(2));
    let still_running = child.try_wait().expect("try_wait").is_none();
    let pid = child.id();
    let state =
        std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/status")).unwrap_or_default();
    let wchan =
        std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/wchan")).unwrap_or_default();
    let _ = child.kill();
    let status = child.wait().expect("reaping handler-deadlock");
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut lines, &mut rest);
    assert!(
        still_running,
        "it finished on its own ({status}): no deadlock? {rest}"
    );
    assert!(state.contains("State:\tS (sleeping)"), "{state}");
    // wchan names the futex wait (futex_do_wait on 6.18), or reads "0" when
    // the kernel will not tell (proc_pid_wchan in fs/proc/base.c prints 0
    // if the reader may not ptrace-read the task or the address has no symbol).
    assert!(
        wchan.contains("futex") || wchan == "0",
        "asleep elsewhere: {wchan}"
    );
    assert!(!rest.contains("handler returned"), "{rest}");
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(libc::SIGKILL), "{status}");
}
