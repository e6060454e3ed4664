//! The reliability checks: lost answers, clock skew, the rate limit and a fault-injection
//! soak, over real HTTP against the emulator. They test the core's client through each
//! transport: the transport only has to report its failures with the right kind.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use frs_emulator::testimage::TestImage;
use frs_emulator::{Emulator, EmulatorConfig, Fault};
use frs_request::faces::{AddFaces, DeleteFaces, ShowFaces};
use frs_request::{
    Config, Credentials, Error, Jitter, Outcome, RateLimit, RetryPolicy, TransportError, TransportErrorKind,
    TransportLimits,
};
use frs_types::{ErrorCode, FaceSetName, Image};

use super::{AK, PROJECT, SK, by_image, config, emulator, fast_retries, staff};
use crate::Subject;

fn image() -> Image {
    Image::from_bytes("soak.png", TestImage::person("soak").png()).unwrap()
}

fn add(set: &FaceSetName, id: &str) -> AddFaces {
    AddFaces::new(set.clone(), image()).external_image_id(id.parse().unwrap())
}

fn posts(emulator: &Emulator) -> usize {
    emulator.requests().iter().filter(|r| r.method == "POST").count()
}

pub fn a_lost_delete_answer_reports_the_faces_gone<S: Subject>(make: impl Fn(Config, TransportLimits) -> S) {
    let emulator = emulator();
    let client =
        make(config(&emulator, Credentials::access_key(AK, SK), fast_retries()), TransportLimits::default());
    emulator.inject(Fault::LoseAnswer, 1);
    let reply = client.execute(&by_image("img-1")).unwrap();
    assert_eq!(reply.outcome, Outcome::GoneCountUnknown { code: ErrorCode::FieldNotFound });
    assert_eq!(reply.face_number, None, "the count is unknown, not made up");
    assert_eq!(emulator.face_count("staff"), Some(1), "the lost attempt deleted both faces");
    assert_eq!(emulator.requests().len(), 2);
    // Without a lost answer, nothing to delete is the service's plain error.
    let err = client.execute(&by_image("img-1")).unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::FieldNotFound));
}

