//! `workbook check [PATH|CHAPTER]…`: run only the tests an edit affects.
//!
//! Each argument is a file or folder you changed (or a chapter, `ch06`); with
//! none, the files git reports as changed. Each maps to the fastest commands
//! that check it:
//!
//! | you changed                          | what runs                                        |
//! |--------------------------------------|--------------------------------------------------|
//! | `chapters/chNN-topic/PAGE.md`        | that page's snippets, then book_sync             |
//! | `code/chNN-topic/output/NAME.txt`    | that recording                                   |
//! | anything else in `code/chNN-topic/`  | the package's tests, the chapter's recordings and snippets, book_sync |
//! | a chapter (`ch06`, `chapters/ch06-…`)| all of the above for the chapter                 |
//! | `tests/NAME.rs`                      | that test target                                 |
//! | `src/`, `theme/`, `book.toml`        | the workbook tool's own tests                    |
//! | `build.rs`, `Cargo.toml`, `.ci/`     | everything (`cargo test`)                        |
//!
//! Every command is printed before it runs, so you can rerun one by hand.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

/// One cargo invocation: its arguments after `cargo`.
type CargoArgs = Vec<String>;

pub fn check(root: &Path, targets: &[String], dry_run: bool) -> Result<()> {
    let changed = if targets.is_empty() { changed_files(root)? } else { targets.to_vec() };
    if changed.is_empty() {
        println!("Nothing changed since the last commit: nothing to check (name a file or chapter to check it).");
        return Ok(());
    }
    let mut commands: Vec<CargoArgs> = Vec::new();
    for target in &changed {
        for command in commands_for(root, target)? {
            if !commands.contains(&command) {
                commands.push(command);
            }
        }
    }
    if commands.is_empty() {
        println!("No test reads the files changed ({}): nothing to check.", changed.join(", "));
        return Ok(());
    }
    let mut failed = Vec::new();
    for command in &commands {
        println!("$ cargo {}", command.join(" "));
        if dry_run {
            continue;
        }
        let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .args(command)
            .current_dir(root)
            .status()
            .context("running cargo")?;
        if !status.success() {
            failed.push(command.join(" "));
        }
    }
    if !failed.is_empty() {
        bail!("{} of {} commands failed:\n  cargo {}", failed.len(), commands.len(), failed.join("\n  cargo "));
    }
    if !dry_run {
        println!("\nAll {} commands passed. The full run (`cargo test`) checks everything else.", commands.len());
    }
    Ok(())
}

