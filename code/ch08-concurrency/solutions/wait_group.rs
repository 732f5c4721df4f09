// Solution: a WaitGroup from a Mutex and a Condvar.
//
// The count lives inside the mutex, so reading it and deciding to sleep happen
// under the lock: `done` cannot slip its decrement and notify in between (that
// would be a lost wake-up). `wait` re-checks the count in a loop because a
// condition variable may wake a thread spuriously, and because another `add`
// may have raised the count again before the waiter got the lock back.
use std::sync::{Condvar, Mutex};

pub struct WaitGroup {
    count: Mutex<usize>,
    zero: Condvar,
}

impl WaitGroup {
    pub fn new() -> Self {
        WaitGroup { count: Mutex::new(0), zero: Condvar::new() }
    }

    /// Adds `n` to the count of outstanding tasks.
    pub fn add(&self, n: usize) {
        // unwrap: the lock is poisoned only if a thread panicked while holding
        // it, and none of our critical sections can panic except `done`'s check,
        // which runs before anything is modified.
        *self.count.lock().unwrap() += n;
    }

    /// One task finished. Panics if the count is already zero.
    pub fn done(&self) {
        let mut count = self.count.lock().unwrap();
        assert!(*count > 0, "WaitGroup: done called more often than add (negative counter)");
        *count -= 1;
        if *count == 0 {
            // Every waiter must learn the news: Broadcast, not Signal.
            self.zero.notify_all();
        }
    }

    /// Blocks until the count is zero.
    pub fn wait(&self) {
        let mut count = self.count.lock().unwrap();
        while *count > 0 {
            // Atomically releases the lock and sleeps; re-locks before returning.
            count = self.zero.wait(count).unwrap();
        }
    }
}

impl Default for WaitGroup {
    fn default() -> Self {
        Self::new()
    }
}
