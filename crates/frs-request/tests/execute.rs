//! The execute loops and the retry policy, with closures as transports: exact requests,
//! one fresh signature per attempt, and which failures are retried.

use std::cell::RefCell;
use std::convert::Infallible;
use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use frs_request::faces::DeleteFaces;
use frs_request::{
    ApiVersion, Body, BuildError, Config, Credentials, Endpoint, Error, Idempotency, Operation, RequestSpec,
    RetryDecision, RetryPolicy, Secret, TransportError, TransportErrorKind, execute_async, execute_blocking,
};
use frs_types::ErrorCode;
use frs_types::models::faces::DeleteFacesResponse;

const PROJECT: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";

fn config(credentials: Credentials) -> Config {
    Config::new(
        Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com").unwrap(),
        PROJECT.parse().unwrap(),
        credentials,
    )
}

fn op() -> DeleteFaces {
    DeleteFaces::by_field("showFaceSet".parse().unwrap(), "id".parse().unwrap(), "home".parse().unwrap())
}

fn answer(status: u16, body: &str) -> http::Response<Bytes> {
    http::Response::builder()
        .status(status)
        .header("X-Request-Id", "rid-1")
        .body(Bytes::from(body.to_owned()))
        .unwrap()
}

const OK: &str = r#"{"face_number": 1, "face_set_id": "T785tx1N", "face_set_name": "showFaceSet"}"#;

#[test]
fn token_request_is_exactly_the_documented_one() {
    let seen = RefCell::new(Vec::new());
    let transport = |req: http::Request<Bytes>| -> Result<http::Response<Bytes>, Infallible> {
        seen.borrow_mut().push(req);
        Ok(answer(200, OK))
    };
    let reply = execute_blocking(
        &config(Credentials::token("MIINRw-token")),
        &transport,
        &op(),
        SystemTime::now,
        |_| {},
    )
    .unwrap();
    assert_eq!(
        reply.value,
        DeleteFacesResponse {
            face_number: Some(1),
            face_set_id: Some("T785tx1N".into()),
            face_set_name: Some("showFaceSet".into()),
        }
    );
    assert_eq!(reply.request_id.as_deref(), Some("rid-1"));
    let seen = seen.borrow();
    let req = &seen[0];
    assert_eq!(req.method(), http::Method::DELETE);
    assert_eq!(
        req.uri().to_string(),
        format!("https://face.cn-north-4.myhuaweicloud.com/v2/{PROJECT}/face-sets/showFaceSet/faces?id=home")
    );
    let mut names: Vec<&str> = req.headers().keys().map(http::HeaderName::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["content-type", "user-agent", "x-auth-token"]);
    assert_eq!(req.headers()["content-type"], "application/json");
    assert_eq!(req.headers()["x-auth-token"], "MIINRw-token");
    assert!(req.headers()["x-auth-token"].is_sensitive());
    assert!(req.body().is_empty());
}

#[test]
fn every_attempt_is_signed_anew_with_the_clock() {
    let dates = RefCell::new(Vec::new());
    let transport = |req: http::Request<Bytes>| -> Result<http::Response<Bytes>, Infallible> {
        dates.borrow_mut().push(req.headers()["x-sdk-date"].to_str().unwrap().to_owned());
        let (parts, body) = req.into_parts();
        frs_request::server::verify(
            &parts,
            &body,
            |_| Some(Secret::new("SK")),
            clock_at(dates.borrow().len() as u64),
            Duration::from_secs(900),
        )
        .unwrap();
        Ok(if dates.borrow().len() < 3 {
            answer(503, r#"{"error_code":"FRS.0018","error_msg":"The service inner error."}"#)
        } else {
            answer(200, OK)
        })
    };
    let tick = RefCell::new(0u64);
    let clock = || {
        *tick.borrow_mut() += 1;
        clock_at(*tick.borrow())
    };
    let sleeps = RefCell::new(Vec::new());
    let retry = RetryPolicy { max_attempts: 3, ..RetryPolicy::default() };
    let reply = execute_blocking(
        &config(Credentials::access_key("AK", "SK")).with_retry(retry),
        &transport,
        &op(),
        clock,
        |d| {
            sleeps.borrow_mut().push(d);
        },
    )
    .unwrap();
    assert_eq!(reply.face_number, Some(1));
    // The loop reads the clock when it builds a request and when it records the answer, so
    // the attempts were built at ticks 1, 3 and 5: each carries its own date.
    assert_eq!(*dates.borrow(), ["20240315T102031Z", "20240315T102033Z", "20240315T102035Z"]);
    let sleeps = sleeps.borrow();
    assert_eq!(sleeps.len(), 2);
    // Equal jitter: between half and all of 200 ms, then of 400 ms.
    assert!(sleeps[0] >= Duration::from_millis(100) && sleeps[0] <= Duration::from_millis(200), "{sleeps:?}");
    assert!(sleeps[1] >= Duration::from_millis(200) && sleeps[1] <= Duration::from_millis(400), "{sleeps:?}");
}

fn clock_at(tick: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_710_498_030 + tick)
}

