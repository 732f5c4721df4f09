//! Shared pieces of the ch03-syscalls examples (chapter not written yet).
