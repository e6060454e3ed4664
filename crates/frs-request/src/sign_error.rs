//! [`SignError`], in a module of its own so that the `X-Sdk-Date` format and the canonical
//! forms, which the signer builds on, can report it without depending on the signer.

/// Why a request could not be signed or verified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The path is empty or does not start with `/`.
    #[error("the path must start with '/'")]
    PathNotAbsolute,
    /// Two headers differ only in case; the official signer would sign both and no HTTP
    /// stack sends both, so the signature could never verify.
    #[error("header {name:?} is given more than once (names are case-insensitive)")]
    DuplicateHeader {
        /// The lower-cased name.
        name: String,
    },
    /// The `X-Sdk-Date` header is not `YYYYMMDDTHHMMSSZ`.
    #[error("X-Sdk-Date {value:?} is not of the form YYYYMMDDTHHMMSSZ")]
    InvalidDate {
        /// The rejected value (at most 32 characters).
        value: String,
    },
    /// The time given is before 1970 or after 9999.
    #[error("the time is outside 1970..=9999 and cannot be an X-Sdk-Date")]
    ClockBeforeEpoch,
    /// A header value is not UTF-8 text.
    #[error("the value of header {name:?} is not UTF-8")]
    HeaderNotUtf8 {
        /// The header name.
        name: String,
    },
    /// A header name or value cannot be sent over HTTP.
    #[error("header {name:?} cannot be sent: invalid name or value")]
    InvalidHeader {
        /// The header name.
        name: String,
    },
    /// The request target built by the signer is not a valid URI.
    #[error("the signed request target is not a valid URI")]
    InvalidUri,
}
