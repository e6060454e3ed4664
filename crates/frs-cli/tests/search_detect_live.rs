//! `frs search`, `frs detect`, `frs compare`, `frs live detect` and `frs live detect-face`
//! against the emulator.

mod support;

use frs_emulator::testimage::{TestImage, TestVideo};
use support::{Frs, assert_no_secret, rows};

#[test]
fn searching_by_image_and_by_face_id() {
    let frs = Frs::start();
    frs.run(&["face-set", "create", "staff", "--field", "age:integer"]).ok();
    frs.file("alice.png", &TestImage::person("alice").png());
    frs.file("alice-2.png", &TestImage::person("alice").variant(2).png());
    frs.file("bob.png", &TestImage::person("bob").png());
    let added = frs.run(&[
        "face",
        "add",
        "staff",
        "alice.png",
        "--external-image-id",
        "alice",
        "--field",
        "age=30",
        "--output",
        "jsonl",
    ]);
    let alice_id = added.json_lines()[0]["face_id"].as_str().unwrap().to_owned();
    frs.run(&["face", "add", "staff", "bob.png", "--external-image-id", "bob", "--field", "age=50"]).ok();

    let table = rows(frs.run(&["search", "staff", "alice-2.png"]).ok());
    assert_eq!(table[0], ["FACE_ID", "EXTERNAL_IMAGE_ID", "SIMILARITY", "FIELDS"]);
    assert_eq!(table[1][1], "alice", "the best match first");
    let similarity: f64 = table[1][2].parse().unwrap();
    assert!(similarity >= 0.93, "{similarity}");

    let doc = frs.run(&["search", "staff", "alice-2.png", "--threshold", "0.93", "--output", "json"]).json();
    assert_eq!(doc["faces"].as_array().unwrap().len(), 1);

    let lines = frs
        .run(&[
            "search",
            "staff",
            "--face-id",
            &alice_id,
            "--filter",
            "age:[40 TO 60]",
            "--return-field",
            "age",
            "--output",
            "jsonl",
        ])
        .json_lines();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["external_image_id"], "bob");
    assert_eq!(lines[0]["external_fields"]["age"], 50);

    let lines = frs
        .run(&["search", "staff", "bob.png", "--sort", "age:desc", "--top-n", "2", "--output", "jsonl"])
        .json_lines();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["external_image_id"], "bob");
}

#[test]
fn detecting_and_comparing() {
    let frs = Frs::start();
    frs.file("group.png", &TestImage::person("carol").faces(3).size(800, 600).png());
    frs.file("alice-1.png", &TestImage::person("alice").png());
    frs.file("alice-2.png", &TestImage::person("alice").variant(2).png());
    frs.file("bob.png", &TestImage::person("bob").png());

    let out = frs.run(&["detect", "group.png", "--attributes", "age,gender"]);
    let table = rows(out.ok());
    assert_eq!(table[0], ["FACE", "BOX", "ATTRIBUTES"]);
    assert_eq!(table.len(), 4, "three faces");
    assert!(table[1][2].contains("age=") && table[1][2].contains("gender="), "{:?}", table[1]);
    let lines = frs.run(&["detect", "group.png", "--output", "jsonl"]).json_lines();
    assert_eq!(lines.len(), 3);
    assert!(lines[0]["bounding_box"]["width"].as_i64().unwrap() > 0);

    let table = rows(frs.run(&["compare", "alice-1.png", "alice-2.png"]).ok());
    assert_eq!(table[0][0], "similarity");
    assert!(table[0][1].parse::<f64>().unwrap() >= 0.93, "{table:?}");
    let doc = frs.run(&["compare", "alice-1.png", "bob.png", "--output", "json"]).json();
    assert!(doc["similarity"].as_f64().unwrap() < 0.93, "{doc}");
    assert!(doc["image1_face"]["bounding_box"].is_object());

    frs.emulator.put_object("/bucket/a.png", TestImage::person("alice").png()).unwrap();
    frs.emulator.put_object("/bucket/b.png", TestImage::person("alice").png()).unwrap();
    let doc =
        frs.run(&["compare", "--url", "/bucket/a.png", "--url", "/bucket/b.png", "--output", "json"]).json();
    assert!(doc["similarity"].as_f64().unwrap() >= 0.93, "{doc}");
}

#[test]
fn liveness_from_a_video_and_from_a_photo() {
    let frs = Frs::start();
    frs.file("clip.mp4", &TestVideo::person("bob").duration_ms(5000).actions(&[1, 3]).mp4());
    frs.file("still.mp4", &TestVideo::person("bob").alive(false).mp4());
    frs.file("selfie.png", &TestImage::person("alice").png());
    frs.file("photo.png", &TestImage::person("alice").live(false).png());

    let out = frs.run(&[
        "live",
        "detect",
        "clip.mp4",
        "--actions",
        "shake-left,nod",
        "--action-time",
        "500-2000,2500-4500",
    ]);
    let table = rows(out.ok());
    assert_eq!(table[0], ["alive", "true"]);
    assert!(table[1][1].starts_with("1:") && table[1][1].contains(" 3:"), "{table:?}");
    let doc = frs.run(&["live", "detect", "still.mp4", "--actions", "1", "--output", "json"]).json();
    assert_eq!(doc["video-result"]["alive"], false);
    let doc =
        frs.run(&["live", "detect", "clip.mp4", "--actions", "nod", "--intl", "--output", "json"]).json();
    assert_eq!(doc["video-result"]["alive"], true);
    assert!(frs.emulator.requests().last().unwrap().target.starts_with("/v2/"), "--intl uses /v2");

    let table = rows(frs.run(&["live", "detect-face", "selfie.png"]).ok());
    assert_eq!(table[0], ["alive", "true"]);
    let doc = frs.run(&["live", "detect-face", "photo.png", "--output", "json"]).json();
    assert_eq!(doc["result"]["alive"], false);
    assert_no_secret(&out.all());
}
