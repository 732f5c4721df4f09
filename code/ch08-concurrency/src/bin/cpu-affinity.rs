//! CPUs as the OS offers them: how many a program may use, which ones, and
//! pinning a thread to one CPU with sched_setaffinity(2).
//!
//! `std::thread::available_parallelism` is Rust's answer to Go's default
//! GOMAXPROCS: the number of CPUs this process may run on (it honours the
//! affinity mask and cgroup CPU quotas). Each thread then pins itself to one
//! CPU and asks sched_getcpu(3) where it runs. Finally the cache sizes and the
//! SMT siblings of CPU 0 are read from /sys.
//!
//! Run: cargo run -p ch08-concurrency --bin cpu-affinity
//! Look for: every pinned thread reports the CPU it was pinned to.
//! Try: `-- --cpus 0,1023` pins to the CPUs you list instead of the allowed
//! ones; a CPU outside the mask makes sched_setaffinity fail with EINVAL.
use std::fs;
use std::thread;

use nix::sched::{sched_getaffinity, sched_getcpu, sched_setaffinity, CpuSet};
use nix::unistd::Pid;

const USAGE: &str = "\
usage: cpu-affinity [--cpus N,N,...]
Shows available_parallelism and the affinity mask, pins one thread to each CPU
with sched_setaffinity(2), then prints CPU 0's caches and SMT siblings from /sys.
  --cpus N,N,...  pin to these CPUs instead of every CPU in the affinity mask
";

fn main() {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("cpu-affinity: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    // ANCHOR: affinity
    let n = thread::available_parallelism().map_err(|e| format!("available_parallelism: {e}"))?;
    // Pid 0 means "the calling thread" (sched_setaffinity(2)).
    let mask = sched_getaffinity(Pid::from_raw(0)).map_err(|e| format!("sched_getaffinity: {e}"))?;
    let allowed: Vec<usize> =
        (0..CpuSet::count()).filter(|&cpu| mask.is_set(cpu).unwrap_or(false)).collect();
    println!("available_parallelism = {n}, affinity mask = CPUs {allowed:?}");
    let cpus = match cpus_from_args()? {
        Some(list) => list,
        None => allowed,
    };

    thread::scope(|s| -> Result<(), String> {
        let pinned: Vec<_> = cpus
            .iter()
            .map(|&cpu| {
                s.spawn(move || -> Result<(), String> {
                    let mut one = CpuSet::new();
                    one.set(cpu).map_err(|e| format!("CpuSet::set({cpu}): {e}"))?;
                    sched_setaffinity(Pid::from_raw(0), &one)
                        .map_err(|e| format!("sched_setaffinity(CPU {cpu}): {e}"))?;
                    // From here on the scheduler runs this thread on `cpu` only.
                    let now = sched_getcpu().map_err(|e| format!("sched_getcpu: {e}"))?;
                    println!("thread pinned to CPU {cpu} runs on CPU {now}");
                    Ok(())
                })
            })
            .collect();
        // Each thread's Result comes back through join: a failed pin is an error.
        for handle in pinned {
            handle.join().map_err(|_| "a pinned thread panicked".to_string())??;
        }
        Ok(())
    })?;
    // ANCHOR_END: affinity

    // ANCHOR: caches
    let base = "/sys/devices/system/cpu/cpu0";
    for index in 0.. {
        let dir = format!("{base}/cache/index{index}");
        let Ok(level) = fs::read_to_string(format!("{dir}/level")) else { break };
        let read = |f: &str| fs::read_to_string(format!("{dir}/{f}")).unwrap_or_default();
        println!(
            "cache L{} {:<12} {:>6}, shared by CPUs {}",
            level.trim(), read("type").trim(), read("size").trim(), read("shared_cpu_list").trim()
        );
    }
    match fs::read_to_string(format!("{base}/topology/thread_siblings_list")) {
        Ok(s) => println!("SMT siblings of CPU 0 (hardware threads of one core): {}", s.trim()),
        Err(e) => println!("no SMT topology in /sys ({e})"),
    }
    // ANCHOR_END: caches
    Ok(())
}

/// `--cpus 0,3`: the CPUs to pin to, instead of the allowed ones.
fn cpus_from_args() -> Result<Option<Vec<usize>>, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => Ok(None),
        [flag, list] if flag == "--cpus" => list
            .split(',')
            .map(|c| c.trim().parse().map_err(|e| format!("--cpus {list}: {c:?}: {e}")))
            .collect::<Result<Vec<usize>, String>>()
            .map(Some),
        _ => Err(format!("unknown arguments {args:?}; see cpu-affinity --help")),
    }
}
