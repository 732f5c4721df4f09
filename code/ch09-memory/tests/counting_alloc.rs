//! The counting allocator must count without changing what it counts.
//! `vec![0u8; n]` asks the global allocator for *zeroed* memory
//! (`GlobalAlloc::alloc_zeroed`); glibc's `calloc` serves a large request
//! with a fresh mmap, whose pages are zero already, and so touches none of
//! them. A wrapper that forgets to forward `alloc_zeroed` falls back to
//! `alloc` + writing every byte: 64 MiB of page faults and RSS.
//! (One test in this file: the counters and the fault count are per process.)

use ch09_memory::{count_allocs, minor_faults, vm_rss_kib, CountingAlloc};
use std::hint::black_box;

#[global_allocator]
static A: CountingAlloc = CountingAlloc;

#[test]
fn a_zeroed_vec_is_left_to_calloc_and_touches_no_pages() {
    const LEN: usize = 64 << 20;
    let faults0 = minor_faults().expect("getrusage");
    let rss0 = vm_rss_kib().expect("VmRSS");
    let (v, c) = count_allocs(|| black_box(vec![0u8; LEN]));
    let faults = minor_faults().expect("getrusage") - faults0;
    let rss = vm_rss_kib().expect("VmRSS") as i64 - rss0 as i64;
    // The harness's own threads may allocate a little at the same time.
    assert!(c.allocs >= 1 && c.bytes >= LEN as u64, "{c:?}");
    assert_eq!(c.zeroed, 1, "vec![0; n] asks for zeroed memory: {c:?}");
    // 16 384 pages if they were written; calloc's fresh mapping needs none.
    assert!(faults < 256, "vec![0u8; 64 MiB] cost {faults} minor faults: its pages were zeroed by hand");
    assert!(rss < 8 * 1024, "vec![0u8; 64 MiB] added {rss} KiB of RSS: its pages were zeroed by hand");
    assert_eq!(v[LEN / 2], 0);
}
