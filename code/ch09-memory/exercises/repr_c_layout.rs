//! Exercise: compute the layout of a `#[repr(C)]` struct by hand.
//!
//! Task: given each field's (size, align) in declaration order, compute the
//! offsets, size, alignment and padding that C gives the struct (`repr_c`),
//! and the smallest layout a reordering reaches (`reordered`), the one rustc
//! is free to pick for a plain Rust struct.
//! Goal: your numbers equal `size_of`, `align_of` and `offset_of!` of real
//! `#[repr(C)]` structs in the tests.
//! Time: about 15 minutes. Check: `cargo run -- exercises ch09`.

/// Where the fields of a struct go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructLayout {
    /// `size_of` the struct: a multiple of `align`.
    pub size: usize,
    /// `align_of` the struct: the largest field alignment (1 when empty).
    pub align: usize,
    /// Offset of each field, in the order given.
    pub offsets: Vec<usize>,
    /// Bytes of padding, between fields and at the end.
    pub padding: usize,
}

/// The layout C (and `#[repr(C)]`) gives fields of these (size, align), in
/// this order.
pub fn repr_c(fields: &[(usize, usize)]) -> StructLayout {
    let _ = fields;
    todo!("each field at the next multiple of its align; round the end up")
}

/// The smallest layout a reordering of the fields reaches. Offsets are
/// reported in the original field order.
pub fn reordered(fields: &[(usize, usize)]) -> StructLayout {
    let _ = fields;
    todo!("sort by alignment, largest first, then lay out as C would")
}
