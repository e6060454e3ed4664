//! Blocking transport for the Huawei Cloud Face Recognition Service (FRS) SDK, over
//! [`ureq`].
//!
//! The requests, signatures, answers and retry decisions all come from the sans-IO core
//! [`frs_request`]; this crate only sends bytes and sleeps between attempts. It creates no
//! async runtime.
//!
//! The agent is always used with safe settings: answers with an error status are returned
//! (never turned into a ureq error that loses the service's error body), redirects are not
//! followed (a signed request is never replayed elsewhere), every attempt has connect and
//! total timeouts, and answer bodies are capped ([`TransportLimits`]). TLS is rustls with
//! the bundled web PKI roots unless a feature says otherwise; no OpenSSL by default.
//!
//! ```no_run
//! use frs_request::{faces::DeleteFaces, Config, Credentials};
//! use frs_types::Region;
//!
//! let config = Config::for_region(
//!     &Region::CN_NORTH_4,
//!     std::env::var("HUAWEICLOUD_SDK_PROJECT_ID")?.parse()?,
//!     Credentials::access_key(std::env::var("HUAWEICLOUD_SDK_AK")?, std::env::var("HUAWEICLOUD_SDK_SK")?),
//! );
//! let client = frs_ureq::Client::new(config);
//! let op = DeleteFaces::by_external_image_id("showFaceSet".parse()?, "imageID".parse()?);
//! match client.execute(&op) {
//!     Ok(reply) => println!("deleted {} face(s)", reply.face_number.unwrap_or(0)),
//!     Err(e) if e.code() == Some(&frs_types::ErrorCode::FieldNotFound) => println!("no such image"),
//!     Err(e) => return Err(e.into()),
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt;
use std::time::SystemTime;

use bytes::Bytes;
pub use frs_request::TransportLimits;
use frs_request::{
    Config, Operation, Reply, SyncTransport, TransportError, TransportErrorKind, execute_blocking,
};

/// The error of a call made with this crate.
pub type Error = frs_request::Error<UreqError>;

/// A failure of the HTTP exchange itself (the service's error answers are
/// [`frs_request::Error::Service`], not this).
#[derive(Debug)]
pub struct UreqError(ureq::Error);

impl UreqError {
    /// The underlying ureq error.
    pub fn inner(&self) -> &ureq::Error {
        &self.0
    }
}

impl fmt::Display for UreqError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for UreqError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

impl TransportError for UreqError {
    fn kind(&self) -> TransportErrorKind {
        use ureq::Error as E;
        match &self.0 {
            E::ConnectionFailed | E::HostNotFound => TransportErrorKind::Connect,
            E::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => TransportErrorKind::Connect,
            E::Timeout(ureq::Timeout::Resolve | ureq::Timeout::Connect) => TransportErrorKind::Connect,
            E::Timeout(_) => TransportErrorKind::Timeout,
            E::BodyExceedsLimit(_) => TransportErrorKind::BodyTooLarge,
            _ => TransportErrorKind::Other,
        }
    }
}

/// Sends requests with a [`ureq::Agent`], applying [`TransportLimits`] and the safe
/// settings to every request, whoever built the agent.
#[derive(Debug, Clone)]
pub struct UreqTransport {
    agent: ureq::Agent,
    limits: TransportLimits,
}

impl UreqTransport {
    /// A transport with a new agent.
    pub fn new(limits: TransportLimits) -> Self {
        Self::with_agent(ureq::Agent::new_with_defaults(), limits)
    }

    /// A transport over a caller-built agent (for a proxy, custom TLS roots, a shared
    /// connection pool). Error statuses, redirects, timeouts and the body cap are still
    /// set per request, overriding the agent's own settings.
    pub fn with_agent(agent: ureq::Agent, limits: TransportLimits) -> Self {
        Self { agent, limits }
    }

    /// The limits applied to every request.
    pub fn limits(&self) -> &TransportLimits {
        &self.limits
    }
}

impl Default for UreqTransport {
    fn default() -> Self {
        Self::new(TransportLimits::default())
    }
}

impl SyncTransport for UreqTransport {
    type Error = UreqError;

    fn send(&self, request: http::Request<Bytes>) -> Result<http::Response<Bytes>, UreqError> {
        let (parts, body) = request.into_parts();
        let request = self
            .agent
            .configure_request(http::Request::from_parts(parts, &body[..]))
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(self.limits.connect_timeout))
            .timeout_global(Some(self.limits.total_timeout))
            .build();
        let response = self.agent.run(request).map_err(UreqError)?;
        let (parts, mut body) = response.into_parts();
        let bytes =
            body.with_config().limit(self.limits.max_response_bytes).read_to_vec().map_err(UreqError)?;
        Ok(http::Response::from_parts(parts, Bytes::from(bytes)))
    }
}

/// A blocking FRS client: a [`Config`] and a [`UreqTransport`].
///
/// Each call builds and signs a fresh request per attempt, sends it, and retries as the
/// configuration's [`RetryPolicy`](frs_request::RetryPolicy) decides, sleeping the thread
/// in between.
#[derive(Debug, Clone)]
pub struct Client {
    config: Config,
    transport: UreqTransport,
}

impl Client {
    /// A client with default [`TransportLimits`].
    pub fn new(config: Config) -> Self {
        Self::with_transport(config, UreqTransport::default())
    }

    /// A client over a given transport (e.g. [`UreqTransport::with_agent`]).
    pub fn with_transport(config: Config, transport: UreqTransport) -> Self {
        Self { config, transport }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The transport.
    pub fn transport(&self) -> &UreqTransport {
        &self.transport
    }

    /// Runs an operation: its typed answer, or the error of the last attempt.
    ///
    /// # Errors
    /// [`Error`]: bad input (nothing sent), transport failure, the service's error answer,
    /// or an answer that is not the service's.
    pub fn execute<O: Operation + ?Sized>(&self, op: &O) -> Result<Reply<O::Output>, Error> {
        execute_blocking(&self.config, &self.transport, op, SystemTime::now, std::thread::sleep)
    }
}
