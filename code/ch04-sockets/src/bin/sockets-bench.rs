//! Measures the chapter's HTTP server (requests/s on loopback, plain and gzip)
//! next to the Go book's server, and round trips over TCP loopback vs Unix
//! domain sockets. Prints one table.
//!
//! Run: cargo run --release -p ch04-sockets --bin sockets-bench
//! Flags: --seconds S (per HTTP run, default 5), --conns C (connections,
//! default 32), --rounds N (round trips per transport, default 100000),
//! --quick (a fraction of a second per row, for the tests), --no-go, --no-wrk.
//! Load comes from `wrk` when it is installed, else from this package's own
//! load generator (src/load.rs); the Go rows need `go` (they are skipped
//! with a note otherwise).
//! Look for: the ratio between the Rust and Go rows, what each server spends
//! per request (CPU time and context switches of the server process alone,
//! measured only when wrk is the client, since our own load generator would
//! run inside this process), what gzip costs per request (the last row
//! times gzip alone), and how much shorter a Unix socket round trip is than TCP's.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::thread;
use std::time::Duration;

use ch04_sockets::args::Args;
use flate2::write::GzEncoder;
use flate2::{Compress, Compression, FlushCompress};
use ch04_sockets::http::{Config, Server};
use ch04_sockets::{load, rtt};

const USAGE: &str = "\
usage: sockets-bench [--seconds S] [--conns C] [--rounds N] [--quick]
                     [--no-go] [--no-wrk]
Measures the chapter's HTTP server (requests/s, plain and gzip) next to the
Go book's, and round trips over TCP loopback vs Unix sockets.
  --seconds S per HTTP run (default 5)  --conns C (default 32)
  --rounds N round trips (default 100000)  --quick (for tests)  --no-go  --no-wrk
";

struct Settings {
    seconds: f64,
    conns: usize,
    rounds: u32,
    use_wrk: bool,
}

/// A child process that is killed and reaped when dropped.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill(); // it may have exited already
        let _ = self.0.wait();
    }
}

/// A temporary directory removed when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Whether `tool` can be started at all (`wrk -v` exits with 1, so the
/// exit status says nothing).
fn have(tool: &str, arg: &str) -> bool {
    Command::new(tool).arg(arg).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

/// CPU time and context switches of a process so far.
#[derive(Clone, Copy, Default)]
struct Usage {
    cpu: Duration,
    sys: Duration,
    voluntary: u64,
    involuntary: u64,
}

/// This process, all its threads, the finished ones included: getrusage(2).
fn usage_self() -> Usage {
    // SAFETY: getrusage only writes the struct we pass; all-zero is a valid rusage.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: RUSAGE_SELF is a valid `who` and `ru` is a valid, writable rusage.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) } != 0 {
        return Usage::default(); // cannot fail with these arguments
    }
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Usage {
        cpu: tv(ru.ru_utime) + tv(ru.ru_stime),
        sys: tv(ru.ru_stime),
        voluntary: ru.ru_nvcsw as u64,
        involuntary: ru.ru_nivcsw as u64,
    }
}

/// Another running process: utime + stime from /proc/PID/stat (all threads,
/// in clock ticks of 10 ms), context switches summed over /proc/PID/task/*/status
/// (the Go runtime keeps its threads, so none are lost by exiting).
fn usage_of(pid: u32) -> Usage {
    let mut u = Usage::default();
    if let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // Fields after the ")" that ends the command name: state is field 3,
        // utime and stime are fields 14 and 15.
        let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
        let f: Vec<u64> = rest.split_whitespace().skip(11).take(2).filter_map(|v| v.parse().ok()).collect();
        if f.len() == 2 {
            u.cpu = Duration::from_millis((f[0] + f[1]) * 10); // USER_HZ is 100 on Linux
            u.sys = Duration::from_millis(f[1] * 10);
        }
    }
    if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
        for t in tasks.flatten() {
            let status = std::fs::read_to_string(t.path().join("status")).unwrap_or_default();
            for line in status.lines() {
                let num = |l: &str| l.split_whitespace().last().and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
                if line.starts_with("voluntary_ctxt_switches") {
                    u.voluntary += num(line);
                } else if line.starts_with("nonvoluntary_ctxt_switches") {
                    u.involuntary += num(line);
                }
            }
        }
    }
    u
}

/// "15.2 µs CPU (13.1 sys), 1.00 + 0.08 cs": the server's cost per request between two snapshots.
fn per_request(before: Usage, after: Usage, requests: f64) -> String {
    let cpu = (after.cpu.saturating_sub(before.cpu)).as_secs_f64() / requests;
    let sys = (after.sys.saturating_sub(before.sys)).as_secs_f64() / requests;
    let vol = after.voluntary.saturating_sub(before.voluntary) as f64 / requests;
    let invol = after.involuntary.saturating_sub(before.involuntary) as f64 / requests;
    format!("{:5.1} µs CPU ({:.1} sys), {vol:.2} + {invol:.2} cs", cpu * 1e6, sys * 1e6)
}

