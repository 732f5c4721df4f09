//! The graceful server and its starter, driven by real signals sent with
//! kill(2) to processes this test started. Requests "in flight" are made slow
//! by a handshake, not a timer: a SLOW request is answered only after the
//! client sends a second line.

mod common;

use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::net::TcpStream;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;

use common::{field, port, Proc};
use nix::sys::signal::Signal;
use nix::unistd::Pid;

const SERVER: &str = env!("CARGO_BIN_EXE_graceful-server");
const STARTER: &str = env!("CARGO_BIN_EXE_server-starter");

/// One request on its own connection.
struct Client {
    writer: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Client {
    fn connect(port: u16) -> std::io::Result<Client> {
        let writer = TcpStream::connect(("127.0.0.1", port))?;
        let reader = BufReader::new(writer.try_clone()?);
        Ok(Client { writer, reader })
    }
    fn send(&mut self, line: &str) -> std::io::Result<String> {
        writeln!(self.writer, "{line}")?;
        let mut answer = String::new();
        self.reader.read_line(&mut answer)?;
        Ok(answer.trim_end().to_string())
    }
}

fn ping(port: u16) -> String {
    Client::connect(port)
        .and_then(|mut c| c.send("PING"))
        .expect("PING")
}

#[test]
fn sigterm_lets_the_request_in_flight_finish_and_refuses_new_connections() {
    let server = Proc::start(Command::new(SERVER).args(["--port", "0"]));
    let hello = server.line();
    let port = port(&hello);
    let pid = field(&hello, "pid").to_string();
    assert_eq!(
        pid,
        server.pid().to_string(),
        "started directly, the spawned pid is the server"
    );

    let mut slow = Client::connect(port).expect("connecting");
    assert_eq!(
        slow.send("SLOW").expect("SLOW"),
        format!("started pid={pid}")
    );

    server.signal(Signal::SIGTERM);
    assert_eq!(
        server.line(),
        format!("pid={pid}: shutting down: stopped accepting, 1 request(s) in flight")
    );
    let refused = TcpStream::connect(("127.0.0.1", port)).expect_err("no one listens any more");
    assert_eq!(refused.kind(), ErrorKind::ConnectionRefused);

    // The request that was in flight still gets its answer.
    assert_eq!(
        slow.send("FINISH").expect("FINISH"),
        format!("done pid={pid} greeting=hello")
    );
    assert_eq!(
        server.line(),
        format!("pid={pid}: bye after 1 connection(s)")
    );
    assert!(server.wait().success(), "a graceful shutdown exits 0");
}

#[test]
fn sigint_is_handled_like_sigterm() {
    let server = Proc::start(Command::new(SERVER).args(["--port", "0"]));
    let port = port(&server.line());
    assert!(ping(port).starts_with("pong"));
    server.signal(Signal::SIGINT);
    server.expect("shutting down: stopped accepting");
    assert!(server.wait().success());
}

#[test]
fn sighup_reloads_the_config_and_a_bad_config_keeps_the_old_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let conf = dir.path().join("server.conf");
    std::fs::write(&conf, "greeting = hello\n").expect("writing the config");
    let server = Proc::start(
        Command::new(SERVER)
            .args(["--port", "0", "--config"])
            .arg(&conf),
    );
    let port = port(&server.line());
    assert!(ping(port).ends_with("greeting=hello"));

    std::fs::write(&conf, "greeting = bonjour\n").expect("writing the config");
    server.signal(Signal::SIGHUP);
    assert!(server
        .line()
        .ends_with("SIGHUP: reloaded config, greeting=bonjour"));
    assert!(ping(port).ends_with("greeting=bonjour"));

    std::fs::write(&conf, "greting = typo\n").expect("writing the config");
    server.signal(Signal::SIGHUP);
    assert!(server.line().contains("SIGHUP: keeping the old config"));
    assert!(
        ping(port).ends_with("greeting=bonjour"),
        "still the last good config"
    );

    server.signal(Signal::SIGTERM);
    assert!(server.wait().success());
}

