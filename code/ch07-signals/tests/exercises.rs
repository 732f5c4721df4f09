//! Tests of the exercises: `cargo test` checks the solutions;
//! `cargo run -- exercises ch07` (feature `check-exercises`) checks your files.
//! Each test runs the exercise in its own process (`ch07-exercise-host`) and
//! sends that process real signals, one at a time, waiting for each answer.

mod common;

use std::process::Command;

use common::{field, Proc};
use nix::sys::signal::Signal;

fn host(mode: &str) -> Proc {
    Proc::start(Command::new(env!("CARGO_BIN_EXE_ch07-exercise-host")).arg(mode))
}

mod self_pipe {
    use super::*;

    #[test]
    fn each_signal_arrives_as_its_number_through_the_pipe() {
        let p = host("self-pipe");
        assert!(
            p.line().starts_with("ready"),
            "the host says when the handlers are installed"
        );
        for (signal, byte) in [
            (Signal::SIGUSR1, "10"),
            (Signal::SIGUSR2, "12"),
            (Signal::SIGUSR1, "10"),
        ] {
            p.signal(signal);
            assert_eq!(p.line(), format!("got {byte}"), "after {signal}");
        }
        assert!(p.wait().success());
    }
}

mod count_signals {
    use super::*;

    #[test]
    fn counts_each_signal_until_the_stop_signal() {
        let p = host("count-signals");
        assert!(p.line().starts_with("ready"));
        let sends = [
            Signal::SIGUSR1,
            Signal::SIGUSR1,
            Signal::SIGUSR2,
            Signal::SIGUSR1,
        ];
        for signal in sends {
            p.signal(signal);
            assert_eq!(p.line(), format!("got {signal}"));
        }
        p.signal(Signal::SIGTERM);
        assert_eq!(p.line(), "got SIGTERM");
        assert_eq!(p.line(), "counts [3, 1]");
        assert!(p.wait().success());
    }

    #[test]
    fn the_stop_signal_alone_gives_zero_counts() {
        let p = host("count-signals");
        assert!(p.line().starts_with("ready"));
        p.signal(Signal::SIGTERM);
        assert_eq!(p.line(), "got SIGTERM");
        assert_eq!(p.line(), "counts [0, 0]");
        assert!(p.wait().success());
    }
}

mod graceful_accept {
    use super::*;
    use std::io::{BufRead, BufReader, ErrorKind, Write};
    use std::net::TcpStream;

    use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};

    #[test]
    fn a_connection_open_at_sigterm_is_served_and_new_ones_are_refused() {
        let p = host("graceful-accept");
        let port: u16 = field(&p.line(), "port").parse().expect("a port");
        let mut client = TcpStream::connect(("127.0.0.1", port)).expect("connecting");
        let mut reader = BufReader::new(client.try_clone().expect("clone"));
        let mut answer = String::new();
        client.write_all(b"before\n").expect("writing");
        reader.read_line(&mut answer).expect("reading");
        assert_eq!(answer, "BEFORE\n");

        p.signal(Signal::SIGTERM);
        assert_eq!(p.line(), "stopped accepting");
        let refused = TcpStream::connect(("127.0.0.1", port)).expect_err("the listener is closed");
        assert_eq!(refused.kind(), ErrorKind::ConnectionRefused);

        // The connection that was open keeps being served.
        answer.clear();
        client.write_all(b"after\n").expect("writing");
        reader.read_line(&mut answer).expect("reading");
        assert_eq!(answer, "AFTER\n");
        drop((client, reader));
        assert_eq!(p.line(), "served 1");
        assert!(p.wait().success());
    }

    #[test]
    fn a_connection_queued_at_sigterm_is_accepted_and_served() {
        let p = host("graceful-accept");
        let port: u16 = field(&p.line(), "port").parse().expect("a port");
        // Stopped, the server cannot accept: the kernel completes the handshake
        // and the connection waits in the listen queue. SIGTERM stays pending
        // until SIGCONT, so when the server runs again the stop pipe and the
        // listener are readable at once: the queued connection must be
        // accepted before the listener is closed, or close(2) resets it.
        p.signal(Signal::SIGSTOP);
        // kill(2) returns before the target has stopped; we are its parent, so
        // waitpid(WUNTRACED) tells us when it has.
        let stopped = waitpid(p.pid(), Some(WaitPidFlag::WUNTRACED)).expect("waitpid");
        assert!(matches!(stopped, WaitStatus::Stopped(_, Signal::SIGSTOP)), "{stopped:?}");
        let mut client = TcpStream::connect(("127.0.0.1", port)).expect("connecting");
        client.write_all(b"queued\n").expect("writing");
        p.signal(Signal::SIGTERM);
        p.signal(Signal::SIGCONT);
        assert_eq!(p.line(), "stopped accepting");
        let mut reader = BufReader::new(client.try_clone().expect("clone"));
        let mut answer = String::new();
        reader.read_line(&mut answer).expect("reading the answer to a queued connection");
        assert_eq!(answer, "QUEUED\n");
        drop((client, reader));
        assert_eq!(p.line(), "served 1");
        assert!(p.wait().success());
    }
}
