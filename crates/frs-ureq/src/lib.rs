//! Blocking transport for the Huawei Cloud Face Recognition Service (FRS) SDK, over
//! [`ureq`].
//!
//! The client, its requests, signatures, answers, retries and pagination all come from the
//! sans-IO core [`frs_request`]; this crate only sends bytes ([`UreqTransport`]) and names
//! the thread's clock and sleep ([`StdRuntime`]). It creates no async runtime.
//!
//! # When to use it
//!
//! Use this crate when your program is synchronous (a CLI, a batch job, a thread per
//! worker): [`Client`] is [`frs_request::BlockingClient`] over [`UreqTransport`]. For an
//! async program use `frs-reqwest` instead (same operations, same errors, same retries); to
//! send over an HTTP stack of your own, implement [`frs_request::SyncTransport`] (one
//! method) and use `BlockingClient` directly; to test exact requests without a socket, a
//! closure is a transport (see [`frs_request`]).
//!
//! Where to start: [`Client::new`](frs_request::BlockingClient::new) with a [`frs_request::Config`], then
//! [`Client::execute`](frs_request::BlockingClient::execute) with any operation of
//! [`frs_request::face_sets`], [`faces`](frs_request::faces),
//! [`search`](frs_request::search), [`detection`](frs_request::detection) or
//! [`liveness`](frs_request::liveness); [`Client::faces`](frs_request::BlockingClient::faces)
//! walks a face set page by page; [`read_image`] / [`read_video`] read and check media files.
//! Errors are [`Error`] (`frs_request::Error<UreqError>`).
//!
//! The agent is always used with safe settings: answers with an error status are returned
//! (never turned into a ureq error that loses the service's error body), redirects are not
//! followed (a signed request is never replayed elsewhere), every attempt has connect and
//! total timeouts, and answer bodies are capped ([`TransportLimits`]). TLS is rustls with
//! the bundled web PKI roots unless a feature says otherwise; no OpenSSL by default.
//!
//! # Example
//!
//! Against the in-process emulator (as in a test of your own code):
//!
//! ```
//! use frs_emulator::{Emulator, EmulatorConfig, SeededFace};
//! use frs_request::{faces::DeleteFaces, Config, Credentials, Endpoint};
//! use frs_types::ErrorCode;
//!
//! let emulator = Emulator::start(EmulatorConfig::default())?;
//! emulator.seed_face_set("staff", &[]);
//! emulator.seed_face("staff", SeededFace::new("img-1"));
//! let config = Config::new(Endpoint::parse(&emulator.endpoint())?,
//!                          EmulatorConfig::DEFAULT_PROJECT_ID.parse()?,
//!                          Credentials::token(EmulatorConfig::DEFAULT_TOKEN));
//! let client = frs_ureq::Client::new(config);
//!
//! let op = DeleteFaces::by_external_image_id("staff".parse()?, "img-1".parse()?);
//! let reply = client.execute(&op)?;
//! assert_eq!(reply.face_number, Some(1));
//! assert!(reply.request_id.is_some()); // for a support ticket
//! match client.execute(&op) {
//!     Err(e) if e.code() == Some(&ErrorCode::FieldNotFound) => {} // nothing left to delete
//!     other => panic!("{other:?}"),
//! }
//!
//! // Every face of a set, page by page (within the service's 10 000 bound).
//! emulator.seed_face("staff", SeededFace::new("img-2"));
//! let ids: Vec<_> = client.faces("staff".parse()?, 100)?
//!     .map(|face| face.map(|f| f.external_image_id))
//!     .collect::<Result<_, _>>()?;
//! assert_eq!(ids, [Some("img-2".to_owned())]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Against the service, the configuration names a region and real credentials (the
//! credential chain, `frs_request::chain`, finds them as the official SDKs do):
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
//! let op = DeleteFaces::by_field("showFaceSet".parse()?, "id".parse()?, "home".parse()?);
//! println!("deleted {:?} face(s)", client.execute(&op)?.face_number);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use frs_request::media_file::{FileMedia, MediaFile, ReadMediaError};
use frs_request::{BlockingClient, SyncTransport, TransportError, TransportErrorKind};
pub use frs_request::{StdRuntime, TransportLimits};
use frs_types::{Image, Video};
use http::uri::{Authority, Scheme, Uri};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs as Addrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// A blocking FRS client over ureq: [`frs_request::BlockingClient`] with a
/// [`UreqTransport`] and the thread's clock and sleep. `Client::new(config)`,
/// `Client::with_transport(config, transport)`, `client.execute(&op)`,
/// `client.faces(set, page_size)`.
pub type Client = BlockingClient<UreqTransport, StdRuntime>;

