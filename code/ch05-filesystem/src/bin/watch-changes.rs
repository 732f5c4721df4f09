//! Watching a directory: passively with inotify(7) (the kernel tells us),
//! or actively by polling stat(2) (we keep asking).
//!
//! Run: cargo run -p ch05-filesystem --bin watch-changes
//!      cargo run -p ch05-filesystem --bin watch-changes -- --watch DIR N
//! The first form changes files in a temp dir and prints the events; the
//! second prints `ready`, then the next N events in DIR (try touch/mv/rm in
//! another terminal).

use std::fs;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::{Duration, Instant};

use nix::sys::inotify::{AddWatchFlags, InitFlags, Inotify, InotifyEvent};

const USAGE: &str = "\
usage: watch-changes [--watch DIR N]
Without arguments: creates, renames and removes a file in a temp dir and
prints the inotify events, then times polling stat(2) for a change.
--watch DIR N: prints `ready`, then the next N inotify events in DIR.
";

// ANCHOR: inotify
fn watch(dir: &Path) -> io::Result<Inotify> {
    // inotify_init1(2): a file descriptor the kernel writes events into.
    let inotify = Inotify::init(InitFlags::IN_CLOEXEC)?;
    // inotify_add_watch(2): which events, on which directory.
    let mask = AddWatchFlags::IN_CREATE
        | AddWatchFlags::IN_CLOSE_WRITE
        | AddWatchFlags::IN_MOVED_FROM
        | AddWatchFlags::IN_MOVED_TO
        | AddWatchFlags::IN_DELETE;
    inotify.add_watch(dir, mask)?;
    Ok(inotify)
}

fn describe(event: &InotifyEvent) -> String {
    let kinds = [
        (AddWatchFlags::IN_CREATE, "CREATE"),
        (AddWatchFlags::IN_CLOSE_WRITE, "CLOSE_WRITE"),
        (AddWatchFlags::IN_MOVED_FROM, "MOVED_FROM"),
        (AddWatchFlags::IN_MOVED_TO, "MOVED_TO"),
        (AddWatchFlags::IN_DELETE, "DELETE"),
    ];
    let kind: Vec<_> = kinds.iter().filter(|(f, _)| event.mask.contains(*f)).map(|(_, n)| *n).collect();
    let name = event.name.as_deref().map(|n| n.to_string_lossy()).unwrap_or_default();
    format!("{:<12} {name}", kind.join("|"))
}
// ANCHOR_END: inotify

// ANCHOR: polling
/// What polling can compare: size, modification time (ns) and inode (a
/// rename-over changes the inode).
fn fingerprint(path: &Path) -> io::Result<(u64, i64, i64, u64)> {
    let m = fs::metadata(path)?;
    Ok((m.len(), m.mtime(), m.mtime_nsec(), m.ino()))
}

/// Ask stat(2) every `interval` until the file differs from `last`; return
/// how long after the first call the change was seen.
fn poll_until_changed(path: &Path, last: (u64, i64, i64, u64), interval: Duration, timeout: Duration) -> io::Result<Duration> {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if fingerprint(path)? != last {
            return Ok(start.elapsed());
        }
        std::thread::sleep(interval); // the price of polling: latency or CPU
    }
    Err(io::Error::new(io::ErrorKind::TimedOut, "no change"))
}
// ANCHOR_END: polling

fn demo() -> io::Result<()> {
    let tmp = tempfile::Builder::new().prefix("ch05-watch-").tempdir()?;
    let dir = tmp.path();
    // ANCHOR: demo
    let inotify = watch(dir)?;
    fs::write(dir.join("a.txt"), "hello\n")?; // open(O_CREAT), write, close
    fs::rename(dir.join("a.txt"), dir.join("b.txt"))?;
    fs::remove_file(dir.join("b.txt"))?;

    // The events are queued already; read(2) returns them (blocking only if
    // none were queued). Read until the last one we caused.
    let (mut done, mut moved_from) = (false, None);
    while !done {
        for event in inotify.read_events()? {
            let mut line = describe(&event);
            if event.mask.contains(AddWatchFlags::IN_MOVED_FROM) {
                moved_from = Some(event.cookie);
            }
            if event.mask.contains(AddWatchFlags::IN_MOVED_TO) && moved_from == Some(event.cookie) {
                line += "  (same cookie as the MOVED_FROM: one rename)";
            }
            println!("inotify: {line}");
            done |= event.mask.contains(AddWatchFlags::IN_DELETE);
        }
    }
    // ANCHOR_END: demo

    // ANCHOR: poll_demo
    let file = dir.join("polled.txt");
    fs::write(&file, "v1\n")?;
    let before = fingerprint(&file)?;
    let interval = Duration::from_millis(10);
    // Another thread rewrites the file 55 ms from now, while we poll.
    let writer = {
        let file = file.clone();
        std::thread::spawn(move || -> io::Result<Instant> {
            std::thread::sleep(Duration::from_millis(55));
            let began = Instant::now();
            fs::write(&file, "version 2\n")?;
            Ok(began)
        })
    };
    let seen = poll_until_changed(&file, before, interval, Duration::from_secs(5))?;
    let seen_at = Instant::now();
    let began = writer.join().map_err(|_| io::Error::other("writer thread panicked"))??;
    println!("polling: stat every {interval:?}, another thread rewrites the file 55ms in");
    println!(
        "polling: change seen {:.1}ms after the first stat, {:.1}ms after the write began",
        seen.as_secs_f64() * 1e3,
        seen_at.saturating_duration_since(began).as_secs_f64() * 1e3
    );
    // ANCHOR_END: poll_demo
    Ok(())
}

fn watch_forever(dir: &Path, count: usize) -> io::Result<()> {
    let inotify = watch(dir)?;
    println!("ready");
    let mut seen = 0;
    while seen < count {
        for event in inotify.read_events()? {
            println!("{}", describe(&event));
            seen += 1;
        }
    }
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        _ if args.iter().any(|a| a == "--help" || a == "-h") => {
            print!("{USAGE}");
            Ok(())
        }
        [flag, dir, n] if flag == "--watch" => match n.parse() {
            Ok(n) => watch_forever(Path::new(dir), n),
            Err(e) => Err(io::Error::new(io::ErrorKind::InvalidInput, format!("count {n}: {e}"))),
        },
        [] => demo(),
        _ => Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{} (try --help)", USAGE.lines().next().unwrap_or_default()))),
    };
    if let Err(e) = result {
        eprintln!("watch-changes: {e}");
        std::process::exit(1);
    }
}
