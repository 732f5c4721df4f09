//! Chapter 1, I/O traits: pieces shared by the example programs, and the
//! wiring of the exercises.
//!
//! - [`MultiWriter`]: Go's `io.MultiWriter`, one `Write` that copies every
//!   byte to several others.
//! - [`TeeReader`]: Go's `io.TeeReader`, a `Read` that copies what it reads
//!   into a `Write`.
//! - [`png`]: just enough of the PNG format to build a tiny image in memory,
//!   list its chunks and hide a `tEXt` chunk in it, with a CRC-32 written by hand.

use std::io::{self, Read, Write};

// ANCHOR: multi_writer
/// Go's `io.MultiWriter`: every `write` goes to each writer in turn.
///
/// Like Go's version, a write succeeds only if every writer took all the
/// bytes; the first error stops the write and is returned.
pub struct MultiWriter<'a> {
    writers: Vec<&'a mut dyn Write>,
}

impl<'a> MultiWriter<'a> {
    pub fn new(writers: Vec<&'a mut dyn Write>) -> Self {
        MultiWriter { writers }
    }
}

impl Write for MultiWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for w in self.writers.iter_mut() {
            w.write_all(buf)?; // all or nothing, as io.MultiWriter does
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        for w in self.writers.iter_mut() {
            w.flush()?;
        }
        Ok(())
    }
}
// ANCHOR_END: multi_writer

// ANCHOR: tee_reader
/// Go's `io.TeeReader`: whatever is read through it is also written to `out`.
pub struct TeeReader<R, W> {
    inner: R,
    out: W,
}

impl<R: Read, W: Write> TeeReader<R, W> {
    pub fn new(inner: R, out: W) -> Self {
        TeeReader { inner, out }
    }

    /// Give back both ends, e.g. to look at what the writer collected.
    pub fn into_inner(self) -> (R, W) {
        (self.inner, self.out)
    }
}

impl<R: Read, W: Write> Read for TeeReader<R, W> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        // Only the n bytes that arrived are valid; the rest of buf is junk.
        self.out.write_all(&buf[..n])?;
        Ok(n)
    }
}
// ANCHOR_END: tee_reader

pub mod png;

// The exercise files live in exercises/ and solutions/ beside src/. A
// `#[path]` inside an inline `mod exercises { }` would be resolved from the
// (nonexistent) src/exercises/ directory, so the files are declared here at
// the top level and re-exported under their proper names below.
#[doc(hidden)]
/// The reader's files, stubs until solved. Always compiled, so they must build.
/// (`#[path]` on the inline module names the folder its modules live in.)
#[path = "../exercises"]
pub mod exercises {
    pub mod count_lines;
    pub mod counting_writer;
    pub mod png_chunks;
    pub mod section_reader;
}

/// Reference answers.
#[path = "../solutions"]
pub mod solutions {
    pub mod count_lines;
    pub mod counting_writer;
    pub mod png_chunks;
    pub mod section_reader;
}

#[cfg(not(feature = "check-exercises"))]
pub use solutions as answers;
#[cfg(feature = "check-exercises")]
pub use exercises as answers;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_check_value_and_crc32fast() {
        // The standard check value of CRC-32 for "123456789".
        assert_eq!(png::crc32(&[b"123456789"]), 0xCBF4_3926);
        let data = b"IEND";
        let mut h = flate2::Crc::new();
        h.update(data);
        assert_eq!(png::crc32(&[data]), h.sum());
    }

    #[test]
    fn multi_writer_copies_every_byte_to_every_writer() {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        {
            let mut m = MultiWriter::new(vec![&mut a, &mut b]);
            write!(m, "x={}", 42).unwrap();
        }
        assert_eq!(a, b"x=42");
        assert_eq!(b, b"x=42");
    }

    #[test]
    fn tee_reader_copies_exactly_what_was_read() {
        // A buffer longer than the data: a tee that copied all of `buf`
        // instead of the `n` bytes read would copy zeros too.
        let mut t = TeeReader::new(&b"hello"[..], Vec::new());
        let mut buf = [0u8; 64];
        let n = t.read(&mut buf).unwrap();
        assert_eq!(n, 5);
        let (_, seen) = t.into_inner();
        assert_eq!(seen, b"hello");
    }

    #[test]
    fn a_text_chunk_is_latin1_and_its_keyword_1_to_79_bytes() {
        let chunk = png::text_chunk("Secret", "café").unwrap();
        assert_eq!(chunk.data, b"Secret\0caf\xe9");
        assert_eq!(png::read_text(&chunk), Some(("Secret".into(), "café".into())));
        assert!(png::text_chunk("", "x").is_err());
        assert!(png::text_chunk(&"k".repeat(80), "x").is_err());
        assert!(png::text_chunk("Key", "€").is_err());
    }

    /// RFC 2083 §4.2.3.1: "Neither the keyword nor the text string can contain
    /// a null character"; the keyword holds only codes 32-126 and 161-255, with
    /// no leading, trailing or consecutive spaces.
    #[test]
    fn a_text_chunk_rejects_what_the_png_spec_forbids() {
        for (keyword, text) in [
            ("Key", "a\0b"),    // NUL in the text: a reader would split it there
            ("K\0y", "x"),      // NUL in the keyword
            (" Key", "x"),      // leading space
            ("Key ", "x"),      // trailing space
            ("Two  spaces", "x"), // consecutive spaces
            ("Tab\tkey", "x"),  // a control character
            ("No\u{a0}break", "x"), // the non-breaking space, 160
        ] {
            let got = png::text_chunk(keyword, text);
            let err = got.err().unwrap_or_else(|| panic!("{keyword:?}, {text:?} was accepted"));
            assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{keyword:?}, {text:?}");
        }
        for keyword in ["Title", "One space", "Größe", "k"] {
            assert!(png::text_chunk(keyword, "line 1\nline 2").is_ok(), "{keyword:?} is a valid keyword");
        }
    }

    #[test]
    fn tiny_png_round_trips_and_keeps_a_secret() {
        let bytes = png::tiny_png(4, 3).unwrap();
        let mut chunks = png::read_png(&bytes[..]).unwrap();
        let kinds: Vec<_> = chunks.iter().map(|c| c.kind_str()).collect();
        assert_eq!(kinds, ["IHDR", "IDAT", "IEND"]);
        chunks.insert(1, png::text_chunk("Secret", "hi").unwrap());
        let mut out = Vec::new();
        png::write_png(&mut out, &chunks).unwrap();
        let back = png::read_png(&out[..]).unwrap();
        assert_eq!(png::read_text(&back[1]), Some(("Secret".into(), "hi".into())));
    }

    #[test]
    fn tiny_png_idat_inflates_to_one_filter_byte_plus_width_per_row() {
        use std::io::Read;
        let bytes = png::tiny_png(5, 3).unwrap();
        let chunks = png::read_png(&bytes[..]).unwrap();
        assert_eq!(&chunks[0].data[..8], &[0, 0, 0, 5, 0, 0, 0, 3]);
        let mut raw = Vec::new();
        flate2::read::ZlibDecoder::new(&chunks[1].data[..]).read_to_end(&mut raw).unwrap();
        assert_eq!(raw.len(), 3 * (1 + 5));
        assert!(raw.chunks(6).all(|row| row[0] == 0), "filter type 0 on every row");
    }

    #[test]
    fn a_corrupted_chunk_is_rejected() {
        let mut bytes = png::tiny_png(2, 2).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1; // flip a bit of IEND's CRC
        let err = png::read_png(&bytes[..]).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    }
}
