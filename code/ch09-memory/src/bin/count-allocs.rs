//! Count a program's heap allocations with a `#[global_allocator]` wrapper.
//!
//! `CountingAlloc` (in this package's lib.rs) counts every call into the
//! allocator and passes it on to glibc's malloc. We count what a few common
//! lines of Rust cost: building a String by pushing, the same with
//! `with_capacity`, `format!`, collecting a Vec, a Box, and things that do
//! not allocate at all.
//!
//! Run: cargo run -p ch09-memory --bin count-allocs
//! Look for: a growing String reallocating as it doubles, one allocation
//! with `with_capacity`, and zero for arrays, slices and `&str`.

const USAGE: &str = "usage: count-allocs
Counts the heap allocations, reallocations, frees and bytes of a few common
lines of Rust (String push, with_capacity, format!, collect, Box, arrays),
with a counting #[global_allocator]. Takes no arguments.
";

// ANCHOR: count
use ch09_memory::{count_allocs, CountingAlloc, Counts};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

fn show(what: &str, c: Counts) {
    println!("{what:<36} {:>2} alloc  {:>2} realloc  {:>2} free  {:>5} bytes", c.allocs, c.reallocs, c.frees, c.bytes);
}

fn main() {
    // ANCHOR_END: count
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    // ANCHOR: count
    let (_, c) = count_allocs(|| {
        let mut s = String::new();
        for _ in 0..1000 {
            s.push('x');
        }
        s.len()
    });
    show("String::new + 1000 push", c);

    let (_, c) = count_allocs(|| {
        let mut s = String::with_capacity(1000);
        for _ in 0..1000 {
            s.push('x');
        }
        s.len()
    });
    show("String::with_capacity(1000) + push", c);

    let (_, c) = count_allocs(|| format!("{}-{}", "pid", 42).len());
    show("format!", c);

    let (_, c) = count_allocs(|| (0..1000u32).collect::<Vec<_>>().len());
    show("collect 1000 u32 (size known)", c);

    let (_, c) = count_allocs(|| (0..1000u32).filter(|n| n % 2 == 0).collect::<Vec<_>>().len());
    show("collect after filter (size unknown)", c);

    let (_, c) = count_allocs(|| *Box::new(7u64));
    show("Box::new(7u64)", c);

    let (_, c) = count_allocs(|| {
        let array = [0u64; 128]; // on the stack
        let slice: &[u64] = &array;
        let text: &str = "a literal, in the executable";
        slice.len() + text.len()
    });
    show("array, slice, &str", c);
}
// ANCHOR_END: count
