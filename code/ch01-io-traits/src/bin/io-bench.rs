//! Measure it: the cost of writing many small lines unbuffered, through a
//! BufWriter, and into a Vec<u8> — and the same in Go when `go` is installed.
//!
//! Each way writes LINES lines of 11 bytes ("hello 0000\n"); the destination
//! is /dev/null, so the kernel throws the bytes away and what is left is the
//! cost of the system calls themselves. Each row is the best of 5 runs.
//!
//! Run it:   cargo run --release -p ch01-io-traits --bin io-bench -- [LINES]
//!           (default 200000; `--quick` runs 1000 lines once and skips Go;
//!           `--only-vec` runs only the two Vec rows, no Go: for strace)
//! Look for: ns per line falls seven- to thirtyfold once the
//!           write(2) calls are batched; a Vec avoids even those.

use std::fs::File;
use std::hint::black_box;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

const USAGE: &str = "usage: io-bench [--quick] [--only-vec] [LINES]
Times writing LINES lines of 11 bytes (default 200000) to /dev/null: File
unbuffered, BufWriter<File> and Vec<u8>, best of 5 runs; then the Go version if
go is installed. --quick: 1000 lines, one run, no Go (the numbers mean nothing).
--only-vec: only the two Vec<u8> rows, no Go (to watch their allocations with
strace -e trace=mmap,mremap,munmap,brk).
";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("io-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args = std::env::args_os()
        .skip(1)
        .map(|a| a.into_string().map_err(|a| format!("argument {a:?} is not UTF-8")))
        .collect::<Result<Vec<String>, String>>()?;
    if args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return Ok(());
    }
    if let Some(flag) = args.iter().find(|a| a.starts_with('-') && *a != "--quick" && *a != "--only-vec") {
        return Err(format!("unknown option {flag:?} (see --help)"));
    }
    let quick = args.iter().any(|a| a == "--quick");
    let only_vec = args.iter().any(|a| a == "--only-vec");
    let lines: usize = match args.iter().find(|a| !a.starts_with('-')) {
        Some(s) => s.parse().map_err(|_| format!("LINES must be a number, got {s:?}"))?,
        None if quick => 1000,
        None => 200_000,
    };
    let rounds = if quick { 1 } else { 5 };
    if cfg!(debug_assertions) && !quick && !only_vec {
        eprintln!("io-bench: this is a debug build; use --release for figures worth quoting");
    }

    let null = || File::create("/dev/null").map_err(|e| format!("opening /dev/null: {e}"));
    // ANCHOR: cases
    let mut rows: Vec<(&str, Duration)> = Vec::new();
    if !only_vec { // --only-vec skips the three rows that write to a file
        rows.push(("File, writeln! per line", best_of(rounds, || {
            let mut f = null()?;
            for i in 0..lines {
                writeln!(f, "hello {:04}", i % 10_000).map_err(|e| e.to_string())?;
            }
            Ok(())
        })?));
        rows.push(("File, write_all per line", best_of(rounds, || {
            let mut f = null()?;
            let mut line = String::with_capacity(16);
            for i in 0..lines {
                line.clear();
                std::fmt::Write::write_fmt(&mut line, format_args!("hello {:04}\n", i % 10_000)).map_err(|e| e.to_string())?;
                f.write_all(line.as_bytes()).map_err(|e| e.to_string())?;
            }
            Ok(())
        })?));
        rows.push(("BufWriter<File>, writeln!", best_of(rounds, || {
            let mut w = BufWriter::new(null()?);
            for i in 0..lines {
                writeln!(w, "hello {:04}", i % 10_000).map_err(|e| e.to_string())?;
            }
            w.flush().map_err(|e| e.to_string())
        })?));
    }
    rows.push(("Vec<u8>, writeln!", best_of(rounds, || {
        let mut v: Vec<u8> = Vec::new();
        for i in 0..lines {
            writeln!(v, "hello {:04}", i % 10_000).map_err(|e| e.to_string())?;
        }
        black_box(&v); // keep the optimiser from dropping the work
        Ok(())
    })?));
    rows.push(("Vec<u8> with_capacity", best_of(rounds, || {
        let mut v: Vec<u8> = Vec::with_capacity(lines * 11); // no regrowth
        for i in 0..lines {
            writeln!(v, "hello {:04}", i % 10_000).map_err(|e| e.to_string())?;
        }
        black_box(&v);
        Ok(())
    })?));
    // ANCHOR_END: cases

    println!("{lines} lines of 11 bytes to /dev/null, best of {rounds}");
    println!("{:<28} {:>10} {:>10}", "rust: way of writing", "total", "ns/line");
    for (name, d) in &rows {
        println!("{:<28} {:>8.2}ms {:>10.1}", name, d.as_secs_f64() * 1e3, d.as_nanos() as f64 / lines as f64);
    }

    if !quick && !only_vec {
        run_go(lines);
    }
    Ok(())
}

fn best_of(rounds: usize, mut f: impl FnMut() -> Result<(), String>) -> Result<Duration, String> {
    let mut best = Duration::MAX;
    for _ in 0..rounds {
        let start = Instant::now();
        f()?;
        best = best.min(start.elapsed());
    }
    Ok(best)
}

/// The Go counterpart lives in go/iobench; run it if `go` is on the PATH.
fn run_go(lines: usize) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("go");
    let out = Command::new("go").args(["run", "./iobench", &lines.to_string()]).current_dir(&dir).output();
    match out {
        Ok(o) if o.status.success() => print!("\n{}", String::from_utf8_lossy(&o.stdout)),
        Ok(o) => eprintln!("\n(go run ./iobench failed: {})", String::from_utf8_lossy(&o.stderr).trim()),
        Err(_) => println!("\n(go is not installed: no Go figures)"),
    }
}
