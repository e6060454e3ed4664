//! Replays every committed fuzz corpus entry (`fuzz/corpus/<target>/*`) through the fuzz
//! targets' entry points on the stable toolchain, so CI keeps them as regression tests.

use std::path::Path;

fn replay(target: &str, entry: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus").join(target);
    let mut n = 0;
    for file in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = file.unwrap().path();
        entry(&std::fs::read(&path).unwrap());
        n += 1;
    }
    assert!(n > 0, "no corpus for {target}");
}

#[test]
fn response_corpus() {
    replay("response", frs_conformance::fuzz::response);
}

#[test]
fn filter_corpus() {
    replay("filter", frs_conformance::fuzz::filter);
}

#[test]
fn signing_corpus() {
    replay("signing", frs_conformance::fuzz::signing);
}

#[test]
fn multipart_corpus() {
    replay("multipart", frs_conformance::fuzz::multipart);
}

#[test]
fn emulator_request_corpus() {
    replay("emulator_request", frs_conformance::fuzz::emulator_request);
}
