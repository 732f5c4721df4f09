//! Solution: an accept loop that stops on a signal and lets connections finish.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsFd, OwnedFd};
use std::thread;

use nix::errno::Errno;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};

// ANCHOR: serve
/// Serves `listener` until `stop` (the read end of a self-pipe) becomes
/// readable. Each connection gets a thread that answers every line with the
/// line in upper case until the client closes. On stop: drop the listener (new
/// connections are refused), call `stopped()`, wait for every connection
/// thread to finish, and return the number of connections served.
pub fn serve(listener: TcpListener, stop: OwnedFd, stopped: impl FnOnce()) -> io::Result<usize> {
    listener.set_nonblocking(true)?;
    let mut connections = Vec::new();
    'accepting: loop {
        let mut fds = [
            PollFd::new(listener.as_fd(), PollFlags::POLLIN),
            PollFd::new(stop.as_fd(), PollFlags::POLLIN),
        ];
        match poll(&mut fds, PollTimeout::NONE) {
            Err(Errno::EINTR) => continue, // a signal interrupted poll(2): look again
            other => other?,
        };
        let stopping = fds[1].any().unwrap_or(false);
        // Accept everything queued *before* acting on stop: closing the
        // listener would reset each connection still in its accept queue.
        loop {
            match listener.accept() {
                Ok((stream, _)) => {
                    stream.set_nonblocking(false)?;
                    connections.push(thread::spawn(move || upper_case_lines(stream)));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        if stopping {
            break 'accepting;
        }
    }
    drop(listener); // close(2): the port stops accepting, connects get ECONNREFUSED
    stopped();
    let served = connections.len();
    for connection in connections {
        let _ = connection.join(); // one client's I/O error must not stop the drain
    }
    Ok(served)
}
// ANCHOR_END: serve

fn upper_case_lines(stream: TcpStream) -> io::Result<()> {
    let mut writer = stream.try_clone()?;
    for line in BufReader::new(stream).lines() {
        writeln!(writer, "{}", line?.to_uppercase())?;
    }
    Ok(())
}
