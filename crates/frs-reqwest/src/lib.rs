//! Async transport for the Huawei Cloud Face Recognition Service (FRS) SDK, over
//! [`reqwest`] and tokio.
//!
//! The client, its requests, signatures, answers, retries and pagination all come from the
//! sans-IO core [`frs_request`]; this crate only sends bytes ([`ReqwestTransport`]) and
//! names tokio's clock and sleep ([`TokioRuntime`]). Futures are `Send`.
//!
//! # When to use it
//!
//! Use this crate when your program is async on tokio: [`Client`] is
//! [`frs_request::AsyncClient`] over [`ReqwestTransport`], cheap to clone (clones share the
//! connection pool, the token cache and the retry budget). For a synchronous program use
//! `frs-ureq` instead (same operations, same errors, same retries); for another async HTTP
//! stack implement [`frs_request::AsyncTransport`] (one method) and use `AsyncClient`
//! directly (`frs-conformance`'s `hyper` example does).
//!
//! Where to start: [`Client::new`](frs_request::AsyncClient::new) with a
//! [`frs_request::Config`], then [`Client::execute`](frs_request::AsyncClient::execute)
//! with any operation of [`frs_request::face_sets`], [`faces`](frs_request::faces),
//! [`search`](frs_request::search), [`detection`](frs_request::detection) or
//! [`liveness`](frs_request::liveness); [`Client::faces`](frs_request::AsyncClient::faces)
//! is a stream of a face set's faces; [`read_image`] / [`read_video`] read and check media
//! files with `tokio::fs`. Errors are [`Error`] (`frs_request::Error<ReqwestError>`).
//!
//! The client it builds has safe settings: redirects are not followed (a signed request is
//! never replayed elsewhere), every attempt has connect and total timeouts, answer bodies
//! are capped ([`TransportLimits`]), and HTTP/1.1 is spoken as by the official SDKs (HTTP/2
//! with the `http2` feature). TLS is rustls unless a feature says otherwise; no OpenSSL by
//! default.
//!
//! # Example
//!
//! Against the in-process emulator (as in a test of your own code):
//!
//! ```
//! use frs_emulator::{Emulator, EmulatorConfig, SeededFace};
//! use frs_request::{faces::DeleteFaces, Config, Credentials, Endpoint};
//!
//! # #[tokio::main]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = Emulator::start(EmulatorConfig::default())?; // its own thread and runtime
//! emulator.seed_face_set("staff", &[]);
//! emulator.seed_face("staff", SeededFace::new("img-1"));
//! let config = Config::new(
//!     Endpoint::parse(&emulator.endpoint())?,
//!     EmulatorConfig::DEFAULT_PROJECT_ID.parse()?,
//!     Credentials::access_key(EmulatorConfig::DEFAULT_ACCESS_KEY, EmulatorConfig::DEFAULT_SECRET_KEY),
//! );
//! let client = frs_reqwest::Client::new(config)?;
//! let op = DeleteFaces::by_external_image_id("staff".parse()?, "img-1".parse()?);
//! let reply = client.execute(&op).await?;
//! assert_eq!(reply.face_number, Some(1));
//! assert_eq!(emulator.face_count("staff"), Some(0));
//! # Ok(()) }
//! ```
//!
//! Against the service, the configuration names a region and real credentials:
//!
//! ```no_run
//! use frs_request::{faces::DeleteFaces, Config, Credentials};
//! use frs_types::Region;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config = Config::for_region(
//!     &Region::CN_NORTH_4,
//!     std::env::var("HUAWEICLOUD_SDK_PROJECT_ID")?.parse()?,
//!     Credentials::access_key(std::env::var("HUAWEICLOUD_SDK_AK")?, std::env::var("HUAWEICLOUD_SDK_SK")?),
//! );
//! let client = frs_reqwest::Client::new(config)?;
//! let op = DeleteFaces::by_field("showFaceSet".parse()?, "id".parse()?, "home".parse()?);
//! let reply = client.execute(&op).await?;
//! println!("deleted {} face(s), request {:?}", reply.face_number.unwrap_or(0), reply.request_id);
//! # Ok(()) }
//! ```

#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
pub use frs_request::TransportLimits;
use frs_request::media_file::{FileMedia, MediaFile, ReadMediaError};
use frs_request::{AsyncClient, AsyncRuntime, AsyncTransport, TransportError, TransportErrorKind};
use frs_types::{Image, Video};

/// An async FRS client over reqwest: [`frs_request::AsyncClient`] with a
/// [`ReqwestTransport`] and tokio's clock and sleep. `Client::new(config)?`,
/// `Client::with_transport(config, transport)`, `client.execute(&op).await`,
/// `client.faces(set, page_size)` (a stream). Cloning is cheap and shares the pool.
pub type Client = AsyncClient<ReqwestTransport, TokioRuntime>;

