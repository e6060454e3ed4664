//! The blocking client over real HTTP on 127.0.0.1 against the FRS emulator: every
//! authentication mode, the service's answers, and the failures a transport must survive.

use std::time::Duration;

use frs_emulator::{Emulator, EmulatorConfig, Fault, SeededFace};
use frs_request::faces::DeleteFaces;
use frs_request::{Config, Credentials, Endpoint, Error, RetryPolicy, TransportError, TransportErrorKind};
use frs_types::ErrorCode;
use frs_types::models::face_sets::FieldType;
use frs_ureq::{Client, TransportLimits, UreqTransport};

const AK: &str = EmulatorConfig::DEFAULT_ACCESS_KEY;
const SK: &str = EmulatorConfig::DEFAULT_SECRET_KEY;

/// An emulator with face set `staff`: two faces of image `img-1` on floor 3, one of
/// `img-2` on floor 4.
fn emulator() -> Emulator {
    let mut config = EmulatorConfig::default();
    config.access_keys.push(frs_emulator::AccessKeyPair {
        access_key: "TEMPAK".into(),
        secret_key: "temp-sk".into(),
        security_token: Some("sts-token".into()),
    });
    let emulator = Emulator::start(config).unwrap();
    emulator.seed_face_set("staff", &[("floor", FieldType::Integer), ("badge", FieldType::String)]);
    for (image, floor, badge) in [("img-1", 3, "A-1"), ("img-1", 3, "A-2"), ("img-2", 4, "B-1")] {
        emulator
            .seed_face("staff", SeededFace::new(image).field("floor", floor).field("badge", badge))
            .unwrap();
    }
    emulator
}

fn client(emulator: &Emulator, credentials: Credentials) -> Client {
    client_with(emulator, credentials, RetryPolicy::none(), TransportLimits::default())
}

fn client_with(
    emulator: &Emulator,
    credentials: Credentials,
    retry: RetryPolicy,
    limits: TransportLimits,
) -> Client {
    let config = Config::new(
        Endpoint::parse(&emulator.endpoint()).unwrap(),
        EmulatorConfig::DEFAULT_PROJECT_ID.parse().unwrap(),
        credentials,
    )
    .with_retry(retry);
    Client::with_transport(config, UreqTransport::new(limits))
}

fn staff() -> frs_types::FaceSetName {
    "staff".parse().unwrap()
}

#[test]
fn token_delete_by_external_image_id_deletes_every_face_of_the_image() {
    let emulator = emulator();
    let client = client(&emulator, Credentials::token(EmulatorConfig::DEFAULT_TOKEN));
    let reply =
        client.execute(&DeleteFaces::by_external_image_id(staff(), "img-1".parse().unwrap())).unwrap();
    assert_eq!(reply.face_number, Some(2));
    assert_eq!(reply.face_set_name.as_deref(), Some("staff"));
    assert_eq!(reply.face_set_id.as_ref().map(String::len), Some(8));
    assert_eq!(reply.request_id.as_ref().map(String::len), Some(32));
    assert_eq!(emulator.face_count("staff"), Some(1));
    let seen = &emulator.requests()[0];
    assert_eq!(seen.header("x-auth-token"), Some("***"));
    assert_eq!(seen.header("content-type"), Some("application/json"));
}

#[test]
fn signed_delete_by_custom_field_verifies_on_the_server() {
    let emulator = emulator();
    let client = client(&emulator, Credentials::access_key(AK, SK));
    let op = DeleteFaces::by_field(staff(), "floor".parse().unwrap(), 3.into());
    // The emulator recomputes the signature from the request as it arrived: a header the
    // transport added or changed among the signed ones would make this a 401.
    let reply = client.execute(&op).unwrap();
    assert_eq!(reply.face_number, Some(2));
    let seen = &emulator.requests()[0];
    assert_eq!(
        seen.target,
        format!("/v2/{}/face-sets/staff/faces?floor=3", EmulatorConfig::DEFAULT_PROJECT_ID)
    );
    assert_eq!(seen.header("host"), Some(emulator.addr().to_string().as_str()));
    assert_eq!(seen.header("x-project-id"), Some(EmulatorConfig::DEFAULT_PROJECT_ID));
    assert_eq!(seen.header("authorization"), Some("***"));
    assert_eq!(seen.body_len, 0);
}

