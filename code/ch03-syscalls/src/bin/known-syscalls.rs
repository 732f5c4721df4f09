//! A program whose own system calls are known exactly: three getpid(2) and
//! one write(2). The tracer's tests check that `trace` shows exactly those
//! (on top of the start-up and exit calls every Rust program makes).
//!
//! Run: cargo run -p ch03-syscalls --bin known-syscalls
//! Then: cargo build -p ch03-syscalls && target/debug/trace target/debug/known-syscalls
//!
//! Look for: in the trace, three `getpid() = N` lines with the same N, then
//! one `write(1, "3 getpid calls agreed\n", 22) = 22`.

const USAGE: &str = "usage: known-syscalls
Makes three getpid(2) calls and one write(2), to check a tracer against.
";

fn main() {
    if std::env::args_os().nth(1).is_some_and(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    // ANCHOR: main
    // Three getpid(2) calls: std::process::id() calls libc's getpid(), which
    // glibc (since 2.25) no longer caches, so each one enters the kernel.
    let pids = [std::process::id(), std::process::id(), std::process::id()];
    let message: &[u8] = if pids.iter().all(|&p| p == pids[0]) {
        b"3 getpid calls agreed\n"
    } else {
        b"getpid calls disagreed\n"
    };
    // One write(2), straight to fd 1 (std's stdout would buffer, then write once too).
    if let Err(e) = nix::unistd::write(std::io::stdout(), message) {
        eprintln!("write(1): {e}");
        std::process::exit(1);
    }
    // ANCHOR_END: main
}
