//! Where requests go and who sends them.

use std::borrow::Cow;
use std::fmt;
use std::time::SystemTime;

use bytes::Bytes;
use frs_types::{EnterpriseProjectId, ProjectId, Region};
use http::{HeaderMap, HeaderName, HeaderValue};

use crate::body::Body;
use crate::canonical::{push_canonical_query_string, push_encoded};
use crate::credentials::Credentials;
use crate::endpoint::Endpoint;
use crate::error::BuildError;
use crate::retry::RetryPolicy;
use crate::sign::{self, SignError};
use crate::spec::{AuthMode, RequestSpec, Service};

/// The default `User-Agent`, naming this SDK and its version.
pub const DEFAULT_USER_AGENT: &str = concat!("frs-rust-sdk/", env!("CARGO_PKG_VERSION"));

/// Everything needed to turn an operation into a request: endpoint, project, credentials,
/// optional enterprise project, user agent and retry policy.
///
/// A `Config` is cheap to clone and shared by every call; it does no I/O.
///
/// ```
/// use frs_request::{Config, Credentials};
/// use frs_types::Region;
///
/// let config = Config::for_region(
///     &Region::CN_NORTH_4,
///     "0a1b2c3d4e5f60718293a4b5c6d7e8f9".parse()?,
///     Credentials::access_key("MY-AK", "MY-SK"),
/// );
/// assert_eq!(config.endpoint().to_string(), "https://face.cn-north-4.myhuaweicloud.com");
/// assert!(!format!("{config:?}").contains("MY-SK"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Config {
    endpoint: Endpoint,
    iam_endpoint: Endpoint,
    project_id: ProjectId,
    credentials: Credentials,
    enterprise_project_id: Option<EnterpriseProjectId>,
    user_agent: HeaderValue,
    retry: RetryPolicy,
    /// `X-Project-Id` and the FRS endpoint's `Host`, made once (each request clones them).
    project_header: Option<HeaderValue>,
    host_header: Option<HeaderValue>,
}

impl Config {
    /// A configuration for an explicit endpoint (a private endpoint, the emulator, …).
    pub fn new(endpoint: Endpoint, project_id: ProjectId, credentials: Credentials) -> Self {
        let project_header = HeaderValue::try_from(project_id.as_str()).ok();
        let host_header = HeaderValue::try_from(endpoint.authority().as_str()).ok();
        Self {
            endpoint,
            iam_endpoint: Endpoint::GLOBAL_IAM,
            project_id,
            credentials,
            enterprise_project_id: None,
            user_agent: HeaderValue::from_static(DEFAULT_USER_AGENT),
            retry: RetryPolicy::default(),
            project_header,
            host_header,
        }
    }

    /// A configuration for a region's public endpoint.
    pub fn for_region(region: &Region, project_id: ProjectId, credentials: Credentials) -> Self {
        let mut config = Self::new(Endpoint::for_region(region), project_id, credentials);
        config.iam_endpoint = Endpoint::iam_for_region(region);
        config
    }

    /// Replaces the IAM endpoint used for tokens and project discovery (by default the
    /// region's, or the global `https://iam.myhuaweicloud.com`).
    #[must_use]
    pub fn with_iam_endpoint(mut self, endpoint: Endpoint) -> Self {
        self.iam_endpoint = endpoint;
        self
    }

    /// The IAM endpoint.
    pub fn iam_endpoint(&self) -> &Endpoint {
        &self.iam_endpoint
    }

    /// Bills calls to an enterprise project (`Enterprise-Project-Id` header).
    #[must_use]
    pub fn with_enterprise_project_id(mut self, id: EnterpriseProjectId) -> Self {
        self.enterprise_project_id = Some(id);
        self
    }

    /// Replaces the `User-Agent` (it is signed like every other header).
    ///
    /// # Errors
    /// [`BuildError::Header`] when the text cannot be a header value.
    pub fn with_user_agent(mut self, user_agent: &str) -> Result<Self, BuildError> {
        self.user_agent =
            HeaderValue::from_str(user_agent).map_err(|_| BuildError::Header { name: "User-Agent" })?;
        Ok(self)
    }

