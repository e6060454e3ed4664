//! Faults users can script (scoped to an operation, a face set or a path; sequences;
//! latency with jitter; a QPS quota) and snapshots. Only 127.0.0.1 is contacted.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use frs_emulator::{Emulator, EmulatorConfig};
use serde_json::{Value, json};

const PID: &str = EmulatorConfig::DEFAULT_PROJECT_ID;

fn start() -> Emulator {
    Emulator::start(EmulatorConfig { no_auth: true, ..EmulatorConfig::default() }).unwrap()
}

fn request(addr: SocketAddr, method: &str, path: &str, body: &Value) -> (u16, Value) {
    let body = if body.is_null() { String::new() } else { body.to_string() };
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let text = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(text.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw);
    let status = text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let payload = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    (status, serde_json::from_str(payload).unwrap_or(Value::Null))
}

fn admin(em: &Emulator, method: &str, path: &str, body: &Value) -> (u16, Value) {
    request(em.addr(), method, &format!("/__emulator{path}"), body)
}

fn sets_path() -> String {
    format!("/v2/{PID}/face-sets")
}

fn search(em: &Emulator, set: &str) -> u16 {
    let body = json!({ "face_id": "nope" });
    request(em.addr(), "POST", &format!("{}/{set}/search", sets_path()), &body).0
}

fn list(em: &Emulator) -> u16 {
    request(em.addr(), "GET", &sets_path(), &Value::Null).0
}

#[test]
fn a_sequence_scoped_to_an_operation() {
    let em = start();
    em.seed_face_set("staff", &[]);
    // "Fail the next 2 searches with 503, then succeed."
    let rule = json!({
        "operation": "search",
        "sequence": [
            { "fault": { "kind": "respond", "status": 503, "body": "{\"error_code\":\"FRS.0019\"}" }, "times": 2 },
            { "times": 1 },
            { "fault": { "kind": "respond", "status": 500, "body": "{}" }, "times": 1 },
        ],
    });
    assert_eq!(admin(&em, "POST", "/faults", &rule).0, 200);
    assert_eq!(list(&em), 200, "other operations are not faulted");
    // The search itself answers 400 (FRS.0403, no such face) when it is not faulted.
    assert_eq!([search(&em, "staff"), list(&em), search(&em, "staff")], [503, 200, 503]);
    assert_eq!([search(&em, "staff"), search(&em, "staff"), search(&em, "staff")], [400, 500, 400]);
}

#[test]
fn faults_scoped_to_a_face_set_or_a_path() {
    let em = start();
    em.seed_face_set("staff", &[]);
    em.seed_face_set("visitors", &[]);
    let by_set = json!({ "face_set": "visitors", "fault": { "kind": "respond", "status": 502, "body": "" }, "times": 5 });
    assert_eq!(admin(&em, "POST", "/faults", &by_set).0, 200);
    assert_eq!([search(&em, "staff"), search(&em, "visitors"), list(&em)], [400, 502, 200]);
    assert_eq!(admin(&em, "DELETE", "/faults", &Value::Null).0, 200);

    let by_path = json!({ "path": "/v2/*/face-sets", "fault": { "kind": "respond", "status": 504, "body": "" }, "probability": 1.0 });
    assert_eq!(admin(&em, "POST", "/faults", &by_path).0, 200);
    assert_eq!([list(&em), search(&em, "staff"), list(&em)], [504, 400, 504]);
    // An unknown scope key is no scope: refused as a bad request only if nothing else fits.
    let bad = json!({ "operation": "search", "sequence": [] });
    assert_eq!(admin(&em, "POST", "/faults", &bad).0, 400);
}

#[test]
fn latency_with_jitter() {
    let em = start();
    let rule = json!({ "fault": { "kind": "latency", "ms": 150, "jitter_ms": 50, "seed": 3 }, "times": 4 });
    assert_eq!(admin(&em, "POST", "/faults", &rule).0, 200);
    for _ in 0..4 {
        let started = Instant::now();
        assert_eq!(list(&em), 200);
        let took = started.elapsed();
        assert!(took >= Duration::from_millis(100) && took < Duration::from_millis(1000), "{took:?}");
    }
    let started = Instant::now();
    assert_eq!(list(&em), 200);
    assert!(started.elapsed() < Duration::from_millis(100));
}

#[test]
fn a_qps_quota_answers_apigw_0308() {
    let em = start();
    assert_eq!(admin(&em, "PUT", "/quota", &json!({ "qps": 3 })).0, 200);
    assert_eq!(admin(&em, "GET", "/quota", &Value::Null).1, json!({ "qps": 3 }));
    // Bounded: at most 20 requests within a few seconds.
    let started = Instant::now();
    let answers: Vec<(u16, Value)> =
        (0..6).map(|_| request(em.addr(), "GET", &sets_path(), &Value::Null)).collect();
    let within_a_second = started.elapsed() < Duration::from_secs(1);
    let throttled: Vec<&Value> = answers.iter().filter(|(s, _)| *s == 429).map(|(_, b)| b).collect();
    if within_a_second {
        assert_eq!(throttled.len(), 3, "{answers:?}");
    }
    let body = throttled[0];
    assert_eq!(body["error_code"], "APIGW.0308");
    assert_eq!(
        body["error_msg"],
        "The throttling threshold has been reached: policy user over ratelimit,limit:3,time:1 second"
    );
    assert!(body["request_id"].is_string());
    // The next second has a fresh allowance.
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(list(&em), 200);
    // The admin API is not counted, and the quota can be lifted.
    assert_eq!(admin(&em, "DELETE", "/quota", &Value::Null).0, 200);
    assert!((0..10).all(|_| list(&em) == 200));
    em.set_qps_quota(Some(1));
    assert_eq!([list(&em), list(&em)], [200, 429]);
    // Refused quotas.
    assert_eq!(admin(&em, "PUT", "/quota", &json!({ "qps": 0 })).0, 400);
}

