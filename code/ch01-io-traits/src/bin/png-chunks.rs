//! Reading a binary format: the chunks of a PNG, a hidden tEXt message,
//! and why the lengths are big-endian.
//!
//! With no argument the program builds a valid 4×4 greyscale PNG in memory
//! (src/lib.rs, `png::tiny_png`), lists its chunks, inserts a `tEXt` chunk
//! holding a secret after IHDR, writes the result to a file, and reads the
//! secret back from that file. With a path, it lists that PNG's chunks.
//!
//! Run it:  cargo run -p ch01-io-traits --bin png-chunks
//!          cargo run -p ch01-io-traits --bin png-chunks -- some.png
//! Look for: IHDR, IDAT, IEND; the same image with a tEXt chunk added.

use std::fs::{self, File};
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};

use ch01_io_traits::png::{self, Chunk};

const USAGE: &str = "usage: png-chunks [FILE.png]
Without FILE: builds a 4x4 PNG in memory, lists its chunks, adds a tEXt chunk
with a secret and reads it back from a temp file. With FILE: lists its chunks.
";

fn main() {
    match std::env::args_os().nth(1) {
        Some(a) if a == "--help" || a == "-h" => {
            print!("{USAGE}");
            return;
        }
        Some(a) if a.to_string_lossy().starts_with('-') => {
            eprintln!("png-chunks: unknown option {a:?} (see --help)");
            std::process::exit(1);
        }
        _ => {}
    }
    if let Err(e) = run() {
        eprintln!("png-chunks: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    if let Some(path) = std::env::args_os().nth(1) {
        let path = PathBuf::from(path);
        let file = File::open(&path).map_err(|e| format!("opening {}: {e}", path.display()))?;
        let chunks = png::read_png(BufReader::new(file)).map_err(|e| format!("reading {}: {e}", path.display()))?;
        list(&chunks);
        return Ok(());
    }

    // ANCHOR: endian
    let bytes = png::tiny_png(4, 4).map_err(|e| format!("building the PNG: {e}"))?;
    println!("signature: {:02x?}", &bytes[..8]);
    // The first chunk's length field: 4 bytes right after the signature.
    let field: [u8; 4] = bytes[8..12].try_into().expect("slice of 4");
    println!("length field {:02x?}: big-endian {}, little-endian {}",
        field, u32::from_be_bytes(field), u32::from_le_bytes(field));
    // ANCHOR_END: endian

    // ANCHOR: insert
    let mut chunks = png::read_png(&bytes[..]).map_err(|e| format!("parsing the PNG: {e}"))?;
    println!("\nbuilt in memory, {} bytes:", bytes.len());
    list(&chunks);

    // tEXt may go anywhere between IHDR and IEND; right after IHDR is usual.
    chunks.insert(1, png::text_chunk("Secret", "Rust reads what Go wrote").map_err(|e| format!("making the tEXt chunk: {e}"))?);
    let path = std::env::temp_dir().join(format!("png-chunks-{}.png", std::process::id()));
    let result = write_then_read(&path, &chunks);
    let _ = fs::remove_file(&path);
    let (size, back) = result?;
    println!("\nwritten to a file with the secret, {size} bytes:");
    list(&back);
    for (keyword, text) in back.iter().filter_map(png::read_text) {
        println!("tEXt {keyword:?} = {text:?}");
    }
    // ANCHOR_END: insert
    Ok(())
}

fn write_then_read(path: &Path, chunks: &[Chunk]) -> Result<(u64, Vec<Chunk>), String> {
    let file = File::create(path).map_err(|e| format!("creating {}: {e}", path.display()))?;
    // write_png flushes the BufWriter, so a failed write is reported here
    // rather than lost in BufWriter's drop.
    png::write_png(BufWriter::new(file), chunks).map_err(|e| format!("writing {}: {e}", path.display()))?;
    let size = fs::metadata(path).map_err(|e| format!("stat {}: {e}", path.display()))?.len();
    let file = File::open(path).map_err(|e| format!("opening {}: {e}", path.display()))?;
    let back = png::read_png(BufReader::new(file)).map_err(|e| format!("reading {}: {e}", path.display()))?;
    Ok((size, back))
}

// ANCHOR: list
fn list(chunks: &[Chunk]) {
    let mut offset = png::SIGNATURE.len();
    for c in chunks {
        let crc = png::crc32(&[&c.kind, &c.data]);
        println!("  at {offset:>4}: {} {:>4} bytes of data, crc {crc:08x}", c.kind_str(), c.data.len());
        offset += 4 + 4 + c.data.len() + 4; // length + type + data + crc
    }
}
// ANCHOR_END: list

