//! ECS metadata credentials through a closure transport and a fake clock.
//!
//! Covered: the two metadata requests exactly, signing with the temporary keys, one fetch
//! shared by sequential calls and by clones, refresh before `expires_at`, the session
//! token's own life, a service without the token API, a refused session token, keys the
//! service refuses, typed failures (unreachable, no agency, bad answers), and secrets kept
//! out of `Debug` and errors.
//!
//! A fake instance answers the metadata paths as ECS does (a session token for the PUT;
//! keys for the GET, only with a valid session token) and FRS calls with 200 when the
//! signature verifies with an issued pair and carries its security token, else with the
//! gateway's 401 `APIGW.0301`. Every request is logged, so each test asserts the exact
//! requests, their number and their order.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use frs_request::face_sets::ShowAllFaceSets;
use frs_request::metadata::{GetSecurityKey, IssueMetadataToken, SECURITY_KEY_PATH, TOKEN_PATH};
use frs_request::server::verify;
use frs_request::{
    BuildError, CallError, Config, Credentials, Endpoint, Error, MetadataProvider, Operation, RetryPolicy,
    Secret, TransportError, TransportErrorKind, execute_blocking,
};
use frs_types::ErrorCode;
use frs_types::models::face_sets::FaceSetsResponse;
use serde_json::json;

const PROJECT: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const FRS_HOST: &str = "face.cn-north-4.myhuaweicloud.com";

/// 2024-03-15T10:20:30Z, the time of the first call.
const T0: u64 = 1_710_498_030;
/// The default `expires_at` of the keys: one hour after `T0`, as ECS gives them.
const HOUR_AFTER_T0: &str = "2024-03-15T11:20:30.000000Z";
/// When the keys of `HOUR_AFTER_T0` are replaced: ten minutes before they expire.
const REFRESH_POINT: u64 = 3600 - 600;

fn at(seconds_after_t0: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(T0 + seconds_after_t0)
}

/// A transport failure of the fake network.
#[derive(Debug, thiserror::Error)]
#[error("connection refused (fake)")]
struct Refused;

impl TransportError for Refused {
    fn kind(&self) -> TransportErrorKind {
        TransportErrorKind::Connect
    }
}

fn response(status: u16, body: &str) -> http::Response<Bytes> {
    http::Response::builder().status(status).body(Bytes::from(body.to_owned())).unwrap()
}

const REFUSED: &str = r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}"#;

