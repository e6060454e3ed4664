//! Faults: every fault kind, armed through the admin API and through the Rust API, as
//! the SDK and a plain socket see it.

use std::io::{ErrorKind, Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use frs_emulator::{Emulator, Fault};
use frs_request::face_sets::ShowAllFaceSets;
use frs_request::{Error, TransportError as _, TransportErrorKind, TransportLimits};
use frs_ureq::{Client, UreqTransport};
use http::Method;
use serde_json::{Value, json};

use crate::{
    PID, TOKEN, admin, admin_bytes, admin_get, client, expect_error, list_status, send, signed,
    signed_listing, start,
};

/// The total timeout of a client that is expected to give up.
const GIVE_UP: Duration = Duration::from_millis(300);

fn client_with_timeout(em: &Emulator, total: Duration) -> Client {
    let limits = TransportLimits { total_timeout: total, ..TransportLimits::default() };
    Client::with_transport(signed(em), UreqTransport::new(limits))
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

#[test]
fn respond_fault_arrives_as_given() {
    let em = start();
    arm(
        &em,
        &json!({ "fault": { "kind": "respond", "status": 503, "content_type": "text/plain", "body": "down for maintenance" }, "times": 1 }),
    );
    let resp = send(signed_listing(&em, SystemTime::now()));
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
fn respond_fault_carries_its_headers() {
    let em = start();
    arm(
        &em,
        &json!({ "fault": { "kind": "respond", "status": 429, "body": "{}", "headers": [["Retry-After", "7"], ["X-Ratelimit", "limit:10"]] }, "times": 1 }),
    );
    let resp = send(signed_listing(&em, SystemTime::now()));
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "7");
    assert_eq!(resp.headers()["x-ratelimit"], "limit:10");
    // The SDK reads the wait from it.
    em.inject(
        Fault::json(429, r#"{"error_code":"APIGW.0308","error_msg":"throttled"}"#)
            .with_header("Retry-After", "3"),
        1,
    );
    let err = client(&em).execute(&ShowAllFaceSets).unwrap_err();
    assert_eq!(err.service().and_then(|e| e.retry_after), Some(Duration::from_secs(3)));
    // A header that is not HTTP is refused when armed, naming it.
    let (status, body) = admin(
        &em,
        Method::POST,
        "/faults",
        &json!({ "fault": { "kind": "respond", "status": 429, "headers": [["Bad Name", "x"]] }, "times": 1 }),
    );
    assert_eq!(status, 400, "{body}");
    assert!(body.to_string().contains("Bad Name"), "{body}");
    assert_eq!(list_status(&em), 200, "nothing was armed");
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
