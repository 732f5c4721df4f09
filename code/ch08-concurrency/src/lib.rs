//! Shared pieces of the ch08-concurrency examples (chapter not written yet).
