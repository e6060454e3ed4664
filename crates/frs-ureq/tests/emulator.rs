//! What only this transport has, over real HTTP against the emulator: a caller-built agent
//! keeps the safe settings, the client alias and its constructors, and file reading with
//! `std::fs`. Everything every transport must do is in `tests/conformance.rs`.

use frs_emulator::{Emulator, EmulatorConfig, SeededFace};
use frs_request::faces::DeleteFaces;
use frs_request::{Config, Credentials, Endpoint};
use frs_types::ErrorCode;
use frs_ureq::{Client, TransportLimits, UreqTransport};

fn config(emulator: &Emulator) -> Config {
    Config::new(
        Endpoint::parse(&emulator.endpoint()).unwrap(),
        EmulatorConfig::DEFAULT_PROJECT_ID.parse().unwrap(),
        Credentials::access_key(EmulatorConfig::DEFAULT_ACCESS_KEY, EmulatorConfig::DEFAULT_SECRET_KEY),
    )
}

#[test]
fn caller_built_agent_still_returns_error_bodies() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    emulator.seed_face_set("staff", &[]);
    // An agent configured to turn 4xx into errors (ureq's default) must not lose the
    // service's error body: the transport overrides that per request.
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(true).build().into();
    let client = Client::with_transport(
        config(&emulator),
        UreqTransport::with_agent(agent, TransportLimits::default()),
    );
    let err = client
        .execute(&DeleteFaces::by_face_id("staff".parse().unwrap(), "nope1234".parse().unwrap()))
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::FaceIdNotFound), "{err:?}");
}

#[test]
fn the_client_alias_lists_with_an_iterator() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    emulator.seed_face_set("staff", &[]);
    for i in 0..3 {
        emulator.seed_face("staff", SeededFace::new(&format!("img-{i}"))).unwrap();
    }
    let client = Client::new(config(&emulator));
    let faces: frs_ureq::Faces<'_> = client.faces("staff".parse().unwrap(), 2).unwrap();
    assert_eq!(faces.map(Result::unwrap).count(), 3);
    assert_eq!(client.config().endpoint().to_string(), emulator.endpoint());
}

#[test]
fn image_files_are_checked_before_they_are_read() {
    let dir = std::env::temp_dir().join(format!("frs-ureq-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let jpg = dir.join("face.jpg");
    std::fs::write(&jpg, [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0]).unwrap();
    let image = frs_ureq::read_image(&jpg).unwrap();
    assert_eq!(image.format(), Some(frs_types::ImageFormat::Jpeg));
    let frs_types::Image::File(file) = &image else { panic!("{image:?}") };
    assert_eq!(file.file_name(), "face.jpg");

    let text = dir.join("notes.jpg");
    std::fs::write(&text, b"not an image").unwrap();
    let err = frs_ureq::read_image(&text).unwrap_err();
    assert!(err.to_string().contains("notes.jpg"), "{err}");

    // A sparse 9 MiB file: refused from its length, without reading it.
    let big = dir.join("big.png");
    std::fs::File::create(&big).unwrap().set_len(9 * 1024 * 1024).unwrap();
    let err = frs_ureq::read_image(&big).unwrap_err();
    assert!(err.to_string().contains("8388608"), "{err}");
    assert!(frs_ureq::read_video(&big).unwrap_err().to_string().contains("video_file"));

    assert!(matches!(
        frs_ureq::read_image(dir.join("missing.jpg")),
        Err(frs_request::media_file::ReadMediaError::Io { .. })
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}
