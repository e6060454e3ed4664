//! Password credentials (user tokens from IAM) through a closure transport and a fake clock.
//!
//! Covered: the token request, caching, refresh before expiry, one refresh and one resend
//! on a refused token, IAM failures, secrets kept out of `Debug`, and IAM project discovery
//! with AK/SK (checked against the official SDK's signing vector).
//!
//! A fake cloud answers `POST /v3/auth/tokens` as IAM does (201, the token in
//! `X-Subject-Token`, the expiry in the body) and FRS calls with 200 or, for a token the
//! test revoked, with the gateway's 401 `APIGW.0301`. Every request is recorded, so each
//! test asserts the exact requests, their number and their order.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use frs_request::face_sets::ShowAllFaceSets;
use frs_request::iam::{
    DiscoveryError, IssueUserToken, ListProjects, PasswordCredentials, discovered_project_id,
};
use frs_request::{Config, Credentials, Endpoint, Error, Operation, TokenProvider, execute_blocking};
use frs_types::models::face_sets::FaceSetsResponse;
use frs_types::models::iam::{ProjectInfo, ProjectsResponse};
use frs_types::{ErrorCode, ProjectId, Region};
use serde_json::{Value, json};

const PROJECT: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const FRS_HOST: &str = "face.cn-north-4.myhuaweicloud.com";
const IAM_HOST: &str = "iam.cn-north-4.myhuaweicloud.com";

/// 2024-03-15T10:20:30Z, the time of the first call.
const T0: u64 = 1_710_498_030;
/// The expiry IAM gives a token issued at `T0`: 24 hours later.
const DAY_AFTER_T0: &str = "2024-03-16T10:20:30.000000Z";
/// `DAY_AFTER_T0` minus the provider's default refresh margin (one hour), from `T0`.
const REFRESH_POINT: u64 = 24 * 3600 - 3600;

fn at(seconds_after_t0: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(T0 + seconds_after_t0)
}

fn password_config(password: &str) -> Config {
    Config::new(
        Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com").unwrap(),
        PROJECT.parse().unwrap(),
        Credentials::password(PasswordCredentials::for_region(
            "user",
            password,
            "domain",
            &Region::CN_NORTH_4,
        )),
    )
    .with_iam_endpoint(Endpoint::parse("https://iam.cn-north-4.myhuaweicloud.com").unwrap())
}

fn config() -> Config {
    password_config("pw")
}

fn provider(config: &Config) -> &TokenProvider {
    match config.credentials() {
        Credentials::Password(provider) => provider,
        other => panic!("not password credentials: {other:?}"),
    }
}

fn response(status: u16, headers: &[(&str, &str)], body: &str) -> http::Response<Bytes> {
    let mut builder = http::Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Bytes::from(body.to_owned())).unwrap()
}

const REFUSED: &str = r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}"#;

/// IAM and FRS as far as these tests need them, recording every request.
#[derive(Default)]
struct Cloud {
    requests: RefCell<Vec<http::Request<Bytes>>>,
    issued: Cell<u32>,
    /// The `expires_at` of the next tokens; `DAY_AFTER_T0` when empty.
    expiries: RefCell<VecDeque<&'static str>>,
    /// Answers to give to the next token requests instead of issuing a token.
    iam_answers: RefCell<VecDeque<http::Response<Bytes>>>,
    revoked: RefCell<Vec<String>>,
    refuse_every_token: Cell<bool>,
    /// The body of `GET /v3/projects`.
    projects: RefCell<String>,
}

