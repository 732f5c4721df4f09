// Solution: a counting semaphore from a Mutex and a Condvar.
//
// The free-permit count is the predicate; it is only read and written under
// the mutex, and `acquire` re-checks it in a loop after every wake-up. Release
// uses `notify_one`: one permit can let exactly one waiter in, so waking all of
// them would only make the others re-check and sleep again (the "thundering
// herd").
use std::sync::{Condvar, Mutex};

pub struct Semaphore {
    free: Mutex<usize>,
    released: Condvar,
}

/// A taken permit; dropping it releases the permit.
pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    pub fn new(permits: usize) -> Self {
        Semaphore { free: Mutex::new(permits), released: Condvar::new() }
    }

    /// Takes a permit, waiting until one is free.
    pub fn acquire(&self) -> Permit<'_> {
        // unwrap: no critical section below can panic, so the lock is never poisoned.
        let mut free = self.free.lock().unwrap();
        while *free == 0 {
            free = self.released.wait(free).unwrap();
        }
        *free -= 1;
        Permit { semaphore: self }
    }

    /// How many permits are free right now.
    pub fn available(&self) -> usize {
        *self.free.lock().unwrap()
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        *self.semaphore.free.lock().unwrap() += 1;
        self.semaphore.released.notify_one();
    }
}
