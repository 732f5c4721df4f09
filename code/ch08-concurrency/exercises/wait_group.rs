// Exercise: a WaitGroup from a Mutex and a Condvar.
//
// Task: Go's sync.WaitGroup counts outstanding work: `add(n)` before starting
// n tasks, `done()` when one finishes, `wait()` blocks until the count is zero.
// Build it from `std::sync::Mutex<usize>` and `std::sync::Condvar`.
// Goal: `cargo run -- exercises ch08` reports `wait_group` passing: waiting on
// eight threads returns after all eight called done, waiting at zero returns at
// once, the group can be reused, and `done` below zero panics like Go's
// "sync: negative WaitGroup counter".
// Time: about 20 minutes.
#![allow(unused)] // delete this line when you start

use std::sync::{Condvar, Mutex};

pub struct WaitGroup {
    // Add the fields you need: the count, under a mutex, and a condition variable.
}

impl WaitGroup {
    pub fn new() -> Self {
        todo!("an empty group: count 0")
    }

    /// Adds `n` to the count of outstanding tasks.
    pub fn add(&self, n: usize) {
        todo!()
    }

    /// One task finished. Panics if the count is already zero.
    pub fn done(&self) {
        todo!("decrement; at zero, wake every waiter")
    }

    /// Blocks until the count is zero.
    pub fn wait(&self) {
        todo!("wait in a loop while the count is not zero")
    }
}
