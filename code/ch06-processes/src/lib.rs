//! Shared pieces of the chapter 6 examples (processes): reading `/proc`,
//! waiting for a child with its CPU times (`wait4`), waiting with a timeout
//! through a pidfd, and the exercise wiring.

use std::fs;
use std::io;
use std::os::fd::{AsFd, FromRawFd, OwnedFd};
use std::time::Duration;

/// One field of `/proc/<pid>/status` (or `/proc/self/status` for `None`),
/// e.g. `status_field(None, "VmRSS")` gives `"1234 kB"`. See proc_pid_status(5).
pub fn status_field(pid: Option<u32>, name: &str) -> io::Result<String> {
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/status"),
        None => "/proc/self/status".to_string(),
    };
    let text = fs::read_to_string(&path)?;
    for line in text.lines() {
        if let Some((key, value)) = line.split_once(':') {
            if key == name {
                return Ok(value.trim().to_string());
            }
        }
    }
    Err(io::Error::new(
        io::ErrorKind::NotFound,
        format!("no {name} line in {path}"),
    ))
}

/// This process's resident set size in KiB (`VmRSS` in `/proc/self/status`).
pub fn vm_rss_kib() -> io::Result<u64> {
    let value = status_field(None, "VmRSS")?; // "1234 kB"
    value
        .trim_end_matches(" kB")
        .parse()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("VmRSS {value:?}: {e}")))
}

/// Minor page faults of this process so far: `ru_minflt` from getrusage(2).
pub fn minor_faults() -> io::Result<i64> {
    use nix::sys::resource::{getrusage, UsageWho};
    let usage = getrusage(UsageWho::RUSAGE_SELF).map_err(io::Error::from)?;
    Ok(usage.minor_page_faults())
}

/// What `wait4(2)` tells about a child that ended: its raw wait status and
/// the CPU time it used (Go's `ProcessState.UserTime()` / `SystemTime()`).
#[derive(Debug, Clone, Copy)]
pub struct ChildUsage {
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
    pub user: Duration,
    pub system: Duration,
    pub max_rss_kib: i64,
}

/// Wait for child `pid` and collect its resource usage with wait4(2).
///
/// std's `Child::wait` calls `waitpid`, which throws the rusage away, so we
/// ask the kernel ourselves. The child is reaped here: do not call
/// `Child::wait` on it afterwards.
pub fn wait4_usage(pid: u32) -> io::Result<ChildUsage> {
    let mut status: libc::c_int = 0;
    // SAFETY: all-zero bytes are a valid `rusage` (plain integers).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: wait4(2) writes into the two out-pointers, which point to
        // live, properly typed locals.
        let ret = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
        if ret >= 0 {
            break;
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Ok(ChildUsage {
        exit_code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        signal: libc::WIFSIGNALED(status).then(|| libc::WTERMSIG(status)),
        user: tv(usage.ru_utime),
        system: tv(usage.ru_stime),
        max_rss_kib: usage.ru_maxrss,
    })
}

/// A pidfd for process `pid`: a file descriptor that becomes readable when
/// the process ends. pidfd_open(2), Linux 5.3 and later. It works for any
/// process we may signal, not only our children, and it names *this*
/// process even if its pid is later reused.
pub fn pidfd_open(pid: u32) -> io::Result<OwnedFd> {
    // SAFETY: pidfd_open(pid, flags) takes two integers and returns a new fd or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, 0 as libc::c_uint) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the kernel just gave us this fd; nobody else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

/// Block until `fd` is readable or `timeout` passes; true if readable.
/// With a pidfd, "readable" means "the process has ended". poll(2).
pub fn wait_readable(fd: impl AsFd, timeout: Duration) -> io::Result<bool> {
    use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
    let deadline = std::time::Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        // Round up: truncating 0.4 ms to 0 would make poll return at once,
        // and we would spin until the deadline.
        let ms = PollTimeout::try_from(left.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32)
            .unwrap_or(PollTimeout::MAX);
        let mut fds = [PollFd::new(fd.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, ms) {
            Ok(0) if left.is_zero() => return Ok(false),
            Ok(0) => continue,
            Ok(_) => return Ok(true),
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// Send `signal` through a pidfd: pidfd_send_signal(2). Unlike kill(2) with
/// a pid, it cannot hit another process that reused the number.
pub fn pidfd_send_signal(fd: impl AsFd, signal: i32) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    // SAFETY: pidfd_send_signal(pidfd, sig, info = NULL, flags = 0).
    let ret = unsafe {
        libc::syscall(
            libc::SYS_pidfd_send_signal,
            fd.as_fd().as_raw_fd(),
            signal,
            std::ptr::null::<libc::siginfo_t>(),
            0 as libc::c_uint,
        )
    };
    if ret < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// The reader's files, stubs until solved. Always compiled, so they must build.
/// (`#[path]` on the inline module names its directory, `exercises/` beside `src/`.)
#[path = "../exercises"]
pub mod exercises {
    pub mod pipeline;
    pub mod proc_stat;
    pub mod run_with_timeout;
}

/// Reference answers.
#[path = "../solutions"]
pub mod solutions {
    pub mod pipeline;
    pub mod proc_stat;
    pub mod run_with_timeout;
}

#[cfg(not(feature = "check-exercises"))]
pub use solutions as answers;
#[cfg(feature = "check-exercises")]
pub use exercises as answers;
