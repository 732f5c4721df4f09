//! Exercise 4, reference answer: list the chunks of a PNG.
use std::io::{self, Read};

// ANCHOR: solution
pub fn list_chunks(mut r: impl Read) -> io::Result<Vec<(String, u32)>> {
    let mut sig = [0u8; 8];
    r.read_exact(&mut sig)?;
    if sig != [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'] {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "not a PNG"));
    }
    let mut chunks = Vec::new();
    loop {
        // length + type. read_exact cannot tell "no bytes left" (a clean end)
        // from "1 to 7 bytes left" (a cut header): read up to 8 and count.
        let mut head = Vec::with_capacity(8);
        r.by_ref().take(8).read_to_end(&mut head)?;
        match head.len() {
            0 => break,
            8 => {}
            _ => return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "chunk header cut short")),
        }
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        let kind = String::from_utf8_lossy(&head[4..]).into_owned();
        // Skip data + CRC without keeping them; count to spot a cut-off file.
        let want = len as u64 + 4;
        let skipped = io::copy(&mut r.by_ref().take(want), &mut io::sink())?;
        if skipped != want {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "chunk cut short"));
        }
        let last = kind == "IEND";
        chunks.push((kind, len));
        if last {
            break;
        }
    }
    Ok(chunks)
}
// ANCHOR_END: solution
