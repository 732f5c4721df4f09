//! One failing system call seen at four levels: what the kernel returns
//! (-ENOENT in rax), what the C library makes of it (-1 and `errno`), and how
//! Rust wraps it (`io::Error::last_os_error()`, `nix::Error` = `Errno`).
//!
//! Run: cargo run -p ch03-syscalls --bin errno
//!
//! Look for: -2 from the kernel, -1 + errno 2 from libc, `ENOENT` from nix,
//! and `NotFound` from std, all for the same openat(2).

use std::ffi::CStr;
use std::io;

const MISSING: &CStr = c"/no/such/file";

const USAGE: &str = "usage: errno
Opens /no/such/file four ways and prints the error each level reports:
the kernel (-ENOENT), libc (-1 and errno), nix (Errno) and std (io::Error).
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    // ANCHOR: kernel
    // 1. The kernel's answer: openat(AT_FDCWD, path, O_RDONLY) by hand.
    let raw: isize;
    // SAFETY: openat(2) reads the NUL-terminated path; rcx and r11 are clobbered.
    // The i32 constants are widened to i64: an operand narrower than its
    // register leaves the upper bits undefined (Rust Reference, inline assembly).
    unsafe {
        std::arch::asm!("syscall",
            inlateout("rax") libc::SYS_openat as isize => raw,
            in("rdi") libc::AT_FDCWD as i64, in("rsi") MISSING.as_ptr(), in("rdx") libc::O_RDONLY as i64,
            lateout("rcx") _, lateout("r11") _, options(nostack));
    }
    println!("kernel:  openat returned {raw} (that is -ENOENT, ENOENT = {})", libc::ENOENT);
    // ANCHOR_END: kernel

    // ANCHOR: libc
    // 2. The C library's convention: -1, and the error number in `errno`.
    // SAFETY: open(3) reads the NUL-terminated path.
    let fd = unsafe { libc::open(MISSING.as_ptr(), libc::O_RDONLY) };
    let err = io::Error::last_os_error(); // reads errno, right after the call
    println!("libc:    open returned {fd}, errno = {:?} -> {err}", err.raw_os_error());
    // ANCHOR_END: libc

    // ANCHOR: nix
    // 3. nix: a Result whose error is the Errno itself.
    match nix::fcntl::open(MISSING, nix::fcntl::OFlag::O_RDONLY, nix::sys::stat::Mode::empty()) {
        Ok(_) => println!("nix:     opened?!"),
        Err(errno) => println!("nix:     Err({errno:?}) = {} \"{}\"", errno as i32, errno.desc()),
    }
    // ANCHOR_END: nix

    // ANCHOR: std
    // 4. std: an io::Error that keeps the OS code and maps it to a portable kind.
    let err = std::fs::File::open("/no/such/file").unwrap_err();
    println!("std:     {:?}, raw_os_error = {:?}", err.kind(), err.raw_os_error());
    // ANCHOR_END: std
}
