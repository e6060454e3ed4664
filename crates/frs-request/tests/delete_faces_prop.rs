//! Property tests of the `DeleteFaces` request as a server receives it.
//!
//! For every face set and selector the types accept (external image id, face id, custom
//! field with integer, decimal, boolean and Unicode word values), `Config::prepare` with
//! token or AK/SK credentials must produce: `DELETE` on exactly
//! `/v2/{project}/face-sets/{name}/faces`; a query of exactly one pair that two independent
//! decoders (`form_urlencoded` and a strict RFC 3986 decoder written here) both read back as
//! the selector, written only with unreserved characters and upper-case `%XX` escapes; a
//! signature that the server-side verifier accepts (and that breaks when the query is
//! changed); and credentials in headers marked sensitive.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use frs_request::faces::DeleteFaces;
use frs_request::server::{VerifyError, verify};
use frs_request::{Config, Credentials, Endpoint, Secret};
use frs_types::{
    EnterpriseProjectId, ExternalImageId, FaceId, FaceSelector, FaceSetName, FieldName, FieldValue, ProjectId,
};
use http::Method;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseError;

const AK: &str = "PROPTESTAK0123456789";
const MAX_SKEW: Duration = Duration::from_secs(900);

/// The reserved custom-field names, copied from custom-fields.md §1.
const RESERVED_FROM_DOCS: [&str; 9] = [
    "external_image_id",
    "bounding_box",
    "similarity",
    "face_id",
    "create_time",
    "vector",
    "_id",
    "_all",
    "_source",
];

// ---------------------------------------------------------------------------------------------
// An independent, strict reading of what is on the wire.
// ---------------------------------------------------------------------------------------------

/// RFC 3986 unreserved characters: `A-Z a-z 0-9 - . _ ~`.
fn is_unreserved(b: u8) -> bool {
    matches!(b, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~')
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'A'..=b'F' => Some(b - b'A' + 10),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    }
}

/// A strict RFC 3986 decoder of one path segment or query component: unreserved bytes stand
/// for themselves, `%XX` for the byte XX, and anything else (`+`, `&`, `=`, `/`, a bare
/// `%`, a space, non-ASCII) is an error. The bytes must then be UTF-8.
fn strict_decode(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hi = b.get(i + 1).copied().and_then(hex_digit);
            let lo = b.get(i + 2).copied().and_then(hex_digit);
            let (Some(hi), Some(lo)) = (hi, lo) else {
                return Err(format!("bad escape at byte {i} of {s:?}"));
            };
            out.push((hi << 4) | lo);
            i += 3;
        } else if is_unreserved(b[i]) {
            out.push(b[i]);
            i += 1;
        } else {
            return Err(format!("byte {:#04x} at {i} of {s:?} must be escaped", b[i]));
        }
    }
    String::from_utf8(out).map_err(|e| format!("{s:?} does not decode to UTF-8: {e}"))
}

/// The wire form of one component is canonical: only unreserved characters and `%XX` with
/// upper-case hex, and no escape of a character that needs none.
fn check_wire_component(s: &str) -> Result<(), TestCaseError> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3).unwrap_or_default();
            prop_assert!(
                hex.len() == 2 && hex.iter().all(|h| matches!(h, b'0'..=b'9' | b'A'..=b'F')),
                "escape at byte {} of {:?} is not %XX with upper-case hex",
                i,
                s
            );
            let byte = (hex_digit(hex[0]).unwrap() << 4) | hex_digit(hex[1]).unwrap();
            prop_assert!(!is_unreserved(byte), "{:?} escapes the unreserved {:?}", s, byte as char);
            i += 3;
        } else {
            prop_assert!(is_unreserved(b[i]), "{:?} has the raw byte {:#04x}", s, b[i]);
            i += 1;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// What is generated.
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Auth {
    Token(String),
    AccessKey { secret_key: String },
}

#[derive(Debug, Clone)]
struct Case {
    endpoint: &'static str,
    project: ProjectId,
    enterprise: Option<EnterpriseProjectId>,
    face_set: FaceSetName,
    selector: FaceSelector,
    /// The query pair the server must read, known from how the selector was generated.
    expected_pair: (String, String),
    now: SystemTime,
}

fn ascii_word_chars() -> Vec<char> {
    ('a'..='z').chain('A'..='Z').chain('0'..='9').chain(['-', '_']).collect()
}

fn ascii_word(len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(select(ascii_word_chars()), len).prop_map(String::from_iter)
}

fn unicode_word_char() -> impl Strategy<Value = char> {
    prop_oneof![
        select(ascii_word_chars()),
        prop::char::range('\u{4e00}', '\u{9fa5}'),
        select(vec!['é', 'ß', 'Ω', 'Я', '٣', 'Ⅻ', '²', '½', 'ا', 'ñ', 'ü', '-', '_']),
        // Any character, replaced by a fixed letter when it is not alphanumeric (a map,
        // not a filter, so nothing is rejected).
        any::<char>().prop_map(|c| if c.is_alphanumeric() { c } else { 'ж' }),
    ]
}

fn unicode_word(len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(unicode_word_char(), len).prop_map(String::from_iter)
}

fn digits(len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(select(('0'..='9').collect::<Vec<_>>()), len).prop_map(String::from_iter)
}

/// Decimal literals, finite by construction (`1.5`, `-0.25`, `2e3`, `7E+12`, `-3.0e-7`).
fn decimal_literal() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        digits(1..=6),
        prop::option::of(digits(1..=6)),
        prop::option::of((select(vec!["e", "E"]), select(vec!["", "+", "-"]), 0u32..=99)),
    )
        .prop_map(|(neg, int, frac, exp)| {
            let mut s = if neg { "-".to_owned() } else { String::new() };
            s.push_str(&int);
            if let Some(frac) = frac {
                s.push('.');
                s.push_str(&frac);
            }
            if let Some((e, sign, n)) = exp {
                s.push_str(e);
                s.push_str(sign);
                s.push_str(&n.to_string());
            }
            s
        })
}

