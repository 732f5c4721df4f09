//! One set of tests for each exercise, run against `answers::…`: the
//! reference solutions normally, the reader's files with
//! `--features check-exercises` (`cargo run -- exercises ch09`).

mod bump_arena {
    use ch09_memory::answers::bump_arena::Arena;

    /// Where an arena's buffer starts: its first piece of alignment 1.
    fn base_of(arena: &mut Arena) -> usize {
        let base = arena.alloc(1, 1).expect("room for one byte").as_ptr() as usize;
        arena.reset();
        base
    }

    /// Arenas whose buffers start off a 64-byte boundary, each at another
    /// distance from it. A solution that rounds the *offset* instead of the
    /// address is right only when the buffer happens to start on a
    /// boundary, so the test must not leave that to chance. (glibc's blocks
    /// are 16-aligned: one start in four is 64-aligned.)
    fn misaligned_arenas(bytes: usize) -> Vec<Arena> {
        let mut chosen: Vec<(usize, Arena)> = Vec::new();
        let mut passed_over = Vec::new(); // kept alive, so that malloc moves on
        for _ in 0..256 {
            let mut arena = Arena::with_capacity(bytes);
            let misalignment = base_of(&mut arena) % 64;
            if misalignment != 0 && chosen.iter().all(|(m, _)| *m != misalignment) {
                chosen.push((misalignment, arena));
                if chosen.len() == 3 {
                    break;
                }
            } else {
                passed_over.push(arena);
            }
        }
        assert!(!chosen.is_empty(), "256 arenas, and every buffer started on a 64-byte boundary");
        chosen.into_iter().map(|(_, arena)| arena).collect()
    }

    #[test]
    fn pieces_are_aligned_and_do_not_overlap() {
        for mut arena in misaligned_arenas(1024) {
            let base = base_of(&mut arena);
            let mut taken: Vec<(usize, usize)> = Vec::new();
            for (size, align) in [(1, 1), (8, 8), (3, 2), (16, 16), (4, 4), (1, 1), (32, 64), (5, 32), (8, 128)] {
                let p = arena.alloc(size, align).expect("room left").as_ptr() as usize;
                assert_eq!(p % align, 0, "alloc({size}, {align}) gave {p:#x} (buffer at {base:#x})");
                for &(q, qsize) in &taken {
                    assert!(p + size <= q || q + qsize <= p, "{p:#x}+{size} overlaps {q:#x}+{qsize}");
                }
                taken.push((p, size));
            }
            assert!(arena.used() >= 1 + 8 + 3 + 16 + 4 + 1 + 32 + 5 + 8);
            assert!(arena.used() <= 1024);
        }
    }

    #[test]
    fn a_full_arena_says_none_and_reset_starts_again_at_the_front() {
        let mut arena = Arena::with_capacity(64);
        let first = arena.alloc(16, 1).unwrap();
        assert!(arena.alloc(40, 1).is_some());
        assert!(arena.alloc(16, 1).is_none(), "only 8 bytes are left");
        assert!(arena.alloc(8, 1).is_some(), "exactly 8 bytes fit");
        assert!(arena.alloc(1, 1).is_none());
        arena.reset();
        assert_eq!(arena.used(), 0);
        assert_eq!(arena.alloc(16, 1).unwrap(), first);
    }

    #[test]
    fn the_pieces_can_hold_values() {
        let mut arena = Arena::with_capacity(256);
        let p = arena.alloc(std::mem::size_of::<u64>(), std::mem::align_of::<u64>()).unwrap().cast::<u64>();
        let q = arena.alloc(std::mem::size_of::<u64>(), std::mem::align_of::<u64>()).unwrap().cast::<u64>();
        // SAFETY: both pointers are aligned for u64, point at 8 free bytes
        // each inside the arena, and the arena outlives these writes.
        unsafe {
            p.as_ptr().write(0x1111);
            q.as_ptr().write(0x2222);
            assert_eq!((p.as_ptr().read(), q.as_ptr().read()), (0x1111, 0x2222));
        }
    }

    /// Earlier pieces stay usable while later ones are handed out: write the
    /// first, allocate and write the second, then write and read the first
    /// again. A plain run cannot see it, but Miri can: an `alloc` that makes a
    /// `&mut` to the whole buffer (`&mut self.buf[offset..]`) invalidates every
    /// pointer handed out before it. Check with
    /// `cargo +nightly miri test -p ch09-memory --test exercises bump_arena`.
    #[test]
    fn earlier_pieces_stay_valid_while_later_ones_are_handed_out() {
        let mut arena = Arena::with_capacity(256);
        let a = arena.alloc(4, 4).unwrap().cast::<u32>();
        // SAFETY (for each block below): every pointer is aligned for u32 and
        // points at 4 bytes of the arena that no other piece overlaps, and
        // the arena lives until the end of the test.
        unsafe { a.as_ptr().write(1) };
        let b = arena.alloc(4, 4).unwrap().cast::<u32>();
        unsafe { b.as_ptr().write(2) };
        unsafe { a.as_ptr().write(a.as_ptr().read() + 10) };
        let c = arena.alloc(4, 4).unwrap().cast::<u32>();
        unsafe { c.as_ptr().write(3) };
        unsafe {
            b.as_ptr().write(b.as_ptr().read() + 20);
            assert_eq!((a.as_ptr().read(), b.as_ptr().read(), c.as_ptr().read()), (11, 22, 3));
        }
    }

