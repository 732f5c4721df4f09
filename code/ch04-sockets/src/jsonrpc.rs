//! JSON-RPC 2.0 over TCP: one JSON object per line in each direction.
//!
//! A request names a `method`, carries `params` and an `id`; the response
//! carries the same `id` and either a `result` or an `error`. The spec
//! (<https://www.jsonrpc.org/specification>) leaves framing to the transport;
//! newline-delimited JSON is the usual choice on a raw TCP stream, since
//! serde_json never puts a raw newline inside a value it writes.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use ch04_sockets::http::log;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

// ANCHOR: types
/// `{"jsonrpc":"2.0","method":"add","params":[2,3],"id":1}`, as the client
/// writes it. (The server does not read requests into this struct: see
/// `handle_one`.)
#[derive(Debug, Serialize)]
pub struct Request {
    pub jsonrpc: String,
    pub method: String,
    #[serde(skip_serializing_if = "Value::is_null")]
    pub params: Value,
    /// Absent for a notification: the caller wants no answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Value>,
}

/// `{"jsonrpc":"2.0","result":5,"id":1}` or `{"jsonrpc":"2.0","error":{…},"id":1}`
#[derive(Debug, Serialize, Deserialize)]
pub struct Response {
    pub jsonrpc: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<RpcError>,
    pub id: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
}
// ANCHOR_END: types

impl std::fmt::Display for RpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JSON-RPC error {}: {}", self.code, self.message)
    }
}

