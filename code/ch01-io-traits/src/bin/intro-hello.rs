//! The smallest program in the book: one `println!`.
//!
//! The introduction follows this line all the way down to the kernel:
//! `println!` → `std::io::_print` → the global `Stdout` (a lock around a
//! `LineWriter`) → file descriptor 1 → the `write(2)` system call.
//!
//! Run it:      cargo run -p ch01-io-traits --bin intro-hello
//! Watch it:    cargo build -p ch01-io-traits --bin intro-hello &&
//!              strace -e trace=write ./target/debug/intro-hello > /dev/null
//! Debug it:    rust-gdb -batch -ex 'catch syscall write' -ex run -ex bt \
//!                  ./target/debug/intro-hello
//!
//! What to look for: strace shows exactly one `write(1, "hello\n", 6) = 6`;
//! gdb's backtrace shows every layer between `main` and that system call.

// ANCHOR: main
fn main() {
    println!("hello");
}
// ANCHOR_END: main
