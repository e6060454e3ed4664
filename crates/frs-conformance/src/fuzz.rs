//! The entry points of the fuzz targets (`fuzz/`, cargo-fuzz, nightly only), here on the
//! stable toolchain so that `tests/fuzz_corpus.rs` replays every committed corpus entry
//! through exactly the code the fuzzers ran. Each takes arbitrary bytes and panics only on
//! a bug.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use frs_emulator::{Emulator, EmulatorConfig};
use frs_request::faces::{AddFaces, DeleteFaces, ShowFaces};
use frs_request::{Operation, Secret};
use frs_types::{Filter, Image};

/// Response parsing: the first byte picks the status, the rest is the body.
pub fn response(data: &[u8]) {
    const STATUSES: [u16; 8] = [200, 201, 400, 401, 404, 429, 500, 502];
    let Some((first, body)) = data.split_first() else { return };
    let answer = || {
        http::Response::builder()
            .status(STATUSES[usize::from(*first) % STATUSES.len()])
            .header("retry-after", "1")
            .body(Bytes::copy_from_slice(body))
            .unwrap()
    };
    let set = "staff".parse().unwrap();
    let _ = DeleteFaces::by_face_id("staff".parse().unwrap(), "faceid01".parse().unwrap()).parse(answer());
    let _ = ShowFaces::page(set, 0, 10).unwrap().parse(answer());
    let image = Image::from_bytes("a.jpg", &b"\xFF\xD8\xFF\xE0"[..]).unwrap();
    let _ = AddFaces::new("staff".parse().unwrap(), image).parse(answer());
}

/// The filter parser: what parses prints back to itself.
pub fn filter(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(filter) = text.parse::<Filter>() {
        let printed = filter.to_string();
        let again: Filter =
            printed.parse().unwrap_or_else(|e| panic!("{printed:?} does not parse again: {e}"));
        assert_eq!(again.to_string(), printed);
    }
}

/// Canonicalisation and signing: a request that can be signed verifies with the same key.
/// The bytes are the path and query, a newline, a header value, a newline, the body.
pub fn signing(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\n');
    let (target, value, body) =
        (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let Ok(mut request) = http::Request::builder()
        .method("POST")
        .uri(format!("http://face.example.com/{}", target.trim_start_matches('/')))
        .header("content-type", "application/json")
        .header("x-custom", value)
        .body(Bytes::from(body.to_owned()))
    else {
        return;
    };
    let secret = Secret::new("fuzz-sk");
    let now = UNIX_EPOCH + Duration::from_secs(1_780_000_000);
    if frs_request::sign::sign_http_request(&mut request, "FUZZAK", &secret, now).is_ok() {
        let (parts, body) = request.into_parts();
        let verified = frs_request::server::verify(
            &parts,
            &body,
            |_| Some(Secret::new("fuzz-sk")),
            now,
            Duration::from_secs(900),
        );
        assert!(verified.is_ok(), "{target:?} {value:?}: {verified:?}");
    }
}

/// Multipart parsing: the first line is the content type, the rest the body.
pub fn multipart(data: &[u8]) {
    let split = data.iter().position(|b| *b == b'\n').unwrap_or(data.len());
    let content_type = String::from_utf8_lossy(&data[..split]);
    let body = data.get(split + 1..).unwrap_or(&[]);
    if let Ok(parts) = frs_request::server::multipart::parse(&content_type, body) {
        for part in &parts {
            let _ = (part.text(), part.is_file());
        }
    }
}

fn emulator() -> &'static Emulator {
    static EMULATOR: OnceLock<Emulator> = OnceLock::new();
    EMULATOR.get_or_init(|| Emulator::start(EmulatorConfig::default()).expect("the emulator starts"))
}

/// The emulator's request handling: arbitrary bytes as an HTTP request, after which the
/// emulator still answers a well-formed one.
pub fn emulator_request(data: &[u8]) {
    let emulator = emulator();
    if let Ok(mut stream) = TcpStream::connect(emulator.addr()) {
        let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
        let _ = stream.write_all(data);
        let _ = stream.shutdown(std::net::Shutdown::Write);
        let mut sink = Vec::new();
        let _ = stream.read_to_end(&mut sink);
    }
    let mut stream = TcpStream::connect(emulator.addr()).expect("the emulator still accepts connections");
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let probe = format!(
        "GET /v2/{}/face-sets HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        EmulatorConfig::DEFAULT_PROJECT_ID
    );
    stream.write_all(probe.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    assert!(
        answer.starts_with(b"HTTP/1.1 "),
        "the emulator answers after {:?}",
        String::from_utf8_lossy(data)
    );
    let _ = SystemTime::now();
}
