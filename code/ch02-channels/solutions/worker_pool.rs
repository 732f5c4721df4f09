//! Exercise: a worker pool with graceful shutdown.
//! Reference solution. Check it with `cargo run -- exercises ch02`.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

type Job = Box<dyn FnOnce() + Send + 'static>;

/// `n` threads that run the jobs given to `execute`. Jobs are taken from the
/// queue in the order given; with `n > 1` they run at the same time and may
/// finish in any order.
///
/// A job that panics kills the worker running it: the panic message is
/// printed, that worker's count is lost (`shutdown` counts it as 0), and the
/// pool has one worker fewer. If every worker has died, the shared receiver
/// is gone and `execute` panics. A pool for real use would run each job under
/// `std::panic::catch_unwind` or start a new worker; this exercise keeps the
/// pool small and leaves that out.
pub struct WorkerPool {
    /// `None` once shut down: dropping the sender is what tells the workers
    /// that no more jobs will come.
    jobs: Option<mpsc::Sender<Job>>,
    workers: Vec<JoinHandle<usize>>,
}

impl WorkerPool {
    /// Starts `n` worker threads. Panics if `n` is 0.
    pub fn new(n: usize) -> Self {
        assert!(n > 0, "a pool needs at least one worker");
        let (tx, rx) = mpsc::channel::<Job>();
        // std's Receiver has one owner; the workers share it through a
        // Mutex and take turns to wait on it.
        let rx = Arc::new(Mutex::new(rx));
        let workers = (0..n)
            .map(|_| {
                let rx = Arc::clone(&rx);
                thread::spawn(move || {
                    let mut ran = 0;
                    loop {
                        // The guard is a temporary of this statement, so the
                        // lock is released before the job runs.
                        let job = rx.lock().unwrap().recv();
                        match job {
                            Ok(job) => {
                                job();
                                ran += 1;
                            }
                            Err(_) => return ran, // closed and drained
                        }
                    }
                })
            })
            .collect();
        WorkerPool { jobs: Some(tx), workers }
    }

    /// Queues `job` to run on one of the workers.
    pub fn execute<F: FnOnce() + Send + 'static>(&self, job: F) {
        if let Some(tx) = &self.jobs {
            // The receiver lives while any worker does; workers stop after
            // `jobs` is dropped, or when a job panics (see the type's doc).
            tx.send(Box::new(job)).expect("every worker has died: a job panicked");
        }
    }

    /// Graceful shutdown: no new jobs, every queued job still runs, and the
    /// call returns when all workers have exited. Returns how many jobs ran.
    pub fn shutdown(mut self) -> usize {
        self.stop()
    }

    fn stop(&mut self) -> usize {
        drop(self.jobs.take()); // close the queue
        self.workers.drain(..).map(|w| w.join().unwrap_or(0)).sum()
    }
}

impl Drop for WorkerPool {
    /// Dropping the pool shuts it down gracefully too.
    fn drop(&mut self) {
        self.stop();
    }
}
