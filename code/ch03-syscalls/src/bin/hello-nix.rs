//! "hello" through nix, a safe Rust wrapper over the C library: the file
//! descriptor is borrowed (`AsFd`), the buffer is a slice, and the error is
//! a typed `Errno` in a `Result` instead of -1 and a global variable.
//!
//! Run: cargo run -p ch03-syscalls --bin hello-nix
//!
//! Look for: the same single write(1, …) as the other two.

// ANCHOR: write
fn main() {
    // nix::unistd::write calls libc's write(), which executes `syscall`.
    match nix::unistd::write(std::io::stdout(), b"hello from nix::unistd::write\n") {
        Ok(_) => {}
        Err(errno) => {
            eprintln!("write(1): {errno} ({})", errno.desc());
            std::process::exit(1);
        }
    }
}
// ANCHOR_END: write
