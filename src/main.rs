//! `workbook`: builds, serves and checks the Rust systems programming workbook.
//!
//!     cargo run -- serve          the book at http://127.0.0.1:3000, Run buttons working
//!     cargo run -- build          the book as static HTML in ./book
//!     cargo run -- exercises      which exercises are solved
//!     cargo run -- check [PATH]   the tests an edit affects, and only those
//!
//! Each subcommand lives in the module of the same name; `run` is the Run
//! button's back end (used by `serve`), `logging` the log lines and their
//! error count.

mod build;
mod check;
mod exercises;
mod logging;
mod run;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "Build, serve and check the Rust systems programming workbook")]
struct Cli {
    /// Root of the workbook (the folder holding book.toml).
    #[arg(long, global = true, default_value = env!("CARGO_MANIFEST_DIR"))]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the book into a folder of static HTML.
    Build {
        /// Where to write the HTML.
        #[arg(long, default_value = "book")]
        dest: PathBuf,
    },
    /// Serve the book, rebuild and reload it on every change, and run snippets.
    Serve(serve::Options),
    /// Run only the tests that the changed files (or the files named) affect.
    Check {
        /// Files, folders or chapters (`ch06`); default: what git reports as changed.
        paths: Vec<String>,
        /// Print the commands without running them.
        #[arg(long)]
        dry_run: bool,
    },
    /// List the exercises and whether your answers pass their tests.
    Exercises {
        /// Only this chapter, e.g. `ch01` or `ch01-io-traits`.
        chapter: Option<String>,
    },
}

fn main() -> ExitCode {
    logging::init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build { dest } => {
            let dest = cli.root.join(dest);
            build::build(&cli.root, &dest, |_| {}).map(|()| {
                println!("The book is in {}", dest.display());
            })
        }
        Command::Serve(options) => serve::serve(&cli.root, options),
        Command::Check { paths, dry_run } => check::check(&cli.root, &paths, dry_run),
        Command::Exercises { chapter } => exercises::report(&cli.root, chapter.as_deref()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
