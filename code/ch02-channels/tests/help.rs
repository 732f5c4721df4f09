//! The book's convention for programs: each answers `--help` (and `-h`) with a
//! usage text on stdout that names it, exit status 0, without doing its work;
//! the programs that take arguments reject an unknown option and point to
//! `--help`. The program list is read from src/bin, so a new program is
//! checked without being added here.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The binary `name`, next to first-channel (cargo builds every binary of the
/// package before its integration tests).
fn exe(name: &str) -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_first-channel")).with_file_name(name)
}

/// The programs in src/bin, by binary name.
fn program_names() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/bin");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("listing {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter_map(|p| match p.extension() {
            Some(ext) if ext == "rs" => Some(p.file_stem()?.to_string_lossy().into_owned()),
            None if p.join("main.rs").exists() => Some(p.file_name()?.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    names.sort();
    names
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

/// The book's convention: every program answers --help (and -h) with a usage
/// text naming it, on stdout, with exit status 0, without doing its work: no
/// output of its own, nothing created in its working directory, no long run.
#[test]
fn every_program_answers_help_without_doing_its_work() {
    let dir = std::env::temp_dir().join(format!("ch02-help-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("creating a scratch directory");
    let mut failures = Vec::new();
    for name in program_names() {
        for flag in ["--help", "-h"] {
            let (code, stdout, stderr) = run_for_at_most_10s(&name, &[flag], &dir);
            if code != Some(0) || !stdout.starts_with(&format!("usage: {name}")) || !stderr.is_empty() {
                failures.push(format!("{name} {flag}: exit {code:?}, stdout {stdout:?}, stderr {stderr:?}"));
            }
        }
    }
    let left: Vec<_> = fs::read_dir(&dir).expect("listing the scratch directory").map(|e| e.expect("an entry").file_name()).collect();
    let _ = fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "programs that do not answer --help:\n{}", failures.join("\n"));
    assert!(left.is_empty(), "--help created files: {left:?}");
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
