//! Exercise 3: a section reader (Go's `io.SectionReader`).
//!
//! Task: present the bytes `start .. start + len` of a `Read + Seek` source as
//! a `Read + Seek` of its own, whose position 0 is `start` of the inner one
//! and whose end of file is at `len`. Reads never go past the section, even
//! when the inner source has more bytes.
//!
//! Goal: `cargo run -- exercises ch01` reports `section_reader` as passing.
//! Time: about 20 minutes.
//!
//! Hint: keep your own position `pos` (0..=len); before each read, seek the
//! inner source to `start + pos` and cap the buffer at `len - pos` bytes.
//! Seeking to a negative position is an error (`ErrorKind::InvalidInput`);
//! seeking past the end is allowed and reads then return 0. A position that
//! does not fit in a `u64` (seek, or `start + pos`) is `InvalidInput` too.
use std::io::{self, Read, Seek, SeekFrom};

pub struct SectionReader<R> {
    inner: R,
    // Add what you need: start, len, pos.
}

impl<R: Read + Seek> SectionReader<R> {
    pub fn new(inner: R, _start: u64, _len: u64) -> Self {
        SectionReader { inner }
    }

    /// Give back the inner source.
    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: Read + Seek> Read for SectionReader<R> {
    fn read(&mut self, _buf: &mut [u8]) -> io::Result<usize> {
        todo!("seek the inner source, then read at most the rest of the section")
    }
}

impl<R: Read + Seek> Seek for SectionReader<R> {
    fn seek(&mut self, _pos: SeekFrom) -> io::Result<u64> {
        todo!("compute the new position inside the section")
    }
}
