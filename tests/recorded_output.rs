//! Output shown in the book is real: every `code/*/output/*.txt` starts with
//! `$ COMMAND` and holds what that command printed. Here each command runs
//! again (with `sh -c`, at the root of the repository, cargo quiet) and its
//! output must match, once the parts that differ from run to run are masked:
//! addresses, pids, ports, durations, clock times and temp paths.
//!
//! To re-record after changing an example on purpose:
//!     WORKBOOK_RECORD=1 cargo test -p workbook --test recorded_output

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;

/// Tools a recorded command may need that a reader might not have.
const OPTIONAL_TOOLS: &[(&str, &str)] =
    &[("strace", "strace"), ("gdb", "gdb"), ("go", "golang-go"), ("curl", "curl"), ("wrk", "wrk")];

struct Recording {
    path: PathBuf,
    command: String,
    expected: String,
}

fn recordings() -> Vec<Recording> {
    let mut found = Vec::new();
    let code = common::root().join("code");
    for package in std::fs::read_dir(&code).unwrap().flatten() {
        let Ok(files) = std::fs::read_dir(package.path().join("output")) else { continue };
        for file in files.flatten() {
            let path = file.path();
            if path.extension().is_none_or(|e| e != "txt") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
            let command = first
                .strip_prefix("$ ")
                .unwrap_or_else(|| panic!("{}: the first line must be `$ COMMAND`", path.display()))
                .to_string();
            found.push(Recording { path, command, expected: rest.to_string() });
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

/// Run a recorded command as the reader would, stdout and stderr together.
fn run(command: &str) -> String {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("( {command} ) 2>&1"))
        .current_dir(common::root())
        .env("CARGO_TERM_QUIET", "true")
        .env("CARGO_TERM_COLOR", "never")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut out).unwrap();
        out
    });
    let finished = common::wait_until(Duration::from_secs(300), || child.try_wait().unwrap().is_some());
    if !finished {
        let _ = child.kill();
        panic!("`{command}` did not finish in 300 s");
    }
    String::from_utf8_lossy(&reader.join().unwrap()).into_owned()
}

static MASKS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        (r"0x[0-9a-fA-F]+", "0x…"),
        (r"\[pid\s+\d+\]", "[pid N]"),
        (r"\b((?i:pid|ppid|tid|pgid|pgrp|sid|session|child)\b\s*(?:[=:]|\bis\b)?\s*)\d+", "${1}N"),
        (r"\b(127\.0\.0\.1|localhost|0\.0\.0\.0|\[::1\]):\d+", "$1:PORT"),
        (r"\b(port\s*[=:]?\s*)\d+", "${1}PORT"),
        (r"\d+(\.\d+)?\s?(ns|µs|us|ms|s)\b", "DURATION"),
        (r"\b\d{1,2}:\d{2}:\d{2}(\.\d+)?", "HH:MM:SS"),
        (r"/tmp/[^\s/:'\x22)]+", "/tmp/TMP"),
    ]
    .into_iter()
    .map(|(pattern, replacement)| (Regex::new(pattern).unwrap(), replacement))
    .collect()
});

fn normalise(text: &str) -> String {
    let mut lines: Vec<String> = text
        .lines()
        .map(|line| MASKS.iter().fold(line.to_string(), |acc, (re, with)| re.replace_all(&acc, *with).into_owned()))
        .map(|line| line.trim_end().to_string())
        .collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

fn first_difference(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<_>, Vec<_>) = (expected.lines().collect(), actual.lines().collect());
    let line = (0..e.len().max(a.len())).find(|&i| e.get(i) != a.get(i)).unwrap_or(0);
    format!(
        "first difference at output line {}:\n  recorded: {:?}\n  now:      {:?}",
        line + 1,
        e.get(line).unwrap_or(&"<end of output>"),
        a.get(line).unwrap_or(&"<end of output>")
    )
}

fn check(recording: &Recording) -> Result<(), String> {
    for (tool, package) in OPTIONAL_TOOLS {
        let uses_tool = recording.command.split(|c: char| c.is_whitespace() || "|;&(".contains(c)).any(|w| w == *tool);
        if uses_tool && !common::have_tool(tool, package) {
            return Ok(());
        }
    }
    let actual = run(&recording.command);
    if std::env::var_os("WORKBOOK_RECORD").is_some() {
        std::fs::write(&recording.path, format!("$ {}\n{}", recording.command, actual)).unwrap();
        return Ok(());
    }
    let (expected, now) = (normalise(&recording.expected), normalise(&actual));
    if expected == now {
        return Ok(());
    }
    Err(format!(
        "{}: `{}` no longer prints what the book shows.\n{}\nRe-record with WORKBOOK_RECORD=1 cargo test -p workbook --test recorded_output, if the change is meant.",
        shown(&recording.path),
        recording.command,
        first_difference(&expected, &now)
    ))
}

fn shown(path: &Path) -> String {
    path.strip_prefix(common::root()).unwrap_or(path).display().to_string()
}

#[test]
fn every_recorded_output_matches_a_fresh_run() {
    let recordings = recordings();
    // Two at a time: the machine has two cores, and most time goes to `cargo run` checks.
    let failures: Vec<String> = std::thread::scope(|scope| {
        let chunks: Vec<_> = recordings.chunks(recordings.len().div_ceil(2).max(1)).collect();
        let workers: Vec<_> = chunks
            .into_iter()
            .map(|chunk| scope.spawn(move || chunk.iter().filter_map(|r| check(r).err()).collect::<Vec<_>>()))
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap()).collect()
    });
    eprintln!("checked {} recorded outputs", recordings.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_masks_hide_what_varies_and_nothing_else() {
    assert_eq!(normalise("pid 4242 at 0x7ffd1234 took 12.5ms"), "pid N at 0x… took DURATION");
    assert_eq!(normalise("listening on 127.0.0.1:41234\n\n"), "listening on 127.0.0.1:PORT");
    assert_eq!(normalise("[pid 77] write(1, \"hi\", 2) = 2"), "[pid N] write(1, \"hi\", 2) = 2");
    assert_eq!(normalise("wrote 3 lines in 2 calls"), "wrote 3 lines in 2 calls");
}
