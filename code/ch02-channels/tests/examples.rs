//! Tests of the chapter's example programs: each is run as the reader runs
//! it and its output checked. Output that depends on timing (durations) is
//! only checked for its shape. No test sleeps to synchronise; the programs
//! that wait do so on channels and timers.

use std::process::{Command, Output};

fn run(bin: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    let out: Output = Command::new(bin)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("running {bin}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{bin} failed: {}\nstdout:\n{stdout}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// True when `tool` can be run; otherwise says why the test is skipped, and
/// fails under CI=true, where every tool must be installed.
fn have(tool: &str) -> bool {
    match Command::new(tool).arg("--version").output() {
        Ok(_) => true,
        Err(e) => {
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{tool} is required under CI=true: {e}");
            std::io::Write::write_all(&mut std::io::stderr(), format!("SKIPPED: {tool} is not installed ({e}); install it (e.g. apt-get install {tool}) to run this test\n").as_bytes()).unwrap_or(());
            false
        }
    }
}

#[test]
fn first_channel_delivers_in_order_and_ends_when_the_sender_drops() {
    let out = run(env!("CARGO_BIN_EXE_first-channel"), &[], &[]);
    assert_eq!(out, "start\nhello 0\nhello 1\nhello 2\nhello 3\nhello 4\nend\n");
}

#[test]
fn capacity_decides_how_many_sends_succeed_without_a_receiver() {
    let out = run(env!("CARGO_BIN_EXE_capacity"), &[], &[]);
    let accepted: Vec<(String, u32)> = out
        .lines()
        .skip(1)
        .map(|l| {
            let (name, n) = l.rsplit_once(' ').unwrap();
            (name.trim().to_string(), n.parse().unwrap())
        })
        .collect();
    let expect = [
        ("std sync_channel(0)", 0),
        ("std sync_channel(3)", 3),
        ("std channel()", 10),
        ("crossbeam bounded(0)", 0),
        ("crossbeam bounded(3)", 3),
        ("crossbeam unbounded()", 10),
    ];
    assert_eq!(accepted, expect.map(|(n, c)| (n.to_string(), c)).to_vec());
}

#[test]
fn close_range_ends_when_the_last_sender_drops() {
    let out = run(env!("CARGO_BIN_EXE_close-range"), &[], &[]);
    assert_eq!(
        out,
        "channel closed; messages per producer: [10, 10, 10]\n\
         got Ok(7)\n\
         still open: the original tx was never dropped\n\
         after drop(tx): Err(RecvError)\n"
    );
}

#[test]
fn primes_finds_9592_below_100000() {
    let out = run(env!("CARGO_BIN_EXE_primes"), &[], &[]);
    assert!(out.starts_with("9592 primes below 100000\n"), "{out}");
    assert!(out.contains("first: [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]"), "{out}");
    assert!(out.contains("last:  [99971, 99989, 99991]"), "{out}");
    let small = run(env!("CARGO_BIN_EXE_primes"), &["20"], &[]);
    assert!(small.starts_with("8 primes below 20\n"), "{small}");
    // Fewer than three primes: `last` shows only those, with no padding.
    let two = run(env!("CARGO_BIN_EXE_primes"), &["4"], &[]);
    assert!(two.contains("last:  [2, 3]\n"), "{two}");
    let none = run(env!("CARGO_BIN_EXE_primes"), &["0"], &[]);
    assert!(none.starts_with("0 primes below 0\n") && none.contains("last:  []\n"), "{none}");
}

#[test]
fn primes_rejects_a_bad_limit_with_a_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_primes")).arg("lots").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("parsing limit \"lots\""), "{err}");
}

#[test]
fn select_cpu_reports_both_waits() {
    let out = run(env!("CARGO_BIN_EXE_select-cpu"), &[], &[]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with("blocking select!:  waited ") && lines[0].ends_with(" of CPU"), "{out}");
    assert!(lines[1].starts_with("polling select!:   waited ") && lines[1].ends_with(" of CPU"), "{out}");
}

#[test]
fn timeouts_fire_in_order() {
    let out = run(env!("CARGO_BIN_EXE_timeouts"), &[], &[]);
    let prefixes = ["recv_timeout: nothing after ", "after: gave up waiting after ", "tick 1 at ", "tick 2 at ", "tick 3 at "];
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), prefixes.len(), "{out}");
    for (line, prefix) in lines.iter().zip(prefixes) {
        assert!(line.starts_with(prefix), "{line:?} should start with {prefix:?}");
    }
}

#[test]
fn cancel_stops_every_worker_and_the_computation() {
    let out = run(env!("CARGO_BIN_EXE_cancel"), &[], &[]);
    assert_eq!(
        out,
        "worker 0: cancelled\nworker 1: cancelled\nworker 2: cancelled\n\
         jobs done before the cancel: 6\nprime search stopped: DeadlineExceeded\n"
    );
}

#[test]
fn send_moves_the_buffer_without_copying_it() {
    let out = run(env!("CARGO_BIN_EXE_send-moves"), &[], &[]);
    assert_eq!(out, "sent 1048576 bytes; same heap buffer on both sides: true\nsize of the Vec handle the channel carried: 24 bytes\n");
}

#[test]
fn mutex_and_channel_count_the_same_hits() {
    let out = run(env!("CARGO_BIN_EXE_mutex-or-channel"), &[], &[]);
    let expect = r#"{"/": 134, "/about": 133, "/blog": 133}"#;
    assert_eq!(out, format!("mutex:   {expect}\nchannel: {expect}\n"));
}

