//! One set of tests for each exercise, run against `answers`: the reference
//! solutions by default, the reader's files with `--features check-exercises`
//! (which is what `cargo run -- exercises ch01` does).

mod counting_writer {
    use ch01_io_traits::answers::counting_writer::CountingWriter;
    use std::io::{self, BufWriter, Write};

    #[test]
    fn counts_bytes_and_calls_of_a_plain_writer() {
        let mut w = CountingWriter::new(Vec::new());
        w.write_all(b"hello ").unwrap();
        w.write_all(b"world\n").unwrap();
        assert_eq!(w.bytes(), 12);
        assert_eq!(w.writes(), 2);
        assert_eq!(w.into_inner(), b"hello world\n");
    }

    /// A writer that takes at most 3 bytes per call, like a full pipe might.
    struct Trickle(Vec<u8>);
    impl Write for Trickle {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let n = buf.len().min(3);
            self.0.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn counts_what_the_inner_writer_accepted_not_what_was_offered() {
        let mut w = CountingWriter::new(Trickle(Vec::new()));
        assert_eq!(w.write(b"abcdefg").unwrap(), 3);
        assert_eq!(w.bytes(), 3);
        w.write_all(b"defg").unwrap(); // write_all loops: 3 + 1 bytes
        assert_eq!(w.bytes(), 7);
        assert_eq!(w.writes(), 3);
        assert_eq!(w.into_inner().0, b"abcdefg");
    }

    #[test]
    fn under_a_bufwriter_a_thousand_lines_take_two_writes() {
        let mut buffered = BufWriter::new(CountingWriter::new(Vec::new()));
        for i in 0..1000 {
            writeln!(buffered, "hello {i:04}").unwrap(); // 11 bytes a line
        }
        let counted = buffered.into_inner().map_err(|e| e.into_error()).unwrap();
        assert_eq!(counted.bytes(), 11_000);
        assert_eq!(counted.writes(), 2); // 8 KiB buffer: 8191 + 2809 bytes
    }

    #[test]
    fn a_bufwriter_passes_on_8191_bytes_cut_mid_line_then_the_rest() {
        // Records the size of every write the BufWriter makes.
        #[derive(Default)]
        struct Sizes(Vec<usize>);
        impl Write for Sizes {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0.push(buf.len());
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut buffered = BufWriter::new(Sizes::default());
        for i in 0..1000 {
            writeln!(buffered, "hello {i:04}").unwrap();
        }
        let sizes = buffered.into_inner().map_err(|e| e.into_error()).unwrap().0;
        // writeln! hands over pieces ("hello ", "0", "744", "\n"), and a piece
        // that still fits goes into the buffer: 744 lines + "hello " + "0" =
        // 8191 bytes fit, "744" does not, so the first write ends mid-line.
        assert_eq!(sizes, [8191, 2809]);
    }

    #[test]
    fn errors_from_the_inner_writer_are_passed_on() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::BrokenPipe, "gone"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut w = CountingWriter::new(Broken);
        let err = w.write(b"x").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
        assert_eq!(w.bytes(), 0);
    }
}

mod count_lines {
    use ch01_io_traits::answers::count_lines::count_lines;
    use std::io::{BufReader, Cursor};

    #[test]
    fn empty_input_has_no_lines() {
        assert_eq!(count_lines(Cursor::new(b"")).unwrap(), 0);
    }

    #[test]
    fn counts_newline_terminated_lines() {
        assert_eq!(count_lines(Cursor::new(b"a\nb\nc\n")).unwrap(), 3);
        assert_eq!(count_lines(Cursor::new(b"\n\n")).unwrap(), 2);
    }

    #[test]
    fn a_last_line_without_newline_counts() {
        assert_eq!(count_lines(Cursor::new(b"a\nb")).unwrap(), 2);
        assert_eq!(count_lines(Cursor::new(b"no newline")).unwrap(), 1);
    }

    #[test]
    fn invalid_utf8_is_still_counted() {
        assert_eq!(count_lines(Cursor::new(b"ok\n\xff\xfe bad\nok\n")).unwrap(), 3);
    }

    #[test]
    fn lines_longer_than_the_reader_buffer_count_once() {
        let mut text = vec![b'x'; 10_000];
        text.push(b'\n');
        text.extend_from_slice(b"y\n");
        // A 16-byte buffer forces many refills inside one line.
        let r = BufReader::with_capacity(16, &text[..]);
        assert_eq!(count_lines(r).unwrap(), 2);
    }
}

mod section_reader {
    use ch01_io_traits::answers::section_reader::SectionReader;
    use std::io::{Cursor, ErrorKind, Read, Seek, SeekFrom};

    fn digits() -> Cursor<Vec<u8>> {
        Cursor::new(b"0123456789".to_vec())
    }

    #[test]
    fn reads_only_the_section() {
        let mut s = SectionReader::new(digits(), 2, 5);
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        assert_eq!(out, "23456");
    }

    #[test]
    fn small_reads_continue_where_the_last_stopped() {
        let mut s = SectionReader::new(digits(), 3, 4);
        let mut two = [0u8; 2];
        s.read_exact(&mut two).unwrap();
        assert_eq!(&two, b"34");
        s.read_exact(&mut two).unwrap();
        assert_eq!(&two, b"56");
        assert_eq!(s.read(&mut two).unwrap(), 0);
    }

