//! The emulator at the service's scale: 100,000 faces in one set.
//!
//! ```text
//! cargo bench -p frs-emulator --bench scale
//! ```
//!
//! Measures, over HTTP on loopback against an in-process emulator (so each figure is the
//! server's time plus one loopback round trip of a keep-alive connection):
//! search over 100,000 faces, delete by a custom field across 100,000 faces, one add at
//! 100,000 faces (in memory and durable), and start-up with a 100,000-face state; and
//! prints the memory per face and the add throughput of two concurrent clients. Not run
//! in CI; the figures are in `docs/emulator.md`.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use base64::Engine as _;
use criterion::{Criterion, criterion_main};
use frs_emulator::testimage::TestImage;
use frs_emulator::{Emulator, EmulatorConfig, SeededFace};
use serde_json::{Value, json};

const FACES: usize = 100_000;
const SET: &str = "big";

/// A keep-alive HTTP/1.1 connection.
struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conn {
    fn open(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        Self { reader: BufReader::new(stream.try_clone().expect("clone")), writer: stream }
    }

    fn send(&mut self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let body = body.map(Value::to_string).unwrap_or_default();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        self.writer.write_all(head.as_bytes()).expect("write");
        self.writer.write_all(body.as_bytes()).expect("write");
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("status line");
        let status = line.get(9..12).and_then(|s| s.parse().ok()).expect("status");
        let mut length = 0;
        loop {
            line.clear();
            self.reader.read_line(&mut line).expect("header");
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().expect("content-length");
            }
        }
        let mut payload = vec![0; length];
        self.reader.read_exact(&mut payload).expect("body");
        (status, serde_json::from_slice(&payload).unwrap_or(Value::Null))
    }
}

fn project_path(rest: &str) -> String {
    format!("/v2/{}/face-sets/{SET}{rest}", EmulatorConfig::DEFAULT_PROJECT_ID)
}

fn config(state_dir: Option<PathBuf>) -> EmulatorConfig {
    EmulatorConfig { no_auth: true, state_dir, max_capacity: 200_000, ..EmulatorConfig::default() }
}

/// Resident memory of this process, in bytes.
fn rss() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1).and_then(|p| p.parse::<u64>().ok()))
        .map_or(0, |pages| pages * 4096)
}

/// An emulator holding one set of `FACES` faces with two custom fields; `floor` takes each
/// value 10 times.
fn loaded(state_dir: Option<PathBuf>) -> Emulator {
    let emulator = Emulator::start(config(state_dir)).expect("start");
    let mut conn = Conn::open(emulator.addr());
    let seed = json!({ "face_sets": [{
        "face_set_name": SET,
        "face_set_capacity": 200_000,
        "external_fields": { "floor": { "type": "integer" }, "badge": { "type": "string" } },
    }] });
    let (status, body) = conn.send("POST", "/__emulator/seed", Some(&seed));
    assert_eq!(status, 200, "{body}");
    for i in 0..FACES {
        let face = SeededFace::new(&format!("img-{i}"))
            .person(&format!("person-{i}"))
            .field("floor", i % (FACES / 10))
            .field("badge", format!("B{i}"));
        emulator.seed_face(SET, face).expect("seeded");
    }
    emulator
}