// ---------------------------------------------------------------------------------------
// Snapshots.
// ---------------------------------------------------------------------------------------

fn state(em: &Emulator) -> Value {
    admin(em, "GET", "/state", &Value::Null).1
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("scripted-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn snapshot_and_restore_by_name() {
    let dir = temp_dir("snapshot");
    let config = EmulatorConfig { no_auth: true, state_dir: Some(dir.clone()), ..EmulatorConfig::default() };
    let em = Emulator::start(config.clone()).unwrap();
    em.seed_face_set("staff", &[]);
    em.seed_face("staff", frs_emulator::SeededFace::new("img-1").person("alice")).unwrap();
    let (status, body) = admin(&em, "POST", "/snapshot", &json!({ "name": "base" }));
    assert_eq!((status, &body["faces"]), (200, &json!(1)), "{body}");
    let base = state(&em);

    em.seed_face("staff", frs_emulator::SeededFace::new("img-2")).unwrap();
    em.seed_face_set("other", &[]);
    assert_ne!(state(&em), base);
    let (status, body) = admin(&em, "POST", "/restore", &json!({ "name": "base" }));
    assert_eq!(status, 200, "{body}");
    assert_eq!(state(&em), base);
    assert_eq!(admin(&em, "GET", "/snapshots", &Value::Null).1, json!({ "snapshots": ["base"] }));
    assert_eq!(admin(&em, "POST", "/restore", &json!({ "name": "absent" })).0, 404);
    assert_eq!(admin(&em, "POST", "/snapshot", &json!({ "name": "" })).0, 400);

    // From Rust, and durably: a restart serves the restored state.
    em.seed_face_set("later", &[]);
    em.restore("base").unwrap();
    assert!(em.restore("absent").is_err());
    drop(em);
    let em = Emulator::start(config).unwrap();
    assert_eq!(state(&em), base);
    drop(em);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn export_on_exit_and_load() {
    let dir = temp_dir("export");
    let file = dir.join("suite.json");
    let config =
        EmulatorConfig { no_auth: true, export_on_exit: Some(file.clone()), ..EmulatorConfig::default() };
    let em = Emulator::start(config).unwrap();
    em.seed_face_set("staff", &[("floor", frs_types::models::face_sets::FieldType::Integer)]);
    em.seed_face("staff", frs_emulator::SeededFace::new("img-1").field("floor", 3).variant(2)).unwrap();
    let exported = state(&em);
    drop(em);

    let config =
        EmulatorConfig { no_auth: true, load_state: Some(file.clone()), ..EmulatorConfig::default() };
    let em = Emulator::start(config.clone()).unwrap();
    assert_eq!(state(&em), exported);
    assert_eq!(em.face_count("staff"), Some(1));
    drop(em);

    // A file that is not a state the service could be in is refused.
    std::fs::write(&file, br#"{"sets": {"a": {"id": "x", "name": "a", "capacity": 0, "create_date": "", "fields": {}, "faces": []}}, "counter": 0}"#).unwrap();
    let err = Emulator::start(config.clone()).unwrap_err();
    assert!(err.to_string().contains("capacity"), "{err}");
    std::fs::write(&file, b"garbage").unwrap();
    assert!(Emulator::start(config).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------
// A signature mismatch you can debug.
// ---------------------------------------------------------------------------------------

#[test]
fn a_signature_mismatch_records_what_the_emulator_computed() {
    let em = Emulator::start(EmulatorConfig { verbose: true, ..EmulatorConfig::default() }).unwrap();
    let host = em.addr().to_string();
    let query = vec![("limit".to_owned(), "5".to_owned())];
    let headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
    let request = frs_request::sign::SignableRequest {
        method: "GET",
        host: &host,
        path: &format!("/v2/{PID}/face-sets/staff/faces"),
        query: &query,
        headers: &headers,
        body: b"",
    };
    // The right access key with a wrong secret: the signature cannot match.
    let secret = frs_request::Secret::new("not-the-secret".to_owned());
    let signed = frs_request::sign::sign(
        &request,
        EmulatorConfig::DEFAULT_ACCESS_KEY,
        &secret,
        std::time::SystemTime::now(),
    )
    .unwrap();
    let mut text = format!("GET {} HTTP/1.1\r\nConnection: close\r\n", signed.request_uri);
    for (name, value) in &signed.headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    let mut stream = TcpStream::connect(em.addr()).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(text.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let raw = String::from_utf8_lossy(&raw);
    let body: Value = serde_json::from_str(raw.split_once("\r\n\r\n").unwrap().1).unwrap();
    // The gateway's exact body.
    assert!(raw.starts_with("HTTP/1.1 401"), "{raw}");
    assert_eq!(body["error_code"], "APIGW.0301");
    assert_eq!(body["error_msg"], "Incorrect IAM authentication information: verify aksk signature fail");
    assert_eq!(body.as_object().unwrap().len(), 3, "{body}");
    // The journal holds what the emulator computed: the same lines the client signed.
    let entry = em.requests().pop().unwrap();
    assert_eq!(entry.canonical_request.as_deref(), Some(signed.canonical_request.as_str()));
    assert_eq!(entry.string_to_sign.as_deref(), Some(signed.string_to_sign.as_str()));
    assert!(!format!("{entry:?}").contains(signed.signature()), "the signature is not kept");
    let (_, log) = admin(&em, "GET", "/requests", &Value::Null);
    assert_eq!(log[0]["canonical_request"], json!(signed.canonical_request));
}
