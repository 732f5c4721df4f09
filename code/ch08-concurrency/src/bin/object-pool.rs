//! An object pool, Rust's counterpart of Go's `sync.Pool`: reuse expensive
//! objects (here 64 KiB buffers) instead of allocating one per use.
//!
//! The pool is a `Mutex<Vec<T>>` of idle objects. `get` pops one or makes a new
//! one; the returned guard puts it back when dropped, so a caller cannot forget
//! to return it. Unlike Go's sync.Pool (per-P caches, emptied by the garbage
//! collector), nothing here is dropped behind your back.
//!
//! Run: cargo run -p ch08-concurrency --bin object-pool
//! Look for: the second `get` reuses the first buffer; 4 threads doing 4000
//! uses between them need at most 4 buffers.
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;

const USAGE: &str = "\
usage: object-pool
An object pool of 64 KiB buffers (Go's sync.Pool): a second get reuses the
first buffer; 4 threads doing 4000 uses need at most 4 buffers. No arguments.
";

// ANCHOR: pool
pub struct Pool<T> {
    idle: Mutex<Vec<T>>,
    make: fn() -> T,
    created: AtomicUsize,
}

pub struct Pooled<'a, T> {
    pool: &'a Pool<T>,
    item: Option<T>, // Some until dropped
}

impl<T> Pool<T> {
    pub fn new(make: fn() -> T) -> Self {
        Pool { idle: Mutex::new(Vec::new()), make, created: AtomicUsize::new(0) }
    }

    pub fn get(&self) -> Pooled<'_, T> {
        // The lock is held only for the pop, never while the object is used.
        let reused = self.idle.lock().unwrap().pop();
        let item = reused.unwrap_or_else(|| {
            self.created.fetch_add(1, Ordering::Relaxed);
            (self.make)()
        });
        Pooled { pool: self, item: Some(item) }
    }
}

impl<T> Drop for Pooled<'_, T> {
    fn drop(&mut self) {
        if let Some(item) = self.item.take() {
            self.pool.idle.lock().unwrap().push(item);
        }
    }
}

impl<T> Deref for Pooled<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.item.as_ref().expect("present until drop")
    }
}

impl<T> DerefMut for Pooled<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.item.as_mut().expect("present until drop")
    }
}
// ANCHOR_END: pool

fn main() {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    // ANCHOR: use
    // unwrap() on the pool's lock (above) is fine: no code panics while holding it.
    let pool: Pool<Vec<u8>> = Pool::new(|| Vec::with_capacity(64 * 1024));
    let first_addr = {
        let mut buf = pool.get();
        buf.extend_from_slice(b"request 1");
        buf.as_ptr()
    }; // buf goes back to the pool here
    let mut buf = pool.get();
    println!("second get reuses the first buffer: {}", buf.as_ptr() == first_addr);
    buf.clear(); // a pooled object keeps its old contents: reset it
    drop(buf);

    thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for i in 0..1000u32 {
                    let mut buf = pool.get();
                    buf.clear();
                    buf.extend_from_slice(&i.to_le_bytes());
                }
            });
        }
    });
    let created = pool.created.load(Ordering::Relaxed);
    println!("4 threads x 1000 uses: at most 4 buffers created: {}", created <= 4);
    // ANCHOR_END: use
}
