//! One set of tests for each exercise, run against `answers::*`: the
//! solutions by default, the reader's files with `--features check-exercises`
//! (which `cargo run -- exercises ch03` does).

use ch03_syscalls::answers;

mod errno_name {
    use super::answers::errno_name::describe;

    #[test]
    fn common_errors_have_their_name_and_message() {
        assert_eq!(describe(libc::ENOENT), "ENOENT: No such file or directory");
        assert_eq!(describe(libc::EINTR), "EINTR: Interrupted system call");
        assert_eq!(describe(libc::EACCES), "EACCES: Permission denied");
        assert_eq!(describe(libc::EAGAIN), "EAGAIN: Resource temporarily unavailable");
    }

    #[test]
    fn the_message_is_the_one_std_prints() {
        for errno in [libc::EPERM, libc::EBADF, libc::EPIPE, libc::ECONNREFUSED] {
            let std_text = std::io::Error::from_raw_os_error(errno).to_string();
            let ours = describe(errno);
            let (_, message) = ours.split_once(": ").expect("NAME: message");
            assert!(std_text.starts_with(message), "{ours} vs {std_text}");
        }
    }

    #[test]
    fn an_unknown_number_says_so() {
        assert_eq!(describe(4242), "errno 4242: Unknown error 4242");
    }
}

mod retry_eintr {
    use super::answers::retry_eintr::retry_eintr;
    use std::io;

    #[test]
    fn interrupted_calls_are_retried_until_they_succeed() {
        let mut calls = 0;
        let result = retry_eintr(|| {
            calls += 1;
            if calls < 3 { Err(io::Error::from_raw_os_error(libc::EINTR)) } else { Ok(calls) }
        });
        assert_eq!(result.unwrap(), 3);
    }

    #[test]
    fn other_errors_are_returned_at_once() {
        let mut calls = 0;
        let result: io::Result<()> = retry_eintr(|| {
            calls += 1;
            Err(io::Error::from_raw_os_error(libc::EBADF))
        });
        assert_eq!(result.unwrap_err().raw_os_error(), Some(libc::EBADF));
        assert_eq!(calls, 1);
    }

    #[test]
    fn it_wraps_a_real_read() {
        let (r, w) = nix::unistd::pipe().unwrap();
        nix::unistd::write(&w, b"abc").unwrap();
        let mut buf = [0u8; 8];
        let n = retry_eintr(|| nix::unistd::read(&r, &mut buf).map_err(io::Error::from)).unwrap();
        assert_eq!(&buf[..n], b"abc");
    }
}

mod count_syscalls {
    use super::answers::count_syscalls::count_by_name;

    fn pairs(v: &[(&str, usize)]) -> Vec<(String, usize)> {
        v.iter().map(|(n, c)| (n.to_string(), *c)).collect()
    }

    #[test]
    fn calls_are_counted_most_frequent_first() {
        let trace = "execve(\"/bin/true\", [\"true\"], 0x7ffd) = 0\n\
                     brk(NULL) = 0x55d0\n\
                     mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f00\n\
                     mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 3, 0) = 0x7f10\n\
                     brk(0x55f0) = 0x55f0\n\
                     close(3) = 0\n\
                     mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 3, 0) = 0x7f20\n\
                     exit_group(0) = ?\n\
                     +++ exited with 0 +++\n";
        assert_eq!(
            count_by_name(trace),
            pairs(&[("mmap", 3), ("brk", 2), ("close", 1), ("execve", 1), ("exit_group", 1)])
        );
    }

    #[test]
    fn pid_prefixes_signals_and_blank_lines_are_handled() {
        let trace = "clone(0x1200011, NULL, NULL, 0x7f, 0) = 42\n\
                     [pid 42] getpid() = 42\n\
                     \n\
                     [pid 42] +++ exited with 0 +++\n\
                     --- SIGCHLD ---\n\
                     wait4(42, 0x7ffe, 0, NULL) = 42\n";
        assert_eq!(count_by_name(trace), pairs(&[("clone", 1), ("getpid", 1), ("wait4", 1)]));
    }

    #[test]
    fn a_real_trace_of_known_syscalls_has_three_getpids_and_one_write() {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_trace"))
            .arg(env!("CARGO_BIN_EXE_known-syscalls"))
            .output()
            .unwrap();
        assert!(out.status.success());
        let counts = count_by_name(&String::from_utf8_lossy(&out.stderr));
        let get = |name: &str| counts.iter().find(|(n, _)| n == name).map_or(0, |(_, c)| *c);
        assert_eq!(get("getpid"), 3);
        assert_eq!(get("write"), 1);
        assert_eq!(get("execve"), 1);
        assert!(counts.windows(2).all(|w| w[0].1 > w[1].1 || (w[0].1 == w[1].1 && w[0].0 < w[1].0)));
    }
}

mod write_all {
    use super::answers::write_all::{write_all_fd, write_all_with};
    use std::io::{self, Read};
    use std::os::fd::{AsFd, AsRawFd};
    use std::time::{Duration, Instant};

