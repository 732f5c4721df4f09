//! Placeholder for chapter 02 (ch02-channels): the chapter is not written yet.
//!
//! Run: cargo run -p ch02-channels --bin ch02-hello
fn main() {
    println!("ch02-channels: this chapter is still to be written");
}
