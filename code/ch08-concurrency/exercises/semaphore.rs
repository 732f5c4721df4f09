// Exercise: a counting semaphore from a Mutex and a Condvar.
//
// Task: a semaphore holds `permits`. `acquire()` takes one, blocking while none
// is left, and returns a `Permit` guard; dropping the guard gives the permit
// back and wakes one waiter (Signal, not Broadcast: one permit frees one
// thread). This is how you cap how many threads use a resource at once (Go
// programs use a buffered channel of that capacity for it).
// Goal: `cargo run -- exercises ch08` reports `semaphore` passing: with 2
// permits, 8 threads never have more than 2 inside at once; `acquire` blocks
// while no permit is free and returns once one is released.
// Time: about 20 minutes.
#![allow(unused)] // delete this line when you start

use std::sync::{Condvar, Mutex};

pub struct Semaphore {
    // the free permits under a mutex, and a condition variable
}

/// A taken permit; dropping it releases the permit.
pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    pub fn new(permits: usize) -> Self {
        todo!()
    }

    /// Takes a permit, waiting until one is free.
    pub fn acquire(&self) -> Permit<'_> {
        todo!("wait in a loop while no permit is free, then take one")
    }

    /// How many permits are free right now.
    pub fn available(&self) -> usize {
        todo!()
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        todo!("give the permit back and wake one waiter")
    }
}