/// Requests per second against `addr`, the number of requests, and a label for the client used.
fn measure(addr: SocketAddr, gzip: bool, s: &Settings) -> Result<(f64, f64, String), String> {
    if s.use_wrk {
        let mut cmd = Command::new("wrk");
        cmd.args(["-t2", &format!("-c{}", s.conns), &format!("-d{}s", s.seconds.max(1.0).round())]);
        if gzip {
            cmd.args(["-H", "Accept-Encoding: gzip"]);
        }
        let out = cmd.arg(format!("http://{addr}/")).output().map_err(|e| format!("running wrk: {e}"))?;
        let text = String::from_utf8_lossy(&out.stdout);
        let rate = text
            .lines()
            .find_map(|l| l.strip_prefix("Requests/sec:"))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .ok_or_else(|| format!("no Requests/sec in wrk's output:\n{text}"))?;
        if text.contains("Non-2xx") || text.contains("Socket errors") {
            return Err(format!("wrk saw errors:\n{text}"));
        }
        // "  372453 requests in 5.00s, 48.31MB read"
        let total = text
            .lines()
            .find_map(|l| l.trim().split_once(" requests in ").and_then(|(n, _)| n.parse::<f64>().ok()))
            .ok_or_else(|| format!("no request count in wrk's output:\n{text}"))?;
        Ok((rate, total, format!("wrk -t2 -c{} -d{}s", s.conns, s.seconds.max(1.0).round())))
    } else {
        let r = load::run(addr, s.conns, Duration::from_secs_f64(s.seconds), gzip);
        if r.errors > 0 || r.requests == 0 {
            return Err(format!("load generator: {} requests, {} errors", r.requests, r.errors));
        }
        Ok((r.per_second(), r.requests as f64, format!("load.rs -c{} {}s", s.conns, s.seconds)))
    }
}

/// Builds and starts the Go server; returns it and its address.
fn start_go(dir: &Path, extra: &[&str]) -> Result<(Guard, SocketAddr), String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("go");
    let exe = dir.join("go-http-server");
    if !exe.exists() {
        let out = Command::new("go")
            .args(["build", "-o"])
            .arg(&exe)
            .arg("./httpserver")
            .current_dir(&src)
            .output()
            .map_err(|e| format!("running go build: {e}"))?;
        if !out.status.success() {
            return Err(format!("go build failed: {}", String::from_utf8_lossy(&out.stderr)));
        }
    }
    let mut child = Command::new(&exe)
        .args(["-port", "0", "-quiet"])
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("starting {}: {e}", exe.display()))?;
    let stdout = child.stdout.take().ok_or("no stdout from the Go server")?;
    let guard = Guard(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).map_err(|e| format!("reading the Go server's address: {e}"))?;
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| format!("unexpected first line from the Go server: {line:?}"))?;
    Ok((guard, addr))
}

