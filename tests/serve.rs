//! `workbook serve`: the book over HTTP, live reload, and the Run endpoint's
//! defences. Each test starts its own server on port 0.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{http, wait_until, Server};

/// A one-page book in a temp dir, for tests that edit the sources.
fn tiny_book() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("book.toml"), "[book]\ntitle = \"tiny\"\nsrc = \"chapters\"\n[build]\ncreate-missing = false\n").unwrap();
    std::fs::create_dir(dir.path().join("chapters")).unwrap();
    std::fs::write(dir.path().join("chapters/SUMMARY.md"), "# Summary\n\n- [Page](page.md)\n").unwrap();
    std::fs::write(dir.path().join("chapters/page.md"), "# Page\n\nThe first version.\n").unwrap();
    // The theme carries the Run button's redirection and the token.
    std::fs::create_dir(dir.path().join("theme")).unwrap();
    std::fs::copy(common::root().join("theme/head.hbs"), dir.path().join("theme/head.hbs")).unwrap();
    dir
}

#[test]
fn serves_the_introduction_and_chapter_one_with_their_code() {
    let server = Server::start(&common::root(), &["--no-run"]);
    let intro = server.get("/introduction.html");
    assert_eq!(intro.status, 200);
    assert!(intro.text().contains("<code class=\"language-rust"), "the introduction shows Rust code");
    let chapter = server.get("/ch01-io-traits/index.html");
    assert_eq!(chapter.status, 200);
    assert!(chapter.text().contains("I/O"), "chapter 1 is served");
    assert!(chapter.text().contains("__livereload"), "pages connect to the live-reload socket");
}

#[test]
fn editing_a_chapter_changes_the_served_page_without_a_restart() {
    let book = tiny_book();
    let server = Server::start(book.path(), &["--no-run"]);
    assert!(server.get("/page.html").text().contains("The first version."));
    std::fs::write(book.path().join("chapters/page.md"), "# Page\n\nThe second version.\n").unwrap();
    let rebuilt = wait_until(Duration::from_secs(20), || server.get("/page.html").text().contains("The second version."));
    assert!(rebuilt, "the page was not rebuilt after its source changed");
}

#[test]
fn a_foreign_host_header_is_refused_for_pages_and_runs() {
    let book = tiny_book();
    let server = Server::start(book.path(), &[]);
    // A DNS-rebinding page reaches 127.0.0.1 under its own name.
    let page = http(server.addr, "GET", "/page.html", &[("Host", "evil.example:3000")], b"");
    assert_eq!(page.status, 403);
    let origin = format!("http://{}", server.addr);
    let run = server.post_evaluate("fn main() {}", &[("Origin", &origin), ("Host", "evil.example")]);
    assert_eq!(run.status, 403);
}

#[test]
fn a_cross_origin_post_is_refused() {
    let book = tiny_book();
    let server = Server::start(book.path(), &[]);
    let token = server.token();
    let response = server.post_evaluate("fn main() {}", &[("Origin", "http://evil.example"), ("X-Workbook-Token", &token)]);
    assert_eq!(response.status, 403, "{}", response.text());
    let no_origin = server.post_evaluate("fn main() {}", &[("X-Workbook-Token", &token)]);
    assert_eq!(no_origin.status, 403, "{}", no_origin.text());
}

#[test]
fn a_missing_or_wrong_token_is_refused() {
    let book = tiny_book();
    let server = Server::start(book.path(), &[]);
    let origin = format!("http://{}", server.addr);
    let missing = server.post_evaluate("fn main() {}", &[("Origin", &origin)]);
    assert_eq!(missing.status, 403);
    assert!(missing.result().contains("token"), "{}", missing.result());
    let wrong = server.post_evaluate("fn main() {}", &[("Origin", &origin), ("X-Workbook-Token", "0123456789abcdef0123456789abcdef")]);
    assert_eq!(wrong.status, 403);
}

#[test]
fn the_page_token_changes_with_every_launch() {
    let book = tiny_book();
    let first = Server::start(book.path(), &[]).token();
    let second = Server::start(book.path(), &[]).token();
    assert_ne!(first, second);
    assert!(first.chars().all(|c| c.is_ascii_hexdigit()) && first.len() == 32);
}

#[test]
fn no_run_serves_the_book_without_the_endpoint() {
    let book = tiny_book();
    let server = Server::start(book.path(), &["--no-run"]);
    assert_eq!(server.get("/page.html").status, 200);
    let origin = format!("http://{}", server.addr);
    let response = server.post_evaluate("fn main() { println!(\"ran\"); }", &[("Origin", &origin)]);
    assert_ne!(response.status, 200);
    assert!(!response.text().contains("ran"));
}

