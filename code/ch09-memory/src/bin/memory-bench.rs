//! The chapter's measurement: what memory costs.
//!
//! - first touch of a page of an anonymous mapping (a minor page fault: the
//!   kernel zeroes a 4 KiB page and maps it) against the second touch (a
//!   plain store), and the first touch with 2 MiB huge pages;
//! - malloc + free of a small block, of a 100 000-byte block (heap, brk), and
//!   of 1 MiB, from the heap and from its own mmap (glibc's threshold pinned
//!   with mallopt(3)), with and without writing every page of it;
//! - `Box::new` of 32 bytes against the same array on the stack.
//!
//! What it controls for:
//! - cold against warm: each page row is one pass over a fresh mapping, so
//!   it is cold on purpose (the fault is what is measured); "again, in a new
//!   mapping" repeats it once the host has backed those guest pages. The
//!   malloc and Box rows are the best of five rounds of a million calls, so
//!   the first round warms tcache and the caches and is discarded.
//! - inherited settings: the THP policy and any `MALLOC_*` or
//!   `GLIBC_TUNABLES` in the environment change the rows, so they are
//!   printed; the 1 MiB rows pin the thresholds with mallopt(3) whatever was
//!   inherited, and the page rows ask for their page size with madvise(2).
//! - one CPU: the bench has one thread; it pins itself to the CPU it started
//!   on (sched_setaffinity(2)), so a migration to the other CPU, with its
//!   cold caches, does not land in the middle of a row. The other CPU is left
//!   to the rest of the machine.
//!
//! Run: cargo run --release -p ch09-memory --bin memory-bench [-- --quick]
//! Look for: a fault costing hundreds of times a store; small malloc in tens
//! of nanoseconds; a fresh mmap per large block paying its faults every time.

use ch09_memory::page_size;
use memmap2::{Advice, MmapMut};
use std::hint::black_box;
use std::time::Instant;

const USAGE: &str = "usage: memory-bench [--quick]
Times a page's first touch (minor fault) against a store, with 4 KiB and huge
pages; malloc + free of 64 B, 100 000 B and 1 MiB (heap and mmap); Box::new
against the stack. --quick: a short run for the tests. Build with --release.
";

/// Nanoseconds per iteration of `f`, best of `rounds` runs of `iters` each.
fn ns_per_op(rounds: u32, iters: u32, mut f: impl FnMut()) -> f64 {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iters {
                f();
            }
            start.elapsed().as_nanos() as f64 / iters as f64
        })
        .fold(f64::INFINITY, f64::min)
}

/// ns per page to write one byte in each page of a fresh mapping, then again.
fn touch(pages: usize, advice: Advice) -> Result<(f64, f64), String> {
    let page = page_size();
    let mut map = MmapMut::map_anon(pages * page).map_err(|e| format!("mmap: {e}"))?;
    map.advise(advice).map_err(|e| format!("madvise {advice:?}: {e}"))?;
    let mut pass = |value: u8| {
        let start = Instant::now();
        for i in 0..pages {
            map[i * page] = value;
        }
        black_box(&mut map);
        start.elapsed().as_nanos() as f64 / pages as f64
    };
    let first = pass(1);
    let second = pass(2);
    Ok((first, second))
}

/// malloc(size), optionally write one byte per page, free.
fn malloc_free(size: usize, write_pages: bool) {
    // SAFETY: the block is used only inside its size and freed exactly once.
    unsafe {
        let p = libc::malloc(size) as *mut u8;
        assert!(!p.is_null(), "malloc({size}) failed");
        if write_pages {
            for offset in (0..size).step_by(4096) {
                p.add(offset).write_volatile(1);
            }
        }
        libc::free(black_box(p) as *mut libc::c_void);
    }
}

/// mallopt(3) M_MMAP_THRESHOLD: blocks this big or bigger get their own mmap.
fn set_mmap_threshold(bytes: i32) -> Result<(), String> {
    // SAFETY: mallopt only changes a malloc tunable.
    if unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, bytes) } != 1 {
        return Err(format!("mallopt(M_MMAP_THRESHOLD, {bytes}) failed"));
    }
    Ok(())
}