#[test]
fn a_request_that_straddles_a_reload_answers_with_the_new_config() {
    let dir = tempfile::tempdir().expect("temp dir");
    let conf = dir.path().join("server.conf");
    std::fs::write(&conf, "greeting = hello\n").expect("writing the config");
    let server = Proc::start(
        Command::new(SERVER)
            .args(["--port", "0", "--config"])
            .arg(&conf),
    );
    let hello = server.line();
    let (port, pid) = (port(&hello), field(&hello, "pid").to_string());
    let mut slow = Client::connect(port).expect("connecting");
    assert_eq!(slow.send("SLOW").expect("SLOW"), format!("started pid={pid}"));
    std::fs::write(&conf, "greeting = bonjour\n").expect("writing the config");
    server.signal(Signal::SIGHUP);
    server.expect("SIGHUP: reloaded config, greeting=bonjour");
    // The greeting is read when the request answers, not when it started.
    assert_eq!(
        slow.send("FINISH").expect("FINISH"),
        format!("done pid={pid} greeting=bonjour")
    );
    server.signal(Signal::SIGTERM);
    assert!(server.wait().success());
}

#[test]
fn restart_hands_the_socket_over_without_refusing_or_losing_a_request() {
    let mut starter = Proc::start(Command::new(STARTER).args(["--port", "0", "--", SERVER]));
    let port = port(&starter.expect("starter: listening on"));
    let old = field(&starter.expect("ready"), "pid").to_string();
    starter
        .others
        .push(Pid::from_raw(old.parse().expect("pid")));

    // A request in flight on the old worker across the whole restart.
    let mut slow = Client::connect(port).expect("connecting");
    assert_eq!(
        slow.send("SLOW").expect("SLOW"),
        format!("started pid={old}")
    );

    // Clients hammering the port during the hand-over. Each answer is
    // recorded with whether its request began after the test saw the old
    // worker exit: only the new worker can answer those.
    let stop = Arc::new(AtomicBool::new(false));
    let old_gone = Arc::new(AtomicBool::new(false));
    let (progress_tx, progress_rx) = mpsc::channel();
    let hammer = {
        let (stop, old_gone) = (Arc::clone(&stop), Arc::clone(&old_gone));
        thread::spawn(move || {
            let (mut answers, mut errors) = (Vec::new(), Vec::new());
            for _ in 0..1_000_000 {
                let after_exit = old_gone.load(Ordering::SeqCst);
                match Client::connect(port).and_then(|mut c| c.send("PING")) {
                    Ok(answer) => answers.push((field(&answer, "pid").to_string(), after_exit)),
                    Err(e) => errors.push(e.to_string()),
                }
                let _ = progress_tx.send(after_exit);
                if stop.load(Ordering::SeqCst) {
                    break;
                }
            }
            (answers, errors)
        })
    };
    progress_rx.recv().expect("the hammer made a first request");

    starter.signal(Signal::SIGHUP);
    let new = field(&starter.expect("ready; asking"), "pid").to_string();
    starter
        .others
        .push(Pid::from_raw(new.parse().expect("pid")));
    assert_ne!(new, old);
    starter.expect(&format!("pid={old}: shutting down: stopped accepting"));

    // The old worker has stopped accepting, yet it is still draining: finish
    // its request in flight, then see it exit cleanly.
    assert_eq!(
        slow.send("FINISH").expect("FINISH"),
        format!("done pid={old} greeting=hello")
    );
    starter.expect(&format!("starter: worker pid={old} exited: exit status 0"));
    old_gone.store(true, Ordering::SeqCst);
    assert_eq!(field(&ping(port), "pid"), new, "the new worker answers now");

    // Let the hammer make at least one request that began after the exit.
    while !progress_rx.recv().expect("the hammer is running") {}
    stop.store(true, Ordering::SeqCst);
    let (answers, errors) = hammer.join().expect("the hammer thread");
    assert!(
        errors.is_empty(),
        "no connection refused or dropped during the restart: {errors:?}"
    );
    assert_eq!(
        answers.first().map(|(pid, _)| pid),
        Some(&old),
        "clients saw the old worker first"
    );
    let after: Vec<&String> = answers.iter().filter(|(_, a)| *a).map(|(p, _)| p).collect();
    assert!(
        !after.is_empty() && after.iter().all(|p| **p == new),
        "every request begun after the old worker's exit was answered by the new one: {after:?}"
    );
    assert!(answers.iter().all(|(p, _)| *p == old || *p == new));

    starter.signal(Signal::SIGTERM);
    starter.expect(&format!("starter: worker pid={new} exited: exit status 0"));
    starter.expect("starter: bye");
    assert!(starter.wait().success());
}