fn run() -> Result<(), String> {
    let args = Args::parse(&["seconds=", "conns=", "rounds=", "quick", "no-go", "no-wrk"])?;
    let quick = args.flag("quick");
    let wrk = have("wrk", "-v");
    let s = Settings {
        seconds: if quick { 0.2 } else { args.get("seconds", 5.0)? },
        conns: if quick { 4 } else { args.get("conns", 32)? },
        rounds: if quick { 2_000 } else { args.get("rounds", 100_000)? },
        use_wrk: wrk && !quick && !args.flag("no-wrk"),
    };
    if !s.use_wrk && !quick && !args.flag("no-wrk") {
        eprintln!("note: wrk not found, using the package's load generator (src/load.rs)");
    }
    let mut rows: Vec<(String, String, String, String)> = Vec::new();
    let rate = |r: f64| format!("{:>9.0} req/s", r);
    let no_cost = if s.use_wrk { String::new() } else { "- (needs wrk)".to_string() };

    // The Rust server, in this process, quiet.
    let server = Server::bind(0, Config { log: false, ..Config::default() }).map_err(|e| format!("binding: {e}"))?;
    let addr = server.local_addr();
    let stopper = server.stopper();
    let handle = thread::spawn(move || server.run());
    for gzip in [false, true] {
        // The server runs in this process; wrk is a child, counted apart (RUSAGE_CHILDREN).
        let before = usage_self();
        let (r, n, client) = measure(addr, gzip, &s)?;
        let cost = if s.use_wrk { per_request(before, usage_self(), n) } else { no_cost.clone() };
        let what = if gzip { "Rust server, gzip" } else { "Rust server, plain" };
        rows.push((what.into(), client, rate(r), cost));
    }
    stopper.stop();
    handle.join().map_err(|_| "server thread panicked")?.map_err(|e| format!("server: {e}"))?;

    // The Go book's server, built from go/httpserver.
    if args.flag("no-go") {
        rows.push(("Go server".into(), "-".into(), "skipped (--no-go)".into(), String::new()));
    } else if !have("go", "version") {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            return Err("go is not installed (required when CI=true)".into());
        }
        rows.push(("Go server".into(), "-".into(), "skipped: go not installed".into(), String::new()));
    } else {
        let dir = TempDir(std::env::temp_dir().join(format!("ch04-bench-{}", std::process::id())));
        std::fs::create_dir_all(&dir.0).map_err(|e| format!("creating {}: {e}", dir.0.display()))?;
        for (what, extra, gzip) in [
            ("Go server, plain", &[][..], false),
            ("Go server, gzip", &[][..], true),
            ("Go, book's unbuffered writes, plain", &["-unbuffered"][..], false),
        ] {
            let (guard, addr) = start_go(&dir.0, extra)?;
            let before = usage_of(guard.0.id());
            let (r, n, client) = measure(addr, gzip, &s)?;
            let after = usage_of(guard.0.id());
            rows.push((what.into(), client, rate(r), per_request(before, after, n)));
            drop(guard);
        }
    }

    // Round trips: 64-byte messages echoed back.
    let per_rt = |d: Duration| {
        let secs = d.as_secs_f64() / f64::from(s.rounds);
        format!("{:>9.0} rt/s ({:.1} µs each)", 1.0 / secs, secs * 1e6)
    };
    let rounds = format!("{} round trips, 64 B", s.rounds);
    let tcp = rtt::tcp(s.rounds, 64).map_err(|e| format!("TCP round trips: {e}"))?;
    rows.push(("TCP loopback, ping-pong".into(), rounds.clone(), per_rt(tcp), String::new()));
    let unix = rtt::unix_stream(s.rounds, 64).map_err(|e| format!("Unix stream round trips: {e}"))?;
    rows.push(("Unix stream socket, ping-pong".into(), rounds.clone(), per_rt(unix), String::new()));
    let dgram = rtt::unix_datagram(s.rounds, 64).map_err(|e| format!("Unix datagram round trips: {e}"))?;
    rows.push(("Unix datagram socket, ping-pong".into(), rounds, per_rt(dgram), String::new()));

    // What gzip costs by itself: a fresh encoder per response, as both servers do.
    let n = if quick { 200 } else { 20_000 };
    let start = std::time::Instant::now();
    for _ in 0..n {
        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(ch04_sockets::http::HELLO).map_err(|e| format!("gzip: {e}"))?;
        std::hint::black_box(enc.finish().map_err(|e| format!("gzip: {e}"))?);
    }
    let each = start.elapsed().as_secs_f64() / f64::from(n);
    rows.push((
        "gzip 12 B, new GzEncoder each time".into(),
        format!("{n} times, no server"),
        format!("{:>9.0} op/s ({:.1} µs each)", 1.0 / each, each * 1e6),
        String::new(),
    ));
    // The same deflate work with one compressor, reset between bodies.
    let mut c = Compress::new(Compression::default(), false);
    let start = std::time::Instant::now();
    for _ in 0..n {
        c.reset();
        let mut out = Vec::with_capacity(64);
        c.compress_vec(ch04_sockets::http::HELLO, &mut out, FlushCompress::Finish).map_err(|e| format!("deflate: {e}"))?;
        std::hint::black_box(out);
    }
    let each = start.elapsed().as_secs_f64() / f64::from(n);
    rows.push((
        "deflate 12 B, one Compress, reset".into(),
        format!("{n} times, no server"),
        format!("{:>9.0} op/s ({:.1} µs each)", 1.0 / each, each * 1e6),
        String::new(),
    ));

    let w0 = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let w1 = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
    let w2 = rows.iter().map(|r| r.2.chars().count()).max().unwrap_or(0);
    let head3 = "server per request";
    let w3 = rows.iter().map(|r| r.3.chars().count()).chain([head3.len()]).max().unwrap_or(0);
    println!("| {:w0$} | {:w1$} | {:w2$} | {head3:w3$} |", "server / transport", "client", "result");
    println!("|{}|{}|{}|{}|", "-".repeat(w0 + 2), "-".repeat(w1 + 2), "-".repeat(w2 + 2), "-".repeat(w3 + 2));
    for (a, b, c, d) in &rows {
        println!("| {a:w0$} | {b:w1$} | {c:w2$} | {d:w3$} |");
    }
    if s.use_wrk {
        println!("(server per request: CPU time of the server process, user + system (system),");
        println!(" and its voluntary + involuntary context switches, divided by wrk's requests)");
    }
    Ok(())
}

fn main() -> ExitCode {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sockets-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
