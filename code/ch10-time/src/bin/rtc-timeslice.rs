//! The two things on hardware.md you can read from user space: the RTC and
//! the scheduler's time slice.
//!
//! Run: cargo run -p ch10-time --bin rtc-timeslice
//!
//! Look for: each /sys/class/rtc/rtcN (name, date, time, since_epoch, hctosys)
//! and how far its since_epoch is from SystemTime::now(). A PC shows
//! `rtc_cmos 00:01` with hctosys 1; a VM may have no RTC at all, and the program
//! says so. Then the time slice: the EEVDF base slice computed from the online
//! CPUs, this thread's `se.slice` from /proc/self/sched, base_slice_ns from
//! debugfs if it can be read, and sched_rr_get_interval(2) for this SCHED_OTHER
//! thread (the slice in whole ticks: 0 when it is shorter than a tick) and for
//! a thread switched to SCHED_RR (needs CAP_SYS_NICE; EPERM otherwise).
//!
//! The test points RTC_CLASS_DIR at a fake /sys/class/rtc, since a machine
//! without an RTC would otherwise never run the listing.
use nix::time::{clock_getres, ClockId};
use std::io;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const USAGE: &str = "\
usage: rtc-timeslice
Lists /sys/class/rtc/rtc*/ (name, date, time, since_epoch, hctosys) against
SystemTime::now(), then the scheduler's time slices: the EEVDF base slice, this
thread's se.slice, base_slice_ns from debugfs, and sched_rr_get_interval(2) for
SCHED_OTHER and (with CAP_SYS_NICE) SCHED_RR. No arguments.
";

const BASE_SLICE: &str = "/sys/kernel/debug/sched/base_slice_ns";

fn show_rtcs() {
    let rtc_dir = std::env::var("RTC_CLASS_DIR").unwrap_or_else(|_| "/sys/class/rtc".into());
    println!("The RTC ({rtc_dir})");
    let mut rtcs: Vec<_> = match std::fs::read_dir(&rtc_dir) {
        Ok(dir) => dir.flatten().map(|e| e.path()).collect(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            println!("  {rtc_dir} does not exist: this kernel has no RTC class (CONFIG_RTC_CLASS)");
            Vec::new()
        }
        Err(e) => {
            println!("  {rtc_dir}: cannot list ({e})");
            return;
        }
    };
    if rtcs.is_empty() {
        println!("  no RTC device: this machine (often a VM) sets its clock some other way, e.g. kvm-clock / the hypervisor");
        return;
    }
    rtcs.sort();
    for dir in rtcs {
        let rtc = dir.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let read = |file: &str| match std::fs::read_to_string(dir.join(file)) {
            Ok(text) => text.trim().to_string(),
            Err(e) => format!("(cannot read: {e})"),
        };
        let since_epoch = read("since_epoch");
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs_f64();
        println!(
            "  {rtc}: name {}, date {}, time {}, since_epoch {since_epoch}, hctosys {}",
            read("name"),
            read("date"),
            read("time"),
            read("hctosys")
        );
        if let Ok(rtc_secs) = since_epoch.parse::<f64>() {
            let ahead = rtc_secs - now; // the RTC counts whole seconds: about -1 < ahead <= 0
            let verdict = if ahead.abs() < 2.0 {
                "agrees with the system clock (it counts whole seconds)"
            } else if ahead.abs() >= 900.0 && (ahead.abs() / 900.0 - (ahead.abs() / 900.0).round()).abs() < 0.01 {
                "is off by whole quarter hours: it probably keeps local time, not UTC"
            } else {
                "has drifted from the system clock"
            };
            println!("  {rtc}: since_epoch - SystemTime::now() = {ahead:+.1}s: the RTC {verdict}");
        }
    }
}

/// 0-1,4 → 3: the CPUs listed in /sys/devices/system/cpu/online.
fn online_cpus() -> Option<u32> {
    let text = std::fs::read_to_string("/sys/devices/system/cpu/online").ok()?;
    let mut count = 0;
    for range in text.trim().split(',') {
        let (first, last) = range.split_once('-').unwrap_or((range, range));
        count += last.parse::<u32>().ok()? - first.parse::<u32>().ok()? + 1;
    }
    Some(count)
}

