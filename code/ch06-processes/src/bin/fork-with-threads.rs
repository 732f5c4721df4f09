//! Why a multi-threaded runtime (Go's) cannot simply fork: fork(2) copies
//! the whole memory but only the calling thread. A lock that another thread
//! held at that moment is copied *locked*, and the thread that would unlock
//! it does not exist in the child. Here the child finds the mutex locked,
//! forever.
//!
//! Run: cargo run -p ch06-processes --bin fork-with-threads
//! Look for: Threads: 2 in the parent, 1 in the child; the child's
//! try_lock says WouldBlock although nobody in the child holds the lock.

use ch06_processes::status_field;
use nix::sys::wait::waitpid;
use nix::unistd::{fork, write, ForkResult};
use std::io::Write;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, TryLockError};
use std::thread;

const USAGE: &str = "usage: fork-with-threads
Forks while a second thread holds a Mutex: the child has one thread and finds
the mutex locked for good (try_lock: WouldBlock). Takes no arguments.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("fork-with-threads: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    // ANCHOR: threads
    let shared = Arc::new(Mutex::new(0u64));
    let (locked_tx, locked_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let worker = {
        let shared = Arc::clone(&shared);
        thread::spawn(move || {
            let _guard = shared.lock().expect("not poisoned: nobody panics holding it");
            let _ = locked_tx.send(()); // "I hold the lock now"
            let _ = release_rx.recv(); // hold it until main says so
        })
    };
    locked_rx.recv().map_err(|e| format!("waiting for the worker: {e}"))?;
    let threads = status_field(None, "Threads").map_err(|e| format!("/proc/self/status: {e}"))?;
    println!("parent: Threads: {threads}, the worker holds the mutex; forking");
    std::io::stdout().flush().map_err(|e| format!("flushing stdout: {e}"))?;

    // SAFETY: the child only calls try_lock (never blocks), reads a file,
    // writes and _exits. glibc's fork keeps malloc usable in the child; a
    // lock of our own, like this Mutex, gets no such care.
    match unsafe { fork() }.map_err(|e| format!("fork: {e}"))? {
        ForkResult::Child => {
            let threads = status_field(None, "Threads").unwrap_or_else(|e| e.to_string());
            let verdict = match shared.try_lock() {
                Err(TryLockError::WouldBlock) => "WouldBlock: locked, and no thread here will unlock it",
                Err(TryLockError::Poisoned(_)) => "poisoned",
                Ok(_) => "free",
            };
            let msg = format!("child:  Threads: {threads}, try_lock: {verdict}\n");
            let _ = write(std::io::stdout(), msg.as_bytes());
            // SAFETY: _exit only ends the process.
            unsafe { libc::_exit(0) }
        }
        ForkResult::Parent { child } => {
            waitpid(child, None).map_err(|e| format!("waitpid: {e}"))?;
        }
    }
    release_tx.send(()).map_err(|e| format!("releasing the worker: {e}"))?;
    worker.join().map_err(|_| "the worker panicked".to_string())?;
    println!("parent: the worker released the mutex: {:?}", shared.try_lock().is_ok());
    // ANCHOR_END: threads
    Ok(())
}
