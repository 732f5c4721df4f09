//! The SNTP client against the server, in one process on loopback, and against
//! servers that misbehave. The offset check is exact arithmetic, not timing:
//! with symmetric or asymmetric paths alike, the offset a client computes is
//! off by at most half the round-trip delay.
use ch10_time::sntp::{query, request, serve, NtpTimestamp, Packet, ServerConfig, MODE_SERVER};
use std::net::UdpSocket;
use std::time::{Duration, SystemTime};

fn server(offset_ns: i64, requests: usize) -> (std::net::SocketAddr, std::thread::JoinHandle<std::io::Result<usize>>) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = socket.local_addr().unwrap();
    let config = ServerConfig { offset_ns, stratum: 3, requests: Some(requests) };
    (addr, std::thread::spawn(move || serve(&socket, config)))
}

#[test]
fn the_client_computes_the_configured_offset_within_half_the_delay() {
    for offset in [0i64, 1_500_000_000, -750_000_000, 86_400_000_000_000] {
        let (addr, handle) = server(offset, 2);
        for _ in 0..2 {
            let s = query(addr, Duration::from_secs(5)).unwrap();
            assert_eq!(s.stratum, 3);
            assert!(s.delay_ns() >= -2, "a delay is never negative (beyond rounding): {s:?}");
            let error = (s.offset_ns() - offset).abs();
            assert!(error <= s.delay_ns() / 2 + 2, "offset {} vs {offset}, delay {}", s.offset_ns(), s.delay_ns());
        }
        assert_eq!(handle.join().unwrap().unwrap(), 2);
    }
}

#[test]
fn the_server_ignores_junk_and_answers_the_next_request() {
    let (addr, handle) = server(0, 1);
    let junk = UdpSocket::bind("127.0.0.1:0").unwrap();
    junk.send_to(b"not an NTP packet", addr).unwrap();
    let mut server_mode = request(NtpTimestamp(1)).to_bytes();
    server_mode[0] = 0x24; // mode 4: a reply, not a request
    junk.send_to(&server_mode, addr).unwrap();
    query(addr, Duration::from_secs(5)).unwrap();
    assert_eq!(handle.join().unwrap().unwrap(), 1);
}

