//! Criterion benches of the sans-IO core: what one call costs before and after the network.
//! Run in release with `cargo bench -p frs-request --bench core`; CI only compiles them
//! (clippy `--all-targets`). Figures are reported in `docs/performance.md`, never asserted.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use bytes::Bytes;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use frs_request::faces::{AddFaces, DeleteFaces};
use frs_request::search::SearchFaces;
use frs_request::sign::{SignableRequest, sign};
use frs_request::{Config, Credentials, Endpoint, Operation, Secret};
use frs_types::{FaceSetName, Filter, Image};

const MIB: usize = 1024 * 1024;

fn config() -> Config {
    Config::new(
        Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com").unwrap(),
        "0a1b2c3d4e5f60718293a4b5c6d7e8f9".parse().unwrap(),
        Credentials::access_key("MY-AK-1234567890ABCD", "my-secret-key-0123456789abcdefghijklmn"),
    )
}

fn now() -> std::time::SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_710_498_030)
}

fn set() -> FaceSetName {
    "showFaceSet".parse().unwrap()
}

/// A JPEG-looking payload of `len` bytes (the core checks the magic bytes and the size).
fn jpeg(len: usize) -> Vec<u8> {
    let mut data = vec![0x5A; len];
    data[..4].copy_from_slice(&[0xFF, 0xD8, 0xFF, 0xE0]);
    data
}

fn delete_face(c: &mut Criterion) {
    let config = config();
    let op = DeleteFaces::by_external_image_id(set(), "imageID".parse().unwrap());
    let answer = br#"{"face_number": 1, "face_set_id": "T785tx1N", "face_set_name": "showFaceSet"}"#;
    let answer_response = || {
        http::Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .body(Bytes::from_static(answer))
            .unwrap()
    };
    c.bench_function("delete_face/build_sign_parse", |b| {
        b.iter(|| {
            let request = op.to_request(&config, now()).unwrap();
            black_box(&request);
            black_box(op.parse(answer_response()).unwrap())
        });
    });
    // The part of the round that is the transport's work: the answer as an `http::Response`.
    c.bench_function("delete_face/answer_only", |b| b.iter(|| black_box(answer_response())));
}

fn sign_only(c: &mut Criterion) {
    let headers = [
        ("Content-Type".to_owned(), "application/json".to_owned()),
        ("User-Agent".to_owned(), "frs-rs/0.1.0".to_owned()),
        ("X-Project-Id".to_owned(), "0a1b2c3d4e5f60718293a4b5c6d7e8f9".to_owned()),
    ];
    let query = [("external_image_id".to_owned(), "imageID".to_owned())];
    let secret = Secret::new("my-secret-key-0123456789abcdefghijklmn");
    c.bench_function("sign", |b| {
        b.iter(|| {
            let req = SignableRequest {
                method: "DELETE",
                host: "face.cn-north-4.myhuaweicloud.com",
                path: "/v2/0a1b2c3d4e5f60718293a4b5c6d7e8f9/face-sets/showFaceSet/faces",
                query: &query,
                headers: &headers,
                body: b"",
            };
            black_box(sign(black_box(&req), "MY-AK-1234567890ABCD", &secret, now()).unwrap())
        });
    });
}

/// The hot path's signer on the request the core builds, as `Config::prepare` hands it over
/// to the signer: `X-Project-Id` and `Host` added, in a header map with the room the core
/// leaves for the signer's headers (a clone's map has none, and would grow in the signer).
fn sign_in_place_only(c: &mut Criterion) {
    let unsigned = Config::new(
        Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com").unwrap(),
        "0a1b2c3d4e5f60718293a4b5c6d7e8f9".parse().unwrap(),
        Credentials::token("unused"),
    );
    let op = DeleteFaces::by_external_image_id(set(), "imageID".parse().unwrap());
    let mut template = op.to_request(&unsigned, now()).unwrap();
    template.headers_mut().remove("x-auth-token");
    template
        .headers_mut()
        .insert("x-project-id", http::HeaderValue::from_static("0a1b2c3d4e5f60718293a4b5c6d7e8f9"));
    template
        .headers_mut()
        .insert(http::header::HOST, http::HeaderValue::from_static("face.cn-north-4.myhuaweicloud.com"));
    let secret = Secret::new("my-secret-key-0123456789abcdefghijklmn");
    c.bench_function("sign_in_place", |b| {
        b.iter_batched_ref(
            || {
                let mut req = template.clone();
                let mut headers = http::HeaderMap::with_capacity(10);
                headers.extend(template.headers().clone());
                *req.headers_mut() = headers;
                req
            },
            |req| {
                frs_request::sign::sign_in_place(black_box(req), "MY-AK-1234567890ABCD", &secret, now())
                    .unwrap();
            },
            BatchSize::SmallInput,
        );
    });
}

