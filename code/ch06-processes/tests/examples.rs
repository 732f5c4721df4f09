//! Tests of the chapter 6 example programs. Each runs the example binary as
//! a child process, so forks, signals and process-wide state (signal masks,
//! sessions) stay inside that child and parallel tests cannot disturb each
//! other. Nothing is left running: servers and daemons sit in guards that
//! kill them on drop, even when an assertion fails.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use ch06_processes::{pidfd_open, pidfd_send_signal, wait_readable};

fn bin(name: &str) -> Command {
    let path = match name {
        "posix-cat" => env!("CARGO_BIN_EXE_posix-cat"),
        "process-identity" => env!("CARGO_BIN_EXE_process-identity"),
        "pipeline-group" => env!("CARGO_BIN_EXE_pipeline-group"),
        "command-basics" => env!("CARGO_BIN_EXE_command-basics"),
        "stream-lines" => env!("CARGO_BIN_EXE_stream-lines"),
        "child-rusage" => env!("CARGO_BIN_EXE_child-rusage"),
        "timeout-kill" => env!("CARGO_BIN_EXE_timeout-kill"),
        "is-terminal-colors" => env!("CARGO_BIN_EXE_is-terminal-colors"),
        "fork-basics" => env!("CARGO_BIN_EXE_fork-basics"),
        "fork-exec" => env!("CARGO_BIN_EXE_fork-exec"),
        "fork-with-threads" => env!("CARGO_BIN_EXE_fork-with-threads"),
        "cow-measure" => env!("CARGO_BIN_EXE_cow-measure"),
        "zombie" => env!("CARGO_BIN_EXE_zombie"),
        "ls-wc-pipeline" => env!("CARGO_BIN_EXE_ls-wc-pipeline"),
        "prefork-server" => env!("CARGO_BIN_EXE_prefork-server"),
        "daemonize" => env!("CARGO_BIN_EXE_daemonize"),
        "spawn-true" => env!("CARGO_BIN_EXE_spawn-true"),
        "processes-bench" => env!("CARGO_BIN_EXE_processes-bench"),
        "binary-sizes" => env!("CARGO_BIN_EXE_binary-sizes"),
        other => panic!("unknown binary {other}"),
    };
    let mut cmd = Command::new(path);
    cmd.stdin(Stdio::null());
    cmd
}

fn run_ok(name: &str, args: &[&str]) -> String {
    let out = bin(name).args(args).output().unwrap_or_else(|e| panic!("running {name}: {e}"));
    assert!(out.status.success(), "{name} failed: {}\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// The number after `key` in `text`, e.g. number_after("pid 12, x", "pid ") == 12.
fn number_after(text: &str, key: &str) -> i64 {
    let rest = &text[text.find(key).unwrap_or_else(|| panic!("no {key:?} in {text:?}")) + key.len()..];
    let digits: String = rest.trim_start().chars().take_while(|c| c.is_ascii_digit() || *c == '-').collect();
    digits.parse().unwrap_or_else(|e| panic!("number after {key:?} in {text:?}: {e}"))
}

#[test]
fn cat_reads_files_then_stdin_and_reports_a_missing_file_by_name_but_continues() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "first\n").unwrap();
    std::fs::write(dir.path().join("b.txt"), "last\n").unwrap();
    let mut child = bin("posix-cat")
        .args(["a.txt", "missing.txt", "-", "b.txt"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"typed\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "first\ntyped\nlast\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("posix-cat: missing.txt: "), "stderr: {err}");
    assert_eq!(err.lines().count(), 1);
    assert_eq!(out.status.code(), Some(1));
}

/// A failing *output* is not the input file's fault: GNU cat says
/// "write error" once and stops, instead of blaming each operand in turn.
#[test]
fn cat_reports_a_write_error_once_as_such_and_stops() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        skip("no /dev/full to write to (it is a standard Linux device: mknod -m 666 /dev/full c 1 7)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "first\n").unwrap();
    std::fs::write(dir.path().join("b.txt"), "last\n").unwrap();
    let out = bin("posix-cat").args(["a.txt", "b.txt"]).current_dir(dir.path()).stdout(full).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("posix-cat: write error: "), "stderr: {err}");
    assert_eq!(err.lines().count(), 1, "stderr: {err}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn cat_without_operands_copies_stdin_and_exits_zero() {
    let mut child = bin("posix-cat").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"x\ny\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.stdout, b"x\ny\n");
    assert!(out.status.success());
}

/// File names are bytes, not UTF-8: an operand like `$'\xff'` must be
/// opened (or reported) like any other, not panic in `std::env::args`.
#[test]
fn cat_takes_operands_that_are_not_utf8() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = OsStr::from_bytes(b"caf\xe9.txt"); // Latin-1, not UTF-8
    std::fs::write(dir.path().join(name), "latin-1 name\n").unwrap();
    let out = bin("posix-cat").arg(name).current_dir(dir.path()).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "latin-1 name\n", "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let out = bin("posix-cat").arg(OsStr::from_bytes(b"\xff")).current_dir(dir.path()).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("posix-cat: \u{FFFD}: "), "stderr: {err}");
    assert_eq!(out.status.code(), Some(1), "stderr: {err}");
}

