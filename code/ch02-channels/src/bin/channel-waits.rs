//! How std's and crossbeam's channels wait when there is nothing to receive
//! (or no room to send): counted, not timed. For a rendezvous ping-pong and a
//! producer/consumer through 1024 slots, it counts the operations that had to
//! wait, the context switches of both threads (`getrusage(RUSAGE_THREAD)`,
//! man 2 getrusage) and, when `strace` is installed, the `futex` and
//! `sched_yield` calls made (a second run of each case under
//! `strace -f -e trace=futex,sched_yield`).
//!
//! Run: cargo run --release -p ch02-channels --bin channel-waits
//! One case under your own strace:
//!   strace -f -c -e trace=futex,sched_yield ./target/release/channel-waits --case crossbeam-1024
//! Quick check (small sizes, numbers meaningless): add `-- --quick`.
//! Look for: with 1024 slots, std has no spin-and-yield loop but its blocking
//! call tries again, registers, checks once more and only then parks
//! (FUTEX_WAIT, a voluntary switch), so few of its waits sleep (24 voluntary
//! switches for 2,616 waits in waits-results.txt); crossbeam's bounded
//! channel spins and calls `sched_yield` between tries, so its waits end
//! with no futex call (a yield that lets another thread run counts as an
//! involuntary switch). With capacity 0 both park at once. measure.md reads
//! the table.
//!
//! Spinning (`std::hint::spin_loop`, the x86 `pause` instruction) never
//! enters the kernel, so no counter here sees it; the page gives its bound
//! from the source.
//!
//! "Had to wait" is decided by trying first (`try_recv`/`try_send`) and
//! calling the blocking operation only if the try fails, so each blocking
//! call here starts on a channel that was just found empty (or full).

use crossbeam::channel as cb;
use std::process::{Command, ExitCode};
use std::sync::mpsc;
use std::thread;
use std::time::Instant;
use std::{env, io};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("channel-waits: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What one thread saw: how many receives and sends had to wait, and its
/// voluntary and involuntary context switches.
#[derive(Default, Clone, Copy)]
struct Counts {
    recv_waits: u64,
    send_waits: u64,
    voluntary: i64,
    involuntary: i64,
}

impl std::ops::Add for Counts {
    type Output = Counts;
    fn add(self, o: Counts) -> Counts {
        Counts {
            recv_waits: self.recv_waits + o.recv_waits,
            send_waits: self.send_waits + o.send_waits,
            voluntary: self.voluntary + o.voluntary,
            involuntary: self.involuntary + o.involuntary,
        }
    }
}

/// Voluntary and involuntary context switches of the calling thread so far.
/// A voluntary one is the thread giving up the CPU because it blocks (here:
/// `FUTEX_WAIT`); an involuntary one is the scheduler taking the CPU from a
/// runnable thread, which includes a `sched_yield` that let another run.
fn context_switches() -> io::Result<(i64, i64)> {
    // SAFETY: `rusage` is plain old data, so all zeroes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid `who` constant and a pointer to a live, writable rusage.
    if unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut usage) } != 0 {
        return Err(io::Error::other(format!("getrusage(RUSAGE_THREAD): {}", io::Error::last_os_error())));
    }
    Ok((usage.ru_nvcsw as i64, usage.ru_nivcsw as i64))
}

/// The four operations a case needs, for both libraries. `send` and `recv`
/// try first and report whether they had to wait.
trait Channel {
    type Tx: Send + 'static;
    type Rx: Send + 'static;
    fn bounded(cap: usize) -> (Self::Tx, Self::Rx);
    /// `Some(waited)` once sent, `None` if the receiver is gone.
    fn send(tx: &Self::Tx, v: u64) -> Option<bool>;
    /// `Some((value, waited))`, or `None` once closed and empty.
    fn recv(rx: &Self::Rx) -> Option<(u64, bool)>;
}

struct Std;
impl Channel for Std {
    type Tx = mpsc::SyncSender<u64>;
    type Rx = mpsc::Receiver<u64>;
    fn bounded(cap: usize) -> (Self::Tx, Self::Rx) {
        mpsc::sync_channel(cap)
    }
    fn send(tx: &Self::Tx, v: u64) -> Option<bool> {
        match tx.try_send(v) {
            Ok(()) => Some(false),
            Err(mpsc::TrySendError::Full(v)) => tx.send(v).ok().map(|()| true),
            Err(mpsc::TrySendError::Disconnected(_)) => None,
        }
    }
    fn recv(rx: &Self::Rx) -> Option<(u64, bool)> {
        match rx.try_recv() {
            Ok(v) => Some((v, false)),
            Err(mpsc::TryRecvError::Empty) => rx.recv().ok().map(|v| (v, true)),
            Err(mpsc::TryRecvError::Disconnected) => None,
        }
    }
}