/// Pin this (single-threaded) process to the CPU it is running on.
fn pin_to_current_cpu() -> Result<usize, String> {
    // SAFETY: sched_getcpu(3) takes no arguments and only returns a number.
    let cpu = unsafe { libc::sched_getcpu() };
    if cpu < 0 {
        return Err(format!("sched_getcpu: {}", std::io::Error::last_os_error()));
    }
    // SAFETY: cpu_set_t is a plain bit array, for which all zeros is valid.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: CPU_SET writes one bit of `set`; `cpu` came from the kernel
    // and is below CPU_SETSIZE.
    unsafe { libc::CPU_SET(cpu as usize, &mut set) };
    // SAFETY: sched_setaffinity(2) reads `size_of::<cpu_set_t>()` bytes of
    // `set`, which lives across the call; pid 0 is this thread.
    if unsafe { libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) } != 0 {
        return Err(format!("sched_setaffinity to CPU {cpu}: {}", std::io::Error::last_os_error()));
    }
    Ok(cpu as usize)
}

/// What this run inherited that changes its numbers.
fn inherited() -> String {
    let thp = std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|e| format!("unknown ({e})"));
    let tunables: Vec<String> = std::env::vars()
        .filter(|(k, _)| k.starts_with("MALLOC_") || k == "GLIBC_TUNABLES")
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let tunables = if tunables.is_empty() { "none".to_string() } else { tunables.join(" ") };
    format!("THP: {thp}; malloc settings from the environment: {tunables}")
}

fn run() -> Result<(), String> {
    let mut quick = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--quick" => quick = true,
            "--help" | "-h" => {
                print!("{USAGE}");
                return Ok(());
            }
            _ => return Err(format!("unknown argument {arg:?} (see --help)")),
        }
    }
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let cpu = pin_to_current_cpu()?;
    println!("{}", inherited());
    println!("pinned to CPU {cpu} ({cpus} CPUs were allowed)");
    let (pages, rounds, iters, big_iters) = if quick { (256, 1, 1_000, 20) } else { (16_384, 5, 1_000_000, 2_000) };
    let row = |what: &str, ns: f64| println!("| {what:<48} | {ns:>10.1} ns |");
    println!("{} KiB pages, {pages} pages per mapping{}", page_size() / 1024, if quick { " (quick mode)" } else { "" });
    println!("| {:<48} | {:>13} |", "measurement", "time");
    println!("|{:-<50}|{:-<15}|", "", "");

    let (first, second) = touch(pages, Advice::NoHugePage)?;
    row("first touch of a 4 KiB page (minor fault)", first);
    row("second touch of the same page", second);
    let (again, _) = touch(pages, Advice::NoHugePage)?;
    row("  first touch again, in a new mapping", again);
    let (first_huge, second_huge) = touch(pages, Advice::HugePage)?;
    row("first touch per 4 KiB, MADV_HUGEPAGE", first_huge);
    row("  second touch, one store per 4 KiB", second_huge);
    let (again_huge, _) = touch(pages, Advice::HugePage)?;
    row("  first touch again, in a new mapping", again_huge);

    row("malloc+free 64 B", ns_per_op(rounds, iters, || malloc_free(64, false)));
    row("malloc+free 100 000 B (heap)", ns_per_op(rounds, iters / 10, || malloc_free(100_000, false)));
    // glibc serves a large block from free heap space if there is some, and
    // calls mmap only when the heap's top is too small. So measure the mmap
    // path first, while the heap is small, with the threshold pinned at
    // 128 KiB (mallopt(3); a pinned threshold no longer moves up on free).
    set_mmap_threshold(128 * 1024)?;
    row("malloc+free 1 MiB (mmap + munmap)", ns_per_op(rounds, big_iters, || malloc_free(1 << 20, false)));
    row("  ... and write each of its 256 pages", ns_per_op(rounds, big_iters, || malloc_free(1 << 20, true)));
    // Then raise the threshold: the first 1 MiB block grows the heap with
    // brk, and every later one reuses that memory, pages already mapped.
    set_mmap_threshold(32 << 20)?;
    // And keep free from trimming the heap's top back with brk each time
    // (M_TRIM_THRESHOLD; a pinned mmap threshold stops it moving up too).
    // SAFETY: mallopt only changes a malloc tunable.
    if unsafe { libc::mallopt(libc::M_TRIM_THRESHOLD, 64 << 20) } != 1 {
        return Err("mallopt(M_TRIM_THRESHOLD) failed".into());
    }
    row("malloc+free 1 MiB (heap)", ns_per_op(rounds, big_iters, || malloc_free(1 << 20, false)));
    row("  ... and write each of its 256 pages", ns_per_op(rounds, big_iters, || malloc_free(1 << 20, true)));

    row("Box::new([u64; 4]) + drop", ns_per_op(rounds, iters, || {
        black_box(Box::new(black_box([1u64; 4])));
    }));
    row("[u64; 4] on the stack", ns_per_op(rounds, iters, || {
        black_box(black_box([1u64; 4]));
    }));
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("memory-bench: {e}");
        std::process::exit(1);
    }
}
