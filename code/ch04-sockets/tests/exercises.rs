//! The exercises' tests: they check the reference answers under `cargo test`
//! and the reader's files under `cargo run -- exercises` (feature
//! `check-exercises`). One module per exercise, named like its file.

mod request_line {
    use ch04_sockets::answers::request_line::{parse_request_line, LineError, RequestLine};

    #[test]
    fn a_good_line_is_split_into_its_parts() {
        let line = parse_request_line("GET /a?b=1 HTTP/1.1").unwrap();
        assert_eq!(line, RequestLine { method: "GET".into(), target: "/a?b=1".into(), version: (1, 1) });
        assert_eq!(parse_request_line("OPTIONS * HTTP/1.0").unwrap().version, (1, 0));
    }

    #[test]
    fn the_number_of_parts_is_checked() {
        assert_eq!(parse_request_line(""), Err(LineError::Empty));
        assert_eq!(parse_request_line("GET /"), Err(LineError::Parts(2)));
        assert_eq!(parse_request_line("GET  / HTTP/1.1"), Err(LineError::Parts(4)));
        assert_eq!(parse_request_line("GET / HTTP/1.1 extra"), Err(LineError::Parts(4)));
    }

    #[test]
    fn each_part_is_validated() {
        assert_eq!(parse_request_line("G(T / HTTP/1.1"), Err(LineError::Method));
        assert_eq!(parse_request_line("GET index.html HTTP/1.1"), Err(LineError::Target));
        assert_eq!(parse_request_line("GET /a\u{7f}b HTTP/1.1"), Err(LineError::Target));
        assert_eq!(parse_request_line("GET / HTTP/11"), Err(LineError::Version));
        assert_eq!(parse_request_line("GET / HTTPS/1.1"), Err(LineError::Version));
        assert_eq!(parse_request_line("GET / HTTP/1.x"), Err(LineError::Version));
    }
}

mod chunked {
    use ch04_sockets::answers::chunked::{decode, encode, ChunkError};

    #[test]
    fn encode_frames_the_body_in_hex_sized_chunks() {
        assert_eq!(encode(b"hello world", 4), b"4\r\nhell\r\n4\r\no wo\r\n3\r\nrld\r\n0\r\n\r\n");
        assert_eq!(encode(b"", 4), b"0\r\n\r\n");
        assert!(encode(&[b'x'; 300], 1000).starts_with(b"12c\r\n"));
    }

    #[test]
    fn decode_undoes_encode_and_says_where_it_stopped() {
        let body: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
        let mut wire = encode(&body, 777);
        let used = wire.len();
        wire.extend_from_slice(b"HTTP/1.1 200 OK\r\n"); // the next response
        assert_eq!(decode(&wire), Ok((body, used)));
    }

    #[test]
    fn decode_skips_extensions_and_trailers() {
        let wire = b"5;name=value\r\nhello\r\n0\r\nExpires: never\r\n\r\n";
        assert_eq!(decode(wire), Ok((b"hello".to_vec(), wire.len())));
    }

    #[test]
    fn decode_reports_bad_input() {
        assert_eq!(decode(b"5\r\nhel"), Err(ChunkError::Incomplete));
        assert_eq!(decode(b"5\r\nhello\r\n"), Err(ChunkError::Incomplete));
        assert_eq!(decode(b"zz\r\nhello\r\n0\r\n\r\n"), Err(ChunkError::BadSize));
        assert_eq!(decode(b"+5\r\nhello\r\n0\r\n\r\n"), Err(ChunkError::BadSize));
        assert_eq!(decode(b"ffffffffffffffffff\r\n"), Err(ChunkError::BadSize));
        assert_eq!(decode(b"3\r\nhello\r\n0\r\n\r\n"), Err(ChunkError::MissingCrlf));
    }

    #[test]
    fn decode_never_panics_on_any_size_line() {
        // Sizes that overflow when the data's end or its CRLF is added, empty
        // sizes, extensions, and things that are not hex at all: each must be
        // an error (or, where valid, a body), never a panic.
        let lines = [
            "ffffffffffffffec", "fffffffffffffffd", "fffffffffffffffe", "ffffffffffffffff",
            "7fffffffffffffff", "10000000000000000", "ffffffffffffffffffffffffffffffff",
            "", ";", ";name=value", " ", "\t;x", "+5", "-5", "0x5", "5.0", "５", "\u{0}", "5\u{0}",
        ];
        for line in lines {
            for prefix in ["", "1\r\nx\r\n"] {
                let wire = format!("{prefix}{line}\r\nhello\r\n0\r\n\r\n");
                let got = decode(wire.as_bytes());
                assert!(matches!(got, Err(ChunkError::BadSize | ChunkError::Incomplete)), "size line {line:?} gave {got:?}");
            }
        }
        // Valid: leading zeros, extensions (with whitespace before ';', RFC 9112 §7.1.1).
        assert_eq!(decode(b"0005\r\nhello\r\n0\r\n\r\n").map(|r| r.0), Ok(b"hello".to_vec()));
        assert_eq!(decode(b"5 ;a=b;c\r\nhello\r\n0;last\r\n\r\n").map(|r| r.0), Ok(b"hello".to_vec()));
        // Every prefix of a valid body is incomplete, never a panic.
        let wire = b"5;x=1\r\nhello\r\n0\r\nT: v\r\n\r\n";
        for end in 0..wire.len() {
            assert_eq!(decode(&wire[..end]), Err(ChunkError::Incomplete), "{:?}", String::from_utf8_lossy(&wire[..end]));
        }
    }
}