/// A custom-field value and the text it must travel as.
fn field_value() -> impl Strategy<Value = (FieldValue, String)> {
    prop_oneof![
        2 => any::<i64>().prop_map(|n| (FieldValue::integer(n), n.to_string())),
        1 => (-1000i64..=1000).prop_map(|n| (FieldValue::from(n), n.to_string())),
        1 => any::<bool>().prop_map(|b| (FieldValue::boolean(b), b.to_string())),
        3 => decimal_literal().prop_map(|s| (FieldValue::new(s.as_str()).unwrap(), s)),
        1 => select(vec!["-3", "1.5", "-0.25", "2e3", "1e+5", "-1.25E-7", "0.0", "007", "true", "false"])
            .prop_map(|s| (FieldValue::new(s).unwrap(), s.to_owned())),
        1 => select(vec!["张三", "A-1001", "_", "-", "home", "Ⅻ-٣_é", "王_小-明"])
            .prop_filter_map("a valid string value", |s| FieldValue::new(s).ok().map(|v| (v, s.to_owned()))),
        4 => unicode_word(1..=40).prop_filter_map("accepted", |s| FieldValue::new(s.as_str()).ok().map(|v| (v, s))),
        1 => unicode_word(200..=256).prop_filter_map("accepted", |s| FieldValue::new(s.as_str()).ok().map(|v| (v, s))),
    ]
}

fn field_name() -> impl Strategy<Value = String> {
    ascii_word(1..=36).prop_filter("not reserved", |s| !RESERVED_FROM_DOCS.contains(&s.as_str()))
}

/// A selector of each kind, with the `(name, value)` the server must read.
fn selector() -> impl Strategy<Value = (FaceSelector, (String, String))> {
    prop_oneof![
        1 => ascii_word(1..=36).prop_map(|s| {
            let sel = FaceSelector::ExternalImageId(ExternalImageId::new(s.as_str()).unwrap());
            (sel, ("external_image_id".to_owned(), s))
        }),
        1 => ascii_word(1..=64).prop_map(|s| {
            let sel = FaceSelector::FaceId(FaceId::new(s.as_str()).unwrap());
            (sel, ("face_id".to_owned(), s))
        }),
        3 => (field_name(), field_value()).prop_map(|(name, (value, text))| {
            let sel = FaceSelector::field(FieldName::new(name.as_str()).unwrap(), value);
            (sel, (name, text))
        }),
    ]
}

/// Any time from 1970 to the end of 9999, with sub-second nanoseconds.
fn time() -> impl Strategy<Value = SystemTime> {
    (0u64..=253_402_300_799, 0u32..1_000_000_000)
        .prop_map(|(secs, nanos)| UNIX_EPOCH + Duration::new(secs, nanos))
}

fn auth() -> impl Strategy<Value = Auth> {
    prop_oneof![
        prop::collection::vec(select(('!'..='~').collect::<Vec<_>>()), 1..=200)
            .prop_map(|t| Auth::Token(String::from_iter(t))),
        any::<String>().prop_map(|secret_key| Auth::AccessKey { secret_key }),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        select(vec![
            "https://face.cn-north-4.myhuaweicloud.com",
            "https://face.ap-southeast-1.myhuaweicloud.com:443",
            "http://127.0.0.1:8080",
        ]),
        ascii_word(1..=64),
        prop::option::of(ascii_word(1..=64)),
        ascii_word(1..=64),
        selector(),
        time(),
    )
        .prop_map(|(endpoint, project, enterprise, face_set, (selector, expected_pair), now)| Case {
            endpoint,
            project: ProjectId::new(project).unwrap(),
            enterprise: enterprise.map(|e| EnterpriseProjectId::new(e).unwrap()),
            face_set: FaceSetName::new(face_set).unwrap(),
            selector,
            expected_pair,
            now,
        })
}

