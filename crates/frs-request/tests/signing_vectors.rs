//! The 88 signing vectors produced by Huawei's own signer (`huaweicloudsdkcore` 3.1.219),
//! checked against our signer: every intermediate string, the signature, the request
//! target and the headers sent.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use frs_request::faces::DeleteFaces;
use frs_request::sign::input::{InputError, SigningInput};
use frs_request::sign::{SignError, SignableRequest, sign, sign_http_request};
use frs_request::{Config, Credentials, Endpoint};
use frs_types::{EnterpriseProjectId, ExternalImageId, FieldValue};
use serde::Deserialize;
use serde_json::Value;

const VECTORS: &str = include_str!("data/signing-vectors.json");

/// One vector: the signing debugger's input (a vector is one of its input lines), plus what
/// the official signer produced.
#[derive(Deserialize)]
struct Vector {
    name: String,
    quirk: bool,
    expected: Value,
    #[serde(flatten)]
    input: SigningInput,
}

/// A vector as our signer sees it: the query as text pairs (the official client renders
/// strings as they are, booleans lower-case, integers in decimal, lists as one pair per
/// element) and the body as bytes.
struct Case {
    name: String,
    quirk: bool,
    input: SigningInput,
    query: Vec<(String, String)>,
    body: Vec<u8>,
    expected: Value,
}

#[derive(Deserialize)]
struct Document {
    vectors: Vec<Vector>,
}

fn load() -> Vec<(Case, Option<&'static str>)> {
    let doc: Document = serde_json::from_str(VECTORS).unwrap();
    doc.vectors
        .into_iter()
        .map(|v| {
            let (query, skip) = match v.input.query_pairs() {
                Ok(query) => (query, None),
                // Python renders those `True`/`False`, something no request of ours can contain.
                Err(InputError::BoolInList { .. }) => (
                    Vec::new(),
                    Some("a boolean inside a list of query values: our query values are text, and booleans are always written true/false"),
                ),
                Err(e) => panic!("{}: {e}", v.name),
            };
            let body = v.input.body_bytes().unwrap_or_else(|e| panic!("{}: {e}", v.name)).into_owned();
            let case =
                Case { name: v.name, quirk: v.quirk, input: v.input, query, body, expected: v.expected };
            (case, skip)
        })
        .collect()
}

/// Any time: every vector pins its own `X-Sdk-Date`.
fn unused_clock() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1)
}

#[test]
fn every_vector_matches_the_official_signer() {
    let vectors = load();
    assert_eq!(vectors.len(), 88);
    let mut checked = 0;
    let mut quirks_checked = 0;
    for (v, skip) in &vectors {
        if let Some(reason) = skip {
            assert!(v.quirk, "{}: only quirk vectors may be skipped", v.name);
            assert_eq!(v.name, "query_typed_list_of_bools_quirk", "unexpected skip: {reason}");
            continue;
        }
        let req = SignableRequest {
            method: &v.input.method,
            host: &v.input.host,
            path: &v.input.path,
            query: &v.query,
            headers: &v.input.headers,
            body: &v.body,
        };
        let result = sign(&req, &v.input.ak, &v.input.sk, unused_clock());
        if v.name == "headers_case_duplicate_quirk" {
            // The official signer signs `x-dup` twice and no HTTP stack can send both, so
            // such a request never verifies: we refuse to sign it.
            assert_eq!(result.unwrap_err(), SignError::DuplicateHeader { name: "x-dup".into() });
            quirks_checked += 1;
            continue;
        }
        let signed = result.unwrap_or_else(|e| panic!("{}: {e}", v.name));
        let e = &v.expected;
        let field = |k: &str| e[k].as_str().unwrap();
        assert_eq!(signed.canonical_request, field("canonical_request"), "{}: canonical request", v.name);
        assert_eq!(signed.string_to_sign, field("string_to_sign"), "{}: string to sign", v.name);
        assert_eq!(signed.signed_headers, field("signed_headers"), "{}", v.name);
        assert_eq!(signed.signature(), field("signature"), "{}", v.name);
        assert_eq!(signed.authorization(), field("authorization"), "{}", v.name);
        assert_eq!(signed.canonical_uri, field("canonical_uri"), "{}", v.name);
        assert_eq!(signed.canonical_query_string, field("canonical_query_string"), "{}", v.name);
        assert_eq!(signed.payload_hash, field("payload_hash"), "{}", v.name);
        assert_eq!(signed.request_uri, field("request_uri"), "{}", v.name);
        let sent: Vec<(String, String)> = e["sent_headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| (h[0].as_str().unwrap().to_owned(), h[1].as_str().unwrap().to_owned()))
            .collect();
        assert_eq!(signed.headers, sent, "{}: sent headers", v.name);
        checked += 1;
        if v.quirk {
            quirks_checked += 1;
        }
    }
    let quirks = vectors.iter().filter(|(v, _)| v.quirk).count();
    assert_eq!(checked, 86, "non-skipped vectors");
    assert_eq!(quirks_checked, quirks - 1, "every quirk but the list-of-booleans one is checked");
}

/// The same vectors through `sign_http_request`, which is what the SDK uses: header names
/// go through `http::HeaderMap` (case-insensitive), the query through the URI.
#[test]
fn vectors_through_http_request() {
    let mut checked = 0;
    for (v, skip) in load() {
        // Not representable as an http::Request: paths the official client sends raw
        // (spaces, non-ASCII: wire and request URI differ), case-sensitive header keys,
        // invalid header names, or the list-of-booleans quirk.
        let e = &v.expected;
        if skip.is_some()
            || v.quirk
            || e["wire_uri"] != e["request_uri"]
            || v.input.headers.iter().any(|(n, _)| http::HeaderName::from_bytes(n.as_bytes()).is_err())
        {
            continue;
        }
        // The query as the SDK sends it: in canonical order (checked against our signer by
        // the test above).
        let query = e["canonical_query_string"].as_str().unwrap();
        let path = &v.input.path;
        let target = if query.is_empty() { path.clone() } else { format!("{path}?{query}") };
        let uri = format!("{}://{}{}", v.input.scheme, v.input.host, target);
        let mut builder =
            http::Request::builder().method(v.input.method.to_ascii_uppercase().as_str()).uri(uri);
        for (n, val) in &v.input.headers {
            builder = builder.header(n.as_str(), http::HeaderValue::from_bytes(val.as_bytes()).unwrap());
        }
        let mut req = builder.body(Bytes::from(v.body.clone())).unwrap();
        let signed = sign_http_request(&mut req, &v.input.ak, &v.input.sk, unused_clock())
            .unwrap_or_else(|err| panic!("{}: {err}", v.name));
        assert_eq!(signed.signature(), e["signature"].as_str().unwrap(), "{}", v.name);
        assert_eq!(
            req.uri().path_and_query().unwrap().as_str(),
            e["request_uri"].as_str().unwrap(),
            "{}",
            v.name
        );
        let auth = req.headers().get("authorization").unwrap();
        assert!(auth.is_sensitive(), "{}: Authorization must be marked sensitive", v.name);
        assert_eq!(auth.to_str().unwrap(), e["authorization"].as_str().unwrap());
        checked += 1;
    }
    assert!(checked >= 60, "only {checked} vectors were representable");
}

fn vector(name: &str) -> Case {
    load().into_iter().map(|(v, _)| v).find(|v| v.name == name).unwrap()
}

fn header(v: &Case, name: &str) -> Option<String> {
    v.input.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, val)| val.clone())
}