#[test]
fn a_killed_starter_takes_its_worker_down() {
    let mut starter = Proc::start(Command::new(STARTER).args(["--port", "0", "--", SERVER]));
    starter.expect("starter: listening on");
    let worker = field(&starter.expect("ready"), "pid").to_string();
    starter
        .others
        .push(Pid::from_raw(worker.parse().expect("pid")));
    // SIGKILL cannot be caught: the starter cannot clean up. PR_SET_PDEATHSIG
    // makes the kernel send the worker SIGTERM instead.
    starter.signal(Signal::SIGKILL);
    starter.expect(&format!("pid={worker}: bye after 0 connection(s)"));
    assert!(!starter.wait().success());
}

#[test]
fn a_worker_inherits_the_listening_socket_and_nothing_else_of_the_starter() {
    let mut starter = Proc::start(Command::new(STARTER).args(["--port", "0", "--", SERVER]));
    let hello = starter.expect("starter: listening on");
    let worker = field(&starter.expect("ready"), "pid").to_string();
    starter
        .others
        .push(Pid::from_raw(worker.parse().expect("pid")));
    // The starter's own fds (its signalfd above all) must be close-on-exec.
    let mut targets = Vec::new();
    for entry in std::fs::read_dir(format!("/proc/{worker}/fd")).expect("listing the worker's fds")
    {
        let entry = entry.expect("an fd entry");
        if let Ok(target) = std::fs::read_link(entry.path()) {
            targets.push(format!(
                "{} -> {}",
                entry.file_name().to_string_lossy(),
                target.display()
            ));
        }
    }
    assert!(
        !targets.iter().any(|t| t.contains("signalfd")),
        "the worker inherited the starter's signalfd: {targets:?}"
    );
    // The listener keeps its number across exec: the one the starter announced.
    let fd = hello.rsplit('=').next().expect("=FD at the end");
    assert!(
        targets
            .iter()
            .any(|t| t.starts_with(&format!("{fd} -> socket:"))),
        "fd {fd} is not a socket in the worker: {targets:?}"
    );
    starter.signal(Signal::SIGTERM);
    starter.expect("starter: bye");
    assert!(starter.wait().success());
}

#[test]
fn connections_already_queued_at_sigterm_are_served_not_reset() {
    let server = Proc::start(Command::new(SERVER).args(["--port", "0"]));
    let hello = server.line();
    let port = port(&hello);
    let pid = field(&hello, "pid").to_string();
    // Stopped, the server cannot accept: the kernel completes the handshake
    // and the connection (with its request) waits in the accept queue.
    server.signal(Signal::SIGSTOP);
    let mut queued = Client::connect(port).expect("connecting to a stopped server");
    writeln!(queued.writer, "PING").expect("sending PING");
    // SIGTERM arrives before the server has seen the connection.
    server.signal(Signal::SIGTERM);
    server.signal(Signal::SIGCONT);
    let mut answer = String::new();
    queued
        .reader
        .read_line(&mut answer)
        .expect("a queued connection must be answered, not reset");
    assert_eq!(answer.trim_end(), format!("pong pid={pid} greeting=hello"));
    server.expect("shutting down");
    assert!(server.wait().success());
}

