//! Solution: a bump (arena) allocator over one buffer.

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
        assert!(align.is_power_of_two(), "align {align} is not a power of two");
        let base = self.buf.as_mut_ptr() as usize;
        // Round the address (not the offset) up: the buffer itself may sit
        // at any address, since a Vec<u8> only promises alignment 1.
        let start = (base + self.next).checked_add(align - 1)? & !(align - 1);
        let offset = start - base;
        let end = offset.checked_add(size)?;
        if end > self.buf.len() {
            return None;
        }
        self.next = end;
        // Derive the piece from the buffer's raw pointer. Indexing instead
        // (`self.buf[offset..].as_mut_ptr()`) would make a `&mut [u8]` to the
        // whole buffer, and a new `&mut` invalidates the pointers handed out
        // before it (Miri reports it); `Vec::as_mut_ptr` promises to make no
        // reference, so earlier pieces stay valid.
        // SAFETY: `offset <= end <= buf.len()`, so the result stays inside
        // the buffer's allocation (or one past its end when `size` is 0).
        NonNull::new(unsafe { self.buf.as_mut_ptr().add(offset) })
    }

    /// Forget every allocation: the next `alloc` starts at the front again.
    /// (Pointers handed out before must not be used after this.)
    pub fn reset(&mut self) {
        self.next = 0;
    }
}
