//! One set of tests for each exercise, run against `answers::…`: the
//! reference solutions normally, the reader's files with
//! `--features check-exercises` (`cargo run -- exercises ch05`).

mod atomic_write {
    use ch05_filesystem::answers::atomic_write::write_atomically;
    use std::fs;
    use std::os::unix::fs::PermissionsExt;

    fn names(dir: &std::path::Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        v.sort();
        v
    }

    #[test]
    fn creates_a_new_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.txt");
        write_atomically(&path, b"fresh\n").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"fresh\n");
        assert_eq!(names(dir.path()), ["new.txt"]);
    }

    #[test]
    fn replaces_an_existing_file_keeping_its_mode_and_giving_a_new_inode() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.conf");
        fs::write(&path, "old contents, longer than the new\n").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        let old_inode = fs::metadata(&path).unwrap().ino();
        // A reader holding the old file open keeps seeing the old contents.
        let old = fs::File::open(&path).unwrap();
        write_atomically(&path, b"new\n").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new\n");
        let meta = fs::metadata(&path).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert_ne!(meta.ino(), old_inode, "rename gives the name a new inode; writing in place would not");
        let mut was = String::new();
        std::io::Read::read_to_string(&mut &old, &mut was).unwrap();
        assert_eq!(was, "old contents, longer than the new\n");
        assert_eq!(names(dir.path()), ["secret.conf"]);
    }

    #[test]
    fn a_failed_rename_leaves_no_temp_file_and_the_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        // rename(2) of a file over any directory fails (EISDIR); the file
        // inside shows the directory was left alone.
        let target = dir.path().join("is-a-dir");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("inside"), "keep").unwrap();
        assert!(write_atomically(&target, b"data").is_err());
        assert_eq!(names(dir.path()), ["is-a-dir"]);
        assert_eq!(fs::read_to_string(target.join("inside")).unwrap(), "keep");
    }

    #[test]
    fn concurrent_writers_in_one_process_all_succeed() {
        // Threads share a pid: a temp name made from the pid alone collides,
        // and a writer that removes a temp file it did not create breaks
        // another writer's rename.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.txt");
        std::thread::scope(|s| {
            for i in 0..4u8 {
                let path = &path;
                s.spawn(move || {
                    for _ in 0..50 {
                        write_atomically(path, &vec![b'a' + i; 100 * (i as usize + 1)]).unwrap_or_else(|e| panic!("writer {i}: {e}"));
                    }
                });
            }
        });
        assert_eq!(names(dir.path()), ["shared.txt"]);
    }

    /// Not a test on its own: the child that the strace test below runs.
    #[test]
    fn traced_child() {
        let Some(path) = std::env::var_os("CH05_TRACED_WRITE") else { return };
        write_atomically(std::path::Path::new(&path), b"new\n").unwrap();
    }

    /// The two fsyncs cannot be seen in the files a test can read (the page
    /// cache serves them either way), only in the system calls: this runs
    /// `traced_child` under strace and checks fsync(temp) -> rename ->
    /// fsync(directory). (As root, tests/durable.rs also cuts the power.)
    #[test]
    fn fsyncs_the_temp_file_before_the_rename_and_the_directory_after() {
        let skip = |why: String| {
            assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true, but {why}");
            std::io::Write::write_all(&mut std::io::stderr(), format!("SKIPPED: the strace check: {why}\n").as_bytes()).unwrap_or(());
        };
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap(); // strace -y prints resolved paths
        let target = root.join("config.txt");
        fs::write(&target, "old\n").unwrap();
        let log = root.join("..trace");
        let out = match std::process::Command::new("strace")
            .args(["-f", "-qq", "-y", "-e", "trace=fsync,fdatasync,rename,renameat,renameat2", "-o"])
            .arg(&log)
            .arg(std::env::current_exe().unwrap())
            .args(["--exact", "atomic_write::traced_child", "--test-threads=1"])
            .env("CH05_TRACED_WRITE", &target)
            .output()
        {
            Ok(out) => out,
            Err(e) => return skip(format!("cannot run strace: {e}")),
        };
        let trace = fs::read_to_string(&log).unwrap_or_default();
        if !out.status.success() && trace.is_empty() {
            return skip(format!("strace failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
        }
        assert!(out.status.success(), "the traced write failed:\n{}", String::from_utf8_lossy(&out.stdout));
        // Each line: PID syscall(args) = result. Keep "syscall(args) = result".
        let calls: Vec<&str> = trace.lines().filter_map(|l| l.split_once(' ').map(|(_, c)| c.trim_start())).collect();
        let quoted = |c: &str| c.split('"').skip(1).step_by(2).map(str::to_string).collect::<Vec<_>>();
        let target_s = target.to_str().unwrap();
        let Some(r) = calls.iter().position(|c| c.starts_with("rename") && c.ends_with("= 0") && quoted(c).last().map(String::as_str) == Some(target_s))
        else {
            panic!("no successful rename to {target_s} in the trace:\n{trace}")
        };
        let tmp = quoted(calls[r])[0].clone();
        let synced = |c: &str, p: &str| (c.starts_with("fsync(") || c.starts_with("fdatasync(")) && c.contains(&format!("<{p}>)")) && c.ends_with("= 0");
        assert!(calls[..r].iter().any(|c| synced(c, &tmp)), "no fsync of the temp file {tmp} before the rename:\n{trace}");
        assert!(calls[r..].iter().any(|c| synced(c, root.to_str().unwrap())), "no fsync of the directory after the rename:\n{trace}");
    }

    #[test]
    fn a_missing_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_atomically(&dir.path().join("no/such/dir/f"), b"x").unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    }
}

