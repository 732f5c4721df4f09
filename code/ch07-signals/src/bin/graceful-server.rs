//! A TCP server that is gentle with its clients: it shuts down gracefully on
//! SIGTERM (or SIGINT), reloads its config on SIGHUP, and can take over a
//! listening socket from the process that started it, Server::Starter style,
//! so that `server-starter` can restart it without refusing a connection.
//!
//! Protocol, one request per connection, one line each way:
//!   PING  ->  pong pid=<pid> greeting=<greeting>
//!   SLOW  ->  started pid=<pid>, then waits for the client's next line and
//!             answers done pid=<pid> greeting=<greeting> (a request that stays
//!             in flight for as long as the client wants, with no timer)
//!
//! On SIGTERM it stops accepting (closes its listening socket, so new
//! connections are refused unless another process holds the socket too),
//! lets every request in flight finish, and exits 0. On SIGHUP it re-reads
//! `--config FILE` and keeps the old config if the new one is bad.
//!
//! Run:  cargo run -p ch07-signals --bin graceful-server -- --port 8080 --config server.conf
//! Then: printf 'PING\n' | nc 127.0.0.1 8080;  kill -HUP <pid>;  kill <pid>
//! (use the pid the server prints: see the chapter on why `cargo run` is fine here)
//!
//! With SERVER_STARTER_PORT=127.0.0.1:PORT=FD in its environment it uses the
//! inherited socket FD instead of binding, and tells its parent it is ready
//! by sending it SIGUSR1.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsFd, FromRawFd};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::thread;

use ch07_signals::{parse_server_starter_port, Config};
use nix::errno::Errno;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("graceful-server: {e}");
            ExitCode::FAILURE
        }
    }
}

struct Args {
    port: u16,
    config: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        port: 0,
        config: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--port" => {
                let v = it.next().ok_or("--port needs a value")?;
                args.port = v.parse().map_err(|e| format!("--port {v}: {e}"))?;
            }
            "--config" => {
                args.config = Some(PathBuf::from(it.next().ok_or("--config needs a value")?))
            }
            other => {
                return Err(format!(
                    "unknown argument {other:?} (expected --port N, --config FILE)"
                ))
            }
        }
    }
    Ok(args)
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let pid = std::process::id();
    let config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    let config = Arc::new(RwLock::new(config));

    // ANCHOR: signals
    // Flags say *which* signal came; the self-pipe says *that* one came, and
    // wakes the poll(2) below. Both are async-signal-safe to touch.
    let terminate = Arc::new(AtomicBool::new(false));
    let reload = Arc::new(AtomicBool::new(false));
    let (wake_read, wake_write) = UnixStream::pair().map_err(|e| format!("socketpair: {e}"))?;
    wake_read
        .set_nonblocking(true)
        .map_err(|e| format!("set_nonblocking: {e}"))?;
    for (signal, flag) in [
        (SIGTERM, &terminate),
        (SIGINT, &terminate),
        (SIGHUP, &reload),
    ] {
        signal_hook::flag::register(signal, Arc::clone(flag))
            .map_err(|e| format!("registering signal {signal}: {e}"))?;
        let writer = wake_write.try_clone().map_err(|e| format!("dup: {e}"))?;
        signal_hook::low_level::pipe::register(signal, writer)
            .map_err(|e| format!("registering signal {signal}: {e}"))?;
    }
    // ANCHOR_END: signals

    // ANCHOR: listener
    let inherited = std::env::var("SERVER_STARTER_PORT").ok();
    let listener = match inherited.as_deref().map(parse_server_starter_port) {
        Some(Some((_addr, fd))) => {
            // SAFETY: our starter put a listening socket at this fd for us and
            // nothing else in this process uses it: we take ownership.
            unsafe { TcpListener::from_raw_fd(fd) }
        }
        Some(None) => {
            return Err(format!(
                "SERVER_STARTER_PORT={:?}: expected host:port=fd",
                inherited.unwrap_or_default()
            ))
        }
        None => TcpListener::bind(("127.0.0.1", args.port))
            .map_err(|e| format!("binding 127.0.0.1:{}: {e}", args.port))?,
    };
    let addr = listener
        .local_addr()
        .map_err(|e| format!("getsockname on the listener: {e}"))?;
    // Several processes may accept from this socket at once (during a
    // restart): never block in accept(2), poll first and accept what is there.
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("set_nonblocking: {e}"))?;
    println!("listening on {addr} pid={pid}");
    if inherited.is_some() {
        // Our readiness protocol with server-starter: SIGUSR1 to the parent.
        nix::sys::signal::kill(nix::unistd::getppid(), nix::sys::signal::Signal::SIGUSR1)
            .map_err(|e| format!("kill(parent, SIGUSR1): {e}"))?;
    }
    // ANCHOR_END: listener

    // ANCHOR: loop
    let in_flight = Arc::new(AtomicUsize::new(0));
    let mut handlers = Vec::new();
    let mut served = 0usize;
    loop {
        let mut fds = [
            PollFd::new(listener.as_fd(), PollFlags::POLLIN),
            PollFd::new(wake_read.as_fd(), PollFlags::POLLIN),
        ];
        match poll(&mut fds, PollTimeout::NONE) {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(e) => return Err(format!("poll: {e}")),
        }
        // Empty the wake-up pipe; the flags tell us what to do.
        let _ = (&wake_read).read(&mut [0u8; 64]);
        if reload.swap(false, Ordering::SeqCst) {
            reload_config(args.config.as_deref(), &config);
        }
        // Read the flag before accepting: what is in the accept queue now has
        // completed its handshake (and may have sent its request); accept it
        // even when stopping, since closing the listener would reset it.
        let stopping = terminate.load(Ordering::SeqCst);
        loop {
            match listener.accept() {
                Ok((stream, _)) => {
                    served += 1;
                    in_flight.fetch_add(1, Ordering::SeqCst);
                    let (config, in_flight) = (Arc::clone(&config), Arc::clone(&in_flight));
                    handlers.push(thread::spawn(move || {
                        if let Err(e) = handle(stream, pid, &config) {
                            eprintln!("graceful-server: pid={pid}: a connection failed: {e}");
                        }
                        in_flight.fetch_sub(1, Ordering::SeqCst);
                    }));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break, // another process took it, or none left
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(format!("accept: {e}")),
            }
        }
        handlers.retain(|h| !h.is_finished());
        if stopping {
            break;
        }
    }
    // ANCHOR_END: loop

    // ANCHOR: drain
    // Closing our listening fd: if we were its only holder, the port now
    // refuses connections (and resets any that slipped into the queue since
    // the last accept); under server-starter, the socket lives on in the
    // starter and the new worker, and queued connections wait for them.
    // No deadline: a client that never finishes holds us here until the
    // supervisor's grace period ends in SIGKILL.
    drop(listener);
    println!(
        "pid={pid}: shutting down: stopped accepting, {} request(s) in flight",
        in_flight.load(Ordering::SeqCst)
    );
    for handler in handlers {
        let _ = handler.join();
    }
    println!("pid={pid}: bye after {served} connection(s)");
    Ok(())
    // ANCHOR_END: drain
}

