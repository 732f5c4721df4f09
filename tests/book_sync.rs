//! The book and the code agree: every include, link, package and binary the
//! prose names exists, and every chapter package is part of its chapter.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use regex::Regex;

/// Every page of the book (not SUMMARY.md, not skeptic templates).
fn pages() -> Vec<PathBuf> {
    let mut pages = Vec::new();
    collect(&common::root().join("chapters"), "md", &mut pages);
    pages.retain(|p| !p.ends_with("SUMMARY.md") && !p.to_string_lossy().ends_with(".skt.md"));
    pages
}

fn collect(dir: &Path, extension: &str, into: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, extension, into);
        } else if path.extension().is_some_and(|e| e == extension) {
            into.push(path);
        }
    }
    into.sort();
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn shown(path: &Path) -> String {
    path.strip_prefix(common::root()).unwrap_or(path).display().to_string()
}

/// Markdown without its fenced code blocks, for finding links in the prose.
fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut fence: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let marker: String = trimmed.chars().take_while(|&c| c == '`' || c == '~').collect();
        if marker.len() >= 3 {
            match &fence {
                None => fence = Some(marker),
                Some(open) if marker.starts_with(open.as_str()) && trimmed[marker.len()..].trim().is_empty() => fence = None,
                Some(_) => {}
            }
            out.push('\n');
            continue;
        }
        if fence.is_none() {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

#[test]
fn every_summary_entry_has_a_page_and_every_page_is_in_the_summary() {
    let chapters = common::root().join("chapters");
    let summary = read(&chapters.join("SUMMARY.md"));
    let link = Regex::new(r"\]\(([^)]+)\)").unwrap();
    let listed: BTreeSet<PathBuf> = link.captures_iter(&summary).map(|c| chapters.join(&c[1])).collect();
    let missing: Vec<_> = listed.iter().filter(|p| !p.is_file()).map(|p| shown(p)).collect();
    assert!(missing.is_empty(), "SUMMARY.md lists pages that do not exist: {missing:?}");
    let unlisted: Vec<_> = pages().into_iter().filter(|p| !listed.contains(p)).map(|p| shown(&p)).collect();
    assert!(unlisted.is_empty(), "pages no reader can reach (add them to SUMMARY.md): {unlisted:?}");
}

#[test]
fn every_include_names_an_existing_file_and_anchor() {
    let include = Regex::new(r"\{\{#(include|rustdoc_include)\s+([^}\s]+)\s*\}\}").unwrap();
    let mut problems = Vec::new();
    for page in pages() {
        for capture in include.captures_iter(&read(&page)) {
            let target = &capture[2];
            let (file, selector) = match target.split_once(':') {
                Some((file, selector)) => (file, Some(selector)),
                None => (target, None),
            };
            let path = page.parent().unwrap().join(file);
            let Ok(text) = fs::read_to_string(&path) else {
                problems.push(format!("{}: includes {file}, which does not exist", shown(&page)));
                continue;
            };
            // A selector is a line range (`10:20`, `5:`) or an anchor name.
            if let Some(anchor) = selector.filter(|s| !s.starts_with(|c: char| c.is_ascii_digit())) {
                let start = Regex::new(&format!(r"ANCHOR:\s*{}\b", regex::escape(anchor))).unwrap();
                let end = Regex::new(&format!(r"ANCHOR_END:\s*{}\b", regex::escape(anchor))).unwrap();
                if !start.is_match(&text) || !end.is_match(&text) {
                    problems.push(format!("{}: anchor `{anchor}` is not in {file} (needs ANCHOR: and ANCHOR_END:)", shown(&page)));
                }
            }
        }
    }
    assert!(problems.is_empty(), "broken includes:\n{}", problems.join("\n"));
}

#[test]
fn no_include_sits_inside_a_box() {
    // mdBook pastes the included lines without the `> ` prefix: the box ends
    // after the first line and hidden `# ` lines turn into headings.
    let quoted_include = Regex::new(r"(?m)^\s*>.*\{\{#(include|rustdoc_include)").unwrap();
    let offending: Vec<String> = pages()
        .into_iter()
        .filter(|p| quoted_include.is_match(&read(p)))
        .map(|p| shown(&p))
        .collect();
    assert!(offending.is_empty(), "includes inside `> ` boxes (put the code block right after the box): {offending:?}");
}

#[test]
fn every_relative_link_between_pages_resolves() {
    let link = Regex::new(r"\]\(([^)\s]+)\)").unwrap();
    let heading = Regex::new(r"(?m)^#{1,6}\s+(.+?)\s*$").unwrap();
    let mut problems = Vec::new();
    for page in pages() {
        for capture in link.captures_iter(&prose(&read(&page))) {
            let target = &capture[1];
            if target.contains("://") || target.starts_with("mailto:") || target.starts_with('#') {
                continue;
            }
            let (file, fragment) = target.split_once('#').map_or((target, None), |(f, a)| (f, Some(a)));
            let path = page.parent().unwrap().join(file);
            if !path.exists() {
                problems.push(format!("{}: link to {target}: no such file", shown(&page)));
                continue;
            }
            if let (Some(fragment), true) = (fragment, file.ends_with(".md")) {
                let ids: BTreeSet<String> = heading.captures_iter(&prose(&read(&path))).map(|c| heading_id(&c[1])).collect();
                if !ids.contains(fragment) {
                    problems.push(format!("{}: link to {target}: no heading with id `{fragment}`", shown(&page)));
                }
            }
        }
    }
    assert!(problems.is_empty(), "broken links:\n{}", problems.join("\n"));
}

/// The id mdBook gives a heading: lower case, spaces to dashes, and only
/// alphanumerics, `-` and `_` kept (mdbook-core's `normalize_id`).
fn heading_id(text: &str) -> String {
    let text = Regex::new(r"`|\*|\[([^\]]*)\]\([^)]*\)").unwrap().replace_all(text, "$1");
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c)
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

#[test]
fn every_package_and_binary_the_book_names_exists() {
    let command = Regex::new(r"cargo (?:run|test|build)[^\n`]*?-p\s+([A-Za-z0-9_-]+)(?:[^\n`]*?--bin\s+([A-Za-z0-9_-]+))?").unwrap();
    let packages = common::code_packages();
    let mut files = pages();
    collect(&common::root().join("code"), "txt", &mut files);
    let mut problems = Vec::new();
    for file in files {
        for capture in command.captures_iter(&read(&file)) {
            let package = &capture[1];
            if package == "workbook" {
                continue;
            }
            if !packages.iter().any(|p| p == package) {
                problems.push(format!("{}: `{}` names package {package}, which is not in code/", shown(&file), &capture[0]));
            } else if let Some(bin) = capture.get(2) {
                if !common::binaries(package).contains(bin.as_str()) {
                    problems.push(format!("{}: `{}` names binary {}, which {package} does not have", shown(&file), &capture[0], bin.as_str()));
                }
            }
        }
    }
    assert!(problems.is_empty(), "commands naming missing code:\n{}", problems.join("\n"));
}

#[test]
fn every_chapter_package_is_used_by_its_chapter() {
    let mut problems = Vec::new();
    for package in common::code_packages() {
        let tag = package.split('-').next().unwrap();
        let chapter_pages: Vec<PathBuf> = pages()
            .into_iter()
            .filter(|p| p.strip_prefix(common::root().join("chapters")).unwrap().to_string_lossy().starts_with(&format!("{tag}-")))
            .collect();
        let mentioned = chapter_pages.iter().any(|p| {
            let text = read(p);
            text.contains(&format!("-p {package}")) || text.contains(&format!("code/{package}"))
        });
        if !mentioned {
            problems.push(format!("code/{package} is not linked from chapters/{tag}-*/ (no `-p {package}` or `code/{package}`)"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn binary_names_are_unique_across_the_workspace() {
    // Every binary lands in target/debug/NAME: two with one name overwrite each other.
    let mut owners: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for package in common::code_packages() {
        for bin in common::binaries(&package) {
            owners.entry(bin).or_default().push(package.clone());
        }
    }
    let clashes: Vec<_> = owners.iter().filter(|(_, p)| p.len() > 1).collect();
    assert!(clashes.is_empty(), "binary names used by more than one package: {clashes:?}");
}

#[test]
fn every_exercise_has_a_solution_and_tests() {
    let mut problems = Vec::new();
    for package in common::code_packages() {
        let dir = common::root().join("code").join(&package);
        let Ok(entries) = fs::read_dir(dir.join("exercises")) else { continue };
        let tests = fs::read_to_string(dir.join("tests/exercises.rs")).unwrap_or_default();
        for entry in entries.flatten() {
            let name = entry.path().file_stem().unwrap().to_string_lossy().into_owned();
            if !dir.join("solutions").join(format!("{name}.rs")).is_file() {
                problems.push(format!("code/{package}/exercises/{name}.rs has no solutions/{name}.rs"));
            }
            if !Regex::new(&format!(r"mod\s+{}\s*\{{", regex::escape(&name))).unwrap().is_match(&tests) {
                problems.push(format!("code/{package}/tests/exercises.rs has no `mod {name}` of tests"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_heading_ids_match_mdbook() {
    assert_eq!(heading_id("The `Write` trait"), "the-write-trait");
    assert_eq!(heading_id("Read, and Go's io.Reader"), "read-and-gos-ioreader");
}
