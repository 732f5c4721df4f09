//! Placeholder for chapter 06 (ch06-processes): the chapter is not written yet.
//!
//! Run: cargo run -p ch06-processes --bin ch06-hello
fn main() {
    println!("ch06-processes: this chapter is still to be written");
}
