//! Wall-clock time against CPU time: two threads each burn 40 ms of CPU while
//! the main thread also sleeps 40 ms.
//!
//! Run: cargo run -p ch10-time --bin cpu-time
//!
//! Look for: the process's CPU time is the sum over its threads (about 80 ms,
//! more than the wall-clock time on two cores would be without the sleep);
//! a thread's CPU clock does not move while it sleeps. std has no CPU clock:
//! this uses clock_gettime(2) with the CPU-time clock ids.
use nix::time::{clock_gettime, ClockId};
use std::process::ExitCode;
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: cpu-time
Two threads each burn 40 ms of CPU while the main thread sleeps 40 ms; prints
wall-clock time against process and thread CPU time. No arguments.
";

// ANCHOR: burn
/// Read a clock as a Duration. The CPU-time clocks are real system calls.
fn read(id: ClockId) -> nix::Result<Duration> {
    clock_gettime(id).map(Duration::from)
}

/// Spin until this thread has used `cpu` of CPU time (not wall time: on a
/// busy machine that takes longer, but the CPU spent is the same).
fn burn(cpu: Duration) -> nix::Result<()> {
    let start = read(ClockId::CLOCK_THREAD_CPUTIME_ID)?;
    while read(ClockId::CLOCK_THREAD_CPUTIME_ID)? - start < cpu {
        std::hint::spin_loop();
    }
    Ok(())
}
// ANCHOR_END: burn

fn run() -> nix::Result<()> {
    // ANCHOR: main
    let wall = Instant::now();
    // Not zero: CPU clocks survive execve(2), and `cargo run` execs this
    // program in place of itself, so cargo's own CPU time is already here.
    let main_before = read(ClockId::CLOCK_THREAD_CPUTIME_ID)?;
    let process_before = read(ClockId::CLOCK_PROCESS_CPUTIME_ID)?;
    let helper = std::thread::spawn(|| -> nix::Result<Duration> {
        burn(Duration::from_millis(40))?;
        read(ClockId::CLOCK_THREAD_CPUTIME_ID)
    });
    burn(Duration::from_millis(40))?;
    std::thread::sleep(Duration::from_millis(40)); // wall time passes, CPU time does not
    let main_cpu = read(ClockId::CLOCK_THREAD_CPUTIME_ID)? - main_before;
    let helper_cpu = helper.join().expect("the helper thread panicked")?; // a new thread starts at 0
    let process_cpu = read(ClockId::CLOCK_PROCESS_CPUTIME_ID)? - process_before;
    let wall = wall.elapsed();
    // ANCHOR_END: main
    println!("CPU time used before main: {process_before:.1?}");
    println!("wall clock (Instant):             {wall:.1?}");
    println!("main thread CPU (THREAD_CPUTIME): {main_cpu:.1?}");
    println!("helper thread CPU:                {helper_cpu:.1?}");
    println!("process CPU (PROCESS_CPUTIME):    {process_cpu:.1?}");
    Ok(())
}

fn main() -> ExitCode {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cpu-time: clock_gettime: {e}");
            ExitCode::FAILURE
        }
    }
}
