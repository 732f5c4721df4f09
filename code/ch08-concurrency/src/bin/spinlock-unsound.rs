//! DELIBERATELY UNSOUND: the chapter's spin lock as it was first written, without
//! `unsafe impl<T: Sync> Sync for Guard<'_, T>`, and six lines of *safe* code that
//! use the hole to race.
//!
//! Without that line the compiler derives `Guard<T>: Sync` from its field
//! `&SpinLock<T>`, that is whenever `SpinLock<T>: Sync`, which our
//! `unsafe impl` grants for every `T: Send`. `Cell<u64>` is `Send` but not
//! `Sync`, so two threads may each hold `&Guard<Cell<u64>>`, deref it to
//! `&Cell<u64>` and call `set` on the same cell at once: a data race, with no
//! `unsafe` in sight at the place where it happens.
//!
//! Run: cargo run -p ch08-concurrency --bin spinlock-unsound
//! Look for: a total below 2000000 (increments lost; on a busy machine it may
//! come out right, which is what makes races hard to find by testing).
//! Then: cargo +nightly miri run -p ch08-concurrency --bin spinlock-unsound
//! Look for: "Undefined Behavior: Data race detected", naming `Cell::get`/`set`.
//! And: cargo run -p ch08-concurrency --bin spinlock-unsound -- --lockstep
//! Look for: "total = 1 of 2": both threads read the cell inside one critical
//! section, then write it one after the other (a `Barrier` orders them, so
//! this part is no data race), and one increment is lost every time.
use std::cell::{Cell, UnsafeCell};
use std::ops::Deref;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Barrier;
use std::thread;

pub struct SpinLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: as in spinlock.rs: one thread at a time gets at `value`.
unsafe impl<T: Send> Sync for SpinLock<T> {}

impl<T> SpinLock<T> {
    pub const fn new(value: T) -> Self {
        SpinLock { locked: AtomicBool::new(false), value: UnsafeCell::new(value) }
    }
    pub fn lock(&self) -> Guard<'_, T> {
        while self
            .locked
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            std::hint::spin_loop();
        }
        Guard { lock: self }
    }
}

pub struct Guard<'a, T> {
    lock: &'a SpinLock<T>,
}
// The missing line (spinlock.rs has it):
// unsafe impl<T: Sync> Sync for Guard<'_, T> {}

impl<T> Deref for Guard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY (WRONG): "a Guard exists only while we hold the lock" is true,
        // but a shared &Guard may be on two threads, each with this &T.
        unsafe { &*self.lock.value.get() }
    }
}

impl<T> Drop for Guard<'_, T> {
    fn drop(&mut self) {
        self.lock.locked.store(false, Ordering::Release);
    }
}

fn main() {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        println!("usage: spinlock-unsound [--lockstep]   (see the file's header)");
        return;
    }
    if std::env::args().skip(1).any(|a| a == "--lockstep") {
        lockstep();
        return;
    }
    // Miri interprets every step, so it gets a short loop; the race is on the first.
    let per_thread: u64 = if cfg!(miri) { 10 } else { 1_000_000 };
    // ANCHOR: race
    // No `unsafe` from here on.
    let lock = SpinLock::new(Cell::new(0u64));
    let guard = lock.lock();
    let g = &guard; // compiles only because Guard<Cell<u64>>: Sync
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(move || {
                for _ in 0..per_thread {
                    g.set(g.get() + 1); // both threads, one Cell
                }
            });
        }
    });
    println!("total = {} of {}", guard.get(), 2 * per_thread);
    // ANCHOR_END: race
}

/// The same hole, with the interleaving fixed instead of left to chance: two
/// threads share one guard, both read the cell, then each writes what it read
/// plus one, in turn. A lock that let one thread in at a time would end at 2.
fn lockstep() {
    let lock = SpinLock::new(Cell::new(0u64));
    let guard = lock.lock();
    let g = &guard;
    let turn = Barrier::new(2);
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                let seen = g.get(); // both read 0
                let first = turn.wait().is_leader();
                if first {
                    g.set(seen + 1);
                }
                turn.wait(); // the first write happens-before the second
                if !first {
                    g.set(seen + 1);
                }
            });
        }
    });
    println!("lockstep: total = {} of 2", guard.get());
}
