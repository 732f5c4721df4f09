//! Exercise 3 (solution): a JSON-RPC 2.0 dispatcher with registered methods,
//! notifications and batches.

use std::collections::HashMap;

use serde_json::{json, Value};

/// A method: takes `params`, returns a result or (code, message).
pub type Method = Box<dyn Fn(&Value) -> Result<Value, (i64, String)> + Send + Sync>;

/// Maps method names to functions.
#[derive(Default)]
pub struct Dispatcher {
    methods: HashMap<String, Method>,
}

fn error(code: i64, message: &str, id: Value) -> Value {
    json!({"jsonrpc": "2.0", "error": {"code": code, "message": message}, "id": id})
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

    // ANCHOR: one
    /// Answers one request object; `None` for a notification.
    fn one(&self, req: &Value) -> Option<Value> {
        let id = req.get("id").cloned();
        let valid = req.get("jsonrpc") == Some(&json!("2.0"))
            && req.get("method").is_some_and(Value::is_string)
            && req.get("params").is_none_or(|p| p.is_array() || p.is_object())
            && id.as_ref().is_none_or(|i| i.is_string() || i.is_number() || i.is_null());
        if !valid {
            // An id we could not read as one (an object, say) is answered as null.
            let id = id.filter(|i| i.is_string() || i.is_number()).unwrap_or(Value::Null);
            return Some(error(-32600, "Invalid Request", id));
        }
        let method = req["method"].as_str().unwrap_or_default();
        let params = req.get("params").cloned().unwrap_or(Value::Null);
        let outcome = match self.methods.get(method) {
            Some(f) => f(&params),
            None => Err((-32601, "Method not found".to_string())),
        };
        let id = id?; // a notification: run, but do not answer (even errors)
        Some(match outcome {
            Ok(result) => json!({"jsonrpc": "2.0", "result": result, "id": id}),
            Err((code, message)) => error(code, &message, id),
        })
    }
    // ANCHOR_END: one

    // ANCHOR: handle
    /// Answers a request or a batch (a JSON array of requests). `None` when
    /// there is nothing to send back (notifications only).
    pub fn handle(&self, text: &str) -> Option<String> {
        let answer = match serde_json::from_str::<Value>(text) {
            Err(_) => error(-32700, "Parse error", Value::Null),
            Ok(Value::Array(batch)) if batch.is_empty() => error(-32600, "Invalid Request", Value::Null),
            Ok(Value::Array(batch)) => {
                let answers: Vec<Value> = batch.iter().filter_map(|r| self.one(r)).collect();
                if answers.is_empty() {
                    return None;
                }
                Value::Array(answers)
            }
            Ok(req) => self.one(&req)?,
        };
        Some(answer.to_string())
    }
    // ANCHOR_END: handle
}
