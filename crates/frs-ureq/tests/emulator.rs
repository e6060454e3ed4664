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
