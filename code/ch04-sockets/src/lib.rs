//! Shared pieces of the ch04-sockets examples (chapter not written yet).
