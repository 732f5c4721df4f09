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
    for item in expanded.iter() {
        let BookItem::Chapter(chapter) = item else { continue };
        let Some(source) = &chapter.source_path else { continue };
        let page = out_dir.join(flat_name(source));
        write_if_changed(&page, &chapter.content);
        let original = fs::read_to_string(root.join("chapters").join(source)).unwrap();
        line_maps.push((test_name_stem(&page), fence_lines(&chapter.content), fence_lines(&original)));
        // A page's skeptic templates sit beside it as `<page>.md.skt.md`.
        let template = root.join("chapters").join(source).with_extension("md.skt.md");
        if template.exists() {
            let text = fs::read_to_string(&template).unwrap();
            write_if_changed(&page.with_extension("md.skt.md"), &text);
        }
        pages.push(page);
    }
    skeptic::generate_doc_tests(&pages);
    name_tests_by_source_line(&out_dir.parent().unwrap().join("skeptic-tests.rs"), &line_maps);
}

/// skeptic names a test `<page>_sect_<heading>_line_<N>` with N the line of
/// the snippet's fence in the page it read: the expanded one, where includes
/// have moved every line below them. Rename each test after the line of the
/// same fence in the chapter file the author edits, so a failure points there.
fn name_tests_by_source_line(tests: &Path, line_maps: &[(String, Vec<usize>, Vec<usize>)]) {
    let generated = fs::read_to_string(tests).unwrap();
    let mut renamed = String::with_capacity(generated.len());
    for line in generated.split_inclusive('\n') {
        renamed.push_str(&rename_test(line, line_maps).unwrap_or_else(|| line.to_string()));
    }
    write_if_changed(tests, &renamed);
}

fn rename_test(line: &str, line_maps: &[(String, Vec<usize>, Vec<usize>)]) -> Option<String> {
    let name = line.strip_prefix("#[test] fn ")?.split("()").next()?;
    let (prefix, expanded_line) = name.rsplit_once("_line_")?;
    let expanded_line: usize = expanded_line.parse().ok()?;
    // The longest page stem that starts the name is the page (stems can nest).
    let (_, expanded, original) = line_maps
        .iter()
        .filter(|(stem, ..)| prefix == stem || prefix.starts_with(&format!("{stem}_sect_")))
        .max_by_key(|(stem, ..)| stem.len())?;
    if expanded.len() != original.len() {
        return None;
    }
    let index = expanded.iter().position(|&l| l == expanded_line)?;
    Some(line.replacen(name, &format!("{prefix}_line_{}", original[index]), 1))
}

/// The 1-based lines of the ```rust fences of a page, as skeptic counts them.
fn fence_lines(markdown: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    let mut in_fence = false;
    for (number, line) in markdown.lines().enumerate() {
        // A fence may sit in a `> ` box.
        let trimmed = line.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
        if !trimmed.starts_with("```") {
            continue;
        }
        if !in_fence && trimmed.trim_start_matches('`').starts_with("rust") {
            lines.push(number + 1);
        }
        in_fence = !in_fence;
    }
    lines
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
