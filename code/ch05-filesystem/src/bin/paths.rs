//! Paths: `~` is expanded by the shell, not by the kernel or std; `$VAR`
//! likewise; the home directory comes from $HOME or the password database.
//!
//! Run: cargo run -p ch05-filesystem --bin paths
//! Try: HOME=/nowhere target/debug/paths   (HOME=/nowhere cargo … confuses rustup)

use std::env;
use std::io;
use std::path::{Path, PathBuf};

const USAGE: &str = "\
usage: paths
Shows that ~ and $VAR are the shell's (a path \"~/x\" is relative), where the
home directory comes from ($HOME, else the passwd entry), and expands a few
words as a shell would. No arguments. Try HOME=/nowhere paths, or HOME= paths.
";

// ANCHOR: home
/// $HOME if set and not empty (the shell and login set it), else the passwd
/// entry (getpwuid_r(3)). std's env::home_dir does exactly this on Linux (an
/// empty $HOME counts as unset there too); it is written out here to show
/// where the answer comes from. Go's os.UserHomeDir has no fallback.
fn home_dir() -> Option<PathBuf> {
    match env::var_os("HOME") {
        Some(home) if !home.is_empty() => Some(PathBuf::from(home)),
        _ => nix::unistd::User::from_uid(nix::unistd::getuid()).ok().flatten().map(|u| u.dir),
    }
}

/// What a shell does to a word before the program sees it: a leading `~`
/// becomes the home directory, `$NAME` and `${NAME}` become variables.
fn expand(word: &str) -> String {
    let word = match (word.strip_prefix('~'), home_dir()) {
        (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with('/') => format!("{}{rest}", home.display()),
        _ => word.to_string(),
    };
    let mut out = String::new();
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        let starts_name = |c: &char| *c == '{' || *c == '_' || c.is_ascii_alphabetic();
        if c != '$' || !chars.peek().is_some_and(starts_name) {
            out.push(c); // a `$` not followed by a name stays, as in sh
            continue;
        }
        let braced = chars.peek() == Some(&'{');
        if braced {
            chars.next();
        }
        let mut name = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_ascii_alphanumeric() || c == '_' {
                name.push(c);
                chars.next();
            } else {
                break;
            }
        }
        if braced && chars.peek() != Some(&'}') {
            out.push_str("${"); // unterminated: kept as written
            out.push_str(&name);
            continue;
        }
        if braced {
            chars.next(); // the `}`
        }
        out.push_str(&env::var(&name).unwrap_or_default());
    }
    out
}
// ANCHOR_END: home

fn run() -> io::Result<()> {
    // ANCHOR: tilde
    let literal = Path::new("~/.bashrc");
    println!("Path::new(\"~/.bashrc\") is relative: {}, its first component: {:?}", literal.is_relative(), literal.iter().next().unwrap_or_default());
    println!("so open(\"~/.bashrc\") looks for a directory named \"~\" in {:?}", env::current_dir()?.file_name().unwrap_or_default());
    // ANCHOR_END: tilde
    println!("home_dir()            = {:?}", home_dir());
    println!("expand(\"~/x\")          = {:?}", expand("~/x"));
    println!("expand(\"$HOME/y\")      = {:?}", expand("$HOME/y"));
    println!("expand(\"${{HOME}}z\")      = {:?}", expand("${HOME}z"));
    println!("expand(\"a~b $UNSET_CH05 c\") = {:?}", expand("a~b $UNSET_CH05 c"));
    println!("expand(\"cost $ 5, ${{HOME x\") = {:?}", expand("cost $ 5, ${HOME x"));
    // Paths are bytes on Unix, not UTF-8: OsStr, not str.
    let joined = Path::new("/etc").join("hosts");
    println!("join: {}, parent {:?}, extension {:?}", joined.display(), joined.parent(), Path::new("a/b.tar.gz").extension());
    Ok(())
}

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("paths: {e}");
        std::process::exit(1);
    }
}
