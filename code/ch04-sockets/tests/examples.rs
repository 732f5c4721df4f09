//! The chapter's other examples, run as the reader runs them.

mod common;

use std::process::Command;

use ch04_sockets::http::ResponseReader;
use ch04_sockets::jsonrpc::Client;
use common::{have_tool, Running};
use serde_json::json;

fn run(exe: &str, args: &[&str], dir: Option<&std::path::Path>) -> String {
    let mut cmd = Command::new(exe);
    cmd.args(args);
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("running {exe}: {e}"));
    assert!(out.status.success(), "{exe} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8 output")
}

#[test]
fn a_socket_shows_up_as_an_fd_in_proc() {
    let out = run(env!("CARGO_BIN_EXE_socket-fd"), &[], None);
    assert_eq!(out.matches("-> socket:[inode]").count(), 3, "{out}");
    assert!(out.contains("accept saw the client's port: true") && out.ends_with("server read \"ping\"\n"), "{out}");
}

#[test]
fn the_http_client_pipelines_three_requests_on_one_connection() {
    let out = run(env!("CARGO_BIN_EXE_http-client"), &[], None);
    assert!(out.starts_with("response 1: 200 | Content-Length: 12 | identity"), "{out}");
    assert!(out.contains("response 2: 200 | Transfer-Encoding: chunked | gzip"), "{out}");
    assert_eq!(out.matches("line 3 of 3\n").count(), 2, "{out}");
}

#[test]
fn the_http_client_talks_to_a_separate_server() {
    let mut srv = Running::start(env!("CARGO_BIN_EXE_http-server"), &["--port", "0", "--max-seconds", "60"]);
    let addr = srv.addr();
    let out = run(env!("CARGO_BIN_EXE_http-client"), &["--addr", &addr], None);
    assert!(out.contains("response 3: 200"), "{out}");
    srv.wait_for(": ClientAskedClose"); // the third request said Connection: close
    assert_eq!(srv.seen.iter().filter(|l| l.starts_with("accept ")).count(), 1);
}

#[test]
fn json_rpc_calls_get_results_and_errors_by_id() {
    let mut srv = Running::start(env!("CARGO_BIN_EXE_jsonrpc-server"), &["--port", "0", "--max-requests", "4"]);
    let addr = srv.addr();
    let out = run(env!("CARGO_BIN_EXE_jsonrpc-client"), &["--addr", &addr], None);
    assert_eq!(
        out,
        "add([2, 3, 4.5]) = 9.5\nupper([\"hello\"]) = \"HELLO\"\ndivide([1, 0]) failed: JSON-RPC error -32601: method not found: divide\n"
    );
    let mut c = Client::connect(&addr).unwrap();
    assert_eq!(c.call("add", "[1, 1]").unwrap(), Ok(json!(2.0)));
    let (ok, lines) = srv.wait_exit(); // the fourth answer stopped it
    assert!(ok);
    assert!(lines.iter().any(|l| l.starts_with("-> ") && l.contains(r#""id":1"#)), "{lines:#?}");
}

#[test]
fn udp_echo_returns_every_datagram() {
    let out = run(env!("CARGO_BIN_EXE_udp-echo"), &["--count", "5"], None);
    assert_eq!(out.matches("got back").count(), 5, "{out}");
    assert!(out.contains("sent \"datagram 5\", got back \"datagram 5\""), "{out}");
}

#[test]
fn multicast_ticks_reach_a_listener_on_loopback() {
    let mut listener = Running::start(
        env!("CARGO_BIN_EXE_multicast-listener"),
        &["--port", "0", "--count", "3", "--max-seconds", "20"],
    );
    // "joined 224.0.0.1:PORT on 127.0.0.1": the listener is a member now.
    let port = listener.first_line.split(':').nth(1).and_then(|p| p.split_whitespace().next()).expect("a port").to_string();
    let ticks = run(env!("CARGO_BIN_EXE_multicast-ticker"), &["--port", &port, "--interval-ms", "100", "--count", "3"], None);
    assert_eq!(ticks.matches("tick ").count(), 3, "{ticks}");
    let (ok, lines) = listener.wait_exit();
    assert!(ok, "{lines:#?}");
    let got: Vec<_> = lines.iter().filter(|l| l.starts_with("from 127.0.0.1:")).collect();
    assert_eq!(got.len(), 3, "{lines:#?}");
    // The alignment itself is checked without timing by the unit test of
    // `until_next_tick`: a sleep's lateness on a busy machine is unbounded.
}

#[test]
fn unix_sockets_show_the_socket_file_and_its_stale_leftover() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let out = run(env!("CARGO_BIN_EXE_unix-sockets"), &["--dir", d], None);
    assert!(out.starts_with("srwx"), "{out}");
    assert!(out.contains("stream answer: HELLO OVER A UNIX SOCKET"), "{out}");
    assert!(out.contains("connect to the stale file: Connection refused"), "{out}");
    assert!(out.contains("bind over the stale file: Address already in use"), "{out}");
    assert!(out.contains("datagram: \"three\""), "{out}");
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "socket file left behind");
}

#[test]
fn unix_sockets_refuse_to_remove_a_regular_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("echo.sock"), "precious").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_unix-sockets")).args(["--dir", dir.path().to_str().unwrap()]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a socket; not removing it"));
    assert_eq!(std::fs::read_to_string(dir.path().join("echo.sock")).unwrap(), "precious");
}

