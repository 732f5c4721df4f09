//! Shared pieces of the chapter 10 examples (time): the SNTP packet, client and
//! server ([`sntp`]), measuring how late a sleep or a timer wakes ([`lateness`]),
//! wall-clock helpers for the aligned ticker ([`wall`]), and the exercise wiring.

pub mod lateness;
pub mod sntp;
pub mod wall;

/// The reader's files, stubs until solved. Always compiled, so they must build.
#[path = "../exercises"]
pub mod exercises {
    pub mod ntp_era;
    pub mod clock_filter;
    pub mod rate_limiter;
    pub mod aligned_phase;
}

/// Reference answers.
#[path = "../solutions"]
pub mod solutions {
    pub mod ntp_era;
    pub mod clock_filter;
    pub mod rate_limiter;
    pub mod aligned_phase;
}

#[cfg(not(feature = "check-exercises"))]
pub use solutions as answers;
#[cfg(feature = "check-exercises")]
pub use exercises as answers;
