//! A `cat` that follows the POSIX utility conventions: input files are
//! operands (not flags), no operand or `-` means standard input, a file that
//! cannot be read is reported on stderr *with its name* and skipped, and the
//! exit status is 1 if any file failed, 0 otherwise.
//!
//! Run: cargo run -p ch06-processes --bin posix-cat -- FILE... (or pipe into it)
//!   printf 'typed\n' | cargo run -q -p ch06-processes --bin posix-cat -- code/ch06-processes/data/one-line.txt - missing.txt
//! Look for: the three sources in order, the error line naming `missing.txt`,
//! and `echo $?` printing 1.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::process::ExitCode;

const USAGE: &str = "usage: posix-cat [--] [FILE]...
Copies each FILE to stdout, in order; no FILE, or `-`, reads stdin. A FILE
that cannot be read is reported on stderr and skipped, and the exit status
is then 1. `--` ends the options, for a FILE whose name starts with `-`.
";

// ANCHOR: cat
/// Which side of a copy failed: the operand we read, or our stdout.
enum Failure {
    Input(io::Error),
    Output(io::Error),
}

/// Copy one input to stdout. `-` is stdin, as POSIX asks of every utility.
/// (`io::copy` would hide which side an error came from.) A name is an
/// `OsStr`: file names are bytes, and need not be UTF-8.
fn cat_one(name: &OsStr, out: &mut impl Write) -> Result<(), Failure> {
    let mut input: Box<dyn Read> = if name == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(File::open(name).map_err(Failure::Input)?)
    };
    let mut buf = [0u8; 64 * 1024];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Failure::Input(e)),
        };
        out.write_all(&buf[..n]).map_err(Failure::Output)?;
    }
}

fn main() -> ExitCode {
    // args_os, not args: args panics on an operand that is not UTF-8.
    let mut names: Vec<OsString> = std::env::args_os().skip(1).collect();
    // Options come before operands, and `--` ends them (XBD 12.2), so
    // `posix-cat -- -h` reads a file named -h. `-` alone is an operand.
    if let Some(option) = names.first().filter(|a| a.len() > 1 && a.as_bytes()[0] == b'-') {
        match option.to_str() {
            Some("--") => drop(names.remove(0)),
            Some("--help" | "-h") => {
                print!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ => {
                eprintln!("posix-cat: unknown option {} (see --help)", option.to_string_lossy());
                return ExitCode::from(2); // a usage error, as for grep and ls
            }
        }
    }
    if names.is_empty() {
        names.push("-".into()); // no operand: read stdin
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut failed = false;
    for name in &names {
        match cat_one(name, &mut out) {
            Ok(()) => {}
            Err(Failure::Input(e)) => {
                // Report the file by name on stderr, then go on with the next one.
                let _ = out.flush(); // keep stdout and stderr in order on a terminal
                eprintln!("posix-cat: {}: {e}", name.to_string_lossy());
                failed = true;
            }
            // A broken stdout (e.g. `| head -n1`) ends us quietly, like cat.
            Err(Failure::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => return ExitCode::from(1),
            // Any other output error (a full disk) is no operand's fault:
            // say so once and stop, since every later write would fail too.
            Err(Failure::Output(e)) => {
                eprintln!("posix-cat: write error: {e}");
                return ExitCode::from(1);
            }
        }
    }
    if let Err(e) = out.flush() {
        eprintln!("posix-cat: write error: {e}");
        return ExitCode::from(1);
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
// ANCHOR_END: cat
