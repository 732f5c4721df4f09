//! Exercise: parse `/proc/<pid>/stat` into a struct, as `ps` does.
//! Reference answer.

use std::fs;
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
    // comm is in parentheses and may itself contain ") ", so split at the
    // *last* ')'.
    let open = line.find('(').ok_or("no '(' before comm")?;
    let close = line.rfind(')').ok_or("no ')' after comm")?;
    if close < open {
        return Err("')' before '('".into());
    }
    let pid = line[..open].trim().parse().map_err(|e| format!("pid: {e}"))?;
    let comm = line[open + 1..close].to_string();
    // After comm: field 3 (state) onwards, separated by single spaces.
    let rest: Vec<&str> = line[close + 1..].split_whitespace().collect();
    let field = |n: usize| -> Result<&str, String> {
        // Field numbers as in proc_pid_stat(5): state is (3), so rest[n - 3].
        rest.get(n - 3).copied().ok_or(format!("missing field {n}"))
    };
    let num = |n: usize| -> Result<i64, String> {
        field(n)?.parse::<i64>().map_err(|e| format!("field {n}: {e}"))
    };
    let state = field(3)?.chars().next().ok_or("empty state")?;
    Ok(Stat {
        pid,
        comm,
        state,
        ppid: num(4)? as i32,
        pgrp: num(5)? as i32,
        session: num(6)? as i32,
        tty_nr: num(7)? as i32,
        utime: num(14)? as u64,
        stime: num(15)? as u64,
        num_threads: num(20)?,
    })
}

/// Read and parse `/proc/<pid>/stat`.
pub fn read_stat(pid: u32) -> io::Result<Stat> {
    let path = format!("/proc/{pid}/stat");
    let line = fs::read_to_string(&path)?;
    parse_stat(&line).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{path}: {e}")))
}
