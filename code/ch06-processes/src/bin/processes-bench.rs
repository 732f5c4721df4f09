//! How much does a new process cost? Times, in µs per operation: a thread
//! spawn + join, fork + waitpid, fork + exec + waitpid, posix_spawn, and
//! std's `Command::status`; then the same with a large parent (fork copies
//! page tables, posix_spawn's CLONE_VM does not); then copy-on-write: the
//! cost of the child's first write to each shared page.
//!
//! Run: cargo run --release -p ch06-processes --bin processes-bench
//!      (add `-- --quick` for a fast, tiny run; the test uses it)
//! Look for: fork time growing with the parent's memory, spawn time not;
//! one minor fault per 4 KiB page written after fork.

use ch06_processes::minor_faults;
use nix::sys::wait::waitpid;
use nix::unistd::{execv, fork, ForkResult};
use std::ffi::CStr;
use std::process::Command;
use std::time::Instant;

const TRUE: &CStr = c"/bin/true";
const PAGE: usize = 4096;

const USAGE: &str = "usage: processes-bench [--quick]
Times a thread spawn, fork, fork + exec, posix_spawn and Command::status in
µs per operation, with a small and a 256 MiB parent, then the child's
copy-on-write cost per page. --quick: 20 calls per row and 16 MiB, for the tests.
";

fn main() {
    if let Err(e) = run() {
        eprintln!("processes-bench: {e}");
        std::process::exit(1);
    }
}

/// Mean µs per call of `op` over `n` calls.
fn per_op(n: usize, mut op: impl FnMut() -> Result<(), String>) -> Result<f64, String> {
    op()?; // warm up (page cache, PATH lookup, lazy symbol binding)
    let start = Instant::now();
    for _ in 0..n {
        op()?;
    }
    Ok(start.elapsed().as_secs_f64() * 1e6 / n as f64)
}

fn fork_wait() -> Result<(), String> {
    // SAFETY: the bench is single-threaded when it forks; the child _exits.
    match unsafe { fork() }.map_err(|e| format!("fork: {e}"))? {
        // SAFETY: _exit only ends the process.
        ForkResult::Child => unsafe { libc::_exit(0) },
        ForkResult::Parent { child } => waitpid(child, None).map(drop).map_err(|e| format!("waitpid: {e}")),
    }
}

fn fork_exec_wait() -> Result<(), String> {
    let argv = [TRUE];
    // SAFETY: as above; the child only execs (nix's execv allocates its
    // pointer array: fine in a single-threaded process) or _exits.
    match unsafe { fork() }.map_err(|e| format!("fork: {e}"))? {
        ForkResult::Child => {
            let _ = execv(TRUE, &argv);
            // SAFETY: _exit only ends the process.
            unsafe { libc::_exit(127) }
        }
        ForkResult::Parent { child } => waitpid(child, None).map(drop).map_err(|e| format!("waitpid: {e}")),
    }
}

fn posix_spawn_wait() -> Result<(), String> {
    let mut pid: libc::pid_t = 0;
    let argv = [TRUE.as_ptr() as *mut libc::c_char, std::ptr::null_mut()];
    let envp = [std::ptr::null_mut::<libc::c_char>()];
    // SAFETY: argv and envp are NULL-terminated arrays of C strings that
    // outlive the call; null file actions and attributes mean "defaults".
    let ret = unsafe {
        libc::posix_spawn(&mut pid, TRUE.as_ptr(), std::ptr::null(), std::ptr::null(), argv.as_ptr(), envp.as_ptr())
    };
    if ret != 0 {
        return Err(format!("posix_spawn: {}", std::io::Error::from_raw_os_error(ret)));
    }
    waitpid(nix::unistd::Pid::from_raw(pid), None).map(drop).map_err(|e| format!("waitpid: {e}"))
}

fn command_status() -> Result<(), String> {
    Command::new("/bin/true").status().map(drop).map_err(|e| format!("running /bin/true: {e}"))
}

fn thread_spawn_join() -> Result<(), String> {
    std::thread::spawn(|| {}).join().map_err(|_| "thread panicked".to_string())
}

