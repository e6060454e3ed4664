//! What every operation is: a request shape, a way to read the answer, and whether it is
//! safe to resend.
//!
//! The vocabulary an operation is written in lives below this layer — the request shape in
//! `spec`, the body in `body`, [`Idempotency`] beside the retry policy that reads it,
//! [`Reply`] with the answer parsing in [`response`](crate::response) — and is re-exported
//! here so that each operation module needs one import.

use std::convert::Infallible;
use std::time::SystemTime;

use bytes::Bytes;
use frs_types::ErrorCode;
use frs_types::models::search::SearchFace;

use crate::config::Config;
use crate::error::{BuildError, Error};
use crate::search::SearchFaces;

pub(crate) use crate::body::Body;
pub(crate) use crate::response::{Reply, decode_json};
pub(crate) use crate::retry::Idempotency;
pub(crate) use crate::spec::{ApiVersion, AuthMode, RequestSpec, Service};

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
    fn request_spec(&self) -> Result<RequestSpec<'_>, BuildError>;

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

    /// For an operation that removes things: the value to report when a retry, sent after
    /// an attempt whose answer was lost, answers `code` — if `code` means "nothing
    /// matched", the lost attempt removed them. The value must not invent what is unknown
    /// (no count). `None`, the default, keeps the error.
    fn gone_after_lost_answer(&self, code: &ErrorCode) -> Option<Self::Output> {
        let _ = code;
        None
    }

    /// For an operation that is not idempotent but whose effect can be looked for: the
    /// search that tells whether an attempt whose answer was lost landed (used only when
    /// [`RetryPolicy::resend_adds_after_check`](crate::RetryPolicy::resend_adds_after_check)
    /// is on). `None`, the default, means it cannot be checked and is never resent.
    fn landed_check(&self) -> Option<SearchFaces> {
        None
    }

    /// The value to report when [`Operation::landed_check`] found `hits` (never empty): the
    /// lost attempt landed, and these are its faces. `None`, the default, leaves the
    /// outcome unknown.
    fn landed(&self, hits: Vec<SearchFace>) -> Option<Self::Output> {
        let _ = hits;
        None
    }
}

// Here rather than in `config.rs`: it is the one method of `Config` that knows operations,
// and keeping it beside the trait keeps the configuration below the operation layer.
impl Config {
    /// Builds the signed (or token-authenticated) request for `op` at time `now`.
    ///
    /// The path is made of percent-encoded segments, the query is written in canonical
    /// order, and with AK/SK the signature covers exactly the bytes that are sent. Call it
    /// again for every attempt: each gets a fresh `X-Sdk-Date`.
    ///
    /// # Errors
    /// [`BuildError`] when the operation's input is invalid or the request cannot be signed.
    pub fn prepare<O: Operation + ?Sized>(
        &self,
        op: &O,
        now: SystemTime,
    ) -> Result<http::Request<Bytes>, BuildError> {
        self.prepare_spec(op.request_spec()?, now)
    }
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
