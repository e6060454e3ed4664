//! Deleting faces each of the three ways the service offers, with the blocking client: by
//! `external_image_id`, by `face_id`, and by a custom field of the face set
//! (`DeleteFaces::by_field`: `DELETE …/faces?<field>=<value>`, the call Huawei's own SDKs
//! cannot send). After each delete it checks the answer's `face_number` and that the face
//! is gone.
//!
//! Against an in-process emulator (no account, 127.0.0.1 only):
//! `cargo run -p frs-ureq --example delete_face`. The async twin is
//! `cargo run -p frs-reqwest --example delete_face`.

use std::error::Error;

use frs_emulator::testimage::TestImage;
use frs_emulator::{Emulator, EmulatorConfig};
use frs_request::face_sets::CreateFaceSet;
use frs_request::faces::{AddFaces, DeleteFaces, ShowFaces};
use frs_request::{Config, Credentials, Endpoint};
use frs_types::models::face_sets::FieldType;
use frs_types::{ErrorCode, ExternalFields, FaceSetName, Image};

/// Starts an emulator and runs [`run`] against it.
pub(crate) fn main() -> Result<(), Box<dyn Error>> {
    let emulator = Emulator::start(EmulatorConfig::default())?;
    run(&emulator)
}

/// Fills the face set `visitors` with five faces, deletes four of them (one, one, then two)
/// and checks that only `erin-1` is left; an error says which check failed.
pub(crate) fn run(emulator: &Emulator) -> Result<(), Box<dyn Error>> {
    let config = Config::new(
        Endpoint::parse(&emulator.endpoint())?,
        EmulatorConfig::DEFAULT_PROJECT_ID.parse()?,
        Credentials::access_key(EmulatorConfig::DEFAULT_ACCESS_KEY, EmulatorConfig::DEFAULT_SECRET_KEY),
    );
    let client = frs_ureq::Client::new(config);
    let visitors: FaceSetName = "visitors".parse()?;

    // A face set with one custom field, `badge`, and five faces; carol and dave share badge V-9.
    client.execute(&CreateFaceSet::new(visitors.clone()).field("badge".parse()?, FieldType::String)?)?;
    let mut bob_face_id = None;
    for (image_id, badge) in
        [("alice-1", "A-1"), ("bob-1", "B-7"), ("carol-1", "V-9"), ("dave-1", "V-9"), ("erin-1", "E-2")]
    {
        let person = image_id.trim_end_matches("-1");
        let photo = Image::from_bytes(format!("{image_id}.png"), TestImage::person(person).png())?;
        let added = client.execute(
            &AddFaces::new(visitors.clone(), photo)
                .external_image_id(image_id.parse()?)
                .external_fields(ExternalFields::new().with("badge", badge)?),
        )?;
        if image_id == "bob-1" {
            bob_face_id = added.faces.iter().flatten().find_map(|face| face.face_id.clone());
        }
    }
    let bob_face_id = bob_face_id.ok_or("the service gave no face_id for bob-1")?;

    // 1. By external_image_id: every face added from that image.
    let reply = client.execute(&DeleteFaces::by_external_image_id(visitors.clone(), "alice-1".parse()?))?;
    check_count("external_image_id=alice-1", reply.face_number, 1)?;
    // Gone: deleting it again finds no such image id (FRS.0402).
    match client.execute(&DeleteFaces::by_external_image_id(visitors.clone(), "alice-1".parse()?)) {
        Err(e) if e.code() == Some(&ErrorCode::FieldNotFound) => {}
        other => return Err(format!("alice-1 should be gone, got {other:?}").into()),
    }

    // 2. By face_id: the one face the service named when it was added.
    let reply = client.execute(&DeleteFaces::by_face_id(visitors.clone(), bob_face_id.parse()?))?;
    check_count(&format!("face_id={bob_face_id}"), reply.face_number, 1)?;
    // Gone: showing it answers "face id does not exist" (FRS.0403).
    match client.execute(&ShowFaces::by_face_id(visitors.clone(), bob_face_id.parse()?)) {
        Err(e) if e.code() == Some(&ErrorCode::FaceIdNotFound) => {}
        other => return Err(format!("bob's face should be gone, got {other:?}").into()),
    }

    // 3. By a custom field: every face whose `badge` is V-9 — two of them, in one call.
    let reply = client.execute(&DeleteFaces::by_field(visitors.clone(), "badge".parse()?, "V-9".parse()?))?;
    check_count("badge=V-9", reply.face_number, 2)?;
    // Gone: no face has that value any more (FRS.0401).
    match client.execute(&DeleteFaces::by_field(visitors.clone(), "badge".parse()?, "V-9".parse()?)) {
        Err(e) if e.code() == Some(&ErrorCode::FieldValueNotFound) => {}
        other => return Err(format!("no face should have badge V-9, got {other:?}").into()),
    }

    // What is left, every page of it.
    let left: Vec<Option<String>> = client
        .faces(visitors, 10)?
        .map(|face| face.map(|f| f.external_image_id))
        .collect::<Result<_, _>>()?;
    println!("faces left in visitors: {left:?}");
    if left != [Some("erin-1".to_owned())] {
        return Err(format!("only erin-1 should be left, found {left:?}").into());
    }
    Ok(())
}

/// Checks a delete's `face_number`: the number of faces it removed, not a 0/1 flag.
fn check_count(selector: &str, face_number: Option<u64>, expected: u64) -> Result<(), Box<dyn Error>> {
    println!("deleted by {selector}: {} face(s)", face_number.unwrap_or(0));
    if face_number == Some(expected) {
        Ok(())
    } else {
        Err(format!(
            "deleting by {selector} should remove {expected} face(s), the answer says {face_number:?}"
        )
        .into())
    }
}