#[test]
fn temporary_credentials_send_a_signed_security_token() {
    let emulator = emulator();
    let client = client(&emulator, Credentials::temporary("TEMPAK", "temp-sk", "sts-token"));
    let reply = client.execute(&DeleteFaces::by_face_id(staff(), emulator_face_id(&emulator))).unwrap();
    assert_eq!(reply.face_number, Some(1));
    // Without the token the gateway refuses the same key pair.
    let client = client_with_token_missing(&emulator);
    let err =
        client.execute(&DeleteFaces::by_external_image_id(staff(), "img-2".parse().unwrap())).unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::GatewayIamAuthFailed));
}

fn emulator_face_id(emulator: &Emulator) -> frs_types::FaceId {
    emulator.seed_face("staff", SeededFace::new("img-9")).unwrap().parse().unwrap()
}

fn client_with_token_missing(emulator: &Emulator) -> Client {
    client(emulator, Credentials::access_key("TEMPAK", "temp-sk"))
}

#[test]
fn seed_error_is_typed_with_its_request_id() {
    let emulator = emulator();
    let client = client(&emulator, Credentials::access_key(AK, SK));
    let err =
        client.execute(&DeleteFaces::by_external_image_id(staff(), "nope".parse().unwrap())).unwrap_err();
    let service = err.service().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(service.code, ErrorCode::FieldNotFound);
    assert_eq!(service.status.as_u16(), 400);
    assert_eq!(service.message, "External id is not exist, can not delete face");
    let rid = service.request_id.clone().unwrap();
    assert_eq!(rid.len(), 32);
    assert!(
        err.to_string().contains(&format!(
            "FRS.0402 (HTTP 400): External id is not exist, can not delete face [request id {rid}]"
        )),
        "{err}"
    );
    assert!(!err.is_retryable());
    assert_eq!(emulator.face_count("staff"), Some(3));
}

#[test]
fn wrong_secret_key_is_refused_like_the_gateway() {
    let emulator = emulator();
    let client = client(&emulator, Credentials::access_key(AK, "not-the-secret"));
    let err =
        client.execute(&DeleteFaces::by_external_image_id(staff(), "img-1".parse().unwrap())).unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::GatewayIamAuthFailed));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert!(!err.to_string().contains("not-the-secret"));
    assert_eq!(emulator.face_count("staff"), Some(3));
}

#[test]
fn html_502_from_a_proxy_is_a_clear_decode_error() {
    let emulator = emulator();
    emulator.inject(Fault::html(502, "<html><body><h1>502 Bad Gateway</h1>nginx</body></html>"), 1);
    let client = client(&emulator, Credentials::access_key(AK, SK));
    let err =
        client.execute(&DeleteFaces::by_external_image_id(staff(), "img-1".parse().unwrap())).unwrap_err();
    let Error::Decode(decode) = &err else { panic!("expected a decode error, got {err:?}") };
    assert_eq!(decode.status.as_u16(), 502);
    assert_eq!(decode.reason, "error body is not JSON");
    assert!(decode.snippet.contains("502 Bad Gateway"), "{decode:?}");
    assert!(err.to_string().contains("text/html"), "{err}");
    assert!(err.is_retryable());
}

