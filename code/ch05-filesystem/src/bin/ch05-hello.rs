//! Placeholder for chapter 05 (ch05-filesystem): the chapter is not written yet.
//!
//! Run: cargo run -p ch05-filesystem --bin ch05-hello
fn main() {
    println!("ch05-filesystem: this chapter is still to be written");
}
