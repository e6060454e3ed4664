//! Why a command failed, and the exit code a script can branch on.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | the tool itself failed (cannot write its output) |
//! | 2 | usage error or bad input, found before anything was sent |
//! | 3 | credentials missing, or refused by the service |
//! | 4 | not found: face set, face, external image id, field value |
//! | 5 | any other error answer of the service |
//! | 6 | transport failure or timeout |
//! | 130 | a bulk job stopped by Ctrl-C (after finishing what was under way and printing its summary) |

use std::fmt::Display;

use frs_request::{CallError, Error};
use frs_types::ErrorCode;

/// The tool itself failed.
pub(crate) const FAILED: u8 = 1;
/// Usage error or bad input; nothing was sent.
pub(crate) const USAGE: u8 = 2;
/// Credentials missing or refused.
pub(crate) const CREDENTIALS: u8 = 3;
/// The face set, face, image id or field value does not exist.
pub(crate) const NOT_FOUND: u8 = 4;
/// Another error answer of the service.
pub(crate) const SERVICE: u8 = 5;
/// No answer: the transport failed or timed out.
pub(crate) const TRANSPORT: u8 = 6;
/// A bulk job stopped by Ctrl-C (128 + SIGINT, as a shell reports it).
pub(crate) const INTERRUPTED: u8 = 130;

/// Why a command failed. `Display` is the text after `error: ` on stderr; it never holds a
/// secret (the SDK's errors never do, and the messages built here name places, not values).
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// Bad input or usage, found before anything was sent.
    #[error("{0}")]
    Usage(String),
    /// No usable credentials or project id; the text lists every place looked at.
    #[error("{0}")]
    Credentials(String),
    /// A call failed: the SDK's error, whose `Display` carries code, message and request id.
    #[error(transparent)]
    Call(#[from] frs_ureq::Error),
    /// Standard output or standard error could not be written.
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
    /// Anything else that stops the tool.
    #[error("{0}")]
    Failed(String),
    /// A bulk job stopped by Ctrl-C; the text says what is left to do.
    #[error("{0}")]
    Interrupted(String),
}

impl CliError {
    /// A usage error from anything that says what is wrong.
    pub(crate) fn usage(reason: impl Display) -> Self {
        Self::Usage(reason.to_string())
    }

    /// The exit code (see the module documentation).
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            Self::Usage(_) => USAGE,
            Self::Credentials(_) => CREDENTIALS,
            Self::Call(e) => call_exit_code(e),
            Self::Output(_) | Self::Failed(_) => FAILED,
            Self::Interrupted(_) => INTERRUPTED,
        }
    }
}

impl From<frs_types::ValidationError> for CliError {
    fn from(e: frs_types::ValidationError) -> Self {
        Self::usage(e)
    }
}

impl From<frs_types::MediaError> for CliError {
    fn from(e: frs_types::MediaError) -> Self {
        Self::usage(e)
    }
}

impl From<frs_request::media_file::ReadMediaError> for CliError {
    fn from(e: frs_request::media_file::ReadMediaError) -> Self {
        Self::usage(e)
    }
}

impl From<frs_types::FilterParseError> for CliError {
    fn from(e: frs_types::FilterParseError) -> Self {
        Self::usage(format!("invalid filter: {e}"))
    }
}

impl From<frs_request::BuildError> for CliError {
    fn from(e: frs_request::BuildError) -> Self {
        Self::usage(e)
    }
}

/// The exit code of a failed call.
fn call_exit_code<T>(error: &Error<T>) -> u8 {
    match error {
        Error::Build(_) => USAGE,
        Error::Transport(_) => TRANSPORT,
        Error::Service(e) => service_exit_code(&e.code, e.status.as_u16()),
        Error::Call(CallError::ExpiredToken) => CREDENTIALS,
        _ => SERVICE,
    }
}

/// The exit code of an error answer: not found, credentials refused, or another error.
pub(crate) fn service_exit_code(code: &ErrorCode, status: u16) -> u8 {
    use ErrorCode as C;
    let refused_status = |s: u16| matches!(s, 401 | 403);
    match code {
        C::FaceSetNotFound
        | C::FaceIdNotExist
        | C::FieldValueNotFound
        | C::FieldNotFound
        | C::FaceIdNotFound
        | C::NoDataMatched => NOT_FOUND,
        C::TokenInvalid | C::ProjectIdMismatch => CREDENTIALS,
        // The gateway's authentication and authorisation refusals (APIGW.0301, 0302, 0305, …).
        c if c.is_gateway() && (refused_status(status) || c.http_status().is_some_and(refused_status)) => {
            CREDENTIALS
        }
        // FRS's own 403s (a full face set) are not about credentials; an unknown code is
        // judged by its status.
        C::Unknown(_) if refused_status(status) => CREDENTIALS,
        _ if status == 401 => CREDENTIALS,
        _ => SERVICE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_answers_map_to_the_documented_codes() {
        let code = |c: &str, status| service_exit_code(&ErrorCode::parse(c), status);
        assert_eq!(code("FRS.0402", 400), NOT_FOUND);
        assert_eq!(code("FRS.0302", 400), NOT_FOUND);
        assert_eq!(code("FRS.0403", 400), NOT_FOUND);
        assert_eq!(code("FRS.0401", 400), NOT_FOUND);
        assert_eq!(code("FRS.0407", 400), NOT_FOUND);
        assert_eq!(code("APIGW.0301", 401), CREDENTIALS);
        assert_eq!(code("APIG.0302", 403), CREDENTIALS);
        assert_eq!(code("FRS.0002", 403), CREDENTIALS);
        assert_eq!(code("FRS.0028", 403), CREDENTIALS);
        assert_eq!(code("FRS.9999", 401), CREDENTIALS);
        assert_eq!(code("FRS.0306", 403), SERVICE, "a full face set is not a credentials problem");
        assert_eq!(code("FRS.0301", 400), SERVICE);
        assert_eq!(code("APIGW.0308", 429), SERVICE);
        assert_eq!(code("FRS.0018", 500), SERVICE);
    }

    #[test]
    fn other_failures() {
        assert_eq!(CliError::usage("x").exit_code(), USAGE);
        assert_eq!(CliError::Credentials("x".into()).exit_code(), CREDENTIALS);
        assert_eq!(CliError::Failed("x".into()).exit_code(), FAILED);
        let build: frs_ureq::Error = frs_request::BuildError::NoToken.into();
        assert_eq!(CliError::from(build).exit_code(), USAGE);
        assert_eq!(call_exit_code(&frs_ureq::Error::Call(CallError::ExpiredToken)), CREDENTIALS);
        assert_eq!(call_exit_code(&frs_ureq::Error::Call(CallError::ListingDepth { max: 10_000 })), SERVICE);
    }
}
