//! The hardening points found by an adversarial probe of the emulator: each test sends the
//! reproducer and checks the bounded answer. Only 127.0.0.1 is contacted; every loop is
//! bounded in count and time.

use std::io::{Read as _, Write as _};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use frs_emulator::{Emulator, EmulatorConfig, Fault};
use serde_json::{Value, json};

const PID: &str = EmulatorConfig::DEFAULT_PROJECT_ID;

fn start(config: EmulatorConfig) -> Emulator {
    Emulator::start(config).unwrap()
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
    stream
}

/// Everything the server sends until it closes (or 10 s pass), as text.
fn read_all(stream: &mut TcpStream) -> String {
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    String::from_utf8_lossy(&raw).into_owned()
}

/// Sends raw bytes on a fresh connection and returns (status, head, body as JSON).
fn raw(addr: SocketAddr, bytes: &[u8]) -> (u16, String, Value) {
    let mut stream = connect(addr);
    stream.write_all(bytes).unwrap();
    parse(&read_all(&mut stream))
}

fn parse(text: &str) -> (u16, String, Value) {
    let status = text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((text, ""));
    (status, head.to_ascii_lowercase(), serde_json::from_str(body).unwrap_or(Value::Null))
}

fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String, Value) {
    let mut text =
        format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        text.push_str(&format!("Host: {addr}\r\n"));
    }
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(body);
    raw(addr, text.as_bytes())
}

// ---------------------------------------------------------------------------------------
// The request journal is bounded.
// ---------------------------------------------------------------------------------------

#[test]
fn the_request_journal_is_bounded_in_entries_bytes_and_header_size() {
    let config = EmulatorConfig {
        journal_max_entries: 100,
        journal_max_bytes: 64 * 1024,
        ..EmulatorConfig::default()
    };
    let em = start(config);
    // The reproducer: unauthenticated requests with a 300 KB header.
    let big = "x".repeat(300 * 1024);
    for _ in 0..200 {
        let (status, _, body) =
            request(em.addr(), "GET", &format!("/v2/{PID}/face-sets"), &[("X-Padding", big.as_str())], "");
        assert_eq!(status, 401, "{body}");
    }
    let log = em.requests();
    assert!(!log.is_empty() && log.len() <= 100, "{} entries", log.len());
    let bytes: usize = log.iter().flat_map(|r| &r.headers).map(|(n, v)| n.len() + v.len()).sum();
    assert!(bytes <= 64 * 1024 + 2048, "{bytes} bytes kept");
    let padding = log[0].header("x-padding").unwrap();
    assert!(padding.len() < 1100 && padding.ends_with("(307200 bytes, truncated)"), "{}", padding.len());
    // The admin answer is as small.
    let (status, _, body) = request(em.addr(), "GET", "/__emulator/requests", &[], "");
    assert_eq!(status, 200);
    assert!(body.to_string().len() < 128 * 1024);

    // Entries: the oldest go first.
    let em = start(EmulatorConfig { journal_max_entries: 3, ..EmulatorConfig::default() });
    for n in 0..10 {
        request(em.addr(), "GET", &format!("/v2/{PID}/face-sets?n={n}"), &[], "");
    }
    let targets: Vec<String> = em.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, (7..10).map(|n| format!("/v2/{PID}/face-sets?n={n}")).collect::<Vec<_>>());
}

// ---------------------------------------------------------------------------------------
// The admin API trusts no caller.
// ---------------------------------------------------------------------------------------

fn face_sets(em: &Emulator) -> usize {
    let (_, _, body) = request(em.addr(), "GET", "/__emulator/health", &[], "");
    usize::try_from(body["face_sets"].as_u64().unwrap()).unwrap()
}

