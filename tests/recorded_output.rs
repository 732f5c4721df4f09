//! Output shown in the book is real: every `code/*/output/*.txt` starts with
//! `$ COMMAND` and holds what that command printed. Here each command runs
//! again (with `sh -c`, at the root of the repository, cargo quiet) and its
//! output must match, once the parts that differ from run to run are masked:
//! addresses, pids, ports, durations, clock times and temp paths.
//!
//! Each recording is a test of its own, named by its path, so a filter picks
//! some out:
//!     cargo test --test recorded_output ch06-processes
//!
//! A recorded command names programs as a reader at the root types them,
//! `./target/debug/NAME`. Where cargo builds elsewhere (`CARGO_TARGET_DIR`),
//! the test makes `target/debug` a symlink to the real profile dir (or, if a
//! real `target/debug` is in the way, runs the command with the real path and
//! shows the reader's path in its output).
//!
//! Where the exact bytes depend on the machine (glibc, strace's version, a
//! distribution's defaults), `NAME.facts` beside `NAME.txt` lists what the
//! page draws from the output; see `Facts`.
//!
//! To re-record after changing an example on purpose, name the files (a path
//! or a glob, relative to the root; `1` means every recording):
//!     WORKBOOK_RECORD=code/ch06-processes/output/ls-wc-pipeline.txt cargo test --test recorded_output
//!     WORKBOOK_RECORD='code/ch10-time/output/*' cargo test --test recorded_output ch10
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;

/// Tools a recorded command may need that a reader might not have.
const OPTIONAL_TOOLS: &[(&str, &str)] = &[
    ("strace", "strace"),
    ("gdb", "gdb"),
    ("go", "golang-go"),
    ("curl", "curl"),
    ("wrk", "wrk"),
];

struct Recording {
    path: PathBuf,
    command: String,
    expected: String,
    /// From `NAME.facts` beside `NAME.txt`, for output whose bytes depend on the machine.
    facts: Option<Facts>,
}

/// What a page draws from a recording whose exact bytes depend on the machine
/// (glibc's start-up calls, strace's formatting, a distribution's defaults).
/// `NAME.facts` holds `#` lines that say why, then one fact per line: a regex
/// that some output line must match, or `N× REGEX`, exactly N lines match.
/// Under `CI=true` (the reference machine) the output must still match byte
/// for byte; elsewhere only the facts must hold, and the difference is a note.
#[derive(Clone)]
struct Facts {
    why: String,
    rules: Vec<(Option<usize>, Regex)>,
}

impl Facts {
    fn parse(path: &Path) -> Option<Facts> {
        let text = std::fs::read_to_string(path).ok()?;
        let mut why = Vec::new();
        let mut rules = Vec::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if let Some(comment) = line.strip_prefix('#') {
                why.push(comment.trim());
                continue;
            }
            let (count, pattern) = match line.split_once("× ") {
                Some((n, pattern)) if n.parse::<usize>().is_ok() => (n.parse().ok(), pattern),
                _ => (None, line),
            };
            let regex = Regex::new(pattern)
                .unwrap_or_else(|e| panic!("{}: bad fact {line:?}: {e}", path.display()));
            rules.push((count, regex));
        }
        assert!(
            !rules.is_empty(),
            "{}: a facts file needs at least one fact",
            path.display()
        );
        Some(Facts {
            why: why.join(" "),
            rules,
        })
    }

    /// The facts that do not hold in `output`.
    fn broken(&self, output: &str) -> Vec<String> {
        self.rules
            .iter()
            .filter_map(|(count, regex)| {
                let matching = output.lines().filter(|l| regex.is_match(l)).count();
                match count {
                    Some(n) if matching != *n => {
                        Some(format!("{n}× {regex}: {matching} lines match"))
                    }
                    None if matching == 0 => Some(format!("{regex}: no line matches")),
                    _ => None,
                }
            })
            .collect()
    }
}

