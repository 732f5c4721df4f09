//! Amdahl's law, measured: a job whose fraction `s` must run on one thread
//! cannot be sped up by more than 1 / (s + (1 - s) / n) on n threads.
//!
//! The job is a fixed amount of pure CPU work (a pseudo-random number loop:
//! CPU-bound, no memory traffic, no I/O). A fraction `s` of it runs on one
//! thread, the rest is split over n scoped threads. The program prints the
//! measured speedup next to the law's prediction.
//!
//! Run: cargo run --release -p ch08-concurrency --bin amdahl -- 500
//!      (the argument is the work size; the default is small enough for a
//!      debug build to finish in a fraction of a second)
//! Controls for: one untimed warm-up run on every CPU first; each cell is a
//! single run (run it twice to see the noise); the CPU count is the inherited
//! affinity mask / cgroup quota.
//! Look for: with s = 0 two threads approach 2x on a 2-CPU machine; with
//! s = 0.5 nothing beats 1.33x, however many threads you add.
use std::hint::black_box;
use std::thread;
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: amdahl [WORK]
Runs a CPU-bound job whose fraction s = 0, 0.1, 0.5 is serial on 1, 2 and 4
threads and prints the measured speedup next to Amdahl's 1/(s+(1-s)/n).
  WORK  amount of work, a positive number (default 4; try 500 with --release)
";

// ANCHOR: work
/// `units` of CPU-bound work: a linear congruential generator, nothing else.
fn work(units: u64) -> u64 {
    let mut x = units;
    for _ in 0..units * 100_000 {
        x = black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407));
    }
    x
}

/// Runs `total` units: the serial fraction on this thread, then the rest
/// split over `n` threads (fork), waiting for all of them (join).
fn job(total: u64, serial: f64, n: u64) -> Duration {
    let start = Instant::now();
    let serial_units = (total as f64 * serial) as u64;
    black_box(work(serial_units));
    let per_thread = (total - serial_units) / n;
    thread::scope(|s| {
        for _ in 0..n {
            s.spawn(move || black_box(work(per_thread)));
        }
    });
    start.elapsed()
}
// ANCHOR_END: work

fn main() {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    let total: u64 = match std::env::args().nth(1).map(|a| a.parse()) {
        None => 4,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("amdahl: the argument must be a positive amount of work (e.g. 500); see amdahl --help");
            std::process::exit(1);
        }
    };
    // available_parallelism honours an inherited affinity mask (taskset) and
    // cgroup quota: under `taskset -c 0` the law below predicts 1.00 throughout.
    let cpus = thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    // Untimed warm-up on every CPU, so the first row does not pay for waking
    // idle (v)CPUs and raising their clocks.
    job(total / 4 + 1, 0.0, cpus);
    // ANCHOR: table
    println!("{cpus} CPUs available; work = {total}");
    println!("serial s  threads  time      speedup  Amdahl 1/(s+(1-s)/n)");
    for serial in [0.0, 0.1, 0.5] {
        let one = job(total, serial, 1);
        for n in [1, 2, 4] {
            let t = if n == 1 { one } else { job(total, serial, n) };
            let predicted = 1.0 / (serial + (1.0 - serial) / n.min(cpus) as f64);
            println!(
                "{serial:<9} {n:<8} {:<9} {:<8.2} {predicted:.2}",
                format!("{:.1?}", t),
                one.as_secs_f64() / t.as_secs_f64()
            );
        }
    }
    // ANCHOR_END: table
}
