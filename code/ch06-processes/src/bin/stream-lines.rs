//! Read a child's stdout line by line while it runs, instead of all at the
//! end as `output()` does (Go: `cmd.StdoutPipe()` + `bufio.Scanner`).
//!
//! Run: cargo run -p ch06-processes --bin stream-lines
//! Look for: each line arrives about 100 ms after the previous one, before
//! the child has finished.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

const USAGE: &str = "usage: stream-lines
Runs a shell that prints a line every 100 ms, prints each line with its
arrival time as it comes, then the child's exit status. Takes no arguments.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("stream-lines: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    // ANCHOR: stream
    let start = Instant::now();
    let mut child = Command::new("sh")
        .args(["-c", "for i in 1 2 3; do echo tick $i; sleep 0.1; done; echo done"])
        .stdout(Stdio::piped()) // a pipe: we hold the read end
        .spawn()
        .map_err(|e| format!("spawning sh: {e}"))?;
    // take() moves the ChildStdout out, so the reader owns the read end and
    // it is closed when the reader is dropped.
    let stdout = child.stdout.take().ok_or("child has no stdout")?;
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| format!("reading the child's stdout: {e}"))?;
        println!("{:>4}ms  {line}", start.elapsed().as_millis());
    }
    // EOF on the pipe means every writer closed it; now collect the status.
    let status = child.wait().map_err(|e| format!("waiting for sh: {e}"))?;
    println!("child: {status}");
    // ANCHOR_END: stream
    Ok(())
}