impl Cloud {
    fn send(&self, req: http::Request<Bytes>) -> http::Response<Bytes> {
        // A loop that never ends would hang the test instead of failing it.
        assert!(self.requests.borrow().len() < 50, "runaway loop: {:?}", self.log());
        let host = req.uri().host().unwrap_or_default().to_owned();
        let path = req.uri().path().to_owned();
        let answer = match (host.as_str(), req.method().as_str(), path.as_str()) {
            (IAM_HOST, "POST", "/v3/auth/tokens") => match self.iam_answers.borrow_mut().pop_front() {
                Some(scripted) => scripted,
                None => {
                    self.issued.set(self.issued.get() + 1);
                    let token = format!("token-{}", self.issued.get());
                    let expires_at = self.expiries.borrow_mut().pop_front().unwrap_or(DAY_AFTER_T0);
                    response(
                        201,
                        &[("X-Subject-Token", &token), ("Content-Type", "application/json")],
                        &json!({"token": {"expires_at": expires_at}}).to_string(),
                    )
                }
            },
            (IAM_HOST, "GET", "/v3/projects") => response(200, &[], &self.projects.borrow()),
            (FRS_HOST, "GET", p) if p == format!("/v2/{PROJECT}/face-sets") => {
                match req.headers().get("x-auth-token").and_then(|v| v.to_str().ok()) {
                    Some(token)
                        if !self.refuse_every_token.get()
                            && !self.revoked.borrow().iter().any(|r| r == token) =>
                    {
                        response(200, &[("X-Request-Id", "rid-ok")], r#"{"face_sets_info": []}"#)
                    }
                    _ => response(401, &[("X-Request-Id", "rid-401")], REFUSED),
                }
            }
            _ => response(404, &[], r#"{"error_code":"APIGW.0101","error_msg":"The API does not exist"}"#),
        };
        self.requests.borrow_mut().push(req);
        answer
    }

    fn transport(&self) -> impl Fn(http::Request<Bytes>) -> Result<http::Response<Bytes>, Infallible> + '_ {
        move |req| Ok(self.send(req))
    }

    /// One line per request so far: `issue token` or `<method> <path> with <token>`.
    fn log(&self) -> Vec<String> {
        self.requests
            .borrow()
            .iter()
            .map(|req| {
                if req.uri().path() == "/v3/auth/tokens" {
                    "issue token".to_owned()
                } else {
                    let token = req.headers().get("x-auth-token").map_or("-", |v| v.to_str().unwrap());
                    format!("{} {} with {token}", req.method(), req.uri().path())
                }
            })
            .collect()
    }

    fn revoke(&self, token: &str) {
        self.revoked.borrow_mut().push(token.to_owned());
    }
}

fn list_line(token: &str) -> String {
    format!("GET /v2/{PROJECT}/face-sets with {token}")
}

/// The fake clock: every read returns the time the test set.
struct Clock(Cell<SystemTime>);

impl Clock {
    fn new() -> Self {
        Self(Cell::new(at(0)))
    }

    fn set(&self, seconds_after_t0: u64) {
        self.0.set(at(seconds_after_t0));
    }

    fn now(&self) -> SystemTime {
        self.0.get()
    }
}

/// Runs `ShowAllFaceSets`, failing the test if the loop ever sleeps.
fn list(cloud: &Cloud, config: &Config, clock: &Clock) -> Result<FaceSetsResponse, Error<Infallible>> {
    execute_blocking(config, &cloud.transport(), &ShowAllFaceSets, || clock.now(), |d| panic!("slept {d:?}"))
        .map(frs_request::Reply::into_inner)
}

fn header_names(req: &http::Request<Bytes>) -> Vec<String> {
    let mut names: Vec<String> = req.headers().keys().map(|n| n.as_str().to_owned()).collect();
    names.sort_unstable();
    names
}

// ---------------------------------------------------------------------------------------------
// The first call, caching, refresh before expiry.
// ---------------------------------------------------------------------------------------------

#[test]
fn the_first_call_fetches_a_token_then_sends_the_call_with_it() {
    let (cloud, clock, config) = (Cloud::default(), Clock::new(), config());
    let answer = list(&cloud, &config, &clock).unwrap();
    assert_eq!(answer, FaceSetsResponse { face_sets_info: Some(vec![]) });
    assert_eq!(cloud.log(), ["issue token".to_owned(), list_line("token-1")]);

    let requests = cloud.requests.borrow();
    let issue = &requests[0];
    assert_eq!(issue.method(), http::Method::POST);
    assert_eq!(issue.uri().to_string(), "https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens");
    // Only the content type and the user agent: no X-Auth-Token, no Authorization, no
    // X-Project-Id, nothing signed.
    assert_eq!(header_names(issue), ["content-type", "user-agent"]);
    assert_eq!(issue.headers()["content-type"], "application/json;charset=utf8");
    let body: Value = serde_json::from_slice(issue.body()).unwrap();
    assert_eq!(
        body,
        json!({"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": "user", "password": "pw", "domain": {"name": "domain"}
            }}},
            "scope": {"project": {"name": "cn-north-4"}}
        }})
    );

    let call = &requests[1];
    assert_eq!(call.method(), http::Method::GET);
    assert_eq!(
        call.uri().to_string(),
        format!("https://face.cn-north-4.myhuaweicloud.com/v2/{PROJECT}/face-sets")
    );
    assert_eq!(header_names(call), ["content-type", "user-agent", "x-auth-token"]);
    assert_eq!(call.headers()["x-auth-token"], "token-1");
    assert!(call.headers()["x-auth-token"].is_sensitive());
    assert!(!format!("{call:?}").contains("token-1"), "{call:?}");
}

