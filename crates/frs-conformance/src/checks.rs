//! The checks. Each takes a function that makes the subject under test from a
//! [`Config`] and the [`TransportLimits`] its transport must apply, starts an emulator, and
//! panics (as a test does) when the transport gets something wrong.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::{Duration, SystemTime};

use frs_emulator::testimage::TestImage;
use frs_emulator::{AccessKeyPair, Emulator, EmulatorConfig, Fault, SeededFace};
use frs_request::face_sets::CreateFaceSet;
use frs_request::faces::{AddFaces, DeleteFaces};
use frs_request::{
    CallError, Config, Credentials, Endpoint, Error, Operation, RetryPolicy, TransportError,
    TransportErrorKind, TransportLimits,
};
use frs_types::models::face_sets::FieldType;
use frs_types::{ErrorCode, FaceSetName, Image};

use crate::Subject;

mod reliability;
pub use reliability::*;

const AK: &str = EmulatorConfig::DEFAULT_ACCESS_KEY;
const SK: &str = EmulatorConfig::DEFAULT_SECRET_KEY;
const PROJECT: &str = EmulatorConfig::DEFAULT_PROJECT_ID;

/// An emulator with face set `staff`: two faces of image `img-1` on floor 3, one of
/// `img-2` on floor 4; and a temporary key pair `TEMPAK` that needs its security token.
fn emulator() -> Emulator {
    let mut config = EmulatorConfig::default();
    config.access_keys.push(AccessKeyPair {
        access_key: "TEMPAK".into(),
        secret_key: "temp-sk".into(),
        security_token: Some("sts-token".into()),
    });
    let emulator = Emulator::start(config).expect("the emulator starts on 127.0.0.1");
    emulator.seed_face_set("staff", &[("floor", FieldType::Integer), ("badge", FieldType::String)]);
    for (image, floor, badge) in [("img-1", 3, "A-1"), ("img-1", 3, "A-2"), ("img-2", 4, "B-1")] {
        emulator
            .seed_face("staff", SeededFace::new(image).field("floor", floor).field("badge", badge))
            .unwrap();
    }
    emulator
}

fn config(emulator: &Emulator, credentials: Credentials, retry: RetryPolicy) -> Config {
    Config::new(Endpoint::parse(&emulator.endpoint()).unwrap(), PROJECT.parse().unwrap(), credentials)
        .with_retry(retry)
}

fn signed<S>(emulator: &Emulator, make: &impl Fn(Config, TransportLimits) -> S) -> S {
    make(config(emulator, Credentials::access_key(AK, SK), RetryPolicy::none()), TransportLimits::default())
}

fn staff() -> FaceSetName {
    "staff".parse().unwrap()
}

fn by_image(id: &str) -> DeleteFaces {
    DeleteFaces::by_external_image_id(staff(), id.parse().unwrap())
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy { initial_backoff: Duration::from_millis(10), ..RetryPolicy::default() }
}

fn seeded_faces(emulator: &Emulator, set: &str, n: usize) {
    emulator.seed_face_set(set, &[]);
    for i in 0..n {
        emulator.seed_face(set, SeededFace::new(&format!("img-{i}"))).unwrap();
    }
}

pub fn token_delete_by_external_image_id_deletes_every_face_of_the_image<S: Subject>(
    make: impl Fn(Config, TransportLimits) -> S,
) {
    let emulator = emulator();
    let token = Credentials::token(EmulatorConfig::DEFAULT_TOKEN);
    let client = make(config(&emulator, token, RetryPolicy::none()), TransportLimits::default());
    let reply = client.execute(&by_image("img-1")).unwrap();
    assert_eq!(reply.face_number, Some(2));
    assert_eq!(reply.face_set_name.as_deref(), Some("staff"));
    assert_eq!(reply.face_set_id.as_ref().map(String::len), Some(8));
    assert_eq!(reply.request_id.as_ref().map(String::len), Some(32));
    assert_eq!(emulator.face_count("staff"), Some(1));
    let seen = &emulator.requests()[0];
    assert_eq!(seen.method, "DELETE");
    assert_eq!(seen.header("x-auth-token"), Some("***"));
    assert_eq!(seen.header("content-type"), Some("application/json"));
}

