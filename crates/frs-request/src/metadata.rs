//! The ECS metadata service: temporary credentials of the instance's agency, as the
//! official SDKs obtain them when nothing else is configured.
//!
//! Two calls, both anonymous, against the metadata base URL (normally
//! [`Endpoint::ECS_METADATA`](crate::Endpoint::ECS_METADATA), `http://169.254.169.254`):
//!
//! 1. [`IssueMetadataToken`]: `PUT /meta-data/latest/api/token` with
//!    `X-Metadata-Token-Ttl-Seconds: 21600`; the answer's body is a session token;
//! 2. [`GetSecurityKey`]: `GET /openstack/latest/securitykey` with `X-Metadata-Token`; the
//!    answer is `{"credential": {"access": …, "secret": …, "securitytoken": …,
//!    "expires_at": "2026-…Z"}}`.
//!
//! A client configured with [`Credentials::metadata`](crate::Credentials::metadata) runs them
//! itself, before the first call and again before the keys expire (see
//! [`MetadataProvider`]); they are public for callers that drive requests by hand. A
//! service without the token API (it answers the PUT with 404 or 405) is read without a
//! session token, as the official SDK does.
//!
//! The official SDK waits at most 3 seconds for each call ([`OFFICIAL_TIMEOUT`]); here they
//! go through the client's transport with its [`TransportLimits`](crate::TransportLimits).
//!
//! ```
//! use std::convert::Infallible;
//! use std::time::{Duration, SystemTime};
//! use bytes::Bytes;
//! use frs_request::{faces::DeleteFaces, BlockingClient, Config, Credentials, Endpoint};
//!
//! // A closure standing in for the metadata service and FRS.
//! let transport = |req: http::Request<Bytes>| -> Result<http::Response<Bytes>, Infallible> {
//!     let body: &'static [u8] = match req.uri().path() {
//!         "/meta-data/latest/api/token" => b"session-token",
//!         "/openstack/latest/securitykey" => br#"{"credential": {"access": "TEMPAK",
//!             "secret": "temp-sk", "securitytoken": "sts", "expires_at": "2999-01-01T00:00:00Z"}}"#,
//!         _ => {
//!             assert!(req.headers()["authorization"].to_str().unwrap().contains("Access=TEMPAK"));
//!             assert!(req.headers().contains_key("x-security-token"));
//!             br#"{"face_number": 1}"#
//!         }
//!     };
//!     Ok(http::Response::new(Bytes::from_static(body)))
//! };
//! let base = Endpoint::parse("http://127.0.0.1:9")?; // the emulator's, in tests
//! let config = Config::new(base.clone(), "my-project".parse()?, Credentials::metadata(base));
//! let client = BlockingClient::with_runtime(config, transport, (SystemTime::now, |_: Duration| {}));
//! let op = DeleteFaces::by_face_id("staff".parse()?, "a1b2c3d4".parse()?);
//! assert_eq!(client.execute(&op)?.face_number, Some(1));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::convert::Infallible;
use std::fmt;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method};
use serde::Deserialize;

use crate::config::Config;
use crate::credentials::{Credentials, MetadataProvider};
use crate::error::{BuildError, DecodeError, Error, header_text};
use crate::operation::{AuthMode, Body, Idempotency, Operation, Reply, RequestSpec, Service};
use crate::response::error_from_parts;
use crate::secret::Secret;

/// The path of the session-token call.
pub const TOKEN_PATH: &str = "/meta-data/latest/api/token";
/// The path of the temporary-credentials call.
pub const SECURITY_KEY_PATH: &str = "/openstack/latest/securitykey";
/// The header asking for a session token's life, in seconds.
pub const TOKEN_TTL_HEADER: &str = "x-metadata-token-ttl-seconds";
/// The header carrying the session token.
pub const TOKEN_HEADER: &str = "x-metadata-token";
/// The life asked for a session token: six hours, as the official SDK asks.
pub const TOKEN_TTL: Duration = Duration::from_secs(21_600);
/// How long the official SDK waits for each metadata call (connect and read).
pub const OFFICIAL_TIMEOUT: Duration = Duration::from_secs(3);

/// A session token is dropped this long before its life ends, so it never expires in
/// flight.
const SESSION_MARGIN: Duration = Duration::from_secs(60);