#[test]
fn a_token_is_reused_while_more_than_the_margin_is_left() {
    let (cloud, clock, config) = (Cloud::default(), Clock::new(), config());
    list(&cloud, &config, &clock).unwrap();
    clock.set(60);
    list(&cloud, &config, &clock).unwrap();
    // One second before the refresh point: 1 h + 1 s left.
    clock.set(REFRESH_POINT - 1);
    list(&cloud, &config, &clock).unwrap();
    assert_eq!(
        cloud.log(),
        ["issue token".to_owned(), list_line("token-1"), list_line("token-1"), list_line("token-1")]
    );
    assert_eq!(cloud.issued.get(), 1);
}

#[test]
fn a_call_later_than_an_hour_before_expiry_fetches_a_new_token_first() {
    let (cloud, clock, config) = (Cloud::default(), Clock::new(), config());
    list(&cloud, &config, &clock).unwrap();
    // token-2 is issued at the refresh point and lives another day.
    cloud.expiries.borrow_mut().push_back("2024-03-17T09:20:31Z");
    clock.set(REFRESH_POINT + 1);
    list(&cloud, &config, &clock).unwrap();
    assert_eq!(
        cloud.log(),
        ["issue token".to_owned(), list_line("token-1"), "issue token".to_owned(), list_line("token-2")]
    );
    // The new token is cached in turn, with its own expiry.
    clock.set(REFRESH_POINT + 2 * 3600);
    list(&cloud, &config, &clock).unwrap();
    assert_eq!(cloud.log().len(), 5);
    assert_eq!(cloud.log()[4], list_line("token-2"));
    // And a call after the expiry itself also fetches one (token-3).
    clock.set(3 * 24 * 3600);
    cloud.expiries.borrow_mut().push_back("2024-03-19T10:20:30Z");
    list(&cloud, &config, &clock).unwrap();
    assert_eq!(cloud.log()[5..], ["issue token".to_owned(), list_line("token-3")]);
}

#[test]
fn an_expiry_with_an_offset_is_read_as_utc() {
    let (cloud, clock, config) = (Cloud::default(), Clock::new(), config());
    // 2024-03-16T18:20:30+08:00 is DAY_AFTER_T0: the same refresh point.
    cloud.expiries.borrow_mut().push_back("2024-03-16T18:20:30+08:00");
    cloud.expiries.borrow_mut().push_back("2024-03-17T10:20:30Z");
    list(&cloud, &config, &clock).unwrap();
    clock.set(REFRESH_POINT - 1);
    list(&cloud, &config, &clock).unwrap();
    clock.set(REFRESH_POINT + 1);
    list(&cloud, &config, &clock).unwrap();
    assert_eq!(
        cloud.log(),
        [
            "issue token".to_owned(),
            list_line("token-1"),
            list_line("token-1"),
            "issue token".to_owned(),
            list_line("token-2")
        ]
    );
}