pub fn signed_delete_by_custom_field_verifies_on_the_server<S: Subject>(
    make: impl Fn(Config, TransportLimits) -> S,
) {
    let emulator = emulator();
    let client = signed(&emulator, &make);
    // The emulator recomputes the signature from the request as it arrived: a header the
    // transport added or changed among the signed ones would make this a 401.
    let reply = client.execute(&DeleteFaces::by_field(staff(), "floor".parse().unwrap(), 3.into())).unwrap();
    assert_eq!(reply.face_number, Some(2));
    let reply =
        client.execute(&DeleteFaces::by_field(staff(), "badge".parse().unwrap(), "B-1".parse().unwrap()));
    assert_eq!(reply.unwrap().face_number, Some(1));
    let seen = emulator.requests();
    assert_eq!(seen[0].target, format!("/v2/{PROJECT}/face-sets/staff/faces?floor=3"));
    assert_eq!(seen[1].target, format!("/v2/{PROJECT}/face-sets/staff/faces?badge=B-1"));
    assert_eq!(seen[0].header("host"), Some(emulator.addr().to_string().as_str()));
    assert_eq!(seen[0].header("x-project-id"), Some(PROJECT));
    assert_eq!(seen[0].header("authorization"), Some("***"));
    assert_eq!(seen[0].body_len, 0);
}

pub fn temporary_credentials_send_a_signed_security_token<S: Subject>(
    make: impl Fn(Config, TransportLimits) -> S,
) {
    let emulator = emulator();
    let face_id = emulator.seed_face("staff", SeededFace::new("img-9")).unwrap();
    let temporary = Credentials::temporary("TEMPAK", "temp-sk", "sts-token");
    let client = make(config(&emulator, temporary, RetryPolicy::none()), TransportLimits::default());
    let reply = client.execute(&DeleteFaces::by_face_id(staff(), face_id.parse().unwrap())).unwrap();
    assert_eq!(reply.face_number, Some(1));
    assert_eq!(emulator.requests()[0].header("x-security-token"), Some("***"));
    // Without the token the gateway refuses the same key pair.
    let bare = Credentials::access_key("TEMPAK", "temp-sk");
    let client = make(config(&emulator, bare, RetryPolicy::none()), TransportLimits::default());
    let err = client.execute(&by_image("img-2")).unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::GatewayIamAuthFailed));
}

pub fn seed_error_is_typed_with_its_request_id<S: Subject>(make: impl Fn(Config, TransportLimits) -> S) {
    let emulator = emulator();
    let err = signed(&emulator, &make).execute(&by_image("nope")).unwrap_err();
    let service = err.service().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(service.code, ErrorCode::FieldNotFound);
    assert_eq!(service.status.as_u16(), 400);
    assert_eq!(service.message, "External id is not exist, can not delete face");
    let rid = service.request_id.clone().unwrap();
    assert_eq!(rid.len(), 32);
    let expected =
        format!("FRS.0402 (HTTP 400): External id is not exist, can not delete face [request id {rid}]");
    assert!(err.to_string().contains(&expected), "{err}");
    assert!(!err.is_retryable());
    assert_eq!(emulator.face_count("staff"), Some(3));
}

pub fn unknown_custom_value_and_unknown_field_are_distinct_errors<S: Subject>(
    make: impl Fn(Config, TransportLimits) -> S,
) {
    let emulator = emulator();
    let client = signed(&emulator, &make);
    let err =
        client.execute(&DeleteFaces::by_field(staff(), "floor".parse().unwrap(), 99.into())).unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::FieldValueNotFound));
    let op = DeleteFaces::by_field(staff(), "room".parse().unwrap(), "x".parse().unwrap());
    assert_eq!(client.execute(&op).unwrap_err().code(), Some(&ErrorCode::FieldNotFound));
}

pub fn wrong_secret_key_is_refused_like_the_gateway<S: Subject>(make: impl Fn(Config, TransportLimits) -> S) {
    let emulator = emulator();
    let wrong = Credentials::access_key(AK, "not-the-secret");
    let client = make(config(&emulator, wrong, RetryPolicy::none()), TransportLimits::default());
    let err = client.execute(&by_image("img-1")).unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::GatewayIamAuthFailed));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert!(!err.to_string().contains("not-the-secret"));
    assert!(!format!("{err:?}").contains("not-the-secret"));
    assert_eq!(emulator.face_count("staff"), Some(3));
}

