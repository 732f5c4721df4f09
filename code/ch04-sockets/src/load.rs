//! A small HTTP load generator, for machines without `wrk`: `conns` threads,
//! each with one keep-alive connection, sending a request, reading the whole
//! response, and again, until the time is up.

use std::io::{self, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use crate::http::ResponseReader;

/// What a load run achieved.
#[derive(Debug, Clone, Copy)]
pub struct LoadResult {
    pub requests: u64,
    pub errors: u64,
    pub elapsed: Duration,
}

impl LoadResult {
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

/// Runs `conns` connections against `addr` for `duration`.
pub fn run(addr: SocketAddr, conns: usize, duration: Duration, gzip: bool) -> LoadResult {
    let request: &'static [u8] = if gzip {
        b"GET / HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip\r\n\r\n"
    } else {
        b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
    };
    let start = Instant::now();
    let end = start + duration;
    let workers: Vec<_> = (0..conns).map(|_| thread::spawn(move || one_connection(addr, request, end))).collect();
    let (mut requests, mut errors) = (0, 0);
    for w in workers {
        // A worker that panicked counts as one error; it cannot in practice.
        let (r, e) = w.join().unwrap_or((0, 1));
        requests += r;
        errors += e;
    }
    LoadResult { requests, errors, elapsed: start.elapsed() }
}

fn one_connection(addr: SocketAddr, request: &[u8], end: Instant) -> (u64, u64) {
    let (mut done, mut errors) = (0, 0);
    while Instant::now() < end {
        match keep_alive_loop(addr, request, end, &mut done) {
            Ok(()) => break,
            Err(_) => errors += 1, // reconnect and go on, like wrk does
        }
    }
    (done, errors)
}

fn keep_alive_loop(addr: SocketAddr, request: &[u8], end: Instant, done: &mut u64) -> io::Result<()> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = ResponseReader::new(stream.try_clone()?);
    while Instant::now() < end {
        stream.write_all(request)?;
        let resp = reader.read_response(false)?;
        if resp.status != 200 {
            return Err(io::Error::other(format!("status {}", resp.status)));
        }
        *done += 1;
    }
    Ok(())
}
