//! The body of a request, as an operation describes it and the multipart encoder produces
//! it; below both, so the codec does not depend on the operation layer.

use bytes::Bytes;

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

impl Body {
    /// The bytes to send (empty for [`Body::Empty`]).
    pub(crate) fn into_bytes(self) -> Bytes {
        match self {
            Self::Empty => Bytes::new(),
            Self::Json(bytes) | Self::Multipart { bytes, .. } => bytes,
        }
    }
}
