//! The book's syscall tracer: runs a command under ptrace(2) and reports every
//! system call it makes, like a small `strace`.
//!
//! How it works (man 2 ptrace):
//! 1. `fork`; the child asks to be traced (`PTRACE_TRACEME`), stops itself with
//!    `SIGSTOP`, then `execv`s the command. If `PTRACE_TRACEME` fails (this
//!    tracer is itself traced, or ptrace is forbidden) or `execv` fails (a
//!    path that does not exist or is not executable), the child sends the
//!    errno up a close-on-exec pipe and exits, and `run` returns the error.
//! 2. The parent (the tracer) waits for that stop, checks that it is a
//!    ptrace-stop of its own tracee, sets options
//!    (`PTRACE_O_TRACESYSGOOD` so syscall stops are told apart from real
//!    `SIGTRAP`s, `PTRACE_O_TRACEEXEC`, `PTRACE_O_EXITKILL`, and with
//!    `follow_forks` `PTRACE_O_TRACEFORK|VFORK|CLONE`) and resumes it with
//!    `PTRACE_SYSCALL`: the kernel stops the tracee again at the entry and at
//!    the exit of its next system call.
//! 3. At each stop the tracer reads the registers (`PTRACE_GETREGS`):
//!    `orig_rax` is the syscall number, `rdi rsi rdx r10 r8 r9` the arguments
//!    and, at the exit stop, `rax` the return value.
//!
//! `run` traces on a thread of its own, which forks the command and waits only
//! for its own children (`__WNOTHREAD`): children the caller started are never
//! reaped by it, and several traces can run at once in one process (as tests
//! do). Events are handed to the caller's thread one at a time; the tracees
//! stay stopped until `on_event` has returned.
//!
//! Limitation: a stop signal aimed at the tracee alone. A tracee attached with
//! `PTRACE_TRACEME` cannot be kept in a group-stop: the tracer can only
//! restart it, and `PTRACE_LISTEN` (which leaves it stopped until a `SIGCONT`)
//! works only for tracees attached with `PTRACE_SEIZE` (man 2 ptrace,
//! "Group-stop"). So `kill -STOP <tracee>` or `kill -TSTP <tracee>` is shown
//! and delivered, but the traced program runs on. Ctrl-Z in a terminal is not
//! affected: it sends `SIGTSTP` to the whole foreground process group, the
//! tracer included, so the tracer stops (and with it the job, the tracee
//! waiting in a ptrace-stop) until `fg` sends `SIGCONT`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::{CString, OsStr, OsString};
use std::fmt;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sys::ptrace;
use nix::unistd::Pid;

/// What to trace.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Also trace the processes and threads the command creates (`-f`).
    pub follow_forks: bool,
}

/// One completed (or, for `exit_group`, never-returning) system call.
#[derive(Debug, Clone, PartialEq)]
pub struct Syscall {
    /// The thread (tid) that made it.
    pub pid: i32,
    /// The x86-64 syscall number (`orig_rax`).
    pub nr: u64,
    /// Its name from the generated table, or `syscall_<nr>`.
    pub name: String,
    /// The six argument registers: rdi, rsi, rdx, r10, r8, r9.
    pub raw_args: [u64; 6],
    /// The arguments decoded for display (strings read from the tracee).
    pub args: Vec<String>,
    /// `rax` at the exit stop; `None` if the call never returned (`exit_group`).
    pub ret: Option<i64>,
}

impl Syscall {
    /// The error number if the call failed (the kernel returned -4095..-1).
    pub fn errno(&self) -> Option<i32> {
        match self.ret {
            Some(r) if (-4095..0).contains(&r) => Some(-r as i32),
            _ => None,
        }
    }
}

impl fmt::Display for Syscall {
    /// `name(arg, arg, …) = ret`, errors as `-1 ENOENT (No such file or directory)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({}) = {}", self.name, self.args.join(", "), format_return(&self.name, self.ret))
    }
}

/// Something the tracer saw.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A system call finished (or a process left through `exit_group`).
    Syscall(Syscall),
    /// A signal was about to be delivered to `pid`; the tracer passes it on.
    Signal { pid: i32, signal: i32 },
    /// A traced process or thread exited with `code`.
    Exited { pid: i32, code: i32 },
    /// A traced process or thread was killed by `signal`.
    Killed { pid: i32, signal: i32 },
    /// The command was started as process `pid`; always the first event, so a
    /// printer can tell the command's lines from its children's.
    Started { pid: i32 },
}

/// How the traced command (the first process) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Exited(i32),
    Killed(i32),
}

impl Outcome {
    /// The exit code a shell would report: the code, or 128 + the signal number.
    pub fn exit_code(self) -> i32 {
        match self {
            Outcome::Exited(code) => code,
            Outcome::Killed(sig) => 128 + sig,
        }
    }
}

/// Why a trace could not run.
#[derive(Debug)]
pub enum Error {
    /// No command was given.
    NoCommand,
    /// The command is not a path and no directory in `$PATH` holds it.
    CommandNotFound(String),
    /// A system call of the tracer itself failed.
    Os { call: String, errno: Errno },
    /// The child could not ask to be traced: `ptrace(PTRACE_TRACEME)` failed.
    TraceMe(Errno),
    /// The child could not run the command: `execv(path)` failed.
    Exec { path: String, errno: Errno },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NoCommand => write!(f, "no command to trace"),
            Error::CommandNotFound(cmd) => write!(f, "cannot find command `{cmd}` (not a path, and not in $PATH)"),
            Error::Os { call, errno } => write!(f, "{call}: {} ({})", errno_name(*errno as i32), strerror(*errno as i32)),
            Error::TraceMe(errno) => write!(
                f,
                "ptrace(PTRACE_TRACEME) failed in the child: {} ({}); is this tracer itself being traced \
                 (strace -f, gdb), or is ptrace forbidden (kernel.yama.ptrace_scope=2 without CAP_SYS_PTRACE, or 3; a seccomp filter)?",
                errno_name(*errno as i32),
                strerror(*errno as i32)
            ),
            Error::Exec { path, errno } => {
                write!(f, "execv(\"{path}\") failed in the child: {} ({})", errno_name(*errno as i32), strerror(*errno as i32))
            }
        }
    }
}