pub fn json_body_arrives_whole_with_its_content_type<S: Subject>(
    make: impl Fn(Config, TransportLimits) -> S,
) {
    let emulator = emulator();
    let client = signed(&emulator, &make);
    let op = CreateFaceSet::new("visitors".parse().unwrap())
        .field("age".parse().unwrap(), FieldType::Integer)
        .unwrap();
    client.execute(&op).unwrap();
    let cfg = config(&emulator, Credentials::token("t"), RetryPolicy::none());
    let expected = op.to_request(&cfg, SystemTime::now()).unwrap().into_body().len();
    let seen = &emulator.requests()[0];
    assert_eq!(
        (seen.method.as_str(), seen.target.as_str()),
        ("POST", format!("/v2/{PROJECT}/face-sets").as_str())
    );
    assert_eq!(seen.header("content-type"), Some("application/json"));
    assert_eq!(seen.body_len, expected);
    assert_eq!(seen.header("content-length"), Some(expected.to_string().as_str()));
    assert_eq!(emulator.face_count("visitors"), Some(0));
}

pub fn multipart_body_arrives_whole_with_its_boundary<S: Subject>(
    make: impl Fn(Config, TransportLimits) -> S,
) {
    let emulator = emulator();
    let client = signed(&emulator, &make);
    let png = TestImage::person("alice").png();
    let image = Image::from_bytes("alice.png", png.clone()).unwrap();
    let op = AddFaces::new(staff(), image).external_image_id("alice-1".parse().unwrap());
    let reply = client.execute(&op).unwrap();
    assert_eq!(reply.faces.as_ref().map(Vec::len), Some(1));
    assert_eq!(emulator.face_count("staff"), Some(4));
    let seen = &emulator.requests()[0];
    let content_type = seen.header("content-type").unwrap();
    assert!(content_type.starts_with("multipart/form-data; boundary="), "{content_type}");
    assert!(seen.body_len > png.len(), "{} bytes for a {}-byte image", seen.body_len, png.len());
    assert_eq!(seen.header("content-length"), Some(seen.body_len.to_string().as_str()));
}

pub fn html_502_from_a_proxy_is_a_clear_decode_error<S: Subject>(
    make: impl Fn(Config, TransportLimits) -> S,
) {
    let emulator = emulator();
    emulator.inject(Fault::html(502, "<html><body><h1>502 Bad Gateway</h1>nginx</body></html>"), 1);
    let err = signed(&emulator, &make).execute(&by_image("img-1")).unwrap_err();
    let Error::Decode(decode) = &err else { panic!("expected a decode error, got {err:?}") };
    assert_eq!(decode.status.as_u16(), 502);
    assert_eq!(decode.reason, "error body is not JSON");
    assert!(decode.snippet.contains("502 Bad Gateway"), "{decode:?}");
    assert!(err.to_string().contains("text/html"), "{err}");
    assert!(err.is_retryable());
}

pub fn idempotent_delete_is_retried_after_a_502<S: Subject>(make: impl Fn(Config, TransportLimits) -> S) {
    let emulator = emulator();
    emulator.inject(Fault::html(502, "<html>bad gateway</html>"), 1);
    let signed = Credentials::access_key(AK, SK);
    let client = make(config(&emulator, signed, fast_retries()), TransportLimits::default());
    let reply = client.execute(&by_image("img-2")).unwrap();
    assert_eq!(reply.face_number, Some(1));
    assert_eq!(emulator.requests().len(), 2);
}

pub fn throttled_request_is_retried_after_retry_after<S: Subject>(
    make: impl Fn(Config, TransportLimits) -> S,
) {
    let emulator = emulator();
    let throttled = r#"{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached","request_id":"r1"}"#;
    emulator.inject(Fault::json(429, throttled).with_header("Retry-After", "1"), 1);
    let signed = Credentials::access_key(AK, SK);
    let client = make(config(&emulator, signed, fast_retries()), TransportLimits::default());
    let start = std::time::Instant::now();
    let reply = client.execute(&by_image("img-2")).unwrap();
    assert_eq!(reply.face_number, Some(1));
    assert_eq!(emulator.requests().len(), 2);
    // The service's wait, not the policy's 10 ms backoff (a lower bound: behaviour, not speed).
    assert!(start.elapsed() >= Duration::from_millis(950), "waited only {:?}", start.elapsed());
}

