//! How many write(2) calls do N small lines cost? Three ways to write them.
//!
//! Writes LINES lines ("hello 0000\n", 11 bytes; 12 from line 10000 on) to
//! /dev/null, and prints how many bytes reached the file. The File sits in a
//! `Counted` wrapper that adds up the bytes; each of its writes is one write(2).
//!   writeln    `writeln!` straight onto the `Counted` File: one write(2) per
//!              formatted piece ("hello ", each padding '0', the digits, "\n")
//!   write-all  one `write_all` per line: one write(2) per line
//!   buffered   `writeln!` into a `BufWriter<&mut Counted>` in front of it:
//!              one write(2) per 8 KiB
//!
//! Run it:    cargo run -p ch01-io-traits --bin buffered-writes -- [LINES] [MODE|all]
//! Count it:  cargo build -p ch01-io-traits --bin buffered-writes &&
//!            strace -c -e trace=write target/debug/buffered-writes 1000 buffered
//! Look for:  strace counts 4110, 1000 and 2 write calls for 1000 lines.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

const MODES: [&str; 3] = ["writeln", "write-all", "buffered"];

const USAGE: &str = "usage: buffered-writes [LINES] [MODE|all]
Writes LINES lines (default 1000) to /dev/null and prints how many bytes reached
it; count the write(2) calls with strace -c -e trace=write. MODE: writeln (one
write(2) per formatted piece), write-all (one per line), buffered (a BufWriter:
one per 8 KiB), or all three (the default).
";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("buffered-writes: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args = std::env::args_os()
        .skip(1)
        .map(|a| a.into_string().map_err(|a| format!("argument {a:?} is not UTF-8")))
        .collect::<Result<Vec<String>, String>>()?;
    if args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return Ok(());
    }
    if let Some(flag) = args.iter().find(|a| a.starts_with('-')) {
        return Err(format!("unknown option {flag:?} (see --help)"));
    }
    let mut args = args.into_iter();
    let lines: u32 = match args.next() {
        Some(s) => s.parse().map_err(|_| format!("LINES must be a number, got {s:?}"))?,
        None => 1000,
    };
    let mode = args.next().unwrap_or_else(|| "all".to_string());
    let modes: Vec<&str> = match mode.as_str() {
        "all" => MODES.to_vec(),
        m if MODES.contains(&m) => vec![m],
        m => return Err(format!("unknown mode {m:?}; use one of {MODES:?} or all")),
    };
    for mode in modes {
        let file = File::create("/dev/null").map_err(|e| format!("opening /dev/null: {e}"))?;
        let mut file = Counted { inner: file, bytes: 0 };
        write_lines(&mut file, lines, mode).map_err(|e| format!("writing to /dev/null: {e}"))?;
        let written = file.bytes;
        drop(file); // close(2) before the summary, as the strace recordings show
        println!("{mode:<9}  {lines} lines, {written} bytes written");
    }
    Ok(())
}

/// A `File` that adds up what each `write` accepted: one `write` here is one
/// write(2) on the fd, so the strace counts are the same as for the bare `File`.
struct Counted {
    inner: File,
    bytes: u64,
}

impl Write for Counted {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn write_lines(file: &mut Counted, lines: u32, mode: &str) -> io::Result<()> {
    match mode {
        // ANCHOR: writeln
        "writeln" => {
            for i in 0..lines {
                writeln!(file, "hello {i:04}")?; // i = 7: "hello ", "0", "0", "0", "7", "\n"
            }
        }
        // ANCHOR_END: writeln
        // ANCHOR: write_all
        "write-all" => {
            for i in 0..lines {
                let line = format!("hello {i:04}\n"); // format in memory first
                file.write_all(line.as_bytes())?; // then 1 write(2)
            }
        }
        // ANCHOR_END: write_all
        // ANCHOR: buffered
        "buffered" => {
            let mut out = BufWriter::new(file); // 8 KiB buffer in front of the fd
            for i in 0..lines {
                writeln!(out, "hello {i:04}")?; // copies into the buffer
            }
            out.flush()?; // write what is left, and see the error if it fails
        }
        // ANCHOR_END: buffered
        _ => unreachable!("modes were checked in run()"),
    }
    Ok(())
}
