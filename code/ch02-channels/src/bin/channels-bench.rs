//! Measures channels: the round trip of an unbuffered ping-pong, the
//! throughput of a producer and a consumer joined by a 1024-slot buffer, and
//! the Go book's prime generator, for `std::sync::mpsc`, `crossbeam::channel`
//! and (when `go` is on PATH) Go's channels, and prints one table.
//!
//! Run: cargo run --release -p ch02-channels --bin channels-bench
//! Quick check (small sizes, numbers meaningless): add `-- --quick`, or set
//! CHANNELS_BENCH_QUICK=1.
//! Look for: Go's ping-pong is many times faster than either Rust channel
//! (goroutines switch in user space; threads sleep and wake in the kernel);
//! buffered throughput is much closer.

use ch02_channels::is_prime;
use crossbeam::channel as cb;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::mpsc;
use std::thread;
use std::time::Instant;
use std::{env, fs, io};

/// Problem sizes: the full run, or a quick one that only proves it works.
struct Sizes {
    round_trips: u32,
    messages: u64,
    prime_limit: u64,
    reps: usize,
}

const FULL: Sizes = Sizes { round_trips: 50_000, messages: 2_000_000, prime_limit: 100_000, reps: 5 };
const QUICK: Sizes = Sizes { round_trips: 500, messages: 10_000, prime_limit: 1_000, reps: 1 };

