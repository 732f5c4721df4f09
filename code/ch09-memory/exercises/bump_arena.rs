//! Exercise: a bump (arena) allocator over one buffer.
//!
//! Task: write `alloc`, which hands out the next `size` bytes of the buffer
//! at an address that is a multiple of `align`, and `reset`, which frees
//! everything at once. This is how arenas in compilers and game engines
//! allocate thousands of objects for the price of one `malloc`.
//! Goal: aligned, non-overlapping pieces; `None` when full; `reset` reuses.
//! Time: about 15 minutes. Check: `cargo run -- exercises ch09`, and under
//! Miri, which catches pointers that a later `alloc` invalidates:
//! `cargo +nightly miri test -p ch09-memory --features check-exercises --test exercises bump_arena`.

use std::ptr::NonNull;

/// Hands out pieces of one buffer, front to back; frees them all at once.
pub struct Arena {
    buf: Vec<u8>,
    /// Offset of the first free byte in `buf`.
    next: usize,
}

impl Arena {
    /// An arena of `bytes` bytes, taken from the heap once.
    pub fn with_capacity(bytes: usize) -> Arena {
        Arena { buf: vec![0; bytes], next: 0 }
    }

    /// Bytes handed out so far, counting the padding added for alignment.
    pub fn used(&self) -> usize {
        self.next
    }

    /// Reserve `size` bytes whose address is a multiple of `align` (a power
    /// of two). `None` when the arena has no room left.
    pub fn alloc(&mut self, size: usize, align: usize) -> Option<NonNull<u8>> {
        let _ = (size, align, &mut self.buf);
        todo!("round the address of buf[next] up to align, check room, bump next")
    }

    /// Forget every allocation: the next `alloc` starts at the front again.
    pub fn reset(&mut self) {
        todo!()
    }
}
