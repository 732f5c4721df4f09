//! The programs that take arguments reject an unknown option and point to
//! `--help`. (That every program answers `--help` itself is checked for all
//! chapters by the root's tests/programs.rs.)

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The binary `name`, next to first-channel (cargo builds every binary of the
/// package before its integration tests).
fn exe(name: &str) -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_first-channel")).with_file_name(name)
}

/// Runs `name ARGS` in `dir` with stdin from /dev/null: exit code, stdout,
/// stderr. Kills it after 10 s (a program that ignores its arguments may start
/// a long run): then the code is None and stderr says so.
fn run_for_at_most_10s(name: &str, args: &[&str], dir: &Path) -> (Option<i32>, String, String) {
    let mut child = Command::new(exe(name))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("running {name}: {e}"));
    let start = std::time::Instant::now();
    while child.try_wait().expect("waiting for the program").is_none() {
        if start.elapsed() > std::time::Duration::from_secs(10) {
            let _ = child.kill();
            let out = child.wait_with_output().expect("collecting the output");
            return (None, String::from_utf8_lossy(&out.stdout).into_owned(), "still running after 10 s: killed".into());
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let out = child.wait_with_output().expect("collecting the output");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Programs that take options or arguments reject an unknown option, and the
/// message points to --help.
#[test]
fn unknown_options_are_errors_that_mention_help() {
    let dir = std::env::temp_dir();
    for name in ["channel-waits", "channels-bench", "primes"] {
        let (code, _stdout, stderr) = run_for_at_most_10s(name, &["--no-such-option"], &dir);
        assert_eq!(code, Some(1), "{name}: {stderr}");
        assert!(stderr.contains("--no-such-option") && stderr.contains("--help"), "{name}: {stderr}");
    }
}
