//! Helpers for tests that start this package's programs and signal them.
//!
//! Rules these tests keep, so they can run in parallel with everything else:
//! signals go only to processes the test started (never to the test process
//! itself), and every process is killed and reaped when its guard drops,
//! even when the test fails half-way.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

/// A bound on waiting for a line: reached only if something is broken (it is
/// generous because a nested `cargo run` may wait for another build's lock).
pub const PATIENCE: Duration = Duration::from_secs(300);

/// A running child whose stdout arrives line by line.
pub struct Proc {
    child: Option<Child>,
    lines: Receiver<String>,
    /// Other processes it started (workers): SIGKILLed if the test fails.
    pub others: Vec<Pid>,
    name: String,
}

impl Proc {
    pub fn start(command: &mut Command) -> Proc {
        let name = format!("{command:?}");
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("spawning {name}: {e}"));
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Proc {
            child: Some(child),
            lines,
            others: Vec::new(),
            name,
        }
    }

    pub fn pid(&self) -> Pid {
        Pid::from_raw(self.child.as_ref().expect("running").id() as i32)
    }

    pub fn signal(&self, signal: Signal) {
        kill(self.pid(), signal).unwrap_or_else(|e| panic!("kill({}, {signal}): {e}", self.name));
    }

    /// Waits for the process itself to exit and reaps it, without waiting
    /// for the end of its output (other processes may still hold its
    /// stdout). The guard keeps the reaped child; `wait` can still follow.
    pub fn wait_process(&mut self) -> ExitStatus {
        self.child
            .as_mut()
            .expect("running")
            .wait()
            .unwrap_or_else(|e| panic!("waiting for {}: {e}", self.name))
    }

    /// The next line of output.
    pub fn line(&self) -> String {
        match self.lines.recv_timeout(PATIENCE) {
            Ok(line) => line,
            Err(RecvTimeoutError::Timeout) => panic!("{}: no output for {PATIENCE:?}", self.name),
            Err(RecvTimeoutError::Disconnected) => panic!("{}: output ended early", self.name),
        }
    }

    /// Skips lines until one contains `needle`; returns it.
    pub fn expect(&self, needle: &str) -> String {
        loop {
            let line = self.line();
            if line.contains(needle) {
                return line;
            }
        }
    }

    /// Waits for the end of output (the process and every process sharing its
    /// stdout have exited), then reaps the process.
    pub fn wait(mut self) -> ExitStatus {
        loop {
            match self.lines.recv_timeout(PATIENCE) {
                Ok(_) => continue,
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    panic!("{}: did not exit within {PATIENCE:?}", self.name)
                }
            }
        }
        let mut child = self.child.take().expect("running");
        child
            .wait()
            .unwrap_or_else(|e| panic!("waiting for {}: {e}", self.name))
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        // Only on failure: on success every process was seen to exit, and a
        // pid we no longer own could have been reused.
        if std::thread::panicking() {
            for &pid in &self.others {
                let _ = kill(pid, Signal::SIGKILL);
            }
        }
    }
}

/// `name=value` from a line such as `listening on 127.0.0.1:4000 pid=123`.
pub fn field<'a>(line: &'a str, name: &str) -> &'a str {
    line.split_whitespace()
        .find_map(|word| {
            word.strip_prefix(name)
                .and_then(|rest| rest.strip_prefix('='))
        })
        .unwrap_or_else(|| panic!("no {name}= in {line:?}"))
        .trim_end_matches(',')
}

/// The port in `listening on 127.0.0.1:PORT ...`.
pub fn port(line: &str) -> u16 {
    let addr = line
        .split_whitespace()
        .find(|w| w.starts_with("127.0.0.1:"))
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    addr.trim_start_matches("127.0.0.1:")
        .trim_end_matches(',')
        .parse()
        .expect("a port number")
}
