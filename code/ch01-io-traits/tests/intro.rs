//! Tests of the introduction's programs (`src/bin/intro-*.rs`): what they
//! print, and the `write(2)` calls the introduction claims they make.
//!
//! The strace, script (a pseudo-terminal) and gdb checks skip with a message
//! when the tool is missing or cannot trace here, and fail under `CI=true`.

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

const HELLO: &str = env!("CARGO_BIN_EXE_intro-hello");
const PRINT_BUFFERING: &str = env!("CARGO_BIN_EXE_intro-print-buffering");
const RAW_WRITE: &str = env!("CARGO_BIN_EXE_intro-raw-write");
const MIXED_ORDER: &str = env!("CARGO_BIN_EXE_intro-mixed-order");

/// Runs `bin` with stdin from /dev/null (open, at EOF) and stdout/stderr
/// captured through pipes.
fn run(bin: &str) -> Output {
    Command::new(bin)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("running {bin}: {e}"))
}

fn stdout_of(bin: &str) -> String {
    let out = run(bin);
    assert!(out.status.success(), "{bin} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("output is UTF-8")
}

/// True when `tool` can be used; otherwise says why and returns false, or
/// panics under `CI=true`, where every tool must be installed.
fn usable(tool: &str, probe: &[&str]) -> bool {
    let ok = Command::new(tool)
        .args(probe)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        let msg = format!("`{tool}` is missing or cannot run here (needs ptrace permission)");
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{msg}; CI must install it");
        }
        std::io::Write::write_all(&mut std::io::stderr(), format!("SKIPPED: {msg}\n").as_bytes()).unwrap_or(());
    }
    ok
}

/// The `write(1, …)` lines of an strace report.
fn writes_to_fd1(report: &str) -> Vec<String> {
    report
        .lines()
        .filter(|l| l.starts_with("write(1,"))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// Runs `bin` under `strace -e trace=write` with its stdout a pipe.
fn strace_writes_through_pipe(bin: &str) -> Option<Vec<String>> {
    if !usable("strace", &["-e", "trace=write", "true"]) {
        return None;
    }
    let out = Command::new("strace")
        .args(["-e", "trace=write", bin])
        .stdin(Stdio::null())
        .output()
        .expect("running strace");
    assert!(out.status.success(), "strace {bin} failed");
    Some(writes_to_fd1(&String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn hello_prints_one_line() {
    assert_eq!(stdout_of(HELLO), "hello\n");
}

#[test]
fn print_buffering_prints_the_words_in_order() {
    assert_eq!(stdout_of(PRINT_BUFFERING), "one two three four\nfive\nsix\nseven\n");
}

#[test]
fn raw_write_prints_hello() {
    assert_eq!(stdout_of(RAW_WRITE), "hello\n");
}

#[test]
fn raw_write_overtakes_the_buffered_print() {
    assert_eq!(
        stdout_of(MIXED_ORDER),
        "2: write(2) straight to fd 1\n1: print! (waited in Stdout's buffer)\n"
    );
}

#[test]
fn println_hello_is_one_write_syscall() {
    let Some(writes) = strace_writes_through_pipe(HELLO) else { return };
    assert_eq!(writes, [r#"write(1, "hello\n", 6) = 6"#]);
}

#[test]
fn raw_write_makes_the_same_syscall_as_println() {
    let Some(writes) = strace_writes_through_pipe(RAW_WRITE) else { return };
    assert_eq!(writes, [r#"write(1, "hello\n", 6) = 6"#]);
}

/// Three `print!`s + flush are one write; each line is one write, even
/// though stdout is a pipe here (C's stdio would buffer a pipe fully).
#[test]
fn stdout_is_line_buffered_through_a_pipe() {
    let Some(writes) = strace_writes_through_pipe(PRINT_BUFFERING) else { return };
    assert_eq!(
        writes,
        [
            r#"write(1, "one two three ", 14) = 14"#,
            r#"write(1, "four\n", 5) = 5"#,
            r#"write(1, "five\n", 5) = 5"#,
            r#"write(1, "six\nseven\n", 10) = 10"#,
        ]
    );
}

/// `text` as one `sh` word, whatever it holds (a checkout's path may have a
/// space or a quote in it).
fn sh_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Removes the file when dropped, so a failing test leaves nothing behind.
struct TempFile(PathBuf);
impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

/// The same program on a terminal (a pseudo-terminal made by `script`) makes
/// exactly the same write(2) calls as through a pipe.
#[test]
fn stdout_buffers_a_terminal_as_it_buffers_a_pipe() {
    if !usable("script", &["-qec", "true", "/dev/null"]) {
        return;
    }
    let Some(piped) = strace_writes_through_pipe(PRINT_BUFFERING) else { return };
    let report = TempFile(std::env::temp_dir().join(format!(
        "intro-tty-strace-{}.txt",
        std::process::id()
    )));
    // `test -t 1` makes sure fd 1 really is a terminal inside script.
    let inner = format!(
        "test -t 1 && strace -o {} -e trace=write {}",
        sh_quote(&report.0.display().to_string()),
        sh_quote(PRINT_BUFFERING)
    );
    let status = Command::new("script")
        .args(["-qec", &inner, "/dev/null"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("running script");
    assert!(status.success(), "script -qec {inner:?} failed");
    let text = fs::read_to_string(&report.0).expect("reading strace's report");
    assert_eq!(writes_to_fd1(&text), piped);
}

/// The backtrace shown in the introduction: from `main` through `_print`,
/// the `LineWriter` and `write_all` down to `FileDesc::write` and the C
/// library's `write`, which makes the system call.
#[test]
fn gdb_backtrace_at_the_write_syscall_goes_through_stdout() {
    if !usable("gdb", &["-batch", "-ex", "show version"]) {
        return;
    }
    let out = Command::new("gdb")
        .args(["-nx", "-batch", "-ex", "catch syscall write", "-ex", "run", "-ex", "bt", HELLO])
        .stdin(Stdio::null())
        .output()
        .expect("running gdb");
    let text = String::from_utf8_lossy(&out.stdout);
    if text.contains("ptrace: Operation not permitted") || !text.contains("Catchpoint 1 (call to") {
        let msg = "gdb could not stop the program at write(2) here (ptrace not permitted?)";
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{msg}\n{text}\n{}", String::from_utf8_lossy(&out.stderr));
        }
        std::io::Write::write_all(&mut std::io::stderr(), format!("SKIPPED: {msg}\n").as_bytes()).unwrap_or(());
        return;
    }
    let frames: Vec<&str> = text.lines().filter(|l| l.starts_with('#')).collect();
    let position = |needle: &str| {
        frames
            .iter()
            .position(|f| f.to_lowercase().contains(&needle.to_lowercase()))
            .unwrap_or_else(|| panic!("no frame with {needle:?} in:\n{}", frames.join("\n")))
    };
    // Innermost first: each must appear below (after) the previous one.
    let order = [
        position("FileDesc::write"),
        position("write_all"),
        position("linewriter"),
        position("_print"),
        position("intro_hello::main"),
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "frames out of order:\n{}", frames.join("\n"));
}