struct Crossbeam;
impl Channel for Crossbeam {
    type Tx = cb::Sender<u64>;
    type Rx = cb::Receiver<u64>;
    fn bounded(cap: usize) -> (Self::Tx, Self::Rx) {
        cb::bounded(cap)
    }
    fn send(tx: &Self::Tx, v: u64) -> Option<bool> {
        match tx.try_send(v) {
            Ok(()) => Some(false),
            Err(cb::TrySendError::Full(v)) => tx.send(v).ok().map(|()| true),
            Err(cb::TrySendError::Disconnected(_)) => None,
        }
    }
    fn recv(rx: &Self::Rx) -> Option<(u64, bool)> {
        match rx.try_recv() {
            Ok(v) => Some((v, false)),
            Err(cb::TryRecvError::Empty) => rx.recv().ok().map(|v| (v, true)),
            Err(cb::TryRecvError::Disconnected) => None,
        }
    }
}

/// Runs `body` on the calling thread and returns what it counted, with the
/// thread's context switches during `body` added.
fn counted(body: impl FnOnce(&mut Counts)) -> io::Result<Counts> {
    let (v0, i0) = context_switches()?;
    let mut c = Counts::default();
    body(&mut c);
    let (v1, i1) = context_switches()?;
    c.voluntary = v1 - v0;
    c.involuntary = i1 - i0;
    Ok(c)
}

/// Ping-pong over two rendezvous channels: `n` round trips, each two
/// hand-overs. Returns both threads' counts and the time per round trip.
fn ping_pong<C: Channel>(n: u64) -> io::Result<(Counts, f64)> {
    let (ping_tx, ping_rx) = C::bounded(0);
    let (pong_tx, pong_rx) = C::bounded(0);
    let echo = thread::spawn(move || {
        counted(|c| {
            while let Some((v, waited)) = C::recv(&ping_rx) {
                c.recv_waits += waited as u64;
                match C::send(&pong_tx, v) {
                    Some(waited) => c.send_waits += waited as u64,
                    None => break,
                }
            }
        })
    });
    let start = Instant::now();
    let main = counted(|c| {
        for i in 0..n {
            // `expect`: the echo thread only stops when `ping_tx` is dropped.
            c.send_waits += C::send(&ping_tx, i).expect("echo thread gone") as u64;
            let (v, waited) = C::recv(&pong_rx).expect("echo thread gone");
            assert_eq!(v, i);
            c.recv_waits += waited as u64;
        }
    })?;
    let ns = start.elapsed().as_nanos() as f64 / n as f64;
    drop(ping_tx);
    let echo = echo.join().map_err(|_| io::Error::other("the echo thread panicked"))??;
    Ok((main + echo, ns))
}

/// A producer sends 0..n through 1024 slots; main receives them all.
/// Returns both threads' counts and the time per message.
fn buffered<C: Channel>(n: u64) -> io::Result<(Counts, f64)> {
    let (tx, rx) = C::bounded(1024);
    let start = Instant::now();
    let producer = thread::spawn(move || {
        counted(|c| {
            for i in 0..n {
                match C::send(&tx, i) {
                    Some(waited) => c.send_waits += waited as u64,
                    None => break,
                }
            }
        })
    });
    let mut sum = 0u64;
    let main = counted(|c| {
        while let Some((v, waited)) = C::recv(&rx) {
            sum += v;
            c.recv_waits += waited as u64;
        }
    })?;
    let ns = start.elapsed().as_nanos() as f64 / n as f64;
    let producer = producer.join().map_err(|_| io::Error::other("the producer panicked"))??;
    if sum != n * (n - 1) / 2 {
        return Err(io::Error::other("messages were lost"));
    }
    Ok((main + producer, ns))
}

const CASES: [&str; 4] = ["std-0", "crossbeam-0", "std-1024", "crossbeam-1024"];

/// Runs one case by name.
fn run_case(name: &str, quick: bool) -> io::Result<(Counts, f64)> {
    let (round_trips, messages) = if quick { (1_000, 10_000) } else { (20_000, 1_000_000) };
    match name {
        "std-0" => ping_pong::<Std>(round_trips),
        "crossbeam-0" => ping_pong::<Crossbeam>(round_trips),
        "std-1024" => buffered::<Std>(messages),
        "crossbeam-1024" => buffered::<Crossbeam>(messages),
        _ => Err(io::Error::other(format!("unknown case {name:?}; the cases are {CASES:?}"))),
    }
}

