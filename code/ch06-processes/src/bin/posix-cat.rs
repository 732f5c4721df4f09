//! A `cat` that follows the POSIX utility conventions: input files are
//! operands (not flags), no operand or `-` means standard input, a file that
//! cannot be read is reported on stderr *with its name* and skipped, and the
//! exit status is 1 if any file failed, 0 otherwise.
//!
//! Run: cargo run -p ch06-processes --bin posix-cat -- FILE... (or pipe into it)
//!   printf 'typed\n' | cargo run -q -p ch06-processes --bin posix-cat -- code/ch06-processes/data/one-line.txt - missing.txt
//! Look for: the three sources in order, the error line naming `missing.txt`,
//! and `echo $?` printing 1.

use std::fs::File;
use std::io::{self, Read, Write};
use std::process::ExitCode;

// ANCHOR: cat
/// Copy one input to stdout. `-` is stdin, as POSIX asks of every utility.
fn cat_one(name: &str, out: &mut impl Write) -> io::Result<()> {
    let mut input: Box<dyn Read> = if name == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(File::open(name)?)
    };
    io::copy(&mut input, out)?;
    Ok(())
}

fn main() -> ExitCode {
    let mut names: Vec<String> = std::env::args().skip(1).collect();
    if names.is_empty() {
        names.push("-".to_string()); // no operand: read stdin
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut failed = false;
    for name in &names {
        if let Err(e) = cat_one(name, &mut out) {
            // A broken stdout (e.g. `| head -n1`) ends us quietly, like cat.
            if e.kind() == io::ErrorKind::BrokenPipe {
                return ExitCode::from(1);
            }
            // Report the file by name on stderr, then go on with the next one.
            let _ = out.flush(); // keep stdout and stderr in order on a terminal
            eprintln!("posix-cat: {name}: {e}");
            failed = true;
        }
    }
    if let Err(e) = out.flush() {
        eprintln!("posix-cat: writing stdout: {e}");
        return ExitCode::from(1);
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
// ANCHOR_END: cat
