//! SNTP (RFC 4330): the 48-byte packet, NTP timestamps, the offset and delay
//! a client computes from four timestamps, a client, and a small server that
//! can pretend its clock is off by a configured amount.

use std::io;
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

// ANCHOR: timestamp
/// Seconds from the NTP epoch (1900-01-01 00:00 UTC) to the Unix epoch (1970).
pub const UNIX_EPOCH_IN_NTP: u64 = 2_208_988_800;

/// A 64-bit NTP timestamp: 32 bits of seconds since 1900, 32 bits of fraction
/// (units of 2^-32 s, about 233 picoseconds). The seconds wrap in 2036; this
/// type handles era 0 (1900–2036) only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NtpTimestamp(pub u64);

impl NtpTimestamp {
    pub fn from_system_time(t: SystemTime) -> Self {
        let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
        let secs = d.as_secs() + UNIX_EPOCH_IN_NTP;
        // nanoseconds * 2^32 / 10^9, rounded up: the fraction of a second. With
        // the truncation in to_system_time, the round trip gives back the same
        // nanosecond (a unit is 0.23 ns; truncating both ways would lose one).
        let frac = ((d.subsec_nanos() as u64) << 32).div_ceil(1_000_000_000);
        NtpTimestamp((secs << 32) | frac.min(u32::MAX as u64))
    }

    pub fn to_system_time(self) -> SystemTime {
        let secs = (self.0 >> 32).saturating_sub(UNIX_EPOCH_IN_NTP);
        let nanos = ((self.0 & 0xffff_ffff) * 1_000_000_000) >> 32;
        UNIX_EPOCH + Duration::new(secs, nanos as u32)
    }
}

/// `a - b` in nanoseconds. Wrapping subtraction as a signed number keeps this
/// right across the 2036 wrap as long as the two are within 68 years.
pub fn diff_ns(a: NtpTimestamp, b: NtpTimestamp) -> i64 {
    let units = a.0.wrapping_sub(b.0) as i64 as i128; // 2^-32 s units
    (units * 1_000_000_000 >> 32) as i64
}
// ANCHOR_END: timestamp

// ANCHOR: offset
/// What a client learns from one exchange. T1: client sent, T2: server
/// received, T3: server sent (server clock), T4: client received.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub t1: NtpTimestamp,
    pub t2: NtpTimestamp,
    pub t3: NtpTimestamp,
    pub t4: NtpTimestamp,
    pub stratum: u8,
}

impl Sample {
    /// θ = ((T2 − T1) + (T3 − T4)) / 2: how far the server's clock is ahead of
    /// ours, *if* the request and the reply took equally long.
    pub fn offset_ns(&self) -> i64 {
        (diff_ns(self.t2, self.t1) + diff_ns(self.t3, self.t4)) / 2
    }

    /// δ = (T4 − T1) − (T3 − T2): the round trip minus the time the server held
    /// the packet. The offset is wrong by at most δ/2 when paths are asymmetric.
    pub fn delay_ns(&self) -> i64 {
        diff_ns(self.t4, self.t1) - diff_ns(self.t3, self.t2)
    }
}
// ANCHOR_END: offset

// ANCHOR: packet
pub const PACKET_LEN: usize = 48;
pub const MODE_CLIENT: u8 = 3;
pub const MODE_SERVER: u8 = 4;

/// The fields of the 48-byte packet that SNTP uses (RFC 4330, section 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Packet {
    pub leap: u8,     // LI, 2 bits: 0 no warning, 1/2 leap second today, 3 unsynchronised
    pub version: u8,  // VN, 3 bits: 4
    pub mode: u8,     // 3 bits: 3 client, 4 server
    pub stratum: u8,  // 0 unspecified (kiss-o'-death), 1 primary, 2..=15 secondary, 16 unsynchronised
    pub poll: i8,     // log2 of the poll interval in seconds
    pub precision: i8, // log2 of the clock's precision in seconds
    pub root_delay: u32,      // 16.16 fixed-point seconds: total round trip to the reference clock
    pub root_dispersion: u32, // 16.16 fixed-point error bound
    pub reference_id: [u8; 4], // stratum 1: a source like *b"GPS\0"; above: the server's upstream
    pub reference: NtpTimestamp, // when the clock was last set
    pub originate: NtpTimestamp, // T1, copied from the request's transmit field
    pub receive: NtpTimestamp,   // T2
    pub transmit: NtpTimestamp,  // T3 (or, in a request, T1)
}

impl Packet {
    pub fn to_bytes(&self) -> [u8; PACKET_LEN] {
        let mut b = [0u8; PACKET_LEN];
        b[0] = (self.leap & 0b11) << 6 | (self.version & 0b111) << 3 | (self.mode & 0b111);
        b[1] = self.stratum;
        b[2] = self.poll as u8;
        b[3] = self.precision as u8;
        b[4..8].copy_from_slice(&self.root_delay.to_be_bytes());
        b[8..12].copy_from_slice(&self.root_dispersion.to_be_bytes());
        b[12..16].copy_from_slice(&self.reference_id);
        for (i, t) in [self.reference, self.originate, self.receive, self.transmit].iter().enumerate() {
            b[16 + 8 * i..24 + 8 * i].copy_from_slice(&t.0.to_be_bytes()); // network byte order
        }
        b
    }