/// A token that IAM issues with less than the margin left (a local clock far ahead of
/// IAM's, say) is still used: the margin shrinks to half the token's life. A token issued
/// already expired is not asked for again and again: the call fails after one request.
#[test]
fn a_short_lived_token_is_used_and_an_expired_one_stops_the_call() {
    let (cloud, clock, config) = (Cloud::default(), Clock::new(), config());
    cloud.expiries.borrow_mut().push_back("2024-03-15T11:20:29Z");
    list(&cloud, &config, &clock).unwrap();
    assert_eq!(cloud.log(), ["issue token".to_owned(), list_line("token-1")]);

    let (cloud, clock, fresh) = (Cloud::default(), Clock::new(), self::config());
    cloud.expiries.borrow_mut().push_back("2024-03-15T10:00:00Z");
    let err = list(&cloud, &fresh, &clock).unwrap_err();
    assert!(matches!(err, Error::Call(frs_request::CallError::ExpiredToken)), "{err:?}");
    assert_eq!(cloud.log(), ["issue token"]);
}

// ---------------------------------------------------------------------------------------------
// Refused tokens.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_refused_cached_token_is_refreshed_once_and_the_call_resent() {
    let (cloud, clock, config) = (Cloud::default(), Clock::new(), config());
    list(&cloud, &config, &clock).unwrap();
    cloud.revoke("token-1");
    clock.set(60);
    let answer = list(&cloud, &config, &clock).unwrap();
    assert_eq!(answer.face_sets_info, Some(vec![]));
    assert_eq!(
        cloud.log(),
        [
            "issue token".to_owned(),
            list_line("token-1"),
            list_line("token-1"),
            "issue token".to_owned(),
            list_line("token-2")
        ]
    );
    // The new token replaced the refused one in the cache.
    clock.set(120);
    list(&cloud, &config, &clock).unwrap();
    assert_eq!(cloud.log().len(), 6);
    assert_eq!(cloud.log()[5], list_line("token-2"));
}

#[test]
fn a_second_refusal_is_returned_without_looping() {
    let (cloud, clock, config) = (Cloud::default(), Clock::new(), config());
    list(&cloud, &config, &clock).unwrap();
    cloud.refuse_every_token.set(true);
    clock.set(60);
    let err = list(&cloud, &config, &clock).unwrap_err();
    // Exactly one refresh and one resend after the first refusal.
    assert_eq!(
        cloud.log(),
        [
            "issue token".to_owned(),
            list_line("token-1"),
            list_line("token-1"),
            "issue token".to_owned(),
            list_line("token-2")
        ]
    );
    let service = err.service().unwrap_or_else(|| panic!("not a service error: {err:?}"));
    assert_eq!(service.status, http::StatusCode::UNAUTHORIZED);
    assert_eq!(service.code, ErrorCode::GatewayIamAuthFailed);
    assert_eq!(service.raw_code, "APIGW.0301");
    assert_eq!(service.message, "Incorrect IAM authentication information");
    assert_eq!(service.request_id.as_deref(), Some("rid-401"));
    // The next call again refreshes at most once.
    let before = cloud.log().len();
    clock.set(120);
    list(&cloud, &config, &clock).unwrap_err();
    assert_eq!(cloud.log()[before..], [list_line("token-2"), "issue token".to_owned(), list_line("token-3")]);
}

#[test]
fn a_fresh_token_that_is_refused_is_also_refreshed_only_once() {
    let (cloud, clock, config) = (Cloud::default(), Clock::new(), config());
    cloud.refuse_every_token.set(true);
    let err = list(&cloud, &config, &clock).unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::GatewayIamAuthFailed));
    assert_eq!(
        cloud.log(),
        ["issue token".to_owned(), list_line("token-1"), "issue token".to_owned(), list_line("token-2")]
    );
}

