// Exercise: the next aligned boundary, with a phase.
//
// Task: `next_boundary` in src/wall.rs finds the next multiple of an interval
// since the Unix epoch (the :00, :05, :10 of a 5 s ticker). Cron-like jobs
// often want a phase too: "every 5 minutes, at 2 minutes past" fires at :02,
// :07, :12 … Return the first instant strictly after `now` that is
// `phase` past a multiple of `interval` (phase < interval).
// Goal: `cargo run -- exercises ch10` reports `aligned_phase` passing.
// Time: about 15 minutes.
#![allow(unused)] // delete this line when you start

use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub fn next_boundary_with_phase(now: SystemTime, interval: Duration, phase: Duration) -> SystemTime {
    todo!("shift by the phase, find the next multiple, shift back")
}