// ANCHOR: methods
/// The server's methods: `add` sums numbers given by position; `upper`
/// upper-cases a string given by position (`["hi"]`) or by name
/// (`{"text":"hi"}`). The spec lets each method say which it accepts.
fn call(method: &str, params: &Value) -> Result<Value, RpcError> {
    let invalid = |what: &str| RpcError { code: -32602, message: format!("invalid params: {what}") };
    match method {
        "add" => {
            let nums = params.as_array().ok_or_else(|| invalid("expected an array of numbers"))?;
            let mut sum = 0.0;
            for n in nums {
                sum += n.as_f64().ok_or_else(|| invalid("expected an array of numbers"))?;
            }
            if !sum.is_finite() {
                // JSON has no infinity: serde_json would send `null` as the result.
                return Err(RpcError { code: -32603, message: "internal error: the sum is not a finite number".into() });
            }
            Ok(json!(sum))
        }
        "upper" => match params {
            Value::Array(a) if matches!(a.as_slice(), [Value::String(_)]) => Ok(json!(a[0].as_str().unwrap_or_default().to_uppercase())),
            Value::Object(o) if o.len() == 1 && o.get("text").is_some_and(Value::is_string) => {
                Ok(json!(o["text"].as_str().unwrap_or_default().to_uppercase()))
            }
            _ => Err(invalid(r#"expected ["a string"] or {"text": "a string"}"#)),
        },
        _ => Err(RpcError { code: -32601, message: format!("method not found: {method}") }),
    }
}

fn failure(id: Value, code: i64, message: impl Into<String>) -> Response {
    Response { jsonrpc: "2.0".into(), result: None, error: Some(RpcError { code, message: message.into() }), id }
}

/// Answers one line of input: a request or a batch (an array of requests).
/// `None` when nothing must be sent: a notification, or a batch of them.
pub fn handle_line(line: &str) -> Option<String> {
    let text = match serde_json::from_str::<Value>(line) {
        // Not JSON: we cannot know the caller's id, so it is null.
        Err(e) => serde_json::to_string(&failure(Value::Null, -32700, format!("parse error: {e}"))),
        Ok(Value::Array(batch)) if batch.is_empty() => {
            serde_json::to_string(&failure(Value::Null, -32600, "invalid request: empty batch"))
        }
        // A batch: the answers in an array; if all were notifications, nothing.
        Ok(Value::Array(batch)) => {
            let answers: Vec<Response> = batch.iter().filter_map(handle_one).collect();
            if answers.is_empty() {
                return None;
            }
            serde_json::to_string(&answers)
        }
        Ok(one) => serde_json::to_string(&handle_one(&one)?),
    };
    // Serializing our own plain structs and JSON values cannot fail.
    Some(text.expect("a Response always serializes"))
}

/// One request, checked member by member on the `Value` (a derived
/// `Deserialize` would also take `["2.0","add",[1],7]` for a request, and
/// read `"id": null` as a missing id).
fn handle_one(req: &Value) -> Option<Response> {
    let Some(req) = req.as_object() else {
        return Some(failure(Value::Null, -32600, "invalid request: not an object"));
    };
    // No `id` member: a notification. `"id": null` is a request (answered with null).
    let id = match req.get("id") {
        None => None,
        Some(id @ (Value::String(_) | Value::Number(_) | Value::Null)) => Some(id.clone()),
        Some(_) => return Some(failure(Value::Null, -32600, "invalid request: id must be a string, a number or null")),
    };
    let method = req.get("method").and_then(Value::as_str);
    // `params`, if present, MUST be an array (by position) or an object (by name).
    let params_ok = matches!(req.get("params"), None | Some(Value::Array(_) | Value::Object(_)));
    let version_ok = req.get("jsonrpc").is_some_and(|v| v == "2.0");
    let params = req.get("params").unwrap_or(&Value::Null);
    let (Some(method), true, true) = (method, version_ok, params_ok) else {
        // Invalid requests are answered even without an id: we cannot tell a notification.
        return Some(failure(id.unwrap_or(Value::Null), -32600, "invalid request"));
    };
    let outcome = call(method, params);
    let id = id?; // a notification: run it, send nothing, even on error
    Some(match outcome {
        Ok(result) => Response { jsonrpc: "2.0".into(), result: Some(result), error: None, id },
        Err(e) => failure(id, e.code, e.message),
    })
}
// ANCHOR_END: methods

/// The longest request line the server reads (else -32600 and close).
pub const MAX_LINE: usize = 1024 * 1024;

/// A JSON-RPC server bound to 127.0.0.1, a thread per connection.
pub struct Server {
    listener: TcpListener,
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    served: Arc<AtomicU64>,
    active: Arc<AtomicUsize>,
    /// A deadline for each request line (idle time before it included) and
    /// for writing each answer.
    pub timeout: Duration,
    /// Most connections served at once; one more gets a -32000 error and is closed.
    pub max_connections: usize,
}

impl Server {
    pub fn bind(port: u16) -> io::Result<Server> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
        let addr = listener.local_addr()?;
        Ok(Server {
            listener,
            addr,
            stopping: Arc::default(),
            served: Arc::default(),
            active: Arc::default(),
            timeout: Duration::from_secs(60),
            max_connections: 512,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    // ANCHOR: serve
    /// Serves until `max_requests` calls were answered (forever if `None`).
    pub fn run(self, max_requests: Option<u64>, log: bool) -> io::Result<u64> {
        for conn in self.listener.incoming() {
            if self.stopping.load(Ordering::SeqCst) {
                break;
            }
            let stream = match conn {
                Ok(s) => s,
                Err(e) => {
                    // Going straight back to accept(2) after EMFILE would spin at 100 % CPU.
                    let _ = writeln!(io::stderr(), "accept: {e}");
                    thread::sleep(Duration::from_millis(10));
                    continue;
                }
            };
            if self.active.fetch_add(1, Ordering::SeqCst) >= self.max_connections {
                self.active.fetch_sub(1, Ordering::SeqCst);
                // Answered and closed off the accept loop, with a lingering
                // close, as the HTTP server does. -32000..-32099 are the codes
                // the spec leaves to the server.
                ch04_sockets::http::refuse(stream, b"{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"server busy\"},\"id\":null}\n");
                continue;
            }
            let (stopping, served, active, addr, timeout) = (self.stopping.clone(), self.served.clone(), self.active.clone(), self.addr, self.timeout);
            let spawned = thread::Builder::new().name("jsonrpc-conn".into()).spawn(move || {
                let _ = serve_connection(&stream, timeout, log, max_requests, &stopping, &served, addr);
                active.fetch_sub(1, Ordering::SeqCst);
            });
            if let Err(e) = spawned {
                // The closure, and with it the stream, is dropped: the connection is closed.
                self.active.fetch_sub(1, Ordering::SeqCst);
                let _ = writeln!(io::stderr(), "spawning a connection thread: {e}");
            }
        }
        Ok(self.served.load(Ordering::SeqCst))
    }
// ANCHOR_END: serve
}

/// Reads and writes on a connection with a deadline set by `arm`: each
/// call gets only the time left (`SO_RCVTIMEO`/`SO_SNDTIMEO` are per call,
/// so a client sending one byte just inside each timeout would never be cut
/// off). One `setsockopt(2)` per call; the HTTP server shows how to save it.
struct Deadline<'a> {
    stream: &'a TcpStream,
    deadline: Instant,
}

impl Deadline<'_> {
    fn arm(&mut self, limit: Duration) {
        self.deadline = Instant::now() + limit;
    }

    fn left(&self) -> io::Result<Duration> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "connection deadline passed"));
        }
        Ok(left)
    }
}

