//! Shared pieces of the chapter 4 examples (Sockets): the HTTP/1.1 server and
//! client, JSON-RPC 2.0 types, multicast socket setup, the load generator and
//! round-trip timer the bench uses, and the exercise wiring.

// Lets the module files name this crate `ch04_sockets::…`, as a program using
// the library does, so the book can compile a file on its own as a snippet.
extern crate self as ch04_sockets;

pub mod args;
pub mod clock;
pub mod http;
pub mod jsonrpc;
pub mod multicast;
pub mod load;
pub mod rtt;

/// The reader's files, stubs until solved. Always compiled, so they must build.
/// (`path` on an inline module names the folder its files are in.)
#[path = "../exercises"]
pub mod exercises {
    pub mod chunked;
    pub mod jsonrpc_dispatch;
    pub mod request_line;
}

/// Reference answers.
#[path = "../solutions"]
pub mod solutions {
    pub mod chunked;
    pub mod jsonrpc_dispatch;
    pub mod request_line;
}

#[cfg(not(feature = "check-exercises"))]
pub use solutions as answers;

#[cfg(feature = "check-exercises")]
pub use exercises as answers;