#[test]
fn the_admin_api_refuses_cross_site_and_foreign_host_requests() {
    let em = start(EmulatorConfig::default());
    em.seed_face_set("kept", &[]);
    // The reproducer: a web page's form post.
    let form = [("Content-Type", "text/plain"), ("Origin", "http://evil.example")];
    let (status, _, body) = request(em.addr(), "POST", "/__emulator/reset", &form, "x=1");
    assert_eq!(status, 403, "{body}");
    assert_eq!(face_sets(&em), 1, "not reset");
    // DNS rebinding: a foreign name in Host.
    let (status, _, _) = request(em.addr(), "GET", "/__emulator/state", &[("Host", "evil.example:8080")], "");
    assert_eq!(status, 403);
    let (status, _, _) =
        request(em.addr(), "POST", "/__emulator/reset", &[("Sec-Fetch-Site", "cross-site")], "");
    assert_eq!(status, 403);
    let (status, _, _) = request(em.addr(), "POST", "/__emulator/reset", &[("Origin", "null")], "");
    assert_eq!(status, 403);
    assert_eq!(face_sets(&em), 1);
    // The emulator's own names are fine.
    let port = em.addr().port();
    for host in
        [format!("localhost:{port}"), format!("127.0.0.1:{port}"), "[::1]".to_owned(), "localhost".to_owned()]
    {
        let (status, _, body) =
            request(em.addr(), "GET", "/__emulator/health", &[("Host", host.as_str())], "");
        assert_eq!(status, 200, "{host}: {body}");
    }
    let origin = format!("http://localhost:{port}");
    let (status, _, _) = request(em.addr(), "POST", "/__emulator/reset", &[("Origin", origin.as_str())], "");
    assert_eq!(status, 200);
    assert_eq!(face_sets(&em), 0);
}

#[test]
fn the_admin_token_is_required_when_set_and_beyond_loopback() {
    let em = start(EmulatorConfig { admin_token: Some("adm-secret".into()), ..EmulatorConfig::default() });
    let (status, _, _) = request(em.addr(), "POST", "/__emulator/reset", &[], "");
    assert_eq!(status, 401);
    let (status, _, _) =
        request(em.addr(), "POST", "/__emulator/reset", &[("X-Emulator-Admin-Token", "wrong")], "");
    assert_eq!(status, 401);
    let (status, _, _) =
        request(em.addr(), "POST", "/__emulator/reset", &[("X-Emulator-Admin-Token", "adm-secret")], "");
    assert_eq!(status, 200);
    assert!(em.requests().is_empty(), "admin requests are not journalled");

    // Listening on every interface without a token: the admin API is off (only loopback is
    // contacted here).
    let wide = Emulator::start_on(EmulatorConfig::default(), SocketAddr::from(([0, 0, 0, 0], 0))).unwrap();
    let local = SocketAddr::from(([127, 0, 0, 1], wide.addr().port()));
    let (status, _, body) = request(local, "POST", "/__emulator/reset", &[], "");
    assert_eq!(status, 403);
    assert!(body["error"].as_str().unwrap().contains("--admin-token"), "{body}");
    let config = EmulatorConfig { admin_token: Some("t".into()), ..EmulatorConfig::default() };
    let wide = Emulator::start_on(config, SocketAddr::from(([0, 0, 0, 0], 0))).unwrap();
    let local = SocketAddr::from(([127, 0, 0, 1], wide.addr().port()));
    let (status, _, _) = request(local, "GET", "/__emulator/health", &[("X-Emulator-Admin-Token", "t")], "");
    assert_eq!(status, 200);
}

// ---------------------------------------------------------------------------------------
// Timeouts, the connection cap, body errors, half-close.
// ---------------------------------------------------------------------------------------

fn quick() -> EmulatorConfig {
    EmulatorConfig {
        header_read_timeout: Duration::from_millis(500),
        body_read_timeout: Duration::from_millis(500),
        no_auth: true,
        ..EmulatorConfig::default()
    }
}

