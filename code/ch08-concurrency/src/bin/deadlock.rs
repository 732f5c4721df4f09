//! DELIBERATELY BROKEN (in the first half): two threads take two locks in
//! opposite orders and deadlock.
//!
//! A transfer from account A to B locks A then B; one from B to A locks B then
//! A. A barrier makes both threads take their first lock before either asks for
//! its second, which is the interleaving that deadlocks. By default the program
//! then asks for the second lock with `try_lock`, so it can *report* the
//! deadlock (each lock is held by the other thread) instead of hanging. With
//! `--hang` it calls `lock()` like real code and hangs forever: Rust, unlike the
//! Go runtime, does not notice — attach gdb and run `thread apply all bt`.
//! The second half shows the fix: every thread takes locks in one global order.
//!
//! Run: cargo run -p ch08-concurrency --bin deadlock
//!      cargo run -p ch08-concurrency --bin deadlock -- --hang   (then gdb -p PID)
//! Look for: both threads find their second lock taken; then the ordered
//! transfers complete.
use std::sync::{Barrier, Mutex, TryLockError};
use std::thread;

const USAGE: &str = "\
usage: deadlock [--hang]
Two threads lock two accounts in opposite orders; try_lock reports the
deadlock; then transfers that lock in one global order complete.
  --hang  call lock() like real code and hang forever (then gdb -p PID)
";

struct Account {
    name: &'static str,
    balance: Mutex<i64>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    let hang = match args.as_slice() {
        [] => false,
        [flag] if flag == "--hang" => true,
        _ => {
            eprintln!("deadlock: unknown arguments {args:?}; see deadlock --help");
            std::process::exit(1);
        }
    };
    if let Err(e) = run(hang) {
        eprintln!("deadlock: {e}");
        std::process::exit(1);
    }
}

// ANCHOR: deadlock
/// Locks `from` then `to`, the way a naive transfer does.
fn transfer_naive(from: &Account, to: &Account, amount: i64, both_hold_one: &Barrier, hang: bool) -> String {
    let mut f = from.balance.lock().expect("poisoned");
    both_hold_one.wait(); // both threads now hold their first lock
    if hang {
        if from.name == "A" {
            println!("pid {}: both threads hold one lock and now lock() the other", std::process::id());
        }
        let mut t = to.balance.lock().expect("poisoned"); // waits forever
        *f -= amount;
        *t += amount;
        return String::from("unreachable: the deadlock was broken");
    }
    let message = match to.balance.try_lock() {
        Ok(_) => format!("{} -> {}: got both locks", from.name, to.name),
        Err(TryLockError::WouldBlock) => format!(
            "{} -> {}: holds {}, {} is taken: lock() here would wait forever",
            from.name, to.name, from.name, to.name
        ),
        Err(TryLockError::Poisoned(e)) => format!("poisoned: {e}"),
    };
    both_hold_one.wait(); // both have tried before either lets go
    *f += 0;
    message
}
// ANCHOR_END: deadlock

// ANCHOR: ordered
/// The fix: always lock the account with the smaller name first. With one
/// global order no cycle of "holds X, waits for Y" can form.
fn transfer_ordered(from: &Account, to: &Account, amount: i64) {
    let (first, second) = if from.name < to.name { (from, to) } else { (to, from) };
    let mut a = first.balance.lock().expect("poisoned");
    let mut b = second.balance.lock().expect("poisoned");
    let (f, t) = if from.name < to.name { (&mut *a, &mut *b) } else { (&mut *b, &mut *a) };
    *f -= amount;
    *t += amount;
}
// ANCHOR_END: ordered

fn run(hang: bool) -> Result<(), String> {
    let a = Account { name: "A", balance: Mutex::new(100) };
    let b = Account { name: "B", balance: Mutex::new(100) };
    let barrier = Barrier::new(2);
    let (one, two) = thread::scope(|s| {
        let t1 = s.spawn(|| transfer_naive(&a, &b, 10, &barrier, hang));
        let t2 = s.spawn(|| transfer_naive(&b, &a, 20, &barrier, hang));
        (t1.join(), t2.join())
    });
    println!("{}", one.map_err(|_| "thread 1 panicked")?);
    println!("{}", two.map_err(|_| "thread 2 panicked")?);

    thread::scope(|s| {
        s.spawn(|| (0..1000).for_each(|_| transfer_ordered(&a, &b, 10)));
        s.spawn(|| (0..1000).for_each(|_| transfer_ordered(&b, &a, 20)));
    });
    let (ra, rb) = (a.balance.lock().map_err(|e| e.to_string())?, b.balance.lock().map_err(|e| e.to_string())?);
    println!("ordered locking: 2000 transfers done, A = {}, B = {}, total {}", *ra, *rb, *ra + *rb);
    Ok(())
}
