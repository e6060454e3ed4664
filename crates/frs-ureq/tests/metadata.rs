//! ECS metadata credentials and the credential chain end to end, over loopback: the
//! emulator plays the metadata service (temporary keys its gateway accepts until their
//! `expires_at`) and FRS; the test reads the environment and the profile file the way a
//! program does, and the core resolves the chain.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use frs_emulator::{EcsMetadata, Emulator, EmulatorConfig, SeededFace};
use frs_request::chain::{
    ChainInput, ProfileText, Setting, Source, metadata_endpoint, profile_path, resolve,
};
use frs_request::faces::DeleteFaces;
use frs_request::{BlockingClient, CallError, Config, Credentials, Endpoint, Error, RetryPolicy};
use frs_ureq::{Client, UreqTransport};

fn emulator(lifetime: Duration) -> Emulator {
    let metadata = EcsMetadata { lifetime, ..EcsMetadata::default() };
    let emulator = Emulator::start(EmulatorConfig { metadata, ..EmulatorConfig::default() }).unwrap();
    emulator.seed_face_set("staff", &[]);
    for i in 0..3 {
        emulator.seed_face("staff", SeededFace::new(&format!("img-{i}"))).unwrap();
    }
    emulator
}

fn base(emulator: &Emulator) -> Endpoint {
    Endpoint::parse(&emulator.endpoint()).unwrap()
}

fn metadata_config(emulator: &Emulator, credentials: Credentials) -> Config {
    Config::new(base(emulator), EmulatorConfig::DEFAULT_PROJECT_ID.parse().unwrap(), credentials)
}

fn delete(i: usize) -> DeleteFaces {
    DeleteFaces::by_external_image_id("staff".parse().unwrap(), format!("img-{i}").parse().unwrap())
}

/// `METHOD target` of every request the emulator received.
fn log(emulator: &Emulator) -> Vec<String> {
    emulator
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.target.split('?').next().unwrap_or("")))
        .collect()
}

const PUT_TOKEN: &str = "PUT /meta-data/latest/api/token";
const GET_KEY: &str = "GET /openstack/latest/securitykey";
const DELETE: &str = "DELETE /v2/0a1b2c3d4e5f60718293a4b5c6d7e8f9/face-sets/staff/faces";

#[test]
fn a_client_whose_keys_come_from_the_emulators_metadata_deletes_a_face() {
    let emulator = emulator(Duration::from_secs(3600));
    let client = Client::new(metadata_config(&emulator, Credentials::metadata(base(&emulator))));
    assert_eq!(client.execute(&delete(0)).unwrap().face_number, Some(1));
    assert_eq!(emulator.face_count("staff"), Some(2));
    // A clone shares the keys: no second fetch.
    let clone = client.clone();
    drop(client);
    assert_eq!(clone.execute(&delete(1)).unwrap().face_number, Some(1));
    assert_eq!(log(&emulator), [PUT_TOKEN, GET_KEY, DELETE, DELETE]);
    let call = &emulator.requests()[2];
    assert_eq!(call.header("x-security-token"), Some("***"));
    assert!(call.header("authorization").is_some());
}

#[test]
fn keys_are_fetched_again_once_the_emulators_expires_at_passes() {
    let emulator = emulator(Duration::from_secs(2));
    let client = Client::new(metadata_config(&emulator, Credentials::metadata(base(&emulator))));
    client.execute(&delete(0)).unwrap();
    std::thread::sleep(Duration::from_millis(2100));
    // The pair has expired: the client replaces it before sending (the session token lives on).
    assert_eq!(client.execute(&delete(1)).unwrap().face_number, Some(1));
    assert_eq!(log(&emulator), [PUT_TOKEN, GET_KEY, DELETE, GET_KEY, DELETE]);
}

#[test]
fn keys_the_gateway_refuses_as_expired_are_replaced_and_the_call_resent() {
    let emulator = emulator(Duration::from_secs(2));
    // A client clock five seconds behind the emulator's: it still believes the pair valid
    // when the gateway already refuses it.
    let provider = Credentials::Metadata(
        frs_request::MetadataProvider::new(base(&emulator)).refresh_before(Duration::ZERO),
    );
    let runtime = (|| SystemTime::now() - Duration::from_secs(5), |wait: Duration| std::thread::sleep(wait));
    let client =
        BlockingClient::with_runtime(metadata_config(&emulator, provider), UreqTransport::default(), runtime);
    client.execute(&delete(0)).unwrap();
    std::thread::sleep(Duration::from_millis(2100));
    assert_eq!(client.execute(&delete(1)).unwrap().face_number, Some(1));
    assert_eq!(log(&emulator), [PUT_TOKEN, GET_KEY, DELETE, DELETE, GET_KEY, DELETE]);
}

