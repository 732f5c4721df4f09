//! Memory ordering: publishing data from one thread to another with a
//! Release store and an Acquire load, then the same with explicit fences, then
//! compare-and-swap handing out unique ids.
//!
//! The writer fills `data`, four plain `u64`s (no atomics: ordinary stores with
//! no ordering of their own), and then sets `ready` with Release. A reader that
//! sees `ready == true` with an Acquire load is guaranteed to see every write
//! made before the Release: neither the compiler nor the CPU may move them after
//! it. Without that pair (both Relaxed) the reader could see the flag but stale
//! data on a weakly ordered CPU (ARM, POWER); on x86 the compiler may still
//! reorder; and for the language it is a data race, which Miri reports.
//!
//! Run: cargo run -p ch08-concurrency --bin atomics-publish
//! Look for: the reader always sees all 4 values; 4 threads x 300 attempts get
//! ids 1..=1000, each exactly once.
//! Check: cargo +nightly miri run -p ch08-concurrency --bin atomics-publish
use std::cell::UnsafeCell;
use std::collections::HashSet;
use std::sync::atomic::{fence, AtomicBool, AtomicU64, Ordering};
use std::thread;

const USAGE: &str = "\
usage: atomics-publish
Publishes four values from one thread to another with a Release store and an
Acquire load, then with explicit fences, then hands out ids 1..=1000 to four
threads with compare-and-swap. No arguments.
";

// ANCHOR: publish
/// Plain data handed from one writer to readers through a flag.
struct Mailbox {
    data: UnsafeCell<[u64; 4]>,
    ready: AtomicBool,
}

// SAFETY: `publish` below is the only code that touches `data`: one writer
// writes it before its Release store of `ready`, readers read it only after an
// Acquire load saw `true`. The write happens-before every read: no data race.
unsafe impl Sync for Mailbox {}

fn publish() -> [u64; 4] {
    let mailbox = &Mailbox { data: UnsafeCell::new([0; 4]), ready: AtomicBool::new(false) };
    thread::scope(|s| {
        // `move` copies the `&Mailbox` into each thread (not a `&UnsafeCell` field).
        s.spawn(move || {
            // SAFETY: we are the only writer, and no reader looks before `ready`.
            let data = unsafe { &mut *mailbox.data.get() };
            for (i, slot) in data.iter_mut().enumerate() {
                *slot = (i as u64 + 1) * 100; // plain stores
            }
            mailbox.ready.store(true, Ordering::Release); // everything above happens-before...
        });
        let reader = s.spawn(move || {
            while !mailbox.ready.load(Ordering::Acquire) {
                std::hint::spin_loop();
            }
            // ...everything after the Acquire load that saw `true`.
            // SAFETY: the writer's stores happen-before this read (see above).
            unsafe { *mailbox.data.get() }
        });
        reader.join().expect("reader panicked")
    })
}
// ANCHOR_END: publish

// ANCHOR: fences
static VALUE: AtomicU64 = AtomicU64::new(0);
static FLAG: AtomicBool = AtomicBool::new(false);

/// The same guarantee with the ordering moved into fences: a Release fence
/// before a relaxed store pairs with an Acquire fence after a relaxed load.
fn publish_with_fences() -> u64 {
    thread::scope(|s| {
        s.spawn(|| {
            VALUE.store(42, Ordering::Relaxed);
            fence(Ordering::Release);
            FLAG.store(true, Ordering::Relaxed);
        });
        s.spawn(|| {
            while !FLAG.load(Ordering::Relaxed) {
                std::hint::spin_loop();
            }
            fence(Ordering::Acquire);
            VALUE.load(Ordering::Relaxed)
        })
        .join()
        .expect("reader panicked")
    })
}
// ANCHOR_END: fences

// ANCHOR: cas
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Hands out ids 1..=1000 and never more: fetch_add alone would run past the
/// limit, so this is a compare-and-swap loop.
fn allocate_id() -> Option<u64> {
    let mut id = NEXT_ID.load(Ordering::Relaxed);
    loop {
        if id > 1000 {
            return None;
        }
        match NEXT_ID.compare_exchange_weak(id, id + 1, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return Some(id),
            Err(current) => id = current, // someone else took `id`: try the next
        }
    }
}
// ANCHOR_END: cas

fn main() {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    println!("reader saw {:?}", publish());
    println!("reader after the fences saw {}", publish_with_fences());
    let ids: Vec<u64> = thread::scope(|s| {
        let hs: Vec<_> = (0..4)
            .map(|_| s.spawn(|| (0..300).filter_map(|_| allocate_id()).collect::<Vec<_>>()))
            .collect();
        hs.into_iter().flat_map(|h| h.join().expect("thread panicked")).collect()
    });
    let unique: HashSet<_> = ids.iter().collect();
    println!("{} ids handed out, {} unique, largest {:?}", ids.len(), unique.len(), ids.iter().max());
}
