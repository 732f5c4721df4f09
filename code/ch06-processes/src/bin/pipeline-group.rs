//! `a | b` share a process group: we start a two-command pipeline the way an
//! interactive shell does (the first command leads a new group, the second
//! joins it), and the way `sh -c 'a | b'` does without job control (both stay
//! in the shell's group). Each command reads its own group from /proc.
//!
//! Run: cargo run -p ch06-processes --bin pipeline-group
//! Look for: a and b report the same pgid; in the first case it is a's pid.

use nix::unistd::getpgrp;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

// Fields 1 and 5 of /proc/self/stat are pid and process group; `read` is a
// shell builtin, so /proc/self is the shell (or subshell) itself.
// (comm is "sh": no spaces to trip on.)
const A: &str = r#"read -r p _ _ _ g _ < /proc/self/stat; echo "a: pid $p pgid $g""#;
const B: &str = r#"cat; read -r p _ _ _ g _ < /proc/self/stat; echo "b: pid $p pgid $g""#;

const USAGE: &str = "usage: pipeline-group
Starts the pipeline `a | b` as a job-control shell does (a new process group
led by a) and as `sh -c` does (our group), and prints each command's pid and
process group. Takes no arguments.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("pipeline-group: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    println!("us: pgid {}", getpgrp());

    // ANCHOR: job
    // Like bash with job control: `a` leads a new group (setpgid(0, 0) in the
    // child before exec), `b` joins a's group. The terminal's foreground
    // group can then be switched to the whole job at once (Ctrl-C, Ctrl-Z).
    let mut a = Command::new("sh")
        .args(["-c", A])
        .process_group(0) // new group, id = a's pid
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("spawning a: {e}"))?;
    let a_pid = a.id();
    let a_out = a.stdout.take().ok_or("a has no stdout")?;
    let b = Command::new("sh")
        .args(["-c", B])
        .process_group(a_pid as i32) // join a's group
        .stdin(Stdio::from(a_out)) // the pipe: a's stdout is b's stdin
        .output()
        .map_err(|e| format!("running b: {e}"))?;
    a.wait().map_err(|e| format!("waiting for a: {e}"))?;
    print!("job control:\n{}", String::from_utf8_lossy(&b.stdout));
    // ANCHOR_END: job
    let groups = pgids(&b.stdout);
    println!(
        "  same group: {}, led by a: {}",
        groups.len() == 2 && groups[0] == groups[1],
        groups.first() == Some(&a_pid.to_string())
    );

    // Without job control (a script, `sh -c`), the pipeline stays in the
    // group of the shell that runs it, which is ours.
    let script = format!("({A}) | ({B})");
    let out = Command::new("sh")
        .args(["-c", &script])
        .output()
        .map_err(|e| format!("running sh -c: {e}"))?;
    print!("sh -c 'a | b':\n{}", String::from_utf8_lossy(&out.stdout));
    let groups = pgids(&out.stdout);
    let ours = getpgrp().to_string();
    println!(
        "  same group: {}, ours: {}",
        groups.len() == 2 && groups[0] == groups[1],
        groups.first() == Some(&ours)
    );
    Ok(())
}

/// The numbers after "pgid " in the children's lines.
fn pgids(out: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(out)
        .lines()
        .filter_map(|l| l.rsplit_once("pgid ").map(|(_, g)| g.trim().to_string()))
        .collect()
}
