//! The client's reliability machinery with closures as transports and a fake clock: the
//! retry budget shared by clones, the whole-call deadline, full jitter, honest deletes
//! after a lost answer, adds never resent after an unknown outcome, clock-skew correction
//! and the client-side rate limit.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use frs_request::faces::{AddFaces, BatchDeleteFaces, DeleteFaces};
use frs_request::{
    BlockingClient, Config, Credentials, Endpoint, Error, Idempotency, Jitter, Outcome, RateLimit,
    RetryBudget, RetryDecision, RetryPolicy, Secret, TransportError, TransportErrorKind,
};
use frs_types::{ErrorCode, Image};

const PROJECT: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const OK: &str = r#"{"face_number": 1, "face_set_id": "T785tx1N", "face_set_name": "showFaceSet"}"#;
const BUSY: &str = r#"{"error_code":"FRS.0018","error_msg":"The service inner error."}"#;

#[derive(Debug)]
struct Fake(TransportErrorKind);

impl fmt::Display for Fake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fake {:?}", self.0)
    }
}

impl std::error::Error for Fake {}

impl TransportError for Fake {
    fn kind(&self) -> TransportErrorKind {
        self.0
    }
}

type Sent = Result<http::Response<Bytes>, Fake>;

fn config(credentials: Credentials, retry: RetryPolicy) -> Config {
    Config::new(
        Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com").unwrap(),
        PROJECT.parse().unwrap(),
        credentials,
    )
    .with_retry(retry)
}

fn answer(status: u16, body: &str) -> http::Response<Bytes> {
    http::Response::builder()
        .status(status)
        .header("X-Request-Id", "rid-1")
        .body(Bytes::from(body.to_owned()))
        .unwrap()
}

fn by_field() -> DeleteFaces {
    DeleteFaces::by_field("showFaceSet".parse().unwrap(), "id".parse().unwrap(), "home".parse().unwrap())
}

/// A fake clock that moves only when the client sleeps.
struct Clock(Cell<SystemTime>);

impl Clock {
    fn new() -> Self {
        Self(Cell::new(UNIX_EPOCH + Duration::from_secs(1_780_000_000)))
    }
    fn now(&self) -> SystemTime {
        self.0.get()
    }
    fn advance(&self, d: Duration) {
        self.0.set(self.0.get() + d);
    }
}

fn fast(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(10),
        ..RetryPolicy::default()
    }
}

#[test]
fn defaults_are_finite_and_in_one_place() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.max_attempts, 3);
    assert_eq!(policy.jitter, Jitter::Equal);
    assert_eq!(policy.call_timeout, Some(Duration::from_secs(120)));
    assert_eq!(
        policy.budget,
        Some(RetryBudget { capacity: 500, retry_cost: 5, timeout_cost: 10, success_refund: 1 })
    );
}

#[test]
fn the_budget_runs_dry_for_every_clone_and_refills_with_successes() {
    let clock = Clock::new();
    let failing = Cell::new(true);
    let sent = Cell::new(0u32);
    let transport = |_: http::Request<Bytes>| -> Sent {
        sent.set(sent.get() + 1);
        Ok(if failing.get() { answer(503, BUSY) } else { answer(200, OK) })
    };
    let budget = RetryBudget { capacity: 10, retry_cost: 5, timeout_cost: 10, success_refund: 1 };
    let retry = RetryPolicy { budget: Some(budget), ..fast(3) };
    let runtime = (|| clock.now(), |d: Duration| clock.advance(d));
    let client = BlockingClient::with_runtime(config(Credentials::token("t"), retry), &transport, runtime);
    let clone = client.clone();

    // Two retries empty the bucket...
    assert!(client.execute(&by_field()).is_err());
    assert_eq!(sent.replace(0), 3);
    assert_eq!(clone.shared().retry_tokens(&budget), 0);
    // ...so the clone gets its first attempt only.
    assert_eq!(clone.execute(&by_field()).unwrap_err().code(), Some(&ErrorCode::InternalError));
    assert_eq!(sent.replace(0), 1);
    // Five successes give back five tokens: one retry's worth.
    failing.set(false);
    for _ in 0..5 {
        clone.execute(&by_field()).unwrap();
    }
    assert_eq!(client.shared().retry_tokens(&budget), 5);
    sent.set(0);
    failing.set(true);
    assert!(client.execute(&by_field()).is_err());
    assert_eq!(sent.get(), 2, "one retry, then the bucket is dry again");
}

