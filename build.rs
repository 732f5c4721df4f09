//! Turns every Rust snippet in the book into a test.
//!
//! skeptic reads markdown but knows nothing of mdBook's `{{#include}}` and
//! `{{#rustdoc_include}}`, so we first run mdBook's own `LinkPreprocessor` (the
//! code that expands them when the book is built) and write the expanded pages to
//! `OUT_DIR`. skeptic then generates one `#[test]` per ```rust fence, which
//! `tests/skeptic.rs` includes. A snippet a reader sees is thus exactly the code
//! that is compiled and run.

use std::fs;
use std::path::{Path, PathBuf};

use mdbook_driver::book::BookItem;
use mdbook_driver::builtin_renderers::MarkdownRenderer;
use mdbook_driver::MDBook;

fn main() {
    // Directories: cargo rescans them, so new and renamed files count too.
    println!("cargo:rerun-if-changed=book.toml");
    println!("cargo:rerun-if-changed=chapters");
    println!("cargo:rerun-if-changed=code");

    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("book");
    fs::create_dir_all(&out_dir).unwrap();

    let book = MDBook::load(&root).unwrap_or_else(|e| panic!("loading the book: {e:#}"));
    let (expanded, _) = book
        .preprocess_book(&MarkdownRenderer::new())
        .unwrap_or_else(|e| panic!("expanding the book's includes: {e:#}"));

    let mut pages = Vec::new();
    let mut line_maps = Vec::new();
    let mut in_book = Vec::new();
    for item in expanded.iter() {
        let BookItem::Chapter(chapter) = item else { continue };
        let Some(source) = &chapter.source_path else { continue };
        in_book.push(root.join("chapters").join(source));
        let page = out_dir.join(flat_name(source));
        write_if_changed(&page, &chapter.content);
        let original = fs::read_to_string(root.join("chapters").join(source)).unwrap();
        let origins = fence_lines(&original).into_iter().map(|f| origin(source, &f)).collect();
        line_maps.push(Page {
            stem: test_name_stem(&page),
            expanded: fence_lines(&chapter.content).into_iter().map(|f| f.line).collect(),
            origins,
        });
        // A page's skeptic templates sit beside it as `<page>.md.skt.md`.
        let template = root.join("chapters").join(source).with_extension("md.skt.md");
        if template.exists() {
            let text = fs::read_to_string(&template).unwrap();
            write_if_changed(&page.with_extension("md.skt.md"), &text);
        }
        pages.push(page);
    }
    skeptic::generate_doc_tests(&pages);
    let mut problems = pages_outside_the_book(&root, &in_book);
    let tests = out_dir.parent().unwrap().join("skeptic-tests.rs");
    problems.extend(name_tests_by_source_line(&tests, &line_maps));
    if !problems.is_empty() {
        let mut text = fs::read_to_string(&tests).unwrap();
        text.push_str(&failing_tests(&problems));
        write_if_changed(&tests, &text);
    }
}

/// Something wrong with how a page's snippets become tests: the stem of the
/// test names it would have had, and what is wrong.
struct Problem {
    stem: String,
    message: String,
}

/// A page under chapters/ with ```rust fences that SUMMARY.md does not list:
/// mdBook never reads it, so its snippets would silently go untested.
fn pages_outside_the_book(root: &Path, in_book: &[PathBuf]) -> Vec<Problem> {
    let chapters = root.join("chapters");
    let mut problems = Vec::new();
    let mut dirs = vec![chapters.clone()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            if path.is_dir() {
                dirs.push(path);
            } else if name.ends_with(".md") && !name.ends_with(".skt.md") && name != "SUMMARY.md" && !in_book.contains(&path) {
                let fences = fs::read_to_string(&path).map(|t| fence_lines(&t).len()).unwrap_or(0);
                if fences > 0 {
                    let source = path.strip_prefix(&chapters).unwrap();
                    problems.push(Problem {
                        stem: test_name_stem(Path::new(&flat_name(source))),
                        message: format!(
                            "chapters/{} has {fences} ```rust snippet(s) but chapters/SUMMARY.md does not list the page, \
                             so mdBook never reads it and its snippets are never tested: add it to SUMMARY.md",
                            source.display()
                        ),
                    });
                }
            }
        }
    }
    problems
}