pub fn a_lost_add_answer_is_never_resent<S: Subject>(make: impl Fn(Config, TransportLimits) -> S) {
    let emulator = emulator();
    let client =
        make(config(&emulator, Credentials::access_key(AK, SK), fast_retries()), TransportLimits::default());
    emulator.inject(Fault::LoseAnswer, 1);
    let err = client.execute(&add(&staff(), "lost-1")).unwrap_err();
    assert!(matches!(&err, Error::Transport(e) if e.kind() != TransportErrorKind::Connect), "{err:?}");
    assert_eq!(posts(&emulator), 1, "an add whose outcome is unknown is not resent");
    assert_eq!(emulator.face_count("staff"), Some(4), "the lost attempt enrolled the face, once");
    // A throttled add is resent: the service did not act.
    emulator.inject(Fault::json(429, r#"{"error_code":"APIGW.0308","error_msg":"throttled"}"#), 1);
    client.execute(&add(&staff(), "throttled-1")).unwrap();
    assert_eq!(posts(&emulator), 3);
    assert_eq!(emulator.face_count("staff"), Some(5));
}

pub fn a_lost_add_answer_is_checked_before_resending_when_opted_in<S: Subject>(
    make: impl Fn(Config, TransportLimits) -> S,
) {
    let emulator = emulator();
    let retry = RetryPolicy { resend_adds_after_check: true, ..fast_retries() };
    let client = make(config(&emulator, Credentials::access_key(AK, SK), retry), TransportLimits::default());
    let searches = |e: &Emulator| e.requests().iter().filter(|r| r.target.ends_with("/search")).count();
    // The answer is lost after the add landed: the check finds it, nothing is resent.
    emulator.inject(Fault::LoseAnswer, 1);
    let reply = client.execute(&add(&staff(), "lost-1")).unwrap();
    assert_eq!(reply.outcome, Outcome::FoundAfterLostAnswer);
    let found = reply.faces.as_deref().unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].external_image_id.as_deref(), Some("lost-1"));
    assert_eq!((posts(&emulator) - searches(&emulator), searches(&emulator)), (1, 1));
    assert_eq!(emulator.face_count("staff"), Some(4), "enrolled once");
    // The stored face is the one reported.
    let shown =
        client.execute(&ShowFaces::by_face_id(staff(), found[0].face_id.clone().unwrap().parse().unwrap()));
    assert_eq!(shown.unwrap().faces.as_deref().map(<[_]>::len), Some(1));
    // A 503 before the service acted: the check finds nothing and the add is resent, once.
    emulator.inject(Fault::json(503, r#"{"error_code":"FRS.0018","error_msg":"busy"}"#), 1);
    let reply = client.execute(&add(&staff(), "busy-1")).unwrap();
    assert_eq!(reply.outcome, Outcome::Answered);
    assert_eq!((posts(&emulator) - searches(&emulator), searches(&emulator)), (3, 2));
    assert_eq!(emulator.face_count("staff"), Some(5));
}

/// The bulk helper over real HTTP: 24 adds with 4 in flight, then 28 deletes (4 of them
/// of ids that never existed) under 503s that each delete's retries absorb.
pub fn bulk_adds_and_deletes_report_every_item<S: Subject>(make: impl Fn(Config, TransportLimits) -> S) {
    use frs_request::bulk::{BulkOptions, DeleteOutcome};
    let emulator = emulator();
    let client =
        make(config(&emulator, Credentials::access_key(AK, SK), fast_retries()), TransportLimits::default());
    let adds: Vec<(u64, AddFaces)> = (0..24)
        .map(|n| {
            let image = Image::from_bytes("p.png", TestImage::person(&format!("person-{n}")).png()).unwrap();
            (n, AddFaces::new(staff(), image).external_image_id(format!("bulk-{n}").parse().unwrap()))
        })
        .collect();
    let (items, summary) = client.execute_many(adds, BulkOptions::concurrency(4));
    assert_eq!((summary.progress.succeeded, summary.progress.failed, summary.stopped), (24, 0, None));
    let mut keys: Vec<u64> = items.iter().map(|i| i.key).collect();
    keys.sort_unstable();
    assert_eq!(keys, (0..24).collect::<Vec<_>>(), "every item once");
    for item in &items {
        let faces = item.result.as_ref().unwrap().faces.clone().unwrap_or_default();
        assert_eq!(faces.len(), 1);
        assert_eq!(faces[0].external_image_id.as_deref(), Some(format!("bulk-{}", item.key).as_str()));
    }
    assert_eq!(emulator.face_count("staff"), Some(27));
    emulator.inject(Fault::json(503, r#"{"error_code":"FRS.0018","error_msg":"busy"}"#), 3);
    let deletes: Vec<(u64, DeleteFaces)> = (0..28)
        .map(|n| (n, DeleteFaces::by_external_image_id(staff(), format!("bulk-{n}").parse().unwrap())))
        .collect();
    let (items, summary) = client.execute_many(deletes, BulkOptions::concurrency(4));
    let outcome = |key: u64| DeleteOutcome::of(&items.iter().find(|i| i.key == key).unwrap().result);
    for key in 0..24 {
        assert_eq!(outcome(key), DeleteOutcome::Deleted(Some(1)), "bulk-{key}");
    }
    for key in 24..28 {
        assert_eq!(outcome(key), DeleteOutcome::AlreadyAbsent, "bulk-{key}");
    }
    assert_eq!((summary.progress.succeeded, summary.progress.failed), (24, 4));
    assert_eq!(emulator.face_count("staff"), Some(3));
}

pub fn a_skewed_service_clock_is_corrected_after_one_retry<S: Subject>(
    make: impl Fn(Config, TransportLimits) -> S,
) {
    for skew in [20 * 60, -20 * 60] {
        let emulator =
            Emulator::start(EmulatorConfig { clock_offset_secs: skew, ..EmulatorConfig::default() })
                .expect("the emulator starts");
        emulator.seed_face_set("staff", &[]);
        let client = make(
            config(&emulator, Credentials::access_key(AK, SK), RetryPolicy::none()),
            TransportLimits::default(),
        );
        let err = client.execute(&by_image("img-1")).unwrap_err();
        assert_eq!(err.code(), Some(&ErrorCode::FieldNotFound), "signed right after one corrected retry");
        assert_eq!(emulator.requests().len(), 2, "one refusal, one corrected retry");
        let offset = client.shared().clock_offset().unwrap();
        assert!((offset - skew).abs() <= 5, "offset {offset}, skew {skew}");
        let _ = client.execute(&by_image("img-1"));
        assert_eq!(emulator.requests().len(), 3, "later calls sign with the corrected clock at once");
    }
}

pub fn the_rate_limit_holds_over_real_http<S: Subject>(make: impl Fn(Config, TransportLimits) -> S) {
    const RATE: f64 = 40.0;
    const CALLS: u32 = 41;
    let emulator = emulator();
    let token = Credentials::token(EmulatorConfig::DEFAULT_TOKEN);
    let client = make(config(&emulator, token, RetryPolicy::none()), TransportLimits::default())
        .with_rate_limit(RateLimit::per_second(RATE));
    let show = ShowFaces::page(staff(), 0, 1).unwrap();
    let start = Instant::now();
    for _ in 0..CALLS {
        client.execute(&show).unwrap();
    }
    // CALLS requests are CALLS - 1 intervals of 1/RATE s: 1 s.
    let measured = f64::from(CALLS - 1) / start.elapsed().as_secs_f64();
    assert!((measured - RATE).abs() <= RATE * 0.1, "measured {measured:.1} requests/s for a limit of {RATE}");
}

/// A small deterministic generator, so that a failing soak can be replayed.
struct Draws(u64);

impl Draws {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The faults of the soak: 5xx, 429, a dropped connection, a lost answer, a truncated body,
/// and a delay past the per-attempt timeout.
fn soak_fault(draws: &mut Draws) -> Fault {
    match draws.below(6) {
        0 => Fault::json(503, r#"{"error_code":"FRS.0018","error_msg":"The service inner error."}"#),
        // `Retry-After: 0`: honoured like any other value, without slowing the soak down.
        1 => Fault::json(
            429,
            r#"{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached"}"#,
        )
        .with_header("Retry-After", "0"),
        2 => Fault::Drop,
        3 => Fault::LoseAnswer,
        4 => Fault::Truncate {
            status: 200,
            body: br#"{"face_number": 1, "face_set_name": "soak"}"#.to_vec(),
            sent: 7,
        },
        _ => Fault::delay(Duration::from_millis(450)),
    }
}

/// 1 000 mixed operations (adds, deletes, listings) with a fault injected before 20% of
/// them: nothing panics, every call ends in a value or a typed error, no add is enrolled
/// twice, and the final state is the one the answers imply.
pub fn soak_of_mixed_operations_under_injected_faults<S: Subject>(
    make: impl Fn(Config, TransportLimits) -> S,
) {
    const OPS: usize = 1_000;
    // The request log is the proof of what was sent: keep all of it (the default journal
    // keeps the last 1,000 requests).
    let journal = EmulatorConfig {
        journal_max_entries: 100_000,
        journal_max_bytes: 256 << 20,
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start(journal).expect("the emulator starts");
    emulator.seed_face_set("soak", &[]);
    let set: FaceSetName = "soak".parse().unwrap();
    let retry = RetryPolicy {
        max_attempts: 4,
        initial_backoff: Duration::from_millis(2),
        max_backoff: Duration::from_millis(20),
        jitter: Jitter::Full,
        call_timeout: Some(Duration::from_secs(10)),
        ..RetryPolicy::default()
    };
    let limits = TransportLimits { total_timeout: Duration::from_millis(300), ..TransportLimits::default() };
    let client = make(config(&emulator, Credentials::access_key(AK, SK), retry), limits);
    let mut draws = Draws(0x50A4);
    // What the answers say: present for sure, and unknown (an add or delete whose answer
    // was lost).
    let mut present = BTreeSet::new();
    let mut unknown = BTreeSet::new();
    let mut adds = 0;
    let mut resendable_adds = 0;
    let mut faults = 0;
    for n in 0..OPS {
        let fault = (draws.below(100) < 20).then(|| soak_fault(&mut draws));
        let delayed = matches!(fault, Some(Fault::Delay { .. }));
        let throttled = matches!(&fault, Some(Fault::Respond { status: 429, .. }));
        if let Some(fault) = fault {
            faults += 1;
            emulator.inject(fault, 1);
        }
        match draws.below(10) {
            0..=3 => {
                let id = format!("img-{n}");
                adds += 1;
                resendable_adds += usize::from(throttled);
                match client.execute(&add(&set, &id)) {
                    Ok(reply) => {
                        assert_eq!(reply.faces.as_ref().map(Vec::len), Some(1));
                        present.insert(id);
                    }
                    Err(Error::Build(e)) => panic!("op {n}: valid input refused: {e}"),
                    Err(_) => {
                        unknown.insert(id);
                    }
                }
            }
            4..=6 => {
                // A face that may exist, or one that certainly does not.
                let known: Vec<&String> = present.iter().chain(&unknown).collect();
                let id = if known.is_empty() || draws.below(5) == 0 {
                    format!("never-{n}")
                } else {
                    let pick = usize::try_from(draws.below(known.len() as u64)).unwrap_or(0);
                    known[pick].clone()
                };
                match client.execute(&DeleteFaces::by_external_image_id(set.clone(), id.parse().unwrap())) {
                    Ok(_) => {
                        present.remove(&id);
                        unknown.remove(&id);
                    }
                    Err(e) if e.code() == Some(&ErrorCode::FieldNotFound) => {
                        assert!(!present.contains(&id), "op {n}: {id} was enrolled, yet not found");
                        unknown.remove(&id);
                    }
                    Err(Error::Build(e)) => panic!("op {n}: valid input refused: {e}"),
                    Err(_) => {
                        if present.remove(&id) {
                            unknown.insert(id);
                        }
                    }
                }
            }
            _ => match client.execute(&ShowFaces::page(set.clone(), 0, 10).unwrap()) {
                Ok(reply) => assert!(reply.faces.as_ref().is_some_and(|f| f.len() <= 10)),
                Err(Error::Build(e)) => panic!("op {n}: valid input refused: {e}"),
                Err(_) => {}
            },
        }
        if delayed {
            // The delayed attempt is still being served: let it finish before the next
            // operation, so that the model's order is the service's.
            std::thread::sleep(Duration::from_millis(250));
        }
    }
    assert!((150..=250).contains(&faults), "{faults} faults in {OPS} operations");
    // The final state, read without faults.
    let mut enrolled: BTreeMap<String, usize> = BTreeMap::new();
    for face in client.faces(set, 100, &mut |_| {}) {
        let face = face.unwrap();
        *enrolled.entry(face.external_image_id.clone().unwrap_or_default()).or_default() += 1;
    }
    for (id, count) in &enrolled {
        assert_eq!(*count, 1, "{id} enrolled {count} times");
        assert!(present.contains(id) || unknown.contains(id), "{id} is enrolled, but no answer said so");
    }
    for id in &present {
        assert!(enrolled.contains_key(id), "{id} was answered as enrolled but is missing");
    }
    // The request log: adds were resent only after a 429 (the service did not act).
    let posted = posts(&emulator);
    assert!(posted >= adds && posted <= adds + resendable_adds, "{posted} POSTs for {adds} adds");
    assert_eq!(
        emulator.requests().iter().filter(|r| !r.target.starts_with(&format!("/v2/{PROJECT}/"))).count(),
        0
    );
}
