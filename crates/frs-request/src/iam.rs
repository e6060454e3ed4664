//! Identity and Access Management (IAM): a user token from a password, and the project id
//! of a region — the two IAM calls the official SDKs make for FRS.
//!
//! Both are explicit operations: nothing here is called behind the caller's back, except
//! by a [`TokenProvider`] the caller chose to configure.

use std::convert::Infallible;
use std::fmt;
use std::time::SystemTime;

use bytes::Bytes;
use frs_types::models::iam::{ProjectInfo, ProjectsResponse, TokenResponse};
use frs_types::{ProjectId, Region};
use http::Method;
use serde_json::json;

use crate::credentials::TokenProvider;
pub use crate::credentials::{PasswordCredentials, ProjectScope};
use crate::error::{BuildError, DecodeError, Error, header_text};
use crate::operation::{
    AuthMode, Body, Idempotency, Operation, Reply, RequestSpec, Service, decode_json, json_answer,
};
use crate::response::error_from_parts;
use crate::secret::Secret;

/// Obtains a user token with a password: `POST {iam}/v3/auth/tokens` (answer 201, token in
/// the `X-Subject-Token` header, valid 24 hours). Sent without other credentials.
///
/// Usually sent for you: a client configured with [`Credentials::password`](crate::Credentials::password)
/// obtains, caches and renews the token itself.
///
/// ```
/// use std::time::SystemTime;
/// use frs_request::iam::{IssueUserToken, PasswordCredentials};
/// use frs_request::{Config, Credentials, Operation};
/// use frs_types::Region;
///
/// let region = Region::CN_NORTH_4;
/// let login = PasswordCredentials::for_region("alice", "a-password", "my-domain", &region);
/// let config = Config::for_region(&region, "my-project".parse()?, Credentials::password(login.clone()));
/// let op = IssueUserToken::new(login);
/// let request = config.prepare(&op, SystemTime::now())?;
/// assert_eq!(request.method(), http::Method::POST);
/// assert_eq!(request.uri().host(), Some("iam.cn-north-4.myhuaweicloud.com"));
/// assert_eq!(request.uri().path(), "/v3/auth/tokens");
/// let body: serde_json::Value = serde_json::from_slice(request.body())?;
/// assert_eq!(body["auth"]["identity"]["password"]["user"]["name"], "alice");
/// assert_eq!(body["auth"]["scope"]["project"]["name"], "cn-north-4");
/// assert!(!request.headers().contains_key("x-auth-token")); // sent with no other credentials
///
/// // IAM answers 201 with the token in a header; `Debug` of the result hides it.
/// let answer = http::Response::builder()
///     .status(201)
///     .header("x-subject-token", "MIIE-a-token")
///     .header("content-type", "application/json")
///     .body(bytes::Bytes::from_static(br#"{"token": {"expires_at": "2026-12-03T10:00:00.000000Z"}}"#))?;
/// let issued = op.parse(answer)?.value;
/// assert_eq!(issued.token.expose(), "MIIE-a-token");
/// assert!(issued.expires_at.is_some() && !format!("{issued:?}").contains("MIIE"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct IssueUserToken {
    credentials: PasswordCredentials,
}

impl IssueUserToken {
    /// A token request for `credentials`.
    pub fn new(credentials: PasswordCredentials) -> Self {
        Self { credentials }
    }
}

/// A token and when it expires. `Debug` hides the token.
#[derive(Clone)]
pub struct IssuedToken {
    /// The token, for `X-Auth-Token`.
    pub token: Secret,
    /// When it expires (`token.expires_at`), if the answer said.
    pub expires_at: Option<SystemTime>,
    /// The answer's body.
    pub info: TokenResponse,
}

impl fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedToken").field("token", &"***").field("expires_at", &self.expires_at).finish()
    }
}

// The IAM side of the token cache, here so that credentials do not depend on operations.
impl TokenProvider {
    /// The operation that obtains a new token.
    pub fn issue(&self) -> IssueUserToken {
        IssueUserToken::new(self.password_credentials().clone())
    }

    /// Stores a token obtained at `now`.
    pub fn store(&self, issued: &IssuedToken, now: SystemTime) {
        self.store_token(issued.token.clone(), issued.expires_at, now);
    }
}

impl Operation for IssueUserToken {
    type Output = IssuedToken;
    const NAME: &'static str = "KeystoneCreateUserTokenByPassword";

