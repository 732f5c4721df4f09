//! Go's time.Tick and time.After as crossbeam channels: `tick` delivers an
//! Instant every period, `after` delivers one Instant once, and `select!`
//! waits for whichever comes first.
//!
//! Run: cargo run -p ch10-time --bin tick-after
//!
//! Look for: five ticks, then the timeout; then a receive that gives up after
//! 50 ms because nothing was sent. No thread is started for either timer: the
//! receiving thread itself sleeps until the next deadline.
use crossbeam::channel::{after, bounded, select, select_biased, tick};
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: tick-after
Go's time.Tick and time.After as crossbeam channels: five ticks every 40 ms,
then the timeout; then a receive that gives up after 50 ms.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    // ANCHOR: ticker
    let start = Instant::now();
    let ticker = tick(Duration::from_millis(40)); // like Go's time.Tick(40 * time.Millisecond)
    let timeout = after(Duration::from_millis(220)); // like Go's time.After(220 * time.Millisecond)
    let mut ticks = 0;
    loop {
        // Biased: if a tick and the timeout are both ready, take the tick first.
        select_biased! {
            recv(ticker) -> due => {
                ticks += 1;
                // The message is the Instant the tick was due; we are a little later.
                let due = due.expect("a tick channel never disconnects");
                println!("tick {ticks} at {:.1?} ({:.1?} after it was due)", start.elapsed(), due.elapsed());
            }
            recv(timeout) -> _ => {
                println!("timeout at {:.1?} after {ticks} ticks", start.elapsed());
                break;
            }
        }
    }
    // ANCHOR_END: ticker

    // ANCHOR: timeout
    // A receive with a deadline: "a reply, or give up after 50 ms".
    let (_keep_sender, replies) = bounded::<String>(1); // nobody will ever send
    let start = Instant::now();
    select! {
        recv(replies) -> reply => println!("got {reply:?}"),
        recv(after(Duration::from_millis(50))) -> _ => println!("no reply; gave up after {:.1?}", start.elapsed()),
    }
    // The same without a channel for the timer:
    match replies.recv_timeout(Duration::from_millis(50)) {
        Ok(reply) => println!("got {reply}"),
        Err(e) => println!("recv_timeout: {e}"),
    }
    // ANCHOR_END: timeout
}
