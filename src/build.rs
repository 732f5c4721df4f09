//! `workbook build`: the book as static HTML, built with the mdbook-driver
//! library, failing on any `ERROR`.
//!
//! mdBook reports some mistakes (a bad `[output.html]` table, an include it
//! cannot read) only as an `ERROR` log line and still builds, so we count those
//! lines (see `logging`) and turn them into a failed build.

use std::path::Path;

use anyhow::{bail, Context, Result};
use mdbook_driver::MDBook;

use crate::logging::errors_logged;

/// Build the book at `root` into `dest`; `adjust` may change the configuration
/// first (the server turns on live reload). Fails if mdBook logged an error.
pub fn build(root: &Path, dest: &Path, adjust: impl Fn(&mut MDBook)) -> Result<()> {
    let errors_before = errors_logged();
    let mut book = MDBook::load(root).with_context(|| format!("loading the book in {}", root.display()))?;
    book.config.build.build_dir = dest.to_path_buf();
    adjust(&mut book);
    book.build().context("building the book")?;
    let errors = errors_logged() - errors_before;
    if errors > 0 {
        bail!("mdBook logged {errors} error(s) while building the book (see the ERROR lines above)");
    }
    Ok(())
}
