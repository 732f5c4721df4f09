//! The JSON-RPC server against the JSON-RPC 2.0 specification
//! (<https://www.jsonrpc.org/specification>): each test runs `jsonrpc-server`
//! on a free port and talks to it with raw lines over TCP.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::Running;
use serde_json::{json, Value};

const SERVER: &str = env!("CARGO_BIN_EXE_jsonrpc-server");

struct Conn {
    writer: TcpStream,
    reader: BufReader<TcpStream>,
}

fn connect(srv: &Running) -> Conn {
    let writer = TcpStream::connect(srv.addr()).expect("connecting to jsonrpc-server");
    writer.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let reader = BufReader::new(writer.try_clone().unwrap());
    Conn { writer, reader }
}

impl Conn {
    /// Sends one line; returns the answer line as JSON.
    fn ask(&mut self, line: &str) -> Value {
        self.writer.write_all(format!("{line}\n").as_bytes()).unwrap();
        let mut answer = String::new();
        self.reader.read_line(&mut answer).expect("an answer line");
        serde_json::from_str(&answer).unwrap_or_else(|e| panic!("{line} got {answer:?}: {e}"))
    }
}

fn server() -> Running {
    Running::start(SERVER, &["--port", "0", "--quiet", "--timeout-ms", "5000"])
}

fn error(code: i64, id: Value) -> impl Fn(&Value) -> bool {
    move |a: &Value| a["jsonrpc"] == "2.0" && a["error"]["code"] == code && a["id"] == id && a.get("result").is_none()
}

