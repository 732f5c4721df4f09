//! Copy-on-write, measured. The parent fills a 64 MiB buffer and forks. The
//! child reads its own memory figures, writes one byte into every page of
//! the buffer, and reads them again. Nothing was copied at fork: the pages
//! were shared, read-only, and each first write faults (a minor fault) and
//! copies one 4 KiB page.
//!
//! Run: cargo run --release -p ch06-processes --bin cow-measure [-- MiB]
//! Look for: VmRSS barely moves (shared pages count as resident in both),
//! but Shared becomes Private and there is one minor fault per page.

use ch06_processes::{minor_faults, vm_rss_kib};
use nix::sys::wait::waitpid;
use nix::unistd::{fork, ForkResult};
use std::io::Write;

const PAGE: usize = 4096;

const USAGE: &str = "usage: cow-measure [MiB]
Fills a buffer of MiB mebibytes (default 64) and forks; the child writes one
byte into every page. Prints VmRSS, shared and private dirty memory and minor
faults before and after the writes: copy-on-write, one fault per page.
";

/// Shared_Dirty and Private_Dirty, in KiB, from /proc/self/smaps_rollup
/// (the sum over all mappings): who else maps our dirty pages?
fn shared_private_kib() -> (u64, u64) {
    let text = std::fs::read_to_string("/proc/self/smaps_rollup").unwrap_or_default();
    let field = |name: &str| -> u64 {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (field("Shared_Dirty:"), field("Private_Dirty:"))
}

fn report(who: &str, faults_before: i64) {
    let rss = vm_rss_kib().unwrap_or(0);
    let (shared, private) = shared_private_kib();
    let faults = minor_faults().unwrap_or(0) - faults_before;
    println!(
        "{who:22} VmRSS {:>6} KiB  shared {:>6} KiB  private {:>6} KiB  minor faults {faults:>6}",
        rss, shared, private
    );
}

fn main() {
    if let Err(e) = run() {
        eprintln!("cow-measure: {e}");
        std::process::exit(1);
    }
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
    // ANCHOR: cow
    let faults_at_start = minor_faults().unwrap_or(0);
    let mut buf = vec![0u8; mib << 20];
    buf.fill(1); // touch every page: now they are really allocated
    let pages = buf.len() / PAGE;
    println!("buffer: {mib} MiB = {pages} pages of 4 KiB");
    report("parent after filling", faults_at_start);
    std::io::stdout().flush().map_err(|e| format!("flushing stdout: {e}"))?;

    // SAFETY: single-threaded program; the child writes memory, reads /proc,
    // prints and _exits.
    match unsafe { fork() }.map_err(|e| format!("fork: {e}"))? {
        ForkResult::Child => {
            let faults0 = minor_faults().unwrap_or(0);
            report("child after fork", faults0);
            for i in (0..buf.len()).step_by(PAGE) {
                // volatile: the compiler must not drop a write nobody reads
                // SAFETY: i < buf.len(), so the pointer is in bounds.
                unsafe { std::ptr::write_volatile(buf.as_mut_ptr().add(i), 2) };
            }
            report("child after writing", faults0);
            let _ = std::io::stdout().flush();
            // SAFETY: _exit only ends the process.
            unsafe { libc::_exit(0) }
        }
        ForkResult::Parent { child } => {
            waitpid(child, None).map_err(|e| format!("waitpid: {e}"))?;
            // The parent's pages were never copied: it is their only owner again.
            println!("parent: buffer still holds {}", buf[PAGE]);
        }
    }
    // ANCHOR_END: cow
    Ok(())
}
