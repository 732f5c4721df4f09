//! Deliberately broken: sends an `Rc` to another thread. Does not compile
//! (E0277, `Rc<String>` cannot be sent between threads safely), because
//! Rc's reference count is not atomic; tests/compile_errors.rs checks that.

use std::rc::Rc;
use std::sync::mpsc;
use std::thread;

fn main() {
    let (tx, rx) = mpsc::channel::<Rc<String>>();
    let shared = Rc::new(String::from("mine"));
    let keep = Rc::clone(&shared);
    // error[E0277]: `Rc<String>` cannot be sent between threads safely
    let t = thread::spawn(move || tx.send(shared).unwrap());
    t.join().unwrap();
    println!("{} {}", keep, rx.recv().unwrap());
}
