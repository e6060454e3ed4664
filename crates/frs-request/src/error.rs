//! One error type for every operation, generic over the transport's own error.

use std::convert::Infallible;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use frs_types::{ErrorCode, ValidationError};
use http::StatusCode;

use crate::sign::SignError;

/// Why an operation failed.
///
/// - [`Error::Build`]: the input is invalid; nothing was sent.
/// - [`Error::Transport`]: the request may not have reached the service, or its answer was
///   lost (connect failure, timeout, body over the cap); `T` is the transport's own error.
/// - [`Error::Service`]: the service (or its API gateway) answered with an error code.
/// - [`Error::Decode`]: an answer arrived but is not what the service sends — an HTML page
///   from a proxy, a truncated body — with a snippet of what came.
/// - [`Error::Call`]: the call itself stopped after requests were sent, for a reason that is
///   neither bad input nor an error answer (a listing at the service's depth bound, say).
///
/// `Display` carries the code, message and request id; no secret is ever part of it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<T = Infallible> {
    /// Bad input, rejected before any I/O.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// The transport failed.
    #[error("transport error: {0}")]
    Transport(#[source] T),
    /// The service answered with an error.
    #[error(transparent)]
    Service(Box<ServiceError>),
    /// The answer could not be decoded.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// The call stopped on its own terms after sending (see [`CallError`]).
    #[error(transparent)]
    Call(CallError),
}

impl<T> Error<T> {
    /// The service's error, when the service answered with one.
    pub fn service(&self) -> Option<&ServiceError> {
        match self {
            Self::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The service's error code, when the service answered with one.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.service().map(|e| &e.code)
    }

    /// The HTTP status of the answer, when one arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Service(e) => Some(e.status),
            Self::Decode(e) => Some(e.status),
            _ => None,
        }
    }

    /// The request id the service gave the failed call, for a support ticket.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Service(e) => e.request_id.as_deref(),
            Self::Decode(e) => e.request_id.as_deref(),
            _ => None,
        }
    }

    /// Whether the same request might succeed if sent again later: throttling, a transient
    /// server or gateway failure, or a transport failure. Input errors never are.
    ///
    /// Whether it is *safe* to resend also depends on the operation's idempotency; the
    /// [`RetryPolicy`](crate::RetryPolicy) weighs both.
    pub fn is_retryable(&self) -> bool
    where
        T: TransportError,
    {
        match self {
            Self::Build(_) | Self::Call(_) => false,
            Self::Transport(e) => !matches!(e.kind(), TransportErrorKind::BodyTooLarge),
            Self::Service(e) => e.code.is_retryable() || is_transient_status(e.status),
            Self::Decode(e) => is_transient_status(e.status),
        }
    }

    /// Whether the service may have acted on the request although no answer said so: a
    /// timeout, a dropped connection, a truncated or foreign answer, a 5xx — or an add
    /// whose check could not tell ([`CallError::AddOutcomeUnknown`]). A refused connection
    /// and the service's own error answers mean it did not. For an add this is the
    /// "may be enrolled: look before adding again" case.
    pub fn may_have_acted(&self) -> bool
    where
        T: TransportError,
    {
        match self {
            Self::Transport(e) => e.kind() != TransportErrorKind::Connect,
            Self::Decode(_) => true,
            Self::Service(e) => e.status.is_server_error(),
            Self::Call(e) => matches!(e, CallError::AddOutcomeUnknown { .. }),
            Self::Build(_) => false,
        }
    }

    /// Replaces the transport error type; used to lift errors that cannot come from a
    /// transport (building, parsing) into a transport's error type.
    pub fn map_transport<U>(self, f: impl FnOnce(T) -> U) -> Error<U> {
        match self {
            Self::Build(e) => Error::Build(e),
            Self::Transport(e) => Error::Transport(f(e)),
            Self::Service(e) => Error::Service(e),
            Self::Decode(e) => Error::Decode(e),
            Self::Call(e) => Error::Call(e),
        }
    }
}

impl Error<Infallible> {
    /// Lifts an error that involved no transport into any transport's error type.
    pub fn into_transport<U>(self) -> Error<U> {
        self.map_transport(|never| match never {})
    }
}

impl<T> From<ValidationError> for Error<T> {
    fn from(e: ValidationError) -> Self {
        Self::Build(BuildError::Invalid(e))
    }
}

/// 429 and the 5xx statuses that mean "try again" (502, 503, 504) — or a plain 500.
pub(crate) fn is_transient_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

