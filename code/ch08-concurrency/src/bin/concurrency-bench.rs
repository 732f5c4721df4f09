//! The chapter's measurements, Rust next to Go, in one table.
//!
//! Rows: spawning and joining a thread (a goroutine); handing a token back and
//! forth between two threads (goroutines), which is a context switch each way;
//! the memory a blocked thread (goroutine) costs, resident (RSS) and virtual;
//! a CPU-bound sum on 1 and 2 threads (Amdahl); and a counter incremented by
//! two threads under a Mutex versus with an atomic fetch_add.
//! The Go side is `go/bench` (standard library only), run with `go run` when a
//! `go` command is on PATH.
//!
//! What it controls for: each timed row, here and in go/bench, runs right
//! after an untimed warm-up of the same work at a tenth of the size (first
//! thread stacks, page faults, code paged in); the memory rows are not timed:
//! Rust's are preceded by one untimed run that makes glibc reserve its malloc
//! arenas, Go's by a garbage collection only; the "any CPU"
//! ping-pong and the sums use the CPUs the process inherited, which the header
//! prints (run under `taskset -c 0` and "any CPU" is one CPU); the Go side runs
//! with GOMAXPROCS and GOGC removed from its environment, so an exported
//! setting cannot change it, and the header names the Go version that ran.
//!
//! Run: cargo run --release -p ch08-concurrency --bin concurrency-bench
//!      add `-- --quick` for a fast, rough run (what the tests do)
//! Look for: the ratios between the columns, not the exact digits.
use std::collections::HashMap;
use std::hint::black_box;
use std::process::Command;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use ch08_concurrency::proc_status;
use nix::sched::{sched_setaffinity, CpuSet};
use nix::unistd::Pid;

const USAGE: &str = "\
usage: concurrency-bench [--quick]
Measures thread spawn+join, ping-pong, memory per blocked thread, a CPU-bound
sum on 1 and 2 threads, Mutex vs atomic counters; next to go/bench if `go` is on PATH.
  --quick  a fast, rough run (what the tests do)
";

struct Sizes {
    spawns: u32,
    round_trips: u32,
    blocked: usize,
    sum_n: u64,
    increments: u64,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    let quick = match args.as_slice() {
        [] => false,
        [flag] if flag == "--quick" => true,
        _ => {
            eprintln!("concurrency-bench: unknown arguments {args:?}; see concurrency-bench --help");
            std::process::exit(1);
        }
    };
    if let Err(e) = run(quick) {
        eprintln!("concurrency-bench: {e}");
        std::process::exit(1);
    }
}