#[test]
fn slow_headers_are_cut_off() {
    let em = start(quick());
    // The reproducer: a slowloris client, one header byte at a time, never finishing.
    let mut stream = connect(em.addr());
    let started = Instant::now();
    stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
    let mut closed = false;
    for _ in 0..50 {
        if stream.write_all(b"X").is_err() {
            closed = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        let mut byte = [0u8; 1];
        stream.set_read_timeout(Some(Duration::from_millis(1))).unwrap();
        if stream.read(&mut byte).is_ok() && started.elapsed() > Duration::from_millis(400) {
            // Either an answer (408) or the close: the server let go.
            closed = true;
            break;
        }
    }
    assert!(closed, "a slow client held the connection for {:?}", started.elapsed());
    assert!(started.elapsed() < Duration::from_secs(4));

    // A client that connects and sends nothing is let go too.
    let mut idle = connect(em.addr());
    let started = Instant::now();
    let text = read_all(&mut idle);
    assert!(started.elapsed() < Duration::from_secs(4), "held for {:?}: {text}", started.elapsed());
}

#[test]
fn a_body_shorter_than_its_content_length_times_out_with_408() {
    let em = start(quick());
    let mut stream = connect(em.addr());
    let head = format!(
        "POST /v2/{PID}/face-sets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{"
    );
    stream.write_all(head.as_bytes()).unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 4096];
    let n = stream.read(&mut buf).unwrap();
    let (status, _, body) = parse(&String::from_utf8_lossy(&buf[..n]));
    assert_eq!((status, &body["error_code"]), (408, &json!("APIGW.0201")), "{body}");
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[test]
fn connections_beyond_the_cap_are_closed_at_once() {
    let em = start(EmulatorConfig { max_connections: 4, ..quick() });
    let held: Vec<TcpStream> = (0..4).map(|_| connect(em.addr())).collect();
    std::thread::sleep(Duration::from_millis(100));
    let mut extra = connect(em.addr());
    let _ = extra.write_all(format!("GET /v2/{PID}/face-sets HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes());
    let started = Instant::now();
    let text = read_all(&mut extra);
    assert!(text.is_empty(), "{text}");
    assert!(started.elapsed() < Duration::from_secs(2));
    drop(held);
    std::thread::sleep(Duration::from_millis(200));
    let (status, _, _) = request(em.addr(), "GET", &format!("/v2/{PID}/face-sets"), &[], "");
    assert_eq!(status, 200, "served again once the others closed");
}

#[test]
fn a_body_that_cannot_be_read_is_400_not_413() {
    let em = start(quick());
    // A bad chunk size.
    let (status, _, body) = raw(
        em.addr(),
        format!(
            "POST /v2/{PID}/face-sets HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n"
        )
        .as_bytes(),
    );
    assert_eq!((status, &body["error_code"]), (400, &json!("APIGW.0201")), "{body}");
    // An early half-close: the body ends before its Content-Length.
    let mut stream = connect(em.addr());
    stream
        .write_all(
            format!("POST /v2/{PID}/face-sets HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{{\"face")
                .as_bytes(),
        )
        .unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    let (status, _, body) = parse(&read_all(&mut stream));
    assert_eq!((status, &body["error_code"]), (400, &json!("APIGW.0201")), "{body}");
    // Too large is still 413.
    let em = start(EmulatorConfig { max_body_bytes: 10, ..quick() });
    let (status, _, _) =
        request(em.addr(), "POST", &format!("/v2/{PID}/face-sets"), &[], "{\"face_set_name\": \"abc\"}");
    assert_eq!(status, 413);
}

#[test]
fn a_client_that_half_closes_after_its_request_gets_the_answer() {
    let em = start(quick());
    let mut stream = connect(em.addr());
    stream.write_all(format!("GET /v2/{PID}/face-sets HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes()).unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    let (status, _, body) = parse(&read_all(&mut stream));
    assert_eq!(status, 200, "{body}");
    assert!(body["face_sets_info"].is_array());
}

// ---------------------------------------------------------------------------------------
// The admin seed checks what the API checks.
// ---------------------------------------------------------------------------------------

#[test]
fn the_seed_refuses_states_the_service_could_not_be_in() {
    let em = start(EmulatorConfig::default());
    let seed = |sets: Value| {
        request(em.addr(), "POST", "/__emulator/seed", &[], &json!({ "face_sets": sets }).to_string())
    };
    let schema = json!({ "floor": { "type": "integer" } });
    let many_faces: Vec<Value> =
        (0..10_001).map(|i| json!({ "external_image_id": format!("i{i}") })).collect();
    let bad = [
        json!([{ "face_set_name": "a", "face_set_capacity": 0 }]),
        json!([{ "face_set_name": "a", "face_set_capacity": 15_000 }]),
        json!([{ "face_set_name": "a", "face_set_capacity": 10_000, "faces": many_faces }]),
        json!([{ "face_set_name": "a", "external_fields": schema, "faces": [{ "external_image_id": "i", "external_fields": { "floor": "str" } }] }]),
        json!([{ "face_set_name": "a", "external_fields": schema, "faces": [{ "external_image_id": "i", "external_fields": { "other": 1 } }] }]),
        json!([{ "face_set_name": "a", "external_fields": { "bad name": { "type": "integer" } } }]),
        json!((0..11).map(|i| json!({ "face_set_name": format!("s{i}") })).collect::<Vec<_>>()),
    ];
    for sets in bad {
        let (status, _, body) = seed(sets.clone());
        assert_eq!(status, 400, "{body}");
        assert!(body["error"].is_string());
        assert_eq!(face_sets(&em), 0, "a refused seed changes nothing");
    }
    let (status, _, body) =
        seed(json!((0..10).map(|i| json!({ "face_set_name": format!("s{i}") })).collect::<Vec<_>>()));
    assert_eq!(status, 200, "{body}");
    let (status, _, _) = seed(json!([{ "face_set_name": "eleventh" }]));
    assert_eq!(status, 400, "an 11th face set");
    assert_eq!(face_sets(&em), 10);
}

// ---------------------------------------------------------------------------------------
// Smaller ones.
// ---------------------------------------------------------------------------------------

#[test]
fn a_fault_with_an_impossible_status_is_refused() {
    let em = start(quick());
    for status in [0, 99, 100, 199, 600, 1000] {
        let fault = json!({ "fault": { "kind": "respond", "status": status, "body": "{}" }, "times": 1 });
        let (code, _, body) = request(em.addr(), "POST", "/__emulator/faults", &[], &fault.to_string());
        assert_eq!(code, 400, "{status}: {body}");
    }
    let (status, _, _) = request(em.addr(), "GET", &format!("/v2/{PID}/face-sets"), &[], "");
    assert_eq!(status, 200, "nothing was armed");
}

#[test]
fn a_204_or_304_fault_has_no_body_and_no_content_length() {
    let em = start(quick());
    for status in [204u16, 304] {
        em.inject(Fault::json(status, "{\"ignored\": true}"), 1);
        let (code, head, _) = request(em.addr(), "GET", &format!("/v2/{PID}/face-sets"), &[], "");
        assert_eq!(code, status);
        assert!(!head.contains("content-length: 1"), "{head}");
        assert!(!head.contains("transfer-encoding"), "{head}");
    }
}

#[test]
fn request_ids_do_not_repeat_after_a_restart() {
    let first_ids = |em: &Emulator| -> Vec<String> {
        (0..3)
            .map(|_| {
                let (_, head, _) = request(em.addr(), "GET", &format!("/v2/{PID}/face-sets"), &[], "");
                head.lines().find_map(|l| l.strip_prefix("x-request-id: ")).unwrap().to_owned()
            })
            .collect()
    };
    let a = first_ids(&start(quick()));
    let b = first_ids(&start(quick()));
    assert!(a.iter().all(|id| id.len() == 32 && !b.contains(id)), "{a:?} {b:?}");
    // Also once the journal has dropped old entries.
    let em = start(EmulatorConfig { journal_max_entries: 1, ..quick() });
    let ids = first_ids(&em);
    assert!(ids[0] != ids[1] && ids[1] != ids[2], "{ids:?}");
}

#[test]
fn a_nul_or_invalid_utf8_in_the_request_line_is_a_json_gateway_error() {
    let em = start(quick());
    for line in [
        &b"GET /v2/\0/face-sets HTTP/1.1\r\n"[..],
        b"GET /v2/\xff\xfe/face-sets HTTP/1.1\r\n",
        b"G\x01T / HTTP/1.1\r\n",
    ] {
        let mut bytes = line.to_vec();
        bytes.extend_from_slice(b"Host: x\r\nConnection: close\r\n\r\n");
        let (status, head, body) = raw(em.addr(), &bytes);
        assert_eq!((status, &body["error_code"]), (400, &json!("APIGW.0201")), "{line:?}: {head} {body}");
        assert!(body["request_id"].is_string() && head.contains("x-request-id"), "{head}");
    }
    // A valid request on the next connection is served.
    let (status, _, _) = request(em.addr(), "GET", &format!("/v2/{PID}/face-sets"), &[], "");
    assert_eq!(status, 200);
}