#[test]
fn idempotent_delete_is_retried_after_a_502() {
    let emulator = emulator();
    emulator.inject(Fault::html(502, "<html>bad gateway</html>"), 1);
    let retry = RetryPolicy { initial_backoff: Duration::from_millis(10), ..RetryPolicy::default() };
    let client = client_with(&emulator, Credentials::access_key(AK, SK), retry, TransportLimits::default());
    let reply =
        client.execute(&DeleteFaces::by_external_image_id(staff(), "img-2".parse().unwrap())).unwrap();
    assert_eq!(reply.face_number, Some(1));
    assert_eq!(emulator.requests().len(), 2);
}

#[test]
fn body_over_the_cap_is_not_read() {
    let emulator = emulator();
    let big = format!("{{\"face_number\": 1, \"pad\": \"{}\"}}", "x".repeat(64 * 1024));
    emulator.inject(Fault::json(200, &big), 1);
    let limits = TransportLimits { max_response_bytes: 4096, ..TransportLimits::default() };
    let client = client_with(&emulator, Credentials::access_key(AK, SK), RetryPolicy::none(), limits);
    let err =
        client.execute(&DeleteFaces::by_external_image_id(staff(), "img-1".parse().unwrap())).unwrap_err();
    let Error::Transport(e) = &err else { panic!("expected a transport error, got {err:?}") };
    assert_eq!(e.kind(), TransportErrorKind::BodyTooLarge);
    assert!(!err.is_retryable());
}

#[test]
fn a_server_that_never_answers_times_out() {
    let emulator = emulator();
    emulator.inject(Fault::Hang, 1);
    let limits = TransportLimits { total_timeout: Duration::from_millis(300), ..TransportLimits::default() };
    let client = client_with(&emulator, Credentials::access_key(AK, SK), RetryPolicy::none(), limits);
    let err =
        client.execute(&DeleteFaces::by_external_image_id(staff(), "img-1".parse().unwrap())).unwrap_err();
    let Error::Transport(e) = &err else { panic!("expected a transport error, got {err:?}") };
    assert_eq!(e.kind(), TransportErrorKind::Timeout, "{e}");
}

#[test]
fn a_truncated_answer_is_a_transport_error() {
    let emulator = emulator();
    let body = br#"{"face_number": 1, "face_set_id": "T785tx1N", "face_set_name": "staff"}"#.to_vec();
    emulator.inject(Fault::Truncate { status: 200, body, sent: 20 }, 1);
    let client = client(&emulator, Credentials::access_key(AK, SK));
    let err =
        client.execute(&DeleteFaces::by_external_image_id(staff(), "img-1".parse().unwrap())).unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
}

#[test]
fn refused_connection_is_a_connect_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = Config::new(
        Endpoint::parse(&format!("http://127.0.0.1:{port}")).unwrap(),
        "p".parse().unwrap(),
        Credentials::token("t"),
    )
    .with_retry(RetryPolicy::none());
    let err = Client::new(config)
        .execute(&DeleteFaces::by_external_image_id(staff(), "i".parse().unwrap()))
        .unwrap_err();
    let Error::Transport(e) = &err else { panic!("{err:?}") };
    assert_eq!(e.kind(), TransportErrorKind::Connect, "{e}");
}

#[test]
fn bad_input_is_rejected_before_any_io() {
    let emulator = emulator();
    let client = client(&emulator, Credentials::token("line\nbreak"));
    let err =
        client.execute(&DeleteFaces::by_external_image_id(staff(), "img-1".parse().unwrap())).unwrap_err();
    assert!(matches!(err, Error::Build(_)), "{err:?}");
    assert!(err.to_string().contains("X-Auth-Token") && !err.to_string().contains("line"), "{err}");
    assert!(emulator.requests().is_empty());
}

#[test]
fn caller_built_agent_still_returns_error_bodies() {
    let emulator = emulator();
    // An agent configured to turn 4xx into errors (ureq's default) must not lose the
    // service's error body: the transport overrides that per request.
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(true).build().into();
    let config = Config::new(
        Endpoint::parse(&emulator.endpoint()).unwrap(),
        EmulatorConfig::DEFAULT_PROJECT_ID.parse().unwrap(),
        Credentials::access_key(AK, SK),
    );
    let client = Client::with_transport(config, UreqTransport::with_agent(agent, TransportLimits::default()));
    let err = client.execute(&DeleteFaces::by_face_id(staff(), "nope1234".parse().unwrap())).unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::FaceIdNotFound), "{err:?}");
}