/// Obtains a session token: `PUT {base}/meta-data/latest/api/token` with
/// `X-Metadata-Token-Ttl-Seconds`. Anonymous.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueMetadataToken {
    ttl: Duration,
}

impl IssueMetadataToken {
    /// A token request for [`TOKEN_TTL`].
    pub fn new() -> Self {
        Self { ttl: TOKEN_TTL }
    }

    /// Asks for a token living `ttl` instead (whole seconds).
    #[must_use]
    pub fn with_ttl(ttl: Duration) -> Self {
        Self { ttl }
    }
}

impl Default for IssueMetadataToken {
    fn default() -> Self {
        Self::new()
    }
}

/// A metadata session token and how long it was asked to live. `Debug` hides the token.
#[derive(Clone)]
pub struct MetadataToken {
    /// The token, for `X-Metadata-Token`.
    pub token: Secret,
    /// The life asked for.
    pub ttl: Duration,
}

impl fmt::Debug for MetadataToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetadataToken").field("token", &"***").field("ttl", &self.ttl).finish()
    }
}

fn spec(method: Method, path: &'static str) -> RequestSpec<'static> {
    RequestSpec {
        method,
        service: Service::Metadata,
        segments: path.split('/').skip(1).map(Into::into).collect(),
        query: Vec::new(),
        body: Body::Empty,
        auth: AuthMode::Anonymous,
    }
}

/// A decode error that shows nothing of the body: a metadata answer may hold a secret.
fn opaque(parts: &http::response::Parts, reason: &str) -> Error<Infallible> {
    Error::Decode(Box::new(DecodeError::new(parts.status, reason, b"", &parts.headers)))
}

fn reply<T>(value: T, parts: &http::response::Parts) -> Reply<T> {
    Reply {
        value,
        status: parts.status,
        request_id: header_text(&parts.headers, "x-request-id"),
        outcome: crate::response::Outcome::Answered,
    }
}

impl Operation for IssueMetadataToken {
    type Output = MetadataToken;
    const NAME: &'static str = "IssueMetadataToken";

    fn request_spec(&self) -> Result<RequestSpec<'_>, BuildError> {
        Ok(spec(Method::PUT, TOKEN_PATH))
    }

    fn to_request(&self, config: &Config, now: SystemTime) -> Result<http::Request<Bytes>, BuildError> {
        let mut request = config.prepare(self, now)?;
        request
            .headers_mut()
            .insert(HeaderName::from_static(TOKEN_TTL_HEADER), HeaderValue::from(self.ttl.as_secs()));
        Ok(request)
    }

    fn idempotency(&self) -> Idempotency {
        Idempotency::Idempotent
    }

    fn parse(&self, response: http::Response<Bytes>) -> Result<Reply<MetadataToken>, Error<Infallible>> {
        let (parts, body) = response.into_parts();
        if !parts.status.is_success() {
            return Err(error_from_parts(parts.status, &parts.headers, body));
        }
        let token = std::str::from_utf8(&body).map(str::trim).unwrap_or_default();
        if token.is_empty() || token.chars().any(|c| !c.is_ascii_graphic()) {
            return Err(opaque(&parts, "the session token is empty or not printable text"));
        }
        Ok(reply(MetadataToken { token: Secret::new(token), ttl: self.ttl }, &parts))
    }
}

/// Obtains the instance's temporary credentials: `GET {base}/openstack/latest/securitykey`,
/// with `X-Metadata-Token` when a session token is given. Anonymous. `Debug` hides the
/// session token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetSecurityKey {
    session: Option<Secret>,
}

impl GetSecurityKey {
    /// A request with a session token from [`IssueMetadataToken`] (or none, for a service
    /// without the token API).
    pub fn new(session: Option<Secret>) -> Self {
        Self { session }
    }
}

/// Temporary credentials from the metadata service. `Debug` hides the secret key and the
/// security token.
#[derive(Clone)]
pub struct TemporaryCredentials {
    /// The temporary access key id.
    pub access_key: String,
    /// The temporary secret key.
    pub secret_key: Secret,
    /// The security token sent (and signed) as `X-Security-Token`.
    pub security_token: Secret,
    /// When they expire (`expires_at`), if the answer said in a form this SDK reads.
    pub expires_at: Option<SystemTime>,
}

