//! Where the gzip server's system time comes from: N `GzEncoder::new` +
//! `finish` of the server's 12-byte body, in one thread or spread over
//! several, and the minor page faults the process took doing it
//! (getrusage(2), `ru_minflt`, counted from just before the loop).
//!
//! Run: cargo run --release -p ch04-sockets --bin gzip-alloc -- 40000 1
//!      cargo run --release -p ch04-sockets --bin gzip-alloc -- 40000 32
//! and, for the allocator's system calls,
//!      strace -f -c -e trace=memory target/release/gzip-alloc 40000 32
//! Look for: in one thread, fewer than 1 fault per 100 of the 40,000 encoders
//! of about 300 KiB each (glibc reuses the freed blocks: no mmap, no trim per
//! encoder); in 32 threads, which share at most 8 arenas per core, more than
//! 1 per 10: freed blocks at the top of an arena are handed back to the
//! kernel (brk, or madvise(MADV_DONTNEED) outside the main arena) and the
//! next encoder faults fresh zeroed pages in.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Barrier;

use flate2::write::GzEncoder;
use flate2::Compression;

const USAGE: &str = "\
usage: gzip-alloc [N] [THREADS]
Runs N GzEncoder::new + finish of a 12-byte body (default 40000), spread over
THREADS threads started together (default 1), and prints the minor page faults
the process took (getrusage). The chapter's server makes one encoder per response.
";

/// The body the chapter's server sends.
const BODY: &[u8] = b"Hello, gzip\n";

fn minor_faults() -> Result<i64, String> {
    // SAFETY: rusage is plain integers, so all-zero is a valid value, and
    // getrusage(2) only writes into the struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: RUSAGE_SELF is a valid `who` and &mut usage is a valid pointer.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return Err(format!("getrusage(RUSAGE_SELF): {}", std::io::Error::last_os_error()));
    }
    Ok(usage.ru_minflt)
}

/// What the server does per gzip response: a new encoder, the body, finish.
fn encode_one() -> Result<usize, String> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(BODY).map_err(|e| format!("GzEncoder write_all: {e}"))?;
    let out = enc.finish().map_err(|e| format!("GzEncoder finish: {e}"))?;
    Ok(out.len())
}

fn number(arg: Option<String>, what: &str, default: usize) -> Result<usize, String> {
    match arg {
        None => Ok(default),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!("{what} must be a positive number, not {s:?} (see --help)")),
        },
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let n = number(args.next(), "N", 40_000)?;
    let threads = number(args.next(), "THREADS", 1)?;
    if let Some(extra) = args.next() {
        return Err(format!("unexpected argument {extra:?} (see --help)"));
    }
    let per_thread = n / threads;
    let n = per_thread * threads;
    if threads == 1 {
        // In main's own thread: no thread stack to map and give back.
        let before = minor_faults()?;
        for _ in 0..n {
            encode_one()?;
        }
        return report(n, threads, minor_faults()? - before);
    }
    let start = Barrier::new(threads + 1);
    let before = std::thread::scope(|s| -> Result<i64, String> {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| -> Result<(), String> {
                    start.wait();
                    for _ in 0..per_thread {
                        encode_one()?;
                    }
                    Ok(())
                })
            })
            .collect();
        // Every thread exists (stack mapped) before we start counting.
        let before = minor_faults()?;
        start.wait();
        for w in workers {
            w.join().map_err(|_| "a worker thread panicked".to_string())??;
        }
        Ok(before)
    })?;
    report(n, threads, minor_faults()? - before)
}

/// The count, then which side of a tenfold-wide gap it falls on: the count
/// moves from run to run (how the threads meet in the arenas), the side does not.
fn report(n: usize, threads: usize, faults: i64) -> Result<(), String> {
    let per_encoder = faults as f64 / n as f64;
    let side = if per_encoder < 0.01 {
        "fewer than 1 per 100 encoders"
    } else if per_encoder > 0.1 {
        "more than 1 per 10 encoders"
    } else {
        "between 1 per 100 and 1 per 10 encoders"
    };
    println!(
        "{n} GzEncoder::new + finish in {threads} thread{}: {faults} minor page faults, {side}",
        if threads == 1 { "" } else { "s" },
    );
    Ok(())
}

fn main() -> ExitCode {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gzip-alloc: {e}");
            ExitCode::FAILURE
        }
    }
}
