//! Placeholder for chapter 08 (ch08-concurrency): the chapter is not written yet.
//!
//! Run: cargo run -p ch08-concurrency --bin ch08-hello
fn main() {
    println!("ch08-concurrency: this chapter is still to be written");
}
