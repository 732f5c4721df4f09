//! The smallest use of `Command`: run `true` and wait. Used to see which
//! system calls std makes to start a process (see the chapter's "See the
//! syscalls" box): a clone3 with CLONE_VM|CLONE_VFORK from posix_spawn(3),
//! the child's execve, and the parent's wait4.
//!
//! Run: strace -f -e trace=clone,clone3,vfork,fork,execve,wait4 target/debug/spawn-true
//! (after `cargo build -p ch06-processes --bin spawn-true`)

use std::process::Command;

const USAGE: &str = "usage: spawn-true
Runs `true` with Command::status and prints its exit status. Trace it with
strace -f to see the clone3(CLONE_VM|CLONE_VFORK), execve and wait4.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    // ANCHOR: true
    match Command::new("true").status() {
        Ok(status) => println!("true: {status}"),
        Err(e) => {
            eprintln!("spawn-true: running true: {e}");
            std::process::exit(1);
        }
    }
    // ANCHOR_END: true
}
