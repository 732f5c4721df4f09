//! Solution: parse `/proc/self/maps` and find the mapping of an address.

use std::fs;
use std::io;

/// One line of proc_pid_maps(5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// e.g. `r-xp`: read, write, execute, p(rivate) or s(hared).
    pub perms: String,
    /// Offset in the mapped file.
    pub offset: u64,
    /// File path, `[heap]`, `[stack]`, `[vdso]`…, or empty (anonymous).
    pub path: String,
}

/// Parse `55d0c1a00000-55d0c1a2b000 r--p 00000000 08:01 1234   /usr/bin/x`.
pub fn parse_line(line: &str) -> Option<Mapping> {
    let mut rest = line;
    // Take one space-separated field off the front of `rest`.
    let mut field = || {
        let trimmed = rest.trim_start();
        let end = trimmed.find(' ').unwrap_or(trimmed.len());
        let (word, tail) = trimmed.split_at(end);
        rest = tail;
        word
    };
    let range = field();
    let perms = field().to_string();
    let offset = u64::from_str_radix(field(), 16).ok()?;
    let _device = field();
    let _inode = field();
    // The path is the rest, and may itself contain spaces.
    let path = rest.trim().to_string();
    let (start, end) = range.split_once('-')?;
    let start = usize::from_str_radix(start, 16).ok()?;
    let end = usize::from_str_radix(end, 16).ok()?;
    if perms.len() != 4 || start > end {
        return None;
    }
    Some(Mapping { start, end, perms, offset, path })
}

/// Every mapping of this process, in address order.
pub fn read_maps() -> io::Result<Vec<Mapping>> {
    let text = fs::read_to_string("/proc/self/maps")?;
    text.lines()
        .map(|line| {
            parse_line(line)
                .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, format!("bad maps line {line:?}")))
        })
        .collect()
}

/// The mapping that holds `addr`, if any.
pub fn find(maps: &[Mapping], addr: usize) -> Option<&Mapping> {
    // The lines are sorted and do not overlap: a binary search works.
    let i = maps.partition_point(|m| m.end <= addr);
    maps.get(i).filter(|m| m.start <= addr)
}