#[test]
fn a_request_line_without_a_newline_is_cut_off_at_the_limit() {
    // The server reads at most 1024 bytes of a request line: a client that
    // sends more without a newline gets an error, it does not make the server
    // buffer without bound (read_line alone would grow its String forever).
    const LIMIT: usize = 1024;
    let server = Proc::start(Command::new(SERVER).args(["--port", "0"]));
    let port = port(&server.line());
    let mut client = Client::connect(port).expect("connecting");
    client
        .reader
        .get_ref()
        .set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .expect("SO_RCVTIMEO");
    // Exactly LIMIT bytes, so the server consumes all we sent and closes with
    // an empty receive queue (a FIN, not a reset that could eat the answer).
    client.writer.write_all(&[b'x'; LIMIT]).expect("writing");
    let mut answer = String::new();
    client
        .reader
        .read_line(&mut answer)
        .expect("an answer before the read timeout, with no newline sent");
    assert_eq!(
        answer.trim_end(),
        format!("error request line longer than {LIMIT} bytes")
    );
    assert!(ping(port).starts_with("pong"), "the server still serves");
    server.signal(Signal::SIGTERM);
    assert!(server.wait().success());
}

/// Waits until `pid` (not our child, so no waitpid) is in state T (stopped),
/// as /proc/PID/stat reports it: kill(2) returns before the target stops.
fn wait_stopped(pid: &str) {
    let path = format!("/proc/{pid}/stat");
    for _ in 0..30_000 {
        let stat = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        // The state follows the command name, which is in parentheses.
        let state = stat
            .rsplit(')')
            .next()
            .and_then(|rest| rest.split_whitespace().next());
        if state == Some("T") {
            return;
        }
        thread::sleep(std::time::Duration::from_millis(1));
    }
    panic!("pid {pid} did not stop");
}

#[test]
fn connections_queued_at_the_old_workers_last_round_are_all_answered() {
    // Deterministic version of the hand-over: both workers are stopped while
    // connections queue, then only the old one runs, with its SIGTERM
    // pending. Its last round must accept (or leave) every queued connection
    // and answer what it accepted; nothing may be reset or dropped.
    let mut starter = Proc::start(Command::new(STARTER).args(["--port", "0", "--", SERVER]));
    let port = port(&starter.expect("starter: listening on"));
    let old = field(&starter.expect("ready"), "pid").to_string();
    let old_pid = Pid::from_raw(old.parse().expect("pid"));
    starter.others.push(old_pid);

    nix::sys::signal::kill(old_pid, Signal::SIGSTOP).expect("SIGSTOP old worker");
    wait_stopped(&old);
    starter.signal(Signal::SIGHUP);
    // The starter sends the (stopped) old worker SIGTERM: it stays pending.
    let new = field(&starter.expect("ready; asking"), "pid").to_string();
    let new_pid = Pid::from_raw(new.parse().expect("pid"));
    starter.others.push(new_pid);
    nix::sys::signal::kill(new_pid, Signal::SIGSTOP).expect("SIGSTOP new worker");
    wait_stopped(&new);

    // Nobody can accept now: these complete their handshake and queue.
    let mut clients: Vec<Client> = (0..5)
        .map(|_| Client::connect(port).expect("connecting"))
        .collect();
    for client in &mut clients {
        writeln!(client.writer, "PING").expect("writing PING");
    }

    nix::sys::signal::kill(old_pid, Signal::SIGCONT).expect("SIGCONT old worker");
    starter.expect(&format!("pid={old}: shutting down: stopped accepting"));
    nix::sys::signal::kill(new_pid, Signal::SIGCONT).expect("SIGCONT new worker");
    for (i, client) in clients.iter_mut().enumerate() {
        let mut answer = String::new();
        client
            .reader
            .read_line(&mut answer)
            .unwrap_or_else(|e| panic!("queued connection {i}: {e}"));
        assert!(
            answer.starts_with("pong"),
            "queued connection {i}: {answer:?}"
        );
    }
    starter.expect(&format!("starter: worker pid={old} exited: exit status 0"));

    starter.signal(Signal::SIGTERM);
    starter.expect("starter: bye");
    assert!(starter.wait().success());
}

/// A `ping` that gives up after `limit` instead of waiting forever for an
/// answer (a connection queued on a socket nobody accepts from).
fn ping_within(port: u16, limit: std::time::Duration) -> std::io::Result<String> {
    let mut client = Client::connect(port)?;
    client.reader.get_ref().set_read_timeout(Some(limit))?;
    let answer = client.send("PING")?;
    if answer.is_empty() {
        return Err(std::io::Error::new(
            ErrorKind::UnexpectedEof,
            "closed without an answer",
        ));
    }
    Ok(answer)
}

