//! Which clock reads and sleeps enter the kernel? Run it under strace.
//!
//! Run: strace -e trace=clock_gettime,clock_nanosleep,nanosleep target/debug/sleep-trace
//!      (after cargo build -p ch10-time)
//!
//! Look for: 1000 Instant::now() and 1000 SystemTime::now() calls make no
//! system call at all (the vDSO answers them in user space); each
//! thread::sleep is one clock_nanosleep; each read of a CPU-time clock is a
//! real clock_gettime system call.
use nix::time::{clock_gettime, ClockId};
use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime};

const USAGE: &str = "\
usage: sleep-trace
Reads Instant::now and SystemTime::now 1000 times each, sleeps twice and
reads the two CPU-time clocks; run it under strace to see which of these
enter the kernel.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    // ANCHOR: calls
    for _ in 0..1000 {
        black_box(Instant::now()); // CLOCK_MONOTONIC via the vDSO
        black_box(SystemTime::now()); // CLOCK_REALTIME via the vDSO
    }
    std::thread::sleep(Duration::from_millis(1)); // clock_nanosleep(CLOCK_MONOTONIC, 0, {0, 1000000}, …)
    std::thread::sleep(Duration::from_micros(1500));
    // The CPU-time clocks have no vDSO fast path: the kernel must add up the
    // task's run time, so each read is a system call.
    let cpu = clock_gettime(ClockId::CLOCK_PROCESS_CPUTIME_ID);
    let thread_cpu = clock_gettime(ClockId::CLOCK_THREAD_CPUTIME_ID);
    // ANCHOR_END: calls
    // Only whether the reads worked: the values change from run to run.
    println!("process CPU clock read: {}, thread CPU clock read: {}", cpu.is_ok(), thread_cpu.is_ok());
}