impl Read for Deadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.stream.set_read_timeout(Some(self.left()?))?;
        (&*self.stream).read(buf)
    }
}

impl Write for Deadline<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.stream.set_write_timeout(Some(self.left()?))?;
        (&*self.stream).write(data)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// One connection: a line in, an answer out, until EOF, an error, or a
/// line not finished within `timeout`.
fn serve_connection(
    stream: &TcpStream,
    timeout: Duration,
    verbose: bool,
    max_requests: Option<u64>,
    stopping: &AtomicBool,
    served: &AtomicU64,
    addr: SocketAddr,
) -> io::Result<()> {
    let mut reader = BufReader::new(Deadline { stream, deadline: Instant::now() });
    let mut writer = Deadline { stream, deadline: Instant::now() };
    let mut line = Vec::new();
    loop {
        line.clear();
        reader.get_mut().arm(timeout); // the whole next line, idle time included
        // At most MAX_LINE + 1 bytes: a line without end cannot fill memory.
        match (&mut reader).take(MAX_LINE as u64 + 1).read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return Ok(()), // EOF, deadline (EAGAIN) or reset
            Ok(_) => {}
        }
        writer.arm(timeout);
        if line.len() > MAX_LINE {
            let too_long = failure(Value::Null, -32600, "invalid request: line over 1 MiB");
            let text = serde_json::to_string(&too_long).expect("a Response always serializes");
            writer.write_all(format!("{text}\n").as_bytes())?;
            // The rest of the line may still be coming: read and drop up to
            // another MAX_LINE of it before closing, else a RST may cost the
            // client this answer.
            ch04_sockets::http::linger_close(stream, MAX_LINE);
            return Ok(());
        }
        let text = String::from_utf8_lossy(&line); // bad UTF-8 becomes U+FFFD, then a parse error
        if text.trim().is_empty() {
            continue;
        }
        if verbose {
            log(format_args!("<- {}", text.trim_end())); // never blocks: see http::log
        }
        let Some(answer) = handle_line(&text) else { continue };
        if verbose {
            log(format_args!("-> {answer}"));
        }
        writer.write_all(format!("{answer}\n").as_bytes())?;
        let n = served.fetch_add(1, Ordering::SeqCst) + 1;
        if max_requests.is_some_and(|max| n >= max) && !stopping.swap(true, Ordering::SeqCst) {
            // Wake the accept loop. With a timeout: if its accept queue is
            // full, a plain connect would retry its SYN for about two minutes.
            let _ = TcpStream::connect_timeout(&addr, Duration::from_secs(1));
        }
    }
}

