//! Exercise: a bounded channel built from one `Mutex` and two `Condvar`s.
//! Reference solution. Check it with `cargo run -- exercises ch02`.

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
    /// A queue for at most `capacity` items. Panics if `capacity` is 0
    /// (a rendezvous needs a hand-shake this queue does not do).
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
        // unwrap: the lock is poisoned only if another thread panicked while
        // holding it, and then the queue's state is suspect anyway.
        let mut items = self.items.lock().unwrap();
        // A loop, not an `if`: a wake-up may be spurious, or another sender
        // may have taken the free slot before we got the lock back.
        while items.len() == self.capacity {
            items = self.not_full.wait(items).unwrap();
        }
        items.push_back(item);
        drop(items); // unlock before waking, so the receiver can take it at once
        self.not_empty.notify_one();
    }

    /// Adds `item` if there is room; gives it back if the queue is full.
    pub fn try_send(&self, item: T) -> Result<(), T> {
        let mut items = self.items.lock().unwrap();
        if items.len() == self.capacity {
            return Err(item);
        }
        items.push_back(item);
        drop(items);
        self.not_empty.notify_one();
        Ok(())
    }

    /// Takes the item at the front, waiting while the queue is empty.
    pub fn recv(&self) -> T {
        let mut items = self.items.lock().unwrap();
        loop {
            if let Some(item) = items.pop_front() {
                drop(items);
                self.not_full.notify_one();
                return item;
            }
            items = self.not_empty.wait(items).unwrap();
        }
    }

    /// Takes the item at the front if there is one.
    pub fn try_recv(&self) -> Option<T> {
        let item = self.items.lock().unwrap().pop_front();
        if item.is_some() {
            self.not_full.notify_one();
        }
        item
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
