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

/// A fake server that answers one request with `edit` applied to a good reply.
fn fake(edit: fn(&mut Packet)) -> std::io::Result<ch10_time::sntp::Sample> {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = socket.local_addr().unwrap();
    let handle = std::thread::spawn(move || {
        let mut buf = [0u8; 48];
        let (_, peer) = socket.recv_from(&mut buf).unwrap();
        let req = Packet::from_bytes(&buf).unwrap();
        let now = NtpTimestamp::from_system_time(SystemTime::now());
        let mut reply = Packet { mode: MODE_SERVER, stratum: 1, originate: req.transmit, receive: now, transmit: now, ..req };
        edit(&mut reply);
        socket.send_to(&reply.to_bytes(), peer).unwrap();
    });
    let result = query(addr, Duration::from_secs(5));
    handle.join().unwrap();
    result
}

#[test]
fn the_client_accepts_a_good_reply_and_rejects_bad_ones() {
    assert!(fake(|_| {}).is_ok());
    let err = fake(|p| p.originate = NtpTimestamp(42)).unwrap_err();
    assert!(err.to_string().contains("originate"), "{err}");
    let err = fake(|p| {
        p.stratum = 0;
        p.reference_id = *b"RATE";
    })
    .unwrap_err();
    assert!(err.to_string().contains("kiss-o'-death from the server: RATE"), "{err}");
    let err = fake(|p| p.leap = 3).unwrap_err();
    assert!(err.to_string().contains("not synchronised"), "{err}");
}

#[test]
fn a_port_with_no_server_is_an_error_not_a_hang() {
    // Bind a port, then close it: nobody listens there now.
    let addr = UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    // Loopback answers with ICMP port unreachable (ECONNREFUSED on a connected
    // UDP socket); elsewhere the read timeout ends the wait.
    assert!(query(addr, Duration::from_secs(2)).is_err());
}
