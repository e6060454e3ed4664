//! The hot-path signer (`sign_in_place`) against the general one (`sign_http_request`,
//! which reproduces Huawei's signing vectors): the same request out, on random requests —
//! the core's own shapes, which take the fast path, and others, which must fall back.

use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;
use frs_request::Secret;
use frs_request::sign::{sign_http_request, sign_in_place};
use proptest::prelude::*;

fn request(
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Option<http::Request<Bytes>> {
    let mut builder =
        http::Request::builder().method(method).uri(format!("https://face.example.com:8443{target}"));
    for (name, value) in headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder.body(Bytes::copy_from_slice(body)).ok()
}

/// Method, target, headers (name, value, sensitive) and body.
type Wire = (String, String, Vec<(String, Vec<u8>, bool)>, Bytes);

/// What a request is on the wire: method, target, headers in order with their
/// sensitivity, body.
fn wire(req: &http::Request<Bytes>) -> Wire {
    let headers = req
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec(), v.is_sensitive()))
        .collect();
    (req.method().to_string(), req.uri().to_string(), headers, req.body().clone())
}

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => "[A-Za-z0-9_.~-]{1,12}",
        1 => "[a-z]{1,4}%20[a-z]{1,4}",
        1 => Just(String::new()),
    ]
}

fn query() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just(String::new()),
        4 => prop::collection::vec(("[a-z_]{1,8}", "[A-Za-z0-9_-]{0,8}"), 1..4).prop_map(|mut pairs| {
            pairs.sort();
            let pieces: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("?{}", pieces.join("&"))
        }),
        // Unsorted, encoded, empty pieces: the general path's work.
        2 => "[a-z=&%0-9A-F]{1,20}".prop_map(|q| format!("?{q}")),
    ]
}

fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    let content_type = prop_oneof![
        Just(None),
        Just(Some("application/json".to_owned())),
        Just(Some("application/json;charset=UTF-8".to_owned())),
        Just(Some("multipart/form-data; boundary=xyz".to_owned())),
        Just(Some("text/plain".to_owned())),
    ];
    let extra = prop::collection::vec(
        prop_oneof![
            4 => ("x-[a-z]{1,8}", "[ -~]{0,16}").prop_map(|(n, v)| (n, v.trim().to_owned())),
            1 => ("x-[a-z]{1,4}_[a-z]{1,4}", "[a-z]{1,8}"),
            // Long values: a canonical request over the fast path's 1 KiB on the stack.
            1 => ("x-long-[a-z]{1,4}", "[a-z]{300,700}"),
            1 => ("x-[a-z]{1,8}", " [a-z]{1,8} "),
            1 => Just(("x-sdk-date".to_owned(), "20240315T102030Z".to_owned())),
            1 => Just(("host".to_owned(), "other.example.com".to_owned())),
            1 => Just(("authorization".to_owned(), "old".to_owned())),
        ],
        0..4,
    );
    (content_type, extra).prop_map(|(content_type, extra)| {
        let mut headers: Vec<(String, String)> = vec![
            ("user-agent".to_owned(), "frs-rs/0.1.0".to_owned()),
            ("x-project-id".to_owned(), "0a1b2c3d4e5f60718293a4b5c6d7e8f9".to_owned()),
        ];
        if let Some(ct) = content_type {
            headers.insert(0, ("content-type".to_owned(), ct));
        }
        headers.extend(extra);
        headers
    })
}

proptest! {
    #[test]
    fn the_fast_signer_sends_what_the_general_one_sends(
        method in prop_oneof![Just("GET"), Just("DELETE"), Just("POST"), Just("PUT")],
        segments in prop::collection::vec(segment(), 1..5),
        trailing_slash in any::<bool>(),
        query in query(),
        headers in headers(),
        body in prop_oneof![Just(Vec::new()), prop::collection::vec(any::<u8>(), 1..64)],
        secs in 0u64..4_000_000_000,
    ) {
        let mut target = format!("/{}", segments.join("/"));
        if trailing_slash {
            target.push('/');
        }
        target.push_str(&query);
        let Some(mut fast) = request(method, &target, &headers, &body) else { return Ok(()) };
        let mut general = fast.clone();
        let secret = Secret::new("my-secret-key-0123456789abcdefghijklmn");
        let now = UNIX_EPOCH + Duration::from_secs(secs);
        let a = sign_in_place(&mut fast, "MY-AK", &secret, now);
        let b = sign_http_request(&mut general, "MY-AK", &secret, now);
        prop_assert_eq!(a.is_ok(), b.is_ok(), "{:?} vs {:?}", a, b);
        if let (Err(a), Err(b)) = (&a, &b) {
            prop_assert_eq!(a.to_string(), b.to_string());
        } else {
            prop_assert_eq!(wire(&fast), wire(&general));
        }
    }
}

#[test]
fn the_core_s_delete_request_takes_the_fast_path_and_matches() {
    // A delete as the core builds it: signed once each way, compared whole.
    let headers = [
        ("content-type".to_owned(), "application/json".to_owned()),
        ("user-agent".to_owned(), "frs-rs/0.1.0".to_owned()),
        ("x-project-id".to_owned(), "0a1b2c3d4e5f60718293a4b5c6d7e8f9".to_owned()),
    ];
    let target = "/v2/0a1b2c3d4e5f60718293a4b5c6d7e8f9/face-sets/showFaceSet/faces?external_image_id=imageID";
    let mut fast = request("DELETE", target, &headers, b"").unwrap();
    let mut general = fast.clone();
    let secret = Secret::new("sk");
    let now = UNIX_EPOCH + Duration::from_secs(1_710_498_030);
    sign_in_place(&mut fast, "AK", &secret, now).unwrap();
    let signed = sign_http_request(&mut general, "AK", &secret, now).unwrap();
    assert_eq!(wire(&fast), wire(&general));
    assert_eq!(fast.headers()["authorization"].to_str().unwrap(), signed.authorization());
    assert!(fast.headers()["authorization"].is_sensitive());
}