    #[test]
    fn short_writes_and_eintr_still_write_everything() {
        let data: Vec<u8> = (0..100u8).collect();
        let mut written = Vec::new();
        let mut calls = 0;
        write_all_with(
            |buf| {
                calls += 1;
                if calls % 4 == 0 {
                    return Err(io::Error::from_raw_os_error(libc::EINTR));
                }
                let n = buf.len().min(3); // a stingy writer: at most 3 bytes a call
                written.extend_from_slice(&buf[..n]);
                Ok(n)
            },
            &data,
        )
        .unwrap();
        assert_eq!(written, data);
    }

    #[test]
    fn a_writer_that_writes_nothing_is_an_error() {
        let err = write_all_with(|_| Ok(0), b"x").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WriteZero);
    }

    #[test]
    fn other_errors_stop_the_write() {
        let err = write_all_with(|_| Err(io::Error::from_raw_os_error(libc::EPIPE)), b"x").unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::EPIPE));
    }

    /// An integration test: the answer works on a real fd. It cannot catch a
    /// `write_all_fd` that ignores short counts, because a *blocking* pipe
    /// write never returns short by itself (pipe(7): "the write(2) blocks
    /// until n bytes have been written"); the next test makes one that does.
    #[test]
    fn a_megabyte_goes_through_a_pipe() {
        let (r, w) = nix::unistd::pipe().unwrap();
        let data: Vec<u8> = (0..1 << 20).map(|i: u32| (i % 251) as u8).collect();
        let reader = std::thread::spawn(move || {
            let mut got = Vec::new();
            std::fs::File::from(r).read_to_end(&mut got).unwrap();
            got
        });
        write_all_fd(w.as_fd(), &data).unwrap();
        drop(w); // end of file for the reader
        assert_eq!(reader.join().unwrap(), data);
    }

    /// A real short write: a blocking pipe write interrupted by a signal whose
    /// handler was installed without SA_RESTART returns the bytes it had
    /// already copied (signal(7), "Interrupted by a signal handler"; read(2)
    /// and write(2) return a partial count). The reader waits until the pipe
    /// is full, so the writer is blocked inside write(2) with data
    /// transferred, interrupts it, then drains. An answer that writes once
    /// and returns delivers only the pipe's capacity.
    #[test]
    fn a_pipe_write_cut_short_by_a_signal_is_finished() {
        extern "C" fn nothing(_: libc::c_int) {}
        // SAFETY: sigaction(2) with a zeroed, then filled, struct; the handler
        // does nothing, so it is async-signal-safe. No other test uses SIGUSR2.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = nothing as extern "C" fn(libc::c_int) as libc::sighandler_t;
            libc::sigemptyset(&mut action.sa_mask);
            action.sa_flags = 0; // no SA_RESTART: the write returns instead of resuming
            assert_eq!(libc::sigaction(libc::SIGUSR2, &action, std::ptr::null_mut()), 0);
        }
        let (r, w) = nix::unistd::pipe().unwrap();
        // SAFETY: F_GETPIPE_SZ takes no pointer (fcntl(2)).
        let capacity = unsafe { libc::fcntl(w.as_raw_fd(), libc::F_GETPIPE_SZ) };
        assert!(capacity > 0, "fcntl(F_GETPIPE_SZ): {}", io::Error::last_os_error());
        let capacity = capacity as usize;
        let data: Vec<u8> = (0..4 * capacity as u32).map(|i| (i % 251) as u8).collect();
        // SAFETY: pthread_self(3) cannot fail.
        let writer = unsafe { libc::pthread_self() };
        let reader = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(10);
            let full = loop {
                let mut queued: libc::c_int = 0;
                // SAFETY: FIONREAD stores an int through the valid pointer (pipe(7), "ioctl(fd, FIONREAD, &nbytes)").
                unsafe { libc::ioctl(r.as_raw_fd(), libc::FIONREAD, &mut queued) };
                if queued as usize >= capacity {
                    break true;
                }
                if Instant::now() > deadline {
                    break false; // the answer never blocked (a stub's todo!(), say)
                }
                std::thread::sleep(Duration::from_millis(1));
            };
            if full {
                // SAFETY: the pipe is full and more data is to come, so
                // `writer`, the test's thread, is alive and blocked in
                // write(2) until this thread reads; SIGUSR2 has a handler.
                unsafe { libc::pthread_kill(writer, libc::SIGUSR2) };
            }
            let mut got = Vec::new();
            std::fs::File::from(r).read_to_end(&mut got).unwrap();
            got
        });
        write_all_fd(w.as_fd(), &data).unwrap();
        drop(w); // end of file for the reader
        let got = reader.join().unwrap();
        assert_eq!(got.len(), data.len(), "only {} of {} bytes arrived: the short write was not continued", got.len(), data.len());
        assert_eq!(got, data);
    }
}
