//! `std::io::pipe`: a kernel pipe between two threads, and how it differs
//! from Go's `io.Pipe`.
//!
//! A pipe is a buffer in the kernel with two file descriptors: bytes written
//! to one end are read from the other. The reader sees end of file only when
//! every write end has been closed (dropped). The program then fills a pipe
//! with nobody reading, to measure the kernel buffer a writer can get ahead by.
//!
//! Run it:  cargo run -p ch01-io-traits --bin io-pipe
//! Look for: "end of file" only after the writer thread dropped its end;
//!           a full pipe holding 65536 bytes (16 pages) on a default Linux.

use std::io::{self, BufRead, BufReader, ErrorKind, Write};
use std::os::fd::AsRawFd;
use std::thread;

use nix::fcntl::{fcntl, FcntlArg, OFlag};

const USAGE: &str = "usage: io-pipe
Sends three lines through a kernel pipe between two threads (end of file once the
write end is closed), then fills a pipe nobody reads to measure its buffer.
Takes no arguments.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("io-pipe: {e}");
        std::process::exit(1);
    }
}

fn run() -> io::Result<()> {
    // ANCHOR: pipe
    let (reader, mut writer) = io::pipe().map_err(|e| with("pipe", e))?; // pipe2(2)
    println!("pipe: read end fd {}, write end fd {}", reader.as_raw_fd(), writer.as_raw_fd());

    let producer = thread::spawn(move || -> io::Result<()> {
        for i in 1..=3 {
            writeln!(writer, "message {i}")?; // write(2) on the write end
        }
        Ok(())
    }); // the thread ends, `writer` is dropped: close(2) of the write end

    for line in BufReader::new(reader).lines() {
        println!("got {:?}", line?);
    }
    println!("end of file: every write end is closed");
    producer.join().expect("producer thread panicked")?;
    // ANCHOR_END: pipe

    // ANCHOR: capacity
    // Nobody reads this pipe. Make writes fail with EAGAIN instead of
    // blocking, then count how much the kernel buffers before it says "full".
    let (_reader, mut writer) = io::pipe().map_err(|e| with("pipe", e))?;
    let size = fcntl(&writer, FcntlArg::F_GETPIPE_SZ).map_err(|e| with("fcntl F_GETPIPE_SZ", e.into()))?;
    // F_SETFL replaces all status flags: read them, add O_NONBLOCK, write back.
    let flags = fcntl(&writer, FcntlArg::F_GETFL).map_err(|e| with("fcntl F_GETFL", e.into()))?;
    let flags = OFlag::from_bits_retain(flags) | OFlag::O_NONBLOCK;
    fcntl(&writer, FcntlArg::F_SETFL(flags)).map_err(|e| with("fcntl F_SETFL", e.into()))?;
    let chunk = [b'x'; 4096];
    let mut total = 0;
    loop {
        match writer.write(&chunk) {
            Ok(n) => total += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => break, // EAGAIN: full
            Err(e) => return Err(with("write to pipe", e)),
        }
    }
    println!("\nF_GETPIPE_SZ says {size} bytes; {total} bytes went in before EAGAIN");
    // ANCHOR_END: capacity
    Ok(())
}

fn with(what: &str, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{what}: {e}"))
}