    /// Replaces the retry policy used by the execute loops.
    #[must_use]
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Replaces the credentials (e.g. with a refreshed token).
    #[must_use]
    pub fn with_credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The project id put in every path.
    pub fn project_id(&self) -> &ProjectId {
        &self.project_id
    }

    /// The credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The enterprise project, if set.
    pub fn enterprise_project_id(&self) -> Option<&EnterpriseProjectId> {
        self.enterprise_project_id.as_ref()
    }

    /// The retry policy.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Builds a request for an arbitrary method and path under this configuration; used by
    /// operations ([`Config::prepare`]) and tools that need a request shape of their own.
    ///
    /// Three steps: the URI, the headers every request carries, then authentication (a
    /// token header, or the signature, which must come last as it covers the others).
    ///
    /// # Errors
    /// [`BuildError`] when the request cannot be built or signed.
    pub fn prepare_spec(
        &self,
        spec: RequestSpec<'_>,
        now: SystemTime,
    ) -> Result<http::Request<Bytes>, BuildError> {
        let is_frs = matches!(spec.service, Service::Frs(_));
        let uri = self.uri(spec.service, &spec.segments, &spec.query)?;
        let headers = self.headers(&spec.body, is_frs)?;
        // Assembled from its parts: each is valid already, and the builder's checks and
        // empty header map would be made for nothing.
        let mut req = http::Request::new(spec.body.into_bytes());
        *req.method_mut() = spec.method;
        *req.uri_mut() = uri;
        *req.headers_mut() = headers;
        if spec.auth == AuthMode::Credentials {
            self.authenticate(&mut req, is_frs, now)?;
        }
        Ok(req)
    }

