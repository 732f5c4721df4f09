//! Placeholder for chapter 09 (ch09-memory): the chapter is not written yet.
//!
//! Run: cargo run -p ch09-memory --bin ch09-hello
fn main() {
    println!("ch09-memory: this chapter is still to be written");
}
