//! How big is a program that prints one line, in Rust and in Go, and what is
//! in it? Builds a hello world with `rustc` (debug, -O, -O with debug info
//! stripped as cargo's release profile does, -O with symbols stripped) and
//! with `go build` (with -trimpath, plain and with -ldflags=-s -w) into a temp dir, then
//! reads each ELF file: its size, the bytes of debug info (.debug_*
//! sections) and of the symbol table (.symtab + .strtab), the interpreter it
//! asks the kernel for (PT_INTERP) and the shared libraries it needs
//! (DT_NEEDED). If `ldd` is installed, prints its verdict on one of each.
//!
//! Run: cargo run -q -p ch06-processes --bin binary-sizes -- go
//! Look for: Rust's binaries name /lib64/ld-linux-x86-64.so.2 and need
//! libc.so.6 (std itself is linked in statically); Go's name no interpreter
//! and need nothing ("not a dynamic executable"). Unstripped, Rust's hello is
//! the biggest, because it carries std's debug info; stripped the way cargo's
//! release profile does, it is a quarter of Go's.

use std::path::{Path, PathBuf};
use std::process::Command;

const USAGE: &str = "usage: binary-sizes [GO]
Builds a hello world with rustc and with GO (default: go; name another go
binary to compare Go versions) into a temp dir and prints each executable's
size, debug info, symbol table, ELF interpreter and needed libraries.
Without go on the PATH, prints a note and only the Rust builds.
";

const HELLO_RS: &str = "fn main() {\n    println!(\"hello\");\n}\n";
const HELLO_GO: &str =
    "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hello\")\n}\n";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if args.len() > 1 || args.iter().any(|a| a.starts_with('-')) {
        eprintln!("binary-sizes: unexpected arguments {args:?} (see --help)");
        std::process::exit(2);
    }
    let go = args.first().map_or("go", String::as_str);
    if let Err(e) = run(go) {
        eprintln!("binary-sizes: {e}");
        std::process::exit(1);
    }
}

/// A temp dir removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir, String> {
        let path = std::env::temp_dir().join(format!("binary-sizes-{}", std::process::id()));
        std::fs::create_dir(&path).map_err(|e| format!("mkdir {}: {e}", path.display()))?;
        Ok(TempDir(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(go: &str) -> Result<(), String> {
    let dir = TempDir::new()?;
    let dir = dir.0.as_path();
    write(&dir.join("hello.rs"), HELLO_RS)?;
    write(&dir.join("main.go"), HELLO_GO)?;
    write(&dir.join("go.mod"), "module hello\n\ngo 1.19\n")?;

    // `rustc` from the PATH, or the one cargo names in RUSTC.
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let mut builds: Vec<(String, PathBuf)> = Vec::new();
    let rust: [(&str, &[&str]); 4] = [
        ("rustc hello.rs", &[]),
        ("rustc -O hello.rs", &["-O"]),
        (
            "rustc -O -C strip=debuginfo",
            &["-O", "-C", "strip=debuginfo"],
        ),
        ("rustc -O -C strip=symbols", &["-O", "-C", "strip=symbols"]),
    ];
    println!("toolchains: {}", version(&rustc, &["-V"])?);
    for (i, (label, flags)) in rust.iter().enumerate() {
        let out = format!("rust-{i}");
        build(dir, &rustc, &[*flags, &["-o", &out, "hello.rs"]].concat())?;
        builds.push((label.to_string(), dir.join(out)));
    }

    let have_go = match version(go, &["version"]) {
        Ok(v) => {
            println!("            {v}");
            true
        }
        Err(e) => {
            println!("note: no Go builds: {e} (install Go, e.g. `sudo apt-get install golang-go`)");
            false
        }
    };
    if have_go {
        // -trimpath: without it Go writes the temp dir's name into the
        // binary (in the file table and the compressed DWARF), and the
        // sizes would move by a few bytes from run to run.
        let go_builds: [(&str, &[&str]); 2] = [
            ("go build -trimpath", &["-trimpath"]),
            (
                "go build -trimpath -ldflags=-s -w",
                &["-trimpath", "-ldflags=-s -w"],
            ),
        ];
        for (i, (label, flags)) in go_builds.iter().enumerate() {
            let out = format!("go-{i}");
            build(dir, go, &[&["build"], *flags, &["-o", &out, "."]].concat())?;
            builds.push((label.to_string(), dir.join(out)));
        }
    }

    println!();
    println!(
        "{:<33} {:>9} {:>11} {:>9}  linking",
        "hello world", "bytes", "debug info", "symbols"
    );
    let mut elves = Vec::new();
    for (label, path) in &builds {
        let elf = Elf::read(path)?;
        let linking = match &elf.interp {
            Some(interp) => format!("interpreter {interp}, needs {}", elf.needed.join(" ")),
            None if elf.needed.is_empty() => "no interpreter, needs nothing: static".to_string(),
            None => format!("no interpreter, needs {}", elf.needed.join(" ")),
        };
        println!(
            "{label:<33} {:>9} {:>11} {:>9}  {linking}",
            elf.size, elf.debug, elf.symbols
        );
        elves.push((label.as_str(), elf));
    }

    println!();
    let size = |name: &str| elves.iter().find(|(l, _)| *l == name).map(|(_, e)| e.size);
    let compare = |a: &str, b: &str| {
        if let (Some(x), Some(y)) = (size(a), size(b)) {
            let word = if x > y { "larger" } else { "not larger" };
            println!(
                "{a} is {word} than {b}: {:.1} times its size",
                x as f64 / y as f64
            );
        }
    };
    compare("rustc -O hello.rs", "go build -trimpath");
    compare("go build -trimpath", "rustc -O -C strip=debuginfo");
    compare(
        "go build -trimpath -ldflags=-s -w",
        "rustc -O -C strip=symbols",
    );

    // ldd runs the dynamic loader on a dynamic executable (addresses vary
    // from run to run) and says so when there is none to run.
    if have_command("ldd") {
        for label in ["rustc -O hello.rs", "go build -trimpath"] {
            if let Some((_, path)) = builds.iter().find(|(l, _)| l == label) {
                let out = Command::new("ldd")
                    .arg(path)
                    .output()
                    .map_err(|e| format!("running ldd: {e}"))?;
                println!("\nldd on {label}:");
                let text = String::from_utf8_lossy(&out.stdout).into_owned()
                    + &String::from_utf8_lossy(&out.stderr);
                for line in text.lines() {
                    println!("    {}", line.trim());
                }
            }
        }
    }
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))
}

