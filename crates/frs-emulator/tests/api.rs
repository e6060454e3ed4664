//! The emulator's documented behaviour over real HTTP on 127.0.0.1: every error path of the
//! service (HTTP status and error code), the face engine's answers, the API gateway's
//! authentication, every fault kind, and the admin API.
//!
//! Normal calls go through the SDK (`frs_ureq::Client`); what the SDK refuses to build (bad
//! JSON, invalid names, tampered signatures) is signed with `Config::prepare*`, changed,
//! and sent with `UreqTransport`, or written to a socket by hand. Every emulator is
//! in-process (`Emulator::start`), every loop is bounded and every timeout short.

use std::borrow::Cow;
use std::io::{ErrorKind, Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use bytes::Bytes;
use frs_emulator::testimage::{TestImage, TestVideo};
use frs_emulator::{ADMIN_PREFIX, AccessKeyPair, Emulator, EmulatorConfig, Fault, IamUser, SeededFace};
use frs_request::detection::{Attribute, CompareFaces, DetectFaces};
use frs_request::face_sets::{CreateFaceSet, DeleteFaceSet, ShowAllFaceSets, ShowFaceSet};
use frs_request::faces::{AddFaces, BatchDeleteFaces, DeleteFaces, ShowFaces, UpdateFace};
use frs_request::iam::{
    DiscoveryError, IssueUserToken, ListProjects, PasswordCredentials, discovered_project_id,
};
use frs_request::liveness::{Action, DetectLive, DetectLiveFace};
use frs_request::search::SearchFaces;
use frs_request::{
    ApiVersion, Body, Config, Credentials, Endpoint, Error, Reply, RequestSpec, RetryPolicy, ServiceError,
    SyncTransport as _, TransportError as _, TransportErrorKind, TransportLimits,
};
use frs_types::models::face_sets::FieldType;
use frs_types::models::search::SearchFace;
use frs_types::{ExternalFields, FaceSetName, FieldValue, Filter, Image, Region, ReturnFields, Sort, Video};
use frs_ureq::{Client, UreqTransport};
use http::Method;
use serde_json::{Value, json};

const PID: &str = EmulatorConfig::DEFAULT_PROJECT_ID;
const TOKEN: &str = EmulatorConfig::DEFAULT_TOKEN;
const AK: &str = EmulatorConfig::DEFAULT_ACCESS_KEY;
const SK: &str = EmulatorConfig::DEFAULT_SECRET_KEY;
/// The total timeout of a client that is expected to give up.
const GIVE_UP: Duration = Duration::from_millis(300);

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

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

fn client_with_timeout(em: &Emulator, total: Duration) -> Client {
    let limits = TransportLimits { total_timeout: total, ..TransportLimits::default() };
    Client::with_transport(signed(em), UreqTransport::new(limits))
}

fn name(text: &str) -> FaceSetName {
    text.parse().unwrap()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A PNG of `image`, sent as `image_base64`.
fn image(image: &TestImage) -> Image {
    Image::base64_from_bytes(image.png()).unwrap()
}

fn image_of(person: &str) -> Image {
    image(&TestImage::person(person))
}

fn no_face() -> Image {
    image(&TestImage::person("nobody").faces(0))
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

/// The gateway's refusal of a call: 401, `APIGW.0301`, and a request id in the body.
#[track_caller]
fn expect_refused<T: std::fmt::Debug>(result: Result<Reply<T>, frs_ureq::Error>) {
    let service = expect_error(result, 401, "APIGW.0301");
    assert_request_id_in_body(&serde_json::from_slice(&service.body).unwrap());
}

#[track_caller]
fn assert_request_id_in_body(body: &Value) {
    let rid = body["request_id"].as_str().unwrap_or_else(|| panic!("no request_id in {body}"));
    assert!(rid.len() == 32 && rid.bytes().all(|b| b.is_ascii_hexdigit()), "request id {rid:?}");
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

#[track_caller]
fn expect_raw_refused(resp: &http::Response<Bytes>) {
    let body = expect_raw_error(resp, 401, "APIGW.0301");
    assert_request_id_in_body(&body);
    assert_eq!(resp.headers().get("x-request-id").and_then(|v| v.to_str().ok()), body["request_id"].as_str());
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

/// Arms a fault through `POST /__emulator/faults`.
#[track_caller]
fn arm(em: &Emulator, request: &Value) {
    let (status, body) = admin(em, Method::POST, "/faults", request);
    assert_eq!((status, body["status"].as_str()), (200, Some("armed")), "{body}");
}

#[track_caller]
fn clear_faults(em: &Emulator) {
    let (status, body) = admin_bytes(em, Method::DELETE, "/faults", Bytes::new());
    assert_eq!((status, body["status"].as_str()), (200, Some("cleared")), "{body}");
}

/// `GET /v2/{project_id}/face-sets`, signed; just the status.
fn list_status(em: &Emulator) -> u16 {
    send(signed(em).prepare(&ShowAllFaceSets, SystemTime::now()).unwrap()).status().as_u16()
}

/// Writes `GET /v2/{project_id}/face-sets` with a token to a plain socket and returns every
/// byte that arrives before the connection ends (closed or reset), within 5 s.
fn raw_exchange(em: &Emulator) -> Vec<u8> {
    let mut stream = TcpStream::connect(em.addr()).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let request = format!(
        "GET /v2/{PID}/face-sets HTTP/1.1\r\nHost: {}\r\nX-Auth-Token: {TOKEN}\r\nConnection: close\r\n\r\n",
        em.addr()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    for _ in 0..10_000 {
        match stream.read(&mut buf) {
            Ok(0) => return received,
            Ok(n) => received.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!("the connection neither answered nor closed within 5 s")
            }
            Err(_) => return received,
        }
    }
    panic!("too much data")
}

fn hits(reply: Reply<frs_types::models::search::SearchFacesResponse>) -> Vec<SearchFace> {
    reply.value.faces.expect("faces")
}

fn similarity(hit: &SearchFace) -> f64 {
    hit.similarity.expect("similarity")
}

// ---------------------------------------------------------------------------------------
// 1. Error paths of the service
// ---------------------------------------------------------------------------------------

#[test]
fn show_unknown_face_set_is_frs_0302() {
    let em = start();
    expect_error(client(&em).execute(&ShowFaceSet::new(name("ghost"))), 400, "FRS.0302");
}

#[test]
fn delete_unknown_face_set_is_frs_0302() {
    let em = start();
    expect_error(client(&em).execute(&DeleteFaceSet::new(name("ghost"))), 400, "FRS.0302");
}

#[test]
fn add_faces_to_unknown_face_set_is_frs_0302() {
    let em = start();
    expect_error(client(&em).execute(&AddFaces::new(name("ghost"), image_of("alice"))), 400, "FRS.0302");
}

#[test]
fn search_unknown_face_set_is_frs_0302() {
    let em = start();
    let op = SearchFaces::by_image(name("ghost"), image_of("alice"));
    expect_error(client(&em).execute(&op), 400, "FRS.0302");
}

#[test]
fn delete_faces_from_unknown_face_set_is_frs_0302() {
    let em = start();
    let c = client(&em);
    expect_error(
        c.execute(&DeleteFaces::by_external_image_id(name("ghost"), "img-1".parse().unwrap())),
        400,
        "FRS.0302",
    );
    expect_error(
        c.execute(&BatchDeleteFaces::new(name("ghost"), Filter::parse("floor:3").unwrap())),
        400,
        "FRS.0302",
    );
}

#[test]
fn listing_or_updating_faces_of_unknown_face_set_is_frs_0302() {
    let em = start();
    let c = client(&em);
    expect_error(c.execute(&ShowFaces::page(name("ghost"), 0, 5).unwrap()), 400, "FRS.0302");
    let update =
        UpdateFace::new(name("ghost"), "abcd1234".parse().unwrap()).external_image_id("x".parse().unwrap());
    expect_error(c.execute(&update), 400, "FRS.0302");
}

#[test]
fn a_face_set_can_be_created_shown_listed_and_deleted() {
    let em = start();
    let c = client(&em);
    let op = CreateFaceSet::new(name("staff"))
        .capacity(20_000)
        .unwrap()
        .field("floor".parse().unwrap(), FieldType::Integer)
        .unwrap();
    let created = c.execute(&op).unwrap().value.face_set_info.unwrap();
    assert_eq!(created.external_fields, json!({ "floor": { "type": "integer" } }).as_object().cloned());
    let shown = c.execute(&ShowFaceSet::new(name("staff"))).unwrap().value.face_set_info.unwrap();
    assert_eq!(shown, created);
    let listed = c.execute(&ShowAllFaceSets).unwrap().value.face_sets_info.unwrap();
    assert_eq!(listed, [created]);
    let deleted = c.execute(&DeleteFaceSet::new(name("staff"))).unwrap();
    assert_eq!(deleted.face_set_name.as_deref(), Some("staff"));
    expect_error(c.execute(&ShowFaceSet::new(name("staff"))), 400, "FRS.0302");
}

#[test]
fn creating_an_existing_face_set_is_frs_0301() {
    let em = start();
    let c = client(&em);
    let created = c.execute(&CreateFaceSet::new(name("staff"))).unwrap();
    let info = created.value.face_set_info.unwrap();
    assert_eq!(info.face_set_name.as_deref(), Some("staff"));
    assert_eq!((info.face_set_capacity, info.face_number), (Some(100_000), Some(0)));
    assert_eq!(info.face_set_id.as_ref().map(String::len), Some(8));
    // docs/emulator.md: `YYYY-MM-DD HH:MM:SS`, UTC.
    let date = info.create_date.unwrap();
    let shape: String = date.chars().map(|ch| if ch.is_ascii_digit() { 'd' } else { ch }).collect();
    assert_eq!(shape, "dddd-dd-dd dd:dd:dd", "{date}");
    expect_error(c.execute(&CreateFaceSet::new(name("staff"))), 400, "FRS.0301");
    assert_eq!(c.execute(&ShowAllFaceSets).unwrap().value.face_sets_info.unwrap().len(), 1);
}

#[test]
fn the_eleventh_face_set_is_frs_0305() {
    let em = start();
    let c = client(&em);
    for i in 0..10 {
        c.execute(&CreateFaceSet::new(name(&format!("set-{i}")))).unwrap();
    }
    expect_error(c.execute(&CreateFaceSet::new(name("set-10"))), 400, "FRS.0305");
    assert_eq!(c.execute(&ShowAllFaceSets).unwrap().value.face_sets_info.unwrap().len(), 10);
}

#[test]
fn an_invalid_face_set_name_is_frs_0012() {
    let em = start();
    let too_long = "n".repeat(65);
    for face_set_name in [json!("bad name"), json!("bad!"), json!("名字"), json!(too_long), json!(42)] {
        let body = json!({ "face_set_name": face_set_name }).to_string();
        expect_raw_error(&post(&em, &["face-sets"], &body), 400, "FRS.0012");
    }
    // In a path, too.
    let resp = raw(&em, Method::GET, ApiVersion::V2, &["face-sets", "bad name!"], &[], None);
    expect_raw_error(&resp, 400, "FRS.0012");
    assert_eq!(admin_get(&em, "/health")["face_sets"], 0);
}

#[test]
fn an_invalid_face_set_capacity_is_frs_0012() {
    let em = start();
    for capacity in ["15000", "0", "110000", "200000", "-10000", "10000.5", "\"lots\"", "true"] {
        let body = format!(r#"{{"face_set_name": "cap", "face_set_capacity": {capacity}}}"#);
        expect_raw_error(&post(&em, &["face-sets"], &body), 400, "FRS.0012");
    }
    assert_eq!(admin_get(&em, "/health")["face_sets"], 0);
    // A valid one, also as a string as in Huawei's own example.
    let resp = post(&em, &["face-sets"], r#"{"face_set_name": "cap", "face_set_capacity": 30000}"#);
    assert_eq!(resp.status(), 200);
    assert_eq!(json_of(&resp)["face_set_info"]["face_set_capacity"], 30_000);
    let resp = post(&em, &["face-sets"], r#"{"face_set_name": "cap2", "face_set_capacity": "100000"}"#);
    assert_eq!(json_of(&resp)["face_set_info"]["face_set_capacity"], 100_000);
}

#[test]
fn an_invalid_custom_field_schema_is_frs_0012() {
    let em = start();
    let eleven: serde_json::Map<String, Value> =
        (0..11).map(|i| (format!("f{i}"), json!({ "type": "integer" }))).collect();
    for schema in [
        json!({ "age": { "type": "date" } }),
        json!({ "age": { "type": "Integer" } }),
        json!({ "age": {} }),
        json!({ "age": "integer" }),
        json!({ "face_id": { "type": "string" } }),
        json!({ "external_image_id": { "type": "string" } }),
        json!({ "bad name": { "type": "string" } }),
        json!(["age"]),
        Value::Object(eleven),
    ] {
        let body = json!({ "face_set_name": "schema", "external_fields": schema }).to_string();
        expect_raw_error(&post(&em, &["face-sets"], &body), 400, "FRS.0012");
    }
    assert_eq!(admin_get(&em, "/health")["face_sets"], 0);
}

#[test]
fn a_missing_face_set_name_is_frs_0011() {
    let em = start();
    for body in
        ["{}", r#"{"face_set_name": ""}"#, r#"{"face_set_name": null}"#, r#"{"face_set_capacity": 10000}"#]
    {
        expect_raw_error(&post(&em, &["face-sets"], body), 400, "FRS.0011");
    }
    // No body at all.
    let resp = raw(&em, Method::POST, ApiVersion::V2, &["face-sets"], &[], None);
    expect_raw_error(&resp, 400, "FRS.0011");
}

#[test]
fn a_malformed_json_body_is_frs_0014() {
    let em = start();
    for body in [r#"{"face_set_name": "x""#, "not json", "[1, 2]", r#""text""#, "{'face_set_name': 'x'}"] {
        expect_raw_error(&post(&em, &["face-sets"], body), 400, "FRS.0014");
    }
    em.seed_face_set("staff", &[]);
    expect_raw_error(&post(&em, &["face-sets", "staff", "search"], "{"), 400, "FRS.0014");
    expect_raw_error(&post(&em, &["face-detect"], "{]"), 400, "FRS.0014");
}

#[test]
fn adding_an_image_without_a_face_is_frs_0404() {
    let em = start();
    em.seed_face_set("people", &[]);
    let service =
        expect_error(client(&em).execute(&AddFaces::new(name("people"), no_face())), 400, "FRS.0404");
    assert_eq!(service.message, "Detect no face, can not add it to face set.");
    assert_eq!(em.face_count("people"), Some(0));
}

#[test]
fn searching_with_an_image_without_a_face_is_frs_0304() {
    let em = start();
    em.seed_face_set("people", &[]);
    em.seed_face("people", SeededFace::new("img-1")).unwrap();
    expect_error(client(&em).execute(&SearchFaces::by_image(name("people"), no_face())), 400, "FRS.0304");
}

#[test]
fn detecting_in_an_image_without_a_face_is_frs_0501() {
    let em = start();
    let service = expect_error(client(&em).execute(&DetectFaces::new(no_face())), 400, "FRS.0501");
    assert_eq!(service.message, "Detect no face, check out your picture.");
}

#[test]
fn comparing_with_an_image_without_a_face_is_frs_0501() {
    let em = start();
    let c = client(&em);
    expect_error(c.execute(&CompareFaces::new(image_of("alice"), no_face()).unwrap()), 400, "FRS.0501");
    expect_error(c.execute(&CompareFaces::new(no_face(), image_of("alice")).unwrap()), 400, "FRS.0501");
}

#[test]
fn silent_liveness_of_an_image_without_a_face_is_frs_0707() {
    let em = start();
    let service = expect_error(client(&em).execute(&DetectLiveFace::new(no_face())), 400, "FRS.0707");
    assert_eq!(service.message, "Detect no face, check out your picture.");
}

/// A GIF: not one of the accepted image formats.
const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";

/// The image operations with their image fields, each request body built from one image
/// text for every image field.
fn image_requests(image_field_value: &Value) -> Vec<(Vec<&'static str>, Value)> {
    let v = image_field_value;
    vec![
        (vec!["face-detect"], json!({ "image_base64": v })),
        (vec!["face-sets", "staff", "faces"], json!({ "image_base64": v })),
        (vec!["face-sets", "staff", "search"], json!({ "image_base64": v })),
        (
            vec!["face-compare"],
            json!({ "image1_base64": v, "image2_base64": b64(&TestImage::person("a").png()) }),
        ),
        (
            vec!["face-compare"],
            json!({ "image1_base64": b64(&TestImage::person("a").png()), "image2_base64": v }),
        ),
    ]
}

#[test]
fn an_unsupported_image_format_is_frs_0016() {
    let em = start();
    staff(&em);
    for (segments, body) in image_requests(&json!(b64(GIF))) {
        expect_raw_error(&post(&em, &segments, &body.to_string()), 400, "FRS.0016");
    }
    let body = json!({ "image_base64": b64(GIF) }).to_string();
    let resp = raw(&em, Method::POST, ApiVersion::V1, &["live-detect-face"], &[], Some(&body));
    expect_raw_error(&resp, 400, "FRS.0016");
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn undecodable_base64_is_frs_0015() {
    let em = start();
    staff(&em);
    let png = b64(&TestImage::person("alice").png());
    let broken = format!("{}\n{}", &png[..40], &png[40..]);
    for text in ["not*base64!", "QUJD=", broken.as_str()] {
        for (segments, body) in image_requests(&json!(text)) {
            expect_raw_error(&post(&em, &segments, &body.to_string()), 400, "FRS.0015");
        }
    }
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn an_unknown_obs_object_is_frs_0036() {
    let em = start();
    em.seed_face_set("people", &[]);
    let c = client(&em);
    let missing = || Image::from_url("/bucket/missing.png").unwrap();
    expect_error(c.execute(&DetectFaces::new(missing())), 400, "FRS.0036");
    expect_error(c.execute(&AddFaces::new(name("people"), missing())), 400, "FRS.0036");
    expect_error(c.execute(&SearchFaces::by_image(name("people"), missing())), 400, "FRS.0036");
    let video = Video::from_url("/bucket/missing.mp4").unwrap();
    expect_error(c.execute(&DetectLive::new(video, &[Action::Nod]).unwrap()), 400, "FRS.0036");
}

#[test]
fn an_invalid_obs_url_is_frs_0021() {
    let em = start();
    em.seed_face_set("people", &[]);
    for url in ["not a url", "ftp://bucket/a.png", "/bucket", "https://example.com/a.png", "bucket/a.png"] {
        let body = json!({ "image_url": url }).to_string();
        expect_raw_error(&post(&em, &["face-detect"], &body), 400, "FRS.0021");
        expect_raw_error(&post(&em, &["face-sets", "people", "faces"], &body), 400, "FRS.0021");
    }
    let body = json!({ "video_url": "not a url", "actions": "1" }).to_string();
    let resp = raw(&em, Method::POST, ApiVersion::V1, &["live-detect"], &[], Some(&body));
    expect_raw_error(&resp, 400, "FRS.0021");
}

#[test]
fn adding_to_a_full_face_set_is_frs_0306_with_http_403() {
    let em = start();
    let (status, seeded) = admin(
        &em,
        Method::POST,
        "/seed",
        &json!({ "face_sets": [{ "face_set_name": "full", "face_set_capacity": 10_000 }] }),
    );
    assert_eq!(status, 200, "{seeded}");
    for i in 0..10_000 {
        em.seed_face("full", SeededFace::new(&format!("img-{i}"))).unwrap();
    }
    let c = client(&em);
    let info = c.execute(&ShowFaceSet::new(name("full"))).unwrap().value.face_set_info.unwrap();
    assert_eq!((info.face_set_capacity, info.face_number), (Some(10_000), Some(10_000)));
    let service = expect_error(c.execute(&AddFaces::new(name("full"), image_of("alice"))), 403, "FRS.0306");
    assert!(!service.code.is_retryable());
    assert_eq!(em.face_count("full"), Some(10_000));
    // Room for one face again: the add succeeds.
    c.execute(&DeleteFaces::by_external_image_id(name("full"), "img-0".parse().unwrap())).unwrap();
    c.execute(&AddFaces::new(name("full"), image_of("alice"))).unwrap();
    assert_eq!(em.face_count("full"), Some(10_000));
}

#[test]
fn an_image_over_the_resolution_limit_is_frs_0013() {
    let em = start();
    em.seed_face_set("people", &[]);
    let c = client(&em);
    let big = || image(&TestImage::person("alice").size(4096, 2160));
    expect_error(c.execute(&DetectFaces::new(big())), 400, "FRS.0013");
    expect_error(c.execute(&AddFaces::new(name("people"), big())), 400, "FRS.0013");
    assert_eq!(em.face_count("people"), Some(0));
    let fits = image(&TestImage::person("alice").size(4095, 2159));
    assert!(c.execute(&DetectFaces::new(fits)).is_ok());
}

#[test]
fn search_with_both_a_face_id_and_an_image_is_frs_0012() {
    // operations.md §5: `image_base64` / `image_url` / `face_id` / `image_file`: exactly one.
    let em = start();
    let ids = staff(&em);
    let body =
        json!({ "face_id": ids[0], "image_base64": b64(&TestImage::person("img-2").png()) }).to_string();
    expect_raw_error(&post(&em, &["face-sets", "staff", "search"], &body), 400, "FRS.0012");
}

#[test]
fn two_forms_of_one_image_are_frs_0012() {
    let em = start();
    em.put_object("/bucket/alice.png", TestImage::person("alice").png()).unwrap();
    let body =
        json!({ "image_base64": b64(&TestImage::person("alice").png()), "image_url": "/bucket/alice.png" });
    expect_raw_error(&post(&em, &["face-detect"], &body.to_string()), 400, "FRS.0012");
    expect_raw_error(&post(&em, &["face-detect"], "{}"), 400, "FRS.0011");
}

#[test]
fn an_image_over_8_mib_is_frs_0017() {
    let em = start();
    // Base64 text longer than 8 MiB.
    let mut text = b64(&TestImage::person("alice").png());
    text.push_str(&"A".repeat(8 * 1024 * 1024 + 4 - text.len()));
    let body = json!({ "image_base64": text }).to_string();
    expect_raw_error(&post(&em, &["face-detect"], &body), 400, "FRS.0017");
    // A file of 8 MiB (the limit is "smaller than 8 MB").
    let mut file = TestImage::person("alice").png();
    file.resize(8 * 1024 * 1024, 0);
    let boundary = "0123456789abcdef0123456789abcdef";
    let mut bytes = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"image_file\"; filename=\"a.png\"\r\n\r\n"
    )
    .into_bytes();
    bytes.extend_from_slice(&file);
    bytes.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let spec = RequestSpec::frs(Method::POST, ApiVersion::V2, vec!["face-detect".into()])
        .body(Body::Multipart { boundary: boundary.to_owned(), bytes: Bytes::from(bytes) });
    let resp = send(signed(&em).prepare_spec(spec, SystemTime::now()).unwrap());
    expect_raw_error(&resp, 400, "FRS.0017");
}

#[test]
fn two_images_of_8_mib_together_are_frs_0017() {
    let em = start();
    // Each image alone is allowed (4.1 MiB), the two together (8.2 MiB) are not; the body
    // (11 MiB of base64) stays under the gateway's 12 MB.
    let mut image = TestImage::person("alice").png();
    image.resize(4200 * 1024, 0);
    let text = b64(&image);
    let body = json!({ "image1_base64": text, "image2_base64": text }).to_string();
    expect_raw_error(&post(&em, &["face-compare"], &body), 400, "FRS.0017");
}

#[test]
fn an_undeclared_custom_field_on_add_is_frs_0012() {
    let em = start();
    staff(&em);
    let fields = ExternalFields::new().with("colour", "red").unwrap();
    let op = AddFaces::new(name("staff"), image_of("alice")).external_fields(fields);
    expect_error(client(&em).execute(&op), 400, "FRS.0012");
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn a_custom_field_of_the_wrong_type_on_add_is_frs_0012() {
    let em = start();
    staff(&em);
    let c = client(&em);
    let wrong = [
        ExternalFields::new().with("floor", "three").unwrap(),
        ExternalFields::new().with("floor", 2.5).unwrap(),
        ExternalFields::new().with("floor", true).unwrap(),
        ExternalFields::new().with("badge", 7).unwrap(),
        ExternalFields::new().with("active", "yes").unwrap(),
    ];
    for fields in wrong {
        let op = AddFaces::new(name("staff"), image_of("alice")).external_fields(fields);
        expect_error(c.execute(&op), 400, "FRS.0012");
    }
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn an_invalid_external_image_id_is_frs_0012() {
    let em = start();
    staff(&em);
    let png = b64(&TestImage::person("alice").png());
    for id in ["bad id", "x".repeat(37).as_str(), "a/b"] {
        let body = json!({ "image_base64": png, "external_image_id": id }).to_string();
        expect_raw_error(&post(&em, &["face-sets", "staff", "faces"], &body), 400, "FRS.0012");
    }
    let body = json!({ "external_image_id": "img-5" }).to_string();
    expect_raw_error(&post(&em, &["face-sets", "staff", "faces"], &body), 400, "FRS.0011");
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn deleting_an_unknown_external_image_id_is_frs_0402_with_the_seed_message() {
    let em = start();
    staff(&em);
    let op = DeleteFaces::by_external_image_id(name("staff"), "nope".parse().unwrap());
    let service = expect_error(client(&em).execute(&op), 400, "FRS.0402");
    assert_eq!(service.message, "External id is not exist, can not delete face");
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn deleting_an_unknown_face_id_is_frs_0403() {
    let em = start();
    staff(&em);
    let op = DeleteFaces::by_face_id(name("staff"), "nope1234".parse().unwrap());
    expect_error(client(&em).execute(&op), 400, "FRS.0403");
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn deleting_by_an_undeclared_field_is_frs_0402() {
    let em = start();
    staff(&em);
    let op = DeleteFaces::by_field(name("staff"), "colour".parse().unwrap(), FieldValue::new("red").unwrap());
    expect_error(client(&em).execute(&op), 400, "FRS.0402");
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn deleting_by_a_value_no_face_has_is_frs_0401() {
    let em = start();
    staff(&em);
    let c = client(&em);
    expect_error(
        c.execute(&DeleteFaces::by_field(name("staff"), "floor".parse().unwrap(), 9.into())),
        400,
        "FRS.0401",
    );
    let op = DeleteFaces::by_field(name("staff"), "badge".parse().unwrap(), FieldValue::new("Z-9").unwrap());
    expect_error(c.execute(&op), 400, "FRS.0401");
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn deleting_by_a_field_deletes_every_matching_face() {
    let em = start();
    let ids = staff(&em);
    let c = client(&em);
    let reply = c.execute(&DeleteFaces::by_field(name("staff"), "floor".parse().unwrap(), 3.into())).unwrap();
    assert_eq!(reply.face_number, Some(2));
    assert_eq!(reply.face_set_name.as_deref(), Some("staff"));
    assert_eq!(em.face_count("staff"), Some(1));
    let left = c.execute(&ShowFaces::page(name("staff"), 0, 10).unwrap()).unwrap().value.faces.unwrap();
    assert_eq!(left.iter().map(|f| f.face_id.clone().unwrap()).collect::<Vec<_>>(), [ids[2].clone()]);
    // A boolean field and the external image id delete every match as well.
    let em = start();
    staff(&em);
    let c = client(&em);
    let reply =
        c.execute(&DeleteFaces::by_field(name("staff"), "active".parse().unwrap(), true.into())).unwrap();
    assert_eq!(reply.face_number, Some(2));
    let reply =
        c.execute(&DeleteFaces::by_external_image_id(name("staff"), "img-1".parse().unwrap())).unwrap();
    assert_eq!(reply.face_number, Some(1));
    assert_eq!(em.face_count("staff"), Some(0));
}

#[test]
fn deleting_by_a_value_of_the_wrong_type_is_frs_0012() {
    let em = start();
    staff(&em);
    let faces = ["face-sets", "staff", "faces"];
    for query in [("floor", "three"), ("floor", "3.5"), ("active", "yes")] {
        let resp = raw(&em, Method::DELETE, ApiVersion::V2, &faces, &[query], None);
        expect_raw_error(&resp, 400, "FRS.0012");
    }
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn showing_or_updating_an_unknown_face_id_is_frs_0403() {
    // FRS.0403 ("face id does not exist") everywhere, as the error table says; the show
    // and update pages' samples show FRS.0303, which the table gives another meaning.
    let em = start();
    staff(&em);
    let c = client(&em);
    expect_error(
        c.execute(&ShowFaces::by_face_id(name("staff"), "nope1234".parse().unwrap())),
        400,
        "FRS.0403",
    );
    let op =
        UpdateFace::new(name("staff"), "nope1234".parse().unwrap()).external_image_id("x".parse().unwrap());
    let service = expect_error(c.execute(&op), 400, "FRS.0403");
    assert_eq!(service.message, "The face id is not exist, checkout your input.");
}

#[test]
fn deleting_by_two_fields_at_once_is_frs_0012() {
    let em = start();
    let ids = staff(&em);
    let query = [("external_image_id", "img-1"), ("face_id", ids[2].as_str())];
    let resp = raw(&em, Method::DELETE, ApiVersion::V2, &["face-sets", "staff", "faces"], &query, None);
    expect_raw_error(&resp, 400, "FRS.0012");
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn deleting_faces_without_a_field_is_frs_0011() {
    let em = start();
    staff(&em);
    let resp = raw(&em, Method::DELETE, ApiVersion::V2, &["face-sets", "staff", "faces"], &[], None);
    expect_raw_error(&resp, 400, "FRS.0011");
    // An empty value is no selector either.
    let query = [("external_image_id", "")];
    let resp = raw(&em, Method::DELETE, ApiVersion::V2, &["face-sets", "staff", "faces"], &query, None);
    expect_raw_error(&resp, 400, "FRS.0011");
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn batch_delete_matching_nothing_is_frs_0407() {
    let em = start();
    staff(&em);
    let op = BatchDeleteFaces::new(name("staff"), Filter::parse("floor:[5 TO 9]").unwrap());
    let service = expect_error(client(&em).execute(&op), 400, "FRS.0407");
    assert_eq!(service.message, "All the data not suitable, no data to be deleted.");
    assert_eq!(em.face_count("staff"), Some(3));
    // A matching filter deletes every match.
    let op = BatchDeleteFaces::new(name("staff"), Filter::parse("floor:3 && active:true").unwrap());
    assert_eq!(client(&em).execute(&op).unwrap().face_number, Some(1));
    assert_eq!(em.face_count("staff"), Some(2));
}

#[test]
fn batch_delete_with_a_bad_filter_is_frs_0012() {
    let em = start();
    staff(&em);
    for filter in ["floor:[1 TO", "floor 3", "&& floor:3", "!floor:3", "(floor:3", "floor:3 &&"] {
        let body = json!({ "filter": filter }).to_string();
        let resp = raw(
            &em,
            Method::DELETE,
            ApiVersion::V2,
            &["face-sets", "staff", "faces", "batch"],
            &[],
            Some(&body),
        );
        expect_raw_error(&resp, 400, "FRS.0012");
    }
    let resp =
        raw(&em, Method::DELETE, ApiVersion::V2, &["face-sets", "staff", "faces", "batch"], &[], Some("{}"));
    expect_raw_error(&resp, 400, "FRS.0011");
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn sorting_by_a_non_numeric_field_is_frs_0032() {
    let em = start();
    staff(&em);
    let c = client(&em);
    for field in ["badge", "active", "colour"] {
        let op = SearchFaces::by_image(name("staff"), image_of("img-1"))
            .sort(Sort::new().asc(field.parse().unwrap()));
        expect_error(c.execute(&op), 400, "FRS.0032");
    }
}

#[test]
fn top_n_or_threshold_out_of_range_is_frs_0012() {
    let em = start();
    staff(&em);
    let png = b64(&TestImage::person("img-1").png());
    for extra in [
        json!({ "top_n": 0 }),
        json!({ "top_n": 1001 }),
        json!({ "top_n": 2.5 }),
        json!({ "threshold": 2 }),
        json!({ "threshold": -0.1 }),
    ] {
        let mut body = json!({ "image_base64": png });
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        expect_raw_error(&post(&em, &["face-sets", "staff", "search"], &body.to_string()), 400, "FRS.0012");
    }
}

fn live_detect(em: &Emulator, body: &Value) -> http::Response<Bytes> {
    raw(em, Method::POST, ApiVersion::V1, &["live-detect"], &[], Some(&body.to_string()))
}

fn mp4() -> String {
    b64(&TestVideo::person("bob").mp4())
}

#[test]
fn live_detect_with_an_unsupported_action_is_frs_0702() {
    let em = start();
    for actions in ["9", "1,9", "0", "x"] {
        let resp = live_detect(&em, &json!({ "video_base64": mp4(), "actions": actions }));
        expect_raw_error(&resp, 400, "FRS.0702");
    }
}

#[test]
fn live_detect_with_eleven_actions_is_frs_0704() {
    let em = start();
    let resp = live_detect(&em, &json!({ "video_base64": mp4(), "actions": "1,2,3,4,5,1,2,3,4,5,1" }));
    let body = expect_raw_error(&resp, 400, "FRS.0704");
    assert_eq!(body["error_msg"], "The number of action exceed 10.");
    // Ten are fine.
    let resp = live_detect(&em, &json!({ "video_base64": mp4(), "actions": "1,2,3,4,5,1,2,3,4,5" }));
    assert_eq!(resp.status(), 200, "{}", json_of(&resp));
}

#[test]
fn live_detect_with_mismatched_action_time_is_frs_0703() {
    let em = start();
    for action_time in ["1000-3000", "1000-3000,4000-7000,8000-9000", "3000-1000,4000-7000", "a-b,c-d"] {
        let body = json!({ "video_base64": mp4(), "actions": "1,3", "action_time": action_time });
        expect_raw_error(&live_detect(&em, &body), 400, "FRS.0703");
    }
    let body = json!({ "video_base64": mp4(), "actions": "1,3", "action_time": "1000-3000,4000-7000" });
    assert_eq!(live_detect(&em, &body).status(), 200);
}

#[test]
fn live_detect_with_a_20_second_video_is_frs_0706() {
    let em = start();
    let video = Video::base64_from_bytes(TestVideo::person("bob").duration_ms(20_000).mp4()).unwrap();
    expect_error(client(&em).execute(&DetectLive::new(video, &[Action::Nod]).unwrap()), 400, "FRS.0706");
}

#[test]
fn live_detect_with_bytes_that_are_no_video_is_frs_0701() {
    let em = start();
    let body = json!({ "video_base64": b64(b"hello, this is not a video"), "actions": "1" });
    let body = expect_raw_error(&live_detect(&em, &body), 400, "FRS.0701");
    assert_eq!(body["error_msg"], "Parse video data failed.");
}

#[test]
fn live_detect_with_nod_threshold_out_of_range_is_frs_0012() {
    let em = start();
    for nod_threshold in [0.5, 90.5] {
        let body = json!({ "video_base64": mp4(), "actions": "3", "nod_threshold": nod_threshold });
        expect_raw_error(&live_detect(&em, &body), 400, "FRS.0012");
    }
    let body = json!({ "video_base64": mp4(), "actions": "3", "nod_threshold": 12.5 });
    assert_eq!(live_detect(&em, &body).status(), 200);
}

#[test]
fn show_faces_beyond_offset_plus_limit_10000_is_frs_0012() {
    let em = start();
    staff(&em);
    let faces = ["face-sets", "staff", "faces"];
    for query in [
        [("offset", "9999"), ("limit", "2")],
        [("offset", "0"), ("limit", "10001")],
        [("offset", "0"), ("limit", "0")],
        [("offset", "-1"), ("limit", "5")],
    ] {
        let resp = raw(&em, Method::GET, ApiVersion::V2, &faces, &query, None);
        expect_raw_error(&resp, 400, "FRS.0012");
    }
    let resp = raw(&em, Method::GET, ApiVersion::V2, &faces, &[("offset", "9999"), ("limit", "1")], None);
    assert_eq!(resp.status(), 200);
    assert_eq!(json_of(&resp)["faces"], json!([]));
}

// ---------------------------------------------------------------------------------------
// 2. The face engine's answers
// ---------------------------------------------------------------------------------------

/// Adds one face of `person` (picture `variant`) under the external image id `id`.
fn add(c: &Client, set: &str, person: &str, variant: u64, id: &str) -> String {
    let op = AddFaces::new(name(set), image(&TestImage::person(person).variant(variant)))
        .external_image_id(id.parse().unwrap());
    let faces = c.execute(&op).unwrap().value.faces.unwrap();
    assert_eq!(faces.len(), 1);
    faces[0].face_id.clone().unwrap()
}

#[test]
fn add_faces_adds_every_face_or_only_the_largest_with_single() {
    let em = start();
    em.seed_face_set("people", &[("floor", FieldType::Integer)]);
    let c = client(&em);
    let group = || Image::from_bytes("group.png", TestImage::person("hal").faces(3).png()).unwrap();
    let fields = ExternalFields::new().with("floor", 2).unwrap();
    let op = AddFaces::new(name("people"), group())
        .external_image_id("party".parse().unwrap())
        .external_fields(fields);
    let reply = c.execute(&op).unwrap();
    assert_eq!(reply.face_set_name.as_deref(), Some("people"));
    let faces = reply.value.faces.unwrap();
    assert_eq!(faces.len(), 3);
    for face in &faces {
        assert_eq!(face.external_image_id.as_deref(), Some("party"));
        assert_eq!(face.external_fields, json!({ "floor": 2 }).as_object().cloned());
        assert!(face.bounding_box.is_some() && face.face_id.is_some());
    }
    let single = c.execute(&AddFaces::new(name("people"), group()).single(true)).unwrap();
    let faces = single.value.faces.unwrap();
    assert_eq!(faces.len(), 1);
    assert!(faces[0].external_image_id.as_deref().is_some_and(|id| !id.is_empty()), "an id is generated");
    assert_eq!(em.face_count("people"), Some(4));
}

#[test]
fn search_ranks_the_same_person_first() {
    let em = start();
    em.seed_face_set("people", &[]);
    let c = client(&em);
    add(&c, "people", "bob", 1, "bob");
    let alice = add(&c, "people", "alice", 1, "alice");
    add(&c, "people", "carol", 1, "carol");

    let found = hits(
        c.execute(&SearchFaces::by_image(name("people"), image(&TestImage::person("alice").variant(2))))
            .unwrap(),
    );
    assert_eq!(found.len(), 3);
    assert_eq!(found[0].external_image_id.as_deref(), Some("alice"));
    assert_eq!(found[0].face_id.as_deref(), Some(alice.as_str()));
    assert!((0.93..1.0).contains(&similarity(&found[0])), "{found:?}");
    assert!(found[1..].iter().all(|h| similarity(h) < 0.93), "{found:?}");
    assert!(found.windows(2).all(|w| similarity(&w[0]) >= similarity(&w[1])), "{found:?}");
    assert!(found.iter().all(|h| h.bounding_box.is_some()));

    // The very same picture scores 1.0; a stored face can be the query.
    let found = hits(
        c.execute(&SearchFaces::by_image(name("people"), image(&TestImage::person("alice").variant(1))))
            .unwrap(),
    );
    assert_eq!(similarity(&found[0]), 1.0);
    let found = hits(c.execute(&SearchFaces::by_face_id(name("people"), alice.parse().unwrap())).unwrap());
    assert_eq!((found[0].face_id.as_deref(), similarity(&found[0])), (Some(alice.as_str()), 1.0));
    // A face id that is not in the set.
    let op = SearchFaces::by_face_id(name("people"), "nope1234".parse().unwrap());
    expect_error(c.execute(&op), 400, "FRS.0403");
}

#[test]
fn search_respects_threshold_and_top_n() {
    let em = start();
    em.seed_face_set("people", &[]);
    let c = client(&em);
    for variant in 1..=4 {
        add(&c, "people", "alice", variant, &format!("alice-{variant}"));
    }
    for other in ["bob", "carol", "dave", "erin"] {
        add(&c, "people", other, 1, other);
    }
    let query = || SearchFaces::by_image(name("people"), image(&TestImage::person("alice").variant(9)));
    let is_alice = |h: &SearchFace| h.external_image_id.as_deref().is_some_and(|id| id.starts_with("alice-"));

    let found = hits(c.execute(&query()).unwrap());
    assert_eq!(found.len(), 8, "the default top_n is 10");
    let found = hits(c.execute(&query().top_n(2).unwrap()).unwrap());
    assert_eq!(found.len(), 2);
    assert!(found.iter().all(is_alice), "{found:?}");
    let found = hits(c.execute(&query().threshold(0.93).unwrap()).unwrap());
    assert_eq!(found.len(), 4, "{found:?}");
    assert!(found.iter().all(|h| is_alice(h) && similarity(h) >= 0.93), "{found:?}");
    let found = hits(c.execute(&query().threshold(0.93).unwrap().top_n(3).unwrap()).unwrap());
    assert_eq!(found.len(), 3);
    let found = hits(c.execute(&query().threshold(1.0).unwrap()).unwrap());
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn search_applies_filter_and_return_fields() {
    let em = start();
    let ids = staff(&em);
    let c = client(&em);
    let query = || SearchFaces::by_image(name("staff"), image_of("img-1"));

    let found = hits(c.execute(&query().filter(Filter::parse("floor:4").unwrap())).unwrap());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].face_id.as_deref(), Some(ids[2].as_str()));
    assert_eq!(
        found[0].external_fields,
        json!({ "floor": 4, "badge": "B-1", "active": true }).as_object().cloned()
    );

    let filter = Filter::parse("external_image_id:img-1 && (!active:false)").unwrap();
    let fields = ReturnFields(vec!["badge".parse().unwrap()]);
    let found = hits(c.execute(&query().filter(filter).return_fields(fields)).unwrap());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].face_id.as_deref(), Some(ids[0].as_str()));
    assert_eq!(found[0].external_fields, json!({ "badge": "A-1" }).as_object().cloned());

    // `&&` binds tighter than `||` (docs/emulator.md).
    let filter = Filter::parse("floor:4 || floor:3 && active:false").unwrap();
    let mut found: Vec<String> =
        hits(c.execute(&query().filter(filter)).unwrap()).into_iter().map(|h| h.face_id.unwrap()).collect();
    found.sort();
    let mut expected = vec![ids[1].clone(), ids[2].clone()];
    expected.sort();
    assert_eq!(found, expected);
    // A field outside the schema, in return_fields or in the filter.
    let op = query().return_fields(ReturnFields(vec!["colour".parse().unwrap()]));
    expect_error(c.execute(&op), 400, "FRS.0012");
    expect_error(c.execute(&query().filter(Filter::parse("colour:red").unwrap())), 400, "FRS.0012");
}

/// The `floor` of each hit of a search of `staff` for `img-1`, sorted by `sort`.
fn floors(em: &Emulator, sort: Sort) -> Vec<Option<i64>> {
    let op = SearchFaces::by_image(name("staff"), image_of("img-1")).sort(sort);
    let found = hits(client(em).execute(&op).unwrap());
    found.iter().map(|h| h.external_fields.as_ref().unwrap().get("floor").and_then(Value::as_i64)).collect()
}

#[test]
fn search_sorts_by_numeric_fields() {
    let em = start();
    staff(&em);
    em.seed_face("staff", SeededFace::new("img-3").field("floor", 1).field("badge", "C-1")).unwrap();
    // img-1's faces are the most similar, yet the sort decides the order.
    assert_eq!(floors(&em, Sort::new().desc("floor".parse().unwrap())), [Some(4), Some(3), Some(3), Some(1)]);
    assert_eq!(floors(&em, Sort::new().asc("floor".parse().unwrap())), [Some(1), Some(3), Some(3), Some(4)]);
    // Every key must be numeric.
    let sort = Sort::new().asc("floor".parse().unwrap()).desc("active".parse().unwrap());
    let op = SearchFaces::by_image(name("staff"), image_of("img-1")).sort(sort);
    expect_error(client(&em).execute(&op), 400, "FRS.0032");
}

#[test]
fn search_sorted_ascending_puts_faces_without_the_field_last() {
    let em = start();
    staff(&em);
    em.seed_face("staff", SeededFace::new("img-1").field("badge", "N-1")).unwrap();
    assert_eq!(floors(&em, Sort::new().asc("floor".parse().unwrap())), [Some(3), Some(3), Some(4), None]);
}

#[test]
fn search_sorted_descending_puts_faces_without_the_field_last() {
    let em = start();
    staff(&em);
    em.seed_face("staff", SeededFace::new("img-1").field("badge", "N-1")).unwrap();
    assert_eq!(floors(&em, Sort::new().desc("floor".parse().unwrap())), [Some(4), Some(3), Some(3), None]);
}

#[test]
fn search_by_file_reads_every_parameter_from_multipart_parts() {
    let em = start();
    staff(&em);
    em.seed_face("staff", SeededFace::new("img-1").field("floor", 5).field("badge", "A-3")).unwrap();
    em.seed_face("staff", SeededFace::new("img-1").field("floor", 1).field("badge", "A-4")).unwrap();
    let file = Image::from_bytes("q.png", TestImage::person("img-1").png()).unwrap();
    // The threshold keeps img-1's four faces, the filter three of them, top_n all three.
    let op = SearchFaces::by_image(name("staff"), file)
        .top_n(3)
        .unwrap()
        .threshold(0.93)
        .unwrap()
        .filter(Filter::parse("floor:[3 TO 9]").unwrap())
        .sort(Sort::new().desc("floor".parse().unwrap()))
        .return_fields(ReturnFields(vec!["floor".parse().unwrap()]));
    let found = hits(client(&em).execute(&op).unwrap());
    let seen = em.requests().pop().unwrap();
    assert!(seen.header("content-type").is_some_and(|ct| ct.starts_with("multipart/form-data")), "{seen:?}");
    let floors: Vec<&Value> = found.iter().map(|h| &h.external_fields.as_ref().unwrap()["floor"]).collect();
    assert_eq!(floors, [&json!(5), &json!(3), &json!(3)]);
    assert!(found.iter().all(|h| h.external_fields.as_ref().unwrap().len() == 1));
    assert!(found.iter().all(|h| h.external_image_id.as_deref() == Some("img-1") && similarity(h) >= 0.93));
}

#[test]
fn compare_scores_the_same_person_at_least_0_93_and_others_below() {
    let em = start();
    let c = client(&em);
    let alice1 = || image(&TestImage::person("alice").variant(1));
    let same = c
        .execute(&CompareFaces::new(alice1(), image(&TestImage::person("alice").variant(2))).unwrap())
        .unwrap();
    let s = same.similarity.unwrap();
    assert!((0.93..1.0).contains(&s), "{s}");
    assert!(same.image1_face.as_ref().and_then(|f| f.bounding_box).is_some());
    assert!(same.image2_face.as_ref().and_then(|f| f.bounding_box).is_some());
    let identical = c.execute(&CompareFaces::new(alice1(), alice1()).unwrap()).unwrap();
    assert_eq!(identical.similarity, Some(1.0));
    let other = c.execute(&CompareFaces::new(alice1(), image_of("bob")).unwrap()).unwrap();
    assert!(other.similarity.unwrap() < 0.93, "{other:?}");
    // As files (multipart), too.
    let file = |person: &str| Image::from_bytes("face.png", TestImage::person(person).png()).unwrap();
    let files = c.execute(&CompareFaces::new(file("carol"), file("carol")).unwrap()).unwrap();
    assert_eq!(files.similarity, Some(1.0));
}

#[test]
fn detect_returns_one_face_per_declared_face_with_exactly_the_requested_attributes() {
    let em = start();
    let c = client(&em);
    let group =
        Image::from_bytes("group.png", TestImage::person("dora").faces(3).size(1024, 768).png()).unwrap();
    let op = DetectFaces::new(group).attributes(&[Attribute::Gender, Attribute::Age]);
    let faces = c.execute(&op).unwrap().value.faces.unwrap();
    assert_eq!(faces.len(), 3);
    let areas: Vec<i64> = faces.iter().map(|f| f.bounding_box.map(|b| b.width * b.height).unwrap()).collect();
    assert!(areas.windows(2).all(|w| w[0] >= w[1]), "largest first: {areas:?}");
    for face in &faces {
        let a = face.attributes.clone().unwrap();
        assert!(a.gender.is_some() && a.age.is_some(), "{a:?}");
        let rest = frs_types::models::detection::Attributes { gender: None, age: None, ..a };
        assert_eq!(rest, frs_types::models::detection::Attributes::default(), "only gender and age");
    }
    // Declared attributes arrive as declared.
    let declared = image(&TestImage::person("erin").declare("age", "33").declare("mask", "yes"));
    let op = DetectFaces::new(declared).attributes(&[Attribute::Age, Attribute::Mask, Attribute::Dress]);
    let faces = c.execute(&op).unwrap().value.faces.unwrap();
    let a = faces[0].attributes.clone().unwrap();
    assert_eq!((a.age, a.mask.as_deref(), a.gender.as_deref()), (Some(33), Some("yes"), None));
    assert!(a.dress.is_some() && a.glass.is_some() && a.hat.is_some(), "{a:?}");
    // No attributes asked: none returned.
    let faces = c.execute(&DetectFaces::new(image_of("erin"))).unwrap().value.faces.unwrap();
    assert_eq!(faces.len(), 1);
    assert!(faces[0].attributes.is_none());
}

#[test]
fn silent_liveness_answers_as_declared() {
    let em = start();
    let c = client(&em);
    let live = c.execute(&DetectLiveFace::new(image(&TestImage::person("fay").live(true)))).unwrap();
    let result = live.value.result.clone().unwrap();
    assert_eq!(result.alive, Some(true));
    assert!(result.confidence.unwrap() >= 0.9);
    assert!(result.picture.is_some());
    assert_eq!(live.value.warning_list, Some(Vec::new()));
    let spoof = c.execute(&DetectLiveFace::new(image(&TestImage::person("fay").live(false)))).unwrap();
    let result = spoof.value.result.unwrap();
    assert_eq!(result.alive, Some(false));
    assert!(result.confidence.unwrap() <= 0.3);
}

#[test]
fn silent_liveness_of_a_group_photo_judges_the_largest_face_with_warning_106() {
    let em = start();
    let group = image(&TestImage::person("fay").faces(2).live(false));
    let reply = client(&em).execute(&DetectLiveFace::new(group)).unwrap();
    assert_eq!(reply.value.result.as_ref().unwrap().alive, Some(false));
    let warnings = reply.value.warning_list.unwrap();
    assert_eq!(warnings.iter().map(|w| w.code).collect::<Vec<_>>(), [Some(106)]);
}

#[test]
fn action_liveness_answers_as_declared() {
    let em = start();
    let c = client(&em);
    let run = |video: TestVideo, actions: &[Action]| {
        let video = Video::base64_from_bytes(video.mp4()).unwrap();
        c.execute(&DetectLive::new(video, actions).unwrap()).unwrap().value.video_result.unwrap()
    };
    let alive = run(TestVideo::person("gus").alive(true), &[Action::ShakeLeft, Action::Nod]);
    assert_eq!(alive.alive, Some(true));
    let actions = alive.actions.unwrap();
    assert_eq!(actions.iter().map(|a| a.action.unwrap()).collect::<Vec<_>>(), [1, 3]);
    assert!(actions.iter().all(|a| a.confidence.unwrap() >= 0.9));
    assert_eq!(run(TestVideo::person("gus").alive(false), &[Action::Nod]).alive, Some(false));
    assert_eq!(
        run(TestVideo::person("gus").actions(&[1]), &[Action::ShakeLeft, Action::Nod]).alive,
        Some(false)
    );
    // The international path, /v2/{project_id}/live-detect.
    let video = Video::base64_from_bytes(TestVideo::person("gus").mp4()).unwrap();
    let intl = c.execute(&DetectLive::new(video, &[Action::Mouth]).unwrap().intl()).unwrap();
    assert_eq!(intl.value.video_result.unwrap().alive, Some(true));
    assert!(em.requests().last().unwrap().target.starts_with("/v2/"));
}

#[test]
fn update_face_merges_custom_fields() {
    let em = start();
    let ids = staff(&em);
    let c = client(&em);
    let face_id = || ids[0].parse().unwrap();
    let op = UpdateFace::new(name("staff"), face_id())
        .external_fields(ExternalFields::new().with("floor", 5).unwrap());
    let reply = c.execute(&op).unwrap();
    assert_eq!((reply.face_number, reply.face_set_name.as_deref()), (Some(1), Some("staff")));
    let show = || {
        c.execute(&ShowFaces::by_face_id(name("staff"), face_id())).unwrap().value.faces.unwrap().remove(0)
    };
    let face = show();
    assert_eq!(
        face.external_fields,
        json!({ "floor": 5, "badge": "A-1", "active": true }).as_object().cloned()
    );
    assert_eq!(face.external_image_id.as_deref(), Some("img-1"));
    c.execute(&UpdateFace::new(name("staff"), face_id()).external_image_id("img-9".parse().unwrap()))
        .unwrap();
    let face = show();
    assert_eq!(face.external_image_id.as_deref(), Some("img-9"));
    assert_eq!(face.external_fields.unwrap()["floor"], 5);
    // The other faces are untouched.
    let other = c.execute(&ShowFaces::by_face_id(name("staff"), ids[1].parse().unwrap())).unwrap();
    assert_eq!(other.value.faces.unwrap()[0].external_fields.as_ref().unwrap()["floor"], 3);
    // Values are checked against the schema.
    let op = UpdateFace::new(name("staff"), face_id())
        .external_fields(ExternalFields::new().with("floor", "x").unwrap());
    expect_error(c.execute(&op), 400, "FRS.0012");
}

#[test]
fn show_faces_pages_through_the_set_in_order() {
    let em = start();
    em.seed_face_set("many", &[]);
    for i in 0..12 {
        em.seed_face("many", SeededFace::new(&format!("img-{i:02}"))).unwrap();
    }
    let c = client(&em);
    let page = |offset, limit| -> Vec<String> {
        let reply = c.execute(&ShowFaces::page(name("many"), offset, limit).unwrap()).unwrap();
        reply.value.faces.unwrap().into_iter().map(|f| f.external_image_id.unwrap()).collect()
    };
    let ids = |range: std::ops::Range<u32>| range.map(|i| format!("img-{i:02}")).collect::<Vec<_>>();
    assert_eq!(page(0, 5), ids(0..5));
    assert_eq!(page(5, 5), ids(5..10));
    assert_eq!(page(10, 5), ids(10..12));
    assert!(page(12, 5).is_empty());
    // The default page: offset 0, limit 5.
    let resp = raw(&em, Method::GET, ApiVersion::V2, &["face-sets", "many", "faces"], &[], None);
    assert_eq!(json_of(&resp)["faces"].as_array().map(Vec::len), Some(5));
    let all: Vec<String> =
        c.faces(name("many"), 4).unwrap().map(|f| f.unwrap().external_image_id.unwrap()).collect();
    assert_eq!(all, ids(0..12));
}

// ---------------------------------------------------------------------------------------
// 3. Gateway authentication
// ---------------------------------------------------------------------------------------

#[test]
fn a_configured_token_is_accepted() {
    let em = start();
    let reply = client_as(&em, Credentials::token(TOKEN)).execute(&ShowAllFaceSets).unwrap();
    assert_eq!(reply.value.face_sets_info, Some(Vec::new()));
    assert_eq!(reply.request_id.as_ref().map(String::len), Some(32));
}

#[test]
fn an_unknown_token_is_apigw_0301() {
    let em = start();
    expect_refused(client_as(&em, Credentials::token("not-a-token")).execute(&ShowAllFaceSets));
}

#[test]
fn a_correct_signature_is_accepted() {
    let em = start();
    staff(&em);
    let reply = client(&em).execute(&ShowFaceSet::new(name("staff"))).unwrap();
    assert_eq!(reply.value.face_set_info.unwrap().face_number, Some(3));
    // A signed POST with a JSON body, and a signed multipart body.
    client(&em).execute(&CreateFaceSet::new(name("other"))).unwrap();
    let file = Image::from_bytes("a.png", TestImage::person("alice").png()).unwrap();
    client(&em).execute(&AddFaces::new(name("other"), file)).unwrap();
    assert_eq!(em.face_count("other"), Some(1));
}

#[test]
fn a_wrong_secret_key_is_apigw_0301() {
    let em = start();
    expect_refused(
        client_as(&em, Credentials::access_key(AK, "not-the-secret-key")).execute(&ShowAllFaceSets),
    );
}

#[test]
fn an_unknown_access_key_is_apigw_0301() {
    let em = start();
    expect_refused(
        client_as(&em, Credentials::access_key("UNKNOWNAK00000000000", SK)).execute(&ShowAllFaceSets),
    );
}

#[test]
fn a_stale_sdk_date_is_apigw_0301() {
    let em = start();
    let twenty = Duration::from_secs(20 * 60);
    for when in [SystemTime::now() - twenty, SystemTime::now() + twenty] {
        expect_raw_refused(&send(signed(&em).prepare(&ShowAllFaceSets, when).unwrap()));
    }
}

#[test]
fn a_malformed_sdk_date_is_apigw_0301() {
    let em = start();
    let mut request = signed(&em).prepare(&ShowAllFaceSets, SystemTime::now()).unwrap();
    request.headers_mut().insert("x-sdk-date", http::HeaderValue::from_static("yesterday"));
    expect_raw_refused(&send(request));
}

#[test]
fn the_allowed_skew_and_the_clock_offset_are_configurable() {
    let minutes = |m: u64| Duration::from_secs(m * 60);
    let em =
        Emulator::start(EmulatorConfig { max_clock_skew: minutes(1), ..EmulatorConfig::default() }).unwrap();
    assert_eq!(send(signed(&em).prepare(&ShowAllFaceSets, SystemTime::now()).unwrap()).status(), 200);
    expect_raw_refused(&send(signed(&em).prepare(&ShowAllFaceSets, SystemTime::now() - minutes(2)).unwrap()));
    // The emulator's clock runs 30 minutes ahead: a fresh signature is stale, one dated
    // 30 minutes ahead is fresh.
    let em =
        Emulator::start(EmulatorConfig { clock_offset_secs: 30 * 60, ..EmulatorConfig::default() }).unwrap();
    expect_raw_refused(&send(signed(&em).prepare(&ShowAllFaceSets, SystemTime::now()).unwrap()));
    assert_eq!(
        send(signed(&em).prepare(&ShowAllFaceSets, SystemTime::now() + minutes(30)).unwrap()).status(),
        200
    );
}

#[test]
fn a_date_ten_minutes_off_is_accepted() {
    let em = start();
    let ten = Duration::from_secs(10 * 60);
    for when in [SystemTime::now() - ten, SystemTime::now() + ten] {
        let resp = send(signed(&em).prepare(&ShowAllFaceSets, when).unwrap());
        assert_eq!(resp.status(), 200, "{}", json_of(&resp));
    }
}

#[test]
fn a_query_altered_after_signing_is_apigw_0301() {
    let em = start();
    staff(&em);
    let op = DeleteFaces::by_external_image_id(name("staff"), "img-1".parse().unwrap());
    let mut request = signed(&em).prepare(&op, SystemTime::now()).unwrap();
    let altered = request.uri().to_string().replace("external_image_id=img-1", "external_image_id=img-2");
    assert_ne!(altered, request.uri().to_string());
    *request.uri_mut() = altered.parse().unwrap();
    expect_raw_refused(&send(request));
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn a_body_altered_after_signing_is_apigw_0301() {
    let em = start();
    let mut request = signed(&em).prepare(&CreateFaceSet::new(name("signed")), SystemTime::now()).unwrap();
    let body = String::from_utf8(request.body().to_vec()).unwrap();
    let altered = body.replace("signed", "signee");
    assert_ne!(altered, body);
    *request.body_mut() = Bytes::from(altered);
    expect_raw_refused(&send(request));
    assert_eq!(admin_get(&em, "/health")["face_sets"], 0);
}

#[test]
fn a_signed_header_removed_after_signing_is_apigw_0301() {
    let em = start();
    let mut request = signed(&em).prepare(&ShowAllFaceSets, SystemTime::now()).unwrap();
    let authorization = request.headers()["authorization"].to_str().unwrap().to_owned();
    assert!(authorization.contains("x-project-id"), "{authorization}");
    request.headers_mut().remove("x-project-id");
    expect_raw_refused(&send(request));
}

#[test]
fn a_request_without_credentials_is_apigw_0301() {
    let em = start();
    let mut request =
        config_as(&em, Credentials::token(TOKEN)).prepare(&ShowAllFaceSets, SystemTime::now()).unwrap();
    request.headers_mut().remove("x-auth-token");
    expect_raw_refused(&send(request));
    let mut request = signed(&em).prepare(&ShowAllFaceSets, SystemTime::now()).unwrap();
    request.headers_mut().remove("authorization");
    expect_raw_refused(&send(request));
}

#[test]
fn a_project_id_other_than_the_credentials_is_frs_0028() {
    let em = start();
    let other = "ffffffffffffffffffffffffffffffff";
    for credentials in [Credentials::token(TOKEN), Credentials::access_key(AK, SK)] {
        let config =
            Config::new(endpoint(&em), other.parse().unwrap(), credentials).with_retry(RetryPolicy::none());
        let c = Client::with_transport(config, UreqTransport::default());
        expect_error(c.execute(&ShowAllFaceSets), 403, "FRS.0028");
    }
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

#[test]
fn temporary_credentials_need_their_security_token() {
    let em = with_temporary_pair();
    let reply =
        client_as(&em, Credentials::temporary("TEMPAK", "temp-sk", "sts-token")).execute(&ShowAllFaceSets);
    assert!(reply.is_ok(), "{reply:?}");
    expect_refused(client_as(&em, Credentials::access_key("TEMPAK", "temp-sk")).execute(&ShowAllFaceSets));
    expect_refused(
        client_as(&em, Credentials::temporary("TEMPAK", "temp-sk", "other-token")).execute(&ShowAllFaceSets),
    );
    // The token must be signed: added after signing, it does not count.
    let config = config_as(&em, Credentials::access_key("TEMPAK", "temp-sk"));
    let mut request = config.prepare(&ShowAllFaceSets, SystemTime::now()).unwrap();
    request.headers_mut().insert("x-security-token", http::HeaderValue::from_static("sts-token"));
    expect_raw_refused(&send(request));
}

#[test]
fn no_auth_accepts_any_request() {
    let em = Emulator::start(EmulatorConfig { no_auth: true, ..EmulatorConfig::default() }).unwrap();
    let bare = http::Request::builder()
        .uri(format!("{}/v2/{PID}/face-sets", em.endpoint()))
        .body(Bytes::new())
        .unwrap();
    let resp = send(bare);
    assert_eq!((resp.status().as_u16(), json_of(&resp)), (200, json!({ "face_sets_info": [] })));
    for credentials in [Credentials::token("anything"), Credentials::access_key("ANYAK", "any-secret")] {
        let reply = client_as(&em, credentials).execute(&ShowAllFaceSets);
        assert!(reply.is_ok(), "{reply:?}");
    }
    let stale = signed(&em).prepare(&ShowAllFaceSets, SystemTime::now() - Duration::from_secs(3600)).unwrap();
    assert_eq!(send(stale).status(), 200);
}

#[test]
fn a_body_over_the_gateway_limit_is_apigw_0201_with_413() {
    let em = Emulator::start(EmulatorConfig { max_body_bytes: 1024, ..EmulatorConfig::default() }).unwrap();
    let body = json!({ "face_set_name": "big", "padding": "x".repeat(2000) }).to_string();
    let resp = post(&em, &["face-sets"], &body);
    let body = expect_raw_error(&resp, 413, "APIGW.0201");
    assert_request_id_in_body(&body);
    assert_eq!(admin_get(&em, "/health")["face_sets"], 0);
}

#[test]
fn every_answer_carries_a_request_id() {
    let em = start();
    let rid = |resp: &http::Response<Bytes>| -> String {
        let id =
            resp.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        assert_eq!(id.len(), 32, "{:?}", resp.headers());
        id
    };
    let ok = send(signed(&em).prepare(&ShowAllFaceSets, SystemTime::now()).unwrap());
    let service_error =
        send(signed(&em).prepare(&ShowFaceSet::new(name("ghost")), SystemTime::now()).unwrap());
    let refused =
        send(config_as(&em, Credentials::token("x")).prepare(&ShowAllFaceSets, SystemTime::now()).unwrap());
    let ids = [rid(&ok), rid(&service_error), rid(&refused)];
    assert!(ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2], "{ids:?}");
}

#[test]
fn an_unknown_api_is_apigw_0101() {
    let em = start();
    let resp = raw(&em, Method::GET, ApiVersion::V2, &["nothing-here"], &[], None);
    let body = expect_raw_error(&resp, 404, "APIGW.0101");
    assert_request_id_in_body(&body);
    // A known path with a method it does not serve.
    let resp = raw(&em, Method::PATCH, ApiVersion::V2, &["face-sets"], &[], Some("{}"));
    expect_raw_error(&resp, 404, "APIGW.0101");
}

fn with_user() -> Emulator {
    let mut config = EmulatorConfig::default();
    config.users.push(IamUser {
        name: "alice".into(),
        password: "alice-password".into(),
        domain: "acme".into(),
    });
    Emulator::start(config).unwrap()
}

fn password_config(em: &Emulator, password: &str) -> Config {
    let credentials = PasswordCredentials::for_region("alice", password, "acme", &Region::CN_NORTH_4);
    config_as(em, Credentials::password(credentials)).with_iam_endpoint(endpoint(em))
}

#[test]
fn iam_password_flow_gets_a_token_and_uses_it() {
    let em = with_user();
    em.seed_face_set("staff", &[]);
    let c = Client::with_transport(password_config(&em, "alice-password"), UreqTransport::default());
    let reply = c.execute(&ShowFaceSet::new(name("staff"))).unwrap();
    assert_eq!(reply.value.face_set_info.unwrap().face_set_name.as_deref(), Some("staff"));
    c.execute(&ShowAllFaceSets).unwrap();
    let log = em.requests();
    let targets: Vec<&str> = log.iter().map(|r| r.target.as_str()).collect();
    let (one, all) = (format!("/v2/{PID}/face-sets/staff"), format!("/v2/{PID}/face-sets"));
    assert_eq!(targets, ["/v3/auth/tokens", one.as_str(), all.as_str()]);
    assert!(
        log[1..]
            .iter()
            .all(|r| r.header("x-auth-token") == Some("***") && r.header("authorization").is_none())
    );
}

#[test]
fn iam_issues_a_201_token_usable_as_x_auth_token() {
    let em = with_user();
    let config = password_config(&em, "alice-password");
    let issue = IssueUserToken::new(PasswordCredentials::for_region(
        "alice",
        "alice-password",
        "acme",
        &Region::CN_NORTH_4,
    ));
    let resp = send(config.prepare(&issue, SystemTime::now()).unwrap());
    assert_eq!(resp.status(), 201);
    let token = resp.headers()["x-subject-token"].to_str().unwrap().to_owned();
    let body = json_of(&resp);
    assert_eq!(body["token"]["project"]["id"], PID);
    assert!(body["token"]["expires_at"].as_str().is_some_and(|t| t.ends_with('Z')), "{body}");
    let reply = client_as(&em, Credentials::token(token)).execute(&ShowAllFaceSets);
    assert!(reply.is_ok(), "{reply:?}");
    // Through the SDK's own parser.
    let c = Client::with_transport(config, UreqTransport::default());
    let issued = c.execute(&issue).unwrap();
    assert_eq!(issued.status.as_u16(), 201);
    assert!(issued.value.expires_at.is_some());
    let reply = client_as(&em, Credentials::token(issued.value.token.expose())).execute(&ShowAllFaceSets);
    assert!(reply.is_ok(), "{reply:?}");
}

#[test]
fn iam_refuses_a_wrong_password_with_401() {
    let em = with_user();
    let config = password_config(&em, "wrong-password");
    let c = Client::with_transport(config.clone(), UreqTransport::default());
    let err = c.execute(&ShowAllFaceSets).unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401), "{err:?}");
    assert_eq!(err.service().map(|s| s.raw_code.as_str()), Some("401"), "{err:?}");
    // Nothing but the token request reached the emulator.
    assert_eq!(em.requests().len(), 1);
    let issue = IssueUserToken::new(PasswordCredentials::for_region(
        "alice",
        "wrong-password",
        "acme",
        &Region::CN_NORTH_4,
    ));
    assert_eq!(send(config.prepare(&issue, SystemTime::now()).unwrap()).status(), 401);
    let issue = IssueUserToken::new(PasswordCredentials::for_region(
        "alice",
        "alice-password",
        "other",
        &Region::CN_NORTH_4,
    ));
    assert_eq!(send(config.prepare(&issue, SystemTime::now()).unwrap()).status(), 401);
}

#[test]
fn iam_lists_the_project_of_the_region_only() {
    let em = start();
    let config = signed(&em).with_iam_endpoint(endpoint(&em));
    let c = Client::with_transport(config, UreqTransport::default());
    let reply = c.execute(&ListProjects::for_region(&Region::CN_NORTH_4)).unwrap();
    let projects = reply.value.projects.clone().unwrap();
    assert_eq!(projects.len(), 1);
    assert_eq!(projects[0].name.as_deref(), Some("cn-north-4"));
    assert_eq!(discovered_project_id(&Region::CN_NORTH_4, &reply.value).unwrap().as_str(), PID);
    let seen = em.requests().pop().unwrap();
    assert_eq!(seen.target, "/v3/projects?name=cn-north-4");
    let reply = c.execute(&ListProjects::for_region(&Region::CN_EAST_3)).unwrap();
    assert_eq!(reply.value.projects, Some(Vec::new()));
    assert!(matches!(
        discovered_project_id(&Region::CN_EAST_3, &reply.value),
        Err(DiscoveryError::NoProject(_))
    ));
    // The listing needs credentials like any other call.
    let c = Client::with_transport(
        config_as(&em, Credentials::token("not-a-token")).with_iam_endpoint(endpoint(&em)),
        UreqTransport::default(),
    );
    expect_refused(c.execute(&ListProjects::for_region(&Region::CN_NORTH_4)));
}

// ---------------------------------------------------------------------------------------
// 4. Faults
// ---------------------------------------------------------------------------------------

#[test]
fn respond_fault_arrives_as_given() {
    let em = start();
    arm(
        &em,
        &json!({ "fault": { "kind": "respond", "status": 503, "content_type": "text/plain", "body": "down for maintenance" }, "times": 1 }),
    );
    let resp = send(signed(&em).prepare(&ShowAllFaceSets, SystemTime::now()).unwrap());
    assert_eq!(resp.status(), 503);
    assert_eq!(resp.headers()["content-type"], "text/plain");
    assert_eq!(resp.body().as_ref(), b"down for maintenance");
    assert_eq!(list_status(&em), 200);
    // Through the Rust API, read by the SDK as a service error.
    let body = r#"{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached.","request_id":"c50619de20b0e70590f57a99dbed044f"}"#;
    em.inject(Fault::json(429, body), 1);
    let service = expect_error(client(&em).execute(&ShowAllFaceSets), 429, "APIGW.0308");
    assert_eq!(service.message, "The throttling threshold has been reached.");
    assert_eq!(service.body.as_ref(), body.as_bytes());
    em.inject(Fault::html(502, "<html>bad gateway</html>"), 1);
    let err = client(&em).execute(&ShowAllFaceSets).unwrap_err();
    let Error::Decode(decode) = &err else { panic!("{err:?}") };
    assert_eq!(decode.status.as_u16(), 502);
}

#[test]
fn delay_fault_times_out_a_short_client_and_not_a_patient_one() {
    let em = start();
    arm(&em, &json!({ "fault": { "kind": "delay", "ms": 2000 }, "times": 1 }));
    let err = client_with_timeout(&em, GIVE_UP).execute(&ShowAllFaceSets).unwrap_err();
    let Error::Transport(e) = &err else { panic!("expected a transport error, got {err:?}") };
    assert_eq!(e.kind(), TransportErrorKind::Timeout, "{e}");
    em.inject(Fault::delay(Duration::from_millis(200)), 1);
    let reply = client_with_timeout(&em, Duration::from_secs(10)).execute(&ShowAllFaceSets);
    assert!(reply.is_ok(), "{reply:?}");
}

#[test]
fn hang_fault_times_out_the_client() {
    let em = start();
    arm(&em, &json!({ "fault": { "kind": "hang" }, "times": 1 }));
    let err = client_with_timeout(&em, GIVE_UP).execute(&ShowAllFaceSets).unwrap_err();
    let Error::Transport(e) = &err else { panic!("expected a transport error, got {err:?}") };
    assert_eq!(e.kind(), TransportErrorKind::Timeout, "{e}");
    em.inject(Fault::Hang, 1);
    let err = client_with_timeout(&em, GIVE_UP).execute(&ShowAllFaceSets).unwrap_err();
    assert!(matches!(&err, Error::Transport(e) if e.kind() == TransportErrorKind::Timeout), "{err:?}");
    assert_eq!(list_status(&em), 200);
}

#[test]
fn drop_fault_sends_no_http_response_at_all() {
    let em = start();
    arm(&em, &json!({ "fault": { "kind": "drop" }, "times": 1 }));
    let err = client(&em).execute(&ShowAllFaceSets).unwrap_err();
    assert!(matches!(&err, Error::Transport(e) if e.kind() != TransportErrorKind::Timeout), "{err:?}");
    em.inject(Fault::Drop, 1);
    assert_eq!(raw_exchange(&em), Vec::<u8>::new());
    assert_eq!(list_status(&em), 200);
}

#[test]
fn truncate_fault_is_a_transport_error() {
    let em = start();
    let body = r#"{"face_sets_info": [], "padding": "0123456789"}"#;
    arm(
        &em,
        &json!({ "fault": { "kind": "truncate", "status": 200, "body": body, "sent": 10 }, "times": 1 }),
    );
    let err = client(&em).execute(&ShowAllFaceSets).unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    em.inject(Fault::Truncate { status: 200, body: body.as_bytes().to_vec(), sent: 10 }, 1);
    let err = client(&em).execute(&ShowAllFaceSets).unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(list_status(&em), 200);
}

#[test]
fn truncate_fault_sends_the_head_and_part_of_the_body() {
    let em = start();
    let body = r#"{"face_sets_info": [], "padding": "0123456789"}"#;
    em.inject(Fault::Truncate { status: 200, body: body.as_bytes().to_vec(), sent: 10 }, 1);
    let received = String::from_utf8(raw_exchange(&em)).unwrap();
    let (head, rest) = received.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no head in {received:?}"));
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.to_ascii_lowercase().contains(&format!("content-length: {}", body.len())), "{head}");
    assert_eq!(rest, &body[..10]);
}

#[test]
fn a_fault_armed_n_times_runs_out_after_n_requests() {
    let em = start();
    arm(&em, &json!({ "fault": { "kind": "respond", "status": 503, "body": "{}" }, "times": 3 }));
    let statuses: Vec<u16> = (0..5).map(|_| list_status(&em)).collect();
    assert_eq!(statuses, [503, 503, 503, 200, 200]);
    // Queued faults run in order.
    em.inject(Fault::json(500, "{}"), 2);
    em.inject(Fault::json(502, "{}"), 1);
    let statuses: Vec<u16> = (0..4).map(|_| list_status(&em)).collect();
    assert_eq!(statuses, [500, 500, 502, 200]);
}

#[test]
fn a_seeded_probability_replays_the_same_pattern() {
    let em = start();
    let pattern = |em: &Emulator| -> Vec<bool> { (0..24).map(|_| list_status(em) == 503).collect() };
    let request = json!({ "fault": { "kind": "respond", "status": 503, "body": "random" }, "probability": 0.5, "seed": 42 });
    arm(&em, &request);
    let first = pattern(&em);
    assert!(first.contains(&true) && first.contains(&false), "{first:?}");
    clear_faults(&em);
    arm(&em, &request);
    assert_eq!(pattern(&em), first);
    clear_faults(&em);
    em.inject_randomly(Fault::json(503, "random"), 0.5, 42);
    assert_eq!(pattern(&em), first, "the Rust API draws the same way");
    // A probability outside 0-1, or neither times nor probability, is refused.
    for bad in [
        json!({ "fault": { "kind": "drop" }, "probability": 1.5 }),
        json!({ "fault": { "kind": "drop" } }),
        json!({ "fault": { "kind": "explode" }, "times": 1 }),
    ] {
        assert_eq!(admin(&em, Method::POST, "/faults", &bad).0, 400, "{bad}");
    }
}

#[test]
fn deleting_faults_clears_them() {
    let em = start();
    arm(&em, &json!({ "fault": { "kind": "respond", "status": 503, "body": "{}" }, "times": 5 }));
    arm(&em, &json!({ "fault": { "kind": "drop" }, "probability": 1.0, "seed": 1 }));
    assert_eq!(list_status(&em), 503);
    clear_faults(&em);
    assert_eq!((0..3).map(|_| list_status(&em)).collect::<Vec<_>>(), [200, 200, 200]);
}

#[test]
fn admin_endpoints_are_never_faulted() {
    let em = start();
    em.inject(Fault::Drop, 1);
    em.inject_randomly(Fault::Hang, 1.0, 7);
    assert_eq!(admin_get(&em, "/health")["status"], "ok");
    assert!(admin_get(&em, "/state")["sets"].is_object());
    assert!(admin_get(&em, "/requests").is_array());
    // The queued fault is still there for the next service request.
    let err = client(&em).execute(&ShowAllFaceSets).unwrap_err();
    assert!(matches!(&err, Error::Transport(e) if e.kind() != TransportErrorKind::Timeout), "{err:?}");
    clear_faults(&em);
    assert_eq!(list_status(&em), 200);
}

// ---------------------------------------------------------------------------------------
// 5. The admin API
// ---------------------------------------------------------------------------------------

#[test]
fn admin_health_reports_ok_and_the_number_of_face_sets() {
    let em = start();
    assert_eq!(admin_get(&em, "/health"), json!({ "status": "ok", "face_sets": 0 }));
    staff(&em);
    em.seed_face_set("other", &[]);
    assert_eq!(admin_get(&em, "/health"), json!({ "status": "ok", "face_sets": 2 }));
    assert_eq!(admin_bytes(&em, Method::GET, "/nothing", Bytes::new()).0, 404);
}

#[test]
fn admin_reset_empties_the_state() {
    let em = start();
    staff(&em);
    em.put_object("/bucket/alice.png", TestImage::person("alice").png()).unwrap();
    assert_eq!(list_status(&em), 200);
    em.inject(Fault::json(503, "{}"), 5);
    let (status, body) = admin_bytes(&em, Method::POST, "/reset", Bytes::new());
    assert_eq!((status, body), (200, json!({ "status": "reset" })));
    assert_eq!(em.face_count("staff"), None);
    assert!(em.requests().is_empty());
    assert_eq!(admin_get(&em, "/health")["face_sets"], 0);
    assert_eq!(admin_get(&em, "/state")["sets"], json!({}));
    // Faults and OBS objects are gone too.
    let op = DetectFaces::new(Image::from_url("/bucket/alice.png").unwrap());
    expect_error(client(&em).execute(&op), 400, "FRS.0036");
}

#[test]
fn admin_state_dump_contains_the_seeded_sets() {
    let em = start();
    let ids = staff(&em);
    let state = admin_get(&em, "/state");
    let set = &state["sets"]["staff"];
    assert_eq!(set["name"], "staff");
    assert_eq!(set["fields"], json!({ "floor": "integer", "badge": "string", "active": "boolean" }));
    let faces = set["faces"].as_array().unwrap();
    let face_ids: Vec<&str> = faces.iter().map(|f| f["face_id"].as_str().unwrap()).collect();
    assert_eq!(face_ids, ids);
    assert_eq!(faces[2]["external_image_id"], "img-2");
    assert_eq!(faces[2]["external_fields"], json!({ "floor": 4, "badge": "B-1", "active": true }));
}

#[test]
fn admin_seed_creates_faces_that_search_finds() {
    let em = start();
    let seed = json!({ "face_sets": [{
        "face_set_name": "seeded",
        "face_set_capacity": 20_000,
        "external_fields": { "floor": { "type": "integer" } },
        "faces": [
            { "external_image_id": "e-1", "person": "alice", "external_fields": { "floor": 1 } },
            { "external_image_id": "e-2", "person": "bob" },
        ],
    }] });
    let (status, body) = admin(&em, Method::POST, "/seed", &seed);
    assert_eq!(status, 200, "{body}");
    let created = &body["face_sets"][0];
    assert_eq!(created["face_set_name"], "seeded");
    let face_ids = created["face_ids"].as_array().unwrap().clone();
    assert_eq!(face_ids.len(), 2);
    let c = client(&em);
    let info = c.execute(&ShowFaceSet::new(name("seeded"))).unwrap().value.face_set_info.unwrap();
    assert_eq!((info.face_set_capacity, info.face_number), (Some(20_000), Some(2)));
    assert_eq!(info.face_set_id.as_ref(), created["face_set_id"].as_str().map(str::to_owned).as_ref());
    assert_eq!(info.external_fields, json!({ "floor": { "type": "integer" } }).as_object().cloned());
    let found = hits(c.execute(&SearchFaces::by_image(name("seeded"), image_of("alice"))).unwrap());
    assert_eq!(found[0].face_id.as_deref(), face_ids[0].as_str());
    assert_eq!(found[0].external_fields, json!({ "floor": 1 }).as_object().cloned());
    assert!(similarity(&found[0]) >= 0.93 && similarity(&found[1]) < 0.93, "{found:?}");
    // Seeding an existing set or an invalid name is refused.
    assert_eq!(admin(&em, Method::POST, "/seed", &seed).0, 400);
    let bad = json!({ "face_sets": [{ "face_set_name": "bad name" }] });
    assert_eq!(admin(&em, Method::POST, "/seed", &bad).0, 400);
    assert_eq!(admin_bytes(&em, Method::POST, "/seed", "not json").0, 400);
}

#[test]
fn admin_request_log_redacts_secrets() {
    let em = with_temporary_pair();
    client_as(&em, Credentials::token(TOKEN)).execute(&ShowAllFaceSets).unwrap();
    client(&em).execute(&ShowAllFaceSets).unwrap();
    client_as(&em, Credentials::temporary("TEMPAK", "temp-sk", "sts-token"))
        .execute(&ShowAllFaceSets)
        .unwrap();
    let log = admin_get(&em, "/requests");
    let entries = log.as_array().unwrap();
    assert_eq!(entries.len(), 3);
    let header = |i: usize, name: &str| -> Option<String> {
        entries[i]["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h[0] == name)
            .map(|h| h[1].as_str().unwrap().to_owned())
    };
    assert_eq!(header(0, "x-auth-token").as_deref(), Some("***"));
    assert_eq!(header(1, "authorization").as_deref(), Some("***"));
    assert_eq!(header(2, "authorization").as_deref(), Some("***"));
    assert_eq!(header(2, "x-security-token").as_deref(), Some("***"));
    assert_eq!(header(1, "x-project-id").as_deref(), Some(PID));
    assert_eq!(entries[0]["method"], "GET");
    assert_eq!(entries[0]["target"], format!("/v2/{PID}/face-sets"));
    let text = log.to_string();
    for secret in [TOKEN, SK, AK, "TEMPAK", "temp-sk", "sts-token", "Signature="] {
        assert!(!text.contains(secret), "{secret} in the log");
    }
}

#[test]
fn admin_obs_objects_can_be_put_and_deleted() {
    let em = start();
    em.seed_face_set("people", &[]);
    let png = TestImage::person("alice").png();
    let (status, body) = admin_bytes(&em, Method::PUT, "/obs/bucket/faces/alice.png", png.clone());
    assert_eq!((status, body), (200, json!({ "url": "/bucket/faces/alice.png", "size": png.len() })));
    let c = client(&em);
    let add = |url: &str| AddFaces::new(name("people"), Image::from_url(url).unwrap());
    let added = c.execute(&add("/bucket/faces/alice.png")).unwrap();
    assert_eq!(added.value.faces.as_ref().map(Vec::len), Some(1));
    // The virtual-hosted form names the same object.
    c.execute(&add("https://bucket.obs.cn-north-4.myhuaweicloud.com/faces/alice.png")).unwrap();
    assert_eq!(em.face_count("people"), Some(2));
    let (status, _) = admin_bytes(&em, Method::DELETE, "/obs/bucket/faces/alice.png", Bytes::new());
    assert_eq!(status, 200);
    expect_error(c.execute(&add("/bucket/faces/alice.png")), 400, "FRS.0036");
    // The Rust API, and the video input.
    em.put_object("/videos/bob.mp4", TestVideo::person("bob").mp4()).unwrap();
    let video = Video::from_url("/videos/bob.mp4").unwrap();
    let live = c.execute(&DetectLive::new(video, &[Action::Blink]).unwrap()).unwrap();
    assert_eq!(live.value.video_result.unwrap().alive, Some(true));
    assert!(em.put_object("no-slash", Vec::new()).is_err());
    assert_eq!(admin_bytes(&em, Method::PUT, "/obs/x", Bytes::new()).0, 400);
}
