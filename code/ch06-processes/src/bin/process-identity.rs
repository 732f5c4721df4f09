//! Who am I? Everything the kernel keeps about this process's identity:
//! executable path, pid, parent pid, user and group ids, process group,
//! session, working directory, arguments and environment; and its one
//! output besides the streams, the exit code.
//!
//! Run: cargo run -p ch06-processes --bin process-identity -- some args
//!      then `echo $?` (it exits with the number of arguments it was given)
//! Look for: ppid is your shell's pid and pgid is our own pid: `cargo run`
//! execs the program (rustup's proxy and cargo both exec, keeping the pid),
//! so we are the process the shell forked and made leader of the job's
//! group. cwd is where you ran cargo.

use nix::unistd::{getegid, geteuid, getgid, getpgrp, getpid, getppid, getsid, getuid};
use std::process::ExitCode;

const USAGE: &str = "usage: process-identity [ARG]...
Prints this process's identity (exe, pid, ppid, uid, gid, pgid, sid, cwd), its
arguments and environment, and exits with the number of ARGs (at most 255).
";

fn main() -> ExitCode {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("process-identity: {e}");
            ExitCode::from(255)
        }
    }
}

fn run() -> Result<u8, String> {
    // ANCHOR: identity
    // /proc/self/exe is a symlink the kernel keeps to the running executable
    // (Go: os.Executable()); std::env::current_exe reads it on Linux.
    let exe = std::env::current_exe().map_err(|e| format!("reading /proc/self/exe: {e}"))?;
    println!("exe     {}", exe.display());
    println!("pid     {}", getpid()); // getpid(2), Go os.Getpid()
    println!("ppid    {}", getppid()); // getppid(2), Go os.Getppid()
    println!("uid     {} (effective {})", getuid(), geteuid()); // getuid(2), geteuid(2)
    println!("gid     {} (effective {})", getgid(), getegid()); // getgid(2), getegid(2)
    println!("pgid    {}", getpgrp()); // getpgrp(2): the process group (a job)
    let sid = getsid(None).map_err(|e| format!("getsid: {e}"))?; // getsid(2)
    println!("sid     {sid}"); // the session (a login, a terminal)
    let cwd = std::env::current_dir().map_err(|e| format!("getcwd: {e}"))?;
    println!("cwd     {}", cwd.display()); // getcwd(3), Go os.Getwd()
    // ANCHOR_END: identity

    // ANCHOR: inputs
    // Inputs: the argument vector and the environment, both copied onto the
    // new process's stack by execve(2).
    // args_os, not args: an argument need not be UTF-8, and args would panic.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    println!("args    {args:?}");
    let env_count = std::env::vars_os().count();
    let path = std::env::var("PATH").unwrap_or_default();
    let first_dir = path.split(':').next().unwrap_or("");
    println!("env     {env_count} variables, PATH starts with {first_dir:?}");
    // Output: the exit code, 0..=255, which the parent collects with wait(2).
    let code = (args.len() - 1).min(255) as u8;
    println!("exit    {code}");
    Ok(code)
    // ANCHOR_END: inputs
}
