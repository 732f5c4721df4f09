//! `workbook exercises [CHAPTER]`: which exercises pass their tests.
//!
//! A chapter's exercises are `code/chNN-*/exercises/NAME.rs` (the reader's
//! files) with reference answers in `solutions/NAME.rs`. Its `tests/exercises.rs`
//! holds one module of tests per exercise, named `NAME`, which test the
//! solutions by default and the reader's files with `--features check-exercises`
//! (see CONTRIBUTING.md). We run those tests with the feature on and read
//! libtest's `test NAME::case ... ok` lines.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

struct Chapter {
    package: String,
    /// (exercise name, first line of its task comment)
    exercises: Vec<(String, String)>,
}

pub fn report(root: &Path, only: Option<&str>) -> Result<()> {
    let chapters = find_chapters(&root.join("code"), only)?;
    if chapters.is_empty() {
        bail!("no chapter matches {:?}: try ch01 … ch10", only.unwrap_or(""));
    }
    let (mut solved, mut total) = (0, 0);
    for chapter in &chapters {
        println!("{}", chapter.package);
        let outcome = run_tests(root, &chapter.package)?;
        for (name, title) in &chapter.exercises {
            total += 1;
            let status = match &outcome {
                Err(_) => "does not compile",
                Ok(results) => match results.get(name) {
                    Some(&(passed, failed)) if passed > 0 && failed == 0 => {
                        solved += 1;
                        "solved"
                    }
                    _ => "not yet",
                },
            };
            println!("  {status:<17} {name:<24} {title}");
            println!("  {:<17} code/{}/exercises/{name}.rs", "", chapter.package);
        }
        if let Err(errors) = &outcome {
            println!("\n  The exercises of {} do not compile:\n{errors}", chapter.package);
        }
    }
    println!("\n{solved} of {total} exercises solved.");
    if solved < total {
        println!("Edit a file above, then run `cargo run -- exercises <chapter>` again; each chapter's exercises page has hints.");
    }
    Ok(())
}

fn find_chapters(code: &Path, only: Option<&str>) -> Result<Vec<Chapter>> {
    let mut packages: Vec<PathBuf> = std::fs::read_dir(code)
        .with_context(|| format!("reading {}", code.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("exercises").is_dir())
        .collect();
    packages.sort();
    let mut chapters = Vec::new();
    for dir in packages {
        let package = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        if only.is_some_and(|o| !package.starts_with(o)) {
            continue;
        }
        let mut exercises = Vec::new();
        for entry in std::fs::read_dir(dir.join("exercises"))? {
            let path = entry?.path();
            let Some(name) = path.file_stem().and_then(|n| n.to_str()) else { continue };
            if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
                exercises.push((name.to_string(), task_title(&text)));
            }
        }
        // In the order the chapter's exercises page presents them.
        let page = code.parent().unwrap_or(code).join("chapters").join(&package).join("exercises.md");
        let page = std::fs::read_to_string(page).unwrap_or_default();
        exercises.sort_by_key(|(name, _)| (page.find(&format!("exercises/{name}.rs")).unwrap_or(usize::MAX), name.clone()));
        chapters.push(Chapter { package, exercises });
    }
    Ok(chapters)
}

/// The first line of the stub's `//!` or `//` task comment.
fn task_title(source: &str) -> String {
    source
        .lines()
        .map(|l| l.trim_start_matches("//!").trim_start_matches("//").trim())
        .find(|l| !l.is_empty() && !l.starts_with("#"))
        .unwrap_or("")
        .to_string()
}

/// Run the chapter's exercise tests against the reader's files. Returns, per
/// exercise module, (tests passed, tests failed), or the compiler's errors.
fn run_tests(root: &Path, package: &str) -> Result<Result<BTreeMap<String, (u32, u32)>, String>> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["test", "-p", package, "--features", "check-exercises", "--test", "exercises", "--color=never"])
        .current_dir(root)
        .output()
        .context("running cargo test")?;
    let results = tally(&String::from_utf8_lossy(&output.stdout));
    if results.is_empty() && !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let errors: Vec<&str> = stderr.lines().filter(|l| !l.trim_start().starts_with("Compiling")).collect();
        return Ok(Err(errors.join("\n")));
    }
    Ok(Ok(results))
}

/// Count libtest's `test MODULE::case ... ok|FAILED` lines per module.
fn tally(libtest_output: &str) -> BTreeMap<String, (u32, u32)> {
    let mut results: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for line in libtest_output.lines() {
        let Some((name, verdict)) = line.strip_prefix("test ").and_then(|rest| rest.split_once(" ... ")) else {
            continue;
        };
        let module = name.split("::").next().unwrap_or(name).to_string();
        let entry = results.entry(module).or_default();
        if verdict.starts_with("ok") {
            entry.0 += 1;
        } else {
            entry.1 += 1;
        }
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exercise_is_solved_when_all_its_tests_pass() {
        let output = "running 4 tests\n\
            test count_lines::counts_empty_input ... ok\n\
            test count_lines::counts_last_line ... FAILED\n\
            test tee::copies_everything ... ok\n\
            test tee::stops_at_eof ... ok\n";
        let results = tally(output);
        assert_eq!(results["count_lines"], (1, 1));
        assert_eq!(results["tee"], (2, 0));
    }

    #[test]
    fn the_task_title_is_the_first_comment_line() {
        assert_eq!(task_title("//! Count the lines.\n//!\n//! More.\nfn f() {}"), "Count the lines.");
        assert_eq!(task_title("#![allow(unused)]\n// Exercise: a tee.\n"), "Exercise: a tee.");
    }
}
