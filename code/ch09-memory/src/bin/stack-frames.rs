//! Instructions and data live in memory, and calls need a stack.
//!
//! Prints the address of the code of `main` and `depth` (instructions are
//! bytes in memory too), then recurses five levels, printing the address of
//! a local in each call's stack frame: every call gets a new frame *below*
//! the previous one, because the x86-64 and AArch64 stacks grow down.
//!
//! Run: cargo run -p ch09-memory --bin stack-frames
//! Look for: frame addresses that fall by the same step at every level, and
//! code addresses far away from them.

const USAGE: &str = "usage: stack-frames
Prints the code addresses of main and of a recursive function, then the
address of a local in each of five nested calls: each frame lies below its
caller's. Takes no arguments.
";

// ANCHOR: frames
/// Recurse `left` more times; each call has its own `local` in its own frame.
#[inline(never)]
fn depth(level: u32, left: u32, previous: usize) {
    let local = [level as u8; 32]; // 32 bytes in this call's stack frame
    let here = local.as_ptr() as usize;
    let step = if previous == 0 { String::new() } else { format!("  ({} bytes below the caller's)", previous - here) };
    println!("depth {level}: local at {here:#x}{step}");
    if left > 0 {
        depth(level + 1, left - 1, here);
    }
    // Using `local` after the call keeps it alive (and in the frame) until here.
    std::hint::black_box(&local);
}

fn main() {
    // ANCHOR_END: frames
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    // ANCHOR: frames
    println!("code of main  at {:#x}", main as *const () as usize);
    println!("code of depth at {:#x}", depth as *const () as usize);
    depth(0, 4, 0);
}
// ANCHOR_END: frames
