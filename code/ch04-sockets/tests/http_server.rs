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

/// Send `request` on a fresh connection and read everything the server sends
/// until it closes.
fn exchange(addr: &str, request: &[u8]) -> String {
    let mut s = connect(addr);
    s.write_all(request).unwrap();
    read_all(&s)
}

/// A request on a fresh connection must be answered with `status` ("400").
#[track_caller]
fn assert_status(addr: &str, request: &[u8], status: &str) {
    let answer = exchange(addr, request);
    assert!(answer.starts_with(&format!("HTTP/1.1 {status} ")), "{:?} got {answer}", String::from_utf8_lossy(request));
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
    let answer = exchange(&srv.addr(), b"GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n"); // returns only because the server closed
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
    // Each with Host, so that the 400 is for what the case is about (the reason is the body).
    let cases: [(&[u8], &str); 4] = [
        (b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", "bad HTTP version"),
        (b"GET / HTTP/1.2\r\nHost: x\r\n\r\n", "bad HTTP version"),
        // obs-fold: a line that starts with a space continues the previous one (RFC 9112 §5.2).
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\n\r\n", "bad header name"),
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", "bad token in request line"),
    ];
    for (bad, why) in cases {
        let answer = exchange(&srv.addr(), bad);
        assert!(answer.starts_with("HTTP/1.1 400 ") && answer.ends_with(&format!("\r\n\r\n{why}\n")), "{bad:?} got {answer}");
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
        // A million lines (the most `n` may ask for), sent as they are made:
        // far more than we will read.
        s.write_all(b"GET /chunked?n=1000000 HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
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
        // The server must close at once, not at its 5 s idle timeout: a read
        // that waits 1 s for the close fails the test.
        s.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
        let answer = read_all(&s);
        assert!(answer.contains("Connection: close\r\n") && answer.ends_with("Hello World\n"), "{answer}");
    }
}

#[test]
fn smuggling_shapes_and_unsupported_bodies_are_refused() {
    let srv = server(2000);
    let cases: [(&[u8], &str); 5] = [
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "400"),
        // chunked twice, on one line or two (RFC 9112 §6.1: MUST NOT apply chunked more than once).
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", "400"),
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "400"),
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", "501"),
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n", "413"),
    ];
    for (req, status) in cases {
        let answer = exchange(&srv.addr(), req);
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

// ---- RFC 9112 / RFC 9110 MUSTs, one test per rule ----

/// The status line and headers of one raw response (up to the empty line).
fn head_of(answer: &str) -> &str {
    answer.split("\r\n\r\n").next().unwrap_or("")
}

#[test]
fn a_response_that_says_connection_close_closes_the_connection() {
    // RFC 9112 §9.6: after sending "close" the server MUST NOT process further requests.
    let srv = server(2000);
    let answer = exchange(&srv.addr(), b"PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"); // returns only when the server closes
    assert!(answer.starts_with("HTTP/1.1 405 "), "{answer}");
    assert!(head_of(&answer).contains("Connection: close"), "{answer}");
    assert_eq!(answer.matches("HTTP/1.1 ").count(), 1, "a request after `Connection: close` was answered: {answer}");
}

#[test]
fn a_405_carries_allow() {
    // RFC 9110 §15.5.6: the origin server MUST generate an Allow header field in a 405.
    let srv = server(2000);
    for (req, allow) in [
        (&b"DELETE / HTTP/1.1\r\nHost: x\r\n\r\n"[..], "Allow: GET, HEAD\r\n"),
        (b"GET /echo HTTP/1.1\r\nHost: x\r\n\r\n", "Allow: POST\r\n"),
    ] {
        let answer = exchange(&srv.addr(), req);
        assert!(answer.starts_with("HTTP/1.1 405 ") && head_of(&answer).contains(allow.trim_end()), "{answer}");
    }
}

#[test]
fn a_request_without_host_or_with_two_gets_400() {
    // RFC 9112 §3.2: MUST respond 400 to an HTTP/1.1 request without Host, and to
    // any request with more than one Host line (or an invalid Host value).
    let srv = server(2000);
    for req in [
        &b"GET / HTTP/1.1\r\n\r\n"[..],
        b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n",
        b"GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: a/b\r\n\r\n",
    ] {
        assert_status(&srv.addr(), req, "400");
    }
    // HTTP/1.0 had no Host requirement; an empty Host is valid (RFC 9110 §7.2).
    for req in [&b"GET / HTTP/1.0\r\n\r\n"[..], b"GET / HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n", b"GET / HTTP/1.1\r\nHost: [::1]:80\r\nConnection: close\r\n\r\n"] {
        assert_status(&srv.addr(), req, "200");
    }
}

#[test]
fn an_http_1_0_client_never_gets_a_chunked_response() {
    // RFC 9112 §6.1: MUST NOT send Transfer-Encoding unless the request is HTTP/1.1.
    let srv = server(2000);
    for req in [
        &b"GET /chunked?n=3 HTTP/1.0\r\n\r\n"[..],
        b"GET /chunked?n=3 HTTP/1.0\r\nConnection: keep-alive\r\nAccept-Encoding: gzip\r\n\r\n",
    ] {
        let mut s = connect(&srv.addr());
        s.write_all(req).unwrap();
        let mut raw = Vec::new();
        (&s).read_to_end(&mut raw).unwrap(); // the body ends where the connection does
        let text = String::from_utf8_lossy(&raw);
        let head = head_of(&text).to_ascii_lowercase();
        assert!(head.starts_with("http/1.1 200 ") && !head.contains("transfer-encoding"), "{text}");
        assert!(head.contains("connection: close"), "{text}");
        let body = &raw[raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4..];
        let plain = if head.contains("content-encoding: gzip") {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(body).read_to_end(&mut out).unwrap();
            out
        } else {
            body.to_vec()
        };
        assert_eq!(plain, b"line 1 of 3\nline 2 of 3\nline 3 of 3\n");
    }
}

#[test]
fn http_1_0_keep_alive_is_answered_with_keep_alive() {
    // An HTTP/1.0 client keeps the connection only if the response says so (RFC 9112 §9.3).
    let srv = server(2000);
    let answer = exchange(&srv.addr(), b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n");
    assert_eq!(answer.matches("HTTP/1.1 200 OK").count(), 2, "{answer}");
    let first = answer.split("Hello World\n").next().unwrap();
    assert!(first.contains("Connection: keep-alive\r\n"), "{answer}");
}

#[test]
fn content_length_must_be_digits_and_duplicates_must_agree() {
    // RFC 9110 §8.6: Content-Length = 1*DIGIT; RFC 9112 §6.3 rule 5: invalid -> 400 and close.
    let srv = server(2000);
    for cl in ["+5", "-5", " 5 5", "5,6", "0x5", "5.0", "", "99999999999999999999999", "５"] {
        let answer = exchange(&srv.addr(), format!("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: {cl}\r\n\r\nhello").as_bytes());
        assert!(answer.starts_with("HTTP/1.1 400 "), "Content-Length {cl:?} got {answer}");
    }
    let mut s = connect(&srv.addr());
    s.write_all(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!").unwrap();
    assert!(read_all(&s).starts_with("HTTP/1.1 400 "));
    // Agreeing duplicates are one length (RFC 9110 §8.6 allows either answer; we accept).
    let answer = exchange(&srv.addr(), b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
    assert!(answer.starts_with("HTTP/1.1 200 ") && answer.ends_with("\r\n\r\nhello"), "{answer}");
}

#[test]
fn a_transfer_coding_other_than_final_chunked_gets_400() {
    // RFC 9112 §6.3 rule 4: chunked not final -> 400 and close; §6.1: TE in HTTP/1.0 is faulty framing.
    let srv = server(2000);
    for req in [
        &b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"[..],
        b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
        b"POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    ] {
        assert_status(&srv.addr(), req, "400");
    }
}

#[test]
fn accept_encoding_is_negotiated_per_rfc_9110() {
    let srv = server(2000);
    let cases = [
        ("gzip;q=0, *", false),
        ("gzip;Q=0", false),
        ("GZIP", true),
        ("*", true),
        ("*;q=0", false),
        ("identity;q=0, gzip;q=0.1", true),
        ("br;q=1.0, gzip;q=0.8", true),
        ("gzip;q=0.000", false),
        ("gzip;q=0.001", true),
        ("x-gzip", true),
        ("", false),
    ];
    for (value, gzip) in cases {
        let answer = exchange(&srv.addr(), format!("GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: {value}\r\nConnection: close\r\n\r\n").as_bytes());
        assert_eq!(head_of(&answer).contains("Content-Encoding: gzip"), gzip, "Accept-Encoding: {value:?} got {answer}");
    }
    // The coding depends on Accept-Encoding, so every response of a resource
    // that has both says so, the identity one too (RFC 9110 §12.5.5: SHOULD);
    // a 404 does not depend on it.
    for (request, vary) in [
        ("GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n", true),
        ("GET / HTTP/1.1\r\nHost: x\r\n", true),
        ("GET /chunked?n=1 HTTP/1.1\r\nHost: x\r\n", true),
        ("GET /nope HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n", false),
    ] {
        let answer = exchange(&srv.addr(), format!("{request}Connection: close\r\n\r\n").as_bytes());
        assert_eq!(format!("{}\r\n", head_of(&answer)).contains("\r\nVary: Accept-Encoding\r\n"), vary, "{request:?} got {answer}");
    }
}

#[test]
fn an_absolute_form_target_is_accepted() {
    // RFC 9112 §3.2.2: a server MUST accept the absolute-form; the path is what routes.
    let srv = server(2000);
    let mut s = connect(&srv.addr());
    s.write_all(
        b"GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n\
          GET HTTP://127.0.0.1:8888/chunked?n=1 HTTP/1.1\r\nHost: y\r\n\r\n\
          GET http://x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    let mut r = ResponseReader::new(&s);
    assert_eq!(r.read_response(false).unwrap().body, b"Hello World\n");
    assert_eq!(r.read_response(false).unwrap().body, b"line 1 of 1\n");
    assert_eq!(r.read_response(false).unwrap().body, b"Hello World\n");
}

// ---- Robustness ----

#[test]
fn every_query_parameter_is_bounded() {
    let srv = server(2000);
    for target in ["/chunked?n=1000001", "/chunked?n=18446744073709551616", "/chunked?n=-1", "/chunked?n=x", "/chunked?n="] {
        let answer = exchange(&srv.addr(), format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes());
        assert!(answer.starts_with("HTTP/1.1 400 "), "{target} got {}", &answer[..answer.len().min(200)]);
    }
}

#[test]
fn a_slow_reading_client_cannot_hold_a_thread_for_ever() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    // A 1 s deadline per response; the client reads 16 KiB every 100 ms, so each
    // send(2) completes well within 1 s but the whole response would take minutes.
    let mut srv = server(1000);
    let s = connect(&srv.addr());
    (&s).write_all(b"GET /chunked?n=1000000 HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 16 * 1024];
            while !done.load(Ordering::SeqCst) {
                match (&s).read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => std::thread::sleep(Duration::from_millis(100)),
                }
            }
        })
    };
    let start = std::time::Instant::now();
    let line = srv.wait_for("close ");
    done.store(true, Ordering::SeqCst);
    assert!(line.contains("error: "), "{line}");
    assert!(start.elapsed() < Duration::from_secs(8), "the response ran {:?} past a 1 s deadline", start.elapsed());
    let _ = reader.join();
}

#[test]
fn logging_to_a_broken_stdout_does_not_panic_or_drop_clients() {
    use std::io::BufRead;
    use std::process::Stdio;
    // `http-server --port 0 | head -1`: stdout is a pipe whose reader has gone,
    // so every later write(2) to it fails with EPIPE.
    let mut child = Command::new(SERVER)
        .args(["--port", "0", "--timeout-ms", "1000", "--max-seconds", "30"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting http-server");
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap(); // reader dropped: pipe broken
    let stderr = child.stderr.take().unwrap();
    let child = Kill(child);
    let addr = first.split_whitespace().last().unwrap().trim_start_matches("http://").to_string();
    for _ in 0..3 {
        let mut s = connect(&addr);
        s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
        let answer = read_all(&s);
        assert!(answer.starts_with("HTTP/1.1 200 OK\r\n") && answer.ends_with("Hello World\n"), "got {answer:?}");
    }
    drop(child); // kill, so stderr reaches EOF
    let mut err = String::new();
    std::io::BufReader::new(stderr).read_to_string(&mut err).unwrap();
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn nonsense_flag_values_are_errors_not_panics() {
    use std::process::Stdio;
    for (flag, value) in [("--timeout-ms", "0"), ("--max-seconds", "-1"), ("--max-seconds", "1e300")] {
        let mut child = Command::new(SERVER)
            .args(["--port", "0", flag, value])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting http-server");
        let end = std::time::Instant::now() + Duration::from_secs(5);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if std::time::Instant::now() > end {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut err = String::new();
        child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        assert_eq!(status.and_then(|s| s.code()), Some(1), "{flag} {value} did not exit with an error: {err}");
        assert!(err.contains(flag.trim_start_matches('-')) && !err.contains("panicked"), "{flag} {value}: {err}");
    }
}

#[test]
fn connections_over_the_limit_get_503() {
    let mut srv = Running::start(SERVER, &["--port", "0", "--max-connections", "1", "--max-seconds", "60"]);
    let first = connect(&srv.addr());
    srv.wait_for("accept "); // the first connection has its thread
    let second = connect(&srv.addr());
    assert!(read_all(&second).starts_with("HTTP/1.1 503 "));
    drop(first);
    srv.wait_for("close ");
    // The slot is freed just after that log line: ask until it is (at most 2 s).
    for attempt in 0.. {
        let mut third = connect(&srv.addr());
        let _ = third.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let mut answer = Vec::new();
        let _ = third.read_to_end(&mut answer);
        if answer.starts_with(b"HTTP/1.1 200 ") {
            break;
        }
        assert!(attempt < 100, "still refused: {}", String::from_utf8_lossy(&answer));
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_refused_client_that_sent_its_request_reads_the_503_not_a_reset() {
    // A real client writes its request first and reads after. If the server
    // closes with that request unread in its receive queue, or the request
    // arrives after the close, Linux answers with a RST, and the client may
    // get ECONNRESET instead of the 503 (the lingering-close pitfall).
    let mut srv = Running::start(SERVER, &["--port", "0", "--max-connections", "1", "--max-seconds", "60"]);
    let _first = connect(&srv.addr());
    srv.wait_for("accept "); // the one slot is taken
    let addr = srv.addr();
    let clients: Vec<_> = (0..20)
        .map(|i| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let mut s = connect(&addr);
                // Half the clients write at once, half after the server has
                // surely answered and closed its side.
                std::thread::sleep(Duration::from_millis(if i % 2 == 0 { 0 } else { 50 }));
                s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").expect("sending the request");
                std::thread::sleep(Duration::from_millis(50)); // read late: the RST, if any, is here first
                let mut answer = Vec::new();
                let got = (&s).read_to_end(&mut answer);
                (got.map_err(|e| e.to_string()), String::from_utf8_lossy(&answer).into_owned())
            })
        })
        .collect();
    for c in clients {
        let (got, answer) = c.join().unwrap();
        assert!(got.is_ok() && answer.starts_with("HTTP/1.1 503 "), "read: {got:?}, got {answer:?}");
    }
}

#[test]
fn a_stdout_pipe_nobody_reads_does_not_stop_the_server() {
    use std::io::BufRead;
    use std::process::Stdio;
    // `http-server | less` with nobody scrolling: once the pipe buffer
    // (64 KiB) is full, every write(2) to stdout blocks.
    let mut child = Command::new(SERVER)
        .args(["--port", "0", "--timeout-ms", "2000", "--max-seconds", "60"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("starting http-server");
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap(); // and never read again, but keep the pipe open
    let _child = Kill(child);
    let addr = first.split_whitespace().last().unwrap().trim_start_matches("http://").to_string();
    // 2000 requests log about 130 KB: far more than the pipe holds.
    let mut s = connect(&addr);
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let reader = {
        let s = s.try_clone().unwrap();
        std::thread::spawn(move || {
            let mut got = Vec::new();
            let _ = (&s).read_to_end(&mut got); // ends at EOF or after 5 s of silence
            got
        })
    };
    s.write_all(&b"GET / HTTP/1.1\r\nHost: x\r\n\r\n".repeat(2000)).unwrap();
    s.shutdown(std::net::Shutdown::Write).unwrap();
    let got = reader.join().unwrap();
    let answered = String::from_utf8_lossy(&got).matches("HTTP/1.1 200 OK").count();
    assert_eq!(answered, 2000, "answers on the first connection");
    // And a new client is still served.
    let mut s = connect(&addr);
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = Vec::new();
    let r = (&s).read_to_end(&mut answer);
    assert!(r.is_ok() && answer.ends_with(b"Hello World\n"), "second connection: {r:?} {:?}", String::from_utf8_lossy(&answer));
    drop(stdout);
}

#[test]
fn connection_close_from_an_http_1_0_client_wins_over_keep_alive() {
    // RFC 9112 §9.6: a server that receives `close` MUST close after its response.
    let srv = server(5000);
    let mut s = connect(&srv.addr());
    s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    s.write_all(b"GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n").unwrap();
    let mut answer = Vec::new();
    let r = (&s).read_to_end(&mut answer); // times out after 3 s if the server keeps it open
    let answer = String::from_utf8_lossy(&answer);
    assert!(r.is_ok(), "the server did not close: {r:?}, got {answer}");
    assert!(answer.contains("Connection: close\r\n") && answer.ends_with("Hello World\n"), "{answer}");
}

#[test]
fn expect_100_continue_gets_100_before_the_body_is_sent() {
    // RFC 9110 §10.1.1: send 100 (Continue) or a final status, not silence.
    let srv = server(5000);
    let mut s = connect(&srv.addr());
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    s.write_all(b"POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n").unwrap();
    let mut interim = [0u8; 25];
    (&s).read_exact(&mut interim).expect("a 100 Continue within 2 s");
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    s.write_all(b"hello").unwrap();
    let resp = ResponseReader::new(&s).read_response(false).unwrap();
    assert_eq!((resp.status, &resp.body[..]), (200, &b"hello"[..]));
    // Too large a body: the final status at once, no 100.
    let mut s = connect(&srv.addr());
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    s.write_all(b"POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 99999999\r\n\r\n").unwrap();
    let answer = read_all(&s);
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
    // An HTTP/1.0 client gets no 100 (RFC 9110 §10.1.1: MUST NOT).
    let answer = exchange(&srv.addr(), b"POST /echo HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello");
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n") && answer.ends_with("hello"), "{answer}");
}

#[test]
fn a_chunked_request_body_is_decoded_within_the_body_limit() {
    // RFC 9112 §7.1: a recipient MUST be able to parse the chunked transfer coding.
    let srv = server(2000);
    let mut s = connect(&srv.addr());
    s.write_all(b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6 \t; e = \"v\"\r\n world\r\n0\r\nX-Trailer: t\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut r = ResponseReader::new(&s);
    let echo = r.read_response(false).unwrap();
    assert_eq!((echo.status, &echo.body[..]), (200, &b"hello world"[..]));
    assert_eq!(r.read_response(false).unwrap().body, b"Hello World\n");
    for (req, status) in [
        (&b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"[..], "400"),
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n", "400"),
        // Whitespace after the size only before a `;` (BWS, RFC 9112 §7.1.1).
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n", "400"),
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n", "413"),
        (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n100001\r\n", "413"),
    ] {
        let answer = exchange(&srv.addr(), req);
        assert!(answer.starts_with(&format!("HTTP/1.1 {status} ")), "{} got {answer}", String::from_utf8_lossy(req));
    }
}
