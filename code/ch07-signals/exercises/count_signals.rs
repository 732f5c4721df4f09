//! Exercise: a signal-counting loop with signalfd.
//!
//! Task: write `count_signals`. Block `counted` and `stop` in the calling
//! thread (`SigSet::thread_block`), open a `nix::sys::signalfd::SignalFd` for
//! them, call `ready()`, then read signals from the fd one at a time, calling
//! `each(signal)` for every one, until `stop` arrives. Return the count of
//! each signal in `counted`, in the same order.
//! Goal: `cargo run -- exercises ch07` reports `count_signals` passing: a child
//! process that gets SIGUSR1, SIGUSR1, SIGUSR2, SIGUSR1, SIGTERM returns [3, 1].
//! Time: about 15 minutes.
#![allow(unused)]

use nix::sys::signal::{SigSet, Signal};

/// Blocks `counted` and `stop`, opens a signalfd for them, calls `ready()`,
/// then reads signals until `stop` arrives, calling `each` for every one.
/// Returns how many of each counted signal arrived, in the order of `counted`.
pub fn count_signals(
    counted: &[Signal],
    stop: Signal,
    ready: impl FnOnce(),
    mut each: impl FnMut(Signal),
) -> nix::Result<Vec<usize>> {
    todo!("block the signals, open a SignalFd, call ready(), read until `stop`")
}