#[test]
fn the_last_error_is_returned_when_attempts_run_out() {
    let calls = RefCell::new(0);
    let transport = |_: http::Request<Bytes>| -> Result<http::Response<Bytes>, Infallible> {
        *calls.borrow_mut() += 1;
        Ok(answer(500, r#"{"error_code":"FRS.0018","error_msg":"The service inner error."}"#))
    };
    let cfg =
        config(Credentials::token("t")).with_retry(RetryPolicy { max_attempts: 4, ..RetryPolicy::default() });
    let err = execute_blocking(&cfg, &transport, &op(), SystemTime::now, |_| {}).unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InternalError));
    assert_eq!(*calls.borrow(), 4);
}

#[test]
fn service_errors_that_cannot_change_are_not_retried() {
    let calls = RefCell::new(0);
    let transport = |_: http::Request<Bytes>| -> Result<http::Response<Bytes>, Infallible> {
        *calls.borrow_mut() += 1;
        Ok(answer(
            400,
            r#"{"error_code":"FRS.0402","error_msg":"External id is not exist, can not delete face"}"#,
        ))
    };
    let err = execute_blocking(&config(Credentials::token("t")), &transport, &op(), SystemTime::now, |_| {})
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::FieldNotFound));
    assert_eq!(*calls.borrow(), 1);
}

/// A transport error with a chosen kind.
#[derive(Debug, thiserror::Error)]
#[error("fake transport failure: {0:?}")]
struct Fake(TransportErrorKind);

impl TransportError for Fake {
    fn kind(&self) -> TransportErrorKind {
        self.0
    }
}

/// An operation that is not idempotent (like adding faces), to test the policy.
struct AddSomething;

impl Operation for AddSomething {
    type Output = serde_json::Value;
    const NAME: &'static str = "AddSomething";
    fn request_spec(&self) -> Result<RequestSpec<'_>, BuildError> {
        Ok(RequestSpec::frs(
            http::Method::POST,
            ApiVersion::V2,
            vec!["face-sets".into(), "s".into(), "faces".into()],
        )
        .body(Body::Json(Bytes::from_static(b"{}"))))
    }
    fn idempotency(&self) -> Idempotency {
        Idempotency::NotIdempotent
    }
    fn parse(&self, response: http::Response<Bytes>) -> Result<frs_request::Reply<serde_json::Value>, Error> {
        frs_request::response::parse_json(response)
    }
}