/// Files changed in the work tree or index, and untracked ones, per git.
fn changed_files(root: &Path) -> Result<Vec<String>> {
    let output = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=all"])
        .current_dir(root)
        .output()
        .context("running git status (name the files to check instead)")?;
    if !output.status.success() {
        bail!("git status failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.get(3..))
        // A rename is `old -> new`: the new path is the one to check.
        .map(|path| path.rsplit(" -> ").next().unwrap_or(path).trim_matches('"').to_string())
        .collect())
}

fn cargo(args: &[&str]) -> CargoArgs {
    args.iter().map(|s| s.to_string()).collect()
}

fn commands_for(root: &Path, target: &str) -> Result<Vec<CargoArgs>> {
    let path = relative(root, target);
    let text = path.to_string_lossy().into_owned();
    let mut parts = text.split('/');
    let first = parts.next().unwrap_or("");
    let second = parts.next();

    // A bare chapter name: `ch06` or `ch06-processes`.
    if !text.contains('/') && first.starts_with("ch") && !first.ends_with(".md") {
        return Ok(chapter_commands(&package_named(root, first)?));
    }
    Ok(match (first, second) {
        ("chapters", None) | ("code", None) => vec![cargo(&["test"])],
        ("chapters", Some(dir)) if !dir.ends_with(".md") => {
            let package = package_named(root, dir)?;
            match path.extension().and_then(|e| e.to_str()) {
                Some("md") if !text.ends_with(".skt.md") => page_commands(&path),
                _ => chapter_commands(&package),
            }
        }
        // SUMMARY.md, the introduction and other top-level pages.
        ("chapters", Some(page)) if page.ends_with(".md") && page != "SUMMARY.md" => page_commands(&path),
        ("chapters", Some(_)) => vec![cargo(&["test", "-p", "workbook", "--test", "book_sync", "--test", "book_build"])],
        ("code", Some(dir)) => {
            let package = package_named(root, dir)?;
            if parts.next() == Some("output") && text.ends_with(".txt") {
                vec![cargo(&["test", "-p", "workbook", "--test", "recorded_output", &text])]
            } else {
                chapter_commands(&package)
            }
        }
        ("tests", Some(file)) if file.ends_with(".rs") => {
            vec![cargo(&["test", "-p", "workbook", "--test", file.trim_end_matches(".rs")])]
        }
        ("tests", _) => vec![cargo(&["test", "-p", "workbook"])],
        ("src", _) | ("theme", _) | ("book.toml", None) => vec![cargo(&[
            "test", "-p", "workbook", "--bins", "--test", "serve", "--test", "book_build", "--test", "exercises_command", "--test", "check_command",
        ])],
        // Documents for contributors: no test reads them.
        ("README.md", None) | ("CONTRIBUTING.md", None) => vec![],
        // build.rs, Cargo.toml, .ci/: everything may depend on them.
        _ => vec![cargo(&["test"])],
    })
}

/// `chapters/ch02-channels/select.md` → its snippets (skeptic names them
/// `ch02_channels_select_…`), and the book/code agreement checks.
fn page_commands(page: &Path) -> Vec<CargoArgs> {
    let under_chapters = page.strip_prefix("chapters").unwrap_or(page);
    let flat = under_chapters.with_extension("").to_string_lossy().replace('/', "-");
    let stem: String =
        flat.to_ascii_lowercase().split(|c: char| !c.is_ascii_alphanumeric()).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("_");
    vec![
        cargo(&["test", "-p", "workbook", "--test", "skeptic", &format!("{stem}_")]),
        cargo(&["test", "-p", "workbook", "--test", "book_sync"]),
    ]
}

/// A chapter: its package's tests (examples, exercises), its recordings, its
/// snippets and the book/code agreement checks.
fn chapter_commands(package: &str) -> Vec<CargoArgs> {
    let snippets = format!("{}_", package.replace('-', "_"));
    vec![
        cargo(&["test", "-p", package]),
        cargo(&["test", "-p", "workbook", "--test", "recorded_output", &format!("code/{package}/")]),
        cargo(&["test", "-p", "workbook", "--test", "skeptic", &snippets]),
        cargo(&["test", "-p", "workbook", "--test", "book_sync"]),
    ]
}

/// The package under code/ that `name` (`ch06`, `ch06-processes`) names.
fn package_named(root: &Path, name: &str) -> Result<String> {
    let number = name.split('-').next().unwrap_or(name);
    let mut matches: Vec<String> = std::fs::read_dir(root.join("code"))
        .context("reading code/")?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|dir| dir == name || dir.split('-').next() == Some(number))
        .collect();
    matches.sort();
    match matches.as_slice() {
        [one] => Ok(one.clone()),
        [] => bail!("no chapter package matches {name:?} (code/ has ch01-… to ch10-…)"),
        _ => bail!("{name:?} matches several packages: {matches:?}"),
    }
}

/// `target` relative to the root, whether it was given relative to the
/// current directory, to the root, or absolute.
fn relative(root: &Path, target: &str) -> PathBuf {
    let given = PathBuf::from(target.trim_end_matches('/'));
    let absolute = if given.is_absolute() {
        given.clone()
    } else {
        std::env::current_dir().map(|cwd| cwd.join(&given)).unwrap_or_else(|_| given.clone())
    };
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let absolute = absolute.canonicalize().unwrap_or(absolute);
    absolute.strip_prefix(&root).map(Path::to_path_buf).unwrap_or(given)
}
