//! Placeholder for chapter 10 (ch10-time): the chapter is not written yet.
//!
//! Run: cargo run -p ch10-time --bin ch10-hello
fn main() {
    println!("ch10-time: this chapter is still to be written");
}
