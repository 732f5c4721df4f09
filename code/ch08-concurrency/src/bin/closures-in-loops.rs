//! Closures in loops: Go's loop-variable trap, and why Rust's `move` closures
//! cannot fall into it.
//!
//! In Go before 1.22, `for i := 0; i < 3; i++ { go func() { print(i) }() }`
//! shares ONE variable `i` between all the goroutines, which often all print 3.
//! In Rust a closure that only borrowed `i` could not be sent to a thread that
//! may outlive the loop (error E0373), so you write `move`, and each thread
//! gets its own copy of the value `i` had in its iteration.
//!
//! Run: cargo run -p ch08-concurrency --bin closures-in-loops
//! Look for: each thread reports its own i: 0, 1, 2.
use std::thread;

const USAGE: &str = "\
usage: closures-in-loops
Spawns one thread per loop iteration with a `move` closure: each reports its
own i (0, 1, 2), where Go before 1.22 shared one loop variable. No arguments.
";

fn main() {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    // ANCHOR: loop
    let mut handles = Vec::new();
    for i in 0..3 {
        // `move` copies this iteration's `i` into the closure.
        handles.push(thread::spawn(move || format!("thread got i = {i}")));
    }
    for h in handles {
        // join() is Err only if the thread panicked; this one cannot.
        println!("{}", h.join().expect("thread panicked"));
    }

    // Sharing on purpose: name it. Each closure moves in its own clone of the Arc.
    let names = std::sync::Arc::new(vec!["a", "b", "c"]);
    let handles: Vec<_> = (0..3)
        .map(|i| {
            let names = std::sync::Arc::clone(&names);
            thread::spawn(move || names[i])
        })
        .collect();
    let got: Vec<&str> = handles.into_iter().map(|h| h.join().expect("thread panicked")).collect();
    println!("shared through an Arc: {got:?}");
    // ANCHOR_END: loop
}
