//! Helpers shared by the workbook's own tests: a server started on port 0 and
//! stopped on drop, a plain HTTP/1.1 client, and optional tools.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The chapter packages under code/, sorted.
pub fn code_packages() -> Vec<String> {
    let mut packages: Vec<String> = std::fs::read_dir(root().join("code"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    packages.sort();
    packages
}

/// A package's binaries: src/bin/NAME.rs and src/bin/NAME/main.rs.
pub fn binaries(package: &str) -> std::collections::BTreeSet<String> {
    let dir = root().join("code").join(package).join("src/bin");
    let Ok(entries) = std::fs::read_dir(dir) else { return std::collections::BTreeSet::new() };
    entries
        .flatten()
        .filter_map(|e| {
            let path = e.path();
            if path.extension().is_some_and(|x| x == "rs") {
                path.file_stem().map(|s| s.to_string_lossy().into_owned())
            } else if path.join("main.rs").is_file() {
                path.file_name().map(|s| s.to_string_lossy().into_owned())
            } else {
                None
            }
        })
        .collect()
}

/// Whether `tool` is installed. When it is not, a reader's `cargo test` skips
/// (and says how to enable the test); under CI (`CI=true`) that is a failure.
pub fn have_tool(tool: &str, debian_package: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{tool} is required under CI: .ci/run installs it (apt-get install {debian_package})"
        );
        // Straight to fd 2: the test harness captures `eprintln!` of a passing
        // test, and a reader should see what did not run.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: {tool} is not installed; `sudo apt-get install {debian_package}` enables this test"
        );
    }
    found
}

/// A `workbook serve` process on a free port, killed when dropped.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    pub tmp: tempfile::TempDir,
}

impl Server {
    /// Start `workbook serve --port 0 ARGS…` for the book at `root`. Its temp
    /// files go to a dir of its own (`self.tmp`), so a test can check that
    /// nothing is left there.
    pub fn start(root: &Path, args: &[&str]) -> Server {
        let tmp = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_workbook"))
            .args(["--root", root.to_str().unwrap(), "serve", "--port", "0"])
            .args(args)
            .env("TMPDIR", tmp.path())
            // Its own process group, so that dropping it can stop the cargo and
            // rustc it may have started, as Ctrl+C in a terminal would.
            .process_group(0)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting workbook serve");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        // Keep reading, so that the server never writes to a closed pipe.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let url = line
            .trim()
            .strip_prefix("Serving the book on http://")
            .unwrap_or_else(|| panic!("unexpected first line from serve: {line:?}"));
        let addr = url.trim_end_matches('/').parse().unwrap();
        Server { child, addr, tmp }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// The page at `path`, with this server's own Host header.
    pub fn get(&self, path: &str) -> Response {
        http(self.addr, "GET", path, &[("Host", &self.addr.to_string())], b"")
    }

    /// The run token, read from a served page as a browser would.
    pub fn token(&self) -> String {
        let page = self.get("/index.html").text();
        let start = page.find("const token = \"").expect("the page carries the run token") + 15;
        page[start..start + 32].to_string()
    }

    /// Post a snippet as the book's pages do: our Host, our Origin, our token.
    /// While the server is still preparing the Run button (it answers
    /// "Preparing Run (n of m crates built)" after a few seconds), ask again.
    pub fn run(&self, code: &str) -> Response {
        let origin = format!("http://{}", self.addr);
        let token = self.token();
        let deadline = Instant::now() + Duration::from_secs(600);
        loop {
            let response = self.post_evaluate(code, &[("Origin", &origin), ("X-Workbook-Token", &token)]);
            if response.status != 200 || !response.result().starts_with("Preparing Run (") || Instant::now() > deadline {
                return response;
            }
            std::thread::sleep(Duration::from_secs(1));
        }
    }

    pub fn post_evaluate(&self, code: &str, headers: &[(&str, &str)]) -> Response {
        let body = serde_json::json!({"version": "stable", "optimize": "0", "code": code, "edition": "2021"});
        let host = self.addr.to_string();
        let mut all = vec![("Host", host.as_str()), ("Content-Type", "application/json")];
        all.extend_from_slice(headers);
        http(self.addr, "POST", "/evaluate.json", &all, body.to_string().as_bytes())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let group = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGKILL);
        let _ = self.child.wait();
    }
}

pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// The `result` field of a Run answer.
    pub fn result(&self) -> String {
        let json: serde_json::Value = serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()));
        json["result"].as_str().unwrap_or_default().to_string()
    }
}

/// One HTTP/1.1 request on a fresh connection (`Connection: close`).
pub fn http(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
    let mut stream = TcpStream::connect(addr).expect("connecting to the server");
    stream.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    read_response(BufReader::new(stream))
}

/// Read one response: the head, then a body framed by Content-Length, by
/// chunks, or by the end of the connection (some servers keep it open even
/// after `Connection: close`, so framing comes first).
fn read_response(mut reader: BufReader<TcpStream>) -> Response {
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut line = Vec::new();
        let n = reader.read_until(b'\n', &mut line).expect("reading the response head");
        assert!(n > 0, "the connection closed before the response head ended");
        head.extend_from_slice(&line);
    }
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status code");
    let header = |name: &str| {
        head.lines().find_map(|l| l.strip_prefix(&format!("{name}:")).map(|v| v.trim().to_string()))
    };
    let mut body = Vec::new();
    if let Some(length) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        body.resize(length, 0);
        reader.read_exact(&mut body).expect("reading the response body");
    } else if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        loop {
            let mut size_line = String::new();
            reader.read_line(&mut size_line).expect("reading a chunk size");
            let size = usize::from_str_radix(size_line.trim(), 16).expect("a chunk size");
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).expect("reading a chunk");
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else {
        reader.read_to_end(&mut body).expect("reading the response body");
    }
    Response { status, body }
}

/// Poll `condition` every 100 ms until it holds or `limit` passes.
pub fn wait_until(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if condition() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    condition()
}