/// What the fake instance answers next on a metadata path, instead of doing its job.
enum Scripted {
    Answer(u16, &'static str),
    Unreachable,
}

/// An ECS instance's metadata service and FRS, as far as these tests need them.
#[derive(Default)]
struct Cloud {
    /// Every request, with the time it was sent.
    requests: RefCell<Vec<http::Request<Bytes>>>,
    sessions: RefCell<Vec<String>>,
    revoked_sessions: RefCell<Vec<String>>,
    /// Issued pairs: (AK, SK, security token).
    keys: RefCell<Vec<(String, String, String)>>,
    revoked_keys: RefCell<Vec<String>>,
    /// The `expires_at` of the next pairs; `HOUR_AFTER_T0` when empty.
    expiries: RefCell<VecDeque<&'static str>>,
    /// Scripted answers for the next PUT / GET of the metadata paths.
    put_script: RefCell<VecDeque<Scripted>>,
    get_script: RefCell<VecDeque<Scripted>>,
    /// The time the fake FRS verifies signatures at.
    now: Cell<u64>,
}

impl Cloud {
    fn send(&self, req: http::Request<Bytes>) -> Result<http::Response<Bytes>, Refused> {
        assert!(self.requests.borrow().len() < 50, "runaway loop: {:?}", self.log());
        let path = req.uri().path().to_owned();
        let answer = match (req.method().as_str(), path.as_str()) {
            ("PUT", TOKEN_PATH) => self.put(&req),
            ("GET", SECURITY_KEY_PATH) => self.get(&req),
            ("GET", p) if p == format!("/v2/{PROJECT}/face-sets") => Ok(self.frs(&req)),
            _ => Ok(response(404, r#"{"error_code":"APIGW.0101","error_msg":"The API does not exist"}"#)),
        };
        self.requests.borrow_mut().push(req);
        answer
    }

    fn put(&self, req: &http::Request<Bytes>) -> Result<http::Response<Bytes>, Refused> {
        match self.put_script.borrow_mut().pop_front() {
            Some(Scripted::Answer(status, body)) => return Ok(response(status, body)),
            Some(Scripted::Unreachable) => return Err(Refused),
            None => {}
        }
        assert_eq!(req.headers()["x-metadata-token-ttl-seconds"], "21600");
        let mut sessions = self.sessions.borrow_mut();
        let session = format!("session-{}", sessions.len() + 1);
        sessions.push(session.clone());
        Ok(response(200, &session))
    }

    fn get(&self, req: &http::Request<Bytes>) -> Result<http::Response<Bytes>, Refused> {
        match self.get_script.borrow_mut().pop_front() {
            Some(Scripted::Answer(status, body)) => return Ok(response(status, body)),
            Some(Scripted::Unreachable) => return Err(Refused),
            None => {}
        }
        let session = req.headers().get("x-metadata-token").map(|v| v.to_str().unwrap().to_owned());
        let valid = session.is_some_and(|s| {
            self.sessions.borrow().contains(&s) && !self.revoked_sessions.borrow().contains(&s)
        });
        if !valid {
            return Ok(response(401, "Unauthorized"));
        }
        let mut keys = self.keys.borrow_mut();
        let n = keys.len() + 1;
        let pair = (format!("TEMPAK-{n}"), format!("temp-secret-{n}"), format!("temp-sts-{n}"));
        keys.push(pair.clone());
        let expires_at = self.expiries.borrow_mut().pop_front().unwrap_or(HOUR_AFTER_T0);
        let body = json!({"credential": {
            "access": pair.0, "secret": pair.1, "securitytoken": pair.2, "expires_at": expires_at,
        }});
        Ok(response(200, &body.to_string()))
    }

    /// FRS behind the gateway: the signature must verify with an issued pair, and the pair's
    /// security token must be sent and signed.
    fn frs(&self, req: &http::Request<Bytes>) -> http::Response<Bytes> {
        let (parts, body) = req.clone().into_parts();
        let keys = self.keys.borrow();
        let verified = verify(
            &parts,
            &body,
            |ak| {
                let pair = keys.iter().find(|(k, _, _)| k == ak)?;
                (!self.revoked_keys.borrow().contains(&pair.0)).then(|| Secret::new(pair.1.clone()))
            },
            at(self.now.get()),
            Duration::from_secs(15 * 60),
        );
        let Ok(verified) = verified else { return response(401, REFUSED) };
        let sts = keys.iter().find(|(k, _, _)| *k == verified.access_key).map(|p| p.2.as_str());
        let sent = parts.headers.get("x-security-token").and_then(|v| v.to_str().ok());
        if sent.is_none() || sent != sts || !verified.signs("x-security-token") {
            return response(401, REFUSED);
        }
        response(200, r#"{"face_sets_info": []}"#)
    }

    fn transport(&self) -> impl Fn(http::Request<Bytes>) -> Result<http::Response<Bytes>, Refused> + '_ {
        move |req| self.send(req)
    }

    /// One line per request: `token`, `key with <session>`, `key without session`, or
    /// `list with <AK>`.
    fn log(&self) -> Vec<String> {
        self.requests
            .borrow()
            .iter()
            .map(|req| match req.uri().path() {
                TOKEN_PATH => "token".to_owned(),
                SECURITY_KEY_PATH => match req.headers().get("x-metadata-token") {
                    Some(s) => format!("key with {}", s.to_str().unwrap()),
                    None => "key without session".to_owned(),
                },
                _ => {
                    let auth = req.headers().get("authorization").map_or("", |v| v.to_str().unwrap());
                    let ak = auth.split("Access=").nth(1).and_then(|r| r.split(',').next()).unwrap_or("-");
                    format!("list with {ak}")
                }
            })
            .collect()
    }
}

/// The fake clock; the fake FRS verifies at the same time.
struct Clock<'a>(&'a Cloud);

impl Clock<'_> {
    fn set(&self, seconds_after_t0: u64) {
        self.0.now.set(seconds_after_t0);
    }
    fn now(&self) -> SystemTime {
        at(self.0.now.get())
    }
}

fn config_at(base: Endpoint) -> Config {
    Config::new(
        Endpoint::parse(&format!("https://{FRS_HOST}")).unwrap(),
        PROJECT.parse().unwrap(),
        Credentials::metadata(base),
    )
}

fn config() -> Config {
    config_at(Endpoint::ECS_METADATA)
}

fn provider(config: &Config) -> &MetadataProvider {
    match config.credentials() {
        Credentials::Metadata(provider) => provider,
        other => panic!("not metadata credentials: {other:?}"),
    }
}

/// Runs `ShowAllFaceSets`, failing the test if the loop ever sleeps.
fn list(cloud: &Cloud, config: &Config) -> Result<FaceSetsResponse, Error<Refused>> {
    let clock = Clock(cloud);
    execute_blocking(config, &cloud.transport(), &ShowAllFaceSets, || clock.now(), |d| panic!("slept {d:?}"))
        .map(frs_request::Reply::into_inner)
}

fn header_names(req: &http::Request<Bytes>) -> Vec<String> {
    let mut names: Vec<String> = req.headers().keys().map(|n| n.as_str().to_owned()).collect();
    names.sort_unstable();
    names
}

fn lines(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

// ---------------------------------------------------------------------------------------------
// The first call, sharing, refresh.
// ---------------------------------------------------------------------------------------------

#[test]
fn the_first_call_gets_a_session_token_then_keys_then_signs_with_them() {
    let (cloud, config) = (Cloud::default(), config());
    assert_eq!(list(&cloud, &config).unwrap(), FaceSetsResponse { face_sets_info: Some(vec![]) });
    assert_eq!(cloud.log(), lines(&["token", "key with session-1", "list with TEMPAK-1"]));

    let requests = cloud.requests.borrow();
    let put = &requests[0];
    assert_eq!(put.method(), http::Method::PUT);
    assert_eq!(put.uri().to_string(), "http://169.254.169.254/meta-data/latest/api/token");
    // Anonymous: nothing signed, no token, no body.
    assert_eq!(header_names(put), ["user-agent", "x-metadata-token-ttl-seconds"]);
    assert!(put.body().is_empty());

    let get = &requests[1];
    assert_eq!(get.method(), http::Method::GET);
    assert_eq!(get.uri().to_string(), "http://169.254.169.254/openstack/latest/securitykey");
    assert_eq!(header_names(get), ["user-agent", "x-metadata-token"]);
    assert!(get.headers()["x-metadata-token"].is_sensitive());

    let call = &requests[2];
    assert_eq!(call.uri().to_string(), format!("https://{FRS_HOST}/v2/{PROJECT}/face-sets"));
    assert_eq!(
        header_names(call),
        [
            "authorization",
            "content-type",
            "host",
            "user-agent",
            "x-project-id",
            "x-sdk-date",
            "x-security-token"
        ]
    );
    assert_eq!(call.headers()["x-security-token"], "temp-sts-1");
    assert!(call.headers()["x-security-token"].is_sensitive());
    assert!(!format!("{call:?}").contains("temp-sts-1"));
}

#[test]
fn sequential_calls_and_clones_share_one_fetch() {
    let (cloud, config) = (Cloud::default(), config());
    list(&cloud, &config).unwrap();
    cloud.now.set(60);
    list(&cloud, &config).unwrap();
    let clone = config.clone();
    cloud.now.set(REFRESH_POINT - 1);
    list(&cloud, &clone).unwrap();
    assert_eq!(
        cloud.log(),
        lines(&[
            "token",
            "key with session-1",
            "list with TEMPAK-1",
            "list with TEMPAK-1",
            "list with TEMPAK-1"
        ])
    );
    assert_eq!(provider(&config).expires_at(), Some(at(3600)));
}

#[test]
fn keys_are_refreshed_before_they_expire_with_the_cached_session_token() {
    let (cloud, config) = (Cloud::default(), config());
    let clock = Clock(&cloud);
    list(&cloud, &config).unwrap();
    cloud.expiries.borrow_mut().push_back("2024-03-15T12:10:31Z");
    clock.set(REFRESH_POINT + 1);
    list(&cloud, &config).unwrap();
    assert_eq!(
        cloud.log(),
        lines(&[
            "token",
            "key with session-1",
            "list with TEMPAK-1",
            "key with session-1",
            "list with TEMPAK-2"
        ])
    );
    // Past the old pair's expiry, the new one is used.
    clock.set(3700);
    list(&cloud, &config).unwrap();
    assert_eq!(cloud.log()[5], "list with TEMPAK-2");
}

#[test]
fn the_session_token_is_asked_again_when_its_six_hours_are_over() {
    let (cloud, config) = (Cloud::default(), config());
    let clock = Clock(&cloud);
    list(&cloud, &config).unwrap();
    cloud.expiries.borrow_mut().push_back("2024-03-15T17:20:30Z");
    clock.set(6 * 3600);
    list(&cloud, &config).unwrap();
    assert_eq!(
        cloud.log(),
        lines(&[
            "token",
            "key with session-1",
            "list with TEMPAK-1",
            "token",
            "key with session-2",
            "list with TEMPAK-2"
        ])
    );
}

/// Keys with less than the margin left are still used (the margin shrinks to half their
/// life); keys answered already expired stop the call after one request.
#[test]
fn short_lived_keys_are_used_and_expired_ones_stop_the_call() {
    let (cloud, config) = (Cloud::default(), config());
    cloud.expiries.borrow_mut().push_back("2024-03-15T10:25:30Z");
    list(&cloud, &config).unwrap();
    assert_eq!(cloud.log(), lines(&["token", "key with session-1", "list with TEMPAK-1"]));

    let (cloud, config) = (Cloud::default(), self::config());
    cloud.expiries.borrow_mut().push_back("2024-03-15T10:00:00Z");
    let err = list(&cloud, &config).unwrap_err();
    assert!(matches!(err, Error::Call(CallError::ExpiredTemporaryCredentials)), "{err:?}");
    assert_eq!(cloud.log(), lines(&["token", "key with session-1"]));
}

#[test]
fn keys_without_an_expiry_are_assumed_to_live_fifteen_minutes() {
    let (cloud, config) = (Cloud::default(), config());
    cloud.get_script.borrow_mut().push_back(Scripted::Answer(
        200,
        r#"{"credential": {"access": "TEMPAK-9", "secret": "s9", "securitytoken": "t9"}}"#,
    ));
    cloud.keys.borrow_mut().push(("TEMPAK-9".into(), "s9".into(), "t9".into()));
    list(&cloud, &config).unwrap();
    assert_eq!(provider(&config).expires_at(), Some(at(15 * 60)));
    // Replaced half-way through that assumed life (the margin is capped at half of it).
    cloud.now.set(7 * 60 + 31);
    list(&cloud, &config).unwrap();
    assert_eq!(
        cloud.log(),
        lines(&[
            "token",
            "key with session-1",
            "list with TEMPAK-9",
            "key with session-1",
            "list with TEMPAK-2"
        ])
    );
}

#[test]
fn a_custom_base_url_is_where_the_keys_come_from() {
    let (cloud, config) = (Cloud::default(), config_at(Endpoint::parse("http://127.0.0.1:8999").unwrap()));
    list(&cloud, &config).unwrap();
    let requests = cloud.requests.borrow();
    assert_eq!(requests[0].uri().to_string(), "http://127.0.0.1:8999/meta-data/latest/api/token");
    assert_eq!(requests[1].uri().to_string(), "http://127.0.0.1:8999/openstack/latest/securitykey");
}

// ---------------------------------------------------------------------------------------------
// Refusals and older services.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_service_without_the_token_api_is_read_without_a_session_token() {
    for status in [404, 405] {
        let (cloud, config) = (Cloud::default(), config());
        cloud.put_script.borrow_mut().push_back(Scripted::Answer(status, "Not Found"));
        // This service gives keys without a session token.
        cloud.get_script.borrow_mut().push_back(Scripted::Answer(
            200,
            r#"{"credential": {"access": "TEMPAK-1", "secret": "temp-secret-1", "securitytoken": "temp-sts-1",
                "expires_at": "2024-03-15T11:20:30Z"}}"#,
        ));
        cloud.keys.borrow_mut().push(("TEMPAK-1".into(), "temp-secret-1".into(), "temp-sts-1".into()));
        list(&cloud, &config).unwrap();
        assert_eq!(cloud.log(), lines(&["token", "key without session", "list with TEMPAK-1"]), "{status}");
        // The absence is remembered: the next refresh does not ask for a token again.
        cloud.get_script.borrow_mut().push_back(Scripted::Answer(
            200,
            r#"{"credential": {"access": "TEMPAK-1", "secret": "temp-secret-1", "securitytoken": "temp-sts-1",
                "expires_at": "2024-03-15T12:20:30Z"}}"#,
        ));
        cloud.now.set(REFRESH_POINT + 1);
        list(&cloud, &config).unwrap();
        assert_eq!(cloud.log()[3..], lines(&["key without session", "list with TEMPAK-1"]));
    }
}

