//! Permission bits in octal, and why listing a directory needs `x` as well
//! as `r`: `r` lets you read the names, `x` lets you use them (search).
//!
//! Run: cargo run -p ch05-filesystem --bin permissions
//! As root the kernel skips these checks (CAP_DAC_OVERRIDE,
//! CAP_DAC_READ_SEARCH), so when run as root the program repeats the probe
//! in a child running as user `nobody` (uid 65534).

use std::fs::{self, Permissions};
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

const USAGE: &str = "\
usage: permissions
Makes directories with modes 0700, 0555, 0444 and 0111 in a temp dir and tries
to list each and open a file in it; as root, again as user nobody (uid 65534).
No arguments (`--probe DIR...` is the child's half: it probes each DIR).
";

// ANCHOR: probe
/// Try the two things a directory's bits control: listing the names in it
/// (needs `r`) and opening a file inside it by name (needs `x`).
fn probe(dir: &Path) -> String {
    let list = match fs::read_dir(dir) {
        Ok(entries) => format!("ls ok ({} names)", entries.count()),
        Err(e) => format!("ls {:?}", e.kind()),
    };
    let open = match fs::read_to_string(dir.join("file.txt")) {
        Ok(_) => "cat file.txt ok".to_string(),
        Err(e) => format!("cat file.txt {:?}", e.kind()),
    };
    format!("{list:<24} {open}")
}
// ANCHOR_END: probe

fn run() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("--probe") => {
            for dir in args {
                let name = Path::new(&dir).file_name().unwrap_or_default().to_string_lossy().into_owned();
                println!("  {name:<10} {}", probe(Path::new(&dir)));
            }
            return Ok(());
        }
        Some("--help" | "-h") => {
            print!("{USAGE}");
            return Ok(());
        }
        Some(other) => return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("unexpected argument {other}; try --help"))),
        None => {}
    }

    let top = tempfile::Builder::new().prefix("ch05-perm-").tempdir()?;
    // ANCHOR: modes
    // Everyone may traverse the top directory, so user nobody can reach ours.
    fs::set_permissions(top.path(), Permissions::from_mode(0o755))?;
    let mut dirs = Vec::new();
    for (name, mode) in [("0700", 0o700), ("0555", 0o555), ("0444", 0o444), ("0111", 0o111)] {
        let dir = top.path().join(name);
        fs::create_dir(&dir)?;
        fs::write(dir.join("file.txt"), "hello\n")?;
        fs::set_permissions(dir.join("file.txt"), Permissions::from_mode(0o644))?;
        fs::set_permissions(&dir, Permissions::from_mode(mode))?;
        let meta = fs::metadata(&dir)?;
        // st_mode holds the file type in its high bits, permissions in the low 12.
        println!("dir {name}  st_mode {:o}  permissions {:04o}", meta.mode(), meta.mode() & 0o7777);
        dirs.push(dir);
    }
    // ANCHOR_END: modes

    let euid = nix::unistd::geteuid();
    println!("as uid {euid}{}:", if euid.is_root() { " (root: permission checks skipped)" } else { "" });
    for dir in &dirs {
        println!("  {:<10} {}", dir.file_name().unwrap_or_default().to_string_lossy(), probe(dir));
    }
    if euid.is_root() {
        println!("as uid 65534 (nobody), other bits apply:");
        // The child must reach the executable as nobody, and ours may sit
        // under a 0700 directory (/root, a private $HOME, a mktemp -d):
        // run a copy from the top directory, which everyone may traverse.
        let exe = top.path().join("permissions-probe");
        fs::copy(std::env::current_exe()?, &exe)?;
        fs::set_permissions(&exe, Permissions::from_mode(0o755))?;
        match Command::new(&exe).arg("--probe").args(&dirs).uid(65534).gid(65534).output() {
            Ok(out) => {
                print!("{}", String::from_utf8_lossy(&out.stdout));
                eprint!("{}", String::from_utf8_lossy(&out.stderr));
            }
            Err(e) => println!("  (could not run {} as nobody: {e})", exe.display()),
        }
    }
    // Give ourselves back the bits we need to delete everything.
    for dir in &dirs {
        fs::set_permissions(dir, Permissions::from_mode(0o700))?;
    }
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("permissions: {e}");
        std::process::exit(1);
    }
}