// ---------------------------------------------------------------------------------------------
// IAM failures.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_refused_password_returns_iams_error_and_sends_no_call() {
    let (cloud, clock, config) = (Cloud::default(), Clock::new(), password_config("Wr0ng-Passw0rd!"));
    cloud.iam_answers.borrow_mut().push_back(response(
        401,
        &[("Content-Type", "application/json")],
        r#"{"error":{"code":401,"message":"The username or password is wrong."}}"#,
    ));
    let err = list(&cloud, &config, &clock).unwrap_err();
    assert_eq!(cloud.log(), ["issue token"]);
    let service = err.service().unwrap_or_else(|| panic!("not a service error: {err:?}"));
    assert_eq!(service.status, http::StatusCode::UNAUTHORIZED);
    assert_eq!(service.raw_code, "401");
    assert_eq!(service.code, ErrorCode::Unknown("401".into()));
    assert_eq!(service.message, "The username or password is wrong.");
    for shown in [format!("{err}"), format!("{err:?}"), format!("{config:?}")] {
        assert!(!shown.contains("Wr0ng-Passw0rd!"), "{shown}");
    }
    // Nothing was cached: the next call asks IAM again.
    list(&cloud, &config, &clock).unwrap();
    assert_eq!(cloud.log(), ["issue token".to_owned(), "issue token".to_owned(), list_line("token-1")]);
}

#[test]
fn a_token_answer_without_x_subject_token_is_a_decode_error() {
    let (cloud, clock, config) = (Cloud::default(), Clock::new(), config());
    cloud.iam_answers.borrow_mut().push_back(response(
        201,
        &[("Content-Type", "application/json")],
        r#"{"token": {"expires_at": "2024-03-16T10:20:30.000000Z"}}"#,
    ));
    let err = list(&cloud, &config, &clock).unwrap_err();
    assert_eq!(cloud.log(), ["issue token"]);
    match &err {
        Error::Decode(e) => {
            assert_eq!(e.status, http::StatusCode::CREATED);
            assert!(e.reason.contains("X-Subject-Token"), "{e:?}");
        }
        other => panic!("not a decode error: {other:?}"),
    }
}

