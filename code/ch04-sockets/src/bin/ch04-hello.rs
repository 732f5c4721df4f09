//! Placeholder for chapter 04 (ch04-sockets): the chapter is not written yet.
//!
//! Run: cargo run -p ch04-sockets --bin ch04-hello
fn main() {
    println!("ch04-sockets: this chapter is still to be written");
}
