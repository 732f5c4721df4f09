//! File descriptors are small integers, and a new one takes the lowest free number.
//!
//! Every process starts with 0 (stdin), 1 (stdout) and 2 (stderr) open. This
//! program opens /dev/null and /dev/urandom, closes the first and opens a
//! third file, printing the number the kernel hands out each time; then it
//! lists its own descriptor table from /proc/self/fd, where a file, a
//! device, a pipe and a socket all sit side by side as numbers.
//!
//! Run it:  cargo run -p ch01-io-traits --bin fd-numbers
//! Look for: the third open reuses the number the close freed.

use std::fs::{self, File};
use std::io;
use std::net::TcpListener;
use std::os::fd::AsRawFd;

const USAGE: &str = "usage: fd-numbers
Prints the descriptor numbers the kernel hands out (0-2, then the lowest free
number at each open) and this process's table from /proc/self/fd. Takes no arguments.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("fd-numbers: {e}");
        std::process::exit(1);
    }
}

fn run() -> io::Result<()> {
    // ANCHOR: std_fds
    // 0, 1 and 2 were opened before main ran (by the shell, or by cargo).
    println!("stdin  is fd {}", io::stdin().as_raw_fd());
    println!("stdout is fd {}", io::stdout().as_raw_fd());
    println!("stderr is fd {}", io::stderr().as_raw_fd());
    // ANCHOR_END: std_fds

    // ANCHOR: lowest_free
    let null = File::open("/dev/null").map_err(|e| with("opening /dev/null", e))?;
    let random = File::open("/dev/urandom").map_err(|e| with("opening /dev/urandom", e))?;
    println!("/dev/null    -> fd {}", null.as_raw_fd());
    println!("/dev/urandom -> fd {}", random.as_raw_fd());

    let freed = null.as_raw_fd();
    drop(null); // Drop closes the descriptor: close(2)
    println!("closed fd {freed}");

    let zero = File::open("/dev/zero").map_err(|e| with("opening /dev/zero", e))?;
    println!("/dev/zero    -> fd {} (the lowest free number)", zero.as_raw_fd());
    // ANCHOR_END: lowest_free

    // ANCHOR: table
    // A pipe and a socket get descriptors from the same table.
    let (pipe_r, pipe_w) = io::pipe().map_err(|e| with("pipe", e))?;
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| with("binding 127.0.0.1:0", e))?;

    // /proc/self/fd has one symlink per open descriptor; readlink says what it is.
    println!("\nfd  what the kernel says it is");
    for fd in [zero.as_raw_fd(), random.as_raw_fd(), pipe_r.as_raw_fd(), pipe_w.as_raw_fd(), listener.as_raw_fd()] {
        let target = fs::read_link(format!("/proc/self/fd/{fd}")).map_err(|e| with("readlink /proc/self/fd", e))?;
        println!("{fd:<3} {}", describe(&target.to_string_lossy()));
    }
    // ANCHOR_END: table
    Ok(())
}

/// `pipe:[123456]` and `socket:[123456]` carry an inode number that changes
/// each run; keep the kind only so the output is the same every time.
fn describe(target: &str) -> String {
    match target.split_once(":[") {
        Some((kind, _inode)) => format!("{kind}:[inode]"),
        None => target.to_string(),
    }
}

fn with(what: &str, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{what}: {e}"))
}
