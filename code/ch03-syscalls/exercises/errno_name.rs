//! Exercise: map an errno value to its name and message.
//!
//! Task: `describe(2)` returns `"ENOENT: No such file or directory"`,
//! `describe(4)` returns `"EINTR: Interrupted system call"`, and a number no
//! C library knows, like 4242, gives `"errno 4242: Unknown error 4242"`.
//! The message must be the C library's (strerror(3)), the one std prints.
//! Goal: the tests in `tests/exercises.rs` (module `errno_name`) pass.
//! Time: about 10 minutes. Check with: cargo run -- exercises ch03
//! Hint: what `{:?}` prints for a `nix::errno::Errno`, and what `to_string()`
//! gives for `std::io::Error::from_raw_os_error(errno)`.

/// `"ENOENT: No such file or directory"` for 2, and `"errno 4242: Unknown
/// error 4242"` for a number the C library does not know.
pub fn describe(errno: i32) -> String {
    let _ = errno;
    todo!("name the errno and describe it")
}
