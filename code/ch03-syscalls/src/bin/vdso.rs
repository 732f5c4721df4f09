//! The vDSO: a small shared library the kernel maps into every process, so
//! that clock_gettime(2) and gettimeofday(2) run in user mode, reading a page
//! of time data the kernel keeps up to date: no `syscall` instruction at all.
//!
//! Run: cargo run -p ch03-syscalls --bin vdso
//! Then: cargo build -p ch03-syscalls && target/debug/trace -c target/debug/vdso
//!
//! Look for: the [vdso] mapping in /proc/self/maps starts at the address
//! getauxval(AT_SYSINFO_EHDR) gives, it begins with an ELF header, and the
//! trace counts no clock_gettime although the program reads the clock 1000 times.

use std::time::Instant;

const USAGE: &str = "usage: vdso
Finds the [vdso] mapping in /proc/self/maps and compares its address with
getauxval(AT_SYSINFO_EHDR), then reads the clock 1000 times through it.
";

fn run() -> Result<(), String> {
    // ANCHOR: maps
    // The kernel lists the mapping in /proc/self/maps, named [vdso].
    let maps = std::fs::read_to_string("/proc/self/maps").map_err(|e| format!("reading /proc/self/maps: {e}"))?;
    let line = maps.lines().find(|l| l.ends_with("[vdso]")).ok_or("no [vdso] line in /proc/self/maps")?;
    // A line reads `start-end perms offset dev inode [vdso]`, addresses in hex.
    let fields: Vec<&str> = line.split_whitespace().collect();
    let (start, end) = fields[0].split_once('-').ok_or_else(|| format!("parsing {line}"))?;
    let parse = |hex| u64::from_str_radix(hex, 16).map_err(|e| format!("parsing {line}: {e}"));
    let (start, end) = (parse(start)?, parse(end)?);
    println!("/proc/self/maps: [vdso] at {start:#x}-{end:#x}, {} KiB, permissions {}", (end - start) / 1024, fields[1]);
    // ANCHOR_END: maps

    // ANCHOR: auxv
    // The kernel also hands the address to the program at exec, in the
    // auxiliary vector; the C library reads it from there.
    // SAFETY: getauxval(3) only reads the auxiliary vector.
    let ehdr = unsafe { libc::getauxval(libc::AT_SYSINFO_EHDR) };
    println!("getauxval(AT_SYSINFO_EHDR) = {ehdr:#x}, same as the mapping: {}", ehdr == start);
    // getauxval returns 0 when there is no vDSO (vdso=0 on the kernel command
    // line); only the start of the [vdso] mapping is known to be readable.
    if ehdr == 0 || ehdr != start {
        return Err(format!("getauxval(AT_SYSINFO_EHDR) = {ehdr:#x}, not the [vdso] mapping at {start:#x}"));
    }
    // SAFETY: `ehdr` is the start of the [vdso] mapping just read from
    // /proc/self/maps, which is readable (r-xp) and at least a page long; an
    // ELF image starts with 4 magic bytes.
    let magic = unsafe { std::slice::from_raw_parts(ehdr as *const u8, 4) };
    println!("first bytes: {magic:?} = \\x7fELF: {}", magic == b"\x7fELF");
    // ANCHOR_END: auxv

    // ANCHOR: clock
    // Instant::now() calls clock_gettime(CLOCK_MONOTONIC), which libc sends to the vDSO.
    let start = Instant::now();
    let mut last = start;
    for _ in 0..1000 {
        last = Instant::now();
    }
    println!("read the clock 1000 times; it moved forward: {}", last > start);
    // ANCHOR_END: clock
    Ok(())
}

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(message) = run() {
        eprintln!("{message}");
        std::process::exit(1);
    }
}
