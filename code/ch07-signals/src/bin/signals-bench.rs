//! How long does a signal take? A ping-pong between two processes: "ping"
//! sends SIGUSR1 to "pong", pong answers with SIGUSR1, ping times the round
//! trip. Each row receives the signal a different way:
//!
//!   sigwait        SIGUSR1 blocked, taken synchronously with sigwait(3)
//!   signalfd       SIGUSR1 blocked, read(2) from a signalfd(2)
//!   handler+pipe   a sigaction(2) handler writes a byte to a pipe; read it
//!   signal-hook    signal_hook::iterator::Signals (a handler + its own pipe)
//!   pipe only      no signal at all: one byte through a pipe each way
//!
//! Each way is measured twice, with the two processes pinned
//! (sched_setaffinity(2)) to one CPU, then to two different CPUs: where they
//! run decides the cost of each wake-up more than the way of receiving does.
//!
//! What it controls for:
//!   - placement: pinned as above, never left to the scheduler;
//!   - inherited settings: each process sets its own signal mask and the
//!     disposition of SIGUSR1 (both survive exec, so a parent could have
//!     left SIGUSR1 blocked or ignored), and the pong is ended with SIGKILL,
//!     which no inherited disposition can ignore;
//!   - warm vs cold: every row is a fresh pair of processes, and its first
//!     rounds/10 + 10 round trips are a warm-up that is not timed;
//!   - the machine: the header prints the CPUs and the load average at the
//!     start, because a busy machine changes the numbers (see measure.md).
//!
//! Run: cargo run --release -p ch07-signals --bin signals-bench
//!      (add `-- --quick` for a short run; the tests use it)
//!
//! Look for: how each way compares with a plain pipe round trip, the cost of
//! running a handler (entering it, sigreturn(2) after it), and how much one
//! CPU versus two changes everything.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

