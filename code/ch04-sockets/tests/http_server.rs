//! The HTTP server against real clients (curl) and bad ones: each test runs
//! `http-server` on a free port with a short timeout and talks to it.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use ch04_sockets::http::ResponseReader;
use common::{have_tool, Running};

const SERVER: &str = env!("CARGO_BIN_EXE_http-server");

/// A server with a short keep-alive timeout, stopped after 60 s at the latest.
fn server(timeout_ms: u32) -> Running {
    let t = timeout_ms.to_string();
    Running::start(SERVER, &["--port", "0", "--timeout-ms", &t, "--max-seconds", "60"])
}

fn connect(addr: &str) -> TcpStream {
    let s = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connecting to {addr}: {e}"));
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s
}

/// Everything the server sends until it closes the connection.
fn read_all(mut s: &TcpStream) -> String {
    let mut out = Vec::new();
    s.read_to_end(&mut out).expect("reading until the server closes");
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn curl_compressed_gets_a_gzip_body_it_can_decode() {
    if !have_tool("curl") {
        return;
    }
    let srv = server(2000);
    let url = format!("http://{}/", srv.addr());
    let out = Command::new("curl").args(["-sS", "--compressed", "-D", "-", &url]).output().expect("running curl");
    assert!(out.status.success(), "curl failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    assert!(text.contains("Content-Encoding: gzip\r\n"), "{text}");
    assert!(text.ends_with("\r\n\r\nHello World\n"), "{text}");
}

#[test]
fn curl_reuses_one_connection_for_two_urls() {
    if !have_tool("curl") {
        return;
    }
    let mut srv = server(2000);
    let base = format!("http://{}", srv.addr());
    let out = Command::new("curl")
        .args(["-sS", "-v", &format!("{base}/"), &format!("{base}/chunked?n=2")])
        .output()
        .expect("running curl");
    assert!(out.status.success(), "curl failed: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "Hello World\nline 1 of 2\nline 2 of 2\n");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Re-using existing connection"));
    srv.wait_for("GET /chunked?n=2 -> 200");
    let accepts = srv.seen.iter().filter(|l| l.starts_with("accept ")).count();
    assert_eq!(accepts, 1, "two URLs, one connection: {:#?}", srv.seen);
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let srv = server(2000);
    let mut s = connect(&srv.addr());
    // Three requests in one write: the server reads them in one read(2).
    s.write_all(
        b"GET /chunked?n=1 HTTP/1.1\r\nHost: x\r\n\r\n\
          GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n\
          POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nthird",
    )
    .unwrap();
    let mut r = ResponseReader::new(&s);
    let first = r.read_response(false).unwrap();
    assert_eq!(first.header("transfer-encoding"), Some("chunked"));
    assert_eq!(first.body, b"line 1 of 1\n");
    let second = r.read_response(false).unwrap();
    assert_eq!(second.header("content-encoding"), Some("gzip"));
    assert_eq!(second.body, b"Hello World\n");
    let third = r.read_response(false).unwrap();
    assert_eq!((third.status, third.header("content-length")), (200, Some("5")));
    assert_eq!(third.body, b"third");
}

#[test]
fn a_malformed_request_line_gets_400_and_a_close() {
    let mut srv = server(2000);
    let mut s = connect(&srv.addr());
    s.write_all(b"GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let answer = read_all(&s); // returns only because the server closed
    assert!(answer.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{answer}");
    assert!(answer.contains("Connection: close\r\n"), "{answer}");
    srv.wait_for("BadRequest(400)");
    // The server is still there for the next client.
    let mut s = connect(&srv.addr());
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    assert_eq!(ResponseReader::new(&s).read_response(false).unwrap().status, 200);
}

#[test]
fn a_bad_version_and_folded_headers_get_400() {
    let srv = server(2000);
    for bad in [&b"GET / HTTP/9.9\r\n\r\n"[..], b"GET / HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"] {
        let mut s = connect(&srv.addr());
        s.write_all(bad).unwrap();
        let answer = read_all(&s);
        assert!(answer.starts_with("HTTP/1.1 400 "), "{bad:?} got {answer}");
    }
}

#[test]
fn headers_over_the_limit_get_431() {
    let srv = server(2000);
    // One huge header (the head limit is 8 KiB)…
    let mut s = connect(&srv.addr());
    let big = format!("GET / HTTP/1.1\r\nHost: x\r\nCookie: {}\r\n\r\n", "a".repeat(20_000));
    s.write_all(big.as_bytes()).unwrap();
    let answer = read_all(&s);
    assert!(answer.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"), "{answer}");
    // …and too many small ones (the limit is 32).
    let mut s = connect(&srv.addr());
    let many: String = (0..40).map(|i| format!("X-{i}: {i}\r\n")).collect();
    s.write_all(format!("GET / HTTP/1.1\r\n{many}\r\n").as_bytes()).unwrap();
    assert!(read_all(&s).starts_with("HTTP/1.1 431 "));
}

#[test]
fn a_stalled_half_request_times_out_without_blocking_others() {
    let mut srv = server(1500);
    let addr = srv.addr();
    let mut stalled = connect(&addr);
    stalled.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nAccept").unwrap(); // and nothing more
    srv.wait_for("accept ");
    // Meanwhile another client is served at once, by its own thread.
    let mut other = connect(&addr);
    other.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let answer = read_all(&other);
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n") && answer.ends_with("Hello World\n"), "{answer}");
    // The stalled client gets 408 when its deadline passes, then EOF.
    let answer = read_all(&stalled);
    assert!(answer.starts_with("HTTP/1.1 408 Request Timeout\r\n"), "{answer}");
    srv.wait_for(": Timeout");
}

#[test]
fn an_idle_keep_alive_connection_is_closed_after_the_timeout() {
    let mut srv = server(300);
    let mut s = connect(&srv.addr());
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    // One response, then silence from us: the server closes, without a 408.
    let answer = read_all(&s);
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n") && answer.ends_with("Hello World\n"), "{answer}");
    srv.wait_for(": Timeout");
}

#[test]
fn a_client_that_disconnects_mid_response_does_not_hurt_the_server() {
    let mut srv = server(2000);
    let addr = srv.addr();
    {
        let mut s = connect(&addr);
        // Ten million lines, sent as they are made: far more than we will read.
        s.write_all(b"GET /chunked?n=10000000 HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut some = [0u8; 4096];
        s.read_exact(&mut some).unwrap();
        assert!(some.starts_with(b"HTTP/1.1 200 OK\r\n"));
    } // dropped: close(2) with unread data, so the kernel sends RST
    // The connection's thread sees EPIPE/ECONNRESET on a write and ends.
    let line = srv.wait_for(": error: ");
    assert!(line.contains("Broken pipe") || line.contains("reset"), "{line}");
    let mut s = connect(&addr);
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    assert_eq!(ResponseReader::new(&s).read_response(false).unwrap().body, b"Hello World\n");
}

#[test]
fn a_client_that_closes_mid_request_is_just_closed() {
    let mut srv = server(2000);
    let mut s = connect(&srv.addr());
    s.write_all(b"GET / HTTP/1.1\r\nHo").unwrap();
    s.shutdown(std::net::Shutdown::Write).unwrap(); // FIN: no more bytes from us
    assert_eq!(read_all(&s), "");
    srv.wait_for(": ClientDone");
}

#[test]
fn http_1_0_and_connection_close_end_the_connection_after_one_response() {
    let srv = server(5000);
    for req in [&b"GET / HTTP/1.0\r\n\r\n"[..], b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"] {
        let mut s = connect(&srv.addr());
        s.write_all(req).unwrap();
        // read_all returns long before the 5 s timeout: the server closed at once.
        let answer = read_all(&s);
        assert!(answer.contains("Connection: close\r\n") && answer.ends_with("Hello World\n"), "{answer}");
    }
}

#[test]
fn smuggling_shapes_and_unsupported_bodies_are_refused() {
    let srv = server(2000);
    let cases: [(&[u8], &str); 3] = [
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "400"),
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "501"),
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n", "413"),
    ];
    for (req, status) in cases {
        let mut s = connect(&srv.addr());
        s.write_all(req).unwrap();
        let answer = read_all(&s);
        assert!(answer.starts_with(&format!("HTTP/1.1 {status} ")), "{answer}");
    }
}

#[test]
fn unknown_paths_get_404_and_wrong_methods_405() {
    let srv = server(2000);
    let mut s = connect(&srv.addr());
    s.write_all(b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\nHEAD / HTTP/1.1\r\nHost: x\r\n\r\nDELETE / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut r = ResponseReader::new(&s);
    assert_eq!(r.read_response(false).unwrap().status, 404);
    let head = r.read_response(true).unwrap();
    assert_eq!((head.status, head.header("content-length"), head.body.len()), (200, Some("12"), 0));
    assert_eq!(r.read_response(false).unwrap().status, 405);
}

#[test]
fn max_requests_stops_the_server() {
    let mut srv = Running::start(SERVER, &["--port", "0", "--max-requests", "2", "--quiet"]);
    let mut s = connect(&srv.addr());
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut r = ResponseReader::new(&s);
    assert_eq!(r.read_response(false).unwrap().status, 200);
    assert_eq!(r.read_response(false).unwrap().status, 200);
    let (ok, out) = srv.wait_exit();
    assert!(ok, "{out:?}");
    assert_eq!(out.last().map(String::as_str), Some("stopped after 2 responses"));
}

#[test]
fn a_busy_port_is_an_error_that_names_it() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(SERVER).args(["--port", &port]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("binding 127.0.0.1:{port}")) && err.contains("in use"), "{err}");
}
