//! An HTTP/1.1 server on a raw `TcpStream`: a thread per connection,
//! keep-alive with a read deadline, gzip, `Content-Length` and chunked bodies,
//! pipelined requests answered in order. And the client side: reading
//! responses off one connection.
//!
//! The `http-server` example and the bench both run [`Server`]; the chapter's
//! pages include pieces of this file by anchor.

use std::fmt;
use std::io::{self, BufWriter, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, SyncSender, TrySendError};
use std::sync::{Arc, OnceLock};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use flate2::write::GzEncoder;
use flate2::Compression;

/// The body the Go book's server sends: the same twelve bytes here.
pub const HELLO: &[u8] = b"Hello World\n";

/// The most lines `/chunked?n=` may ask for (about 22 MB of body).
pub const MAX_LINES: u64 = 1_000_000;

/// How the server behaves. `Config::default()` is what `http-server` runs with.
#[derive(Clone, Debug)]
pub struct Config {
    /// How long a client may take to send a whole request head (keep-alive
    /// idle time included), and to take one whole response from us.
    pub timeout: Duration,
    /// Most bytes a request line plus headers may take (else 431).
    pub max_head: usize,
    /// Most bytes of a request body (else 413).
    pub max_body: usize,
    /// Stop accepting after this many responses.
    pub max_requests: Option<u64>,
    /// Most connections served at once (a thread each, and buffers of about
    /// `max_head` or `max_body` plus 16 KiB, beside the kernel's socket
    /// buffers); one more gets a 503 and is closed.
    pub max_connections: usize,
    /// Print a line per connection and request on stdout.
    pub log: bool,
    /// Set `TCP_NODELAY` on each connection (Go does by default).
    pub nodelay: bool,
    /// gzip level, 0–9 (6 is what both flate2's and Go's default mean).
    pub gzip_level: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            timeout: Duration::from_secs(5),
            max_head: 8 * 1024,
            max_body: 1024 * 1024,
            max_requests: None,
            max_connections: 512,
            log: true,
            nodelay: true,
            gzip_level: 6,
        }
    }
}

/// A bound, not yet running server.
pub struct Server {
    listener: TcpListener,
    config: Arc<Config>,
    stop: Stopper,
}

/// A handle that stops a running [`Server`] from any thread.
#[derive(Clone)]
pub struct Stopper {
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    served: Arc<AtomicU64>,
    active: Arc<AtomicUsize>,
}

impl Stopper {
    /// Asks the accept loop to end. `accept` blocks in the kernel, so after
    /// setting the flag we wake it the only portable way: by connecting.
    pub fn stop(&self) {
        if !self.stopping.swap(true, Ordering::SeqCst) {
            // Failure just means the listener is already gone. With a timeout:
            // if its accept queue is full, a SYN is dropped and a plain
            // connect would retry for about two minutes.
            let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        }
    }

    /// Responses written so far.
    pub fn served(&self) -> u64 {
        self.served.load(Ordering::SeqCst)
    }
}

// ANCHOR: bind
impl Server {
    /// Binds 127.0.0.1:`port` (0 lets the kernel pick a free port).
    pub fn bind(port: u16, config: Config) -> io::Result<Server> {
        // socket(2) + setsockopt(SO_REUSEADDR) + bind(2) + listen(2), in one call.
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
        let addr = listener.local_addr()?; // getsockname(2): the port we got
        let stop = Stopper {
            addr,
            stopping: Arc::new(AtomicBool::new(false)),
            served: Arc::new(AtomicU64::new(0)),
            active: Arc::new(AtomicUsize::new(0)),
        };
        Ok(Server { listener, config: Arc::new(config), stop })
    }
    // ANCHOR_END: bind

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.stop.addr
    }

    /// A handle to stop the server from another thread.
    pub fn stopper(&self) -> Stopper {
        self.stop.clone()
    }

    // ANCHOR: accept_loop
    /// Accepts connections until stopped; each gets its own thread.
    /// Returns the number of responses written.
    pub fn run(self) -> io::Result<u64> {
        for conn in self.listener.incoming() {
            if self.stop.stopping.load(Ordering::SeqCst) {
                break;
            }
            let stream = match conn {
                Ok(s) => s,
                Err(e) => {
                    // EMFILE/ENFILE (out of file descriptors), ENOBUFS/ENOMEM, or a
                    // network error accept(2) passes on (EPROTO, ENETDOWN, …):
                    // report, breathe, go on.
                    log_err(format_args!("accept: {e}"));
                    thread::sleep(Duration::from_millis(10));
                    continue;
                }
            };
            // One thread per connection, up to a limit: past it, a short 503.
            if self.stop.active.fetch_add(1, Ordering::SeqCst) >= self.config.max_connections {
                self.stop.active.fetch_sub(1, Ordering::SeqCst);
                refuse(stream, BUSY);
                continue;
            }
            let (config, stop) = (Arc::clone(&self.config), self.stop.clone());
            // The closure takes ownership of `stream`: TcpStream is Send, so
            // moving it to another thread is allowed; nothing else can touch it.
            let spawned = thread::Builder::new().name("http-conn".into()).spawn(move || {
                handle_connection(stream, &config, &stop);
                stop.active.fetch_sub(1, Ordering::SeqCst);
            });
            if let Err(e) = spawned {
                self.stop.active.fetch_sub(1, Ordering::SeqCst);
                log_err(format_args!("spawning a connection thread: {e}")); // the stream was dropped: closed
            }
        }
        Ok(self.stop.served())
    }
    // ANCHOR_END: accept_loop
}

/// Why a connection ended, for the log.
#[derive(Debug, PartialEq)]
enum Closed {
    ClientDone,
    ClientAskedClose,
    Timeout,
    BadRequest(u16),
    Stopped,
}

/// What a connection over the limit gets.
const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 5\r\n\r\nbusy\n";

// ANCHOR: refuse
/// Refused connections lingering at once; past this many, one is closed at once.
const MAX_LINGERING: usize = 256;

