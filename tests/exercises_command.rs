//! `cargo run -- exercises`: lists a chapter's exercises with their state.

mod common;

use std::process::Command;

#[test]
fn the_exercises_command_lists_every_exercise_of_a_chapter() {
    let output = Command::new(env!("CARGO_BIN_EXE_workbook"))
        .args(["exercises", "ch01"])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{report}\n{}", String::from_utf8_lossy(&output.stderr));
    let exercises = std::fs::read_dir(common::root().join("code/ch01-io-traits/exercises")).unwrap();
    let mut count = 0;
    for entry in exercises.flatten() {
        let name = entry.path().file_stem().unwrap().to_string_lossy().into_owned();
        let line = report.lines().find(|l| l.split_whitespace().any(|w| w == name)).unwrap_or_else(|| panic!("{name} is not listed:\n{report}"));
        assert!(line.contains("solved") || line.contains("not yet"), "{line}");
        count += 1;
    }
    assert!(report.contains(&format!("of {count} exercises solved")), "{report}");
}

#[test]
fn an_unknown_chapter_is_an_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_workbook")).args(["exercises", "ch99"]).output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no chapter matches"));
}