#[test]
fn a_busy_iam_is_retried_with_backoff_before_the_call() {
    let (cloud, clock, config) = (Cloud::default(), Clock::new(), config());
    for _ in 0..2 {
        cloud.iam_answers.borrow_mut().push_back(response(
            503,
            &[],
            r#"{"error":{"code":503,"message":"Service Unavailable"}}"#,
        ));
    }
    let sleeps = RefCell::new(Vec::new());
    let reply = execute_blocking(
        &config,
        &cloud.transport(),
        &ShowAllFaceSets,
        || clock.now(),
        |d| sleeps.borrow_mut().push(d),
    )
    .unwrap();
    assert_eq!(reply.request_id.as_deref(), Some("rid-ok"));
    assert_eq!(
        cloud.log(),
        ["issue token".to_owned(), "issue token".to_owned(), "issue token".to_owned(), list_line("token-1")]
    );
    assert_eq!(sleeps.borrow().len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Secrets in Debug.
// ---------------------------------------------------------------------------------------------

#[test]
fn debug_never_shows_the_password_or_a_token() {
    const PASSWORD: &str = "Tr0ub4dor&3-secret";
    let (cloud, clock, config) = (Cloud::default(), Clock::new(), password_config(PASSWORD));
    let check = |label: &str| {
        let provider = provider(&config);
        let credentials = PasswordCredentials::for_region("user", PASSWORD, "domain", &Region::CN_NORTH_4);
        for shown in [
            format!("{config:?}"),
            format!("{config:#?}"),
            format!("{:?}", config.credentials()),
            format!("{provider:?}"),
            format!("{credentials:?}"),
            format!("{:?}", credentials.password),
            format!("{:?}", IssueUserToken::new(credentials)),
            format!("{:?}", provider.issue()),
        ] {
            assert!(!shown.contains(PASSWORD), "{label}: {shown}");
            assert!(!shown.contains("token-"), "{label}: {shown}");
        }
    };
    check("before any token");
    list(&cloud, &config, &clock).unwrap();
    assert_eq!(
        provider(&config).current(clock.now()).map(|t| t.expose().to_owned()).as_deref(),
        Some("token-1")
    );
    check("with token-1 cached");
    // The cached token's expiry is shown, not the token.
    assert!(format!("{:?}", provider(&config)).contains("token_expires_at: Some("));
    // The parsed IAM answer hides its token too.
    let issued = provider(&config)
        .issue()
        .parse(response(
            201,
            &[("X-Subject-Token", "token-xyz")],
            r#"{"token": {"expires_at": "2024-03-16T10:20:30Z"}}"#,
        ))
        .unwrap();
    assert_eq!(issued.token.expose(), "token-xyz");
    assert_eq!(issued.expires_at, Some(at(24 * 3600)));
    assert!(!format!("{issued:?}").contains("token-xyz"), "{issued:?}");
}

// ---------------------------------------------------------------------------------------------
// Project discovery with an access key.
// ---------------------------------------------------------------------------------------------

const VECTORS: &str = include_str!("data/signing-vectors.json");

/// The vector `iam_list_projects_for_project_id_discovery`: what the official SDK sends.
fn discovery_vector() -> Value {
    let doc: Value = serde_json::from_str(VECTORS).unwrap();
    doc["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "iam_list_projects_for_project_id_discovery")
        .unwrap()
        .clone()
}

#[test]
fn list_projects_is_signed_as_the_official_sdk_signs_it() {
    let vector = discovery_vector();
    let s = |key: &str| vector[key].as_str().unwrap().to_owned();
    // Every input of the vector is reproducible through Config: the AK/SK, the host (the
    // IAM endpoint), the path and query (the operation), the User-Agent (with_user_agent)
    // and X-Sdk-Date (the time given to prepare); the vector has no other header and an
    // empty body.
    assert_eq!((s("method"), s("scheme"), s("host")), ("GET".into(), "https".into(), IAM_HOST.into()));
    assert_eq!((s("path"), s("body")), ("/v3/projects".into(), String::new()));
    assert_eq!(vector["query"], json!([["name", "cn-north-4"]]));
    let headers = vector["headers"].as_array().unwrap();
    assert_eq!(headers.len(), 2, "{headers:?}");
    assert_eq!(headers[0][0], "User-Agent");
    assert_eq!(headers[1], json!(["X-Sdk-Date", "20240315T102030Z"]));

    let config = Config::new(
        Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com").unwrap(),
        PROJECT.parse().unwrap(),
        Credentials::access_key(s("ak"), s("sk")),
    )
    .with_iam_endpoint(Endpoint::parse("https://iam.cn-north-4.myhuaweicloud.com").unwrap())
    .with_user_agent(headers[0][1].as_str().unwrap())
    .unwrap();
    let req = ListProjects::for_region(&Region::CN_NORTH_4).to_request(&config, at(0)).unwrap();

    assert_eq!(req.method(), http::Method::GET);
    assert_eq!(req.uri().to_string(), "https://iam.cn-north-4.myhuaweicloud.com/v3/projects?name=cn-north-4");
    assert_eq!(req.uri().path_and_query().unwrap().as_str(), vector["expected"]["wire_uri"]);
    assert!(req.body().is_empty());
    // No Content-Type and no X-Project-Id (auth.md §5), but signed.
    assert!(!req.headers().contains_key("content-type"));
    assert!(!req.headers().contains_key("x-project-id"));
    assert!(req.headers()["authorization"].is_sensitive());
    assert_eq!(req.headers()["authorization"], vector["expected"]["authorization"].as_str().unwrap());
    // Exactly the headers the official SDK sends, with the same values.
    let mut sent: Vec<(String, String)> =
        req.headers().iter().map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap().to_owned())).collect();
    sent.sort();
    let mut expected: Vec<(String, String)> = vector["expected"]["sent_headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h[0].as_str().unwrap().to_lowercase(), h[1].as_str().unwrap().to_owned()))
        .collect();
    expected.sort();
    assert_eq!(sent, expected);
}

#[test]
fn project_discovery_runs_through_the_loop_with_an_access_key() {
    let (cloud, clock) = (Cloud::default(), Clock::new());
    *cloud.projects.borrow_mut() =
        json!({"projects": [{"id": PROJECT, "name": "cn-north-4", "domain_id": "d1", "enabled": true}]})
            .to_string();
    let config = Config::new(
        Endpoint::parse("https://face.cn-north-4.myhuaweicloud.com").unwrap(),
        "placeholder".parse().unwrap(),
        Credentials::access_key("EXAMPLEAK1234567890Z", "exampleSK"),
    )
    .with_iam_endpoint(Endpoint::parse("https://iam.cn-north-4.myhuaweicloud.com").unwrap());
    let op = ListProjects::for_region(&Region::CN_NORTH_4);
    let reply = execute_blocking(&config, &cloud.transport(), &op, || clock.now(), |d| panic!("slept {d:?}"))
        .unwrap();
    assert_eq!(discovered_project_id(&Region::CN_NORTH_4, &reply).unwrap().as_str(), PROJECT);
    let requests = cloud.requests.borrow();
    assert_eq!(requests.len(), 1);
    assert_eq!(header_names(&requests[0]), ["authorization", "host", "user-agent", "x-sdk-date"]);
}

#[test]
fn list_projects_with_a_password_first_fetches_a_token() {
    let (cloud, clock, config) = (Cloud::default(), Clock::new(), config());
    *cloud.projects.borrow_mut() = json!({"projects": [{"id": "p1", "name": "cn-north-4"}]}).to_string();
    let reply = execute_blocking(
        &config,
        &cloud.transport(),
        &ListProjects::for_region(&Region::CN_NORTH_4),
        || clock.now(),
        |d| panic!("slept {d:?}"),
    )
    .unwrap();
    assert_eq!(discovered_project_id(&Region::CN_NORTH_4, &reply).unwrap().as_str(), "p1");
    assert_eq!(cloud.log(), ["issue token", "GET /v3/projects with token-1"]);
    let requests = cloud.requests.borrow();
    assert_eq!(requests[1].uri().query(), Some("name=cn-north-4"));
    assert_eq!(header_names(&requests[1]), ["user-agent", "x-auth-token"]);
}

fn projects(ids: &[Option<&str>]) -> ProjectsResponse {
    ProjectsResponse {
        projects: Some(
            ids.iter()
                .map(|id| ProjectInfo {
                    id: id.map(str::to_owned),
                    name: Some("cn-north-4".into()),
                    ..ProjectInfo::default()
                })
                .collect(),
        ),
    }
}

#[test]
fn discovery_needs_exactly_one_project() {
    let region = &Region::CN_NORTH_4;
    assert_eq!(
        discovered_project_id(region, &projects(&[Some(PROJECT)])),
        Ok(ProjectId::new(PROJECT).unwrap())
    );
    // A listed project without an id does not count.
    assert_eq!(
        discovered_project_id(region, &projects(&[None, Some("p1")])),
        Ok(ProjectId::new("p1").unwrap())
    );
    assert_eq!(
        discovered_project_id(region, &projects(&[])),
        Err(DiscoveryError::NoProject("cn-north-4".into()))
    );
    assert_eq!(
        discovered_project_id(region, &ProjectsResponse::default()),
        Err(DiscoveryError::NoProject("cn-north-4".into()))
    );
    assert_eq!(
        discovered_project_id(region, &projects(&[Some("p1"), Some("p2")])),
        Err(DiscoveryError::Ambiguous { name: "cn-north-4".into(), ids: "p1, p2".into() })
    );
    assert!(matches!(
        discovered_project_id(region, &projects(&[Some("not/an id")])),
        Err(DiscoveryError::InvalidId(_))
    ));
}
