//! The life of a face set, with the blocking client: create it with custom fields, add
//! faces, list them page by page, search with a filter on a custom field, update a face,
//! delete faces in bulk by a filter, and delete the set. Each step checks the service's
//! answer; the code between the checks is what a program of yours would write.
//!
//! Against an in-process emulator (no account, 127.0.0.1 only):
//! `cargo run -p frs-ureq --example face_set_workflow`. The tour
//! (`cargo run -p frs-ureq --example tour`) walks every operation of the API instead.

use std::error::Error;

use frs_emulator::testimage::TestImage;
use frs_emulator::{Emulator, EmulatorConfig};
use frs_request::face_sets::{CreateFaceSet, DeleteFaceSet, ShowFaceSet};
use frs_request::faces::{AddFaces, BatchDeleteFaces, ShowFaces, UpdateFace};
use frs_request::search::SearchFaces;
use frs_request::{Config, Credentials, Endpoint};
use frs_types::models::face_sets::FieldType;
use frs_types::{ErrorCode, ExternalFields, FaceSetName, FieldName, Filter, Image};

/// Starts an emulator and runs [`run`] against it.
pub(crate) fn main() -> Result<(), Box<dyn Error>> {
    let emulator = Emulator::start(EmulatorConfig::default())?;
    run(&emulator)
}

/// Runs the workflow on the face set `staff`; an error says which step did not get the
/// answer it expects.
pub(crate) fn run(emulator: &Emulator) -> Result<(), Box<dyn Error>> {
    let config = Config::new(
        Endpoint::parse(&emulator.endpoint())?,
        EmulatorConfig::DEFAULT_PROJECT_ID.parse()?,
        Credentials::access_key(EmulatorConfig::DEFAULT_ACCESS_KEY, EmulatorConfig::DEFAULT_SECRET_KEY),
    );
    let client = frs_ureq::Client::new(config);
    let staff: FaceSetName = "staff".parse()?;
    let floor = FieldName::new("floor")?;

    // 1. A face set with two custom fields (their types are fixed at creation).
    client.execute(
        &CreateFaceSet::new(staff.clone())
            .field(floor.clone(), FieldType::Integer)?
            .field("team".parse()?, FieldType::String)?,
    )?;

    // 2. Four faces: two photos of alice (floors 3 and 5), bob, carol.
    for (variant, (person, image_id, floor, team)) in [
        ("alice", "alice-1", 3, "ops"),
        ("alice", "alice-2", 5, "ops"),
        ("bob", "bob-1", 3, "dev"),
        ("carol", "carol-1", 4, "dev"),
    ]
    .into_iter()
    .enumerate()
    {
        let photo = TestImage::person(person).variant(variant as u64 + 1).png();
        client.execute(
            &AddFaces::new(staff.clone(), Image::from_bytes(format!("{image_id}.png"), photo)?)
                .external_image_id(image_id.parse()?)
                .external_fields(ExternalFields::new().with("floor", floor)?.with("team", team)?),
        )?;
    }

    // 3. Every face, two per page (the iterator asks for the next page when it needs it).
    let faces = client.faces(staff.clone(), 2)?.collect::<Result<Vec<_>, _>>()?;
    let image_ids: Vec<_> = faces.iter().filter_map(|f| f.external_image_id.as_deref()).collect();
    println!("listed: {image_ids:?}");
    if image_ids != ["alice-1", "alice-2", "bob-1", "carol-1"] {
        return Err(format!("expected the four faces added, listed {image_ids:?}").into());
    }

    // 4. Who is this visitor? Only among faces on floors up to 4: alice-2 (floor 5) is left
    //    out by the filter, bob and carol by the threshold (not the same person).
    let visitor = Image::from_bytes("visitor.png", TestImage::person("alice").variant(99).png())?;
    let hits = client.execute(
        &SearchFaces::by_image(staff.clone(), visitor)
            .threshold(0.93)?
            .filter(Filter::at_most(floor.clone(), 4)),
    )?;
    let found: Vec<_> = hits.faces.iter().flatten().filter_map(|f| f.external_image_id.as_deref()).collect();
    println!("search on floors up to 4: {found:?}");
    if found != ["alice-1"] {
        return Err(format!("the search should find alice-1 only, found {found:?}").into());
    }

    // 5. Alice's second photo moves to floor 3. Both fields are sent: the service's
    //    documentation does not say whether an update merges or replaces the map.
    let alice_2 = faces
        .iter()
        .find(|f| f.external_image_id.as_deref() == Some("alice-2"))
        .and_then(|f| f.face_id.clone())
        .ok_or("the listing gave no face_id for alice-2")?;
    let updated = client.execute(
        &UpdateFace::new(staff.clone(), alice_2.parse()?)
            .external_fields(ExternalFields::new().with("floor", 3)?.with("team", "ops")?),
    )?;
    let shown = client.execute(&ShowFaces::by_face_id(staff.clone(), alice_2.parse()?))?;
    let fields = shown.faces.iter().flatten().find_map(|f| f.external_fields.clone()).unwrap_or_default();
    println!("updated {} face: alice-2 now has {fields:?}", updated.face_number.unwrap_or(0));
    if updated.face_number != Some(1)
        || fields.get("floor") != Some(&3.into())
        || fields.get("team") != Some(&"ops".into())
    {
        return Err(format!("alice-2 should be on floor 3 in team ops, has {fields:?}").into());
    }

    // 6. Everyone on floor 3 or below leaves: one call, whatever their number.
    let batch = client.execute(&BatchDeleteFaces::new(staff.clone(), Filter::at_most(floor, 3)))?;
    let left =
        client.execute(&ShowFaceSet::new(staff.clone()))?.face_set_info.as_ref().and_then(|i| i.face_number);
    println!("batch delete: {} face(s) deleted, {left:?} left", batch.face_number.unwrap_or(0));
    if batch.face_number != Some(3) || left != Some(1) {
        return Err(
            format!("alice-1, alice-2 and bob-1 should be deleted, carol-1 left; {left:?} left").into()
        );
    }

    // 7. The set itself; afterwards it is not found (FRS.0302).
    client.execute(&DeleteFaceSet::new(staff.clone()))?;
    match client.execute(&ShowFaceSet::new(staff)) {
        Err(e) if e.code() == Some(&ErrorCode::FaceSetNotFound) => println!("face set deleted"),
        other => return Err(format!("the face set should be gone, got {other:?}").into()),
    }
    Ok(())
}
