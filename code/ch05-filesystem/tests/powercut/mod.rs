//! A simulated power cut, the way xfstests make one: a small ext4 image on a
//! loop device, a save, then the `EXT4_IOC_SHUTDOWN` ioctl with
//! `EXT4_GOING_FLAGS_NOLOGFLUSH`, after which nothing more reaches the
//! "disk" (not even the journal in memory); unmount, mount again (the journal
//! is replayed as after a reboot) and look at what survived.
//!
//! What it models is a drive with a write-through cache: a write that reached
//! the loop device is in the host's page cache for the image file, and
//! nothing here loses that, so the cache flush `fsync` sends the device (and
//! `nobarrier`, which drops it) makes no difference to these results.
//!
//! Needs root, `mkfs.ext4` and loop devices: [`PowerCut::new`] returns `None`
//! with a message where the machine cannot, and panics under `CI=true`.

use std::fs::{self, File};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `_IOR('X', 125, __u32)`, ext4's `EXT4_IOC_SHUTDOWN` (fs/ext4/ext4.h; newer
/// kernels move it to include/uapi/linux/ext4.h), the same number as XFS's
/// `XFS_IOC_GOINGDOWN` and f2fs's `F2FS_IOC_SHUTDOWN` (include/uapi/linux/
/// f2fs.h): 2<<30 | 4<<16 | 'X'<<8 | 125.
const EXT4_IOC_SHUTDOWN: u32 = 0x8004_587D;
/// Stop the file system at once, without writing the journal out.
const EXT4_GOING_FLAGS_NOLOGFLUSH: u32 = 2;

pub struct PowerCut {
    image: PathBuf,
    mnt: PathBuf,
    _dir: tempfile::TempDir,
}

/// What a case found after the power cut and remount.
#[derive(Debug, PartialEq)]
pub struct Survivor {
    /// config.txt's contents, `None` if it is gone.
    pub config: Option<Vec<u8>>,
    /// Every name in the directory.
    pub names: Vec<String>,
}

fn skip(why: String) -> Option<PowerCut> {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("CI=true, but the power-cut test cannot run: {why}");
    }
    std::io::Write::write_all(&mut std::io::stderr(), format!("SKIPPED: the power-cut test: {why} (it needs root, mkfs.ext4 and a loop device)\n").as_bytes()).unwrap_or(());
    None
}

fn sh(cmd: &str, args: &[&str]) -> Result<(), String> {
    match Command::new(cmd).args(args).output() {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => Err(format!("{cmd} {args:?}: {}", String::from_utf8_lossy(&out.stderr).trim())),
        Err(e) => Err(format!("{cmd}: {e}")),
    }
}

impl PowerCut {
    /// A fresh 64 MiB ext4 image, or `None` (with a message) if this machine cannot.
    pub fn new() -> Option<PowerCut> {
        if !nix::unistd::geteuid().is_root() {
            return skip("not running as root".into());
        }
        let dir = tempfile::tempdir().expect("a temp dir");
        let (image, mnt) = (dir.path().join("ext4.img"), dir.path().join("mnt"));
        File::create(&image).and_then(|f| f.set_len(64 << 20)).expect("creating the image file");
        fs::create_dir(&mnt).expect("creating the mount point");
        if let Err(e) = sh("mkfs.ext4", &["-q", "-F", image.to_str().unwrap()]) {
            return skip(e);
        }
        let pc = PowerCut { image, mnt, _dir: dir };
        // One mount and unmount to find out whether loop devices work here.
        if let Err(e) = pc.mount("defaults") {
            return skip(e);
        }
        pc.umount();
        Some(pc)
    }

    fn mount(&self, opts: &str) -> Result<(), String> {
        sh("mount", &["-o", &format!("loop,{opts}"), self.image.to_str().unwrap(), self.mnt.to_str().unwrap()])
    }

    fn umount(&self) {
        sh("umount", &[self.mnt.to_str().unwrap()]).unwrap_or_else(|e| panic!("{e}"));
    }

    /// Mount with `opts`, put a synced `version 1\n` in `d/config.txt`, run
    /// `save(d)`; if `commit`, fsync an unrelated file (which commits the
    /// journal, as any other program's fsync or the 5-second commit timer
    /// would); cut the power; remount and report what is left.
    pub fn run(&self, opts: &str, commit: bool, save: impl FnOnce(&Path)) -> Survivor {
        self.mount(opts).unwrap_or_else(|e| panic!("{e}"));
        let unmount = Unmount(&self.mnt);
        let d = self.mnt.join("d");
        // What an earlier case left.
        let _ = fs::remove_dir_all(&d);
        let _ = fs::remove_file(self.mnt.join("other"));
        fs::create_dir(&d).unwrap();
        fs::write(d.join("config.txt"), "version 1\n").unwrap();
        let root = File::open(&self.mnt).unwrap();
        // SAFETY: syncfs(2) on a descriptor we own and keep open for the call.
        assert_eq!(unsafe { libc::syncfs(root.as_raw_fd()) }, 0, "syncfs: {}", std::io::Error::last_os_error());

        save(&d);
        if commit {
            let other = File::create(self.mnt.join("other")).unwrap();
            other.sync_all().unwrap();
        }
        let flags: u32 = EXT4_GOING_FLAGS_NOLOGFLUSH;
        // SAFETY: ioctl(2) on an open descriptor of the mount point; the
        // kernel reads one u32 through the pointer, which is valid for the call.
        let rc = unsafe { libc::ioctl(root.as_raw_fd(), EXT4_IOC_SHUTDOWN as _, &flags as *const u32) };
        assert_eq!(rc, 0, "ioctl(EXT4_IOC_SHUTDOWN): {}", std::io::Error::last_os_error());
        drop(root);
        drop(unmount);

        self.mount(opts).unwrap_or_else(|e| panic!("{e}"));
        let unmount = Unmount(&self.mnt);
        let config = fs::read(d.join("config.txt")).ok();
        let mut names: Vec<String> = fs::read_dir(&d).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        drop(unmount);
        Survivor { config, names }
    }
}

/// Unmounts when dropped, also when an assertion panics half-way.
struct Unmount<'a>(&'a Path);

impl Drop for Unmount<'_> {
    fn drop(&mut self) {
        if let Err(e) = sh("umount", &[self.0.to_str().unwrap()]) {
            eprintln!("{e}");
        }
    }
}