/// The faces of a face set, page by page ([`BlockingClient::faces`]).
pub type Faces<'a> = frs_request::client::Faces<'a, UreqTransport, StdRuntime>;

/// The error of a call made with this crate.
pub type Error = frs_request::Error<UreqError>;

/// A failure of the HTTP exchange itself (the service's error answers are
/// [`frs_request::Error::Service`], not this).
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct UreqError(#[from] ureq::Error);

impl UreqError {
    /// The underlying ureq error.
    pub fn inner(&self) -> &ureq::Error {
        &self.0
    }
}

impl TransportError for UreqError {
    fn kind(&self) -> TransportErrorKind {
        use {TransportErrorKind as K, ureq::Error as E, ureq::Timeout as T};
        match &self.0 {
            E::ConnectionFailed | E::HostNotFound | E::Timeout(T::Resolve | T::Connect) => K::Connect,
            E::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => K::Connect,
            E::Timeout(_) => K::Timeout,
            E::BodyExceedsLimit(_) => K::BodyTooLarge,
            _ => K::Other,
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
    /// A transport with a new agent, which resolves each host once a minute rather than on
    /// every call, and keeps up to 256 idle connections. ureq's own agent keeps 3 a host, so
    /// a client shared by more threads (a bulk run's workers) closed and reopened them —
    /// against the service, a TLS handshake each.
    pub fn new(limits: TransportLimits) -> Self {
        let pool = ureq::Agent::config_builder().max_idle_connections(256).max_idle_connections_per_host(256);
        let agent = ureq::Agent::with_parts(pool.build(), DefaultConnector::new(), CachedResolver::default());
        Self::with_agent(agent, limits)
    }

    /// A transport over a caller-built agent (for a proxy, custom TLS roots, a shared
    /// connection pool). Error statuses, redirects, timeouts and the body cap are still
    /// set per request, overriding the agent's own settings.
    pub fn with_agent(agent: ureq::Agent, limits: TransportLimits) -> Self {
        Self { agent, limits }
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
        let (parts, mut body) = self.agent.run(request)?.into_parts();
        let bytes = body.with_config().limit(self.limits.max_response_bytes).read_to_vec()?;
        Ok(http::Response::from_parts(parts, Bytes::from(bytes)))
    }
}

/// ureq resolves the host before it looks in its pool, so every call paid a lookup (and, with
/// a timeout set, a thread to enforce it) even over a pooled connection: this resolves the
/// last host once a minute. One entry, as a client talks to one endpoint (and now and then IAM).
#[derive(Debug, Default)]
struct CachedResolver(Mutex<Option<(Host, Instant, Addrs)>>);
type Host = (Option<Scheme>, Option<Authority>);

impl Resolver for CachedResolver {
    fn resolve(&self, uri: &Uri, cfg: &ureq::config::Config, t: NextTimeout) -> Result<Addrs, ureq::Error> {
        let key = (uri.scheme().cloned(), uri.authority().cloned());
        // Held across the lookup: threads wanting the same host wait for it instead of repeating it.
        let mut cache = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if !cache.as_ref().is_some_and(|(k, at, _)| *k == key && at.elapsed() < Duration::from_secs(60)) {
            *cache = Some((key, Instant::now(), DefaultResolver::default().resolve(uri, cfg, t)?));
        }
        cache.as_ref().map(|(.., addrs)| addrs.clone()).ok_or(ureq::Error::HostNotFound)
    }
}

/// Reads an image file and checks it (format by magic bytes, size) — the size before the
/// file is read.
///
/// # Errors
/// [`ReadMediaError`] when the file cannot be read or is not an acceptable image.
pub fn read_image(path: impl AsRef<Path>) -> Result<Image, ReadMediaError> {
    read(path.as_ref())
}

/// Reads a video file and checks it (container by magic bytes, size) — the size before
/// the file is read.
///
/// # Errors
/// [`ReadMediaError`] when the file cannot be read or is not an acceptable video.
pub fn read_video(path: impl AsRef<Path>) -> Result<Video, ReadMediaError> {
    read(path.as_ref())
}

fn read<M: FileMedia>(path: &Path) -> Result<M, ReadMediaError> {
    let file = MediaFile::new(path);
    file.check_len(std::fs::metadata(path).map(|m| m.len())).and_then(|()| file.finish(std::fs::read(path)))
}

// The crate README's example is compiled as a doc test (the package ships the README).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
