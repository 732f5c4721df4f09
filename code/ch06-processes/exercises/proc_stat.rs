//! Exercise: parse `/proc/<pid>/stat` into a struct, as `ps` does.
//!
//! Task: fill `parse_stat` so it returns the fields below from one line of
//! `/proc/<pid>/stat` (see `man 5 proc_pid_stat` for the numbering), and
//! `read_stat` so it reads the file of a given pid.
//! Goal: a comm of `a) b` (yes, a program may be named that) parses right,
//! and `read_stat(std::process::id())` gives your own ppid.
//! Time: about 20 minutes. Check: `cargo run -- exercises ch06`.

use std::io;

/// The fields of proc_pid_stat(5) that `ps -o pid,ppid,pgid,sid,stat,time,comm` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stat {
    pub pid: i32,
    /// The executable's name, at most 15 bytes; may hold spaces and ')'.
    pub comm: String,
    /// R running, S sleeping, D disk sleep, Z zombie, T stopped, ...
    pub state: char,
    pub ppid: i32,
    pub pgrp: i32,
    pub session: i32,
    /// Controlling terminal (0: none).
    pub tty_nr: i32,
    /// CPU time in user and kernel mode, in clock ticks (usually 1/100 s).
    pub utime: u64,
    pub stime: u64,
    pub num_threads: i64,
}

/// Parse one line of `/proc/<pid>/stat`.
pub fn parse_stat(line: &str) -> Result<Stat, String> {
    let _ = line;
    todo!("split at the first '(' and the last ')', then number the fields from 3")
}

/// Read and parse `/proc/<pid>/stat`.
pub fn read_stat(pid: u32) -> io::Result<Stat> {
    let _ = pid;
    todo!("read /proc/<pid>/stat and call parse_stat")
}
