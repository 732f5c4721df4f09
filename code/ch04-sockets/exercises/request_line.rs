//! Exercise 1: parse an HTTP/1.1 request line by hand, with proper errors.
//!
//! Task: implement `parse_request_line` so that `GET /a?b=1 HTTP/1.1` becomes
//! `RequestLine { method: "GET", target: "/a?b=1", version: (1, 1) }` and every
//! malformed line gets the `LineError` that says what is wrong (see the enum).
//! Goal: `cargo run -- exercises ch04` shows `request_line` passing.
//! Time: about 20 minutes.

/// `GET /index.html HTTP/1.1`, split into its three parts.
#[derive(Debug, PartialEq)]
pub struct RequestLine {
    pub method: String,
    pub target: String,
    /// (major, minor): (1, 1) for `HTTP/1.1`.
    pub version: (u8, u8),
}

/// What is wrong with a request line; a server answers all of them with 400.
#[derive(Debug, PartialEq)]
pub enum LineError {
    /// Nothing at all.
    Empty,
    /// Not exactly three parts separated by single spaces.
    Parts(usize),
    /// The method is not a token (letters, digits and ``!#$%&'*+-.^_`|~``).
    Method,
    /// The target does not start with `/` (and is not `*`), or holds a
    /// control character.
    Target,
    /// Not `HTTP/` followed by one digit, a dot and one digit.
    Version,
}

pub fn parse_request_line(line: &str) -> Result<RequestLine, LineError> {
    todo!("split {line:?} into method, target and version, checking each")
}