#[test]
fn a_missing_metadata_service_ends_the_call_with_a_typed_error() {
    let metadata = EcsMetadata { enabled: false, ..EcsMetadata::default() };
    let emulator = Emulator::start(EmulatorConfig { metadata, ..EmulatorConfig::default() }).unwrap();
    let config =
        metadata_config(&emulator, Credentials::metadata(base(&emulator))).with_retry(RetryPolicy::none());
    let err = Client::new(config).execute(&delete(0)).unwrap_err();
    let Error::Call(CallError::Metadata { url, status, .. }) = &err else { panic!("{err:?}") };
    // No token API (404), so the keys are asked for without one, as the official SDK does;
    // that fails too, and the call stops there.
    assert_eq!(url, &format!("{}/openstack/latest/securitykey", emulator.endpoint()));
    assert_eq!(*status, Some(404));
    assert!(err.to_string().contains("APIGW.0101"), "{err}");
    assert_eq!(log(&emulator), [PUT_TOKEN, GET_KEY], "nothing else is sent");
}

// ---------------------------------------------------------------------------------------------
// The chain, as a program runs it.
// ---------------------------------------------------------------------------------------------

fn env_of(vars: Vec<(&'static str, String)>) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<&str, String> = vars.into_iter().collect();
    move |name| map.get(name).cloned()
}

/// Reads the profile file as a program does: a missing file is `None`.
fn read_profile(env: &dyn Fn(&str) -> Option<String>) -> Option<ProfileText> {
    let path = profile_path(env, std::env::var_os("HOME").map(PathBuf::from).as_deref())?;
    let text = std::fs::read_to_string(&path).ok();
    Some(ProfileText { path, text })
}

#[test]
fn the_chain_falls_back_to_the_emulators_metadata_when_nothing_else_is_set() {
    let emulator = emulator(Duration::from_secs(3600));
    let nowhere = std::env::temp_dir().join(format!("frs-no-such-profile-{}", std::process::id()));
    let env = env_of(vec![
        ("FRS_ENDPOINT", emulator.endpoint()),
        ("FRS_METADATA_URL", emulator.endpoint()),
        ("HUAWEICLOUD_SDK_PROJECT_ID", EmulatorConfig::DEFAULT_PROJECT_ID.to_owned()),
        ("HUAWEICLOUD_SDK_CREDENTIALS_FILE", nowhere.display().to_string()),
    ]);
    let input = ChainInput {
        profile: read_profile(&env),
        metadata: Some(metadata_endpoint(&env).unwrap()),
        ..ChainInput::new(&env)
    };
    let resolved = resolve(&input).unwrap();
    assert_eq!(resolved.source(Setting::AccessKey).unwrap().source(), &Source::Metadata(emulator.endpoint()));
    let client = Client::new(resolved.config);
    assert_eq!(client.execute(&delete(2)).unwrap().face_number, Some(1));
    assert_eq!(log(&emulator), [PUT_TOKEN, GET_KEY, DELETE]);
}

#[test]
fn the_chain_takes_the_profile_file_before_metadata() {
    let emulator = emulator(Duration::from_secs(3600));
    let dir = std::env::temp_dir().join(format!("frs-ureq-profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path: PathBuf = dir.join("credentials");
    std::fs::write(
        &path,
        format!(
            "# emulator keys\n[basic]\nak = {}\nsk = {}\nproject_id = {}\n",
            EmulatorConfig::DEFAULT_ACCESS_KEY,
            EmulatorConfig::DEFAULT_SECRET_KEY,
            EmulatorConfig::DEFAULT_PROJECT_ID
        ),
    )
    .unwrap();
    let env = env_of(vec![
        ("FRS_ENDPOINT", emulator.endpoint()),
        ("FRS_METADATA_URL", emulator.endpoint()),
        ("HUAWEICLOUD_SDK_CREDENTIALS_FILE", path.display().to_string()),
    ]);
    let input = ChainInput {
        profile: read_profile(&env),
        metadata: Some(metadata_endpoint(&env).unwrap()),
        ..ChainInput::new(&env)
    };
    let resolved = resolve(&input).unwrap();
    assert_eq!(resolved.source(Setting::SecretKey).unwrap().source(), &Source::Profile(path.clone()));
    assert_eq!(resolved.source(Setting::ProjectId).unwrap().source(), &Source::Profile(path));
    assert_eq!(Client::new(resolved.config).execute(&delete(0)).unwrap().face_number, Some(1));
    assert_eq!(log(&emulator), [DELETE], "no metadata call");
    std::fs::remove_dir_all(&dir).unwrap();
}