/// Answers a connection over the limit with `answer` and closes it, from the
/// accept loop, which must not block. The client has usually sent its
/// request already (or will, any moment): closing at once, with it unread
/// or still to come, would make the kernel answer with a RST (see
/// `linger_close`). So the socket goes to one "closer" thread, which writes
/// the answer and lingers on every refused socket at once.
pub fn refuse(stream: TcpStream, answer: &'static [u8]) {
    type Refused = (TcpStream, &'static [u8]);
    static CLOSER: OnceLock<Option<SyncSender<Refused>>> = OnceLock::new();
    let closer = CLOSER.get_or_init(|| {
        let (tx, rx) = mpsc::sync_channel(64);
        thread::Builder::new().name("closer".into()).spawn(move || close_refused(rx)).ok().map(|_| tx)
    });
    // try_send never blocks. If the closer is far behind (or never started),
    // this client gets its answer and a plain close: a RST is then possible.
    let Some(tx) = closer else {
        answer_and_close(&stream, answer);
        return;
    };
    if let Err(TrySendError::Full((s, a)) | TrySendError::Disconnected((s, a))) = tx.try_send((stream, answer)) {
        answer_and_close(&s, a);
    }
}

/// Writes `answer` without blocking (it fits in the empty send buffer of a
/// new socket) and sends FIN after it.
fn answer_and_close(stream: &TcpStream, answer: &[u8]) -> bool {
    let ok = stream.set_nonblocking(true).is_ok() && (&*stream).write(answer).is_ok_and(|n| n == answer.len());
    let _ = stream.shutdown(std::net::Shutdown::Write);
    ok
}

/// The closer thread: each refused socket gets its answer and FIN, then,
/// every 10 ms, a non-blocking read that drops what the client sent, until
/// the client closes, 1 s passes or 256 KiB came. Then it is closed.
fn close_refused(rx: mpsc::Receiver<(TcpStream, &'static [u8])>) {
    let mut lingering: Vec<(TcpStream, Instant, usize)> = Vec::new();
    loop {
        let next = if lingering.is_empty() {
            rx.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected)
        } else {
            rx.recv_timeout(Duration::from_millis(10))
        };
        match next {
            Ok((stream, answer)) => {
                if answer_and_close(&stream, answer) && lingering.len() < MAX_LINGERING {
                    lingering.push((stream, Instant::now() + Duration::from_secs(1), 0));
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) if lingering.is_empty() => return,
            Err(mpsc::RecvTimeoutError::Disconnected) => thread::sleep(Duration::from_millis(10)),
        }
        let now = Instant::now();
        // Keep a socket while it has nothing more to read yet; dropping it closes it.
        lingering.retain_mut(|(stream, deadline, total)| {
            let mut sink = [0u8; 4096];
            loop {
                match (&*stream).read(&mut sink) {
                    Ok(0) => return false, // the client's FIN: it has all we sent
                    Ok(n) if *total + n < 256 * 1024 => *total += n,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => return now < *deadline,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Ok(_) | Err(_) => return false,
                }
            }
        });
    }
}
// ANCHOR_END: refuse

// ANCHOR: log
/// Log lines wait here for the logger thread; past this many, new ones are dropped.
const LOG_QUEUE: usize = 1024;

enum LogMsg {
    Line(String, bool), // true: stderr
    Flush(SyncSender<()>),
}

struct Logger {
    tx: SyncSender<LogMsg>,
    dropped: Arc<AtomicU64>,
}

/// The one logger thread, started on first use. A write to stdout blocks
/// for as long as the pipe behind it is full (`http-server | less`, nobody
/// scrolling): only this thread may wait there, never a connection's.
fn logger() -> &'static Logger {
    static LOGGER: OnceLock<Logger> = OnceLock::new();
    LOGGER.get_or_init(|| {
        let (tx, rx) = mpsc::sync_channel(LOG_QUEUE);
        let dropped = Arc::new(AtomicU64::new(0));
        let lost = Arc::clone(&dropped);
        // If the thread cannot start, `rx` is dropped and every line counts as dropped.
        let _ = thread::Builder::new().name("http-log".into()).spawn(move || {
            for msg in rx {
                match msg {
                    LogMsg::Line(line, to_stderr) => {
                        let n = lost.swap(0, Ordering::Relaxed);
                        // The write's error (EPIPE: `| head -1`) is ignored:
                        // println! would panic on it, and a log line is not
                        // worth the server.
                        if to_stderr {
                            let mut err = io::stderr().lock();
                            if n > 0 {
                                let _ = writeln!(err, "({n} log lines dropped: output too slow)");
                            }
                            let _ = writeln!(err, "{line}");
                        } else {
                            let mut out = io::stdout().lock();
                            if n > 0 {
                                let _ = writeln!(out, "({n} log lines dropped: output too slow)");
                            }
                            let _ = writeln!(out, "{line}");
                        }
                    }
                    LogMsg::Flush(done) => {
                        let _ = done.send(());
                    }
                }
            }
        });
        Logger { tx, dropped }
    })
}

fn send_log(line: fmt::Arguments, to_stderr: bool) {
    let logger = logger();
    // try_send never blocks: a full queue (or a logger that never started)
    // costs the line, not the connection.
    if let Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) = logger.tx.try_send(LogMsg::Line(line.to_string(), to_stderr)) {
        logger.dropped.fetch_add(1, Ordering::Relaxed);
    }
}

/// One log line on stdout, written by the logger thread.
pub fn log(line: fmt::Arguments) {
    send_log(line, false);
}

/// The same for stderr.
fn log_err(line: fmt::Arguments) {
    send_log(line, true);
}

/// Waits at most `within` for the lines logged so far to be written (before
/// the process exits, which would lose them).
pub fn flush_log(within: Duration) {
    let end = Instant::now() + within;
    let (done, wait) = mpsc::sync_channel(1);
    let mut msg = LogMsg::Flush(done);
    loop {
        match logger().tx.try_send(msg) {
            Ok(()) => break,
            Err(TrySendError::Full(m)) if Instant::now() < end => {
                msg = m;
                thread::sleep(Duration::from_millis(5));
            }
            Err(_) => return,
        }
    }
    let _ = wait.recv_timeout(end.saturating_duration_since(Instant::now()));
}
// ANCHOR_END: log

fn handle_connection(stream: TcpStream, config: &Config, stop: &Stopper) {
    let peer = match stream.peer_addr() {
        Ok(p) => p.to_string(),
        Err(_) => return, // the client is already gone (ENOTCONN): nothing to serve
    };
    if stop.stopping.load(Ordering::SeqCst) {
        return;
    }
    if config.log {
        log(format_args!("accept {peer}"));
    }
    let result = serve_connection(&stream, &peer, config, stop);
    if config.log {
        match result {
            Ok(why) => log(format_args!("close {peer}: {why:?}")),
            Err(e) => log(format_args!("close {peer}: error: {e}")),
        }
    }
    // Dropping `stream` here closes the socket: close(2).
}

/// What we need of a request once its head is parsed. Owned, so the read
/// buffer can be reused while we answer.
#[derive(Debug)]
pub struct Head {
    pub method: String,
    pub target: String,
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub minor: u8,
    pub content_length: Option<usize>,
    /// `Transfer-Encoding` present with `chunked` as its final coding.
    pub chunked_body: bool,
    pub connection_close: bool,
    pub connection_keep_alive: bool,
    /// `Expect: 100-continue`: the client waits for a 100 before the body.
    pub expect_continue: bool,
    pub gzip_ok: bool,
}

