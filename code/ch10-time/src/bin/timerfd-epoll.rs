//! Timers as file descriptors: a periodic timerfd (every 20 ms) and a one-shot
//! timerfd (at 110 ms) waited for together in one epoll loop.
//!
//! Run: cargo run -p ch10-time --bin timerfd-epoll
//!
//! Look for: five ticks, then the one-shot stops the loop. A read of a timerfd
//! returns how many times it expired since the last read: more than one if the
//! loop was late, so no tick is lost. A socket or a pipe could sit in the same
//! epoll set: this is how an event loop (tokio, Go's netpoller) waits for
//! "data or a timeout" in one system call.
use nix::sys::epoll::{Epoll, EpollCreateFlags, EpollEvent, EpollFlags, EpollTimeout};
use nix::sys::time::TimeSpec;
use nix::sys::timerfd::{ClockId, Expiration, TimerFd, TimerFlags, TimerSetTimeFlags};
use std::os::fd::AsFd;
use std::process::ExitCode;
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: timerfd-epoll
Waits in one epoll loop for a periodic timerfd (every 20 ms) and a one-shot
timerfd (at 110 ms), printing each tick until the one-shot fires.
";

const TICK: u64 = 1; // epoll "user data": which fd is ready
const STOP: u64 = 2;

fn run() -> Result<(), String> {
    // ANCHOR: setup
    let interval = Duration::from_millis(20);
    let stop_at = Duration::from_millis(110);
    let start = Instant::now();
    // timerfd_create(2) on the monotonic clock, then timerfd_settime(2).
    let ticker = TimerFd::new(ClockId::CLOCK_MONOTONIC, TimerFlags::TFD_CLOEXEC).map_err(|e| format!("timerfd_create: {e}"))?;
    ticker
        .set(Expiration::Interval(TimeSpec::from_duration(interval)), TimerSetTimeFlags::empty())
        .map_err(|e| format!("timerfd_settime (ticker): {e}"))?;
    let stop = TimerFd::new(ClockId::CLOCK_MONOTONIC, TimerFlags::TFD_CLOEXEC).map_err(|e| format!("timerfd_create: {e}"))?;
    stop.set(Expiration::OneShot(TimeSpec::from_duration(stop_at)), TimerSetTimeFlags::empty())
        .map_err(|e| format!("timerfd_settime (stop): {e}"))?;

    // epoll_create1(2), and epoll_ctl(2) to watch both for "readable".
    let epoll = Epoll::new(EpollCreateFlags::EPOLL_CLOEXEC).map_err(|e| format!("epoll_create1: {e}"))?;
    epoll.add(&ticker, EpollEvent::new(EpollFlags::EPOLLIN, TICK)).map_err(|e| format!("epoll_ctl(ADD ticker): {e}"))?;
    epoll.add(&stop, EpollEvent::new(EpollFlags::EPOLLIN, STOP)).map_err(|e| format!("epoll_ctl(ADD stop): {e}"))?;
    // ANCHOR_END: setup

    // ANCHOR: loop
    let mut ticks = 0u64;
    let mut events = [EpollEvent::empty(); 4];
    loop {
        // epoll_wait(2): sleep until at least one fd is ready.
        let n = epoll.wait(&mut events, EpollTimeout::NONE).map_err(|e| format!("epoll_wait: {e}"))?;
        for event in &events[..n] {
            match event.data() {
                TICK => {
                    // read(2) of 8 bytes: the number of expirations since the last read.
                    for _ in 0..expirations(&ticker)? {
                        ticks += 1;
                        if interval * (ticks as u32) < stop_at {
                            println!("tick {ticks} (due at {:?}) handled at {:.1?}", interval * ticks as u32, start.elapsed());
                        }
                    }
                }
                STOP => {
                    expirations(&stop)?;
                    println!("stop timer (due at {stop_at:?}) fired at {:.1?}", start.elapsed());
                    return Ok(());
                }
                other => unreachable!("no fd was registered with data {other}"),
            }
        }
    }
    // ANCHOR_END: loop
}

/// Read a timerfd's 8-byte expiration counter (native byte order, timerfd_create(2)).
fn expirations(timer: &TimerFd) -> Result<u64, String> {
    let mut buf = [0u8; 8];
    nix::unistd::read(timer.as_fd(), &mut buf).map_err(|e| format!("read(timerfd): {e}"))?;
    Ok(u64::from_ne_bytes(buf))
}

fn main() -> ExitCode {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("timerfd-epoll: {e}");
            ExitCode::FAILURE
        }
    }
}
