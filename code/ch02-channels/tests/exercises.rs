//! One set of tests for each exercise, run against `answers::<ex>`: the
//! reference solutions by default, the reader's files with
//! `--features check-exercises` (what `cargo run -- exercises ch02` does).
//! A broken answer may deadlock instead of failing, so each test runs its
//! body under `within`, which fails after a generous limit instead of hanging.
//! The tests that count the process's threads run in a process of their own
//! (`in_own_process`), where no other test starts or ends threads meanwhile.

use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Runs `f` on a thread and fails the test if it does not finish in 30 s.
fn within<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(v) => v,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what}: did not finish in 30 s (deadlock?)"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what}: panicked (see above)"),
    }
}

/// The number of threads in this process: the `Threads:` line of
/// /proc/self/status (proc(5)).
fn threads_now() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").expect("reading /proc/self/status");
    let line = status.lines().find_map(|l| l.strip_prefix("Threads:")).expect("a Threads: line");
    line.trim().parse().expect("Threads: is a number")
}

/// Waits up to 2 s for the thread count to come back down to `before`: a
/// joined thread has left its code, but the kernel removes it from the count
/// a moment later. Fails with `what` if threads are still running after that.
fn threads_come_back_to(before: usize, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let now = threads_now();
        if now <= before {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: {now} threads still running 2 s later, {before} before");
        thread::sleep(Duration::from_millis(10));
    }
}