use nix::fcntl::{fcntl, FcntlArg, OFlag};
use nix::sys::signal::{kill, sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use nix::unistd::{getppid, Pid};

const MODES: [(&str, &str); 5] = [
    ("pipe", "pipe only: 1 byte each way"),
    ("sigwait", "kill(2) + sigwait(3)"),
    ("signalfd", "kill(2) + signalfd(2) read"),
    ("handler", "kill(2) + handler + self-pipe"),
    ("signal-hook", "kill(2) + signal-hook iterator"),
];

const USAGE: &str = "usage: signals-bench [--quick]
Times a SIGUSR1 ping-pong between two processes, pinned to one CPU then two,
received five ways (sigwait, signalfd, handler+pipe, signal-hook, a plain pipe);
20000 round trips per row, 200 with --quick. Build with --release.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("--ping") if args.len() == 4 => ping(&args[1], &args[2], &args[3]),
        Some("--pong") if args.len() == 3 => pong(&args[1], &args[2]),
        Some("--help" | "-h") => {
            print!("{USAGE}");
            Ok(())
        }
        Some("--quick") if args.len() == 1 => table(200),
        None => table(20_000),
        _ => Err(format!("unknown arguments {args:?} (expected --quick; see --help)")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("signals-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The two placements: ping's CPU and pong's CPU.
const PLACEMENTS: [(&str, usize, usize); 2] = [("1 CPU", 0, 0), ("2 CPUs", 0, 1)];

/// Pins the calling process to one CPU (sched_setaffinity(2)).
fn pin_to(cpu: usize) -> Result<(), String> {
    // SAFETY: cpu_set_t is plain data (a bit array); all zeroes is the empty set.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    if cpu >= 8 * std::mem::size_of::<libc::cpu_set_t>() {
        return Err(format!("cpu {cpu} out of range"));
    }
    // SAFETY: CPU_SET sets bit `cpu` of `set`; cpu was checked against its size.
    unsafe { libc::CPU_SET(cpu, &mut set) };
    // SAFETY: the pointer and size describe `set`, which lives across the call.
    if unsafe { libc::sched_setaffinity(0, std::mem::size_of_val(&set), &set) } != 0 {
        return Err(format!(
            "sched_setaffinity(cpu {cpu}): {}",
            std::io::Error::last_os_error()
        ));
    }
    Ok(())
}

/// Runs one fresh `--ping` process per mode and placement and prints what
/// each reports.
fn table(rounds: usize) -> Result<(), String> {
    let me = std::env::current_exe().map_err(|e| format!("finding our own executable: {e}"))?;
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    println!(
        "signals-bench: {rounds} timed round trips per row between two processes (ping -> pong -> ping)"
    );
    println!(
        "each row: a fresh pair of processes, {} untimed warm-up round trips, both pinned; {cpus} CPUs, load average at start {}",
        rounds / 10 + 10,
        load.join(" ")
    );
    println!(
        "{:<32} {:<7} {:>10} {:>10} {:>10}",
        "way to receive", "CPUs", "median", "p99", "mean"
    );
    for (place, ping_cpu, pong_cpu) in PLACEMENTS {
        if ping_cpu.max(pong_cpu) >= cpus {
            // available_parallelism counts the CPUs in our affinity mask
            // (sched_getaffinity(2)), not the machine's: under `taskset -c 0`
            // it is 1, although sched_setaffinity could widen the mask.
            println!("({place}: skipped, this process may run on {cpus} CPU(s))");
            continue;
        }
        for (mode, label) in MODES {
            let out = Command::new(&me)
                .args([
                    "--ping",
                    mode,
                    &rounds.to_string(),
                    &format!("{ping_cpu},{pong_cpu}"),
                ])
                .output()
                .map_err(|e| format!("running {} --ping {mode}: {e}", me.display()))?;
            if !out.status.success() {
                return Err(format!(
                    "--ping {mode} failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
            let text = String::from_utf8_lossy(&out.stdout);
            let f: Vec<&str> = text.split_whitespace().collect();
            if f.len() != 3 {
                return Err(format!("--ping {mode} printed {text:?}"));
            }
            println!(
                "{label:<32} {place:<7} {:>10} {:>10} {:>10}",
                f[0], f[1], f[2]
            );
        }
    }
    Ok(())
}

/// One way of waiting for the peer's SIGUSR1 (or byte).
enum Receiver {
    Sigwait(SigSet),
    Signalfd(SignalFd),
    Handler(File),
    SignalHook(signal_hook::iterator::Signals),
    Pipe, // handled by the caller
}

static HANDLER_PIPE: AtomicI32 = AtomicI32::new(-1);

extern "C" fn write_byte(_: libc::c_int) {
    let saved = nix::errno::Errno::last_raw();
    // SAFETY: write(2) is async-signal-safe; the buffer is a static byte.
    // The write end is O_NONBLOCK, so a full pipe fails (EAGAIN, ignored)
    // instead of blocking in the handler.
    let _ = unsafe {
        libc::write(
            HANDLER_PIPE.load(Ordering::Relaxed),
            b"!".as_ptr().cast(),
            1,
        )
    };
    nix::errno::Errno::set_raw(saved);
}

impl Receiver {
    /// Sets the calling process up to receive SIGUSR1 the `mode` way. The
    /// mask is set explicitly both ways: it is inherited from the parent.
    fn new(mode: &str) -> Result<Receiver, String> {
        let usr1 = SigSet::from(Signal::SIGUSR1);
        // The disposition survives exec too if it is SIG_IGN: start from the
        // default in every mode (the handler modes then install their own).
        // SAFETY: SIG_DFL runs no code of ours.
        unsafe { nix::sys::signal::signal(Signal::SIGUSR1, SigHandler::SigDfl) }
            .map_err(|e| format!("resetting SIGUSR1: {e}"))?;
        let (block, unblock) = (
            || {
                usr1.thread_block()
                    .map_err(|e| format!("blocking SIGUSR1: {e}"))
            },
            || {
                usr1.thread_unblock()
                    .map_err(|e| format!("unblocking SIGUSR1: {e}"))
            },
        );
        Ok(match mode {
            "pipe" => Receiver::Pipe,
            "sigwait" => {
                block()?;
                Receiver::Sigwait(usr1)
            }
            "signalfd" => {
                block()?;
                Receiver::Signalfd(
                    SignalFd::with_flags(&usr1, SfdFlags::SFD_CLOEXEC)
                        .map_err(|e| format!("signalfd: {e}"))?,
                )
            }
            "handler" => {
                let (read, write): (OwnedFd, OwnedFd) =
                    nix::unistd::pipe2(OFlag::O_CLOEXEC).map_err(|e| format!("pipe2: {e}"))?;
                // A handler must never block: a full pipe gives EAGAIN instead.
                fcntl(&write, FcntlArg::F_SETFL(OFlag::O_NONBLOCK))
                    .map_err(|e| format!("fcntl(F_SETFL, O_NONBLOCK): {e}"))?;
                HANDLER_PIPE.store(write.as_raw_fd(), Ordering::SeqCst);
                std::mem::forget(write); // the handler writes to it for the process's life
                let action = SigAction::new(
                    SigHandler::Handler(write_byte),
                    SaFlags::SA_RESTART,
                    SigSet::empty(),
                );
                // SAFETY: the handler only calls write(2), which is async-signal-safe.
                unsafe { sigaction(Signal::SIGUSR1, &action) }
                    .map_err(|e| format!("sigaction: {e}"))?;
                unblock()?;
                Receiver::Handler(File::from(read))
            }
            "signal-hook" => {
                let signals = signal_hook::iterator::Signals::new([signal_hook::consts::SIGUSR1])
                    .map_err(|e| format!("signal-hook: {e}"))?;
                unblock()?;
                Receiver::SignalHook(signals)
            }
            other => return Err(format!("unknown mode {other:?}")),
        })
    }

    // ANCHOR: wait
    fn wait(&mut self) -> Result<(), String> {
        match self {
            Receiver::Sigwait(set) => set.wait().map(drop).map_err(|e| format!("sigwait: {e}")),
            Receiver::Signalfd(fd) => fd
                .read_signal()
                .map(drop)
                .map_err(|e| format!("signalfd read: {e}")),
            Receiver::Handler(pipe) => pipe
                .read_exact(&mut [0u8; 1])
                .map_err(|e| format!("reading the pipe: {e}")),
            Receiver::SignalHook(signals) => signals
                .forever()
                .next()
                .map(drop)
                .ok_or("signal-hook closed".to_string()),
            Receiver::Pipe => Ok(()),
        }
    }
    // ANCHOR_END: wait
}

/// The measuring side: starts a pong child, then times `rounds` round trips.
fn ping(mode: &str, rounds: &str, cpus: &str) -> Result<(), String> {
    let rounds: usize = rounds
        .parse()
        .map_err(|e| format!("rounds {rounds:?}: {e}"))?;
    let (ping_cpu, pong_cpu) = cpus
        .split_once(',')
        .and_then(|(a, b)| Some((a.parse::<usize>().ok()?, b.to_string())))
        .ok_or(format!("cpus {cpus:?}: expected PING,PONG"))?;
    pin_to(ping_cpu)?;
    let mut receiver = Receiver::new(mode)?;
    let me = std::env::current_exe().map_err(|e| format!("finding our own executable: {e}"))?;
    let mut child = Command::new(me)
        .args(["--pong", mode, &pong_cpu])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("spawning pong: {e}"))?;
    let pong = Pid::from_raw(child.id() as i32);
    let mut to_pong = child.stdin.take().ok_or("no stdin pipe")?;
    let mut from_pong = BufReader::new(child.stdout.take().ok_or("no stdout pipe")?);
    let mut line = String::new();
    from_pong
        .read_line(&mut line)
        .map_err(|e| format!("waiting for pong: {e}"))?;
    if line.trim() != "ready" {
        return Err(format!("pong said {line:?}"));
    }
    let warmup = rounds / 10 + 10;
    let mut times = Vec::with_capacity(rounds);
    for i in 0..warmup + rounds {
        let start = Instant::now();
        if mode == "pipe" {
            to_pong
                .write_all(b"?")
                .map_err(|e| format!("writing to pong: {e}"))?;
            from_pong
                .read_exact(&mut [0u8; 1])
                .map_err(|e| format!("reading from pong: {e}"))?;
        } else {
            kill(pong, Signal::SIGUSR1).map_err(|e| format!("kill(pong, SIGUSR1): {e}"))?;
            receiver.wait()?;
        }
        if i >= warmup {
            times.push(start.elapsed());
        }
    }
    drop(to_pong); // pipe mode: pong sees end-of-file and exits
    let _ = kill(pong, Signal::SIGKILL); // signal modes: nothing can ignore SIGKILL
    let _ = child.wait();
    times.sort();
    let mean = times.iter().sum::<Duration>() / times.len() as u32;
    let p = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!("{} {} {}", micros(p(0.5)), micros(p(0.99)), micros(mean));
    Ok(())
}

fn micros(d: Duration) -> String {
    format!("{:.1}µs", d.as_secs_f64() * 1e6)
}

/// The answering side: every SIGUSR1 (or byte) from ping gets one back.
fn pong(mode: &str, cpu: &str) -> Result<(), String> {
    pin_to(cpu.parse().map_err(|e| format!("cpu {cpu:?}: {e}"))?)?;
    let mut receiver = Receiver::new(mode)?;
    let parent = getppid();
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready")
        .and_then(|_| out.flush())
        .map_err(|e| format!("writing ready: {e}"))?;
    if mode == "pipe" {
        let mut stdin = std::io::stdin().lock();
        let mut byte = [0u8; 1];
        while stdin
            .read(&mut byte)
            .map_err(|e| format!("reading stdin: {e}"))?
            == 1
        {
            out.write_all(&byte)
                .and_then(|_| out.flush())
                .map_err(|e| format!("writing stdout: {e}"))?;
        }
        return Ok(());
    }
    loop {
        receiver.wait()?;
        kill(parent, Signal::SIGUSR1).map_err(|e| format!("kill(ping, SIGUSR1): {e}"))?;
    }
}
