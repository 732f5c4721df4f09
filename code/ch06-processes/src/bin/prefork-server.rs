//! A prefork server, as Apache's prefork MPM and many Ruby/Python servers
//! work: the parent binds one listening socket, forks N workers, and every
//! worker calls accept(2) on the same inherited socket. The kernel hands
//! each new connection to one waiting worker. Each worker serves a bounded
//! number of connections and exits; the parent reaps them all and exits.
//!
//! Run: cargo run -p ch06-processes --bin prefork-server -- --port 8006 --workers 4 --requests 3
//!      then, in another terminal (bash opens the TCP connection itself, no nc needed):
//!        for i in $(seq 12); do bash -c "cat < /dev/tcp/127.0.0.1/8006"; done
//! Look for: answers from several pids; the parent exits after 4 x 3 requests.

use nix::sys::signal::Signal;
use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{fork, getpid, getppid, ForkResult, Pid};
use std::io::Write;
use std::net::TcpListener;

struct Options {
    port: u16,
    workers: usize,
    requests: usize,
}

const USAGE: &str = "usage: prefork-server [--port PORT] [--workers N] [--requests M]
Binds 127.0.0.1:PORT (default 8006; 0 picks a free port), forks N worker
processes (default 4) that accept(2) on the shared socket and each answer M
connections (default 3) with their pid; then reaps them all and exits.
";
/// The options, or None for --help.
fn parse_args() -> Result<Option<Options>, String> {
    let mut opts = Options { port: 8006, workers: 4, requests: 3 };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--help" | "-h" => return Ok(None),
            "--port" | "--workers" | "--requests" => {}
            _ => return Err(format!("unknown flag {flag}; use --port, --workers, --requests (see --help)")),
        }
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let bad = |e: std::num::ParseIntError| format!("{flag} {value}: {e}");
        match flag.as_str() {
            "--port" => opts.port = value.parse().map_err(bad)?,
            "--workers" => opts.workers = value.parse().map_err(bad)?,
            "--requests" => opts.requests = value.parse().map_err(bad)?,
            _ => unreachable!("{flag} was checked above"),
        }
    }
    Ok(Some(opts))
}

fn main() {
    if let Err(e) = run() {
        eprintln!("prefork-server: {e}");
        std::process::exit(1);
    }
}

// ANCHOR: worker
/// A worker's whole life: accept, answer, close; `requests` times.
fn worker(listener: &TcpListener, parent: Pid, requests: usize) -> i32 {
    // If the parent dies, the kernel sends us SIGTERM: no orphaned workers.
    // prctl(PR_SET_PDEATHSIG); then check we did not miss the parent's death.
    if nix::sys::prctl::set_pdeathsig(Signal::SIGTERM).is_err() || getppid() != parent {
        return 1;
    }
    for n in 1..=requests {
        // All workers block here on the same socket; one of them gets it.
        let (mut conn, _peer) = match listener.accept() {
            Ok(c) => c,
            Err(e) => {
                eprintln!("worker {}: accept: {e}", getpid());
                return 1;
            }
        };
        let reply = format!("pid {} request {n} of {requests}\n", getpid());
        if let Err(e) = conn.write_all(reply.as_bytes()) {
            eprintln!("worker {}: writing the reply: {e}", getpid());
        }
        // conn is dropped here: close(2), the client sees end-of-file.
    }
    0
}
// ANCHOR_END: worker

fn run() -> Result<(), String> {
    let Some(opts) = parse_args()? else {
        print!("{USAGE}");
        return Ok(());
    };
    // ANCHOR: prefork
    let listener = TcpListener::bind(("127.0.0.1", opts.port))
        .map_err(|e| format!("binding 127.0.0.1:{}: {e}", opts.port))?;
    let addr = listener.local_addr().map_err(|e| format!("getsockname: {e}"))?;
    println!("listening on {addr}, {} workers x {} requests", opts.workers, opts.requests);
    std::io::stdout().flush().map_err(|e| format!("flushing stdout: {e}"))?;

    let parent = getpid();
    let mut workers = Vec::new();
    for _ in 0..opts.workers {
        // SAFETY: the parent is single-threaded; the worker uses only its
        // copy of the listener and exits with _exit.
        match unsafe { fork() }.map_err(|e| format!("fork: {e}"))? {
            ForkResult::Child => {
                let code = worker(&listener, parent, opts.requests);
                let _ = std::io::stdout().flush();
                // SAFETY: _exit only ends the process.
                unsafe { libc::_exit(code) }
            }
            ForkResult::Parent { child } => workers.push(child),
        }
    }
    drop(listener); // the workers hold their own copies of the socket
    let mut failed = 0;
    for pid in workers {
        match waitpid(pid, None).map_err(|e| format!("waitpid {pid}: {e}"))? {
            WaitStatus::Exited(_, 0) => println!("worker pid {pid} done"),
            other => {
                println!("worker pid {pid} ended with {other:?}");
                failed += 1;
            }
        }
    }
    // ANCHOR_END: prefork
    if failed > 0 {
        return Err(format!("{failed} workers failed"));
    }
    Ok(())
}
