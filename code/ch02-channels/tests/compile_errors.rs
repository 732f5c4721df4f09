//! The programs in `broken/` are kept on purpose: the compiler must reject
//! them, with the error the chapter explains. Each is compiled with `rustc`
//! (metadata only) and the error code and message are checked.

use std::path::Path;
use std::process::Command;

fn compile_error(file: &str) -> String {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("broken").join(file);
    let out_dir = std::env::temp_dir().join(format!("ch02-broken-{}-{file}", std::process::id()));
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = Command::new(rustc)
        .args(["--edition", "2021", "--crate-type", "bin", "--emit", "metadata", "--out-dir"])
        .arg(&out_dir)
        .arg(&src)
        .output()
        .expect("running rustc");
    let _ = std::fs::remove_dir_all(&out_dir);
    assert!(!out.status.success(), "{file} compiled, but it is meant to be rejected");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn using_a_value_after_sending_it_does_not_compile() {
    let err = compile_error("use-after-send.rs");
    assert!(err.contains("error[E0382]"), "{err}");
    assert!(err.contains("moved value: `buf`"), "{err}");
}

#[test]
fn sending_an_rc_to_another_thread_does_not_compile() {
    let err = compile_error("rc-not-send.rs");
    assert!(err.contains("error[E0277]"), "{err}");
    assert!(err.contains("cannot be sent between threads safely"), "{err}");
}
