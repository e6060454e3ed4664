//! Gateway authentication: tokens, AK/SK signatures and their tampering, temporary
//! credentials, request ids, the gateway's own refusals, and the IAM endpoints.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use frs_emulator::testimage::TestImage;
use frs_emulator::{Emulator, EmulatorConfig, IamUser};
use frs_request::face_sets::{CreateFaceSet, ShowAllFaceSets, ShowFaceSet};
use frs_request::faces::{AddFaces, DeleteFaces};
use frs_request::iam::{
    DiscoveryError, IssueUserToken, ListProjects, PasswordCredentials, discovered_project_id,
};
use frs_request::{ApiVersion, Config, Credentials, Reply, RetryPolicy};
use frs_types::{Image, Region};
use frs_ureq::{Client, UreqTransport};
use http::Method;
use serde_json::{Value, json};

use crate::{
    AK, PID, SK, TOKEN, admin_get, client, client_as, config_as, endpoint, expect_error, expect_raw_error,
    json_of, name, post, raw, send, signed, signed_listing, staff, start, with_temporary_pair,
};

/// The gateway's refusal of a call: 401, `APIGW.0301`, and a request id in the body.
#[track_caller]
fn expect_refused<T: std::fmt::Debug>(result: Result<Reply<T>, frs_ureq::Error>) {
    let service = expect_error(result, 401, "APIGW.0301");
    assert_request_id_in_body(&serde_json::from_slice(&service.body).unwrap());
}

#[track_caller]
fn assert_request_id_in_body(body: &Value) {
    let rid = body["request_id"].as_str().unwrap_or_else(|| panic!("no request_id in {body}"));
    assert!(rid.len() == 32 && rid.bytes().all(|b| b.is_ascii_hexdigit()), "request id {rid:?}");
}

#[track_caller]
fn expect_raw_refused(resp: &http::Response<Bytes>) {
    let body = expect_raw_error(resp, 401, "APIGW.0301");
    assert_request_id_in_body(&body);
    assert_eq!(resp.headers().get("x-request-id").and_then(|v| v.to_str().ok()), body["request_id"].as_str());
}

#[test]
fn a_configured_token_is_accepted() {
    let em = start();
    let reply = client_as(&em, Credentials::token(TOKEN)).execute(&ShowAllFaceSets).unwrap();
    assert_eq!(reply.value.face_sets_info, Some(Vec::new()));
    assert_eq!(reply.request_id.as_ref().map(String::len), Some(32));
}

#[test]
fn an_unknown_token_is_apigw_0301() {
    let em = start();
    expect_refused(client_as(&em, Credentials::token("not-a-token")).execute(&ShowAllFaceSets));
}

#[test]
fn a_correct_signature_is_accepted() {
    let em = start();
    staff(&em);
    let reply = client(&em).execute(&ShowFaceSet::new(name("staff"))).unwrap();
    assert_eq!(reply.value.face_set_info.unwrap().face_number, Some(3));
    // A signed POST with a JSON body, and a signed multipart body.
    client(&em).execute(&CreateFaceSet::new(name("other"))).unwrap();
    let file = Image::from_bytes("a.png", TestImage::person("alice").png()).unwrap();
    client(&em).execute(&AddFaces::new(name("other"), file)).unwrap();
    assert_eq!(em.face_count("other"), Some(1));
}

#[test]
fn a_wrong_secret_key_is_apigw_0301() {
    let em = start();
    expect_refused(
        client_as(&em, Credentials::access_key(AK, "not-the-secret-key")).execute(&ShowAllFaceSets),
    );
}

#[test]
fn an_unknown_access_key_is_apigw_0301() {
    let em = start();
    expect_refused(
        client_as(&em, Credentials::access_key("UNKNOWNAK00000000000", SK)).execute(&ShowAllFaceSets),
    );
}

#[test]
fn a_stale_sdk_date_is_apigw_0301() {
    let em = start();
    let twenty = Duration::from_secs(20 * 60);
    for when in [SystemTime::now() - twenty, SystemTime::now() + twenty] {
        expect_raw_refused(&send(signed_listing(&em, when)));
    }
}

#[test]
fn a_malformed_sdk_date_is_apigw_0301() {
    let em = start();
    let mut request = signed_listing(&em, SystemTime::now());
    request.headers_mut().insert("x-sdk-date", http::HeaderValue::from_static("yesterday"));
    expect_raw_refused(&send(request));
}

