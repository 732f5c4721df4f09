//! Solution: count signals by reading them from a signalfd.

use nix::sys::signal::{SigSet, Signal};
use nix::sys::signalfd::SignalFd;

// ANCHOR: count
/// Blocks `counted` and `stop` in the calling thread, opens a signalfd for
/// them, calls `ready()`, then reads signals one by one, calling `each` for
/// each, until `stop` arrives. Returns how many of each counted signal
/// arrived, in the order of `counted`.
pub fn count_signals(
    counted: &[Signal],
    stop: Signal,
    ready: impl FnOnce(),
    mut each: impl FnMut(Signal),
) -> nix::Result<Vec<usize>> {
    let mut mask = SigSet::empty();
    for &signal in counted {
        mask.add(signal);
    }
    mask.add(stop);
    // Blocked signals stay pending instead of running a handler or the
    // default action; the signalfd is how we collect them.
    mask.thread_block()?;
    let fd = SignalFd::new(&mask)?;
    ready();
    let mut counts = vec![0; counted.len()];
    loop {
        // A blocking signalfd never returns None; loop anyway.
        let Some(info) = fd.read_signal()? else {
            continue;
        };
        let signal = Signal::try_from(info.ssi_signo as i32)?;
        each(signal);
        if signal == stop {
            return Ok(counts);
        }
        if let Some(i) = counted.iter().position(|&c| c == signal) {
            counts[i] += 1;
        }
    }
}
// ANCHOR_END: count
