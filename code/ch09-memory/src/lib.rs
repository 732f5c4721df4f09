//! Shared pieces of the chapter 9 examples (memory): a counting global
//! allocator, readers for the kernel's memory counters (`getrusage`,
//! `/proc/self/status`, `/proc/self/smaps_rollup`), a tiny zip writer so the
//! zip example needs no input file, and the exercise wiring.

use std::alloc::{GlobalAlloc, Layout, System};
use std::fs;
use std::io;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

// ANCHOR: counting
/// A global allocator that counts, then hands every request to `System`
/// (glibc's `malloc`). Install it in a program with
/// `#[global_allocator] static A: CountingAlloc = CountingAlloc;`.
pub struct CountingAlloc;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static ZEROED: AtomicU64 = AtomicU64::new(0);
static REALLOCS: AtomicU64 = AtomicU64::new(0);
static FREES: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: each of the four methods counts with atomics (which never
// allocate) and then calls the same method of `System` with the same
// arguments, so every promise `System` keeps (memory fitting the layout, or
// null) holds for us too. `alloc_zeroed` and `realloc` must be forwarded,
// not left to the trait's defaults: those would call our `alloc` and then
// zero or copy by hand, and `vec![0; n]` would lose calloc's fresh pages.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        // SAFETY: same layout, same contract as our caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        ZEROED.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        // SAFETY: same layout, same contract as our caller's. System uses
        // calloc(3), which skips the zeroing for fresh mmap'ed pages.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        FREES.fetch_add(1, Relaxed);
        // SAFETY: `ptr` came from `System` (through one of our methods)
        // with this layout, as our caller promises.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        REALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(new_size.saturating_sub(layout.size()) as u64, Relaxed);
        // SAFETY: forwarded unchanged; `ptr` was allocated by `System`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// What the counting allocator saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub allocs: u64,
    /// Of the `allocs`, how many asked for zeroed memory (`alloc_zeroed`).
    pub zeroed: u64,
    pub reallocs: u64,
    pub frees: u64,
    /// Bytes requested by `alloc`, plus what each `realloc` grew by.
    pub bytes: u64,
}

/// The counters so far (all threads of the process together).
pub fn counts() -> Counts {
    Counts {
        allocs: ALLOCS.load(Relaxed),
        zeroed: ZEROED.load(Relaxed),
        reallocs: REALLOCS.load(Relaxed),
        frees: FREES.load(Relaxed),
        bytes: BYTES.load(Relaxed),
    }
}

/// Run `f` and return what it allocated. Only meaningful when
/// `CountingAlloc` is the global allocator and no other thread allocates.
pub fn count_allocs<T>(f: impl FnOnce() -> T) -> (T, Counts) {
    let before = counts();
    let value = f();
    let after = counts();
    let diff = Counts {
        allocs: after.allocs - before.allocs,
        zeroed: after.zeroed - before.zeroed,
        reallocs: after.reallocs - before.reallocs,
        frees: after.frees - before.frees,
        bytes: after.bytes - before.bytes,
    };
    (value, diff)
}
// ANCHOR_END: counting

#[cfg(test)]
mod counting_alloc_tests {
    //! Runs every method of `CountingAlloc` through ordinary collections, so
    //! that `cargo +nightly miri test -p ch09-memory --lib` checks its unsafe
    //! forwarding (the integration test reads getrusage and /proc, which
    //! Miri's isolation forbids). The harness's own threads may allocate at
    //! the same time, hence `>=`.
    use super::{count_allocs, CountingAlloc};
    use std::hint::black_box;

    #[global_allocator]
    static A: CountingAlloc = CountingAlloc;

    #[repr(align(64))]
    struct Line([u8; 64]);

    #[test]
    fn every_method_forwards_and_counts() {
        // realloc: a String that outgrows its buffer keeps its bytes.
        let (s, c) = count_allocs(|| {
            let mut s = String::with_capacity(4);
            for i in 0..100u8 {
                s.push((b'a' + i % 26) as char);
            }
            black_box(s)
        });
        assert!(c.allocs >= 1 && c.reallocs >= 1, "{c:?}");
        assert_eq!(s.len(), 100);
        assert!(s.starts_with("abcdefghijklmnopqrstuvwxyzabc") && s.ends_with("uv"), "{s}");

        // alloc_zeroed: vec![0; n] asks for zeroed memory and gets it.
        let (v, c) = count_allocs(|| black_box(vec![0u64; 1000]));
        assert!(c.zeroed >= 1 && c.bytes >= 8000, "{c:?}");
        assert!(v.iter().all(|&x| x == 0));

        // An alignment above malloc's 16 bytes: System takes posix_memalign.
        let (b, c) = count_allocs(|| black_box(Box::new(Line([7; 64]))));
        assert!(c.allocs >= 1 && c.bytes >= 64, "{c:?}");
        assert_eq!(&*b as *const Line as usize % 64, 0);
        assert!(b.0.iter().all(|&x| x == 7));

        // dealloc: dropping the three frees three blocks.
        let ((), c) = count_allocs(|| drop((s, v, b)));
        assert!(c.frees >= 3, "{c:?}");
    }
}

/// The size of a page: sysconf(3) `_SC_PAGESIZE` (4096 on x86-64).
pub fn page_size() -> usize {
    // SAFETY: sysconf only reads a constant of the system.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if size > 0 {
        size as usize
    } else {
        4096
    }
}

