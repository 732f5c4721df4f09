//! The rustc that the snippet tests (`tests/skeptic.rs`) hand to skeptic.
//!
//! skeptic writes each snippet to a temp file `test.rs` and compiles it, so a
//! type error would point at `/tmp/rust-skeptic…/test.rs:18`, a file that is
//! gone by the time you read the message. build.rs puts a first line in each
//! snippet, `// workbook-snippet: LABEL|FILE|MODE|BASE`, which says where the
//! snippet's lines come from. This wrapper runs the real rustc (`$WORKBOOK_RUSTC`,
//! else `rustc`), and on failure prints LABEL first, then rustc's diagnostics
//! with every `test.rs:LINE:COL` turned into the chapter or program file and
//! line you edit.

use std::path::Path;
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rustc = std::env::var("WORKBOOK_RUSTC").unwrap_or_else(|_| "rustc".into());
    let output = match Command::new(&rustc).args(&args).output() {
        Ok(output) => output,
        Err(e) => {
            eprintln!("snippet-rustc: running {rustc}: {e}");
            return ExitCode::FAILURE;
        }
    };
    print!("{}", String::from_utf8_lossy(&output.stdout));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let source = args.iter().find(|a| a.ends_with("test.rs"));
    match source.and_then(|s| Origin::read(Path::new(s))) {
        Some(origin) => {
            if !output.status.success() {
                eprintln!("{}: this snippet does not compile", origin.label);
            }
            eprint!("{}", origin.rewrite(&stderr, source.unwrap()));
        }
        None => eprint!("{stderr}"),
    }
    if output.status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Where a snippet's lines come from, as build.rs wrote it in the first line.
struct Origin {
    /// `chapters/PAGE.md:FENCE_LINE`, the fence a reader sees.
    label: String,
    /// The file whose lines the snippet holds, relative to the root.
    file: String,
    /// For each line of the snippet (snippet line 1 = `test.rs` line 2), its line in `file`.
    lines: Vec<usize>,
}

impl Origin {
    fn read(test_rs: &Path) -> Option<Origin> {
        let text = std::fs::read_to_string(test_rs).ok()?;
        let marker = text.lines().next()?.strip_prefix("// workbook-snippet: ")?;
        let mut parts = marker.split('|');
        let (label, file, mode, base) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let base: usize = base.parse().ok()?;
        let snippet_lines = text.lines().count();
        let lines = match mode {
            // Inline in the page: snippet line k is page line FENCE + k.
            "page" => (1..=snippet_lines).map(|k| base + k).collect(),
            // `{{#rustdoc_include}}` brings the whole file, less its ANCHOR lines.
            "rustdoc_include" => {
                let root = std::env::var("WORKBOOK_ROOT").unwrap_or_else(|_| ".".into());
                let program = std::fs::read_to_string(Path::new(&root).join(file)).ok()?;
                program
                    .lines()
                    .enumerate()
                    .filter(|(_, l)| !l.contains("ANCHOR:") && !l.contains("ANCHOR_END:"))
                    .map(|(i, _)| i + 1)
                    .collect()
            }
            // Includes mixed with other lines: only the fence is known.
            "fence" => Vec::new(),
            _ => return None,
        };
        Some(Origin { label: label.to_string(), file: file.to_string(), lines })
    }

    /// rustc's diagnostics with `…/test.rs:LINE` turned into `FILE:LINE`.
    fn rewrite(&self, diagnostics: &str, test_rs: &str) -> String {
        let mut out = String::with_capacity(diagnostics.len());
        let mut rest = diagnostics;
        let needle = format!("{test_rs}:");
        while let Some(at) = rest.find(&needle) {
            out.push_str(&rest[..at]);
            let after = &rest[at + needle.len()..];
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            let test_line = after[..digits].parse::<usize>().unwrap_or(0);
            match self.source_line(test_line) {
                Some(line) => out.push_str(&format!("{}:{line}", self.file)),
                None => {
                    let snippet_line = test_line.saturating_sub(1);
                    out.push_str(&format!("{} (line {snippet_line} of the snippet)", self.label));
                }
            }
            rest = &after[digits..];
        }
        out.push_str(rest);
        out
    }

    /// `test.rs` line 1 is the marker; line n > 1 is snippet line n - 1.
    fn source_line(&self, test_line: usize) -> Option<usize> {
        self.lines.get(test_line.checked_sub(2)?).copied()
    }
}
