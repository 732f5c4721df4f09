//! Shared pieces of the ch07-signals examples: the line protocol and config of
//! the graceful server, and the exercise wiring.

use std::os::fd::RawFd;

/// Parses `SERVER_STARTER_PORT`, as set by Server::Starter and by our
/// `server-starter`: `host:port=fd`, e.g. `127.0.0.1:8080=3`. (Server::Starter
/// allows several `;`-separated entries; we take the first.) The variable
/// only passes the socket: the worker's readiness signal to our starter is
/// asked for separately, with `READY_SIGNAL=SIGUSR1`, because Perl's
/// start_server does not expect it.
///
/// ```
/// let (addr, fd) = ch07_signals::parse_server_starter_port("127.0.0.1:8080=3").unwrap();
/// assert_eq!((addr.as_str(), fd), ("127.0.0.1:8080", 3));
/// ```
pub fn parse_server_starter_port(value: &str) -> Option<(String, RawFd)> {
    let first = value.split(';').next()?;
    let (addr, fd) = first.rsplit_once('=')?;
    let fd: RawFd = fd.parse().ok()?;
    (fd >= 0).then(|| (addr.to_string(), fd))
}

/// The graceful server's configuration: `key = value` lines; only `greeting`
/// is used. Unknown keys are an error, so a typo does not pass silently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub greeting: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            greeting: "hello".to_string(),
        }
    }
}

impl Config {
    /// Parses the text of a config file.
    ///
    /// ```
    /// let c = ch07_signals::Config::parse("# comment\ngreeting = bonjour\n").unwrap();
    /// assert_eq!(c.greeting, "bonjour");
    /// ```
    pub fn parse(text: &str) -> Result<Config, String> {
        let mut config = Config::default();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                return Err(format!("line {}: expected `key = value`", n + 1));
            };
            match key.trim() {
                "greeting" => config.greeting = value.trim().to_string(),
                other => return Err(format!("line {}: unknown key `{other}`", n + 1)),
            }
        }
        Ok(config)
    }

    /// Reads and parses a config file; the error names the file.
    pub fn load(path: &std::path::Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("reading config {}: {e}", path.display()))?;
        Config::parse(&text).map_err(|e| format!("config {}: {e}", path.display()))
    }
}

/// The reader's files, stubs until solved. Always compiled, so they must build.
/// (`#[path]` on the inline module names the folder its modules live in.)
#[path = "../exercises"]
pub mod exercises {
    pub mod count_signals;
    pub mod graceful_accept;
    pub mod self_pipe;
}

/// Reference answers.
#[path = "../solutions"]
pub mod solutions {
    pub mod count_signals;
    pub mod graceful_accept;
    pub mod self_pipe;
}

#[cfg(not(feature = "check-exercises"))]
pub use solutions as answers;
#[cfg(feature = "check-exercises")]
pub use exercises as answers;
