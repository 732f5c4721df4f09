//! JSON-RPC 2.0 over TCP: one JSON object per line in each direction.
//!
//! A request names a `method`, carries `params` and an `id`; the response
//! carries the same `id` and either a `result` or an `error`. The spec
//! (<https://www.jsonrpc.org/specification>) leaves framing to the transport;
//! newline-delimited JSON is the usual choice on a raw TCP stream, since
//! serde_json never puts a raw newline inside a value it writes.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

// ANCHOR: types
/// `{"jsonrpc":"2.0","method":"add","params":[2,3],"id":1}`
#[derive(Debug, Serialize, Deserialize)]
pub struct Request {
    pub jsonrpc: String,
    pub method: String,
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub params: Value,
    /// Absent for a notification: the caller wants no answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Value>,
}

/// `{"jsonrpc":"2.0","result":5,"id":1}` or `{"jsonrpc":"2.0","error":{…},"id":1}`
#[derive(Debug, Serialize, Deserialize)]
pub struct Response {
    pub jsonrpc: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
/// The server's methods: `add` sums numbers, `upper` upper-cases a string.
fn call(method: &str, params: &Value) -> Result<Value, RpcError> {
    let invalid = |what: &str| RpcError { code: -32602, message: format!("invalid params: {what}") };
    match method {
        "add" => {
            let nums = params.as_array().ok_or_else(|| invalid("expected an array of numbers"))?;
            let mut sum = 0.0;
            for n in nums {
                sum += n.as_f64().ok_or_else(|| invalid("expected an array of numbers"))?;
            }
            Ok(json!(sum))
        }
        "upper" => match params.as_array().map(|a| a.as_slice()) {
            Some([Value::String(s)]) => Ok(json!(s.to_uppercase())),
            _ => Err(invalid("expected [\"a string\"]")),
        },
        _ => Err(RpcError { code: -32601, message: format!("method not found: {method}") }),
    }
}

/// Answers one line of input; `None` for a notification.
pub fn handle_line(line: &str) -> Option<String> {
    let response = match serde_json::from_str::<Request>(line) {
        Err(e) => Response {
            jsonrpc: "2.0".into(),
            result: None,
            error: Some(RpcError { code: -32700, message: format!("parse error: {e}") }),
            id: Value::Null,
        },
        Ok(req) => {
            let id = req.id?; // no id: a notification, run it and stay silent
            let (result, error) = match call(&req.method, &req.params) {
                Ok(v) => (Some(v), None),
                Err(e) => (None, Some(e)),
            };
            Response { jsonrpc: "2.0".into(), result, error, id }
        }
    };
    // Serializing our own plain structs cannot fail.
    Some(serde_json::to_string(&response).expect("a Response always serializes"))
}
// ANCHOR_END: methods

/// A JSON-RPC server bound to 127.0.0.1, a thread per connection.
pub struct Server {
    listener: TcpListener,
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    served: Arc<AtomicU64>,
}

impl Server {
    pub fn bind(port: u16) -> io::Result<Server> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
        let addr = listener.local_addr()?;
        Ok(Server { listener, addr, stopping: Arc::default(), served: Arc::default() })
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
            let Ok(stream) = conn else { continue };
            let (stopping, served, addr) = (self.stopping.clone(), self.served.clone(), self.addr);
            thread::spawn(move || -> io::Result<()> {
                let mut writer = &stream;
                for line in BufReader::new(&stream).lines() {
                    let line = line?;
                    if log {
                        println!("<- {line}");
                    }
                    let Some(answer) = handle_line(&line) else { continue };
                    if log {
                        println!("-> {answer}");
                    }
                    writer.write_all(format!("{answer}\n").as_bytes())?;
                    let n = served.fetch_add(1, Ordering::SeqCst) + 1;
                    if max_requests.is_some_and(|max| n >= max) && !stopping.swap(true, Ordering::SeqCst) {
                        let _ = TcpStream::connect(addr); // wake the accept loop
                    }
                }
                Ok(())
            });
        }
        Ok(self.served.load(Ordering::SeqCst))
    }
    // ANCHOR_END: serve
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
        let reader = BufReader::new(writer.try_clone()?); // dup(2): a second fd, same socket
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
    }
}
