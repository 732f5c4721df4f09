//! Advisory locking with flock(2): a blocking lock, a non-blocking try
//! (`LOCK_NB` -> `EWOULDBLOCK`), and a retry loop, between two processes.
//!
//! Run: cargo run -p ch05-filesystem --bin flock-demo
//!      cargo run -p ch05-filesystem --bin flock-demo -- --hold FILE   (until stdin closes)
//!      cargo run -p ch05-filesystem --bin flock-demo -- --try FILE
//!      cargo run -p ch05-filesystem --bin flock-demo -- --wait FILE
//!      cargo run -p ch05-filesystem --bin flock-demo -- --retry FILE N
//! Try `--hold` in one terminal and `--try` or `flock -n FILE true` in another.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};

const USAGE: &str = "\
usage: flock-demo [--hold FILE | --try FILE | --wait FILE | --retry FILE N]
Without arguments: a lock held by this process, a second open, a LOCK_NB
child and a blocking child, in a temp dir. --hold FILE locks until stdin
closes; --try one LOCK_NB attempt; --wait blocks; --retry tries N times.
";

fn open(path: &Path) -> io::Result<File> {
    OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path)
        .map_err(|e| io::Error::new(e.kind(), format!("opening {}: {e}", path.display())))
}

// ANCHOR: try
/// One non-blocking attempt: flock(fd, LOCK_EX | LOCK_NB).
fn try_lock(path: &Path) -> io::Result<Option<Flock<File>>> {
    match Flock::lock(open(path)?, FlockArg::LockExclusiveNonblock) {
        Ok(lock) => Ok(Some(lock)),
        Err((_file, Errno::EWOULDBLOCK)) => Ok(None), // someone else holds it
        Err((_file, e)) => Err(e.into()),
    }
}

/// Non-blocking retry: try, and back off between tries, up to `tries` times.
/// Unlike a blocking lock, we stay in control (give up, report, do other work).
fn lock_with_retry(path: &Path, tries: u32) -> io::Result<Option<(Flock<File>, u32)>> {
    let mut delay = Duration::from_millis(1);
    for attempt in 1..=tries {
        if let Some(lock) = try_lock(path)? {
            return Ok(Some((lock, attempt)));
        }
        std::thread::sleep(delay);
        delay = (delay * 2).min(Duration::from_millis(50));
    }
    Ok(None)
}
// ANCHOR_END: try

fn child(mode: &str, path: &Path) -> io::Result<std::process::Child> {
    Command::new(std::env::current_exe()?).arg(mode).arg(path).stdout(Stdio::piped()).spawn()
}

/// Wait until process `pid` is queued for a lock: a `->` line in /proc/locks.
fn wait_until_blocked(pid: u32) -> io::Result<()> {
    let waiter = |line: &str| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        fields.get(1) == Some(&"->") && fields.get(5) == Some(&pid.to_string().as_str())
    };
    for _ in 0..10_000 {
        if std::fs::read_to_string("/proc/locks")?.lines().any(waiter) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    Err(io::Error::new(io::ErrorKind::TimedOut, format!("process {pid} never blocked in flock(2)")))
}

fn demo() -> io::Result<()> {
    let tmp = tempfile::Builder::new().prefix("ch05-flock-").tempdir()?;
    let path = tmp.path().join("app.lock");
    // ANCHOR: demo
    // flock(fd, LOCK_EX): blocks until we have it (free now, so at once).
    let held = Flock::lock(open(&path)?, FlockArg::LockExclusive).map_err(|(_, e)| e)?;
    println!("parent: holds the lock");

    // A second open() is a second open file description: it conflicts too,
    // even in the same process.
    println!("parent, second open: {}", if try_lock(&path)?.is_some() { "locked" } else { "EWOULDBLOCK" });

    // Another process, non-blocking.
    let out = child("--try", &path)?.wait_with_output()?;
    print!("{}", String::from_utf8_lossy(&out.stdout));

    // Another process, blocking: it sleeps in flock(2) until we unlock.
    let mut waiter = child("--wait", &path)?;
    let mut lines = BufReader::new(waiter.stdout.take().expect("piped"));
    let mut line = String::new();
    lines.read_line(&mut line)?;
    print!("{line}");
    // Release only once the child really sleeps in flock(2) (its printed
    // line comes before the call): /proc/locks lists it as a waiter, `->`.
    wait_until_blocked(waiter.id())?;
    drop(held); // Flock's drop: flock(fd, LOCK_UN), then close(2)
    println!("parent: released the lock");
    let mut rest = String::new();
    lines.read_to_string(&mut rest)?;
    print!("{rest}");
    waiter.wait()?;
    // ANCHOR_END: demo
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        _ if args.iter().any(|a| a == "--help" || a == "-h") => {
            print!("{USAGE}");
            Ok(())
        }
        [] => demo(),
        [mode, file] if mode == "--try" => try_lock(Path::new(file)).map(|lock| {
            println!("child --try: {}", if lock.is_some() { "locked" } else { "EWOULDBLOCK (held by another process)" });
        }),
        [mode, file] if mode == "--wait" => try_lock(Path::new(file)).and_then(|lock| {
            if lock.is_some() {
                // Nothing to wait for: the demo's parent released too early.
                println!("child --wait: got the lock at once");
                return Ok(());
            }
            println!("child --wait: waiting in flock(LOCK_EX)");
            open(Path::new(file)).and_then(|f| Flock::lock(f, FlockArg::LockExclusive).map_err(|(_, e)| e.into())).map(|_lock| {
                println!("child --wait: got the lock");
            })
        }),
        [mode, file, n] if mode == "--retry" => {
            let tries = n.parse().unwrap_or(100);
            lock_with_retry(Path::new(file), tries).map(|got| match got {
                Some((_lock, attempt)) => println!("--retry: locked on attempt {attempt}"),
                None => println!("--retry: gave up after {tries} attempts"),
            })
        }
        [mode, file] if mode == "--hold" => open(Path::new(file))
            .and_then(|f| Flock::lock(f, FlockArg::LockExclusive).map_err(|(_, e)| e.into()))
            .and_then(|_lock| {
                println!("locked");
                // Hold until whoever started us closes our stdin.
                io::stdin().read_to_end(&mut Vec::new()).map(|_| ())
            }),
        _ => Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{} (try --help)", USAGE.lines().next().unwrap_or_default()))),
    };
    if let Err(e) = result {
        eprintln!("flock-demo: {e}");
        std::process::exit(1);
    }
}