/// One failing test per problem, named so that the page's own fast command
/// (`cargo test --test skeptic <page stem>`) runs it too.
fn failing_tests(problems: &[Problem]) -> String {
    let mut text = String::from("\n// Problems build.rs found with the book's pages: each one fails.\n");
    for (n, problem) in problems.iter().enumerate() {
        text.push_str(&format!(
            "#[test] fn {}_page_problem_{n}() {{ panic!(\"{{}}\", {:?}); }}\n",
            problem.stem, problem.message
        ));
    }
    text
}

/// One page of the book: the stem of its test names, the lines of its
/// ```rust fences in the expanded page skeptic read, and where each fence's
/// code comes from in the files an author edits.
struct Page {
    stem: String,
    expanded: Vec<usize>,
    origins: Vec<Origin>,
}

/// Where a snippet's code comes from: the fence a reader sees (`label`) and
/// the file and lines its code is in (see src/bin/snippet-rustc.rs, which
/// reads this from the snippet's first line to point rustc's errors there).
struct Origin {
    fence_line: usize,
    label: String,
    file: String,
    mode: &'static str,
}

impl Origin {
    /// `LABEL|FILE|MODE|BASE`; BASE is the fence's line for code inline in the
    /// page (snippet line k is page line BASE + k), 0 otherwise.
    fn marker(&self) -> String {
        let base = if self.mode == "page" { self.fence_line } else { 0 };
        format!("// workbook-snippet: {}|{}|{}|{base}", self.label, self.file, self.mode)
    }
}

fn origin(source: &Path, fence: &Fence) -> Origin {
    let page = Path::new("chapters").join(source);
    let label = format!("{}:{}", page.display(), fence.line);
    let include = match fence.body.as_slice() {
        [only] => only.trim().strip_prefix("{{#rustdoc_include ").and_then(|r| r.strip_suffix("}}")),
        _ => None,
    };
    let includes = fence.body.iter().any(|l| l.contains("{{#include") || l.contains("{{#rustdoc_include"));
    match include {
        // Includes mixed with other lines: no line-for-line map, only the fence.
        None if includes => Origin { fence_line: fence.line, label, file: String::new(), mode: "fence" },
        Some(target) => {
            let path = target.split(':').next().unwrap_or(target);
            let file = normalise(&page.parent().unwrap().join(path));
            Origin { fence_line: fence.line, label, file, mode: "rustdoc_include" }
        }
        None => Origin { fence_line: fence.line, label, file: page.display().to_string(), mode: "page" },
    }
}

