//! The CPU time a child used, split into user and system time, as Go's
//! `cmd.ProcessState.UserTime()` / `SystemTime()` report. std's `Child::wait`
//! does not return it, so we reap the child with wait4(2), which does.
//!
//! Run: cargo run -p ch06-processes --bin child-rusage
//! Look for: the shell loop spends its time in user mode; dd copying one
//! byte per read(2)/write(2) spends most of it in the kernel (system).

use ch06_processes::wait4_usage;
use nix::sys::resource::{getrusage, UsageWho};
use std::process::Command;

const USAGE: &str = "usage: child-rusage
Runs two children (a shell loop, dd copying 1-byte blocks), reaps each with
wait4(2) and prints the user and system CPU time it used, then the total of
all children from getrusage(RUSAGE_CHILDREN). Takes no arguments.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("child-rusage: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    // ANCHOR: rusage
    let jobs: [(&str, &[&str]); 2] = [
        // Arithmetic in the shell: all user-mode work.
        ("sh loop", &["sh", "-c", "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done"]),
        // 1-byte reads and writes: 2 system calls per byte, kernel-mode work.
        ("dd bs=1", &["dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=100000", "status=none"]),
    ];
    for (name, argv) in jobs {
        let child = Command::new(argv[0])
            .args(&argv[1..])
            .spawn()
            .map_err(|e| format!("spawning {}: {e}", argv[0]))?;
        // wait4(pid, &status, 0, &rusage) reaps the child and fills rusage.
        let usage = wait4_usage(child.id()).map_err(|e| format!("wait4 {name}: {e}"))?;
        println!(
            "{name:8} exit {:?}  user {:>4} ms  system {:>4} ms  max RSS {} KiB",
            usage.exit_code,
            usage.user.as_millis(),
            usage.system.as_millis(),
            usage.max_rss_kib
        );
    }
    // The sum over every child we have waited for: getrusage(RUSAGE_CHILDREN).
    let all = getrusage(UsageWho::RUSAGE_CHILDREN).map_err(|e| format!("getrusage: {e}"))?;
    let ms = |t: nix::sys::time::TimeVal| t.tv_sec() * 1000 + t.tv_usec() / 1000;
    println!("children user {} ms  system {} ms", ms(all.user_time()), ms(all.system_time()));
    // ANCHOR_END: rusage
    Ok(())
}