#[test]
fn the_allowed_skew_and_the_clock_offset_are_configurable() {
    let minutes = |m: u64| Duration::from_secs(m * 60);
    let em =
        Emulator::start(EmulatorConfig { max_clock_skew: minutes(1), ..EmulatorConfig::default() }).unwrap();
    assert_eq!(send(signed_listing(&em, SystemTime::now())).status(), 200);
    expect_raw_refused(&send(signed_listing(&em, SystemTime::now() - minutes(2))));
    // The emulator's clock runs 30 minutes ahead: a fresh signature is stale, one dated
    // 30 minutes ahead is fresh.
    let em =
        Emulator::start(EmulatorConfig { clock_offset_secs: 30 * 60, ..EmulatorConfig::default() }).unwrap();
    expect_raw_refused(&send(signed_listing(&em, SystemTime::now())));
    assert_eq!(send(signed_listing(&em, SystemTime::now() + minutes(30))).status(), 200);
}

#[test]
fn a_date_ten_minutes_off_is_accepted() {
    let em = start();
    let ten = Duration::from_secs(10 * 60);
    for when in [SystemTime::now() - ten, SystemTime::now() + ten] {
        let resp = send(signed_listing(&em, when));
        assert_eq!(resp.status(), 200, "{}", json_of(&resp));
    }
}

#[test]
fn a_query_altered_after_signing_is_apigw_0301() {
    let em = start();
    staff(&em);
    let op = DeleteFaces::by_external_image_id(name("staff"), "img-1".parse().unwrap());
    let mut request = signed(&em).prepare(&op, SystemTime::now()).unwrap();
    let altered = request.uri().to_string().replace("external_image_id=img-1", "external_image_id=img-2");
    assert_ne!(altered, request.uri().to_string());
    *request.uri_mut() = altered.parse().unwrap();
    expect_raw_refused(&send(request));
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn a_body_altered_after_signing_is_apigw_0301() {
    let em = start();
    let mut request = signed(&em).prepare(&CreateFaceSet::new(name("signed")), SystemTime::now()).unwrap();
    let body = String::from_utf8(request.body().to_vec()).unwrap();
    let altered = body.replace("signed", "signee");
    assert_ne!(altered, body);
    *request.body_mut() = Bytes::from(altered);
    expect_raw_refused(&send(request));
    assert_eq!(admin_get(&em, "/health")["face_sets"], 0);
}

#[test]
fn a_signed_header_removed_after_signing_is_apigw_0301() {
    let em = start();
    let mut request = signed_listing(&em, SystemTime::now());
    let authorization = request.headers()["authorization"].to_str().unwrap().to_owned();
    assert!(authorization.contains("x-project-id"), "{authorization}");
    request.headers_mut().remove("x-project-id");
    expect_raw_refused(&send(request));
}

#[test]
fn a_request_without_credentials_is_apigw_0301() {
    let em = start();
    let mut request =
        config_as(&em, Credentials::token(TOKEN)).prepare(&ShowAllFaceSets, SystemTime::now()).unwrap();
    request.headers_mut().remove("x-auth-token");
    expect_raw_refused(&send(request));
    let mut request = signed_listing(&em, SystemTime::now());
    request.headers_mut().remove("authorization");
    expect_raw_refused(&send(request));
}

#[test]
fn a_project_id_other_than_the_credentials_is_frs_0028() {
    let em = start();
    let other = "ffffffffffffffffffffffffffffffff";
    for credentials in [Credentials::token(TOKEN), Credentials::access_key(AK, SK)] {
        let config =
            Config::new(endpoint(&em), other.parse().unwrap(), credentials).with_retry(RetryPolicy::none());
        let c = Client::with_transport(config, UreqTransport::default());
        expect_error(c.execute(&ShowAllFaceSets), 403, "FRS.0028");
    }
}

#[test]
fn temporary_credentials_need_their_security_token() {
    let em = with_temporary_pair();
    let reply =
        client_as(&em, Credentials::temporary("TEMPAK", "temp-sk", "sts-token")).execute(&ShowAllFaceSets);
    assert!(reply.is_ok(), "{reply:?}");
    expect_refused(client_as(&em, Credentials::access_key("TEMPAK", "temp-sk")).execute(&ShowAllFaceSets));
    expect_refused(
        client_as(&em, Credentials::temporary("TEMPAK", "temp-sk", "other-token")).execute(&ShowAllFaceSets),
    );
    // The token must be signed: added after signing, it does not count.
    let config = config_as(&em, Credentials::access_key("TEMPAK", "temp-sk"));
    let mut request = config.prepare(&ShowAllFaceSets, SystemTime::now()).unwrap();
    request.headers_mut().insert("x-security-token", http::HeaderValue::from_static("sts-token"));
    expect_raw_refused(&send(request));
}

#[test]
fn no_auth_accepts_any_request() {
    let em = Emulator::start(EmulatorConfig { no_auth: true, ..EmulatorConfig::default() }).unwrap();
    let bare = http::Request::builder()
        .uri(format!("{}/v2/{PID}/face-sets", em.endpoint()))
        .body(Bytes::new())
        .unwrap();
    let resp = send(bare);
    assert_eq!((resp.status().as_u16(), json_of(&resp)), (200, json!({ "face_sets_info": [] })));
    for credentials in [Credentials::token("anything"), Credentials::access_key("ANYAK", "any-secret")] {
        let reply = client_as(&em, credentials).execute(&ShowAllFaceSets);
        assert!(reply.is_ok(), "{reply:?}");
    }
    let stale = signed_listing(&em, SystemTime::now() - Duration::from_secs(3600));
    assert_eq!(send(stale).status(), 200);
}

#[test]
fn a_body_over_the_gateway_limit_is_apigw_0201_with_413() {
    let em = Emulator::start(EmulatorConfig { max_body_bytes: 1024, ..EmulatorConfig::default() }).unwrap();
    let body = json!({ "face_set_name": "big", "padding": "x".repeat(2000) }).to_string();
    let resp = post(&em, &["face-sets"], &body);
    let body = expect_raw_error(&resp, 413, "APIGW.0201");
    assert_request_id_in_body(&body);
    assert_eq!(admin_get(&em, "/health")["face_sets"], 0);
}

#[test]
fn every_answer_carries_a_request_id() {
    let em = start();
    let rid = |resp: &http::Response<Bytes>| -> String {
        let id =
            resp.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        assert_eq!(id.len(), 32, "{:?}", resp.headers());
        id
    };
    let ok = send(signed_listing(&em, SystemTime::now()));
    let service_error =
        send(signed(&em).prepare(&ShowFaceSet::new(name("ghost")), SystemTime::now()).unwrap());
    let refused =
        send(config_as(&em, Credentials::token("x")).prepare(&ShowAllFaceSets, SystemTime::now()).unwrap());
    let ids = [rid(&ok), rid(&service_error), rid(&refused)];
    assert!(ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2], "{ids:?}");
}