    #[test]
    fn the_inner_position_does_not_matter() {
        let mut s = SectionReader::new(digits(), 5, 3);
        let mut one = [0u8; 1];
        s.read_exact(&mut one).unwrap();
        let mut inner = s.into_inner();
        inner.seek(SeekFrom::Start(0)).unwrap();
        let mut s = SectionReader::new(inner, 5, 3);
        s.read_exact(&mut one).unwrap();
        assert_eq!(&one, b"5");
    }

    #[test]
    fn seeks_are_relative_to_the_section() {
        let mut s = SectionReader::new(digits(), 2, 6); // "234567"
        assert_eq!(s.seek(SeekFrom::End(-2)).unwrap(), 4);
        let mut rest = String::new();
        s.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "67");
        assert_eq!(s.seek(SeekFrom::Start(1)).unwrap(), 1);
        assert_eq!(s.seek(SeekFrom::Current(2)).unwrap(), 3);
        let mut one = [0u8; 1];
        s.read_exact(&mut one).unwrap();
        assert_eq!(&one, b"5");
    }

    #[test]
    fn seeking_before_the_start_is_an_error_and_past_the_end_reads_nothing() {
        let mut s = SectionReader::new(digits(), 2, 3);
        let err = s.seek(SeekFrom::Current(-1)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert_eq!(s.seek(SeekFrom::Start(10)).unwrap(), 10);
        let mut buf = [0u8; 4];
        assert_eq!(s.read(&mut buf).unwrap(), 0);
    }

    #[test]
    fn a_position_past_u64_max_is_an_error_not_a_wrap() {
        let mut s = SectionReader::new(digits(), 2, 3);
        assert_eq!(s.seek(SeekFrom::Start(u64::MAX)).unwrap(), u64::MAX);
        // u64::MAX + i64::MAX does not fit in a u64: say so, do not wrap.
        let err = s.seek(SeekFrom::Current(i64::MAX)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
    }

    #[test]
    fn an_inner_offset_past_u64_max_is_an_error_not_an_overflow() {
        let mut s = SectionReader::new(digits(), u64::MAX - 1, 10);
        s.seek(SeekFrom::Start(5)).unwrap(); // inside the section...
        let mut buf = [0u8; 4];
        // ...but start + 5 is past u64::MAX in the inner source.
        let err = s.read(&mut buf).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
    }

    #[test]
    fn a_section_longer_than_the_source_ends_with_the_source() {
        let mut s = SectionReader::new(digits(), 8, 100);
        let mut out = Vec::new();
        s.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"89");
    }
}

mod png_chunks {
    use ch01_io_traits::answers::png_chunks::list_chunks;
    use ch01_io_traits::png;
    use std::io::ErrorKind;

    #[test]
    fn lists_the_chunks_of_a_tiny_png() {
        let bytes = png::tiny_png(4, 4).unwrap();
        let chunks = list_chunks(&bytes[..]).unwrap();
        let kinds: Vec<&str> = chunks.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(kinds, ["IHDR", "IDAT", "IEND"]);
        assert_eq!(chunks[0].1, 13); // IHDR is always 13 bytes
        assert_eq!(chunks[2].1, 0); // IEND is empty
    }

    #[test]
    fn finds_an_inserted_text_chunk() {
        let bytes = png::tiny_png(2, 2).unwrap();
        let mut chunks = png::read_png(&bytes[..]).unwrap();
        chunks.insert(1, png::text_chunk("Secret", "hello").unwrap());
        let mut out = Vec::new();
        png::write_png(&mut out, &chunks).unwrap();
        let listed = list_chunks(&out[..]).unwrap();
        assert_eq!(listed[1], ("tEXt".to_string(), 12)); // "Secret\0hello"
    }

    #[test]
    fn stops_after_iend() {
        let mut bytes = png::tiny_png(2, 2).unwrap();
        bytes.extend_from_slice(b"trailing junk that is not a chunk");
        assert_eq!(list_chunks(&bytes[..]).unwrap().len(), 3);
    }

    #[test]
    fn rejects_a_file_that_is_not_a_png() {
        let err = list_chunks(&b"GIF89a and more bytes"[..]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData);
    }

    #[test]
    fn a_file_cut_inside_a_chunk_is_unexpected_eof() {
        let bytes = png::tiny_png(8, 8).unwrap();
        let cut = &bytes[..8 + 8 + 13 + 4 + 8 + 3]; // in IDAT's data
        let err = list_chunks(cut).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
    }

    #[test]
    fn a_file_cut_inside_a_chunk_header_is_unexpected_eof() {
        let bytes = png::tiny_png(8, 8).unwrap();
        for into_head in 1..8 {
            let cut = &bytes[..8 + 8 + 13 + 4 + into_head]; // in IDAT's length or type
            let err = list_chunks(cut).expect_err("a cut header is not a clean end");
            assert_eq!(err.kind(), ErrorKind::UnexpectedEof, "cut {into_head} bytes into the header");
        }
    }
}
