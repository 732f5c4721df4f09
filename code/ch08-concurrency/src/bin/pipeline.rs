//! A pipeline with fan-out and fan-in: a generator stage, three workers of a
//! middle stage reading from one channel (fan-out), all sending into one
//! channel read by a collector (fan-in).
//!
//! Channels are bounded (capacity 16), so a fast stage waits for a slow one
//! instead of piling up memory: back-pressure, the streaming property. Each
//! stage ends when its input channel is closed, which happens when every
//! sender has been dropped — shutdown flows down the pipeline by itself.
//!
//! Run: cargo run -p ch08-concurrency --bin pipeline
//! Look for: 168 primes below 1000, found by three workers together.
use crossbeam::channel::bounded;
use std::thread;

const USAGE: &str = "\
usage: pipeline
A generator, three prime-testing workers (fan-out) and a collector (fan-in)
joined by bounded channels: 168 primes below 1000. No arguments.
";

fn is_prime(n: u64) -> bool {
    n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| n % d != 0)
}

fn main() {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    // ANCHOR: pipeline
    let (numbers_tx, numbers_rx) = bounded::<u64>(16);
    let (primes_tx, primes_rx) = bounded::<u64>(16);

    let (count, largest) = thread::scope(|s| {
        // Stage 1: generate.
        s.spawn(move || {
            for n in 1..1000 {
                numbers_tx.send(n).expect("workers gone");
            }
        }); // numbers_tx dropped: the workers' loops end after the last number

        // Stage 2, fanned out: three workers share one receiver.
        for _ in 0..3 {
            let (rx, tx) = (numbers_rx.clone(), primes_tx.clone());
            s.spawn(move || {
                for n in rx.iter().filter(|&n| is_prime(n)) {
                    tx.send(n).expect("collector gone");
                }
            });
        }
        drop(primes_tx); // only the workers' clones remain

        // Stage 3, fan-in: one collector; the order of arrival varies.
        let primes: Vec<u64> = primes_rx.iter().collect();
        (primes.len(), primes.iter().max().copied())
    });
    println!("{count} primes below 1000, the largest {largest:?}");
    // ANCHOR_END: pipeline
}