// ANCHOR: client
/// A client: one connection, calls answered in order.
pub struct Client {
    writer: TcpStream,
    reader: BufReader<TcpStream>,
    next_id: u64,
}

impl Client {
    pub fn connect(addr: impl ToSocketAddrs) -> io::Result<Client> {
        let writer = TcpStream::connect(addr)?;
        // fcntl(F_DUPFD_CLOEXEC): a second fd for the same socket.
        let reader = BufReader::new(writer.try_clone()?);
        Ok(Client { writer, reader, next_id: 1 })
    }

    /// Sends one request and waits for its response. `params` is JSON text
    /// (`"[2, 3]"`). The outer error is the transport failing (or `params`
    /// not being JSON); the inner one is the server's JSON-RPC error.
    pub fn call(&mut self, method: &str, params: &str) -> io::Result<Result<Value, RpcError>> {
        let params: Value = serde_json::from_str(params)?;
        let id = self.next_id;
        self.next_id += 1;
        let req = Request { jsonrpc: "2.0".into(), method: method.into(), params, id: Some(json!(id)) };
        let mut line = serde_json::to_string(&req)?;
        line.push('\n');
        self.writer.write_all(line.as_bytes())?;
        let mut answer = String::new();
        if self.reader.read_line(&mut answer)? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "server closed the connection"));
        }
        let resp: Response = serde_json::from_str(&answer)?;
        if resp.id != json!(id) {
            return Err(io::Error::new(io::ErrorKind::InvalidData, format!("answer to id {} while waiting for {id}", resp.id)));
        }
        Ok(match (resp.result, resp.error) {
            (_, Some(e)) => Err(e),
            (Some(v), None) => Ok(v),
            (None, None) => Ok(Value::Null),
        })
    }
}
// ANCHOR_END: client

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_option_member_reads_as_none_without_serde_default() {
        let r: Response = serde_json::from_str(r#"{"jsonrpc":"2.0","error":{"code":-32601,"message":"m"},"id":1}"#).unwrap();
        assert_eq!((r.result, r.error.map(|e| e.code)), (None, Some(-32601)));
        let call = Request { jsonrpc: "2.0".into(), method: "ping".into(), params: Value::Null, id: None };
        assert_eq!(serde_json::to_string(&call).unwrap(), r#"{"jsonrpc":"2.0","method":"ping"}"#);
    }

    #[test]
    fn a_call_gets_its_result_with_the_same_id() {
        let out = handle_line(r#"{"jsonrpc":"2.0","method":"add","params":[2,3],"id":7}"#).unwrap();
        assert_eq!(out, r#"{"jsonrpc":"2.0","result":5.0,"id":7}"#);
    }

    #[test]
    fn errors_carry_the_spec_codes() {
        let out = handle_line(r#"{"jsonrpc":"2.0","method":"nope","id":"a"}"#).unwrap();
        assert!(out.contains("-32601") && out.contains(r#""id":"a""#), "{out}");
        assert!(handle_line("{not json").unwrap().contains("-32700"));
        assert!(handle_line(r#"{"jsonrpc":"2.0","method":"add","params":["x"],"id":1}"#).unwrap().contains("-32602"));
    }

    #[test]
    fn a_notification_gets_no_answer() {
        assert_eq!(handle_line(r#"{"jsonrpc":"2.0","method":"add","params":[1]}"#), None);
        assert_eq!(handle_line(r#"{"jsonrpc":"2.0","method":"nope"}"#), None);
        assert_eq!(handle_line(r#"[{"jsonrpc":"2.0","method":"add","params":[1]}]"#), None);
    }

    #[test]
    fn an_id_of_null_is_a_request_not_a_notification() {
        let out = handle_line(r#"{"jsonrpc":"2.0","method":"add","params":[1],"id":null}"#);
        assert_eq!(out.as_deref(), Some(r#"{"jsonrpc":"2.0","result":1.0,"id":null}"#));
    }
}
