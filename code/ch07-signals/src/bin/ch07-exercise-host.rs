//! Runs one of this chapter's exercises in a process of its own, so that the
//! tests in `tests/exercises.rs` can send it real signals without signalling
//! the test harness. It calls `ch07_signals::answers`, which is your file in
//! `exercises/` when built with `--features check-exercises`
//! (`cargo run -- exercises ch07`) and the reference solution otherwise.
//!
//! Run: cargo run -p ch07-signals --bin ch07-exercise-host -- self-pipe
//!      (then, from another terminal, kill -USR1 <pid> three times)
//!
//! Modes: self-pipe, count-signals, graceful-accept. Each prints `ready`
//! (with its pid, or a port) once the test may start signalling.

use std::fs::File;
use std::io::Read;
use std::net::TcpListener;
use std::os::unix::net::UnixStream;
use std::process::ExitCode;

use ch07_signals::answers;
use nix::sys::signal::Signal;

const USAGE: &str = "usage: ch07-exercise-host self-pipe|count-signals|graceful-accept
Runs one of chapter 7's exercises (yours with --features check-exercises, the
reference solution otherwise) in a process of its own, for tests/exercises.rs
to signal; each mode prints `ready` (with its pid, or a port) when it may start.
";

fn main() -> ExitCode {
    let mode = std::env::args().nth(1).unwrap_or_default();
    let result = match mode.as_str() {
        "self-pipe" => self_pipe(),
        "count-signals" => count_signals(),
        "graceful-accept" => graceful_accept(),
        "--help" | "-h" => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => Err("expected self-pipe, count-signals or graceful-accept (see --help)".to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ch07-exercise-host {mode}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn self_pipe() -> Result<(), String> {
    let read = answers::self_pipe::install(&[Signal::SIGUSR1, Signal::SIGUSR2])
        .map_err(|e| format!("install: {e}"))?;
    println!("ready pid={}", std::process::id());
    let mut pipe = File::from(read);
    for _ in 0..3 {
        let mut byte = [0u8; 1];
        pipe.read_exact(&mut byte)
            .map_err(|e| format!("reading the self-pipe: {e}"))?;
        println!("got {}", byte[0]);
    }
    Ok(())
}

fn count_signals() -> Result<(), String> {
    let counts = answers::count_signals::count_signals(
        &[Signal::SIGUSR1, Signal::SIGUSR2],
        Signal::SIGTERM,
        || println!("ready pid={}", std::process::id()),
        |signal| println!("got {signal}"),
    )
    .map_err(|e| format!("count_signals: {e}"))?;
    println!("counts {counts:?}");
    Ok(())
}

fn graceful_accept() -> Result<(), String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("binding 127.0.0.1:0: {e}"))?;
    let port = listener
        .local_addr()
        .map_err(|e| format!("getsockname: {e}"))?
        .port();
    let (stop_read, stop_write) = UnixStream::pair().map_err(|e| format!("socketpair: {e}"))?;
    signal_hook::low_level::pipe::register(signal_hook::consts::SIGTERM, stop_write)
        .map_err(|e| format!("registering SIGTERM: {e}"))?;
    println!("ready port={port}");
    let served = answers::graceful_accept::serve(listener, stop_read.into(), || {
        println!("stopped accepting")
    })
    .map_err(|e| format!("serve: {e}"))?;
    println!("served {served}");
    Ok(())
}
