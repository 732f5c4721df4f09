//! The `cargo run` pid trap. You want to send a signal to your program, so you
//! start it and take the pid your shell or test got back. Is that pid your
//! program? Under `cargo run` on Linux, yes: cargo builds, then replaces itself
//! with your program (execvp(3)), keeping the pid. Under a wrapper that stays
//! around (a shell script, `go run`), no: the pid is the wrapper's, and a
//! signal sent to it never reaches your program (unless the wrapper forwards
//! it, as GNU make and npm do for SIGTERM). Ctrl+C still works,
//! because the terminal signals the whole foreground process group.
//!
//! With no arguments the program runs the experiment on itself: it starts
//! `cargo run … -- --report` directly and through `sh -c`, compares the pid it
//! spawned with the pid the program reports, and sends signals to each.
//! With `--report` it prints its pid, then prints each signal it receives:
//! SIGUSR1 is acknowledged, SIGTERM or SIGINT ends it (or 30 s of silence).
//!
//! Run (from the repository root): cargo run -q -p ch07-signals --bin pid-report
//!
//! Look for: "same process" for cargo, "not the program" for the wrapper,
//! and the program only reacting to signals that really reach it.

use std::io::{BufRead, BufReader, Lines};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, ChildStdout, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use nix::sys::signal::{kill, killpg, Signal};
use nix::unistd::Pid;
use signal_hook::consts::{SIGINT, SIGTERM, SIGUSR1};
use signal_hook::iterator::Signals;

const USAGE: &str = "usage: pid-report [--report]
Without arguments (run it from the repository root): starts `cargo run ... --
--report` directly and through `sh -c`, compares the pid it spawned with the
pid the program reports, and sends signals to each.
--report: print our pid, then each signal received (SIGTERM or SIGINT ends it).
";

fn main() -> ExitCode {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let report = std::env::args().nth(1).as_deref() == Some("--report");
    match if report { report_mode() } else { experiment() } {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pid-report: {e}");
            ExitCode::FAILURE
        }
    }
}

// ANCHOR: report
/// The program under test: report our pid, then every signal we get.
fn report_mode() -> Result<(), String> {
    let mut signals = Signals::new([SIGUSR1, SIGTERM, SIGINT])
        .map_err(|e| format!("registering signals: {e}"))?;
    println!("pid {}", std::process::id());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for signal in signals.forever() {
            let _ = tx.send(signal);
        }
    });
    // Stop on our own after 30 s, so a forgotten program does not linger.
    while let Ok(signal) = rx.recv_timeout(Duration::from_secs(30)) {
        match signal {
            SIGUSR1 => println!("program: got SIGUSR1, still running"),
            SIGTERM => return Ok(println!("program: got SIGTERM, exiting")),
            _ => return Ok(println!("program: got SIGINT, exiting")),
        }
    }
    Err("no signal for 30 s, giving up".to_string())
}
// ANCHOR_END: report

fn cargo() -> String {
    // Under cargo, CARGO names the cargo binary; otherwise rely on PATH.
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}

const ARGS: [&str; 8] = [
    "run",
    "-q",
    "-p",
    "ch07-signals",
    "--bin",
    "pid-report",
    "--",
    "--report",
];

/// Reads the next line the program printed.
fn next_line(lines: &mut Lines<BufReader<ChildStdout>>) -> Result<String, String> {
    match lines.next() {
        Some(Ok(line)) => Ok(line),
        Some(Err(e)) => Err(format!("reading the program's output: {e}")),
        None => Err("the program's output ended early".to_string()),
    }
}

fn start(command: &mut Command) -> Result<(Child, Lines<BufReader<ChildStdout>>, Pid), String> {
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("spawning {command:?}: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout pipe")?;
    let mut lines = BufReader::new(stdout).lines();
    let first = next_line(&mut lines)?;
    let reported: i32 = first
        .strip_prefix("pid ")
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| format!("unexpected first line {first:?}"))?;
    Ok((child, lines, Pid::from_raw(reported)))
}

fn send(pid: Pid, signal: Signal) -> Result<(), String> {
    kill(pid, signal).map_err(|e| format!("kill({pid}, {signal}): {e}"))
}

fn experiment() -> Result<(), String> {
    // When sh dies below, its child (the program) would be re-parented to
    // init. As a "child subreaper" we adopt it instead and can reap it.
    nix::sys::prctl::set_child_subreaper(true)
        .map_err(|e| format!("prctl(PR_SET_CHILD_SUBREAPER): {e}"))?;
    // ANCHOR: direct
    println!("1. spawn `cargo run ... -- --report` directly");
    let (mut child, mut lines, program) = start(Command::new(cargo()).args(ARGS))?;
    let spawned = Pid::from_raw(child.id() as i32);
    println!(
        "   spawned pid == program pid? {}",
        if spawned == program {
            "yes: same process (cargo exec'd the program)"
        } else {
            "no"
        }
    );
    send(spawned, Signal::SIGTERM)?;
    println!("   {}", next_line(&mut lines)?);
    child
        .wait()
        .map_err(|e| format!("waiting for cargo run: {e}"))?;
    // ANCHOR_END: direct

    // ANCHOR: wrapper
    println!("2. spawn `sh -c 'cargo run ... -- --report; echo done'`, a wrapper that stays");
    let script = format!("\"$0\" {}; echo done", ARGS.join(" "));
    // process_group(0): the wrapper leads a new process group, as a shell
    // job would; the program it starts joins that group.
    let mut wrapper = Command::new("sh");
    wrapper.args(["-c", &script, &cargo()]).process_group(0);
    let (mut child, mut lines, program) = start(&mut wrapper)?;
    let spawned = Pid::from_raw(child.id() as i32);
    println!(
        "   spawned pid == program pid? {}",
        if spawned == program {
            "yes"
        } else {
            "no: the spawned pid is sh, not the program"
        }
    );
    send(spawned, Signal::SIGTERM)?;
    let status = child.wait().map_err(|e| format!("waiting for sh: {e}"))?;
    println!(
        "   kill(spawned pid, SIGTERM): sh {}",
        match status.signal() {
            Some(15) => "was killed by SIGTERM".to_string(),
            _ => format!("ended with {status}"),
        }
    );
    // If SIGTERM had reached the program, it would have said so first.
    send(program, Signal::SIGUSR1)?;
    println!("   {}", next_line(&mut lines)?);
    println!("   killpg(group, SIGINT), which is what Ctrl+C in a terminal does:");
    killpg(spawned, Signal::SIGINT).map_err(|e| format!("killpg({spawned}, SIGINT): {e}"))?;
    println!("   {}", next_line(&mut lines)?);
    nix::sys::wait::waitpid(program, None).map_err(|e| format!("waitpid({program}): {e}"))?;
    // ANCHOR_END: wrapper
    Ok(())
}
