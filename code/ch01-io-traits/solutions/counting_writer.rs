//! Exercise 1, reference answer: a CountingWriter.
use std::io::{self, Write};

// ANCHOR: solution
pub struct CountingWriter<W> {
    inner: W,
    bytes: u64,
    writes: u64,
}

impl<W: Write> CountingWriter<W> {
    pub fn new(inner: W) -> Self {
        CountingWriter { inner, bytes: 0, writes: 0 }
    }

    /// Bytes accepted by the inner writer so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Calls to `write` so far.
    pub fn writes(&self) -> u64 {
        self.writes
    }

    /// Give back the inner writer.
    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writes += 1;
        let n = self.inner.write(buf)?; // may be less than buf.len()
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
// ANCHOR_END: solution