#[test]
fn an_unknown_api_is_apigw_0101() {
    let em = start();
    let resp = raw(&em, Method::GET, ApiVersion::V2, &["nothing-here"], &[], None);
    let body = expect_raw_error(&resp, 404, "APIGW.0101");
    assert_request_id_in_body(&body);
    // A known path with a method it does not serve.
    let resp = raw(&em, Method::PATCH, ApiVersion::V2, &["face-sets"], &[], Some("{}"));
    expect_raw_error(&resp, 404, "APIGW.0101");
}

fn with_user() -> Emulator {
    let mut config = EmulatorConfig::default();
    config.users.push(IamUser {
        name: "alice".into(),
        password: "alice-password".into(),
        domain: "acme".into(),
    });
    Emulator::start(config).unwrap()
}

/// The IAM user `alice` of `domain` (the emulator's is `acme`), scoped to cn-north-4.
fn alice(password: &str, domain: &str) -> PasswordCredentials {
    PasswordCredentials::for_region("alice", password, domain, &Region::CN_NORTH_4)
}

fn password_config(em: &Emulator, password: &str) -> Config {
    config_as(em, Credentials::password(alice(password, "acme"))).with_iam_endpoint(endpoint(em))
}

#[test]
fn iam_password_flow_gets_a_token_and_uses_it() {
    let em = with_user();
    em.seed_face_set("staff", &[]);
    let c = Client::with_transport(password_config(&em, "alice-password"), UreqTransport::default());
    let reply = c.execute(&ShowFaceSet::new(name("staff"))).unwrap();
    assert_eq!(reply.value.face_set_info.unwrap().face_set_name.as_deref(), Some("staff"));
    c.execute(&ShowAllFaceSets).unwrap();
    let log = em.requests();
    let targets: Vec<&str> = log.iter().map(|r| r.target.as_str()).collect();
    let (one, all) = (format!("/v2/{PID}/face-sets/staff"), format!("/v2/{PID}/face-sets"));
    assert_eq!(targets, ["/v3/auth/tokens", one.as_str(), all.as_str()]);
    assert!(
        log[1..]
            .iter()
            .all(|r| r.header("x-auth-token") == Some("***") && r.header("authorization").is_none())
    );
}

