//! Testing your own code with a closure as the transport: no sockets, no emulator, no real
//! clock. `retire_badge` is "your code": it takes a client, whatever its transport and
//! runtime. `main` is written as a test of it: a closure records the exact request the core
//! built and signed (method, path, query, signed headers) and answers with a canned
//! response; a `(clock, sleep)` pair of closures is the runtime, so the signature's date is
//! fixed (and the signature is checked as the gateway checks it); then the parsed result is
//! checked. A service error is answered the same way.
//!
//! `cargo run -p frs-request --example closure_transport` (it prints what it checked and
//! fails on any mismatch).

use std::cell::RefCell;
use std::convert::Infallible;
use std::error::Error;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use frs_request::faces::DeleteFaces;
use frs_request::{BlockingClient, BlockingRuntime, Config, Credentials, Endpoint, Secret, SyncTransport};
use frs_types::{ErrorCode, FaceSetName, FieldName, FieldValue};

// ---- Your code ---------------------------------------------------------------------------

/// Retires a visitor badge: deletes every face of `face_set` whose custom field `badge` has
/// that value, and says how many went. A badge no face carries is not an error: 0.
///
/// In production `client` is a `frs_ureq::Client`; in a test, a client over a closure.
pub(crate) fn retire_badge<T: SyncTransport, R: BlockingRuntime>(
    client: &BlockingClient<T, R>,
    face_set: FaceSetName,
    badge: FieldValue,
) -> Result<u64, frs_request::Error<T::Error>> {
    match client.execute(&DeleteFaces::by_field(face_set, FieldName::new("badge")?, badge)) {
        Ok(reply) => Ok(reply.face_number.unwrap_or(0)),
        Err(e) if e.code() == Some(&ErrorCode::FieldValueNotFound) => Ok(0),
        Err(e) => Err(e),
    }
}

// ---- Its test ----------------------------------------------------------------------------

const PROJECT: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
/// The time of the test's clock, as `X-Sdk-Date` carries it.
const SIGNED_AT: &str = "20240315T102030Z";

/// The test's clock: always 2024-03-15T10:20:30Z.
fn signed_at() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_710_498_030)
}

/// Runs `retire_badge` twice, against a success and against the service's "no face has
/// this value" error, checking the request sent and the result; an error names the mismatch.
pub(crate) fn main() -> Result<(), Box<dyn Error>> {
    // Two faces carried the badge.
    let (result, sent) =
        with_answer(200, r#"{"face_number": 2, "face_set_id": "a1b2c3d4", "face_set_name": "visitors"}"#);
    let [request] = sent.as_slice() else {
        return Err(format!("expected exactly one request, {} were sent", sent.len()).into());
    };
    check_request(request)?;
    check("the result is the answer's face_number", result? == 2)?;

    // None did: the service answers FRS.0401, which `retire_badge` turns into 0 — without
    // a retry (an error answer of the service is final).
    let (result, sent) = with_answer(
        400,
        r#"{"error_code": "FRS.0401", "error_msg": "No face has the value of badge, can not delete face"}"#,
    );
    check("one request, no retry of a final error", sent.len() == 1)?;
    check("FRS.0401 is read as nothing deleted", result? == 0)?;
    println!("all checks passed");
    Ok(())
}

/// The requests a closure transport was sent.
type Requests = Vec<http::Request<Bytes>>;

/// Calls `retire_badge(visitors, V-9)` over a closure that records each request and answers
/// `status` with `body`; returns the result and the requests sent.
fn with_answer(status: u16, body: &'static str) -> (Result<u64, Box<dyn Error>>, Requests) {
    let sent = RefCell::new(Vec::new());
    let transport = |request: http::Request<Bytes>| -> Result<http::Response<Bytes>, Infallible> {
        sent.borrow_mut().push(request);
        let mut response = http::Response::new(Bytes::from_static(body.as_bytes()));
        *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or_default();
        response.headers_mut().insert("x-request-id", http::HeaderValue::from_static("req-0001"));
        Ok(response)
    };
    // The runtime: a fixed clock, and a sleep that returns at once (retries would not wait).
    let runtime = (signed_at, |_wait: Duration| {});
    let result = (|| -> Result<u64, Box<dyn Error>> {
        let config = Config::new(
            Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com")?,
            PROJECT.parse()?,
            Credentials::access_key("AK", "SK"),
        );
        let client = BlockingClient::with_runtime(config, &transport, runtime);
        Ok(retire_badge(&client, "visitors".parse()?, "V-9".parse()?)?)
    })();
    (result, sent.into_inner())
}

/// The request a by-field delete must be, to the byte where it matters.
fn check_request(request: &http::Request<Bytes>) -> Result<(), Box<dyn Error>> {
    let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("");
    println!("{} {}", request.method(), request.uri());
    check("method DELETE", request.method() == http::Method::DELETE)?;
    check("the face set's faces", request.uri().path() == format!("/v2/{PROJECT}/face-sets/visitors/faces"))?;
    check("the custom field as the query", request.uri().query() == Some("badge=V-9"))?;
    check("no body", request.body().is_empty())?;
    check("the project header", header("x-project-id") == PROJECT)?;
    check("signed at the runtime's time", header("x-sdk-date") == SIGNED_AT)?;
    let auth = header("authorization");
    let signed_headers = auth
        .strip_prefix("SDK-HMAC-SHA256 Access=AK, SignedHeaders=")
        .and_then(|rest| rest.split(", ").next())
        .unwrap_or("");
    println!("signed headers: {signed_headers}");
    check("the signed headers", signed_headers == "content-type;host;user-agent;x-project-id;x-sdk-date")?;
    // And the signature is right: checked as the API gateway checks it, with the secret key.
    let (parts, body) = request.clone().into_parts();
    let verified = frs_request::server::verify(
        &parts,
        &body,
        |ak| (ak == "AK").then(|| Secret::new("SK")),
        signed_at(),
        Duration::from_secs(15 * 60),
    );
    check("the signature verifies with the secret key", verified.is_ok())
}

fn check(what: &str, ok: bool) -> Result<(), Box<dyn Error>> {
    if ok {
        println!("ok: {what}");
        Ok(())
    } else {
        Err(format!("check failed: {what}").into())
    }
}