mod jsonrpc_dispatch {
    use ch04_sockets::answers::jsonrpc_dispatch::Dispatcher;
    use serde_json::{json, Value};
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    fn dispatcher() -> (Dispatcher, Arc<AtomicU32>) {
        let calls = Arc::new(AtomicU32::new(0));
        let mut d = Dispatcher::new();
        d.register("subtract", |p| match p.as_array().map(Vec::as_slice) {
            Some([a, b]) if a.is_number() && b.is_number() => Ok(json!(a.as_f64().unwrap() - b.as_f64().unwrap())),
            _ => Err((-32602, "Invalid params".into())),
        });
        let c = calls.clone();
        d.register("log", move |_| {
            c.fetch_add(1, Ordering::SeqCst);
            Ok(Value::Null)
        });
        (d, calls)
    }

    fn answer(d: &Dispatcher, text: &str) -> Value {
        serde_json::from_str(&d.handle(text).expect("an answer")).expect("the answer is JSON")
    }

    #[test]
    fn a_call_gets_its_result_and_id() {
        let (d, _) = dispatcher();
        let a = answer(&d, r#"{"jsonrpc":"2.0","method":"subtract","params":[42,23],"id":1}"#);
        assert_eq!(a, json!({"jsonrpc":"2.0","result":19.0,"id":1}));
        let a = answer(&d, r#"{"jsonrpc":"2.0","method":"subtract","params":[1],"id":"x"}"#);
        assert_eq!(a, json!({"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params"},"id":"x"}));
    }

    #[test]
    fn spec_errors_have_their_codes() {
        let (d, _) = dispatcher();
        let code = |text: &str| answer(&d, text)["error"]["code"].as_i64();
        assert_eq!(code(r#"{"jsonrpc":"2.0","method":"nope","id":1}"#), Some(-32601));
        assert_eq!(code(r#"{"jsonrpc":"2.0","method":"subtract","params":[1,2],"id":1"#), Some(-32700));
        assert_eq!(code(r#"{"jsonrpc":"1.0","method":"log","id":1}"#), Some(-32600));
        assert_eq!(code(r#"{"jsonrpc":"2.0","method":1,"id":1}"#), Some(-32600));
        assert_eq!(code(r#"{"jsonrpc":"2.0","method":"log","params":"x","id":1}"#), Some(-32600));
        assert_eq!(code("[]"), Some(-32600));
        assert_eq!(answer(&d, "{bad")["id"], Value::Null);
        // An id that is not a string, number or null cannot be echoed: null (spec §5).
        let bad_id = answer(&d, r#"{"jsonrpc":"2.0","method":"log","id":{"a":1}}"#);
        assert_eq!((bad_id["error"]["code"].as_i64(), &bad_id["id"]), (Some(-32600), &Value::Null));
    }

    #[test]
    fn notifications_run_but_get_no_answer() {
        let (d, calls) = dispatcher();
        assert_eq!(d.handle(r#"{"jsonrpc":"2.0","method":"log","params":[1]}"#), None);
        assert_eq!(d.handle(r#"{"jsonrpc":"2.0","method":"nope"}"#), None);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_batch_gets_an_array_of_the_answers_in_order() {
        let (d, calls) = dispatcher();
        let a = answer(
            &d,
            r#"[{"jsonrpc":"2.0","method":"subtract","params":[3,1],"id":1},
                {"jsonrpc":"2.0","method":"log"},
                {"foo":"boo"},
                {"jsonrpc":"2.0","method":"nope","id":"9"}]"#,
        );
        let ids: Vec<&Value> = a.as_array().expect("an array").iter().map(|r| &r["id"]).collect();
        assert_eq!(ids, [&json!(1), &Value::Null, &json!("9")]);
        assert_eq!(a[1]["error"]["code"], json!(-32600));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        let only_notes = r#"[{"jsonrpc":"2.0","method":"log"},{"jsonrpc":"2.0","method":"log"}]"#;
        assert_eq!(d.handle(only_notes), None);
    }
}
