//! Measure it: what does crossing into the kernel cost? Times, in ns per call,
//! a plain function call, clock_gettime through the vDSO (no mode switch),
//! the same clock_gettime forced through the `syscall` instruction, and
//! getpid(2), the cheapest real system call.
//!
//! Run: cargo run --release -p ch03-syscalls --bin syscalls-bench
//!      (add `-- --quick` for a fast, imprecise run; the tests use it)
//!
//! Look for: the function call costs about a nanosecond, the vDSO tens of
//! nanoseconds, every real syscall hundreds: the price of the mode switch.
//! Below the table: the clock source, and every speculative-execution
//! mitigation the kernel reports in /sys/devices/system/cpu/vulnerabilities/,
//! because several of them are paid on every entry into the kernel.

use std::hint::black_box;
use std::time::Instant;

const USAGE: &str = "usage: syscalls-bench [--quick]
Times ns per call: a function call, clock_gettime via the vDSO and via
syscall(2), and getpid(2); then prints the clocksource and CPU mitigations.
  --quick   a fast, imprecise run (the tests use it)
";

// ANCHOR: contenders
#[inline(never)]
fn plain_function(x: u64) -> u64 {
    black_box(x).wrapping_add(1)
}

fn vdso_clock_gettime() -> i64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime(3) writes one timespec into `ts`. glibc sends it to the vDSO.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_nsec
}

fn syscall_clock_gettime() -> i64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: the same call, but through syscall(2): a real entry into the kernel.
    unsafe { libc::syscall(libc::SYS_clock_gettime, libc::c_long::from(libc::CLOCK_MONOTONIC), &mut ts) };
    ts.tv_nsec
}

fn syscall_getpid() -> i64 {
    // SAFETY: getpid(2) takes no arguments and cannot fail. Called through
    // syscall(2) so that no library can cache the answer.
    unsafe { libc::syscall(libc::SYS_getpid) }
}
// ANCHOR_END: contenders

// ANCHOR: measure
/// Nanoseconds per call of `f`: the best of `rounds` timed loops of `iters`.
fn ns_per_call(rounds: u32, iters: u64, mut f: impl FnMut(u64) -> i64) -> f64 {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for i in 0..iters {
                black_box(f(i));
            }
            start.elapsed().as_nanos() as f64 / iters as f64
        })
        .fold(f64::INFINITY, f64::min)
}
// ANCHOR_END: measure

/// Every file in the kernel's vulnerabilities directory, `(name, report)`,
/// sorted by name; the reports say "Not affected", "Vulnerable…" or
/// "Mitigation: …".
fn vulnerabilities() -> std::io::Result<Vec<(String, String)>> {
    let dir = "/sys/devices/system/cpu/vulnerabilities";
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let report = std::fs::read_to_string(entry.path()).map(|s| s.trim().to_string());
        all.push((entry.file_name().to_string_lossy().into_owned(), report.unwrap_or_else(|e| format!("({e})"))));
    }
    all.sort();
    Ok(all)
}

fn main() {
    let mut quick = false;
    for arg in std::env::args_os().skip(1) {
        match arg.to_str() {
            Some("--help" | "-h") => {
                print!("{USAGE}");
                return;
            }
            Some("--quick") => quick = true,
            _ => {
                eprintln!("syscalls-bench: unknown argument {arg:?} (try --help)");
                std::process::exit(1);
            }
        }
    }
    let (rounds, iters) = if quick { (2, 1_000) } else { (7, 2_000_000) };

    let rows: [(&str, f64); 4] = [
        ("function call (#[inline(never)])", ns_per_call(rounds, iters, |i| plain_function(i) as i64)),
        ("clock_gettime via the vDSO", ns_per_call(rounds, iters, |_| vdso_clock_gettime())),
        ("clock_gettime via syscall(2)", ns_per_call(rounds, iters, |_| syscall_clock_gettime())),
        ("getpid via syscall(2)", ns_per_call(rounds, iters, |_| syscall_getpid())),
    ];
    let base = rows[0].1.max(0.01);
    println!("{:<34} {:>10} {:>12}", "operation", "ns/call", "x function");
    println!("{:-<34} {:->10} {:->12}", "", "", "");
    for (name, ns) in rows {
        println!("{name:<34} {ns:>10.1} {:>12.0}", ns / base);
    }
    println!();
    println!("best of {rounds} rounds of {iters} calls each{}", if quick { " (quick mode: imprecise)" } else { "" });
    let clocksource = std::fs::read_to_string("/sys/devices/system/clocksource/clocksource0/current_clocksource");
    // The vDSO can read only some clocks (tsc, kvm-clock…) from user mode; with others it makes the syscall.
    println!("clocksource: {}", clocksource.map(|s| s.trim().to_string()).unwrap_or_else(|_| "(unknown)".into()));
    match vulnerabilities() {
        Ok(all) => {
            println!("CPU vulnerabilities (/sys/devices/system/cpu/vulnerabilities):");
            let (fine, other): (Vec<_>, Vec<_>) = all.into_iter().partition(|(_, r)| r == "Not affected");
            for (name, report) in &other {
                println!("  {name:<21} {report}");
            }
            let fine: Vec<&str> = fine.iter().map(|(name, _)| name.as_str()).collect();
            println!("  not affected: {}", fine.join(", "));
        }
        Err(e) => println!("CPU vulnerabilities: (cannot read /sys/devices/system/cpu/vulnerabilities: {e})"),
    }
}
