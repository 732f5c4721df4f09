// Solution: a deadline-based rate limiter (see exercises/rate_limiter.rs).

use std::time::{Duration, Instant};

pub struct RateLimiter {
    interval: Duration,
    /// How far ahead of `now` the TAT may run: interval * (burst - 1).
    tolerance: Duration,
    /// Theoretical arrival time of the next event.
    tat: Instant,
}

impl RateLimiter {
    /// One event per `interval` on average, up to `burst` (>= 1) at once; the
    /// limiter starts full at `start`.
    pub fn new(interval: Duration, burst: u32, start: Instant) -> Self {
        assert!(burst >= 1, "a burst of 0 would refuse everything");
        RateLimiter { interval, tolerance: interval * (burst - 1), tat: start }
    }

    /// Ok(()) if an event at `now` is allowed (and counts it); otherwise
    /// Err(the earliest Instant at which it would be allowed).
    pub fn check(&mut self, now: Instant) -> Result<(), Instant> {
        let tat = self.tat.max(now); // an idle limiter does not save up beyond `burst`
        let limit = now + self.tolerance;
        if tat <= limit {
            self.tat = tat + self.interval;
            Ok(())
        } else {
            Err(now + (tat - limit))
        }
    }
}
