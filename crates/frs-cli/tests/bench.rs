//! `frs bench` against the emulator: both clients, every operation, the JSON object's keys.

mod support;

use frs_emulator::testimage::TestImage;
use support::Frs;

fn bench(frs: &Frs, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["bench"];
    all.extend_from_slice(args);
    frs.run(&all).json()
}

#[test]
fn bench_adds_searches_and_deletes_over_both_clients() {
    let frs = Frs::start();
    frs.emulator.seed_face_set("bench", &[]);
    let image = frs.file("alice.png", &TestImage::person("alice").png());

    let added = bench(&frs, &["add-face", &image, "--requests", "12", "--concurrency", "3"]);
    assert_eq!((added["requests"].as_u64(), added["errors"].as_u64()), (Some(12), Some(0)), "{added}");
    assert_eq!(frs.emulator.face_count("bench"), Some(12));
    for key in ["seconds", "requests_per_second", "p50_us", "p90_us", "p99_us", "max_us"] {
        assert!(added[key].as_f64().is_some_and(|v| v >= 0.0), "{key} in {added}");
    }
    assert!(
        added["p50_us"].as_u64() <= added["p99_us"].as_u64()
            && added["p99_us"].as_u64() <= added["max_us"].as_u64()
    );
    assert_eq!(added["transport"], "blocking");
    assert_eq!(added["concurrency"], 3);

    let found =
        bench(&frs, &["search", &image, "--requests", "8", "--concurrency", "4", "--transport", "async"]);
    assert_eq!((found["requests"].as_u64(), found["errors"].as_u64()), (Some(8), Some(0)), "{found}");
    assert_eq!(found["transport"], "async");

    // The first delete removes the twelve faces; the others find no such image: errors.
    let deleted = bench(&frs, &["delete-face", "--requests", "5", "--transport", "async"]);
    assert_eq!((deleted["requests"].as_u64(), deleted["errors"].as_u64()), (Some(5), Some(4)), "{deleted}");
    assert_eq!(frs.emulator.face_count("bench"), Some(0));
    let again = bench(&frs, &["delete-face", "--requests", "3"]);
    assert_eq!((again["requests"].as_u64(), again["errors"].as_u64()), (Some(3), Some(3)), "{again}");
    // More tasks than calls, dealt among the async runtimes: each call is still made once.
    let before = frs.emulator.requests().len();
    let spread =
        bench(&frs, &["delete-face", "--requests", "3", "--concurrency", "7", "--transport", "async"]);
    assert_eq!((spread["requests"].as_u64(), spread["errors"].as_u64()), (Some(3), Some(3)), "{spread}");
    assert_eq!(spread["concurrency"], 7);
    assert_eq!(frs.emulator.requests().len(), before + 3);
}

#[test]
fn bench_refuses_zero_requests_before_sending() {
    let frs = Frs::start();
    frs.run(&["bench", "delete-face", "--requests", "0"]).fails(2);
    assert!(frs.emulator.requests().is_empty());
}