/// Thread counts mean nothing while other tests run beside this one, so the
/// test `name` (its full path, `module::test`) runs again, alone, in a child
/// process of this test binary, which fails this test if it fails, takes
/// more than 30 s, or does not run exactly that one test (a name that matches
/// nothing). Returns true in that child: the caller then runs its body.
fn in_own_process(name: &str) -> bool {
    const MARK: &str = "CH02_EXERCISE_TEST_ALONE";
    if std::env::var_os(MARK).is_some() {
        return true;
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut child = Command::new(exe)
        .args([name, "--exact", "--test-threads=1"])
        .env(MARK, "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting the test binary again");
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().expect("waiting for the child").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{name}: did not finish in 30 s in its own process (deadlock?)");
        }
        thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("reading the child's output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{name}, run alone, failed:\n{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // `--exact` with a name that matches nothing runs nothing and succeeds.
    assert!(
        stdout.contains(&format!("test {name} ... ok")) && stdout.contains(" 1 passed;"),
        "{name}: the child process ran no test of that name (renamed or moved? \
         update the string passed to in_own_process):\n{stdout}"
    );
    false
}

/// A test renamed or moved without its `in_own_process` string would match
/// no test in the child, which then passes with "0 passed": the body would
/// never run and the parent would pass anyway. `in_own_process` must refuse.
#[test]
#[should_panic(expected = "ran no test of that name")]
fn in_own_process_fails_when_its_name_matches_no_test() {
    in_own_process("no_such_module::no_such_test");
}

mod bounded_queue {
    use super::within;
    use ch02_channels::answers::bounded_queue::BoundedQueue;
    use std::sync::Arc;
    use std::thread;

    #[test]
    fn items_come_out_in_the_order_they_went_in() {
        within("fifo", || {
            let q = BoundedQueue::new(3);
            q.send('a');
            q.send('b');
            q.send('c');
            assert_eq!(q.len(), 3);
            assert_eq!([q.recv(), q.recv(), q.recv()], ['a', 'b', 'c']);
            assert!(q.is_empty());
        });
    }

    #[test]
    fn try_send_refuses_when_full_and_try_recv_when_empty() {
        within("try", || {
            let q = BoundedQueue::new(2);
            assert_eq!(q.try_recv(), None);
            assert_eq!(q.try_send(1), Ok(()));
            assert_eq!(q.try_send(2), Ok(()));
            assert_eq!(q.try_send(3), Err(3), "a full queue must give the item back");
            assert_eq!(q.try_recv(), Some(1));
            assert_eq!(q.try_send(3), Ok(()));
            assert_eq!(q.len(), 2);
        });
    }

    #[test]
    fn ten_thousand_items_pass_through_a_queue_of_two_in_order() {
        within("producer/consumer", || {
            let q = Arc::new(BoundedQueue::new(2));
            let producer = {
                let q = Arc::clone(&q);
                thread::spawn(move || {
                    for i in 0..10_000u32 {
                        q.send(i);
                        assert!(q.len() <= 2, "the queue holds more than its capacity");
                    }
                })
            };
            for i in 0..10_000u32 {
                assert!(q.len() <= 2, "the queue holds more than its capacity");
                assert_eq!(q.recv(), i);
            }
            producer.join().unwrap();
            assert!(q.is_empty());
        });
    }

    #[test]
    fn a_blocked_sender_is_woken_by_a_recv() {
        within("wake-up", || {
            let q = Arc::new(BoundedQueue::new(1));
            q.send(0);
            // The queue is full: this send can only finish after our recv.
            let sender = {
                let q = Arc::clone(&q);
                thread::spawn(move || q.send(1))
            };
            assert_eq!(q.recv(), 0);
            assert_eq!(q.recv(), 1);
            sender.join().unwrap();
        });
    }

    #[test]
    fn many_senders_and_receivers_lose_nothing() {
        within("4 senders, 4 receivers", || {
            let q = Arc::new(BoundedQueue::new(4));
            thread::scope(|s| {
                for t in 0..4u64 {
                    let q = &q;
                    s.spawn(move || (0..1000).for_each(|i| q.send(t * 1000 + i)));
                }
                let sums: Vec<_> = (0..4)
                    .map(|_| {
                        let q = &q;
                        s.spawn(move || (0..1000).map(|_| q.recv()).sum::<u64>())
                    })
                    .collect();
                let total: u64 = sums.into_iter().map(|h| h.join().unwrap()).sum();
                assert_eq!(total, (0..4000u64).sum());
            });
        });
    }
}

mod pipeline {
    use super::within;
    use ch02_channels::answers::pipeline::find_first;
    use ch02_channels::is_prime;

    fn multiple_of_7(n: u64) -> bool {
        n.is_multiple_of(7)
    }

    #[test]
    fn one_worker_finds_exactly_the_first_matches() {
        let got = within("1 worker", || find_first(1, 10, multiple_of_7));
        assert_eq!(got, vec![7, 14, 21, 28, 35, 42, 49, 56, 63, 70]);
    }

    #[test]
    fn four_workers_find_distinct_sorted_matches_and_stop() {
        let got = within("4 workers", || find_first(4, 500, is_prime));
        assert_eq!(got.len(), 500);
        assert!(got.iter().all(|&n| is_prime(n)), "every result passes `keep`");
        assert!(got.windows(2).all(|w| w[0] < w[1]), "sorted and distinct: {got:?}");
    }

    #[test]
    fn asking_for_nothing_cancels_at_once() {
        let got = within("want = 0", || find_first(3, 0, is_prime));
        assert!(got.is_empty());
    }

    #[test]
    fn fifty_pipelines_leave_no_thread_running() {
        // Each call must stop and join its own threads before it returns. A
        // pipeline that forgets leaves its generator and workers running (or
        // blocked) after the call: 50 calls, 150 threads left behind.
        if !super::in_own_process("pipeline::fifty_pipelines_leave_no_thread_running") {
            return;
        }
        let before = super::threads_now();
        for want in 0..50 {
            assert_eq!(find_first(2, want, multiple_of_7).len(), want);
        }
        super::threads_come_back_to(before, "50 calls of find_first returned");
    }
}

mod worker_pool {
    use super::within;
    use ch02_channels::answers::worker_pool::WorkerPool;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{mpsc, Arc, Barrier};

    #[test]
    fn every_job_runs_before_shutdown_returns() {
        within("100 jobs", || {
            let pool = WorkerPool::new(4);
            let count = Arc::new(AtomicUsize::new(0));
            for _ in 0..100 {
                let count = Arc::clone(&count);
                pool.execute(move || {
                    count.fetch_add(1, Ordering::SeqCst);
                });
            }
            assert_eq!(pool.shutdown(), 100, "shutdown returns the number of jobs run");
            assert_eq!(count.load(Ordering::SeqCst), 100);
        });
    }

    #[test]
    fn n_workers_run_n_jobs_at_the_same_time() {
        // Each job waits at a barrier for all three: this finishes only if the
        // three jobs really run at once, on three different workers.
        within("3 jobs meeting at a barrier", || {
            let pool = WorkerPool::new(3);
            let barrier = Arc::new(Barrier::new(3));
            let (tx, rx) = mpsc::channel();
            for i in 0..3 {
                let (barrier, tx) = (Arc::clone(&barrier), tx.clone());
                pool.execute(move || {
                    barrier.wait();
                    tx.send(i).unwrap();
                });
            }
            drop(tx);
            assert_eq!(pool.shutdown(), 3);
            let mut got: Vec<i32> = rx.iter().collect();
            got.sort();
            assert_eq!(got, vec![0, 1, 2]);
        });
    }

    #[test]
    fn dropping_the_pool_runs_the_queued_jobs_and_stops_the_workers() {
        // No `shutdown` here: `drop` must do the same. Each job takes 5 ms, so
        // with 2 workers most of the 10 are still queued when `drop` starts.
        if !super::in_own_process("worker_pool::dropping_the_pool_runs_the_queued_jobs_and_stops_the_workers") {
            return;
        }
        // Each worker's last act is to run its thread-locals' destructors,
        // after its loop has returned. This one takes 200 ms, and join waits
        // for it (join returns once the thread has ended). A `drop` that
        // only waits for the jobs, or for a "done" message, and does not join
        // the workers returns while they are still in it.
        static STARTED: AtomicUsize = AtomicUsize::new(0);
        static EXITED: AtomicUsize = AtomicUsize::new(0);
        struct LastAct;
        impl Drop for LastAct {
            fn drop(&mut self) {
                std::thread::sleep(std::time::Duration::from_millis(200));
                EXITED.fetch_add(1, Ordering::SeqCst);
            }
        }
        thread_local! {
            static LAST_ACT: LastAct = {
                STARTED.fetch_add(1, Ordering::SeqCst);
                LastAct
            };
        }
        let before = super::threads_now();
        let count = Arc::new(AtomicUsize::new(0));
        let pool = WorkerPool::new(2);
        for _ in 0..10 {
            let count = Arc::clone(&count);
            pool.execute(move || {
                LAST_ACT.with(|_| ()); // this worker will run LastAct::drop as it ends
                std::thread::sleep(std::time::Duration::from_millis(5));
                count.fetch_add(1, Ordering::SeqCst);
            });
        }
        drop(pool);
        assert_eq!(count.load(Ordering::SeqCst), 10, "drop returned before every queued job had run");
        let (started, exited) = (STARTED.load(Ordering::SeqCst), EXITED.load(Ordering::SeqCst));
        assert!(started > 0, "no job ran on a worker thread");
        assert_eq!(exited, started, "drop returned before the workers had ended: it must join them");
        super::threads_come_back_to(before, "the pool was dropped");
    }

    #[test]
    fn jobs_still_queued_at_shutdown_are_not_lost() {
        within("queued jobs", || {
            let pool = WorkerPool::new(1);
            let (tx, rx) = mpsc::channel();
            // The first job holds the only worker until we let it go, so the
            // other 9 queue up behind it. They are usually still queued when
            // shutdown starts (the worker must first wake from `wait.recv()`),
            // which is the case this test is about; if the worker drains them
            // first, the test checks an ordinary shutdown instead.
            let (release, wait) = mpsc::channel::<()>();
            pool.execute(move || wait.recv().unwrap());
            for i in 0..9 {
                let tx = tx.clone();
                pool.execute(move || tx.send(i).unwrap());
            }
            drop(tx);
            release.send(()).unwrap();
            assert_eq!(pool.shutdown(), 10);
            assert_eq!(rx.iter().collect::<Vec<_>>(), (0..9).collect::<Vec<_>>());
        });
    }
}
