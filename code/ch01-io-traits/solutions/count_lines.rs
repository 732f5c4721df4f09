//! Exercise 2, reference answer: count lines from any `BufRead`.
use std::io::{self, BufRead};

// ANCHOR: solution
pub fn count_lines(mut input: impl BufRead) -> io::Result<usize> {
    let mut lines = 0;
    let mut ends_mid_line = false;
    loop {
        // fill_buf hands out the reader's internal buffer: no copy, no String.
        let chunk = input.fill_buf()?;
        if chunk.is_empty() {
            break; // end of input
        }
        lines += chunk.iter().filter(|&&b| b == b'\n').count();
        ends_mid_line = chunk.last() != Some(&b'\n');
        let n = chunk.len();
        input.consume(n); // tell the reader we used those bytes
    }
    Ok(lines + ends_mid_line as usize)
}
// ANCHOR_END: solution
