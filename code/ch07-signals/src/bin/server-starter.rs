//! A small Server::Starter: it owns the listening socket and runs a worker
//! (by default `graceful-server`, next to this binary) that inherits it. On
//! SIGHUP it restarts the worker without refusing a single connection:
//!
//!   1. start a new worker; it inherits the socket (fd inheritance across
//!      exec, the fd number passed in SERVER_STARTER_PORT=127.0.0.1:PORT=FD);
//!   2. the new worker sends SIGUSR1 when it is accepting (READY_SIGNAL=SIGUSR1
//!      in its environment asks it to);
//!   3. send the old worker SIGTERM: it stops accepting and drains;
//!   4. SIGCHLD: reap the old worker with waitpid(2).
//! The socket never closes, so the kernel keeps queueing connections
//! throughout. A restart that fails (the worker cannot be started, or exits
//! before it is ready) keeps the old worker. A serving worker that dies is
//! replaced at once; if no worker can be started at all, the starter exits
//! with an error (and the supervisor above it decides what next).
//! SIGTERM or SIGINT stop the workers and then the starter.
//!
//! Run: cargo run -p ch07-signals --bin server-starter -- --port 8080 [-- WORKER ARGS...]
//! Then: kill -HUP <starter pid> (a restart), kill <starter pid> (stop)
//!
//! Look for: the new worker's pid in answers after a restart, the old one
//! exiting 0 once its requests are done.

use std::net::TcpListener;
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, ExitCode};

use nix::fcntl::{fcntl, FcntlArg, FdFlag};
use nix::sys::signal::{kill, SigSet, SigmaskHow, Signal};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::Pid;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("server-starter: {e}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: server-starter [--port N] [-- WORKER ARGS...]
Listens on 127.0.0.1:N (default: any free port) and runs a worker that
inherits the socket (default: graceful-server, next to this binary).
SIGHUP: start a new worker, then stop the old one, refusing no connection;
SIGTERM or SIGINT: stop the worker, then the starter.
";

/// `--port N` then, after `--`, the worker command (default: graceful-server);
/// None for `--help` (after `--`, `--help` is the worker's).
fn parse_args() -> Result<Option<(u16, Vec<String>)>, String> {
    let mut port = 0;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--port" => {
                let v = it.next().ok_or("--port needs a value")?;
                port = v.parse().map_err(|e| format!("--port {v}: {e}"))?;
            }
            "--" => {
                let worker: Vec<String> = it.collect();
                if !worker.is_empty() {
                    return Ok(Some((port, worker)));
                }
                break;
            }
            "--help" | "-h" => return Ok(None),
            other => {
                return Err(format!(
                    "unknown argument {other:?} (expected --port N [-- WORKER ARGS...]; see --help)"
                ))
            }
        }
    }
    let me = std::env::current_exe().map_err(|e| format!("finding our own executable: {e}"))?;
    let default: PathBuf = me.with_file_name("graceful-server");
    Ok(Some((port, vec![default.to_string_lossy().into_owned()])))
}

