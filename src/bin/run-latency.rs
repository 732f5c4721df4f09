//! How long a click on Run takes, from the POST to the answer, measured
//! against a real `workbook serve`, for a hello world and for a snippet using
//! nix and crossbeam's `select!`. For comparison, it also times the other way
//! the server could have worked: `cargo run` of the same snippet in a cargo
//! project whose dependencies are already built.
//!
//!     cargo run --release --bin run-latency            (20 runs each)
//!     cargo run --release --bin run-latency -- 5       (5 runs each)
//!
//! Prints p50 and p95 in milliseconds. The warm-up run waits while the server
//! finds (or, before any `cargo test`, builds) the snippet dependencies.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const HELLO: &str = r#"fn main() { println!("hello"); }"#;
const NIX_SELECT: &str = r#"
use crossbeam::channel::{bounded, select};
fn main() {
    let (tx, rx) = bounded(1);
    tx.send(nix::unistd::getpid().as_raw()).unwrap();
    select! { recv(rx) -> pid => println!("pid {}", pid.unwrap()) }
}"#;

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(20);
    if let Err(e) = run(runs) {
        eprintln!("run-latency: {e}");
        std::process::exit(1);
    }
}

fn run(runs: usize) -> Result<(), String> {
    let server = Server::start()?;
    let token = server.token()?;
    println!("{runs} runs each, after one warm-up run; times in ms\n");
    println!("{:<44} {:>8} {:>8}", "", "p50", "p95");
    for (name, code) in [("hello world, via serve (direct rustc)", HELLO), ("nix + crossbeam select!, via serve", NIX_SELECT)] {
        let times = measure(runs, |i| server.evaluate(&token, &format!("{code}\n// run {i}\n")))?;
        println!("{name:<44} {:>8.0} {:>8.0}", percentile(&times, 50), percentile(&times, 95));
    }
    let project = CargoProject::new()?;
    for (name, code) in [("hello world, cargo run per click", HELLO), ("nix + crossbeam select!, cargo run per click", NIX_SELECT)] {
        let times = measure(runs, |i| project.run(&format!("{code}\n// run {i}\n")))?;
        println!("{name:<44} {:>8.0} {:>8.0}", percentile(&times, 50), percentile(&times, 95));
    }
    Ok(())
}

/// One warm-up, then `runs` timed calls, in milliseconds. Each call gets a
/// different source (a numbered comment), as a reader's edits would: neither
/// rustc nor cargo may answer from a cache.
fn measure(runs: usize, mut once: impl FnMut(usize) -> Result<String, String>) -> Result<Vec<f64>, String> {
    let mut first = once(0)?;
    // A server still building the snippets' crates says so; wait for it.
    while first.starts_with("Preparing Run (") {
        std::thread::sleep(std::time::Duration::from_secs(1));
        first = once(0)?;
    }
    if first.contains("did not compile") || first.contains("error") {
        return Err(format!("the snippet failed: {first}"));
    }
    let mut times = Vec::with_capacity(runs);
    for i in 1..=runs {
        let start = Instant::now();
        once(i)?;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok(times)
}

fn percentile(sorted: &[f64], p: usize) -> f64 {
    sorted[((sorted.len() - 1) * p).div_ceil(100)]
}

/// `workbook serve --port 0`, stopped on drop.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start() -> Result<Server, String> {
        // `cargo run` execs the server, so the child is the server itself.
        let mut child = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["run", "--release", "-q", "--bin", "workbook", "--", "serve", "--port", "0"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("starting workbook serve: {e}"))?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).map_err(|e| e.to_string())?;
        let addr = line
            .trim()
            .trim_start_matches("Serving the book on http://")
            .trim_end_matches('/')
            .parse()
            .map_err(|_| format!("unexpected line from serve: {line:?}"))?;
        Ok(Server { child, addr })
    }

    fn request(&self, method: &str, path: &str, headers: &str, body: &str) -> Result<String, String> {
        let mut stream = TcpStream::connect(self.addr).map_err(|e| format!("connecting: {e}"))?;
        stream.set_read_timeout(Some(Duration::from_secs(600))).map_err(|e| e.to_string())?;
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n{headers}\r\n{body}",
            self.addr,
            body.len()
        );
        stream.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
        let mut response = String::new();
        stream.read_to_string(&mut response).map_err(|e| format!("reading the answer: {e}"))?;
        Ok(response)
    }

    fn token(&self) -> Result<String, String> {
        let page = self.request("GET", "/index.html", "", "")?;
        let start = page.find("const token = \"").ok_or("no token in the page")? + 15;
        Ok(page[start..start + 32].to_string())
    }

    fn evaluate(&self, token: &str, code: &str) -> Result<String, String> {
        let body = format!(r#"{{"version":"stable","optimize":"0","edition":"2021","code":{code:?}}}"#);
        let headers = format!("Origin: http://{}\r\nX-Workbook-Token: {token}\r\nContent-Type: application/json\r\n", self.addr);
        self.request("POST", "/evaluate.json", &headers, &body)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A cargo project with nix and crossbeam, built once; each click rewrites
/// main.rs and calls `cargo run`.
struct CargoProject {
    dir: tempfile::TempDir,
}

impl CargoProject {
    fn new() -> Result<CargoProject, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        std::fs::create_dir(dir.path().join("src")).map_err(|e| e.to_string())?;
        std::fs::write(
            dir.path().join("Cargo.toml"),
            "[package]\nname = \"snippet\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nnix = { version = \"0.31\", features = [\"process\"] }\ncrossbeam = \"0.8\"\n",
        )
        .map_err(|e| e.to_string())?;
        // Reuse this workspace's lock file, so cargo picks the versions already downloaded.
        let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock");
        std::fs::copy(lock, dir.path().join("Cargo.lock")).map_err(|e| e.to_string())?;
        Ok(CargoProject { dir })
    }

    fn run(&self, code: &str) -> Result<String, String> {
        std::fs::write(self.dir.path().join("src/main.rs"), code).map_err(|e| e.to_string())?;
        let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["run", "-q", "--offline"])
            .current_dir(self.dir.path())
            .output()
            .map_err(|e| format!("running cargo: {e}"))?;
        if !output.status.success() {
            return Err(format!("cargo run failed: {}", String::from_utf8_lossy(&output.stderr)));
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }
}
