//! The emulator's documented behaviour over real HTTP on 127.0.0.1: every error path of the
//! service (HTTP status and error code), the face engine's answers, the API gateway's
//! authentication, every fault kind, and the admin API.
//!
//! Normal calls go through the SDK (`frs_ureq::Client`); what the SDK refuses to build (bad
//! JSON, invalid names, tampered signatures) is signed with `Config::prepare*`, changed,
//! and sent with `UreqTransport`, or written to a socket by hand. Every emulator is
//! in-process (`Emulator::start`), every loop is bounded and every timeout short.
//!
//! One module per concern; the fixtures and helpers they share are here.

use std::borrow::Cow;
use std::time::SystemTime;

use bytes::Bytes;
use frs_emulator::testimage::TestImage;
use frs_emulator::{ADMIN_PREFIX, AccessKeyPair, Emulator, EmulatorConfig, SeededFace};
use frs_request::face_sets::ShowAllFaceSets;
use frs_request::{
    ApiVersion, Body, Config, Credentials, Endpoint, Reply, RequestSpec, RetryPolicy, ServiceError,
    SyncTransport as _,
};
use frs_types::models::face_sets::FieldType;
use frs_types::models::search::SearchFace;
use frs_types::{FaceSetName, Image};
use frs_ureq::{Client, UreqTransport};
use http::Method;
use serde_json::Value;

mod admin_api;
mod face_engine;
mod faults;
mod gateway_auth;
mod service_errors;

const PID: &str = EmulatorConfig::DEFAULT_PROJECT_ID;
const TOKEN: &str = EmulatorConfig::DEFAULT_TOKEN;
const AK: &str = EmulatorConfig::DEFAULT_ACCESS_KEY;
const SK: &str = EmulatorConfig::DEFAULT_SECRET_KEY;

fn start() -> Emulator {
    Emulator::start(EmulatorConfig::default()).expect("the emulator starts")
}

fn endpoint(em: &Emulator) -> Endpoint {
    Endpoint::parse(&em.endpoint()).unwrap()
}

fn config_as(em: &Emulator, credentials: Credentials) -> Config {
    Config::new(endpoint(em), PID.parse().unwrap(), credentials).with_retry(RetryPolicy::none())
}

/// The default AK/SK pair, no retries.
fn signed(em: &Emulator) -> Config {
    config_as(em, Credentials::access_key(AK, SK))
}

fn client_as(em: &Emulator, credentials: Credentials) -> Client {
    Client::with_transport(config_as(em, credentials), UreqTransport::default())
}

fn client(em: &Emulator) -> Client {
    client_as(em, Credentials::access_key(AK, SK))
}

fn name(text: &str) -> FaceSetName {
    text.parse().unwrap()
}

/// A PNG of `image`, sent as `image_base64`.
fn image(image: &TestImage) -> Image {
    Image::base64_from_bytes(image.png()).unwrap()
}

fn image_of(person: &str) -> Image {
    image(&TestImage::person(person))
}

/// Face set `staff` (floor: integer, badge: string, active: boolean) with two faces of
/// image `img-1` on floor 3 and one of `img-2` on floor 4; the face ids, in that order.
fn staff(em: &Emulator) -> Vec<String> {
    em.seed_face_set(
        "staff",
        &[("floor", FieldType::Integer), ("badge", FieldType::String), ("active", FieldType::Boolean)],
    );
    [("img-1", 3, "A-1", true), ("img-1", 3, "A-2", false), ("img-2", 4, "B-1", true)]
        .into_iter()
        .map(|(img, floor, badge, active)| {
            let face =
                SeededFace::new(img).field("floor", floor).field("badge", badge).field("active", active);
            em.seed_face("staff", face).unwrap()
        })
        .collect()
}

/// The service error of a failed call, checked for its HTTP status and code.
#[track_caller]
fn expect_error<T: std::fmt::Debug>(
    result: Result<Reply<T>, frs_ureq::Error>,
    status: u16,
    code: &str,
) -> ServiceError {
    let err = match result {
        Ok(reply) => panic!("expected {code} (HTTP {status}), got {:?}", reply.value),
        Err(err) => err,
    };
    let Some(service) = err.service() else { panic!("expected {code} (HTTP {status}), got {err:?}") };
    assert_eq!((service.status.as_u16(), service.raw_code.as_str()), (status, code), "{service}");
    assert!(!service.message.trim().is_empty(), "{service}");
    service.clone()
}

