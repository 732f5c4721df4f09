//! Exercise: a bounded channel built from one `Mutex` and two `Condvar`s.
//!
//! Task: make `BoundedQueue` a FIFO queue that holds at most `capacity`
//! items. `send` waits while the queue is full and `recv` waits while it is
//! empty, without spinning: sleep on a `Condvar` (`not_full` for senders,
//! `not_empty` for receivers) and wake the other side after each change.
//! `try_send` and `try_recv` never wait.
//! Goal: `cargo run -- exercises ch02` reports `bounded_queue` as passing
//! (items come out in order, `len()` never exceeds the capacity, 10,000
//! items pass through a queue of 2 between two threads).
//! Time: about 30 minutes.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};

/// A FIFO queue that holds at most `capacity` items: `send` blocks while it
/// is full, `recv` blocks while it is empty. Share it with `Arc` or
/// `thread::scope`.
pub struct BoundedQueue<T> {
    items: Mutex<VecDeque<T>>,
    capacity: usize,
    /// Signalled when an item was added: wakes a receiver waiting for one.
    not_empty: Condvar,
    /// Signalled when an item was taken: wakes a sender waiting for room.
    not_full: Condvar,
}

impl<T> BoundedQueue<T> {
    /// A queue for at most `capacity` items. Panics if `capacity` is 0.
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "BoundedQueue needs a capacity of at least 1");
        BoundedQueue {
            items: Mutex::new(VecDeque::with_capacity(capacity)),
            capacity,
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
        }
    }

    /// Adds `item` at the back, waiting while the queue is full.
    pub fn send(&self, item: T) {
        let _ = (item, &self.not_full, self.capacity);
        todo!("lock, wait on not_full while full, push, notify not_empty")
    }

    /// Adds `item` if there is room; gives it back if the queue is full.
    pub fn try_send(&self, item: T) -> Result<(), T> {
        let _ = item;
        todo!("like send, but return Err(item) instead of waiting")
    }

    /// Takes the item at the front, waiting while the queue is empty.
    pub fn recv(&self) -> T {
        let _ = &self.not_empty;
        todo!("lock, wait on not_empty while empty, pop, notify not_full")
    }

    /// Takes the item at the front if there is one.
    pub fn try_recv(&self) -> Option<T> {
        todo!()
    }

    /// How many items are waiting right now.
    pub fn len(&self) -> usize {
        self.items.lock().unwrap().len()
    }

    /// True when no item is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
