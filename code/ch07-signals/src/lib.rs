//! Shared pieces of the ch07-signals examples (chapter not written yet).