/// Sends a request exactly as built.
fn send(request: http::Request<Bytes>) -> http::Response<Bytes> {
    UreqTransport::default().send(request).expect("an HTTP answer")
}

/// A signed FRS request with any segments, query and JSON body text (even malformed).
fn raw(
    em: &Emulator,
    method: Method,
    version: ApiVersion,
    segments: &[&str],
    query: &[(&str, &str)],
    body: Option<&str>,
) -> http::Response<Bytes> {
    let segments = segments.iter().map(|s| Cow::Owned((*s).to_owned())).collect();
    let mut spec = RequestSpec::frs(method, version, segments);
    for (key, value) in query {
        spec = spec.query(*key, *value);
    }
    if let Some(body) = body {
        spec = spec.body(Body::Json(Bytes::from(body.to_owned())));
    }
    send(signed(em).prepare_spec(spec, SystemTime::now()).unwrap())
}

/// A signed `POST /v2/{project_id}/{segments}` with a JSON body as given.
fn post(em: &Emulator, segments: &[&str], body: &str) -> http::Response<Bytes> {
    raw(em, Method::POST, ApiVersion::V2, segments, &[], Some(body))
}

fn json_of(resp: &http::Response<Bytes>) -> Value {
    serde_json::from_slice(resp.body())
        .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(resp.body())))
}

/// The error body of a raw answer, checked for its HTTP status and code.
#[track_caller]
fn expect_raw_error(resp: &http::Response<Bytes>, status: u16, code: &str) -> Value {
    let body = json_of(resp);
    assert_eq!((resp.status().as_u16(), body["error_code"].as_str()), (status, Some(code)), "{body}");
    assert!(body["error_msg"].as_str().is_some_and(|m| !m.trim().is_empty()), "{body}");
    body
}

/// A request to the admin API; the answer's status and JSON body (`null` if not JSON).
fn admin_bytes(em: &Emulator, method: Method, path: &str, body: impl Into<Bytes>) -> (u16, Value) {
    let request = http::Request::builder()
        .method(method)
        .uri(format!("{}{ADMIN_PREFIX}{path}", em.endpoint()))
        .body(body.into())
        .unwrap();
    let resp = send(request);
    (resp.status().as_u16(), serde_json::from_slice(resp.body()).unwrap_or(Value::Null))
}

fn admin(em: &Emulator, method: Method, path: &str, body: &Value) -> (u16, Value) {
    admin_bytes(em, method, path, serde_json::to_vec(body).unwrap())
}

fn admin_get(em: &Emulator, path: &str) -> Value {
    let (status, body) = admin_bytes(em, Method::GET, path, Bytes::new());
    assert_eq!(status, 200, "{body}");
    body
}

/// `GET /v2/{project_id}/face-sets`, signed with the default pair as of `when`.
fn signed_listing(em: &Emulator, when: SystemTime) -> http::Request<Bytes> {
    signed(em).prepare(&ShowAllFaceSets, when).unwrap()
}

/// `GET /v2/{project_id}/face-sets`, signed; just the status.
fn list_status(em: &Emulator) -> u16 {
    send(signed_listing(em, SystemTime::now())).status().as_u16()
}

fn hits(reply: Reply<frs_types::models::search::SearchFacesResponse>) -> Vec<SearchFace> {
    reply.value.faces.expect("faces")
}

fn similarity(hit: &SearchFace) -> f64 {
    hit.similarity.expect("similarity")
}

fn with_temporary_pair() -> Emulator {
    let mut config = EmulatorConfig::default();
    config.access_keys.push(AccessKeyPair {
        access_key: "TEMPAK".into(),
        secret_key: "temp-sk".into(),
        security_token: Some("sts-token".into()),
    });
    Emulator::start(config).unwrap()
}