#[test]
fn blocked_recv_receives() {
    assert_eq!(run(env!("CARGO_BIN_EXE_blocked-recv"), &[], &[]), "received \"wake up\"\n");
}

#[test]
fn a_blocked_recv_is_a_futex_wait_woken_by_a_futex_wake() {
    if !have("strace") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("ch02-strace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = Command::new("strace")
        .args(["-ff", "-qq", "-e", "trace=futex", "-o"])
        .arg(dir.join("t"))
        .arg(env!("CARGO_BIN_EXE_blocked-recv"))
        .output()
        .expect("running strace");
    let mut traces: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    if !out.status.success() {
        // strace needs ptrace; some containers forbid it.
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(std::env::var("CI").as_deref() != Ok("true"), "strace failed under CI: {err}");
        std::io::Write::write_all(&mut std::io::stderr(), format!("SKIPPED: strace could not trace ({err})\n").as_bytes()).unwrap_or(());
        return;
    }
    traces.sort(); // not needed for the check, but keeps failure output stable
    let all = traces.concat();
    let wait = all.lines().find(|l| l.contains("FUTEX_WAIT_BITSET_PRIVATE")).unwrap_or_else(|| panic!("no FUTEX_WAIT in:\n{all}"));
    let addr = &wait[wait.find('(').unwrap() + 1..wait.find(',').unwrap()];
    assert!(
        all.lines().any(|l| l.contains("FUTEX_WAKE_PRIVATE") && l.contains(addr)),
        "no FUTEX_WAKE on {addr} in:\n{all}"
    );
}

#[test]
fn the_bench_runs_in_quick_mode_and_prints_one_table() {
    let out = run(env!("CARGO_BIN_EXE_channels-bench"), &["--quick"], &[]);
    let rows: Vec<&str> = out.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(rows.len(), 6, "header, rule and four rows:\n{out}");
    assert!(rows[0].contains("std mpsc") && rows[0].contains("crossbeam") && rows[0].contains("Go"), "{out}");
    for row in &rows[2..] {
        let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
        assert_eq!(cells.len(), 4, "{row}");
        assert!(cells[1].parse::<f64>().is_ok(), "std column of {row}");
    }
    assert!(!out.contains("error"), "{out}");
    // Quick mode through the environment variable, with no `go` on PATH:
    // the bench must say so and still print its table.
    let env = run(env!("CARGO_BIN_EXE_channels-bench"), &[], &[("CHANNELS_BENCH_QUICK", "1"), ("PATH", "/nonexistent-ch02-path")]);
    assert!(env.starts_with("quick mode"), "{env}");
    assert!(env.contains("go: not found on PATH"), "{env}");
    assert_eq!(env.lines().filter(|l| l.starts_with('|')).count(), 6, "{env}");
}

#[test]
fn the_bench_fills_the_go_column_when_go_is_installed() {
    if !have_go() {
        return;
    }
    let out = run(env!("CARGO_BIN_EXE_channels-bench"), &["--quick"], &[]);
    for row in out.lines().filter(|l| l.starts_with("| ") && !l.contains("measurement")) {
        let go = row.trim_matches('|').split('|').map(str::trim).nth(3).unwrap();
        assert!(go.parse::<f64>().is_ok(), "Go column of {row:?} in:\n{out}");
    }
}

fn have_go() -> bool {
    match Command::new("go").arg("version").output() {
        Ok(_) => true,
        Err(e) => {
            assert!(std::env::var("CI").as_deref() != Ok("true"), "go is required under CI=true: {e}");
            std::io::Write::write_all(&mut std::io::stderr(), format!("SKIPPED: go is not installed ({e}); the bench prints an empty Go column\n").as_bytes()).unwrap_or(());
            false
        }
    }
}

#[test]
fn channel_waits_counts_every_case_and_fills_the_syscall_columns_with_strace() {
    let out = run(env!("CARGO_BIN_EXE_channel-waits"), &["--quick"], &[]);
    let rows: Vec<Vec<&str>> = out
        .lines()
        .filter(|l| l.starts_with("| ") && !l.contains("case"))
        .map(|l| l.trim_matches('|').split('|').map(str::trim).collect())
        .collect();
    let names: Vec<&str> = rows.iter().map(|r| r[0]).collect();
    assert_eq!(names, ["std-0", "crossbeam-0", "std-1024", "crossbeam-1024"], "{out}");
    let strace = have("strace");
    for row in &rows {
        assert_eq!(row.len(), 9, "{row:?}");
        for cell in &row[1..5] {
            assert!(cell.parse::<i64>().is_ok(), "{row:?}");
        }
        if strace {
            for cell in &row[5..8] {
                assert!(cell.parse::<u64>().is_ok(), "syscall columns of {row:?} in:\n{out}");
            }
        }
    }
    // A rendezvous ping-pong: every round trip has two hand-overs, and in
    // each at least the side that arrives first finds its try failing.
    for row in &rows[..2] {
        let waits: u64 = row[1].parse::<u64>().unwrap() + row[2].parse::<u64>().unwrap();
        assert!(waits >= 2_000, "1,000 round trips, at least two waits each: {row:?}");
    }
    // Without strace on PATH the program still prints its table and says why
    // the syscall columns are empty.
    let bare = run(env!("CARGO_BIN_EXE_channel-waits"), &["--quick"], &[("PATH", "/nonexistent-ch02-path")]);
    assert!(bare.contains("strace: not found on PATH"), "{bare}");
}
