//! A process's layout: `/proc/self/maps` beside the addresses of a function,
//! a static, a heap `Box` and a stack local.
//!
//! Prints the four addresses, then every line of `/proc/self/maps` (see
//! proc_pid_maps(5)) with an arrow on the mappings that hold them.
//!
//! Run: cargo run -p ch09-memory --bin process-layout
//! Look for: the function in an `r-xp` mapping of our own executable, the
//! static in an `rw-p` one, the Box in `[heap]`, the local in `[stack]`;
//! the shared libraries, `[vdso]`, and the big unmapped gaps between.

use std::fs;

// ANCHOR: layout
static GREETING: [u8; 6] = *b"hello\n";
static mut COUNTER: u64 = 0;

fn a_function() -> u64 {
    42
}

/// Start and end of one maps line: `55d0c1a00000-55d0c1a2b000 r--p …`.
fn range(line: &str) -> Option<(usize, usize)> {
    let (range, _) = line.split_once(' ')?;
    let (start, end) = range.split_once('-')?;
    Some((usize::from_str_radix(start, 16).ok()?, usize::from_str_radix(end, 16).ok()?))
}

fn run() -> Result<(), String> {
    let local = a_function();
    let boxed = Box::new(local);
    // `&raw const` takes the address of the `static mut` without making a
    // reference to it, so no `unsafe` is needed.
    let counter = (&raw const COUNTER) as usize;
    let things = [
        ("function", a_function as *const () as usize),
        ("static (read-only)", GREETING.as_ptr() as usize),
        ("static mut", counter),
        ("heap Box", &*boxed as *const u64 as usize),
        ("stack local", &local as *const u64 as usize),
    ];
    for (what, addr) in &things {
        println!("{what:<19} {addr:#014x}");
    }
    let maps = fs::read_to_string("/proc/self/maps").map_err(|e| format!("reading /proc/self/maps: {e}"))?;
    println!();
    for line in maps.lines() {
        let Some((start, end)) = range(line) else { continue };
        let here: Vec<&str> =
            things.iter().filter(|(_, a)| (start..end).contains(a)).map(|(what, _)| *what).collect();
        if here.is_empty() {
            println!("   {line}");
        } else {
            println!("-> {line}   <- {}", here.join(", "));
        }
    }
    Ok(())
}
// ANCHOR_END: layout

const USAGE: &str = "usage: process-layout
Prints the addresses of a function, two statics, a heap Box and a stack
local, then /proc/self/maps with an arrow on the mappings that hold them.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("process-layout: {e}");
        std::process::exit(1);
    }
}
