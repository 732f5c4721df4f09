//! Shared pieces of the ch02-channels examples (chapter not written yet).
