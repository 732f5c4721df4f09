//! The generator pattern: a thread produces every prime below a limit
//! (100,000 by default) and sends them through a rendezvous channel; `main`
//! consumes them with a `for` loop, as the Go book's `primeNumber()` does
//! with `for n := range pn`.
//!
//! Run: cargo run -p ch02-channels --bin primes [-- LIMIT]
//! Look for: 9592 primes below 100,000, the first ten and the last three.

use ch02_channels::primes_below;
use std::process::ExitCode;

const USAGE: &str = "usage: primes [LIMIT]
A thread sends every prime below LIMIT (default 100000) through a rendezvous
channel; main counts them and prints the first ten and the last three.
";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("primes: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let limit = match std::env::args_os().nth(1) {
        None => 100_000,
        Some(arg) if arg == "--help" || arg == "-h" => {
            print!("{USAGE}");
            return Ok(());
        }
        Some(arg) => {
            let arg = arg.to_string_lossy();
            if arg.starts_with('-') {
                return Err(format!("unknown option {arg:?} (see --help)"));
            }
            arg.parse().map_err(|e| format!("parsing limit {arg:?}: {e}"))?
        }
    };
    // ANCHOR: consume
    let primes = primes_below(limit); // starts the producer thread
    let mut count = 0;
    let mut first = Vec::new();
    let mut last = Vec::with_capacity(3); // the last three seen so far
    for p in primes {
        // Each iteration takes one prime; the producer is blocked in `send`
        // with the next one until we come back for it.
        if first.len() < 10 {
            first.push(p);
        }
        if last.len() == 3 {
            last.remove(0);
        }
        last.push(p);
        count += 1;
    }
    println!("{count} primes below {limit}");
    println!("first: {first:?}");
    println!("last:  {last:?}");
    // ANCHOR_END: consume
    Ok(())
}