impl std::error::Error for Error {}

fn os_err(call: impl Into<String>) -> impl FnOnce(Errno) -> Error {
    let call = call.into();
    move |errno| Error::Os { call, errno }
}

/// Finds `cmd` as `execvp` would: a name with a `/` is used as it is, any
/// other name is looked up in each directory of `$PATH`.
pub fn resolve_command(cmd: &OsStr) -> Result<PathBuf, Error> {
    if cmd.as_bytes().contains(&b'/') {
        return Ok(PathBuf::from(cmd));
    }
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into());
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join(cmd);
        if is_executable_file(&candidate) {
            return Ok(candidate);
        }
    }
    Err(Error::CommandNotFound(cmd.to_string_lossy().into_owned()))
}

fn is_executable_file(path: &Path) -> bool {
    std::fs::metadata(path).map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0).unwrap_or(false)
}

// ANCHOR: spawn
/// Forks, and in the child asks to be traced, stops, then execs `command`.
/// Returns the child's pid, the path it execs and the read end of a pipe on
/// which the child reports a failed `PTRACE_TRACEME` or `execv` (two `i32`s:
/// which call, then its errno).
fn spawn_traced(command: &[OsString]) -> Result<(Pid, PathBuf, OwnedFd), Error> {
    let path = resolve_command(&command[0])?;
    // Everything the child needs is built before fork: after fork, a child of
    // a multi-threaded process may only make async-signal-safe calls (no malloc).
    let to_c = |s: &OsStr| CString::new(s.as_bytes()).map_err(|_| os_err("argument with a NUL byte")(Errno::EINVAL));
    let c_path = to_c(path.as_os_str())?;
    let c_args = command.iter().map(|a| to_c(a)).collect::<Result<Vec<_>, _>>()?;
    let mut argv: Vec<*const libc::c_char> = c_args.iter().map(|a| a.as_ptr()).collect();
    argv.push(std::ptr::null());
    // Close-on-exec: the traced program never sees it; the parent reads EOF
    // from it unless the child wrote a failure there.
    let (report_r, report_w) = nix::unistd::pipe2(OFlag::O_CLOEXEC).map_err(os_err("pipe2"))?;

    // SAFETY: the child branch only calls async-signal-safe functions
    // (ptrace, write, signal, kill, getpid, execv, _exit) on data prepared above.
    match unsafe { nix::unistd::fork() }.map_err(os_err("fork"))? {
        nix::unistd::ForkResult::Child => unsafe {
            // glibc's ptrace reads (pid_t, void *, void *) with va_arg: pass pointers.
            let null = std::ptr::null_mut::<libc::c_void>();
            if libc::ptrace(libc::PTRACE_TRACEME, 0, null, null) == -1 {
                // Not traced: a SIGSTOP now would stop us for good, and the
                // parent would wait for a ptrace-stop that never comes.
                let failure = [FAILED_TRACEME, *libc::__errno_location()];
                libc::write(report_w.as_raw_fd(), failure.as_ptr().cast(), size_of_val(&failure));
                libc::_exit(126);
            }
            // An ignored signal stays ignored across execv, and Rust's runtime
            // ignores SIGPIPE in the tracer: give the command the default
            // action back, as std's Command does. (The signal mask is passed
            // on unchanged, as by Command and strace.)
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
            libc::kill(libc::getpid(), libc::SIGSTOP); // wait here for the tracer
            libc::execv(c_path.as_ptr(), argv.as_ptr()); // man 3 exec: returns only on error
            let failure = [FAILED_EXEC, *libc::__errno_location()];
            libc::write(report_w.as_raw_fd(), failure.as_ptr().cast(), size_of_val(&failure));
            libc::_exit(127)
        },
        nix::unistd::ForkResult::Parent { child } => Ok((child, path, report_r)),
    }
}
// ANCHOR_END: spawn

/// What the child writes on the report pipe before its errno.
const FAILED_TRACEME: i32 = 1;
const FAILED_EXEC: i32 = 2;

/// Reads the child's report, once it has ended: `Some((which, errno))` if it
/// wrote one, `None` at EOF (its exec succeeded, closing the pipe).
fn read_report(report: &OwnedFd) -> Option<(i32, Errno)> {
    let mut buf = [0u8; 8];
    match nix::unistd::read(report, &mut buf) {
        Ok(8) => Some((
            i32::from_ne_bytes([buf[0], buf[1], buf[2], buf[3]]),
            Errno::from_raw(i32::from_ne_bytes([buf[4], buf[5], buf[6], buf[7]])),
        )),
        _ => None,
    }
}

