//! Placeholder for chapter 03 (ch03-syscalls): the chapter is not written yet.
//!
//! Run: cargo run -p ch03-syscalls --bin ch03-hello
fn main() {
    println!("ch03-syscalls: this chapter is still to be written");
}
