//! Shared pieces of the chapter 8 examples (concurrency and parallelism), and
//! the exercise wiring.
//!
//! The examples in `src/bin/` are self-contained, so the book can show each one
//! whole. What lives here is small helpers several of them (and the bench) use:
//! reading `/proc/self/status` and `/proc/self/task/<tid>/stat`, and the thread
//! id the kernel knows a thread by.
//!
//! The doc tests below are the chapter's "this does not compile" claims, checked
//! by `cargo test -p ch08-concurrency --doc`:
//!
//! A `Mutex` cannot be copied, so Go's copied-mutex bug (a struct holding a
//! `sync.Mutex` passed by value: each copy locks its own mutex) cannot be written:
//!
//! ```compile_fail,E0599
//! use std::sync::Mutex;
//! let m = Mutex::new(0);
//! let copy = m.clone(); // error[E0599]: no method named `clone` found for struct `Mutex`
//! ```
//!
//! An `Rc` is not `Send`: its reference count is not atomic, so sharing it with
//! another thread would be a data race. The compiler refuses:
//!
//! ```compile_fail,E0277
//! use std::rc::Rc;
//! let shared = Rc::new(5);
//! let clone = Rc::clone(&shared);
//! std::thread::spawn(move || println!("{clone}")); // error[E0277]: `Rc<i32>` cannot be sent between threads safely
//! ```
//!
//! Two threads incrementing the same plain variable is a data race; it does not
//! compile, because the closure would need a `&mut` that two threads share:
//!
//! ```compile_fail,E0499
//! let mut counter = 0;
//! std::thread::scope(|s| {
//!     s.spawn(|| counter += 1);
//!     s.spawn(|| counter += 1); // error[E0499]: cannot borrow `counter` as mutable more than once
//! });
//! ```
//!
//! Go's loop-variable trap: a closure that borrows the loop variable cannot
//! outlive the loop, so `thread::spawn` without `move` is refused:
//!
//! ```compile_fail,E0373
//! let mut handles = Vec::new();
//! for i in 0..3 {
//!     handles.push(std::thread::spawn(|| println!("{i}"))); // error[E0373]: closure may outlive the current function
//! }
//! ```
//!
//! A `MutexGuard` is not `Send`: a lock must be released by the thread that took it.
//!
//! ```compile_fail,E0277
//! use std::sync::Mutex;
//! static M: Mutex<i32> = Mutex::new(0);
//! let guard = M.lock().unwrap();
//! std::thread::spawn(move || drop(guard)); // error[E0277]: `MutexGuard<'_, i32>` cannot be sent between threads safely
//! ```
//!
//! The spin lock's guard (`src/bin/spinlock.rs`, compiled here as
//! [`spinlock`]) may be shared between threads only if `T: Sync`, as
//! `MutexGuard` may. Sharing a `&Guard<Cell<u64>>` with two threads would let
//! both call `Cell::set` on one `Cell` at once, a data race in safe code:
//!
//! ```compile_fail,E0277
//! use ch08_concurrency::spinlock::SpinLock;
//! use std::cell::Cell;
//! let lock = SpinLock::new(Cell::new(0u64));
//! let guard = lock.lock();
//! let g = &guard;
//! std::thread::scope(|s| {
//!     s.spawn(move || g.set(g.get() + 1)); // error[E0277]: `Cell<u64>` cannot be shared between threads safely
//!     s.spawn(move || g.set(g.get() + 1));
//! });
//! ```
//!
//! With a `Sync` value inside, the guard can be shared, and the lock itself is
//! `Sync` for any `Send` value, `Cell` included (this one compiles):
//!
//! ```
//! use ch08_concurrency::spinlock::{Guard, SpinLock};
//! use std::cell::Cell;
//! fn is_sync<T: Sync>() {}
//! is_sync::<Guard<'static, u64>>();
//! is_sync::<SpinLock<Cell<u64>>>();
//! ```

use std::fs;
use std::io;

/// A field of `/proc/self/status` given in kB (`VmRSS`, `VmSize`, `Threads`…),
/// as a number. See proc_pid_status(5).
pub fn proc_status(field: &str) -> io::Result<u64> {
    let text = fs::read_to_string("/proc/self/status")?;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix(field).and_then(|r| r.strip_prefix(':')) {
            let number = rest.split_whitespace().next().unwrap_or("");
            return number.parse().map_err(|e| {
                io::Error::new(io::ErrorKind::InvalidData, format!("{field}: {number:?}: {e}"))
            });
        }
    }
    Err(io::Error::new(
        io::ErrorKind::NotFound,
        format!("no {field} line in /proc/self/status"),
    ))
}

/// The kernel's id of the calling thread (gettid(2)). Every thread of a process
/// has one; the main thread's equals the process id.
pub fn gettid() -> i32 {
    nix::unistd::gettid().as_raw()
}