fn recordings() -> Vec<Recording> {
    let mut found = Vec::new();
    let code = common::root().join("code");
    for package in std::fs::read_dir(&code).unwrap().flatten() {
        let Ok(files) = std::fs::read_dir(package.path().join("output")) else {
            continue;
        };
        for file in files.flatten() {
            let path = file.path();
            if path.extension().is_none_or(|e| e != "txt") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
            let command = first
                .strip_prefix("$ ")
                .unwrap_or_else(|| panic!("{}: the first line must be `$ COMMAND`", path.display()))
                .to_string();
            let facts = Facts::parse(&path.with_extension("facts"));
            found.push(Recording {
                path,
                command,
                expected: rest.to_string(),
                facts,
            });
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

/// The directory cargo puts debug binaries in: this test binary sits in its
/// `deps/`, wherever `CARGO_TARGET_DIR` or `build.target-dir` put it.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's own path");
    exe.parent()
        .and_then(Path::parent)
        .expect("the test binary lives in <target>/debug/deps")
        .to_path_buf()
}

/// `./target/debug/` or `target/debug/` at the start of a word, as a reader types it.
static READER_TARGET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(^|[\s=(])(\./)?target/debug/").unwrap());

/// The command with the reader's `target/debug/` replaced by the real profile
/// dir (quoted for `sh`), and the prefix the reader typed, to put back in the output.
fn resolve_target_dir(command: &str) -> (String, Option<String>) {
    let typed = READER_TARGET
        .captures(command)
        .map(|c| format!("{}target/debug/", c.get(2).map_or("", |m| m.as_str())));
    let real = format!(
        "'{}'/",
        profile_dir().display().to_string().replace('\'', r"'\''")
    );
    let resolved =
        READER_TARGET.replace_all(command, |c: &regex::Captures| format!("{}{real}", &c[1]));
    (resolved.into_owned(), typed)
}

/// Make the reader's `target/debug` lead to the real profile dir, once.
/// Where cargo builds elsewhere (`CARGO_TARGET_DIR`), `target/debug` in the
/// checkout becomes a symlink to the real one, so a command runs exactly as
/// typed and strace prints the same (length-truncated) strings as the reader
/// sees. Returns false where a real `target/debug` of another build is in the
/// way; it is left alone, and the commands then name the real path instead.
fn reader_target_leads_to_real_one() -> bool {
    static DONE: LazyLock<bool> = LazyLock::new(|| {
        let real = profile_dir();
        let reader = common::root().join("target/debug");
        if reader.canonicalize().ok() == real.canonicalize().ok() {
            return true;
        }
        let cleared = match reader.symlink_metadata() {
            Ok(meta) if meta.file_type().is_symlink() => std::fs::remove_file(&reader).is_ok(),
            Ok(_) => false,
            Err(_) => std::fs::create_dir_all(reader.parent().unwrap()).is_ok(),
        };
        cleared && std::os::unix::fs::symlink(&real, &reader).is_ok()
    });
    *DONE
}

/// Run a recorded command as the reader would, stdout and stderr together.
fn run(command: &str) -> String {
    if reader_target_leads_to_real_one() {
        return run_in_shell(command);
    }
    let (resolved, typed) = resolve_target_dir(command);
    let output = run_in_shell(&resolved);
    match typed {
        Some(typed) => output.replace(&format!("{}/", profile_dir().display()), &typed),
        None => output,
    }
}

fn run_in_shell(command: &str) -> String {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("( {command} ) 2>&1"))
        .current_dir(common::root())
        .env("CARGO_TERM_QUIET", "true")
        .env("CARGO_TERM_COLOR", "never")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut out).unwrap();
        out
    });
    let finished = common::wait_until(Duration::from_secs(300), || {
        child.try_wait().unwrap().is_some()
    });
    if !finished {
        let _ = child.kill();
        panic!("`{command}` did not finish in 300 s");
    }
    String::from_utf8_lossy(&reader.join().unwrap()).into_owned()
}