#[test]
fn a_non_loopback_address_needs_an_explicit_flag() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_workbook"))
        .args(["serve", "--host", "0.0.0.0", "--port", "0"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--allow-remote"));
}

#[test]
fn a_snippet_using_nix_and_crossbeam_runs_and_prints() {
    let book = tiny_book();
    let server = Server::start(book.path(), &[]);
    let code = r#"
use crossbeam::channel::{bounded, select};
fn main() {
    let (tx, rx) = bounded(1);
    tx.send(nix::unistd::getpid().as_raw()).unwrap();
    select! { recv(rx) -> pid => println!("pid is positive: {}", pid.unwrap() > 0) }
}"#;
    let response = server.run(code);
    assert_eq!(response.status, 200);
    assert_eq!(response.result().trim(), "pid is positive: true");
}

#[test]
fn a_compile_error_is_shown_with_the_compilers_message() {
    let book = tiny_book();
    let server = Server::start(book.path(), &[]);
    let result = server.run("fn main() { let x: u32 = \"no\"; }").result();
    assert!(result.contains("mismatched types"), "{result}");
    assert!(result.contains("did not compile"), "{result}");
}

#[test]
fn an_endless_loop_is_killed_at_the_time_limit() {
    let book = tiny_book();
    let server = Server::start(book.path(), &["--time-limit", "2"]);
    let result = server.run("fn main() { println!(\"started\"); loop {} }").result();
    assert!(result.contains("started"), "output printed before the limit is kept: {result}");
    assert!(result.contains("stopped after 2 s"), "{result}");
    assert_no_leftovers(&server);
}

#[test]
fn children_a_snippet_leaves_behind_are_killed() {
    let book = tiny_book();
    let server = Server::start(book.path(), &[]);
    let code = r#"
use std::process::Command;
fn main() {
    for _ in 0..20 {
        Command::new("sleep").arg("100").spawn().unwrap();
    }
    // One escapes the process group: it must be found all the same.
    Command::new("setsid").args(["sleep", "100"]).spawn().unwrap();
    println!("spawned");
}"#;
    let result = server.run(code).result();
    assert!(result.contains("spawned"), "{result}");
    assert_no_leftovers(&server);
}

#[test]
fn ten_megabytes_of_output_are_cut() {
    let book = tiny_book();
    let server = Server::start(book.path(), &[]);
    let code = "fn main() { let line = \"x\".repeat(1023); for _ in 0..10 * 1024 { println!(\"{line}\"); } }";
    let response = server.run(code);
    let result = response.result();
    assert!(result.len() < 70 * 1024, "output was not capped: {} bytes", result.len());
    assert!(result.contains("output cut at 64 KiB"), "{}", &result[result.len() - 80..]);
    assert_no_leftovers(&server);
}

#[test]
fn fifty_concurrent_runs_are_answered_or_refused_and_the_server_stays_up() {
    let book = tiny_book();
    let mut server = Server::start(book.path(), &["--max-runs", "2", "--max-queued", "4"]);
    server.run("fn main() {}"); // wait until the Run button is ready
    let token = server.token();
    let origin = format!("http://{}", server.addr);
    let statuses: Vec<(u16, String)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..50)
            .map(|i| {
                let (server, token, origin) = (&server, &token, &origin);
                scope.spawn(move || {
                    let code = format!("fn main() {{ println!(\"run {i}\"); }}");
                    let r = server.post_evaluate(&code, &[("Origin", origin), ("X-Workbook-Token", token)]);
                    (r.status, r.result())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let ran = statuses.iter().filter(|(s, _)| *s == 200).count();
    let refused = statuses.iter().filter(|(s, r)| *s == 429 && r.contains("try again")).count();
    assert_eq!(ran + refused, 50, "every request got an answer: {statuses:?}");
    assert!(ran >= 6, "the slots and the queue were used: {ran} ran");
    for (i, (status, result)) in statuses.iter().enumerate() {
        if *status == 200 {
            assert_eq!(result.trim(), format!("run {i}"));
        }
    }
    assert!(server.is_running());
    assert_eq!(server.run("fn main() { println!(\"still here\"); }").result().trim(), "still here");
    assert_no_leftovers(&server);
}

/// No run's temp dir remains, and no process carries a run's marker.
fn assert_no_leftovers(server: &Server) {
    let left: Vec<_> = std::fs::read_dir(server.tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("workbook-run"))
        .collect();
    assert!(left.is_empty(), "temp dirs left behind: {left:?}");
    let gone = wait_until(Duration::from_secs(5), || marked_processes(server.pid()).is_empty());
    assert!(gone, "processes left behind: {:?}", marked_processes(server.pid()));
}

/// Live processes started by a run of the server `server_pid`: they carry
/// `WORKBOOK_RUN_ID=<server_pid>-<run>` in their environment.
fn marked_processes(server_pid: u32) -> Vec<u32> {
    let marker = format!("WORKBOOK_RUN_ID={server_pid}-");
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(environ) = std::fs::read(Path::new("/proc").join(pid.to_string()).join("environ")) else { continue };
        let Ok(stat) = std::fs::read_to_string(Path::new("/proc").join(pid.to_string()).join("stat")) else { continue };
        let zombie = stat.rsplit(')').next().is_some_and(|rest| rest.trim_start().starts_with('Z'));
        if !zombie && environ.split(|&b| b == 0).any(|v| v.starts_with(marker.as_bytes())) {
            found.push(pid);
        }
    }
    found
}
