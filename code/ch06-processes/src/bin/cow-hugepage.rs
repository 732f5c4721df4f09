//! Copy-on-write with transparent huge pages. Like `cow-measure`, but the
//! buffer is an anonymous mapping aligned to 2 MiB and marked with
//! `madvise(MADV_HUGEPAGE)`, so where THP is enabled (`[madvise]` or
//! `[always]` in /sys/kernel/mm/transparent_hugepage/enabled) the kernel
//! fills it 2 MiB at a time: one fault per huge page. The child's first
//! write to each 4 KiB page still faults: on a write to a huge page shared
//! after fork, the kernel splits the mapping and copies 4 KiB pages.
//!
//! Run: cargo run -p ch06-processes --bin cow-hugepage [-- MiB]
//! The fault counts are taken around the fill and around the child's
//! writes only (`getrusage(2)` `ru_minflt`), so nothing else is counted.

use ch06_processes::minor_faults;
use nix::sys::wait::waitpid;
use nix::unistd::{fork, ForkResult};
use std::io::Write;

const PAGE: usize = 4096;
const HUGE: usize = 2 << 20;

const USAGE: &str = "usage: cow-hugepage [MiB]
Maps MiB mebibytes (default 64, a multiple of 2) aligned to 2 MiB, marks them
MADV_HUGEPAGE, fills them and forks; the child writes one byte into every 4 KiB
page. Prints the THP setting and the minor faults of the fill and of the writes.
";

fn main() {
    if let Err(e) = run() {
        eprintln!("cow-hugepage: {e}");
        std::process::exit(1);
    }
}

fn faults() -> Result<i64, String> {
    minor_faults().map_err(|e| format!("getrusage: {e}"))
}

fn run() -> Result<(), String> {
    let mib: usize = match std::env::args().nth(1).as_deref() {
        Some("--help" | "-h") => {
            print!("{USAGE}");
            return Ok(());
        }
        Some(a) => a.parse().map_err(|e| format!("MiB argument {a:?}: {e} (see --help)"))?,
        None => 64,
    };
    if mib == 0 || !mib.is_multiple_of(2) {
        return Err(format!("MiB argument {mib}: must be a positive multiple of 2 (see --help)"));
    }
    let len = mib << 20;
    let thp = std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled")
        .unwrap_or_else(|_| "(not available)\n".into());
    print!("transparent_hugepage/enabled: {thp}");

    // Map one huge page more than needed, so a 2 MiB-aligned start fits.
    // SAFETY: an anonymous private mapping at an address the kernel picks;
    // no existing memory is affected.
    let raw = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len + HUGE,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if raw == libc::MAP_FAILED {
        return Err(format!("mmap: {}", std::io::Error::last_os_error()));
    }
    let start = (raw as usize).next_multiple_of(HUGE);
    let buf = start as *mut u8;
    // SAFETY: [start, start + len) lies inside the mapping just made
    // (start - raw < HUGE); madvise only changes how it is backed.
    if unsafe { libc::madvise(buf.cast(), len, libc::MADV_HUGEPAGE) } != 0 {
        return Err(format!("madvise(MADV_HUGEPAGE): {}", std::io::Error::last_os_error()));
    }

    let before = faults()?;
    for i in (0..len).step_by(PAGE) {
        // SAFETY: i < len, inside the mapping; nothing else refers to it.
        unsafe { std::ptr::write_volatile(buf.add(i), 1) };
    }
    let fill = faults()? - before;
    println!("buffer: {mib} MiB = {} pages of 4 KiB = {} of 2 MiB", len / PAGE, len / HUGE);
    println!("parent, filling:        minor faults {fill:>6}");
    std::io::stdout().flush().map_err(|e| format!("flushing stdout: {e}"))?;

    // SAFETY: single-threaded program; the child writes memory, prints and _exits.
    match unsafe { fork() }.map_err(|e| format!("fork: {e}"))? {
        ForkResult::Child => {
            // A first call copies the stack pages getrusage uses, so the
            // count below is the buffer's alone.
            let _ = faults();
            let before = faults().unwrap_or(0);
            for i in (0..len).step_by(PAGE) {
                // SAFETY: as in the fill: inside the child's copy of the mapping.
                unsafe { std::ptr::write_volatile(buf.add(i), 2) };
            }
            let writes = faults().unwrap_or(0) - before;
            println!("child, writing:         minor faults {writes:>6}");
            let _ = std::io::stdout().flush();
            // SAFETY: _exit only ends the process.
            unsafe { libc::_exit(0) }
        }
        ForkResult::Parent { child } => {
            waitpid(child, None).map_err(|e| format!("waitpid: {e}"))?;
            // SAFETY: PAGE < len: inside the mapping, which the parent still has.
            let kept = unsafe { std::ptr::read_volatile(buf.add(PAGE)) };
            println!("parent: buffer still holds {kept}");
        }
    }
    // SAFETY: the whole mapping made above; buf is not used after this.
    if unsafe { libc::munmap(raw, len + HUGE) } != 0 {
        return Err(format!("munmap: {}", std::io::Error::last_os_error()));
    }
    Ok(())
}