/// Builds the SDK's own request for a delete-faces vector and checks it carries exactly the
/// official signature: same path, query, signed headers and bytes.
fn check_delete_faces(name: &str, op: &DeleteFaces) {
    let v = vector(name);
    let date = frs_request::sdk_date::parse_sdk_date(&header(&v, "x-sdk-date").unwrap()).unwrap();
    let project = v.input.path.split('/').nth(2).unwrap();
    let mut config = Config::new(
        Endpoint::parse(&format!("{}://{}", v.input.scheme, v.input.host)).unwrap(),
        project.parse().unwrap(),
        Credentials::access_key(v.input.ak.clone(), v.input.sk.expose()),
    )
    .with_user_agent(&header(&v, "user-agent").unwrap())
    .unwrap();
    if let Some(ep) = header(&v, "enterprise-project-id") {
        config = config.with_enterprise_project_id(EnterpriseProjectId::new(ep).unwrap());
    }
    let req = config.prepare(op, date).unwrap();
    assert_eq!(req.method().as_str(), v.input.method);
    assert_eq!(
        req.uri().path_and_query().unwrap().as_str(),
        v.expected["request_uri"].as_str().unwrap(),
        "{name}"
    );
    assert_eq!(
        req.headers()["authorization"].to_str().unwrap(),
        v.expected["authorization"].as_str().unwrap(),
        "{name}"
    );
    assert!(req.body().is_empty());
}

#[test]
fn delete_faces_requests_carry_the_official_signature() {
    check_delete_faces(
        "frs_delete_face_by_custom_field",
        &DeleteFaces::by_field(
            "showFaceSet".parse().unwrap(),
            "id".parse().unwrap(),
            "home".parse().unwrap(),
        ),
    );
    check_delete_faces(
        "frs_delete_face_by_custom_field_numeric",
        &DeleteFaces::by_field(
            "employees".parse().unwrap(),
            "timestamp".parse().unwrap(),
            FieldValue::integer(12),
        ),
    );
    check_delete_faces(
        "frs_delete_face_by_face_id",
        &DeleteFaces::by_face_id("employees".parse().unwrap(), "wHiD9tXm".parse().unwrap()),
    );
    check_delete_faces(
        "frs_delete_face_with_enterprise_project_id",
        &DeleteFaces::by_external_image_id("employees".parse().unwrap(), "img-001".parse().unwrap()),
    );
}

/// Two delete vectors use values the service documents as invalid; the raw signer matches
/// them (above), and the SDK refuses to build them, naming the rule.
#[test]
fn delete_vectors_with_undocumented_values_are_rejected_by_the_sdk() {
    let err = ExternalImageId::new("imageID-2024/03 #1").unwrap_err();
    assert_eq!(err.field(), "external_image_id");
    assert!(err.to_string().contains("'/'"), "{err}");
    let err = FieldValue::new("张三 李四").unwrap_err();
    assert!(err.to_string().contains("' '"), "{err}");
    // Without the space the Chinese value is a valid string value.
    assert!(FieldValue::new("张三").is_ok());
}
