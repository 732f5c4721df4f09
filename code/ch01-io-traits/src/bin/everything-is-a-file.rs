//! One `Write` trait, many destinations: "everything is a file", at the type level.
//!
//! The same function, `greet(&mut dyn Write)`, writes the same bytes into a
//! file, standard output, a `Vec<u8>` in memory, a `Cursor` over a fixed
//! array, a TCP connection on loopback and a gzip encoder. Go does this with
//! the `io.Writer` interface; Rust with the `Write` trait.
//!
//! Run it:  cargo run -p ch01-io-traits --bin everything-is-a-file
//! Look for: every destination received the same 19 bytes.

use std::fs::{self, File};
use std::io::{self, Cursor, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;

const USAGE: &str = "usage: everything-is-a-file
Writes the same greeting through one Write trait object into a file, stdout, a
Vec<u8>, a Cursor, a TCP socket on loopback and a gzip encoder. Takes no arguments.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("everything-is-a-file: {e}");
        std::process::exit(1);
    }
}

// ANCHOR: greet
/// Knows nothing about where the bytes go: only that `out` is a `Write`.
fn greet(out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"hello, ")?;
    let whom = "everything";
    writeln!(out, "{whom}!") // write! and writeln! work on any Write
}
// ANCHOR_END: greet

fn run() -> io::Result<()> {
    // ANCHOR: destinations
    // 1. A file (fd from open(2)); a unique name in the temp dir.
    let path = std::env::temp_dir().join(format!("everything-{}.txt", std::process::id()));
    let mut file = File::create(&path).map_err(|e| with("creating the temp file", e))?;
    greet(&mut file)?;
    drop(file); // close(2)
    let from_file = fs::read(&path).map_err(|e| with("reading the temp file back", e))?;
    fs::remove_file(&path).map_err(|e| with("removing the temp file", e))?;
    println!("File:       {} bytes  {:?}", from_file.len(), String::from_utf8_lossy(&from_file));

    // 2. Standard output (fd 1).
    print!("Stdout:     ");
    greet(&mut io::stdout())?;

    // 3. Memory: Vec<u8> is Go's bytes.Buffer for writing.
    let mut vec = Vec::new();
    greet(&mut vec)?;
    println!("Vec<u8>:    {} bytes  {:?}", vec.len(), String::from_utf8_lossy(&vec));

    // 4. A Cursor over a fixed array: writes fill it, a full array is an error.
    let mut array = [0u8; 32];
    let mut cursor = Cursor::new(&mut array[..]);
    greet(&mut cursor)?;
    let n = cursor.position() as usize;
    println!("Cursor:     {} bytes  {:?}", n, String::from_utf8_lossy(&array[..n]));

    // 5. A TCP connection to ourselves on loopback (a socket fd).
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| with("binding 127.0.0.1:0", e))?;
    let addr = listener.local_addr()?;
    let server = thread::spawn(move || -> io::Result<Vec<u8>> {
        let (mut conn, _) = listener.accept()?;
        let mut got = Vec::new();
        conn.read_to_end(&mut got)?; // until the client closes
        Ok(got)
    });
    let mut stream = TcpStream::connect(addr).map_err(|e| with("connecting to the loopback server", e))?;
    greet(&mut stream)?;
    drop(stream); // close: the server's read_to_end sees end of file
    let from_socket = server.join().expect("server thread panicked")?;
    println!("TcpStream:  {} bytes  {:?}", from_socket.len(), String::from_utf8_lossy(&from_socket));

    // 6. A gzip encoder: a Write that compresses into another Write.
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    greet(&mut gz)?;
    let compressed = gz.finish()?; // writes the gzip trailer, returns the Vec
    let mut unzipped = String::new();
    GzDecoder::new(&compressed[..]).read_to_string(&mut unzipped)?;
    println!("GzEncoder:  {} bytes compressed, {:?} after gunzip", compressed.len(), unzipped);
    // ANCHOR_END: destinations
    Ok(())
}

fn with(what: &str, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{what}: {e}"))
}
