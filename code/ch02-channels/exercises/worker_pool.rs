//! Exercise: a worker pool with graceful shutdown.
//!
//! Task: `WorkerPool::new(n)` starts `n` threads that take jobs from one
//! channel and run them. `shutdown` closes the channel by dropping its
//! sender, lets the workers finish every job already queued, joins them and
//! returns how many jobs ran. Dropping the pool does the same (write a
//! `Drop` impl).
//! Goal: `cargo run -- exercises ch02` reports `worker_pool` as passing
//! (100 jobs all run, `n` jobs can run at the same time, nothing queued is
//! lost at shutdown or when the pool is dropped).
//! Time: about 25 minutes.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

type Job = Box<dyn FnOnce() + Send + 'static>;

/// `n` threads that run the jobs given to `execute`. Jobs are taken from the
/// queue in the order given; with `n > 1` they run at the same time and may
/// finish in any order.
pub struct WorkerPool {
    /// `None` once shut down: dropping the sender is what tells the workers
    /// that no more jobs will come.
    jobs: Option<mpsc::Sender<Job>>,
    workers: Vec<JoinHandle<usize>>,
}

impl WorkerPool {
    /// Starts `n` worker threads. Panics if `n` is 0.
    pub fn new(n: usize) -> Self {
        // Hint: std's Receiver has a single owner; share it as
        // Arc<Mutex<mpsc::Receiver<Job>>> and return the job count from
        // each thread.
        let _ = (n, Arc::new(Mutex::new(())), thread::current());
        let _: Option<JoinHandle<usize>> = None;
        WorkerPool { jobs: None, workers: Vec::new() }
    }

    /// Queues `job` to run on one of the workers.
    pub fn execute<F: FnOnce() + Send + 'static>(&self, job: F) {
        let _: Option<&mpsc::Sender<Job>> = self.jobs.as_ref();
        let _ = job;
        todo!("send the boxed job")
    }

    /// Graceful shutdown: no new jobs, every queued job still runs, and the
    /// call returns when all workers have exited. Returns how many jobs ran.
    pub fn shutdown(self) -> usize {
        let _ = self.workers.len();
        todo!("drop the sender, join the workers, add up their counts")
    }
}
