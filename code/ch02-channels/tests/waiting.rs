//! The two ways of waiting in `select-cpu`, checked deterministically: the
//! blocking wait asks the channel once however long it waits; the polling
//! loop keeps asking while nothing is there. The sender waits
//! until the poller has spun 1,000 times, so no sleep is involved.

use ch02_channels::{block_until_message, poll_until_message, primes_below, thread_cpu_time};
use crossbeam::channel::bounded;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

#[test]
fn a_polling_loop_spins_until_the_message_comes() {
    let (tx, rx) = bounded(1);
    let loops = AtomicU64::new(0);
    thread::scope(|s| {
        s.spawn(|| {
            while loops.load(Ordering::Relaxed) < 1000 {
                std::hint::spin_loop();
            }
            tx.send(42).unwrap();
        });
        assert_eq!(poll_until_message(&rx, &loops), Some(42));
    });
    assert!(loops.load(Ordering::Relaxed) >= 1000);
}

#[test]
fn a_blocking_wait_checks_the_channel_once() {
    let (tx, rx) = bounded(0);
    let loops = AtomicU64::new(0);
    thread::scope(|s| {
        s.spawn(|| tx.send("hi").unwrap());
        assert_eq!(block_until_message(&rx, &loops), Some("hi"));
    });
    assert_eq!(loops.load(Ordering::Relaxed), 1);
}

#[test]
fn both_waits_return_none_when_the_channel_closes() {
    let (tx, rx) = bounded::<u8>(0);
    drop(tx);
    let loops = AtomicU64::new(0);
    assert_eq!(block_until_message(&rx, &loops), None);
    assert_eq!(poll_until_message(&rx, &loops), None);
}

#[test]
fn the_generator_stops_when_its_consumer_goes_away() {
    let mut primes = primes_below(u64::MAX).into_iter();
    assert_eq!(primes.by_ref().take(5).collect::<Vec<_>>(), [2, 3, 5, 7, 11]);
    drop(primes); // the producer's next send fails and its thread returns
}

#[test]
fn thread_cpu_time_grows_with_work() {
    let before = thread_cpu_time().unwrap();
    let mut x = 0u64;
    for i in 0..5_000_000u64 {
        x = std::hint::black_box(x.wrapping_add(i * i));
    }
    let after = thread_cpu_time().unwrap();
    assert!(after > before, "5 million loop trips must show up as CPU time: {before:?} -> {after:?}");
}