#[test]
fn a_refused_session_token_is_replaced_once() {
    let (cloud, config) = (Cloud::default(), config());
    list(&cloud, &config).unwrap();
    cloud.revoked_sessions.borrow_mut().push("session-1".into());
    cloud.now.set(REFRESH_POINT + 1);
    list(&cloud, &config).unwrap();
    assert_eq!(
        cloud.log()[3..],
        lines(&["key with session-1", "token", "key with session-2", "list with TEMPAK-2"])
    );
    // Refused again: the call stops with a typed error, after one renewal.
    let (cloud, config) = (Cloud::default(), self::config());
    cloud
        .get_script
        .borrow_mut()
        .extend([Scripted::Answer(401, "Unauthorized"), Scripted::Answer(401, "no")]);
    let err = list(&cloud, &config).unwrap_err();
    let Error::Call(CallError::Metadata { url, status, .. }) = &err else { panic!("{err:?}") };
    assert_eq!((url.as_str(), *status), ("http://169.254.169.254/openstack/latest/securitykey", Some(401)));
    assert_eq!(cloud.log(), lines(&["token", "key with session-1", "token", "key with session-2"]));
}

#[test]
fn keys_the_service_refuses_are_fetched_again_and_the_call_resent_once() {
    let (cloud, config) = (Cloud::default(), config());
    list(&cloud, &config).unwrap();
    cloud.revoked_keys.borrow_mut().push("TEMPAK-1".into());
    cloud.now.set(60);
    list(&cloud, &config).unwrap();
    assert_eq!(cloud.log()[3..], lines(&["list with TEMPAK-1", "key with session-1", "list with TEMPAK-2"]));
    // Refused every time: one refetch, then the service's error.
    cloud.revoked_keys.borrow_mut().extend(["TEMPAK-2".into(), "TEMPAK-3".into()]);
    let err = list(&cloud, &config).unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::GatewayIamAuthFailed), "{err:?}");
    assert_eq!(cloud.log().len(), 9);
}