#[test]
fn no_budget_means_every_call_retries() {
    let clock = Clock::new();
    let sent = Cell::new(0u32);
    let transport = |_: http::Request<Bytes>| -> Sent {
        sent.set(sent.get() + 1);
        Ok(answer(503, BUSY))
    };
    let retry = RetryPolicy { budget: None, ..fast(3) };
    let runtime = (|| clock.now(), |d: Duration| clock.advance(d));
    let client = BlockingClient::with_runtime(config(Credentials::token("t"), retry), &transport, runtime);
    for _ in 0..200 {
        assert!(client.execute(&by_field()).is_err());
    }
    assert_eq!(sent.get(), 600);
}

#[test]
fn the_deadline_bounds_every_attempt_and_wait() {
    let clock = Clock::new();
    let sent = Cell::new(0u32);
    // Each attempt takes 300 ms of the fake clock.
    let transport = |_: http::Request<Bytes>| -> Sent {
        sent.set(sent.get() + 1);
        clock.advance(Duration::from_millis(300));
        Ok(answer(503, BUSY))
    };
    let retry = RetryPolicy {
        max_attempts: 100,
        initial_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_millis(100),
        jitter: Jitter::None,
        call_timeout: Some(Duration::from_secs(2)),
        ..RetryPolicy::default()
    };
    let runtime = (|| clock.now(), |d: Duration| clock.advance(d));
    let client = BlockingClient::with_runtime(config(Credentials::token("t"), retry), &transport, runtime);
    let start = clock.now();
    let err = client.execute(&by_field()).unwrap_err();
    let took = clock.now().duration_since(start).unwrap();
    assert_eq!(err.code(), Some(&ErrorCode::InternalError), "the last error is returned");
    assert!(took <= Duration::from_secs(2), "{took:?}");
    // 400 ms a round: the 5th attempt ends at 1.9 s, and a wait would pass 2 s.
    assert_eq!(sent.get(), 5);
}

#[test]
fn full_jitter_spreads_between_zero_and_the_backoff() {
    let policy = RetryPolicy { jitter: Jitter::Full, ..RetryPolicy::default() };
    let e: Error<Fake> = Error::Transport(Fake(TransportErrorKind::Connect));
    let mut seen = Vec::new();
    for random in [0, 1, 7, 1 << 20, 1 << 40, u64::MAX / 3, u64::MAX] {
        let RetryDecision::RetryAfter(d) = policy.decide(1, Idempotency::Idempotent, &e, random) else {
            panic!("a refused connection is retried");
        };
        assert!(d < policy.initial_backoff, "{d:?}");
        seen.push(d);
    }
    assert_eq!(seen[0], Duration::ZERO, "full jitter may not wait at all");
    let none = RetryPolicy { jitter: Jitter::None, ..RetryPolicy::default() };
    assert_eq!(
        none.decide(2, Idempotency::Idempotent, &e, 12345),
        RetryDecision::RetryAfter(Duration::from_millis(400))
    );
}

