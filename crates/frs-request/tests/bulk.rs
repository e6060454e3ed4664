//! Bulk runs with closures as transports: bounded concurrency on the runtime's worker pool,
//! input pulled as workers free up, per-item outcomes with their keys, and the run's
//! decisions to stop (too many failures, an error every item would meet).

use std::convert::Infallible;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use frs_request::bulk::{BulkOptions, BulkRun, BulkStop, DeleteOutcome};
use frs_request::faces::DeleteFaces;
use frs_request::{BlockingClient, Config, Credentials, Endpoint, RetryPolicy, StdRuntime};
use frs_types::ErrorCode;

const PROJECT: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const OK: &str = r#"{"face_number": 1, "face_set_id": "T785tx1N", "face_set_name": "staff"}"#;

fn config() -> Config {
    Config::new(
        Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com").unwrap(),
        PROJECT.parse().unwrap(),
        Credentials::token("t"),
    )
    .with_retry(RetryPolicy::none())
}

fn answer(status: u16, body: &str) -> http::Response<Bytes> {
    http::Response::builder().status(status).body(Bytes::from(body.to_owned())).unwrap()
}

fn delete(n: u64) -> (u64, DeleteFaces) {
    (n, DeleteFaces::by_external_image_id("staff".parse().unwrap(), format!("img-{n}").parse().unwrap()))
}

/// The external image id a request deletes (`img-N` → N).
fn target(req: &http::Request<Bytes>) -> u64 {
    let query = req.uri().query().unwrap_or_default();
    query.trim_start_matches("external_image_id=img-").parse().unwrap()
}

#[test]
fn at_most_concurrency_calls_are_in_flight_and_every_item_is_reported_once() {
    let in_flight = AtomicUsize::new(0);
    let peak = AtomicUsize::new(0);
    let transport = |req: http::Request<Bytes>| -> Result<http::Response<Bytes>, Infallible> {
        let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        peak.fetch_max(now, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(5));
        in_flight.fetch_sub(1, Ordering::SeqCst);
        // Odd ids are already gone.
        Ok(if target(&req) % 2 == 1 {
            answer(
                400,
                r#"{"error_code":"FRS.0402","error_msg":"External id is not exist, can not delete face"}"#,
            )
        } else {
            answer(200, OK)
        })
    };
    let client = BlockingClient::with_runtime(config(), &transport, StdRuntime);
    let seen = Mutex::new(Vec::new());
    let last = Mutex::new(None);
    let summary = client.execute_many((0..40).map(delete), BulkOptions::concurrency(4), |item, progress| {
        let outcome = DeleteOutcome::of(&item.result);
        assert_eq!(item.key, item.index, "the key comes back with its item");
        let expected =
            if item.key % 2 == 1 { DeleteOutcome::AlreadyAbsent } else { DeleteOutcome::Deleted(Some(1)) };
        assert_eq!(outcome, expected, "{}", item.key);
        seen.lock().unwrap().push(item.key);
        *last.lock().unwrap() = Some(progress);
    });
    let mut seen = seen.into_inner().unwrap();
    seen.sort_unstable();
    assert_eq!(seen, (0..40).collect::<Vec<_>>());
    assert_eq!(peak.load(Ordering::SeqCst), 4, "four workers, each one call at a time");
    assert_eq!((summary.progress.started, summary.progress.succeeded, summary.progress.failed), (40, 20, 20));
    assert_eq!(summary.stopped, None);
    assert!(last.into_inner().unwrap().is_some_and(|p| p.finished() <= 40));
}

#[test]
fn input_is_pulled_as_workers_free_up_and_a_failing_run_stops() {
    let pulled = AtomicU64::new(0);
    let transport = |_: http::Request<Bytes>| -> Result<http::Response<Bytes>, Infallible> {
        Ok(answer(400, r#"{"error_code":"FRS.0019","error_msg":"bad image"}"#))
    };
    let client = BlockingClient::with_runtime(config(), &transport, StdRuntime);
    let input = (0..1_000_000).map(|n| {
        pulled.fetch_add(1, Ordering::SeqCst);
        delete(n)
    });
    let options = BulkOptions { concurrency: 3, max_failures: Some(5) };
    let summary = client.execute_many(input, options, |_, _| {});
    assert_eq!(summary.stopped, Some(BulkStop::TooManyFailures { max: 5 }));
    // Six failures stop it; the workers already under way finish theirs.
    assert!((6..=8).contains(&summary.progress.failed), "{summary:?}");
    assert_eq!(summary.progress.started, summary.progress.finished(), "every started item is reported");
    assert!(pulled.load(Ordering::SeqCst) <= 8, "the input is pulled lazily, not collected");
}

#[test]
fn an_error_every_item_would_meet_stops_the_run_at_once() {
    let sent = AtomicU64::new(0);
    let transport = |_: http::Request<Bytes>| -> Result<http::Response<Bytes>, Infallible> {
        sent.fetch_add(1, Ordering::SeqCst);
        Ok(answer(400, r#"{"error_code":"FRS.0302","error_msg":"face set not found"}"#))
    };
    // The default pool of a closure runtime: one worker, the caller's thread.
    let client =
        BlockingClient::with_runtime(config(), &transport, (std::time::SystemTime::now, |_: Duration| {}));
    let summary = client.execute_many((0..100).map(delete), BulkOptions::concurrency(8), |_, _| {});
    let Some(BulkStop::Fatal { code, message }) = &summary.stopped else { panic!("{summary:?}") };
    assert_eq!(code.as_ref(), Some(&ErrorCode::FaceSetNotFound));
    assert!(message.contains("FRS.0302"), "{message}");
    assert_eq!(sent.load(Ordering::SeqCst), 1);
    assert_eq!(summary.progress.failed, 1);
}

#[test]
fn the_run_decides_alone() {
    let mut run = BulkRun::new(BulkOptions { concurrency: 2, max_failures: Some(0) });
    assert!(run.may_start());
    run.start();
    let ok: Result<frs_request::Reply<()>, frs_request::Error<Infallible>> = Ok(frs_request::Reply {
        value: (),
        status: http::StatusCode::OK,
        request_id: None,
        outcome: frs_request::Outcome::Answered,
    });
    run.record(&ok);
    assert!(run.may_start());
    run.start();
    let failed: Result<frs_request::Reply<()>, frs_request::Error<Infallible>> =
        Err(frs_request::Error::Call(frs_request::CallError::ListingDepth { max: 1 }));
    run.record(&failed);
    assert!(!run.may_start(), "no failure allowed");
    assert_eq!(run.summary().stopped, Some(BulkStop::TooManyFailures { max: 0 }));
    assert_eq!((run.progress().succeeded, run.progress().failed), (1, 1));
}
