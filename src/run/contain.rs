//! Running a snippet's binary under the limits, and killing everything it
//! started when the run ends.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::Limits;

/// Every process a run starts inherits this variable, so that processes which
/// leave the run's process group (`setsid`) can still be found and killed.
const RUN_MARKER: &str = "WORKBOOK_RUN_ID";

/// Run the binary in its own process group; kill the group at the time limit,
/// at the output cap, and always at the end (children it left behind too).
pub fn run_limited(limits: &Limits, binary: &Path, dir: &Path, id: u64) -> String {
    let (mut reader, writer) = match std::io::pipe() {
        Ok(p) => p,
        Err(e) => return format!("pipe: {e}"),
    };
    let writer2 = match writer.try_clone() {
        Ok(w) => w,
        Err(e) => return format!("pipe: {e}"),
    };
    let mut command = Command::new(binary);
    command
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(writer2)
        .env(RUN_MARKER, run_marker(id))
        .process_group(0);
    die_with_the_server(&mut command);
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) => return format!("could not start the snippet: {e}"),
    };
    drop(command); // closes our copies of the pipe's write end
    let pgid = child.id() as i32;

    let cap = limits.max_output;
    let (events, event) = std::sync::mpsc::channel();
    let output_events = events.clone();
    let collector = std::thread::spawn(move || {
        let mut output = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            match reader.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let room = cap + 1 - output.len();
                    output.extend_from_slice(&chunk[..n.min(room)]);
                    if output.len() > cap {
                        let _ = output_events.send(Event::OutputFull);
                        break;
                    }
                }
            }
        }
        output
    });
    std::thread::spawn(move || {
        let status = child.wait();
        let _ = events.send(Event::Exited(status.ok()));
    });

    let deadline = Instant::now() + Duration::from_secs(limits.time_limit);
    let mut ending = String::new();
    let status = loop {
        match event.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(Event::Exited(status)) => break status,
            Ok(Event::OutputFull) => {
                ending = format!("\n[output cut at {} KiB: the snippet was stopped]", cap / 1024);
                kill_run(pgid, id);
            }
            Err(_) => {
                if ending.is_empty() {
                    ending = format!("\n[stopped after {} s: the time limit]", limits.time_limit);
                }
                kill_run(pgid, id);
            }
        }
    };
    // Whatever the snippet started and left running dies with the run.
    kill_run(pgid, id);
    let mut output = collector.join().unwrap_or_default();
    output.truncate(cap);
    let mut text = String::from_utf8_lossy(&output).into_owned();
    if ending.is_empty() {
        if let Some(s) = status.filter(|s| !s.success()) {
            ending = format!("\n[{s}]");
        }
    }
    text.push_str(&ending);
    text
}

enum Event {
    Exited(Option<std::process::ExitStatus>),
    OutputFull,
}

/// Have the kernel SIGKILL the child if the server dies first (prctl(2),
/// PR_SET_PDEATHSIG), so a stopped server leaves no cargo or snippet behind.
pub fn die_with_the_server(command: &mut Command) {
    // SAFETY: the closure runs in the forked child before exec and only makes
    // one async-signal-safe system call.
    unsafe {
        command.pre_exec(|| nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL).map_err(std::io::Error::from));
    }
}

/// `<server pid>-<run number>`: unique on this machine while the server lives.
fn run_marker(id: u64) -> String {
    format!("{}-{id}", std::process::id())
}

/// SIGKILL the run's process group, then every process that still carries the
/// run's marker in its environment (it may have left the group with setsid).
fn kill_run(pgid: i32, id: u64) {
    use nix::sys::signal::{kill, killpg, Signal};
    use nix::unistd::Pid;
    let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
    let marker = format!("{RUN_MARKER}={}", run_marker(id));
    let Ok(procs) = std::fs::read_dir("/proc") else { return };
    for entry in procs.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else { continue };
        let Ok(environ) = std::fs::read(entry.path().join("environ")) else { continue };
        if environ.split(|&b| b == 0).any(|var| var == marker.as_bytes()) {
            let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
        }
    }
}