/// The outcome of looking at the bytes received so far.
enum Parsed {
    /// A whole head of this many bytes.
    Complete(Head, usize),
    /// Not all of it yet: read more.
    Partial,
    /// An answer to send before closing: 400 or 431.
    Reject(u16, &'static str),
}

// ANCHOR: parse
/// Parses a request head from `buf` with httparse. No allocation inside
/// httparse: it returns slices of `buf`, which we copy out into a [`Head`].
fn parse_head(buf: &[u8], max_head: usize) -> Parsed {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut req = httparse::Request::new(&mut headers);
    let len = match req.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) if buf.len() > max_head => {
            return Parsed::Reject(431, "request head too large")
        }
        Ok(httparse::Status::Partial) => return Parsed::Partial,
        Err(httparse::Error::TooManyHeaders) => return Parsed::Reject(431, "too many headers"),
        Err(e) => return Parsed::Reject(400, error_text(e)),
    };
    if len > max_head {
        return Parsed::Reject(431, "request head too large");
    }
    let mut head = Head {
        // Complete means method, path and version are all present.
        method: req.method.unwrap_or_default().to_string(),
        target: req.path.unwrap_or_default().to_string(),
        minor: req.version.unwrap_or(1),
        content_length: None,
        chunked_body: false,
        connection_close: false,
        connection_keep_alive: false,
        expect_continue: false,
        gzip_ok: false,
    };
    let (mut hosts, mut transfer_coding, mut other_coding, mut chunked) = (0, false, false, 0);
    // Several Accept-Encoding lines are one comma-separated list (RFC 9110 §5.3).
    let mut accept_encoding: Option<Vec<u8>> = None;
    for h in req.headers.iter() {
        let name = h.name;
        if name.eq_ignore_ascii_case("host") {
            hosts += 1;
            if !valid_host(h.value) {
                return Parsed::Reject(400, "bad Host");
            }
        } else if name.eq_ignore_ascii_case("content-length") {
            // Content-Length = 1*DIGIT (RFC 9110 §8.6): no sign, no list, no spaces inside.
            let n = digits_only(h.value.trim_ascii()).then(|| std::str::from_utf8(h.value.trim_ascii()).ok()?.parse().ok());
            match (n.flatten(), head.content_length) {
                (None, _) => return Parsed::Reject(400, "bad Content-Length"),
                (Some(n), Some(old)) if n != old => return Parsed::Reject(400, "conflicting Content-Length"),
                (Some(n), _) => head.content_length = Some(n),
            }
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            // The codings of every line, in order; only the last one counts here.
            transfer_coding = true;
            for t in h.value.split(|&b| b == b',').map(|t| t.trim_ascii()).filter(|t| !t.is_empty()) {
                if t.eq_ignore_ascii_case(b"chunked") {
                    chunked += 1;
                } else {
                    other_coding = true;
                }
            }
            if let Some(last) = h.value.split(|&b| b == b',').map(|t| t.trim_ascii()).rfind(|t| !t.is_empty()) {
                head.chunked_body = last.eq_ignore_ascii_case(b"chunked");
            }
        } else if name.eq_ignore_ascii_case("connection") {
            for token in h.value.split(|&b| b == b',') {
                let token = token.trim_ascii();
                head.connection_close |= token.eq_ignore_ascii_case(b"close");
                head.connection_keep_alive |= token.eq_ignore_ascii_case(b"keep-alive");
            }
        } else if name.eq_ignore_ascii_case("expect") {
            head.expect_continue |= h.value.trim_ascii().eq_ignore_ascii_case(b"100-continue");
        } else if name.eq_ignore_ascii_case("accept-encoding") {
            let list = accept_encoding.get_or_insert_with(Vec::new);
            if !list.is_empty() {
                list.push(b',');
            }
            list.extend_from_slice(h.value);
        }
    }
    head.gzip_ok = accept_encoding.is_some_and(|v| accepts_gzip(&v));
    // RFC 9112 §3.2: 400 for an HTTP/1.1 request without Host, and for any
    // request with more than one.
    if hosts > 1 || (hosts == 0 && head.minor == 1) {
        return Parsed::Reject(400, "a request needs exactly one Host");
    }
    if transfer_coding {
        // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 is faulty framing.
        // §6.3 rule 4: if chunked is not the final coding, the length is unknown.
        // A sender MUST NOT apply chunked more than once (also §6.1): two
        // `chunked` are a framing two parsers may read differently.
        if head.minor == 0 || !head.chunked_body || chunked > 1 {
            return Parsed::Reject(400, "bad Transfer-Encoding");
        }
        // Both framings at once is the classic request-smuggling shape (RFC 9112 §6.3).
        if head.content_length.is_some() {
            return Parsed::Reject(400, "both Transfer-Encoding and Content-Length");
        }
        // We decode chunked only: an unknown coding SHOULD get 501 (RFC 9112 §6.1).
        if other_coding {
            return Parsed::Reject(501, "transfer codings other than chunked are not supported");
        }
    }
    Parsed::Complete(head, len)
}

fn digits_only(v: &[u8]) -> bool {
    !v.is_empty() && v.iter().all(u8::is_ascii_digit)
}

/// `Host = uri-host [ ":" port ]` (RFC 9110 §7.2): the characters a
/// reg-name, an IPv4 address or a bracketed IPv6 literal may hold, and ':'.
/// Empty is allowed (a target URI without an authority).
fn valid_host(v: &[u8]) -> bool {
    v.iter().all(|&b| b.is_ascii_alphanumeric() || b"-._~%!$&'()*+,;=:[]".contains(&b))
}
// ANCHOR_END: parse

fn error_text(e: httparse::Error) -> &'static str {
    match e {
        httparse::Error::Token => "bad token in request line",
        httparse::Error::Version => "bad HTTP version",
        httparse::Error::HeaderName => "bad header name",
        httparse::Error::HeaderValue => "bad header value",
        httparse::Error::NewLine => "bad line ending",
        httparse::Error::Status => "bad status",
        httparse::Error::TooManyHeaders => "too many headers",
    }
}

// ANCHOR: accepts_gzip
/// Does an `Accept-Encoding` value let us send gzip (RFC 9110 §12.5.3)?
/// We compare two candidates, gzip and identity (no coding), by the weight
/// the client gives each: its own entry (`x-gzip` counts as `gzip`,
/// §8.4.1.3), else `*`, which stands for every coding *not* listed, identity
/// included. gzip needs a weight above 0 and at least identity's; an unlisted
/// identity with no `*` is acceptable but unweighted, so it does not compete.
pub fn accepts_gzip(value: &[u8]) -> bool {
    let Ok(value) = std::str::from_utf8(value) else { return false };
    let (mut gzip, mut star, mut identity) = (None, None, None);
    for item in value.split(',') {
        let mut parts = item.split(';').map(|p| p.trim_matches([' ', '\t']));
        let coding = parts.next().unwrap_or("");
        if coding.is_empty() {
            continue; // empty list elements are allowed (RFC 9110 §5.6.1)
        }
        // weight = OWS ";" OWS "q=" qvalue; the name "q" is case-insensitive (§12.4.2).
        let mut q = Some(1000);
        for param in parts {
            if let Some((name, v)) = param.split_once('=') {
                if name.trim_end().eq_ignore_ascii_case("q") {
                    q = qvalue(v.trim_start());
                }
            }
        }
        let Some(q) = q else { continue }; // a malformed weight: skip the entry
        if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
            gzip = Some(q);
        } else if coding == "*" {
            star = Some(q);
        } else if coding.eq_ignore_ascii_case("identity") {
            identity = Some(q);
        }
    }
    let gzip = gzip.or(star).unwrap_or(0);
    gzip > 0 && identity.or(star).is_none_or(|id| gzip >= id)
}

