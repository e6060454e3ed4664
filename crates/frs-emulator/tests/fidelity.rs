//! Closer to the service: each point from Huawei's documentation, sent through the SDK.

use frs_emulator::testimage::{TestImage, TestVideo};
use frs_emulator::{Emulator, EmulatorConfig};
use frs_request::detection::CompareFaces;
use frs_request::face_sets::CreateFaceSet;
use frs_request::liveness::{Action, DetectLive, DetectLiveFace};
use frs_request::{Config, Credentials, Endpoint, RetryPolicy};
use frs_types::{ErrorCode, Image, Video};

fn client(em: &Emulator) -> frs_ureq::Client {
    frs_ureq::Client::new(
        Config::new(
            Endpoint::parse(&em.endpoint()).unwrap(),
            EmulatorConfig::DEFAULT_PROJECT_ID.parse().unwrap(),
            Credentials::token(EmulatorConfig::DEFAULT_TOKEN),
        )
        .with_retry(RetryPolicy::none()),
    )
}

fn code<T: std::fmt::Debug>(result: Result<T, frs_ureq::Error>) -> Option<ErrorCode> {
    result.unwrap_err().code().cloned()
}

#[test]
fn frs_0708_is_in_the_catalogue_and_every_code_has_a_status() {
    let code = ErrorCode::parse("FRS.0708");
    assert_eq!(code.http_status(), Some(400));
    assert!(ErrorCode::ALL.contains(&code));
    for c in ["FRS.0022", "FRS.0702", "FRS.0703", "FRS.0115", "FRS.0116", "FRS.0117", "FRS.0120"] {
        assert_eq!(ErrorCode::parse(c).http_status(), Some(400), "{c}");
    }
}

#[test]
fn capacities_above_100000_need_max_capacity() {
    let op = || CreateFaceSet::new("big".parse().unwrap()).capacity(200_000).unwrap();
    let em = Emulator::start(EmulatorConfig::default()).unwrap();
    assert_eq!(code(client(&em).execute(&op())), Some(ErrorCode::ParameterInvalid));
    let em = Emulator::start(EmulatorConfig { max_capacity: 500_000, ..EmulatorConfig::default() }).unwrap();
    let info = client(&em).execute(&op()).unwrap().value.face_set_info.unwrap();
    assert_eq!(info.face_set_capacity, Some(200_000));
}

#[test]
fn silent_liveness_takes_images_up_to_2_mb() {
    let em = Emulator::start(EmulatorConfig::default()).unwrap();
    // A 3 MB PNG: within the 8 MB of the other operations.
    let mut big = TestImage::person("alice").png();
    big.resize(3 * 1024 * 1024, 0);
    let image = Image::from_bytes("big.png", big.clone()).unwrap();
    // The SDK refuses it before sending.
    let err = client(&em).execute(&DetectLiveFace::new(image)).unwrap_err();
    assert!(err.service().is_none() && err.to_string().contains("2 MB"), "{err:?}");
    assert!(em.requests().is_empty(), "nothing was sent");
    // The emulator refuses it too (sent by hand, as another client would).
    em.put_object("/bucket/big.png", big).unwrap();
    let url = Image::from_url("/bucket/big.png").unwrap();
    assert_eq!(code(client(&em).execute(&DetectLiveFace::new(url))), Some(ErrorCode::BodyTooLarge));
    // A small one passes.
    let small = Image::from_bytes("a.png", TestImage::person("alice").png()).unwrap();
    assert!(client(&em).execute(&DetectLiveFace::new(small)).is_ok());
}

#[test]
fn action_liveness_checks_the_order_of_the_actions() {
    let em = Emulator::start(EmulatorConfig::default()).unwrap();
    // The video shows a nod (3), then the mouth (4); asking for 4,3 is not alive.
    let video = || Video::from_bytes("v.mp4", TestVideo::person("carol").actions(&[3, 4]).mp4()).unwrap();
    let alive = |actions: &[Action]| {
        client(&em)
            .execute(&DetectLive::new(video(), actions).unwrap())
            .unwrap()
            .value
            .video_result
            .unwrap()
            .alive
    };
    assert_eq!(alive(&[Action::Nod, Action::Mouth]), Some(true));
    assert_eq!(alive(&[Action::Mouth, Action::Nod]), Some(false), "the wrong order");
    // action_time is honoured: a window ending after the 3-second video is not seen.
    let timed = |windows: &[(u32, u32)]| {
        let op =
            DetectLive::new(video(), &[Action::Nod, Action::Mouth]).unwrap().action_time(windows).unwrap();
        client(&em).execute(&op).unwrap().value.video_result.unwrap().alive
    };
    assert_eq!(timed(&[(0, 1500), (1500, 3000)]), Some(true));
    assert_eq!(timed(&[(0, 1500), (1500, 4000)]), Some(false));
}

#[test]
fn compare_takes_each_image_in_its_own_form() {
    let em = Emulator::start(EmulatorConfig::default()).unwrap();
    let png = TestImage::person("dave").png();
    em.put_object("/bucket/dave.png", png.clone()).unwrap();
    let file = Image::from_bytes("dave.png", png.clone()).unwrap();
    let base64 = Image::base64_from_bytes(&png).unwrap();
    let url = Image::from_url("/bucket/dave.png").unwrap();
    for (a, b) in [(file.clone(), base64.clone()), (url.clone(), file), (base64, url)] {
        let answer = client(&em).execute(&CompareFaces::new(a, b).unwrap()).unwrap();
        assert_eq!(answer.value.similarity, Some(1.0));
    }
}