// ---------------------------------------------------------------------------------------------
// Failures are typed.
// ---------------------------------------------------------------------------------------------

#[test]
fn an_unreachable_metadata_service_is_a_typed_error_and_nothing_else_is_sent() {
    let (cloud, config) = (Cloud::default(), config().with_retry(RetryPolicy::none()));
    cloud.put_script.borrow_mut().push_back(Scripted::Unreachable);
    let err = list(&cloud, &config).unwrap_err();
    let Error::Call(CallError::Metadata { url, status, reason }) = &err else { panic!("{err:?}") };
    assert_eq!(url, "http://169.254.169.254/meta-data/latest/api/token");
    assert_eq!(*status, None);
    assert!(reason.contains("connection refused (fake)"), "{reason}");
    assert_eq!(
        err.to_string(),
        "no temporary credentials from ECS metadata (http://169.254.169.254/meta-data/latest/api/token): \
         transport error: connection refused (fake)"
    );
    assert!(!err.is_retryable());
    assert_eq!(cloud.log(), lines(&["token"]));
}

#[test]
fn an_instance_without_an_agency_is_a_typed_error() {
    let (cloud, config) = (Cloud::default(), config());
    cloud.get_script.borrow_mut().push_back(Scripted::Answer(404, "Not Found"));
    let err = list(&cloud, &config).unwrap_err();
    let Error::Call(CallError::Metadata { url, status, reason }) = &err else { panic!("{err:?}") };
    assert_eq!((url.as_str(), *status), ("http://169.254.169.254/openstack/latest/securitykey", Some(404)));
    assert!(reason.contains("404"), "{reason}");
    assert_eq!(cloud.log(), lines(&["token", "key with session-1"]));
}

