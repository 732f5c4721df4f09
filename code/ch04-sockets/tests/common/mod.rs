//! Helpers shared by the tests: run an example binary as a child process,
//! learn its address from its first line, collect the rest of its output,
//! and kill it when the test ends (pass or fail).

#![allow(dead_code)] // each test file uses a different subset

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

/// A running example; killed and reaped on drop.
pub struct Running {
    pub child: Child,
    pub first_line: String,
    lines: Receiver<String>,
    pub seen: Vec<String>,
}

impl Running {
    /// Starts `exe` with `args` and waits for its first line of output.
    pub fn start(exe: &str, args: &[&str]) -> Running {
        let mut child = Command::new(exe)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {exe}: {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        // Drain stdout in a thread so the child never blocks on a full pipe.
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first_line = rx.recv_timeout(Duration::from_secs(30)).unwrap_or_else(|_| panic!("{exe} printed nothing"));
        Running { child, first_line, lines: rx, seen: Vec::new() }
    }

    /// The address in a first line like `listening on http://127.0.0.1:40000`.
    pub fn addr(&self) -> String {
        let word = self.first_line.split_whitespace().last().expect("an address on the first line");
        word.trim_start_matches("http://").to_string()
    }

    /// Waits (at most 20 s) for an output line containing `needle`; returns it.
    pub fn wait_for(&mut self, needle: &str) -> String {
        if let Some(l) = self.seen.iter().find(|l| l.contains(needle)) {
            return l.clone();
        }
        let end = Instant::now() + Duration::from_secs(20);
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!("no line containing {needle:?}; saw {:#?}", self.seen),
            }
        }
    }

    /// Waits (at most 20 s) for the process to exit; returns its remaining output.
    pub fn wait_exit(&mut self) -> (bool, Vec<String>) {
        let end = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                // The pipe closes when the process exits: collect the rest.
                while let Ok(l) = self.lines.recv_timeout(Duration::from_secs(5)) {
                    self.seen.push(l);
                }
                return (status.success(), self.seen.clone());
            }
            match self.lines.recv_timeout(Duration::from_millis(50)) {
                Ok(l) => self.seen.push(l),
                Err(_) if Instant::now() > end => panic!("process did not exit; output {:#?}", self.seen),
                Err(_) => {}
            }
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether an optional tool is installed. Missing: skip with a message, or
/// fail when CI=true (CI installs it).
pub fn have_tool(name: &str) -> bool {
    if Command::new(name).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok() {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{name} is not installed (required when CI=true)");
    }
    std::io::Write::write_all(&mut std::io::stderr(), format!("SKIPPED: {name} is not installed; install it to run this test\n").as_bytes()).unwrap_or(());
    false
}