/// A delete whose first answer is lost (`first`), and whose retry finds nothing (`code`).
fn delete_after(
    first: Sent,
    code: &str,
    op: &(impl frs_request::Operation<Output = frs_types::models::faces::DeleteFacesResponse> + ?Sized),
) -> Result<frs_request::Reply<frs_types::models::faces::DeleteFacesResponse>, Error<Fake>> {
    let first = RefCell::new(Some(first));
    let transport = |_: http::Request<Bytes>| -> Sent {
        match first.borrow_mut().take() {
            Some(outcome) => outcome,
            None => Ok(answer(400, &format!(r#"{{"error_code":"{code}","error_msg":"nothing matched"}}"#))),
        }
    };
    let client = BlockingClient::with_runtime(
        config(Credentials::token("t"), fast(3)),
        &transport,
        (SystemTime::now, |_: Duration| {}),
    );
    client.execute(op)
}

#[test]
fn a_delete_whose_answer_was_lost_reports_gone_with_no_count() {
    let cases: [(Sent, &str); 4] = [
        (Err(Fake(TransportErrorKind::Timeout)), "FRS.0402"),
        (Err(Fake(TransportErrorKind::Other)), "FRS.0403"),
        (Ok(answer(502, "<html>bad gateway</html>")), "FRS.0402"),
        (Ok(answer(503, BUSY)), "FRS.0407"),
    ];
    for (first, code) in cases {
        let reply = delete_after(first, code, &by_field()).unwrap();
        assert_eq!(reply.outcome, Outcome::GoneCountUnknown { code: ErrorCode::parse(code) }, "{code}");
        assert_eq!(reply.face_number, None, "never a made-up count");
        assert_eq!(reply.face_set_name.as_deref(), Some("showFaceSet"));
        assert_eq!(reply.request_id.as_deref(), Some("rid-1"));
    }
    let batch = BatchDeleteFaces::new("showFaceSet".parse().unwrap(), "id:home".parse().unwrap());
    let reply = delete_after(Err(Fake(TransportErrorKind::Timeout)), "FRS.0407", &batch).unwrap();
    assert!(matches!(reply.outcome, Outcome::GoneCountUnknown { .. }));
}

#[test]
fn a_delete_that_finds_nothing_at_once_is_a_plain_error() {
    // The first attempt was refused before sending: the service certainly did not act.
    let err = delete_after(Err(Fake(TransportErrorKind::Connect)), "FRS.0402", &by_field()).unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::FieldNotFound));
    // A code that does not mean "nothing matched" stays an error after a lost answer too.
    let err = delete_after(Err(Fake(TransportErrorKind::Timeout)), "FRS.0019", &by_field()).unwrap_err();
    assert_eq!(err.code().map(ErrorCode::as_str), Some("FRS.0019"));
}

#[test]
fn an_add_is_never_resent_after_an_unknown_outcome() {
    let image = Image::from_bytes("a.jpg", &b"\xFF\xD8\xFF\xE0 a jpeg"[..]).unwrap();
    let add =
        AddFaces::new("showFaceSet".parse().unwrap(), image).external_image_id("img-1".parse().unwrap());
    for first in [
        Err(Fake(TransportErrorKind::Timeout)),
        Err(Fake(TransportErrorKind::Other)),
        Ok(answer(502, "<html>bad gateway</html>")),
        Ok(answer(500, BUSY)),
    ] {
        let first = RefCell::new(Some(first));
        let sent = Cell::new(0u32);
        let transport = |_: http::Request<Bytes>| -> Sent {
            sent.set(sent.get() + 1);
            first.borrow_mut().take().unwrap_or_else(|| Ok(answer(200, r#"{"faces": []}"#)))
        };
        let client = BlockingClient::with_runtime(
            config(Credentials::token("t"), fast(5)),
            &transport,
            (SystemTime::now, |_: Duration| {}),
        );
        assert!(client.execute(&add).is_err());
        assert_eq!(sent.get(), 1);
    }
}

fn lost_add(external_image_id: Option<&str>) -> AddFaces {
    let image = Image::from_bytes("a.jpg", &b"\xFF\xD8\xFF\xE0 a jpeg"[..]).unwrap();
    let add = AddFaces::new("showFaceSet".parse().unwrap(), image);
    match external_image_id {
        Some(id) => add.external_image_id(id.parse().unwrap()),
        None => add,
    }
}

type AddResult = Result<frs_request::Reply<frs_types::models::faces::FacesResponse>, Error<Fake>>;

const ADDED: &str = r#"{"face_set_id":"T785tx1N","face_set_name":"showFaceSet","faces":[{"face_id":"new1","external_image_id":"img-1"}]}"#;

/// Runs `add` opted in to checked resends over a transport whose first add is `first` and
/// whose searches answer `search`; returns the result and the requests sent, as
/// `(method, path and query, body)`.
fn opted_in_add(
    add: &AddFaces,
    first: Sent,
    search: impl Fn() -> Sent,
) -> (AddResult, Vec<(String, String, String)>) {
    let first = RefCell::new(Some(first));
    let log = RefCell::new(Vec::new());
    let transport = |req: http::Request<Bytes>| -> Sent {
        let path = req.uri().path_and_query().map(ToString::to_string).unwrap_or_default();
        let body = String::from_utf8_lossy(req.body()).into_owned();
        log.borrow_mut().push((req.method().to_string(), path.clone(), body));
        if path.ends_with("/search") {
            return search();
        }
        first.borrow_mut().take().unwrap_or_else(|| Ok(answer(200, ADDED)))
    };
    let retry = RetryPolicy { resend_adds_after_check: true, ..fast(3) };
    let client = BlockingClient::with_runtime(
        config(Credentials::token("t"), retry),
        &transport,
        (SystemTime::now, |_: Duration| {}),
    );
    let result = client.execute(add);
    (result, log.into_inner())
}

#[test]
fn an_opted_in_add_whose_answer_was_lost_is_found_not_resent() {
    let hits = r#"{"faces":[{"face_id":"f1","external_image_id":"img-1","similarity":1.0,"bounding_box":{"width":10,"top_left_y":1,"top_left_x":2,"height":12}}]}"#;
    let (result, log) =
        opted_in_add(&lost_add(Some("img-1")), Err(Fake(TransportErrorKind::Timeout)), || {
            Ok(answer(200, hits))
        });
    let reply = result.unwrap();
    assert_eq!(reply.outcome, Outcome::FoundAfterLostAnswer);
    let faces = reply.faces.as_deref().unwrap();
    assert_eq!(faces.len(), 1);
    assert_eq!(faces[0].face_id.as_deref(), Some("f1"));
    assert_eq!(faces[0].external_image_id.as_deref(), Some("img-1"));
    assert_eq!(faces[0].bounding_box.as_ref().map(|b| b.width), Some(10));
    assert_eq!(reply.face_set_name.as_deref(), Some("showFaceSet"));
    let methods: Vec<&str> =
        log.iter().map(|(m, p, _)| if p.ends_with("/search") { "search" } else { m.as_str() }).collect();
    assert_eq!(methods, ["POST", "search"], "found: not resent");
    // The check searches the same image among the faces with the add's id, any similarity
    // (a multipart form, as the image is a file).
    let check = &log[1].2;
    for part in [
        "name=\"filter\"\r\n\r\nexternal_image_id:img-1\r\n",
        "name=\"threshold\"\r\n\r\n0",
        "name=\"top_n\"\r\n\r\n1000\r\n",
        "a jpeg",
    ] {
        assert!(check.contains(part), "{part:?} not in {check}");
    }
}

#[test]
fn an_opted_in_add_that_did_not_land_is_resent_once() {
    for first in [
        Err(Fake(TransportErrorKind::Timeout)),
        Err(Fake(TransportErrorKind::Other)),
        Ok(answer(502, "<html>bad gateway</html>")),
        Ok(answer(500, BUSY)),
    ] {
        let (result, log) =
            opted_in_add(&lost_add(Some("img-1")), first, || Ok(answer(200, r#"{"faces":[]}"#)));
        let reply = result.unwrap();
        assert_eq!(reply.outcome, Outcome::Answered);
        assert_eq!(reply.faces.as_deref().map(<[_]>::len), Some(1));
        let posts = log.iter().filter(|(m, p, _)| m == "POST" && !p.ends_with("/search")).count();
        assert_eq!((log.len(), posts), (3, 2), "add, check, add again");
    }
}

#[test]
fn an_opted_in_add_is_not_resent_when_the_check_cannot_tell() {
    // The check itself fails: the outcome stays unknown, and says so.
    let (result, log) =
        opted_in_add(&lost_add(Some("img-1")), Err(Fake(TransportErrorKind::Timeout)), || {
            Err(Fake(TransportErrorKind::Timeout))
        });
    let err = result.unwrap_err();
    assert!(matches!(&err, Error::Call(frs_request::CallError::AddOutcomeUnknown { .. })), "{err:?}");
    assert!(err.to_string().contains("could not tell"), "{err}");
    assert_eq!(log.len(), 2);
    let (result, _) = opted_in_add(&lost_add(Some("img-1")), Ok(answer(503, BUSY)), || {
        Ok(answer(400, r#"{"error_code":"FRS.0404","error_msg":"no face"}"#))
    });
    assert!(matches!(result, Err(Error::Call(frs_request::CallError::AddOutcomeUnknown { .. }))));
    // Without an external_image_id there is nothing to look for: never resent.
    let (result, log) =
        opted_in_add(&lost_add(None), Err(Fake(TransportErrorKind::Timeout)), || unreachable!());
    assert!(matches!(&result, Err(Error::Transport(e)) if e.kind() == TransportErrorKind::Timeout));
    assert_eq!(log.len(), 1);
    // An error answer of the service itself is not an unknown outcome: no check, no resend.
    let (result, log) = opted_in_add(
        &lost_add(Some("img-1")),
        Ok(answer(400, r#"{"error_code":"FRS.0404","error_msg":"no face"}"#)),
        || unreachable!(),
    );
    assert_eq!(result.unwrap_err().code().map(ErrorCode::as_str), Some("FRS.0404"));
    assert_eq!(log.len(), 1);
}

/// A gateway whose clock is `skew` ahead of the client's, checking signatures as FRS does.
fn skewed_gateway(skew: Duration, clock: &Clock, refused: &Cell<u32>, req: http::Request<Bytes>) -> Sent {
    let server_now = clock.now() + skew;
    let (parts, body) = req.into_parts();
    let verified = frs_request::server::verify(
        &parts,
        &body,
        |_| Some(Secret::new("SK")),
        server_now,
        Duration::from_secs(900),
    );
    let date = httpdate(server_now);
    let response = if verified.is_ok() {
        http::Response::builder().status(200).header("Date", date).body(Bytes::from_static(OK.as_bytes()))
    } else {
        refused.set(refused.get() + 1);
        http::Response::builder().status(401).header("Date", date).body(Bytes::from_static(
            br#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: the signature expired"}"#,
        ))
    };
    Ok(response.unwrap())
}

/// An IMF-fixdate, as a gateway writes it.
fn httpdate(t: SystemTime) -> String {
    let compact = frs_request::sdk_date::format_sdk_date(t).unwrap(); // 20260101T000000Z
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month: usize = compact[4..6].parse().unwrap();
    format!(
        "Mon, {} {} {} {}:{}:{} GMT",
        &compact[6..8],
        months[month - 1],
        &compact[0..4],
        &compact[9..11],
        &compact[11..13],
        &compact[13..15]
    )
}

#[test]
fn a_skewed_clock_is_corrected_after_one_refusal_and_kept() {
    for skew_secs in [1200i64, -1200] {
        let clock = Clock::new();
        let refused = Cell::new(0);
        let skew = Duration::from_secs(skew_secs.unsigned_abs());
        let sent = Cell::new(0u32);
        let transport = |req: http::Request<Bytes>| {
            sent.set(sent.get() + 1);
            if skew_secs > 0 {
                skewed_gateway(skew, &clock, &refused, req)
            } else {
                // The service behind: move the client's clock ahead instead.
                let behind = Clock(Cell::new(clock.now() - skew));
                skewed_gateway(Duration::ZERO, &behind, &refused, req)
            }
        };
        let retry = RetryPolicy::none();
        let runtime = (|| clock.now(), |d: Duration| clock.advance(d));
        let client = BlockingClient::with_runtime(
            config(Credentials::access_key("AK", "SK"), retry),
            &transport,
            runtime,
        );
        assert_eq!(client.shared().clock_offset(), None);
        client.execute(&by_field()).unwrap();
        assert_eq!((refused.get(), sent.get()), (1, 2), "one refusal, one corrected retry");
        let offset = client.shared().clock_offset().unwrap();
        assert!((offset - skew_secs).abs() <= 1, "{offset}");
        // Later calls (and clones) sign with the corrected time at once.
        client.clone().execute(&by_field()).unwrap();
        assert_eq!((refused.get(), sent.get()), (1, 3));
    }
}

#[test]
fn a_refused_signature_without_skew_is_not_retried() {
    let clock = Clock::new();
    let refused = Cell::new(0);
    let transport = |req: http::Request<Bytes>| {
        let (mut parts, body) = req.into_parts();
        parts.headers.insert("x-sdk-date", "20000101T000000Z".parse().unwrap());
        skewed_gateway(Duration::ZERO, &clock, &refused, http::Request::from_parts(parts, body))
    };
    let runtime = (|| clock.now(), |d: Duration| clock.advance(d));
    let client = BlockingClient::with_runtime(
        config(Credentials::access_key("AK", "SK"), fast(3)),
        &transport,
        runtime,
    );
    let err = client.execute(&by_field()).unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::GatewayIamAuthFailed));
    assert_eq!(refused.get(), 1);
    assert_eq!(client.shared().clock_offset(), None);
}

#[test]
fn the_rate_limit_spreads_requests_for_every_clone() {
    let clock = Clock::new();
    let times = RefCell::new(Vec::new());
    let transport = |_: http::Request<Bytes>| -> Sent {
        times.borrow_mut().push(clock.now());
        Ok(answer(200, OK))
    };
    let runtime = (|| clock.now(), |d: Duration| clock.advance(d));
    let client = BlockingClient::with_runtime(config(Credentials::token("t"), fast(3)), &transport, runtime)
        .with_rate_limit(RateLimit::per_second(20.0));
    let clone = client.clone();
    for i in 0..100 {
        if i % 2 == 0 { &client } else { &clone }.execute(&by_field()).unwrap();
    }
    let times = times.borrow();
    let span = times[99].duration_since(times[0]).unwrap();
    // 99 intervals of 50 ms.
    assert_eq!(span, Duration::from_millis(4950));
}

#[test]
fn adaptive_mode_slows_down_on_throttling() {
    let clock = Clock::new();
    let throttle = Cell::new(true);
    let transport = |_: http::Request<Bytes>| -> Sent {
        Ok(if throttle.get() {
            answer(
                429,
                r#"{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached"}"#,
            )
        } else {
            answer(200, OK)
        })
    };
    let runtime = (|| clock.now(), |d: Duration| clock.advance(d));
    let client = BlockingClient::with_runtime(
        config(Credentials::token("t"), RetryPolicy::none()),
        &transport,
        runtime,
    )
    .with_rate_limit(RateLimit::per_second(100.0).adaptive());
    assert!(client.execute(&by_field()).is_err());
    assert_eq!(client.shared().current_rate(), Some(50.0));
    assert!(client.execute(&by_field()).is_err());
    assert_eq!(client.shared().current_rate(), Some(25.0));
    throttle.set(false);
    for _ in 0..20 {
        client.execute(&by_field()).unwrap();
    }
    assert_eq!(client.shared().current_rate(), Some(100.0));
}