// ANCHOR: first_stop
/// Waits for the child's first stop and checks it is the SIGSTOP ptrace-stop
/// of a tracee of ours. `WUNTRACED` makes a stop of a child that is *not*
/// traced by us visible too, so no outcome leaves this wait blocked.
fn first_stop(child: Pid, report: &OwnedFd) -> Result<(), Error> {
    use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
    let status = loop {
        match waitpid(child, Some(WaitPidFlag::__WALL | WaitPidFlag::WUNTRACED)) {
            Err(Errno::EINTR) => continue,
            other => break other.map_err(os_err("waitpid(child)"))?,
        }
    };
    let gone = |why: Error| {
        let _ = nix::sys::signal::kill(child, nix::sys::signal::Signal::SIGKILL);
        let _ = waitpid(child, Some(WaitPidFlag::__WALL));
        Err(why)
    };
    match status {
        // A ptrace-stop has siginfo for us; a plain stop gives ESRCH.
        WaitStatus::Stopped(_, nix::sys::signal::Signal::SIGSTOP) => match ptrace::getsiginfo(child) {
            Ok(_) => Ok(()),
            Err(e) => gone(os_err("the child stopped but is not our tracee: ptrace(PTRACE_GETSIGINFO)")(e)),
        },
        WaitStatus::Exited(..) | WaitStatus::Signaled(..) => {
            match read_report(report) {
                Some((FAILED_TRACEME, errno)) => Err(Error::TraceMe(errno)),
                _ => Err(os_err(format!("starting the traced child (it ended: {status:?})"))(Errno::ECHILD)),
            }
        }
        other => gone(os_err(format!("starting the traced child (got {other:?})"))(Errno::ECHILD)),
    }
}
// ANCHOR_END: first_stop

/// What the tracer knows about one traced thread.
#[derive(Default)]
struct Tracee {
    /// Set between a syscall-entry stop and its syscall-exit stop.
    entry: Option<Syscall>,
    /// False until the first stop of an auto-attached child (its SIGSTOP) is seen.
    started: bool,
}

/// One `waitpid` result, decoded (man 2 ptrace, "Stopped states").
enum Stop {
    Syscall(Pid),
    Event(Pid, i32),
    Signal(Pid, i32),
    Exited(Pid, i32),
    Killed(Pid, i32),
}

// ANCHOR: wait
/// Waits for the next child of this thread to stop or end.
fn wait_any() -> Result<Stop, Error> {
    let mut status = 0;
    // __WALL: threads too; __WNOTHREAD: only children of this thread.
    let pid = loop {
        // SAFETY: plain waitpid(2) with a valid pointer to `status`.
        let r = unsafe { libc::waitpid(-1, &mut status, libc::__WALL | libc::__WNOTHREAD) };
        if r >= 0 {
            break Pid::from_raw(r);
        }
        match Errno::last() {
            Errno::EINTR => continue,
            e => return Err(os_err("waitpid(-1, __WALL)")(e)),
        }
    };
    Ok(if libc::WIFEXITED(status) {
        Stop::Exited(pid, libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        Stop::Killed(pid, libc::WTERMSIG(status))
    } else if libc::WSTOPSIG(status) == libc::SIGTRAP | 0x80 {
        Stop::Syscall(pid) // thanks to PTRACE_O_TRACESYSGOOD
    } else if libc::WSTOPSIG(status) == libc::SIGTRAP && status >> 16 != 0 {
        Stop::Event(pid, status >> 16) // PTRACE_EVENT_FORK, _EXEC, …
    } else {
        Stop::Signal(pid, libc::WSTOPSIG(status))
    })
}
// ANCHOR_END: wait

/// Restarts a stopped tracee until its next syscall stop, delivering `signal`
/// (0 for none). A tracee that vanished meanwhile (ESRCH) is not an error:
/// `waitpid` will report its end.
fn resume(pid: Pid, signal: i32) -> Result<(), Error> {
    // glibc's ptrace reads `addr` and `data` as `void *`: the signal number
    // goes in a pointer-sized value.
    let data = std::ptr::without_provenance_mut::<libc::c_void>(signal as usize);
    // SAFETY: PTRACE_SYSCALL dereferences no pointer; `data` is the signal number.
    let r = unsafe { libc::ptrace(libc::PTRACE_SYSCALL, pid.as_raw(), std::ptr::null_mut::<libc::c_void>(), data) };
    match r {
        -1 if Errno::last() != Errno::ESRCH => Err(os_err(format!("ptrace(PTRACE_SYSCALL, {pid})"))(Errno::last())),
        _ => Ok(()),
    }
}

/// Kills and reaps every tracee still known if the trace ends early with an
/// error, so no stopped process is left behind.
struct Reaper<'a>(&'a mut HashMap<Pid, Tracee>);

impl Drop for Reaper<'_> {
    fn drop(&mut self) {
        for pid in self.0.keys() {
            let _ = nix::sys::signal::kill(*pid, nix::sys::signal::Signal::SIGKILL);
        }
        for pid in self.0.keys() {
            let _ = nix::sys::wait::waitpid(*pid, Some(nix::sys::wait::WaitPidFlag::__WALL));
        }
    }
}

