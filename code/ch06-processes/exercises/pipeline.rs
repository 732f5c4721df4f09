//! Exercise: a pipeline builder, `a | b | c`, with `std::process::Command`.
//!
//! Task: start every command at once, each one's stdout connected to the
//! next one's stdin (`Stdio::piped()`, then `Stdio::from(child.stdout.take())`),
//! read the last one's output, and wait for all of them. An empty pipeline or
//! an empty command is an `InvalidInput` error.
//! Goal: `yes | head -n 3` ends (hint: who still holds the pipe's read end?).
//! Time: about 20 minutes. Check: `cargo run -- exercises ch06`.

use std::io;
use std::process::ExitStatus;

/// Run `commands[0] | commands[1] | ...`, each given as program + arguments.
/// Returns what the last command wrote to stdout and every exit status, in order.
pub fn run_pipeline(commands: &[&[&str]]) -> io::Result<(Vec<u8>, Vec<ExitStatus>)> {
    let _ = commands;
    todo!("spawn each command with stdin from the previous child's stdout")
}
