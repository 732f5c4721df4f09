//! One set of tests for each exercise, run against `answers::…`: the
//! reference solutions normally, the reader's files with
//! `--features check-exercises` (`cargo run -- exercises ch06`).

mod run_with_timeout {
    use ch06_processes::answers::run_with_timeout::{run_with_timeout, Outcome};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    #[test]
    fn a_quick_command_finishes_with_its_status() {
        match run_with_timeout(Command::new("sh").args(["-c", "exit 3"]), Duration::from_secs(10)).unwrap() {
            Outcome::Finished(status) => assert_eq!(status.code(), Some(3)),
            other => panic!("expected Finished, got {other:?}"),
        }
    }

    #[test]
    fn a_slow_command_is_killed_at_the_deadline_and_reaped() {
        let start = Instant::now();
        let outcome = run_with_timeout(Command::new("sleep").arg("30").stdout(Stdio::null()), Duration::from_millis(200)).unwrap();
        let elapsed = start.elapsed();
        let Outcome::TimedOut { pid } = outcome else { panic!("expected TimedOut, got {outcome:?}") };
        assert!(elapsed >= Duration::from_millis(200), "returned before the deadline: {elapsed:?}");
        assert!(elapsed < Duration::from_secs(10), "did not kill in time: {elapsed:?}");
        // Reaped: waitpid frees the pid before it returns, so /proc/<pid> must
        // be gone. A killed child nobody waited for is still there as a zombie
        // (State "Z", parent us); its cmdline is empty, so check status, not
        // cmdline. (A pid reused at once would not be a `sleep` whose parent is us.)
        if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
            let field = |name: &str| {
                status.lines().find_map(|l| l.strip_prefix(name)).map(str::trim).unwrap_or("").to_string()
            };
            let ours = field("PPid:") == std::process::id().to_string() && field("Name:") == "sleep";
            assert!(!ours, "the child was not reaped: pid {pid} is still there, State: {}", field("State:"));
        }
    }

    #[test]
    fn a_missing_program_is_an_error() {
        let err = run_with_timeout(&mut Command::new("no-such-program-ch06"), Duration::from_secs(1)).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    }
}

mod proc_stat {
    use ch06_processes::answers::proc_stat::{parse_stat, read_stat, Stat};

    #[test]
    fn a_line_with_spaces_and_parentheses_in_comm_parses() {
        let line = "4242 (a) b) S 1 4242 4242 34816 4242 4194560 120 0 0 0 7 3 0 0 20 0 2 0 12345 4096 100 18446744073709551615\n";
        let stat = parse_stat(line).unwrap();
        assert_eq!(
            stat,
            Stat {
                pid: 4242,
                comm: "a) b".into(),
                state: 'S',
                ppid: 1,
                pgrp: 4242,
                session: 4242,
                tty_nr: 34816,
                utime: 7,
                stime: 3,
                num_threads: 2,
            }
        );
    }

    #[test]
    fn our_own_stat_matches_what_std_and_nix_say() {
        let stat = read_stat(std::process::id()).unwrap();
        assert_eq!(stat.pid as u32, std::process::id());
        assert_eq!(stat.ppid as u32, std::os::unix::process::parent_id());
        assert_eq!(stat.pgrp, nix::unistd::getpgrp().as_raw());
        assert_eq!(stat.session, nix::unistd::getsid(None).unwrap().as_raw());
        assert!(stat.num_threads >= 1);
        assert!("RSDZTtWXxKWPI".contains(stat.state), "state {}", stat.state);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(parse_stat("").is_err());
        assert!(parse_stat("12 (x").is_err());
        assert!(parse_stat("12 (x) S 1 2").is_err());
        assert!(parse_stat("ab (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20").is_err());
    }

    #[test]
    fn a_missing_pid_is_not_found() {
        // pid_max is at most 2^22 on Linux, so this pid cannot exist.
        let err = read_stat(99_999_999).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    }
}

mod pipeline {
    use ch06_processes::answers::pipeline::run_pipeline;

    #[test]
    fn three_commands_are_connected_in_order() {
        let (out, statuses) = run_pipeline(&[&["printf", "b\\na\\nc\\n"], &["sort"], &["head", "-n", "2"]]).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "a\nb\n");
        assert_eq!(statuses.len(), 3);
        assert!(statuses.iter().all(|s| s.success()), "{statuses:?}");
    }

    #[test]
    fn one_command_is_a_pipeline_too() {
        let (out, statuses) = run_pipeline(&[&["echo", "hi"]]).unwrap();
        assert_eq!(out, b"hi\n");
        assert_eq!(statuses.len(), 1);
    }

    #[test]
    fn an_endless_writer_stops_when_its_reader_exits() {
        // Hangs if the parent keeps a copy of the pipe's read end open.
        let (out, statuses) = run_pipeline(&[&["yes"], &["head", "-n", "3"]]).unwrap();
        assert_eq!(out, b"y\ny\ny\n");
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(statuses[0].signal(), Some(libc::SIGPIPE), "yes should die of SIGPIPE");
    }

    #[test]
    fn every_status_is_reported() {
        let (_, statuses) = run_pipeline(&[&["sh", "-c", "exit 4"], &["cat"]]).unwrap();
        assert_eq!(statuses[0].code(), Some(4));
        assert_eq!(statuses[1].code(), Some(0));
    }

    #[test]
    fn empty_input_is_invalid() {
        assert_eq!(run_pipeline(&[]).unwrap_err().kind(), std::io::ErrorKind::InvalidInput);
        assert_eq!(run_pipeline(&[&["echo"], &[]]).unwrap_err().kind(), std::io::ErrorKind::InvalidInput);
    }
}