    pub fn from_bytes(b: &[u8]) -> Option<Packet> {
        if b.len() < PACKET_LEN {
            return None; // (extension fields and a MAC may follow; we ignore them)
        }
        let word = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let stamp = |i: usize| NtpTimestamp((word(i) as u64) << 32 | word(i + 4) as u64);
        Some(Packet {
            leap: b[0] >> 6,
            version: (b[0] >> 3) & 0b111,
            mode: b[0] & 0b111,
            stratum: b[1],
            poll: b[2] as i8,
            precision: b[3] as i8,
            root_delay: word(4),
            root_dispersion: word(8),
            reference_id: [b[12], b[13], b[14], b[15]],
            reference: stamp(16),
            originate: stamp(24),
            receive: stamp(32),
            transmit: stamp(40),
        })
    }
}
// ANCHOR_END: packet

/// A client request: everything zero but LI/VN/Mode and the transmit time.
pub fn request(t1: NtpTimestamp) -> Packet {
    let zero = NtpTimestamp(0);
    Packet {
        leap: 0,
        version: 4,
        mode: MODE_CLIENT,
        stratum: 0,
        poll: 0,
        precision: 0,
        root_delay: 0,
        root_dispersion: 0,
        reference_id: [0; 4],
        reference: zero,
        originate: zero,
        receive: zero,
        transmit: t1,
    }
}

/// The system clock plus `offset_ns` (which may be negative).
fn shifted_now(offset_ns: i64) -> SystemTime {
    let now = SystemTime::now();
    let by = Duration::from_nanos(offset_ns.unsigned_abs());
    if offset_ns >= 0 { now + by } else { now - by }
}

// ANCHOR: server
/// How the server answers.
#[derive(Clone, Copy, Debug)]
pub struct ServerConfig {
    /// Added to the system clock in every timestamp the server sends: a server
    /// whose clock is wrong by this much (the test checks the client sees it).
    pub offset_ns: i64,
    pub stratum: u8,
    /// Stop after answering this many requests (`None`: serve forever).
    pub requests: Option<usize>,
}

/// Answer SNTP requests on `socket` until `config.requests` were answered.
/// Returns how many were answered. Malformed packets are dropped, as UDP
/// servers do: there is no connection to report an error on. A reply that
/// cannot be sent is one client's problem, not the server's: it is logged.
pub fn serve(socket: &UdpSocket, config: ServerConfig) -> io::Result<usize> {
    let mut answered = 0;
    let mut buf = [0u8; 512];
    while config.requests.is_none_or(|n| answered < n) {
        let (len, peer) = match socket.recv_from(&mut buf) {
            Ok(got) => got,
            // A signal; or, on Windows, an ICMP error about an earlier reply.
            Err(e) if matches!(e.kind(), io::ErrorKind::Interrupted | io::ErrorKind::ConnectionReset) => continue,
            Err(e) => return Err(e), // including the caller's read timeout
        };
        let t2 = NtpTimestamp::from_system_time(shifted_now(config.offset_ns));
        let Some(req) = Packet::from_bytes(&buf[..len]) else { continue };
        if req.mode != MODE_CLIENT || !(1..=4).contains(&req.version) {
            continue; // not a request, or a version nobody speaks (ntpd drops these too)
        }
        let reply = Packet {
            leap: 0,
            version: req.version, // answer in the client's version
            mode: MODE_SERVER,
            stratum: config.stratum,
            poll: req.poll,
            precision: -20, // about a microsecond
            root_delay: 0,
            root_dispersion: 0,
            // RFC 5905 §7.3: at stratum 1 an ASCII source name ("LOCL": an
            // undisciplined local clock); above it, the upstream server's IPv4
            // address. We follow nobody, so we name loopback.
            reference_id: if config.stratum <= 1 { *b"LOCL" } else { [127, 0, 0, 1] },
            reference: t2,
            originate: req.transmit, // T1 goes back, so the client can match the reply
            receive: t2,
            transmit: NtpTimestamp::from_system_time(shifted_now(config.offset_ns)), // T3, as late as possible
        };
        // E.g. EINVAL for a (forged) source port of 0, EPERM from a firewall.
        if let Err(e) = socket.send_to(&reply.to_bytes(), peer) {
            eprintln!("sntp server: sendto {peer}: {e}");
            continue;
        }
        answered += 1;
    }
    Ok(answered)
}
// ANCHOR_END: server