fn run() -> Result<(), String> {
    let mut quick = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--quick" => quick = true,
            "--help" | "-h" => {
                print!("{USAGE}");
                return Ok(());
            }
            _ => return Err(format!("unknown argument {arg:?} (see --help)")),
        }
    }
    let (n, mib) = if quick { (20, 16) } else { (400, 256) };

    println!("{:<44} {:>10}", "operation (parent small)", "µs/op");
    let rows: [(&str, fn() -> Result<(), String>); 5] = [
        ("thread spawn + join", thread_spawn_join),
        ("fork + _exit + waitpid", fork_wait),
        ("fork + exec /bin/true + waitpid", fork_exec_wait),
        ("posix_spawn /bin/true + waitpid", posix_spawn_wait),
        ("Command::new(/bin/true).status()", command_status),
    ];
    for (name, op) in rows {
        println!("{name:<44} {:>10.1}", per_op(n, op)?);
    }

    // A big parent: touch every page of `mib` MiB, then fork and spawn again.
    let mut buf = vec![0u8; mib << 20];
    buf.fill(1);
    println!("\n{:<44} {:>10}", format!("operation (parent with {mib} MiB touched)"), "µs/op");
    let rows: [(&str, fn() -> Result<(), String>); 4] = [
        ("fork + _exit + waitpid", fork_wait),
        ("fork + exec /bin/true + waitpid", fork_exec_wait),
        ("posix_spawn /bin/true + waitpid", posix_spawn_wait),
        ("Command::new(/bin/true).status()", command_status),
    ];
    for (name, op) in rows {
        println!("{name:<44} {:>10.1}", per_op(n / 4, op)?);
    }

    // Copy-on-write: time the child's write to every page, and count faults.
    // ANCHOR: cow-bench
    let pages = buf.len() / PAGE;
    // SAFETY: single-threaded; the child writes, prints and _exits.
    match unsafe { fork() }.map_err(|e| format!("fork: {e}"))? {
        ForkResult::Child => {
            let f0 = minor_faults().unwrap_or(0);
            let t0 = Instant::now();
            for i in (0..buf.len()).step_by(PAGE) {
                // SAFETY: i < buf.len().
                unsafe { std::ptr::write_volatile(buf.as_mut_ptr().add(i), 2) };
            }
            let dt = t0.elapsed();
            let faults = minor_faults().unwrap_or(0) - f0;
            println!("\ncopy-on-write in the child, {mib} MiB = {pages} pages");
            println!("{:<44} {:>10}", "minor faults while writing", faults);
            println!("{:<44} {:>10.2}", "µs per page (fault + 4 KiB copy)", dt.as_secs_f64() * 1e6 / pages as f64);
            // Write again: the pages are private now, no faults, no copies.
            let t0 = Instant::now();
            for i in (0..buf.len()).step_by(PAGE) {
                // SAFETY: i < buf.len().
                unsafe { std::ptr::write_volatile(buf.as_mut_ptr().add(i), 3) };
            }
            println!("{:<44} {:>10.3}", "µs per page, second write (no fault)", t0.elapsed().as_secs_f64() * 1e6 / pages as f64);
            use std::io::Write;
            let _ = std::io::stdout().flush();
            // SAFETY: _exit only ends the process.
            unsafe { libc::_exit(0) }
        }
        ForkResult::Parent { child } => {
            waitpid(child, None).map_err(|e| format!("waitpid: {e}"))?;
        }
    }
    // ANCHOR_END: cow-bench
    drop(buf);

    if !quick {
        go_counterpart();
    }
    Ok(())
}

/// Run the Go version (code/ch06-processes/go/spawn) when `go` is installed.
fn go_counterpart() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/go");
    match Command::new("go").args(["run", "./spawn", "300"]).current_dir(dir).output() {
        Ok(out) if out.status.success() => print!("\n{}", String::from_utf8_lossy(&out.stdout)),
        Ok(out) => eprintln!("go run ./spawn failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(e) => eprintln!("(go not found, skipping the Go counterpart: {e})"),
    }
}
