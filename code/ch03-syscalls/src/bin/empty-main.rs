//! An empty Rust program: every system call it makes happens before or after
//! `main`, in the dynamic loader, the C library and Rust's runtime start-up.
//!
//! Run: cargo build -p ch03-syscalls && target/debug/trace target/debug/empty-main
//!      strace target/debug/empty-main
//!
//! Look for: execve, brk, the loader mapping libc (openat, read, mmap…),
//! arch_prctl, set_tid_address, set_robust_list, rseq, then Rust's start-up
//! (poll on fds 0-2, rt_sigaction for SIGPIPE, sigaltstack…), and exit_group.

// ANCHOR: main
fn main() {}
// ANCHOR_END: main
