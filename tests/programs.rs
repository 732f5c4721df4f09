//! Every example program answers `--help` and `-h` without doing its work: it
//! exits 0 at once, prints on stdout a usage text starting `usage: NAME`,
//! nothing on stderr, and creates nothing in its working directory. The
//! programs are found in `code/*/src/bin`, so a new one is checked without
//! being listed anywhere.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn every_program_answers_help() {
    let packages = common::code_packages();
    // The chapters' programs are not dependencies of this test; build them
    // (a no-op after `cargo test` has built everything).
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build.args(["build", "-q", "--bins"]).current_dir(common::root());
    for package in &packages {
        build.args(["-p", package]);
    }
    assert!(build.status().expect("running cargo build").success(), "cargo build --bins failed");
    // <profile>/deps/programs-<hash> → <profile>
    let exe = std::env::current_exe().unwrap();
    let profile = exe.parent().and_then(|deps| deps.parent()).unwrap();

    let scratch = tempfile::tempdir().expect("a scratch directory");
    let mut problems = Vec::new();
    let mut checked = 0;
    for package in &packages {
        for name in common::binaries(package) {
            checked += 1;
            for flag in ["--help", "-h"] {
                match help_of(&profile.join(&name), flag, scratch.path()) {
                    Ok(text) if text.starts_with(&format!("usage: {name}")) => {}
                    Ok(text) => problems.push(format!("{package} {name} {flag}: stdout does not start `usage: {name}`: {text:?}")),
                    Err(why) => problems.push(format!("{package} {name} {flag}: {why}")),
                }
            }
        }
    }
    let left: Vec<_> = std::fs::read_dir(scratch.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(checked > 50, "found only {checked} programs");
    assert!(problems.is_empty(), "{} answers are wrong:\n{}", problems.len(), problems.join("\n"));
    assert!(left.is_empty(), "--help created files in its working directory: {left:?}");
}

/// Run `program FLAG` in `dir` with stdin at /dev/null; its stdout if it
/// exits 0 within 10 s and prints nothing on stderr.
fn help_of(program: &std::path::Path, flag: &str, dir: &std::path::Path) -> Result<String, String> {
    let mut child = Command::new(program)
        .arg(flag)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", program.display()))?;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("did not return within 10 s (it ran the program?)".into());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(format!("waiting: {e}")),
        }
    }
    let output = child.wait_with_output().map_err(|e| format!("reading its output: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        return Err(format!(
            "exited with {}: {}{}",
            output.status,
            stdout.lines().next().unwrap_or(""),
            String::from_utf8_lossy(&output.stderr).lines().next().unwrap_or("")
        ));
    }
    if !output.stderr.is_empty() {
        return Err(format!("printed on stderr: {}", String::from_utf8_lossy(&output.stderr)));
    }
    Ok(stdout)
}
