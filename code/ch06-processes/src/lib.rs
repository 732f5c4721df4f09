//! Shared pieces of the ch06-processes examples (chapter not written yet).