/// Runs `command` (program and arguments) under the tracer, calling `on_event`
/// for every system call, signal and exit, and returns how the command ended.
///
/// The tracing is done by a new thread, so that its `waitpid(-1, __WNOTHREAD)`
/// sees only the tracees (children of that thread), never a child the caller
/// started. `on_event` still runs on the caller's thread: the tracer hands it
/// each event and waits until it has returned before resuming the tracee.
pub fn run(command: &[OsString], options: &Options, mut on_event: impl FnMut(&Event)) -> Result<Outcome, Error> {
    if command.is_empty() {
        return Err(Error::NoCommand);
    }
    use std::sync::mpsc::sync_channel;
    std::thread::scope(|scope| {
        let (events, received) = sync_channel::<Event>(0);
        let (done, handled) = sync_channel::<()>(0);
        let tracer = scope.spawn(move || {
            trace_here(command, options, |event| {
                // If the caller's side is gone (on_event panicked), trace on
                // without reporting: the tracees run to their end.
                if events.send(event.clone()).is_ok() {
                    let _ = handled.recv();
                }
            })
        });
        for event in received {
            on_event(&event);
            let _ = done.send(());
        }
        tracer.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Events of the command before its first successful exec, held back: if the
/// exec fails, `run` returns `Error::Exec` and they are never shown.
struct Emitter<F> {
    held: Option<Vec<Event>>,
    on_event: F,
}

impl<F: FnMut(&Event)> Emitter<F> {
    fn emit(&mut self, event: &Event) {
        match &mut self.held {
            Some(held) => held.push(event.clone()),
            None => (self.on_event)(event),
        }
    }

    fn release(&mut self) {
        for event in self.held.take().unwrap_or_default() {
            (self.on_event)(&event);
        }
    }
}

/// `run`'s work, on the thread that forks the command and waits for it.
fn trace_here(command: &[OsString], options: &Options, mut on_event: impl FnMut(&Event)) -> Result<Outcome, Error> {
    let (child, path, report) = spawn_traced(command)?;
    // The child's SIGSTOP: it is now traced and has not exec'd yet.
    first_stop(child, &report)?;
    on_event(&Event::Started { pid: child.as_raw() });
    let mut out = Emitter { held: Some(Vec::new()), on_event };
    let mut tracees: HashMap<Pid, Tracee> = HashMap::new();
    tracees.insert(child, Tracee { entry: None, started: true });
    let reaper = Reaper(&mut tracees);
    let tracees = &mut *reaper.0;
    // Threads and processes already reaped: a FORK/CLONE event may arrive
    // after its child has run and exited (kernel/fork.c wakes the child
    // before it reports the event), and must not bring it back.
    let mut reaped: HashSet<Pid> = HashSet::new();
    // ANCHOR: options
    let mut opts = ptrace::Options::PTRACE_O_TRACESYSGOOD
        | ptrace::Options::PTRACE_O_TRACEEXEC
        | ptrace::Options::PTRACE_O_EXITKILL;
    if options.follow_forks {
        opts |= ptrace::Options::PTRACE_O_TRACEFORK
            | ptrace::Options::PTRACE_O_TRACEVFORK
            | ptrace::Options::PTRACE_O_TRACECLONE;
    }
    ptrace::setoptions(child, opts).map_err(os_err("ptrace(PTRACE_SETOPTIONS)"))?;
    // ANCHOR_END: options
    resume(child, 0)?; // drop the SIGSTOP, stop at the next syscall

    let mut outcome = None;
    while !tracees.is_empty() {
        match wait_any()? {
            // ANCHOR: syscall_stop
            Stop::Syscall(pid) => {
                let regs = match ptrace::getregs(pid) {
                    Ok(regs) => regs,
                    Err(Errno::ESRCH) => continue, // killed meanwhile; waitpid tells
                    Err(e) => return Err(os_err(format!("ptrace(PTRACE_GETREGS, {pid})"))(e)),
                };
                let tracee = tracees.entry(pid).or_insert(Tracee { entry: None, started: true });
                match tracee.entry.take() {
                    // Entry stop: remember the number and the arguments.
                    None => {
                        let nr = regs.orig_rax;
                        let raw_args = [regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9];
                        let name = crate::syscall_name(nr).map_or_else(|| format!("syscall_{nr}"), str::to_owned);
                        let args = decode::args_at_entry(pid, &name, &raw_args);
                        tracee.entry = Some(Syscall { pid: pid.as_raw(), nr, name, raw_args, args, ret: None });
                    }
                    // Exit stop: the return value is in rax.
                    Some(mut call) => {
                        call.ret = Some(regs.rax as i64);
                        decode::args_at_exit(pid, &mut call);
                        out.emit(&Event::Syscall(call));
                    }
                }
                resume(pid, 0)?;
            }
            // ANCHOR_END: syscall_stop
            Stop::Event(pid, event) => {
                if event == libc::PTRACE_EVENT_EXEC {
                    if pid == child {
                        out.release(); // the command runs: its exec succeeded
                    }
                    // A non-leader thread that execs takes over the leader's
                    // tid (man 2 ptrace, "execve(2) under ptrace"); the event
                    // message is its former tid. Its execve is reported under
                    // the new tid, and the leader's unfinished call (it
                    // vanished without an exit stop) as never returning.
                    if let Ok(former) = ptrace::getevent(pid) {
                        let former = Pid::from_raw(former as i32);
                        if former != pid {
                            if let Some(mut t) = tracees.remove(&former) {
                                if let Some(call) = &mut t.entry {
                                    call.pid = pid.as_raw();
                                }
                                if let Some(Tracee { entry: Some(call), .. }) = tracees.insert(pid, t) {
                                    out.emit(&Event::Syscall(call));
                                }
                            }
                        }
                    }
                } else if matches!(event, libc::PTRACE_EVENT_FORK | libc::PTRACE_EVENT_VFORK | libc::PTRACE_EVENT_CLONE) {
                    if let Ok(new) = ptrace::getevent(pid) {
                        // Its first stop (SIGSTOP), or even its end, may already have been seen.
                        let new = Pid::from_raw(new as i32);
                        if !reaped.remove(&new) {
                            tracees.entry(new).or_default();
                        }
                    }
                }
                resume(pid, 0)?;
            }
            Stop::Signal(pid, signal) => {
                let tracee = tracees.entry(pid).or_default();
                if !tracee.started && signal == libc::SIGSTOP {
                    tracee.started = true; // a new child's first stop: swallow it
                    resume(pid, 0)?;
                } else if ptrace::getsiginfo(pid) == Err(Errno::EINVAL) {
                    // A group-stop: the tracee has taken a stopping signal
                    // (SIGSTOP, SIGTSTP…) delivered below. Without
                    // PTRACE_SEIZE there is no PTRACE_LISTEN, so we can only
                    // restart it: a stop aimed at the tracee alone does not
                    // stop it. (Ctrl-Z stops this tracer too, so the job stops.)
                    resume(pid, 0)?;
                } else {
                    out.emit(&Event::Signal { pid: pid.as_raw(), signal });
                    resume(pid, signal)?; // re-inject: the tracee gets its signal
                }
            }
            Stop::Exited(pid, code) => {
                if pid == child && out.held.is_some() {
                    if let Some((FAILED_EXEC, errno)) = read_report(&report) {
                        tracees.remove(&pid);
                        let path = path.to_string_lossy().into_owned();
                        return Err(Error::Exec { path, errno });
                    }
                    out.release();
                }
                ended(tracees, pid, &mut reaped, &mut |e| out.emit(e));
                out.emit(&Event::Exited { pid: pid.as_raw(), code });
                if pid == child {
                    outcome = Some(Outcome::Exited(code));
                }
            }
            Stop::Killed(pid, signal) => {
                if pid == child {
                    out.release();
                }
                ended(tracees, pid, &mut reaped, &mut |e| out.emit(e));
                out.emit(&Event::Killed { pid: pid.as_raw(), signal });
                if pid == child {
                    outcome = Some(Outcome::Killed(signal));
                }
            }
        }
    }
    drop(reaper);
    outcome.ok_or_else(|| os_err("tracing: the command's own exit was never seen")(Errno::ECHILD))
}

/// A tracee is gone: report a syscall it entered and never left (exit_group).
fn ended(tracees: &mut HashMap<Pid, Tracee>, pid: Pid, reaped: &mut HashSet<Pid>, on_event: &mut impl FnMut(&Event)) {
    match tracees.remove(&pid) {
        Some(Tracee { entry: Some(call), .. }) => on_event(&Event::Syscall(call)),
        Some(_) => {}
        None => {
            reaped.insert(pid); // ended before its parent's FORK/CLONE event
        }
    }
}

/// The symbolic name of an error number: `ENOENT`, or one of the
/// kernel-internal restart codes a tracer can see at a syscall-exit stop
/// (`ERESTARTSYS` …, include/linux/errno.h), which a program never sees.
pub fn errno_name(errno: i32) -> String {
    match errno {
        512 => "ERESTARTSYS".into(),
        513 => "ERESTARTNOINTR".into(),
        514 => "ERESTARTNOHAND".into(),
        515 => "ENOIOCTLCMD".into(),
        516 => "ERESTART_RESTARTBLOCK".into(),
        _ => match Errno::from_raw(errno) {
            Errno::UnknownErrno => format!("ERRNO_{errno}"),
            e => format!("{e:?}"),
        },
    }
}

/// The C library's message for an error number (strerror(3)), as std prints it.
pub fn strerror(errno: i32) -> String {
    let text = std::io::Error::from_raw_os_error(errno).to_string();
    text.split(" (os error").next().unwrap_or(&text).to_owned()
}

/// A return value as strace shows it: `3`, `0x7f…` for addresses,
/// `-1 ENOENT (No such file or directory)` for errors, `?` for none.
pub fn format_return(name: &str, ret: Option<i64>) -> String {
    let Some(r) = ret else { return "?".into() };
    if (-4095..0).contains(&r) {
        let errno = -r as i32;
        return match errno {
            512 => "? ERESTARTSYS (To be restarted if SA_RESTART is set)".into(),
            513 => "? ERESTARTNOINTR (To be restarted)".into(),
            514 => "? ERESTARTNOHAND (To be restarted if no handler)".into(),
            516 => "? ERESTART_RESTARTBLOCK (Interrupted by signal)".into(),
            _ => format!("-1 {} ({})", errno_name(errno), strerror(errno)),
        };
    }
    match name {
        "mmap" | "mremap" | "brk" | "shmat" => format!("{r:#x}"),
        _ => r.to_string(),
    }
}

/// A signal's name: `SIGCHLD`, `SIGRT_1`.
pub fn signal_name(signal: i32) -> String {
    match nix::sys::signal::Signal::try_from(signal) {
        Ok(s) => s.as_str().to_owned(),
        // The kernel's real-time signals 32..=64 (glibc keeps 32 and 33 for itself).
        Err(_) if (32..=64).contains(&signal) => format!("SIGRT_{}", signal - 32),
        Err(_) => format!("signal {signal}"),
    }
}

/// Turns events into the tracer's output lines, strace style. With
/// `follow_forks`, lines from any process but the command itself (the pid of
/// [`Event::Started`]) start `[pid N] `.
#[derive(Debug, Default)]
pub struct Printer {
    follow_forks: bool,
    command_pid: Option<i32>,
}

impl Printer {
    pub fn new(follow_forks: bool) -> Self {
        Printer { follow_forks, command_pid: None }
    }

    /// The line for `event` (no trailing newline); `None` for `Started`,
    /// which prints nothing but must be passed here even when filtering.
    pub fn line(&mut self, event: &Event) -> Option<String> {
        let pid = match event {
            Event::Started { pid } => {
                self.command_pid = Some(*pid);
                return None;
            }
            Event::Syscall(c) => c.pid,
            Event::Signal { pid, .. } | Event::Exited { pid, .. } | Event::Killed { pid, .. } => *pid,
        };
        let child = self.command_pid.is_some_and(|command| pid != command);
        let prefix = if self.follow_forks && child { format!("[pid {pid}] ") } else { String::new() };
        let body = match event {
            Event::Syscall(call) => call.to_string(),
            Event::Signal { signal, .. } => format!("--- {} ---", signal_name(*signal)),
            Event::Exited { code, .. } => format!("+++ exited with {code} +++"),
            Event::Killed { signal, .. } => format!("+++ killed by {} +++", signal_name(*signal)),
            Event::Started { .. } => unreachable!("returned above"),
        };
        Some(prefix + &body)
    }
}

// ANCHOR: summary
/// Counts of calls and errors per syscall name, for `trace -c`.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    counts: BTreeMap<String, (u64, u64)>,
}

impl Summary {
    /// Counts `call` if it returned. Like `strace -c`, a call that never
    /// returned (`exit_group`, or a thread's `futex` cut short by the exit of
    /// its process) is not counted.
    pub fn add(&mut self, call: &Syscall) {
        if call.ret.is_none() {
            return;
        }
        let entry = self.counts.entry(call.name.clone()).or_default();
        entry.0 += 1;
        if call.errno().is_some() {
            entry.1 += 1;
        }
    }

    /// `(name, calls, errors)`, most-called first, then by name.
    pub fn rows(&self) -> Vec<(String, u64, u64)> {
        let mut rows: Vec<_> = self.counts.iter().map(|(n, &(c, e))| (n.clone(), c, e)).collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        rows
    }

    /// How many times `name` was called.
    pub fn calls(&self, name: &str) -> u64 {
        self.counts.get(name).map_or(0, |c| c.0)
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rule = "--------- --------- ----------------";
        writeln!(f, "{:>9} {:>9} syscall", "calls", "errors")?;
        writeln!(f, "{rule}")?;
        let (mut calls, mut errors) = (0, 0);
        for (name, c, e) in self.rows() {
            let e_text = if e == 0 { String::new() } else { e.to_string() };
            writeln!(f, "{c:>9} {e_text:>9} {name}")?;
            calls += c;
            errors += e;
        }
        writeln!(f, "{rule}")?;
        let e_text = if errors == 0 { String::new() } else { errors.to_string() };
        writeln!(f, "{calls:>9} {e_text:>9} total")
    }
}
// ANCHOR_END: summary

/// Turning raw argument registers into readable text.
mod decode {
    use super::Syscall;
    use nix::sys::ptrace;
    use nix::unistd::Pid;

    /// How to show one argument.
    #[derive(Clone, Copy)]
    enum Arg {
        Int,      // signed int (fd, count, pid…)
        Off,      // off_t / loff_t: a signed 64-bit offset or length
        Whence,   // lseek's SEEK_SET, SEEK_CUR…
        Uint,     // size_t
        Hex,      // flags, opaque numbers
        Ptr,      // address: NULL or 0x…
        DirFd,    // AT_FDCWD or an fd
        Str,      // NUL-terminated string in the tracee
        WBuf,     // buffer the call reads, length in the next argument
        RBuf,     // buffer the call fills, shown at exit with `ret` bytes
        Argv,     // NULL-terminated array of strings
        Mode,     // octal permissions
        OpenFlags,
        Prot,
        MapFlags,
        Signal,
        ArchCode, // arch_prctl's first argument
    }
    use Arg::*;

    /// Argument lists of common syscalls (from their man pages, section 2).
    /// Others are shown as three hex numbers.
    fn spec(name: &str) -> Option<&'static [Arg]> {
        Some(match name {
            "read" | "getdents64" => &[Int, RBuf, Uint],
            "write" => &[Int, WBuf, Uint],
            "pread64" => &[Int, RBuf, Uint, Off],
            "pwrite64" => &[Int, WBuf, Uint, Off],
            "readv" | "writev" => &[Int, Ptr, Int],
            "open" => &[Str, OpenFlags, Mode],
            "openat" => &[DirFd, Str, OpenFlags, Mode],
            "close" | "dup" | "fsync" | "fdatasync" | "fchdir" => &[Int],
            "dup2" => &[Int, Int],
            "dup3" => &[Int, Int, Hex],
            "stat" | "lstat" | "statfs" => &[Str, Ptr],
            "fstat" | "fstatfs" => &[Int, Ptr],
            "newfstatat" => &[DirFd, Str, Ptr, Hex],
            "statx" => &[DirFd, Str, Hex, Hex, Ptr],
            "access" => &[Str, Int],
            "faccessat" => &[DirFd, Str, Int],
            "faccessat2" => &[DirFd, Str, Int, Hex],
            "readlink" => &[Str, RBuf, Uint],
            "readlinkat" => &[DirFd, Str, RBuf, Uint],
            "getcwd" => &[RBuf, Uint],
            "chdir" | "rmdir" | "unlink" => &[Str],
            "mkdir" => &[Str, Mode],
            "mkdirat" => &[DirFd, Str, Mode],
            "unlinkat" => &[DirFd, Str, Hex],
            "rename" => &[Str, Str],
            "lseek" => &[Int, Off, Whence],
            "ftruncate" => &[Int, Off],
            "truncate" => &[Str, Off],
            "fallocate" => &[Int, Hex, Off, Off],
            "fcntl" => &[Int, Int, Hex],
            "ioctl" => &[Int, Hex, Ptr],
            "poll" => &[Ptr, Uint, Int],
            "mmap" => &[Ptr, Uint, Prot, MapFlags, Int, Hex],
            "mprotect" => &[Ptr, Uint, Prot],
            "munmap" => &[Ptr, Uint],
            "mremap" => &[Ptr, Uint, Uint, Hex, Ptr],
            "madvise" => &[Ptr, Uint, Int],
            "brk" => &[Ptr],
            "rt_sigaction" => &[Signal, Ptr, Ptr, Uint],
            "rt_sigprocmask" => &[Int, Ptr, Ptr, Uint],
            "sigaltstack" => &[Ptr, Ptr],
            "kill" => &[Int, Signal],
            "tgkill" => &[Int, Int, Signal],
            "pipe" => &[Ptr],
            "pipe2" => &[Ptr, Hex],
            "socket" => &[Int, Int, Int],
            "connect" | "bind" => &[Int, Ptr, Uint],
            "listen" => &[Int, Int],
            "accept" => &[Int, Ptr, Ptr],
            "accept4" => &[Int, Ptr, Ptr, Hex],
            "sendto" => &[Int, WBuf, Uint, Hex, Ptr, Uint],
            "recvfrom" => &[Int, RBuf, Uint, Hex, Ptr, Ptr],
            "execve" => &[Str, Argv, Ptr],
            "exit" | "exit_group" => &[Int],
            "wait4" => &[Int, Ptr, Hex, Ptr],
            "clone" => &[Hex, Ptr, Ptr, Ptr, Hex],
            "clone3" => &[Ptr, Uint],
            "arch_prctl" => &[ArchCode, Ptr],
            "set_tid_address" => &[Ptr],
            "set_robust_list" => &[Ptr, Uint],
            "rseq" => &[Ptr, Uint, Int, Hex],
            "prlimit64" => &[Int, Int, Ptr, Ptr],
            "getrandom" => &[Ptr, Uint, Hex],
            "futex" => &[Ptr, Int, Int, Ptr],
            "sched_getaffinity" => &[Int, Uint, Ptr],
            "clock_gettime" | "clock_getres" => &[Int, Ptr],
            "clock_nanosleep" => &[Int, Int, Ptr, Ptr],
            "nanosleep" => &[Ptr, Ptr],
            "epoll_create1" | "eventfd2" => &[Hex],
            "epoll_ctl" => &[Int, Int, Int, Ptr],
            "epoll_wait" => &[Int, Ptr, Int, Int],
            "uname" | "sysinfo" => &[Ptr],
            "prctl" => &[Int, Hex, Hex, Hex, Hex],
            "getpid" | "getppid" | "gettid" | "getuid" | "geteuid" | "getgid" | "getegid" | "fork"
            | "vfork" | "sched_yield" | "pause" | "rt_sigreturn" | "setsid" | "getpgrp" => &[],
            _ => return None,
        })
    }

    /// Bytes of a string or buffer shown before `...`.
    const SHOW: usize = 32;

    pub(super) fn args_at_entry(pid: Pid, name: &str, raw: &[u64; 6]) -> Vec<String> {
        let Some(spec) = spec(name) else {
            return raw[..3].iter().map(|a| format!("{a:#x}")).collect();
        };
        let mut args: Vec<String> = spec
            .iter()
            .enumerate()
            .map(|(i, kind)| match kind {
                RBuf => format!("{:#x}", raw[i]), // filled in at exit
                WBuf => buffer(pid, raw[i], raw[i + 1] as usize),
                _ => one(pid, *kind, raw[i]),
            })
            .collect();
        // open's mode argument means something only when a file may be created.
        let flags = match name {
            "open" => raw[1],
            "openat" => raw[2],
            _ => return args,
        } as i32;
        if flags & libc::O_CREAT == 0 && flags & libc::O_TMPFILE != libc::O_TMPFILE {
            args.pop();
        }
        args
    }

    /// Buffers the kernel filled are readable only at the exit stop.
    pub(super) fn args_at_exit(pid: Pid, call: &mut Syscall) {
        let Some(spec) = spec(&call.name) else { return };
        let ret = call.ret.unwrap_or(-1);
        for (i, kind) in spec.iter().enumerate() {
            if let RBuf = kind {
                if ret >= 0 {
                    call.args[i] = buffer(pid, call.raw_args[i], ret as usize);
                }
            }
        }
    }

    fn one(pid: Pid, kind: Arg, a: u64) -> String {
        match kind {
            Int => (a as i64 as i32).to_string(),
            Off => (a as i64).to_string(),
            Whence => match a as i32 {
                libc::SEEK_SET => "SEEK_SET".into(),
                libc::SEEK_CUR => "SEEK_CUR".into(),
                libc::SEEK_END => "SEEK_END".into(),
                libc::SEEK_DATA => "SEEK_DATA".into(),
                libc::SEEK_HOLE => "SEEK_HOLE".into(),
                w => w.to_string(),
            },
            Uint => a.to_string(),
            Hex if a == 0 => "0".into(),
            Hex => format!("{a:#x}"),
            Ptr => pointer(a),
            DirFd if a as i32 == libc::AT_FDCWD => "AT_FDCWD".into(),
            DirFd => (a as i32).to_string(),
            Str if a == 0 => "NULL".into(),
            Str => match read_bytes(pid, a, SHOW + 1, true) {
                Some(b) => quote(&b[..b.len().min(SHOW)], b.len() > SHOW),
                None => pointer(a),
            },
            Argv => argv(pid, a),
            Mode if a == 0 => "0".into(),
            Mode => format!("0{a:o}"),
            ArchCode => match a {
                0x1001 => "ARCH_SET_GS".into(),
                0x1002 => "ARCH_SET_FS".into(),
                0x1003 => "ARCH_GET_FS".into(),
                0x1004 => "ARCH_GET_GS".into(),
                _ => format!("{a:#x}"),
            },
            OpenFlags => open_flags(a as i32),
            Prot => flags(a, &[(libc::PROT_READ, "PROT_READ"), (libc::PROT_WRITE, "PROT_WRITE"), (libc::PROT_EXEC, "PROT_EXEC")], "PROT_NONE"),
            MapFlags => flags(
                a,
                &[
                    (libc::MAP_SHARED, "MAP_SHARED"),
                    (libc::MAP_PRIVATE, "MAP_PRIVATE"),
                    (libc::MAP_FIXED, "MAP_FIXED"),
                    (libc::MAP_ANONYMOUS, "MAP_ANONYMOUS"),
                    (libc::MAP_DENYWRITE, "MAP_DENYWRITE"),
                    (libc::MAP_NORESERVE, "MAP_NORESERVE"),
                    (libc::MAP_STACK, "MAP_STACK"),
                    (libc::MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE"),
                ],
                "0",
            ),
            Signal => super::signal_name(a as i32),
            RBuf | WBuf => unreachable!("buffers are decoded with their length"),
        }
    }

    fn pointer(a: u64) -> String {
        if a == 0 { "NULL".into() } else { format!("{a:#x}") }
    }

    fn buffer(pid: Pid, addr: u64, len: usize) -> String {
        if addr == 0 {
            return "NULL".into();
        }
        match read_bytes(pid, addr, len.min(SHOW), false) {
            Some(b) => quote(&b, len > SHOW),
            None => pointer(addr),
        }
    }

    fn argv(pid: Pid, addr: u64) -> String {
        let mut items = Vec::new();
        for i in 0..8u64 {
            let Ok(p) = ptrace::read(pid, (addr + 8 * i) as ptrace::AddressType) else { return pointer(addr) };
            if p == 0 {
                return format!("[{}]", items.join(", "));
            }
            items.push(one(pid, Str, p as u64));
        }
        format!("[{}, ...]", items.join(", "))
    }

    /// Reads up to `max` bytes of the tracee's memory one word at a time
    /// (PTRACE_PEEKDATA), stopping after a NUL if `c_string`. The words read
    /// are aligned, so none straddles two pages: bytes up to the end of a
    /// mapping are read even if the next page is unmapped, and a failed read
    /// keeps what came before it (`None` only if nothing was readable).
    fn read_bytes(pid: Pid, addr: u64, max: usize, c_string: bool) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(max);
        let mut at = addr & !7;
        let mut skip = (addr - at) as usize; // bytes of the first word before `addr`
        while out.len() < max {
            let Ok(word) = ptrace::read(pid, at as ptrace::AddressType) else {
                return if out.is_empty() { None } else { Some(out) };
            };
            for byte in word.to_ne_bytes().into_iter().skip(skip) {
                if (c_string && byte == 0) || out.len() == max {
                    return Some(out);
                }
                out.push(byte);
            }
            skip = 0;
            at += 8;
        }
        Some(out)
    }

    /// `"text\n"` with C escapes, and `...` after it if cut short.
    fn quote(bytes: &[u8], truncated: bool) -> String {
        let mut s = String::from("\"");
        for (i, &b) in bytes.iter().enumerate() {
            match b {
                b'\n' => s.push_str("\\n"),
                b'\t' => s.push_str("\\t"),
                b'\r' => s.push_str("\\r"),
                b'"' => s.push_str("\\\""),
                b'\\' => s.push_str("\\\\"),
                0x20..=0x7e => s.push(b as char),
                _ => {
                    // Octal, as strace does; three digits if a digit follows.
                    let next_is_digit = bytes.get(i + 1).is_some_and(|n| (b'0'..=b'7').contains(n));
                    if next_is_digit { s.push_str(&format!("\\{b:03o}")) } else { s.push_str(&format!("\\{b:o}")) }
                }
            }
        }
        s.push('"');
        if truncated {
            s.push_str("...");
        }
        s
    }

    fn flags(value: u64, known: &[(i32, &str)], zero: &str) -> String {
        let mut rest = value as i32;
        let mut parts = Vec::new();
        for &(bit, name) in known {
            if bit != 0 && rest & bit == bit {
                parts.push(name.to_string());
                rest &= !bit;
            }
        }
        if rest != 0 {
            parts.push(format!("{rest:#x}"));
        }
        if parts.is_empty() { zero.into() } else { parts.join("|") }
    }

    fn open_flags(f: i32) -> String {
        let access = match f & libc::O_ACCMODE {
            libc::O_RDONLY => "O_RDONLY",
            libc::O_WRONLY => "O_WRONLY",
            _ => "O_RDWR",
        };
        let rest = flags(
            (f & !libc::O_ACCMODE) as u64,
            &[
                (libc::O_CREAT, "O_CREAT"),
                (libc::O_EXCL, "O_EXCL"),
                (libc::O_NOCTTY, "O_NOCTTY"),
                (libc::O_TRUNC, "O_TRUNC"),
                (libc::O_APPEND, "O_APPEND"),
                (libc::O_NONBLOCK, "O_NONBLOCK"),
                (libc::O_DIRECTORY, "O_DIRECTORY"),
                (libc::O_NOFOLLOW, "O_NOFOLLOW"),
                (libc::O_CLOEXEC, "O_CLOEXEC"),
                (libc::O_PATH, "O_PATH"),
            ],
            "",
        );
        if rest.is_empty() { access.into() } else { format!("{access}|{rest}") }
    }
}

#[cfg(test)]
mod tests {
    use nix::unistd::Pid;

    #[test]
    fn off_t_arguments_are_decoded_at_full_width() {
        // lseek(3, 5 GiB, SEEK_SET): no memory is read for integers, so any pid will do.
        let args = super::decode::args_at_entry(Pid::from_raw(1), "lseek", &[3, 5 << 30, 0, 0, 0, 0]);
        assert_eq!(args, ["3", "5368709120", "SEEK_SET"]);
        let args = super::decode::args_at_entry(Pid::from_raw(1), "lseek", &[3, -4096i64 as u64, 2, 0, 0, 0]);
        assert_eq!(args, ["3", "-4096", "SEEK_END"]);
        let args = super::decode::args_at_entry(Pid::from_raw(1), "ftruncate", &[4, 5 << 30, 0, 0, 0, 0]);
        assert_eq!(args, ["4", "5368709120"]);
    }
}
