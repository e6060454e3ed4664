//! The `photos` example (`cargo run -p frs-emulator --example photos -- DIR COUNT [PEOPLE]`)
//! writes what it says: distinct images, one folder per person, that the emulator takes as
//! the same person within a folder and different people across folders.

#[path = "../examples/photos.rs"]
mod photos;

use std::collections::BTreeSet;
use std::error::Error;

use frs_emulator::{Emulator, EmulatorConfig};
use frs_request::face_sets::CreateFaceSet;
use frs_request::faces::AddFaces;
use frs_request::search::SearchFaces;
use frs_request::{Config, Credentials, Endpoint};
use frs_types::{FaceSetName, Image};

#[test]
fn photos_are_distinct_and_recognised_as_their_person() -> Result<(), Box<dyn Error>> {
    let dir = std::env::temp_dir().join(format!("frs-photos-example-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    photos::write(&dir, 30, 3)?;

    // Three folders of ten, every file a PNG, no two alike.
    let mut folders = BTreeSet::new();
    let mut contents = BTreeSet::new();
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let folder = entry?.path();
        folders.insert(folder.file_name().unwrap_or_default().to_string_lossy().into_owned());
        for file in std::fs::read_dir(&folder)? {
            let path = file?.path();
            let bytes = std::fs::read(&path)?;
            assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{}", path.display());
            contents.insert(bytes.clone());
            files.push((folder.file_name().unwrap_or_default().to_string_lossy().into_owned(), path, bytes));
        }
    }
    assert_eq!(folders.into_iter().collect::<Vec<_>>(), ["p0000", "p0001", "p0002"]);
    assert_eq!((files.len(), contents.len()), (30, 30));

    // Enrolled, each image is found by another image of its person, and only by those.
    let emulator = Emulator::start(EmulatorConfig::default())?;
    let client = frs_ureq::Client::new(Config::new(
        Endpoint::parse(&emulator.endpoint())?,
        EmulatorConfig::DEFAULT_PROJECT_ID.parse()?,
        Credentials::access_key(EmulatorConfig::DEFAULT_ACCESS_KEY, EmulatorConfig::DEFAULT_SECRET_KEY),
    ));
    let set: FaceSetName = "photos".parse()?;
    client.execute(&CreateFaceSet::new(set.clone()))?;
    for (person, path, bytes) in &files {
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let id = format!("{person}-{}", name.trim_end_matches(".png"));
        client.execute(
            &AddFaces::new(set.clone(), Image::from_bytes(name, bytes.clone())?)
                .external_image_id(id.parse()?),
        )?;
    }
    let (person, _, probe) = &files[0];
    let hits = client.execute(
        &SearchFaces::by_image(set, Image::from_bytes("probe.png", probe.clone())?)
            .threshold(0.93)?
            .top_n(30)?,
    )?;
    let found: Vec<String> =
        hits.faces.iter().flatten().filter_map(|f| f.external_image_id.clone()).collect();
    assert_eq!(found.len(), 10, "{found:?}");
    assert!(found.iter().all(|id| id.starts_with(person.as_str())), "{found:?}");
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
