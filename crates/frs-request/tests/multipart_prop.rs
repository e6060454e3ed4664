//! Property tests of the `multipart/form-data` encoder and parser.
//!
//! For any list of text parts (names from a safe character set, values arbitrary strings
//! including `--`, CRLF, quotes and boundary-like hex) and file parts (arbitrary bytes,
//! with the same hostile fragments, optional content type), `parse` of the encoded body
//! gives back exactly the same parts in the same order, `parse_bytes` agrees,
//! and `content_length` is the byte length (that the encoder's chunks concatenate to the
//! body is a property test of `multipart::encode`, the chunks being internal). `parse`
//! never panics, whatever the content type and body, including truncated or corrupted
//! versions of valid bodies.

use bytes::Bytes;
use frs_request::multipart::{MAX_PARTS, Multipart};
use frs_request::server::multipart::{Part, parse, parse_bytes};
use proptest::prelude::*;

/// What the test adds to the builder.
#[derive(Debug, Clone)]
enum Input {
    Text { name: String, value: String },
    File { name: String, file_name: String, data: Vec<u8>, content_type: Option<String> },
}

fn name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_.;=: /é-]{1,16}"
}

/// Fragments that try to break the framing.
fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("--".to_owned()),
        Just("\r\n".to_owned()),
        Just("\r\n--".to_owned()),
        Just("\r\n\r\n".to_owned()),
        Just("\"".to_owned()),
        Just("\n".to_owned()),
        Just("--\r\n".to_owned()),
        "[0-9a-f]{32}",
        "\r\n--[0-9a-f]{32}(--)?\r\n",
        ".{0,8}",
    ]
}

fn text_value() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), prop::collection::vec(hostile(), 0..8).prop_map(|v| v.concat())]
}

fn file_data() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        prop::collection::vec(
            prop_oneof![hostile().prop_map(String::into_bytes), prop::collection::vec(any::<u8>(), 0..16)],
            0..12
        )
        .prop_map(|v| v.concat()),
    ]
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        (name(), text_value()).prop_map(|(name, value)| Input::Text { name, value }),
        (
            name(),
            "[A-Za-z0-9_.;=: ()\\\\/é-]{0,20}",
            file_data(),
            prop::option::of(prop_oneof![
                Just("image/jpeg".to_owned()),
                Just("application/octet-stream".to_owned()),
                Just("text/plain; charset=utf-8".to_owned()),
                "[a-z]{1,8}/[a-z0-9.+-]{1,12}",
            ]),
        )
            .prop_map(|(name, file_name, data, content_type)| Input::File {
                name,
                file_name,
                data,
                content_type
            }),
    ]
}

fn expected(inputs: &[Input]) -> Vec<Part> {
    inputs
        .iter()
        .map(|i| match i {
            Input::Text { name, value } => Part {
                name: name.clone(),
                file_name: None,
                content_type: None,
                data: Bytes::from(value.clone()),
            },
            Input::File { name, file_name, data, content_type } => Part {
                name: name.clone(),
                file_name: Some(file_name.clone()),
                content_type: content_type.clone(),
                data: Bytes::from(data.clone()),
            },
        })
        .collect()
}

fn encode(inputs: &[Input]) -> frs_request::multipart::EncodedMultipart {
    let mut m = Multipart::new();
    for i in inputs {
        m = match i {
            Input::Text { name, value } => m.text(name, value.clone()),
            Input::File { name, file_name, data, content_type } => {
                m.file(name, file_name, Bytes::from(data.clone()), content_type.as_deref())
            }
        }
        .unwrap_or_else(|e| panic!("valid input rejected: {e}"));
    }
    m.finish()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn round_trip(inputs in prop::collection::vec(input(), 0..8)) {
        let encoded = encode(&inputs);
        let bytes = encoded.to_bytes();
        prop_assert_eq!(encoded.content_length(), bytes.len() as u64);
        let boundary = encoded.boundary();
        prop_assert_eq!(boundary.len(), 32);
        prop_assert!(boundary.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        let want = expected(&inputs);
        let parts = parse(&encoded.content_type(), &bytes);
        prop_assert_eq!(parts.as_ref(), Ok(&want));
        prop_assert_eq!(parse_bytes(&encoded.content_type(), &bytes), Ok(want));
        // Deterministic: the same parts give the same bytes.
        prop_assert_eq!(encode(&inputs).to_bytes(), bytes);
    }

    #[test]
    fn parse_never_panics(content_type in any::<String>(), body in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse(&content_type, &body);
        let _ = parse("multipart/form-data; boundary=XyZ", &body);
    }

    #[test]
    fn parse_never_panics_on_damaged_bodies(
        inputs in prop::collection::vec(input(), 1..5),
        cut in any::<prop::sample::Index>(),
        flip in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let encoded = encode(&inputs);
        let bytes = encoded.to_bytes().to_vec();
        let ct = encoded.content_type();
        // Any prefix that stops before the closing `--boundary--` is rejected (the CRLF
        // after it is optional, as RFC 2046 allows).
        let truncated = &bytes[..cut.index(bytes.len() - 2)];
        prop_assert!(parse(&ct, truncated).is_err());
        let mut corrupted = bytes.clone();
        let at = flip.index(corrupted.len());
        corrupted[at] = byte;
        let _ = parse(&ct, &corrupted);
        let _ = parse_bytes(&ct, &Bytes::from(corrupted));
        let _ = parse(&ct.replace("form-data", "form-data; boundary=\"x"), &bytes);
    }

    #[test]
    fn parser_part_limit(n in 0usize..80) {
        let mut body = Vec::new();
        for i in 0..n {
            body.extend_from_slice(format!("--b\r\nContent-Disposition: form-data; name=\"p{i}\"\r\n\r\nv\r\n").as_bytes());
        }
        body.extend_from_slice(b"--b--\r\n");
        let parsed = parse("multipart/form-data; boundary=b", &body);
        if n <= MAX_PARTS {
            prop_assert_eq!(parsed.map(|p| p.len()), Ok(n));
        } else {
            prop_assert!(parsed.is_err());
        }
    }
}
