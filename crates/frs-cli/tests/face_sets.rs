//! `frs face-set create|list|show|delete` against the emulator, as a user runs them.

mod support;

use support::{Frs, assert_no_secret, rows};

#[test]
fn a_face_set_from_creation_to_deletion() {
    let frs = Frs::start();

    let out = frs.run(&["face-set", "create", "staff", "--field", "age:integer", "--field", "name:string"]);
    let table = rows(out.ok());
    assert_eq!(table[0], ["name", "staff"]);
    assert_eq!(table[2], ["faces", "0"]);
    assert_eq!(table[3], ["capacity", "100000"]);
    assert_eq!(table[5], ["fields", "age:integer name:string"]);
    assert!(out.stderr.is_empty(), "{}", out.stderr);

    frs.run(&["face-set", "create", "visitors", "--capacity", "20000"]).ok();

    let out = frs.run(&["face-set", "list"]);
    let table = rows(out.ok());
    assert_eq!(table[0], ["NAME", "ID", "FACES", "CAPACITY", "CREATED", "FIELDS"]);
    let names: Vec<&str> = table[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"staff") && names.contains(&"visitors"), "{names:?}");
    let visitors = table.iter().find(|r| r[0] == "visitors").unwrap();
    assert_eq!((visitors[2].as_str(), visitors[3].as_str(), visitors[5].as_str()), ("0", "20000", "-"));

    // --output json: the service's answer as the models serialise it.
    let doc = frs.run(&["face-set", "list", "--output", "json"]).json();
    let sets = doc["face_sets_info"].as_array().unwrap();
    assert_eq!(sets.len(), 2);
    // --output jsonl: one face set a line.
    let lines = frs.run(&["--output", "jsonl", "face-set", "list"]).json_lines();
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l["face_set_id"].is_string()));

    let doc = frs.run(&["face-set", "show", "staff", "--output", "json"]).json();
    assert_eq!(doc["face_set_info"]["face_set_name"], "staff");
    assert_eq!(doc["face_set_info"]["external_fields"]["age"]["type"], "integer");

    let out = frs.run(&["face-set", "delete", "visitors"]);
    assert_eq!(rows(out.ok())[0], ["deleted face set", "visitors"]);
    let doc = frs.run(&["face-set", "delete", "staff", "--output", "json"]).json();
    assert_eq!(doc, serde_json::json!({ "face_set_name": "staff" }));
    let lines = frs.run(&["face-set", "list", "--output", "jsonl"]);
    assert_eq!(lines.ok(), "");
    assert_eq!(rows(frs.run(&["face-set", "list"]).ok()).len(), 1, "the header alone");

    assert_no_secret(&out.all());
}

#[test]
fn an_unknown_face_set_is_not_found() {
    let frs = Frs::start();
    for args in [
        &["face-set", "show", "nosuch"][..],
        &["face-set", "delete", "nosuch"],
        &["face", "list", "nosuch"],
        &["face", "delete", "nosuch", "--face-id", "a1b2c3d4"],
    ] {
        let out = frs.run(args);
        let stderr = out.fails(4);
        assert!(stderr.starts_with("error: FRS.0302 (HTTP 400): "), "{args:?}: {stderr}");
        assert!(stderr.contains("[request id "), "{stderr}");
        assert_no_secret(stderr);
    }
}

#[test]
fn other_service_errors_exit_with_5() {
    let frs = Frs::start();
    frs.run(&["face-set", "create", "staff"]).ok();
    let stderr = frs.run(&["face-set", "create", "staff"]).fails(5).to_owned();
    assert!(stderr.starts_with("error: FRS.0301 (HTTP 400): "), "{stderr}");
    // The create is sent once: it is not idempotent, and an error answer is final.
    let creates = frs.emulator.requests().iter().filter(|r| r.method == "POST").count();
    assert_eq!(creates, 2);
}