// ---------------------------------------------------------------------------------------------
// The check: build the request and read it as the server would.
// ---------------------------------------------------------------------------------------------

fn check_request(case: &Case, auth: &Auth) -> Result<(), TestCaseError> {
    let credentials = match auth {
        Auth::Token(token) => Credentials::token(token.as_str()),
        Auth::AccessKey { secret_key } => Credentials::access_key(AK, secret_key.as_str()),
    };
    let mut config = Config::new(Endpoint::parse(case.endpoint).unwrap(), case.project.clone(), credentials);
    if let Some(ep) = &case.enterprise {
        config = config.with_enterprise_project_id(ep.clone());
    }
    let op = DeleteFaces::new(case.face_set.clone(), case.selector.clone());
    let request = config.prepare(&op, case.now).map_err(|e| TestCaseError::fail(format!("prepare: {e}")))?;
    let (parts, body) = request.into_parts();
    let (want_name, want_value) = (case.expected_pair.0.as_str(), case.expected_pair.1.as_str());
    prop_assert_eq!(case.selector.query_pair(), (want_name, want_value));

    prop_assert_eq!(&parts.method, &Method::DELETE);
    prop_assert!(body.is_empty());

    // Path: exactly /v2/{project}/face-sets/{name}/faces, segment by segment after strict
    // decoding, and verbatim (the names are ASCII word characters).
    let path = parts.uri.path();
    let decoded: Result<Vec<String>, String> = path.split('/').map(strict_decode).collect();
    let decoded = decoded.map_err(TestCaseError::fail)?;
    let project = case.project.as_str();
    let set = case.face_set.as_str();
    prop_assert_eq!(decoded, ["", "v2", project, "face-sets", set, "faces"]);
    prop_assert_eq!(path, format!("/v2/{project}/face-sets/{set}/faces"));

    // Query: exactly one `&`-separated pair, decoded identically by both decoders.
    let raw = parts.uri.query().ok_or_else(|| TestCaseError::fail("no query"))?;
    prop_assert_eq!(raw.split('&').count(), 1, "query {:?} has more than one pair", raw);
    let form: Vec<(String, String)> =
        form_urlencoded::parse(raw.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    prop_assert_eq!(&form, &vec![(want_name.to_owned(), want_value.to_owned())], "query {:?}", raw);
    let (raw_name, raw_value) = raw.split_once('=').ok_or_else(|| TestCaseError::fail("no '=' in query"))?;
    let strict = (
        strict_decode(raw_name).map_err(TestCaseError::fail)?,
        strict_decode(raw_value).map_err(TestCaseError::fail)?,
    );
    prop_assert_eq!((strict.0.as_str(), strict.1.as_str()), (want_name, want_value), "query {:?}", raw);
    check_wire_component(raw_name)?;
    check_wire_component(raw_value)?;

    // Enterprise project header, when configured.
    let ep = parts.headers.get("enterprise-project-id").map(|v| v.to_str().unwrap());
    prop_assert_eq!(ep, case.enterprise.as_ref().map(EnterpriseProjectId::as_str));

    match auth {
        Auth::Token(token) => {
            prop_assert!(parts.headers.get(http::header::AUTHORIZATION).is_none());
            let header =
                parts.headers.get("x-auth-token").ok_or_else(|| TestCaseError::fail("no X-Auth-Token"))?;
            prop_assert!(header.is_sensitive(), "X-Auth-Token is not marked sensitive");
            prop_assert_eq!(header.as_bytes(), token.as_bytes());
        }
        Auth::AccessKey { secret_key } => {
            prop_assert!(parts.headers.get("x-auth-token").is_none());
            let header = parts
                .headers
                .get(http::header::AUTHORIZATION)
                .ok_or_else(|| TestCaseError::fail("no Authorization"))?;
            prop_assert!(header.is_sensitive(), "Authorization is not marked sensitive");
            let secret_for = |ak: &str| (ak == AK).then(|| Secret::new(secret_key.as_str()));
            let verified = verify(&parts, &body, secret_for, case.now, MAX_SKEW)
                .map_err(|e| TestCaseError::fail(format!("the server rejects the signature: {e}")))?;
            prop_assert_eq!(verified.access_key, AK);
            // The same request a little under the allowed skew later still verifies.
            let later = case.now + MAX_SKEW - Duration::from_secs(1);
            prop_assert!(verify(&parts, &body, secret_for, later, MAX_SKEW).is_ok());

            // The signature is not vacuous: another secret, or a changed selector value, fails.
            let wrong = |_: &str| Some(Secret::new(format!("{secret_key}x")));
            prop_assert_eq!(
                verify(&parts, &body, wrong, case.now, MAX_SKEW).unwrap_err(),
                VerifyError::SignatureMismatch
            );
            let mut tampered = http::Request::builder()
                .method(parts.method.clone())
                .uri(format!(
                    "{}://{}{path}?{raw}0",
                    parts.uri.scheme_str().unwrap(),
                    parts.uri.authority().unwrap()
                ))
                .body(Bytes::new())
                .unwrap();
            *tampered.headers_mut() = parts.headers.clone();
            let (tampered, _) = tampered.into_parts();
            prop_assert_eq!(
                verify(&tampered, &body, secret_for, case.now, MAX_SKEW).unwrap_err(),
                VerifyError::SignatureMismatch
            );
        }
    }
    Ok(())
}

/// Text for the "anything goes" property: arbitrary Unicode, URL-breaking characters, and
/// valid texts often enough that whole requests get built.
fn any_text() -> impl Strategy<Value = String> {
    const TRICKY: &[char] = &[
        ' ', '&', '=', '+', '#', '%', '/', '?', '~', '*', '\'', '"', '.', ';', '\\', '\n', '\0', 'é', '张',
        '😀', '\u{301}', 'a', 'Z', '0', '9', '-', '_', 'e',
    ];
    prop_oneof![
        2 => any::<String>(),
        2 => prop::collection::vec(select(TRICKY), 0..=300).prop_map(String::from_iter),
        1 => Just(String::new()),
        4 => ascii_word(1..=40),
        1 => ascii_word(30..=300),
        3 => unicode_word(1..=40),
        1 => select(RESERVED_FROM_DOCS.to_vec()).prop_map(str::to_owned),
        2 => decimal_literal(),
    ]
}

proptest! {
    // No regression files: this test tree holds only the tests themselves.
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    /// Every selector kind, with both credential kinds, on every valid face set.
    #[test]
    fn delete_faces_request_is_what_the_server_expects(case in case(), auth in auth()) {
        check_request(&case, &auth)?;
    }

    /// The same request with both credential kinds: identical method, path and query.
    #[test]
    fn token_and_access_key_requests_target_the_same_resource(case in case(), token in "[!-~]{1,64}", sk in ".*") {
        check_request(&case, &Auth::Token(token.clone()))?;
        check_request(&case, &Auth::AccessKey { secret_key: sk.clone() })?;
        let op = DeleteFaces::new(case.face_set.clone(), case.selector.clone());
        let endpoint = Endpoint::parse(case.endpoint).unwrap();
        let a = Config::new(endpoint.clone(), case.project.clone(), Credentials::token(token))
            .prepare(&op, case.now)
            .unwrap();
        let b = Config::new(endpoint, case.project.clone(), Credentials::access_key(AK, sk))
            .prepare(&op, case.now)
            .unwrap();
        prop_assert_eq!(a.method(), b.method());
        prop_assert_eq!(a.uri(), b.uri());
    }

    /// Arbitrary texts for the face set, the field name and the value: building never
    /// panics; when the types accept all three the request is checked as above, otherwise
    /// each rejection names its wire field.
    #[test]
    fn arbitrary_texts_never_panic(
        set in any_text(),
        name in any_text(),
        value in any_text(),
        auth in auth(),
        now in time(),
    ) {
        let set_r = FaceSetName::new(set.as_str());
        let name_r = FieldName::new(name.as_str());
        let value_r = FieldValue::new(value.as_str());
        if let Err(e) = &set_r {
            prop_assert_eq!(e.field(), "face_set_name");
        }
        if let Err(e) = &name_r {
            prop_assert_eq!(e.field(), "field_name");
        }
        if let Err(e) = &value_r {
            prop_assert_eq!(e.field(), "field_value");
        }
        if let (Ok(face_set), Ok(field), Ok(field_value)) = (set_r, name_r, value_r) {
            let case = Case {
                endpoint: "https://face.cn-north-4.myhuaweicloud.com",
                project: ProjectId::new("0a1b2c3d4e5f60718293a4b5c6d7e8f9").unwrap(),
                enterprise: None,
                face_set,
                selector: FaceSelector::field(field, field_value),
                expected_pair: (name, value),
                now,
            };
            check_request(&case, &auth)?;
        }
    }
}
