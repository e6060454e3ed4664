//! `frs face add|list|show|update|delete|batch-delete` against the emulator.

mod support;

use frs_emulator::testimage::TestImage;
use frs_types::ImageBase64;
use support::{Frs, assert_no_secret, rows};

/// An emulator with the face set `staff` (custom fields `age` and `name`) and the images
/// `alice.png`, `bob.png` and `group.png` (three faces) in the working directory.
fn setup() -> Frs {
    let frs = Frs::start();
    frs.run(&["face-set", "create", "staff", "--field", "age:integer", "--field", "name:string"]).ok();
    frs.file("alice.png", &TestImage::person("alice").png());
    frs.file("bob.png", &TestImage::person("bob").png());
    frs.file("group.png", &TestImage::person("carol").faces(3).size(800, 600).png());
    frs
}

#[test]
fn adding_faces_from_a_file_base64_and_a_url() {
    let frs = setup();
    let out = frs.run(&[
        "face",
        "add",
        "staff",
        "alice.png",
        "--external-image-id",
        "alice-1",
        "--field",
        "age=30",
        "--field",
        "name=alice",
    ]);
    let table = rows(out.ok());
    assert_eq!(table[0], ["FACE_ID", "EXTERNAL_IMAGE_ID", "BOX", "FIELDS"]);
    assert_eq!(table.len(), 2);
    assert_eq!(table[1][1], "alice-1");
    assert_eq!(table[1][3], "age=30 name=alice");

    let bob = TestImage::person("bob").png();
    let text = ImageBase64::encode(&bob).unwrap().as_str().to_owned();
    let doc = frs
        .run_stdin(
            &["face", "add", "staff", "--base64", "-", "--external-image-id", "bob-1", "--output", "json"],
            format!("{text}\n").as_bytes(),
        )
        .json();
    assert_eq!(doc["face_set_name"], "staff");
    assert_eq!(doc["faces"][0]["external_image_id"], "bob-1");

    frs.emulator.put_object("/bucket/group.png", TestImage::person("carol").faces(3).png()).unwrap();
    let lines =
        frs.run(&["face", "add", "staff", "--url", "/bucket/group.png", "--output", "jsonl"]).json_lines();
    assert_eq!(lines.len(), 3, "one line per face added");
    assert_eq!(frs.emulator.face_count("staff"), Some(5));

    let only_largest = frs.run(&["face", "add", "staff", "group.png", "--single", "--output", "jsonl"]);
    assert_eq!(only_largest.json_lines().len(), 1);
}

#[test]
fn listing_every_page_or_one() {
    let frs = setup();
    frs.run(&["face", "add", "staff", "group.png", "--external-image-id", "group"]).ok();
    frs.run(&["face", "add", "staff", "alice.png", "--external-image-id", "alice-1", "--field", "age=30"])
        .ok();
    let before = frs.emulator.requests().len();

    // Every page, two faces a request: 4 faces take three requests.
    let out = frs.run(&["face", "list", "staff", "--page-size", "2"]);
    let table = rows(out.ok());
    assert_eq!(table.len(), 5);
    assert_eq!(table[4][1], "alice-1");
    assert_eq!(table[4][3], "age=30");
    assert_eq!(frs.emulator.requests().len() - before, 3);

    let doc = frs.run(&["face", "list", "staff", "--output", "json"]).json();
    assert_eq!(doc["faces"].as_array().unwrap().len(), 4);
    let lines = frs.run(&["face", "list", "staff", "--output", "jsonl", "--page-size", "3"]).json_lines();
    assert_eq!(lines.len(), 4);
    assert!(lines.iter().all(|l| l["face_id"].is_string()));

    // One page: the service's own answer.
    let doc = frs.run(&["face", "list", "staff", "--offset", "1", "--limit", "2", "--output", "json"]).json();
    assert_eq!(doc["face_set_name"], "staff");
    assert_eq!(doc["faces"].as_array().unwrap().len(), 2);
    let last = frs.emulator.requests().last().unwrap().target.clone();
    assert!(last.ends_with("/faces?limit=2&offset=1"), "{last}");
}

#[test]
fn showing_updating_and_deleting_faces() {
    let frs = setup();
    let alice = frs.run(&[
        "face",
        "add",
        "staff",
        "alice.png",
        "--external-image-id",
        "alice-1",
        "--output",
        "jsonl",
    ]);
    let alice_id = alice.json_lines()[0]["face_id"].as_str().unwrap().to_owned();
    frs.run(&["face", "add", "staff", "bob.png", "--external-image-id", "bob-1", "--field", "name=bob"]).ok();
    frs.run(&["face", "add", "staff", "group.png", "--external-image-id", "group", "--field", "age=50"]).ok();

    let table = rows(frs.run(&["face", "show", "staff", &alice_id]).ok());
    assert_eq!(table[1][0], alice_id);
    assert_eq!(table[1][3], "-");

    let table = rows(frs.run(&["face", "update", "staff", &alice_id, "--field", "age=31"]).ok());
    assert_eq!(table[0], ["faces affected", "1"]);
    let doc = frs.run(&["face", "show", "staff", &alice_id, "--output", "json"]).json();
    assert_eq!(doc["faces"][0]["external_fields"]["age"], 31);

    // Each of the three ways of choosing faces.
    let doc =
        frs.run(&["face", "delete", "staff", "--external-image-id", "alice-1", "--output", "json"]).json();
    assert_eq!(doc["face_number"], 1);
    let table = rows(frs.run(&["face", "delete", "staff", "--field", "name=bob"]).ok());
    assert_eq!(table[0], ["faces affected", "1"]);
    let doc =
        frs.run(&["face", "batch-delete", "staff", "--filter", "age:[40 TO 60]", "--output", "json"]).json();
    assert_eq!(doc["face_number"], 3);
    assert_eq!(frs.emulator.face_count("staff"), Some(0));

    // Deleting what is already gone is "not found", with the service's code.
    let out = frs.run(&["face", "delete", "staff", "--external-image-id", "alice-1"]);
    let stderr = out.fails(4);
    assert!(stderr.starts_with("error: FRS.0402 (HTTP 400): External id is not exist"), "{stderr}");
    assert!(stderr.trim_end().ends_with(']') && stderr.contains("[request id "), "{stderr}");
    let stderr = frs.run(&["face", "delete", "staff", "--face-id", &alice_id]).fails(4).to_owned();
    assert!(stderr.starts_with("error: FRS.0403 "), "{stderr}");
    let stderr = frs.run(&["face", "batch-delete", "staff", "--filter", "age:[1 TO 99]"]).fails(4).to_owned();
    assert!(stderr.starts_with("error: FRS.0407 "), "{stderr}");
    assert_no_secret(&out.all());
}
