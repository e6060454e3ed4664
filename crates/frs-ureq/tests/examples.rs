//! The crate's examples run to the end: each `main` checks the service's answers and fails
//! on any mismatch, and the emulator's state afterwards is checked here, apart from the
//! example's own checks. (The tour has its own test, `tests/tour.rs`.)

use frs_emulator::{Emulator, EmulatorConfig};

#[path = "../examples/delete_face.rs"]
mod delete_face;
#[path = "../examples/face_set_workflow.rs"]
mod face_set_workflow;

/// The targets of the requests the emulator received with `method`, without the project part.
fn targets(emulator: &Emulator, method: &str) -> Vec<String> {
    let prefix = format!("/v2/{}/", EmulatorConfig::DEFAULT_PROJECT_ID);
    emulator
        .requests()
        .into_iter()
        .filter(|r| r.method == method)
        .map(|r| r.target.strip_prefix(&prefix).unwrap_or(&r.target).to_owned())
        .collect()
}

#[test]
fn delete_face_example_runs() {
    delete_face::main().unwrap();
}

#[test]
fn delete_face_example_deletes_by_each_selector_and_leaves_one_face() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    delete_face::run(&emulator).unwrap();
    assert_eq!(emulator.face_count("visitors"), Some(1));
    let deletes = targets(&emulator, "DELETE");
    // Each delete, and the same delete again for two of them (the face id is looked up instead).
    assert_eq!(deletes.len(), 5, "{deletes:?}");
    assert_eq!(deletes[0], "face-sets/visitors/faces?external_image_id=alice-1");
    assert!(deletes[2].starts_with("face-sets/visitors/faces?face_id="), "{deletes:?}");
    assert_eq!(deletes[3], "face-sets/visitors/faces?badge=V-9");
    // Every request was signed (the emulator verified each signature; it records the
    // header masked).
    for request in emulator.requests() {
        assert!(
            request.header("authorization").is_some() && request.header("x-sdk-date").is_some(),
            "{}",
            request.target
        );
    }
}

#[test]
fn face_set_workflow_example_runs() {
    face_set_workflow::main().unwrap();
}

#[test]
fn face_set_workflow_example_removes_what_it_created() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    face_set_workflow::run(&emulator).unwrap();
    assert_eq!(emulator.face_count("staff"), None, "the face set is deleted at the end");
    let batch = targets(&emulator, "DELETE");
    assert_eq!(batch, ["face-sets/staff/faces/batch", "face-sets/staff"]);
    assert_eq!(targets(&emulator, "PUT"), ["face-sets/staff/faces"], "one update");
}