/// A fake server: it reads one request, builds a good reply to it, and sends
/// the datagrams `replies` makes of that reply, in order, 20 ms apart.
fn fake(replies: impl Fn(Packet) -> Vec<Vec<u8>> + Send + 'static, timeout: Duration) -> std::io::Result<ch10_time::sntp::Sample> {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = socket.local_addr().unwrap();
    let handle = std::thread::spawn(move || {
        let mut buf = [0u8; 48];
        let (_, peer) = socket.recv_from(&mut buf).unwrap();
        let req = Packet::from_bytes(&buf).unwrap();
        let now = NtpTimestamp::from_system_time(SystemTime::now());
        let good = Packet { mode: MODE_SERVER, stratum: 1, originate: req.transmit, receive: now, transmit: now, ..req };
        for datagram in replies(good) {
            socket.send_to(&datagram, peer).unwrap();
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    let result = query(addr, timeout);
    handle.join().unwrap();
    result
}

/// One reply, `edit`ed.
fn edited(mut p: Packet, edit: fn(&mut Packet)) -> Vec<Vec<u8>> {
    edit(&mut p);
    vec![p.to_bytes().to_vec()]
}

const LONG: Duration = Duration::from_secs(5);
const SHORT: Duration = Duration::from_millis(300);

#[test]
fn the_client_accepts_a_good_reply_and_rejects_bad_ones() {
    assert!(fake(|p| vec![p.to_bytes().to_vec()], LONG).is_ok());
    // Replies that do answer our request, from a server that should not be used:
    // the query ends with the reason at once.
    let err = fake(|p| edited(p, |p| { p.stratum = 0; p.reference_id = *b"RATE"; }), LONG).unwrap_err();
    assert!(err.to_string().contains("kiss-o'-death from the server: RATE"), "{err}");
    let err = fake(|p| edited(p, |p| p.leap = 3), LONG).unwrap_err();
    assert!(err.to_string().contains("not synchronised"), "{err}");
    for (what, edit) in [
        ("stratum 16", (|p| p.stratum = 16) as fn(&mut Packet)),
        ("stratum 200", |p| p.stratum = 200),
        ("zero receive timestamp", |p| p.receive = NtpTimestamp(0)),
        ("zero transmit timestamp", |p| p.transmit = NtpTimestamp(0)),
    ] {
        let result = fake(move |p| edited(p, edit), LONG);
        let err = result.expect_err(what);
        assert!(err.to_string().contains("not synchronised"), "{what}: {err}");
    }
}

#[test]
fn a_kiss_code_with_control_bytes_is_printed_escaped() {
    let err = fake(|p| edited(p, |p| { p.stratum = 0; p.reference_id = *b"\x1b[2J"; }), LONG).unwrap_err();
    assert!(err.to_string().ends_with("kiss-o'-death from the server: \\x1b[2J"), "{err:?}");
}

/// Datagrams that do not answer our request (RFC 4330 section 5: "discarded").
const NOT_AN_ANSWER: [(&str, fn(Packet) -> Vec<Vec<u8>>); 6] = [
    ("originate", |p| edited(p, |p| p.originate = NtpTimestamp(42))),
    ("mode", |p| edited(p, |p| p.mode = 3)),
    ("version", |p| edited(p, |p| p.version = 0)),
    ("version", |p| edited(p, |p| p.version = 7)),
    ("shorter than 48 bytes", |p| vec![p.to_bytes()[..40].to_vec()]),
    ("shorter than 48 bytes", |_| vec![Vec::new()]),
];

#[test]
fn a_datagram_that_is_no_answer_is_discarded_and_the_client_keeps_waiting() {
    for (why, bad) in NOT_AN_ANSWER {
        // Alone, it is ignored: the query times out, naming what it discarded.
        let err = fake(bad, SHORT).unwrap_err();
        assert!(matches!(err.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut), "{why}: {err:?}");
        assert!(err.to_string().contains(why), "{why}: {err}");
    }
    // Followed by the genuine reply (a spoofer raced the server): the genuine one counts.
    for (why, bad) in NOT_AN_ANSWER {
        let bad_then_good = move |p: Packet| {
            let mut datagrams = bad(p);
            datagrams.push(p.to_bytes().to_vec());
            datagrams
        };
        let sample = fake(bad_then_good, LONG).unwrap_or_else(|e| panic!("{why}, then a good reply: {e}"));
        assert_eq!(sample.stratum, 1);
    }
}

#[test]
fn the_server_drops_requests_of_unknown_versions() {
    let (addr, handle) = server(0, 1);
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    client.connect(addr).unwrap();
    client.set_read_timeout(Some(SHORT)).unwrap();
    for version in [0, 5, 7] {
        let mut req = request(NtpTimestamp(1));
        req.version = version;
        client.send(&req.to_bytes()).unwrap();
        let mut buf = [0u8; 64];
        let answer = client.recv(&mut buf);
        assert!(answer.is_err(), "version {version} was answered: {:?}", Packet::from_bytes(&buf));
    }
    query(addr, LONG).unwrap();
    assert_eq!(handle.join().unwrap().unwrap(), 1);
}

#[test]
fn a_reply_the_server_cannot_send_does_not_stop_it() {
    // After shutdown(SHUT_WR), recvfrom still works but every sendto fails
    // with EPIPE: a stand-in for any send error on a UDP server.
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = socket.local_addr().unwrap();
    // SAFETY: `socket` is an open UDP socket for the whole call; shutdown takes no pointers.
    let rc = unsafe { libc::shutdown(std::os::fd::AsRawFd::as_raw_fd(&socket), libc::SHUT_WR) };
    assert_eq!(rc, -1, "shutdown on an unconnected UDP socket says ENOTCONN, and still shuts writes");
    socket.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
    let config = ServerConfig { offset_ns: 0, stratum: 3, requests: Some(1) };
    let handle = std::thread::spawn(move || serve(&socket, config));
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    client.send_to(&request(NtpTimestamp(1)).to_bytes(), addr).unwrap();
    // The server must not end on the failed send: it keeps waiting for the
    // next request, until its read timeout ends the wait.
    let err = handle.join().unwrap().unwrap_err();
    assert!(matches!(err.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut), "{err:?}");
}

#[test]
fn a_request_from_source_port_zero_does_not_stop_the_server() {
    // A well-formed request whose UDP source port is 0: the reply's sendto
    // fails with EINVAL. Crafting it needs a raw socket (CAP_NET_RAW).
    // SAFETY: plain socket(2) call, no pointers.
    let raw = unsafe { libc::socket(libc::AF_INET, libc::SOCK_RAW, libc::IPPROTO_UDP) };
    if raw < 0 {
        std::io::Write::write_all(&mut std::io::stderr(), b"SKIPPED: a raw socket needs CAP_NET_RAW (run the tests as root)\n").unwrap_or(());
        return;
    }
    // SAFETY: `raw` is a descriptor we just opened and own from here on.
    let raw = unsafe { <std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(raw) };
    let (addr, handle) = server(0, 1);
    let payload = request(NtpTimestamp(1)).to_bytes();
    let mut udp = Vec::new();
    udp.extend_from_slice(&0u16.to_be_bytes()); // source port 0
    udp.extend_from_slice(&addr.port().to_be_bytes());
    udp.extend_from_slice(&(8 + payload.len() as u16).to_be_bytes());
    udp.extend_from_slice(&0u16.to_be_bytes()); // no checksum (allowed over IPv4)
    udp.extend_from_slice(&payload);
    let to = libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: 0,
        sin_addr: libc::in_addr { s_addr: u32::from_ne_bytes([127, 0, 0, 1]) },
        sin_zero: [0; 8],
    };
    // SAFETY: `udp` and `to` are live for the call and their lengths are passed with them.
    let sent = unsafe {
        libc::sendto(
            std::os::fd::AsRawFd::as_raw_fd(&raw),
            udp.as_ptr().cast(),
            udp.len(),
            0,
            (&to as *const libc::sockaddr_in).cast(),
            std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
        )
    };
    assert_eq!(sent, udp.len() as isize, "sendto on the raw socket: {}", std::io::Error::last_os_error());
    std::thread::sleep(Duration::from_millis(100));
    // Still serving: the next, ordinary request is answered.
    query(addr, LONG).unwrap();
    assert_eq!(handle.join().unwrap().unwrap(), 1);
}

#[test]
fn a_port_with_no_server_is_an_error_not_a_hang() {
    // Bind a port, then close it: nobody listens there now.
    let addr = UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    // Loopback answers with ICMP port unreachable (ECONNREFUSED on a connected
    // UDP socket); elsewhere the read timeout ends the wait.
    assert!(query(addr, Duration::from_secs(2)).is_err());
}
