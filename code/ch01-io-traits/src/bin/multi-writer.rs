//! Go's io.MultiWriter in Rust: gzip a JSON body into a file and log the same
//! bytes to stdout, in one pass.
//!
//! The JSON encoder writes into a `MultiWriter` (see src/lib.rs) that copies
//! every byte to a gzip encoder (which writes to a file) and to stdout. Then
//! the program reads the file back through a gzip decoder to show that the
//! file holds exactly what was logged.
//!
//! Run it:  cargo run -p ch01-io-traits --bin multi-writer -- [OUT.json.gz]
//!          (without OUT, a temp file is used and removed at the end)
//! Look for: the JSON on stdout, then the round trip check.

use std::fs::{self, File};
use std::io::{self, BufReader, Read, Write};
use std::path::PathBuf;

use ch01_io_traits::MultiWriter;
use flate2::read::GzDecoder;
use flate2::{Compression, GzBuilder};

const USAGE: &str = "usage: multi-writer [OUT.json.gz]
Gzips a JSON body into OUT.json.gz while logging the same bytes to stdout (one
MultiWriter), then reads the file back to compare. Without OUT, a temp file is
used and removed at the end.
";

fn main() {
    match std::env::args_os().nth(1) {
        Some(a) if a == "--help" || a == "-h" => {
            print!("{USAGE}");
            return;
        }
        Some(a) if a.to_string_lossy().starts_with('-') => {
            eprintln!("multi-writer: unknown option {a:?} (see --help)");
            std::process::exit(1);
        }
        _ => {}
    }
    if let Err(e) = run() {
        eprintln!("multi-writer: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let (path, keep) = match std::env::args_os().nth(1) {
        Some(p) => (PathBuf::from(p), true),
        None => (std::env::temp_dir().join(format!("multi-writer-{}.json.gz", std::process::id())), false),
    };
    let result = write_and_check(&path);
    if !keep {
        let _ = fs::remove_file(&path); // clean up even if the check failed
    }
    result
}

fn write_and_check(path: &PathBuf) -> Result<(), String> {
    // ANCHOR: multi
    let file = File::create(path).map_err(|e| format!("creating {}: {e}", path.display()))?;
    // A gzip stream can carry the original file name, like Go's gzip.Header.Name.
    let mut gz = GzBuilder::new().filename("test.json").write(file, Compression::default());
    let mut stdout = io::stdout().lock();
    let body = serde_json::json!({ "example": "serde_json", "hello": "world" });
    {
        let mut both = MultiWriter::new(vec![&mut gz, &mut stdout]);
        serde_json::to_writer_pretty(&mut both, &body).map_err(|e| format!("encoding JSON: {e}"))?;
        both.write_all(b"\n").map_err(|e| format!("writing: {e}"))?;
    } // `both` borrowed gz and stdout mutably; the borrows end here.
    drop(stdout);
    // finish() writes the gzip trailer (CRC-32 and length) and hands back the
    // File. Dropping the encoder would try too, but would have to hide errors.
    let file = gz.finish().map_err(|e| format!("finishing the gzip stream: {e}"))?;
    let compressed = file.metadata().map_err(|e| format!("stat {}: {e}", path.display()))?.len();
    drop(file); // close(2); Go would `defer file.Close()`
    // ANCHOR_END: multi

    // ANCHOR: check
    let file = File::open(path).map_err(|e| format!("opening {}: {e}", path.display()))?;
    let mut decoder = GzDecoder::new(BufReader::new(file));
    let mut text = String::new();
    decoder.read_to_string(&mut text).map_err(|e| format!("gunzip {}: {e}", path.display()))?;
    let name = decoder.header().and_then(|h| h.filename()).map(String::from_utf8_lossy);
    let logged = serde_json::to_string_pretty(&body).map_err(|e| e.to_string())? + "\n";
    println!("gzip member name: {:?}", name.unwrap_or_default());
    println!("file holds {} gzipped bytes -> {} bytes of JSON", compressed, text.len());
    println!("same bytes as logged: {}", text == logged);
    // ANCHOR_END: check
    Ok(())
}