const USAGE: &str = "usage: channels-bench [--quick]
Times std mpsc, crossbeam and (when go is on PATH) Go channels: a capacity-0
ping-pong, a 1024-slot producer/consumer and the prime generator; prints one table.
--quick (or CHANNELS_BENCH_QUICK=1): tiny sizes, to check that it runs.
";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("channels-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The median of `reps` runs of `f`, each returning one measurement.
fn median(reps: usize, mut f: impl FnMut() -> f64) -> f64 {
    let mut xs: Vec<f64> = (0..reps).map(|_| f()).collect();
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

// ANCHOR: ping_pong
/// Nanoseconds per round trip: main sends on `ping`, an echo thread sends
/// the value back on `pong`; both channels have capacity 0 (rendezvous).
fn ping_pong_std(n: u32) -> f64 {
    let (ping_tx, ping_rx) = mpsc::sync_channel::<u32>(0);
    let (pong_tx, pong_rx) = mpsc::sync_channel::<u32>(0);
    let echo = thread::spawn(move || {
        for v in ping_rx {
            if pong_tx.send(v).is_err() {
                break;
            }
        }
    });
    let start = Instant::now();
    for i in 0..n {
        ping_tx.send(i).expect("echo thread gone");
        pong_rx.recv().expect("echo thread gone");
    }
    let elapsed = start.elapsed();
    drop(ping_tx); // closes ping: the echo thread's loop ends
    echo.join().expect("echo thread panicked");
    elapsed.as_nanos() as f64 / n as f64
}
// ANCHOR_END: ping_pong

fn ping_pong_crossbeam(n: u32) -> f64 {
    let (ping_tx, ping_rx) = cb::bounded::<u32>(0);
    let (pong_tx, pong_rx) = cb::bounded::<u32>(0);
    let echo = thread::spawn(move || {
        for v in ping_rx {
            if pong_tx.send(v).is_err() {
                break;
            }
        }
    });
    let start = Instant::now();
    for i in 0..n {
        ping_tx.send(i).expect("echo thread gone");
        pong_rx.recv().expect("echo thread gone");
    }
    let elapsed = start.elapsed();
    drop(ping_tx);
    echo.join().expect("echo thread panicked");
    elapsed.as_nanos() as f64 / n as f64
}

// ANCHOR: throughput
/// Nanoseconds per message: a producer thread sends 0..n into a channel
/// with 1024 slots; main receives and sums them.
fn throughput_std(n: u64) -> f64 {
    let start = Instant::now();
    let (tx, rx) = mpsc::sync_channel::<u64>(1024);
    let producer = thread::spawn(move || (0..n).for_each(|i| tx.send(i).expect("consumer gone")));
    let sum: u64 = rx.iter().sum();
    let elapsed = start.elapsed();
    producer.join().expect("producer panicked");
    assert_eq!(sum, n * (n - 1) / 2, "messages were lost");
    elapsed.as_nanos() as f64 / n as f64
}
// ANCHOR_END: throughput

fn throughput_crossbeam(n: u64) -> f64 {
    let start = Instant::now();
    let (tx, rx) = cb::bounded::<u64>(1024);
    let producer = thread::spawn(move || (0..n).for_each(|i| tx.send(i).expect("consumer gone")));
    let sum: u64 = rx.iter().sum();
    let elapsed = start.elapsed();
    producer.join().expect("producer panicked");
    assert_eq!(sum, n * (n - 1) / 2, "messages were lost");
    elapsed.as_nanos() as f64 / n as f64
}

/// Milliseconds to count the primes below `limit` through a rendezvous
/// channel from a generator thread (std: `ch02_channels::primes_below`).
fn primes_std(limit: u64) -> (usize, f64) {
    let start = Instant::now();
    let count = ch02_channels::primes_below(limit).iter().count();
    (count, start.elapsed().as_secs_f64() * 1e3)
}

fn primes_crossbeam(limit: u64) -> (usize, f64) {
    let start = Instant::now();
    let (tx, rx) = cb::bounded(0);
    let producer = thread::spawn(move || {
        for n in (2..limit).filter(|&n| is_prime(n)) {
            if tx.send(n).is_err() {
                return;
            }
        }
    });
    let count = rx.iter().count();
    let ms = start.elapsed().as_secs_f64() * 1e3;
    producer.join().expect("producer panicked");
    (count, ms)
}

/// The same search with no channel and no second thread: the baseline.
fn primes_plain(limit: u64) -> (usize, f64) {
    let start = Instant::now();
    let count = (2..limit).filter(|&n| is_prime(n)).count();
    (count, start.elapsed().as_secs_f64() * 1e3)
}

/// The Go column: one number per row, or why there is none.
struct GoResults {
    ping_pong: String,
    throughput: String,
    primes: String,
    primes_plain: String,
}

/// A temp dir removed on drop, for the Go binaries.
struct TempDir(PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Builds the three Go programs into a temp dir and runs them. `Ok(None)`
/// when `go` is not installed.
fn run_go(sizes: &Sizes) -> io::Result<Option<GoResults>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("go");
    match Command::new("go").arg("version").output() {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io::Error::new(e.kind(), format!("running `go version`: {e}"))),
        Ok(_) => {}
    }
    let dir = TempDir(env::temp_dir().join(format!("channels-bench-{}", std::process::id())));
    fs::create_dir_all(&dir.0).map_err(|e| io::Error::new(e.kind(), format!("creating {}: {e}", dir.0.display())))?;
    let go_run = |prog: &str, args: &[String]| -> io::Result<String> {
        let exe = dir.0.join(prog);
        let mut build = Command::new("go");
        build.args(["build", "-o"]).arg(&exe).arg(format!("./{prog}")).current_dir(&src);
        build.env("GOPROXY", "off").env("GOFLAGS", "-mod=mod");
        if env::var_os("GOCACHE").is_none() && env::var_os("HOME").is_none() && env::var_os("XDG_CACHE_HOME").is_none() {
            build.env("GOCACHE", dir.0.join("gocache"));
        }
        let out = build.output().map_err(|e| io::Error::new(e.kind(), format!("running go build ./{prog}: {e}")))?;
        if !out.status.success() {
            let msg = String::from_utf8_lossy(&out.stderr);
            return Err(io::Error::other(format!("go build ./{prog} failed: {msg}")));
        }
        let out = Command::new(&exe).args(args).output().map_err(|e| io::Error::new(e.kind(), format!("running {}: {e}", exe.display())))?;
        if !out.status.success() {
            return Err(io::Error::other(format!("{prog} failed: {}", String::from_utf8_lossy(&out.stderr))));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let reps = sizes.reps.to_string();
    let ping_pong = go_run("pingpong", &["-n".into(), sizes.round_trips.to_string(), "-reps".into(), reps.clone()])?;
    let throughput = go_run("throughput", &["-n".into(), sizes.messages.to_string(), "-reps".into(), reps.clone()])?;
    let primes = go_run("primes", &["-limit".into(), sizes.prime_limit.to_string(), "-reps".into(), reps])?;
    let fields: Vec<&str> = primes.split_whitespace().collect();
    let [_count, with_chan, plain] = fields[..] else {
        return Err(io::Error::other(format!("primes printed {primes:?}, expected three fields")));
    };
    // Same number of decimals as the Rust columns.
    let fmt = |s: &str, decimals: usize| -> io::Result<String> {
        let x: f64 = s.parse().map_err(|e| io::Error::other(format!("parsing Go's output {s:?}: {e}")))?;
        Ok(format!("{x:.decimals$}"))
    };
    Ok(Some(GoResults {
        ping_pong: fmt(&ping_pong, 0)?,
        throughput: fmt(&throughput, 1)?,
        primes: fmt(with_chan, 2)?,
        primes_plain: fmt(plain, 2)?,
    }))
}

fn run() -> io::Result<()> {
    let args: Vec<_> = env::args_os().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return Ok(());
    }
    if let Some(a) = args.iter().find(|a| *a != "--quick") {
        return Err(io::Error::other(format!("unknown argument {a:?} (see --help)")));
    }
    let quick = args.iter().any(|a| a == "--quick") || env::var_os("CHANNELS_BENCH_QUICK").is_some_and(|v| v != "0");
    let sizes = if quick { QUICK } else { FULL };
    if quick {
        println!("quick mode: tiny sizes, the numbers mean nothing");
    }
    if cfg!(debug_assertions) && !quick {
        println!("warning: a debug build; use --release for numbers worth quoting");
    }

    let pp = (median(sizes.reps, || ping_pong_std(sizes.round_trips)), median(sizes.reps, || ping_pong_crossbeam(sizes.round_trips)));
    let tp = (median(sizes.reps, || throughput_std(sizes.messages)), median(sizes.reps, || throughput_crossbeam(sizes.messages)));
    let mut counts = Vec::new();
    let mut primes = |f: fn(u64) -> (usize, f64)| {
        median(sizes.reps, || {
            let (count, ms) = f(sizes.prime_limit);
            counts.push(count);
            ms
        })
    };
    let pr = (primes(primes_std), primes(primes_crossbeam), primes(primes_plain));
    if counts.windows(2).any(|w| w[0] != w[1]) {
        return Err(io::Error::other(format!("the prime searches disagree: {counts:?}")));
    }

    let go = match run_go(&sizes) {
        Ok(Some(go)) => go,
        Ok(None) => {
            println!("go: not found on PATH, so the Go column is empty (install Go to fill it)");
            let none = || "-".to_string();
            GoResults { ping_pong: none(), throughput: none(), primes: none(), primes_plain: none() }
        }
        Err(e) => {
            println!("go: {e}");
            let err = || "error".to_string();
            GoResults { ping_pong: err(), throughput: err(), primes: err(), primes_plain: err() }
        }
    };

    // ANCHOR: table
    let limit = sizes.prime_limit;
    println!("| {:<40} | {:>9} | {:>9} | {:>9} |", "measurement", "std mpsc", "crossbeam", "Go");
    println!("|{:-<42}|{:->11}|{:->11}|{:->11}|", "", "", "", "");
    let row = |name: &str, std: String, cb: String, go: &str| println!("| {name:<40} | {std:>9} | {cb:>9} | {go:>9} |");
    row("ping-pong round trip, capacity 0 (ns)", format!("{:.0}", pp.0), format!("{:.0}", pp.1), &go.ping_pong);
    row("throughput, capacity 1024 (ns/msg)", format!("{:.1}", tp.0), format!("{:.1}", tp.1), &go.throughput);
    row(&format!("primes < {limit} via capacity 0 (ms)"), format!("{:.2}", pr.0), format!("{:.2}", pr.1), &go.primes);
    row(&format!("primes < {limit}, no channel (ms)"), format!("{:.2}", pr.2), "(same)".into(), &go.primes_plain);
    // ANCHOR_END: table
    Ok(())
}
