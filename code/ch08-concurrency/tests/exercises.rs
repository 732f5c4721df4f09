//! One set of tests for each exercise, run against `answers`: the reference
//! solutions by default, the reader's files with `--features check-exercises`
//! (`cargo run -- exercises ch08`).

mod wait_group {
    use ch08_concurrency::answers::wait_group::WaitGroup;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::thread;

    #[test]
    fn wait_returns_after_every_thread_called_done() {
        let wg = WaitGroup::new();
        let finished = AtomicUsize::new(0);
        thread::scope(|s| {
            wg.add(8);
            for _ in 0..8 {
                s.spawn(|| {
                    finished.fetch_add(1, Ordering::Relaxed);
                    wg.done();
                });
            }
            wg.wait();
            // Every done() came after its thread's increment, and wait()
            // returned only after the last done(): all eight are counted.
            assert_eq!(finished.load(Ordering::Relaxed), 8);
        });
    }

    #[test]
    fn wait_at_zero_returns_at_once_and_the_group_is_reusable() {
        let wg = WaitGroup::new();
        wg.wait();
        for round in 1..=3 {
            wg.add(round);
            thread::scope(|s| {
                for _ in 0..round {
                    s.spawn(|| wg.done());
                }
                wg.wait();
            });
        }
        wg.wait();
    }

    #[test]
    #[cfg_attr(miri, ignore = "reads /proc, which Miri's isolation forbids and its threads lack")]
    fn waiting_blocks_until_the_last_done() {
        let wg = WaitGroup::new();
        wg.add(1);
        let waited = AtomicUsize::new(0);
        let (tid_tx, tid_rx) = std::sync::mpsc::channel();
        thread::scope(|s| {
            s.spawn(|| {
                tid_tx.send(ch08_concurrency::gettid()).unwrap();
                wg.wait();
                waited.store(1, Ordering::SeqCst);
            });
            // The waiter is observed asleep in the kernel before we call done.
            let slept = ch08_concurrency::wait_until_sleeping(tid_rx.recv().unwrap());
            let early = waited.load(Ordering::SeqCst);
            // done() before asserting: a failed assert inside the scope would
            // otherwise wait forever for a waiter that spins.
            wg.done();
            if let Err(e) = slept {
                panic!("wait() never blocked: {e}");
            }
            assert_eq!(early, 0, "wait() returned while the count was 1");
        });
        assert_eq!(waited.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn done_below_zero_panics() {
        let wg = WaitGroup::new();
        wg.add(1);
        wg.done();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| wg.done()));
        assert!(result.is_err(), "done() at zero did not panic");
    }
}

mod worker_pool {
    use ch08_concurrency::answers::worker_pool::ThreadPool;
    use std::collections::HashSet;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    #[test]
    fn every_queued_job_runs_before_drop_returns() {
        let done = Arc::new(AtomicUsize::new(0));
        let pool = ThreadPool::new(3);
        for _ in 0..200 {
            let done = Arc::clone(&done);
            pool.execute(move || {
                done.fetch_add(1, Ordering::Relaxed);
            });
        }
        drop(pool);
        assert_eq!(done.load(Ordering::Relaxed), 200);
    }

    #[test]
    fn jobs_run_on_at_most_n_worker_threads_not_the_caller() {
        let ids = Arc::new(Mutex::new(HashSet::new()));
        let pool = ThreadPool::new(2);
        for _ in 0..50 {
            let ids = Arc::clone(&ids);
            pool.execute(move || {
                ids.lock().unwrap().insert(std::thread::current().id());
            });
        }
        drop(pool);
        let ids = ids.lock().unwrap();
        assert!(!ids.is_empty() && ids.len() <= 2, "jobs ran on {} threads", ids.len());
        assert!(!ids.contains(&std::thread::current().id()), "a job ran on the caller's thread");
    }

    #[test]
    fn a_pool_without_jobs_shuts_down() {
        drop(ThreadPool::new(4));
    }
}

mod relaxed_counter {
    use ch08_concurrency::answers::relaxed_counter::Counter;
    use std::thread;

    #[test]
    fn four_threads_count_every_event() {
        let counter = Counter::new();
        thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..25_000 {
                        counter.increment();
                    }
                });
            }
        });
        assert_eq!(counter.get(), 100_000);
    }

    #[test]
    fn increment_returns_the_previous_count() {
        let counter = Counter::new();
        assert_eq!(counter.increment(), 0);
        assert_eq!(counter.increment(), 1);
        assert_eq!(counter.get(), 2);
    }

    #[test]
    fn record_max_keeps_the_largest_value_from_all_threads() {
        let counter = Counter::new();
        assert_eq!(counter.max(), 0);
        thread::scope(|s| {
            for t in 0..4u64 {
                let counter = &counter;
                s.spawn(move || {
                    // Thread t records t, t+4, t+8, … in a scrambled order.
                    for i in 0..5_000u64 {
                        counter.record_max((i * 7919 % 5_000) * 4 + t);
                    }
                });
            }
        });
        assert_eq!(counter.max(), 4_999 * 4 + 3);
        counter.record_max(5);
        assert_eq!(counter.max(), 4_999 * 4 + 3, "a smaller value lowered the maximum");
    }
}

mod semaphore {
    use ch08_concurrency::answers::semaphore::Semaphore;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::thread;

    #[test]
    fn never_more_holders_than_permits() {
        let sem = Semaphore::new(2);
        let inside = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for _ in 0..200 {
                        let _permit = sem.acquire();
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        thread::yield_now();
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                });
            }
        });
        assert!(most.load(Ordering::SeqCst) <= 2, "{} holders at once", most.load(Ordering::SeqCst));
        assert_eq!(sem.available(), 2);
    }

    #[test]
    #[cfg_attr(miri, ignore = "reads /proc, which Miri's isolation forbids and its threads lack")]
    fn acquire_blocks_until_a_permit_is_released() {
        let sem = Semaphore::new(1);
        let first = sem.acquire();
        assert_eq!(sem.available(), 0);
        let got = AtomicUsize::new(0);
        let (tid_tx, tid_rx) = std::sync::mpsc::channel();
        thread::scope(|s| {
            s.spawn(|| {
                tid_tx.send(ch08_concurrency::gettid()).unwrap();
                let _p = sem.acquire();
                got.store(1, Ordering::SeqCst);
            });
            let slept = ch08_concurrency::wait_until_sleeping(tid_rx.recv().unwrap());
            let early = got.load(Ordering::SeqCst);
            // Release before asserting, so a spinning acquire() can finish and
            // the scope can join it.
            drop(first);
            if let Err(e) = slept {
                panic!("acquire() never blocked: {e}");
            }
            assert_eq!(early, 0, "acquire() succeeded with no permit free");
        });
        assert_eq!(got.load(Ordering::SeqCst), 1);
        assert_eq!(sem.available(), 1);
    }
}
