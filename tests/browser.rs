//! The Run button in a real browser: headless Chromium, driven over the
//! WebDriver protocol by chromedriver, clicks Run on the book's pages and reads
//! the output the page shows. Needs Debian's `chromium` and `chromium-driver`.

mod common;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

struct Driver {
    process: Child,
    port: u16,
    session: String,
    _profile: tempfile::TempDir,
}

impl Driver {
    fn start() -> Driver {
        // chromedriver cannot pick its own port: take a free one.
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let process = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting chromedriver");
        let mut driver = Driver { process, port, session: String::new(), _profile: tempfile::tempdir().unwrap() };
        let up = common::wait_until(Duration::from_secs(20), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        assert!(up, "chromedriver did not start");
        let profile = driver._profile.path().display().to_string();
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                         "--window-size=1280,1024",
                         format!("--user-data-dir={profile}")]
            }
        }}});
        let session = driver.call("POST", "/session", capabilities);
        driver.session = session["sessionId"].as_str().expect("a session id").to_string();
        driver
    }

    fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let addr = format!("127.0.0.1:{}", self.port).parse().unwrap();
        let body = if method == "GET" || method == "DELETE" { Vec::new() } else { body.to_string().into_bytes() };
        let response = common::http(addr, method, path, &[("Host", &format!("127.0.0.1:{}", self.port)), ("Content-Type", "application/json")], &body);
        let value: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
        assert!(response.status == 200, "WebDriver {method} {path}: {}", response.text());
        value["value"].clone()
    }

    fn session_call(&self, method: &str, path: &str, body: Value) -> Value {
        self.call(method, &format!("/session/{}{path}", self.session), body)
    }

    fn open(&self, url: &str) {
        self.session_call("POST", "/url", json!({ "url": url }));
    }

    fn script(&self, script: &str) -> Value {
        self.session_call("POST", "/execute/sync", json!({ "script": script, "args": [] }))
    }

    /// Click the Run button of the `index`-th runnable snippet (a real click),
    /// and wait for the output the page shows under it.
    fn run_snippet(&self, index: usize) -> String {
        // Run buttons appear once the page has asked the server for /meta/crates.
        let shown = common::wait_until(Duration::from_secs(30), || {
            self.script(&format!(
                "const b = document.querySelectorAll('pre.playground')[{index}]?.querySelector('.play-button');
                 return !!b && !b.classList.contains('hidden');"
            )) == json!(true)
        });
        assert!(shown, "snippet {index} has no visible Run button");
        self.script(&format!("document.querySelectorAll('pre.playground')[{index}].scrollIntoView({{block: 'center'}});"));
        let element_id = |css: &str| -> String {
            let found = self.session_call("POST", "/elements", json!({"using": "css selector", "value": css}));
            found[index].as_object().unwrap().values().next().unwrap().as_str().unwrap().to_string()
        };
        // mdBook shows a snippet's buttons while the pointer is over it, as a reader's would be.
        let snippet = element_id("pre.playground");
        let pointer = json!({"actions": [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
            "actions": [{"type": "pointerMove", "duration": 0, "origin": {"element-6066-11e4-a52e-4f735466cecf": snippet}, "x": 0, "y": 0},
                        {"type": "pause", "duration": 300}]}]});
        self.session_call("POST", "/actions", pointer);
        let visible = common::wait_until(Duration::from_secs(5), || {
            self.script(&format!(
                "const b = document.querySelectorAll('pre.playground')[{index}].querySelector('.play-button');
                 const style = getComputedStyle(b.parentElement);
                 return style.visibility === 'visible' && style.opacity === '1';"
            )) == json!(true)
        });
        assert!(visible, "hovering snippet {index} did not show its buttons");
        let button = element_id("pre.playground .play-button");
        // While the server is still building the snippets' crates, a click is
        // answered "Preparing Run (n of m crates built)": click again, as a
        // reader would, until the real answer comes.
        let deadline = std::time::Instant::now() + Duration::from_secs(600);
        loop {
            self.session_call("POST", &format!("/element/{button}/click"), json!({}));
            let mut output = String::new();
            let done = common::wait_until(Duration::from_secs(180), || {
                output = self
                    .script(&format!(
                        "const r = document.querySelectorAll('pre.playground')[{index}].querySelector('.result');
                         return r ? r.innerText : '';"
                    ))
                    .as_str()
                    .unwrap_or("")
                    .to_string();
                !output.is_empty() && output != "Running..."
            });
            assert!(done, "snippet {index} showed no output, only {output:?}");
            if !output.starts_with("Preparing Run (") || std::time::Instant::now() > deadline {
                return output;
            }
            std::thread::sleep(Duration::from_secs(2));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let addr = format!("127.0.0.1:{}", self.port).parse().unwrap();
            let host = format!("127.0.0.1:{}", self.port);
            let _ = common::http(addr, "DELETE", &format!("/session/{}", self.session), &[("Host", &host)], b"");
        }
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn browser_available() -> bool {
    common::have_tool("chromium", "chromium") && common::have_tool("chromedriver", "chromium-driver")
}

/// The position among a page's runnable snippets of the first whose code contains `needle`.
fn snippet_containing(driver: &Driver, needle: &str) -> usize {
    let index = driver.script(&format!(
        "return Array.from(document.querySelectorAll('pre.playground')).findIndex(p => p.querySelector('code').textContent.includes({}));",
        json!(needle)
    ));
    let index = index.as_i64().unwrap_or(-1);
    assert!(index >= 0, "no runnable snippet containing {needle:?}");
    index as usize
}

#[test]
fn run_buttons_run_snippets_in_the_browser_and_show_their_output() {
    if !browser_available() {
        return;
    }
    let server = common::Server::start(&common::root(), &[]);
    let driver = Driver::start();

    // The introduction's first snippet.
    driver.open(&format!("http://{}/introduction.html", server.addr));
    let first = driver.run_snippet(0);
    assert!(!first.contains("did not compile") && !first.contains("Playground Communication"), "{first}");
    assert!(first.contains("hello"), "the introduction's first snippet prints hello: {first:?}");

    // A snippet that calls nix, on the page that teaches the Run button.
    let nix = snippet_containing(&driver, "getppid()");
    let output = driver.run_snippet(nix);
    assert!(output.contains("Hello from process"), "{output}");

    // A chapter 1 snippet that calls nix: the pipe example, whose hidden lines
    // measure the pipe's capacity with nix's fcntl.
    driver.open(&format!("http://{}/ch01-io-traits/read.html", server.addr));
    let pipe = snippet_containing(&driver, "nix::fcntl");
    let output = driver.run_snippet(pipe);
    assert!(output.contains("got \"message 1\"") && output.contains("F_GETPIPE_SZ says"), "{output}");
}

#[test]
fn an_edited_snippet_runs_as_edited() {
    if !browser_available() {
        return;
    }
    let server = common::Server::start(&common::root(), &[]);
    let driver = Driver::start();
    driver.open(&format!("http://{}/introduction.html", server.addr));
    let editable = driver.script(
        "return Array.from(document.querySelectorAll('pre.playground')).findIndex(p => p.querySelector('code.editable'));",
    );
    let index = editable.as_i64().expect("an index");
    assert!(index >= 0, "the introduction has an editable snippet");
    // Type into the Ace editor as a reader would, then press Run.
    driver.script(&format!(
        "const code = document.querySelectorAll('pre.playground')[{index}].querySelector('code');
         ace.edit(code).setValue('fn main() {{ println!(\"edited: {{}}\", 6 * 7); }}');"
    ));
    let output = driver.run_snippet(index as usize);
    assert_eq!(output.trim(), "edited: 42");
}