pub fn body_over_the_cap_is_not_read<S: Subject>(make: impl Fn(Config, TransportLimits) -> S) {
    let emulator = emulator();
    let big = format!("{{\"face_number\": 1, \"pad\": \"{}\"}}", "x".repeat(64 * 1024));
    emulator.inject(Fault::json(200, &big), 1);
    let limits = TransportLimits { max_response_bytes: 4096, ..TransportLimits::default() };
    let client = make(config(&emulator, Credentials::access_key(AK, SK), RetryPolicy::none()), limits);
    let err = client.execute(&by_image("img-1")).unwrap_err();
    let Error::Transport(e) = &err else { panic!("expected a transport error, got {err:?}") };
    assert_eq!(e.kind(), TransportErrorKind::BodyTooLarge);
    assert!(!err.is_retryable());
}

pub fn a_server_that_never_answers_times_out<S: Subject>(make: impl Fn(Config, TransportLimits) -> S) {
    let emulator = emulator();
    emulator.inject(Fault::Hang, 1);
    let limits = TransportLimits { total_timeout: Duration::from_millis(300), ..TransportLimits::default() };
    let client = make(config(&emulator, Credentials::access_key(AK, SK), RetryPolicy::none()), limits);
    let err = client.execute(&by_image("img-1")).unwrap_err();
    let Error::Transport(e) = &err else { panic!("expected a transport error, got {err:?}") };
    assert_eq!(e.kind(), TransportErrorKind::Timeout, "{e}");
    assert!(err.is_retryable());
}

pub fn a_truncated_answer_is_a_transport_error<S: Subject>(make: impl Fn(Config, TransportLimits) -> S) {
    let emulator = emulator();
    let body = br#"{"face_number": 1, "face_set_id": "T785tx1N", "face_set_name": "staff"}"#.to_vec();
    emulator.inject(Fault::Truncate { status: 200, body, sent: 20 }, 1);
    let err = signed(&emulator, &make).execute(&by_image("img-1")).unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
}

pub fn a_dropped_connection_is_a_transport_error<S: Subject>(make: impl Fn(Config, TransportLimits) -> S) {
    let emulator = emulator();
    emulator.inject(Fault::Drop, 1);
    let client = signed(&emulator, &make);
    let err = client.execute(&by_image("img-1")).unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    // The next call gets a fresh connection and succeeds.
    assert_eq!(client.execute(&by_image("img-1")).unwrap().face_number, Some(2));
}

pub fn refused_connection_is_a_connect_error<S: Subject>(make: impl Fn(Config, TransportLimits) -> S) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = Config::new(
        Endpoint::parse(&format!("http://127.0.0.1:{port}")).unwrap(),
        "p".parse().unwrap(),
        Credentials::token("t"),
    )
    .with_retry(RetryPolicy::none());
    let err = make(config, TransportLimits::default()).execute(&by_image("i")).unwrap_err();
    let Error::Transport(e) = &err else { panic!("{err:?}") };
    assert_eq!(e.kind(), TransportErrorKind::Connect, "{e}");
    assert!(err.is_retryable());
}

pub fn bad_input_is_rejected_before_any_io<S: Subject>(make: impl Fn(Config, TransportLimits) -> S) {
    let emulator = emulator();
    let bad = Credentials::token("line\nbreak");
    let client = make(config(&emulator, bad, RetryPolicy::none()), TransportLimits::default());
    let err = client.execute(&by_image("img-1")).unwrap_err();
    assert!(matches!(err, Error::Build(_)), "{err:?}");
    assert!(err.to_string().contains("X-Auth-Token") && !err.to_string().contains("line"), "{err}");
    assert!(emulator.requests().is_empty());
}

pub fn listing_walks_every_page<S: Subject>(make: impl Fn(Config, TransportLimits) -> S) {
    let emulator = emulator();
    seeded_faces(&emulator, "many", 25);
    let faces = signed(&emulator, &make).faces("many".parse().unwrap(), 10, &mut |_| {});
    let ids: Vec<_> = faces.into_iter().map(|f| f.unwrap().external_image_id.unwrap()).collect();
    assert_eq!(ids, (0..25).map(|i| format!("img-{i}")).collect::<Vec<_>>());
    let targets: Vec<String> = emulator.requests().iter().map(|r| r.target.clone()).collect();
    let pages: Vec<&str> = targets.iter().map(|t| t.split_once('?').unwrap().1).collect();
    assert_eq!(pages, ["limit=10&offset=0", "limit=10&offset=10", "limit=10&offset=20"]);
}

