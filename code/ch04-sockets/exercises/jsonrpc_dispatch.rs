//! Exercise 3: a JSON-RPC 2.0 dispatcher (registered methods, notifications, batches).
//!
//! Task: implement `Dispatcher::handle`. It gets the text of one request or
//! of a batch (a JSON array of requests) and returns the response text, or
//! `None` when nothing must be sent back. Follow the spec's error codes:
//! -32700 parse error (id null), -32600 invalid request (not "2.0", method
//! not a string, params not an array/object, an empty batch), -32601 method
//! not found. A request without "id" is a notification: run it, answer nothing.
//! Goal: `cargo run -- exercises ch04` shows `jsonrpc_dispatch` passing.
//! Time: about 30 minutes.

use std::collections::HashMap;

use serde_json::Value;

/// A method: takes `params`, returns a result or (code, message).
pub type Method = Box<dyn Fn(&Value) -> Result<Value, (i64, String)> + Send + Sync>;

/// Maps method names to functions.
#[derive(Default)]
pub struct Dispatcher {
    methods: HashMap<String, Method>,
}

impl Dispatcher {
    pub fn new() -> Dispatcher {
        Dispatcher::default()
    }

    /// Adds a method. `Send + Sync` so one dispatcher can serve every
    /// connection thread through an `Arc`.
    pub fn register(&mut self, name: &str, f: impl Fn(&Value) -> Result<Value, (i64, String)> + Send + Sync + 'static) {
        self.methods.insert(name.to_string(), Box::new(f));
    }

    /// Answers a request or a batch; `None` when there is nothing to send back.
    pub fn handle(&self, text: &str) -> Option<String> {
        todo!("parse {text:?}, call the method(s) in {} registered, build the response(s)", self.methods.len())
    }
}
