//! Exercise 3, reference answer: a section reader (Go's `io.SectionReader`).
use std::io::{self, Read, Seek, SeekFrom};

// ANCHOR: solution
pub struct SectionReader<R> {
    inner: R,
    start: u64,
    len: u64,
    pos: u64, // relative to start; may be past len after a seek
}

impl<R: Read + Seek> SectionReader<R> {
    pub fn new(inner: R, start: u64, len: u64) -> Self {
        SectionReader { inner, start, len, pos: 0 }
    }

    /// Give back the inner source.
    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: Read + Seek> Read for SectionReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.len {
            return Ok(0); // end of the section is our end of file
        }
        let room = (self.len - self.pos).min(buf.len() as u64) as usize;
        let at = self.start.checked_add(self.pos).ok_or_else(past_u64)?;
        self.inner.seek(SeekFrom::Start(at))?;
        let n = self.inner.read(&mut buf[..room])?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: Read + Seek> Seek for SectionReader<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let (base, offset) = match pos {
            SeekFrom::Start(n) => (0i128, n as i128),
            SeekFrom::Current(n) => (self.pos as i128, n as i128),
            SeekFrom::End(n) => (self.len as i128, n as i128),
        };
        let new = base + offset;
        if new < 0 {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "seek before start of section"));
        }
        // i128 holds any u64 plus any i64 exactly; try_from refuses what a u64 cannot hold.
        self.pos = u64::try_from(new).map_err(|_| past_u64())?;
        Ok(self.pos)
    }
}

fn past_u64() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "position past u64::MAX")
}
// ANCHOR_END: solution
