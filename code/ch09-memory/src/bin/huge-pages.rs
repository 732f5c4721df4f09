//! Huge pages: one page-table entry for 2 MiB instead of 4 KiB.
//!
//! Reads the transparent huge page (THP) policy from
//! `/sys/kernel/mm/transparent_hugepage/enabled`, then maps 8 MiB twice:
//! once with madvise(2) MADV_NOHUGEPAGE, once with MADV_HUGEPAGE, writes one
//! byte in every 4 KiB of each, and compares the page faults and the
//! `AnonHugePages` line of `/proc/self/smaps_rollup`. Finally it prints
//! `/proc/buddyinfo`, the kernel's free physical memory by block size, to
//! show why a huge page is not always available (fragmentation).
//!
//! A huge page covers an aligned 2 MiB of *virtual* addresses too, and mmap
//! only promises page alignment (since Linux 6.7 the kernel aligns some
//! anonymous mappings to 2 MiB by itself: since 6.12 those whose length is a
//! multiple of 2 MiB; older kernels none). So we map 2 MiB more than we need
//! and touch an aligned 8 MiB window inside: four whole huge pages on any
//! kernel. Then it maps three areas of 8 MiB and three of 8 MiB + 4 KiB and
//! prints where each starts relative to a 2 MiB boundary.
//!
//! Run: cargo run -p ch09-memory --bin huge-pages
//! Look for: ~2048 faults with 4 KiB pages, a handful with huge pages, and
//! AnonHugePages growing by a multiple of 2048 kB.

use ch09_memory::{minor_faults, page_size, proc_kib};
use memmap2::{Advice, MmapMut};
use std::fs;

// ANCHOR: huge
const LEN: usize = 8 << 20; // 8 MiB
const HUGE: usize = 2 << 20; // one x86-64 huge page

/// Map LEN bytes with `advice`, touch every 4 KiB, return (faults, AnonHugePages KiB added).
fn touch_all(advice: Advice) -> Result<(i64, i64), String> {
    // 2 MiB extra, so that an aligned LEN-byte window fits wherever it lands.
    let mut map = MmapMut::map_anon(LEN + HUGE).map_err(|e| format!("mmap {} bytes: {e}", LEN + HUGE))?;
    map.advise(advice).map_err(|e| format!("madvise {advice:?}: {e}"))?;
    let skip = (HUGE - map.as_ptr() as usize % HUGE) % HUGE;
    let window = &mut map[skip..skip + LEN];
    let huge = || proc_kib("/proc/self/smaps_rollup", "AnonHugePages").map_err(|e| format!("smaps_rollup: {e}"));
    let huge0 = huge()?;
    let faults0 = minor_faults().map_err(|e| format!("getrusage: {e}"))?;
    for offset in (0..LEN).step_by(page_size()) {
        window[offset] = 1;
    }
    let faults1 = minor_faults().map_err(|e| format!("getrusage: {e}"))?;
    let huge1 = huge()?;
    Ok((faults1 - faults0, huge1 as i64 - huge0 as i64))
}

fn run() -> Result<(), String> {
    let policy = fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled")
        .map_err(|e| format!("reading /sys/kernel/mm/transparent_hugepage/enabled: {e}"))?;
    println!("THP policy: {}  ([brackets] mark the one in force)", policy.trim());
    println!("{} KiB touched, one byte per {} bytes:", LEN >> 10, page_size());
    for advice in [Advice::NoHugePage, Advice::HugePage] {
        let (faults, huge) = touch_all(advice)?;
        println!("  {:<12} {faults:>5} minor faults, AnonHugePages {huge:+} kB", format!("{advice:?}"));
        if matches!(advice, Advice::HugePage) && huge == 0 && !policy.contains("[never]") {
            println!("  no huge page obtained: no free 2 MiB block, or compaction gave up");
        }
    }
    println!("start of a new anonymous mapping, modulo 2 MiB (three of each, kept):");
    for len in [LEN, LEN + page_size()] {
        let maps = (0..3)
            .map(|_| MmapMut::map_anon(len).map_err(|e| format!("mmap {len} bytes: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        let starts: Vec<String> = maps.iter().map(|m| format!("{:>4} KiB", (m.as_ptr() as usize % HUGE) >> 10)).collect();
        println!("  {:>5} KiB: {}", len >> 10, starts.join("  "));
    }
    let buddy = fs::read_to_string("/proc/buddyinfo").map_err(|e| format!("reading /proc/buddyinfo: {e}"))?;
    println!("free blocks of 4K 8K 16K ... 4M (order 0..10) in /proc/buddyinfo:");
    print!("{buddy}");
    Ok(())
}
// ANCHOR_END: huge

const USAGE: &str = "usage: huge-pages
Prints the transparent huge page policy, touches 8 MiB with MADV_NOHUGEPAGE
and with MADV_HUGEPAGE (faults, AnonHugePages), where new mappings start
modulo 2 MiB, and /proc/buddyinfo. Takes no arguments.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("huge-pages: {e}");
        std::process::exit(1);
    }
}
