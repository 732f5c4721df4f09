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
//! inherited socket FD instead of binding (after checking that FD is an open,
//! listening TCP socket). With READY_SIGNAL=SIGUSR1 too (our server-starter
//! sets it; Perl's start_server does not, and SIGUSR1 would kill it), it tells
//! its parent it is ready by sending it SIGUSR1.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsFd, FromRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::thread;
use std::time::Duration;

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

const USAGE: &str = "usage: graceful-server [--port N] [--config FILE]
A TCP server on 127.0.0.1:N (default: any free port) answering PING and SLOW;
SIGTERM or SIGINT: stop accepting, finish the requests in flight, exit 0;
SIGHUP: re-read --config FILE. Under server-starter it uses the inherited
socket named by SERVER_STARTER_PORT instead of binding.
";

struct Args {
    port: u16,
    config: Option<PathBuf>,
}

/// The arguments, or None for `--help`.
fn parse_args() -> Result<Option<Args>, String> {
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
            "--help" | "-h" => return Ok(None),
            other => {
                return Err(format!(
                    "unknown argument {other:?} (expected --port N, --config FILE; see --help)"
                ))
            }
        }
    }
    Ok(Some(args))
}

fn run() -> Result<(), String> {
    let Some(args) = parse_args()? else {
        print!("{USAGE}");
        return Ok(());
    };
    let pid = std::process::id();
    let config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    let config = Arc::new(RwLock::new(config));

    // ANCHOR: listener
    // First, before this process holds any fd of its own: an inherited fd
    // number must still name the starter's socket, not one we opened.
    let inherited = std::env::var("SERVER_STARTER_PORT").ok();
    let listener = match inherited.as_deref() {
        Some(value) => {
            let (_addr, fd) = parse_server_starter_port(value)
                .ok_or_else(|| format!("SERVER_STARTER_PORT={value:?}: expected host:port=fd"))?;
            inherited_listener(fd)?
        }
        None => TcpListener::bind(("127.0.0.1", args.port))
            .map_err(|e| format!("binding 127.0.0.1:{}: {e}", args.port))?,
    };
    let notify_parent = match std::env::var("READY_SIGNAL").ok().as_deref() {
        None => false,
        Some("SIGUSR1") => true,
        Some(other) => return Err(format!("READY_SIGNAL={other:?}: only SIGUSR1 is supported")),
    };
    let addr = listener
        .local_addr()
        .map_err(|e| format!("getsockname on the listener: {e}"))?;
    // Several processes may accept from this socket at once (during a
    // restart): never block in accept(2), poll first and accept what is there.
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("set_nonblocking: {e}"))?;
    // ANCHOR_END: listener

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

    // ANCHOR: ready
    println!("listening on {addr} pid={pid}");
    if notify_parent {
        // Our readiness protocol with server-starter, which asked for it.
        nix::sys::signal::kill(nix::unistd::getppid(), nix::sys::signal::Signal::SIGUSR1)
            .map_err(|e| format!("kill(parent, SIGUSR1): {e}"))?;
    }
    // ANCHOR_END: ready

    // ANCHOR: loop
    let in_flight = Arc::new(AtomicUsize::new(0));
    let mut handlers = Vec::new();
    let mut served = 0usize;
    let mut short_of_resources = false;
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
                    short_of_resources = false;
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
                // The connection was reset while queued: try the next one.
                Err(e) if e.raw_os_error() == Some(libc::ECONNABORTED) => continue,
                // Out of fds or memory: the connection stays queued and poll
                // would report it again at once. Say so once, pause, retry;
                // requests in flight go on, and finishing frees fds.
                Err(e) if is_resource_shortage(&e) => {
                    if !short_of_resources {
                        println!("pid={pid}: accept: {e}; retrying every {BACKOFF:?}");
                        short_of_resources = true;
                    }
                    thread::sleep(BACKOFF);
                    break;
                }
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

/// The listening socket our starter left at `fd`, checked before we take
/// ownership of it: `from_raw_fd` on a number that is closed, or is one of
/// our own fds, would make two owners (std aborts when the second one closes).
fn inherited_listener(fd: RawFd) -> Result<TcpListener, String> {
    let refuse = |why: String| format!("SERVER_STARTER_PORT: fd {fd} {why}");
    // SAFETY: F_GETFD only reads the flags of whatever has this number and
    // fails with EBADF if nothing does; it touches no memory of ours.
    if unsafe { libc::fcntl(fd, libc::F_GETFD) } == -1 {
        return Err(refuse(format!(
            "is not open: {}",
            io::Error::last_os_error()
        )));
    }
    let option = |name: libc::c_int| -> io::Result<libc::c_int> {
        let mut value: libc::c_int = 0;
        let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: value and len are live locals of the sizes passed; the
        // kernel writes at most len bytes into value.
        let rc = unsafe {
            libc::getsockopt(
                fd,
                libc::SOL_SOCKET,
                name,
                (&mut value as *mut libc::c_int).cast(),
                &mut len,
            )
        };
        if rc == -1 {
            return Err(io::Error::last_os_error());
        }
        Ok(value)
    };
    let domain = option(libc::SO_DOMAIN).map_err(|e| refuse(format!("is not a socket: {e}")))?;
    let kind = option(libc::SO_TYPE).map_err(|e| refuse(format!("getsockopt(SO_TYPE): {e}")))?;
    let listening = option(libc::SO_ACCEPTCONN)
        .map_err(|e| refuse(format!("getsockopt(SO_ACCEPTCONN): {e}")))?;
    if !(domain == libc::AF_INET || domain == libc::AF_INET6) || kind != libc::SOCK_STREAM {
        return Err(refuse("is not a TCP socket".to_string()));
    }
    if listening == 0 {
        return Err(refuse("is a TCP socket that is not listening".to_string()));
    }
    // SAFETY: the fd is open and is a listening TCP socket that this process
    // did not open (we have opened nothing yet): the starter left it for us,
    // and from here on only this TcpListener owns and closes it.
    Ok(unsafe { TcpListener::from_raw_fd(fd) })
}

/// How long the accept loop pauses when the process is out of fds or memory.
const BACKOFF: Duration = Duration::from_millis(100);

/// accept(2) errors that mean "not now" rather than "never": the process or
/// system is out of fds (EMFILE, ENFILE) or kernel memory (ENOBUFS, ENOMEM).
fn is_resource_shortage(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM)
    )
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
