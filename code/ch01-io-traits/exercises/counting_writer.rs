//! Exercise 1: a CountingWriter.
//!
//! Task: wrap any `Write` so that it counts how many bytes went through it and
//! how many times its `write` method was called (for a `File`, each call to
//! `write` is one `write(2)` system call, so this is a syscall counter you can
//! put under a `BufWriter` to see what it saves).
//!
//! Goal: `cargo run -- exercises ch01` reports `counting_writer` as passing.
//! Time: about 10 minutes.
//!
//! Rules: `write` forwards to the inner writer once and counts only the bytes
//! the inner writer accepted (its return value), not `buf.len()`.
use std::io::{self, Write};

pub struct CountingWriter<W> {
    inner: W,
    // Add the counters you need here.
}

impl<W: Write> CountingWriter<W> {
    pub fn new(inner: W) -> Self {
        CountingWriter { inner }
    }

    /// Bytes accepted by the inner writer so far.
    pub fn bytes(&self) -> u64 {
        todo!("return the byte count")
    }

    /// Calls to `write` so far.
    pub fn writes(&self) -> u64 {
        todo!("return the number of write calls")
    }

    /// Give back the inner writer.
    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, _buf: &[u8]) -> io::Result<usize> {
        todo!("forward to self.inner.write, then count")
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
