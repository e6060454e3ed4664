//! A narrated tour of the whole FRS API against an in-process emulator: no account, no
//! network beyond 127.0.0.1. Run it with `cargo run -p frs-ureq --example tour`.
//!
//! It signs every request with AK/SK exactly as it would for the real service; only the
//! endpoint differs.

use std::error::Error;

use frs_emulator::testimage::{TestImage, TestVideo};
use frs_emulator::{Emulator, EmulatorConfig};
use frs_request::detection::{Attribute, CompareFaces, DetectFaces};
use frs_request::face_sets::{CreateFaceSet, DeleteFaceSet, ShowAllFaceSets, ShowFaceSet};
use frs_request::faces::{AddFaces, BatchDeleteFaces, DeleteFaces, UpdateFace};
use frs_request::liveness::{Action, DetectLive, DetectLiveFace};
use frs_request::search::SearchFaces;
use frs_request::{Config, Credentials, Endpoint};
use frs_types::models::face_sets::FieldType;
use frs_types::{ErrorCode, ExternalFields, Filter, Image, Sort, Video};

/// Runs the tour; an error says which step went wrong.
pub(crate) fn main() -> Result<(), Box<dyn Error>> {
    let emulator = Emulator::start(EmulatorConfig::default())?;
    println!("emulator listening on {}", emulator.endpoint());
    let config = Config::new(
        Endpoint::parse(&emulator.endpoint())?,
        EmulatorConfig::DEFAULT_PROJECT_ID.parse()?,
        Credentials::access_key(EmulatorConfig::DEFAULT_ACCESS_KEY, EmulatorConfig::DEFAULT_SECRET_KEY),
    );
    let client = frs_ureq::Client::new(config);
    let staff = "staff".parse()?;

    // Face sets.
    let created = client.execute(
        &CreateFaceSet::new("staff".parse()?)
            .capacity(10_000)?
            .field("floor".parse()?, FieldType::Integer)?
            .field("badge".parse()?, FieldType::String)?,
    )?;
    let info = created.face_set_info.clone().unwrap_or_default();
    println!("created face set {:?} (id {:?})", info.face_set_name, info.face_set_id);
    let all = client.execute(&ShowAllFaceSets)?;
    println!("the project has {} face set(s)", all.face_sets_info.as_ref().map_or(0, Vec::len));

    // Faces: three people, one of them photographed twice.
    for (variant, (person, image_id, floor, badge)) in [
        ("alice", "alice-1", 3, "A-1"),
        ("alice", "alice-2", 3, "A-1"),
        ("bob", "bob-1", 4, "B-7"),
        ("carol", "carol-1", 5, "C-2"),
    ]
    .into_iter()
    .enumerate()
    {
        // Each photo is another picture (variant) of its person.
        let photo = TestImage::person(person).variant(variant as u64 + 1).png();
        let fields = ExternalFields::new().with("floor", floor)?.with("badge", badge)?;
        let added = client.execute(
            &AddFaces::new("staff".parse()?, Image::from_bytes(format!("{image_id}.png"), photo)?)
                .external_image_id(image_id.parse()?)
                .external_fields(fields),
        )?;
        let faces = added.faces.clone().unwrap_or_default();
        println!("added {image_id}: face {:?}", faces.first().and_then(|f| f.face_id.clone()));
    }
    let listed: Vec<_> = client.faces("staff".parse()?, 2)?.collect::<Result<_, _>>()?;
    println!("listed {} faces, two per page", listed.len());

    // Search with a new photo of alice, only on floors 1-3, highest floor first.
    let visitor = Image::from_bytes("visitor.png", TestImage::person("alice").variant(99).png())?;
    let hits = client.execute(
        &SearchFaces::by_image("staff".parse()?, visitor.clone())
            .top_n(3)?
            .threshold(0.5)?
            .filter(Filter::parse("floor:[1 TO 3]")?)
            .sort(Sort::new().desc("floor".parse()?)),
    )?;
    for hit in hits.faces.iter().flatten() {
        println!("  search hit {:?} similarity {:.3}", hit.external_image_id, hit.similarity.unwrap_or(0.0));
    }

    // Detection, comparison, liveness.
    let detected = client.execute(
        &DetectFaces::new(Image::from_bytes("group.jpg", TestImage::person("dave").faces(3).jpeg())?)
            .attributes(&[Attribute::Gender, Attribute::Age]),
    )?;
    println!("detected {} faces in a group photo", detected.faces.as_ref().map_or(0, Vec::len));
    let other = Image::from_bytes("bob.png", TestImage::person("bob").png())?;
    let same = client.execute(&CompareFaces::new(
        visitor.clone(),
        Image::from_bytes("a.png", TestImage::person("alice").png())?,
    )?)?;
    let different = client.execute(&CompareFaces::new(visitor.clone(), other)?)?;
    println!(
        "alice vs alice: {:.3}, alice vs bob: {:.3}",
        same.similarity.unwrap_or(0.0),
        different.similarity.unwrap_or(0.0)
    );
    let live = client.execute(&DetectLiveFace::new(visitor))?;
    println!("silent liveness: alive = {:?}", live.result.as_ref().and_then(|r| r.alive));
    let clip = Video::from_bytes("clip.mp4", TestVideo::person("alice").actions(&[1, 3]).mp4())?;
    let video = client.execute(&DetectLive::new(clip, &[Action::ShakeLeft, Action::Nod])?)?;
    println!("action liveness: alive = {:?}", video.video_result.as_ref().and_then(|r| r.alive));

    // Update, then delete by a custom field (the call Huawei's SDKs lack), by filter, and the set.
    let bob = listed
        .iter()
        .find(|f| f.external_image_id.as_deref() == Some("bob-1"))
        .and_then(|f| f.face_id.clone());
    if let Some(bob) = bob {
        client.execute(
            &UpdateFace::new("staff".parse()?, bob.parse()?)
                .external_fields(ExternalFields::new().with("floor", 3)?),
        )?;
        println!("moved bob to floor 3");
    }
    let deleted =
        client.execute(&DeleteFaces::by_field("staff".parse()?, "badge".parse()?, "A-1".parse()?))?;
    println!("deleted every face with badge A-1: {} face(s)", deleted.face_number.unwrap_or(0));
    if deleted.face_number != Some(2) {
        return Err("both photos of alice carry badge A-1".into());
    }
    let batch = client.execute(&BatchDeleteFaces::new("staff".parse()?, Filter::parse("floor:[3 TO *]")?))?;
    println!("deleted every face on floor 3 and up: {} face(s)", batch.face_number.unwrap_or(0));
    match client.execute(&DeleteFaces::by_external_image_id("staff".parse()?, "nobody".parse()?)) {
        Err(e) if e.code() == Some(&ErrorCode::FieldNotFound) => println!("typed error, as documented: {e}"),
        other => return Err(format!("expected FRS.0402, got {other:?}").into()),
    }
    let shown = client.execute(&ShowFaceSet::new(staff))?;
    let left = shown.face_set_info.as_ref().and_then(|i| i.face_number);
    println!("faces left: {left:?}");
    if left != Some(0) {
        return Err("every face should be gone by now".into());
    }
    client.execute(&DeleteFaceSet::new("staff".parse()?))?;
    println!("deleted the face set; {} requests were sent", emulator.requests().len());
    Ok(())
}
