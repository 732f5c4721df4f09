//! Deliberately broken: uses a value after sending it. Does not compile
//! (E0382, borrow of moved value); tests/compile_errors.rs checks that.
//! In Go the same code compiles, and two goroutines then share the slice.

use std::sync::mpsc;
use std::thread;

fn main() {
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    let t = thread::spawn(move || rx.recv().unwrap().len());
    let mut buf = vec![0u8; 16];
    tx.send(buf).unwrap();
    buf[0] = 1; // error[E0382]: borrow of moved value: `buf`
    println!("{}", t.join().unwrap());
}
