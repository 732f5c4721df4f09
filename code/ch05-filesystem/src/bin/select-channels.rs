//! Rust's answer to goroutines + channels + `select`: one blocking thread per
//! source, each sending what it reads into a channel, and `select!` over the
//! channels in the thread that decides.
//!
//! Run: cargo run -p ch05-filesystem --bin select-channels

use std::io::{self, BufRead, BufReader};
use std::process::{Command, Stdio};
use std::thread;

use crossbeam::channel::{unbounded, Receiver};
use crossbeam::select;

const USAGE: &str = "\
usage: select-channels
One thread reads a file, another a child's stdout, each into a channel; the
main thread's select! collects both until both channels close. No arguments.
";

// ANCHOR: reader
/// Read `input` line by line on a thread of its own (blocking read(2) is
/// fine there) and send each line; the channel closes when the thread ends.
fn lines_of(input: impl io::Read + Send + 'static) -> Receiver<io::Result<String>> {
    let (tx, rx) = unbounded();
    thread::spawn(move || {
        for line in BufReader::new(input).lines() {
            if tx.send(line).is_err() {
                break; // the receiver is gone
            }
        }
    });
    rx
}
// ANCHOR_END: reader

fn run() -> io::Result<()> {
    let dir = tempfile::Builder::new().prefix("ch05-select-").tempdir()?;
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "one\ntwo\nthree\n")?;
    let mut child = Command::new("printf").arg("alpha\\nbeta\\n").stdout(Stdio::piped()).spawn()?;
    let stdout = child.stdout.take().expect("piped");

    // ANCHOR: select
    let (mut from_file, mut from_child) = (Some(lines_of(std::fs::File::open(&path)?)), Some(lines_of(stdout)));
    let (mut file_lines, mut child_lines) = (Vec::new(), Vec::new());
    while from_file.is_some() || from_child.is_some() {
        // A closed source is replaced by `never()`, as Go sets a channel to nil.
        let never = crossbeam::channel::never();
        select! {
            recv(from_file.as_ref().unwrap_or(&never)) -> msg => match msg {
                Ok(line) => file_lines.push(line?),
                Err(_) => from_file = None, // disconnected: the thread finished
            },
            recv(from_child.as_ref().unwrap_or(&never)) -> msg => match msg {
                Ok(line) => child_lines.push(line?),
                Err(_) => from_child = None,
            },
        }
    }
    // ANCHOR_END: select
    child.wait()?;
    println!("from the file:  {file_lines:?}");
    println!("from the child: {child_lines:?}");
    Ok(())
}

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("select-channels: {e}");
        std::process::exit(1);
    }
}
