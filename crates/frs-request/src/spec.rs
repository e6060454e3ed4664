//! The shape of one request — method, service, path segments, query, body and how it is
//! authenticated — as an operation describes it, before a [`Config`](crate::Config) adds the
//! endpoint, project id, headers and signature.

use std::borrow::Cow;

use bytes::Bytes;
use http::Method;

use crate::body::Body;
use crate::error::BuildError;

/// The API version prefix of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiVersion {
    /// `/v1/...` (action and silent live detection).
    V1,
    /// `/v2/...` (everything else).
    V2,
}

impl ApiVersion {
    /// `v1` or `v2`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V1 => "v1",
            Self::V2 => "v2",
        }
    }
}

/// Which service a request goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Service {
    /// FRS: `{endpoint}/{version}/{project_id}/{segments…}`, with `X-Project-Id` when signed.
    Frs(ApiVersion),
    /// IAM: `{iam endpoint}/{segments…}` (tokens, projects).
    Iam,
    /// The ECS metadata service: `{metadata base}/{segments…}` (temporary credentials of
    /// the instance). The base is the one of the configuration's
    /// [`Credentials::Metadata`](crate::Credentials::Metadata), else
    /// [`Endpoint::ECS_METADATA`](crate::Endpoint::ECS_METADATA).
    Metadata,
}

/// How a request is authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthMode {
    /// With the configuration's credentials (token, or AK/SK signature).
    Credentials,
    /// Without credentials (obtaining a token with a password).
    Anonymous,
}

/// The shape of one request, before the configuration adds the endpoint, project id,
/// headers and signature.
///
/// It borrows what it can from the operation (a face set's name, a selector's value), so
/// that describing a request copies nothing the URI does not need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSpec<'a> {
    /// The HTTP method.
    pub method: Method,
    /// The service, and for FRS the API version.
    pub service: Service,
    /// Path segments (for FRS, after `/{version}/{project_id}`), unencoded; each is
    /// percent-encoded once, when the URI is built.
    pub segments: Vec<Cow<'a, str>>,
    /// Query pairs, unencoded; written in canonical (sorted) order.
    pub query: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// The body.
    pub body: Body,
    /// How the request is authenticated.
    pub auth: AuthMode,
}

impl<'a> RequestSpec<'a> {
    /// An authenticated FRS request with no query and no body (`Content-Type:
    /// application/json` is still sent).
    pub fn frs(method: Method, version: ApiVersion, segments: Vec<Cow<'a, str>>) -> Self {
        Self {
            method,
            service: Service::Frs(version),
            segments,
            query: Vec::new(),
            body: Body::Empty,
            auth: AuthMode::Credentials,
        }
    }

    /// Adds a query pair (unencoded).
    #[must_use]
    pub fn query(mut self, name: impl Into<Cow<'a, str>>, value: impl Into<Cow<'a, str>>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Sets the body.
    #[must_use]
    pub fn body(mut self, body: Body) -> Self {
        self.body = body;
        self
    }

    /// Serialises `value` as the JSON body.
    ///
    /// # Errors
    /// [`BuildError::Body`] when serialisation fails (a map with non-string keys).
    pub fn json<T: serde::Serialize + ?Sized>(self, value: &T) -> Result<Self, BuildError> {
        let bytes = serde_json::to_vec(value).map_err(|e| BuildError::Body(e.to_string()))?;
        Ok(self.body(Body::Json(Bytes::from(bytes))))
    }
}