static MASKS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        (r"0x[0-9a-fA-F]+", "0x…"),
        (r"\[pid\s+\d+\]", "[pid N]"),
        (
            r"\b((?i:pid|ppid|tid|pgid|pgrp|sid|session|child)\b\s*(?:[=:]|\bis\b)?\s*)\d+",
            "${1}N",
        ),
        (
            r"\b(127\.0\.0\.1|localhost|0\.0\.0\.0|\[::1\]):\d+",
            "$1:PORT",
        ),
        (r"\b(port\s*[=:]?\s*)\d+", "${1}PORT"),
        (r"\d+(\.\d+)?\s?(ns|µs|us|ms|s)\b", "DURATION"),
        (r"\b\d{1,2}:\d{2}:\d{2}(\.\d+)?", "HH:MM:SS"),
        (r"/tmp/[^\s/:'\x22)]+", "/tmp/TMP"),
    ]
    .into_iter()
    .map(|(pattern, replacement)| (Regex::new(pattern).unwrap(), replacement))
    .collect()
});

fn normalise(text: &str) -> String {
    let mut lines: Vec<String> = text
        .lines()
        .map(|line| {
            MASKS.iter().fold(line.to_string(), |acc, (re, with)| {
                re.replace_all(&acc, *with).into_owned()
            })
        })
        .map(|line| line.trim_end().to_string())
        .collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

fn first_difference(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<_>, Vec<_>) = (expected.lines().collect(), actual.lines().collect());
    let line = (0..e.len().max(a.len()))
        .find(|&i| e.get(i) != a.get(i))
        .unwrap_or(0);
    format!(
        "first difference at output line {}:\n  recorded: {:?}\n  now:      {:?}",
        line + 1,
        e.get(line).unwrap_or(&"<end of output>"),
        a.get(line).unwrap_or(&"<end of output>")
    )
}

/// Whether `WORKBOOK_RECORD` asks to re-record this file: `1` for every
/// recording, else a path or glob relative to the root.
fn asked_to_record(path: &Path) -> bool {
    let Ok(wanted) = std::env::var("WORKBOOK_RECORD") else {
        return false;
    };
    if wanted == "1" {
        return true;
    }
    let pattern = glob::Pattern::new(&wanted)
        .unwrap_or_else(|e| panic!("WORKBOOK_RECORD={wanted:?} is not a path or glob: {e}"));
    pattern.matches_path(Path::new(&shown(path)))
}

enum Outcome {
    Matches,
    /// Differs from the reference machine, but every fact the page draws holds.
    FactsHold(String),
    Recorded,
    Skipped(String),
}

fn check(recording: &Recording) -> Result<Outcome, String> {
    for (tool, package) in OPTIONAL_TOOLS {
        let uses_tool = recording
            .command
            .split(|c: char| c.is_whitespace() || "|;&(".contains(c))
            .any(|w| w == *tool);
        if uses_tool && !common::have_tool(tool, package) {
            return Ok(Outcome::Skipped(format!(
                "needs {tool}: `sudo apt-get install {package}` enables it"
            )));
        }
    }
    let actual = run(&recording.command);
    if asked_to_record(&recording.path) {
        std::fs::write(
            &recording.path,
            format!("$ {}\n{}", recording.command, actual),
        )
        .unwrap();
        return Ok(Outcome::Recorded);
    }
    let (expected, now) = (normalise(&recording.expected), normalise(&actual));
    if expected == now {
        return Ok(Outcome::Matches);
    }
    let path = shown(&recording.path);
    let on_reference_machine = std::env::var("CI").as_deref() == Ok("true");
    if let (Some(facts), false) = (&recording.facts, on_reference_machine) {
        let broken = facts.broken(&now);
        if broken.is_empty() {
            return Ok(Outcome::FactsHold(format!(
                "NOTE {path}: differs from the reference machine ({}), but every fact the page draws holds.\n{}",
                facts.why,
                first_difference(&expected, &now)
            )));
        }
        return Err(format!(
            "{path}: `{}` breaks facts the page draws from it:\n  {}\n{}",
            recording.command,
            broken.join("\n  "),
            first_difference(&expected, &now)
        ));
    }
    Err(format!(
        "{path}: `{}` no longer prints what the book shows.\n{}\nIf the change is meant, re-record it:\n    WORKBOOK_RECORD={path} cargo test --test recorded_output",
        recording.command,
        first_difference(&expected, &now)
    ))
}

fn shown(path: &Path) -> String {
    path.strip_prefix(common::root())
        .unwrap_or(path)
        .display()
        .to_string()
}

