//! Exercise 2 (solution): encode and decode HTTP/1.1 chunked transfer coding.

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

// ANCHOR: encode
/// Frames `body` in chunks of at most `chunk_size` bytes, then the last chunk.
pub fn encode(body: &[u8], chunk_size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + body.len() / chunk_size.max(1) * 8 + 5);
    for chunk in body.chunks(chunk_size.max(1)) {
        out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}
// ANCHOR_END: encode

/// The line starting at `at` (without its CRLF) and where the next one starts.
fn line(wire: &[u8], at: usize) -> Result<(&[u8], usize), ChunkError> {
    let rest = &wire[at..];
    let end = rest.windows(2).position(|w| w == b"\r\n").ok_or(ChunkError::Incomplete)?;
    Ok((&rest[..end], at + end + 2))
}

// ANCHOR: decode
/// Decodes a chunked body at the start of `wire`. Returns the body and how
/// many bytes of `wire` it took (what follows belongs to the next message).
/// Chunk extensions (`;name=value`) and trailer fields are skipped.
pub fn decode(wire: &[u8]) -> Result<(Vec<u8>, usize), ChunkError> {
    let mut body = Vec::new();
    let mut at = 0;
    loop {
        let (size_line, next) = line(wire, at)?;
        let hex = size_line.split(|&b| b == b';').next().unwrap_or(b"");
        // chunk-size = 1*HEXDIG, then optional whitespace before an extension.
        let hex = std::str::from_utf8(hex).map_err(|_| ChunkError::BadSize)?.trim_end_matches([' ', '\t']);
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ChunkError::BadSize); // from_str_radix would accept a leading '+'
        }
        let size = usize::from_str_radix(hex, 16).map_err(|_| ChunkError::BadSize)?;
        at = next;
        if size == 0 {
            // Trailer fields, then an empty line.
            loop {
                let (l, next) = line(wire, at)?;
                at = next;
                if l.is_empty() {
                    return Ok((body, at));
                }
            }
        }
        // Where the data ends, and where its CRLF ends: both additions are
        // checked, since a size near usize::MAX wraps either of them.
        let end = at.checked_add(size).ok_or(ChunkError::BadSize)?;
        let after = end.checked_add(2).ok_or(ChunkError::BadSize)?;
        if wire.len() < after {
            return Err(ChunkError::Incomplete);
        }
        if &wire[end..after] != b"\r\n" {
            return Err(ChunkError::MissingCrlf);
        }
        body.extend_from_slice(&wire[at..end]);
        at = after;
    }
}
// ANCHOR_END: decode
