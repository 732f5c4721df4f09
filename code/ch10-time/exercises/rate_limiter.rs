// Exercise: a deadline-based rate limiter.
//
// Task: allow on average one event per `interval`, with bursts of up to `burst`
// events, without a background thread or a timer. Keep one deadline: the
// "theoretical arrival time" (TAT), when the next event would be due if events
// came exactly one `interval` apart. An event at `now` is allowed if
// TAT <= now + interval * (burst - 1); then TAT = max(TAT, now) + interval.
// Otherwise refuse it and say when it would be allowed. (This is GCRA, the
// generic cell rate algorithm; a token bucket gives the same answers.)
// Time is passed in, so the tests need no sleeping: they make Instants by adding
// Durations to one `start`.
// Goal: `cargo run -- exercises ch10` reports `rate_limiter` passing.
// Time: about 25 minutes.
#![allow(unused)] // delete this line when you start

use std::time::{Duration, Instant};

pub struct RateLimiter {
    // Add the fields you need: the interval, the burst, the TAT.
}

impl RateLimiter {
    /// One event per `interval` on average, up to `burst` (>= 1) at once; the
    /// limiter starts full at `start`.
    pub fn new(interval: Duration, burst: u32, start: Instant) -> Self {
        todo!()
    }

    /// Ok(()) if an event at `now` is allowed (and counts it); otherwise
    /// Err(the earliest Instant at which it would be allowed).
    pub fn check(&mut self, now: Instant) -> Result<(), Instant> {
        todo!()
    }
}