fn image_body(person: &str, image_id: &str) -> Value {
    let png = TestImage::person(person).png();
    json!({ "image_base64": base64::engine::general_purpose::STANDARD.encode(png), "external_image_id": image_id })
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("frs-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn in_memory(c: &mut Criterion) {
    let before = rss();
    let emulator = loaded(None);
    let after = rss();
    let per_face = (after.saturating_sub(before)) as f64 / FACES as f64;
    eprintln!(
        "memory: {:.0} bytes per face in all, {:.0} beyond its 512-byte feature vector ({} MB for {FACES} faces)",
        per_face,
        per_face - 512.0,
        after.saturating_sub(before) / 1_000_000
    );
    let mut conn = Conn::open(emulator.addr());
    let mut group = c.benchmark_group("100k faces, in memory");

    let search = image_body("person-777", "query");
    group.bench_function("search", |b| {
        b.iter(|| {
            let (status, body) = conn.send("POST", &project_path("/search"), Some(&search));
            assert_eq!(status, 200, "{body}");
        });
    });

    let mut floor = 0;
    group.bench_function("delete by custom field (10 of 100,000)", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                floor = (floor + 1) % (FACES / 10);
                let started = Instant::now();
                let (status, body) =
                    conn.send("DELETE", &project_path(&format!("/faces?floor={floor}")), None);
                spent += started.elapsed();
                assert_eq!((status, &body["face_number"]), (200, &json!(10)), "{body}");
                for k in 0..10 {
                    let i = floor + k * (FACES / 10);
                    let face = SeededFace::new(&format!("img-{i}"))
                        .person(&format!("person-{i}"))
                        .field("floor", floor);
                    emulator.seed_face(SET, face).expect("seeded");
                }
            }
            spent
        });
    });

    bench_add(&mut group, &emulator, &mut conn);
    group.finish();
    throughput("in memory", &emulator);
}

/// One add at 100,000 faces (the face is deleted again, untimed).
fn bench_add(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    emulator: &Emulator,
    conn: &mut Conn,
) {
    let mut n = 0;
    group.bench_function("one add", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                n += 1;
                let body = image_body(&format!("new-{n}"), &format!("new-{n}"));
                let started = Instant::now();
                let (status, answer) = conn.send("POST", &project_path("/faces"), Some(&body));
                spent += started.elapsed();
                assert_eq!(status, 200, "{answer}");
                let face_id = answer["faces"][0]["face_id"].as_str().expect("face id").to_owned();
                let (status, _) =
                    conn.send("DELETE", &project_path(&format!("/faces?face_id={face_id}")), None);
                assert_eq!(status, 200);
            }
            spent
        });
    });
    assert!(emulator.face_count(SET) == Some(FACES));
}

/// Adds per second with two clients adding at once (the faces stay).
fn throughput(label: &str, emulator: &Emulator) {
    const PER_CLIENT: usize = 2_000;
    let started = Instant::now();
    let clients: Vec<_> = (0..2)
        .map(|c| {
            let addr = emulator.addr();
            std::thread::spawn(move || {
                let mut conn = Conn::open(addr);
                for k in 0..PER_CLIENT {
                    let body = image_body(&format!("load-{c}-{k}"), &format!("load-{c}-{k}"));
                    let (status, answer) = conn.send("POST", &project_path("/faces"), Some(&body));
                    assert_eq!(status, 200, "{answer}");
                }
            })
        })
        .collect();
    for c in clients {
        c.join().expect("client");
    }
    let rate = (2 * PER_CLIENT) as f64 / started.elapsed().as_secs_f64();
    eprintln!("throughput ({label}): {rate:.0} adds/s with two concurrent clients");
}

fn durable(c: &mut Criterion) {
    let dir = temp_dir("durable");
    let emulator = loaded(Some(dir.clone()));
    let mut conn = Conn::open(emulator.addr());
    let mut group = c.benchmark_group("100k faces, durable");
    bench_add(&mut group, &emulator, &mut conn);
    group.finish();
    throughput("durable", &emulator);
    drop(conn);
    drop(emulator);

    let mut group = c.benchmark_group("100k faces, durable");
    group.sample_size(10);
    group.bench_function("start-up", |b| {
        b.iter(|| {
            let emulator = Emulator::start(config(Some(dir.clone()))).expect("start");
            assert!(emulator.face_count(SET).is_some_and(|n| n >= FACES));
        });
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

/// The benchmark group (its generated function has no doc comment of its own).
#[allow(missing_docs)]
mod group {
    use super::{Criterion, Duration, durable, in_memory};

    criterion::criterion_group! {
        name = benches;
        config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));
        targets = in_memory, durable
    }
}

criterion_main!(group::benches);