mod disk_usage {
    use ch05_filesystem::answers::disk_usage::{disk_usage, Usage};
    use std::fs;
    use std::os::unix::fs::symlink;

    #[test]
    fn counts_files_dirs_links_and_bytes_once_per_inode() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        fs::create_dir_all(root.join("a/b")).unwrap();
        fs::create_dir(root.join("empty")).unwrap();
        fs::write(root.join("ten"), [0u8; 10]).unwrap();
        fs::write(root.join("a/hundred"), [0u8; 100]).unwrap();
        fs::write(root.join("a/b/thousand"), [0u8; 1000]).unwrap();
        fs::hard_link(root.join("a/hundred"), root.join("a/b/hundred-again")).unwrap();
        // A big file outside the tree, reached only through a symlink: not counted.
        fs::write(dir.path().join("outside"), vec![0u8; 50_000]).unwrap();
        symlink(dir.path().join("outside"), root.join("a/link-out")).unwrap();
        symlink("..", root.join("a/b/loop")).unwrap();

        let usage = disk_usage(&root).unwrap();
        assert_eq!(usage, Usage { dirs: 4, files: 4, symlinks: 2, bytes: 1110 });
    }

    #[test]
    fn an_empty_directory_is_one_directory() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(disk_usage(dir.path()).unwrap(), Usage { dirs: 1, ..Usage::default() });
    }

    #[test]
    fn a_missing_root_is_an_error() {
        assert!(disk_usage(std::path::Path::new("/no/such/dir/ch05")).is_err());
    }
}

mod single_instance {
    use ch05_filesystem::answers::single_instance::{holder_pid, InstanceGuard};
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    #[test]
    fn the_first_wins_the_second_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.lock");
        let first = InstanceGuard::acquire(&path).unwrap().expect("the first instance gets the lock");
        assert_eq!(holder_pid(&path).unwrap(), Some(std::process::id()));
        // A second open in the same process is a second open file description: refused.
        assert!(InstanceGuard::acquire(&path).unwrap().is_none());
        // The refused attempt did not wipe the holder's pid.
        assert_eq!(holder_pid(&path).unwrap(), Some(std::process::id()));
        drop(first);
        assert!(InstanceGuard::acquire(&path).unwrap().is_some());
    }

    #[test]
    fn a_lock_held_by_another_process_refuses_us() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.lock");
        let mut other = Command::new(env!("CARGO_BIN_EXE_flock-demo"))
            .arg("--hold")
            .arg(&path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(other.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line, "locked\n");
        assert!(InstanceGuard::acquire(&path).unwrap().is_none());
        drop(other.stdin.take()); // the other process exits, the kernel releases its lock
        assert!(other.wait().unwrap().success());
        assert!(InstanceGuard::acquire(&path).unwrap().is_some());
    }
}
