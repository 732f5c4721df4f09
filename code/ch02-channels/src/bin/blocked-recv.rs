//! What a blocked `recv` is made of: `main` waits on an empty channel and a
//! second thread sends one message once `main` is asleep. Run it under strace
//! to see the receiver go to sleep in `futex(FUTEX_WAIT…)` and the sender
//! wake it with `futex(FUTEX_WAKE…)`.
//!
//! Run: cargo run -p ch02-channels --bin blocked-recv
//! Trace: cargo build -q -p ch02-channels --bin blocked-recv &&
//!        strace -f -e trace=futex ./target/debug/blocked-recv
//! Look for: one FUTEX_WAIT in the main thread that returns only when the
//! other thread calls FUTEX_WAKE on the same address.

use std::sync::mpsc;
use std::thread;
use std::{fs, io, process};

const USAGE: &str = "usage: blocked-recv
main blocks in recv on an empty channel until another thread sends; run it under
strace -f -e trace=futex to see FUTEX_WAIT and the FUTEX_WAKE that ends it.
Takes no arguments.
";

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("blocked-recv: {e}");
        process::exit(1);
    }
}

/// Waits until thread `tid` of this process is asleep in the kernel: state
/// `S` ("sleeping in an interruptible wait") in `/proc/self/task/<tid>/stat`
/// (man 5 proc). The state is the first field after the `)` that ends the
/// thread's name.
fn wait_until_asleep(tid: u32) -> io::Result<()> {
    let path = format!("/proc/self/task/{tid}/stat");
    loop {
        let stat = fs::read_to_string(&path).map_err(|e| io::Error::new(e.kind(), format!("reading {path}: {e}")))?;
        let state = stat.rsplit_once(')').and_then(|(_, rest)| rest.trim_start().chars().next());
        if state == Some('S') {
            return Ok(());
        }
        thread::yield_now(); // `main` has not reached its futex yet
    }
}

fn run() -> io::Result<()> {
    // ANCHOR: main
    let (tx, rx) = mpsc::channel::<&str>();
    let main_tid = process::id(); // the main thread's tid is the process id
    let sender = thread::spawn(move || -> io::Result<()> {
        wait_until_asleep(main_tid)?; // send only once `main` sleeps in recv
        tx.send("wake up").map_err(|_| io::Error::other("main stopped receiving"))
    });
    match rx.recv() {
        Ok(msg) => println!("received {msg:?}"),
        Err(e) => println!("recv: {e}"),
    }
    sender.join().map_err(|_| io::Error::other("the sending thread panicked"))??;
    // ANCHOR_END: main
    Ok(())
}
