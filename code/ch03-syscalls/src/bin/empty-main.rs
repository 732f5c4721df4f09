//! An empty Rust program: every system call it makes happens before or after
//! `main`, in the dynamic loader, the C library and Rust's runtime start-up.
//!
//! Run: cargo build -p ch03-syscalls && target/debug/trace target/debug/empty-main
//!      strace target/debug/empty-main
//!
//! Look for: execve, brk, the loader mapping libc (openat, read, mmap…),
//! arch_prctl, set_tid_address, set_robust_list, rseq, then Rust's start-up
//! (poll on fds 0-2, rt_sigaction for SIGPIPE, sigaltstack…), and exit_group.

const USAGE: &str = "usage: empty-main
Does nothing in main: trace it to see the calls every Rust program makes
before and after main (start-up and exit). Takes no arguments.
";

// ANCHOR: main
fn main() {
    // The only code: answer --help. std saved argv before main, so reading it
    // makes no system call (and the heap exists already): traces are unchanged.
    if std::env::args_os().nth(1).is_some_and(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
    }
}
// ANCHOR_END: main