/// The error of a call made with this crate.
pub type Error = frs_request::Error<ReqwestError>;

/// The runtime of an async client: the system clock and `tokio::time::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioRuntime;

impl AsyncRuntime for TokioRuntime {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
    fn sleep(&self, wait: Duration) -> impl Future<Output = ()> + Send {
        tokio::time::sleep(wait)
    }
}

/// A failure of the HTTP exchange itself (the service's error answers are
/// [`frs_request::Error::Service`], not this).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReqwestError {
    /// reqwest failed: connection, TLS, timeout, protocol.
    #[error(transparent)]
    Http(#[from] reqwest::Error),
    /// The answer's body is larger than the cap.
    #[error("the answer body exceeds the limit of {limit} bytes")]
    BodyTooLarge {
        /// The cap, in bytes.
        limit: u64,
    },
}

impl TransportError for ReqwestError {
    fn kind(&self) -> TransportErrorKind {
        match self {
            Self::Http(e) if e.is_connect() => TransportErrorKind::Connect,
            Self::Http(e) if e.is_timeout() => TransportErrorKind::Timeout,
            Self::Http(_) => TransportErrorKind::Other,
            Self::BodyTooLarge { .. } => TransportErrorKind::BodyTooLarge,
        }
    }
}

/// Sends requests with a [`reqwest::Client`], applying [`TransportLimits`].
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    limits: TransportLimits,
}

impl ReqwestTransport {
    /// A transport with a new client: no redirects, the limits' connect timeout, HTTP/1.1
    /// unless the `http2` feature is on (the total timeout is set on each request, by
    /// `send`).
    ///
    /// # Errors
    /// When reqwest cannot build a client (e.g. no TLS backend can be initialised).
    pub fn new(limits: TransportLimits) -> Result<Self, ReqwestError> {
        let builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(limits.connect_timeout);
        #[cfg(not(feature = "http2"))]
        let builder = builder.http1_only();
        Ok(Self::with_client(builder.build()?, limits))
    }

    /// A transport over a caller-built client (for a proxy, custom TLS, a shared pool).
    ///
    /// The total timeout and the body cap are applied per request. Redirect and connect
    /// settings belong to the client: build it with `redirect(Policy::none())`, since a
    /// signed request must not be replayed to another URL.
    pub fn with_client(client: reqwest::Client, limits: TransportLimits) -> Self {
        Self { client, limits }
    }
}

impl AsyncTransport for ReqwestTransport {
    type Error = ReqwestError;

    async fn send(&self, request: http::Request<Bytes>) -> Result<http::Response<Bytes>, ReqwestError> {
        let mut request = reqwest::Request::try_from(request.map(reqwest::Body::from))?;
        *request.timeout_mut() = Some(self.limits.total_timeout);
        let mut response = self.client.execute(request).await?;
        let limit = self.limits.max_response_bytes;
        // Checked against the declared length first, then as the body arrives.
        let fits = |len: u64| (len <= limit).then_some(()).ok_or(ReqwestError::BodyTooLarge { limit });
        fits(response.content_length().unwrap_or(0))?;
        let (mut head, ()) = http::Response::new(()).into_parts();
        (head.status, head.version) = (response.status(), response.version());
        head.headers = std::mem::take(response.headers_mut());
        let mut body = BytesMut::new();
        while let Some(chunk) = response.chunk().await? {
            fits((body.len() + chunk.len()) as u64)?;
            body.extend_from_slice(&chunk);
        }
        Ok(http::Response::from_parts(head, body.freeze()))
    }
}

impl TryFrom<TransportLimits> for ReqwestTransport {
    type Error = ReqwestError;
    fn try_from(limits: TransportLimits) -> Result<Self, ReqwestError> {
        Self::new(limits)
    }
}

/// Reads an image file and checks it (format by magic bytes, size) — the size before the
/// file is read.
///
/// # Errors
/// [`ReadMediaError`] when the file cannot be read or is not an acceptable image.
pub async fn read_image(path: impl AsRef<Path>) -> Result<Image, ReadMediaError> {
    read(path.as_ref()).await
}

/// Reads a video file and checks it (container by magic bytes, size) — the size before
/// the file is read.
///
/// # Errors
/// [`ReadMediaError`] when the file cannot be read or is not an acceptable video.
pub async fn read_video(path: impl AsRef<Path>) -> Result<Video, ReadMediaError> {
    read(path.as_ref()).await
}

async fn read<M: FileMedia>(path: &Path) -> Result<M, ReadMediaError> {
    let file = MediaFile::new(path);
    file.check_len(tokio::fs::metadata(path).await.map(|m| m.len()))?;
    file.finish(tokio::fs::read(path).await)
}

// The crate README's example is compiled as a doc test (the package ships the README).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