fn main() {
    let args = libtest_mimic::Arguments::from_args();
    let recordings = recordings();
    // A facts file must hold on its own recording, or it checks nothing useful elsewhere.
    let mut trials: Vec<libtest_mimic::Trial> = recordings
        .iter()
        .filter_map(|r| {
            let facts = r.facts.clone()?;
            let (path, recorded) = (shown(&r.path), normalise(&r.expected));
            Some(libtest_mimic::Trial::test(
                format!("{path} facts hold on the recording"),
                move || {
                    let broken = facts.broken(&recorded);
                    if broken.is_empty() {
                        Ok(())
                    } else {
                        Err(broken.join("\n").into())
                    }
                },
            ))
        })
        .collect();
    trials.extend(recordings.into_iter().map(|recording| {
        libtest_mimic::Trial::test(shown(&recording.path), move || match check(&recording) {
            Ok(Outcome::Matches) => Ok(()),
            Ok(Outcome::FactsHold(note)) => {
                eprintln!("{note}");
                Ok(())
            }
            Ok(Outcome::Recorded) => {
                eprintln!("recorded {}", shown(&recording.path));
                Ok(())
            }
            Ok(Outcome::Skipped(why)) => {
                eprintln!("SKIPPED {}: {why}", shown(&recording.path));
                Ok(())
            }
            Err(failure) => Err(failure.into()),
        })
    }));
    trials.push(libtest_mimic::Trial::test(
        "the_masks_hide_what_varies_and_nothing_else",
        || {
            the_masks_hide_what_varies_and_nothing_else();
            Ok(())
        },
    ));
    trials.push(libtest_mimic::Trial::test(
        "facts_hold_or_name_what_broke",
        || {
            facts_hold_or_name_what_broke();
            Ok(())
        },
    ));
    trials.push(libtest_mimic::Trial::test(
        "a_reader_s_target_path_runs_from_the_real_target_dir",
        || {
            a_reader_s_target_path_runs_from_the_real_target_dir();
            Ok(())
        },
    ));
    libtest_mimic::run(&args, trials).exit();
}

fn the_masks_hide_what_varies_and_nothing_else() {
    assert_eq!(
        normalise("pid 4242 at 0x7ffd1234 took 12.5ms"),
        "pid N at 0x… took DURATION"
    );
    assert_eq!(
        normalise("listening on 127.0.0.1:41234\n\n"),
        "listening on 127.0.0.1:PORT"
    );
    assert_eq!(
        normalise("[pid 77] write(1, \"hi\", 2) = 2"),
        "[pid N] write(1, \"hi\", 2) = 2"
    );
    assert_eq!(
        normalise("wrote 3 lines in 2 calls"),
        "wrote 3 lines in 2 calls"
    );
}

fn facts_hold_or_name_what_broke() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.facts");
    std::fs::write(
        &path,
        "# glibc's start-up differs\n2× ^write\\(1,\nexit_group\n",
    )
    .unwrap();
    let facts = Facts::parse(&path).unwrap();
    assert_eq!(facts.why, "glibc's start-up differs");
    assert!(facts
        .broken("write(1, a)\nbrk()\nwrite(1, b)\nexit_group(0)")
        .is_empty());
    let broken = facts.broken("write(1, a)\nexit(0)");
    assert_eq!(broken.len(), 2, "{broken:?}");
    assert!(broken[0].contains("1 lines match"), "{broken:?}");
}

fn a_reader_s_target_path_runs_from_the_real_target_dir() {
    let real = profile_dir().display().to_string();
    let (resolved, typed) =
        resolve_target_dir("strace ./target/debug/a x=target/debug/b | grep target/debug/c");
    assert_eq!(typed.as_deref(), Some("./target/debug/"));
    assert_eq!(resolved.matches(&real).count(), 3, "{resolved}");
    assert_eq!(resolve_target_dir("cargo run -q -p x").1, None);
    // The reader's path reaches the real profile dir.
    let listed = run("ls -d ./target/debug/deps/. && echo ./target/debug/x");
    assert_eq!(listed.trim(), "./target/debug/deps/.\n./target/debug/x");
}
