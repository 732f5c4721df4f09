//! Demand paging: an anonymous mmap(2) reserves address space only; the
//! kernel allocates a physical page when the program first touches it, in a
//! (minor) page fault. We count the faults with getrusage(2) `ru_minflt`
//! and watch `VmRSS` grow, then see copy-on-write after fork(2).
//!
//! Run: cargo run -p ch09-memory --bin demand-paging
//! Look for: faults ≈ pages touched; RSS growing only as pages are written;
//! reads of untouched pages faulting without growing RSS (the shared zero
//! page); no faults the second time; in a forked child, one fault per page
//! it writes (copy-on-write, chapter 6 measures it in full).

use ch09_memory::{minor_faults, page_size, vm_rss_kib};
use memmap2::{Advice, MmapMut};
use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{fork, ForkResult};

// ANCHOR: paging
const PAGES: usize = 4096; // 16 MiB of 4 KiB pages

/// Minor faults and RSS (KiB) now.
fn sample() -> Result<(i64, u64), String> {
    let faults = minor_faults().map_err(|e| format!("getrusage: {e}"))?;
    let rss = vm_rss_kib().map_err(|e| format!("reading VmRSS: {e}"))?;
    Ok((faults, rss))
}

/// Run `f`, then print how many minor faults it cost and how RSS moved.
fn measure(what: &str, f: impl FnOnce()) -> Result<(), String> {
    let (faults0, rss0) = sample()?;
    f();
    let (faults1, rss1) = sample()?;
    println!("{what:<38} {:>6} minor faults   RSS {:+7} KiB", faults1 - faults0, rss1 as i64 - rss0 as i64);
    Ok(())
}

fn run() -> Result<(), String> {
    let page = page_size();
    let mut map = MmapMut::map_anon(PAGES * page).map_err(|e| format!("mmap of {PAGES} pages: {e}"))?;
    // Ask for 4 KiB pages even where transparent huge pages are "always",
    // so that one fault is one page (madvise(2) MADV_NOHUGEPAGE).
    map.advise(Advice::NoHugePage).map_err(|e| format!("madvise: {e}"))?;
    println!("mapped {} MiB at {:#x}: {PAGES} pages of {page} bytes", (PAGES * page) >> 20, map.as_ptr() as usize);

    measure("write 1 byte in each of 1024 pages", || {
        for i in 0..1024 {
            map[i * page] = 1;
        }
    })?;
    measure("write them again", || {
        for i in 0..1024 {
            map[i * page] = 2;
        }
    })?;
    measure("read 1024 untouched pages", || {
        let mut sum = 0u64;
        for i in 1024..2048 {
            sum += std::hint::black_box(map[i * page]) as u64;
        }
        std::hint::black_box(sum);
    })?;
    measure("then write those 1024 pages", || {
        for i in 1024..2048 {
            map[i * page] = 3;
        }
    })?;
    measure("write 2048 more pages", || {
        for i in 2048..PAGES {
            map[i * page] = 4;
        }
    })?;

    // Copy-on-write: after fork the child shares every page with us until it
    // writes one. Each first write is a fault that copies 4 KiB.
    // SAFETY: this program has one thread, so the child may run Rust code.
    match unsafe { fork() }.map_err(|e| format!("fork: {e}"))? {
        ForkResult::Child => {
            let code = match measure("child: write 512 shared pages", || {
                for i in 0..512 {
                    map[i * page] = 5;
                }
            }) {
                Ok(()) => 0,
                Err(e) => {
                    eprintln!("demand-paging: child: {e}");
                    1
                }
            };
            // SAFETY: _exit(2) ends the child without running the parent's
            // exit handlers or destructors twice.
            unsafe { libc::_exit(code) }
        }
        ForkResult::Parent { child } => {
            match waitpid(child, None).map_err(|e| format!("waitpid: {e}"))? {
                WaitStatus::Exited(_, 0) => {}
                status => return Err(format!("child {child} failed: {status:?}")),
            }
            println!("parent: page 0 still holds {}", map[0]);
        }
    }
    Ok(())
}
// ANCHOR_END: paging

const USAGE: &str = "usage: demand-paging
Maps 16 MiB of anonymous memory and counts the minor faults and RSS growth
of writing, rewriting and reading its pages, then of a forked child writing
pages it shares with us (copy-on-write). Takes no arguments.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("demand-paging: {e}");
        std::process::exit(1);
    }
}
