//! A classic SysV daemon, step by step: fork and let the parent return to
//! the shell; setsid(2) to leave the terminal's session; fork again so the
//! daemon is not a session leader and can never reacquire a controlling
//! terminal; close inherited fds; chdir("/") so it pins no mount; umask; a
//! pid file, locked with flock(2) so a second instance is refused and a
//! stale file (after kill -9) is not; stdin/stdout/stderr to /dev/null. It then waits for
//! SIGTERM, removes the pid file and exits. (Today, under systemd, write none of this: see the chapter.)
//!
//! Run: cargo run -p ch06-processes --bin daemonize -- --pid-file /tmp/ch06.pid
//!      ps -o pid,ppid,pgid,sid,tty,cmd -p $(cat /tmp/ch06.pid)
//!      kill $(cat /tmp/ch06.pid)
//! Look for: the command returns at once; ppid 1 (or a subreaper), its own
//! session, no tty (`?`); after kill, the pid file is gone.

use nix::errno::Errno;
use nix::fcntl::{open, Flock, FlockArg, OFlag};
use nix::sys::signal::{SigSet, Signal};
use nix::sys::stat::{umask, Mode};
use nix::unistd::{chdir, dup2_stderr, dup2_stdin, dup2_stdout, fork, getpid, pipe, setsid, ForkResult};
use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

fn main() {
    if let Err(e) = run() {
        eprintln!("daemonize: {e}");
        std::process::exit(1);
    }
}

const USAGE: &str = "usage: daemonize --pid-file PATH
Becomes a SysV daemon (fork, setsid, fork again, close fds, chdir /, umask,
stdin/stdout/stderr to /dev/null) holding a flock(2)ed pid file at PATH,
prints its pid and returns. The daemon exits on SIGTERM, removing PATH.
";

/// The pid file's path, or None for --help.
fn pid_file_arg() -> Result<Option<PathBuf>, String> {
    let mut args = std::env::args().skip(1);
    match (args.next().as_deref(), args.next()) {
        (Some("--help" | "-h"), _) => Ok(None),
        (Some("--pid-file"), Some(path)) => {
            // Absolute now: after chdir("/") a relative path would mean something else.
            std::path::absolute(&path).map(Some).map_err(|e| format!("resolving {path}: {e}"))
        }
        _ => Err("usage: daemonize --pid-file PATH (see --help)".into()),
    }
}

fn run() -> Result<(), String> {
    let Some(pid_file) = pid_file_arg()? else {
        print!("{USAGE}");
        return Ok(());
    };
    // The daemon tells the launching process "ready" (or an error) through
    // this pipe, so the launcher exits only once the pid file exists, as
    // systemd's Type=forking expects.
    let (ready_r, ready_w) = pipe().map_err(|e| format!("pipe: {e}"))?;
    std::io::stdout().flush().map_err(|e| format!("flushing stdout: {e}"))?;

    // ANCHOR: first-fork
    // SAFETY: single-threaded program; each child continues with plain code.
    match unsafe { fork() }.map_err(|e| format!("first fork: {e}"))? {
        ForkResult::Parent { child } => {
            drop(ready_w);
            // The middle process exits at once; reap it so it is no zombie.
            nix::sys::wait::waitpid(child, None).map_err(|e| format!("waitpid: {e}"))?;
            let mut message = String::new();
            File::from(ready_r)
                .read_to_string(&mut message)
                .map_err(|e| format!("reading the ready pipe: {e}"))?;
            return match message.strip_prefix("ready ") {
                Some(pid) => {
                    println!("daemon started: pid {}", pid.trim());
                    Ok(())
                }
                None if message.is_empty() => Err("the daemon died before it was ready".into()),
                None => Err(message.trim().to_string()),
            };
        }
        ForkResult::Child => {}
    }
    // ANCHOR_END: first-fork
    drop(ready_r);
    let mut ready = File::from(ready_w);

    // ANCHOR: session
    // We are not a group leader (our parent is), so setsid(2) succeeds: a
    // new session and a new process group, both with our pid, and no
    // controlling terminal. Hangups of the old terminal no longer reach us.
    setsid().map_err(|e| format!("setsid: {e}"))?;
    // Fork again and let the session leader exit: the daemon is then not a
    // session leader, so opening a terminal can never make it its
    // controlling terminal. Its parent has exited, so init (or the nearest
    // subreaper) adopts it.
    // SAFETY: still single-threaded.
    match unsafe { fork() }.map_err(|e| format!("second fork: {e}"))? {
        // SAFETY: _exit only ends the process.
        ForkResult::Parent { .. } => unsafe { libc::_exit(0) },
        ForkResult::Child => {}
    }
    // ANCHOR_END: session
    let lock = match become_daemon(&pid_file, &mut ready) {
        Ok(lock) => lock,
        Err(e) => {
            let _ = writeln!(ready, "daemon setup failed: {e}");
            std::process::exit(1);
        }
    };
    drop(ready); // end-of-file for the launcher: it prints the pid and exits
    wait_for_term(&pid_file, lock)
}

