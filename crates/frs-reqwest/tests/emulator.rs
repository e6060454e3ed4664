//! The async client over real HTTP on 127.0.0.1 against the FRS emulator: every
//! authentication mode, the service's answers, and the failures a transport must survive.

use std::time::Duration;

use frs_emulator::{Emulator, EmulatorConfig, Fault, SeededFace};
use frs_request::faces::DeleteFaces;
use frs_request::{
    AsyncTransport, Config, Credentials, Endpoint, Error, RetryPolicy, SharedAsyncTransport, TransportError,
    TransportErrorKind, execute_async,
};
use frs_reqwest::{Client, ReqwestTransport, TransportLimits};
use frs_types::ErrorCode;
use frs_types::models::face_sets::FieldType;

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

fn config(emulator: &Emulator, credentials: Credentials, retry: RetryPolicy) -> Config {
    Config::new(
        Endpoint::parse(&emulator.endpoint()).unwrap(),
        EmulatorConfig::DEFAULT_PROJECT_ID.parse().unwrap(),
        credentials,
    )
    .with_retry(retry)
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
    Client::with_transport(config(emulator, credentials, retry), ReqwestTransport::new(limits).unwrap())
}

fn staff() -> frs_types::FaceSetName {
    "staff".parse().unwrap()
}

fn by_image(id: &str) -> DeleteFaces {
    DeleteFaces::by_external_image_id(staff(), id.parse().unwrap())
}

#[tokio::test]
async fn token_delete_by_external_image_id_deletes_every_face_of_the_image() {
    let emulator = emulator();
    let client = client(&emulator, Credentials::token(EmulatorConfig::DEFAULT_TOKEN));
    let reply = client.execute(&by_image("img-1")).await.unwrap();
    assert_eq!(reply.face_number, Some(2));
    assert_eq!(reply.face_set_name.as_deref(), Some("staff"));
    assert_eq!(reply.request_id.as_ref().map(String::len), Some(32));
    assert_eq!(emulator.face_count("staff"), Some(1));
    assert_eq!(emulator.requests()[0].header("x-auth-token"), Some("***"));
}

#[tokio::test]
async fn signed_delete_by_custom_field_verifies_on_the_server() {
    let emulator = emulator();
    let client = client(&emulator, Credentials::access_key(AK, SK));
    let op = DeleteFaces::by_field(staff(), "badge".parse().unwrap(), "B-1".parse().unwrap());
    // The emulator recomputes the signature from the request as it arrived.
    let reply = client.execute(&op).await.unwrap();
    assert_eq!(reply.face_number, Some(1));
    let seen = &emulator.requests()[0];
    assert_eq!(
        seen.target,
        format!("/v2/{}/face-sets/staff/faces?badge=B-1", EmulatorConfig::DEFAULT_PROJECT_ID)
    );
    assert_eq!(seen.header("host"), Some(emulator.addr().to_string().as_str()));
    assert_eq!(seen.header("authorization"), Some("***"));
}

#[tokio::test]
async fn temporary_credentials_send_a_signed_security_token() {
    let emulator = emulator();
    let face_id = emulator.seed_face("staff", SeededFace::new("img-9")).unwrap();
    let client = client(&emulator, Credentials::temporary("TEMPAK", "temp-sk", "sts-token"));
    let reply = client.execute(&DeleteFaces::by_face_id(staff(), face_id.parse().unwrap())).await.unwrap();
    assert_eq!(reply.face_number, Some(1));
    let client = client_with(
        &emulator,
        Credentials::access_key("TEMPAK", "temp-sk"),
        RetryPolicy::none(),
        TransportLimits::default(),
    );
    let err = client.execute(&by_image("img-2")).await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::GatewayIamAuthFailed));
}

#[tokio::test]
async fn seed_error_is_typed_with_its_request_id() {
    let emulator = emulator();
    let client = client(&emulator, Credentials::access_key(AK, SK));
    let err = client.execute(&by_image("nope")).await.unwrap_err();
    let service = err.service().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(service.code, ErrorCode::FieldNotFound);
    assert_eq!(service.status.as_u16(), 400);
    assert_eq!(service.message, "External id is not exist, can not delete face");
    assert_eq!(service.request_id.as_ref().map(String::len), Some(32));
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn unknown_custom_value_and_unknown_field_are_distinct_errors() {
    let emulator = emulator();
    let client = client(&emulator, Credentials::access_key(AK, SK));
    let err = client
        .execute(&DeleteFaces::by_field(staff(), "floor".parse().unwrap(), 99.into()))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::FieldValueNotFound));
    let err = client
        .execute(&DeleteFaces::by_field(staff(), "room".parse().unwrap(), "x".parse().unwrap()))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::FieldNotFound));
}

#[tokio::test]
async fn wrong_secret_key_is_refused_like_the_gateway() {
    let emulator = emulator();
    let client = client(&emulator, Credentials::access_key(AK, "not-the-secret"));
    let err = client.execute(&by_image("img-1")).await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::GatewayIamAuthFailed));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(emulator.face_count("staff"), Some(3));
}