/// `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )` (RFC 9110
/// §12.4.2), in thousandths; `None` if it is not one.
fn qvalue(v: &str) -> Option<u32> {
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{frac:0<3}").parse::<u32>().ok()?;
    match int {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}
// ANCHOR_END: accepts_gzip

// ANCHOR: read_more
/// What a read for more request bytes brought.
enum ReadMore {
    Got,
    Eof,
    Timeout,
}

/// How far the socket's `SO_RCVTIMEO` may be from the time actually left
/// before we pay a `setsockopt(2)` to change it.
const TIMEOUT_SLACK: Duration = Duration::from_millis(10);

/// Reads more bytes into `buf`, waiting at most until `deadline` (give or
/// take `TIMEOUT_SLACK`). `timeout` is the `SO_RCVTIMEO` last set on `stream`.
fn read_more(stream: &TcpStream, buf: &mut Vec<u8>, deadline: Instant, timeout: &mut Option<Duration>) -> io::Result<ReadMore> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Ok(ReadMore::Timeout);
    }
    // SO_RCVTIMEO: read(2) gives up with EAGAIN after `left`. The setting
    // stays on the socket, so we change it only when it is off by more than
    // the slack: when each read brings a whole request, that is once per
    // connection instead of one extra system call per request.
    if timeout.is_none_or(|t| t.abs_diff(left) > TIMEOUT_SLACK) {
        stream.set_read_timeout(Some(left))?;
        *timeout = Some(left);
    }
    let old = buf.len();
    buf.resize(old + 16 * 1024, 0);
    let r = (&*stream).read(&mut buf[old..]);
    let n = match r {
        Ok(n) => n,
        Err(e) => {
            buf.truncate(old);
            return match e.kind() {
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => Ok(ReadMore::Timeout),
                io::ErrorKind::Interrupted => Ok(ReadMore::Got),
                _ => Err(e),
            };
        }
    };
    buf.truncate(old + n);
    Ok(if n == 0 { ReadMore::Eof } else { ReadMore::Got })
}
// ANCHOR_END: read_more

// ANCHOR: deadline_writer
/// The write side of a connection, with a deadline for a whole response.
/// `SO_SNDTIMEO` bounds one `send(2)`, not a response: a client that reads a
/// few bytes every few seconds lets each call finish in time while the
/// response never does. So, as `read_more` does for reads, each write gets
/// only the time left before the deadline `start` set.
struct DeadlineWriter<'a> {
    stream: &'a TcpStream,
    deadline: Instant,
    /// `SO_SNDTIMEO` as last set on `stream`.
    timeout: Option<Duration>,
}

impl<'a> DeadlineWriter<'a> {
    fn new(stream: &'a TcpStream) -> DeadlineWriter<'a> {
        DeadlineWriter { stream, deadline: Instant::now(), timeout: None }
    }

    /// A new response begins: it has `limit` to reach the kernel.
    fn start(&mut self, limit: Duration) {
        self.deadline = Instant::now() + limit;
    }
}

impl Write for DeadlineWriter<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let late = || io::Error::new(io::ErrorKind::TimedOut, "response not taken by the client before its deadline");
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(late()); // also makes BufWriter's flush-on-drop return at once
        }
        if self.timeout.is_none_or(|t| t.abs_diff(left) > TIMEOUT_SLACK) {
            self.stream.set_write_timeout(Some(left))?; // setsockopt(SO_SNDTIMEO)
            self.timeout = Some(left);
        }
        match (&*self.stream).write(data) {
            // send(2) blocked for the whole time left: EAGAIN.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Err(late()),
            other => other,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(()) // nothing is buffered here; TcpStream's flush does nothing either
    }
}
// ANCHOR_END: deadline_writer

// ANCHOR: serve_connection
/// Answers requests on one connection until the client is done, times out,
/// or sends something we reject.
fn serve_connection(stream: &TcpStream, peer: &str, config: &Config, stop: &Stopper) -> io::Result<Closed> {
    stream.set_nodelay(config.nodelay)?; // setsockopt(TCP_NODELAY)
    // Every response must be sent within `config.timeout`: a client that
    // reads slowly, or not at all, cannot pin this thread (DeadlineWriter).
    let mut out = BufWriter::with_capacity(16 * 1024, DeadlineWriter::new(stream));
    let mut buf: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut timeout = None; // SO_RCVTIMEO as last set by read_more
    loop {
        // One deadline for the whole head: a client trickling a byte every
        // second cannot stretch it (the "slowloris" attack).
        let deadline = Instant::now() + config.timeout;
        let (head, len) = loop {
            match parse_head(&buf, config.max_head) {
                Parsed::Complete(head, len) => break (head, len),
                Parsed::Reject(status, why) => {
                    out.get_mut().start(config.timeout);
                    write_error(&mut out, status, why)?;
                    out.flush()?;
                    linger_close(stream, 256 * 1024);
                    return Ok(Closed::BadRequest(status));
                }
                Parsed::Partial => {
                    // About to block: first send the answers to pipelined
                    // requests we already handled.
                    out.flush()?;
                    match read_more(stream, &mut buf, deadline, &mut timeout)? {
                        ReadMore::Got => {}
                        ReadMore::Eof if buf.is_empty() => return Ok(Closed::ClientDone),
                        ReadMore::Eof => return Ok(Closed::ClientDone), // gave up mid-request
                        ReadMore::Timeout if buf.is_empty() => return Ok(Closed::Timeout),
                        ReadMore::Timeout => {
                            out.get_mut().start(config.timeout);
                            write_error(&mut out, 408, "request not finished in time")?;
                            out.flush()?;
                            return Ok(Closed::Timeout);
                        }
                    }
                }
            }
        };
        buf.drain(..len); // the head is consumed; pipelined bytes stay in order
        let body = read_body(stream, &mut out, &mut buf, &head, config, deadline, &mut timeout)?;
        out.get_mut().start(config.timeout); // this response's write deadline
        let body = match body {
            Ok(body) => body,
            Err((status, why)) => {
                write_error(&mut out, status, why)?;
                out.flush()?;
                linger_close(stream, 256 * 1024);
                return Ok(Closed::BadRequest(status));
            }
        };
        // `close` always wins (RFC 9112 §9.6); HTTP/1.0 closes unless asked to keep it (§9.3).
        let keep_alive = !head.connection_close && (head.minor == 1 || head.connection_keep_alive);
        let sent = respond(&mut out, &head, &body, keep_alive, config)?;
        if config.log {
            let gz = if head.gzip_ok { " gzip-ok" } else { "" };
            log(format_args!("{peer} {} {} -> {} ({} bytes){gz}", head.method, head.target, sent.status, sent.bytes));
        }
        let served = stop.served.fetch_add(1, Ordering::SeqCst) + 1;
        if config.max_requests.is_some_and(|max| served >= max) {
            out.flush()?;
            stop.stop();
            return Ok(Closed::Stopped);
        }
        // The response decides: if it said `Connection: close`, no further
        // request on this connection may be processed (RFC 9112 §9.6).
        if sent.close {
            out.flush()?;
            return Ok(if keep_alive { Closed::BadRequest(sent.status) } else { Closed::ClientAskedClose });
        }
    }
}
// ANCHOR_END: serve_connection