fn run() -> Result<(), String> {
    let Some((port, worker)) = parse_args()? else {
        print!("{USAGE}");
        return Ok(());
    };

    // ANCHOR: setup
    // Every signal we care about becomes a struct to read from a signalfd.
    // Block them first, before any thread exists. The mask is inherited
    // across fork and exec, and std's Command (Rust 1.95) does not reset it:
    // the workers must unblock (see `spawn_worker`).
    let mut mask = SigSet::empty();
    for s in [
        Signal::SIGHUP,
        Signal::SIGTERM,
        Signal::SIGINT,
        Signal::SIGCHLD,
        Signal::SIGUSR1,
    ] {
        mask.add(s);
    }
    nix::sys::signal::pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&mask), None)
        .map_err(|e| format!("pthread_sigmask: {e}"))?;
    let signals = SignalFd::with_flags(&mask, SfdFlags::SFD_CLOEXEC) // not inherited by children
        .map_err(|e| format!("signalfd: {e}"))?;

    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("binding 127.0.0.1:{port}: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("getsockname: {e}"))?;
    // std opens every fd with FD_CLOEXEC; clear it so that exec(2) keeps this
    // one open in the workers, at the same number.
    fcntl(&listener, FcntlArg::F_SETFD(FdFlag::empty()))
        .map_err(|e| format!("fcntl(F_SETFD): {e}"))?;
    let env_value = format!("{addr}={}", listener.as_raw_fd());
    println!(
        "starter: listening on {addr} pid={}, SERVER_STARTER_PORT={env_value}",
        std::process::id()
    );
    // ANCHOR_END: setup

    // ANCHOR: spawn
    let starter_pid = nix::unistd::getpid();
    let spawn_worker = || -> Result<Pid, String> {
        let mut command = Command::new(&worker[0]);
        command
            .args(&worker[1..])
            .env("SERVER_STARTER_PORT", &env_value)
            // Our readiness protocol, opt-in: the worker signals SIGUSR1 when ready.
            .env("READY_SIGNAL", "SIGUSR1");
        // SAFETY: between fork and exec only async-signal-safe calls are
        // allowed. pthread_sigmask(3) and getppid(2) are on signal-safety(7)'s
        // list; prctl(2) is not, but glibc's prctl is a bare system call
        // wrapper (no lock, no allocation), safe here in practice. The error
        // is built from a number, without allocating.
        unsafe {
            command.pre_exec(move || {
                // Without this the worker would start with SIGTERM, SIGHUP...
                // blocked, inherited from us, and never see them.
                SigSet::empty().thread_set_mask()?;
                // If the starter dies, the kernel sends the worker SIGTERM.
                nix::sys::prctl::set_pdeathsig(Signal::SIGTERM)?;
                // If the starter died between fork and prctl, nobody will
                // send that signal: a different parent means give up now.
                if nix::unistd::getppid() != starter_pid {
                    return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
                }
                Ok(())
            });
        }
        let child = command
            .spawn()
            .map_err(|e| format!("spawning worker {}: {e}", worker[0]))?;
        // Reaped below with waitpid(2) on SIGCHLD, not through the handle.
        Ok(Pid::from_raw(child.id() as i32))
    };
    // ANCHOR_END: spawn

    // ANCHOR: loop
    let mut current: Option<Pid> = None; // the worker that is accepting
    let mut starting: Option<Pid> = Some(spawn_worker()?); // not ready yet
    let mut live: Vec<Pid> = starting.into_iter().collect(); // all not yet reaped
    let mut stopping = false;
    while !(stopping && live.is_empty()) {
        let info = signals
            .read_signal()
            .map_err(|e| format!("reading the signalfd: {e}"))?;
        let Some(info) = info else { continue };
        let Ok(signal) = Signal::try_from(info.ssi_signo as i32) else {
            continue;
        };
        let sender = Pid::from_raw(info.ssi_pid as i32);
        match signal {
            Signal::SIGUSR1 if Some(sender) == starting => {
                starting = None;
                match current.replace(sender) {
                    Some(old) => {
                        println!("starter: worker pid={sender} ready; asking pid={old} to drain");
                        let _ = kill(old, Signal::SIGTERM);
                    }
                    None => println!("starter: worker pid={sender} ready"),
                }
            }
            Signal::SIGHUP if starting.is_none() && !stopping => match spawn_worker() {
                Ok(pid) => {
                    println!("starter: SIGHUP: restarting, new worker pid={pid}");
                    starting = Some(pid);
                    live.push(pid);
                }
                // Exiting here would take the healthy worker down with us
                // (its parent-death signal): keep it, and say why.
                Err(e) => println!(
                    "starter: SIGHUP: restart failed, keeping worker pid={}: {e}",
                    show(current)
                ),
            },
            Signal::SIGTERM | Signal::SIGINT if !stopping => {
                println!("starter: {signal}: stopping {} worker(s)", live.len());
                stopping = true;
                for &pid in &live {
                    let _ = kill(pid, Signal::SIGTERM);
                }
            }
            Signal::SIGCHLD => {
                for pid in reap(&mut live) {
                    if starting == Some(pid) {
                        starting = None; // it died before it was ready
                        match current {
                            _ if stopping => {}
                            Some(old) => println!(
                                "starter: restart failed, new worker pid={pid} died before it \
                                 was ready; keeping worker pid={old}"
                            ),
                            None => {
                                return Err(format!(
                                "worker pid={pid} died before it was ready, and none is serving"
                            ))
                            }
                        }
                    }
                    if current == Some(pid) {
                        current = None;
                        // Nobody accepts now: connections would queue and hang.
                        if !stopping && starting.is_none() {
                            let new = spawn_worker()?;
                            println!("starter: replacing it with worker pid={new}");
                            starting = Some(new);
                            live.push(new);
                        }
                    }
                }
            }
            _ => {} // a repeated or stray signal: nothing to do
        }
    }
    println!("starter: bye");
    Ok(())
    // ANCHOR_END: loop
}

/// A worker's pid for a message, or "none".
fn show(pid: Option<Pid>) -> String {
    pid.map_or_else(|| "none".to_string(), |p| p.to_string())
}

// ANCHOR: reap
/// Collects every child that has ended (one SIGCHLD may stand for several)
/// and returns their pids.
fn reap(live: &mut Vec<Pid>) -> Vec<Pid> {
    let mut reaped = Vec::new();
    loop {
        let (pid, how) = match waitpid(Pid::from_raw(-1), Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::Exited(pid, code)) => (pid, format!("exit status {code}")),
            Ok(WaitStatus::Signaled(pid, signal, _)) => (pid, format!("killed by {signal}")),
            Ok(WaitStatus::StillAlive) | Err(_) => return reaped, // none left to reap now
            Ok(_) => continue,
        };
        println!("starter: worker pid={pid} exited: {how}");
        live.retain(|&p| p != pid);
        reaped.push(pid);
    }
}
// ANCHOR_END: reap
