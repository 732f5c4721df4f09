//! Just enough PNG to build, list and annotate a tiny image.
//!
//! A PNG file is an 8-byte signature followed by chunks; each chunk is
//! `length: u32 (big-endian) | type: 4 ASCII bytes | data | crc: u32 (big-endian)`,
//! where the CRC-32 covers type and data (not the length).

use std::io::{self, Read, Write};

// ANCHOR: signature
/// The first 8 bytes of every PNG file: `\x89 P N G \r \n \x1a \n`.
pub const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];
// ANCHOR_END: signature

// ANCHOR: crc32
/// CRC-32 as PNG (and zlib, gzip, Ethernet) define it: polynomial
/// 0xEDB88320 (bit-reversed 0x04C11DB7), start at all ones, invert at the end.
/// One bit at a time: slow but short. Real code uses a 256-entry table
/// (`crc32fast`, which flate2 uses, does it 16 bytes at a time).
pub fn crc32(parts: &[&[u8]]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for part in parts {
        for &byte in *part {
            crc ^= byte as u32;
            for _ in 0..8 {
                let lowest_bit_set = crc & 1 == 1;
                crc >>= 1;
                if lowest_bit_set {
                    crc ^= 0xEDB8_8320;
                }
            }
        }
    }
    !crc
}
// ANCHOR_END: crc32

/// One chunk as it sits in the file (the CRC is computed when writing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub kind: [u8; 4],
    pub data: Vec<u8>,
}

impl Chunk {
    pub fn new(kind: &[u8; 4], data: Vec<u8>) -> Self {
        Chunk { kind: *kind, data }
    }

    /// The type as text, e.g. `IHDR` (PNG types are ASCII letters).
    pub fn kind_str(&self) -> String {
        String::from_utf8_lossy(&self.kind).into_owned()
    }
}

// ANCHOR: write_chunk
/// Write one chunk: length, type, data, CRC of type + data.
pub fn write_chunk(w: &mut impl Write, chunk: &Chunk) -> io::Result<()> {
    let len = u32::try_from(chunk.data.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "chunk over 4 GiB"))?;
    w.write_all(&len.to_be_bytes())?;
    w.write_all(&chunk.kind)?;
    w.write_all(&chunk.data)?;
    w.write_all(&crc32(&[&chunk.kind, &chunk.data]).to_be_bytes())?;
    Ok(())
}
// ANCHOR_END: write_chunk

// ANCHOR: read_chunk
/// Read one chunk, checking its CRC. `Ok(None)` at a clean end of input.
pub fn read_chunk(r: &mut impl Read) -> io::Result<Option<Chunk>> {
    // read_exact would fail alike on 0 and on 1-3 bytes left; read up to 4
    // and count, to tell a clean end (0) from a file cut inside the length.
    let mut len = Vec::with_capacity(4);
    r.by_ref().take(4).read_to_end(&mut len)?;
    let len: [u8; 4] = match len.len() {
        0 => return Ok(None),
        4 => [len[0], len[1], len[2], len[3]],
        _ => return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "chunk length cut short")),
    };
    let len = u32::from_be_bytes(len); // network byte order: big-endian
    let mut kind = [0u8; 4];
    r.read_exact(&mut kind)?;
    let mut data = Vec::new();
    // take(len) stops after len bytes even if the file is longer.
    r.by_ref().take(len as u64).read_to_end(&mut data)?;
    if data.len() != len as usize {
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "chunk data cut short"));
    }
    let mut crc = [0u8; 4];
    r.read_exact(&mut crc)?;
    if u32::from_be_bytes(crc) != crc32(&[&kind, &data]) {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "chunk CRC mismatch"));
    }
    Ok(Some(Chunk { kind, data }))
}
// ANCHOR_END: read_chunk