#[test]
fn transient_metadata_failures_are_retried_as_the_policy_says() {
    let (cloud, config) = (Cloud::default(), config());
    let clock = Clock(&cloud);
    cloud.put_script.borrow_mut().push_back(Scripted::Unreachable);
    cloud.get_script.borrow_mut().push_back(Scripted::Answer(503, "busy"));
    let slept = RefCell::new(Vec::new());
    let reply = execute_blocking(
        &config,
        &cloud.transport(),
        &ShowAllFaceSets,
        || clock.now(),
        |d| {
            slept.borrow_mut().push(d);
        },
    )
    .unwrap();
    assert_eq!(reply.value.face_sets_info, Some(vec![]));
    assert_eq!(slept.borrow().len(), 2);
    assert_eq!(
        cloud.log(),
        lines(&["token", "token", "key with session-1", "key with session-1", "list with TEMPAK-1"])
    );
    // Unreachable every time: the policy's three attempts, then the typed error.
    let (cloud, config) = (Cloud::default(), self::config());
    let clock = Clock(&cloud);
    cloud.put_script.borrow_mut().extend([
        Scripted::Unreachable,
        Scripted::Unreachable,
        Scripted::Unreachable,
    ]);
    let err =
        execute_blocking(&config, &cloud.transport(), &ShowAllFaceSets, || clock.now(), |_| {}).unwrap_err();
    assert!(matches!(err, Error::Call(CallError::Metadata { .. })), "{err:?}");
    assert_eq!(cloud.log(), lines(&["token", "token", "token"]));
}