    fn request_spec(&self) -> Result<RequestSpec<'_>, BuildError> {
        let c = &self.credentials;
        let scope = match &c.scope {
            ProjectScope::Name(name) => json!({ "project": { "name": name } }),
            ProjectScope::Id(id) => json!({ "project": { "id": id } }),
        };
        let body = json!({ "auth": {
            "identity": { "methods": ["password"], "password": { "user": {
                "name": c.user_name, "password": c.password.expose(), "domain": { "name": c.domain_name }
            } } },
            "scope": scope,
        } });
        let bytes = serde_json::to_vec(&body).map_err(|e| BuildError::Body(e.to_string()))?;
        Ok(RequestSpec {
            method: Method::POST,
            service: Service::Iam,
            segments: vec!["v3".into(), "auth".into(), "tokens".into()],
            query: Vec::new(),
            body: Body::Json(Bytes::from(bytes)),
            auth: AuthMode::Anonymous,
        })
    }

    fn idempotency(&self) -> Idempotency {
        // A second token does not invalidate the first.
        Idempotency::Idempotent
    }

    fn parse(&self, response: http::Response<Bytes>) -> Result<Reply<IssuedToken>, Error<Infallible>> {
        let (parts, body) = response.into_parts();
        if !parts.status.is_success() {
            return Err(error_from_parts(parts.status, &parts.headers, body));
        }
        let decode = |reason: &str| {
            Error::Decode(Box::new(DecodeError::new(parts.status, reason, b"", &parts.headers)))
        };
        let token = header_text(&parts.headers, "x-subject-token")
            .ok_or_else(|| decode("no X-Subject-Token header"))?;
        let info: TokenResponse =
            decode_json(parts.status, &parts.headers, &body).map_err(|e| Error::Decode(Box::new(e)))?;
        let expires_at = info
            .token
            .as_ref()
            .and_then(|t| t.expires_at.as_deref())
            .and_then(crate::sdk_date::parse_rfc3339);
        Ok(Reply {
            value: IssuedToken { token: Secret::new(token), expires_at, info },
            status: parts.status,
            request_id: header_text(&parts.headers, "x-request-id"),
            outcome: crate::response::Outcome::Answered,
        })
    }
}

/// Lists the projects named `name` (a region id): `GET {iam}/v3/projects?name=<region>`,
/// with the configured credentials — how the official SDK discovers a project id.
///
/// ```
/// use std::time::SystemTime;
/// use frs_request::iam::{ListProjects, discovered_project_id};
/// use frs_request::{Config, Credentials, Operation};
/// use frs_types::Region;
///
/// let region = Region::CN_NORTH_4;
/// // The project id is what we are looking for: any placeholder will do for the request.
/// let config = Config::for_region(&region, "unknown".parse()?, Credentials::access_key("AK", "SK"));
/// let op = ListProjects::for_region(&region);
/// let request = config.prepare(&op, SystemTime::now())?;
/// assert_eq!(request.method(), http::Method::GET);
/// assert_eq!(request.uri().host(), Some("iam.cn-north-4.myhuaweicloud.com"));
/// assert_eq!(request.uri().path_and_query().map(|p| p.as_str()), Some("/v3/projects?name=cn-north-4"));
/// assert!(request.headers().contains_key("authorization"));
///
/// let answer = http::Response::builder()
///     .status(200)
///     .header("content-type", "application/json")
///     .body(bytes::Bytes::from_static(
///         br#"{"projects": [{"id": "0a1b2c3d4e5f60718293a4b5c6d7e8f9", "name": "cn-north-4"}]}"#,
///     ))?;
/// let projects = op.parse(answer)?.value;
/// assert_eq!(discovered_project_id(&region, &projects)?.as_str(), "0a1b2c3d4e5f60718293a4b5c6d7e8f9");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListProjects {
    name: String,
}

impl ListProjects {
    /// The projects of `region`.
    pub fn for_region(region: &Region) -> Self {
        Self { name: region.id().to_owned() }
    }
}

impl Operation for ListProjects {
    type Output = ProjectsResponse;
    const NAME: &'static str = "KeystoneListProjects";

    fn request_spec(&self) -> Result<RequestSpec<'_>, BuildError> {
        Ok(RequestSpec {
            method: Method::GET,
            service: Service::Iam,
            segments: vec!["v3".into(), "projects".into()],
            query: vec![("name".into(), self.name.as_str().into())],
            body: Body::Empty,
            auth: AuthMode::Credentials,
        })
    }

    fn idempotency(&self) -> Idempotency {
        Idempotency::Idempotent
    }

    json_answer!();
}

/// Why a project id could not be discovered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DiscoveryError {
    /// No project has the region's name: give the project id explicitly.
    #[error("no IAM project is named {0:?}; set the project id explicitly")]
    NoProject(String),
    /// Several projects matched (sub-projects): choose one explicitly.
    #[error("several IAM projects match {name:?} ({ids}); set the project id explicitly")]
    Ambiguous {
        /// The region name.
        name: String,
        /// The ids found, comma-separated.
        ids: String,
    },
    /// The project id in the answer is not a valid id.
    #[error("IAM answered an invalid project id: {0}")]
    InvalidId(frs_types::ValidationError),
}

/// Picks the project id from a [`ListProjects`] answer, as the official SDK does: exactly
/// one project must match.
///
/// # Errors
/// [`DiscoveryError`] for zero or several matches.
pub fn discovered_project_id(
    region: &Region,
    answer: &ProjectsResponse,
) -> Result<ProjectId, DiscoveryError> {
    let projects: Vec<&ProjectInfo> = answer.projects.iter().flatten().filter(|p| p.id.is_some()).collect();
    match projects.as_slice() {
        [] => Err(DiscoveryError::NoProject(region.id().to_owned())),
        [one] => ProjectId::new(one.id.clone().unwrap_or_default()).map_err(DiscoveryError::InvalidId),
        many => Err(DiscoveryError::Ambiguous {
            name: region.id().to_owned(),
            ids: many.iter().filter_map(|p| p.id.as_deref()).collect::<Vec<_>>().join(", "),
        }),
    }
}
