//! What durability, mapping and watching cost: write with and without fsync,
//! a durable replace, buffered read vs mmap of a cached file, stat vs inotify.
//!
//! Run: cargo run --release -p ch05-filesystem --bin filesystem-bench [-- --quick] [DIR]
//! DIR (default: the system temp dir) decides which file system is measured:
//! fsync on tmpfs costs nothing, on a disk it waits for the device.
//! The Go column comes from `go/bench` (standard library only), run with
//! `go run` when a `go` command is on PATH.

use std::fs::{self, File, OpenOptions};
use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use memmap2::Mmap;
use nix::sys::inotify::{AddWatchFlags, InitFlags, Inotify};

const USAGE: &str = "\
usage: filesystem-bench [--quick] [DIR]
Times writes with and without fsync, a durable replace, read vs mmap of a
cached file and stat vs inotify, in a temp dir under DIR (default: the system
temp dir; its file system decides what fsync costs). --quick: few iterations.
";

/// Minor page faults of this process so far (getrusage(2), `ru_minflt`).
fn minor_faults() -> io::Result<i64> {
    // SAFETY: getrusage(2) fills the zeroed struct we pass; all-zero is a valid rusage.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to a rusage that lives across the call.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return Err(io::Error::new(io::Error::last_os_error().kind(), format!("getrusage: {}", io::Error::last_os_error())));
    }
    Ok(usage.ru_minflt as i64)
}

fn time<F: FnMut() -> io::Result<()>>(n: u32, mut f: F) -> io::Result<Duration> {
    let start = Instant::now();
    for _ in 0..n {
        f()?;
    }
    Ok(start.elapsed() / n)
}

fn shown(per_op: Duration) -> String {
    let us = per_op.as_secs_f64() * 1e6;
    if us < 10.0 {
        format!("{:.0} ns", us * 1000.0)
    } else if us < 10_000.0 {
        format!("{us:.1} µs")
    } else {
        format!("{:.1} ms", us / 1000.0)
    }
}

/// One line of the table: what, Rust's time, the key of Go's time, a note.
struct Row {
    name: String,
    rust: Duration,
    go_key: &'static str,
    note: String,
}

fn row(rows: &mut Vec<Row>, name: &str, rust: Duration, go_key: &'static str, note: &str) {
    rows.push(Row { name: name.to_string(), rust, go_key, note: note.to_string() });
}

