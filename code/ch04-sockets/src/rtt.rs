//! Round trips over a TCP loopback connection and over a Unix domain socket:
//! a thread echoes fixed-size messages, the caller times N ping-pongs.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::net::{UnixDatagram, UnixStream};
use std::thread;
use std::time::{Duration, Instant};

// ANCHOR: ping_pong
/// Sends `msg_size` bytes and waits for them to come back, `rounds` times.
fn ping_pong<S: Read + Write>(mut stream: S, rounds: u32, msg_size: usize) -> io::Result<Duration> {
    let mut buf = vec![7u8; msg_size];
    let start = Instant::now();
    for _ in 0..rounds {
        stream.write_all(&buf)?;
        stream.read_exact(&mut buf)?;
    }
    Ok(start.elapsed())
}

fn echo<S: Read + Write>(mut stream: S, msg_size: usize) -> io::Result<()> {
    let mut buf = vec![0u8; msg_size];
    loop {
        match stream.read_exact(&mut buf) {
            Ok(()) => stream.write_all(&buf)?,
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(()), // caller done
            Err(e) => return Err(e),
        }
    }
}
// ANCHOR_END: ping_pong

/// `rounds` round trips over TCP on 127.0.0.1.
pub fn tcp(rounds: u32, msg_size: usize) -> io::Result<Duration> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let server = thread::spawn(move || -> io::Result<()> {
        let (s, _) = listener.accept()?;
        s.set_nodelay(true)?;
        echo(s, msg_size)
    });
    let client = TcpStream::connect(addr)?;
    client.set_nodelay(true)?; // no Nagle delay on small writes (both sides)
    let took = ping_pong(client, rounds, msg_size)?; // the client is dropped: the echo sees EOF
    server.join().map_err(|_| io::Error::other("echo thread panicked"))??;
    Ok(took)
}

/// `rounds` round trips over a connected pair of Unix stream sockets.
pub fn unix_stream(rounds: u32, msg_size: usize) -> io::Result<Duration> {
    // socketpair(2): two connected ends, no file name needed.
    let (a, b) = UnixStream::pair()?;
    let server = thread::spawn(move || echo(b, msg_size));
    let took = ping_pong(a, rounds, msg_size)?;
    server.join().map_err(|_| io::Error::other("echo thread panicked"))??;
    Ok(took)
}

/// `rounds` round trips over a pair of Unix datagram sockets.
pub fn unix_datagram(rounds: u32, msg_size: usize) -> io::Result<Duration> {
    let (a, b) = UnixDatagram::pair()?;
    let server = thread::spawn(move || -> io::Result<()> {
        let mut buf = vec![0u8; msg_size];
        loop {
            let n = b.recv(&mut buf)?;
            if n == 0 {
                return Ok(()); // an empty datagram: the caller is done
            }
            b.send(&buf[..n])?;
        }
    });
    let mut buf = vec![7u8; msg_size];
    let start = Instant::now();
    for _ in 0..rounds {
        a.send(&buf)?;
        a.recv(&mut buf)?;
    }
    let took = start.elapsed();
    a.send(&[])?;
    server.join().map_err(|_| io::Error::other("echo thread panicked"))??;
    Ok(took)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_transport_completes_its_round_trips() {
        assert!(super::tcp(100, 64).is_ok());
        assert!(super::unix_stream(100, 64).is_ok());
        assert!(super::unix_datagram(100, 64).is_ok());
    }
}