fn seeded_faces(emulator: &Emulator, set: &str, n: usize) {
    emulator.seed_face_set(set, &[]);
    for i in 0..n {
        emulator.seed_face(set, SeededFace::new(&format!("img-{i}"))).unwrap();
    }
}

#[test]
fn listing_walks_every_page() {
    let emulator = emulator();
    seeded_faces(&emulator, "many", 25);
    let client = client(&emulator, Credentials::access_key(AK, SK));
    let faces: Vec<_> = client.faces("many".parse().unwrap(), 10).unwrap().collect::<Result<_, _>>().unwrap();
    let ids: Vec<_> = faces.iter().map(|f| f.external_image_id.clone().unwrap()).collect();
    assert_eq!(ids, (0..25).map(|i| format!("img-{i}")).collect::<Vec<_>>());
    let targets: Vec<String> = emulator.requests().iter().map(|r| r.target.clone()).collect();
    let pages: Vec<&str> = targets.iter().map(|t| t.split_once('?').unwrap().1).collect();
    assert_eq!(pages, ["limit=10&offset=0", "limit=10&offset=10", "limit=10&offset=20"]);
}

#[test]
fn listing_ends_with_the_error_of_a_failed_page() {
    let emulator = emulator();
    seeded_faces(&emulator, "many", 25);
    let client = client(&emulator, Credentials::access_key(AK, SK));
    let mut faces = client.faces("many".parse().unwrap(), 10).unwrap();
    for _ in 0..10 {
        assert!(faces.next().unwrap().is_ok());
    }
    emulator
        .inject(Fault::json(500, r#"{"error_code":"FRS.0018","error_msg":"The service inner error."}"#), 1);
    let err = faces.next().unwrap().unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InternalError));
    assert!(faces.next().is_none());
}

#[test]
fn listing_reports_the_service_depth_bound_instead_of_stopping_silently() {
    let emulator = emulator();
    seeded_faces(&emulator, "huge", 10_003);
    let client = client(&emulator, Credentials::access_key(AK, SK));
    let items: Vec<_> = client.faces("huge".parse().unwrap(), 5000).unwrap().collect();
    assert_eq!(items.len(), 10_001);
    assert!(items[..10_000].iter().all(Result::is_ok));
    let last = items[10_000].as_ref().unwrap_err();
    assert!(matches!(last, Error::Build(frs_request::BuildError::ListingDepth { max: 10_000 })), "{last:?}");
}

#[test]
fn image_files_are_checked_before_they_are_read() {
    let dir = std::env::temp_dir().join(format!("frs-ureq-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let jpg = dir.join("face.jpg");
    std::fs::write(&jpg, [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0]).unwrap();
    let image = frs_ureq::read_image(&jpg).unwrap();
    assert_eq!(image.format(), Some(frs_types::ImageFormat::Jpeg));
    let frs_types::Image::File(file) = &image else { panic!("{image:?}") };
    assert_eq!(file.file_name(), "face.jpg");

    let text = dir.join("notes.jpg");
    std::fs::write(&text, b"not an image").unwrap();
    let err = frs_ureq::read_image(&text).unwrap_err();
    assert!(err.to_string().contains("notes.jpg"), "{err}");

    let big = dir.join("big.png");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(9 * 1024 * 1024).unwrap();
    let err = frs_ureq::read_image(&big).unwrap_err();
    assert!(err.to_string().contains("8388608"), "{err}");

    assert!(matches!(
        frs_ureq::read_image(dir.join("missing.jpg")),
        Err(frs_request::media_file::ReadMediaError::Io { .. })
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}