/// `--help` is an option, `--` ends the options (XBD 12.2): after it a
/// file named `-h` is an operand; an unknown option is a usage error.
#[test]
fn cat_answers_help_and_reads_an_operand_named_like_an_option_after_double_dash() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("-h"), "a file named -h\n").unwrap();
    let help = run_ok("posix-cat", &["--help"]);
    assert!(help.starts_with("usage: posix-cat "), "stdout: {help}");
    let out = bin("posix-cat").args(["--", "-h"]).current_dir(dir.path()).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "a file named -h\n", "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0));
    let out = bin("posix-cat").arg("-x").current_dir(dir.path()).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown option -x") && err.contains("--help"), "stderr: {err}");
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
}

#[test]
fn identity_takes_arguments_that_are_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let out = bin("process-identity").arg(std::ffi::OsStr::from_bytes(b"\xff")).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(r#", "\xFF"]"#), "{text}");
}

#[test]
fn identity_reports_our_pid_as_ppid_our_group_our_cwd_and_exits_with_the_arg_count() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin("process-identity").args(["one", "two", "three"]).current_dir(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(number_after(&text, "ppid"), std::process::id() as i64);
    assert_eq!(number_after(&text, "pgid"), nix::unistd::getpgrp().as_raw() as i64);
    assert_eq!(number_after(&text, "uid"), nix::unistd::getuid().as_raw() as i64);
    let cwd = dir.path().canonicalize().unwrap();
    assert!(text.contains(&format!("cwd     {}", cwd.display())), "{text}");
    assert!(text.contains("exe     ") && text.contains("process-identity"), "{text}");
    assert!(text.contains(r#"args    [""#) && text.contains(r#""one", "two", "three"]"#), "{text}");
}

#[test]
fn both_sides_of_a_pipe_share_a_process_group_with_and_without_job_control() {
    let text = run_ok("pipeline-group", &[]);
    assert!(text.contains("same group: true, led by a: true"), "{text}");
    assert!(text.contains("same group: true, ours: true"), "{text}");
}

#[test]
fn command_reports_exit_codes_output_signals_and_spawn_errors() {
    let text = run_ok("command-basics", &[]);
    assert!(text.contains("status: exit status: 3, code Some(3), success false"), "{text}");
    assert!(text.contains(r#"stdout: "hello child from /\n""#), "{text}");
    assert!(text.contains(r#"stderr: "oops\n""#), "{text}");
    assert!(text.contains("killed: code None, signal Some(9)"), "{text}");
    assert!(text.contains("spawn failed: NotFound"), "{text}");
}

#[test]
fn lines_are_streamed_while_the_child_runs() {
    let text = run_ok("stream-lines", &[]);
    let times: Vec<u64> = text
        .lines()
        .filter(|l| l.contains("ms  "))
        .map(|l| l.trim_start().split("ms").next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(times.len(), 4, "{text}");
    // Each `sleep 0.1` separates two lines: had we read only at the end,
    // all four would carry the same time.
    assert!(times[3] >= times[0] + 250, "lines were not streamed: {text}");
    assert!(text.contains("tick 3") && text.ends_with("child: exit status: 0\n"), "{text}");
}

#[test]
fn wait4_reports_the_childrens_cpu_times() {
    let text = run_ok("child-rusage", &[]);
    assert!(text.contains("sh loop  exit Some(0)"), "{text}");
    assert!(text.contains("dd bs=1  exit Some(0)"), "{text}");
    assert!(text.contains("children user "), "{text}");
    // What the page teaches: the shell loop is user time, dd bs=1 (a read and
    // a write per byte) mostly system time.
    let ms = |line: &str, key: &str| number_after(line, key);
    let sh = text.lines().find(|l| l.starts_with("sh loop")).expect(&text);
    let dd = text.lines().find(|l| l.starts_with("dd bs=1")).expect(&text);
    assert!(ms(sh, "user") > ms(sh, "system"), "the shell loop should be mostly user time: {sh}");
    assert!(ms(dd, "system") > ms(dd, "user"), "dd bs=1 should be mostly system time: {dd}");
}

#[test]
fn a_child_past_its_deadline_is_killed_and_a_quick_one_is_not() {
    let text = run_ok("timeout-kill", &[]);
    assert!(text.contains("sleep 0.05 killed: false  code Some(0)"), "{text}");
    assert!(text.contains("sleep 10   killed: true   code None  signal Some(9)"), "{text}");
}

#[test]
fn no_colour_codes_when_stdout_is_a_pipe() {
    let text = run_ok("is-terminal-colors", &[]);
    assert!(text.contains("stdout is a terminal: false"), "{text}");
    assert!(!text.contains('\x1b'), "escape codes in piped output: {text:?}");
    assert!(text.contains("Be OS"), "{text}");
}

#[test]
fn fork_gives_the_child_a_copy_and_the_parent_its_exit_code() {
    let text = run_ok("fork-basics", &[]);
    let parent = number_after(&text, "parent: pid");
    assert_eq!(number_after(&text, "ppid"), parent, "{text}");
    assert!(text.contains("counter = 100"), "{text}");
    assert!(text.contains("exited with 7, counter = 1"), "{text}");
}

#[test]
fn exec_keeps_the_pid() {
    let text = run_ok("fork-exec", &[]);
    assert_eq!(number_after(&text, "before exec: fork-exec, pid"), number_after(&text, "I am sh, pid"), "{text}");
    assert!(text.contains("parent: child exited with 0"), "{text}");
}

#[test]
fn a_forked_child_of_a_threaded_process_finds_a_lock_nobody_will_release() {
    let text = run_ok("fork-with-threads", &[]);
    assert!(text.contains("parent: Threads: 2"), "{text}");
    assert!(text.contains("child:  Threads: 1, try_lock: WouldBlock"), "{text}");
    assert!(text.contains("released the mutex: true"), "{text}");
}

#[test]
fn writing_after_fork_faults_once_per_page_and_turns_shared_into_private() {
    let text = run_ok("cow-measure", &["8"]); // 8 MiB = 2048 pages
    let after = text.lines().find(|l| l.starts_with("child after writing")).expect(&text);
    assert!(number_after(after, "minor faults") >= 2048, "{text}");
    let at_fork = text.lines().find(|l| l.starts_with("child after fork")).expect(&text);
    assert!(number_after(at_fork, "shared") >= 8 * 1024, "{text}");
    assert!(number_after(after, "private") >= 8 * 1024, "{text}");
    assert!(text.contains("parent: buffer still holds 1"), "{text}");
}

#[test]
fn an_unwaited_child_is_a_zombie_until_waitpid_reaps_it() {
    let text = run_ok("zombie", &[]);
    assert!(text.contains("State: Z (zombie)"), "{text}");
    assert!(text.contains("waitpid: exited with 42"), "{text}");
    assert!(text.contains("is gone: true"), "{text}");
}

#[test]
fn the_hand_built_pipeline_counts_like_the_shells() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..7 {
        std::fs::write(dir.path().join(format!("f{i}")), "").unwrap();
    }
    for target in [dir.path(), Path::new("/usr/bin")] {
        let ours = run_ok("ls-wc-pipeline", &[target.to_str().unwrap()]);
        let shell = Command::new("sh").arg("-c").arg("ls \"$1\" | wc -l").arg("sh").arg(target).output().unwrap();
        assert_eq!(ours, String::from_utf8_lossy(&shell.stdout), "for {}", target.display());
    }
    assert_eq!(run_ok("ls-wc-pipeline", &[dir.path().to_str().unwrap()]).trim(), "7");
}

/// `yes | head -n 1` through the hand-built pipeline: fake `ls` and `wc`
/// scripts first in PATH exec `yes` (writes forever) and `head -n 1` (reads
/// one line and exits). The writer stops only when its write fails with
/// SIGPIPE/EPIPE, which needs *every* copy of the read end closed, its own
/// included. A writer that inherited the read end blocks forever on a full
/// pipe, so the run is bounded: after 10 s the whole process group is killed
/// and the test fails instead of hanging.
#[test]
fn the_hand_built_pipeline_ends_when_the_reader_exits_first() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in [("ls", "exec yes\n"), ("wc", "exec head -n 1\n")] {
        let path = dir.path().join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!("{}:{}", dir.path().display(), std::env::var("PATH").unwrap_or_default());
    let mut child = bin("ls-wc-pipeline")
        .env("PATH", path)
        .process_group(0) // so a timeout can kill `yes` and `head` too
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pidfd = pidfd_open(child.id()).unwrap();
    if !wait_readable(&pidfd, Duration::from_secs(10)).unwrap() {
        let _ = nix::sys::signal::killpg(nix::unistd::Pid::from_raw(child.id() as i32), nix::sys::signal::SIGKILL);
        let _ = child.wait();
        panic!("the pipeline did not finish within 10 s: the writer still holds a copy of the read end");
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "y\n");
    assert!(out.status.success(), "{}: {}", out.status, String::from_utf8_lossy(&out.stderr));
}

/// Kills a child server on drop, so a failing assertion leaves nothing behind.
struct KillOnDrop(Child);
impl Drop for KillOnDrop {
    fn drop(&mut self) {
        // The child is ours and not yet reaped if still running: kill is safe.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn prefork_workers_share_one_listening_socket_and_the_parent_exits_cleanly() {
    let (workers, requests) = (4, 3);
    let child = bin("prefork-server")
        .args(["--port", "0", "--workers", &workers.to_string(), "--requests", &requests.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut server = KillOnDrop(child);
    let mut stdout = BufReader::new(server.0.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let addr = first.split_whitespace().nth(2).expect(&first).trim_end_matches(',').to_string();
    let mut pids = std::collections::BTreeMap::new();
    for _ in 0..workers * requests {
        let mut conn = TcpStream::connect(&addr).unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut reply = String::new();
        conn.read_to_string(&mut reply).unwrap();
        *pids.entry(number_after(&reply, "pid")).or_insert(0) += 1;
    }
    // Each worker serves at most `requests`, so all of them must have answered.
    assert_eq!(pids.len(), workers, "answers per pid: {pids:?}");
    assert!(pids.values().all(|&n| n == requests), "answers per pid: {pids:?}");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap(); // EOF: the parent has exited
    let status = server.0.wait().unwrap();
    assert!(status.success(), "{status}: {rest}");
    assert_eq!(rest.matches(" done").count(), workers, "{rest}");
}

/// Owns a running daemon: SIGKILLs it through a pidfd on drop (a pidfd
/// cannot hit a process that reused the pid), and removes its pid file.
struct DaemonGuard {
    pid_file: PathBuf,
    pidfd: Option<OwnedFd>,
}
impl Drop for DaemonGuard {
    fn drop(&mut self) {
        if self.pidfd.is_none() {
            if let Ok(text) = std::fs::read_to_string(&self.pid_file) {
                self.pidfd = text.trim().parse().ok().and_then(|pid| pidfd_open(pid).ok());
            }
        }
        if let Some(fd) = &self.pidfd {
            let _ = pidfd_send_signal(fd, libc::SIGKILL);
        }
        let _ = std::fs::remove_file(&self.pid_file);
    }
}

fn stat_fields(pid: u32) -> Vec<String> {
    let line = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after_comm = &line[line.rfind(')').unwrap() + 2..];
    // Index 0 here is field 3 (state) of proc_pid_stat(5).
    after_comm.split_whitespace().map(String::from).collect()
}

#[test]
fn the_daemon_detaches_writes_its_pid_file_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("daemon.pid");
    let mut guard = DaemonGuard { pid_file: pid_file.clone(), pidfd: None };
    let out: Output = bin("daemonize").arg("--pid-file").arg(&pid_file).output().unwrap();
    // The launcher returns only once the daemon is ready.
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pid: u32 = std::fs::read_to_string(&pid_file).unwrap().trim().parse().unwrap();
    guard.pidfd = Some(pidfd_open(pid).unwrap());
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("daemon started: pid {pid}")));

    let f = stat_fields(pid);
    let (ppid, pgrp, session, tty): (u32, u32, u32, i64) =
        (f[1].parse().unwrap(), f[2].parse().unwrap(), f[3].parse().unwrap(), f[4].parse().unwrap());
    assert_ne!(ppid, std::process::id(), "the daemon must have been adopted");
    assert_ne!(session, nix::unistd::getsid(None).unwrap().as_raw() as u32, "a session of its own");
    assert_eq!(pgrp, session, "its group is the session the first child created");
    assert_ne!(session, pid, "after the second fork it is not the session leader");
    assert_eq!(tty, 0, "no controlling terminal");
    assert_eq!(std::fs::read_link(format!("/proc/{pid}/cwd")).unwrap(), Path::new("/"));
    for fd in 0..3 {
        assert_eq!(std::fs::read_link(format!("/proc/{pid}/fd/{fd}")).unwrap(), Path::new("/dev/null"));
    }

    pidfd_send_signal(guard.pidfd.as_ref().unwrap(), libc::SIGTERM).unwrap();
    let ended = wait_readable(guard.pidfd.as_ref().unwrap(), Duration::from_secs(10)).unwrap();
    assert!(ended, "the daemon did not stop on SIGTERM");
    assert!(!pid_file.exists(), "the daemon should remove its pid file");
}

/// A pid file held with flock(2): a second instance is refused while the
/// first runs, and a daemon killed with SIGKILL (no chance to remove its
/// pid file) does not stop the next start, because the kernel drops the
/// lock with the dead process's fds.
#[test]
fn a_stale_pid_file_does_not_block_a_restart_but_a_running_daemon_does() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("daemon.pid");
    let start = || bin("daemonize").arg("--pid-file").arg(&pid_file).output().unwrap();
    let mut first = DaemonGuard { pid_file: pid_file.clone(), pidfd: None };
    let out = start();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pid: u32 = std::fs::read_to_string(&pid_file).unwrap().trim().parse().unwrap();
    first.pidfd = Some(pidfd_open(pid).unwrap());

    let again = start();
    assert!(!again.status.success(), "a second instance started while the first runs");
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("already running") && err.contains(&pid.to_string()), "{err}");
    assert_eq!(std::fs::read_to_string(&pid_file).unwrap().trim(), pid.to_string(), "the refused start rewrote the pid file");

    pidfd_send_signal(first.pidfd.as_ref().unwrap(), libc::SIGKILL).unwrap();
    assert!(wait_readable(first.pidfd.as_ref().unwrap(), Duration::from_secs(10)).unwrap());
    assert!(pid_file.exists(), "SIGKILL leaves the pid file behind");

    let mut second = DaemonGuard { pid_file: pid_file.clone(), pidfd: None };
    let out = start();
    assert!(out.status.success(), "restart after SIGKILL failed: {}", String::from_utf8_lossy(&out.stderr));
    let new_pid: u32 = std::fs::read_to_string(&pid_file).unwrap().trim().parse().unwrap();
    assert_ne!(new_pid, pid);
    second.pidfd = Some(pidfd_open(new_pid).unwrap());
}

/// A process (not ours) with an fd open on `path`, found through /proc/*/fd.
fn process_with_open(path: &Path, except: u32) -> Option<u32> {
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else { continue };
        if pid == except {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else { continue };
        if fds.flatten().any(|fd| std::fs::read_link(fd.path()).is_ok_and(|target| target == path)) {
            return Some(pid);
        }
    }
    None
}

/// Kills and reaps a child (here: strace) on drop.
struct ChildGuard(Child);
impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The pid-file race: instance B opens the pid file, then instance A
/// (running) removes it on SIGTERM and releases its lock, and only then does
/// B's flock(2) run. B now holds a lock on a file that no longer has a name,
/// and instance C, finding no file, creates a new one and locks that: two
/// daemons, each sure it is the only one. strace delays B's flock
/// (`inject=flock:delay_enter`), which opens the window; the test must find
/// B and stop A inside it. If a loaded machine makes it miss the window
/// (A was gone only near the end of the delay, and B found A's lock), the
/// test tries again with a longer delay instead of failing.
#[test]
fn a_start_that_races_a_stopping_daemon_never_leaves_two_instances_running() {
    if Command::new("strace").arg("-V").output().is_err() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "strace is required under CI=true");
        skip("strace is not installed (apt install strace)");
        return;
    }
    for delay in [Duration::from_secs(5), Duration::from_secs(15), Duration::from_secs(30)] {
        match pid_file_race(delay) {
            Race::Done => return,
            Race::NotPermitted => {
                skip("strace may not trace here (ptrace is restricted: see /proc/sys/kernel/yama/ptrace_scope)");
                return;
            }
            Race::WindowMissed(took) => {
                let msg = format!("note: stopping A took {took:?} of B's {delay:?} flock delay; trying again with a longer one\n");
                std::io::Write::write_all(&mut std::io::stderr(), msg.as_bytes()).unwrap_or(());
            }
        }
    }
    panic!("the machine is too loaded: A could not be stopped within B's 30 s flock delay");
}

enum Race {
    Done,
    NotPermitted,
    /// B's flock may have run before A was gone: nothing was tested.
    WindowMissed(Duration),
}

fn pid_file_race(delay: Duration) -> Race {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("daemon.pid");
    let start = || bin("daemonize").arg("--pid-file").arg(&pid_file).output().unwrap();
    let launched_pid = |out: &[u8]| number_after(&String::from_utf8_lossy(out), "pid ") as u32;

    // A: running, holding the lock.
    let mut a = DaemonGuard { pid_file: pid_file.clone(), pidfd: None };
    let out = start();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let a_pid = launched_pid(&out.stdout);
    a.pidfd = Some(pidfd_open(a_pid).unwrap());

    // B: started under strace, which holds B's first flock(2) for `delay`.
    let strace = Command::new("strace")
        .args(["-f", "-qq", "-o", "/dev/null", "-e", "trace=flock", "-e"])
        // when=1: only B's first flock waits; its retry on the new file need not.
        .arg(format!("inject=flock:delay_enter={}:when=1", delay.as_micros()))
        .arg(env!("CARGO_BIN_EXE_daemonize"))
        .arg("--pid-file")
        .arg(&pid_file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut strace = ChildGuard(strace);
    let mut b = DaemonGuard { pid_file: pid_file.clone(), pidfd: None };
    // Wait until B's daemon has the old file open (its flock is then being delayed).
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let b_pid = loop {
        if let Some(pid) = process_with_open(&pid_file, a_pid) {
            break pid;
        }
        if let Ok(Some(status)) = strace.0.try_wait() {
            let mut err = String::new();
            strace.0.stderr.take().unwrap().read_to_string(&mut err).unwrap();
            if err.contains("Operation not permitted") {
                assert!(std::env::var("CI").as_deref() != Ok("true"), "strace cannot trace here: {err}");
                return Race::NotPermitted;
            }
            panic!("B exited before opening the pid file: {status}: {err}");
        }
        assert!(std::time::Instant::now() < deadline, "B never opened the pid file");
        std::thread::sleep(Duration::from_millis(10));
    };
    let found_b = std::time::Instant::now();
    b.pidfd = Some(pidfd_open(b_pid).unwrap());

    // A stops: it removes the pid file and releases its lock, while B waits in flock.
    pidfd_send_signal(a.pidfd.as_ref().unwrap(), libc::SIGTERM).unwrap();
    assert!(wait_readable(a.pidfd.as_ref().unwrap(), Duration::from_secs(10)).unwrap());
    // B's flock entered at most one poll (10 ms) before we found it; a second
    // of margin covers that on a loaded machine.
    let stopping_a_took = found_b.elapsed();
    let inside_window = stopping_a_took + Duration::from_secs(1) < delay;

    // B's flock now runs. Whatever B concludes, at most one instance may run from here.
    let mut line = String::new();
    BufReader::new(strace.0.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let b_running = line.starts_with("daemon started");
    let c = start();
    let mut c_guard = DaemonGuard { pid_file: pid_file.clone(), pidfd: None };
    if c.status.success() {
        c_guard.pidfd = pidfd_open(launched_pid(&c.stdout)).ok();
    }
    assert!(
        !(b_running && c.status.success()),
        "two daemons run at once: B ({line:?}, pid {b_pid}) and C ({:?})",
        String::from_utf8_lossy(&c.stdout)
    );
    if !b_running && !inside_window {
        return Race::WindowMissed(stopping_a_took);
    }
    assert!(b_running, "B should have started once A was gone: {line:?}");
    // And the file names the instance that runs.
    assert_eq!(std::fs::read_to_string(&pid_file).unwrap().trim(), b_pid.to_string());
    Race::Done
}

/// Say that a test did not run, and why, where the reader sees it: straight
/// to fd 2, since libtest captures `eprintln!` of a passing test.
fn skip(why: &str) {
    std::io::Write::write_all(&mut std::io::stderr(), format!("SKIPPED: {why}\n").as_bytes()).unwrap_or(());
}

#[test]
fn std_spawns_with_a_vfork_like_clone_then_execve_then_wait4() {
    if Command::new("strace").arg("-V").output().is_err() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "strace is required under CI=true");
        skip("strace is not installed (apt install strace)");
        return;
    }
    let out = Command::new("strace")
        .args(["-f", "-qq", "-e", "trace=clone,clone3,vfork,fork,execve,wait4", "-e", "signal=none"])
        .arg(env!("CARGO_BIN_EXE_spawn-true"))
        .output()
        .unwrap();
    let trace = String::from_utf8_lossy(&out.stderr);
    if trace.contains("Operation not permitted") && !out.status.success() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "strace cannot trace here: {trace}");
        skip("strace may not trace here (ptrace is restricted: see /proc/sys/kernel/yama/ptrace_scope)");
        return;
    }
    assert!(trace.contains("CLONE_VM|CLONE_VFORK"), "{trace}");
    assert!(trace.contains("execve(\"/") && trace.contains("true\", [\"true\"]"), "{trace}");
    assert!(trace.contains("wait4("), "{trace}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "true: exit status: 0\n");
}

#[test]
fn the_bench_runs_in_quick_mode() {
    let text = run_ok("processes-bench", &["--quick"]);
    for row in ["thread spawn + join", "fork + _exit + waitpid", "posix_spawn", "Command::new(/bin/true).status()", "minor faults while writing"] {
        assert!(text.contains(row), "missing {row:?} in\n{text}");
    }
    let faults = number_after(&text, "minor faults while writing");
    assert!(faults >= 4096, "{text}");
}

/// The table row of `binary-sizes` whose label is `label`: (bytes, debug, symbols, linking).
fn size_row<'a>(out: &'a str, label: &str) -> (u64, u64, u64, &'a str) {
    let line = out
        .lines()
        .find(|l| l.starts_with(label) && l[label.len()..].starts_with("  "))
        .unwrap_or_else(|| panic!("no row {label:?} in {out}"));
    let mut words = line[label.len()..].split_whitespace();
    let mut number = || words.next().and_then(|w| w.parse::<u64>().ok()).unwrap_or_else(|| panic!("bad row {line:?}"));
    let (bytes, debug, symbols) = (number(), number(), number());
    let linking = line.split("  ").map(str::trim).filter(|w| !w.is_empty()).last().unwrap();
    (bytes, debug, symbols, linking)
}

/// binary-sizes compiles a hello world with `rustc` (or `$RUSTC`). Run where
/// no toolchain is on the PATH (test binaries started directly, as CI does for
/// an unprivileged user), these tests say so and skip; under CI=true they fail.
fn have_rustc() -> bool {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    if Command::new(&rustc).arg("--version").output().is_ok_and(|o| o.status.success()) {
        return true;
    }
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{rustc} is required when CI=true");
    skip(&format!("{rustc} is not on the PATH: binary-sizes needs a Rust toolchain (rustup.rs)"));
    false
}

#[test]
fn rust_hello_is_dynamically_linked_to_libc_and_stripping_removes_debug_info_then_symbols() {
    if !have_rustc() {
        return;
    }
    // A go command that does not exist: the Rust half runs, the Go half is a note.
    let out = run_ok("binary-sizes", &["no-such-go-command"]);
    assert!(out.contains("note: no Go builds: running no-such-go-command"), "{out}");
    assert!(!out.contains("go build"), "{out}");
    let plain = size_row(&out, "rustc -O hello.rs");
    let no_debug = size_row(&out, "rustc -O -C strip=debuginfo");
    let no_symbols = size_row(&out, "rustc -O -C strip=symbols");
    for (_, _, _, linking) in [plain, no_debug, no_symbols] {
        assert!(linking.starts_with("interpreter /") && linking.contains("ld-linux"), "{linking}");
        assert!(linking.split_whitespace().any(|w| w == "libc.so.6"), "{linking}");
    }
    assert!(plain.1 > 0 && plain.2 > 0, "std's debug info and the symbol table are in: {plain:?}");
    assert_eq!((no_debug.1, no_debug.2), (0, plain.2), "only debug info gone: {no_debug:?}");
    assert_eq!((no_symbols.1, no_symbols.2), (0, 0), "{no_symbols:?}");
    assert!(plain.0 > no_debug.0 && no_debug.0 > no_symbols.0, "{out}");
}

#[test]
fn go_hello_is_static_and_larger_than_a_stripped_rust_hello() {
    if Command::new("go").arg("version").output().is_err() {
        skip("no go on the PATH (apt-get install golang-go, or go.dev/dl)");
        return;
    }
    if !have_rustc() {
        return;
    }
    let out = run_ok("binary-sizes", &["go"]);
    let go = size_row(&out, "go build -trimpath");
    let go_stripped = size_row(&out, "go build -trimpath -ldflags=-s -w");
    for (_, _, _, linking) in [go, go_stripped] {
        assert_eq!(linking, "no interpreter, needs nothing: static", "{out}");
    }
    assert_eq!((go_stripped.1, go_stripped.2), (0, 0), "-s -w drop DWARF and symbols: {out}");
    assert!(go.0 > size_row(&out, "rustc -O -C strip=debuginfo").0, "{out}");
    assert!(out.contains("go build -trimpath is larger than rustc -O -C strip=debuginfo"), "{out}");
}