/// Check the signature, then read every chunk up to the end of input.
pub fn read_png(mut r: impl Read) -> io::Result<Vec<Chunk>> {
    let mut sig = [0u8; 8];
    r.read_exact(&mut sig)?;
    if sig != SIGNATURE {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "not a PNG: bad signature"));
    }
    let mut chunks = Vec::new();
    while let Some(chunk) = read_chunk(&mut r)? {
        chunks.push(chunk);
    }
    Ok(chunks)
}

/// Write a signature and the chunks.
pub fn write_png(mut w: impl Write, chunks: &[Chunk]) -> io::Result<()> {
    w.write_all(&SIGNATURE)?;
    for chunk in chunks {
        write_chunk(&mut w, chunk)?;
    }
    w.flush()
}

// ANCHOR: tiny_png
/// A valid `width`×`height` greyscale PNG, built in memory: a gradient.
pub fn tiny_png(width: u32, height: u32) -> io::Result<Vec<u8>> {
    // IHDR: width, height (big-endian u32), bit depth 8, colour type 0
    // (greyscale), compression 0, filter 0, interlace 0.
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);

    // IDAT: each row is a filter byte (0 = none) then one byte per pixel,
    // the whole thing zlib-compressed. ZlibEncoder is a Write too.
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    for y in 0..height {
        let row: Vec<u8> = (0..width).map(|x| ((x + y) * 255 / (width + height)) as u8).collect();
        z.write_all(&[0])?;
        z.write_all(&row)?;
    }
    let idat = z.finish()?;

    let mut png = Vec::new();
    write_png(
        &mut png,
        &[
            Chunk::new(b"IHDR", ihdr),
            Chunk::new(b"IDAT", idat),
            Chunk::new(b"IEND", Vec::new()),
        ],
    )?;
    Ok(png)
}
// ANCHOR_END: tiny_png

// ANCHOR: text_chunk
/// A `tEXt` chunk: keyword, a NUL, then the text, both in Latin-1 (ISO
/// 8859-1), one byte per character. RFC 2083 §4.2.3.1: the keyword is 1–79
/// printable characters (codes 32–126, 161–255) with no leading, trailing or
/// double spaces, and neither part may hold a NUL. A character Latin-1
/// cannot hold (`€`, `あ`) is an error, not mojibake.
pub fn text_chunk(keyword: &str, text: &str) -> io::Result<Chunk> {
    let invalid = |what: String| io::Error::new(io::ErrorKind::InvalidInput, what);
    let key = latin1(keyword).ok_or_else(|| invalid(format!("keyword {keyword:?} is not Latin-1")))?;
    let printable = |&b: &u8| matches!(b, 32..=126 | 161..=255);
    if key.is_empty() || key.len() > 79 || !key.iter().all(printable)
        || key.starts_with(b" ") || key.ends_with(b" ") || key.windows(2).any(|w| w == b"  ")
    {
        return Err(invalid(format!("{keyword:?}: a tEXt keyword is 1-79 printable bytes, single spaces inside")));
    }
    let text = latin1(text).ok_or_else(|| invalid("the text is not Latin-1".into()))?;
    if text.contains(&0) {
        return Err(invalid("a tEXt text may not contain NUL".into()));
    }
    let mut data = key;
    data.push(0);
    data.extend_from_slice(&text);
    Ok(Chunk::new(b"tEXt", data))
}

/// Each char as one byte, if every char is in U+0000..=U+00FF.
fn latin1(s: &str) -> Option<Vec<u8>> {
    s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect()
}

/// The (keyword, text) of a `tEXt` chunk, or None for other chunks.
/// Every byte is a Latin-1 character, so decoding cannot fail.
pub fn read_text(chunk: &Chunk) -> Option<(String, String)> {
    if &chunk.kind != b"tEXt" {
        return None;
    }
    let nul = chunk.data.iter().position(|&b| b == 0)?;
    let decode = |bytes: &[u8]| bytes.iter().map(|&b| char::from(b)).collect::<String>();
    Some((decode(&chunk.data[..nul]), decode(&chunk.data[nul + 1..])))
}
// ANCHOR_END: text_chunk
