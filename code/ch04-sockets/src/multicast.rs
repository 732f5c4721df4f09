//! Multicast sockets that work on a machine whose only interface is loopback.
//!
//! A multicast datagram leaves by one interface. Without `IP_MULTICAST_IF`
//! the kernel picks it from the routing table (the default route's device,
//! or `ENETUNREACH` when there is none); joining a group without naming an
//! interface does the same. Naming 127.0.0.1 for both, and keeping
//! `IP_MULTICAST_LOOP` on, keeps everything inside this host.

use std::io;
use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use socket2::{Domain, Protocol, Socket, Type};

/// The all-hosts group the Go book's ticker uses.
pub const GROUP: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 1);

// ANCHOR: sender
/// A socket that sends to multicast groups through `interface`.
pub fn sender(interface: Ipv4Addr) -> io::Result<UdpSocket> {
    let socket = UdpSocket::bind((interface, 0))?;
    // setsockopt(IP_MULTICAST_IF): std has no call for it, socket2 does.
    Socket::from(socket.try_clone()?).set_multicast_if_v4(&interface)?;
    socket.set_multicast_loop_v4(true)?; // IP_MULTICAST_LOOP: deliver to this host too
    socket.set_multicast_ttl_v4(1)?; // IP_MULTICAST_TTL: never past the first router
    Ok(socket)
}
// ANCHOR_END: sender

// ANCHOR: receiver
/// A socket that receives `group`'s datagrams to `port`, joined on `interface`.
pub fn receiver(group: Ipv4Addr, port: u16, interface: Ipv4Addr) -> io::Result<UdpSocket> {
    let socket = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?;
    // SO_REUSEADDR before bind: several listeners may share the group's port.
    socket.set_reuse_address(true)?;
    // Bind the group address, not 0.0.0.0: only datagrams sent to the group arrive.
    socket.bind(&SocketAddrV4::new(group, port).into())?;
    // IP_ADD_MEMBERSHIP with an explicit interface (struct ip_mreq).
    socket.join_multicast_v4(&group, &interface)?;
    Ok(socket.into())
}
// ANCHOR_END: receiver

// ANCHOR: aligned
/// How long from `now` until the next multiple of `interval` since the epoch,
/// like Go's `now.Truncate(interval).Add(interval).Sub(now)`.
pub fn until_next_tick(now: SystemTime, interval: Duration) -> Duration {
    let since = now.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO).as_nanos();
    let step = interval.as_nanos().max(1);
    let next = (since / step + 1) * step;
    Duration::from_nanos((next - since) as u64)
}
// ANCHOR_END: aligned

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_tick_is_on_a_multiple_of_the_interval() {
        let now = UNIX_EPOCH + Duration::from_millis(12_345);
        assert_eq!(until_next_tick(now, Duration::from_secs(10)), Duration::from_millis(7_655));
        let on_tick = UNIX_EPOCH + Duration::from_secs(20);
        assert_eq!(until_next_tick(on_tick, Duration::from_secs(10)), Duration::from_secs(10));
    }
}
