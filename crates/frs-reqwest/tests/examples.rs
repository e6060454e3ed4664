//! The crate's examples run to the end: each `main` checks the service's answers and fails
//! on any mismatch, and the emulator's state afterwards is checked here, apart from the
//! example's own checks.

use frs_emulator::{Emulator, EmulatorConfig};

#[path = "../examples/delete_face.rs"]
mod delete_face;

#[test]
fn delete_face_example_runs() {
    delete_face::main().unwrap();
}

#[tokio::test]
async fn delete_face_example_deletes_by_each_selector_and_leaves_one_face() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    delete_face::run(&emulator).await.unwrap();
    assert_eq!(emulator.face_count("visitors"), Some(1));
    let prefix = format!("/v2/{}/face-sets/visitors/faces?", EmulatorConfig::DEFAULT_PROJECT_ID);
    let deletes: Vec<String> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.method == "DELETE")
        .map(|r| r.target.strip_prefix(&prefix).unwrap_or(&r.target).to_owned())
        .collect();
    // Each delete, and the same delete again for two of them (the face id is looked up instead).
    assert_eq!(deletes.len(), 5, "{deletes:?}");
    assert_eq!(deletes[0], "external_image_id=alice-1");
    assert!(deletes[2].starts_with("face_id="), "{deletes:?}");
    assert_eq!(deletes[3], "badge=V-9");
}
