//! A binary file with its index at the end: list a zip archive by reading
//! its end-of-central-directory record (EOCD) through a memory map.
//!
//! The program first writes a small zip (stored, uncompressed) into a temp
//! file with `ch09_memory::zip::stored_zip`, so it needs no input. Then it
//! maps the file with memmap2 (mmap(2)), finds the EOCD by scanning back
//! from the end, follows its offset to the central directory, lists the
//! entries, and checks one entry's CRC-32 through its local header.
//! Give it a path to list a zip of your own (stored or deflated).
//!
//! Run: cargo run -p ch09-memory --bin zip-eocd [-- FILE.zip]
//! Look for: the EOCD 22 bytes (+ comment) before the end, the directory
//! just before it, and that only the pages we touch (plus the kernel's
//! readahead around them) are read from disk.

use ch09_memory::zip::{crc32, stored_zip};
use memmap2::Mmap;
use std::fs::File;
use std::io::Write;

// ANCHOR: read
fn u16_at(b: &[u8], at: usize) -> Result<u16, String> {
    let bytes = b.get(at..at + 2).ok_or(format!("u16 at {at} is past the end"))?;
    Ok(u16::from_le_bytes([bytes[0], bytes[1]]))
}
fn u32_at(b: &[u8], at: usize) -> Result<u32, String> {
    let bytes = b.get(at..at + 4).ok_or(format!("u32 at {at} is past the end"))?;
    Ok(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

/// Offset of the end-of-central-directory record: scanning back from the
/// end, within 22 + 65535 bytes (record + longest comment), the first
/// `PK\5\6` whose comment length reaches exactly to the end of the file.
/// The comment is free bytes and may hold the signature itself.
fn find_eocd(zip: &[u8]) -> Result<usize, String> {
    const MIN: usize = 22;
    if zip.len() < MIN {
        return Err(format!("{} bytes is too short for a zip", zip.len()));
    }
    let lowest = zip.len().saturating_sub(MIN + 65535);
    (lowest..=zip.len() - MIN)
        .rev()
        .find(|&at| {
            zip[at..at + 4] == [b'P', b'K', 5, 6]
                && at + MIN + u16::from_le_bytes([zip[at + 20], zip[at + 21]]) as usize == zip.len()
        })
        .ok_or_else(|| "no end-of-central-directory record".to_string())
}

struct Entry {
    name: String,
    method: u16,
    crc: u32,
    compressed: u32,
    size: u32,
    local_header: u32,
}

fn list(zip: &[u8]) -> Result<Vec<Entry>, String> {
    let eocd = find_eocd(zip)?;
    let count = u16_at(zip, eocd + 10)? as usize;
    let cd_size = u32_at(zip, eocd + 12)? as usize;
    let cd_offset = u32_at(zip, eocd + 16)? as usize;
    let comment_len = u16_at(zip, eocd + 20)? as usize;
    // A field too small for its value holds all ones, and only that field
    // (APPNOTE 4.4.1.4): over 65 535 entries the counts, a directory past
    // 4 GiB its offset. The Zip64 EOCD locator just before the EOCD (4.3.15)
    // points at the Zip64 EOCD record (4.3.14) that holds the real values.
    if count == 0xFFFF || cd_size == 0xFFFF_FFFF || cd_offset == 0xFFFF_FFFF {
        return Err("a Zip64 archive (over 4 GiB or 65 535 entries): this reader does not follow the Zip64 record".into());
    }
    println!("file: {} bytes; EOCD at {eocd} ({} bytes from the end)", zip.len(), zip.len() - eocd);
    let comment = zip.get(eocd + 22..eocd + 22 + comment_len).ok_or("comment past the end")?;
    println!("EOCD: {count} entries, central directory {cd_size} bytes at {cd_offset}, comment {:?}", String::from_utf8_lossy(comment));
    let mut entries = Vec::with_capacity(count);
    let mut at = cd_offset;
    for _ in 0..count {
        if u32_at(zip, at)? != 0x0201_4b50 {
            return Err(format!("no central directory header at {at}"));
        }
        let name_len = u16_at(zip, at + 28)? as usize;
        let extra_len = u16_at(zip, at + 30)? as usize;
        let comment_len = u16_at(zip, at + 32)? as usize;
        let name = zip.get(at + 46..at + 46 + name_len).ok_or("name past the end")?;
        entries.push(Entry {
            name: String::from_utf8_lossy(name).into_owned(),
            method: u16_at(zip, at + 10)?,
            crc: u32_at(zip, at + 16)?,
            compressed: u32_at(zip, at + 20)?,
            size: u32_at(zip, at + 24)?,
            local_header: u32_at(zip, at + 42)?,
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    Ok(entries)
}

/// The stored bytes of an entry: skip its local header (30 bytes + name + extra).
fn data<'a>(zip: &'a [u8], e: &Entry) -> Result<&'a [u8], String> {
    let at = e.local_header as usize;
    if u32_at(zip, at)? != 0x0403_4b50 {
        return Err(format!("no local header at {at}"));
    }
    let start = at + 30 + u16_at(zip, at + 26)? as usize + u16_at(zip, at + 28)? as usize;
    zip.get(start..start + e.compressed as usize).ok_or(format!("{} runs past the end", e.name))
}
// ANCHOR_END: read

// ANCHOR: main
fn run() -> Result<(), String> {
    let file = match std::env::args_os().nth(1) {
        Some(path) => File::open(&path).map_err(|e| format!("opening {}: {e}", path.to_string_lossy()))?,
        None => {
            let bytes = stored_zip(
                &[
                    ("hello.txt", b"Hello, zip!\n"),
                    ("docs/readme.md", b"# Read me\n\nStored, not compressed.\n"),
                    ("empty", b""),
                ],
                "built by zip-eocd",
            );
            let mut tmp = tempfile::tempfile().map_err(|e| format!("creating a temp file: {e}"))?;
            tmp.write_all(&bytes).map_err(|e| format!("writing the temp zip: {e}"))?;
            tmp
        }
    };
    // SAFETY: the mapping is only valid while nobody truncates the file; our
    // temp file has no name, and a reader's own zip must not change under us.
    let map = unsafe { Mmap::map(&file) }.map_err(|e| format!("mmap: {e}"))?;
    let zip: &[u8] = &map; // the whole file as one slice; pages load on first touch
    let entries = list(zip)?;
    println!("{:>6} {:>6} {:>6} {:>8} {:>8}  name", "offset", "method", "size", "stored", "crc32");
    for e in &entries {
        println!("{:>6} {:>6} {:>6} {:>8} {:08x}  {}", e.local_header, e.method, e.size, e.compressed, e.crc, e.name);
    }
    for e in entries.iter().filter(|e| e.method == 0) {
        let bytes = data(zip, e)?;
        let ok = if crc32(bytes) == e.crc { "ok" } else { "MISMATCH" };
        println!("{}: {:?}, crc {ok}", e.name, String::from_utf8_lossy(bytes));
    }
    Ok(())
}
// ANCHOR_END: main

const USAGE: &str = "usage: zip-eocd [FILE.zip]
Lists a zip archive through a memory map, from its end-of-central-directory
record, and checks the CRC-32 of its stored entries. Without FILE.zip it
builds a small stored zip in a temp file and lists that.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("zip-eocd: {e}");
        std::process::exit(1);
    }
}