#[test]
fn each_spec_error_has_its_code_and_id() {
    let srv = server();
    let mut c = connect(&srv);
    let cases: &[(&str, i64, Value)] = &[
        (r#"{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1"#, -32700, Value::Null),
        (r#"{"jsonrpc":"2.0","method":1,"params":"bar"}"#, -32600, Value::Null),
        (r#"{"jsonrpc":"1.0","method":"add","params":[1],"id":3}"#, -32600, json!(3)),
        (r#"{"method":"add","params":[1],"id":4}"#, -32600, json!(4)),
        (r#"{"jsonrpc":"2.0","method":"add","params":[1],"id":{"a":1}}"#, -32600, Value::Null),
        (r#"{"jsonrpc":"2.0","method":"add","params":"x","id":6}"#, -32600, json!(6)),
        (r#"["2.0","add",[40,2],7]"#, -32600, Value::Null), // a batch of four non-requests: four -32600s
        (r#""just a string""#, -32600, Value::Null),
        (r#"{"jsonrpc":"2.0","method":"nope","id":"a"}"#, -32601, json!("a")),
        (r#"{"jsonrpc":"2.0","method":"add","params":["x"],"id":9}"#, -32602, json!(9)),
        (r#"{"jsonrpc":"2.0","method":"upper","params":{"text":1},"id":10}"#, -32602, json!(10)),
        (r#"{"jsonrpc":"2.0","method":"add","params":[1e308,1e308],"id":11}"#, -32603, json!(11)),
        (r#"{"jsonrpc":"2.0","method":"add","params":[1],"id":null}"#, 0, Value::Null),
    ];
    for (line, code, id) in cases {
        let a = c.ask(line);
        if *code == 0 {
            // `"id": null` is a request, not a notification: it gets an answer.
            assert_eq!(a, json!({"jsonrpc":"2.0","result":1.0,"id":null}), "{line}");
        } else if line.starts_with('[') {
            let all = a.as_array().unwrap_or_else(|| panic!("{line} got {a}"));
            assert!(all.len() == 4 && all.iter().all(error(*code, id.clone())), "{line} got {a}");
        } else {
            assert!(error(*code, id.clone())(&a), "{line} got {a}");
        }
    }
}

#[test]
fn params_by_position_and_by_name() {
    let srv = server();
    let mut c = connect(&srv);
    assert_eq!(c.ask(r#"{"jsonrpc":"2.0","method":"add","params":[40,2],"id":1}"#)["result"], json!(42.0));
    assert_eq!(c.ask(r#"{"jsonrpc":"2.0","method":"upper","params":{"text":"hi"},"id":2}"#)["result"], json!("HI"));
    assert_eq!(c.ask(r#"{"jsonrpc":"2.0","method":"upper","params":["hi"],"id":3}"#)["result"], json!("HI"));
}

#[test]
fn notifications_get_no_answer_and_a_batch_gets_an_array() {
    let srv = server();
    let mut c = connect(&srv);
    // Two notifications (one of an unknown method), then a call: the first
    // line that comes back must be the call's answer.
    c.writer.write_all(b"{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[1]}\n{\"jsonrpc\":\"2.0\",\"method\":\"nope\"}\n").unwrap();
    assert_eq!(c.ask(r#"{"jsonrpc":"2.0","method":"add","params":[2],"id":"x"}"#)["id"], json!("x"));
    let a = c.ask(
        r#"[{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1},
            {"jsonrpc":"2.0","method":"add","params":[7]},
            {"foo":"boo"},
            {"jsonrpc":"2.0","method":"nope","id":"9"}]"#
            .replace('\n', " ")
            .as_str(),
    );
    let ids: Vec<&Value> = a.as_array().unwrap_or_else(|| panic!("{a}")).iter().map(|r| &r["id"]).collect();
    assert_eq!(ids, [&json!(1), &Value::Null, &json!("9")], "{a}");
    assert_eq!(a[1]["error"]["code"], json!(-32600));
    let empty = c.ask("[]");
    assert!(error(-32600, Value::Null)(&empty), "{empty}");
    // A batch of notifications only: nothing comes back, so the next answer is the call's.
    c.writer.write_all(b"[{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[1]}]\n").unwrap();
    assert_eq!(c.ask(r#"{"jsonrpc":"2.0","method":"add","params":[3],"id":2}"#)["id"], json!(2));
}

#[test]
fn a_line_over_the_limit_is_refused_and_the_connection_closed() {
    let srv = server();
    let mut c = connect(&srv);
    let big = format!("{{\"jsonrpc\":\"2.0\",\"method\":\"upper\",\"params\":[\"{}\"],\"id\":1}}", "a".repeat(2 * 1024 * 1024));
    let _ = c.writer.write_all(big.as_bytes()); // the server may close before it has read it all
    let mut answer = String::new();
    let _ = c.reader.read_line(&mut answer);
    let a: Value = serde_json::from_str(&answer).unwrap_or_else(|e| panic!("{answer:?}: {e}"));
    assert!(error(-32600, Value::Null)(&a), "{a}");
}

#[test]
fn an_idle_connection_is_closed_at_the_timeout() {
    let srv = Running::start(SERVER, &["--port", "0", "--quiet", "--timeout-ms", "300"]);
    let mut c = connect(&srv);
    let start = std::time::Instant::now();
    let mut line = String::new();
    assert_eq!(c.reader.read_line(&mut line).expect("EOF, not a read timeout"), 0);
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_line_trickled_a_byte_at_a_time_is_cut_off_at_the_deadline() {
    // --timeout-ms is a deadline for a whole line, not for each read: one
    // byte every 200 ms would otherwise hold a thread (and up to 1 MiB) for ever.
    let srv = Running::start(SERVER, &["--port", "0", "--quiet", "--timeout-ms", "1000"]);
    let mut s = TcpStream::connect(srv.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
    let start = std::time::Instant::now();
    let closed = loop {
        if start.elapsed() > Duration::from_secs(5) {
            break false;
        }
        if s.write_all(b" ").is_err() {
            break true; // the server reset the connection
        }
        let mut byte = [0u8; 1];
        match std::io::Read::read(&mut s, &mut byte) {
            Ok(0) => break true, // EOF: the server closed
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(_) => break true,
        }
    };
    assert!(closed, "still open after 5 s of one byte every 200 ms");
    assert!(start.elapsed() < Duration::from_secs(3), "closed after {:?}", start.elapsed());
}

#[test]
fn connections_over_the_limit_get_a_busy_error_and_a_close() {
    let srv = Running::start(SERVER, &["--port", "0", "--quiet", "--max-connections", "1"]);
    let mut first = connect(&srv);
    assert_eq!(first.ask(r#"{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1}"#)["result"], json!(3.0));
    let mut second = connect(&srv);
    let mut line = String::new();
    second.reader.read_line(&mut line).expect("a busy answer");
    let answer: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{line:?}: {e}"));
    assert_eq!((answer["error"]["code"].clone(), answer["id"].clone()), (json!(-32000), Value::Null), "{answer}");
    line.clear();
    assert_eq!(second.reader.read_line(&mut line).expect("EOF"), 0);
    // The first connection still works, and once it is gone a new one is served.
    assert_eq!(first.ask(r#"{"jsonrpc":"2.0","method":"add","params":[2,2],"id":2}"#)["result"], json!(4.0));
    drop(first);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let mut c = connect(&srv);
        c.writer.write_all(b"{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[3,3],\"id\":3}\n").unwrap();
        let mut line = String::new();
        c.reader.read_line(&mut line).unwrap();
        if line.contains("\"result\":6") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "still busy: {line}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_refused_client_that_sent_a_call_reads_the_busy_error_not_a_reset() {
    // As for the HTTP server: a client that writes its call before reading
    // must get the -32000 answer, not ECONNRESET from a close with its call unread.
    let srv = Running::start(SERVER, &["--port", "0", "--quiet", "--max-connections", "1"]);
    let mut first = connect(&srv);
    assert_eq!(first.ask(r#"{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1}"#)["result"], json!(3.0));
    let addr = srv.addr();
    let clients: Vec<_> = (0..20)
        .map(|i| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let mut s = TcpStream::connect(&addr).expect("connecting");
                s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                std::thread::sleep(Duration::from_millis(if i % 2 == 0 { 0 } else { 50 }));
                s.write_all(b"{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[1],\"id\":1}\n").expect("sending");
                std::thread::sleep(Duration::from_millis(50));
                let mut answer = Vec::new();
                let got = std::io::Read::read_to_end(&mut s, &mut answer);
                (got.map_err(|e| e.to_string()), String::from_utf8_lossy(&answer).into_owned())
            })
        })
        .collect();
    for c in clients {
        let (got, answer) = c.join().unwrap();
        assert!(got.is_ok() && answer.contains("-32000"), "read: {got:?}, got {answer:?}");
    }
}

#[test]
fn a_line_over_the_limit_gets_its_error_not_a_reset() {
    // The client writes its whole line, 1.5 MiB, before it reads: the server
    // must not close with the half MiB past the limit unread (a RST could
    // cost the client the error line).
    let srv = server();
    let c = connect(&srv);
    let big = format!("{{\"jsonrpc\":\"2.0\",\"method\":\"upper\",\"params\":[\"{}\"],\"id\":1}}\n", "a".repeat(1536 * 1024));
    let mut w = c.writer.try_clone().unwrap();
    let writer = std::thread::spawn(move || w.write_all(big.as_bytes()).map_err(|e| e.to_string()));
    std::thread::sleep(Duration::from_millis(200));
    let mut answer = Vec::new();
    let got = std::io::Read::read_to_end(&mut c.reader.into_inner(), &mut answer);
    let _ = writer.join();
    let answer = String::from_utf8_lossy(&answer);
    assert!(got.is_ok() && answer.contains("-32600"), "read: {got:?}, got {answer:?}");
}