    /// The URI: the service's endpoint, a path of percent-encoded segments (for FRS after
    /// `/{version}/{project_id}`) and the query in canonical order.
    fn uri(
        &self,
        service: Service,
        segments: &[Cow<'_, str>],
        query: &[(Cow<'_, str>, Cow<'_, str>)],
    ) -> Result<http::Uri, BuildError> {
        // The exact length when nothing needs encoding (the usual case), so that the target
        // becomes `Bytes` as it is: a string with room to spare costs one more allocation.
        let plain_len = segments.iter().map(|s| s.len() + 1).sum::<usize>()
            + query.iter().map(|(k, v)| k.len() + v.len() + 2).sum::<usize>();
        let (endpoint, mut path) = match service {
            Service::Frs(version) => {
                let mut path = String::with_capacity(
                    version.as_str().len() + self.project_id.as_str().len() + 2 + plain_len,
                );
                for piece in ["/", version.as_str(), "/"] {
                    path.push_str(piece);
                }
                push_encoded(&mut path, self.project_id.as_str());
                (&self.endpoint, path)
            }
            Service::Iam => (&self.iam_endpoint, String::with_capacity(plain_len)),
            Service::Metadata => match &self.credentials {
                Credentials::Metadata(provider) => (provider.base(), String::with_capacity(plain_len)),
                _ => (&Endpoint::ECS_METADATA, String::with_capacity(plain_len)),
            },
        };
        for segment in segments {
            path.push('/');
            push_encoded(&mut path, segment);
        }
        if !query.is_empty() {
            path.push('?');
            push_canonical_query_string(&mut path, query);
        }
        // From its parts rather than through the builder: the scheme and authority are
        // valid already, and only the target needs checking.
        let mut parts = http::uri::Parts::default();
        parts.scheme = Some(endpoint.scheme().clone());
        parts.authority = Some(endpoint.authority().clone());
        parts.path_and_query = Some(http::uri::PathAndQuery::try_from(path).map_err(|_| invalid_uri())?);
        http::Uri::from_parts(parts).map_err(|_| invalid_uri())
    }

    /// The headers of every request, before authentication: `Content-Type` (from the
    /// body), `User-Agent` and, for FRS, `Enterprise-Project-Id`.
    fn headers(&self, body: &Body, is_frs: bool) -> Result<HeaderMap, BuildError> {
        let content_type = match body {
            // The official FRS client sends a JSON Content-Type even without a body.
            Body::Empty | Body::Json(_) if is_frs => Some(HeaderValue::from_static("application/json")),
            Body::Empty => None,
            // IAM's documented Content-Type.
            Body::Json(_) => Some(HeaderValue::from_static("application/json;charset=utf8")),
            Body::Multipart { boundary, .. } => Some(
                HeaderValue::try_from(format!("multipart/form-data; boundary={boundary}"))
                    .map_err(|_| BuildError::Header { name: "Content-Type" })?,
            ),
        };
        // Room for what authentication adds, so that the map never grows.
        let mut headers = HeaderMap::with_capacity(10);
        if let Some(content_type) = content_type {
            headers.insert(http::header::CONTENT_TYPE, content_type);
        }
        headers.insert(http::header::USER_AGENT, self.user_agent.clone());
        if let (true, Some(id)) = (is_frs, &self.enterprise_project_id) {
            headers.insert(
                HeaderName::from_static("enterprise-project-id"),
                HeaderValue::try_from(id.as_str())
                    .map_err(|_| BuildError::Header { name: "Enterprise-Project-Id" })?,
            );
        }
        Ok(headers)
    }

    /// Authenticates `req` with the credentials: `X-Auth-Token` (a password's token comes
    /// from the provider's cache), or `X-Project-Id`, `X-Security-Token` and the signature
    /// (ECS metadata keys come from the provider's cache).
    fn authenticate(
        &self,
        req: &mut http::Request<Bytes>,
        is_frs: bool,
        now: SystemTime,
    ) -> Result<(), BuildError> {
        let provided;
        let credentials = match &self.credentials {
            Credentials::Password(provider) => {
                provided = Credentials::Token(provider.current(now).ok_or(BuildError::NoToken)?);
                &provided
            }
            Credentials::Metadata(provider) => {
                provided = provider.current(now).ok_or(BuildError::NoTemporaryCredentials)?;
                &provided
            }
            other => other,
        };
        let headers = req.headers_mut();
        match credentials {
            Credentials::Password(_) => return Err(BuildError::NoToken),
            Credentials::Metadata(_) => return Err(BuildError::NoTemporaryCredentials),
            Credentials::Token(token) => {
                let mut value = HeaderValue::try_from(token.expose())
                    .map_err(|_| BuildError::Header { name: "X-Auth-Token" })?;
                value.set_sensitive(true);
                headers.insert(HeaderName::from_static("x-auth-token"), value);
            }
            Credentials::AccessKey { access_key, secret_key, security_token } => {
                if is_frs {
                    // The official SDK's BasicCredentials send (and sign) the project id too.
                    let project =
                        self.project_header.clone().ok_or(BuildError::Header { name: "X-Project-Id" })?;
                    headers.insert(HeaderName::from_static("x-project-id"), project);
                    // The endpoint's own authority, as the signer would add it.
                    if let Some(host) = &self.host_header {
                        headers.insert(http::header::HOST, host.clone());
                    }
                }
                if let Some(token) = security_token {
                    let mut value = HeaderValue::try_from(token.expose())
                        .map_err(|_| BuildError::Header { name: "X-Security-Token" })?;
                    value.set_sensitive(true);
                    headers.insert(HeaderName::from_static("x-security-token"), value);
                }
                if access_key.is_empty() || access_key.chars().any(|c| !c.is_ascii_graphic() || c == ',') {
                    return Err(BuildError::Header { name: "Authorization" });
                }
                sign::sign_in_place(req, access_key, secret_key, now)?;
            }
        }
        Ok(())
    }
}

fn invalid_uri() -> BuildError {
    BuildError::Sign(SignError::InvalidUri)
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("endpoint", &self.endpoint)
            .field("iam_endpoint", &self.iam_endpoint)
            .field("project_id", &self.project_id)
            .field("credentials", &self.credentials)
            .field("enterprise_project_id", &self.enterprise_project_id)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .finish()
    }
}