fn run(quick: bool) -> Result<(), String> {
    let sizes = if quick {
        Sizes { spawns: 200, round_trips: 2_000, blocked: 50, sum_n: 1 << 20, increments: 20_000 }
    } else {
        Sizes { spawns: 5_000, round_trips: 100_000, blocked: 1_000, sum_n: 1 << 28, increments: 2_000_000 }
    };
    let mut rows: Vec<(&str, String, String)> = Vec::new();
    let go = run_go(quick);

    let g = |key: &str, fmt: fn(f64) -> String| -> String {
        match &go {
            Ok(map) => map.get(key).map_or_else(|| "(missing)".into(), |v| fmt(*v)),
            Err(_) => "-".into(),
        }
    };
    let ns = |v: f64| format_ns(v);
    let kib = |v: f64| format!("{v:.1} KiB");
    let ms = |v: f64| format!("{v:.1} ms");
    let x = |v: f64| format!("{v:.2}x");

    // Every timed row runs right after an untimed warm-up of the same work at a
    // tenth of the size (a quarter for the sum), and go/bench does the same, row
    // for row: the first spawns fault in stacks that glibc then caches, the
    // first handoffs fault in the channel's blocks, the counters' first
    // increments fault in the code and wake both CPUs.
    spawn_join(sizes.spawns / 10)?;
    let spawn = spawn_join(sizes.spawns)?;
    rows.push(("spawn + join, per thread / goroutine", ns(spawn), g("spawn_ns", ns)));

    ping_pong(sizes.round_trips / 10, false)?;
    let free = ping_pong(sizes.round_trips, false)?;
    rows.push(("ping-pong handoff (1 switch), any CPU", ns(free), g("pingpong_ns", ns)));
    ping_pong(sizes.round_trips / 10, true)?;
    let pinned = ping_pong(sizes.round_trips, true)?;
    rows.push(("ping-pong, one CPU (Go: GOMAXPROCS=1)", ns(pinned), g("pingpong_1p_ns", ns)));

    // Warm-up: the first threads to call malloc make glibc reserve its
    // per-thread arenas (64 MiB of address space each, up to 8 per CPU); do that
    // once here so the rows below show the threads' own cost.
    blocked_memory(sizes.blocked, Some(64 * 1024))?;
    let (rss, vsz) = blocked_memory(sizes.blocked, None)?;
    rows.push(("RSS per blocked thread (2 MiB stack)", kib(rss), g("rss_per_g_kib", kib)));
    rows.push(("virtual size per blocked thread", kib(vsz), g("vsz_per_g_kib", kib)));
    let (rss_s, vsz_s) = blocked_memory(sizes.blocked, Some(64 * 1024))?;
    rows.push(("RSS per blocked thread (64 KiB stack)", kib(rss_s), "".into()));
    rows.push(("virtual size per thread (64 KiB stack)", kib(vsz_s), "".into()));

    parallel_sum(sizes.sum_n / 4, 2); // warm-up: both CPUs awake, code paged in
    let one = parallel_sum(sizes.sum_n, 1);
    let two = parallel_sum(sizes.sum_n, 2);
    rows.push(("CPU-bound sum, 1 thread", ms(one), g("sum1_ms", ms)));
    rows.push(("CPU-bound sum, 2 threads", ms(two), g("sum2_ms", ms)));
    let go_speedup = match &go {
        Ok(m) => match (m.get("sum1_ms"), m.get("sum2_ms")) {
            (Some(a), Some(b)) => x(a / b),
            _ => "(missing)".into(),
        },
        Err(_) => "-".into(),
    };
    rows.push(("  speedup on 2 (Amdahl limit 2x)", x(one / two), go_speedup));

    mutex_counter(sizes.increments / 10);
    rows.push(("Mutex counter, 2 threads, per increment", ns(mutex_counter(sizes.increments)), g("mutex_ns", ns)));
    atomic_counter(sizes.increments / 10);
    rows.push(("atomic fetch_add, 2 threads, per incr.", ns(atomic_counter(sizes.increments)), g("atomic_ns", ns)));

    let cpus = thread::available_parallelism().map_or(0, |n| n.get());
    let mask = nix::sched::sched_getaffinity(Pid::from_raw(0))
        .map_err(|e| format!("sched_getaffinity: {e}"))?;
    let allowed: Vec<usize> = (0..CpuSet::count()).filter(|&c| mask.is_set(c).unwrap_or(false)).collect();
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    println!(
        "{cpus} CPUs (affinity {allowed:?}), Linux {}, {}{}",
        kernel.trim(),
        match &go {
            Ok(m) => format!(
                "Go side ({}): {} goroutines blocked",
                go_version(),
                m.get("blocked").copied().unwrap_or(0.0)
            ),
            Err(e) => format!("Go side skipped: {e}"),
        },
        if quick { " (quick mode: rough figures)" } else { "" }
    );
    println!("Rust side: {} threads blocked", sizes.blocked);
    println!("| {:<42} | {:>11} | {:>11} |", "measurement", "Rust", "Go");
    println!("|{:-<44}|{:->13}|{:->13}|", "", "", "");
    for (name, rust, go) in rows {
        println!("| {name:<42} | {rust:>11} | {go:>11} |");
    }
    Ok(())
}

fn format_ns(v: f64) -> String {
    if v >= 10_000.0 {
        format!("{:.1} µs", v / 1000.0)
    } else {
        format!("{v:.0} ns")
    }
}

fn per_op(d: Duration, ops: u64) -> f64 {
    d.as_nanos() as f64 / ops as f64
}

// ANCHOR: spawn
/// Create a thread (clone3; glibc reuses the last thread's cached stack, std
/// maps a small signal stack) and wait for it to exit.
fn spawn_join(n: u32) -> Result<f64, String> {
    let start = Instant::now();
    for i in 0..n {
        thread::spawn(move || black_box(i)).join().map_err(|_| "thread panicked")?;
    }
    Ok(per_op(start.elapsed(), n.into()))
}
// ANCHOR_END: spawn