/// sched_rr_get_interval(2) for the calling thread (pid 0).
fn rr_interval() -> io::Result<Duration> {
    // SAFETY: timespec is two integers (plus padding on some targets); all zero is valid.
    let mut ts: libc::timespec = unsafe { std::mem::zeroed() };
    // SAFETY: `ts` is a valid, writable timespec that outlives the call.
    if unsafe { libc::sched_rr_get_interval(0, &mut ts) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
}

/// sched_rr_get_interval(2) from a new thread that first switches itself to
/// SCHED_RR at the lowest real-time priority (then ends: it never spins).
fn rr_interval_as_sched_rr() -> Result<Duration, (&'static str, io::Error)> {
    let thread = std::thread::spawn(|| {
        let param = libc::sched_param { sched_priority: 1 };
        // SAFETY: pid 0 is the calling thread; `param` is valid for the call.
        if unsafe { libc::sched_setscheduler(0, libc::SCHED_RR, &param) } != 0 {
            return Err(("sched_setscheduler(SCHED_RR)", io::Error::last_os_error()));
        }
        rr_interval().map_err(|e| ("sched_rr_get_interval", e))
    });
    thread.join().unwrap_or_else(|_| Err(("the SCHED_RR thread", io::Error::other("panicked"))))
}

/// `3 ticks`, from a duration that the kernel made from whole jiffies.
fn ticks(d: Duration, tick: Duration) -> String {
    format!("{} ticks", d.as_nanos() / tick.as_nanos().max(1))
}

fn show_slices() -> Result<(), String> {
    println!("Time slices");
    let tick = Duration::from(clock_getres(ClockId::CLOCK_MONOTONIC_COARSE).map_err(|e| format!("clock_getres: {e}"))?);
    if let Some(cpus) = online_cpus() {
        let factor = 1 + cpus.min(8).ilog2();
        println!("  online CPUs: {cpus}, base slice 700000 × (1 + ilog2(min({cpus}, 8))) = {} (ns)", 700_000 * factor);
    }
    let slice_ns = std::fs::read_to_string("/proc/self/sched").ok().and_then(|text| {
        let line = text.lines().find(|l| l.starts_with("se.slice"))?;
        line.rsplit(' ').next()?.parse::<u64>().ok()
    });
    match slice_ns {
        Some(ns) => println!("  /proc/self/sched: se.slice = {ns} (ns), this thread's slice"),
        None => println!("  /proc/self/sched: no se.slice line (a kernel before 6.6, or without SCHED_DEBUG)"),
    }
    match std::fs::read_to_string(BASE_SLICE) {
        Ok(text) => println!("  {BASE_SLICE} = {}", text.trim()),
        Err(e) => {
            let mounted = std::fs::read_to_string("/proc/self/mounts")
                .is_ok_and(|m| m.lines().any(|l| l.split(' ').nth(2) == Some("debugfs")));
            let why = match e.raw_os_error() {
                Some(libc::ENOENT) if !mounted => "debugfs is not mounted (sudo mount -t debugfs none /sys/kernel/debug)",
                Some(libc::ENOENT) => "no such file (before 6.6 the knob was min_granularity_ns)",
                Some(libc::EACCES) => "/sys/kernel/debug is for root only (mode 0700): run with sudo",
                Some(libc::EPERM) => "kernel lockdown forbids writable debugfs files (cat /sys/kernel/security/lockdown)",
                _ => "cannot read",
            };
            println!("  {BASE_SLICE}: {why} ({e})");
        }
    }
    println!("  one tick = clock_getres(CLOCK_MONOTONIC_COARSE) = {tick:?}");
    let other = rr_interval().map_err(|e| format!("sched_rr_get_interval: {e}"))?;
    print!("  sched_rr_get_interval, SCHED_OTHER: {other:?} = {}", ticks(other, tick));
    match slice_ns {
        Some(ns) => println!(" (se.slice / tick = {ns} / {}, rounded down)", tick.as_nanos()),
        None => println!(),
    }
    let rr_ms = std::fs::read_to_string("/proc/sys/kernel/sched_rr_timeslice_ms").unwrap_or_default();
    match rr_interval_as_sched_rr() {
        Ok(rr) => println!("  sched_rr_get_interval, SCHED_RR: {rr:?} = {} (sched_rr_timeslice_ms = {})", ticks(rr, tick), rr_ms.trim()),
        Err((call, e)) if e.raw_os_error() == Some(libc::EPERM) => println!(
            "  sched_rr_get_interval, SCHED_RR: not measured: {call}: EPERM, SCHED_RR needs CAP_SYS_NICE \
             (sudo) or a nonzero RLIMIT_RTPRIO (ulimit -r); sched_rr_timeslice_ms = {}",
            rr_ms.trim()
        ),
        Err((call, e)) => return Err(format!("{call}: {e}")),
    }
    Ok(())
}

fn main() -> ExitCode {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    if let Some(arg) = std::env::args().nth(1) {
        eprintln!("rtc-timeslice: unexpected argument {arg:?} (it takes none; try --help)");
        return ExitCode::from(2);
    }
    show_rtcs();
    println!();
    match show_slices() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rtc-timeslice: {e}");
            ExitCode::FAILURE
        }
    }
}
