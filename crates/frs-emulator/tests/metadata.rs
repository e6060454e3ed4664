//! The emulator's ECS metadata service over real HTTP: the session token, the keys, what the
//! gateway then accepts, and the configuration that shapes it.

use std::time::{Duration, SystemTime};

use frs_emulator::{AccessKeyPair, EcsMetadata, Emulator, EmulatorConfig};
use frs_request::face_sets::ShowAllFaceSets;
use frs_request::metadata::{GetSecurityKey, IssueMetadataToken, TemporaryCredentials};
use frs_request::{Config, Credentials, Endpoint, RetryPolicy};
use frs_types::ErrorCode;

fn client(emulator: &Emulator, credentials: Credentials) -> frs_ureq::Client {
    let config = Config::new(
        Endpoint::parse(&emulator.endpoint()).unwrap(),
        EmulatorConfig::DEFAULT_PROJECT_ID.parse().unwrap(),
        credentials,
    )
    .with_retry(RetryPolicy::none());
    frs_ureq::Client::new(config)
}

/// A client for the metadata calls themselves (anonymous: the credentials are not used).
fn metadata_client(emulator: &Emulator) -> frs_ureq::Client {
    client(emulator, Credentials::metadata(Endpoint::parse(&emulator.endpoint()).unwrap()))
}

fn fetch(emulator: &Emulator) -> TemporaryCredentials {
    let client = metadata_client(emulator);
    let token = client.execute(&IssueMetadataToken::new()).unwrap().value;
    client.execute(&GetSecurityKey::new(Some(token.token))).unwrap().value
}

fn with_metadata(metadata: EcsMetadata) -> Emulator {
    Emulator::start(EmulatorConfig { metadata, ..EmulatorConfig::default() }).unwrap()
}

#[test]
fn a_session_token_then_keys_valid_an_hour() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let before = SystemTime::now();
    let keys = fetch(&emulator);
    assert!(keys.access_key.starts_with("EMUTEMPAK"), "{keys:?}");
    let expires_at = keys.expires_at.unwrap();
    let life = expires_at.duration_since(before).unwrap();
    assert!(life > Duration::from_secs(3590) && life <= Duration::from_secs(3601), "{life:?}");

    let requests = emulator.requests();
    assert_eq!(requests[0].method, "PUT");
    assert_eq!(requests[0].target, "/meta-data/latest/api/token");
    assert_eq!(requests[0].header("x-metadata-token-ttl-seconds"), Some("21600"));
    assert_eq!(requests[1].target, "/openstack/latest/securitykey");
    assert_eq!(requests[1].header("x-metadata-token"), Some("***"), "the log hides the session token");

    // Each fetch hands out a fresh pair.
    assert_ne!(fetch(&emulator).access_key, keys.access_key);
}

#[test]
fn the_keys_need_a_valid_session_token_and_the_token_a_valid_ttl() {
    let emulator = Emulator::start(EmulatorConfig::default()).unwrap();
    let client = metadata_client(&emulator);
    for session in [None, Some("made-up".into())] {
        let err = client.execute(&GetSecurityKey::new(session)).unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(401), "{err:?}");
    }
    for ttl in [0, 21_601] {
        let err = client.execute(&IssueMetadataToken::with_ttl(Duration::from_secs(ttl))).unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{ttl}: {err:?}");
    }
    assert!(client.execute(&IssueMetadataToken::with_ttl(Duration::from_secs(1))).is_ok());
}

#[test]
fn the_gateway_accepts_the_keys_with_their_security_token_until_they_expire() {
    let emulator = with_metadata(EcsMetadata { lifetime: Duration::from_secs(1), ..EcsMetadata::default() });
    let keys = fetch(&emulator);
    assert!(client(&emulator, keys.credentials()).execute(&ShowAllFaceSets).is_ok());

    // Without the security token, or with another, the gateway refuses them.
    let bare = Credentials::access_key(keys.access_key.clone(), keys.secret_key.expose());
    let err = client(&emulator, bare).execute(&ShowAllFaceSets).unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::GatewayIamAuthFailed), "{err:?}");
    assert!(err.to_string().contains("security token"), "{err}");
    let other = Credentials::temporary(keys.access_key.clone(), keys.secret_key.expose(), "other");
    assert!(client(&emulator, other).execute(&ShowAllFaceSets).is_err());

    std::thread::sleep(Duration::from_millis(1100));
    let err = client(&emulator, keys.credentials()).execute(&ShowAllFaceSets).unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::GatewayIamAuthFailed), "{err:?}");
    assert!(err.to_string().contains("expired"), "{err}");
    assert!(!err.to_string().contains(keys.secret_key.expose()));
}

#[test]
fn configured_keys_are_the_ones_handed_out() {
    let fixed = AccessKeyPair {
        access_key: "FIXEDTEMPAK000000001".into(),
        secret_key: "fixed-temp-secret".into(),
        security_token: Some("fixed-sts".into()),
    };
    let emulator = with_metadata(EcsMetadata { credentials: Some(fixed), ..EcsMetadata::default() });
    let keys = fetch(&emulator);
    assert_eq!(
        (keys.access_key.as_str(), keys.secret_key.expose(), keys.security_token.expose()),
        ("FIXEDTEMPAK000000001", "fixed-temp-secret", "fixed-sts")
    );
    assert!(client(&emulator, keys.credentials()).execute(&ShowAllFaceSets).is_ok());
}

#[test]
fn a_disabled_metadata_service_is_an_unknown_api() {
    let emulator = with_metadata(EcsMetadata { enabled: false, ..EcsMetadata::default() });
    let err = metadata_client(&emulator).execute(&IssueMetadataToken::new()).unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::GatewayApiNotFound), "{err:?}");
}
