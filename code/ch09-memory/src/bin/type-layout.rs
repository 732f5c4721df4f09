//! Layout of values in memory: `size_of`, `align_of`, padding, and the field
//! order rustc picks for a plain struct versus the order `#[repr(C)]` keeps.
//!
//! Run: cargo run -p ch09-memory --bin type-layout
//! Look for: 32 bytes for the C layout of the same fields that take 16 in
//! Rust's; fat pointers (`&str`, `&[T]`) of two words; `Option<&T>` and
//! `Option<Box<T>>` no bigger than the pointer (the null niche).

use std::mem::{align_of, offset_of, size_of};

const USAGE: &str = "usage: type-layout
Prints size_of and align_of of common types, then the field offsets and
padding of one struct in Rust's layout and in #[repr(C)]. No arguments.
";

// ANCHOR: layout
/// Fields in an unlucky order. rustc may reorder them.
#[allow(dead_code)]
struct Rusty {
    a: u8,
    b: u32,
    c: u8,
    d: u64,
    e: u16,
}

/// The same fields; `repr(C)` keeps them in this order, as C would.
#[allow(dead_code)]
#[repr(C)]
struct Cish {
    a: u8,
    b: u32,
    c: u8,
    d: u64,
    e: u16,
}

macro_rules! offsets {
    ($t:ty) => {
        [
            ("a", offset_of!($t, a)),
            ("b", offset_of!($t, b)),
            ("c", offset_of!($t, c)),
            ("d", offset_of!($t, d)),
            ("e", offset_of!($t, e)),
        ]
    };
}

/// Print a struct's size and a map of its bytes: field letters, `.` for padding.
fn show(name: &str, size: usize, align: usize, mut fields: [(&str, usize); 5]) {
    let sizes = |f: &str| match f {
        "a" | "c" => 1,
        "b" => 4,
        "d" => 8,
        _ => 2,
    };
    fields.sort_by_key(|&(_, offset)| offset);
    let mut bytes = vec!['.'; size];
    for (field, offset) in fields {
        for byte in &mut bytes[offset..offset + sizes(field)] {
            *byte = field.chars().next().unwrap_or('?'); // field names are one letter
        }
    }
    let order: Vec<String> = fields.iter().map(|(f, o)| format!("{f}@{o}")).collect();
    let padding = bytes.iter().filter(|&&b| b == '.').count();
    println!("{name:<6} size {size:>2} align {align}  {}  padding {padding:>2}  [{}]", order.join(" "), bytes.iter().collect::<String>());
}

fn main() {
    // ANCHOR_END: layout
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    // ANCHOR: layout
    println!("{:<16} {:>4} {:>5}", "type", "size", "align");
    for (name, size, align) in [
        ("u8", size_of::<u8>(), align_of::<u8>()),
        ("u16", size_of::<u16>(), align_of::<u16>()),
        ("u64", size_of::<u64>(), align_of::<u64>()),
        ("u128", size_of::<u128>(), align_of::<u128>()),
        ("char", size_of::<char>(), align_of::<char>()),
        ("bool", size_of::<bool>(), align_of::<bool>()),
        ("()", size_of::<()>(), align_of::<()>()),
        ("&u8", size_of::<&u8>(), align_of::<&u8>()),
        ("&str", size_of::<&str>(), align_of::<&str>()),
        ("&[u64]", size_of::<&[u64]>(), align_of::<&[u64]>()),
        ("Box<u8>", size_of::<Box<u8>>(), align_of::<Box<u8>>()),
        ("Option<&u8>", size_of::<Option<&u8>>(), align_of::<Option<&u8>>()),
        ("Option<u64>", size_of::<Option<u64>>(), align_of::<Option<u64>>()),
        ("String", size_of::<String>(), align_of::<String>()),
        ("Vec<u8>", size_of::<Vec<u8>>(), align_of::<Vec<u8>>()),
        ("[u16; 3]", size_of::<[u16; 3]>(), align_of::<[u16; 3]>()),
        ("(u8, u32)", size_of::<(u8, u32)>(), align_of::<(u8, u32)>()),
    ] {
        println!("{name:<16} {size:>4} {align:>5}");
    }
    println!();
    show("Rusty", size_of::<Rusty>(), align_of::<Rusty>(), offsets!(Rusty));
    show("Cish", size_of::<Cish>(), align_of::<Cish>(), offsets!(Cish));
}
// ANCHOR_END: layout
