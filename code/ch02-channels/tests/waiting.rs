//! The two ways of waiting in `select-cpu`: the blocking wait sleeps and uses
//! almost no CPU however long it waits; the polling loop keeps asking while
//! nothing is there (checked without a clock: the sender waits until the
//! poller has spun 1,000 times, or 10 s if it never does).

use ch02_channels::{block_until_message, poll_until_message, send_primes, thread_cpu_time};
use crossbeam::channel::bounded;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

#[test]
fn a_polling_loop_spins_until_the_message_comes() {
    let (tx, rx) = bounded(1);
    let loops = AtomicU64::new(0);
    thread::scope(|s| {
        s.spawn(|| {
            // Send once the poller has checked 1,000 times; if it never does
            // (a wait that blocks, or stops counting), send after 10 s anyway
            // so the test fails below instead of hanging.
            let give_up = Instant::now() + Duration::from_secs(10);
            while loops.load(Ordering::Relaxed) < 1000 && Instant::now() < give_up {
                std::hint::spin_loop();
            }
            tx.send(42).unwrap();
        });
        assert_eq!(poll_until_message(&rx, &loops), Some(42));
    });
    let n = loops.load(Ordering::Relaxed);
    assert!(n >= 1000, "the poller checked the channel {n} times in 10 s before the message came");
}

/// The blocking wait sleeps: while the sender takes 300 ms, the waiting
/// thread uses only the CPU of its short spin-and-yield phase and the wake-up
/// (tens of microseconds), far below the 30 ms allowed here. A wait that
/// polled would use most of the 300 ms (the test fails with
/// `poll_until_message` in its place).
#[test]
fn a_blocking_wait_sleeps_instead_of_spinning() {
    let (tx, rx) = bounded(1);
    thread::scope(|s| {
        s.spawn(move || {
            thread::sleep(Duration::from_millis(300));
            tx.send("hi").unwrap();
        });
        let before = thread_cpu_time().unwrap();
        assert_eq!(block_until_message(&rx), Some("hi"));
        let used = thread_cpu_time().unwrap() - before;
        assert!(used < Duration::from_millis(30), "a blocking wait used {used:?} of CPU in 300 ms");
    });
}

#[test]
fn both_waits_return_none_when_the_channel_closes() {
    let (tx, rx) = bounded::<u8>(0);
    drop(tx);
    let loops = AtomicU64::new(0);
    assert_eq!(block_until_message(&rx), None);
    assert_eq!(poll_until_message(&rx, &loops), None);
}

/// The producer thread of `primes_below` must return once its consumer is
/// gone; otherwise it runs on over `2..u64::MAX` in the background for ever.
/// The test runs the same producer, `send_primes`, on a thread it can join,
/// and fails if joining takes more than 10 s.
#[test]
fn the_generator_stops_when_its_consumer_goes_away() {
    let (tx, rx) = mpsc::sync_channel(0);
    let producer = thread::spawn(move || send_primes(u64::MAX, tx));
    assert_eq!(rx.iter().take(5).collect::<Vec<_>>(), [2, 3, 5, 7, 11]);
    drop(rx); // the producer's next send fails and its thread returns
    let (done_tx, done) = mpsc::channel();
    thread::spawn(move || done_tx.send(producer.join().is_ok()));
    match done.recv_timeout(Duration::from_secs(10)) {
        Ok(ok) => assert!(ok, "the producer panicked"),
        Err(_) => panic!("the producer is still running 10 s after its receiver was dropped"),
    }
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

/// `select!` counts a disconnected channel as ready, so once the worker has
/// sent everything and dropped its senders, the `data` arm can be picked with
/// `Err(RecvError)` while `quit` still holds its message. Run the page's loop
/// many times so that interleaving turns up (it did in about a quarter of the
/// runs: 442 to 502 of 2,000).
#[test]
fn select_sum_survives_a_disconnected_data_channel() {
    for run in 0..2_000 {
        assert_eq!(ch02_channels::sum_until_quit(), 6, "run {run}");
    }
}
