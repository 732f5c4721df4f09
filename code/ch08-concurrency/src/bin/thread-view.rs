//! Threads as the program sees them and as the OS sees them.
//!
//! To the program a thread is a virtual CPU: its own registers and its own
//! stack (a local variable has a different address in every thread), sharing
//! the heap and the globals with the others. To the kernel it is a task with its
//! own id (gettid(2)), listed in /proc/self/task/, with its own name (`comm`),
//! scheduled on its own.
//!
//! Run: cargo run -p ch08-concurrency --bin thread-view
//! Look for: one tid per thread, the main thread's tid equal to the pid, a
//! separate stack address per thread, one shared global and one shared heap box.
use std::fs;
use std::sync::mpsc;
use std::thread;

use ch08_concurrency::gettid;

const USAGE: &str = "\
usage: thread-view
Shows threads as the program sees them (a stack each, a shared global and
heap box) and as the kernel does (tids and names in /proc/self/task). No arguments.
";

static GLOBAL: u64 = 42;

fn main() {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("thread-view: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    // ANCHOR: view
    let heap = Box::new(7u64);
    let local = 0u8;
    println!("main:     pid {}, tid {}, stack near {:p}", std::process::id(), gettid(), &local);

    let report = thread::scope(|s| -> Result<Vec<String>, String> {
        // Each worker sends its line once it runs, then stays alive until main
        // drops that worker's `release` sender: after looking at /proc, or on
        // any error (`?` drops it too), so an error cannot leave a worker
        // waiting forever and the scope's join hanging.
        let (line_tx, line_rx) = mpsc::channel();
        let mut release = Vec::new();
        for i in 0..3 {
            let (release_tx, release_rx) = mpsc::channel::<()>();
            let (line_tx, heap) = (line_tx.clone(), &heap);
            thread::Builder::new()
                .name(format!("worker-{i}")) // becomes the task's comm
                .spawn_scoped(s, move || {
                    let local = 0u8; // on this thread's own stack
                    let line = format!(
                        "worker-{i}: tid {}, stack near {:p}, global at {:p}, heap box at {:p}",
                        gettid(), &local, &GLOBAL, &**heap
                    );
                    let _ = line_tx.send(line);
                    let _ = release_rx.recv(); // returns when main drops release_tx
                })
                .map_err(|e| format!("spawning worker-{i}: {e}"))?;
            release.push(release_tx);
        }
        drop(line_tx);
        let mut lines: Vec<String> = line_rx.iter().take(3).collect(); // all three are running now
        lines.sort(); // in worker order, whichever sent first
        let mut names = Vec::new();
        let tasks = fs::read_dir("/proc/self/task").map_err(|e| format!("reading /proc/self/task: {e}"))?;
        for task in tasks {
            let path = task.map_err(|e| format!("reading /proc/self/task: {e}"))?.path().join("comm");
            let comm = fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
            names.push(comm.trim().to_string());
        }
        names.sort();
        println!("/proc/self/task has {} tasks: {}", names.len(), names.join(", "));
        drop(release); // let the workers finish; the scope joins them
        Ok(lines)
    })?;
    for line in report {
        println!("{line}");
    }
    // ANCHOR_END: view
    Ok(())
}
