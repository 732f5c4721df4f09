//! Exercise: a pipeline builder, `a | b | c`, with `std::process::Command`.
//! Reference answer.

use std::io::{self, Read};
use std::process::{Child, Command, ExitStatus, Stdio};

/// Run `commands[0] | commands[1] | ...`, each given as program + arguments.
/// Returns what the last command wrote to stdout and every exit status, in order.
pub fn run_pipeline(commands: &[&[&str]]) -> io::Result<(Vec<u8>, Vec<ExitStatus>)> {
    if commands.is_empty() || commands.iter().any(|c| c.is_empty()) {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "empty pipeline or command"));
    }
    let mut children: Vec<Child> = Vec::new();
    let mut previous: Option<Stdio> = None;
    for (i, argv) in commands.iter().enumerate() {
        let mut cmd = Command::new(argv[0]);
        cmd.args(&argv[1..]);
        // The first command reads our stdin; the others read the pipe that
        // the previous one writes. Every command writes a new pipe.
        cmd.stdin(previous.take().unwrap_or_else(Stdio::inherit));
        cmd.stdout(Stdio::piped());
        let mut child = match cmd.spawn() {
            Ok(child) => child,
            Err(e) => {
                // Do not leave the ones already started behind.
                for mut c in children {
                    let _ = c.kill();
                    let _ = c.wait();
                }
                return Err(io::Error::new(e.kind(), format!("spawning {}: {e}", argv[0])));
            }
        };
        if i + 1 < commands.len() {
            // Moving the read end into the next child's Stdio means *we* keep
            // no copy of it: when the next child exits, the writer gets SIGPIPE
            // instead of blocking forever on a pipe nobody reads.
            let out = child.stdout.take().expect("stdout was piped");
            previous = Some(Stdio::from(out));
        }
        children.push(child);
    }
    let mut output = Vec::new();
    let last = children.last_mut().expect("at least one command");
    last.stdout.take().expect("stdout was piped").read_to_end(&mut output)?;
    let mut statuses = Vec::new();
    for mut child in children {
        statuses.push(child.wait()?);
    }
    Ok((output, statuses))
}