/// Runs `go run ./bench` in this package's go/ folder on `dir` and parses
/// its `key nanoseconds` lines.
fn run_go(quick: bool, dir: &Path) -> Result<HashMap<String, f64>, String> {
    let mut cmd = Command::new("go");
    cmd.args(["run", "./bench"]).current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/go"));
    if quick {
        cmd.arg("-quick");
    }
    let out = match cmd.arg(dir).output() {
        Ok(out) => out,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err("no `go` on PATH".into()),
        Err(e) => return Err(format!("running go: {e}")),
    };
    if !out.status.success() {
        return Err(format!("go run ./bench failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once(' ').and_then(|(k, v)| Some((k.to_string(), v.trim().parse().ok()?))))
        .collect())
}

fn run() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return Ok(());
    }
    if let Some(flag) = args.iter().find(|a| a.starts_with('-') && *a != "--quick") {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("unknown option {flag}; try --help")));
    }
    let quick = args.iter().any(|a| a == "--quick");
    let base = args.iter().find(|a| !a.starts_with('-')).map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
    let dir = tempfile::Builder::new().prefix("ch05-bench-").tempdir_in(&base)?;
    let d = dir.path();
    let (writes, durable, mib, stats) = if quick { (20, 5, 4, 1000) } else { (2000, 200, 256, 200_000) };

    // statfs(2): which file system the directory is on (its magic number).
    let fs_type = match nix::sys::statfs::statfs(d).map(|s| s.filesystem_type().0 as u64) {
        Ok(0xEF53) => "ext2/3/4".to_string(),
        Ok(0x0102_1994) => "tmpfs".to_string(),
        Ok(0x9123_683E) => "btrfs".to_string(),
        Ok(0x5846_5342) => "xfs".to_string(),
        Ok(0x794C_7630) => "overlayfs".to_string(),
        Ok(magic) => format!("magic {magic:#x}"),
        Err(e) => format!("statfs: {e}"),
    };
    println!("directory {} ({fs_type}){}", base.display(), if quick { ", quick mode" } else { "" });
    let mut rows = Vec::new();

    // 1. Durability. The first loop leaves its writes dirty (8 MiB in the
    // full run); each synced loop starts with a sync_all outside the timing,
    // so its first fdatasync/fsync does not flush what an earlier loop left.
    let block = vec![b'x'; 4096];
    let f = File::create(d.join("w"))?;
    let mut off = 0u64;
    let t = time(writes, || {
        f.write_all_at(&block, off)?;
        off += 4096;
        Ok(())
    })?;
    row(&mut rows, "write 4 KiB (page cache only)", t, "write", "");
    f.sync_all()?;
    let t = time(writes, || {
        f.write_all_at(&block, off)?;
        off += 4096;
        f.sync_data()
    })?;
    row(&mut rows, "write 4 KiB + fdatasync", t, "", "");
    f.sync_all()?; // fdatasync may leave metadata such as the mtime for later
    let t = time(writes, || {
        f.write_all_at(&block, off)?;
        off += 4096;
        f.sync_all()
    })?;
    row(&mut rows, "write 4 KiB + fsync", t, "write_fsync", "Go: f.Sync()");
    let target = d.join("config");
    let t = time(durable, || ch05_filesystem::durable_replace(&target, &block))?;
    row(&mut rows, "durable replace (tmp+fsync+rename+fsync)", t, "durable", "");
    drop(f);

    // 2. Reading a cached file: read(2) into a buffer vs mmap.
    let big = d.join("big");
    {
        let mut w = io::BufWriter::new(File::create(&big)?);
        let chunk: Vec<u8> = (0..1 << 20).map(|i| (i % 251) as u8).collect();
        for _ in 0..mib {
            w.write_all(&chunk)?;
        }
        w.flush()?;
    }
    let bytes = (mib as u64) << 20;
    let mut sum_read = 0u64;
    let mut buf = vec![0u8; 1 << 20];
    let read_once = |sum: &mut u64, buf: &mut [u8]| -> io::Result<()> {
        let mut file = File::open(&big)?;
        loop {
            let n = file.read(buf)?;
            if n == 0 {
                return Ok(());
            }
            *sum += buf[..n].iter().map(|&b| b as u64).sum::<u64>();
        }
    };
    read_once(&mut sum_read, &mut buf)?; // warm the page cache
    sum_read = 0;
    let t = time(3, || read_once(&mut sum_read, &mut buf))?;
    row(&mut rows, &format!("read(2), 1 MiB buffer, {mib} MiB file"), t, "", &format!("{:.2} GB/s", bytes as f64 / t.as_secs_f64() / 1e9));
    let mut sum_map = 0u64;
    let faults_before = minor_faults()?;
    let t = time(3, || {
        let file = File::open(&big)?;
        // SAFETY: the file is ours and nothing modifies it while mapped.
        let map = unsafe { Mmap::map(&file)? };
        sum_map += map.iter().map(|&b| b as u64).sum::<u64>();
        Ok(())
    })?;
    // How many page faults the mapped scans took: not one per 4 KiB page,
    // the kernel maps a fault-around window or a whole folio per fault.
    let faults = (minor_faults()? - faults_before) / 3; // per scan: time() ran it 3 times
    let note = format!("{:.2} GB/s, {faults} faults for {} pages", bytes as f64 / t.as_secs_f64() / 1e9, bytes / 4096);
    row(&mut rows, &format!("mmap, {mib} MiB file"), t, "", &note);
    assert_eq!(sum_read, sum_map, "both ways must see the same bytes");

    // 3. Noticing a change: asking stat(2) vs being told by inotify.
    let watched = d.join("watched");
    fs::write(&watched, "0")?;
    let t = time(stats, || fs::metadata(&watched).map(|_| ()))?;
    row(&mut rows, "stat(2) one file (one poll)", t, "stat", "Go: os.Stat");
    let file = OpenOptions::new().write(true).open(&watched)?;
    let t = time(stats / 10, || file.write_all_at(b"1", 0))?;
    row(&mut rows, "pwrite 1 byte, unwatched", t, "", "");
    let inotify = Inotify::init(InitFlags::IN_CLOEXEC)?;
    inotify.add_watch(d, AddWatchFlags::IN_MODIFY)?;
    let t = time(stats / 10, || {
        file.write_all_at(b"1", 0)?;
        let events = inotify.read_events()?;
        assert!(!events.is_empty());
        Ok(())
    })?;
    row(&mut rows, "pwrite 1 byte + read its inotify event", t, "", "");

    let go = run_go(quick, &base);
    println!("{:<40} {:>12} {:>12}", "operation", "Rust", "Go");
    for r in &rows {
        let go_col = match (&go, r.go_key) {
            (Ok(map), key) if !key.is_empty() => map.get(key).map(|ns| shown(Duration::from_nanos(*ns as u64))).unwrap_or_default(),
            _ => String::new(),
        };
        println!("{:<40} {:>12} {:>12}   {}", r.name, shown(r.rust), go_col, r.note);
    }
    if let Err(e) = go {
        println!("Go side skipped: {e}");
    }
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("filesystem-bench: {e}");
        std::process::exit(1);
    }
}
