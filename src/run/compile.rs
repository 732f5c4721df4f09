//! One snippet, compiled by a direct rustc call in a fresh temp dir, then run
//! under the limits.

use std::ffi::OsString;
use std::process::Command;
use std::time::Instant;

use tracing::info;

use super::contain::run_limited;
use super::{EvaluateRequest, Limits};

/// Compile `request.code` in a fresh temp dir and run it under the limits.
pub fn compile_and_run(limits: &Limits, rustc: &OsString, args: &[OsString], id: u64, request: &EvaluateRequest) -> String {
    let started = Instant::now();
    let dir = match tempfile::Builder::new().prefix("workbook-run").tempdir() {
        Ok(d) => d,
        Err(e) => return format!("could not create a temp dir: {e}"),
    };
    let source = dir.path().join("main.rs");
    let binary = dir.path().join("snippet");
    if let Err(e) = std::fs::write(&source, &request.code) {
        return format!("could not write {}: {e}", source.display());
    }
    let edition = match request.edition.as_deref() {
        Some(e @ ("2015" | "2018" | "2021" | "2024")) => e,
        _ => "2021",
    };
    let compiled = Command::new(rustc)
        .arg(format!("--edition={edition}"))
        .args(["--crate-type=bin", "--crate-name=snippet", "-Cdebuginfo=0", "--color=never"])
        .args(args)
        .arg("-o")
        .arg(&binary)
        .arg(&source)
        .current_dir(dir.path())
        .output();
    let compiled = match compiled {
        Ok(out) => out,
        Err(e) => return format!("could not run rustc: {e}"),
    };
    if !compiled.status.success() {
        let errors = String::from_utf8_lossy(&compiled.stderr).replace(&source.display().to_string(), "main.rs");
        return format!("{errors}\n[the snippet did not compile]");
    }
    let compile_time = started.elapsed();
    let run = run_limited(limits, &binary, dir.path(), id);
    info!("run {id}: compiled in {:.0?}, ran in {:.0?}", compile_time, started.elapsed() - compile_time);
    run
}

