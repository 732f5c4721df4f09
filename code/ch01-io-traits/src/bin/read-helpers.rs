//! The `Read` trait and its helpers: Go's io.Reader toolbox in Rust.
//!
//! 1. `read` fills a buffer the caller owns and returns how many bytes came.
//! 2. `read_exact` (io.ReadFull), `read_to_end` (io.ReadAll).
//! 3. `io::copy` (io.Copy), `take` (io.CopyN / io.LimitReader),
//!    `chain` (io.MultiReader), `TeeReader` (io.TeeReader, from src/lib.rs).
//!
//! Run it:  cargo run -p ch01-io-traits --bin read-helpers
//! Look for: reads return fewer bytes than asked near the end, then 0.

use std::fs::File;
use std::io::{self, Read};

use ch01_io_traits::TeeReader;

const USAGE: &str = "usage: read-helpers
Shows Read and its helpers on bytes in memory and /dev/urandom: read, read_exact,
read_to_end, io::copy, take, chain and the book's TeeReader. Takes no arguments.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("read-helpers: {e}");
        std::process::exit(1);
    }
}

fn run() -> io::Result<()> {
    // ANCHOR: read_loop
    // &[u8] implements Read: each read consumes bytes from the front.
    let mut source: &[u8] = b"The quick brown fox";
    let mut buf = [0u8; 8]; // the caller owns the buffer, as in Go
    loop {
        let n = source.read(&mut buf)?;
        if n == 0 {
            println!("read -> 0: end of input");
            break;
        }
        // Only buf[..n] is new; the rest still holds the previous read.
        println!("read -> {n} bytes {:?}", String::from_utf8_lossy(&buf[..n]));
    }
    // ANCHOR_END: read_loop

    // ANCHOR: exact_and_all
    let mut source: &[u8] = b"PNG? no, just text";
    let mut magic = [0u8; 4];
    source.read_exact(&mut magic)?; // exactly 4 bytes or an error
    let mut rest = Vec::new();
    source.read_to_end(&mut rest)?; // everything until read returns 0
    println!("\nread_exact: {:?}  read_to_end: {:?}", String::from_utf8_lossy(&magic), String::from_utf8_lossy(&rest));
    let mut too_big = [0u8; 8];
    // unwrap_err cannot panic here: 5 bytes can never fill 8.
    let err = (&b"short"[..]).read_exact(&mut too_big).unwrap_err();
    println!("read_exact of 8 from 5 bytes: {:?}", err.kind());
    // ANCHOR_END: exact_and_all

    // ANCHOR: copy_take
    // io::copy pumps any Read into any Write until end of input. take(16)
    // turns the endless /dev/urandom into a 16-byte reader.
    let random = File::open("/dev/urandom").map_err(|e| io::Error::new(e.kind(), format!("opening /dev/urandom: {e}")))?;
    let mut sixteen = Vec::new();
    let copied = io::copy(&mut random.take(16), &mut sixteen)?;
    println!("\nio::copy from /dev/urandom.take(16): {copied} bytes");
    // ANCHOR_END: copy_take

    // ANCHOR: chain
    // chain joins readers end to end, like Go's io.MultiReader.
    let header: &[u8] = b"--- header ---\n";
    let body: &[u8] = b"body line\n";
    let mut joined = String::new();
    header.chain(body).chain(&b"--- end ---\n"[..]).read_to_string(&mut joined)?;
    print!("\nchain:\n{joined}");
    // ANCHOR_END: chain

    // ANCHOR: tee
    // TeeReader: what the consumer reads is also copied into `seen`.
    let mut tee = TeeReader::new(&b"checksum me"[..], Vec::new());
    let mut consumer = Vec::new();
    io::copy(&mut tee, &mut consumer)?;
    let (_, seen) = tee.into_inner();
    println!("\ntee: consumer got {:?}, tee saw {:?}", String::from_utf8_lossy(&consumer), String::from_utf8_lossy(&seen));
    // ANCHOR_END: tee
    Ok(())
}