fn reload_config(path: Option<&std::path::Path>, config: &RwLock<Config>) {
    let pid = std::process::id();
    let Some(path) = path else {
        println!("pid={pid}: SIGHUP: no --config file, nothing to reload");
        return;
    };
    match Config::load(path) {
        Ok(new) => {
            println!(
                "pid={pid}: SIGHUP: reloaded config, greeting={}",
                new.greeting
            );
            *config
                .write()
                .unwrap_or_else(|poisoned| poisoned.into_inner()) = new;
        }
        // A bad config must not take a running server down: keep the old one.
        Err(e) => println!("pid={pid}: SIGHUP: keeping the old config: {e}"),
    }
}

// ANCHOR: handle
/// The longest request line the server reads: without a bound, `read_line`
/// grows its `String` for as long as a client sends bytes without a newline.
const MAX_LINE: u64 = 1024;

fn handle(stream: TcpStream, pid: u32, config: &RwLock<Config>) -> io::Result<()> {
    stream.set_nonblocking(false)?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let greeting = || {
        config
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .greeting
            .clone()
    };
    let mut line = String::new();
    if !read_line_within(&mut reader, &mut line)? {
        return writeln!(writer, "error request line longer than {MAX_LINE} bytes");
    }
    match line.trim() {
        "PING" => writeln!(writer, "pong pid={pid} greeting={}", greeting()),
        "SLOW" => {
            writeln!(writer, "started pid={pid}")?;
            // In flight until the client sends its second line.
            if !read_line_within(&mut reader, &mut line)? {
                return writeln!(writer, "error request line longer than {MAX_LINE} bytes");
            }
            writeln!(writer, "done pid={pid} greeting={}", greeting())
        }
        other => writeln!(writer, "error unknown request {other:?}"),
    }
}

/// Reads one line of at most `MAX_LINE` bytes into `line` (cleared first);
/// false if the limit was reached without a newline.
fn read_line_within(reader: &mut impl BufRead, line: &mut String) -> io::Result<bool> {
    line.clear();
    let n = reader.take(MAX_LINE).read_line(line)?;
    Ok(n < MAX_LINE as usize || line.ends_with('\n'))
}
// ANCHOR_END: handle
