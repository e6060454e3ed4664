//! No secret, token or signature shows in `Debug` output or error messages.

use std::time::SystemTime;

use frs_request::faces::DeleteFaces;
use frs_request::{Config, Credentials, Endpoint, Operation};

const SK: &str = "very-secret-sk-0123456789";
const TOKEN: &str = "MIINRwYJKoZIhvcNAQcCoIINODCCDTQCAQExDT-secret-token";
const STS: &str = "sts-security-token-secret";

fn op() -> DeleteFaces {
    DeleteFaces::by_face_id("showFaceSet".parse().unwrap(), "faceID01".parse().unwrap())
}

fn config(credentials: Credentials) -> Config {
    Config::new(
        Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com").unwrap(),
        "proj".parse().unwrap(),
        credentials,
    )
}

fn assert_clean(text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "{secret:?} leaked in: {text}");
    }
}

#[test]
fn debug_of_credentials_config_and_requests_hides_secrets() {
    for credentials in [
        Credentials::token(TOKEN),
        Credentials::access_key("AKEXAMPLE123", SK),
        Credentials::temporary("AKEXAMPLE123", SK, STS),
    ] {
        assert_clean(&format!("{credentials:?}"), &[SK, TOKEN, STS, "AKEXAMPLE123"]);
        let config = config(credentials);
        assert_clean(&format!("{config:?} {config:#?}"), &[SK, TOKEN, STS, "AKEXAMPLE123"]);
        let request = op().to_request(&config, SystemTime::now()).unwrap();
        let debug = format!("{request:?}");
        assert_clean(&debug, &[SK, TOKEN, STS]);
        if let Some(auth) = request.headers().get("authorization") {
            let signature = auth.to_str().unwrap().rsplit("Signature=").next().unwrap();
            assert_eq!(signature.len(), 64);
            assert_clean(&debug, &[signature]);
        }
    }
}

#[test]
fn debug_of_a_signed_request_hides_the_signature() {
    let headers = [("X-Sdk-Date".to_owned(), "20240315T102030Z".to_owned())];
    let req = frs_request::sign::SignableRequest {
        method: "GET",
        host: "h",
        path: "/",
        query: &[],
        headers: &headers,
        body: b"",
    };
    let signed =
        frs_request::sign::sign(&req, "AK", &frs_request::Secret::new(SK), SystemTime::now()).unwrap();
    let debug = format!("{signed:?}");
    assert_clean(&debug, &[SK, signed.signature()]);
    assert!(debug.contains("***"));
}

#[test]
fn build_errors_do_not_repeat_header_values() {
    let err = op().to_request(&config(Credentials::token("secret\ntoken")), SystemTime::now()).unwrap_err();
    assert_clean(&format!("{err} {err:?}"), &["secret"]);
    let err = op()
        .to_request(&config(Credentials::temporary("AK", SK, "sts\u{7f}secret")), SystemTime::now())
        .unwrap_err();
    assert_clean(&format!("{err} {err:?}"), &["secret", SK]);
}
