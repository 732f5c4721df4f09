//! Tests of the example programs: most recorded outputs in output/ are re-run
//! here and compared, and the programs' error paths and arguments are
//! checked. Not re-run here: the Introduction's `intro-*` recordings,
//! `short-write-strace.txt` and `strace-bufwriter-split.txt`; the workspace's
//! tests/recorded_output.rs re-runs those, like every recording. (The
//! `intro-*` programs' behaviour is tested by tests/intro.rs, which reads no
//! recording.)
//!
//! The binaries are run straight from `CARGO_BIN_EXE_*` rather than through a
//! nested `cargo run`, so these tests need no second build of the workspace.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn exe(name: &str) -> PathBuf {
    // Cargo sets CARGO_BIN_EXE_<name> for integration tests; look it up at
    // run time so one helper serves every binary.
    let by_env = std::env::var_os(format!("CARGO_BIN_EXE_{name}")).map(PathBuf::from);
    by_env.unwrap_or_else(|| {
        // Fallback: next to the fd-numbers binary, which always exists.
        Path::new(env!("CARGO_BIN_EXE_fd-numbers")).with_file_name(name)
    })
}

fn run(name: &str, args: &[&str]) -> Output {
    Command::new(exe(name))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("running {name}: {e}"))
}

fn stdout_and_stderr(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// The recorded file: its command line (without `$ `) and the output below it.
fn recorded(file: &str) -> (String, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("output").join(file);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let (first, rest) = text.split_once('\n').expect("a command line, then output");
    (first.strip_prefix("$ ").expect("the command starts with `$ `").to_string(), rest.to_string())
}

/// `cargo run -q -p ch01-io-traits --bin NAME [-- ARGS]`, run directly.
fn check_cargo_run_recording(file: &str) {
    let (command, expected) = recorded(file);
    let rest = command
        .strip_prefix("cargo run -q -p ch01-io-traits --bin ")
        .unwrap_or_else(|| panic!("{file}: unexpected command {command:?}"));
    let mut words = rest.split_whitespace();
    let name = words.next().expect("a binary name");
    let args: Vec<&str> = words.filter(|w| *w != "--").collect();
    let out = run(name, &args);
    assert!(out.status.success(), "{file}: {name} failed: {}", stdout_and_stderr(&out));
    assert_eq!(stdout_and_stderr(&out), expected, "{file}: output differs from the recording");
}

#[test]
fn fd_numbers_output_matches_its_recording() {
    check_cargo_run_recording("fd-numbers.txt");
}

#[test]
fn everything_is_a_file_output_matches_its_recording() {
    check_cargo_run_recording("everything-is-a-file.txt");
}

#[test]
fn buffered_writes_output_matches_its_recording() {
    check_cargo_run_recording("buffered-writes.txt");
}

#[test]
fn multi_writer_output_matches_its_recording() {
    check_cargo_run_recording("multi-writer.txt");
}

#[test]
fn read_helpers_output_matches_its_recording() {
    check_cargo_run_recording("read-helpers.txt");
}

#[test]
fn io_pipe_output_matches_its_recording() {
    check_cargo_run_recording("io-pipe.txt");
}

#[test]
fn seek_read_at_output_matches_its_recording() {
    check_cargo_run_recording("seek-read-at.txt");
}

#[test]
fn png_chunks_output_matches_its_recording() {
    check_cargo_run_recording("png-chunks.txt");
}

/// strace may be missing on a reader's machine, or unable to trace (ptrace
/// forbidden in some containers): skip there, fail in CI. Tracing `true` once
/// tells both apart from a wrong recording before any output is compared.
fn strace_available() -> bool {
    let skip = |why: &str| {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "strace is required when CI=true: {why}");
        std::io::Write::write_all(&mut std::io::stderr(), format!("SKIPPED: {why}\n").as_bytes()).unwrap_or(());
        false
    };
    match Command::new("strace").args(["-o", "/dev/null", "true"]).stdin(Stdio::null()).output() {
        Err(_) => skip("strace is not installed (apt install strace)"),
        Ok(o) if !o.status.success() => {
            skip(&format!("strace may not trace here: {}", String::from_utf8_lossy(&o.stderr).trim()))
        }
        Ok(_) => true,
    }
}

