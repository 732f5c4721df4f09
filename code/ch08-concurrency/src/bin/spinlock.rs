//! A spin lock: waiting by looping on an atomic flag instead of sleeping in
//! the kernel.
//!
//! `SpinLock<T>`, like `Mutex<T>`, owns its data and hands out a guard. Taking
//! it is a compare-and-swap of `false` to `true` with Acquire ordering;
//! releasing it is a store of `false` with Release ordering. While the flag is
//! taken the waiter spins, telling the CPU so with `std::hint::spin_loop` (the
//! x86 PAUSE instruction). No syscall is ever made — which is the point and the
//! danger: a spinning thread burns its whole time slice if the holder was
//! preempted.
//!
//! Run: cargo run -p ch08-concurrency --bin spinlock
//! Look for: 200000, the sum of both threads' increments.
use std::cell::UnsafeCell;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

const USAGE: &str = "\
usage: spinlock
Two threads increment a counter behind a spin lock (compare-and-swap,
spin_loop) 100,000 times each: the total is 200000. No arguments.
";

// ANCHOR: spinlock
pub struct SpinLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: the lock hands out access to `value` to one thread at a time, so
// sharing a SpinLock between threads is safe whenever T may be sent to one.
unsafe impl<T: Send> Sync for SpinLock<T> {}

impl<T> SpinLock<T> {
    pub const fn new(value: T) -> Self {
        SpinLock { locked: AtomicBool::new(false), value: UnsafeCell::new(value) }
    }

    pub fn lock(&self) -> Guard<'_, T> {
        // Acquire: what the previous holder wrote before its Release store is
        // visible to us once we see the flag free.
        while self
            .locked
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            // Read-only spin until it looks free, so the cache line is shared
            // instead of bouncing between cores with every failed CAS.
            while self.locked.load(Ordering::Relaxed) {
                std::hint::spin_loop();
            }
        }
        Guard { lock: self }
    }
}

pub struct Guard<'a, T> {
    lock: &'a SpinLock<T>,
}

// SAFETY: a shared `&Guard` hands out `&T` (through Deref), so sharing a Guard
// between threads shares `&T`: safe exactly when `T: Sync`, the bound std's
// MutexGuard has. Without this line Guard would be Sync whenever SpinLock<T>
// is (`T: Send`), and two threads could call `Cell::set` through one `&Guard`.
unsafe impl<T: Sync> Sync for Guard<'_, T> {}

impl<T> Deref for Guard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: a Guard exists only while `locked` is true and we set it.
        unsafe { &*self.lock.value.get() }
    }
}

impl<T> DerefMut for Guard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in deref; `&mut self` makes this borrow unique.
        unsafe { &mut *self.lock.value.get() }
    }
}

impl<T> Drop for Guard<'_, T> {
    fn drop(&mut self) {
        self.lock.locked.store(false, Ordering::Release);
    }
}
// ANCHOR_END: spinlock

fn main() {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    // ANCHOR: use
    let per_thread = if cfg!(miri) { 100 } else { 100_000 }; // Miri is slow
    let counter = SpinLock::new(0u64);
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for _ in 0..per_thread {
                    *counter.lock() += 1;
                }
            });
        }
    });
    println!("total = {}", *counter.lock());
    // ANCHOR_END: use
}
