//! "hello" through nix, a safe Rust wrapper over the C library: the file
//! descriptor is borrowed (`AsFd`), the buffer is a slice, and the error is
//! a typed `Errno` in a `Result` instead of -1 and a global variable.
//!
//! Run: cargo run -p ch03-syscalls --bin hello-nix
//!
//! Look for: the same single write(1, …) as the other two.

const USAGE: &str = "usage: hello-nix
Writes one line with nix::unistd::write (libc's write(), then `syscall`).
";

fn main() {
    if std::env::args_os().nth(1).is_some_and(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    // ANCHOR: write
    // nix::unistd::write calls libc's write(), which executes `syscall`.
    match nix::unistd::write(std::io::stdout(), b"hello from nix::unistd::write\n") {
        Ok(_) => {}
        Err(errno) => {
            eprintln!("write(1): {errno} ({})", errno.desc());
            std::process::exit(1);
        }
    }
    // ANCHOR_END: write
}