/// `chapters/ch01/../../code/x.rs` as `code/x.rs`.
fn normalise(path: &Path) -> String {
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(p) => parts.push(p),
            _ => {}
        }
    }
    parts.iter().map(|p| p.to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// skeptic names a test `<page>_sect_<heading>_line_<N>` with N the line of
/// the snippet's fence in the page it read: the expanded one, where includes
/// have moved every line below them. Rename each test after the line of the
/// same fence in the chapter file the author edits, so a failure points there;
/// give its code a first line that says where it comes from; and run it
/// through `snippet::run_test` (tests/skeptic.rs), which names that place
/// when the snippet fails.
///
/// A test whose fence cannot be found, and a page whose fences produced no
/// test at all, are returned as problems (each becomes a failing test).
fn name_tests_by_source_line(tests: &Path, pages: &[Page]) -> Vec<Problem> {
    let generated = fs::read_to_string(tests).unwrap();
    let mut renamed = String::with_capacity(generated.len());
    let mut current: Option<&Origin> = None;
    let mut problems = Vec::new();
    let mut tested = vec![0usize; pages.len()];
    for line in generated.split_inclusive('\n') {
        if line.starts_with("#[test] fn ") {
            current = find_origin(line, pages);
            match current {
                Some(origin) => {
                    renamed.push_str(&rename(line, origin.fence_line));
                    if let Some(i) = pages.iter().position(|p| p.origins.iter().any(|o| std::ptr::eq(o, origin))) {
                        tested[i] += 1;
                    }
                }
                None => {
                    let name = line["#[test] fn ".len()..].split("()").next().unwrap_or("").to_string();
                    problems.push(Problem {
                        stem: name.clone(),
                        message: format!(
                            "build.rs could not find the chapter line of the snippet skeptic named `{name}` \
                             (its name carries a line of the expanded page, not of the file you edit)"
                        ),
                    });
                    renamed.push_str(line);
                }
            }
        } else if let (Some(origin), "    let s = &format!(r####\"\n") = (current, line) {
            renamed.push_str(&format!("    let s = &format!(r####\"{}\n", origin.marker()));
        } else if let (Some(origin), Some(rest)) = (current, line.strip_prefix("    skeptic::rt::run_test(")) {
            renamed.push_str(&format!("    snippet::run_test({:?}, {rest}", origin.label));
        } else {
            renamed.push_str(line);
        }
    }
    write_if_changed(tests, &renamed);
    for (page, count) in pages.iter().zip(tested) {
        if count < page.origins.len() {
            let missing: Vec<&str> = page.origins.iter().map(|o| o.label.as_str()).collect();
            problems.push(Problem {
                stem: page.stem.clone(),
                message: format!(
                    "{} ```rust fence(s) on this page but only {count} snippet test(s) were generated: {missing:?}",
                    page.origins.len()
                ),
            });
        }
    }
    problems
}

fn find_origin<'a>(line: &str, pages: &'a [Page]) -> Option<&'a Origin> {
    let name = line.strip_prefix("#[test] fn ")?.split("()").next()?;
    let (prefix, expanded_line) = name.rsplit_once("_line_")?;
    let expanded_line: usize = expanded_line.parse().ok()?;
    // The longest page stem that starts the name is the page (stems can nest).
    let page = pages
        .iter()
        .filter(|p| prefix == p.stem || prefix.starts_with(&format!("{}_sect_", p.stem)))
        .max_by_key(|p| p.stem.len())?;
    if page.expanded.len() != page.origins.len() {
        return None;
    }
    let index = page.expanded.iter().position(|&l| l == expanded_line)?;
    page.origins.get(index)
}

fn rename(line: &str, source_line: usize) -> String {
    let name = line["#[test] fn ".len()..].split("()").next().unwrap();
    let (prefix, _) = name.rsplit_once("_line_").unwrap();
    line.replacen(name, &format!("{prefix}_line_{source_line}"), 1)
}

/// A ```rust fence of a page: the 1-based line of its opening, as skeptic
/// counts it, and the lines between the fences.
struct Fence {
    line: usize,
    body: Vec<String>,
}

fn fence_lines(markdown: &str) -> Vec<Fence> {
    let mut fences: Vec<Fence> = Vec::new();
    let mut in_fence = false;
    let mut in_rust = false;
    for (number, line) in markdown.lines().enumerate() {
        // A fence may sit in a `> ` box.
        let trimmed = line.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
        if !trimmed.starts_with("```") {
            if in_rust {
                fences.last_mut().unwrap().body.push(line.to_string());
            }
            continue;
        }
        if !in_fence && trimmed.trim_start_matches('`').starts_with("rust") {
            fences.push(Fence { line: number + 1, body: Vec::new() });
            in_rust = true;
        } else if in_fence {
            in_rust = false;
        }
        in_fence = !in_fence;
    }
    fences
}

/// The stem skeptic derives from a file name: lower case, runs of anything
/// but ASCII letters and digits turned into one `_`.
fn test_name_stem(page: &Path) -> String {
    let stem = page.file_stem().unwrap().to_string_lossy().to_ascii_lowercase();
    stem.split(|c: char| !c.is_ascii_alphanumeric()).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("_")
}

/// `ch01-io-traits/write.md` becomes `ch01-io-traits-write.md`, so the test
/// names skeptic derives from the file name say which chapter a snippet is in.
fn flat_name(source: &Path) -> String {
    source.to_string_lossy().replace('/', "-")
}

/// Rewriting an unchanged file would make cargo rerun this script every time.
fn write_if_changed(path: &Path, text: &str) {
    if fs::read_to_string(path).ok().as_deref() != Some(text) {
        fs::write(path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    }
}
