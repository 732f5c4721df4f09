//! Placeholder for chapter 07 (ch07-signals): the chapter is not written yet.
//!
//! Run: cargo run -p ch07-signals --bin ch07-hello
fn main() {
    println!("ch07-signals: this chapter is still to be written");
}
