//! Runs each example program and checks what it prints.

use std::process::{Command, Output};

fn run(bin: &str, args: &[&str]) -> Output {
    let out = Command::new(bin).args(args).output().unwrap_or_else(|e| panic!("running {bin}: {e}"));
    assert!(out.status.success(), "{bin} failed: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn stdout(bin: &str) -> String {
    String::from_utf8(run(bin, &[]).stdout).unwrap()
}

#[test]
fn hello_is_written_three_ways() {
    assert_eq!(stdout(env!("CARGO_BIN_EXE_hello-asm")), "hello from the syscall instruction\n");
    assert_eq!(stdout(env!("CARGO_BIN_EXE_hello-libc")), "hello from libc::syscall(SYS_write)\n");
    assert_eq!(stdout(env!("CARGO_BIN_EXE_hello-nix")), "hello from nix::unistd::write\n");
}

#[test]
fn each_hello_makes_exactly_one_write() {
    for bin in [env!("CARGO_BIN_EXE_hello-asm"), env!("CARGO_BIN_EXE_hello-libc"), env!("CARGO_BIN_EXE_hello-nix")] {
        let out = run(env!("CARGO_BIN_EXE_trace"), &["-e", "write", bin]);
        let trace = String::from_utf8_lossy(&out.stderr);
        let writes: Vec<_> = trace.lines().filter(|l| l.starts_with("write(")).collect();
        assert_eq!(writes.len(), 1, "{bin}: {trace}");
        assert!(writes[0].starts_with("write(1, \"hello from "), "{bin}: {trace}");
    }
}

#[test]
fn errno_shows_one_error_at_every_level() {
    let text = stdout(env!("CARGO_BIN_EXE_errno"));
    assert!(text.contains("kernel:  openat returned -2 "), "{text}");
    assert!(text.contains("libc:    open returned -1, errno = Some(2) -> No such file or directory (os error 2)"), "{text}");
    assert!(text.contains("nix:     Err(ENOENT) = 2 \"No such file or directory\""), "{text}");
    assert!(text.contains("std:     NotFound, raw_os_error = Some(2)"), "{text}");
}

#[test]
fn eintr_is_seen_without_sa_restart_only() {
    let text = stdout(env!("CARGO_BIN_EXE_eintr"));
    assert_eq!(
        text,
        "without SA_RESTART: read(2) failed with EINTR 1 time(s), then returned the handler's byte\n\
         with SA_RESTART   : read(2) failed with EINTR 0 time(s), then returned the handler's byte\n"
    );
}

#[test]
fn vdso_is_found_both_ways_and_the_clock_needs_no_syscall() {
    let text = stdout(env!("CARGO_BIN_EXE_vdso"));
    assert!(text.contains("[vdso]"), "{text}");
    assert!(text.contains("same as the mapping: true"), "{text}");
    assert!(text.contains("\\x7fELF: true"), "{text}");

    let out = run(env!("CARGO_BIN_EXE_trace"), &["-c", env!("CARGO_BIN_EXE_vdso")]);
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(!summary.contains("clock_gettime"), "1000 clock reads made syscalls:\n{summary}");
}

#[test]
fn empty_main_still_makes_dozens_of_syscalls() {
    let out = run(env!("CARGO_BIN_EXE_trace"), &["-c", env!("CARGO_BIN_EXE_empty-main")]);
    let summary = String::from_utf8_lossy(&out.stderr);
    for name in ["execve", "brk", "mmap", "arch_prctl", "set_tid_address", "rseq", "poll", "sigaltstack"] {
        assert!(summary.lines().any(|l| l.ends_with(&format!(" {name}"))), "no {name} in\n{summary}");
    }
    let total: u64 = summary.lines().last().and_then(|l| l.split_whitespace().next()).unwrap().parse().unwrap();
    assert!(total > 20, "{summary}");
}

#[test]
fn fork_and_wait_prints_from_both_processes() {
    assert_eq!(stdout(env!("CARGO_BIN_EXE_fork-and-wait")), "child: hello\nparent: child exited with 0\n");
}

#[test]
fn the_bench_runs_in_quick_mode_and_prints_its_table() {
    let out = run(env!("CARGO_BIN_EXE_syscalls-bench"), &["--quick"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for row in ["function call", "clock_gettime via the vDSO", "clock_gettime via syscall(2)", "getpid via syscall(2)"] {
        assert!(text.lines().any(|l| l.starts_with(row)), "no row {row} in\n{text}");
    }
    assert!(text.contains("quick mode"), "{text}");
    // Every mitigation the kernel reports is named (SRSO's safe RET, say, which
    // makes every kernel return mispredict, matters as much as spectre_v2).
    if let Ok(dir) = std::fs::read_dir("/sys/devices/system/cpu/vulnerabilities") {
        for entry in dir.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            assert!(text.contains(&name), "the bench does not report {name}:\n{text}");
        }
    }
}