/// The lowest-numbered CPU in the calling thread's affinity mask: the "one
/// CPU" rows run there, so they stay inside whatever mask (taskset, cpuset)
/// the bench inherited.
fn first_inherited_cpu() -> Result<usize, String> {
    let mask = nix::sched::sched_getaffinity(Pid::from_raw(0)).map_err(|e| format!("sched_getaffinity: {e}"))?;
    (0..CpuSet::count())
        .find(|&c| mask.is_set(c).unwrap_or(false))
        .ok_or_else(|| String::from("sched_getaffinity: the mask holds no CPU"))
}

/// Pins the calling thread to `cpu`.
fn pin_to(cpu: usize) -> Result<(), String> {
    let mut set = CpuSet::new();
    set.set(cpu).map_err(|e| format!("CpuSet::set({cpu}): {e}"))?;
    sched_setaffinity(Pid::from_raw(0), &set).map_err(|e| format!("sched_setaffinity(CPU {cpu}): {e}"))
}

// ANCHOR: pingpong
/// Two threads hand a token back and forth over two channels. Each handoff
/// wakes the other thread (a futex wake) and puts this one to sleep (a futex
/// wait): with both pinned to one CPU, every handoff is a context switch.
fn ping_pong(round_trips: u32, one_cpu: bool) -> Result<f64, String> {
    let cpu = first_inherited_cpu()?;
    let (ping_tx, ping_rx) = mpsc::channel::<u32>();
    let (pong_tx, pong_rx) = mpsc::channel::<u32>();
    let echo = thread::spawn(move || -> Result<(), String> {
        if one_cpu {
            pin_to(cpu)?;
        }
        for token in ping_rx {
            pong_tx.send(token).map_err(|e| e.to_string())?;
        }
        Ok(())
    });
    let main_affinity = nix::sched::sched_getaffinity(Pid::from_raw(0)).map_err(|e| e.to_string())?;
    if one_cpu {
        pin_to(cpu)?;
    }
    let start = Instant::now();
    for i in 0..round_trips {
        ping_tx.send(i).map_err(|e| e.to_string())?;
        pong_rx.recv().map_err(|e| e.to_string())?;
    }
    let elapsed = start.elapsed();
    drop(ping_tx);
    echo.join().map_err(|_| "echo thread panicked")??;
    sched_setaffinity(Pid::from_raw(0), &main_affinity).map_err(|e| e.to_string())?;
    Ok(per_op(elapsed, 2 * u64::from(round_trips)))
}
// ANCHOR_END: pingpong

// ANCHOR: memory
/// Starts `n` threads that block on a condition variable, and reads this
/// process's resident (VmRSS) and virtual (VmSize) memory before and while
/// they are blocked. Returns the growth per thread in KiB.
fn blocked_memory(n: usize, stack: Option<usize>) -> Result<(f64, f64), String> {
    let status = |f: &str| proc_status(f).map_err(|e| format!("reading {f}: {e}"));
    let (rss0, vsz0) = (status("VmRSS")?, status("VmSize")?);
    let gate = Arc::new((Mutex::new(false), Condvar::new()));
    let started = Arc::new(AtomicUsize::new(0));
    let mut handles = Vec::with_capacity(n);
    for _ in 0..n {
        let (gate, started) = (Arc::clone(&gate), Arc::clone(&started));
        let mut builder = thread::Builder::new();
        if let Some(size) = stack {
            builder = builder.stack_size(size);
        }
        let h = builder.spawn(move || {
            started.fetch_add(1, Ordering::Release);
            let (lock, cv) = &*gate;
            let open = lock.lock().expect("poisoned");
            drop(cv.wait_while(open, |open| !*open).expect("poisoned"));
        });
        handles.push(h.map_err(|e| format!("spawning thread {}: {e}", handles.len()))?);
    }
    while started.load(Ordering::Acquire) < n {
        thread::yield_now();
    }
    let (rss1, vsz1) = (status("VmRSS")?, status("VmSize")?);
    *gate.0.lock().map_err(|e| e.to_string())? = true;
    gate.1.notify_all();
    for h in handles {
        h.join().map_err(|_| "blocked thread panicked")?;
    }
    let per = |a: u64, b: u64| b.saturating_sub(a) as f64 / n as f64;
    Ok((per(rss0, rss1), per(vsz0, vsz1)))
}
// ANCHOR_END: memory

