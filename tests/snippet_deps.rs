//! Empty on purpose: the Run button builds this target to have cargo build the
//! snippets' dependencies (the workbook package's dev-dependencies) and tell it
//! where their rlibs are. See `[[test]] name = "snippet_deps"` in Cargo.toml.

fn main() {}
