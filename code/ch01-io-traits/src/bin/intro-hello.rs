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

const USAGE: &str = "usage: intro-hello
Prints \"hello\" with println!: trace its one write(2) with strace, or stop at
it in gdb to see every layer in between. Takes no arguments.
";

fn main() {
    // Every program of the book answers --help. std saved argv before main,
    // so this check makes no system call: the traces show main's write only.
    if std::env::args_os().nth(1).is_some_and(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    // ANCHOR: main
    println!("hello");
    // ANCHOR_END: main
}
