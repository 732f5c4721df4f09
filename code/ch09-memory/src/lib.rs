//! Shared pieces of the ch09-memory examples (chapter not written yet).
