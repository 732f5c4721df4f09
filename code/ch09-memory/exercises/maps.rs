//! Exercise: parse `/proc/self/maps` and find the mapping of an address.
//!
//! Task: fill `parse_line` (one line of proc_pid_maps(5) into a `Mapping`),
//! `read_maps` (all lines of this process) and `find` (the mapping that
//! holds an address). This is what a debugger or a profiler does to name
//! the library an instruction pointer belongs to.
//! Goal: the address of a `static` is found in a mapping of the test binary,
//! a path with spaces survives, a malformed line gives `None`.
//! Time: about 20 minutes. Check: `cargo run -- exercises ch09`.

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
    let _ = line;
    todo!("split off range, perms, offset, device, inode; the rest is the path")
}

/// Every mapping of this process, in address order.
pub fn read_maps() -> io::Result<Vec<Mapping>> {
    todo!("read /proc/self/maps and parse each line")
}

/// The mapping that holds `addr`, if any.
pub fn find(maps: &[Mapping], addr: usize) -> Option<&Mapping> {
    let _ = (maps, addr);
    todo!()
}
