//! Exercise 2: count lines from any `BufRead`.
//!
//! Task: return the number of lines in the input, the way `wc -l` would if
//! it also counted a last line that has no `\n` at its end. The input is
//! bytes, not necessarily UTF-8: a log file with one bad byte must still be
//! counted, so `BufRead::lines()` (which fails on invalid UTF-8) is not enough.
//!
//! Goal: `cargo run -- exercises ch01` reports `count_lines` as passing.
//! Time: about 10 minutes.
//!
//! Hint: `BufRead::read_until(b'\n', &mut buf)` returns how many bytes it
//! read, 0 at the end of input; or work on `fill_buf`/`consume` directly.
use std::io::{self, BufRead};

pub fn count_lines(_input: impl BufRead) -> io::Result<usize> {
    todo!("count the lines")
}
