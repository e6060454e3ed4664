//! Face-set capacity: a multiple of 10 000, and above 100 000 too (customers can have the
//! service's limit raised; the service, not the SDK, decides).

use frs_request::face_sets::CreateFaceSet;

#[test]
fn capacities_above_100000_are_accepted() {
    let name = || "staff".parse().unwrap();
    for ok in [10_000, 100_000, 110_000, 500_000, 1_000_000] {
        assert!(CreateFaceSet::new(name()).capacity(ok).is_ok(), "{ok}");
    }
    for bad in [0, 5_000, 15_000, 100_001] {
        let err = CreateFaceSet::new(name()).capacity(bad).unwrap_err();
        assert!(err.to_string().contains("face_set_capacity"), "{bad}: {err}");
    }
}
