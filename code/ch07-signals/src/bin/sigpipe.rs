//! Rust ignores SIGPIPE; C programs die of it. Writing to a pipe whose read
//! end is closed makes the kernel send SIGPIPE to the writer, and the write
//! fails with EPIPE. Before `main`, Rust's runtime sets SIGPIPE to "ignore",
//! so a Rust program sees only the error: `io::ErrorKind::BrokenPipe`.
//!
//! The program first shows the error in-process. Then it runs itself twice as
//! a `yes`-like child whose reader has gone away: once as Rust sets it up
//! (the child gets BrokenPipe and exits 1 with a message), once with SIGPIPE
//! reset to SIG_DFL as in C (the child is killed by SIGPIPE, silently).
//!
//! Run: cargo run -p ch07-signals --bin sigpipe
//!      cargo run -q -p ch07-signals --bin sigpipe -- yes | head -n 2
//!      cargo run -q -p ch07-signals --bin sigpipe -- yes --default-sigpipe | head -n 2
//!
//! Look for: "Broken pipe (os error 32)" versus "killed by SIGPIPE".

use std::io::{self, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitCode, Stdio};

use nix::sys::signal::{signal, SigHandler, Signal};

const USAGE: &str = "usage: sigpipe [yes [--default-sigpipe]]
Without arguments: shows EPIPE from a pipe with no reader, then runs `sigpipe yes`
twice with its reader gone, SIGPIPE ignored (Rust) and reset to SIG_DFL (C).
yes: write \"y\" lines until writing fails; --default-sigpipe: as C would.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args[..] {
        [] => demo(),
        ["yes"] => yes(false),
        ["yes", "--default-sigpipe"] => yes(true),
        ["--help" | "-h"] => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => Err(format!("unknown arguments {args:?} (see --help)")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sigpipe: {e}");
            ExitCode::FAILURE
        }
    }
}

// ANCHOR: yes
/// Writes "y" lines until writing fails, like `yes`.
fn yes(default_sigpipe: bool) -> Result<(), String> {
    if default_sigpipe {
        // SAFETY: SIG_DFL installs no handler, so nothing can run unsafely.
        unsafe { signal(Signal::SIGPIPE, SigHandler::SigDfl) }
            .map_err(|e| format!("signal(SIGPIPE, SIG_DFL): {e}"))?;
    }
    let chunk = "y\n".repeat(4096);
    let mut out = io::stdout().lock();
    loop {
        // With SIG_DFL the process dies inside this write(2); with Rust's
        // SIG_IGN the write returns EPIPE and we report it.
        out.write_all(chunk.as_bytes())
            .map_err(|e| format!("writing to stdout: {e}"))?;
    }
}
// ANCHOR_END: yes

fn demo() -> Result<(), String> {
    // ANCHOR: epipe
    let (read_end, write_end) = nix::unistd::pipe().map_err(|e| format!("pipe: {e}"))?;
    drop(read_end); // nobody will ever read
    let err = std::fs::File::from(write_end)
        .write_all(b"hello")
        .unwrap_err();
    println!(
        "write to a pipe with no reader: {err} (kind {:?})",
        err.kind()
    );
    // ANCHOR_END: epipe

    // ANCHOR: children
    let me = std::env::current_exe().map_err(|e| format!("finding our own executable: {e}"))?;
    for (label, extra) in [
        ("Rust default (SIGPIPE ignored)", None),
        ("SIGPIPE reset to SIG_DFL", Some("--default-sigpipe")),
    ] {
        let mut child = Command::new(&me)
            .arg("yes")
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("spawning {}: {e}", me.display()))?;
        drop(child.stdout.take()); // close the only read end: like `head` exiting
        let output = child
            .wait_with_output()
            .map_err(|e| format!("waiting for the child: {e}"))?;
        let how = match (output.status.code(), output.status.signal()) {
            (Some(code), _) => format!("exited with {code}"),
            (None, Some(sig)) => format!(
                "killed by {}",
                Signal::try_from(sig).map(|s| s.as_str()).unwrap_or("?")
            ),
            _ => "ended somehow else".to_string(),
        };
        let said = String::from_utf8_lossy(&output.stderr);
        println!("{label}: child {how}; stderr: {:?}", said.trim());
    }
    // ANCHOR_END: children
    Ok(())
}