fn add_faces(c: &mut Criterion) {
    let config = config();
    let mut group = c.benchmark_group("add_faces/build_sign");
    group.sample_size(20);
    // Sizes of what the service's limit counts (the file, or the Base64 text); 8 MiB is
    // exclusive, so the large one is just under it.
    for (label, len) in [("1MiB", MIB), ("8MiB", 8 * MIB - 4)] {
        let file = Bytes::from(jpeg(len));
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_function(format!("multipart/{label}"), |b| {
            b.iter_batched(
                || AddFaces::new(set(), Image::from_bytes("face.jpg", file.clone()).unwrap()),
                |op| black_box(op.to_request(&config, now()).unwrap()),
                BatchSize::LargeInput,
            );
        });
        let text = base64::engine::general_purpose::STANDARD.encode(jpeg(len / 4 * 3));
        group.bench_function(format!("base64_json/{label}"), |b| {
            b.iter_batched(
                || AddFaces::new(set(), Image::from_base64_text(text.clone()).unwrap()),
                |op| black_box(op.to_request(&config, now()).unwrap()),
                BatchSize::LargeInput,
            );
        });
    }
    group.finish();
}

fn search_answer(hits: usize) -> Bytes {
    let faces: Vec<String> = (0..hits)
        .map(|i| {
            format!(
                r#"{{"bounding_box": {{"width": 174, "top_left_y": 37, "top_left_x": 22, "height": 174}}, "similarity": 0.{:04}, "face_id": "face{i:04}", "external_image_id": "img-{i}", "external_fields": {{"age": {}, "name": "person {i}"}}}}"#,
                9999 - i,
                20 + i % 50
            )
        })
        .collect();
    Bytes::from(format!(r#"{{"faces": [{}]}}"#, faces.join(", ")))
}

fn search_parse(c: &mut Criterion) {
    let op = SearchFaces::by_face_id(set(), "iexEBb6t".parse().unwrap());
    let answer = search_answer(100);
    c.bench_function("search/parse_100_hits", |b| {
        b.iter(|| {
            let response = http::Response::builder()
                .status(200)
                .header("content-type", "application/json")
                .body(answer.clone())
                .unwrap();
            black_box(op.parse(response).unwrap())
        });
    });
}

fn filter_parse(c: &mut Criterion) {
    let clauses: Vec<String> = (0..20)
        .map(|i| match i % 4 {
            0 => format!("age:[{} TO {}]", i, i + 10),
            1 => format!("name:person{i}"),
            2 => format!("floor:{i}"),
            _ => format!("(badge:A-{i} || badge:B-{i})"),
        })
        .collect();
    let text = clauses.join(" && ");
    assert!(text.parse::<Filter>().is_ok(), "the bench filter parses: {text}");
    c.bench_function("filter/parse_20_clauses", |b| b.iter(|| black_box(black_box(&text).parse::<Filter>())));
}

/// The floor under every signature: SHA-256 alone, on one block and on the size of a
/// delete-face's canonical request (7 blocks with the padding).
fn sha256_floor(c: &mut Criterion) {
    use sha2::{Digest as _, Sha256};
    let data = [0x61u8; 384];
    c.bench_function("sha256/one_block", |b| b.iter(|| black_box(Sha256::digest(black_box(&data[..55])))));
    c.bench_function("sha256/384_bytes", |b| b.iter(|| black_box(Sha256::digest(black_box(&data[..])))));
}

criterion_group!(
    benches,
    delete_face,
    sign_only,
    sign_in_place_only,
    add_faces,
    search_parse,
    filter_parse,
    sha256_floor
);
criterion_main!(benches);