#[test]
fn a_failed_restart_keeps_the_old_worker_serving() {
    // The worker command is a symlink we can delete: the next spawn fails.
    let dir = tempfile::tempdir().expect("temp dir");
    let worker = dir.path().join("worker");
    std::os::unix::fs::symlink(SERVER, &worker).expect("symlink to graceful-server");
    let mut starter = Proc::start(
        Command::new(STARTER)
            .args(["--port", "0", "--"])
            .arg(&worker),
    );
    let port = port(&starter.expect("starter: listening on"));
    let old = field(&starter.expect("ready"), "pid").to_string();
    starter
        .others
        .push(Pid::from_raw(old.parse().expect("pid")));

    std::fs::remove_file(&worker).expect("removing the worker");
    starter.signal(Signal::SIGHUP);
    let failed = starter.expect("SIGHUP: restart failed");
    assert!(
        failed.contains(&format!("keeping worker pid={old}")),
        "{failed}"
    );
    let answer = ping_within(port, std::time::Duration::from_secs(20)).expect("PING");
    assert_eq!(field(&answer, "pid"), old, "the old worker still serves");

    starter.signal(Signal::SIGTERM);
    starter.expect(&format!("starter: worker pid={old} exited: exit status 0"));
    starter.expect("starter: bye");
    assert!(starter.wait().success());
}

#[test]
fn a_worker_that_dies_is_replaced() {
    let mut starter = Proc::start(Command::new(STARTER).args(["--port", "0", "--", SERVER]));
    let port = port(&starter.expect("starter: listening on"));
    let old = field(&starter.expect("ready"), "pid").to_string();
    let old_pid = Pid::from_raw(old.parse().expect("pid"));
    starter.others.push(old_pid);

    nix::sys::signal::kill(old_pid, Signal::SIGKILL).expect("SIGKILL the worker");
    starter.expect(&format!(
        "starter: worker pid={old} exited: killed by SIGKILL"
    ));
    // Queued on the starter's socket, this connection needs a new worker.
    let answer = ping_within(port, std::time::Duration::from_secs(20))
        .expect("a PING after the worker died is answered");
    let new = field(&answer, "pid").to_string();
    assert_ne!(new, old);
    starter
        .others
        .push(Pid::from_raw(new.parse().expect("pid")));
    starter.expect(&format!("starter: worker pid={new} ready"));

    starter.signal(Signal::SIGTERM);
    starter.expect(&format!("starter: worker pid={new} exited: exit status 0"));
    starter.expect("starter: bye");
    assert!(starter.wait().success());
}