// ANCHOR: linger
/// Closes after an error answer without losing it. If we close(2) while the
/// client's unread bytes sit in our receive queue, the kernel answers with a
/// RST, and the client may see "connection reset" instead of our 400/431.
/// So: send FIN first (shutdown(SHUT_WR)), then read and drop what the client
/// still sends, for at most a second and `max` bytes.
pub fn linger_close(stream: &TcpStream, max: usize) {
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let deadline = Instant::now() + Duration::from_secs(1);
    let mut sink = [0u8; 4096];
    let mut total = 0;
    while total < max {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            break;
        }
        match (&*stream).read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => total += n,
        }
    }
}
// ANCHOR_END: linger

// ANCHOR: read_body
/// What the body reader answers when it gives up: a status and a reason.
type Refused = (u16, &'static str);

/// Reads a request body, `Content-Length` or chunked, at most `max_body`
/// bytes: first from what is buffered, then from the socket, all before
/// `deadline`.
fn read_body(
    stream: &TcpStream,
    out: &mut BufWriter<DeadlineWriter<'_>>,
    buf: &mut Vec<u8>,
    head: &Head,
    config: &Config,
    deadline: Instant,
    timeout: &mut Option<Duration>,
) -> io::Result<Result<Vec<u8>, Refused>> {
    let n = head.content_length.unwrap_or(0);
    if n > config.max_body {
        return Ok(Err((413, "body too large"))); // the final status at once: no 100
    }
    // RFC 9110 §10.1.1: an HTTP/1.1 client that sent `Expect: 100-continue`
    // waits for a 100 (Continue) before it sends the body. None for HTTP/1.0
    // (MUST NOT), and none needed if the body is already here.
    let body_pending = if head.chunked_body { buf.is_empty() } else { buf.len() < n };
    if head.expect_continue && head.minor == 1 && body_pending {
        out.get_mut().start(config.timeout);
        out.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        out.flush()?;
    }
    if head.chunked_body {
        return read_chunked_body(stream, buf, config, deadline, timeout);
    }
    while buf.len() < n {
        match read_more(stream, buf, deadline, timeout)? {
            ReadMore::Got => {}
            ReadMore::Eof => return Ok(Err((400, "body shorter than Content-Length"))),
            ReadMore::Timeout => return Ok(Err((408, "body not finished in time"))),
        }
    }
    Ok(Ok(buf.drain(..n).collect()))
}

/// Longest chunk-size line we take (size and extensions).
const MAX_CHUNK_LINE: usize = 1024;

/// `chunked-body = *chunk last-chunk trailer-section CRLF` (RFC 9112 §7.1):
/// each chunk is `<hex size>[;ext]\r\n<data>\r\n`, the last has size 0,
/// then trailer fields (read and dropped, at most `max_head` bytes) and an
/// empty line. The sum of the chunks is held to `max_body`.
fn read_chunked_body(
    stream: &TcpStream,
    buf: &mut Vec<u8>,
    config: &Config,
    deadline: Instant,
    timeout: &mut Option<Duration>,
) -> io::Result<Result<Vec<u8>, Refused>> {
    let mut body = Vec::new();
    loop {
        let line = match read_crlf_line(stream, buf, MAX_CHUNK_LINE, deadline, timeout)? {
            Ok(line) => line,
            Err(refused) => return Ok(Err(refused)),
        };
        // chunk-size = 1*HEXDIG, then `;` extensions (ignored), with
        // whitespace (BWS) allowed only before a `;` (RFC 9112 §7.1.1).
        let size_text = match line.iter().position(|&b| b == b';') {
            Some(i) => {
                let mut size = &line[..i];
                while let [rest @ .., b' ' | b'\t'] = size {
                    size = rest;
                }
                size
            }
            None => &line[..],
        };
        if size_text.is_empty() || !size_text.iter().all(u8::is_ascii_hexdigit) {
            return Ok(Err((400, "bad chunk size")));
        }
        let digits = std::str::from_utf8(size_text).unwrap_or("0").trim_start_matches('0');
        let size = if digits.len() > 8 { usize::MAX } else { usize::from_str_radix(digits, 16).unwrap_or(0) };
        if size > config.max_body - body.len() {
            return Ok(Err((413, "body too large")));
        }
        if size == 0 {
            let mut trailers = 0;
            loop {
                match read_crlf_line(stream, buf, config.max_head, deadline, timeout)? {
                    Ok(line) if line.is_empty() => return Ok(Ok(body)),
                    Ok(line) => trailers += line.len() + 2,
                    Err(refused) => return Ok(Err(refused)),
                }
                if trailers > config.max_head {
                    return Ok(Err((431, "trailer section too large")));
                }
            }
        }
        while buf.len() < size + 2 {
            match read_more(stream, buf, deadline, timeout)? {
                ReadMore::Got => {}
                ReadMore::Eof => return Ok(Err((400, "chunked body cut short"))),
                ReadMore::Timeout => return Ok(Err((408, "body not finished in time"))),
            }
        }
        if &buf[size..size + 2] != b"\r\n" {
            return Ok(Err((400, "chunk data not followed by CRLF")));
        }
        body.extend_from_slice(&buf[..size]);
        buf.drain(..size + 2);
    }
}

/// One CRLF-ended line of at most `max` bytes off the front of `buf`.
fn read_crlf_line(
    stream: &TcpStream,
    buf: &mut Vec<u8>,
    max: usize,
    deadline: Instant,
    timeout: &mut Option<Duration>,
) -> io::Result<Result<Vec<u8>, Refused>> {
    loop {
        if let Some(i) = buf.windows(2).position(|w| w == b"\r\n") {
            let line = buf[..i].to_vec();
            buf.drain(..i + 2);
            return Ok(Ok(line));
        }
        if buf.len() > max {
            return Ok(Err((400, "chunk line too long")));
        }
        match read_more(stream, buf, deadline, timeout)? {
            ReadMore::Got => {}
            ReadMore::Eof => return Ok(Err((400, "chunked body cut short"))),
            ReadMore::Timeout => return Ok(Err((408, "body not finished in time"))),
        }
    }
}
// ANCHOR_END: read_body

// ANCHOR: respond
/// What `respond` wrote: the status, the body bytes, and whether the
/// response said `Connection: close` (then the connection must end).
#[derive(Debug)]
pub struct Sent {
    pub status: u16,
    pub bytes: usize,
    pub close: bool,
}

/// How to answer one request: whether to keep the connection, whether the
/// client speaks HTTP/1.0, whether it asked with HEAD, whether the resource
/// comes gzipped or not depending on `Accept-Encoding`, and the gzip level
/// if that is how it goes out.
#[derive(Clone, Copy)]
struct Reply {
    keep_alive: bool,
    http10: bool,
    head_only: bool,
    negotiated: bool,
    gzip: Option<u32>,
}

/// Routes one request and writes its response into `out` (not flushed).
fn respond<W: Write>(out: &mut W, head: &Head, body: &[u8], keep_alive: bool, config: &Config) -> io::Result<Sent> {
    let (path, query) = path_and_query(&head.target);
    let get_or_head = head.method == "GET" || head.method == "HEAD";
    let reply = Reply {
        keep_alive,
        http10: head.minor == 0,
        head_only: head.method == "HEAD",
        negotiated: true,
        gzip: head.gzip_ok.then_some(config.gzip_level),
    };
    match path {
        "/" if get_or_head => write_full(out, 200, HELLO, reply),
        "/chunked" if get_or_head => {
            let lines = match query_number(query, "n", MAX_LINES) {
                Ok(n) => n.unwrap_or(5),
                Err(why) => return write_error(out, 400, why),
            };
            write_streamed(out, reply, |w| {
                for i in 1..=lines {
                    writeln!(w, "line {i} of {lines}")?;
                    w.flush()?; // ends a chunk: the client sees each line as it is made
                }
                Ok(())
            })
        }
        "/echo" if head.method == "POST" => write_full(out, 200, body, Reply { head_only: false, ..reply }),
        // 405 MUST list the methods the resource has (RFC 9110 §15.5.6).
        "/" | "/chunked" => write_not_allowed(out, "GET, HEAD"),
        "/echo" => write_not_allowed(out, "POST"),
        _ => write_full(out, 404, b"not found\n", Reply { negotiated: false, gzip: None, ..reply }),
    }
}

/// The path and the query of a request target. A server MUST accept the
/// absolute-form `http://host/path?query` too (RFC 9112 §3.2.2); its host
/// then replaces Host, which for our single site changes nothing.
fn path_and_query(target: &str) -> (&str, &str) {
    let has_scheme = |scheme: &str| target.get(..scheme.len()).is_some_and(|s| s.eq_ignore_ascii_case(scheme));
    let origin = match ["http://", "https://"].into_iter().find(|s| has_scheme(s)) {
        Some(scheme) => {
            let rest = &target[scheme.len()..]; // authority, then path and query
            rest.find(['/', '?']).map_or("", |i| &rest[i..])
        }
        None => target,
    };
    let (path, query) = origin.split_once('?').unwrap_or((origin, ""));
    (if path.is_empty() { "/" } else { path }, query) // an empty path means "/"
}
// ANCHOR_END: respond

/// The value of `key` in a query string: `Ok(None)` if absent, an error
/// unless it is a plain decimal number no bigger than `max`.
fn query_number(query: &str, key: &str, max: u64) -> Result<Option<u64>, &'static str> {
    let Some(value) = query.split('&').find_map(|kv| kv.strip_prefix(key)?.strip_prefix('=')) else {
        return Ok(None);
    };
    match value.parse::<u64>() {
        Ok(n) if digits_only(value.as_bytes()) && n <= max => Ok(Some(n)),
        _ => Err("n must be a number from 0 to 1000000"),
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// The status line, `Date`, `Server` and the connection's fate: `close`, or
/// for an HTTP/1.0 client that asked to keep it, `keep-alive` (HTTP/1.0
/// closes unless the response says so, RFC 9112 §9.3).
fn write_status_line<W: Write>(out: &mut W, status: u16, reply: Reply) -> io::Result<()> {
    write!(out, "HTTP/1.1 {status} {}\r\n", reason(status))?;
    write!(out, "Date: {}\r\nServer: ch04-sockets\r\n", ch04_sockets::clock::http_date(SystemTime::now()))?;
    if !reply.keep_alive {
        out.write_all(b"Connection: close\r\n")?;
    } else if reply.http10 {
        out.write_all(b"Connection: keep-alive\r\n")?;
    }
    Ok(())
}

const CLOSING: Reply = Reply { keep_alive: false, http10: false, head_only: false, negotiated: false, gzip: None };

/// A 4xx/5xx answer; the connection is closed after it.
fn write_error<W: Write>(out: &mut W, status: u16, why: &str) -> io::Result<Sent> {
    write_status_line(out, status, CLOSING)?;
    write!(out, "Content-Type: text/plain\r\nContent-Length: {}\r\n\r\n{why}\n", why.len() + 1)?;
    Ok(Sent { status, bytes: why.len() + 1, close: true })
}

/// 405 with the `Allow` header; closes, like every error.
fn write_not_allowed<W: Write>(out: &mut W, allow: &str) -> io::Result<Sent> {
    write_status_line(out, 405, CLOSING)?;
    let why = "method not allowed\n";
    write!(out, "Allow: {allow}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{why}", why.len())?;
    Ok(Sent { status: 405, bytes: why.len(), close: true })
}

// ANCHOR: write_full
/// `Content-Encoding` if we gzip, and `Vary` whenever `Accept-Encoding`
/// chose the coding, identity included: a cache must not hand the plain
/// body it stored to a client that asked for gzip, nor the reverse
/// (RFC 9110 §12.5.5).
fn write_coding<W: Write>(out: &mut W, reply: Reply) -> io::Result<()> {
    if reply.gzip.is_some() {
        out.write_all(b"Content-Encoding: gzip\r\n")?;
    }
    if reply.negotiated {
        out.write_all(b"Vary: Accept-Encoding\r\n")?;
    }
    Ok(())
}

/// A response whose length is known up front: `Content-Length`, then the body.
fn write_full<W: Write>(out: &mut W, status: u16, body: &[u8], reply: Reply) -> io::Result<Sent> {
    let compressed;
    let body = match reply.gzip {
        Some(level) => {
            let mut enc = GzEncoder::new(Vec::new(), Compression::new(level));
            enc.write_all(body)?;
            compressed = enc.finish()?;
            &compressed[..]
        }
        None => body,
    };
    write_status_line(out, status, reply)?;
    out.write_all(b"Content-Type: text/plain\r\n")?;
    write_coding(out, reply)?;
    write!(out, "Content-Length: {}\r\n\r\n", body.len())?;
    if !reply.head_only {
        out.write_all(body)?;
    }
    Ok(Sent { status, bytes: body.len(), close: !reply.keep_alive })
}
// ANCHOR_END: write_full

// ANCHOR: chunked_writer
/// Wraps a writer so every `flush` (and `finish`) sends what was written as
/// one chunk: `<size in hex>\r\n<bytes>\r\n`, ended by `0\r\n\r\n`.
pub struct ChunkedWriter<W: Write> {
    inner: W,
    pending: Vec<u8>,
    sent: usize,
}

impl<W: Write> ChunkedWriter<W> {
    pub fn new(inner: W) -> ChunkedWriter<W> {
        ChunkedWriter { inner, pending: Vec::new(), sent: 0 }
    }

    fn send_chunk(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            write!(self.inner, "{:x}\r\n", self.pending.len())?;
            self.inner.write_all(&self.pending)?;
            self.inner.write_all(b"\r\n")?;
            self.sent += self.pending.len();
            self.pending.clear();
        }
        Ok(())
    }

    /// Sends the last chunk and the empty one that ends the body; returns
    /// the inner writer and the number of body bytes sent.
    pub fn finish(mut self) -> io::Result<(W, usize)> {
        self.send_chunk()?;
        self.inner.write_all(b"0\r\n\r\n")?;
        Ok((self.inner, self.sent))
    }
}

impl<W: Write> Write for ChunkedWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send_chunk()?;
        self.inner.flush()
    }
}
// ANCHOR_END: chunked_writer

