//! Heap: where `malloc` gets memory from. Blocks come from the heap's free
//! lists or the free space at its top; when neither can serve a request,
//! glibc grows the heap with brk(2) (plus `M_TOP_PAD`, 128 KiB of slack), or,
//! for 128 KiB or more (`M_MMAP_THRESHOLD`, which moves up), gives the block
//! its own mmap(2), which free(3) hands straight back with munmap(2).
//!
//! Run: cargo run -p ch09-memory --bin malloc-brk-mmap
//! and watch the system calls:
//!   strace -e trace=brk,mmap,munmap target/debug/malloc-brk-mmap
//! Look for: the program break moving for the small blocks, a separate
//! mapping of 1 MiB + 4 KiB for the large one (the size printed is that of its
//! line in /proc/self/maps, which may include a neighbour the kernel merged it with), and a second 1 MiB block that
//! lands in the heap after all (the threshold moved up).

const USAGE: &str = "usage: malloc-brk-mmap
Mallocs three 100 000-byte blocks and two 1 MiB blocks and prints, on stderr,
where each landed ([heap] or its own mapping) and how far the program break
moved. Trace it: strace -e trace=brk,mmap,munmap target/debug/malloc-brk-mmap
";

// ANCHOR: malloc
use std::fs;

/// The current program break: the end of the heap (sbrk(2) with 0).
fn program_break() -> usize {
    // SAFETY: sbrk(0) only reads the break, it moves nothing.
    unsafe { libc::sbrk(0) as usize }
}

/// `[heap]` or `mmap` for an address, read from /proc/self/maps.
fn where_is(addr: usize) -> String {
    let maps = fs::read_to_string("/proc/self/maps").unwrap_or_default();
    for line in maps.lines() {
        let mut words = line.split_whitespace();
        let Some((start, end)) = words.next().and_then(|r| r.split_once('-')) else { continue };
        let (Ok(start), Ok(end)) = (usize::from_str_radix(start, 16), usize::from_str_radix(end, 16)) else { continue };
        if (start..end).contains(&addr) {
            return match words.nth(4) {
                Some("[heap]") => "[heap]".into(),
                Some(path) => path.into(),
                None => format!("an anonymous mapping of {} KiB", (end - start) / 1024),
            };
        }
    }
    "nowhere".into()
}

/// malloc(3) `size` bytes and report where they came from.
fn malloc(size: usize) -> *mut libc::c_void {
    let before = program_break();
    // SAFETY: plain malloc; every pointer is freed once below.
    let p = unsafe { libc::malloc(size) };
    assert!(!p.is_null(), "malloc({size}) failed");
    let moved = program_break() as isize - before as isize;
    eprintln!("malloc({size:>7}) = {:#x} in {}, break moved {moved:+}", p as usize, where_is(p as usize));
    p
}

fn free(p: *mut libc::c_void, what: &str) {
    let before = program_break();
    // SAFETY: `p` came from malloc above and is freed exactly once.
    unsafe { libc::free(p) };
    let moved = program_break() as isize - before as isize;
    eprintln!("free({what}), break moved {moved:+}");
}

fn main() {
    // ANCHOR_END: malloc
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    // ANCHOR: malloc
    eprintln!("main: break at {:#x}", program_break());
    // Three blocks of 100 000 bytes: under the threshold, from the heap.
    let small: Vec<_> = (0..3).map(|_| malloc(100_000)).collect();
    // One of 1 MiB: over the threshold, a mapping of its own.
    let large = malloc(1 << 20);
    free(large, "1 MiB");
    // glibc now raises the threshold to 1 MiB (it is dynamic), so the same
    // request comes from the heap this time.
    let again = malloc(1 << 20);
    free(again, "1 MiB again");
    for p in small {
        free(p, "100000");
    }
}
// ANCHOR_END: malloc
