//! Shared pieces of the ch05-filesystem examples (chapter not written yet).
