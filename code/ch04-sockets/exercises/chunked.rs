//! Exercise 2: encode and decode HTTP/1.1 chunked transfer coding.
//!
//! Task: `encode(b"hello world", 4)` must give
//! `b"4\r\nhell\r\n4\r\no wo\r\n3\r\nrld\r\n0\r\n\r\n"`, and `decode` must turn
//! such bytes back into the body, say how many bytes it used, skip chunk
//! extensions and trailers, and report truncated or malformed input.
//! Goal: `cargo run -- exercises ch04` shows `chunked` passing.
//! Time: about 30 minutes.

/// Why a chunked body could not be decoded.
#[derive(Debug, PartialEq)]
pub enum ChunkError {
    /// The bytes end before the last (zero-size) chunk and its empty line.
    Incomplete,
    /// A size line that is not hexadecimal (or overflows).
    BadSize,
    /// Chunk data not followed by CRLF.
    MissingCrlf,
}

/// Frames `body` in chunks of at most `chunk_size` bytes, then the last chunk.
pub fn encode(body: &[u8], chunk_size: usize) -> Vec<u8> {
    todo!("frame {} bytes in chunks of {chunk_size}", body.len())
}

/// Decodes a chunked body at the start of `wire`. Returns the body and how
/// many bytes of `wire` it took (what follows belongs to the next message).
pub fn decode(wire: &[u8]) -> Result<(Vec<u8>, usize), ChunkError> {
    todo!("read size lines and chunks from {} bytes", wire.len())
}