// ANCHOR: write_chunked
/// A response whose length is not known up front, optionally gzipped on the
/// fly (gzip writes into the layer below it). HTTP/1.1 gets `Transfer-Encoding:
/// chunked`. An HTTP/1.0 client does not know that coding, and a server MUST
/// NOT send it one (RFC 9112 §6.1): it gets the bare bytes, and the end of
/// the body is the end of the connection (`Connection: close`).
fn write_streamed<W: Write>(
    out: &mut W,
    reply: Reply,
    produce: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<Sent> {
    let reply = Reply { keep_alive: reply.keep_alive && !reply.http10, ..reply };
    write_status_line(out, 200, reply)?;
    out.write_all(b"Content-Type: text/plain\r\n")?;
    if !reply.http10 {
        out.write_all(b"Transfer-Encoding: chunked\r\n")?;
    }
    write_coding(out, reply)?;
    out.write_all(b"\r\n")?;
    let sent = |bytes| Ok(Sent { status: 200, bytes, close: !reply.keep_alive });
    if reply.head_only {
        return sent(0);
    }
    if reply.http10 {
        let mut counted = Counted { inner: out, n: 0 };
        match reply.gzip {
            Some(level) => {
                let mut gz = GzEncoder::new(&mut counted, Compression::new(level));
                produce(&mut gz)?;
                gz.finish()?;
            }
            None => produce(&mut counted)?,
        }
        return sent(counted.n);
    }
    let chunked = ChunkedWriter::new(out);
    let (_, bytes) = match reply.gzip {
        Some(level) => {
            let mut gz = GzEncoder::new(chunked, Compression::new(level));
            produce(&mut gz)?;
            gz.finish()?.finish()?
        }
        None => {
            let mut chunked = chunked;
            produce(&mut chunked)?;
            chunked.finish()?
        }
    };
    sent(bytes)
}
// ANCHOR_END: write_chunked

/// A writer that counts what passes through it (for the log).
struct Counted<W> {
    inner: W,
    n: usize,
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(data)?;
        self.n += n;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// One response as a client sees it, body already de-chunked and gunzipped.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// Bytes on the wire for the body (after chunk framing is removed,
    /// before gunzip).
    pub wire_body_len: usize,
    pub body: Vec<u8>,
}

impl Response {
    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The largest response body `ResponseReader` buffers: a size from the
/// server is a claim, not a reason to allocate.
pub const MAX_RESPONSE_BODY: usize = 64 * 1024 * 1024;

/// Reads responses one after another off a connection, keeping bytes that
/// belong to the next response in its buffer.
pub struct ResponseReader<R: Read> {
    inner: R,
    buf: Vec<u8>,
}

impl<R: Read> ResponseReader<R> {
    pub fn new(inner: R) -> ResponseReader<R> {
        ResponseReader { inner, buf: Vec::with_capacity(16 * 1024) }
    }

    fn fill(&mut self) -> io::Result<()> {
        let old = self.buf.len();
        self.buf.resize(old + 16 * 1024, 0);
        let n = self.inner.read(&mut self.buf[old..]);
        let n = match n {
            Ok(n) => n,
            Err(e) => {
                self.buf.truncate(old);
                return Err(e);
            }
        };
        self.buf.truncate(old + n);
        if n == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "connection closed mid-response"));
        }
        Ok(())
    }

    /// Reads exactly one response. `head_request` must be true if it answers
    /// a HEAD request (no body follows, whatever the headers say).
    pub fn read_response(&mut self, head_request: bool) -> io::Result<Response> {
        let (status, headers, len) = loop {
            let mut hs = [httparse::EMPTY_HEADER; 32];
            let mut resp = httparse::Response::new(&mut hs);
            match resp.parse(&self.buf) {
                Ok(httparse::Status::Complete(len)) => {
                    let headers = resp
                        .headers
                        .iter()
                        .map(|h| (h.name.to_string(), String::from_utf8_lossy(h.value).into_owned()))
                        .collect::<Vec<_>>();
                    break (resp.code.unwrap_or(0), headers, len);
                }
                Ok(httparse::Status::Partial) => self.fill()?,
                Err(e) => return Err(io::Error::new(io::ErrorKind::InvalidData, format!("parsing response: {e}"))),
            }
        };
        self.buf.drain(..len);
        let mut resp = Response { status, headers, wire_body_len: 0, body: Vec::new() };
        let chunked = resp.header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
        let raw = if head_request {
            Vec::new()
        } else if chunked {
            self.read_chunked()?
        } else {
            let n: usize = match resp.header("content-length") {
                Some(v) if digits_only(v.trim().as_bytes()) => v.trim().parse().unwrap_or(usize::MAX),
                Some(_) => return Err(io::Error::new(io::ErrorKind::InvalidData, "bad Content-Length")),
                None => 0,
            };
            if n > MAX_RESPONSE_BODY {
                return Err(io::Error::new(io::ErrorKind::InvalidData, format!("body of {n} bytes is over our limit")));
            }
            while self.buf.len() < n {
                self.fill()?;
            }
            self.buf.drain(..n).collect()
        };
        resp.wire_body_len = raw.len();
        resp.body = if resp.header("content-encoding").is_some_and(|v| v.eq_ignore_ascii_case("gzip")) {
            let mut plain = Vec::new();
            flate2::read::GzDecoder::new(&raw[..]).read_to_end(&mut plain)?;
            plain
        } else {
            raw
        };
        Ok(resp)
    }

    fn read_line(&mut self) -> io::Result<Vec<u8>> {
        loop {
            if let Some(i) = self.buf.windows(2).position(|w| w == b"\r\n") {
                let line = self.buf[..i].to_vec();
                self.buf.drain(..i + 2);
                return Ok(line);
            }
            if self.buf.len() > 64 * 1024 {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "a chunk size or trailer line over 64 KiB"));
            }
            self.fill()?;
        }
    }

    fn read_chunked(&mut self) -> io::Result<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let line = self.read_line()?;
            let size_text = String::from_utf8_lossy(&line);
            let size_text = size_text.split(';').next().unwrap_or("").trim_end_matches([' ', '\t']);
            let bad = || io::Error::new(io::ErrorKind::InvalidData, format!("bad chunk size {size_text:?}"));
            // 1*HEXDIG only: from_str_radix alone would also take a leading '+'.
            if size_text.is_empty() || !size_text.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(bad());
            }
            let size = usize::from_str_radix(size_text, 16).map_err(|_| bad())?;
            if size > MAX_RESPONSE_BODY || body.len() + size > MAX_RESPONSE_BODY {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "chunked body over our limit"));
            }
            if size == 0 {
                // Trailer fields (none from our server), then an empty line.
                while !self.read_line()?.is_empty() {}
                return Ok(body);
            }
            while self.buf.len() < size + 2 {
                self.fill()?;
            }
            body.extend_from_slice(&self.buf[..size]);
            self.buf.drain(..size + 2);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reader_refuses_bad_chunk_sizes_without_panicking() {
        for line in ["ffffffffffffffec", "ffffffffffffffff", "10000000000000000", "+5", "-1", "", ";x=y", "0x5", " 5", "5\u{0}", "５"] {
            let wire = format!("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{line}\r\nhello\r\n0\r\n\r\n");
            let got = ResponseReader::new(wire.as_bytes()).read_response(false);
            assert_eq!(got.map_err(|e| e.kind()).err(), Some(io::ErrorKind::InvalidData), "size line {line:?}");
        }
        for cl in ["+5", "-5", "5 5", "99999999999999999999999"] {
            let wire = format!("HTTP/1.1 200 OK\r\nContent-Length: {cl}\r\n\r\nhello");
            assert!(ResponseReader::new(wire.as_bytes()).read_response(false).is_err(), "Content-Length {cl:?}");
        }
        let ext = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 ;a=b\r\nhello\r\n0\r\n\r\n";
        assert_eq!(ResponseReader::new(&ext[..]).read_response(false).unwrap().body, b"hello");
    }

    #[test]
    fn gzip_is_negotiated_per_rfc_9110() {
        assert!(!accepts_gzip(b"gzip;q=0, *")); // `*` is only for codings not listed
        assert!(!accepts_gzip(b"gzip;Q=0")); // "q" is case-insensitive
        assert!(!accepts_gzip(b"gzip; q=0.0")); // OWS before the weight
        assert!(accepts_gzip(b"identity;q=0, gzip;q=0.1"));
        assert!(!accepts_gzip(b"gzip;q=0.5, identity")); // identity weighs more
        assert!(!accepts_gzip(b"*;q=0.5, gzip;q=0.1")); // `*` speaks for identity too: 0.5 beats 0.1
        assert!(accepts_gzip(b"*;q=0.1, gzip;q=0.5"));
        assert!(accepts_gzip(b"gzip, identity")); // a tie: gzip
        assert!(!accepts_gzip(b"identity;q=0")); // gzip not listed, no `*`
        assert!(accepts_gzip(b"identity;q=0, *"));
        assert!(!accepts_gzip(b"*;q=0"));
        assert!(!accepts_gzip(b"gzip;q=2")); // not a qvalue: the entry is ignored
        assert!(!accepts_gzip(b"gzip;q=0.0001"));
        assert!(accepts_gzip(b"gzip;q=1.000"));
        assert!(accepts_gzip(b", , gzip")); // empty list elements
        assert!(!accepts_gzip(b""));
    }

    #[test]
    fn path_and_query_accepts_the_absolute_form() {
        assert_eq!(path_and_query("/chunked?n=2"), ("/chunked", "n=2"));
        assert_eq!(path_and_query("http://example.com/chunked?n=2"), ("/chunked", "n=2"));
        assert_eq!(path_and_query("HTTPS://example.com:8443"), ("/", ""));
        assert_eq!(path_and_query("http://example.com?n=1"), ("/", "n=1"));
        assert_eq!(path_and_query("*"), ("*", ""));
    }

    #[test]
    fn gzip_is_accepted_unless_its_weight_is_zero() {
        assert!(accepts_gzip(b"gzip, deflate, br"));
        assert!(accepts_gzip(b"deflate, GZIP;q=0.5"));
        assert!(accepts_gzip(b"*"));
        assert!(!accepts_gzip(b"gzip;q=0"));
        assert!(!accepts_gzip(b"identity"));
        assert!(!accepts_gzip(b"gzipped")); // substring matching (the Go book's Contains) says yes
    }

    #[test]
    fn a_complete_head_is_parsed_and_its_length_returned() {
        let req = b"GET /x?n=2 HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\nGET / HTTP/1.1\r\n";
        let Parsed::Complete(head, len) = parse_head(req, 8192) else { panic!("not complete") };
        assert_eq!((head.method.as_str(), head.target.as_str(), head.minor), ("GET", "/x?n=2", 1));
        assert!(head.gzip_ok);
        assert_eq!(&req[len..], b"GET / HTTP/1.1\r\n");
    }

    #[test]
    fn smuggling_shapes_are_rejected() {
        let both = b"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n";
        assert!(matches!(parse_head(both, 8192), Parsed::Reject(400, _)));
        let two = b"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n";
        assert!(matches!(parse_head(two, 8192), Parsed::Reject(400, _)));
        // With Host: a parser that took the fold would otherwise still say 400, for the missing Host.
        let folded = b"GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  folded\r\n\r\n";
        assert!(matches!(parse_head(folded, 8192), Parsed::Reject(400, "bad header name")));
        let twice = b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n";
        assert!(matches!(parse_head(twice, 8192), Parsed::Reject(400, _)));
        let two_lines = b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n";
        assert!(matches!(parse_head(two_lines, 8192), Parsed::Reject(400, _)));
    }

    #[test]
    fn chunked_writer_frames_each_flush() {
        let mut w = ChunkedWriter::new(Vec::new());
        w.write_all(b"hello ").unwrap();
        w.flush().unwrap();
        w.write_all(b"world, chunked").unwrap();
        let (out, sent) = w.finish().unwrap();
        assert_eq!(out, b"6\r\nhello \r\ne\r\nworld, chunked\r\n0\r\n\r\n");
        assert_eq!(sent, 20);
    }

    #[test]
    fn the_reader_decodes_chunked_and_gzip_responses() {
        let mut wire = Vec::new();
        let head = Head {
            method: "GET".into(),
            target: "/chunked?n=3".into(),
            minor: 1,
            content_length: None,
            chunked_body: false,
            connection_close: false,
            connection_keep_alive: false,
            expect_continue: false,
            gzip_ok: true,
        };
        respond(&mut wire, &head, b"", true, &Config::default()).unwrap();
        respond(&mut wire, &Head { gzip_ok: false, target: "/".into(), ..head }, b"", true, &Config::default()).unwrap();
        let mut r = ResponseReader::new(&wire[..]);
        let first = r.read_response(false).unwrap();
        assert_eq!(first.body, b"line 1 of 3\nline 2 of 3\nline 3 of 3\n");
        let second = r.read_response(false).unwrap();
        assert_eq!(second.body, HELLO);
    }
}
