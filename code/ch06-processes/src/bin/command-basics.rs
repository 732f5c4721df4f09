//! `std::process::Command`, Rust's `exec.Command`: run a program and get its
//! exit status, capture its output, pass arguments, environment and a
//! working directory, and tell "exited with 3" from "killed by a signal" and
//! from "could not start at all".
//!
//! Run: cargo run -p ch06-processes --bin command-basics
//! Look for: the exit code 3, signal 9, and the NotFound error.

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

const USAGE: &str = "usage: command-basics
Runs sh with std::process::Command four ways: status() (exit 3), output()
(captured stdout and stderr, env and working directory set), killed by
signal 9, and a program that does not exist. Takes no arguments.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("command-basics: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    // ANCHOR: status
    // status(): run with our stdin/stdout/stderr, wait, return the ExitStatus.
    // Go: exec.Command("sh", "-c", "exit 3").Run() and cmd.ProcessState.
    let status = Command::new("sh")
        .args(["-c", "exit 3"])
        .status()
        .map_err(|e| format!("running sh: {e}"))?;
    println!("status: {status}, code {:?}, success {}", status.code(), status.success());
    // ANCHOR_END: status

    // ANCHOR: output
    // output(): stdout and stderr captured into Vec<u8>s (Go: cmd.Output()).
    let out = Command::new("sh")
        .args(["-c", r#"echo "hello $WHO from $(pwd)"; echo oops >&2"#])
        .env("WHO", "child") // added to a copy of our environment
        .current_dir("/") // chdir in the child, before exec
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("running sh: {e}"))?;
    println!("stdout: {:?}", String::from_utf8_lossy(&out.stdout));
    println!("stderr: {:?}", String::from_utf8_lossy(&out.stderr));
    // ANCHOR_END: output

    // ANCHOR: signal
    // A process killed by a signal has no exit code: code() is None and the
    // Unix extension trait tells which signal (the shell would print 128+9).
    let status = Command::new("sh")
        .args(["-c", "kill -9 $$"])
        .status()
        .map_err(|e| format!("running sh: {e}"))?;
    println!("killed: code {:?}, signal {:?}", status.code(), status.signal());

    // A program that does not exist is an error from spawn, not an exit status.
    match Command::new("no-such-program-ch06").status() {
        Ok(s) => println!("unexpected: {s}"),
        Err(e) => println!("spawn failed: {:?}: {e}", e.kind()),
    }
    // ANCHOR_END: signal
    Ok(())
}
