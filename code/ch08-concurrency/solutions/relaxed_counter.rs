// Solution: a lock-free counter with the weakest correct memory ordering.
//
// Why `Relaxed` is enough everywhere here: memory ordering is about what a
// thread may conclude about OTHER memory once it sees a value (a flag saying
// "the data is ready"). These counters publish nothing else: each atomic is its
// own whole story. For a single atomic variable every thread already agrees on
// one total order of its modifications (the "modification order"), and a
// read-modify-write such as `fetch_add` or a successful `compare_exchange`
// always acts on the latest value in that order — so no increment is lost and
// the maximum is never lowered, whatever the ordering argument.
// The final `get()` after the threads are joined sees every increment because
// `join` itself creates the happens-before edge; the counter needs no
// Acquire/Release for that. `SeqCst` would be correct too, only it promises
// more than is needed (on x86-64 the code is the same: `lock xadd`,
// `lock cmpxchg`; on ARM the relaxed form avoids barriers).
use std::sync::atomic::{AtomicU64, Ordering};

pub struct Counter {
    count: AtomicU64,
    max: AtomicU64,
}

impl Counter {
    pub fn new() -> Self {
        Counter { count: AtomicU64::new(0), max: AtomicU64::new(0) }
    }

    /// Counts one event; returns the count before it.
    pub fn increment(&self) -> u64 {
        self.count.fetch_add(1, Ordering::Relaxed)
    }

    /// The count so far.
    pub fn get(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// Remembers `value` if it is larger than every value recorded before.
    pub fn record_max(&self, value: u64) {
        let mut current = self.max.load(Ordering::Relaxed);
        while value > current {
            // Succeeds only if nobody changed `max` since we read `current`;
            // otherwise it hands back the newer value and we decide again.
            // `_weak` may fail spuriously (on LL/SC machines); the loop retries.
            match self.max.compare_exchange_weak(current, value, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return,
                Err(newer) => current = newer,
            }
        }
    }

    /// The largest value recorded (0 if none).
    pub fn max(&self) -> u64 {
        self.max.load(Ordering::Relaxed)
    }
}

impl Default for Counter {
    fn default() -> Self {
        Self::new()
    }
}
