//! Non-blocking I/O multiplexed with epoll(7): one thread serves several
//! pipes, reading each one only when the kernel says it is ready.
//!
//! Run: cargo run -p ch05-filesystem --bin epoll-pipes
//! Three writer threads each send a few lines into their own pipe; the main
//! thread's epoll loop collects them and notices each pipe's end of file.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, OwnedFd};

use nix::fcntl::{fcntl, FcntlArg, OFlag};
use nix::sys::epoll::{Epoll, EpollCreateFlags, EpollEvent, EpollFlags, EpollTimeout};
use nix::unistd::pipe;

const USAGE: &str = "\
usage: epoll-pipes
Three writer threads send lines into three non-blocking pipes; one epoll(7)
loop reads each pipe when it is ready and notices its end of file. No arguments.
";

fn set_nonblocking(fd: &OwnedFd) -> nix::Result<()> {
    // fcntl(2) F_GETFL/F_SETFL: read(2) on this fd now fails with EAGAIN
    // instead of sleeping when the pipe is empty.
    let flags = OFlag::from_bits_truncate(fcntl(fd, FcntlArg::F_GETFL)?);
    fcntl(fd, FcntlArg::F_SETFL(flags | OFlag::O_NONBLOCK))?;
    Ok(())
}

fn run() -> io::Result<()> {
    let mut readers = Vec::new();
    let mut writers = Vec::new();
    for i in 0..3 {
        let (read_end, write_end) = pipe()?; // pipe2(2) with flags 0: no O_CLOEXEC (nix's pipe)
        set_nonblocking(&read_end)?;
        readers.push(File::from(read_end));
        writers.push(std::thread::spawn(move || -> io::Result<()> {
            let mut w = File::from(write_end);
            for j in 0..=i {
                writeln!(w, "line {j} from writer {i}")?;
            }
            Ok(()) // dropping w closes the write end: the reader sees EOF
        }));
    }

    // ANCHOR: epoll
    // epoll_create1(2): a kernel object holding the set of fds we care about.
    let epoll = Epoll::new(EpollCreateFlags::EPOLL_CLOEXEC)?;
    for (i, r) in readers.iter().enumerate() {
        // epoll_ctl(EPOLL_CTL_ADD): tell me when fd i is readable; the u64
        // comes back with each event so we know which fd it was.
        epoll.add(r.as_fd(), EpollEvent::new(EpollFlags::EPOLLIN, i as u64))?;
    }
    let mut received = vec![String::new(); readers.len()];
    let mut open = readers.len();
    let mut events = [EpollEvent::empty(); 8];
    while open > 0 {
        // epoll_wait(2): sleep until at least one fd is ready.
        let n = epoll.wait(&mut events, EpollTimeout::NONE)?;
        for ev in &events[..n] {
            let i = ev.data() as usize;
            let mut buf = [0u8; 4096];
            loop {
                // Drain until EAGAIN: the fd is non-blocking, so this never sleeps.
                match readers[i].read(&mut buf) {
                    Ok(0) => {
                        epoll.delete(readers[i].as_fd())?; // EOF: stop watching
                        open -= 1;
                        break;
                    }
                    Ok(k) => received[i].push_str(&String::from_utf8_lossy(&buf[..k])),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    Err(e) => return Err(e),
                }
            }
        }
    }
    // ANCHOR_END: epoll
    for w in writers {
        w.join().expect("writer thread panicked")?;
    }
    for (i, text) in received.iter().enumerate() {
        println!("pipe {i}: {} line(s), then EOF: {:?}", text.lines().count(), text.lines().collect::<Vec<_>>());
    }
    Ok(())
}

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("epoll-pipes: {e}");
        std::process::exit(1);
    }
}