/// The scheduler state of one of this process's threads, the third field of
/// `/proc/self/task/<tid>/stat`: `R` running or runnable, `S` sleeping (for
/// example in a `futex` wait), `D` in uninterruptible I/O… See proc_pid_stat(5).
pub fn thread_state(tid: i32) -> io::Result<char> {
    let path = format!("/proc/self/task/{tid}/stat");
    let stat = fs::read_to_string(&path)?;
    // The second field, the command name, is in parentheses and may hold spaces:
    // the state is the first character after the last ')'.
    stat.rfind(')')
        .and_then(|i| stat[i + 1..].trim_start().chars().next())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, format!("parsing {path}")))
}

/// How long [`wait_until_sleeping`] waits for a thread to fall asleep.
pub const SLEEP_DEADLINE: std::time::Duration = std::time::Duration::from_secs(10);

/// Waits until thread `tid` is asleep in the kernel (state `S`), yielding the CPU
/// between looks. This observes the other thread instead of guessing with a sleep.
/// A thread that busy-waits stays in state `R` and never sleeps: after
/// [`SLEEP_DEADLINE`] this gives up with a `TimedOut` error instead of hanging.
pub fn wait_until_sleeping(tid: i32) -> io::Result<()> {
    let start = std::time::Instant::now();
    loop {
        let state = thread_state(tid)?;
        if state == 'S' {
            return Ok(());
        }
        if start.elapsed() > SLEEP_DEADLINE {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "thread {tid} still in state {state}, not asleep, after {SLEEP_DEADLINE:?}: \
                     does it spin instead of blocking in the kernel?"
                ),
            ));
        }
        std::thread::yield_now();
    }
}

/// The chapter's spin lock: the very file the book shows (`src/bin/spinlock.rs`),
/// compiled into the library too so the doc tests above and Miri
/// (`cargo +nightly miri test -p ch08-concurrency --lib spinlock`) check it.
#[path = "bin/spinlock.rs"]
#[allow(dead_code)] // its `main` runs only as the binary
pub mod spinlock;

/// The reader's files, stubs until solved. Always compiled, so they must build.
/// (`#[path]` on the inline module names the folder its modules live in.)
#[path = "../exercises"]
pub mod exercises {
    pub mod relaxed_counter;
    pub mod semaphore;
    pub mod wait_group;
    pub mod worker_pool;
}

/// Reference answers.
#[path = "../solutions"]
pub mod solutions {
    pub mod relaxed_counter;
    pub mod semaphore;
    pub mod wait_group;
    pub mod worker_pool;
}

#[cfg(not(feature = "check-exercises"))]
pub use solutions as answers;
#[cfg(feature = "check-exercises")]
pub use exercises as answers;

#[cfg(test)]
mod tests {
    use super::*;

    /// Run under Miri too: `cargo +nightly miri test -p ch08-concurrency --lib spinlock`
    /// checks that the guard's unsafe `deref_mut` never races.
    #[test]
    fn spinlock_two_threads_increment_without_a_race() {
        let per_thread = if cfg!(miri) { 50 } else { 10_000 };
        let counter = spinlock::SpinLock::new(0u64);
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    for _ in 0..per_thread {
                        *counter.lock() += 1;
                    }
                });
            }
        });
        assert_eq!(*counter.lock(), 2 * per_thread);
    }

    #[test]
    #[cfg_attr(miri, ignore = "reads /proc, which Miri's isolation forbids and its threads lack")]
    fn proc_status_reads_threads_and_memory() {
        // Threads is a plain count: at least this test's thread and main.
        assert!(proc_status("Threads").unwrap() >= 2);
        // VmRSS is in kB: touching 64 MiB must raise it by about 65536.
        let before = proc_status("VmRSS").unwrap();
        let buffer = std::hint::black_box(vec![1u8; 64 << 20]);
        let after = proc_status("VmRSS").unwrap();
        assert!(after >= before + 60 * 1024, "VmRSS {before} kB -> {after} kB after touching 64 MiB");
        assert!(proc_status("VmSize").unwrap() >= after, "VmSize below VmRSS");
        drop(buffer);
        assert!(proc_status("NoSuchField").is_err());
    }

    #[test]
    #[cfg_attr(miri, ignore = "reads /proc, which Miri's isolation forbids and its threads lack")]
    fn a_thread_blocked_on_a_channel_is_seen_sleeping() {
        let (tid_tx, tid_rx) = std::sync::mpsc::channel();
        let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
        let t = std::thread::spawn(move || {
            tid_tx.send(gettid()).unwrap();
            go_rx.recv().unwrap();
        });
        let tid = tid_rx.recv().unwrap();
        wait_until_sleeping(tid).unwrap();
        assert_eq!(thread_state(tid).unwrap(), 'S');
        go_tx.send(()).unwrap();
        t.join().unwrap();
        assert_eq!(thread_state(gettid()).unwrap(), 'R');
    }
}
