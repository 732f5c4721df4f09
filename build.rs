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
    for item in expanded.iter() {
        let BookItem::Chapter(chapter) = item else { continue };
        let Some(source) = &chapter.source_path else { continue };
        let page = out_dir.join(flat_name(source));
        write_if_changed(&page, &chapter.content);
        // A page's skeptic templates sit beside it as `<page>.md.skt.md`.
        let template = root.join("chapters").join(source).with_extension("md.skt.md");
        if template.exists() {
            let text = fs::read_to_string(&template).unwrap();
            write_if_changed(&page.with_extension("md.skt.md"), &text);
        }
        pages.push(page);
    }
    skeptic::generate_doc_tests(&pages);
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
