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
use std::sync::Barrier;
use std::thread;

use ch08_concurrency::gettid;

static GLOBAL: u64 = 42;

fn main() {
    if let Err(e) = run() {
        eprintln!("thread-view: {e}");
        std::process::exit(1);
    }
}

fn run() -> std::io::Result<()> {
    // ANCHOR: view
    let heap = Box::new(7u64);
    let local = 0u8;
    println!("main:     pid {}, tid {}, stack near {:p}", std::process::id(), gettid(), &local);

    // Everyone (3 workers + main) meets twice: once all have started, and
    // again once main has looked at /proc, so the workers are alive meanwhile.
    let barrier = Barrier::new(4);
    let report = thread::scope(|s| -> std::io::Result<Vec<String>> {
        let workers: Vec<_> = (0..3)
            .map(|i| {
                let (barrier, heap) = (&barrier, &heap);
                thread::Builder::new()
                    .name(format!("worker-{i}")) // becomes the task's comm
                    .spawn_scoped(s, move || {
                        let local = 0u8; // on this thread's own stack
                        let line = format!(
                            "worker-{i}: tid {}, stack near {:p}, global at {:p}, heap box at {:p}",
                            gettid(), &local, &GLOBAL, &**heap
                        );
                        barrier.wait();
                        barrier.wait();
                        line
                    })
            })
            .collect::<Result<_, _>>()?;
        barrier.wait(); // all three are running now
        let mut names = Vec::new();
        for task in fs::read_dir("/proc/self/task")? {
            let comm = fs::read_to_string(task?.path().join("comm"))?;
            names.push(comm.trim().to_string());
        }
        names.sort();
        println!("/proc/self/task has {} tasks: {}", names.len(), names.join(", "));
        barrier.wait();
        Ok(workers.into_iter().map(|w| w.join().expect("worker panicked")).collect())
    })?;
    for line in report {
        println!("{line}");
    }
    // ANCHOR_END: view
    Ok(())
}