// ANCHOR: detach
fn become_daemon(pid_file: &Path, ready: &mut File) -> Result<Flock<File>, String> {
    // Close whatever else we inherited (a shell or a test harness may leak
    // fds), before we open anything ourselves; keep 0, 1, 2 and the pipe.
    close_inherited_fds(ready.as_raw_fd());
    chdir("/").map_err(|e| format!("chdir /: {e}"))?; // do not keep a directory busy
    umask(Mode::from_bits_truncate(0o027)); // files we create: no write for group, nothing for others
    // Block the signals we wait for *before* saying "ready", so a SIGTERM
    // sent the moment the launcher returns is kept pending, not lost.
    let mut signals = SigSet::empty();
    signals.add(Signal::SIGTERM);
    signals.add(Signal::SIGHUP);
    signals.thread_block().map_err(|e| format!("sigprocmask: {e}"))?;
    let lock = lock_pid_file(pid_file)?;
    // From here on the pid file is ours: remove it if a later step fails.
    let mut rest = || -> Result<(), String> {
        // stdin, stdout and stderr to /dev/null: the terminal may be gone.
        let null = open("/dev/null", OFlag::O_RDWR, Mode::empty()).map_err(|e| format!("/dev/null: {e}"))?;
        dup2_stdin(&null).map_err(|e| format!("dup2 stdin: {e}"))?;
        dup2_stdout(&null).map_err(|e| format!("dup2 stdout: {e}"))?;
        dup2_stderr(&null).map_err(|e| format!("dup2 stderr: {e}"))?;
        write!(ready, "ready {}", getpid()).map_err(|e| format!("writing ready: {e}"))
    };
    if let Err(e) = rest() {
        let _ = fs::remove_file(pid_file);
        return Err(e);
    }
    Ok(lock)
}
// ANCHOR_END: detach

// ANCHOR: pid-file
/// Open the pid file and hold an exclusive flock(2) on it for as long as
/// the daemon lives. A running instance holds the lock, so a second one is
/// refused. A file left behind by a daemon that was SIGKILLed (or by a
/// power cut) is not locked: the kernel drops a flock when the last fd of
/// its open file is closed, which happens when its process dies, however
/// it dies. So a stale file is simply reused. (Chapter 5's exercise
/// `single_instance` builds the same guard.)
fn lock_pid_file(pid_file: &Path) -> Result<Flock<File>, String> {
    let name = pid_file.display();
    loop {
        // No truncate: until we hold the lock, the content is another instance's.
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(pid_file)
            .map_err(|e| format!("opening {name}: {e}"))?;
        let mut lock = match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(lock) => lock,
            Err((mut file, Errno::EWOULDBLOCK)) => {
                let mut pid = String::new();
                let _ = file.read_to_string(&mut pid); // only for the message
                return Err(format!("already running: pid {} holds the lock on {name}", pid.trim()));
            }
            Err((_, e)) => return Err(format!("flock {name}: {e}")),
        };
        // Between our open and our flock, the previous holder may have
        // removed the file on its way out (it does so while still holding
        // the lock). Then we hold a lock on a file with no name, and a new
        // instance would create and lock a fresh one. So the lock counts
        // only if the path still names the very inode we locked: compare
        // fstat(2) of our fd with stat(2) of the path, and start over if not.
        let ours = lock.metadata().map_err(|e| format!("fstat {name}: {e}"))?;
        match fs::metadata(pid_file) {
            Ok(now) if (now.dev(), now.ino()) == (ours.dev(), ours.ino()) => {}
            Ok(_) => continue, // replaced by a newer file
            Err(e) if e.kind() == ErrorKind::NotFound => continue, // removed
            Err(e) => return Err(format!("stat {name}: {e}")),
        }
        lock.set_len(0).map_err(|e| format!("truncating {name}: {e}"))?;
        writeln!(*lock, "{}", getpid()).map_err(|e| format!("writing {name}: {e}"))?;
        return Ok(lock);
    }
}
// ANCHOR_END: pid-file

/// Close every fd above 2 except `keep`, as listed in /proc/self/fd.
fn close_inherited_fds(keep: i32) {
    let fds: Vec<i32> = match fs::read_dir("/proc/self/fd") {
        Ok(dir) => dir
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
            .collect(),
        Err(_) => return,
    };
    for fd in fds.into_iter().filter(|&fd| fd > 2 && fd != keep) {
        // SAFETY: we own no Rust object for these inherited fds (the one
        // read_dir used is already closed, so close just fails with EBADF).
        unsafe { libc::close(fd) };
    }
}

fn wait_for_term(pid_file: &Path, lock: Flock<File>) -> Result<(), String> {
    let mut signals = SigSet::empty();
    signals.add(Signal::SIGTERM);
    signals.add(Signal::SIGHUP);
    loop {
        // sigwait(3): sleep until one of the blocked signals is pending.
        match signals.wait() {
            Ok(Signal::SIGHUP) => continue, // a real daemon would reload its config
            Ok(_) => break,
            Err(_) => break,
        }
    }
    // Remove the file while still holding the lock, then release it. An
    // instance that opened the file just before will find, once it gets the
    // lock, that the path no longer names it, and start over (see
    // lock_pid_file).
    let _ = fs::remove_file(pid_file);
    drop(lock);
    Ok(())
}
