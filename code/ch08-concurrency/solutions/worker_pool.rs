// Solution: a worker pool with graceful shutdown.
//
// The queue is a crossbeam channel: its Receiver can be cloned, so each worker
// owns one and no Mutex is needed around it. (With std::sync::mpsc the
// Receiver is single-consumer: share it as Arc<Mutex<Receiver<Job>>> and hold
// the lock only for the `recv`, never while running the job.)
// Shutdown is "close, then drain, then join": dropping the only Sender closes
// the channel; `recv` keeps returning the jobs still queued and fails only once
// the queue is empty, so every queued job runs; then `join` waits for each
// worker to finish its last job.
use std::thread::{self, JoinHandle};

use crossbeam::channel::{self, Sender};

type Job = Box<dyn FnOnce() + Send + 'static>;

pub struct ThreadPool {
    jobs: Option<Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
}

impl ThreadPool {
    /// Starts `workers` threads (at least one).
    pub fn new(workers: usize) -> ThreadPool {
        let (tx, rx) = channel::unbounded::<Job>();
        let workers = (0..workers.max(1))
            .map(|_| {
                let rx = rx.clone();
                thread::spawn(move || {
                    // Ends when the channel is closed AND empty.
                    for job in rx.iter() {
                        job();
                    }
                })
            })
            .collect();
        ThreadPool { jobs: Some(tx), workers }
    }

    /// Queues `job` to run on one of the workers.
    pub fn execute<F: FnOnce() + Send + 'static>(&self, job: F) {
        if let Some(jobs) = &self.jobs {
            // send fails only if every worker is gone, which happens only after
            // a job panicked in each of them; dropping the job is all we can do.
            let _ = jobs.send(Box::new(job));
        }
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        drop(self.jobs.take()); // close the queue: workers drain it, then stop
        for worker in self.workers.drain(..) {
            // A worker whose job panicked returns Err; the other workers still
            // get joined, so shutdown stays graceful.
            let _ = worker.join();
        }
    }
}