/// Invalid input, found while building a request: nothing was sent.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A value broke one of the service's rules; the error names the field and the rule.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// The request could not be signed.
    #[error("cannot sign the request: {0}")]
    Sign(#[from] SignError),
    /// The endpoint is not `http(s)://host[:port]`.
    #[error("invalid endpoint {endpoint:?}: {reason}")]
    Endpoint {
        /// The rejected endpoint.
        endpoint: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A header value cannot be sent (e.g. a token with a line break). The value is not
    /// repeated here, since it may be a secret.
    #[error("the value of header {name} cannot be sent over HTTP (control or non-ASCII characters)")]
    Header {
        /// The header's name.
        name: &'static str,
    },
    /// Password credentials are configured but no valid token is cached: when building a
    /// request by hand, run [`IssueUserToken`](crate::iam::IssueUserToken) first (the
    /// clients do).
    #[error("no valid user token (run IssueUserToken first)")]
    NoToken,
    /// ECS metadata credentials are configured but no valid temporary keys are cached: when
    /// building a request by hand, run the [`metadata`](crate::metadata) operations first
    /// (the clients do).
    #[error("no valid temporary credentials from ECS metadata (run GetSecurityKey first)")]
    NoTemporaryCredentials,
    /// The body could not be serialised.
    #[error("cannot serialise the request body: {0}")]
    Body(String),
}

/// Why a call stopped after it had sent requests, when the cause is neither bad input nor
/// an error answer: the decision of the client's own state machines.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// IAM answered with a user token that had already expired (a clock far behind IAM's, say);
    /// asking again would loop, so the call stops after one token request.
    #[error("IAM issued a user token that is already expired; check the local clock")]
    ExpiredToken,
    /// The ECS metadata service gave no temporary credentials: not an ECS instance (nothing
    /// answers at the metadata address), no agency attached to the instance, or an answer
    /// that is not the service's. The call stopped before its own request was sent.
    #[error("no temporary credentials from ECS metadata ({url}): {reason}")]
    Metadata {
        /// The metadata URL that failed (`http://169.254.169.254/openstack/latest/securitykey`).
        url: String,
        /// The HTTP status of the answer, when one arrived.
        status: Option<u16>,
        /// What went wrong: the transport's error or the answer's, never a secret.
        reason: String,
    },
    /// The ECS metadata service answered with temporary credentials that are already
    /// (nearly) expired (a local clock far ahead, say); asking again would loop.
    #[error(
        "ECS metadata answered with temporary credentials that are already expired; check the local clock"
    )]
    ExpiredTemporaryCredentials,
    /// A listing reached the service's 10 000-face bound (`offset + limit ≤ 10000`) with a
    /// full page: the next page cannot be requested, and the set may hold more faces.
    #[error(
        "the listing reached the service's bound of {max} faces; keep your own list of face ids for larger sets"
    )]
    ListingDepth {
        /// The bound.
        max: u32,
    },
    /// An add's answer was lost (a timeout, a dropped connection, a 5xx) and the check that
    /// would allow a resend could not tell whether it landed: the face set may or may not
    /// hold its faces. Nothing was resent; look for the `external_image_id` before adding
    /// again.
    #[error("the add's answer was lost and the check could not tell whether it landed: {reason}")]
    AddOutcomeUnknown {
        /// Why the check could not tell (the check's own error), never a secret.
        reason: String,
    },
}

/// An error answer of the service or of the API gateway in front of it.
#[derive(Clone, PartialEq, Eq)]
pub struct ServiceError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The error code, typed (`ErrorCode::Unknown` keeps an unknown code verbatim).
    pub code: ErrorCode,
    /// The code exactly as sent (e.g. the older gateway prefix `APIG.0301`).
    pub raw_code: String,
    /// The service's message (`error_msg`).
    pub message: String,
    /// The request id: the `X-Request-Id` header, else the gateway's `request_id` field.
    pub request_id: Option<String>,
    /// How long the service asked us to wait (`Retry-After` in seconds), if it did.
    pub retry_after: Option<Duration>,
    /// The whole body, as received.
    pub body: Bytes,
}

impl fmt::Debug for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceError")
            .field("status", &self.status)
            .field("code", &self.code)
            .field("message", &self.message)
            .field("request_id", &self.request_id)
            .field("retry_after", &self.retry_after)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (HTTP {}): {}", self.raw_code, self.status.as_u16(), self.message.trim())?;
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

/// An answer that is not what the service sends.
#[derive(Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What was wrong with the body.
    pub reason: String,
    /// The start of the body as text (at most [`DecodeError::SNIPPET_LEN`] bytes).
    pub snippet: String,
    /// The `X-Request-Id` header, if any.
    pub request_id: Option<String>,
    /// The content type of the answer, if any.
    pub content_type: Option<String>,
}

impl DecodeError {
    /// How much of a body goes into [`DecodeError::snippet`].
    pub const SNIPPET_LEN: usize = 256;

    pub(crate) fn new(
        status: StatusCode,
        reason: impl Into<String>,
        body: &[u8],
        headers: &http::HeaderMap,
    ) -> Self {
        Self {
            status,
            reason: reason.into(),
            snippet: snippet(body),
            request_id: header_text(headers, "x-request-id"),
            content_type: header_text(headers, "content-type"),
        }
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("status", &self.status)
            .field("reason", &self.reason)
            .field("snippet", &self.snippet)
            .field("request_id", &self.request_id)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unexpected HTTP {} answer: {}", self.status.as_u16(), self.reason)?;
        if let Some(ct) = &self.content_type {
            write!(f, " (content-type {ct})")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        write!(f, "; body starts: {:?}", self.snippet)
    }
}

impl std::error::Error for DecodeError {}

pub(crate) fn header_text(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// The first [`DecodeError::SNIPPET_LEN`] bytes of `body` as text, cut at a character
/// boundary, with `…` when cut.
fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(DecodeError::SNIPPET_LEN + 4)]);
    let mut end = text.len().min(DecodeError::SNIPPET_LEN);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut s = text[..end].to_owned();
    if body.len() > end {
        s.push('…');
    }
    s
}

/// The broad kinds of transport failure, which decide whether a retry is safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made: the request was not sent, so resending is always safe.
    Connect,
    /// A timeout; the service may or may not have acted on the request.
    Timeout,
    /// The answer's body was larger than the client's cap; it was not read.
    BodyTooLarge,
    /// Anything else (connection reset, protocol error).
    Other,
}

/// What the core needs to know about a transport's error.
pub trait TransportError: std::error::Error + Send + Sync + 'static {
    /// The kind of failure.
    fn kind(&self) -> TransportErrorKind;
}

impl TransportError for Infallible {
    fn kind(&self) -> TransportErrorKind {
        match *self {}
    }
}
