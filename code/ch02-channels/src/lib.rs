//! Shared pieces of chapter 2's examples: the prime test and prime generator,
//! a thread's CPU time from `getrusage(2)`, the two waiting loops (blocking and
//! polling) that `select-cpu` compares, and the wiring of the exercises.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crossbeam::channel::{select, unbounded, Receiver};

// ANCHOR: is_prime
/// Trial division by odd numbers up to the square root: the same test as the
/// Go book's `primeNumber`, chosen to be simple rather than fast.
#[allow(clippy::manual_is_multiple_of)] // `%` as in the Go original
pub fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n % 2 == 0 {
        return n == 2;
    }
    let mut d = 3;
    while still_below_root(d, n) {
        if n % d == 0 {
            return false;
        }
        d += 2;
    }
    true
}

/// Is `d` at most the square root of `n`? (`d * d <= n` would overflow for
/// `d` above 2^32, which the loop reaches on primes above (2^32 - 1)^2.)
fn still_below_root(d: u64, n: u64) -> bool {
    d <= n / d
}
// ANCHOR_END: is_prime

#[cfg(test)]
mod tests {
    /// The largest prime below 2^64 has no divisor up to 2^32, so the loop
    /// reaches d = 2^32 + 1, whose square does not fit in a u64.
    #[test]
    fn the_root_test_does_not_overflow_near_u64_max() {
        let n = 18_446_744_073_709_551_557; // the largest prime below 2^64
        assert!(!super::still_below_root((1 << 32) + 1, n));
        assert!(super::still_below_root((1 << 32) - 1, n));
        assert!(super::still_below_root(3, 9));
        assert!(!super::still_below_root(5, 24));
    }
}

// ANCHOR: generator
/// The generator pattern: start a thread that sends every prime below `limit`
/// and hand back the receiving end. The channel is a rendezvous (capacity 0),
/// like the Go book's `make(chan int)`, so the producer runs at most one prime
/// ahead of the consumer. When the thread returns, `tx` is dropped, the
/// channel closes and the consumer's `for` loop ends.
pub fn primes_below(limit: u64) -> mpsc::Receiver<u64> {
    let (tx, rx) = mpsc::sync_channel(0);
    thread::spawn(move || send_primes(limit, tx)); // `tx` moves into the thread
    rx
}

/// The producer: sends the primes below `limit` on `tx`, and stops early if
/// the receiver is dropped. `tx` is dropped when it returns.
pub fn send_primes(limit: u64, tx: mpsc::SyncSender<u64>) {
    for n in 2..limit {
        if is_prime(n) && tx.send(n).is_err() {
            return; // the receiver was dropped: nobody wants more primes
        }
    }
}
// ANCHOR_END: generator

// ANCHOR: select_sum
/// A worker sends 1, 2, 3 on `data`, then `()` on `quit`; the loop adds up
/// what arrives until it is told to quit. (The worker's `unwrap`s cannot
/// fire: both receivers live until after `join`.)
pub fn sum_until_quit() -> u32 {
    let (data_tx, data) = unbounded::<u32>();
    let (quit_tx, quit) = unbounded::<()>();
    let worker = thread::spawn(move || {
        for i in 1..=3 {
            data_tx.send(i).unwrap();
        }
        quit_tx.send(()).unwrap();
    });
    let mut sum = 0;
    loop {
        select! {
            recv(data) -> msg => match msg {
                Ok(n) => sum += n,
                // A disconnected channel counts as ready: once the worker has
                // returned, this arm can win with Err. Err means "empty and
                // every sender gone", so every value is already in `sum`.
                Err(_) => break,
            },
            // `quit` may win while `data` still holds values: drain them first.
            recv(quit) -> _ => {
                sum += data.try_iter().sum::<u32>();
                break;
            }
        }
    }
    worker.join().unwrap();
    sum
}
// ANCHOR_END: select_sum

// ANCHOR: cpu_time
/// CPU time (user + system) the calling thread has used so far, from
/// `getrusage(RUSAGE_THREAD)` (man 2 getrusage; Linux-specific).
#[cfg(target_os = "linux")]
pub fn thread_cpu_time() -> io::Result<Duration> {
    // SAFETY: `rusage` is plain old data, so all zeroes is a valid value, and
    // getrusage only writes into the struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid `who` constant and a pointer to a live, writable rusage.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut usage) };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Ok(tv(usage.ru_utime) + tv(usage.ru_stime))
}
// ANCHOR_END: cpu_time

// ANCHOR: waiting
/// Waits for one message with a blocking `select!`: one call, no loop of our
/// own. A one-arm `select!` without `default` is `rx.recv()`: crossbeam tries
/// the channel a few times, spinning and then yielding the CPU briefly, and if
/// still nothing is there it parks the thread in the kernel until a sender
/// wakes it.
pub fn block_until_message<T>(rx: &Receiver<T>) -> Option<T> {
    select! {
        recv(rx) -> msg => msg.ok(),
    }
}

/// The same wait with a `default` arm: `select!` never blocks, so a loop
/// asks "anything yet?" again and again and burns a CPU while it waits.
pub fn poll_until_message<T>(rx: &Receiver<T>, checks: &AtomicU64) -> Option<T> {
    loop {
        checks.fetch_add(1, Ordering::Relaxed);
        select! {
            recv(rx) -> msg => return msg.ok(),
            default => {} // nothing ready: go round again at once
        }
    }
}
// ANCHOR_END: waiting

/// The reader's files, stubs until solved. Always compiled, so they must build.
/// (`path` on an inline module names the folder its files are in.)
#[path = "../exercises"]
pub mod exercises {
    pub mod bounded_queue;
    pub mod pipeline;
    pub mod worker_pool;
}

/// Reference answers.
#[path = "../solutions"]
pub mod solutions {
    pub mod bounded_queue;
    pub mod pipeline;
    pub mod worker_pool;
}

#[cfg(not(feature = "check-exercises"))]
pub use solutions as answers;

#[cfg(feature = "check-exercises")]
pub use exercises as answers;
