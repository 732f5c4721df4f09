//! `cargo run -- check`: each kind of changed file maps to the fast commands
//! that check it (CONTRIBUTING.md lists them).

use std::process::Command;

fn planned(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_workbook"))
        .arg("check")
        .arg("--dry-run")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    stdout
}

#[test]
fn a_page_runs_its_own_snippets_and_book_sync() {
    let plan = planned(&["chapters/ch02-channels/select.md"]);
    assert_eq!(
        plan,
        "$ cargo test -p workbook --test skeptic ch02_channels_select_\n$ cargo test -p workbook --test book_sync\n"
    );
}

#[test]
fn a_program_runs_its_package_recordings_and_snippets() {
    let plan = planned(&["code/ch06-processes/src/bin/command-basics.rs"]);
    assert!(plan.starts_with("$ cargo test -p ch06-processes\n"), "{plan}");
    assert!(plan.contains("--test recorded_output code/ch06-processes/\n"), "{plan}");
    assert!(plan.contains("--test skeptic ch06_processes_\n"), "{plan}");
}

#[test]
fn a_recording_runs_only_itself() {
    let plan = planned(&["code/ch06-processes/output/ls-wc-pipeline.txt"]);
    assert_eq!(plan, "$ cargo test -p workbook --test recorded_output code/ch06-processes/output/ls-wc-pipeline.txt\n");
}

#[test]
fn a_chapter_by_number_and_a_test_file_are_understood() {
    let chapter = planned(&["ch10"]);
    assert!(chapter.starts_with("$ cargo test -p ch10-time\n"), "{chapter}");
    assert_eq!(planned(&["tests/book_sync.rs"]), "$ cargo test -p workbook --test book_sync\n");
}

#[test]
fn commands_shared_by_two_files_run_once() {
    let plan = planned(&["chapters/ch01-io-traits/write.md", "chapters/ch02-channels/select.md"]);
    assert_eq!(plan.matches("--test book_sync").count(), 1, "{plan}");
}

#[test]
fn an_unknown_chapter_is_an_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_workbook")).args(["check", "--dry-run", "ch99"]).output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no chapter package matches"));
}