pub fn listing_ends_with_the_error_of_a_failed_page<S: Subject>(make: impl Fn(Config, TransportLimits) -> S) {
    let emulator = emulator();
    seeded_faces(&emulator, "many", 25);
    let failure = r#"{"error_code":"FRS.0018","error_msg":"The service inner error."}"#;
    let items = signed(&emulator, &make).faces("many".parse().unwrap(), 10, &mut |i| {
        if i == 10 {
            emulator.inject(Fault::json(500, failure), 1);
        }
    });
    assert_eq!(items.len(), 11, "ten faces, then the error, then the end");
    assert!(items[..10].iter().all(Result::is_ok));
    assert_eq!(items[10].as_ref().unwrap_err().code(), Some(&ErrorCode::InternalError));
}

pub fn listing_reports_the_service_depth_bound_instead_of_stopping_silently<S: Subject>(
    make: impl Fn(Config, TransportLimits) -> S,
) {
    let emulator = emulator();
    seeded_faces(&emulator, "huge", 10_003);
    let items = signed(&emulator, &make).faces("huge".parse().unwrap(), 5000, &mut |_| {});
    assert_eq!(items.len(), 10_001);
    assert!(items[..10_000].iter().all(Result::is_ok));
    let last = items[10_000].as_ref().unwrap_err();
    assert!(matches!(last, Error::Call(CallError::ListingDepth { max: 10_000 })), "{last:?}");
    assert_eq!(emulator.requests().len(), 2);
}

pub fn keep_alive_connections_survive_many_calls<S: Subject>(make: impl Fn(Config, TransportLimits) -> S) {
    let emulator = emulator();
    seeded_faces(&emulator, "many", 40);
    let client = signed(&emulator, &make);
    for i in 0..40 {
        let op =
            DeleteFaces::by_external_image_id("many".parse().unwrap(), format!("img-{i}").parse().unwrap());
        assert_eq!(client.execute(&op).unwrap().face_number, Some(1), "call {i}");
    }
    assert_eq!(emulator.face_count("many"), Some(0));
    // Connections are kept alive and reused (a pool may open a few, never one per call).
    let connections = emulator.connections_accepted();
    assert!((1..=4).contains(&connections), "{connections} connections for 40 calls");
}

/// A hundred sequential calls go over one TCP connection: nothing per call (a lookup, a new
/// connection) when a pooled one exists.
pub fn a_hundred_sequential_calls_use_one_connection<S: Subject>(
    make: impl Fn(Config, TransportLimits) -> S,
) {
    let emulator = emulator();
    let client = signed(&emulator, &make);
    for i in 0..100 {
        let err = client.execute(&by_image(&format!("absent-{i}"))).unwrap_err();
        assert_eq!(err.code(), Some(&ErrorCode::FieldNotFound), "call {i}");
    }
    assert_eq!(emulator.connections_accepted(), 1, "connections for 100 sequential calls");
}

/// Calls in flight at once keep their connections: a bulk run of 16 workers opens at most 16,
/// however many calls it makes (1,000 here). A pool that keeps fewer idle connections than
/// there are workers closes and reopens them — against the service, a TLS handshake each time.
pub fn concurrent_calls_keep_their_connections<S: Subject>(make: impl Fn(Config, TransportLimits) -> S) {
    use frs_request::bulk::BulkOptions;
    let emulator = emulator();
    let client = signed(&emulator, &make);
    let ops: Vec<_> = (0..1000).map(|i| (i, by_image(&format!("absent-{i}")))).collect();
    let (items, summary) = client.execute_many(ops, BulkOptions::concurrency(16));
    assert_eq!((items.len(), summary.progress.failed), (1000, 1000));
    for item in &items {
        let code = item.result.as_ref().err().and_then(Error::code);
        assert_eq!(code, Some(&ErrorCode::FieldNotFound), "call {}", item.key);
    }
    let connections = emulator.connections_accepted();
    assert!((1..=16).contains(&connections), "{connections} connections for 1,000 calls from 16 workers");
}
