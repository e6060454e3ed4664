//! What only this transport has, over real HTTP against the emulator: a type-erased shared
//! transport, `Send` futures that can be spawned, the stream of a listing, and file reading
//! with `tokio::fs`. Everything every transport must do is in `tests/conformance.rs`.

use futures_util::StreamExt as _;

use frs_emulator::{Emulator, EmulatorConfig, SeededFace};
use frs_request::faces::DeleteFaces;
use frs_request::{AsyncTransport, Config, Credentials, Endpoint, SharedAsyncTransport, execute_async};
use frs_reqwest::{Client, ReqwestTransport, TransportLimits};

fn emulator() -> (Emulator, Config) {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    emulator.seed_face_set("staff", &[]);
    for i in 0..3 {
        emulator.seed_face("staff", SeededFace::new(&format!("img-{i}"))).unwrap();
    }
    let config = Config::new(
        Endpoint::parse(&emulator.endpoint()).unwrap(),
        EmulatorConfig::DEFAULT_PROJECT_ID.parse().unwrap(),
        Credentials::access_key(EmulatorConfig::DEFAULT_ACCESS_KEY, EmulatorConfig::DEFAULT_SECRET_KEY),
    );
    (emulator, config)
}

fn by_image(id: &str) -> DeleteFaces {
    DeleteFaces::by_external_image_id("staff".parse().unwrap(), id.parse().unwrap())
}

#[tokio::test]
async fn transport_can_be_shared_behind_a_trait_object() {
    let (_emulator, config) = emulator();
    let transport = ReqwestTransport::new(TransportLimits::default()).unwrap();
    let shared = SharedAsyncTransport(std::sync::Arc::new(transport));
    let reply =
        execute_async(&config, &shared, &by_image("img-2"), std::time::SystemTime::now, tokio::time::sleep)
            .await
            .unwrap();
    assert_eq!(reply.face_number, Some(1));
    // The future of a transport is Send, so calls can be spawned.
    let handle =
        tokio::spawn(async move { shared.send(http::Request::new(bytes::Bytes::new())).await.is_err() });
    assert!(handle.await.unwrap());
}

#[tokio::test]
async fn client_calls_and_listings_can_be_spawned() {
    let (emulator, config) = emulator();
    let client = Client::new(config).unwrap();
    let spawned = client.clone();
    let reply = tokio::spawn(async move { spawned.execute(&by_image("img-0")).await }).await.unwrap();
    assert_eq!(reply.unwrap().face_number, Some(1));
    let faces: Vec<_> = client.faces("staff".parse().unwrap(), 1).unwrap().collect().await;
    assert_eq!(faces.len(), 2);
    assert_eq!(faces[1].as_ref().unwrap().external_image_id.as_deref(), Some("img-2"));
    assert_eq!(emulator.requests().len(), 4, "one delete, then pages at offsets 0, 1 and 2");
}

#[tokio::test]
async fn image_files_are_read_and_checked() {
    let dir = std::env::temp_dir().join(format!("frs-reqwest-test-{}", std::process::id()));
    tokio::fs::create_dir_all(&dir).await.unwrap();
    let png = dir.join("face.png");
    tokio::fs::write(&png, [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]).await.unwrap();
    let image = frs_reqwest::read_image(&png).await.unwrap();
    assert_eq!(image.format(), Some(frs_types::ImageFormat::Png));
    let not_video = frs_reqwest::read_video(&png).await.unwrap_err();
    assert!(not_video.to_string().contains("face.png"), "{not_video}");
    let missing = frs_reqwest::read_image(dir.join("missing.png")).await;
    assert!(matches!(missing, Err(frs_request::media_file::ReadMediaError::Io { .. })));
    tokio::fs::remove_dir_all(&dir).await.unwrap();
}