    #[test]
    fn huge_requests_fail_instead_of_overflowing() {
        let mut arena = Arena::with_capacity(64);
        assert!(arena.alloc(usize::MAX, 1).is_none());
        assert!(arena.alloc(usize::MAX - 8, 8).is_none());
        assert!(arena.alloc(65, 1).is_none());
    }
}

mod maps {
    use ch09_memory::answers::maps::{find, parse_line, read_maps, Mapping};

    static MARKER: [u8; 64] = [7; 64];

    #[test]
    fn lines_with_and_without_paths_parse() {
        let line = "55d0c1a00000-55d0c1a2b000 r-xp 0001c000 08:01 1234                       /usr/bin/my prog (deleted)";
        assert_eq!(
            parse_line(line),
            Some(Mapping {
                start: 0x55d0c1a00000,
                end: 0x55d0c1a2b000,
                perms: "r-xp".into(),
                offset: 0x1c000,
                path: "/usr/bin/my prog (deleted)".into(),
            })
        );
        let anon = parse_line("7f0000000000-7f0000021000 rw-p 00000000 00:00 0 ").unwrap();
        assert_eq!((anon.start, anon.end, anon.path.as_str()), (0x7f0000000000, 0x7f0000021000, ""));
        assert_eq!(parse_line("7ffd1000-7ffd2000 rw-p 00000000 00:00 0   [stack]").unwrap().path, "[stack]");
    }

    #[test]
    fn malformed_lines_are_none() {
        assert_eq!(parse_line(""), None);
        assert_eq!(parse_line("hello world"), None);
        assert_eq!(parse_line("zz-10 rw-p 0 00:00 0"), None);
    }

    #[test]
    fn our_own_static_heap_and_code_are_found() {
        let maps = read_maps().unwrap();
        assert!(maps.len() > 5, "{maps:?}");
        assert!(maps.windows(2).all(|w| w[0].end <= w[1].start), "sorted and disjoint");
        let exe = std::env::current_exe().unwrap().canonicalize().unwrap();
        let exe = exe.to_string_lossy();

        let data = find(&maps, MARKER.as_ptr() as usize).expect("the static is mapped");
        // A static lives in a mapping of the executable file, never an
        // anonymous one (and `ends_with("")` would accept an empty path).
        assert!(!data.path.is_empty(), "static found in an anonymous mapping: {data:?}");
        assert!(exe.ends_with(&data.path) || data.path == exe, "static in {data:?}, exe {exe}");
        assert!(data.perms.starts_with('r') && !data.perms.contains('x'), "{data:?}");

        let code = find(&maps, our_own_static_heap_and_code_are_found as *const () as usize).expect("code is mapped");
        assert_eq!(code.path, data.path, "code and static come from the same file");
        assert!(code.perms.contains('x'), "{code:?}");

        let boxed = Box::new([0u8; 100]);
        let heap = find(&maps, boxed.as_ptr() as usize).expect("the heap is mapped");
        assert!(heap.perms.starts_with("rw"), "{heap:?}");

        assert_eq!(find(&maps, 0), None);
        assert_eq!(find(&maps, usize::MAX), None);
    }
}

mod repr_c_layout {
    use ch09_memory::answers::repr_c_layout::{repr_c, reordered, StructLayout};
    use std::mem::{align_of, offset_of, size_of};

    #[allow(dead_code)]
    #[repr(C)]
    struct Header {
        tag: u8,
        len: u32,
        flag: u8,
        id: u64,
        kind: u16,
    }

    #[allow(dead_code)]
    struct HeaderRust {
        tag: u8,
        len: u32,
        flag: u8,
        id: u64,
        kind: u16,
    }

    const HEADER: [(usize, usize); 5] = [(1, 1), (4, 4), (1, 1), (8, 8), (2, 2)];

    #[test]
    fn matches_the_compiler_for_a_repr_c_struct() {
        let got = repr_c(&HEADER);
        assert_eq!(got.size, size_of::<Header>());
        assert_eq!(got.align, align_of::<Header>());
        assert_eq!(
            got.offsets,
            vec![
                offset_of!(Header, tag),
                offset_of!(Header, len),
                offset_of!(Header, flag),
                offset_of!(Header, id),
                offset_of!(Header, kind)
            ]
        );
        assert_eq!(got.padding, size_of::<Header>() - 16);
    }

    #[test]
    fn arrays_and_the_empty_struct() {
        // struct { a: [u8; 3], b: u16 } -> a at 0, b at 4, size 6
        assert_eq!(repr_c(&[(3, 1), (2, 2)]), StructLayout { size: 6, align: 2, offsets: vec![0, 4], padding: 1 });
        assert_eq!(repr_c(&[]), StructLayout { size: 0, align: 1, offsets: vec![], padding: 0 });
        // Trailing padding: struct { a: u64, b: u8 } is 16 bytes.
        assert_eq!(repr_c(&[(8, 8), (1, 1)]).size, 16);
    }

    #[test]
    fn reordering_reaches_the_size_rustc_picks() {
        let best = reordered(&HEADER);
        assert_eq!(best.size, size_of::<HeaderRust>());
        assert_eq!(best.padding, 0);
        assert_eq!(best.align, 8);
        // Offsets are per original field, and every field fits in the struct.
        for (i, &(size, align)) in HEADER.iter().enumerate() {
            assert_eq!(best.offsets[i] % align, 0);
            assert!(best.offsets[i] + size <= best.size);
        }
        let mut spans: Vec<(usize, usize)> = best.offsets.iter().zip(HEADER).map(|(&o, (s, _))| (o, o + s)).collect();
        spans.sort();
        assert!(spans.windows(2).all(|w| w[0].1 <= w[1].0), "fields overlap: {spans:?}");
    }
}