/// Runs `program args` in `dir`; an error carries its stderr.
fn build(dir: &Path, program: &str, args: &[&str]) -> Result<(), String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        // Go 1.21+ may otherwise download the toolchain a go.mod asks for.
        .env("GOTOOLCHAIN", "local")
        .output()
        .map_err(|e| format!("running {program}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{program} {}: {}\n{}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

fn version(program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("running {program}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{program} {}: {}", args.join(" "), out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn have_command(name: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(name).is_file()))
}

/// What this program reads from an ELF executable.
struct Elf {
    size: u64,
    /// Bytes of the file taken by `.debug_*` sections (Go compresses them).
    debug: u64,
    /// Bytes of `.symtab` and `.strtab`, the symbol table `strip` removes.
    symbols: u64,
    /// The PT_INTERP program header: the program the kernel loads to link this one.
    interp: Option<String>,
    /// DT_NEEDED entries of the dynamic section: the shared libraries.
    needed: Vec<String>,
}

const PT_INTERP: u32 = 3;
const SHT_DYNAMIC: u32 = 6;
const SHT_NOBITS: u32 = 8;
const DT_NULL: u64 = 0;
const DT_NEEDED: u64 = 1;

impl Elf {
    /// Reads a 64-bit little-endian ELF file (x86-64, aarch64, riscv64 Linux).
    fn read(path: &Path) -> Result<Elf, String> {
        let data = std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        let bad = || {
            format!(
                "{}: not a well-formed 64-bit little-endian ELF file",
                path.display()
            )
        };
        if data.get(..6) != Some(b"\x7fELF\x02\x01".as_slice()) {
            return Err(bad());
        }
        let u16_at = |o: usize| {
            data.get(o..o + 2)
                .map(|b| u16::from_le_bytes([b[0], b[1]]) as usize)
        };
        let u32_at = |o: usize| {
            data.get(o..o + 4)
                .map(|b| u32::from_le_bytes(b.try_into().unwrap()))
        };
        let u64_at = |o: usize| {
            data.get(o..o + 8)
                .map(|b| u64::from_le_bytes(b.try_into().unwrap()))
        };
        let str_at = |o: usize| {
            let rest = data.get(o..)?;
            let end = rest.iter().position(|&b| b == 0)?;
            Some(String::from_utf8_lossy(&rest[..end]).into_owned())
        };
        let (phoff, phentsize, phnum) = (
            u64_at(0x20).ok_or_else(bad)? as usize,
            u16_at(0x36).ok_or_else(bad)?,
            u16_at(0x38).ok_or_else(bad)?,
        );
        let (shoff, shentsize, shnum) = (
            u64_at(0x28).ok_or_else(bad)? as usize,
            u16_at(0x3a).ok_or_else(bad)?,
            u16_at(0x3c).ok_or_else(bad)?,
        );
        let shstrndx = u16_at(0x3e).ok_or_else(bad)?;

        let mut interp = None;
        for i in 0..phnum {
            let ph = phoff + i * phentsize;
            if u32_at(ph).ok_or_else(bad)? == PT_INTERP {
                interp = Some(str_at(u64_at(ph + 8).ok_or_else(bad)? as usize).ok_or_else(bad)?);
            }
        }

        // Section headers: (name offset, type, file offset, size, link).
        let section = |i: usize| -> Option<(usize, u32, usize, u64, usize)> {
            let sh = shoff + i * shentsize;
            Some((
                u32_at(sh)? as usize,
                u32_at(sh + 4)?,
                u64_at(sh + 24)? as usize,
                u64_at(sh + 32)?,
                u32_at(sh + 40)? as usize,
            ))
        };
        let names_at = section(shstrndx).ok_or_else(bad)?.2;
        let (mut debug, mut symbols, mut needed) = (0, 0, Vec::new());
        for i in 0..shnum {
            let (name, kind, offset, size, link) = section(i).ok_or_else(bad)?;
            let name = str_at(names_at + name).ok_or_else(bad)?;
            if kind == SHT_NOBITS {
                continue; // takes memory, not file bytes (.bss)
            }
            if name.starts_with(".debug_") || name.starts_with(".zdebug_") {
                debug += size;
            } else if name == ".symtab" || name == ".strtab" {
                symbols += size;
            } else if kind == SHT_DYNAMIC {
                let strings = section(link).ok_or_else(bad)?.2;
                for entry in (offset..offset + size as usize).step_by(16) {
                    match u64_at(entry).ok_or_else(bad)? {
                        DT_NULL => break,
                        DT_NEEDED => needed.push(
                            str_at(strings + u64_at(entry + 8).ok_or_else(bad)? as usize)
                                .ok_or_else(bad)?,
                        ),
                        _ => {}
                    }
                }
            }
        }
        Ok(Elf {
            size: data.len() as u64,
            debug,
            symbols,
            interp,
            needed,
        })
    }
}
