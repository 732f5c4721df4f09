//! The same hit counter built twice. With a `Mutex`, every thread locks the
//! shared map for a moment. With a channel, one thread owns the map and the
//! others send it messages (and a reply channel when they need an answer).
//! Both are correct; which is clearer depends on the job.
//!
//! Run: cargo run -p ch02-channels --bin mutex-or-channel
//! Look for: the two versions count the same hits.

use std::collections::BTreeMap;
use std::sync::{mpsc, Mutex};
use std::thread;

const USAGE: &str = "usage: mutex-or-channel
Counts page hits from four threads twice: in a map behind a Mutex, and in a map
owned by one thread that the others send messages to. Takes no arguments.
";

const PAGES: [&str; 3] = ["/", "/about", "/blog"];

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    // ANCHOR: mutex
    // Shared state: a map behind a lock, reachable from every thread.
    let hits = Mutex::new(BTreeMap::<&str, u32>::new());
    thread::scope(|s| {
        for t in 0..4 {
            let hits = &hits; // a plain borrow: scoped threads end before `hits` does
            s.spawn(move || {
                for i in 0..100 {
                    let page = PAGES[(t + i) % PAGES.len()];
                    // unwrap: poisoned only if another thread panicked holding it.
                    *hits.lock().unwrap().entry(page).or_default() += 1;
                }
            });
        }
    });
    println!("mutex:   {:?}", hits.lock().unwrap());
    // ANCHOR_END: mutex

    // ANCHOR: channel
    // An owner thread: the map is a local variable no other thread can see.
    enum Msg {
        Hit(&'static str),
        Report(mpsc::Sender<BTreeMap<&'static str, u32>>),
    }
    let (tx, rx) = mpsc::channel::<Msg>();
    let owner = thread::spawn(move || {
        let mut hits = BTreeMap::new();
        for msg in rx {
            match msg {
                Msg::Hit(page) => *hits.entry(page).or_default() += 1,
                Msg::Report(reply) => {
                    let _ = reply.send(hits.clone());
                }
            }
        }
    });
    thread::scope(|s| {
        for t in 0..4 {
            let tx = tx.clone();
            s.spawn(move || {
                for i in 0..100 {
                    // unwrap: the owner runs until every Sender is dropped.
                    tx.send(Msg::Hit(PAGES[(t + i) % PAGES.len()])).unwrap();
                }
            });
        }
    });
    let (reply_tx, reply_rx) = mpsc::channel();
    tx.send(Msg::Report(reply_tx)).unwrap();
    println!("channel: {:?}", reply_rx.recv().unwrap());
    drop(tx); // closes the channel: the owner's loop ends
    owner.join().expect("the owner thread panicked");
    // ANCHOR_END: channel
}
