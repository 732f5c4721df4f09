//! Solution: compute the layout of a `#[repr(C)]` struct by hand.

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

fn round_up(n: usize, align: usize) -> usize {
    n.div_ceil(align) * align
}

/// The layout C (and `#[repr(C)]`) gives fields of these (size, align), in
/// this order: each field at the next offset that is a multiple of its
/// alignment, and the total rounded up to the struct's alignment.
pub fn repr_c(fields: &[(usize, usize)]) -> StructLayout {
    let mut offset = 0;
    let mut align = 1;
    let mut offsets = Vec::with_capacity(fields.len());
    for &(size, field_align) in fields {
        offset = round_up(offset, field_align);
        offsets.push(offset);
        offset += size;
        align = align.max(field_align);
    }
    let size = round_up(offset, align);
    let padding = size - fields.iter().map(|&(s, _)| s).sum::<usize>();
    StructLayout { size, align, offsets, padding }
}

/// The smallest size a reordering of the fields can reach: lay them out
/// from the largest alignment down (what rustc does for `repr(Rust)` in
/// simple cases). Offsets are reported in the original field order.
pub fn reordered(fields: &[(usize, usize)]) -> StructLayout {
    let mut order: Vec<usize> = (0..fields.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(fields[i].1));
    let sorted: Vec<(usize, usize)> = order.iter().map(|&i| fields[i]).collect();
    let laid = repr_c(&sorted);
    let mut offsets = vec![0; fields.len()];
    for (k, &i) in order.iter().enumerate() {
        offsets[i] = laid.offsets[k];
    }
    StructLayout { offsets, ..laid }
}
