//! Shared pieces of the ch10-time examples (chapter not written yet).
