//! "hello" written with the `syscall` instruction itself: inline assembly
//! puts the syscall number in rax and the arguments in rdi, rsi, rdx, exactly
//! as the x86-64 Linux convention says. No C library is involved in the call.
//!
//! Run: cargo run -p ch03-syscalls --bin hello-asm
//!
//! Look for: the line, and (under `trace -e write`) a single write(1, …).

use std::io;

const USAGE: &str = "usage: hello-asm
Writes one line with write(2) made by the `syscall` instruction (inline asm).
";

// ANCHOR: write
/// write(2) by hand: its number (`SYS_write`, 1) in rax; fd, pointer and length in rdi, rsi, rdx.
/// The kernel returns the count in rax, or -errno (-4095..-1) on failure.
fn write_raw(fd: i32, buf: &[u8]) -> io::Result<usize> {
    let ret: isize;
    // SAFETY: write(2) only reads `buf.len()` bytes at `buf.as_ptr()`, which
    // `buf` owns; the kernel clobbers rcx (return address) and r11 (flags),
    // which we declare, and touches no other register or our stack. Every
    // operand is 64 bits wide (`fd as i64`): a narrower value would leave the
    // register's upper bits undefined (Rust Reference, inline assembly).
    unsafe {
        std::arch::asm!(
            "syscall",
            inlateout("rax") libc::SYS_write as isize => ret,
            in("rdi") fd as i64, // a full 64-bit operand; the kernel uses only the low 32 bits of an int argument
            in("rsi") buf.as_ptr(),
            in("rdx") buf.len(),
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack),
        );
    }
    if ret < 0 {
        return Err(io::Error::from_raw_os_error(-ret as i32)); // no errno here: the kernel returned -errno
    }
    Ok(ret as usize)
}
// ANCHOR_END: write

fn main() {
    if std::env::args_os().nth(1).is_some_and(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = write_raw(1, b"hello from the syscall instruction\n") {
        eprintln!("write(1) via asm!: {e}");
        std::process::exit(1);
    }
}