#[test]
fn ls_shows_the_socket_file_type() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let out = Command::new("ls").arg("-l").arg(&path).output().expect("running ls");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("srwx"));
}

#[test]
fn the_bench_runs_in_quick_mode() {
    let out = run(env!("CARGO_BIN_EXE_sockets-bench"), &["--quick"], None);
    for row in ["Rust server, plain", "Rust server, gzip", "TCP loopback", "Unix stream socket", "Go server"] {
        assert!(out.contains(row), "no {row} row in:\n{out}");
    }
}

#[test]
fn gzip_alloc_counts_faults_in_one_thread_and_in_several() {
    let exe = env!("CARGO_BIN_EXE_gzip-alloc");
    let out = run(exe, &["50", "1"], None);
    assert!(out.starts_with("50 GzEncoder::new + finish in 1 thread: ") && out.contains(" minor page faults, "), "{out}");
    let out = run(exe, &["50", "4"], None);
    assert!(out.starts_with("48 GzEncoder::new + finish in 4 threads: "), "{out}");
    refuses(exe, &["0"], "N must be a positive number");
    refuses(exe, &["10", "x"], "THREADS must be a positive number");
}

#[test]
fn the_go_server_answers_pipelined_and_gzip_requests() {
    if !have_tool("go") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let exe = dir.path().join("go-http-server");
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/go");
    let built = Command::new("go").args(["build", "-o"]).arg(&exe).arg("./httpserver").current_dir(src).output().unwrap();
    assert!(built.status.success(), "go build: {}", String::from_utf8_lossy(&built.stderr));
    let srv = Running::start(exe.to_str().unwrap(), &["-port", "0", "-quiet", "-timeout", "2s", "-max-seconds", "60"]);
    let mut s = std::net::TcpStream::connect(srv.addr()).unwrap();
    use std::io::Write;
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n").unwrap();
    let mut r = ResponseReader::new(&s);
    assert_eq!(r.read_response(false).unwrap().body, b"Hello World\n");
    let gz = r.read_response(false).unwrap();
    assert_eq!((gz.header("content-encoding"), gz.body.as_slice()), (Some("gzip"), &b"Hello World\n"[..]));
}

/// Runs `exe` with `args` (at most 5 s): it must exit with status 1 and an
/// error that names `flag`, not panic (status 101) or run on.
#[track_caller]
fn refuses(exe: &str, args: &[&str], flag: &str) {
    use std::io::Read;
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let mut child = Command::new(exe).args(args).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("starting the example");
    let end = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for the example") {
            break status.code();
        }
        if Instant::now() > end {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    let _ = child.stderr.take().expect("piped stderr").read_to_string(&mut err);
    assert!(status == Some(1) && err.contains(flag) && !err.contains("panicked"), "{args:?}: exit {status:?}, stderr {err:?}");
}

#[test]
fn multicast_flags_out_of_range_are_errors_not_panics_or_floods() {
    let listener = env!("CARGO_BIN_EXE_multicast-listener");
    for secs in ["-1", "1e300", "0", "NaN"] {
        refuses(listener, &["--port", "0", "--max-seconds", secs], "max-seconds");
    }
    // 0 would send back to back, for ever without --count.
    refuses(env!("CARGO_BIN_EXE_multicast-ticker"), &["--port", "0", "--interval-ms", "0"], "interval-ms");
}
