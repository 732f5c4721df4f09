//! The book builds with mdBook without a single ERROR line, and the tool
//! turns such a line into a failure.

mod common;

use std::process::Command;

fn build(root: &std::path::Path, dest: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_workbook"))
        .args(["--root", root.to_str().unwrap(), "build", "--dest", dest.to_str().unwrap()])
        .output()
        .unwrap()
}

#[test]
fn the_book_builds_without_errors() {
    let dest = tempfile::tempdir().unwrap();
    let output = build(&common::root(), dest.path());
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the book did not build:\n{log}");
    assert!(!log.contains("ERROR"), "mdBook logged errors:\n{log}");
    for page in ["index.html", "introduction.html", "ch01-io-traits/index.html", "print.html"] {
        assert!(dest.path().join(page).is_file(), "{page} was not built");
    }
}

#[test]
fn an_error_logged_by_mdbook_fails_the_build() {
    // An include of a file that does not exist: mdBook logs ERROR and goes on.
    let book = tempfile::tempdir().unwrap();
    std::fs::write(book.path().join("book.toml"), "[book]\nsrc = \"chapters\"\n").unwrap();
    std::fs::create_dir(book.path().join("chapters")).unwrap();
    std::fs::write(book.path().join("chapters/SUMMARY.md"), "- [Page](page.md)\n").unwrap();
    std::fs::write(book.path().join("chapters/page.md"), "# Page\n\n{{#include missing.rs}}\n").unwrap();
    let dest = tempfile::tempdir().unwrap();
    let output = build(book.path(), dest.path());
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "a book with a broken include built:\n{log}");
    assert!(log.contains("ERROR") && log.contains("error(s)"), "{log}");
}
