//! What every operation is: a request shape, a way to read the answer, and whether it is
//! safe to resend.

use std::borrow::Cow;
use std::convert::Infallible;
use std::ops::Deref;
use std::time::SystemTime;

use bytes::Bytes;
use http::{Method, StatusCode};
use serde::de::DeserializeOwned;

use crate::config::Config;
use crate::error::{BuildError, DecodeError, Error};

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

/// A request body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Body {
    /// No body; for FRS, `Content-Type: application/json` is still sent, as the official
    /// SDK does (IAM calls without a body send no `Content-Type`).
    Empty,
    /// A JSON body, already serialised.
    Json(Bytes),
    /// A `multipart/form-data` body with its boundary.
    Multipart {
        /// The boundary (without the leading dashes).
        boundary: String,
        /// The encoded parts.
        bytes: Bytes,
    },
}

/// Which service a request goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// FRS: `{endpoint}/{version}/{project_id}/{segments…}`, with `X-Project-Id` when signed.
    Frs(ApiVersion),
    /// IAM: `{iam endpoint}/{segments…}` (tokens, projects).
    Iam,
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSpec {
    /// The HTTP method.
    pub method: Method,
    /// The service, and for FRS the API version.
    pub service: Service,
    /// Path segments (for FRS, after `/{version}/{project_id}`), unencoded; each is
    /// percent-encoded once, when the URI is built.
    pub segments: Vec<Cow<'static, str>>,
    /// Query pairs, unencoded; written in canonical (sorted) order.
    pub query: Vec<(String, String)>,
    /// The body.
    pub body: Body,
    /// How the request is authenticated.
    pub auth: AuthMode,
}

impl RequestSpec {
    /// An authenticated FRS request with no query and no body (`Content-Type:
    /// application/json` is still sent).
    pub fn frs(method: Method, version: ApiVersion, segments: Vec<Cow<'static, str>>) -> Self {
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
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
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

/// Whether an operation may be sent again after an attempt whose outcome is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Idempotency {
    /// Sending it twice leaves the service as sending it once (GET, PUT, DELETE).
    ///
    /// The *answer* may differ: a delete retried after a lost answer can report that
    /// nothing matched, because the first attempt already deleted the faces.
    Idempotent,
    /// Sending it twice may act twice (adding faces, creating a face set); it is resent
    /// only when the service certainly did not act (connection refused, throttled).
    NotIdempotent,
}

/// A successful answer, with the request id the service gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply<T> {
    /// The decoded body.
    pub value: T,
    /// The HTTP status (always a 2xx).
    pub status: StatusCode,
    /// The `X-Request-Id` header, if the service sent one.
    pub request_id: Option<String>,
}

impl<T> Reply<T> {
    /// The decoded body, without the metadata.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> Deref for Reply<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// One FRS operation: builds its request, reads its answer.
///
/// Implementors provide [`Operation::request_spec`]; building, signing and parsing are
/// shared. An operation is a plain value: building it validated its input, and
/// [`Operation::to_request`] can be called once per attempt.
pub trait Operation {
    /// The decoded answer.
    type Output;

    /// The operation's name, as in the service's API reference (`DeleteFaces`).
    const NAME: &'static str;

    /// The request's shape.
    ///
    /// # Errors
    /// [`BuildError`] when the body cannot be encoded.
    fn request_spec(&self) -> Result<RequestSpec, BuildError>;

    /// Whether the operation may be resent after an unknown outcome.
    fn idempotency(&self) -> Idempotency;

    /// Builds the request for `config` at time `now`.
    ///
    /// # Errors
    /// [`BuildError`] when the request cannot be built or signed.
    fn to_request(&self, config: &Config, now: SystemTime) -> Result<http::Request<Bytes>, BuildError> {
        config.prepare(self, now)
    }

    /// Reads the answer: a typed success, or a typed error. Most operations answer with
    /// JSON and implement this with [`response::parse_json`](crate::response::parse_json).
    ///
    /// # Errors
    /// [`Error::Service`] for an error answer, [`Error::Decode`] for a body that is not
    /// what the service sends.
    fn parse(&self, response: http::Response<Bytes>) -> Result<Reply<Self::Output>, Error<Infallible>>;
}

/// Implements [`Operation::parse`] for an operation whose answer is a JSON body of type
/// `Self::Output` (every FRS operation but the token request).
macro_rules! json_answer {
    () => {
        fn parse(
            &self,
            response: http::Response<bytes::Bytes>,
        ) -> Result<crate::Reply<Self::Output>, crate::Error<std::convert::Infallible>> {
            crate::response::parse_json(response)
        }
    };
}
pub(crate) use json_answer;

/// Reads a 2xx JSON body into `T`, for operations with a custom [`Operation::parse`].
///
/// # Errors
/// A [`DecodeError`] naming the status and showing the start of the body.
pub fn decode_json<T: DeserializeOwned>(
    status: StatusCode,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Result<T, DecodeError> {
    serde_json::from_slice(body)
        .map_err(|e| DecodeError::new(status, format!("invalid JSON: {e}"), body, headers))
}
