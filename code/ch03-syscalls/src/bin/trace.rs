//! The book's syscall tracer: runs a command and prints every system call it
//! makes, like a small `strace`. The work is done in `ch03_syscalls::trace`.
//!
//! Run:
//!   cargo run -p ch03-syscalls --bin trace -- [-c] [-f] [-e NAME,NAME…] COMMAND [ARGS…]
//!     -c   print only a table of counts per syscall at the end (like strace -c)
//!     -f   follow forks: also trace the processes and threads COMMAND creates
//!     -e   show (or count) only these syscalls; `-e trace=NAME,…` works too
//! e.g.
//!   cargo run -p ch03-syscalls --bin trace -- -c cargo --version
//!
//! Look for: one line per call, `name(args…) = ret`, errors as
//! `-1 ENOENT (No such file or directory)`; the trace goes to stderr, the
//! command's own output to stdout. Exits with the command's exit code.
//!
//! Limitation: a stop signal sent to the traced program alone (`kill -STOP
//! PID`, `kill -TSTP PID`) is shown and delivered but does not stop it: a
//! tracee attached with PTRACE_TRACEME can only be restarted after a
//! group-stop, never left stopped (PTRACE_LISTEN needs PTRACE_SEIZE; man 2
//! ptrace, "Group-stop"). `strace` has no such limit. Ctrl-Z works: it stops
//! the whole foreground process group, `trace` included, and `fg` resumes it.

use std::collections::HashSet;
use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use ch03_syscalls::trace::{self, Event, Options, Printer, Summary};

struct Args {
    count: bool,
    follow: bool,
    only: Option<HashSet<String>>,
    command: Vec<OsString>,
}

const USAGE: &str = "usage: trace [-c] [-f] [-e NAME,NAME...] COMMAND [ARGS...]";

const HELP: &str = "\
usage: trace [-c] [-f] [-e NAME,NAME...] COMMAND [ARGS...]
Runs COMMAND under ptrace(2) and prints each system call it makes to stderr.
  -c   print only a table of counts per syscall at the end (like strace -c)
  -f   follow forks: also trace the processes and threads COMMAND creates
  -e   show (or count) only these syscalls; `-e trace=NAME,...` works too
Exits with COMMAND's exit code (128 + N if killed by signal N).
Ctrl-Z and fg work: Ctrl-Z stops the whole job, trace included.
Limitation (job control): a stop signal sent to COMMAND alone (kill -STOP PID,
kill -TSTP PID) is shown and delivered but does not stop it: a tracee attached
with PTRACE_TRACEME can only be restarted after a group-stop, not kept stopped
(PTRACE_LISTEN needs PTRACE_SEIZE; man 2 ptrace). strace has no such limit.";

/// What `parse_args` wants `main` to do instead of tracing.
enum NotRun {
    Help,
    Usage(String),
}

fn parse_args() -> Result<Args, NotRun> {
    let mut args = Args { count: false, follow: false, only: None, command: Vec::new() };
    let mut rest = std::env::args_os().skip(1);
    while let Some(arg) = rest.next() {
        match arg.to_str() {
            Some("-c") => args.count = true,
            Some("-f") => args.follow = true,
            Some("-cf") | Some("-fc") => (args.count, args.follow) = (true, true),
            Some("-e") => {
                let list = rest.next().ok_or_else(|| NotRun::Usage("-e needs a list of syscall names".into()))?;
                let list = list.to_string_lossy();
                let list = list.strip_prefix("trace=").unwrap_or(&list);
                for name in list.split(',') {
                    if name.is_empty() {
                        return Err(NotRun::Usage(format!("-e: empty syscall name in `{list}`")));
                    }
                    if ch03_syscalls::syscall_number(name).is_none() {
                        return Err(NotRun::Usage(format!("-e: unknown syscall `{name}`")));
                    }
                }
                args.only = Some(list.split(',').map(str::to_owned).collect());
            }
            Some("-h") | Some("--help") => return Err(NotRun::Help),
            Some("--") => {
                args.command.extend(rest.by_ref());
            }
            Some(flag) if flag.starts_with('-') && args.command.is_empty() => {
                return Err(NotRun::Usage(format!("unknown option {flag} (try --help)\n{USAGE}")));
            }
            _ => {
                args.command.push(arg);
                args.command.extend(rest.by_ref());
            }
        }
    }
    if args.command.is_empty() {
        return Err(NotRun::Usage(USAGE.into()));
    }
    Ok(args)
}

fn run() -> Result<i32, String> {
    let args = match parse_args() {
        Ok(args) => args,
        Err(NotRun::Help) => {
            println!("{HELP}");
            return Ok(0);
        }
        Err(NotRun::Usage(message)) => return Err(message),
    };
    let options = Options { follow_forks: args.follow };
    let mut printer = Printer::new(args.follow);
    let mut summary = Summary::default();
    let stderr = std::io::stderr();
    let wanted = |name: &str| args.only.as_ref().is_none_or(|only| only.contains(name));

    let outcome = trace::run(&args.command, &options, |event| {
        if let Event::Syscall(call) = event {
            if !wanted(&call.name) {
                return;
            }
            if args.count {
                summary.add(call);
            }
        }
        if !args.count {
            // Every event goes to the printer (Started prints nothing but names
            // the command's pid); one write per line, so lines never mix with
            // the command's output.
            if let Some(line) = printer.line(event) {
                let _ = writeln!(stderr.lock(), "{line}");
            }
        }
    })
    .map_err(|e| format!("trace: {e}"))?;

    if args.count {
        let _ = write!(stderr.lock(), "{summary}");
    }
    Ok(outcome.exit_code())
}

// ANCHOR: main
fn main() -> ExitCode {
    match run() {
        Ok(code) => ExitCode::from(code as u8),
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
// ANCHOR_END: main
