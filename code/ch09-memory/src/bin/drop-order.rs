//! Ownership and `Drop`: memory and other resources are freed at a point the
//! program text decides, not when a garbage collector gets round to it.
//!
//! Run: cargo run -p ch09-memory --bin drop-order
//! Look for: locals dropped in reverse order of declaration at the end of
//! their scope, struct fields dropped in declaration order after the struct's
//! own `drop`, a moved value dropped by its new owner, `drop()` ending a
//! value early, and a `Vec` dropping its elements front to back.

const USAGE: &str = "usage: drop-order
Prints when each value is dropped: locals at the end of a scope, struct
fields after the struct, a value moved into a function, drop(), a Vec.
";

// ANCHOR: drop
struct Noisy(&'static str);

impl Drop for Noisy {
    fn drop(&mut self) {
        println!("  drop {}", self.0);
    }
}

struct Pair {
    _first: Noisy,
    _second: Noisy,
}

impl Drop for Pair {
    fn drop(&mut self) {
        println!("  drop Pair (then its fields, in declaration order)");
    }
}

fn take(n: Noisy) {
    println!("  take() owns {}", n.0);
} // `n` is dropped here, at the end of the function that owns it

fn main() {
    // ANCHOR_END: drop
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    // ANCHOR: drop
    println!("scope starts");
    {
        let _a = Noisy("a");
        let _b = Noisy("b");
        let _pair = Pair { _first: Noisy("pair.first"), _second: Noisy("pair.second") };
        println!("scope ends");
    }
    println!("move into a function");
    let c = Noisy("c");
    take(c);
    println!("back in main");
    let d = Noisy("d");
    drop(d); // std::mem::drop: takes ownership, so the value ends now
    println!("a Vec of three");
    let v = vec![Noisy("v[0]"), Noisy("v[1]"), Noisy("v[2]")];
    drop(v);
    let _e = Noisy("e");
    println!("end of main");
}
// ANCHOR_END: drop