/// `cargo build -q ... --bin NAME && <shell command using ./target/debug/NAME>`:
/// run the shell part with the path of the binary this test was built with.
fn check_strace_recording(file: &str) {
    if !strace_available() {
        return;
    }
    let (command, expected) = recorded(file);
    let (build, shell) = command.split_once(" && ").expect("cargo build && command");
    let name = build.rsplit(' ').next().expect("cargo build ... --bin NAME");
    // Quoted for sh: the checkout's path may hold a space or a quote.
    let quoted = format!("'{}'", exe(name).to_string_lossy().replace('\'', r"'\''"));
    let shell = shell.replace(&format!("./target/debug/{name}"), &quoted);
    let out = Command::new("sh")
        .args(["-c", &shell])
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("running sh -c {shell:?}: {e}"));
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "{file}: output differs from the recording");
}

#[test]
fn strace_of_buffered_writes_matches_its_recording() {
    check_strace_recording("strace-buffered-writes.txt");
}

#[test]
fn strace_of_seek_read_at_matches_its_recording() {
    check_strace_recording("strace-seek-read-at.txt");
}

#[test]
fn write_counts_under_strace_match_their_recording() {
    check_strace_recording("write-counts.txt");
}

#[test]
fn buffered_writes_rejects_an_unknown_mode() {
    let out = run("buffered-writes", &["10", "sideways"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout_and_stderr(&out).contains("unknown mode \"sideways\""), "{out:?}");
}

/// From line 10000 on, `hello {i:04}` has five digits: 12 bytes, not 11. The
/// summary must count the bytes that were written, not assume 11 per line.
#[test]
fn buffered_writes_counts_the_bytes_it_wrote() {
    let expected = 10_000 * 11 + 10_000 * 12; // lines 0..9999, then 10000..19999
    for mode in ["writeln", "write-all", "buffered"] {
        let out = run("buffered-writes", &["20000", mode]);
        assert!(out.status.success(), "{out:?}");
        let text = stdout_and_stderr(&out);
        assert!(text.contains(&format!("20000 lines, {expected} bytes written")), "{mode}: {text}");
    }
}

#[test]
fn buffered_writes_rejects_a_non_numeric_line_count() {
    let out = run("buffered-writes", &["many"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout_and_stderr(&out).contains("LINES must be a number"), "{out:?}");
}

/// A file in the temp dir that is removed when the test ends, even on panic.
struct TempPath(PathBuf);
impl TempPath {
    fn new(name: &str) -> Self {
        TempPath(std::env::temp_dir().join(format!("ch01-test-{}-{name}", std::process::id())))
    }
}
impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

#[test]
fn multi_writer_keeps_a_gzip_file_when_given_a_path() {
    let out_path = TempPath::new("body.json.gz");
    let out = run("multi-writer", &[out_path.0.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    let bytes = fs::read(&out_path.0).expect("the program kept the file");
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "gzip magic number");
    assert!(stdout_and_stderr(&out).contains("same bytes as logged: true"));
}

#[test]
fn png_chunks_lists_a_png_file_given_as_argument() {
    let png_path = TempPath::new("tiny.png");
    let mut chunks = ch01_io_traits::png::read_png(&ch01_io_traits::png::tiny_png(3, 2).unwrap()[..]).unwrap();
    chunks.insert(1, ch01_io_traits::png::text_chunk("Comment", "from a test").unwrap());
    let mut bytes = Vec::new();
    ch01_io_traits::png::write_png(&mut bytes, &chunks).unwrap();
    fs::write(&png_path.0, bytes).unwrap();
    let out = run("png-chunks", &[png_path.0.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    let text = stdout_and_stderr(&out);
    for kind in ["IHDR", "tEXt", "IDAT", "IEND"] {
        assert!(text.contains(kind), "{kind} missing in {text}");
    }
}

#[test]
fn short_write_output_matches_its_recording() {
    check_cargo_run_recording("short-write.txt");
}

#[test]
fn read_png_rejects_a_file_cut_inside_a_length_field() {
    use ch01_io_traits::png::{read_png, tiny_png};
    let bytes = tiny_png(3, 2).unwrap();
    let ihdr_end = 8 + 4 + 4 + 13 + 4; // signature, then IHDR: length, type, data, CRC
    assert!(read_png(&bytes[..ihdr_end]).is_ok(), "ending between chunks is a clean end");
    for into_length in 1..4 {
        let err = read_png(&bytes[..ihdr_end + into_length]).expect_err("a cut length is not a clean end");
        assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof, "cut {into_length} bytes into the length");
    }
}

#[test]
fn png_chunks_says_which_file_is_not_a_png() {
    let not_png = TempPath::new("not.png");
    fs::write(&not_png.0, b"GIF89a, not a PNG at all").unwrap();
    let out = run("png-chunks", &[not_png.0.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout_and_stderr(&out);
    assert!(text.contains("bad signature") && text.contains("not.png"), "{text}");
}

#[test]
fn png_chunks_names_a_missing_file() {
    let out = run("png-chunks", &["/nonexistent/dir/x.png"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout_and_stderr(&out).contains("opening /nonexistent/dir/x.png"), "{out:?}");
}

#[test]
fn io_bench_runs_in_quick_mode() {
    let out = run("io-bench", &["--quick"]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    for row in ["File, writeln! per line", "File, write_all per line", "BufWriter<File>, writeln!", "Vec<u8>, writeln!"] {
        assert!(text.contains(row), "row {row:?} missing in {text}");
    }
}

#[test]
fn io_bench_only_vec_runs_just_the_vec_rows() {
    // strace-vec-growth.txt traces this mode; the File rows would add write(2) noise
    // Not --quick: that skips Go anyway, and the point is that --only-vec does.
    let out = run("io-bench", &["--only-vec", "2000"]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Vec<u8>, writeln!") && text.contains("Vec<u8> with_capacity"), "{text}");
    assert!(!text.contains("File") && !text.contains("go:"), "{text}");
}

#[test]
fn the_go_counterpart_of_io_bench_runs() {
    let go = Command::new("go").arg("version").stdout(Stdio::null()).stderr(Stdio::null()).status();
    if go.is_err() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "go is required when CI=true");
        std::io::Write::write_all(&mut std::io::stderr(), format!("SKIPPED: go is not installed (apt install golang-go, or go.dev/dl)\n").as_bytes()).unwrap_or(());
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("go");
    let out = Command::new("go")
        .args(["run", "./iobench", "1000"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .output()
        .expect("running go");
    assert!(out.status.success(), "go run ./iobench failed: {}", stdout_and_stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    for row in ["os.File, Fprintf per line", "bufio.Writer, Fprintf", "bytes.Buffer, Fprintf"] {
        assert!(text.contains(row), "row {row:?} missing in {text}");
    }
}

/// Runs `name ARGS` in `dir` with stdin from /dev/null: exit code, stdout,
/// stderr. Kills it after 10 s (a program that ignores its arguments may start
/// a long run): then the code is None and stderr says so.
fn run_for_at_most_10s(name: &str, args: &[&str], dir: &Path) -> (Option<i32>, String, String) {
    let mut child = Command::new(exe(name))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("running {name}: {e}"));
    let start = std::time::Instant::now();
    while child.try_wait().expect("waiting for the program").is_none() {
        if start.elapsed() > std::time::Duration::from_secs(10) {
            let _ = child.kill();
            let out = child.wait_with_output().expect("collecting the output");
            return (None, String::from_utf8_lossy(&out.stdout).into_owned(), "still running after 10 s: killed".into());
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let out = child.wait_with_output().expect("collecting the output");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Programs that take options or arguments reject an unknown option, and the
/// message points to --help.
#[test]
fn unknown_options_are_errors_that_mention_help() {
    let dir = std::env::temp_dir();
    for name in ["buffered-writes", "io-bench", "multi-writer", "png-chunks", "seek-read-at"] {
        let (code, _stdout, stderr) = run_for_at_most_10s(name, &["--no-such-option"], &dir);
        assert_eq!(code, Some(1), "{name}: {stderr}");
        assert!(stderr.contains("--no-such-option") && stderr.contains("--help"), "{name}: {stderr}");
    }
}
