//! Solution: map an errno value to its name and message.

use std::io;

use nix::errno::Errno;

// ANCHOR: solution
/// `"ENOENT: No such file or directory"` for 2, and `"errno 4242: Unknown
/// error 4242"` for a number the C library does not know.
pub fn describe(errno: i32) -> String {
    // std's message is the C library's strerror(3) text plus " (os error N)".
    let text = io::Error::from_raw_os_error(errno).to_string();
    let message = text.split(" (os error").next().unwrap_or(&text);
    match Errno::from_raw(errno) {
        Errno::UnknownErrno => format!("errno {errno}: {message}"),
        // nix's Errno is a C-like enum whose variants are named like the C
        // constants, so {:?} prints the name.
        e => format!("{e:?}: {message}"),
    }
}
// ANCHOR_END: solution