impl TemporaryCredentials {
    /// Credentials of unknown expiry are assumed to live this long: the shortest life IAM
    /// gives temporary credentials.
    pub const ASSUMED_LIFETIME: Duration = Duration::from_secs(15 * 60);

    /// The credentials to sign with.
    pub fn credentials(&self) -> Credentials {
        Credentials::AccessKey {
            access_key: self.access_key.clone(),
            secret_key: self.secret_key.clone(),
            security_token: Some(self.security_token.clone()),
        }
    }
}

impl fmt::Debug for TemporaryCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TemporaryCredentials")
            .field("access_key", &crate::credentials::masked_access_key(&self.access_key))
            .field("secret_key", &"***")
            .field("security_token", &"***")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// The answer's shape; no `Debug`, as it holds secrets.
#[derive(Deserialize)]
struct SecurityKeyAnswer {
    credential: Option<SecurityKey>,
}

#[derive(Deserialize)]
struct SecurityKey {
    access: Option<String>,
    secret: Option<String>,
    securitytoken: Option<String>,
    expires_at: Option<String>,
}

impl Operation for GetSecurityKey {
    type Output = TemporaryCredentials;
    const NAME: &'static str = "GetSecurityKey";

    fn request_spec(&self) -> Result<RequestSpec<'_>, BuildError> {
        Ok(spec(Method::GET, SECURITY_KEY_PATH))
    }

    fn to_request(&self, config: &Config, now: SystemTime) -> Result<http::Request<Bytes>, BuildError> {
        let mut request = config.prepare(self, now)?;
        if let Some(session) = &self.session {
            let mut value = HeaderValue::try_from(session.expose())
                .map_err(|_| BuildError::Header { name: "X-Metadata-Token" })?;
            value.set_sensitive(true);
            request.headers_mut().insert(HeaderName::from_static(TOKEN_HEADER), value);
        }
        Ok(request)
    }

    fn idempotency(&self) -> Idempotency {
        Idempotency::Idempotent
    }

    fn parse(
        &self,
        response: http::Response<Bytes>,
    ) -> Result<Reply<TemporaryCredentials>, Error<Infallible>> {
        let (parts, body) = response.into_parts();
        if !parts.status.is_success() {
            return Err(error_from_parts(parts.status, &parts.headers, body));
        }
        // serde's messages may quote the input: only the position is kept.
        let answer: SecurityKeyAnswer = serde_json::from_slice(&body).map_err(|e| {
            opaque(
                &parts,
                &format!("not the metadata service's JSON (line {}, column {})", e.line(), e.column()),
            )
        })?;
        let key = answer.credential.ok_or_else(|| opaque(&parts, "the answer has no \"credential\""))?;
        let field = |value: Option<String>, name: &str| {
            value
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| opaque(&parts, &format!("the answer has no \"credential.{name}\"")))
        };
        let access_key = field(key.access, "access")?;
        let secret_key = Secret::new(field(key.secret, "secret")?);
        let security_token = Secret::new(field(key.securitytoken, "securitytoken")?);
        let expires_at = key.expires_at.as_deref().and_then(crate::sdk_date::parse_rfc3339);
        Ok(reply(TemporaryCredentials { access_key, secret_key, security_token, expires_at }, &parts))
    }
}

// The metadata side of the cache, here so that credentials do not depend on operations.
impl MetadataProvider {
    /// The operation that obtains a session token.
    pub fn issue_token(&self) -> IssueMetadataToken {
        IssueMetadataToken::new()
    }

    /// The operation that reads the temporary credentials with `session`.
    pub fn security_key(&self, session: Option<Secret>) -> GetSecurityKey {
        GetSecurityKey::new(session)
    }

    /// Caches a session token obtained at `now`.
    pub fn store_token(&self, token: &MetadataToken, now: SystemTime) {
        let life = token.ttl.saturating_sub(SESSION_MARGIN.min(token.ttl / 2));
        self.store_session(Some(token.token.clone()), now + life);
    }

    /// Remembers, at `now`, that the service has no token API (the keys are read without
    /// a session token until a session token's life has passed).
    pub fn store_no_token(&self, now: SystemTime) {
        self.store_session(None, now + TOKEN_TTL);
    }

