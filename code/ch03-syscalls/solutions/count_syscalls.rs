//! Solution: count syscalls by name in a trace.

use std::collections::HashMap;

// ANCHOR: solution
/// Counts the calls in a trace printed by `trace` (or `strace`), one call
/// per line like `[pid 7] write(1, "hi\n", 3) = 3`. Lines that are not calls
/// (`--- SIGCHLD ---`, `+++ exited with 0 +++`, blank lines) are skipped.
/// Returns `(name, count)`, most frequent first, ties by name.
pub fn count_by_name(trace: &str) -> Vec<(String, usize)> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for line in trace.lines() {
        let mut line = line.trim();
        if let Some(rest) = line.strip_prefix("[pid ") {
            match rest.split_once("] ") {
                Some((_, call)) => line = call,
                None => continue,
            }
        }
        let Some((name, _)) = line.split_once('(') else { continue };
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            *counts.entry(name.to_string()).or_default() += 1;
        }
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows
}
// ANCHOR_END: solution