// ANCHOR: client
/// Ask the SNTP server at `server` for the time; wait at most `timeout`.
pub fn query(server: impl ToSocketAddrs, timeout: Duration) -> io::Result<Sample> {
    let server: SocketAddr = server
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no address"))?;
    let local: SocketAddr = if server.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" }.parse().unwrap(); // literals
    let socket = UdpSocket::bind(local)?;
    socket.connect(server)?; // now only datagrams from `server` are received
    let deadline = Instant::now() + timeout;

    let t1 = NtpTimestamp::from_system_time(SystemTime::now());
    socket.send(&request(t1).to_bytes())?;
    let mut buf = [0u8; 512];
    let mut discarded = String::new(); // why the last datagram was not our answer
    loop {
        // UDP may lose the request or the reply: wait until the deadline, no longer.
        let left = deadline.saturating_duration_since(Instant::now());
        let timed_out = |kind| io::Error::new(kind, format!("no reply within {timeout:?}{discarded}"));
        if left.is_zero() {
            return Err(timed_out(io::ErrorKind::TimedOut));
        }
        socket.set_read_timeout(Some(left))?;
        let len = match socket.recv(&mut buf) {
            Ok(len) => len,
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => return Err(timed_out(e.kind())),
            Err(e) => return Err(e), // e.g. ECONNREFUSED: ICMP port unreachable
        };
        let t4 = NtpTimestamp::from_system_time(SystemTime::now());
        match check_reply(&buf[..len], t1) {
            Ok(reply) => return Ok(Sample { t1, t2: reply.receive, t3: reply.transmit, t4, stratum: reply.stratum }),
            Err(Rejected::NotOurAnswer(why)) => discarded = format!("; discarded a datagram: {why}"),
            Err(Rejected::Unusable(why)) => return Err(io::Error::new(io::ErrorKind::InvalidData, why)),
        }
    }
}

enum Rejected {
    /// Not an answer to our request (anyone can send to our port): discard it, keep waiting.
    NotOurAnswer(&'static str),
    /// The server's answer, saying its time must not be used.
    Unusable(String),
}

fn check_reply(datagram: &[u8], t1: NtpTimestamp) -> Result<Packet, Rejected> {
    use Rejected::*;
    let reply = Packet::from_bytes(datagram).ok_or(NotOurAnswer("reply shorter than 48 bytes"))?;
    if !(1..=4).contains(&reply.version) {
        return Err(NotOurAnswer("reply version is not 1 to 4"));
    }
    if reply.mode != MODE_SERVER {
        return Err(NotOurAnswer("reply is not in server mode"));
    }
    if reply.originate != t1 {
        return Err(NotOurAnswer("reply does not answer our request (originate != our transmit)"));
    }
    if reply.stratum == 0 {
        // The code is meant to be ASCII, but it is whatever the server sent.
        return Err(Unusable(format!("kiss-o'-death from the server: {}", reply.reference_id.escape_ascii())));
    }
    if reply.leap == 3 || reply.stratum >= 16 || reply.receive.0 == 0 || reply.transmit.0 == 0 {
        let why = format!("LI {}, stratum {}, T2 {:#x}, T3 {:#x}", reply.leap, reply.stratum, reply.receive.0, reply.transmit.0);
        return Err(Unusable(format!("server clock is not synchronised ({why})")));
    }
    Ok(reply)
}
// ANCHOR_END: client

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unix_epoch_is_2208988800_ntp_seconds() {
        assert_eq!(NtpTimestamp::from_system_time(UNIX_EPOCH).0, 2_208_988_800u64 << 32);
        let half = UNIX_EPOCH + Duration::from_millis(1500);
        assert_eq!(NtpTimestamp::from_system_time(half).0, (2_208_988_801u64 << 32) | 0x8000_0000);
    }

    #[test]
    fn timestamps_round_trip_to_the_nanosecond() {
        for ns in [0u64, 1, 999_999_999, 1_234_567_891] {
            let t = UNIX_EPOCH + Duration::from_secs(1_700_000_000) + Duration::from_nanos(ns);
            let back = NtpTimestamp::from_system_time(t).to_system_time();
            let err = back.duration_since(t).unwrap_or_else(|e| e.duration());
            assert_eq!(err, Duration::ZERO, "{ns}");
        }
    }

    #[test]
    fn offset_and_delay_from_four_timestamps() {
        let s = |secs: f64| NtpTimestamp((secs * 4294967296.0) as u64);
        // The server is 5 s ahead; the request took 1 s, the reply 1 s, the server held it 0.5 s.
        let sample = Sample { t1: s(100.0), t2: s(106.0), t3: s(106.5), t4: s(102.5), stratum: 1 };
        assert_eq!(sample.offset_ns(), 5_000_000_000);
        assert_eq!(sample.delay_ns(), 2_000_000_000);
        // Across the 2036 wrap: the difference is still small and signed.
        assert_eq!(diff_ns(NtpTimestamp(1 << 32), NtpTimestamp(u64::MAX - (1 << 32) + 1)), 2_000_000_000);
    }

    #[test]
    fn a_packet_survives_bytes_and_back() {
        let mut p = request(NtpTimestamp(0x0123_4567_89ab_cdef));
        p.stratum = 2;
        p.poll = 6;
        p.precision = -20;
        p.reference_id = *b"LOCL";
        let bytes = p.to_bytes();
        assert_eq!(bytes[0], 0x23, "LI 0, VN 4, mode 3");
        assert_eq!(&bytes[40..48], &[0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]);
        assert_eq!(Packet::from_bytes(&bytes), Some(p));
        assert_eq!(Packet::from_bytes(&bytes[..47]), None);
    }
}
