//! Exercise: count syscalls by name in a trace.
//!
//! Task: `count_by_name(trace)` reads the text `trace` prints, one call per
//! line (`write(1, "hi\n", 3) = 3`, or `[pid 7] getpid() = 7` with `-f`), and
//! returns `(name, count)` pairs, most frequent first, ties sorted by name.
//! Lines that are not calls (`--- SIGCHLD ---`, `+++ exited with 0 +++`,
//! blank lines) do not count.
//! Goal: the tests in `tests/exercises.rs` (module `count_syscalls`) pass,
//! including one on a real trace of `known-syscalls`.
//! Time: about 20 minutes. Check with: cargo run -- exercises ch03

/// Counts the calls in a trace, most frequent first, ties by name.
pub fn count_by_name(trace: &str) -> Vec<(String, usize)> {
    let _ = trace;
    todo!("split each line at '(' and count the names")
}
