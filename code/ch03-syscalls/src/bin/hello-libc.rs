//! "hello" through the C library's generic `syscall(2)` wrapper: we name the
//! call by number (`SYS_write`), libc moves the arguments into registers,
//! executes `syscall`, and turns a negative result into -1 + errno.
//!
//! Run: cargo run -p ch03-syscalls --bin hello-libc
//!
//! Look for: the same single write(1, …) as hello-asm.

use std::io;

const USAGE: &str = "usage: hello-libc
Writes one line with the C library's syscall(SYS_write, ...).
";

// ANCHOR: write
fn write_libc(fd: i32, buf: &[u8]) -> io::Result<usize> {
    // SAFETY: syscall(2) with SYS_write reads `buf.len()` bytes from `buf`.
    // syscall(2) is variadic and reads every argument as a `long`: the i32
    // fd is widened first, or the register's upper half would be undefined.
    let ret = unsafe { libc::syscall(libc::SYS_write, libc::c_long::from(fd), buf.as_ptr(), buf.len()) };
    if ret == -1 {
        return Err(io::Error::last_os_error()); // libc stored -ret in errno
    }
    Ok(ret as usize)
}
// ANCHOR_END: write

fn main() {
    if std::env::args_os().nth(1).is_some_and(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = write_libc(1, b"hello from libc::syscall(SYS_write)\n") {
        eprintln!("syscall(SYS_write, 1): {e}");
        std::process::exit(1);
    }
}