#[test]
fn retry_policy_weighs_idempotency() {
    let policy = RetryPolicy::default();
    let timeout: Error<Fake> = Error::Transport(Fake(TransportErrorKind::Timeout));
    let refused: Error<Fake> = Error::Transport(Fake(TransportErrorKind::Connect));
    let too_big: Error<Fake> = Error::Transport(Fake(TransportErrorKind::BodyTooLarge));
    let throttled = AddSomething
        .parse(answer(429, r#"{"error_code":"APIGW.0308","error_msg":"throttled","request_id":"x"}"#))
        .unwrap_err()
        .into_transport::<Fake>();
    let server = AddSomething
        .parse(answer(500, r#"{"error_code":"FRS.0018","error_msg":"x"}"#))
        .unwrap_err()
        .into_transport::<Fake>();
    let retries =
        |e: &Error<Fake>, i: Idempotency| matches!(policy.decide(1, i, e, 7), RetryDecision::RetryAfter(_));
    // Idempotent: every transient failure.
    for e in [&timeout, &refused, &throttled, &server] {
        assert!(retries(e, Idempotency::Idempotent), "{e:?}");
    }
    // Not idempotent: only when the service certainly did not act.
    assert!(retries(&refused, Idempotency::NotIdempotent));
    assert!(retries(&throttled, Idempotency::NotIdempotent));
    assert!(!retries(&timeout, Idempotency::NotIdempotent));
    assert!(!retries(&server, Idempotency::NotIdempotent));
    assert!(!retries(&too_big, Idempotency::Idempotent));
    // Never past the last attempt.
    assert_eq!(policy.decide(3, Idempotency::Idempotent, &timeout, 7), RetryDecision::Stop);
    assert_eq!(RetryPolicy::none().decide(1, Idempotency::Idempotent, &timeout, 7), RetryDecision::Stop);
}

#[test]
fn retry_after_is_honoured_up_to_its_cap() {
    let with_retry_after = |secs: &str| {
        let resp = http::Response::builder()
            .status(429)
            .header("Retry-After", secs)
            .body(Bytes::from_static(br#"{"error_code":"FRS.0033","error_msg":"too many requests"}"#))
            .unwrap();
        op().parse(resp).unwrap_err().into_transport::<Fake>()
    };
    let policy = RetryPolicy::default();
    assert_eq!(
        policy.decide(1, Idempotency::Idempotent, &with_retry_after("2"), 0),
        RetryDecision::RetryAfter(Duration::from_secs(2))
    );
    assert_eq!(policy.decide(1, Idempotency::Idempotent, &with_retry_after("3600"), 0), RetryDecision::Stop);
}

#[test]
fn backoff_is_bounded_for_any_attempt_and_random_input() {
    let policy = RetryPolicy { max_attempts: u32::MAX, ..RetryPolicy::default() };
    let e: Error<Fake> = Error::Transport(Fake(TransportErrorKind::Connect));
    for attempt in [1, 2, 5, 31, 32, 64, 1000, u32::MAX - 1] {
        for random in [0, 1, u64::MAX / 3, u64::MAX] {
            match policy.decide(attempt, Idempotency::NotIdempotent, &e, random) {
                RetryDecision::RetryAfter(d) => assert!(d <= policy.max_backoff, "{attempt} {random} {d:?}"),
                RetryDecision::Stop => panic!("attempt {attempt} should be retried"),
            }
        }
    }
}

#[test]
fn bad_input_sends_nothing() {
    let calls = RefCell::new(0);
    let transport = |_: http::Request<Bytes>| -> Result<http::Response<Bytes>, Infallible> {
        *calls.borrow_mut() += 1;
        Ok(answer(200, OK))
    };
    let err = execute_blocking(
        &config(Credentials::access_key("A K", "SK")),
        &transport,
        &op(),
        SystemTime::now,
        |_| {},
    )
    .unwrap_err();
    assert!(matches!(err, Error::Build(BuildError::Header { name: "Authorization" })), "{err:?}");
    assert_eq!(*calls.borrow(), 0);
}

#[test]
fn async_loop_runs_with_an_async_closure_transport() {
    let transport = |req: http::Request<Bytes>| async move {
        assert_eq!(req.uri().query(), Some("id=home"));
        Ok::<_, Infallible>(answer(200, OK))
    };
    let (config, op) = (config(Credentials::token("t")), op());
    // A minimal executor is enough: the closure transport never pends.
    let reply = block_on(execute_async(&config, &transport, &op, SystemTime::now, |_| async {})).unwrap();
    assert_eq!(reply.face_number, Some(1));
}

fn block_on<F: Future>(fut: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let mut fut = std::pin::pin!(fut);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
    }
}
