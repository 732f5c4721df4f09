// Exercise: a worker pool with graceful shutdown.
//
// Task: `ThreadPool::new(n)` starts n worker threads that take boxed jobs from
// one shared queue (a `std::sync::mpsc` channel whose Receiver sits in an
// `Arc<Mutex<_>>`, or a `crossbeam::channel`, whose Receiver can be cloned).
// `execute(job)` queues a job. Dropping the pool is the graceful shutdown: no
// new jobs, every queued job still runs, every worker is joined before `drop`
// returns.
// Goal: `cargo run -- exercises ch08` reports `worker_pool` passing: 200 queued
// jobs all run before drop returns, on at most n distinct threads, and a pool
// with no jobs shuts down at once.
// Time: about 30 minutes.
#![allow(unused)] // delete this line when you start

use std::thread::JoinHandle;

type Job = Box<dyn FnOnce() + Send + 'static>;

pub struct ThreadPool {
    // The sending half of the job queue (an Option, so Drop can take it and
    // close the queue) and the workers' JoinHandles.
}

impl ThreadPool {
    /// Starts `workers` threads (at least one).
    pub fn new(workers: usize) -> ThreadPool {
        todo!("create the queue, spawn the workers: each loops receiving jobs until the queue is closed")
    }

    /// Queues `job` to run on one of the workers.
    pub fn execute<F: FnOnce() + Send + 'static>(&self, job: F) {
        todo!()
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        todo!("close the queue (drop the sender), then join every worker")
    }
}