/// Syscalls of one case, counted by running this program again under
/// `strace -f -qq -e trace=futex,sched_yield` (man 1 strace): `None` if
/// strace is not installed. Returns (FUTEX_WAIT*, FUTEX_WAKE*, sched_yield).
/// The counts include a few futex calls that are not the channel's (thread
/// start and `join`).
fn syscalls_of(name: &str, quick: bool) -> io::Result<Option<(u64, u64, u64)>> {
    let exe = env::current_exe().map_err(|e| io::Error::other(format!("finding this program: {e}")))?;
    let mut cmd = Command::new("strace");
    cmd.args(["-f", "-qq", "-e", "trace=futex,sched_yield"]).arg(&exe).args(["--case", name]);
    if quick {
        cmd.arg("--quick");
    }
    let out = match cmd.output() {
        Ok(out) => out,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io::Error::other(format!("running strace: {e}"))),
    };
    if !out.status.success() {
        return Err(io::Error::other(format!(
            "strace ... --case {name}: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    // strace writes one line per call to stderr; a call that blocks is split
    // into "futex(... <unfinished ...>" and "<... futex resumed>", so count
    // only the lines that hold the call's name and arguments.
    let trace = String::from_utf8_lossy(&out.stderr);
    let (mut wait, mut wake, mut yields) = (0, 0, 0);
    for line in trace.lines() {
        if line.contains("sched_yield(") {
            yields += 1;
        } else if line.contains("futex(") && line.contains("FUTEX_WAIT") {
            wait += 1;
        } else if line.contains("futex(") && line.contains("FUTEX_WAKE") {
            wake += 1;
        }
    }
    Ok(Some((wait, wake, yields)))
}

fn run() -> io::Result<()> {
    let args = env::args_os()
        .skip(1)
        .map(|a| a.into_string().map_err(|a| io::Error::other(format!("argument {a:?} is not UTF-8"))))
        .collect::<io::Result<Vec<String>>>()?;
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("usage: channel-waits [--quick] [--case {}]", CASES.join("|"));
        println!("Counts waits, context switches and (with strace) futex/sched_yield calls");
        println!("of std and crossbeam channels, capacity 0 and 1024.");
        return Ok(());
    }
    // Only --quick and --case NAME; anything else is a mistake worth saying.
    let mut rest = args.iter();
    while let Some(a) = rest.next() {
        match a.as_str() {
            "--quick" => {}
            "--case" => {
                rest.next();
            }
            _ => return Err(io::Error::other(format!("unknown argument {a:?} (see --help)"))),
        }
    }
    let quick = args.iter().any(|a| a == "--quick");
    if let Some(i) = args.iter().position(|a| a == "--case") {
        // One case, for strace: the counts are printed, the caller counts syscalls.
        let name = args.get(i + 1).ok_or_else(|| io::Error::other("--case needs a name"))?;
        let (c, ns) = run_case(name, quick)?;
        println!("{name}: {} recv waits, {} send waits, {} voluntary and {} involuntary switches, {ns:.1} ns each",
            c.recv_waits, c.send_waits, c.voluntary, c.involuntary);
        return Ok(());
    }
    if quick {
        println!("quick mode: tiny sizes, the numbers mean nothing");
    }
    if cfg!(debug_assertions) && !quick {
        println!("warning: a debug build; use --release for numbers worth quoting");
    }
    let (round_trips, messages) = if quick { (1_000, 10_000) } else { (20_000, 1_000_000) };
    println!("capacity 0: {round_trips} ping-pong round trips; capacity 1024: {messages} messages one way");
    println!("| case           | recv waited | send waited | vol. switches | invol. switches | FUTEX_WAIT | FUTEX_WAKE | sched_yield | ns each |");
    println!("|----------------|-------------|-------------|---------------|-----------------|------------|------------|-------------|---------|");
    let mut have_strace = true;
    for name in CASES {
        let (c, ns) = run_case(name, quick)?;
        let sys = syscalls_of(name, quick)?;
        have_strace &= sys.is_some();
        let (wait, wake, yields) = match sys {
            Some((a, b, c)) => (a.to_string(), b.to_string(), c.to_string()),
            None => ("-".into(), "-".into(), "-".into()),
        };
        println!(
            "| {name:<14} | {:>11} | {:>11} | {:>13} | {:>15} | {wait:>10} | {wake:>10} | {yields:>11} | {ns:>7.0} |",
            c.recv_waits, c.send_waits, c.voluntary, c.involuntary
        );
    }
    if !have_strace {
        println!("strace: not found on PATH, so the syscall columns are empty (install strace to fill them)");
    }
    Ok(())
}