#[tokio::test]
async fn html_502_from_a_proxy_is_a_clear_decode_error() {
    let emulator = emulator();
    emulator.inject(Fault::html(502, "<html><body><h1>502 Bad Gateway</h1>nginx</body></html>"), 1);
    let client = client(&emulator, Credentials::access_key(AK, SK));
    let err = client.execute(&by_image("img-1")).await.unwrap_err();
    let Error::Decode(decode) = &err else { panic!("expected a decode error, got {err:?}") };
    assert_eq!(decode.status.as_u16(), 502);
    assert!(decode.snippet.contains("502 Bad Gateway"), "{decode:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn throttled_request_is_retried_after_retry_after() {
    let emulator = emulator();
    emulator.inject(
        Fault::json(429, r#"{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached","request_id":"r1"}"#),
        1,
    );
    let retry = RetryPolicy { initial_backoff: Duration::from_millis(10), ..RetryPolicy::default() };
    let client = client_with(&emulator, Credentials::access_key(AK, SK), retry, TransportLimits::default());
    let reply = client.execute(&by_image("img-2")).await.unwrap();
    assert_eq!(reply.face_number, Some(1));
    assert_eq!(emulator.requests().len(), 2);
}

#[tokio::test]
async fn body_over_the_cap_is_not_read() {
    let emulator = emulator();
    let big = format!("{{\"face_number\": 1, \"pad\": \"{}\"}}", "x".repeat(64 * 1024));
    emulator.inject(Fault::json(200, &big), 1);
    let limits = TransportLimits { max_response_bytes: 4096, ..TransportLimits::default() };
    let client = client_with(&emulator, Credentials::access_key(AK, SK), RetryPolicy::none(), limits);
    let err = client.execute(&by_image("img-1")).await.unwrap_err();
    let Error::Transport(e) = &err else { panic!("expected a transport error, got {err:?}") };
    assert_eq!(e.kind(), TransportErrorKind::BodyTooLarge);
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let emulator = emulator();
    emulator.inject(Fault::Hang, 1);
    let limits = TransportLimits { total_timeout: Duration::from_millis(300), ..TransportLimits::default() };
    let client = client_with(&emulator, Credentials::access_key(AK, SK), RetryPolicy::none(), limits);
    let err = client.execute(&by_image("img-1")).await.unwrap_err();
    let Error::Transport(e) = &err else { panic!("expected a transport error, got {err:?}") };
    assert_eq!(e.kind(), TransportErrorKind::Timeout, "{e}");
}

#[tokio::test]
async fn a_truncated_answer_is_a_transport_error() {
    let emulator = emulator();
    let body = br#"{"face_number": 1, "face_set_id": "T785tx1N", "face_set_name": "staff"}"#.to_vec();
    emulator.inject(Fault::Truncate { status: 200, body, sent: 20 }, 1);
    let client = client(&emulator, Credentials::access_key(AK, SK));
    let err = client.execute(&by_image("img-1")).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
}

#[tokio::test]
async fn refused_connection_is_a_connect_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = Config::new(
        Endpoint::parse(&format!("http://127.0.0.1:{port}")).unwrap(),
        "p".parse().unwrap(),
        Credentials::token("t"),
    )
    .with_retry(RetryPolicy::none());
    let err = Client::new(config).unwrap().execute(&by_image("i")).await.unwrap_err();
    let Error::Transport(e) = &err else { panic!("{err:?}") };
    assert_eq!(e.kind(), TransportErrorKind::Connect, "{e}");
}

#[tokio::test]
async fn transport_can_be_shared_behind_a_trait_object() {
    let emulator = emulator();
    let transport = ReqwestTransport::new(TransportLimits::default()).unwrap();
    let shared = SharedAsyncTransport(std::sync::Arc::new(transport));
    let config = config(&emulator, Credentials::access_key(AK, SK), RetryPolicy::none());
    let reply =
        execute_async(&config, &shared, &by_image("img-2"), std::time::SystemTime::now, tokio::time::sleep)
            .await
            .unwrap();
    assert_eq!(reply.face_number, Some(1));
    // The future of a transport is Send, so calls can be spawned.
    let handle =
        tokio::spawn(async move { shared.send(http::Request::new(bytes::Bytes::new())).await.is_err() });
    assert!(handle.await.unwrap());
}

#[tokio::test]
async fn listing_stream_walks_every_page() {
    use futures_util::StreamExt as _;
    let emulator = emulator();
    emulator.seed_face_set("many", &[]);
    for i in 0..12 {
        emulator.seed_face("many", SeededFace::new(&format!("img-{i}"))).unwrap();
    }
    let client = client(&emulator, Credentials::access_key(AK, SK));
    let stream = client.faces("many".parse().unwrap(), 5).unwrap();
    let faces: Vec<_> = stream.collect().await;
    assert_eq!(faces.len(), 12);
    assert_eq!(faces[11].as_ref().unwrap().external_image_id.as_deref(), Some("img-11"));
    assert_eq!(emulator.requests().len(), 3);
}

#[tokio::test]
async fn listing_stream_ends_with_the_error_of_a_failed_page() {
    use futures_util::StreamExt as _;
    let emulator = emulator();
    emulator.inject(Fault::html(502, "<html>bad gateway</html>"), 1);
    let client = client(&emulator, Credentials::access_key(AK, SK));
    let items: Vec<_> = client.faces(staff(), 2).unwrap().collect().await;
    assert_eq!(items.len(), 1);
    assert!(matches!(&items[0], Err(Error::Decode(d)) if d.status.as_u16() == 502));
}

#[tokio::test]
async fn image_files_are_read_and_checked() {
    let dir = std::env::temp_dir().join(format!("frs-reqwest-test-{}", std::process::id()));
    tokio::fs::create_dir_all(&dir).await.unwrap();
    let png = dir.join("face.png");
    tokio::fs::write(&png, [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]).await.unwrap();
    let image = frs_reqwest::read_image(&png).await.unwrap();
    assert_eq!(image.format(), Some(frs_types::ImageFormat::Png));
    let not_video = frs_reqwest::read_video(&png).await.unwrap_err();
    assert!(not_video.to_string().contains("face.png"), "{not_video}");
    tokio::fs::remove_dir_all(&dir).await.unwrap();
}