/// Minor page faults of this process so far: `ru_minflt` of getrusage(2).
pub fn minor_faults() -> io::Result<i64> {
    use nix::sys::resource::{getrusage, UsageWho};
    let usage = getrusage(UsageWho::RUSAGE_SELF).map_err(io::Error::from)?;
    Ok(usage.minor_page_faults())
}

/// A `NAME: 1234 kB` field of a `/proc` file, in KiB: e.g.
/// `proc_kib("/proc/self/status", "VmRSS")`. See proc_pid_status(5).
pub fn proc_kib(path: &str, name: &str) -> io::Result<u64> {
    let text = fs::read_to_string(path)?;
    for line in text.lines() {
        if let Some((key, value)) = line.split_once(':') {
            if key == name {
                let value = value.trim().trim_end_matches("kB").trim();
                return value.parse().map_err(|e| {
                    io::Error::new(io::ErrorKind::InvalidData, format!("{name} in {path}: {value:?}: {e}"))
                });
            }
        }
    }
    Err(io::Error::new(io::ErrorKind::NotFound, format!("no {name} line in {path}")))
}

/// This process's resident set size in KiB (`VmRSS` of `/proc/self/status`).
pub fn vm_rss_kib() -> io::Result<u64> {
    proc_kib("/proc/self/status", "VmRSS")
}

/// A minimal zip writer: every entry *stored* (method 0, no compression),
/// which is all the zip example needs to have a file to read.
pub mod zip {
    /// CRC-32 (the IEEE polynomial, reflected: 0xEDB88320), bit by bit.
    pub fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in data {
            crc ^= byte as u32;
            for _ in 0..8 {
                let mask = (crc & 1).wrapping_neg();
                crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
            }
        }
        !crc
    }

    fn u16le(out: &mut Vec<u8>, v: u16) {
        out.extend_from_slice(&v.to_le_bytes());
    }
    fn u32le(out: &mut Vec<u8>, v: u32) {
        out.extend_from_slice(&v.to_le_bytes());
    }

    // ANCHOR: write
    /// The bytes of a zip archive holding `entries` (name, contents), stored
    /// uncompressed, followed by `comment` in the end record.
    /// Layout: [local header + data]… [central directory entry]… [end record].
    pub fn stored_zip(entries: &[(&str, &[u8])], comment: &str) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, data) in entries {
            let offset = out.len() as u32;
            let crc = crc32(data);
            // Local file header, APPNOTE.TXT 4.3.7.
            u32le(&mut out, 0x0403_4b50);
            u16le(&mut out, 10); // version needed: 1.0
            u16le(&mut out, 0); // flags
            u16le(&mut out, 0); // method 0 = stored
            u16le(&mut out, 0); // mod time
            u16le(&mut out, 0x21); // mod date: 1980-01-01
            u32le(&mut out, crc);
            u32le(&mut out, data.len() as u32); // compressed size
            u32le(&mut out, data.len() as u32); // uncompressed size
            u16le(&mut out, name.len() as u16);
            u16le(&mut out, 0); // extra field length
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
            // Central directory file header, APPNOTE.TXT 4.3.12.
            u32le(&mut central, 0x0201_4b50);
            u16le(&mut central, 0x031e); // made by: Unix, 3.0
            u16le(&mut central, 10);
            u16le(&mut central, 0);
            u16le(&mut central, 0);
            u16le(&mut central, 0);
            u16le(&mut central, 0x21);
            u32le(&mut central, crc);
            u32le(&mut central, data.len() as u32);
            u32le(&mut central, data.len() as u32);
            u16le(&mut central, name.len() as u16);
            u16le(&mut central, 0); // extra
            u16le(&mut central, 0); // comment
            u16le(&mut central, 0); // disk number
            u16le(&mut central, 0); // internal attributes
            u32le(&mut central, 0o100644 << 16); // external: Unix mode rw-r--r--
            u32le(&mut central, offset); // where the local header is
            central.extend_from_slice(name.as_bytes());
        }
        let cd_offset = out.len() as u32;
        out.extend_from_slice(&central);
        // End of central directory record, APPNOTE.TXT 4.3.16.
        u32le(&mut out, 0x0605_4b50);
        u16le(&mut out, 0); // this disk
        u16le(&mut out, 0); // disk where the directory starts
        u16le(&mut out, entries.len() as u16); // entries on this disk
        u16le(&mut out, entries.len() as u16); // entries in total
        u32le(&mut out, central.len() as u32); // directory size
        u32le(&mut out, cd_offset); // directory offset
        u16le(&mut out, comment.len() as u16);
        out.extend_from_slice(comment.as_bytes());
        out
    }
    // ANCHOR_END: write
}

/// The reader's files, stubs until solved. Always compiled, so they must build.
#[path = "../exercises"]
pub mod exercises {
    pub mod bump_arena;
    pub mod maps;
    pub mod repr_c_layout;
}
/// Reference answers.
#[path = "../solutions"]
pub mod solutions {
    pub mod bump_arena;
    pub mod maps;
    pub mod repr_c_layout;
}
#[cfg(not(feature = "check-exercises"))]
pub use solutions as answers;
#[cfg(feature = "check-exercises")]
pub use exercises as answers;