    /// Caches temporary credentials obtained at `now`.
    pub fn store(&self, credentials: &TemporaryCredentials, now: SystemTime) {
        let expires_at = credentials.expires_at.unwrap_or(now + TemporaryCredentials::ASSUMED_LIFETIME);
        self.store_keys(
            credentials.access_key.clone(),
            credentials.secret_key.clone(),
            credentials.security_token.clone(),
            expires_at,
            now,
        );
    }

    /// The full URL of one of the metadata paths ([`TOKEN_PATH`], [`SECURITY_KEY_PATH`]),
    /// for messages.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::Endpoint;

    fn config() -> Config {
        let base = Endpoint::parse("http://127.0.0.1:8080").unwrap();
        Config::new(Endpoint::GLOBAL_IAM, "p".parse().unwrap(), Credentials::metadata(base))
    }

    #[test]
    fn the_two_requests_are_the_official_ones() {
        let now = SystemTime::now();
        let put = IssueMetadataToken::new().to_request(&config(), now).unwrap();
        assert_eq!(put.method(), Method::PUT);
        assert_eq!(put.uri().to_string(), "http://127.0.0.1:8080/meta-data/latest/api/token");
        assert_eq!(put.headers()[TOKEN_TTL_HEADER], "21600");
        assert!(!put.headers().contains_key("authorization"));
        assert!(!put.headers().contains_key("content-type"));
        let get = GetSecurityKey::new(Some(Secret::new("tok"))).to_request(&config(), now).unwrap();
        assert_eq!(get.method(), Method::GET);
        assert_eq!(get.uri().to_string(), "http://127.0.0.1:8080/openstack/latest/securitykey");
        assert_eq!(get.headers()[TOKEN_HEADER], "tok");
        assert!(get.headers()[TOKEN_HEADER].is_sensitive());
        let bare = GetSecurityKey::new(None).to_request(&config(), now).unwrap();
        assert!(!bare.headers().contains_key(TOKEN_HEADER));
        // Without metadata credentials, the well-known address.
        let other = Config::new(Endpoint::GLOBAL_IAM, "p".parse().unwrap(), Credentials::token("t"));
        let get = GetSecurityKey::new(None).to_request(&other, now).unwrap();
        assert_eq!(get.uri().to_string(), "http://169.254.169.254/openstack/latest/securitykey");
        assert!(!get.headers().contains_key("x-auth-token"));
    }

    fn answer(status: u16, body: &str) -> http::Response<Bytes> {
        http::Response::builder().status(status).body(Bytes::from(body.to_owned())).unwrap()
    }

    #[test]
    fn answers_are_read_and_bad_ones_never_echo_a_secret() {
        let ok = r#"{"credential": {"access": "TEMPAK", "secret": "temp-secret-sk",
            "securitytoken": "temp-sts-token", "expires_at": "2026-03-15T10:20:30.000000Z"}}"#;
        let keys = GetSecurityKey::new(None).parse(answer(200, ok)).unwrap().value;
        assert_eq!(keys.access_key, "TEMPAK");
        assert_eq!(keys.secret_key.expose(), "temp-secret-sk");
        assert_eq!(keys.expires_at, crate::sdk_date::parse_rfc3339("2026-03-15T10:20:30Z"));
        assert!(!format!("{keys:?}").contains("temp-secret-sk"));

        for bad in [
            r#"{"credential": {"access": "TEMPAK", "secret": "temp-secret-sk"}}"#,
            r#"{"credential": {"access": 5, "secret": "temp-secret-sk", "securitytoken": "t"}}"#,
            r#"{"credential": {"access": "A", "secret": ["temp-secret-sk"], "securitytoken": "t"}}"#,
            r#"{"access": "TEMPAK", "secret": "temp-secret-sk"}"#,
            "temp-secret-sk",
        ] {
            let err = GetSecurityKey::new(None).parse(answer(200, bad)).unwrap_err();
            let text = format!("{err} {err:?}");
            assert!(matches!(err, Error::Decode(_)), "{text}");
            assert!(!text.contains("temp-secret-sk"), "{text}");
        }
        let token = IssueMetadataToken::new().parse(answer(200, " session-token\n")).unwrap().value;
        assert_eq!(token.token.expose(), "session-token");
        assert!(!format!("{token:?}").contains("session-token"));
        assert!(IssueMetadataToken::new().parse(answer(200, "")).is_err());
        let err = IssueMetadataToken::new().parse(answer(404, "Not Found")).unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    }
}