/// Makes `fd` (of this process) appear at `target` in the child, without
/// close-on-exec, the way a starter hands its listener to a worker. dup2 in
/// the child only, so no other child of this test process inherits it.
fn hand_over(command: &mut Command, fd: std::os::fd::RawFd, target: std::os::fd::RawFd) {
    use std::os::unix::process::CommandExt;
    // SAFETY: dup2(2) and fcntl(2) are async-signal-safe (signal-safety(7));
    // the closure allocates nothing and touches only the two fd numbers.
    unsafe {
        command.pre_exec(move || {
            if fd == target {
                if libc::fcntl(fd, libc::F_SETFD, 0) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
            } else if libc::dup2(fd, target) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[test]
fn an_inherited_socket_is_used_without_a_readiness_signal_unless_asked() {
    use std::os::fd::AsRawFd;
    // The parent here is sh, as it would be under a starter that knows
    // nothing of our SIGUSR1 (Perl's start_server): SIGUSR1 would kill it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binding");
    let addr = listener.local_addr().expect("local_addr");
    let mut command = Command::new("sh");
    command
        .args([
            "-c",
            r#""$0" & wait $!; echo "sh: server exited $?""#,
            SERVER,
        ])
        .env("SERVER_STARTER_PORT", format!("{addr}=5"))
        .env_remove("READY_SIGNAL");
    hand_over(&mut command, listener.as_raw_fd(), 5);
    let mut sh = Proc::start(&mut command);
    drop(listener); // the server holds the socket now
    let hello = sh.expect("listening on");
    let server = Pid::from_raw(field(&hello, "pid").parse().expect("pid"));
    sh.others.push(server);
    assert_eq!(
        port(&hello),
        addr.port(),
        "it took over the inherited socket"
    );
    assert!(ping(addr.port()).starts_with("pong"));
    nix::sys::signal::kill(server, Signal::SIGTERM).expect("SIGTERM the server");
    sh.expect("sh: server exited 0");
    assert!(
        sh.wait().success(),
        "sh was not killed by a SIGUSR1 it never asked for"
    );
}

#[test]
fn an_inherited_fd_that_is_not_a_listening_socket_is_refused_clearly() {
    use std::os::fd::AsRawFd;
    let (unix, _peer) = std::os::unix::net::UnixStream::pair().expect("socketpair");
    let connected = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("binding");
        TcpStream::connect(l.local_addr().expect("addr")).expect("connecting")
    };
    // fd 9: not open in the child; fd 0: /dev/null; then two sockets that
    // do not listen (READY_SIGNAL unset: the check comes before any signal).
    for (what, fd, source) in [
        ("a closed fd", 9, None),
        ("/dev/null", 0, None),
        ("a unix socket", 5, Some(unix.as_raw_fd())),
        ("a connected TCP socket", 6, Some(connected.as_raw_fd())),
    ] {
        let mut command = Command::new(SERVER);
        command
            .env("SERVER_STARTER_PORT", format!("127.0.0.1:1={fd}"))
            .stdin(std::process::Stdio::null());
        if let Some(source) = source {
            hand_over(&mut command, source, fd);
        }
        let out = command.output().expect("running graceful-server");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{what}: {:?} {stderr}",
            out.status
        );
        assert!(
            stderr.contains(&format!("SERVER_STARTER_PORT: fd {fd}")),
            "{what}: {stderr}"
        );
        assert!(
            out.stdout.is_empty(),
            "{what}: it must not start: {:?}",
            out.stdout
        );
    }
}

#[test]
fn accept_errors_such_as_emfile_do_not_stop_the_server() {
    let server = Proc::start(Command::new(SERVER).args(["--port", "0"]));
    let hello = server.line();
    let port = port(&hello);
    let pid = field(&hello, "pid").to_string();
    let mut slow = Client::connect(port).expect("connecting");
    assert_eq!(
        slow.send("SLOW").expect("SLOW"),
        format!("started pid={pid}")
    );

    // A new fd gets the lowest free number, and RLIMIT_NOFILE caps that
    // number: with the limit lowered to the lowest free number, the next
    // accept(2) fails with EMFILE (fds already open above it stay open).
    let open: Vec<u64> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .expect("listing the server's fds")
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u64>().ok())
        .collect();
    let lowest_free = (0..).find(|n| !open.contains(n)).expect("a free fd number");
    let limit = libc::rlimit {
        rlim_cur: lowest_free,
        rlim_max: lowest_free,
    };
    // SAFETY: prlimit(2) on a pid we started, with a valid rlimit and a null
    // old-limit pointer (not wanted).
    let rc = unsafe {
        libc::prlimit(
            server.pid().as_raw(),
            libc::RLIMIT_NOFILE,
            &limit,
            std::ptr::null_mut(),
        )
    };
    assert_eq!(rc, 0, "prlimit: {}", std::io::Error::last_os_error());

    let mut queued = Client::connect(port).expect("connecting (the kernel queues it)");
    writeln!(queued.writer, "PING").expect("sending PING");
    server.expect("accept: Too many open files");
    // The request in flight is still answered...
    assert_eq!(
        slow.send("FINISH").expect("FINISH"),
        format!("done pid={pid} greeting=hello"),
        "the server must not exit on EMFILE"
    );
    // ...and once its fds are closed, the queued connection is accepted.
    let mut answer = String::new();
    queued
        .reader
        .get_ref()
        .set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .expect("SO_RCVTIMEO");
    queued
        .reader
        .read_line(&mut answer)
        .expect("the queued PING is answered");
    assert_eq!(answer.trim_end(), format!("pong pid={pid} greeting=hello"));
    server.signal(Signal::SIGTERM);
    server.expect("bye after 2 connection(s)");
    assert!(server.wait().success());
}