#[test]
fn iam_issues_a_201_token_usable_as_x_auth_token() {
    let em = with_user();
    let config = password_config(&em, "alice-password");
    let issue = IssueUserToken::new(alice("alice-password", "acme"));
    let resp = send(config.prepare(&issue, SystemTime::now()).unwrap());
    assert_eq!(resp.status(), 201);
    let token = resp.headers()["x-subject-token"].to_str().unwrap().to_owned();
    let body = json_of(&resp);
    assert_eq!(body["token"]["project"]["id"], PID);
    assert!(body["token"]["expires_at"].as_str().is_some_and(|t| t.ends_with('Z')), "{body}");
    let reply = client_as(&em, Credentials::token(token)).execute(&ShowAllFaceSets);
    assert!(reply.is_ok(), "{reply:?}");
    // Through the SDK's own parser.
    let c = Client::with_transport(config, UreqTransport::default());
    let issued = c.execute(&issue).unwrap();
    assert_eq!(issued.status.as_u16(), 201);
    assert!(issued.value.expires_at.is_some());
    let reply = client_as(&em, Credentials::token(issued.value.token.expose())).execute(&ShowAllFaceSets);
    assert!(reply.is_ok(), "{reply:?}");
}

#[test]
fn iam_refuses_a_wrong_password_with_401() {
    let em = with_user();
    let config = password_config(&em, "wrong-password");
    let c = Client::with_transport(config.clone(), UreqTransport::default());
    let err = c.execute(&ShowAllFaceSets).unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401), "{err:?}");
    assert_eq!(err.service().map(|s| s.raw_code.as_str()), Some("401"), "{err:?}");
    // Nothing but the token request reached the emulator.
    assert_eq!(em.requests().len(), 1);
    let issue = IssueUserToken::new(alice("wrong-password", "acme"));
    assert_eq!(send(config.prepare(&issue, SystemTime::now()).unwrap()).status(), 401);
    let issue = IssueUserToken::new(alice("alice-password", "other"));
    assert_eq!(send(config.prepare(&issue, SystemTime::now()).unwrap()).status(), 401);
}

#[test]
fn iam_lists_the_project_of_the_region_only() {
    let em = start();
    let config = signed(&em).with_iam_endpoint(endpoint(&em));
    let c = Client::with_transport(config, UreqTransport::default());
    let reply = c.execute(&ListProjects::for_region(&Region::CN_NORTH_4)).unwrap();
    let projects = reply.value.projects.clone().unwrap();
    assert_eq!(projects.len(), 1);
    assert_eq!(projects[0].name.as_deref(), Some("cn-north-4"));
    assert_eq!(discovered_project_id(&Region::CN_NORTH_4, &reply.value).unwrap().as_str(), PID);
    let seen = em.requests().pop().unwrap();
    assert_eq!(seen.target, "/v3/projects?name=cn-north-4");
    let reply = c.execute(&ListProjects::for_region(&Region::CN_EAST_3)).unwrap();
    assert_eq!(reply.value.projects, Some(Vec::new()));
    assert!(matches!(
        discovered_project_id(&Region::CN_EAST_3, &reply.value),
        Err(DiscoveryError::NoProject(_))
    ));
    // The listing needs credentials like any other call.
    let c = Client::with_transport(
        config_as(&em, Credentials::token("not-a-token")).with_iam_endpoint(endpoint(&em)),
        UreqTransport::default(),
    );
    expect_refused(c.execute(&ListProjects::for_region(&Region::CN_NORTH_4)));
}
