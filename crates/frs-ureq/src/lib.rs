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

use std::path::Path;

use bytes::Bytes;
pub use frs_request::TransportLimits;
use frs_request::faces::{FaceListing, ListingStep};
use frs_request::media_file::{self, MediaKind, ReadMediaError};
use frs_request::{
    BuildError, Config, Operation, Reply, SyncTransport, TransportError, TransportErrorKind, execute_blocking,
};
use frs_types::models::faces::FaceSetFace;
use frs_types::{FaceSetName, Image, ValidationError, Video};

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

    /// Every face of a face set, fetched `page_size` at a time as the iterator advances.
    ///
    /// The service lists at most the first 10 000 faces; when a set holds more, the last
    /// item is an [`BuildError::ListingDepth`] error rather than a silent end. After any
    /// error the iterator ends.
    ///
    /// # Errors
    /// A [`ValidationError`] for a `page_size` outside 1–10 000.
    pub fn faces(&self, face_set: FaceSetName, page_size: u32) -> Result<Faces<'_>, ValidationError> {
        Ok(Faces { client: self, listing: FaceListing::new(face_set, page_size)? })
    }
}

/// The faces of a face set, page by page ([`Client::faces`]).
#[derive(Debug)]
pub struct Faces<'a> {
    client: &'a Client,
    listing: FaceListing,
}

impl Iterator for Faces<'_> {
    type Item = Result<FaceSetFace, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.listing.next_step() {
                ListingStep::Face(face) => return Some(Ok(*face)),
                ListingStep::Fetch(op) => {
                    let page = self.client.execute(&op);
                    self.listing.receive(&page);
                    if let Err(e) = page {
                        return Some(Err(e));
                    }
                }
                ListingStep::DepthLimit => {
                    return Some(Err(Error::Build(BuildError::ListingDepth {
                        max: frs_request::faces::MAX_LISTING_DEPTH,
                    })));
                }
                ListingStep::Done => return None,
            }
        }
    }
}

/// Reads an image file and checks it (format by magic bytes, size) — the size before the
/// file is read.
///
/// # Errors
/// [`ReadMediaError`] when the file cannot be read or is not an acceptable image.
pub fn read_image(path: impl AsRef<Path>) -> Result<Image, ReadMediaError> {
    let path = path.as_ref();
    let len = std::fs::metadata(path).map_err(|e| media_file::io_error(path, e))?.len();
    media_file::check_size(path, MediaKind::Image, len)?;
    let bytes = std::fs::read(path).map_err(|e| media_file::io_error(path, e))?;
    media_file::image_from_file(path, bytes)
}

/// Reads a video file and checks it (container by magic bytes, size).
///
/// # Errors
/// [`ReadMediaError`] when the file cannot be read or is not an acceptable video.
pub fn read_video(path: impl AsRef<Path>) -> Result<Video, ReadMediaError> {
    let path = path.as_ref();
    let len = std::fs::metadata(path).map_err(|e| media_file::io_error(path, e))?.len();
    media_file::check_size(path, MediaKind::Video, len)?;
    let bytes = std::fs::read(path).map_err(|e| media_file::io_error(path, e))?;
    media_file::video_from_file(path, bytes)
}
