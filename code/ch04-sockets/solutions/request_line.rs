//! Exercise 1 (solution): parse an HTTP/1.1 request line by hand.

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

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

// ANCHOR: solution
pub fn parse_request_line(line: &str) -> Result<RequestLine, LineError> {
    if line.is_empty() {
        return Err(LineError::Empty);
    }
    // split(' '), not split_whitespace(): "GET  / HTTP/1.1" (two spaces) has an
    // empty part and is malformed, and a tab is not a separator.
    let parts: Vec<&str> = line.split(' ').collect();
    let [method, target, version] = parts[..] else {
        return Err(LineError::Parts(parts.len()));
    };
    if method.is_empty() || !method.bytes().all(is_tchar) {
        return Err(LineError::Method);
    }
    let target_ok = (target.starts_with('/') || target == "*") && !target.bytes().any(|b| b.is_ascii_control());
    if !target_ok {
        return Err(LineError::Target);
    }
    let v = version.strip_prefix("HTTP/").ok_or(LineError::Version)?.as_bytes();
    match v {
        [major, b'.', minor] if major.is_ascii_digit() && minor.is_ascii_digit() => Ok(RequestLine {
            method: method.to_string(),
            target: target.to_string(),
            version: (major - b'0', minor - b'0'),
        }),
        _ => Err(LineError::Version),
    }
}
// ANCHOR_END: solution