// ANCHOR: sum
/// Sums f(i) for i in 0..n on `threads` threads; f is pure arithmetic, so
/// the work is CPU-bound and splits perfectly. Returns milliseconds.
fn parallel_sum(n: u64, threads: u64) -> f64 {
    let f = |i: u64| (i ^ (i >> 3)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
    let start = Instant::now();
    let total: u64 = thread::scope(|s| {
        let chunk = n / threads;
        let handles: Vec<_> = (0..threads)
            .map(|t| s.spawn(move || (t * chunk..(t + 1) * chunk).map(f).fold(0u64, u64::wrapping_add)))
            .collect();
        handles.into_iter().map(|h| h.join().expect("summing thread panicked")).fold(0, u64::wrapping_add)
    });
    black_box(total);
    start.elapsed().as_secs_f64() * 1000.0
}
// ANCHOR_END: sum

// ANCHOR: counters
fn mutex_counter(per_thread: u64) -> f64 {
    let counter = Mutex::new(0u64);
    let start = Instant::now();
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for _ in 0..per_thread {
                    *counter.lock().expect("poisoned") += 1;
                }
            });
        }
    });
    per_op(start.elapsed(), 2 * per_thread)
}

fn atomic_counter(per_thread: u64) -> f64 {
    let counter = AtomicU64::new(0);
    let start = Instant::now();
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for _ in 0..per_thread {
                    counter.fetch_add(1, Ordering::Relaxed); // result unused: `lock inc` on x86-64
                }
            });
        }
    });
    per_op(start.elapsed(), 2 * per_thread)
}
// ANCHOR_END: counters

/// Runs `go run ./bench` in this package's go/ folder and parses its
/// `key value` lines.
fn run_go(quick: bool) -> Result<HashMap<String, f64>, String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/go");
    let mut cmd = Command::new("go");
    // An exported GOMAXPROCS or GOGC would silently change the Go column.
    cmd.args(["run", "./bench"]).current_dir(dir).env_remove("GOMAXPROCS").env_remove("GOGC");
    if quick {
        cmd.arg("-quick");
    }
    let out = match cmd.output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err("no `go` on PATH".into()),
        Err(e) => return Err(format!("running go: {e}")),
    };
    if !out.status.success() {
        return Err(format!("go run ./bench failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    let mut map = HashMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        if let Some((k, v)) = line.split_once(' ') {
            if let Ok(v) = v.trim().parse() {
                map.insert(k.to_string(), v);
            }
        }
    }
    Ok(map)
}

/// `go version`'s third word (`go1.22.5`): the Go that ran the Go column.
fn go_version() -> String {
    Command::new("go")
        .arg("version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).split_whitespace().nth(2).map(str::to_string))
        .unwrap_or_else(|| "go version unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Under `taskset -c 1` (or a cpuset without CPU 0) the one-CPU rows must
    /// run on CPU 1, not leave the mask or fail with EINVAL. A thread narrows
    /// its own mask to its last CPU and pins the way ping_pong does.
    #[test]
    fn one_cpu_pinning_stays_inside_the_inherited_mask() {
        thread::spawn(|| {
            let mask = nix::sched::sched_getaffinity(Pid::from_raw(0)).expect("sched_getaffinity");
            let allowed: Vec<usize> = (0..CpuSet::count()).filter(|&c| mask.is_set(c).unwrap_or(false)).collect();
            let Some(&last) = allowed.last().filter(|_| allowed.len() > 1) else {
                // Straight to fd 2: libtest captures eprintln!, so the skip would not show.
                std::io::Write::write_all(
                    &mut std::io::stderr(),
                    b"SKIPPED: only one CPU in the affinity mask, nothing to exclude\n",
                )
                .unwrap_or(());
                return;
            };
            pin_to(last).expect("narrowing the mask");
            pin_to(first_inherited_cpu().expect("first CPU")).expect("pinning");
            let now = nix::sched::sched_getaffinity(Pid::from_raw(0)).expect("sched_getaffinity");
            let now: Vec<usize> = (0..CpuSet::count()).filter(|&c| now.is_set(c).unwrap_or(false)).collect();
            assert_eq!(now, [last], "pinned outside the inherited mask [{last}]");
        })
        .join()
        .expect("the pinning thread panicked");
    }
}