#[test]
fn an_answer_that_is_not_keys_is_a_typed_error_that_shows_none_of_it() {
    for body in [
        r#"{"credential": {"access": "TEMPAK", "secret": "leaked-secret-1"}}"#,
        r#"{"credential": {"access": 1, "secret": "leaked-secret-1", "securitytoken": "x"}}"#,
        "leaked-secret-1",
    ] {
        let (cloud, config) = (Cloud::default(), config());
        cloud.get_script.borrow_mut().push_back(Scripted::Answer(200, body));
        let err = list(&cloud, &config).unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(matches!(err, Error::Call(CallError::Metadata { status: Some(200), .. })), "{shown}");
        assert!(!shown.contains("leaked-secret-1"), "{shown}");
    }
}

#[test]
fn building_by_hand_without_keys_is_a_build_error() {
    let err = ShowAllFaceSets.to_request(&config(), at(0)).unwrap_err();
    assert!(matches!(err, BuildError::NoTemporaryCredentials), "{err:?}");
    // The two operations by hand, then the request.
    let config = config();
    let provider = provider(&config);
    let token = IssueMetadataToken::new().parse(response(200, "s-1")).unwrap().value;
    provider.store_token(&token, at(0));
    let keys = GetSecurityKey::new(Some(token.token))
        .parse(response(
            200,
            r#"{"credential": {"access": "AK1", "secret": "sk-1", "securitytoken": "t-1",
                "expires_at": "2024-03-15T11:20:30Z"}}"#,
        ))
        .unwrap()
        .value;
    provider.store(&keys, at(0));
    let request = ShowAllFaceSets.to_request(&config, at(1)).unwrap();
    assert_eq!(request.headers()["x-security-token"], "t-1");
    assert!(provider.current(at(REFRESH_POINT - 1)).is_some());
    assert!(provider.current(at(REFRESH_POINT)).is_none());
}

#[test]
fn secrets_stay_out_of_debug() {
    let (cloud, config) = (Cloud::default(), config());
    list(&cloud, &config).unwrap();
    let shown = format!("{config:?} {:?} {:#?}", provider(&config), provider(&config).current(at(0)));
    for secret in ["temp-secret-1", "temp-sts-1", "session-1", "TEMPAK-1"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    let requests = cloud.requests.borrow();
    assert!(!format!("{:?}", requests[1]).contains("session-1"));
}

/// An anonymous operation needs no credentials: run by hand under metadata credentials, it
/// is sent alone, with nothing fetched first.
#[test]
fn the_metadata_operations_run_by_hand_are_sent_alone() {
    let (cloud, config) = (Cloud::default(), config());
    let clock = Clock(&cloud);
    let transport = cloud.transport();
    let token =
        execute_blocking(&config, &transport, &IssueMetadataToken::new(), || clock.now(), |_| {}).unwrap();
    assert_eq!(token.value.token.expose(), "session-1");
    let keys = GetSecurityKey::new(Some(token.value.token));
    let keys = execute_blocking(&config, &transport, &keys, || clock.now(), |_| {}).unwrap().value;
    assert_eq!(keys.access_key, "TEMPAK-1");
    assert_eq!(cloud.log(), lines(&["token", "key with session-1"]));
    assert!(provider(&config).current(at(0)).is_none(), "nothing was cached behind the caller's back");
}

/// A refusal of an anonymous operation is not a refusal of the credentials: nothing is
/// fetched and the operation is not resent.
#[test]
fn a_refused_anonymous_operation_is_not_resent() {
    let (cloud, config) = (Cloud::default(), config().with_retry(RetryPolicy::none()));
    let clock = Clock(&cloud);
    let transport = cloud.transport();
    let op = GetSecurityKey::new(Some(Secret::new("made-up")));
    let err = execute_blocking(&config, &transport, &op, || clock.now(), |_| {}).unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401), "{err:?}");
    assert_eq!(cloud.log(), lines(&["key with made-up"]));
}
