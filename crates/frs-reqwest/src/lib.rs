//! Async transport for the Huawei Cloud Face Recognition Service (FRS) SDK, over
//! [`reqwest`] and tokio.
//!
//! The requests, signatures, answers and retry decisions all come from the sans-IO core
//! [`frs_request`]; this crate only sends bytes and sleeps (with `tokio::time::sleep`)
//! between attempts. Futures are `Send`.
//!
//! The client it builds has safe settings: redirects are not followed (a signed request is
//! never replayed elsewhere), every attempt has connect and total timeouts, answer bodies
//! are capped ([`TransportLimits`]), and HTTP/1.1 is spoken as by the official SDKs (HTTP/2
//! with the `http2` feature). TLS is rustls unless a feature says otherwise; no OpenSSL by
//! default.
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
use std::time::SystemTime;

use bytes::{Bytes, BytesMut};
pub use frs_request::TransportLimits;
use frs_request::faces::{FaceListing, ListingStep};
use frs_request::media_file::{self, MediaKind, ReadMediaError};
use frs_request::{
    AsyncTransport, BuildError, Config, Operation, Reply, TransportError, TransportErrorKind, execute_async,
};
use frs_types::models::faces::FaceSetFace;
use frs_types::{FaceSetName, Image, ValidationError, Video};
use futures_util::Stream;

// The README's examples are compiled as doc tests here (this crate can see every crate they use).
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;

/// The error of a call made with this crate.
pub type Error = frs_request::Error<ReqwestError>;

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
    /// unless the `http2` feature is on.
    ///
    /// # Errors
    /// When reqwest cannot build a client (e.g. no TLS backend can be initialised).
    pub fn new(limits: TransportLimits) -> Result<Self, ReqwestError> {
        let builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(limits.connect_timeout)
            .timeout(limits.total_timeout);
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

    /// The limits applied to every request.
    pub fn limits(&self) -> &TransportLimits {
        &self.limits
    }
}

impl AsyncTransport for ReqwestTransport {
    type Error = ReqwestError;

    async fn send(&self, request: http::Request<Bytes>) -> Result<http::Response<Bytes>, ReqwestError> {
        let mut request = reqwest::Request::try_from(request.map(reqwest::Body::from))?;
        *request.timeout_mut() = Some(self.limits.total_timeout);
        let mut response = self.client.execute(request).await?;
        let limit = self.limits.max_response_bytes;
        if response.content_length().is_some_and(|len| len > limit) {
            return Err(ReqwestError::BodyTooLarge { limit });
        }
        let (status, version) = (response.status(), response.version());
        let headers = std::mem::take(response.headers_mut());
        let mut body = BytesMut::new();
        while let Some(chunk) = response.chunk().await? {
            if (body.len() + chunk.len()) as u64 > limit {
                return Err(ReqwestError::BodyTooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        let mut answer = http::Response::new(body.freeze());
        *answer.status_mut() = status;
        *answer.version_mut() = version;
        *answer.headers_mut() = headers;
        Ok(answer)
    }
}

/// An async FRS client: a [`Config`] and a [`ReqwestTransport`].
///
/// Each call builds and signs a fresh request per attempt, sends it, and retries as the
/// configuration's [`RetryPolicy`](frs_request::RetryPolicy) decides, sleeping with tokio
/// in between. Cloning is cheap and shares the connection pool.
#[derive(Debug, Clone)]
pub struct Client {
    config: Config,
    transport: ReqwestTransport,
}

impl Client {
    /// A client with default [`TransportLimits`].
    ///
    /// # Errors
    /// When reqwest cannot build its client.
    pub fn new(config: Config) -> Result<Self, ReqwestError> {
        Ok(Self::with_transport(config, ReqwestTransport::new(TransportLimits::default())?))
    }

    /// A client over a given transport (e.g. [`ReqwestTransport::with_client`]).
    pub fn with_transport(config: Config, transport: ReqwestTransport) -> Self {
        Self { config, transport }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The transport.
    pub fn transport(&self) -> &ReqwestTransport {
        &self.transport
    }

    /// Runs an operation: its typed answer, or the error of the last attempt.
    ///
    /// # Errors
    /// [`Error`]: bad input (nothing sent), transport failure, the service's error answer,
    /// or an answer that is not the service's.
    pub async fn execute<O: Operation + Sync + ?Sized>(&self, op: &O) -> Result<Reply<O::Output>, Error> {
        execute_async(&self.config, &self.transport, op, SystemTime::now, tokio::time::sleep).await
    }

    /// Every face of a face set, fetched `page_size` at a time as the stream is polled.
    ///
    /// The service lists at most the first 10 000 faces; when a set holds more, the last
    /// item is a [`BuildError::ListingDepth`] error rather than a silent end. After any
    /// error the stream ends.
    ///
    /// # Errors
    /// A [`ValidationError`] for a `page_size` outside 1–10 000.
    pub fn faces(
        &self,
        face_set: FaceSetName,
        page_size: u32,
    ) -> Result<impl Stream<Item = Result<FaceSetFace, Error>> + Send + '_, ValidationError> {
        let listing = FaceListing::new(face_set, page_size)?;
        Ok(futures_util::stream::unfold(listing, move |mut listing| async move {
            loop {
                match listing.next_step() {
                    ListingStep::Face(face) => return Some((Ok(*face), listing)),
                    ListingStep::Fetch(op) => {
                        let page = self.execute(&op).await;
                        listing.receive(&page);
                        if let Err(e) = page {
                            return Some((Err(e), listing));
                        }
                    }
                    ListingStep::DepthLimit => {
                        let max = frs_request::faces::MAX_LISTING_DEPTH;
                        return Some((Err(Error::Build(BuildError::ListingDepth { max })), listing));
                    }
                    ListingStep::Done => return None,
                }
            }
        }))
    }
}

/// Reads an image file and checks it (format by magic bytes, size) — the size before the
/// file is read.
///
/// # Errors
/// [`ReadMediaError`] when the file cannot be read or is not an acceptable image.
pub async fn read_image(path: impl AsRef<Path>) -> Result<Image, ReadMediaError> {
    let path = path.as_ref();
    let len = tokio::fs::metadata(path).await.map_err(|e| media_file::io_error(path, e))?.len();
    media_file::check_size(path, MediaKind::Image, len)?;
    let bytes = tokio::fs::read(path).await.map_err(|e| media_file::io_error(path, e))?;
    media_file::image_from_file(path, bytes)
}

/// Reads a video file and checks it (container by magic bytes, size).
///
/// # Errors
/// [`ReadMediaError`] when the file cannot be read or is not an acceptable video.
pub async fn read_video(path: impl AsRef<Path>) -> Result<Video, ReadMediaError> {
    let path = path.as_ref();
    let len = tokio::fs::metadata(path).await.map_err(|e| media_file::io_error(path, e))?.len();
    media_file::check_size(path, MediaKind::Video, len)?;
    let bytes = tokio::fs::read(path).await.map_err(|e| media_file::io_error(path, e))?;
    media_file::video_from_file(path, bytes)
}
